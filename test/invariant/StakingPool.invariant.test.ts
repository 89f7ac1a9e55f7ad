import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import { DEFAULT_REWARD_PERIOD } from "../../deploy/staking";
import { COOLDOWN, STAKER_BALANCE, stakingFixture } from "../fixtures/staking";
import { Q } from "../helpers/rational";
import { normalize } from "../helpers/normalize";

/*
 * Random sequences of stakes, unstake requests, withdrawals (early, at readyAt to the second, late), claims,
 * notifications (authorized or not, paid or not, to an empty pool or not, of nothing, of a few wei or of many OPEN),
 * OPEN sent to the pool directly and recovered, sweeps and time jumps (a second, an hour, within a period, a period,
 * a week) by four accounts, against a model in exact rationals. Every outcome is predicted first: a revert must be the
 * predicted custom error with its arguments, a success must emit exactly the predicted events.
 *
 * The model follows the interface's rule in integers: periods of REWARD_PERIOD seconds; what was notified during a
 * period streams over the next at `queued × 1e18 / period` (remainder carried to the next period's rate), started at
 * the first update after the period ended; between updates `rate × seconds` plus the carried remainder is divided by
 * the total stake (remainder carried), or kept as undistributed while nothing is staked. From it, it predicts the
 * accumulator, the rate, the period end, the queued amount and every account's earnings to the wei. Independently, it
 * keeps per account, in exact rationals:
 * - `ideal`: the integral over time of stake_a / totalStaked × queued_k / period, for every period k: the account's
 *   stake × time share of each stream, with no rounding;
 * - `spread`: stake_a × Δaccumulator / 1e18 over every update, what the rule actually handed it;
 * - `carriedIn` / `carriedOut`: its share of the remainders carried into and out of each update, and of the
 *   difference between a period's integer rate and its exact one; so that spread = ideal + carriedIn − carriedOut.
 * After every step: an account's total earnings (claimed + earned) lie in (spread − changes − 1, spread] and in
 * (ideal − carriedOut − changes − 1, ideal + carriedIn], with `changes` the stake changes and claims that rounded its
 * earnings down; OPEN is conserved to the wei: the pool holds the principal (stake and unstaking OPEN), the unclaimed
 * earnings, the undistributed rewards, what has not streamed yet (queued, the rest of the running period, the carried
 * remainders) and the accounts' rounding dust, plus the excess sent to it directly; total paid and owed never exceeds
 * what was notified and streamed to stake; a withdrawal before readyAt (tried at readyAt − 1 to the second) and a
 * notification of OPEN not sent (beyond the excess) revert.
 */

const E18 = 10n ** 18n;
const ACCOUNTS = 4;
const PERIOD = DEFAULT_REWARD_PERIOD;

type Action =
  | { kind: "stake"; who: number; amount: bigint }
  | { kind: "unstake"; who: number; anyone: boolean; part: "zero" | "all" | "some" | "tooMuch"; numerator: bigint }
  | { kind: "withdraw"; who: number; anyone: boolean; timing: "now" | "justBefore" | "atReadyAt" }
  | { kind: "claim"; who: number; anyone: boolean }
  | { kind: "notify"; amount: bigint; authorized: boolean; paid: boolean }
  | { kind: "donate"; amount: bigint }
  | { kind: "recover" }
  | { kind: "sweep" }
  | { kind: "wait"; seconds: bigint };

const who = fc.nat(ACCOUNTS - 1);
/** Whether an unstake, withdrawal or claim is by any account, or (mostly) by one that has something to act on. */
const anyone = fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 4, arbitrary: fc.constant(false) });
/** A few wei (where rounding shows), or up to `max`, or nothing. */
const amount = (max: bigint) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.bigInt(1n, 1_000n) },
    { weight: 6, arbitrary: fc.bigInt(1n, max) },
    { weight: 1, arbitrary: fc.constant(0n) },
  );
const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("stake" as const), who, amount: amount(500n * E18) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("unstake" as const),
      who,
      anyone,
      part: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom<("all" | "some")[]>("some", "some", "all") },
        { weight: 1, arbitrary: fc.constantFrom<("zero" | "tooMuch")[]>("zero", "tooMuch") },
      ),
      numerator: fc.bigInt(1n, 999n),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("withdraw" as const),
      who,
      anyone,
      timing: fc.constantFrom<("now" | "justBefore" | "atReadyAt")[]>("now", "justBefore", "atReadyAt"),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("claim" as const), who, anyone }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("notify" as const),
      amount: amount(50n * E18),
      authorized: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      paid: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("donate" as const), amount: amount(20n * E18) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("recover" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("sweep" as const) }) },
  {
    weight: 7,
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      seconds: fc.oneof(
        fc.constantFrom(1n, 3_600n, PERIOD - 1n, PERIOD, COOLDOWN - 1n, COOLDOWN),
        fc.bigInt(2n, PERIOD),
      ),
    }),
  },
);

/** Most runs open with a few stakes, so that streams mostly meet stake; the rest start from an empty pool. */
const runArbitrary: fc.Arbitrary<Action[]> = fc
  .tuple(
    fc.array(fc.record({ kind: fc.constant("stake" as const), who, amount: fc.bigInt(1n, 500n * E18) }), {
      maxLength: 3,
    }),
    fc.array(actionArbitrary, { minLength: 20, maxLength: 40 }),
  )
  .map(([opening, actions]) => [...opening, ...actions]);

interface AccountModel {
  staked: bigint;
  unstaking: bigint;
  readyAt: bigint;
  claimed: bigint;
  /** OPEN pulled by its stakes so far: the fixture approved {@link STAKER_BALANCE} in all. */
  pulled: bigint;
  /** Stake changes and claims: each may round the account's earnings down by less than one wei. */
  changes: bigint;
  /** Rewards credited at its last checkpoint, and the accumulator then: the contract's own bookkeeping. */
  owed: bigint;
  paid: bigint;
  ideal: Q;
  spread: Q;
  carriedIn: Q;
  carriedOut: Q;
}

/** The stream and the accumulator, as the contract stores them. */
interface StreamModel {
  perToken: bigint;
  totalStaked: bigint;
  rate: bigint;
  /** The running period's exact rate, queued / period, in wei per second. */
  exactRate: Q;
  periodEnd: bigint;
  updatedAt: bigint;
  rateCarry: bigint;
  remainder: bigint;
  notifiedAtRoll: bigint;
  undistributed: bigint;
}

/** A stretch of time streamed at an integer rate (wei × 1e18 per second) whose exact value is `exact`. */
interface Stretch {
  seconds: bigint;
  rate: bigint;
  exact: Q;
}

/**
 * The stream brought up to `t` by the interface's rule (what the contract's update and views compute), the stretches
 * it streamed, and the period it started, if any: `[periodEnd, amount, rate]`.
 */
function advance(s: StreamModel, notified: bigint, t: bigint) {
  const next = { ...s };
  const stretches: Stretch[] = [];
  let started: [bigint, bigint, bigint] | undefined;
  if (t === s.updatedAt) return { next, stretches, started };
  if (t < s.periodEnd) {
    stretches.push({ seconds: t - s.updatedAt, rate: s.rate, exact: s.exactRate });
  } else {
    stretches.push({ seconds: s.periodEnd - s.updatedAt, rate: s.rate, exact: s.exactRate });
    const queued = notified - s.notifiedAtRoll;
    const scaled = queued * E18 + s.rateCarry;
    const rate = scaled / PERIOD;
    const exact = Q.of(queued, PERIOD);
    next.notifiedAtRoll = notified;
    next.rateCarry = scaled % PERIOD;
    if (t < s.periodEnd + PERIOD) {
      stretches.push({ seconds: t - s.periodEnd, rate, exact });
      [next.rate, next.exactRate] = [rate, exact];
    } else {
      stretches.push({ seconds: PERIOD, rate, exact });
      [next.rate, next.exactRate] = [0n, Q.ZERO];
    }
    if (queued !== 0n) started = [s.periodEnd + PERIOD, queued, rate];
    next.periodEnd = s.periodEnd + PERIOD * ((t - s.periodEnd) / PERIOD + 1n);
  }
  const streamed = stretches.reduce((sum, x) => sum + x.seconds * x.rate, s.remainder);
  next.updatedAt = t;
  if (s.totalStaked === 0n) {
    next.undistributed += streamed / E18;
    next.remainder = streamed % E18;
  } else {
    next.perToken += streamed / s.totalStaked;
    next.remainder = streamed % s.totalStaked;
  }
  return { next, stretches, started };
}

/** `m` after an update that took the stream from `before` to `after` over `stretches` (its stake unchanged). */
function credited(m: AccountModel, before: StreamModel, after: StreamModel, stretches: Stretch[]): AccountModel {
  if (m.staked === 0n || before.totalStaked === 0n) return m;
  const share = Q.of(m.staked, before.totalStaked);
  let ideal = Q.ZERO;
  let deviation = Q.ZERO;
  for (const x of stretches) {
    const exact = x.exact.mul(Q.of(x.seconds));
    ideal = ideal.add(exact);
    deviation = deviation.add(Q.of(x.rate * x.seconds, E18).sub(exact));
  }
  const up = deviation.cmp(Q.ZERO) > 0 ? deviation : Q.ZERO;
  const down = deviation.cmp(Q.ZERO) < 0 ? Q.ZERO.sub(deviation) : Q.ZERO;
  return {
    ...m,
    ideal: m.ideal.add(ideal.mul(share)),
    spread: m.spread.add(Q.of(m.staked * (after.perToken - before.perToken), E18)),
    carriedIn: m.carriedIn.add(Q.of(before.remainder, E18).add(up).mul(share)),
    carriedOut: m.carriedOut.add(Q.of(after.remainder, E18).add(down).mul(share)),
  };
}

/** What `m` could claim once the accumulator is at `perToken`. */
function earnedOf(m: AccountModel, perToken: bigint): bigint {
  return m.owed + (m.staked * (perToken - m.paid)) / E18;
}

type Expected = { revert: { name: string; args: unknown[] } } | { events: [string, unknown[]][]; apply: () => void };

describe("StakingPool invariants", function () {
  it("pays each account its exact stake × time share of every stream within the documented dust and conserves OPEN", async function () {
    let steps = 0;
    let streamedToStake = 0;
    await fc.assert(
      fc.asyncProperty(runArbitrary, async (actions) => {
        const f = await loadFixture(stakingFixture);
        const { pool, open, notifier, owner, outsider, deployer, poolAddress } = f;
        const accounts: HardhatEthersSigner[] = [f.alice, f.bob, f.carol, f.dave];

        let model: AccountModel[] = accounts.map(() => ({
          staked: 0n,
          unstaking: 0n,
          readyAt: 0n,
          claimed: 0n,
          pulled: 0n,
          changes: 0n,
          owed: 0n,
          paid: 0n,
          ideal: Q.ZERO,
          spread: Q.ZERO,
          carriedIn: Q.ZERO,
          carriedOut: Q.ZERO,
        }));
        let stream: StreamModel = {
          perToken: 0n,
          totalStaked: 0n,
          rate: 0n,
          exactRate: Q.ZERO,
          periodEnd: await pool.periodEnd(),
          updatedAt: (await pool.periodEnd()) - PERIOD,
          rateCarry: 0n,
          remainder: 0n,
          notifiedAtRoll: 0n,
          undistributed: 0n,
        };
        let notified = 0n;
        let released = 0n;
        let principal = 0n;
        let held = 0n;
        let swept = 0n;
        let clock = BigInt(await time.latest());

        /** Account `who`, or with `anyone` false the `who`-th (cyclically) of those that satisfy `has`, if any. */
        function pick(action: { who: number; anyone: boolean }, has: (m: AccountModel) => boolean): number {
          const candidates = [...model.keys()].filter((i) => has(model[i]));
          return action.anyone || candidates.length === 0 ? action.who : candidates[action.who % candidates.length];
        }

        const fail = (name: string, ...args: unknown[]): Expected => ({ revert: { name, args } });

        /**
         * Predicts an update at `t` (the next block) followed by the action's own events: returns the events the
         * update emits and a function that commits it to the model.
         */
        function update(t: bigint) {
          const { next, stretches, started } = advance(stream, notified, t);
          const events: [string, unknown[]][] = started ? [["RewardPeriodStarted", started]] : [];
          const commit = () => {
            model = model.map((m) => credited(m, stream, next, stretches));
            stream = next;
          };
          return { next, events, commit };
        }

        /** Credits account `i`'s pending rewards and moves its checkpoint, as a change of stake or a claim does. */
        function checkpoint(i: number) {
          const m = model[i];
          m.owed = earnedOf(m, stream.perToken);
          m.paid = stream.perToken;
        }

        async function execute(send: () => Promise<ContractTransactionResponse>, expected: Expected) {
          clock += 1n;
          await time.setNextBlockTimestamp(clock);
          if ("revert" in expected) {
            await expect(send())
              .to.be.revertedWithCustomError(pool, expected.revert.name)
              .withArgs(...expected.revert.args);
            return;
          }
          const receipt = (await (await send()).wait())!;
          const events = receipt.logs
            .filter((log) => log.address.toLowerCase() === poolAddress.toLowerCase())
            .map((log) => {
              const parsed = pool.interface.parseLog(log)!;
              return [parsed.name, [...parsed.args]];
            });
          expect(normalize(events)).to.deep.equal(normalize(expected.events));
          expected.apply();
        }

        async function step(action: Action) {
          const t = clock + 1n;
          switch (action.kind) {
            case "stake": {
              const a = accounts[action.who];
              const m = model[action.who];
              // Within the allowance left (which the wallet always covers).
              const amount = action.amount < STAKER_BALANCE - m.pulled ? action.amount : STAKER_BALANCE - m.pulled;
              if (action.amount > 0n && amount === 0n) return;
              let expected: Expected;
              if (amount === 0n) expected = fail("StakingZeroAmount");
              else {
                const u = update(t);
                expected = {
                  events: [...u.events, ["Staked", [a.address, amount, stream.totalStaked + amount]]],
                  apply: () => {
                    u.commit();
                    const before = earnedOf(model[action.who], stream.perToken);
                    checkpoint(action.who);
                    const n = model[action.who];
                    if (n.staked > 0n) n.changes += 1n;
                    n.staked += amount;
                    n.pulled += amount;
                    stream.totalStaked += amount;
                    principal += amount;
                    held += amount;
                    // Stake that arrives gets nothing of what streamed before it.
                    expect(earnedOf(n, stream.perToken)).to.equal(before);
                  },
                };
              }
              return execute(() => pool.connect(a).stake(amount), expected);
            }
            case "unstake": {
              const i = pick(action, (m) => m.staked > 0n);
              const a = accounts[i];
              const m = model[i];
              const requested = {
                zero: 0n,
                all: m.staked,
                some: (m.staked * action.numerator) / 1_000n,
                tooMuch: m.staked + 1n,
              }[action.part];
              let expected: Expected;
              if (requested === 0n) expected = fail("StakingZeroAmount");
              else if (requested > m.staked) expected = fail("StakingInsufficientStake", requested, m.staked);
              else {
                const readyAt = t + COOLDOWN;
                const u = update(t);
                expected = {
                  events: [...u.events, ["UnstakeRequested", [a.address, requested, m.unstaking + requested, readyAt]]],
                  apply: () => {
                    u.commit();
                    checkpoint(i);
                    const n = model[i];
                    n.changes += 1n;
                    n.staked -= requested;
                    n.unstaking += requested;
                    n.readyAt = readyAt;
                    stream.totalStaked -= requested;
                  },
                };
              }
              return execute(() => pool.connect(a).requestUnstake(requested), expected);
            }
            case "withdraw": {
              const i = pick(action, (m) => m.unstaking > 0n);
              const a = accounts[i];
              const m = model[i];
              if (m.unstaking > 0n && action.timing !== "now") {
                const at = m.readyAt - (action.timing === "justBefore" ? 1n : 0n);
                if (at > clock + 1n) clock = at - 1n;
              }
              let expected: Expected;
              if (m.unstaking === 0n) expected = fail("StakingNothingToWithdraw", a.address);
              else if (clock + 1n < m.readyAt) expected = fail("StakingCooldownActive", m.readyAt);
              else {
                const paid = m.unstaking;
                expected = {
                  events: [["Withdrawn", [a.address, paid]]],
                  apply: () => {
                    m.unstaking = 0n;
                    m.readyAt = 0n;
                    principal -= paid;
                    held -= paid;
                  },
                };
              }
              return execute(() => pool.connect(a).withdraw(), expected);
            }
            case "claim": {
              const u = update(t);
              const i = pick(action, (m) => earnedOf(m, u.next.perToken) > 0n);
              const a = accounts[i];
              const due = earnedOf(model[i], u.next.perToken);
              const expected: Expected =
                due === 0n
                  ? fail("StakingNothingToClaim", a.address)
                  : {
                      events: [...u.events, ["RewardClaimed", [a.address, due]]],
                      apply: () => {
                        u.commit();
                        checkpoint(i);
                        const n = model[i];
                        n.changes += 1n;
                        n.owed = 0n;
                        n.claimed += due;
                        released += due;
                        held -= due;
                      },
                    };
              return execute(() => pool.connect(a).claimRewards(), expected);
            }
            case "notify": {
              const caller = action.authorized ? notifier : outsider;
              if (!action.authorized) {
                return execute(
                  () => pool.connect(caller).notifyReward(action.amount),
                  fail("StakingUnauthorizedNotifier", outsider.address),
                );
              }
              if (action.paid) {
                clock += 1n;
                await time.setNextBlockTimestamp(clock);
                await (await open.connect(notifier).transfer(poolAddress, action.amount)).wait();
                held += action.amount;
              }
              const available = held - principal - (notified - released);
              const expected: Expected =
                action.amount > available
                  ? fail("StakingRewardNotReceived", action.amount, available)
                  : { events: [["RewardNotified", [action.amount]]], apply: () => void (notified += action.amount) };
              return execute(() => pool.connect(caller).notifyReward(action.amount), expected);
            }
            case "donate": {
              clock += 1n;
              await time.setNextBlockTimestamp(clock);
              await (await open.connect(deployer).transfer(poolAddress, action.amount)).wait();
              held += action.amount;
              return;
            }
            case "recover": {
              const excess = held - principal - (notified - released);
              const expected: Expected =
                excess === 0n
                  ? fail("StakingNothingToRecover")
                  : {
                      events: [["ExcessRecovered", [owner.address, excess]]],
                      apply: () => void (held -= excess),
                    };
              return execute(() => pool.connect(owner).recoverExcess(owner.address), expected);
            }
            case "sweep": {
              const u = update(t);
              const amount = u.next.undistributed;
              return execute(() => pool.connect(owner).sweepUndistributed(owner.address), {
                events: [...u.events, ["UndistributedSwept", [owner.address, amount]]],
                apply: () => {
                  u.commit();
                  stream.undistributed = 0n;
                  swept += amount;
                  released += amount;
                  held -= amount;
                },
              });
            }
            case "wait":
              clock += action.seconds;
              return;
          }
        }

        async function checkInvariants() {
          const now = BigInt(await time.latest());
          const { next: view, stretches } = advance(stream, notified, now);
          const accrued = model.map((m) => credited(m, stream, view, stretches));
          const [positions, earned, wallets, chain] = await Promise.all([
            Promise.all(accounts.map((a) => pool.position(a.address))),
            Promise.all(accounts.map((a) => pool.earned(a.address))),
            Promise.all(accounts.map((a) => open.balanceOf(a.address))),
            Promise.all([
              pool.totalStaked(),
              pool.rewardPerToken(),
              pool.undistributed(),
              pool.rewardRate(),
              pool.periodEnd(),
              pool.queuedRewards(),
              pool.principal(),
              pool.outstandingRewards(),
              pool.excess(),
              open.balanceOf(poolAddress),
            ]),
          ]);
          const queued = notified - view.notifiedAtRoll;
          const outstanding = notified - released;
          expect(chain).to.deep.equal(
            [
              view.totalStaked,
              view.perToken,
              view.undistributed,
              view.rate,
              view.periodEnd,
              queued,
              principal,
              outstanding,
              held - principal - outstanding,
              held,
            ],
            "total staked, reward per token, undistributed, rate, period end, queued, principal, outstanding, " +
              "excess and OPEN held, by the documented rule",
          );

          // What has not reached the accounts yet: queued, the rest of the running period, the carried remainders.
          let dust = Q.of(queued * E18 + view.rate * (view.periodEnd - now) + view.rateCarry + view.remainder, E18);
          let owed = view.undistributed;
          let earnedEver = 0n;
          let principalHeld = view.totalStaked;
          for (const [i, m] of accrued.entries()) {
            const p = positions[i];
            expect([p.staked, p.unstaking, p.unstakeReadyAt]).to.deep.equal(
              [m.staked, m.unstaking, m.readyAt],
              `position of account ${i}`,
            );
            expect(earned[i]).to.equal(earnedOf(m, view.perToken), `earned by account ${i}`);
            const total = Q.of(m.claimed + earned[i]);
            const slack = Q.of(m.changes + 1n);
            // Never above the exact share of what the rule handed out, and below it by less than one wei per change.
            expect(total.cmp(m.spread)).to.be.at.most(0, `account ${i} earned ${total} > spread ${m.spread}`);
            expect(m.spread.sub(total).cmp(slack)).to.equal(-1, `account ${i} lost a wei or more`);
            // Its stake × time share of every stream, give or take its share of the carried remainders.
            expect(m.spread.cmp(m.ideal.add(m.carriedIn).sub(m.carriedOut))).to.equal(0, `spread of account ${i}`);
            expect(total.cmp(m.ideal.add(m.carriedIn))).to.be.at.most(0, `account ${i} above ideal + carried in`);
            expect(m.ideal.sub(m.carriedOut).sub(total).cmp(slack)).to.equal(-1, `account ${i} below its ideal`);
            // What it paid in came back (withdrawn) or is still in the pool; rewards came on top.
            expect(wallets[i]).to.equal(STAKER_BALANCE - m.staked - m.unstaking + m.claimed, `wallet of ${i}`);
            dust = dust.add(m.spread.sub(total));
            owed += earned[i];
            earnedEver += m.claimed + earned[i];
            principalHeld += m.unstaking;
            if (m.ideal.cmp(Q.ZERO) > 0) streamedToStake += 1;
          }
          expect(principalHeld).to.equal(principal, "principal = staked + unstaking");
          expect(earnedEver).to.be.at.most(notified - view.undistributed - swept, "paid and owed within the notified");
          // OPEN conserved: the outstanding rewards are the unclaimed earnings, the undistributed rewards and what has
          // not streamed or was rounded away, to the wei.
          expect(Q.of(outstanding - owed).cmp(dust)).to.equal(0, `outstanding ${outstanding} − owed ${owed} ≠ ${dust}`);
        }

        for (const action of actions) {
          await step(action);
          await checkInvariants();
          steps += 1;
        }
      }),
      { seed: 20_240_622, numRuns: 12 },
    );
    expect(steps).to.be.greaterThan(0);
    expect(streamedToStake).to.be.greaterThan(0, "some streams reached stake");
  });
});
