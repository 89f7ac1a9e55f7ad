import {
  CommitmentStateError,
  DuplicateContentError,
  InsufficientFundsError,
  InvalidConfigurationError,
  LimitExceededError,
  NotFoundError,
  ReviewStateError,
  TermsChangedError,
  UnauthorizedError,
} from "../contractErrors";
import { date, n, short } from "./format";
import type { RevertTable } from "./table";

const POLICY_FIELDS = [
  "quorum",
  "reviewWindow",
  "maxFileBytes",
  "contributorDailyFiles",
  "contributorDailyBytes",
  "datanetDailyBytes",
];
const STATUSES = ["None", "Pending", "Accepted", "Rejected", "Expired"];

/** How each custom error of the Datanet registry becomes a typed SDK error. */
export const DATANET_REVERTS: RevertTable = {
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
};
