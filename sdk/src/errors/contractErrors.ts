/* The contract error classes, at the bottom of the errors: the revert tables in ./reverts name them and the decoder
(revert.ts) imports the tables, one direction only, so no table can ever see a class still undefined. */
import { ProtocolError } from "./base";

/** Which on-chain limit a {@link LimitExceededError} hit. */
export type LimitName = "maxFileBytes" | "contributorDailyFiles" | "contributorDailyBytes" | "datanetDailyBytes";

/** A transaction or call reverted with a custom error the SDK knows; `errorName` and `args` are the decoded error. */
export class ContractRevertError extends ProtocolError {
  readonly errorName: string;
  readonly args: Readonly<Record<string, unknown>>;

  constructor(errorName: string, args: Record<string, unknown>, shortMessage: string, hint?: string, cause?: unknown) {
    super(shortMessage, { details: `${errorName}(${formatArgs(args)})`, hint, cause });
    this.errorName = errorName;
    this.args = args;
  }
}

/** A submission would break one of the Datanet's limits. `limit` names it. */
export class LimitExceededError extends ContractRevertError {
  get limit(): LimitName {
    return LIMIT_OF[this.errorName];
  }
}

/**
 * The same content is pending or accepted in the Datanet, or was rejected and is cooling off; `args.contributionId` is
 * the existing contribution.
 */
export class DuplicateContentError extends ContractRevertError {}

/** A submission's commitment is missing, already recorded, or too recent to be revealed yet. */
export class CommitmentStateError extends ContractRevertError {}

/** The Datanet, contribution or version does not exist. */
export class NotFoundError extends ContractRevertError {}

/** The caller lacks the role (Datanet owner, listed validator) the action needs. */
export class UnauthorizedError extends ContractRevertError {}

/** The contribution is not in a state that allows the action (already settled, window closed or open, voted). */
export class ReviewStateError extends ContractRevertError {}

/** A policy, validator list or argument was refused by the contract. */
export class InvalidConfigurationError extends ContractRevertError {}

/** Not enough OPEN, allowance, bond credit or treasury balance. */
export class InsufficientFundsError extends ContractRevertError {}

/** A reward root is not in a state that allows the action (one pending already, none pending, not valid yet). */
export class RootStateError extends ContractRevertError {}

/** The Merkle proof does not place the account and amount in the current reward root. */
export class InvalidProofError extends ContractRevertError {}

/** The account has already claimed everything the current root gives it. */
export class NothingToClaimError extends ContractRevertError {}

/**
 * The price, terms or bond the caller agreed to changed before its transaction was mined (a front-running owner, or
 * a change that landed first). Nothing was paid; quote again and resend if the new terms are acceptable.
 */
export class TermsChangedError extends ContractRevertError {}

/** The transaction reverted but the revert data matched no known error. */
export class UnknownRevertError extends ProtocolError {
  readonly data?: string;
  constructor(shortMessage: string, data: string | undefined, cause: unknown) {
    super(shortMessage, { details: data ? `revert data ${data}` : undefined, cause });
    this.data = data;
  }
}

/**
 * A timelock operation or a Governor proposal is not in the state the action needs: not scheduled, still waiting for
 * its delay, already executed, its vote not open or already cast, defeated.
 */
export class OperationStateError extends ContractRevertError {}

const LIMIT_OF: Record<string, LimitName> = {
  DatanetFileTooLarge: "maxFileBytes",
  DatanetContributorDailyFilesExceeded: "contributorDailyFiles",
  DatanetContributorDailyBytesExceeded: "contributorDailyBytes",
  DatanetDailyBytesExceeded: "datanetDailyBytes",
};

function formatArgs(args: Record<string, unknown>): string {
  return Object.entries(args)
    .map(([k, v]) => `${k}: ${typeof v === "bigint" ? v.toString() : String(v)}`)
    .join(", ");
}

/**
 * An offering is not in the state the action needs: the sale still open or closed, a buyer already in or settled, a
 * milestone not met or already released, an end vote open or not, the offering already launched.
 */
export class OfferingStateError extends ContractRevertError {}
