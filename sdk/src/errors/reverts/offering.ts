import { Interface } from "ethers";
import { IModelOffering__factory, IOfferingFactory__factory } from "../../contracts/typechain";
import {
  InsufficientFundsError,
  InvalidConfigurationError,
  InvalidProofError,
  NotFoundError,
  NothingToClaimError,
  OfferingStateError,
  UnauthorizedError,
} from "../contractErrors";
import { OFFERING_STATES } from "../../offering/terms";
import { date, n } from "./format";
import type { RevertTable } from "./table";

const state = (v: unknown) => OFFERING_STATES[Number(v)] ?? `state ${String(v)}`;

/** The interfaces whose errors the offering table decodes. */
export const OFFERING_INTERFACES = [
  new Interface(IModelOffering__factory.abi),
  new Interface(IOfferingFactory__factory.abi),
];

/** How the custom errors of an offering and of the offering factory become SDK errors. */
export const OFFERING_REVERTS: RevertTable = {
  OfferingWrongState: [
    OfferingStateError,
    (a) => [`The offering is in ${state(a.actual)}; this needs ${state(a.expected)}.`],
  ],
  OfferingSaleClosed: [OfferingStateError, (a) => [`The sale closed at ${date(a.deadline)}; no more deposits.`]],
  OfferingSaleOpen: [
    OfferingStateError,
    (a) => [`The sale is open until ${date(a.deadline)}.`, "Finalize it once the deadline has passed."],
  ],
  OfferingInvalidAmount: [
    InvalidConfigurationError,
    (a) => [`A deposit of ${n(a.amount)} is refused: it must be nonzero and the deposits below 2^128.`],
  ],
  OfferingAlreadyBought: [
    OfferingStateError,
    (a) => [`${a.buyer} already deposited; every buyer deposits once.`, "Fills are pro rata: one deposit is enough."],
  ],
  OfferingNothingToSettle: [
    NothingToClaimError,
    (a) => [`${a.buyer} has no deposit to settle, or was settled already.`],
  ],
  OfferingInvalidProof: [
    InvalidProofError,
    (a) => [
      `The proof does not place ${a.account} with ${n(a.amount)} shares under the contributors' root.`,
      "Use the share tree of the offering's prospectus.",
    ],
  ],
  OfferingNothingToClaim: [NothingToClaimError, (a) => [`${a.account} has already claimed its contributor shares.`]],
  OfferingContributorPoolExceeded: [
    InsufficientFundsError,
    (a) => [`Claiming ${n(a.requested)} shares would exceed the ${n(a.remaining)} left of the contributors' part.`],
  ],
  OfferingUnauthorizedCreator: [
    UnauthorizedError,
    (a) => [`Only the offering's creator may do this, not ${a.caller}.`],
  ],
  OfferingMilestoneNonexistent: [NotFoundError, (a) => [`The offering has no milestone ${a.index}.`]],
  OfferingMilestoneReleased: [OfferingStateError, (a) => [`Milestone ${a.index}'s tranche was already released.`]],
  OfferingMilestoneNotMet: [
    OfferingStateError,
    (a) => [`Milestone ${a.index} is not met yet.`, "Check its progress with the status command."],
  ],
  OfferingMilestoneNotOverdue: [
    OfferingStateError,
    (a) => [`Milestone ${a.index} is not overdue (its deadline has not passed, or it was met): no vote to end on it.`],
  ],
  OfferingEndVoteActive: [
    OfferingStateError,
    (a) => [a.active ? "A vote to end the offering is already open." : "No vote to end the offering is open."],
  ],
  OfferingEndVoteTiming: [
    OfferingStateError,
    (a) => [`The vote to end runs until ${date(a.voteEnd)}: voting needs it open, closing needs it over.`],
  ],
  OfferingAlreadyVoted: [OfferingStateError, (a) => [`${a.voter} already voted in this vote.`]],
  OfferingNoVotes: [
    UnauthorizedError,
    (a) => [
      `${a.voter} had no share votes at the vote's snapshot.`,
      "Delegate your shares (to yourself) before a vote opens.",
    ],
  ],
  OfferingAlreadyLaunched: [
    OfferingStateError,
    (a) => [`Model ${a.modelId} already has an offering at ${a.offering}; a model launches once.`],
  ],
  OfferingUnauthorizedLauncher: [
    UnauthorizedError,
    (a) => [`Only model ${a.modelId}'s owner may launch it, not ${a.caller}.`],
  ],
  OfferingInvalidTerms: [InvalidConfigurationError, (a) => [`The offering's terms break the rule on ${a.reason}.`]],
  OfferingMilestoneTooCheap: [
    InvalidConfigurationError,
    (a) => [
      `Milestone ${a.index} could be faked for ${n(a.fakingCost)} OPEN, less than its tranche of up to ${n(a.tranche)}.`,
      "Raise its threshold, or give it a smaller tranche.",
    ],
  ],
  OfferingFeeTooHigh: [
    InvalidConfigurationError,
    (a) => [`A protocol fee of ${n(a.feeBps)} bps is above the maximum.`],
  ],
  OfferingInvalidTreasury: [InvalidConfigurationError, () => ["The protocol treasury cannot be the zero address."]],
};
