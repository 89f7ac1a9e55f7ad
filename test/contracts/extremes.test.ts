import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract, Signer } from "ethers";
import { economyFixture } from "../fixtures/economy";
import { defaultPolicy } from "../fixtures/protocol";

const MAX = ethers.MaxUint256;
const MAX64 = 2n ** 64n - 1n;
const MAX96 = 2n ** 96n - 1n;
const ZERO = ethers.ZeroAddress;
const HASH0 = ethers.ZeroHash;

type Fixture = Awaited<ReturnType<typeof economyFixture>>;
type Name = "datanets" | "clock" | "settlement" | "models" | "rewards" | "staking";

/** One call with its arguments at an extreme, and its outcome: a named custom error of `errorOf`, or success. */
interface Row {
  contract: Name;
  fn: string;
  what: string;
  from?: (f: Fixture) => Signer;
  args: (f: Fixture) => unknown[];
  error?: string;
  /** A panic code instead of a custom error (checked arithmetic before a SafeCast). */
  panic?: number;
  /** The contract whose interface declares `error`; the called one by default. */
  errorOf?: (f: Fixture) => BaseContract;
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
const developer = (f: Fixture) => f.developer;
const payer = (f: Fixture) => f.payer;
const sam = (f: Fixture) => f.sam;

const ROWS: Row[] = [
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

/**
 * Non-view functions with no row, and why. OpenZeppelin's inherited functions (ERC-20, ERC-721, Ownable,
 * AccessControl) are unchanged library code with OpenZeppelin's own tests; functions without arguments have no extreme.
 */
const EXCLUDED: Record<string, string> = {
  approve: "ERC-721 (OpenZeppelin, unchanged)",
  safeTransferFrom: "ERC-721 (OpenZeppelin, unchanged)",
  setApprovalForAll: "ERC-721 (OpenZeppelin, unchanged)",
  transferFrom: "ERC-721 (OpenZeppelin, unchanged)",
  renounceOwnership: "Ownable (OpenZeppelin), no arguments",
  transferOwnership: "Ownable (OpenZeppelin, unchanged)",
  grantRole: "AccessControl (OpenZeppelin, unchanged)",
  revokeRole: "AccessControl (OpenZeppelin, unchanged)",
  renounceRole: "AccessControl (OpenZeppelin, unchanged)",
  acceptRoot: "no arguments",
  revokePendingRoot: "no arguments",
  claimRewards: "no arguments",
  withdraw: "no arguments",
};

describe("Every external function at its extremes", function () {
  for (const row of ROWS) {
    const outcome = row.error ?? (row.panic === undefined ? "success" : `panic 0x${row.panic.toString(16)}`);
    it(`${row.contract}.${row.fn} with ${row.what}: ${outcome}`, async function () {
      const f = await loadFixture(economyFixture);
      const contract = f[row.contract] as unknown as BaseContract;
      const signer = row.from ? row.from(f) : f.deployer;
      const call = (contract.connect(signer) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
        row.fn
      ](...row.args(f));
      if (row.panic !== undefined) {
        await expect(call).to.be.revertedWithPanic(row.panic);
      } else if (row.error) {
        await expect(call).to.be.revertedWithCustomError(row.errorOf ? row.errorOf(f) : contract, row.error);
      } else {
        await expect(call).to.not.be.reverted;
      }
    });
  }

  it("has a row for every non-view function of every core contract, or a reason to leave it out", async function () {
    const f = await loadFixture(economyFixture);
    const missing: string[] = [];
    for (const name of ["datanets", "clock", "settlement", "models", "rewards", "staking"] as Name[]) {
      f[name].interface.forEachFunction((fn) => {
        if (fn.stateMutability === "view" || fn.stateMutability === "pure") return;
        if (fn.name in EXCLUDED) return;
        if (!ROWS.some((r) => r.contract === name && r.fn === fn.name)) missing.push(`${name}.${fn.name}`);
      });
    }
    expect(missing).to.deep.equal([]);
  });
});
