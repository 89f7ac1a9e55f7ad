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
  reputation: Reputation[];
}

/** A contributor's standing in one Datanet: its row of the Datanet's leaderboard. */
export interface Reputation {
  datanetId: string;
  accepted: number;
  rejected: number;
  acceptanceRate: number;
  /** Wilson lower bound (95%) of the acceptance rate. */
  score: number;
  rank: number;
  /** Contributors ranked in the Datanet. */
  ranked: number;
}

/** A reward root's state on the distributor, from its events. */
export type RootState = "pending" | "accepted" | "revoked";

/** An inference that credited a contribution: its record in the epoch's report, and the contribution's weight in it. */
export interface CreditSample {
  settlementId: string;
  recordId: string;
  weight: number;
}

/** What one epoch's report paid a contributor. */
export interface EpochReward {
  epoch: number;
  reportHash: string;
  root: string;
  state: RootState;
  /** When the root may be accepted (the end of its challenge window), unix seconds. */
  validAt: number | null;
  amount: string;
  /** Its leaf in the epoch's reward tree: everything up to this epoch. */
  cumulative: string;
  contributionsCredited: number;
  /** The contributions that earned most (up to 20), each with up to 3 inferences that credited it, heaviest first. */
  contributions: { contributionId: string; datanetId: string; amount: string; samples: CreditSample[] }[];
}

/** A contributor's rewards, newest epoch first; `next` is an epoch. */
export interface ContributorRewards {
  account: string;
  epochs: EpochReward[];
  /** Against the current (last accepted) root, with the claims the index holds; null before any. */
  claim: { epoch: number; root: string; cumulative: string; claimed: string; claimable: string } | null;
  next: string | null;
}

/** The current root's leaves and proofs for some accounts: what a claim sends. */
export interface ClaimProofs {
  epoch: number;
  root: string;
  total: string;
  leaves: { account: string; cumulative: string; proof: string[] }[];
  /** Accounts the current tree does not hold. */
  missing: string[];
}

/** The contracts the index follows, by deployment name, and its last block. */
export interface AppConfig {
  contracts: Record<string, string>;
  lastBlock: number | null;
  /** That block's timestamp, unix seconds. */
  lastBlockTime: number | null;
}

/** An error the API answers with (400 for bad input, 404 for something unknown). */
export interface ApiError {
  error: string;
}
