import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract, Signer } from "ethers";
import type { OfferingTermsStruct } from "../../typechain-types/contracts/interfaces/IOfferingFactory";
import { economyFixture } from "../fixtures/economy";
import { governorFixture } from "../fixtures/governance";
import { GOVERNANCE, offeringFixture, offeringTerms } from "../fixtures/offering";
import { defaultPolicy } from "../fixtures/protocol";
import { impersonate } from "../helpers/impersonate";

const MAX = ethers.MaxUint256;
const MAX64 = 2n ** 64n - 1n;
const MAX96 = 2n ** 96n - 1n;
const ZERO = ethers.ZeroAddress;
const HASH0 = ethers.ZeroHash;

type Fixture = Awaited<ReturnType<typeof economyFixture>>;
type OfferingWorld = Awaited<ReturnType<typeof offeringFixture>>;
type GovernorWorld = Awaited<ReturnType<typeof governorFixture>>;

/** One call with its arguments at an extreme, and its outcome: a named custom error of `errorOf`, or success. */
interface Row<F = Fixture> {
  /** The contract's key in its table's `contracts`. */
  contract: string;
  fn: string;
  what: string;
  from?: (f: F) => Signer | Promise<Signer>;
  /** Brings the chain to the state the row needs (a closed sale, a later time). */
  before?: (f: F) => Promise<unknown>;
  args: (f: F) => unknown[] | Promise<unknown[]>;
  error?: string;
  /** A panic code instead of a custom error (checked arithmetic before a SafeCast). */
  panic?: number;
  /** The contract whose interface declares `error`; the called one by default. */
  errorOf?: (f: F) => BaseContract;
}

/** The rows over the contracts one fixture deploys. */
interface Table<F> {
  name: string;
  fixture: () => Promise<F>;
  contracts: Record<string, (f: F) => BaseContract>;
  rows: Row<F>[];
}

const spec = (trainedOn: { datanetId: bigint; version: bigint }[]) => ({
  baseModel: "b",
  adapterKind: 1,
  adapterHash: ethers.id("a"),
  trainingConfigHash: ethers.id("c"),
  trainedOn,
});
const split = (t: number, m: number, s: number, c: number) => ({
  treasuryBps: t,
  modelBps: m,
  stakersBps: s,
  contributorsBps: c,
});
const owner = (f: Fixture) => f.owner;
const developer = (f: Fixture | OfferingWorld) => f.developer;
const payer = (f: Fixture) => f.payer;
const sam = (f: Fixture) => f.sam;

const CORE_ROWS: Row[] = [
  // DatanetRegistry
  {
    contract: "datanets",
    fn: "commit",
    what: "the zero commitment is a commitment like any other",
    args: () => [HASH0],
  },
  {
    contract: "datanets",
    fn: "createDatanet",
    what: "no validators",
    args: () => ["", defaultPolicy(), []],
    error: "DatanetNoValidators",
  },
  {
    contract: "datanets",
    fn: "createDatanet",
    what: "the zero address as validator",
    args: () => ["", defaultPolicy({ quorum: 1 }), [ZERO]],
    error: "DatanetInvalidValidator",
  },
  {
    contract: "datanets",
    fn: "createDatanet",
    what: "a quorum of 0",
    args: (f) => ["", defaultPolicy({ quorum: 0 }), [f.v1.address]],
    error: "DatanetInvalidPolicy",
  },
  {
    contract: "datanets",
    fn: "publishVersion",
    what: "Datanet 2^256 − 1",
    from: owner,
    args: () => [MAX],
    error: "DatanetNonexistent",
  },
  {
    contract: "datanets",
    fn: "publishVersion",
    what: "Datanet 0",
    from: owner,
    args: () => [0n],
    error: "DatanetNonexistent",
  },
  {
    contract: "datanets",
    fn: "reclaimBond",
    what: "Datanet 2^256 − 1, the zero hash",
    args: () => [MAX, HASH0],
    error: "DatanetContributionNonexistent",
  },
  {
    contract: "datanets",
    fn: "setDatanetURI",
    what: "Datanet 0",
    from: owner,
    args: () => [0n, ""],
    error: "DatanetNonexistent",
  },
  {
    contract: "datanets",
    fn: "setModelAccess",
    what: "Datanet 2^256 − 1, the zero address",
    from: owner,
    args: () => [MAX, ZERO, true],
    error: "DatanetNonexistent",
  },
  {
    contract: "datanets",
    fn: "setPolicy",
    what: "a quorum of 0",
    from: owner,
    args: () => [1n, defaultPolicy({ quorum: 0 })],
    error: "DatanetInvalidPolicy",
  },
  {
    contract: "datanets",
    fn: "setValidators",
    what: "no validators",
    from: owner,
    args: () => [1n, []],
    error: "DatanetNoValidators",
  },
  {
    contract: "datanets",
    fn: "submit",
    what: "an unknown commitment, size 0, every number at its maximum",
    args: () => [
      { datanetId: MAX, contentHash: HASH0, size: MAX64, termsVersion: 2n ** 32n - 1n, maxBond: MAX96, salt: HASH0 },
      "",
    ],
    error: "DatanetNonexistent",
  },
  {
    contract: "datanets",
    fn: "vote",
    what: "Datanet 0, the zero hash",
    from: (f) => f.v1,
    args: () => [0n, HASH0, true],
    error: "DatanetContributionNonexistent",
  },
  {
    contract: "datanets",
    fn: "withdrawBondCredit",
    what: "the zero receiver",
    args: () => [ZERO, 0n],
    error: "DatanetInvalidReceiver",
  },
  {
    contract: "datanets",
    fn: "withdrawBondCredit",
    what: "2^256 − 1",
    args: (f) => [f.alice.address, MAX],
    error: "DatanetInsufficientBalance",
  },
  { contract: "datanets", fn: "withdrawBondCredit", what: "0, just at the credit", args: (f) => [f.alice.address, 0n] },
  {
    contract: "datanets",
    fn: "withdrawTreasury",
    what: "the zero receiver",
    from: owner,
    args: () => [1n, ZERO, 0n],
    error: "DatanetInvalidReceiver",
  },
  {
    contract: "datanets",
    fn: "withdrawTreasury",
    what: "1 past the treasury",
    from: owner,
    args: (f) => [1n, f.owner.address, 1n],
    error: "DatanetInsufficientBalance",
  },
  {
    contract: "datanets",
    fn: "withdrawTreasury",
    what: "Datanet 2^256 − 1",
    from: owner,
    args: (f) => [MAX, f.owner.address, MAX],
    error: "DatanetNonexistent",
  },
  // EpochClock
  { contract: "clock", fn: "setEpochLength", what: "0", args: () => [0n], error: "EpochInvalidLength" },
  { contract: "clock", fn: "setEpochLength", what: "2^64 − 1", args: () => [MAX64], error: "EpochInvalidLength" },
  // InferenceSettlement
  {
    contract: "settlement",
    fn: "settle",
    what: "0 calls",
    from: payer,
    args: () => [1n, 0n, MAX, ethers.id("log"), ""],
    error: "SettlementZeroCalls",
  },
  {
    contract: "settlement",
    fn: "settle",
    what: "the zero log root",
    from: payer,
    args: () => [1n, 1n, MAX, HASH0, ""],
    error: "SettlementInvalidLogRoot",
  },
  {
    contract: "settlement",
    fn: "settle",
    what: "a maximum fee of 0",
    from: payer,
    args: () => [1n, 1n, 0n, ethers.id("log"), ""],
    error: "SettlementFeeAboveMax",
  },
  {
    contract: "settlement",
    fn: "settle",
    what: "a maximum fee 1 wei below the fee",
    from: payer,
    args: () => [1n, 1n, ethers.parseEther("0.01") - 1n, ethers.id("log"), ""],
    error: "SettlementFeeAboveMax",
  },
  {
    contract: "settlement",
    fn: "settle",
    what: "a maximum fee just at the fee",
    from: payer,
    args: () => [1n, 1n, ethers.parseEther("0.01"), ethers.id("log"), ""],
  },
  {
    contract: "settlement",
    fn: "settle",
    what: "model 2^256 − 1",
    from: payer,
    args: () => [MAX, 1n, MAX, ethers.id("log"), ""],
    error: "ModelNonexistent",
    errorOf: (f) => f.models,
  },
  {
    contract: "settlement",
    fn: "settle",
    what: "2^64 − 1 calls, beyond the payer's OPEN",
    from: payer,
    args: () => [1n, MAX64, MAX, ethers.id("log"), ""],
    error: "ERC20InsufficientBalance",
    errorOf: (f) => f.open,
  },
  {
    contract: "settlement",
    fn: "setFeeSplit",
    what: "bps summing to 10,001",
    args: () => [split(1_001, 2_000, 2_000, 5_000)],
    error: "SettlementInvalidSplit",
  },
  {
    contract: "settlement",
    fn: "setFeeSplit",
    what: "every bps at 2^16 − 1",
    args: () => [split(65_535, 65_535, 65_535, 65_535)],
    error: "SettlementInvalidSplit",
  },
  {
    contract: "settlement",
    fn: "setFeeSplit",
    what: "all to one party, summing just to 10,000",
    args: () => [split(0, 0, 0, 10_000)],
  },
  {
    contract: "settlement",
    fn: "setTreasury",
    what: "the zero address",
    args: () => [ZERO],
    error: "SettlementInvalidTreasury",
  },
  {
    contract: "settlement",
    fn: "recoverExcess",
    what: "the zero receiver",
    args: () => [ZERO],
    error: "SettlementInvalidReceiver",
  },
  // ModelRegistry
  {
    contract: "models",
    fn: "registerModel",
    what: "no training data",
    args: (f) => ["", spec([]), 0n, f.alice.address],
    error: "ModelNoTrainingData",
  },
  {
    contract: "models",
    fn: "registerModel",
    what: "Datanet 2^64 − 1",
    args: (f) => ["", spec([{ datanetId: MAX64, version: 1n }]), MAX96, f.alice.address],
    error: "ModelDatanetVersionNonexistent",
  },
  {
    contract: "models",
    fn: "registerModel",
    what: "the zero revenue recipient",
    args: () => ["", spec([{ datanetId: 1n, version: 1n }]), 0n, ZERO],
    error: "ModelInvalidRevenueRecipient",
  },
  {
    contract: "models",
    fn: "addModelVersion",
    what: "model 0",
    from: developer,
    args: () => [0n, spec([{ datanetId: 1n, version: 1n }])],
    error: "ModelNonexistent",
  },
  { contract: "models", fn: "setModelURI", what: "model 2^256 − 1", args: () => [MAX, ""], error: "ModelNonexistent" },
  { contract: "models", fn: "setPrice", what: "2^96 − 1", from: developer, args: () => [1n, MAX96] },
  { contract: "models", fn: "setPrice", what: "0", from: developer, args: () => [1n, 0n] },
  {
    contract: "models",
    fn: "setRevenueRecipient",
    what: "the zero address",
    from: developer,
    args: () => [1n, ZERO],
    error: "ModelInvalidRevenueRecipient",
  },
  // RewardDistributor
  { contract: "rewards", fn: "fund", what: "0", args: () => [0n], error: "RewardsInvalidAmount" },
  {
    contract: "rewards",
    fn: "fund",
    what: "2^96, 1 past what the pool counts",
    args: () => [2n ** 96n],
    error: "SafeCastOverflowedUintDowncast",
  },
  {
    contract: "rewards",
    fn: "claim",
    what: "the zero account, 2^256 − 1, no proof, before any root",
    args: () => [ZERO, MAX, []],
    error: "RewardsNoRoot",
  },
  {
    contract: "rewards",
    fn: "claimMany",
    what: "no claims, before any root",
    args: () => [[]],
    error: "RewardsNoRoot",
  },
  {
    contract: "rewards",
    fn: "proposeRoot",
    what: "the zero root",
    args: () => [HASH0, 0n, 1n, HASH0, ""],
    error: "RewardsInvalidRoot",
  },
  {
    contract: "rewards",
    fn: "proposeRoot",
    what: "epoch 2^64 − 1",
    args: () => [ethers.id("r"), 0n, MAX64, HASH0, ""],
    error: "RewardsEpochNotEnded",
  },
  {
    contract: "rewards",
    fn: "proposeRoot",
    what: "epoch 0",
    args: () => [ethers.id("r"), 0n, 0n, HASH0, ""],
    error: "RewardsEpochNotIncreasing",
  },
  {
    contract: "rewards",
    fn: "setChallengeWindow",
    what: "0",
    args: () => [0n],
    error: "RewardsInvalidChallengeWindow",
  },
  { contract: "rewards", fn: "setChallengeWindow", what: "2^32 − 1, just at the limit", args: () => [2n ** 32n - 1n] },
  {
    contract: "rewards",
    fn: "setChallengeWindow",
    what: "2^32, 1 past the limit",
    args: () => [2n ** 32n],
    error: "RewardsInvalidChallengeWindow",
  },
  {
    contract: "rewards",
    fn: "recoverExcess",
    what: "the zero receiver",
    args: () => [ZERO],
    error: "RewardsInvalidReceiver",
  },
  // StakingPool
  { contract: "staking", fn: "stake", what: "0", from: sam, args: () => [0n], error: "StakingZeroAmount" },
  {
    contract: "staking",
    fn: "stake",
    what: "2^256 − 1 (the principal's checked sum overflows first)",
    from: sam,
    args: () => [MAX],
    panic: 0x11,
  },
  {
    contract: "staking",
    fn: "stake",
    what: "2^96, past what the pool counts",
    from: sam,
    args: () => [2n ** 96n],
    error: "SafeCastOverflowedUintDowncast",
  },
  { contract: "staking", fn: "requestUnstake", what: "0", from: sam, args: () => [0n], error: "StakingZeroAmount" },
  {
    contract: "staking",
    fn: "requestUnstake",
    what: "1 wei past the stake",
    from: sam,
    args: () => [ethers.parseEther("3000") + 1n],
    error: "StakingInsufficientStake",
  },
  {
    contract: "staking",
    fn: "requestUnstake",
    what: "just the whole stake",
    from: sam,
    args: () => [ethers.parseEther("3000")],
  },
  {
    contract: "staking",
    fn: "notifyReward",
    what: "2^256 − 1 from an account that is not the notifier",
    args: () => [MAX],
    error: "StakingUnauthorizedNotifier",
  },
  { contract: "staking", fn: "setCooldown", what: "0", args: () => [0n], error: "StakingInvalidCooldown" },
  { contract: "staking", fn: "setCooldown", what: "just the maximum cooldown", args: () => [7n * 86_400n] },
  {
    contract: "staking",
    fn: "setCooldown",
    what: "1 past the maximum cooldown",
    args: () => [7n * 86_400n + 1n],
    error: "StakingInvalidCooldown",
  },
  { contract: "staking", fn: "setCooldown", what: "2^64 − 1", args: () => [MAX64], error: "StakingInvalidCooldown" },
  {
    contract: "staking",
    fn: "setRewardNotifier",
    what: "the zero address",
    args: () => [ZERO],
    error: "StakingInvalidReceiver",
  },
  {
    contract: "staking",
    fn: "sweepUndistributed",
    what: "the zero receiver",
    args: () => [ZERO],
    error: "StakingInvalidReceiver",
  },
  {
    contract: "staking",
    fn: "recoverExcess",
    what: "the zero receiver",
    args: () => [ZERO],
    error: "StakingInvalidReceiver",
  },
];

const MAX32 = 2n ** 32n - 1n;
const MAX48 = 2n ** 48n - 1n;
const MAX120 = 2n ** 120n - 1n;
const MAX128 = 2n ** 128n - 1n;
const DAY = 86_400n;

/** The sale's deadline passed (nothing done at it). */
const saleClosed = async (f: OfferingWorld) => time.increaseTo(f.deadline);
/** A raise at the hard cap, finalized: buyer 0 deposited 12,000 OPEN (2,000 to come back). */
const succeeded = async (f: OfferingWorld) => {
  await f.offering.connect(f.buyers[0]).buy(12_000n * 10n ** 18n);
  await time.increaseTo(f.deadline);
  await f.offering.finalize();
};
const modelTimelock = (f: OfferingWorld) => impersonate(f.contracts.timelock as string);
const modelGovernor = (f: OfferingWorld) => impersonate(f.contracts.governor as string);
const outsider = (f: OfferingWorld) => f.signers[18];

/** Model 2, registered by the developer and approved to the factory: one that can still be launched. */
const model2 = async (f: OfferingWorld) => {
  await f.models
    .connect(f.developer)
    .registerModel("", spec([{ datanetId: 1n, version: 1n }]), 10n ** 16n, f.developer.address);
  await f.models.connect(f.developer).approve(await f.offeringFactory.getAddress(), 2n);
};
/** Launch arguments for model 2 on the fixture's terms with `overrides`, a sale of a week. */
const launchOf = async (
  f: OfferingWorld,
  overrides: (deadline: bigint) => Partial<OfferingTermsStruct>,
  governance: Partial<typeof GOVERNANCE> = {},
) => {
  const deadline = BigInt(await time.latest()) + 7n * DAY;
  return [
    2n,
    "",
    "",
    offeringTerms(deadline, f.tree.root, overrides(deadline)),
    { ...GOVERNANCE, ...governance },
    HASH0,
    "",
  ];
};
const launchRow = (
  what: string,
  overrides: (deadline: bigint) => Partial<OfferingTermsStruct>,
  error?: string,
  governance: Partial<typeof GOVERNANCE> = {},
): Row<OfferingWorld> => ({
  contract: "factory",
  fn: "launch",
  what,
  from: developer,
  before: model2,
  args: (f) => launchOf(f, overrides, governance),
  error,
});
const milestone = (kind: number, threshold: bigint, deadline: bigint, trancheBps = 8_000) => ({
  kind,
  trancheBps,
  deadline: deadline + DAY,
  datanetId: 0n,
  datanetVersion: 0n,
  threshold,
});
const SIG = [0, HASH0, HASH0] as const;

const OFFERING_ROWS: Row<OfferingWorld>[] = [
  // OfferingFactory
  {
    contract: "factory",
    fn: "launch",
    what: "model 1 again, from its former owner",
    from: developer,
    args: (f) => launchOf(f, () => ({})).then((a) => [1n, ...a.slice(1)]),
    error: "OfferingUnauthorizedLauncher",
  },
  {
    contract: "factory",
    fn: "launch",
    what: "model 2^256 − 1",
    from: developer,
    args: (f) => launchOf(f, () => ({})).then((a) => [MAX, ...a.slice(1)]),
    error: "ERC721NonexistentToken",
    errorOf: (f) => f.models,
  },
  launchRow(
    "a soft cap of 0",
    (d) => ({ sale: { softCap: 0n, hardCap: 10n ** 22n, deadline: d, upfrontBps: 2_000 } }),
    "OfferingInvalidTerms",
  ),
  launchRow(
    "a deadline of 2^64 − 1, past the longest sale",
    (d) => ({
      sale: { softCap: 1n, hardCap: 10n ** 22n, deadline: MAX64, upfrontBps: 2_000 },
      milestones: [milestone(1, MAX, d, 8_000)].map((m) => ({ ...m, deadline: MAX64 })),
    }),
    "OfferingInvalidTerms",
  ),
  launchRow(
    "every part of the split at 2^128 − 1, a supply past 2^128",
    () => ({ split: { sale: MAX128, creator: MAX128, contributors: MAX128, treasury: MAX128 } }),
    "OfferingInvalidTerms",
  ),
  launchRow(
    "an end-vote quorum of 5,001 bps, 1 past the limit",
    () => ({ endVote: { quorumBps: 5_001, votingPeriod: 3n * DAY } }),
    "OfferingInvalidTerms",
  ),
  launchRow("an end-vote quorum of 5,000 bps, just at the limit", () => ({
    endVote: { quorumBps: 5_000, votingPeriod: 3n * DAY },
  })),
  launchRow(
    "an end vote 1 s shorter than the shortest",
    () => ({ endVote: { quorumBps: 2_000, votingPeriod: 3n * DAY - 1n } }),
    "OfferingInvalidTerms",
  ),
  launchRow("a governance quorum of 101%", () => ({}), "OfferingInvalidTerms", { quorumPercent: 101 }),
  launchRow("a governance quorum of 100%, just at the limit", () => ({}), undefined, { quorumPercent: 100 }),
  launchRow("a governance voting period 1 s shorter than the shortest", () => ({}), "OfferingInvalidTerms", {
    votingPeriod: DAY - 1n,
  }),
  launchRow(
    "17 milestones, 1 past the most",
    (d) => ({ milestones: Array.from({ length: 17 }, () => milestone(1, MAX, d, 0)) }),
    "OfferingInvalidTerms",
  ),
  launchRow(
    "tranches summing to 10,001 bps",
    (d) => ({ milestones: [milestone(1, MAX, d, 8_001)] }),
    "OfferingInvalidTerms",
  ),
  launchRow(
    "a settled-fees milestone of 1 wei, cheaper to fake than its tranche",
    (d) => ({ milestones: [milestone(2, 1n, d)] }),
    "OfferingMilestoneTooCheap",
  ),
  launchRow("a settled-calls milestone of 2^256 − 1 calls (its faking cost saturates)", (d) => ({
    milestones: [milestone(1, MAX, d)],
  })),
  { contract: "factory", fn: "setProtocolFee", what: "1,000 bps, just at the most", args: () => [1_000] },
  { contract: "factory", fn: "setProtocolFee", what: "1,001 bps", args: () => [1_001], error: "OfferingFeeTooHigh" },
  {
    contract: "factory",
    fn: "setProtocolFee",
    what: "2^16 − 1 bps",
    args: () => [65_535],
    error: "OfferingFeeTooHigh",
  },
  {
    contract: "factory",
    fn: "setProtocolTreasury",
    what: "the zero address",
    args: () => [ZERO],
    error: "OfferingInvalidTreasury",
  },
  // ModelOffering
  {
    contract: "offering",
    fn: "buy",
    what: "0",
    from: (f) => f.buyers[0],
    args: () => [0n],
    error: "OfferingInvalidAmount",
  },
  {
    contract: "offering",
    fn: "buy",
    what: "2^120 − 1, the most the sale counts, beyond the buyer's OPEN",
    from: (f) => f.buyers[0],
    args: () => [MAX120],
    error: "ERC20InsufficientBalance",
    errorOf: (f) => f.open,
  },
  {
    contract: "offering",
    fn: "buy",
    what: "2^120",
    from: (f) => f.buyers[0],
    args: () => [MAX120 + 1n],
    error: "OfferingInvalidAmount",
  },
  {
    contract: "offering",
    fn: "buy",
    what: "2^256 − 1",
    from: (f) => f.buyers[0],
    args: () => [MAX],
    error: "OfferingInvalidAmount",
  },
  {
    contract: "offering",
    fn: "buy",
    what: "the buyer's whole OPEN",
    from: (f) => f.buyers[0],
    args: () => [20_000n * 10n ** 18n],
  },
  {
    contract: "offering",
    fn: "buy",
    what: "1 wei at the deadline",
    from: (f) => f.buyers[0],
    before: saleClosed,
    args: () => [1n],
    error: "OfferingSaleClosed",
  },
  {
    contract: "offering",
    fn: "finalize",
    what: "1 s before the deadline",
    before: (f) => time.setNextBlockTimestamp(f.deadline - 1n),
    args: () => [],
    error: "OfferingSaleOpen",
  },
  {
    contract: "offering",
    fn: "finalize",
    what: "just at the deadline, no deposits",
    before: (f) => time.setNextBlockTimestamp(f.deadline),
    args: () => [],
  },
  {
    contract: "offering",
    fn: "settle",
    what: "the zero address, during the sale",
    args: () => [ZERO],
    error: "OfferingWrongState",
  },
  {
    contract: "offering",
    fn: "settle",
    what: "the zero address, after a failed sale",
    before: async (f) => {
      await saleClosed(f);
      await f.offering.finalize();
    },
    args: () => [ZERO],
    error: "OfferingNothingToSettle",
  },
  {
    contract: "offering",
    fn: "claimContributorShares",
    what: "the zero account, 2^256 − 1, no proof, during the sale",
    args: () => [ZERO, MAX, []],
    error: "OfferingWrongState",
  },
  {
    contract: "offering",
    fn: "claimContributorShares",
    what: "2^256 − 1 without a proof",
    before: succeeded,
    args: (f) => [f.alice.address, MAX, []],
    error: "OfferingInvalidProof",
  },
  {
    contract: "offering",
    fn: "claimContributorShares",
    what: "a proof, at the window's close",
    before: async (f) => {
      await succeeded(f);
      await time.increase(365n * DAY);
    },
    args: (f) => [f.alice.address, 0n, []],
    error: "OfferingClaimWindowClosed",
  },
  {
    contract: "offering",
    fn: "sweepContributorShares",
    what: "during the sale",
    args: () => [],
    error: "OfferingWrongState",
  },
  {
    contract: "offering",
    fn: "sweepContributorShares",
    what: "with the claim window open",
    before: succeeded,
    args: () => [],
    error: "OfferingClaimWindowOpen",
  },
  {
    contract: "offering",
    fn: "claimVested",
    what: "from an outsider",
    from: outsider,
    args: () => [],
    error: "OfferingUnauthorizedCreator",
  },
  {
    contract: "offering",
    fn: "claimVested",
    what: "nothing vested, just at the success",
    from: developer,
    before: succeeded,
    args: () => [],
  },
  { contract: "offering", fn: "release", what: "during the sale", args: () => [0n, 0n], error: "OfferingWrongState" },
  {
    contract: "offering",
    fn: "release",
    what: "milestone 2^256 − 1, version 2^32 − 1",
    before: succeeded,
    args: () => [MAX, MAX32],
    error: "OfferingMilestoneNonexistent",
  },
  {
    contract: "offering",
    fn: "release",
    what: "milestone 3, 1 past the last",
    before: succeeded,
    args: () => [3n, 0n],
    error: "OfferingMilestoneNonexistent",
  },
  {
    contract: "offering",
    fn: "release",
    what: "the version milestone with version 2^32 − 1",
    before: succeeded,
    args: () => [1n, MAX32],
    error: "OfferingMilestoneNotMet",
  },
  {
    contract: "offering",
    fn: "openEndVote",
    what: "milestone 2^256 − 1",
    before: succeeded,
    args: () => [MAX],
    error: "OfferingMilestoneNonexistent",
  },
  {
    contract: "offering",
    fn: "openEndVote",
    what: "milestone 0 just at its deadline",
    before: async (f) => {
      await succeeded(f);
      await time.setNextBlockTimestamp(f.deadline + 30n * DAY);
    },
    args: () => [0n],
    error: "OfferingMilestoneNotOverdue",
  },
  {
    contract: "offering",
    fn: "openEndVote",
    what: "milestone 0 1 s past its deadline",
    before: async (f) => {
      await succeeded(f);
      await time.setNextBlockTimestamp(f.deadline + 30n * DAY + 1n);
    },
    args: () => [0n],
  },
  { contract: "offering", fn: "castEndVote", what: "no vote open", args: () => [true], error: "OfferingEndVoteActive" },
  { contract: "offering", fn: "closeEndVote", what: "no vote open", args: () => [], error: "OfferingEndVoteActive" },
  {
    contract: "offering",
    fn: "redeem",
    what: "the zero address, not ended",
    args: () => [ZERO],
    error: "OfferingWrongState",
  },
  {
    contract: "offering",
    fn: "initialize",
    what: "every argument zero, a second time",
    args: (f) => [0n, ZERO, ZERO, ZERO, ZERO, f.terms, HASH0, ""],
    error: "InvalidInitialization",
  },
  // ModelShares
  { contract: "shares", fn: "syncRevenue", what: "nothing arrived", args: () => [] },
  {
    contract: "shares",
    fn: "claimRevenue",
    what: "the zero address",
    args: () => [ZERO],
    error: "SharesNothingToClaim",
  },
  {
    contract: "shares",
    fn: "claimRevenue",
    what: "the escrow",
    args: async (f) => [await f.offering.getAddress()],
    error: "SharesNothingToClaim",
  },
  {
    contract: "shares",
    fn: "burn",
    what: "2^256 − 1 of the escrow's, from an outsider",
    from: outsider,
    args: async (f) => [await f.offering.getAddress(), MAX],
    error: "SharesUnauthorizedEscrow",
  },
  {
    contract: "shares",
    fn: "transfer",
    what: "0 to the zero-balance outsider",
    args: (f) => [outsider(f).address, 0n],
  },
  {
    contract: "shares",
    fn: "transfer",
    what: "2^256 − 1",
    args: (f) => [f.alice.address, MAX],
    error: "ERC20InsufficientBalance",
  },
  {
    contract: "shares",
    fn: "transfer",
    what: "to the escrow",
    from: (f) => f.buyers[0],
    before: async (f) => {
      await succeeded(f);
      await f.offering.settle(f.buyers[0].address);
    },
    args: async (f) => [await f.offering.getAddress(), 1n],
    error: "SharesEscrowReceive",
  },
  {
    contract: "shares",
    fn: "transferFrom",
    what: "2^256 − 1 of the escrow's without allowance",
    args: async (f) => [await f.offering.getAddress(), f.alice.address, MAX],
    error: "ERC20InsufficientAllowance",
  },
  {
    contract: "shares",
    fn: "approve",
    what: "the zero spender",
    args: () => [ZERO, MAX],
    error: "ERC20InvalidSpender",
  },
  {
    contract: "shares",
    fn: "permit",
    what: "a deadline of 0",
    args: (f) => [f.alice.address, f.bob.address, MAX, 0n, ...SIG],
    error: "ERC2612ExpiredSignature",
  },
  { contract: "shares", fn: "delegate", what: "the zero address", args: () => [ZERO] },
  {
    contract: "shares",
    fn: "delegateBySig",
    what: "an expiry of 0",
    args: () => [ZERO, MAX, 0n, ...SIG],
    error: "VotesExpiredSignature",
  },
  {
    contract: "shares",
    fn: "initialize",
    what: "every argument zero, a second time",
    args: () => ["", "", 0n, ZERO, ZERO, ZERO],
    error: "InvalidInitialization",
  },
  // ModelController
  {
    contract: "controller",
    fn: "setPrice",
    what: "0 from an outsider",
    from: outsider,
    args: () => [0n],
    error: "ControllerUnauthorized",
  },
  {
    contract: "controller",
    fn: "setPrice",
    what: "2^96 − 1 from the model's timelock",
    from: modelTimelock,
    args: () => [MAX96],
  },
  {
    contract: "controller",
    fn: "setPrice",
    what: "0, below the floor of an unmet calls milestone",
    from: modelTimelock,
    before: succeeded,
    args: () => [0n],
    error: "ControllerPriceBelowFloor",
  },
  {
    contract: "controller",
    fn: "setRevenueRecipient",
    what: "the zero address, from the model's timelock",
    from: modelTimelock,
    args: () => [ZERO],
    error: "ModelInvalidRevenueRecipient",
    errorOf: (f) => f.models,
  },
  {
    contract: "controller",
    fn: "setRevenueRecipient",
    what: "any address while the raise is escrowed",
    from: modelTimelock,
    before: succeeded,
    args: (f) => [f.alice.address],
    error: "ControllerRevenueLocked",
  },
  {
    contract: "controller",
    fn: "setModelURI",
    what: "empty, from an outsider",
    from: outsider,
    args: () => [""],
    error: "ControllerUnauthorized",
  },
  {
    contract: "controller",
    fn: "setModelURI",
    what: "empty, from the model's timelock",
    from: modelTimelock,
    args: () => [""],
  },
  {
    contract: "controller",
    fn: "addModelVersion",
    what: "no training data, from the model's timelock",
    from: modelTimelock,
    args: () => [spec([])],
    error: "ModelNoTrainingData",
    errorOf: (f) => f.models,
  },
  {
    contract: "controller",
    fn: "returnModel",
    what: "the zero address, from an outsider",
    from: outsider,
    args: () => [ZERO],
    error: "ControllerUnauthorized",
  },
  {
    contract: "controller",
    fn: "initialize",
    what: "every argument zero, a second time",
    args: () => [ZERO, 0n, ZERO, ZERO, ZERO, false],
    error: "InvalidInitialization",
  },
  // ModelGovernor (OpenZeppelin's Governor with the launch's settings)
  ...governorRows<OfferingWorld>("modelGovernor", modelTimelock),
  {
    contract: "modelGovernor",
    fn: "initialize",
    what: "every argument zero, a second time",
    args: () => ["", ZERO, ZERO, 0n, 0n, 0n, 0n],
    error: "InvalidInitialization",
  },
  // ModelTimelock (OpenZeppelin's TimelockController with the launch's delay)
  ...timelockRows<OfferingWorld>("modelTimelock", modelGovernor, (f) => f.modelTimelock),
  {
    contract: "modelTimelock",
    fn: "initialize",
    what: "a delay of 2^256 − 1, a second time",
    args: () => [MAX, [], [], ZERO],
    error: "InvalidInitialization",
  },
];

/** Rows for a Governor's own settings and proposal arguments; `executor` is its timelock. */
function governorRows<F>(contract: string, executor: (f: F) => Promise<Signer>): Row<F>[] {
  return [
    {
      contract,
      fn: "propose",
      what: "no actions",
      args: () => [[], [], [], ""],
      error: "GovernorInvalidProposalLength",
    },
    { contract, fn: "castVote", what: "proposal 0", args: () => [0n, 0], error: "GovernorNonexistentProposal" },
    {
      contract,
      fn: "castVote",
      what: "proposal 2^256 − 1, support 255",
      args: () => [MAX, 255],
      error: "GovernorNonexistentProposal",
    },
    {
      contract,
      fn: "queue",
      what: "a proposal never made",
      args: () => [[], [], [], HASH0],
      error: "GovernorNonexistentProposal",
    },
    {
      contract,
      fn: "execute",
      what: "a proposal never made",
      args: () => [[], [], [], HASH0],
      error: "GovernorNonexistentProposal",
    },
    // Its settings change only through a passed proposal: the timelock calling outside one finds no queued call.
    { contract, fn: "setVotingPeriod", what: "0, from the deployer", args: () => [0n], error: "GovernorOnlyExecutor" },
    {
      contract,
      fn: "setVotingDelay",
      what: "2^48 − 1, from the timelock outside a proposal",
      from: executor,
      args: () => [MAX48],
      panic: 0x31,
    },
    {
      contract,
      fn: "setProposalThreshold",
      what: "2^256 − 1, from the deployer",
      args: () => [MAX],
      error: "GovernorOnlyExecutor",
    },
    {
      contract,
      fn: "updateQuorumNumerator",
      what: "101%, from the timelock outside a proposal",
      from: executor,
      args: () => [101n],
      panic: 0x31,
    },
  ];
}

/** Rows for a timelock's delay, the one setting of the project's in it; `proposer` is its Governor. */
function timelockRows<F>(
  contract: string,
  proposer: (f: F) => Promise<Signer>,
  timelock: (f: F) => { getMinDelay: () => Promise<bigint> },
): Row<F>[] {
  const call = (delay: (min: bigint) => bigint) => async (f: F) => [
    ZERO,
    0n,
    "0x",
    HASH0,
    HASH0,
    delay(await timelock(f).getMinDelay()),
  ];
  const batch = (delay: (min: bigint) => bigint) => async (f: F) => [
    [],
    [],
    [],
    HASH0,
    HASH0,
    delay(await timelock(f).getMinDelay()),
  ];
  return [
    {
      contract,
      fn: "schedule",
      what: "1 s below the delay",
      from: proposer,
      args: call((min) => min - 1n),
      error: "TimelockInsufficientDelay",
    },
    { contract, fn: "schedule", what: "just the delay", from: proposer, args: call((min) => min) },
    {
      contract,
      fn: "schedule",
      what: "a delay of 2^256 − 1 (the ready time overflows)",
      from: proposer,
      args: call(() => MAX),
      panic: 0x11,
    },
    {
      contract,
      fn: "schedule",
      what: "from an outsider",
      args: call((min) => min),
      error: "AccessControlUnauthorizedAccount",
    },
    {
      contract,
      fn: "scheduleBatch",
      what: "no calls, 1 s below the delay",
      from: proposer,
      args: batch((min) => min - 1n),
      error: "TimelockInsufficientDelay",
    },
    {
      contract,
      fn: "execute",
      what: "an operation never scheduled",
      args: () => [ZERO, 0n, "0x", HASH0, HASH0],
      error: "TimelockUnexpectedOperationState",
    },
    {
      contract,
      fn: "executeBatch",
      what: "no calls, never scheduled",
      args: () => [[], [], [], HASH0, HASH0],
      error: "TimelockUnexpectedOperationState",
    },
    {
      contract,
      fn: "cancel",
      what: "the zero id",
      from: proposer,
      args: () => [HASH0],
      error: "TimelockUnexpectedOperationState",
    },
    { contract, fn: "updateDelay", what: "0, from an outsider", args: () => [0n], error: "TimelockUnauthorizedCaller" },
  ];
}

const GOVERNOR_ROWS: Row<GovernorWorld>[] = [
  // OpenToken
  { contract: "open", fn: "transfer", what: "0", args: (f) => [f.alice.address, 0n] },
  {
    contract: "open",
    fn: "transfer",
    what: "2^256 − 1",
    args: (f) => [f.alice.address, MAX],
    error: "ERC20InsufficientBalance",
  },
  {
    contract: "open",
    fn: "transfer",
    what: "just the whole balance",
    args: async (f) => [f.alice.address, await f.open.balanceOf(f.deployer.address)],
  },
  {
    contract: "open",
    fn: "transferFrom",
    what: "2^256 − 1 without allowance",
    args: (f) => [f.alice.address, f.bob.address, MAX],
    error: "ERC20InsufficientAllowance",
  },
  { contract: "open", fn: "approve", what: "the zero spender", args: () => [ZERO, MAX], error: "ERC20InvalidSpender" },
  { contract: "open", fn: "approve", what: "2^256 − 1", args: (f) => [f.alice.address, MAX] },
  {
    contract: "open",
    fn: "permit",
    what: "a deadline of 0",
    args: (f) => [f.alice.address, f.bob.address, MAX, 0n, ...SIG],
    error: "ERC2612ExpiredSignature",
  },
  {
    contract: "open",
    fn: "permit",
    what: "a deadline of 2^256 − 1 and an empty signature",
    args: (f) => [f.alice.address, f.bob.address, MAX, MAX, ...SIG],
    error: "ECDSAInvalidSignature",
  },
  { contract: "open", fn: "delegate", what: "the zero address", args: () => [ZERO] },
  {
    contract: "open",
    fn: "delegateBySig",
    what: "an expiry of 0",
    args: () => [ZERO, MAX, 0n, ...SIG],
    error: "VotesExpiredSignature",
  },
  // OpenGovernor
  {
    contract: "governor",
    fn: "propose",
    what: "one action, from a holder below the threshold",
    from: (f) => f.carol,
    args: () => [[ZERO], [0n], ["0x"], ""],
    error: "GovernorInsufficientProposerVotes",
  },
  ...governorRows<GovernorWorld>("governor", (f) => impersonate(f.timelock.target as string)).map((row) =>
    row.fn === "propose" ? { ...row, from: (f: GovernorWorld) => f.alice, before: delegated } : row,
  ),
  // The protocol's TimelockController
  ...timelockRows<GovernorWorld>(
    "timelock",
    (f) => impersonate(f.governor.target as string),
    (f) => f.timelock,
  ),
];

/** Alice's 5% delegated to herself a block ago: enough to propose. */
async function delegated(f: GovernorWorld) {
  await f.open.connect(f.alice).delegate(f.alice.address);
  await mine();
}

/**
 * Non-view functions with no row, and why. OpenZeppelin's inherited functions (ERC-20, ERC-721, Ownable,
 * AccessControl, Governor, TimelockController) are unchanged library code with OpenZeppelin's own tests, where no
 * setting of the project's bears on them; functions without arguments have no extreme.
 */
const EXCLUDED: Record<string, string> = {
  approve: "ERC-721 (OpenZeppelin, unchanged); OpenToken's and ModelShares' ERC-20 approve have rows",
  safeTransferFrom: "ERC-721 (OpenZeppelin, unchanged)",
  setApprovalForAll: "ERC-721 (OpenZeppelin, unchanged)",
  transferFrom: "ERC-721 (OpenZeppelin, unchanged); OpenToken's and ModelShares' ERC-20 transferFrom have rows",
  renounceOwnership: "Ownable (OpenZeppelin), no arguments",
  transferOwnership: "Ownable (OpenZeppelin, unchanged)",
  grantRole: "AccessControl (OpenZeppelin, unchanged)",
  revokeRole: "AccessControl (OpenZeppelin, unchanged)",
  renounceRole: "AccessControl (OpenZeppelin, unchanged)",
  acceptRoot: "no arguments",
  revokePendingRoot: "no arguments",
  claimRewards: "no arguments",
  withdraw: "no arguments",
  cancel:
    "Governor (OpenZeppelin, unchanged): only a proposal's proposer, before its vote; the timelocks' cancel has rows",
  castVoteWithReason: "Governor (OpenZeppelin, unchanged): castVote with a string, whose rows stand for it",
  castVoteWithReasonAndParams: "Governor (OpenZeppelin, unchanged): castVote with a string and bytes",
  castVoteBySig: "Governor (OpenZeppelin, unchanged): castVote by an EIP-712 signature",
  castVoteWithReasonAndParamsBySig: "Governor (OpenZeppelin, unchanged): castVote by an EIP-712 signature",
  relay: "Governor (OpenZeppelin, unchanged): callable by the timelock only, for its own proposals",
  updateTimelock: "Governor (OpenZeppelin, unchanged): callable by the timelock only",
  onERC721Received: "token receiver hook (OpenZeppelin, unchanged)",
  onERC1155Received: "token receiver hook (OpenZeppelin, unchanged)",
  onERC1155BatchReceived: "token receiver hook (OpenZeppelin, unchanged)",
};

const TABLES = [
  {
    name: "the core contracts",
    fixture: economyFixture,
    contracts: {
      datanets: (f) => f.datanets,
      clock: (f) => f.clock,
      settlement: (f) => f.settlement,
      models: (f) => f.models,
      rewards: (f) => f.rewards,
      staking: (f) => f.staking,
    },
    rows: CORE_ROWS,
  } satisfies Table<Fixture>,
  {
    name: "a launched offering (model 1's sale open)",
    fixture: offeringFixture,
    contracts: {
      factory: (f) => f.offeringFactory,
      offering: (f) => f.offering,
      shares: (f) => f.shares,
      controller: (f) => f.controller,
      modelGovernor: (f) => f.governor,
      modelTimelock: (f) => f.modelTimelock,
    },
    rows: OFFERING_ROWS,
  } satisfies Table<OfferingWorld>,
  {
    name: "OPEN and the protocol's governance",
    fixture: governorFixture,
    contracts: { open: (f) => f.open, governor: (f) => f.governor, timelock: (f) => f.timelock },
    rows: GOVERNOR_ROWS,
  } satisfies Table<GovernorWorld>,
] as Table<unknown>[];

async function runRow<F>(table: Table<F>, row: Row<F>) {
  const f = await loadFixture(table.fixture);
  if (row.before) await row.before(f);
  const contract = table.contracts[row.contract](f);
  const signer = row.from ? await row.from(f) : (await ethers.getSigners())[0];
  const args = await row.args(f);
  const call = (contract.connect(signer) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[row.fn](
    ...args,
  );
  if (row.panic !== undefined) {
    await expect(call).to.be.revertedWithPanic(row.panic);
  } else if (row.error) {
    await expect(call).to.be.revertedWithCustomError(row.errorOf ? row.errorOf(f) : contract, row.error);
  } else {
    await expect(call).to.not.be.reverted;
  }
}

describe("Every external function at its extremes", function () {
  for (const table of TABLES) {
    describe(table.name, function () {
      for (const row of table.rows) {
        const outcome = row.error ?? (row.panic === undefined ? "success" : `panic 0x${row.panic.toString(16)}`);
        it(`${row.contract}.${row.fn} with ${row.what}: ${outcome}`, async function () {
          await runRow(table, row);
        });
      }
    });
  }

  it("has a row for every non-view function of every deployed contract, or a reason to leave it out", async function () {
    const missing: string[] = [];
    for (const table of TABLES) {
      const f = await loadFixture(table.fixture);
      for (const [name, contractOf] of Object.entries(table.contracts)) {
        contractOf(f).interface.forEachFunction((fn) => {
          if (fn.stateMutability === "view" || fn.stateMutability === "pure") return;
          if (fn.name in EXCLUDED) return;
          if (!table.rows.some((r) => r.contract === name && r.fn === fn.name)) missing.push(`${name}.${fn.name}`);
        });
      }
    }
    expect(missing).to.deep.equal([]);
  });
});
