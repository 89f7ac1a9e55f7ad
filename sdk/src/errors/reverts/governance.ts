import { Interface, formatEther } from "ethers";
import { OpenGovernor__factory } from "../../contracts/typechain/factories/contracts/governance/OpenGovernor__factory";
import { Ownable__factory } from "../../contracts/typechain/factories/@openzeppelin/contracts/access/Ownable__factory";
import { TimelockController__factory } from "../../contracts/typechain/factories/@openzeppelin/contracts/governance/TimelockController__factory";
import {
  OperationStateError,
  InsufficientFundsError,
  InvalidConfigurationError,
  NotFoundError,
  UnauthorizedError,
} from "../contractErrors";
import { n, short } from "./format";
import type { RevertTable } from "./table";

/** TimelockController's `OperationState`, in enum order. */
export const OPERATION_STATES = ["Unset", "Waiting", "Ready", "Done"] as const;
/** Governor's `ProposalState`, in enum order. */
export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;

/** The states set in an OpenZeppelin state bitmap (bit i stands for state i), joined with "or". */
function statesOf(bitmap: unknown, names: readonly string[]): string {
  const bits = BigInt(bitmap as string);
  return names.filter((_, i) => (bits >> BigInt(i)) & 1n).join(" or ") || "in an expected state";
}

/** Votes of OPEN (18 decimals) in whole OPEN, with thousands separators. */
function votes(v: unknown): string {
  const [whole, fraction] = formatEther(v as bigint).split(".");
  return `${n(BigInt(whole))}${fraction === "0" ? "" : `.${fraction}`} OPEN`;
}

const NOT_OWNER_HINT =
  "Protocol parameters are owned by the governance timelock: schedule the call through it " +
  "(GovernanceClient.scheduleCall) or pass a Governor proposal.";

/** The interfaces whose errors {@link GOVERNANCE_REVERTS} decodes. */
export const GOVERNANCE_INTERFACES = [
  new Interface(TimelockController__factory.abi),
  new Interface(OpenGovernor__factory.abi),
  new Interface(Ownable__factory.abi),
];

/** How the TimelockController's, the Governor's and Ownable's custom errors become typed SDK errors. */
export const GOVERNANCE_REVERTS: RevertTable = {
  TimelockUnexpectedOperationState: [
    OperationStateError,
    (a) => [
      `Timelock operation ${a.operationId} is not ${statesOf(a.expectedStates, OPERATION_STATES)}.`,
      "Read it with GovernanceClient.operationState: a scheduled call waits out its delay (Waiting), then runs once.",
    ],
  ],
  TimelockInsufficientDelay: [
    InvalidConfigurationError,
    (a) => [`A delay of ${n(a.delay)} s is below the timelock's minimum of ${n(a.minDelay)} s.`],
  ],
  TimelockUnauthorizedCaller: [
    UnauthorizedError,
    (a) => [`${a.caller} cannot call this: only the timelock itself can.`, "Schedule the call through the timelock."],
  ],
  TimelockUnexecutedPredecessor: [
    OperationStateError,
    (a) => [`The predecessor operation ${a.predecessorId} has not been executed.`, "Execute it first."],
  ],
  TimelockInvalidOperationLength: [
    InvalidConfigurationError,
    (a) => [
      `The batch has ${a.targets} targets, ${a.payloads} payloads and ${a.values} values; the counts must match.`,
    ],
  ],
  GovernorUnexpectedProposalState: [
    OperationStateError,
    (a) => [
      `Proposal ${short(a.proposalId)} is ${PROPOSAL_STATES[Number(a.current)]}, not ${statesOf(a.expectedStates, PROPOSAL_STATES)}.`,
    ],
  ],
  GovernorInsufficientProposerVotes: [
    InsufficientFundsError,
    (a) => [
      `${a.proposer} has ${votes(a.votes)} of votes but proposing needs ${votes(a.threshold)}.`,
      "Votes are delegated OPEN: delegate to yourself to vote with your own balance; they count from the next block.",
    ],
  ],
  GovernorAlreadyCastVote: [OperationStateError, (a) => [`${a.voter} has already voted on this proposal.`]],
  GovernorNonexistentProposal: [NotFoundError, (a) => [`Proposal ${short(a.proposalId)} does not exist.`]],
  GovernorOnlyExecutor: [
    UnauthorizedError,
    (a) => [`${a.account} is not the Governor's executor (its timelock).`, "Only a passed proposal can do this."],
  ],
  GovernorRestrictedProposer: [
    UnauthorizedError,
    (a) => [`${a.proposer} may not submit this proposal: its description names another proposer.`],
  ],
  GovernorUnableToCancel: [
    UnauthorizedError,
    (a) => [
      `${a.account} cannot cancel proposal ${short(a.proposalId)}.`,
      "Only its proposer can, and only before voting starts.",
    ],
  ],
  GovernorInvalidVoteType: [InvalidConfigurationError, () => ["The vote must be 0 (against), 1 (for) or 2 (abstain)."]],
  GovernorInvalidProposalLength: [
    InvalidConfigurationError,
    (a) => [
      `The proposal has ${a.targets} targets, ${a.calldatas} calldatas and ${a.values} values; the counts must match and not be zero.`,
    ],
  ],
  GovernorInvalidQuorumFraction: [
    InvalidConfigurationError,
    (a) => [`A quorum of ${a.quorumNumerator}/${a.quorumDenominator} of the supply is above the whole supply.`],
  ],
  GovernorInvalidVotingPeriod: [InvalidConfigurationError, () => ["The voting period cannot be zero."]],
  OwnableUnauthorizedAccount: [UnauthorizedError, (a) => [`${a.account} is not the owner.`, NOT_OWNER_HINT]],
  OwnableInvalidOwner: [InvalidConfigurationError, (a) => [`${a.owner} cannot be the owner.`]],
};
