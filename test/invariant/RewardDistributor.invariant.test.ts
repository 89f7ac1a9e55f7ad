import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import { DEFAULT_EPOCH_LENGTH } from "../../deploy/settlement";
import { CHALLENGE_WINDOW, rewardsFixture } from "../fixtures/protocol";
import { entryOf, foldProof, leafOf, rewardTree } from "../helpers/rewards";
import type { RewardTree } from "../helpers/rewards";
import { normalize } from "../helpers/normalize";

/*
 * Random sequences of fundings, proposals (fresh, stale, replayed and for epochs the clock has not ended; some lowering
 * accounts' amounts, some stating a total below their leaves'), revocations (in and after the challenge window),
 * acceptances, claims (valid, with old, wrong or borrowed proofs, by the
 * account or by anyone), batched claims, window changes and time jumps, run against a model of the distributor.
 * Every outcome is predicted first: a revert must be the predicted custom error with the predicted arguments, a
 * success must emit exactly the predicted events. Proofs are judged by folding them in TypeScript, independently of
 * the contract. After every step the invariants of DESIGN.md must hold, among them total claimed <= the current
 * root's total <= total funded, which roots that lower amounts or understate their leaves would break but for the
 * contract's RewardsRootTotalExceeded.
 */

const E18 = 10n ** 18n;
const ACCOUNTS = 5;

type ProofKind = "current" | "old" | "wrongAmount" | "borrowed";
/** How far past the current root's epoch a proposal goes; "running" is the clock's epoch, "max" is 2^64 - 1. */
type EpochStep = number | "running" | "max";
type Action =
  | { kind: "fund"; amount: bigint }
  | {
      kind: "propose";
      byAttestor: boolean;
      increments: bigint[];
      cuts: bigint[];
      totalFrom: "sum" | "current";
      surplus: bigint;
      epochStep: EpochStep;
    }
  | { kind: "replay"; back: number; epochStep: number; totalFrom: "own" | "current" }
  | { kind: "revoke"; byGuardian: boolean }
  | { kind: "accept"; timing: "now" | "justBefore" | "atValidAt" | "late" }
  | { kind: "wait"; seconds: bigint }
  | { kind: "claim"; who: number; caller: number; proof: ProofKind }
  | { kind: "claimMany"; whos: number[]; caller: number; bad: number | null }
  | { kind: "setWindow"; seconds: bigint };

const weighted = <T>(...options: [number, T[]][]) =>
  fc.oneof(...options.map(([weight, values]) => ({ weight, arbitrary: fc.constantFrom(...values) })));

const who = fc.nat(ACCOUNTS - 1);
/** Index ACCOUNTS is the relayer, a third party that claims for others. */
const caller = fc.nat(ACCOUNTS);
const increments = fc.array(
  // Many accounts earn nothing new in an epoch.
  fc.oneof({ weight: 1, arbitrary: fc.constant(0n) }, { weight: 2, arbitrary: fc.bigInt(1n, 20n * E18) }),
  { minLength: ACCOUNTS, maxLength: ACCOUNTS },
);
/** What a root takes off each account's cumulative amount (floored at zero) before adding its increment. */
const cuts = fc.array(
  // Mostly nothing: a root that lowers an amount is an attestor's mistake (or a correction).
  fc.oneof({ weight: 3, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.bigInt(1n, 20n * E18) }),
  { minLength: ACCOUNTS, maxLength: ACCOUNTS },
);
const noCuts = Array.from({ length: ACCOUNTS }, () => 0n);
const proofKind = weighted<ProofKind>([6, ["current"]], [1, ["old", "wrongAmount", "borrowed"]]);
const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("fund" as const),
      amount: fc.oneof({ weight: 9, arbitrary: fc.bigInt(1n, 150n * E18) }, { weight: 1, arbitrary: fc.constant(0n) }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("propose" as const),
      byAttestor: weighted<boolean>([9, [true]], [1, [false]]),
      increments,
      cuts: fc.oneof({ weight: 1, arbitrary: fc.constant(noCuts) }, { weight: 1, arbitrary: cuts }),
      // The total is the leaves' sum, or the current root's total (a redistribution, which may understate the leaves).
      totalFrom: weighted<"sum" | "current">([2, ["sum"]], [1, ["current"]]),
      // The stated total may exceed that (unallocated rewards); it may then fall below the current one.
      surplus: weighted<bigint>([4, [0n]], [1, [E18, 25n * E18]]),
      // Mostly the next epoch; sometimes a gap; sometimes a stale one (0 = current epoch, -1 = the one before);
      // sometimes one the clock has not ended.
      epochStep: weighted<EpochStep>([16, [1]], [2, [3]], [2, [0, -1]], [1, ["running", "max"]]),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("replay" as const),
      back: fc.nat(),
      epochStep: fc.constantFrom(0, 1),
      totalFrom: fc.constantFrom<"own" | "current">("own", "current"),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("revoke" as const), byGuardian: weighted([4, [true]], [1, [false]]) }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("accept" as const),
      timing: weighted<"now" | "justBefore" | "atValidAt" | "late">(
        [1, ["now", "justBefore"]],
        [3, ["atValidAt", "late"]],
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      seconds: fc.constantFrom(1n, 600n, 3_600n, CHALLENGE_WINDOW, DEFAULT_EPOCH_LENGTH),
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("claim" as const), who, caller, proof: proofKind }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("claimMany" as const),
      whos: fc.array(who, { minLength: 0, maxLength: 6 }),
      caller,
      bad: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat(5) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("setWindow" as const),
      seconds: fc.constantFrom(0n, 1n, 60n, 3_600n, CHALLENGE_WINDOW, 7n * CHALLENGE_WINDOW, 2n ** 32n),
    }),
  },
);

interface RootModel {
  tree: RewardTree;
  total: bigint;
  epoch: bigint;
  validAt: bigint;
}

type Expected =
  | { revert: { contract: BaseContract; name: string; args: unknown[] } }
  | { events: [string, unknown[]][]; apply: () => void };

/**
 * Most runs start from a funded pool with an accepted first root, so that claims do not mostly meet an empty
 * distributor; the rest start from scratch.
 */
const runArbitrary: fc.Arbitrary<Action[]> = fc
  .tuple(fc.option(increments, { freq: 4 }), fc.array(actionArbitrary, { minLength: 25, maxLength: 50 }))
  .map(([first, actions]) =>
    first === null
      ? actions
      : [
          { kind: "fund", amount: 200n * E18 },
          {
            kind: "propose",
            byAttestor: true,
            increments: first,
            cuts: noCuts,
            totalFrom: "sum",
            surplus: 0n,
            epochStep: 1,
          },
          { kind: "accept", timing: "atValidAt" },
          ...actions,
        ],
  );

function reportHash(epoch: bigint): string {
  return ethers.id(`report of epoch ${epoch}`);
}

describe("RewardDistributor invariants", function () {
  it("never pays past an account's cumulative amount or the root's total, and conserves OPEN under random actions", async function () {
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(runArbitrary, async (actions) => {
        const f = await loadFixture(rewardsFixture);
        const { rewards, open, clock: epochClock, funder, attestor, guardian, admin, relayer, outsider } = f;
        const genesis = await epochClock.GENESIS();
        const distributor = await rewards.getAddress();
        const accounts: HardhatEthersSigner[] = [f.alice, f.bob, f.carol, f.dave, f.erin];
        const callers = [...accounts, relayer];
        const ATTESTOR_ROLE = await rewards.ATTESTOR_ROLE();
        const GUARDIAN_ROLE = await rewards.GUARDIAN_ROLE();
        const wallets0 = await Promise.all(callers.map((c) => open.balanceOf(c.address)));

        // The model.
        let funded = 0n;
        let totalClaimed = 0n;
        let window = CHALLENGE_WINDOW;
        let current: RootModel | undefined;
        let pending: RootModel | undefined;
        const accepted: RootModel[] = [];
        const claimed = accounts.map(() => 0n);
        /** The largest cumulative amount any accepted root gave each account. */
        const highest = accounts.map(() => 0n);
        const unproposed = rewardTree(accounts.map((a): [string, bigint] => [a.address, E18]));
        let previousClaimed = [...claimed];

        let clock = BigInt(await time.latest());
        /** The epoch clock's epoch in the block the next transaction is mined in (one second later). */
        const runningEpoch = () => 1n + (clock + 1n - genesis) / DEFAULT_EPOCH_LENGTH;
        const fail = (name: string, ...args: unknown[]): Expected => ({ revert: { contract: rewards, name, args } });
        const cumulativeIn = (root: RootModel | undefined, i: number) =>
          root ? entryOf(root.tree, accounts[i].address).amount : 0n;

        async function execute(send: () => Promise<ContractTransactionResponse>, expected: Expected) {
          clock += 1n;
          await time.setNextBlockTimestamp(clock);
          if ("revert" in expected) {
            const { contract, name, args } = expected.revert;
            await expect(send())
              .to.be.revertedWithCustomError(contract, name)
              .withArgs(...args);
            return;
          }
          const receipt = (await (await send()).wait())!;
          const events: [string, unknown[]][] = [];
          for (const log of receipt.logs) {
            if (log.address.toLowerCase() !== distributor.toLowerCase()) continue;
            const parsed = rewards.interface.parseLog(log)!;
            events.push([parsed.name, [...parsed.args]]);
          }
          expect(normalize(events)).to.deep.equal(normalize(expected.events));
          expected.apply();
        }

        /**
         * What a claim of `(i, amount, proof)` does now, with `paid` the model's claimed amounts so far and `paidTotal`
         * their sum.
         */
        function predictClaim(
          i: number,
          amount: bigint,
          proof: string[],
          paid: bigint[],
          paidTotal: bigint,
        ): Expected | bigint {
          const account = accounts[i].address;
          if (!current) return fail("RewardsNoRoot");
          if (foldProof(leafOf(account, amount), proof) !== current.tree.root) {
            return fail("RewardsInvalidProof", account, amount);
          }
          if (amount <= paid[i]) return 0n;
          const due = amount - paid[i];
          // A root that lowered someone below what they claimed, or understates its leaves, runs out before its leaves.
          if (paidTotal + due > current.total) return fail("RewardsRootTotalExceeded", paidTotal + due, current.total);
          return due;
        }

        function proofFor(i: number, kind: ProofKind): { amount: bigint; proof: string[] } {
          const account = accounts[i].address;
          // Before any root, proofs from a tree never proposed: the claim must fail on the missing root first.
          const tree = current?.tree ?? pending?.tree ?? unproposed;
          const mine = entryOf(tree, account);
          switch (kind) {
            case "current":
              return mine;
            case "old": {
              const old = accepted.length > 1 ? accepted[accepted.length - 2].tree : tree;
              return entryOf(old, account);
            }
            case "wrongAmount":
              return { amount: mine.amount + 1n, proof: mine.proof };
            case "borrowed":
              return entryOf(tree, accounts[(i + 1) % ACCOUNTS].address);
          }
        }

        function proposeExpectation(root: RootModel, byAttestor: boolean, from: HardhatEthersSigner): Expected {
          if (!byAttestor) return fail("AccessControlUnauthorizedAccount", from.address, ATTESTOR_ROLE);
          if (pending) return fail("RewardsPendingRootExists", pending.epoch, pending.tree.root);
          const previousEpoch = current?.epoch ?? 0n;
          if (root.epoch <= previousEpoch) return fail("RewardsEpochNotIncreasing", root.epoch, previousEpoch);
          if (root.epoch >= runningEpoch()) return fail("RewardsEpochNotEnded", root.epoch, runningEpoch());
          const previousTotal = current?.total ?? 0n;
          if (root.total < previousTotal) return fail("RewardsTotalDecreased", root.total, previousTotal);
          if (root.total > funded) return fail("RewardsInsufficientFunding", root.total, funded);
          const uri = `ipfs://report-${root.epoch}`;
          return {
            events: [
              ["RootProposed", [root.epoch, root.tree.root, root.total, reportHash(root.epoch), uri, root.validAt]],
            ],
            apply: () => void (pending = root),
          };
        }

        async function propose(root: RootModel, byAttestor: boolean) {
          const from = byAttestor ? attestor : outsider;
          const uri = `ipfs://report-${root.epoch}`;
          await execute(
            () =>
              rewards.connect(from).proposeRoot(root.tree.root, root.total, root.epoch, reportHash(root.epoch), uri),
            proposeExpectation(root, byAttestor, from),
          );
        }

        async function step(action: Action) {
          switch (action.kind) {
            case "fund": {
              const expected: Expected =
                action.amount === 0n
                  ? fail("RewardsInvalidAmount")
                  : {
                      events: [["Funded", [funder.address, action.amount, funded + action.amount]]],
                      apply: () => void (funded += action.amount),
                    };
              return execute(() => rewards.connect(funder).fund(action.amount), expected);
            }
            case "propose": {
              // Cumulative amounts grow from the current root's, except where the root cuts them, possibly below what
              // the account already claimed.
              const entries = accounts.map((a, i): [string, bigint] => {
                const before = cumulativeIn(current, i);
                const kept = before > action.cuts[i] ? before - action.cuts[i] : 0n;
                return [a.address, kept + action.increments[i]];
              });
              const tree = rewardTree(entries);
              const sum = entries.reduce((s, [, x]) => s + x, 0n);
              const base = action.totalFrom === "sum" ? sum : (current?.total ?? 0n);
              const step = action.epochStep;
              const epoch =
                step === "running"
                  ? runningEpoch()
                  : step === "max"
                    ? 2n ** 64n - 1n
                    : BigInt(Math.max(0, Number(current?.epoch ?? 0n) + step));
              return propose(
                { tree, total: base + action.surplus, epoch, validAt: clock + 1n + window },
                action.byAttestor,
              );
            }
            case "replay": {
              if (accepted.length === 0) return;
              // An accepted tree proposed again under its own epoch or the next one, with its own total (given away
              // when lower than the current one) or the current root's: accepted, it lowers every amount that grew.
              const old = accepted[action.back % accepted.length];
              const epoch = action.epochStep === 0 ? old.epoch : current!.epoch + 1n;
              const total = action.totalFrom === "own" ? old.total : current!.total;
              return propose({ ...old, total, epoch, validAt: clock + 1n + window }, true);
            }
            case "revoke": {
              const from = action.byGuardian ? guardian : outsider;
              let expected: Expected;
              if (!action.byGuardian) expected = fail("AccessControlUnauthorizedAccount", from.address, GUARDIAN_ROLE);
              else if (!pending) expected = fail("RewardsNoPendingRoot");
              else if (clock + 1n >= pending.validAt) expected = fail("RewardsChallengeWindowClosed", pending.validAt);
              else {
                const p = pending;
                expected = {
                  events: [["RootRevoked", [p.epoch, p.tree.root, guardian.address]]],
                  apply: () => void (pending = undefined),
                };
              }
              return execute(() => rewards.connect(from).revokePendingRoot(), expected);
            }
            case "accept": {
              if (pending && action.timing !== "now") {
                const offset = { justBefore: 2n, atValidAt: 1n, late: -100n }[action.timing];
                if (pending.validAt - offset > clock) clock = pending.validAt - offset;
              }
              let expected: Expected;
              if (!pending) expected = fail("RewardsNoPendingRoot");
              else if (clock + 1n < pending.validAt) expected = fail("RewardsRootNotYetValid", pending.validAt);
              else {
                const p = pending;
                expected = {
                  events: [["RootAccepted", [p.epoch, p.tree.root, p.total, reportHash(p.epoch)]]],
                  apply: () => {
                    current = { ...p, validAt: clock };
                    accepted.push(current);
                    pending = undefined;
                    for (const i of accounts.keys()) {
                      if (cumulativeIn(current, i) > highest[i]) highest[i] = cumulativeIn(current, i);
                    }
                  },
                };
              }
              return execute(() => rewards.connect(relayer).acceptRoot(), expected);
            }
            case "wait":
              clock += action.seconds;
              return;
            case "claim": {
              const { amount, proof } = proofFor(action.who, action.proof);
              const account = accounts[action.who].address;
              const outcome = predictClaim(action.who, amount, proof, claimed, totalClaimed);
              const expected: Expected =
                typeof outcome !== "bigint"
                  ? outcome
                  : outcome === 0n
                    ? fail("RewardsNothingToClaim", account, amount)
                    : {
                        events: [["Claimed", [account, current!.epoch, outcome, amount]]],
                        apply: () => {
                          claimed[action.who] = amount;
                          totalClaimed += outcome;
                        },
                      };
              return execute(() => rewards.connect(callers[action.caller]).claim(account, amount, proof), expected);
            }
            case "claimMany": {
              const requests = action.whos.map((i, k) => {
                const { amount, proof } = proofFor(i, action.bad === k ? "borrowed" : "current");
                return { account: accounts[i].address, cumulativeAmount: amount, proof };
              });
              const paid = [...claimed];
              let paidTotal = totalClaimed;
              const events: [string, unknown[]][] = [];
              let expected: Expected | undefined;
              if (!current) expected = fail("RewardsNoRoot");
              for (const [k, i] of action.whos.entries()) {
                if (expected) break;
                const { account, cumulativeAmount, proof } = requests[k];
                const outcome = predictClaim(i, cumulativeAmount, proof, paid, paidTotal);
                if (typeof outcome !== "bigint") expected = outcome;
                else if (outcome > 0n) {
                  paid[i] = cumulativeAmount;
                  paidTotal += outcome;
                  events.push(["Claimed", [account, current!.epoch, outcome, cumulativeAmount]]);
                }
              }
              expected ??= {
                events,
                apply: () => {
                  for (const [i, x] of paid.entries()) {
                    totalClaimed += x - claimed[i];
                    claimed[i] = x;
                  }
                },
              };
              return execute(() => rewards.connect(callers[action.caller]).claimMany(requests), expected);
            }
            case "setWindow": {
              const expected: Expected =
                action.seconds === 0n || action.seconds >= 2n ** 32n
                  ? fail("RewardsInvalidChallengeWindow", action.seconds)
                  : {
                      events: [["ChallengeWindowSet", [action.seconds]]],
                      apply: () => void (window = action.seconds),
                    };
              return execute(() => rewards.connect(admin).setChallengeWindow(action.seconds), expected);
            }
          }
        }

        async function checkInvariants() {
          const [chainClaimed, wallets, chainTotalClaimed, chainFunded, held, chainCurrent, chainPending] =
            await Promise.all([
              Promise.all(accounts.map((a) => rewards.claimed(a.address))),
              Promise.all(callers.map((c) => open.balanceOf(c.address))),
              rewards.totalClaimed(),
              rewards.totalFunded(),
              open.balanceOf(distributor),
              rewards.currentRoot(),
              rewards.pendingRoot(),
            ]);
          expect(chainClaimed).to.deep.equal(claimed, "claimed, as the model says");
          for (const [i, c] of chainClaimed.entries()) {
            expect(c).to.be.greaterThanOrEqual(previousClaimed[i], "claimed only grows");
            // A root may lower an account's amount below what it already claimed, which no claim can undo; but a
            // claim brings the account exactly to its cumulative amount in the current root, so what it holds is
            // always an amount some accepted root gave it.
            if (c !== previousClaimed[i]) expect(c).to.equal(cumulativeIn(current, i), "a claim pays up to the root");
            expect(c).to.be.lessThanOrEqual(highest[i], "claimed within an accepted cumulative amount");
            expect(wallets[i] - wallets0[i]).to.equal(c, "wallet delta equals claimed");
          }
          expect(wallets[ACCOUNTS]).to.equal(wallets0[ACCOUNTS], "a relayer gains nothing");
          previousClaimed = chainClaimed;
          expect(chainTotalClaimed).to.equal(totalClaimed, "total claimed");
          expect(chainTotalClaimed).to.equal(
            chainClaimed.reduce((s, x) => s + x, 0n),
            "total claimed is the sum",
          );
          expect(chainFunded).to.equal(funded, "total funded");
          expect(chainTotalClaimed).to.be.lessThanOrEqual(chainCurrent.total, "total claimed within the root's total");
          expect(chainCurrent.total).to.be.lessThanOrEqual(chainFunded, "root total within the funding");
          expect(held).to.equal(chainFunded - chainTotalClaimed, "OPEN conserved");
          expect([chainCurrent.root, chainCurrent.total, chainCurrent.epoch, chainCurrent.validAt]).to.deep.equal(
            current
              ? [current.tree.root, current.total, current.epoch, current.validAt]
              : [ethers.ZeroHash, 0n, 0n, 0n],
            "current root",
          );
          expect([chainPending.root, chainPending.epoch, chainPending.validAt]).to.deep.equal(
            pending ? [pending.tree.root, pending.epoch, pending.validAt] : [ethers.ZeroHash, 0n, 0n],
            "pending root",
          );
        }

        for (const action of actions) {
          await step(action);
          await checkInvariants();
          steps += 1;
        }
      }),
      { seed: 20_240_611, numRuns: 30 },
    );
    expect(steps).to.be.greaterThan(0);
  });
});
