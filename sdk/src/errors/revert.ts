import { Interface } from "ethers";
import type { Result } from "ethers";
import {
  DatanetRegistry__factory,
  IModelRegistry__factory,
  IRewardDistributor__factory,
  OpenToken__factory,
  StakingPool__factory,
} from "../contracts/typechain";
import { ProtocolError } from "./base";
import {
  CommitmentStateError,
  ContractRevertError,
  DuplicateContentError,
  InsufficientFundsError,
  InvalidConfigurationError,
  InvalidProofError,
  LimitExceededError,
  NotFoundError,
  NothingToClaimError,
  ReviewStateError,
  RootStateError,
  TermsChangedError,
  UnauthorizedError,
  UnknownRevertError,
} from "./contractErrors";
import { date, n, short } from "./format";
import { MODEL_REVERTS } from "./reverts/models";
import { STAKING_REVERTS } from "./reverts/staking";
import { GOVERNANCE_INTERFACES, GOVERNANCE_REVERTS } from "./reverts/governance";
import { SETTLEMENT_INTERFACES, SETTLEMENT_REVERTS } from "./reverts/settlement";

export * from "./contractErrors";

const POLICY_FIELDS = [
  "quorum",
  "reviewWindow",
  "maxFileBytes",
  "contributorDailyFiles",
  "contributorDailyBytes",
  "datanetDailyBytes",
];
const STATUSES = ["None", "Pending", "Accepted", "Rejected", "Expired"];

/** A {@link ContractRevertError} subclass, as a revert table names it. */
export type ErrorClass = new (
  errorName: string,
  args: Record<string, unknown>,
  shortMessage: string,
  hint?: string,
  cause?: unknown,
) => ContractRevertError;
/** The message and optional hint for a decoded error's arguments. */
export type Describe = (a: Record<string, any>) => [message: string, hint?: string];
/** How each custom error of a contract becomes a typed SDK error, by error name. */
export type RevertTable = Record<string, [ErrorClass, Describe]>;

/** How each known custom error becomes a typed SDK error with a readable message. */
const KNOWN: RevertTable = {
  DatanetNonexistent: [NotFoundError, (a) => [`Datanet ${a.datanetId} does not exist.`]],
  DatanetUnauthorizedOwner: [
    UnauthorizedError,
    (a) => [`${a.account} is not the owner of Datanet ${a.datanetId}.`, "Send this from the Datanet owner's account."],
  ],
  DatanetInvalidPolicy: [
    InvalidConfigurationError,
    (a) => [
      `Policy field "${POLICY_FIELDS[Number(a.field)]}" is invalid.`,
      "Limits and the review window must be nonzero; the quorum must be between 1 and the number of validators.",
    ],
  ],
  DatanetNoValidators: [InvalidConfigurationError, () => ["A Datanet needs at least one validator."]],
  DatanetTooManyValidators: [
    InvalidConfigurationError,
    (a) => [`${a.count} validators given; a Datanet can have at most ${a.max}.`],
  ],
  DatanetInvalidValidator: [InvalidConfigurationError, () => ["The zero address cannot be a validator."]],
  DatanetDuplicateValidator: [InvalidConfigurationError, (a) => [`Validator ${a.validator} is listed twice.`]],
  DatanetInvalidContentHash: [InvalidConfigurationError, () => ["The content hash is zero."]],
  DatanetEmptyContribution: [InvalidConfigurationError, () => ["A contribution must have at least one byte."]],
  DatanetDuplicateContent: [
    DuplicateContentError,
    (a) => [
      `This content is already pending or accepted in Datanet ${a.datanetId} as contribution ${short(a.contributionId)}.`,
      "A content hash can be submitted again only once its contribution expired or was rejected and cooled off.",
    ],
  ],
  DatanetRejectionCoolingOff: [
    DuplicateContentError,
    (a) => [
      `This content was rejected as contribution ${short(a.contributionId)}; it can be submitted again from ${date(a.resubmittableAt)}.`,
    ],
  ],
  DatanetTermsChanged: [
    TermsChangedError,
    (a) => [
      `Datanet ${a.datanetId}'s terms changed from version ${a.expected} to ${a.current} before the submission was mined; nothing was submitted.`,
      "Read the new terms (bond, validators, limits) and submit again if you agree to them.",
    ],
  ],
  DatanetBondAboveMax: [
    TermsChangedError,
    (a) => [
      `The submission would post a bond of ${n(a.bond)}, above the ${n(a.maxBond)} agreed to; nothing was submitted.`,
      "The bond doubles as the Datanet's day fills up: raise maxBond, or submit after 00:00 UTC.",
    ],
  ],
  DatanetCommitmentExists: [
    CommitmentStateError,
    (a) => [
      `Commitment ${short(a.commitment)} is already recorded.`,
      "Reveal it with submit, or commit with a new salt.",
    ],
  ],
  DatanetUnknownCommitment: [
    CommitmentStateError,
    (a) => [
      `No commitment ${short(a.commitment)} matches this sender, Datanet, content hash and salt.`,
      "Commit first (DatanetClient.submit does both steps), with the same account and salt as the reveal.",
    ],
  ],
  DatanetCommitmentTooRecent: [
    CommitmentStateError,
    (a) => [
      `Commitment ${short(a.commitment)} was recorded at ${date(a.committedAt)}, in this block.`,
      "Reveal it in a later block.",
    ],
  ],
  DatanetFileTooLarge: [
    LimitExceededError,
    (a) => [`Limit maxFileBytes: ${n(a.size)} bytes exceed Datanet ${a.datanetId}'s maximum of ${n(a.maxFileBytes)}.`],
  ],
  DatanetContributorDailyFilesExceeded: [
    LimitExceededError,
    (a) => [
      `Limit contributorDailyFiles: ${a.contributor} already made ${n(a.limit)} submissions to Datanet ${a.datanetId} today.`,
      "The counter resets at 00:00 UTC.",
    ],
  ],
  DatanetContributorDailyBytesExceeded: [
    LimitExceededError,
    (a) => [
      `Limit contributorDailyBytes: ${n(a.requested)} bytes requested but ${a.contributor} has ${n(a.remaining)} left today in Datanet ${a.datanetId}.`,
      "The counter resets at 00:00 UTC.",
    ],
  ],
  DatanetDailyBytesExceeded: [
    LimitExceededError,
    (a) => [
      `Limit datanetDailyBytes: ${n(a.requested)} bytes requested but Datanet ${a.datanetId} has ${n(a.remaining)} left today.`,
      "The counter resets at 00:00 UTC.",
    ],
  ],
  DatanetContributionNonexistent: [NotFoundError, (a) => [`Contribution ${short(a.contributionId)} does not exist.`]],
  DatanetContributionNotPending: [
    ReviewStateError,
    (a) => [`Contribution ${short(a.contributionId)} is already ${STATUSES[Number(a.status)]}.`],
  ],
  DatanetReviewWindowClosed: [
    ReviewStateError,
    (a) => [
      `The review window of contribution ${short(a.contributionId)} closed at ${date(a.deadline)}.`,
      "It can only expire now: call reclaimBond.",
    ],
  ],
  DatanetReviewWindowOpen: [
    ReviewStateError,
    (a) => [
      `Contribution ${short(a.contributionId)} can be reviewed until ${date(a.deadline)}; its bond cannot be reclaimed yet.`,
    ],
  ],
  DatanetUnauthorizedValidator: [
    UnauthorizedError,
    (a) => [
      `${a.account} is not a validator of the terms contribution ${short(a.contributionId)} was submitted under.`,
    ],
  ],
  DatanetSelfReview: [
    ReviewStateError,
    (a) => [`${a.validator} cannot vote on its own contribution ${short(a.contributionId)}.`],
  ],
  DatanetAlreadyVoted: [
    ReviewStateError,
    (a) => [`${a.validator} already voted on contribution ${short(a.contributionId)}.`],
  ],
  DatanetVersionUnchanged: [
    ReviewStateError,
    (a) => [`Nothing was accepted in Datanet ${a.datanetId} since its last version (${a.count} contributions).`],
  ],
  DatanetVersionNonexistent: [NotFoundError, (a) => [`Datanet ${a.datanetId} has no version ${a.version}.`]],
  DatanetInsufficientBalance: [
    InsufficientFundsError,
    (a) => [`${n(a.requested)} requested but only ${n(a.available)} is available.`],
  ],
  DatanetInvalidReceiver: [InvalidConfigurationError, () => ["Tokens cannot be sent to the zero address."]],
  ERC20InsufficientAllowance: [
    InsufficientFundsError,
    (a) => [
      `OPEN allowance of ${a.spender} is ${n(a.allowance)} but ${n(a.needed)} is needed.`,
      "Approve the registry for the bond (DatanetClient.submit does this unless approve is false).",
    ],
  ],
  ERC20InsufficientBalance: [
    InsufficientFundsError,
    (a) => [`${a.sender} holds ${n(a.balance)} OPEN but ${n(a.needed)} is needed.`],
  ],
  RewardsPendingRootExists: [
    RootStateError,
    (a) => [
      `Root ${a.root} for epoch ${a.epoch} is already pending.`,
      "Wait for it to be accepted (acceptRoot after its challenge window) or have the guardian revoke it.",
    ],
  ],
  RewardsNoPendingRoot: [RootStateError, () => ["No root is pending."]],
  RewardsRootNotYetValid: [
    RootStateError,
    (a) => [`The pending root is in its challenge window until ${date(a.validAt)}.`, "Call acceptRoot after that."],
  ],
  RewardsNoRoot: [RootStateError, () => ["No reward root has been accepted yet, so nothing can be claimed."]],
  RewardsInvalidRoot: [InvalidConfigurationError, () => ["The reward root is zero."]],
  RewardsEpochNotIncreasing: [
    InvalidConfigurationError,
    (a) => [`Epoch ${a.epoch} is not after epoch ${a.previous}; epochs must strictly increase.`],
  ],
  RewardsEpochNotEnded: [
    InvalidConfigurationError,
    (a) => [
      `Epoch ${a.epoch} has not ended: the clock is in epoch ${a.current}.`,
      "A root is only for an ended epoch, so that it carries every fee settled in it: propose it once the epoch is over.",
    ],
  ],
  RewardsChallengeWindowClosed: [
    RootStateError,
    (a) => [
      `The pending root's challenge window closed at ${date(a.validAt)}; the guardian can no longer revoke it.`,
      "Anyone can now accept it (acceptRoot); only a later root can change what it pays.",
    ],
  ],
  RewardsTotalDecreased: [
    InvalidConfigurationError,
    (a) => [
      `The root's total ${n(a.total)} is below the current total ${n(a.previous)}.`,
      "Leaves are cumulative: each account's amount includes every earlier epoch.",
    ],
  ],
  RewardsInsufficientFunding: [
    InsufficientFundsError,
    (a) => [`The root's total ${n(a.total)} exceeds the ${n(a.funded)} funded to the pool.`, "Fund the pool first."],
  ],
  RewardsInvalidProof: [
    InvalidProofError,
    (a) => [
      `The proof does not place ${a.account} with cumulative amount ${n(a.cumulativeAmount)} in the current root.`,
      "Use the reward tree of the root that is current on-chain.",
    ],
  ],
  RewardsNothingToClaim: [
    NothingToClaimError,
    (a) => [`${a.account} has already claimed its cumulative amount of ${n(a.cumulativeAmount)}.`],
  ],
  RewardsRootTotalExceeded: [
    InvalidConfigurationError,
    (a) => [
      `This claim would bring the total claimed to ${n(a.totalClaimed)}, above the current root's total of ${n(a.rootTotal)}.`,
      "The current root understates its total or lowers amounts already claimed; the guardian should revoke such roots.",
    ],
  ],
  RewardsInvalidChallengeWindow: [InvalidConfigurationError, () => ["The challenge window cannot be zero."]],
  RewardsInvalidAmount: [InvalidConfigurationError, () => ["The amount or address is zero."]],
  RewardsInvalidReceiver: [InvalidConfigurationError, () => ["Recovered OPEN cannot go to the zero address."]],
  RewardsNoExcess: [
    InsufficientFundsError,
    () => [
      "The distributor holds no OPEN beyond what it owes (funded minus claimed).",
      "Only OPEN sent to the distributor directly, not through fund, can be recovered.",
    ],
  ],
  AccessControlUnauthorizedAccount: [
    UnauthorizedError,
    (a) => [`${a.account} lacks the role ${a.neededRole} this action needs.`],
  ],
  OpenInvalidTreasury: [InvalidConfigurationError, () => ["The OPEN treasury cannot be the zero address."]],
  ...MODEL_REVERTS,
  ...STAKING_REVERTS,
  ...GOVERNANCE_REVERTS,
  ...SETTLEMENT_REVERTS,
};

/** Solidity's panic codes (docs: "Panic via assert and Error via require"). */
const PANICS: Record<number, string> = {
  0x01: "an assertion failed",
  0x11: "arithmetic overflow or underflow",
  0x12: "division or modulo by zero",
  0x21: "an invalid enum value",
  0x31: "pop on an empty array",
  0x32: "an array index out of bounds",
  0x41: "out of memory",
  0x51: "a call to an uninitialized function",
};

const INTERFACES = [
  new Interface(DatanetRegistry__factory.abi),
  new Interface(OpenToken__factory.abi),
  new Interface(IRewardDistributor__factory.abi),
  new Interface(["error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)"]),
  new Interface(IModelRegistry__factory.abi),
  new Interface(StakingPool__factory.abi),
  ...GOVERNANCE_INTERFACES,
  ...SETTLEMENT_INTERFACES,
];

/** Finds revert data in whatever an ethers provider or Hardhat threw (the field differs between transports). */
export function findRevertData(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== "object" || depth > 6) return undefined;
  const e = error as Record<string, unknown>;
  for (const key of ["data", "revertData"]) {
    const v = e[key];
    if (typeof v === "string" && /^0x[0-9a-fA-F]{8}/.test(v)) return v;
    if (v && typeof v === "object") {
      const nested = findRevertData(v, depth + 1);
      if (nested) return nested;
    }
  }
  for (const key of ["error", "info", "cause", "payload"]) {
    const nested = findRevertData(e[key], depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

function toRecord(result: Result, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => (out[name || `arg${i}`] = result[i]));
  return out;
}

/**
 * Turns a thrown provider/contract error into the SDK's typed error: a known custom error becomes its subclass of
 * {@link ContractRevertError}; other reverts become {@link UnknownRevertError}; non-revert errors are returned as is.
 */
export function decodeRevert(error: unknown): unknown {
  if (error instanceof ProtocolError) return error;
  const data = findRevertData(error);
  if (!data) return error;
  for (const iface of INTERFACES) {
    const parsed = iface.parseError(data);
    if (!parsed) continue;
    const args = toRecord(
      parsed.args,
      parsed.fragment.inputs.map((p) => p.name),
    );
    if (parsed.name === "Error" && parsed.signature === "Error(string)") {
      return new ContractRevertError(
        "Error",
        args,
        `The contract reverted: ${String(parsed.args[0])}`,
        undefined,
        error,
      );
    }
    if (parsed.name === "Panic" && parsed.signature === "Panic(uint256)") {
      const code = Number(parsed.args[0]);
      const what = PANICS[code] ?? "an unknown panic";
      return new ContractRevertError(
        "Panic",
        args,
        `The contract panicked: ${what} (code 0x${code.toString(16)}).`,
        undefined,
        error,
      );
    }
    const known = KNOWN[parsed.name];
    if (!known)
      return new ContractRevertError(parsed.name, args, `The contract reverted with ${parsed.name}.`, undefined, error);
    const [Class, describe] = known;
    const [message, hint] = describe(args);
    return new Class(parsed.name, args, message, hint, error);
  }
  return new UnknownRevertError("The transaction reverted with an unknown error.", data, error);
}

/** Runs `action` and rethrows any revert as a typed SDK error. */
export async function withDecodedErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw decodeRevert(error);
  }
}
