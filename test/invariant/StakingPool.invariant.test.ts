import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import { COOLDOWN, STAKER_BALANCE, stakingFixture } from "../fixtures/staking";

/*
 * Random sequences of stakes, unstake requests, withdrawals (early, at readyAt to the second, late), claims,
 * notifications (authorized or not, to an empty pool or not, of nothing, of a few wei or of many OPEN), sweeps and time
 * jumps by four accounts, against a model in exact rationals. Every outcome is predicted first: a revert must be the
 * predicted custom error with its arguments, a success must emit exactly the predicted events.
 *
 * The model keeps, per account, two exact (rational) entitlements:
 * - `ideal`: its pro-rata share of every fee notified while it had stake, F × stake / totalStaked, with no rounding;
 * - `spread`: its pro-rata share of what each notification actually spread per token, stake × Δaccumulator / 1e18,
 *   where the accumulator follows the interface's rule (amount × 1e18 plus the carried remainder, divided by the total
 *   staked, the remainder carried). `spread` = `ideal` + its share of remainders carried in − of remainders carried out.
 * After every step an account's total earnings (claimed + earned) must lie in (spread − changes − 1, spread], with
 * `changes` the stake changes and claims that rounded its earnings down; the pool's OPEN must be exactly the stake, the
 * unstaking OPEN, the unclaimed earnings and the undistributed fees plus the dust that rounding left: the carried
 * remainder and the accounts' (spread − earnings). Stake that arrives after a notification gets nothing of it: staking
 * leaves the account's earnings unchanged, and its earnings never exceed its ideal share of the fees notified while it
 * had stake plus its share of the remainders carried into them (each below totalStaked / 1e18 wei). Total paid and owed
 * never exceeds the fees notified to stake; a withdrawal before readyAt (tried at readyAt − 1 to the second) reverts.
 */

const E18 = 10n ** 18n;
const ACCOUNTS = 4;

type Action =
  | { kind: "stake"; who: number; amount: bigint }
  | { kind: "unstake"; who: number; anyone: boolean; part: "zero" | "all" | "some" | "tooMuch"; numerator: bigint }
  | { kind: "withdraw"; who: number; anyone: boolean; timing: "now" | "justBefore" | "atReadyAt" }
  | { kind: "claim"; who: number; anyone: boolean }
  | { kind: "notify"; amount: bigint; authorized: boolean }
  | { kind: "sweep" }
  | { kind: "wait"; seconds: bigint };

/** Exact non-negative rationals over bigints, kept in lowest terms. */
class Q {
  static readonly ZERO = new Q(0n, 1n);
  private constructor(
    readonly n: bigint,
    readonly d: bigint,
  ) {}
  static of(n: bigint, d = 1n): Q {
    const g = gcd(n < 0n ? -n : n, d);
    return new Q(n / g, d / g);
  }
  add(o: Q): Q {
    return Q.of(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Q): Q {
    return Q.of(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  cmp(o: Q): number {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  toString(): string {
    return `${this.n}/${this.d}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

const who = fc.nat(ACCOUNTS - 1);
/** Whether an unstake, withdrawal or claim is by any account, or (mostly) by one that has something to act on. */
const anyone = fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 4, arbitrary: fc.constant(false) });
/** A few wei (where rounding shows), or up to 500 OPEN. */
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
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("sweep" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      seconds: fc.constantFrom(1n, 3_600n, COOLDOWN - 1n, COOLDOWN),
    }),
  },
);

/** Most runs open with a few stakes, so that notifications mostly meet stake; the rest start from an empty pool. */
const runArbitrary: fc.Arbitrary<Action[]> = fc
  .tuple(
    fc.array(fc.record({ kind: fc.constant("stake" as const), who, amount: fc.bigInt(1n, 500n * E18) }), {
      maxLength: 3,
    }),
    fc.array(actionArbitrary, { minLength: 12, maxLength: 25 }),
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
  ideal: Q;
  spread: Q;
  /** Its share of the remainders carried into the notifications it took part in. */
  carriedIn: Q;
}

type Expected = { revert: { name: string; args: unknown[] } } | { events: [string, unknown[]][]; apply: () => void };

/** Event arguments as comparable JSON: numbers and bigints as decimal strings, hex strings lower-cased. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return [...value].map(normalize);
  if (typeof value === "bigint" || typeof value === "number") return value.toString();
  if (typeof value === "string") return value.toLowerCase();
  return value;
}

describe("StakingPool invariants", function () {
  it("pays each account its exact pro-rata share within the documented dust and conserves OPEN", async function () {
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(runArbitrary, async (actions) => {
        const f = await loadFixture(stakingFixture);
        const { pool, open, notifier, owner, outsider, poolAddress } = f;
        const accounts: HardhatEthersSigner[] = [f.alice, f.bob, f.carol, f.dave];

        const model: AccountModel[] = accounts.map(() => ({
          staked: 0n,
          unstaking: 0n,
          readyAt: 0n,
          claimed: 0n,
          pulled: 0n,
          changes: 0n,
          ideal: Q.ZERO,
          spread: Q.ZERO,
          carriedIn: Q.ZERO,
        }));
        let totalStaked = 0n;
        let rewardPerToken = 0n;
        /** The carried remainder, in wei × 1e18. */
        let remainder = 0n;
        let undistributed = 0n;
        let notified = 0n;
        let swept = 0n;
        let clock = BigInt(await time.latest());

        /** Account `who`, or with `anyone` false the `who`-th (cyclically) of those that satisfy `has`, if any. */
        function pick(action: { who: number; anyone: boolean }, has: (m: AccountModel) => boolean): number {
          const candidates = [...model.keys()].filter((i) => has(model[i]));
          return action.anyone || candidates.length === 0 ? action.who : candidates[action.who % candidates.length];
        }

        const fail = (name: string, ...args: unknown[]): Expected => ({ revert: { name, args } });

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
          switch (action.kind) {
            case "stake": {
              const a = accounts[action.who];
              const m = model[action.who];
              // Within the allowance left (which the wallet always covers).
              const amount = action.amount < STAKER_BALANCE - m.pulled ? action.amount : STAKER_BALANCE - m.pulled;
              if (action.amount > 0n && amount === 0n) return;
              const before = await pool.earned(a.address);
              const expected: Expected =
                amount === 0n
                  ? fail("StakingZeroAmount")
                  : {
                      events: [["Staked", [a.address, amount, totalStaked + amount]]],
                      apply: () => {
                        if (m.staked > 0n) m.changes += 1n;
                        m.staked += amount;
                        m.pulled += amount;
                        totalStaked += amount;
                      },
                    };
              await execute(() => pool.connect(a).stake(amount), expected);
              // Stake that arrives after a notification gets nothing of it (nor of any earlier one).
              expect(await pool.earned(a.address)).to.equal(before, "staking leaves earnings unchanged");
              return;
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
                const readyAt = clock + 1n + COOLDOWN;
                expected = {
                  events: [["UnstakeRequested", [a.address, requested, m.unstaking + requested, readyAt]]],
                  apply: () => {
                    m.changes += 1n;
                    m.staked -= requested;
                    m.unstaking += requested;
                    m.readyAt = readyAt;
                    totalStaked -= requested;
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
                  },
                };
              }
              return execute(() => pool.connect(a).withdraw(), expected);
            }
            case "claim": {
              const i = pick(action, (m) => m.spread.cmp(Q.of(m.claimed + 1n)) >= 0);
              const a = accounts[i];
              const m = model[i];
              // The amount is the view's; the bounds on it are checked against the model after every step.
              const due = await pool.earned(a.address);
              const expected: Expected =
                due === 0n
                  ? fail("StakingNothingToClaim", a.address)
                  : {
                      events: [["RewardClaimed", [a.address, due]]],
                      apply: () => {
                        m.changes += 1n;
                        m.claimed += due;
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
              clock += 1n;
              await time.setNextBlockTimestamp(clock);
              await (await open.connect(notifier).transfer(poolAddress, action.amount)).wait();
              notified += action.amount;
              let expected: Expected;
              if (totalStaked === 0n) {
                expected = {
                  events: [["RewardNotified", [action.amount, 0n, rewardPerToken]]],
                  apply: () => void (undistributed += action.amount),
                };
              } else {
                const scaled = action.amount * E18 + remainder;
                const delta = scaled / totalStaked;
                expected = {
                  events: [["RewardNotified", [action.amount, totalStaked, rewardPerToken + delta]]],
                  apply: () => {
                    for (const m of model) {
                      if (m.staked === 0n) continue;
                      m.ideal = m.ideal.add(Q.of(action.amount * m.staked, totalStaked));
                      m.spread = m.spread.add(Q.of(m.staked * delta, E18));
                      m.carriedIn = m.carriedIn.add(Q.of(m.staked * remainder, totalStaked * E18));
                    }
                    rewardPerToken += delta;
                    remainder = scaled % totalStaked;
                  },
                };
              }
              return execute(() => pool.connect(caller).notifyReward(action.amount), expected);
            }
            case "sweep": {
              const amount = undistributed;
              return execute(() => pool.connect(owner).sweepUndistributed(owner.address), {
                events: [["UndistributedSwept", [owner.address, amount]]],
                apply: () => {
                  undistributed = 0n;
                  swept += amount;
                },
              });
            }
            case "wait":
              clock += action.seconds;
              return;
          }
        }

        async function checkInvariants() {
          const [positions, earned, wallets, chainTotal, chainPerToken, chainUndistributed, held] = await Promise.all([
            Promise.all(accounts.map((a) => pool.position(a.address))),
            Promise.all(accounts.map((a) => pool.earned(a.address))),
            Promise.all(accounts.map((a) => open.balanceOf(a.address))),
            pool.totalStaked(),
            pool.rewardPerToken(),
            pool.undistributed(),
            open.balanceOf(poolAddress),
          ]);
          expect(chainTotal).to.equal(totalStaked, "total staked");
          expect(chainPerToken).to.equal(rewardPerToken, "reward per token, by the documented rule");
          expect(chainUndistributed).to.equal(undistributed, "undistributed");

          let dust = Q.of(remainder, E18);
          let owed = totalStaked + undistributed;
          let earnedEver = 0n;
          for (const [i, m] of model.entries()) {
            const p = positions[i];
            expect([p.staked, p.unstaking, p.unstakeReadyAt]).to.deep.equal(
              [m.staked, m.unstaking, m.readyAt],
              `position of account ${i}`,
            );
            const total = Q.of(m.claimed + earned[i]);
            // Never above the exact share of what was spread, and below it by less than one wei per change.
            expect(total.cmp(m.spread)).to.be.at.most(0, `account ${i} earned ${total} > spread ${m.spread}`);
            expect(m.spread.sub(total).cmp(Q.of(m.changes + 1n))).to.equal(-1, `account ${i} lost a wei or more`);
            // Above its ideal pro-rata share of the fees only by its share of carried remainders.
            expect(total.cmp(m.ideal.add(m.carriedIn))).to.be.at.most(0, `account ${i} above ideal + carried in`);
            // What it paid in came back (withdrawn) or is still in the pool; rewards came on top.
            expect(wallets[i]).to.equal(STAKER_BALANCE - m.staked - m.unstaking + m.claimed, `wallet of ${i}`);
            dust = dust.add(m.spread.sub(total));
            owed += m.unstaking + earned[i];
            earnedEver += m.claimed + earned[i];
          }
          expect(earnedEver).to.be.at.most(notified - undistributed - swept, "paid and owed within the fees spread");
          // OPEN conserved: the pool holds what it owes plus the dust that rounding left, to the wei.
          expect(held).to.be.at.least(owed, "the pool can pay everything it owes");
          expect(Q.of(held - owed).cmp(dust)).to.equal(0, `dust ${held - owed} is not ${dust}`);
        }

        for (const action of actions) {
          await step(action);
          await checkInvariants();
          steps += 1;
        }
      }),
      { seed: 20_240_622, numRuns: 8 },
    );
    expect(steps).to.be.greaterThan(0);
  });
});
