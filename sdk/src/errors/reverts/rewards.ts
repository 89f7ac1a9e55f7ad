import {
  InsufficientFundsError,
  InvalidConfigurationError,
  InvalidProofError,
  NothingToClaimError,
  RootStateError,
  UnauthorizedError,
} from "../contractErrors";
import { date, n } from "./format";
import type { RevertTable } from "./table";

/** How each custom error of the reward distributor (and of its AccessControl) becomes a typed SDK error. */
export const REWARDS_REVERTS: RevertTable = {
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
};
