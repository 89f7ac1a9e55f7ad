import { checkObject } from "../internal/check";
import { checkBigints } from "./check";

/* An offering's terms as the SDK passes them: the structs of IModelOffering.sol and IOfferingFactory.sol, token
amounts and share units as bigints, times in unix seconds, bps as numbers. */

/** What a milestone measures, as the contract's `MilestoneKind`. */
export const MILESTONE_KINDS = ["ModelVersion", "SettledCalls", "SettledFees"] as const;
export type MilestoneKindName = (typeof MILESTONE_KINDS)[number];

/** Where an offering stands, as the contract's `OfferingState`. */
export const OFFERING_STATES = ["Sale", "Failed", "Succeeded", "Ended"] as const;
export type OfferingStateName = (typeof OFFERING_STATES)[number];

/** The basis points tranches and fees are counted in. */
export const OFFERING_BPS = 10_000;

/** How the fixed share supply is divided at launch (share units, 18 decimals); the supply is their sum. */
export interface SupplySplit {
  sale: bigint;
  creator: bigint;
  contributors: bigint;
  treasury: bigint;
}

/** The sale: a fixed price of `hardCap / split.sale` OPEN per share, deposits taken before `deadline`. */
export interface SaleTerms {
  softCap: bigint;
  hardCap: bigint;
  deadline: number;
  /** Part of the net raise paid to the creator at success, in bps; the milestones' tranches are the rest. */
  upfrontBps: number;
}

/** The creator's linear vesting from the sale's success, in seconds. */
export interface VestingTerms {
  cliff: number;
  duration: number;
}

/** A tranche of the net raise released once its milestone is met. */
export interface Milestone {
  kind: MilestoneKindName;
  trancheBps: number;
  deadline: number;
  /** `ModelVersion` only (0 otherwise). */
  datanetId: bigint;
  /** `ModelVersion` only (0 otherwise). */
  datanetVersion: number;
  /** `SettledCalls` and `SettledFees` only: calls or OPEN since launch (0 otherwise). */
  threshold: bigint;
}

/** The holders' vote to end an offering whose milestone is overdue. */
export interface EndVoteTerms {
  /** Votes for needed, in bps of the circulating supply when the vote opens. */
  quorumBps: number;
  votingPeriod: number;
}

/** Everything fixed at launch. */
export interface OfferingTerms {
  split: SupplySplit;
  sale: SaleTerms;
  vesting: VestingTerms;
  endVote: EndVoteTerms;
  milestones: Milestone[];
  contributorsRoot: string;
  creatorKeepsVersions: boolean;
}

/** The model's Governor and timelock (timestamp clock: seconds). */
export interface GovernanceTerms {
  votingDelay: number;
  votingPeriod: number;
  /** Percent of the share supply at a vote's start, at most 100. */
  quorumPercent: number;
  proposalThreshold: bigint;
  timelockDelay: number;
}

/** The contracts one launch made. */
export interface OfferingContracts {
  offering: string;
  shares: string;
  controller: string;
  governor: string;
  timelock: string;
}

/** The whole share supply of a split. */
export function totalSupplyOf(split: SupplySplit): bigint {
  checkObject(split, "split");
  const { sale, creator, contributors, treasury } = split;
  checkBigints({
    "split.sale": sale,
    "split.creator": creator,
    "split.contributors": contributors,
    "split.treasury": treasury,
  });
  return sale + creator + contributors + treasury;
}
