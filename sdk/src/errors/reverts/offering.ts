import { Interface } from "ethers";
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

/**
 * The errors of IModelOffering and IOfferingFactory, as signatures rather than their TypeChain ABIs, which would add
 * some 30 KiB of functions and events to the browser entry for the sake of its error decoding. The offering tests
 * decode every error of both full ABIs, so a signature that drifts from its contract fails there.
 */
export const OFFERING_INTERFACES = [
  new Interface([
    "error OfferingAlreadyBought(address buyer)",
    "error OfferingAlreadyVoted(address voter)",
    "error OfferingContributorPoolExceeded(uint256 requested, uint256 remaining)",
    "error OfferingEndVoteActive(bool active)",
    "error OfferingEndVoteTiming(uint256 voteEnd)",
    "error OfferingInvalidAmount(uint256 amount)",
    "error OfferingInvalidProof(address account, uint256 amount)",
    "error OfferingMilestoneNonexistent(uint256 index)",
    "error OfferingMilestoneNotMet(uint256 index)",
    "error OfferingMilestoneNotOverdue(uint256 index)",
    "error OfferingMilestoneReleased(uint256 index)",
    "error OfferingNothingToClaim(address account)",
    "error OfferingNothingToSettle(address buyer)",
    "error OfferingNoVotes(address voter)",
    "error OfferingSaleClosed(uint256 deadline)",
    "error OfferingSaleOpen(uint256 deadline)",
    "error OfferingUnauthorizedCreator(address caller)",
    "error OfferingWrongState(uint8 expected, uint8 actual)",
    "error OfferingNothingToRedeem(address buyer)",
    "error OfferingClaimWindowOpen(uint256 closesAt)",
    "error OfferingClaimWindowClosed(uint256 closedAt)",
    "error OfferingAlreadyLaunched(uint256 modelId, address offering)",
    "error OfferingFeeTooHigh(uint256 feeBps)",
    "error OfferingInvalidTerms(string reason)",
    "error OfferingInvalidTreasury(address treasury)",
    "error OfferingMilestoneTooCheap(uint256 index, uint256 fakingCost, uint256 tranche)",
    "error OfferingUnauthorizedLauncher(uint256 modelId, address caller)",
  ]),
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
    (a) => [`A deposit of ${n(a.amount)} is refused: it must be nonzero and the deposits below 2^120.`],
  ],
  OfferingAlreadyBought: [
    OfferingStateError,
    (a) => [`${a.buyer} already deposited; every buyer deposits once.`, "Fills are pro rata: one deposit is enough."],
  ],
  OfferingNothingToSettle: [
    NothingToClaimError,
    (a) => [`${a.buyer} has no deposit to settle, or was settled already.`],
  ],
  OfferingNothingToRedeem: [
    NothingToClaimError,
    (a) => [
      `${a.buyer} has no deposit to redeem, or redeemed it already.`,
      "After an end the unreleased raise goes back to the buyers only, by deposit.",
    ],
  ],
  OfferingClaimWindowOpen: [
    OfferingStateError,
    (a) => [`Contributors may claim their shares until ${date(a.closesAt)}; nothing to sweep before then.`],
  ],
  OfferingClaimWindowClosed: [
    OfferingStateError,
    (a) => [
      `The contributors' claim window closed at ${date(a.closedAt)}.`,
      "Unclaimed contributor shares go to the model's treasury.",
    ],
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
