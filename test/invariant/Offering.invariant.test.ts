import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import {
  CONTRIBUTOR_SHARES,
  END_VOTE,
  HARD_CAP,
  OfferingState,
  SOFT_CAP,
  SPLIT,
  SUPPLY,
  UPFRONT_BPS,
  VESTING,
  offeringFixture,
  versionSpec,
} from "../fixtures/offering";
import { timeout } from "../helpers/coverage";
import { impersonate } from "../helpers/impersonate";
import { entryOf } from "../helpers/rewards";
import { normalize } from "../helpers/normalize";

/*
 * Random sequences over one offering launched by the fixture: buys by four buyers (some twice, some of nothing),
 * time jumps (plain, and to the sale deadline, the milestones' deadlines, the vesting cliff and end, the end vote's end,
 * each just before, at or just after), finalize (success and failure both reached across runs: the deposits vary),
 * buyers' settlements (by anyone, of nobody, twice), contributor claims (with the fixture's proofs, or a wrong amount),
 * vesting claims (by the creator or not), inference settlements of the model through InferenceSettlement.settle, model
 * versions added by the holders' timelock (on Datanet 1's version 1 or 2) or refused to the creator, milestone releases,
 * share transfers (to holders, too many, to the escrow), revenue claims (of holders, the model's treasury and the
 * escrow), revenue syncs, delegation, end votes (open, cast, close), redemptions by deposit (of buyers and of holders
 * who never bought) and sweeps of the unclaimed contributor shares (before and after the claim window), against a
 * model in bigints of the offering (the interface's telescoping fills, tranches, vesting and redemption formulas), of the share token (balances, votes, and its revenue accumulator to the wei: syncs, settlements
 * on every balance change, revenue carried out of the escrow) and of every OPEN balance involved. Every outcome is
 * predicted first: a revert must be the predicted custom error with its arguments; a success must emit exactly the
 * predicted events of the offering, exactly the predicted RevenueSynced of the share token, and exactly the predicted
 * OPEN transfers out of it (claims: nothing else moves OPEN out of the share token).
 *
 * After every step:
 * - OPEN is conserved: every account and contract involved holds what the model says, and their sum never changes;
 * - shares are conserved: the supply is the model's (it falls only by the burns it expects: unsold shares at success,
 *   everything at a failure, the creator's unvested part at the end) and equals the sum of the holders',
 *   the escrow's and the model treasury's balances;
 * - the offering holds the deposits during the sale, the deposits not yet refunded after a failure, and after a
 *   success refunds still owed + net raise − released − redeemed;
 * - revenue: paid + Σ accrued (holders and the model's treasury) + what the escrow's shares carry ≤ received, where
 *   received counts the OPEN the next sync would share (the views count it too), and the gap is exactly the model's
 *   rounding dust, at most one wei per rounded credit (an account settled, shares carried out of the escrow) plus one
 *   per account in the sum and one for the escrow;
 * - every view (state, deposits, settlement, raise, released, vesting, claims, the end vote, votes, accrued revenue)
 *   is the model's.
 */

const E18 = 10n ** 18n;
const BPS = 10_000n;
const REVENUE_SCALE = 10n ** 27n;
const ZERO = ethers.ZeroAddress;
const SEED = 20_261_222;
const RUNS = 30;
/** Buyers 0–3, alice and bob (contributors), the developer (the creator). */
const HOLDERS = 7;
const CONTRIBUTORS = [4, 5];
const MILESTONES = 3;

type Part = "some" | "all" | "tooMuch" | "zero";
type Target = "sale" | "m0" | "m1" | "m2" | "cliff" | "vested" | "voteEnd" | "claimWindow";
type Action =
  | { kind: "buy"; who: number; amount: bigint }
  | { kind: "wait"; seconds: bigint }
  | { kind: "waitUntil"; target: Target; offset: bigint }
  | { kind: "finalize" }
  | { kind: "settle"; who: number; anyone: boolean }
  | { kind: "claimContributor"; who: number; wrongAmount: boolean }
  | { kind: "claimVested"; byCreator: boolean }
  | { kind: "inference"; calls: bigint }
  | { kind: "addVersion"; byCreator: boolean; datanetVersion: bigint }
  | { kind: "sweep" }
  | { kind: "release"; index: number; version: "latest" | "launch" | "missing" }
  | { kind: "transfer"; from: number; to: number; toEscrow: boolean; part: Part; numerator: bigint }
  | { kind: "claimRevenue"; who: number }
  | { kind: "sync" }
  | { kind: "delegate"; who: number; to: number }
  | { kind: "openVote"; index: number; overdue: boolean }
  | { kind: "castVote"; who: number; anyone: boolean; support: boolean }
  | { kind: "closeVote"; timing: "now" | "atVoteEnd" | "after" }
  | { kind: "redeem"; who: number };

const weighted = <T>(...options: [number, T[]][]) =>
  fc.oneof(...options.map(([weight, values]) => ({ weight, arbitrary: fc.constantFrom(...values) })));
const buyer = fc.nat(3);
const holder = fc.nat(HOLDERS - 1);
const part = weighted<Part>([6, ["some", "all"]], [1, ["tooMuch", "zero"]]);
const numerator = fc.bigInt(1n, 999n);
/** A few wei, a small deposit, one near the caps or a buyer's whole balance; rarely nothing. */
const deposit = fc.oneof(
  { weight: 1, arbitrary: fc.bigInt(1n, 1_000n) },
  { weight: 1, arbitrary: fc.bigInt(1n, 3_000n * E18) },
  { weight: 6, arbitrary: fc.bigInt(2_000n * E18, 12_000n * E18) },
  { weight: 1, arbitrary: fc.constantFrom(0n, 20_000n * E18) },
);
const buyArbitrary = fc.record({ kind: fc.constant("buy" as const), who: buyer, amount: deposit });

const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: buyArbitrary },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      seconds: fc.constantFrom(1n, 3_600n, 86_400n, 3n * 86_400n, 7n * 86_400n, 30n * 86_400n),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("waitUntil" as const),
      target: fc.constantFrom<Target[]>("sale", "m0", "m1", "m2", "cliff", "vested", "voteEnd", "claimWindow"),
      offset: fc.constantFrom(-1n, 0n, 1n),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("finalize" as const) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("settle" as const),
      who: fc.nat(4),
      anyone: weighted([1, [true]], [3, [false]]),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("claimContributor" as const),
      who: fc.constantFrom(...CONTRIBUTORS),
      wrongAmount: weighted([1, [true]], [5, [false]]),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("claimVested" as const), byCreator: weighted([5, [true]], [1, [false]]) }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("inference" as const),
      calls: fc.oneof(
        { weight: 1, arbitrary: fc.bigInt(1n, 1_000n) },
        { weight: 3, arbitrary: fc.bigInt(50_000n, 300_000n) },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("addVersion" as const),
      byCreator: weighted([1, [true]], [5, [false]]),
      // Datanet 1's version 2 is the one milestone 1 names; version 1 was there at launch.
      datanetVersion: weighted([4, [2n]], [1, [1n]]),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("sweep" as const) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("release" as const),
      index: weighted<number>([6, [0, 1, 2]], [1, [3, 255]]),
      version: weighted<"latest" | "launch" | "missing">([4, ["latest"]], [1, ["launch", "missing"]]),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("transfer" as const),
      from: holder,
      to: holder,
      toEscrow: weighted([1, [true]], [12, [false]]),
      part,
      numerator,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("claimRevenue" as const), who: fc.nat(HOLDERS + 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("sync" as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("delegate" as const),
      who: holder,
      // Mostly to itself.
      to: fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: holder }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("openVote" as const),
      index: weighted<number>([8, [0, 1, 2]], [1, [3]]),
      overdue: weighted([4, [true]], [1, [false]]),
    }),
  },
  {
    weight: 7,
    arbitrary: fc.record({
      kind: fc.constant("castVote" as const),
      who: holder,
      anyone: weighted([1, [true]], [4, [false]]),
      support: weighted([3, [true]], [1, [false]]),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("closeVote" as const),
      timing: weighted<"now" | "atVoteEnd" | "after">([1, ["now", "atVoteEnd"]], [3, ["after"]]),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("redeem" as const), who: holder }) },
);

/** The holders' campaign to end the offering: a vote opened once milestone `index` is overdue, every holder voting. */
const campaignArbitrary: fc.Arbitrary<Action[]> = fc
  .tuple(
    fc.constantFrom(0, 1, 2),
    fc.array(weighted([4, [true]], [1, [false]]), { minLength: HOLDERS, maxLength: HOLDERS }),
  )
  .map(([index, supports]) => [
    { kind: "openVote", index, overdue: true },
    ...supports.map((support, who) => ({ kind: "castVote" as const, who, anyone: true, support })),
    { kind: "closeVote", timing: "after" },
  ]);

/** The creator's (or the holders') work on milestone `index`: what meets it, then its release. */
const progressArbitrary: fc.Arbitrary<Action[]> = fc.constantFrom(0, 1, 2).map((index): Action[] =>
  index === 1
    ? [
        { kind: "addVersion", byCreator: false, datanetVersion: 2n },
        { kind: "release", index, version: "latest" },
      ]
    : [
        { kind: "inference", calls: 300_000n },
        { kind: "inference", calls: 250_000n },
        { kind: "release", index, version: "latest" },
      ],
);

/** Settling every buyer and every holder delegating to itself, in the order of the run. */
const settleAndDelegate: Action[] = [
  ...[0, 1, 2, 3].map((who) => ({ kind: "settle" as const, who, anyone: true })),
  ...Array.from({ length: HOLDERS }, (_, who) => ({ kind: "delegate" as const, who, to: -1 })),
];

/**
 * Every run opens with a few buys, so that the sale's outcome varies with the deposits; most then close the sale and
 * finalize it, and settle and delegate some of the holders, so that the rest of the run mostly acts on a closed sale
 * whose holders can vote (the others close it when their actions do). Now and then the holders campaign to end it,
 * or a milestone is worked on and released.
 */
const runArbitrary: fc.Arbitrary<Action[]> = fc
  .tuple(
    fc.array(buyArbitrary, { minLength: 1, maxLength: 5 }),
    weighted([3, [true]], [1, [false]]),
    fc.shuffledSubarray(settleAndDelegate),
    fc.array(
      fc.oneof(
        { weight: 40, arbitrary: actionArbitrary.map((action) => [action]) },
        { weight: 2, arbitrary: campaignArbitrary },
        { weight: 2, arbitrary: progressArbitrary },
      ),
      { minLength: 30, maxLength: 50 },
    ),
  )
  .map(([opening, close, setup, actions]) => [
    ...opening,
    ...(close ? [{ kind: "waitUntil", target: "sale", offset: 0n } as const, { kind: "finalize" } as const] : []),
    ...(close ? setup : []),
    ...actions.flat(),
  ]);

interface RevenueAccount {
  paid: bigint;
  accrued: bigint;
}

/** The offering, the share token and every OPEN balance, as the contracts should hold them. */
interface Model {
  state: bigint;
  deposits: Map<string, { start: bigint; amount: bigint; settled: boolean; redeemed: boolean }>;
  totalDeposits: bigint;
  raised: bigint;
  sold: bigint;
  net: bigint;
  released: bigint;
  releasedBits: Set<number>;
  vestStart: bigint;
  vestStop: bigint;
  vestClaimed: bigint;
  contributorClaimed: Map<string, bigint>;
  /** Contributor shares swept to the model's treasury after the claim window. */
  swept: bigint;
  vote: {
    open: boolean;
    index: number;
    snapshot: bigint;
    voteEnd: bigint;
    quorum: bigint;
    votesFor: bigint;
    votesAgainst: bigint;
    voters: Set<string>;
    weights: Map<string, bigint>;
  } | null;
  unreleased: bigint;
  redeemed: bigint;
  /**
   * The model's settled calls and fees since launch, its version count, the Datanet 1 version each model version after
   * launch was trained on, and where its revenue goes.
   */
  calls: bigint;
  fees: bigint;
  versions: bigint;
  trainedOn: Map<bigint, bigint>;
  recipient: string;
  open: Map<string, bigint>;
  shares: Map<string, bigint>;
  supply: bigint;
  delegates: Map<string, string>;
  revenue: {
    perShare: bigint;
    accounted: bigint;
    received: bigint;
    accounts: Map<string, RevenueAccount>;
    /** Credits that rounded down (an account's settlement, shares carried out of the escrow): ≤ 1 wei of dust each. */
    rounded: bigint;
  };
}

type Events = [string, unknown[]][];
type Expected =
  | { revert: { contract: BaseContract; name: string; args: unknown[] } }
  | { offering: Events; revenue: Events; check?: () => void };

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

describe("Offering invariants", function () {
  it("conserves OPEN and shares, owes exactly the refunds, raise and redemptions, and pays revenue within the dust after every step", async function () {
    this.timeout(timeout(600_000));
    const started = Date.now();
    let steps = 0;
    const calls = new Map<string, { total: number; reverted: number; errors: Map<string, number> }>();
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(runArbitrary, async (actions) => {
        const f = await loadFixture(offeringFixture);
        const reached = new Set<string>();
        const { offering, shares, open, settlement, models, controller, tree, payer, developer, alice, bob } = f;
        const [offeringAddress, sharesAddress, timelockAddress, openAddress] = await Promise.all([
          offering.getAddress(),
          shares.getAddress(),
          f.modelTimelock.getAddress(),
          open.getAddress(),
        ]);
        const holders: HardhatEthersSigner[] = [...f.buyers, alice, bob, developer];
        const addressOf = (i: number) => holders[i].address;
        const contributorAmount = new Map([
          [alice.address, CONTRIBUTOR_SHARES.alice],
          [bob.address, CONTRIBUTOR_SHARES.bob],
        ]);
        const split = await settlement.feeSplit();
        const [settlementTreasury, protocolTreasury, feeBps, pricePerCall, launchVersions] = await Promise.all([
          settlement.treasury(),
          f.offeringFactory.protocolTreasury(),
          f.offeringFactory.protocolFeeBps(),
          models.terms(1n).then((t) => t.pricePerCall),
          models.versionCount(1n),
        ]);
        const milestones = f.terms.milestones.map((m) => ({
          kind: Number(m.kind),
          deadline: BigInt(m.deadline),
          threshold: BigInt(m.threshold),
          datanetVersion: BigInt(m.datanetVersion),
        }));
        // Datanet 1's version 2 (milestone 1's) is published after launch, before the run; the model's timelock (its
        // holders' governance) registers the versions.
        await f.growDatanet();
        const timelockSigner = await impersonate(timelockAddress);
        const window = await offering.CONTRIBUTOR_CLAIM_WINDOW();
        const cumulativeBps = [0n];
        for (const m of f.terms.milestones) cumulativeBps.push(cumulativeBps.at(-1)! + BigInt(m.trancheBps));

        const openAccounts = [
          ...new Set([
            ...holders.map((h) => h.address),
            payer.address,
            offeringAddress,
            sharesAddress,
            timelockAddress,
            settlementTreasury,
            protocolTreasury,
            await f.staking.getAddress(),
            await f.rewards.getAddress(),
            await settlement.getAddress(),
          ]),
        ];
        const shareAccounts = [...holders.map((h) => h.address), offeringAddress, timelockAddress];
        const revenueAccounts = [...holders.map((h) => h.address), timelockAddress];

        const balances = await Promise.all(openAccounts.map((a) => open.balanceOf(a)));
        const openTotal = balances.reduce((a, b) => a + b, 0n);
        let model: Model = {
          state: OfferingState.Sale,
          deposits: new Map(),
          totalDeposits: 0n,
          raised: 0n,
          sold: 0n,
          net: 0n,
          released: 0n,
          releasedBits: new Set(),
          vestStart: 0n,
          vestStop: 0n,
          vestClaimed: 0n,
          contributorClaimed: new Map(),
          swept: 0n,
          vote: null,
          unreleased: 0n,
          redeemed: 0n,
          calls: 0n,
          fees: 0n,
          versions: launchVersions,
          trainedOn: new Map(),
          recipient: developer.address,
          open: new Map(openAccounts.map((a, i) => [a, balances[i]])),
          shares: new Map(shareAccounts.map((a) => [a, a === offeringAddress ? SUPPLY : 0n])),
          supply: SUPPLY,
          delegates: new Map(),
          revenue: { perShare: 0n, accounted: 0n, received: 0n, accounts: new Map(), rounded: 0n },
        };
        let clock = BigInt(await time.latest());
        let revenueEvents: Events = [];

        /* The model's arithmetic, on a working copy `m` that is committed only when the call succeeds. */

        const openOf = (m: Model, a: string) => m.open.get(a) ?? 0n;
        const moveOpen = (m: Model, from: string, to: string, amount: bigint) => {
          m.open.set(from, openOf(m, from) - amount);
          m.open.set(to, openOf(m, to) + amount);
        };
        const sharesOf = (m: Model, a: string) => m.shares.get(a) ?? 0n;
        const account = (m: Model, a: string) => {
          let state = m.revenue.accounts.get(a);
          if (!state) m.revenue.accounts.set(a, (state = { paid: 0n, accrued: 0n }));
          return state;
        };
        /** The accumulator after sharing what arrived, and the OPEN it accounts (the contract's `_pendingSync`). */
        const pendingSync = (m: Model) => {
          const arrived = openOf(m, sharesAddress) - m.revenue.accounted;
          if (arrived <= 0n || m.supply === 0n) return { perShare: m.revenue.perShare, shared: 0n };
          const increase = (arrived * REVENUE_SCALE) / m.supply;
          if (increase === 0n) return { perShare: m.revenue.perShare, shared: 0n };
          return { perShare: m.revenue.perShare + increase, shared: ceilDiv(increase * m.supply, REVENUE_SCALE) };
        };
        const sync = (m: Model) => {
          const { perShare, shared } = pendingSync(m);
          if (shared === 0n) return;
          m.revenue.perShare = perShare;
          m.revenue.accounted += shared;
          m.revenue.received += shared;
          revenueEvents.push(["RevenueSynced", [shared, perShare]]);
        };
        const pending = (m: Model, a: string, perShare: bigint) =>
          (sharesOf(m, a) * (perShare - account(m, a).paid)) / REVENUE_SCALE;
        const settleRevenue = (m: Model, a: string, carried: bigint) => {
          const state = account(m, a);
          if (state.paid === m.revenue.perShare && carried === 0n) return;
          if ((sharesOf(m, a) * (m.revenue.perShare - state.paid)) % REVENUE_SCALE !== 0n) m.revenue.rounded += 1n;
          state.accrued += pending(m, a, m.revenue.perShare) + carried;
          state.paid = m.revenue.perShare;
        };
        /** What `accruedRevenue(a)` shows: its accrued revenue and what its shares earned, counting the next sync. */
        const accruedView = (m: Model, a: string) =>
          a === offeringAddress ? 0n : account(m, a).accrued + pending(m, a, pendingSync(m).perShare);
        const fail = (contract: BaseContract, name: string, ...args: unknown[]): Expected => ({
          revert: { contract, name, args },
        });
        /** A share movement (transfer, or burn when `to` is zero) as the share token's `_update` makes it. */
        const moveShares = (m: Model, from: string, to: string, value: bigint): Expected | undefined => {
          if (to === offeringAddress) return fail(shares, "SharesEscrowReceive", from);
          if (sharesOf(m, from) < value)
            return fail(shares, "ERC20InsufficientBalance", from, sharesOf(m, from), value);
          sync(m);
          let carried = 0n;
          if (from === offeringAddress) {
            // The escrow's baseline is zero: its shares carry everything they earned since the mint.
            carried = (value * m.revenue.perShare) / REVENUE_SCALE;
            if ((value * m.revenue.perShare) % REVENUE_SCALE !== 0n) m.revenue.rounded += 1n;
          } else settleRevenue(m, from, 0n);
          if (to !== ZERO) settleRevenue(m, to, carried);
          else if (carried !== 0n) account(m, timelockAddress).accrued += carried;
          m.shares.set(from, sharesOf(m, from) - value);
          if (to === ZERO) m.supply -= value;
          else m.shares.set(to, sharesOf(m, to) + value);
          return undefined;
        };
        const votesOf = (m: Model, a: string) =>
          shareAccounts.reduce((sum, h) => (m.delegates.get(h) === a ? sum + sharesOf(m, h) : sum), 0n);

        /** A deposit's shares and refund once the sale closed (the interface's telescoping fill). */
        const settlementOf = (m: Model, buyer: string) => {
          const d = m.deposits.get(buyer);
          if (m.state === OfferingState.Sale || !d || d.settled) return { shares: 0n, refund: 0n };
          if (m.state === OfferingState.Failed) return { shares: 0n, refund: d.amount };
          const end = d.start + d.amount;
          const fill = (end * m.raised) / m.totalDeposits - (d.start * m.raised) / m.totalDeposits;
          const sharesOut = (end * m.sold) / m.totalDeposits - (d.start * m.sold) / m.totalDeposits;
          return { shares: sharesOut, refund: d.amount - fill };
        };
        /** Tranche `index` of the net raise (the upfront part at MILESTONES). */
        const trancheOf = (m: Model, index: number) => {
          const upfront = BigInt(UPFRONT_BPS);
          const [before, upTo] =
            index === MILESTONES ? [0n, upfront] : [upfront + cumulativeBps[index], upfront + cumulativeBps[index + 1]];
          return (m.net * upTo) / BPS - (m.net * before) / BPS;
        };
        const vestedAt = (m: Model, t: bigint) => {
          if (m.vestStart === 0n) return 0n;
          const at = m.vestStop !== 0n && t > m.vestStop ? m.vestStop : t;
          const elapsed = at - m.vestStart;
          if (elapsed >= VESTING.duration) return SPLIT.creator;
          if (elapsed < VESTING.cliff) return 0n;
          return (SPLIT.creator * elapsed) / VESTING.duration;
        };
        const isMet = (m: Model, index: number, version: bigint) => {
          const kind = milestones[index].kind;
          if (kind === 0) {
            const trainedOn = m.trainedOn.get(version);
            return trainedOn !== undefined && trainedOn >= milestones[index].datanetVersion;
          }
          return (kind === 1 ? m.calls : m.fees) >= milestones[index].threshold;
        };
        const funded = (m: Model) => m.state === OfferingState.Succeeded || m.state === OfferingState.Ended;
        const release = (m: Model, index: number, events: Events) => {
          const amount = trancheOf(m, index);
          m.releasedBits.add(index);
          m.released += amount;
          moveOpen(m, offeringAddress, developer.address, amount);
          events.push(["TrancheReleased", [index, amount]]);
          reached.add(index === MILESTONES ? "upfront released" : `milestone ${index} released`);
        };
        const refundsOwed = (m: Model) =>
          [...m.deposits.keys()].reduce((sum, b) => sum + settlementOf(m, b).refund, 0n);

        async function execute(
          action: string,
          send: () => Promise<ContractTransactionResponse>,
          expected: Expected,
          next: Model,
        ) {
          const tally = calls.get(action) ?? { total: 0, reverted: 0, errors: new Map<string, number>() };
          calls.set(action, tally);
          tally.total += 1;
          clock += 1n;
          await time.setNextBlockTimestamp(clock);
          if ("revert" in expected) {
            tally.reverted += 1;
            tally.errors.set(expected.revert.name, (tally.errors.get(expected.revert.name) ?? 0) + 1);
            await expect(send())
              .to.be.revertedWithCustomError(expected.revert.contract, expected.revert.name)
              .withArgs(...expected.revert.args);
            return;
          }
          const receipt = (await (await send()).wait())!;
          const parsed = (contract: BaseContract, address: string) =>
            receipt.logs
              .filter((log) => log.address.toLowerCase() === address.toLowerCase())
              .map((log) => contract.interface.parseLog(log)!)
              .filter((log) => log !== null);
          const offeringEvents = parsed(offering, offeringAddress).map((l) => [l.name, [...l.args]]);
          // A claim's record is OPEN's Transfer out of the share token, the only way OPEN leaves it.
          const sharesEvents = [
            ...parsed(shares, sharesAddress).filter((l) => l.name === "RevenueSynced"),
            ...parsed(open, openAddress).filter(
              (l) => l.name === "Transfer" && l.args[0].toLowerCase() === sharesAddress.toLowerCase(),
            ),
          ].map((l) => [l.name, [...l.args]]);
          expect(normalize(offeringEvents)).to.deep.equal(normalize(expected.offering), `${action}: offering events`);
          expect(normalize(sharesEvents)).to.deep.equal(normalize(expected.revenue), `${action}: revenue events`);
          model = next;
          expected.check?.();
        }

        /** Moves the clock so that the next transaction is mined at `t`, unless that is already past. */
        const reach = (t: bigint) => {
          if (t > clock + 1n) clock = t - 1n;
        };

        async function step(action: Action) {
          const m: Model = structuredClone(model);
          revenueEvents = [];
          const events: Events = [];
          const ok = (check?: () => void): Expected => ({ offering: events, revenue: revenueEvents, check });
          const t = () => clock + 1n;
          switch (action.kind) {
            case "buy": {
              const b = f.buyers[action.who];
              let expected: Expected;
              if (t() >= f.deadline) expected = fail(offering, "OfferingSaleClosed", f.deadline);
              else if (m.deposits.has(b.address)) expected = fail(offering, "OfferingAlreadyBought", b.address);
              else if (action.amount === 0n) expected = fail(offering, "OfferingInvalidAmount", 0n);
              else {
                m.deposits.set(b.address, {
                  start: m.totalDeposits,
                  amount: action.amount,
                  settled: false,
                  redeemed: false,
                });
                events.push(["SharesBought", [b.address, action.amount, m.totalDeposits]]);
                m.totalDeposits += action.amount;
                moveOpen(m, b.address, offeringAddress, action.amount);
                expected = ok();
              }
              return execute("buy", () => offering.connect(b).buy(action.amount), expected, m);
            }
            case "wait":
              clock += action.seconds;
              return;
            case "waitUntil": {
              const vote = model.vote;
              const at = {
                sale: f.deadline,
                m0: milestones[0].deadline,
                m1: milestones[1].deadline,
                m2: milestones[2].deadline,
                cliff: model.vestStart + VESTING.cliff,
                vested: model.vestStart + VESTING.duration,
                voteEnd: vote ? vote.voteEnd : 0n,
                claimWindow: model.vestStart === 0n ? 0n : model.vestStart + window,
              }[action.target];
              if (at !== 0n) reach(at + action.offset);
              return;
            }
            case "finalize": {
              let expected: Expected;
              if (m.state !== OfferingState.Sale)
                expected = fail(offering, "OfferingWrongState", OfferingState.Sale, m.state);
              else if (t() < f.deadline) expected = fail(offering, "OfferingSaleOpen", f.deadline);
              else if (m.totalDeposits < SOFT_CAP) {
                m.state = OfferingState.Failed;
                events.push(["OfferingFinalized", [false, 0n, 0n, 0n]]);
                moveShares(m, offeringAddress, ZERO, m.supply);
                reached.add("failed");
                expected = ok();
              } else {
                m.state = OfferingState.Succeeded;
                m.raised = m.totalDeposits < HARD_CAP ? m.totalDeposits : HARD_CAP;
                m.sold = (m.raised * SPLIT.sale) / HARD_CAP;
                const fee = (m.raised * BigInt(feeBps)) / BPS;
                m.net = m.raised - fee;
                m.vestStart = t();
                events.push(["OfferingFinalized", [true, m.raised, fee, m.sold]]);
                moveOpen(m, offeringAddress, protocolTreasury, fee);
                if (m.sold !== SPLIT.sale) moveShares(m, offeringAddress, ZERO, SPLIT.sale - m.sold);
                moveShares(m, offeringAddress, timelockAddress, SPLIT.treasury);
                m.recipient = sharesAddress;
                release(m, MILESTONES, events);
                reached.add(m.totalDeposits > HARD_CAP ? "oversubscribed" : "succeeded");
                expected = ok();
              }
              return execute("finalize", () => offering.finalize(), expected, m);
            }
            case "settle": {
              // Mostly a buyer with a deposit to settle; index 4 (or an empty pick) is someone who never bought.
              const unsettled = f.buyers.filter((b) => m.deposits.get(b.address)?.settled === false);
              const b =
                action.who === 4
                  ? f.outsider
                  : action.anyone || unsettled.length === 0
                    ? f.buyers[action.who]
                    : unsettled[action.who % unsettled.length];
              const d = m.deposits.get(b.address);
              let expected: Expected;
              if (m.state === OfferingState.Sale) {
                expected = fail(offering, "OfferingWrongState", OfferingState.Succeeded, m.state);
              } else if (!d || d.settled) expected = fail(offering, "OfferingNothingToSettle", b.address);
              else {
                const { shares: out, refund } = settlementOf(m, b.address);
                d.settled = true;
                events.push(["BuyerSettled", [b.address, out, refund]]);
                if (out !== 0n) moveShares(m, offeringAddress, b.address, out);
                moveOpen(m, offeringAddress, b.address, refund);
                expected = ok();
              }
              return execute("settle", () => offering.connect(payer).settle(b.address), expected, m);
            }
            case "claimContributor": {
              const who = addressOf(action.who);
              const { amount: leaf, proof } = entryOf(tree, who);
              const amount = action.wrongAmount ? leaf + 1n : leaf;
              const already = m.contributorClaimed.get(who) ?? 0n;
              let expected: Expected;
              if (!funded(m)) expected = fail(offering, "OfferingWrongState", OfferingState.Succeeded, m.state);
              else if (t() >= m.vestStart + window) {
                expected = fail(offering, "OfferingClaimWindowClosed", m.vestStart + window);
              } else if (action.wrongAmount) expected = fail(offering, "OfferingInvalidProof", who, amount);
              else if (amount <= already) expected = fail(offering, "OfferingNothingToClaim", who);
              else {
                expect(leaf).to.equal(contributorAmount.get(who));
                m.contributorClaimed.set(who, amount);
                events.push(["ContributorSharesClaimed", [who, amount - already, amount]]);
                moveShares(m, offeringAddress, who, amount - already);
                expected = ok();
              }
              return execute(
                "claimContributor",
                () => offering.connect(f.outsider).claimContributorShares(who, amount, proof),
                expected,
                m,
              );
            }
            case "sweep": {
              let expected: Expected;
              if (!funded(m)) expected = fail(offering, "OfferingWrongState", OfferingState.Succeeded, m.state);
              else if (t() < m.vestStart + window) {
                expected = fail(offering, "OfferingClaimWindowOpen", m.vestStart + window);
              } else {
                const claimed = [...m.contributorClaimed.values()].reduce((a, b) => a + b, 0n);
                const amount = SPLIT.contributors - claimed - m.swept;
                m.swept += amount;
                events.push(["ContributorSharesSwept", [amount]]);
                if (amount !== 0n) {
                  moveShares(m, offeringAddress, timelockAddress, amount);
                  reached.add("contributor shares swept");
                }
                expected = ok();
              }
              return execute("sweep", () => offering.connect(f.outsider).sweepContributorShares(), expected, m);
            }
            case "claimVested": {
              const caller = action.byCreator ? developer : f.outsider;
              let expected: Expected;
              if (!action.byCreator) expected = fail(offering, "OfferingUnauthorizedCreator", caller.address);
              else if (!funded(m)) expected = fail(offering, "OfferingWrongState", OfferingState.Succeeded, m.state);
              else {
                const amount = vestedAt(m, t()) - m.vestClaimed;
                m.vestClaimed += amount;
                events.push(["VestedSharesClaimed", [developer.address, amount]]);
                if (amount !== 0n) moveShares(m, offeringAddress, developer.address, amount);
                if (amount !== 0n) reached.add("vested shares claimed");
                expected = ok();
              }
              return execute("claimVested", () => offering.connect(caller).claimVested(), expected, m);
            }
            case "inference": {
              const fee = pricePerCall * action.calls;
              // The payer's 100,000 OPEN covers a few hundred thousand calls per step for a whole run; never more.
              if (fee > openOf(m, payer.address)) return;
              const treasuryPart = (fee * split.treasuryBps) / BPS;
              const modelPart = (fee * split.modelBps) / BPS;
              const stakersPart = (fee * split.stakersBps) / BPS;
              moveOpen(m, payer.address, settlementTreasury, treasuryPart);
              moveOpen(m, payer.address, m.recipient, modelPart);
              moveOpen(m, payer.address, await f.staking.getAddress(), stakersPart);
              moveOpen(m, payer.address, await f.rewards.getAddress(), fee - treasuryPart - modelPart - stakersPart);
              m.calls += action.calls;
              m.fees += fee;
              if (m.recipient === sharesAddress) reached.add("revenue to holders");
              return execute(
                "inference",
                () =>
                  settlement
                    .connect(payer)
                    .settle(1n, action.calls, fee, ethers.id(`log ${steps}`), `ipfs://log-${steps}`),
                ok(),
                m,
              );
            }
            case "addVersion": {
              // After a failure the model is the creator's again, outside the offering.
              if (m.state === OfferingState.Failed) return;
              const spec = versionSpec(Number(m.versions) + 1, action.datanetVersion);
              if (action.byCreator) {
                const refused = fail(controller, "ControllerUnauthorized", developer.address);
                return execute("addVersion", () => controller.connect(developer).addModelVersion(spec), refused, m);
              }
              m.versions += 1n;
              m.trainedOn.set(m.versions, action.datanetVersion);
              return execute("addVersion", () => controller.connect(timelockSigner).addModelVersion(spec), ok(), m);
            }
            case "release": {
              const version = { latest: m.versions, launch: launchVersions, missing: m.versions + 1n }[action.version];
              const i = action.index;
              let expected: Expected;
              if (m.state !== OfferingState.Succeeded) {
                expected = fail(offering, "OfferingWrongState", OfferingState.Succeeded, m.state);
              } else if (i >= MILESTONES) expected = fail(offering, "OfferingMilestoneNonexistent", i);
              else if (m.releasedBits.has(i)) expected = fail(offering, "OfferingMilestoneReleased", i);
              else if (!isMet(m, i, version)) expected = fail(offering, "OfferingMilestoneNotMet", i);
              else {
                release(m, i, events);
                expected = ok();
              }
              return execute("release", () => offering.connect(f.outsider).release(i, version), expected, m);
            }
            case "transfer": {
              const from = holders[action.from];
              const to = action.toEscrow ? offeringAddress : addressOf(action.to);
              const held = sharesOf(m, from.address);
              const amount = { some: (held * action.numerator) / 1_000n, all: held, tooMuch: held + 1n, zero: 0n }[
                action.part
              ];
              const sumBefore = revenueAccounts.reduce((s, a) => s + accruedView(m, a), 0n);
              const expected =
                moveShares(m, from.address, to, amount) ??
                ok(() => {
                  // A transfer neither creates nor destroys accrued revenue.
                  const sumAfter = revenueAccounts.reduce((s, a) => s + accruedView(model, a), 0n);
                  expect(sumAfter).to.equal(sumBefore, "accrued revenue across a transfer");
                });
              return execute("transfer", () => shares.connect(from).transfer(to, amount), expected, m);
            }
            case "claimRevenue": {
              const who =
                action.who < HOLDERS ? addressOf(action.who) : [timelockAddress, offeringAddress][action.who - HOLDERS];
              sync(m);
              let expected: Expected;
              const amount =
                who === offeringAddress ? 0n : account(m, who).accrued + pending(m, who, m.revenue.perShare);
              if (amount === 0n) expected = fail(shares, "SharesNothingToClaim", who);
              else {
                Object.assign(account(m, who), { paid: m.revenue.perShare, accrued: 0n });
                m.revenue.accounted -= amount;
                moveOpen(m, sharesAddress, who, amount);
                revenueEvents.push(["Transfer", [sharesAddress, who, amount]]);
                reached.add("revenue claimed");
                expected = ok();
              }
              return execute("claimRevenue", () => shares.connect(payer).claimRevenue(who), expected, m);
            }
            case "sync":
              sync(m);
              return execute("sync", () => shares.connect(payer).syncRevenue(), ok(), m);
            case "delegate": {
              const who = holders[action.who];
              const to = action.to < 0 ? who.address : addressOf(action.to);
              m.delegates.set(who.address, to);
              return execute("delegate", () => shares.connect(who).delegate(to), ok(), m);
            }
            case "openVote": {
              const i = action.index;
              if (action.overdue && i < MILESTONES) reach(milestones[i].deadline + 1n);
              let expected: Expected;
              if (m.state !== OfferingState.Succeeded) {
                expected = fail(offering, "OfferingWrongState", OfferingState.Succeeded, m.state);
              } else if (i >= MILESTONES) expected = fail(offering, "OfferingMilestoneNonexistent", i);
              else if (m.releasedBits.has(i)) expected = fail(offering, "OfferingMilestoneReleased", i);
              else if (t() <= milestones[i].deadline || (milestones[i].kind !== 0 && isMet(m, i, 0n))) {
                expected = fail(offering, "OfferingMilestoneNotOverdue", i);
              } else if (m.vote?.open) expected = fail(offering, "OfferingEndVoteActive", true);
              else {
                const quorum = (BigInt(END_VOTE.quorumBps) * (m.supply - sharesOf(m, offeringAddress))) / BPS;
                m.vote = {
                  open: true,
                  index: i,
                  snapshot: t() - 1n,
                  voteEnd: t() + END_VOTE.votingPeriod,
                  quorum,
                  votesFor: 0n,
                  votesAgainst: 0n,
                  voters: new Set(),
                  // Every earlier transaction was mined at or before the snapshot.
                  weights: new Map(holders.map((h) => [h.address, votesOf(m, h.address)])),
                };
                events.push(["EndVoteOpened", [i, m.vote.snapshot, m.vote.voteEnd, quorum]]);
                reached.add("end vote opened");
                expected = ok();
              }
              return execute("openVote", () => offering.connect(f.outsider).openEndVote(i), expected, m);
            }
            case "castVote": {
              const vote = m.vote;
              const eligible = holders.filter(
                (h) => vote && !vote.voters.has(h.address) && vote.weights.get(h.address)! > 0n,
              );
              const who =
                action.anyone || eligible.length === 0 ? holders[action.who] : eligible[action.who % eligible.length];
              let expected: Expected;
              if (!vote?.open) expected = fail(offering, "OfferingEndVoteActive", false);
              else if (t() > vote.voteEnd) expected = fail(offering, "OfferingEndVoteTiming", vote.voteEnd);
              else if (vote.voters.has(who.address)) expected = fail(offering, "OfferingAlreadyVoted", who.address);
              else if (vote.weights.get(who.address)! === 0n) expected = fail(offering, "OfferingNoVotes", who.address);
              else {
                const weight = vote.weights.get(who.address)!;
                vote.voters.add(who.address);
                if (action.support) vote.votesFor += weight;
                else vote.votesAgainst += weight;
                events.push(["EndVoteCast", [who.address, action.support, weight]]);
                expected = ok();
              }
              return execute("castVote", () => offering.connect(who).castEndVote(action.support), expected, m);
            }
            case "closeVote": {
              const vote = m.vote;
              if (vote?.open && action.timing !== "now") reach(vote.voteEnd + (action.timing === "after" ? 1n : 0n));
              let expected: Expected;
              if (!vote?.open) expected = fail(offering, "OfferingEndVoteActive", false);
              else if (t() <= vote.voteEnd) expected = fail(offering, "OfferingEndVoteTiming", vote.voteEnd);
              else {
                vote.open = false;
                if (vote.votesFor >= vote.quorum && vote.votesFor > vote.votesAgainst) {
                  m.state = OfferingState.Ended;
                  m.vestStop = t();
                  m.unreleased = m.net - m.released;
                  const unvested = SPLIT.creator - vestedAt(m, t());
                  if (unvested !== 0n) moveShares(m, offeringAddress, ZERO, unvested);
                  events.push(["OfferingEnded", [m.unreleased]]);
                  reached.add("ended");
                } else {
                  events.push(["EndVoteFailed", [vote.votesFor, vote.votesAgainst]]);
                  reached.add("end vote failed");
                }
                expected = ok();
              }
              return execute("closeVote", () => offering.connect(f.outsider).closeEndVote(), expected, m);
            }
            case "redeem": {
              const who = addressOf(action.who);
              const d = m.deposits.get(who);
              let expected: Expected;
              if (m.state !== OfferingState.Ended) {
                expected = fail(offering, "OfferingWrongState", OfferingState.Ended, m.state);
              } else if (!d || d.redeemed) expected = fail(offering, "OfferingNothingToRedeem", who);
              else {
                const end = d.start + d.amount;
                const paid = (end * m.unreleased) / m.totalDeposits - (d.start * m.unreleased) / m.totalDeposits;
                d.redeemed = true;
                m.redeemed += paid;
                events.push(["DepositRedeemed", [who, paid]]);
                moveOpen(m, offeringAddress, who, paid);
                if (paid !== 0n) reached.add("redeemed");
                expected = ok();
              }
              return execute("redeem", () => offering.connect(f.outsider).redeem(who), expected, m);
            }
          }
        }

        async function checkInvariants() {
          const m = model;
          const now = BigInt(await time.latest());
          const [openBalances, shareBalances, accrued, votes, chain, depositViews, settlementViews] = await Promise.all(
            [
              Promise.all(openAccounts.map((a) => open.balanceOf(a))),
              Promise.all(shareAccounts.map((a) => shares.balanceOf(a))),
              Promise.all([...revenueAccounts, offeringAddress].map((a) => shares.accruedRevenue(a))),
              Promise.all(holders.map((h) => shares.getVotes(h.address))),
              Promise.all([
                offering.state(),
                offering.totalDeposits(),
                offering.netRaise(),
                offering.released(),
                offering.vesting().then((v) => [v.vested, v.claimed]),
                shares.totalSupply(),
                shares.revenuePerShare(),
                shares.revenueReceived(),
                shares.revenuePaid(),
                offering.endVote().then((v) => [...v]),
                Promise.all(CONTRIBUTORS.map((i) => offering.contributorClaimed(addressOf(i)))),
                Promise.all(milestones.map((_, i) => offering.isReleased(i))),
              ]),
              Promise.all(
                f.buyers.map((b) =>
                  offering.deposits(b.address).then((d) => [d.start, d.amount, d.settled, d.redeemed]),
                ),
              ),
              Promise.all(f.buyers.map((b) => offering.settlement(b.address).then((s) => [...s]))),
            ],
          );
          const vote = m.vote;
          expect(chain).to.deep.equal(
            [
              m.state,
              m.totalDeposits,
              m.net,
              m.released,
              [vestedAt(m, now), m.vestClaimed],
              m.supply,
              m.revenue.perShare,
              m.revenue.received,
              m.revenue.received - m.revenue.accounted,
              vote
                ? [
                    BigInt(vote.index),
                    vote.snapshot,
                    vote.voteEnd,
                    vote.quorum,
                    vote.votesFor,
                    vote.votesAgainst,
                    vote.open,
                  ]
                : [0n, 0n, 0n, 0n, 0n, 0n, false],
              CONTRIBUTORS.map((i) => m.contributorClaimed.get(addressOf(i)) ?? 0n),
              milestones.map((_, i) => m.releasedBits.has(i)),
            ],
            "state, deposits, net raise, released, vesting, supply, revenue per share, received, paid, end vote, " +
              "contributor claims and released milestones",
          );
          expect(depositViews).to.deep.equal(
            f.buyers.map((b) => {
              const d = m.deposits.get(b.address);
              return d ? [d.start, d.amount, d.settled, d.redeemed] : [0n, 0n, false, false];
            }),
            "deposits",
          );
          expect(settlementViews).to.deep.equal(
            f.buyers.map((b) => {
              const s = settlementOf(m, b.address);
              return [s.shares, s.refund];
            }),
            "pending settlements",
          );

          // OPEN: every balance is the model's, and none was created or destroyed.
          expect(openBalances).to.deep.equal(
            openAccounts.map((a) => openOf(m, a)),
            "OPEN balances",
          );
          expect(openBalances.reduce((a, b) => a + b, 0n)).to.equal(openTotal, "OPEN conserved");
          const held = openOf(m, offeringAddress);
          if (m.state === OfferingState.Sale) expect(held).to.equal(m.totalDeposits, "the sale holds every deposit");
          else if (m.state === OfferingState.Failed) expect(held).to.equal(refundsOwed(m), "deposits not refunded");
          else {
            expect(held).to.equal(
              refundsOwed(m) + m.net - m.released - m.redeemed,
              "refunds owed + net − released − redeemed",
            );
          }

          // Shares: every balance is the model's; they sum to the supply.
          expect(shareBalances).to.deep.equal(
            shareAccounts.map((a) => sharesOf(m, a)),
            "share balances",
          );
          expect(shareBalances.reduce((a, b) => a + b, 0n)).to.equal(m.supply, "shares conserved");
          expect(votes).to.deep.equal(
            holders.map((h) => votesOf(m, h.address)),
            "votes",
          );

          // Revenue: what was paid, is owed and is carried by escrow shares never exceeds what arrived.
          const { perShare, shared } = pendingSync(m);
          expect(accrued).to.deep.equal(
            [...revenueAccounts, offeringAddress].map((a) => accruedView(m, a)),
            "accrued revenue",
          );
          const paid = m.revenue.received - m.revenue.accounted;
          const received = m.revenue.received + shared;
          const carried = (sharesOf(m, offeringAddress) * perShare) / REVENUE_SCALE;
          const owed = paid + accrued.reduce((a, b) => a + b, 0n) + carried;
          expect(paid).to.be.at.most(m.revenue.received, "revenue paid ≤ received");
          expect(owed).to.be.at.most(received, "paid + accrued + carried ≤ received");
          const dustBound = m.revenue.rounded + BigInt(revenueAccounts.length) + 1n;
          expect(received - owed).to.be.at.most(dustBound, "revenue dust");
          // Everything synced is still in the token, and no more than it holds is accounted.
          expect(m.revenue.accounted).to.be.at.most(openOf(m, sharesAddress));
          if (m.revenue.received > 0n) reached.add("revenue received");
        }

        for (const action of actions) {
          await step(action);
          await checkInvariants();
          steps += 1;
        }
        for (const outcome of reached) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`      ${RUNS} runs × ${steps} steps in all (${(steps / RUNS).toFixed(0)} per run), ${seconds} s`);
    console.log("      action              calls  reverted  by error");
    for (const [action, { total, reverted, errors }] of [...calls.entries()].sort()) {
      const share = `${((100 * reverted) / total).toFixed(0)}%`;
      const byError = [...errors].map(([name, n]) => `${name.replace(/^(Offering|Shares)/, "")} ${n}`).join(", ");
      const counts = `${String(total).padStart(6)}  ${String(reverted).padStart(4)} ${share.padStart(4)}`;
      console.log(`      ${action.padEnd(18)} ${counts}  ${byError}`);
    }
    console.log(`      runs reaching: ${[...outcomes].map(([o, n]) => `${o} ${n}`).join(", ")}`);
    for (const outcome of [
      "failed",
      "succeeded",
      "oversubscribed",
      "upfront released",
      "milestone 0 released",
      "milestone 1 released",
      "vested shares claimed",
      "revenue to holders",
      "revenue claimed",
      "end vote opened",
      "end vote failed",
      "ended",
      "redeemed",
      "contributor shares swept",
    ]) {
      expect([...outcomes.keys()], "outcomes the seeded runs reach").to.include(outcome);
    }
  });
});
