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
  /** The Datanet registry the index read (whose logs a wallet can fetch), null if the index has no cursor yet. */
  registry: string | null;
  /** The block that created the Datanet: no acceptance of it is older. */
  createdBlock: number;
  terms: TermsView[];
  versions: VersionView[];
}

/** One `ContributionAccepted` event of a Datanet, as the index holds it. */
export interface AcceptanceView {
  /** 1-based position in the Datanet's acceptances: the version count after it. */
  acceptedIndex: number;
  contributionId: string;
  contentHash: string;
  block: number;
  /** The event's transaction and log index; null for acceptances indexed before these were kept. */
  txHash: string | null;
  logIndex: number | null;
}

/** A Datanet's acceptances by `acceptedIndex`; `next` is the last index of the page. */
export interface AcceptancesPage extends Page<AcceptanceView> {
  datanetId: string;
}

/** The daily limits of a terms version: what the registry refuses or prices a submission by. */
export interface DailyLimitsView {
  termsVersion: number;
  contributorDailyFiles: number;
  contributorDailyBytes: string;
  datanetDailyBytes: string;
  /** With a bond the Datanet's bytes are a priced budget (the bond doubles past 5/8 of it), not a hard limit. */
  bonded: boolean;
}

/**
 * A UTC day's submissions, as the registry charged them to the daily limits: each fraction is of the limit in force
 * under the day's latest terms (`termsVersion`); a priced budget can run above 1.
 */
export interface DailyUsageView {
  /** The UTC day's first second. */
  day: number;
  termsVersion: number;
  submissions: number;
  contributors: number;
  datanetBytes: string;
  datanetBytesOfLimit: number;
  /** The contributor with the most files that day (the lowest address of a tie). */
  busiestByFiles: { account: string; files: number; ofLimit: number };
  /** The contributor with the most bytes that day. */
  busiestByBytes: { account: string; bytes: string; ofLimit: number };
}

/** The highest fraction of a limit any day reached, and the day (null before any submission). */
export interface LimitPeak {
  day: number;
  ofLimit: number;
}

/** A Datanet's daily limits and its days with submissions, newest first; `next` is the last day of the page. */
export interface DailyLimitsPage extends Page<DailyUsageView> {
  datanetId: string;
  /** The limits in force now (its current terms). */
  limits: DailyLimitsView;
  /** Over every day with submissions. */
  peak: { datanetBytes: LimitPeak | null; contributorFiles: LimitPeak | null; contributorBytes: LimitPeak | null };
}

/** A contribution an epoch report's data value flagged harmful for one model. */
export interface HarmfulContribution {
  contributionId: string;
  contributor: string;
  epoch: number;
  reportHash: string;
  modelId: string;
  /** Its influence on the model's mean validation log-loss (positive helped); harmful ones are below `threshold`. */
  value: number;
  threshold: number;
}

/** A Datanet's harmful contributions over every loaded report, newest epoch first. */
export interface HarmfulPage extends Page<HarmfulContribution> {
  datanetId: string;
  /** Flags in all (a contribution flagged for two models or in two reports counts twice). */
  flagged: number;
  /** Epoch reports the index holds. */
  reports: number;
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
