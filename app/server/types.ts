/*
 * What the app's API answers, shared by the server and the page (which imports these types only). Token amounts and
 * sizes are decimal strings, ids too (they are uint256 on chain); times are unix seconds.
 */

import type { FleissKappa } from "../../sdk/src/reputation/agreement";

/** A contribution's status, as the indexer records it. */
export type StatusName = "Pending" | "Accepted" | "Rejected" | "Expired" | "Superseded";

/** One page of a list; `next` is the cursor of the following page, null on the last. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface DatanetSummary {
  datanetId: string;
  owner: string;
  uri: string;
  contributions: number;
  accepted: number;
  rejected: number;
  pending: number;
  expired: number;
  /** The last published version (0 before the first). */
  latestVersion: number;
}

/** A version of a Datanet's terms, from the block it took effect. */
export interface TermsView {
  termsVersion: number;
  block: number;
  bond: string;
  quorum: number;
  reviewWindow: number;
  accessMode: number;
  maxFileBytes: string;
  contributorDailyFiles: number;
  contributorDailyBytes: string;
  datanetDailyBytes: string;
  validators: string[];
}

export interface VersionView {
  version: number;
  block: number;
  count: number;
  digest: string;
  /** Whether the indexer's digest over the accepted contributions' events equals the one published. */
  digestMatches: boolean;
}

export interface DatanetDetail extends DatanetSummary {
  terms: TermsView[];
  versions: VersionView[];
}

export interface ValidatorQuality {
  validator: string;
  votes: number;
  accepts: number;
  /** Votes on contributions that reached an outcome (accepted or rejected). */
  decided: number;
  /** Of those, votes the outcome agreed with. */
  agreed: number;
  /** `agreed / decided`, null before any outcome. */
  agreement: number | null;
}

export interface DataQuality {
  datanetId: string;
  statuses: Record<StatusName, number>;
  /** Outcomes by the UTC day (its first second) they were reached. */
  daily: { day: number; accepted: number; rejected: number; expired: number }[];
  /** Seconds from submission to outcome over the accepted and rejected contributions (nearest-rank percentiles). */
  latency: { reviewed: number; median: number | null; p90: number | null };
  validators: ValidatorQuality[];
  kappa: FleissKappa;
}

export interface LeaderboardEntry {
  rank: number;
  account: string;
  accepted: number;
  rejected: number;
  acceptedBytes: string;
  acceptanceRate: number;
  /** Wilson lower bound (95%) of the acceptance rate. */
  score: number;
}

export interface LeaderboardPage extends Page<LeaderboardEntry> {
  datanetId: string;
  /** Contributors ranked in all (those with a reviewed contribution). */
  contributors: number;
}

export interface ContributionRow {
  contributionId: string;
  datanetId: string;
  contentHash: string;
  size: string;
  uri: string;
  bond: string;
  status: StatusName;
  attempt: number;
  block: number;
  submittedAt: number | null;
  refund: string | null;
  slashed: string | null;
  votesFor: number;
  votesAgainst: number;
}

export interface ContributorPage extends Page<ContributionRow> {
  account: string;
  totals: Record<StatusName, number>;
}

/** An error the API answers with (400 for bad input, 404 for something unknown). */
export interface ApiError {
  error: string;
}

export interface ModelSummary {
  modelId: string;
  /** The model NFT's holder now (an offering's controller once the model is offered). */
  owner: string;
  uri: string;
  /** The last registered version (1 at registration). */
  latestVersion: number;
  /** OPEN per call now. */
  price: string;
  /** Calls and fees settled for the model, over all its settlements. */
  calls: string;
  fees: string;
  settlements: number;
}

/** A Datanet version a model version was trained on. */
export interface TrainingSetView {
  datanetId: string;
  datanetVersion: number;
}

export interface ModelVersionView {
  version: number;
  block: number;
  baseModel: string;
  /** The registry's `AdapterKind` index (see `ADAPTER_KINDS`). */
  adapterKind: number;
  adapterKindName: string;
  adapterHash: string;
  trainingConfigHash: string;
  trainedOn: TrainingSetView[];
}

/** A price the model was set to, from the block it was set in (its registration's first). */
export interface PriceChange {
  price: string;
  block: number;
  time: number | null;
}

export interface SettledTotals {
  settlements: number;
  calls: string;
  fees: string;
}

/** The fee split in basis points (they sum to 10,000). */
export interface FeeSplitBps {
  treasuryBps: number;
  modelBps: number;
  stakersBps: number;
  contributorsBps: number;
}

export interface ModelDetail extends ModelSummary {
  /** Who receives the model's part of each fee now. */
  revenueRecipient: string;
  versions: ModelVersionView[];
  prices: PriceChange[];
  /** Settlements by epoch, and by the UTC day (its first second) of their block. */
  byEpoch: (SettledTotals & { epoch: number })[];
  daily: (SettledTotals & { day: number })[];
  /** Each party's part of the model's fees, summed over its settlements. */
  shares: { treasury: string; model: string; stakers: string; contributors: string };
  /**
   * The settlement's split now: from its last `FeeSplitSet` event when the index has one, else as the model's last
   * settlement divided its fee; null when neither exists.
   */
  split: (FeeSplitBps & { source: "FeeSplitSet" | "last settlement" }) | null;
}

/** An offering milestone's standing. */
export interface MilestoneView {
  index: number;
  kind: "ModelVersion" | "SettledCalls" | "SettledFees";
  /** Calls (SettledCalls) or OPEN (SettledFees) since launch; "0" for ModelVersion. */
  threshold: string;
  /** ModelVersion only: the Datanet version a new model version must be trained on. */
  datanetId: string;
  datanetVersion: number;
  deadline: number;
  trancheBps: number;
  /** Its part of the net raise in OPEN (0 until the sale succeeded). */
  tranche: string;
  released: boolean;
  met: boolean;
  /** Calls or OPEN settled since launch, for SettledCalls and SettledFees. */
  progress: string | null;
}

/** A model's Initial AI Offering, as the chain has it (offering events are not indexed). */
export interface OfferingView {
  modelId: string;
  offering: string;
  /** The share token, which receives the model's revenue once the sale succeeded. */
  shares: string;
  controller: string;
  state: "Sale" | "Failed" | "Succeeded" | "Ended";
  /** The block the view was read at, and its time. */
  block: number;
  now: number;
  sale: {
    raised: string;
    softCap: string;
    hardCap: string;
    /** The launch's block time (from the index: the model's transfer to the controller), null when not indexed. */
    opened: number | null;
    deadline: number;
  };
  /** The raise less the protocol's fee, and what of it was released to the creator. */
  netRaise: string;
  released: string;
  milestones: MilestoneView[];
  /** All OPEN the share token received for its holders, and what holders claimed of it. */
  revenue: { received: string; claimed: string };
}
