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

/** Where an epoch's root stands: no root yet, proposed and in its challenge window, accepted, or revoked. */
export type RootState = "unproposed" | "pending" | "accepted" | "revoked";

/** An epoch: its settlements, its root and, once loaded, its report's totals. */
export interface EpochSummary {
  epoch: number;
  /** Settlements of the epoch on chain, their fees and calls. */
  settlements: number;
  fees: string;
  calls: string;
  state: RootState;
  /** The root of the latest proposal, its report's hash, and the end of its challenge window (unix seconds). */
  root: string | null;
  reportHash: string | null;
  validAt: number | null;
  /** The proposal's report once read into the index, or why it could not be (null: not tried yet). */
  report:
    | { loaded: true; pool: string; paid: string; carriedOver: string; records: number }
    | { loaded: false; reason: string | null }
    | null;
}

/** The latest indexed block: the chain's time for countdowns, rather than the browser's clock alone. */
export interface ChainTime {
  block: number | null;
  timestamp: number | null;
}

export interface EpochsPage extends Page<EpochSummary> {
  chain: ChainTime;
}

/** A settlement as the epoch's report attributed it. */
export interface ReportSettlementView {
  settlementId: string;
  modelId: string;
  calls: string;
  pot: string;
  share: string;
  paid: string;
  carried: string;
  unmatchedCalls: string;
  status: "attributed" | "excluded";
  /** `<code>: <message>` when excluded. */
  exclusion: string | null;
}

/** One line of what an epoch carries over, as its report's `carryOver.lines`. */
export interface CarryLineView {
  kind: "excluded" | "unmatched" | "no-settlement";
  settlement: string | null;
  amount: string;
}

export interface EpochDetail extends EpochSummary {
  chain: ChainTime;
  /** Present when the report is loaded. */
  income: { settlements: string; previous: string; funding: string } | null;
  carryOver: CarryLineView[];
  reportSettlements: ReportSettlementView[];
  datanets: { datanetId: string; amount: string }[];
  /** The first 20 accounts by amount this epoch. */
  topAccounts: { account: string; amount: string; cumulative: string }[];
  accounts: number;
  harmful: number;
}

/** A contribution credited for a record, with its weight in (0, 1]. */
export interface CreditView {
  contributionId: string;
  weight: number;
}

/** An inference record of an epoch's report. */
export interface RecordRow {
  settlementId: string;
  recordId: string;
  calls: string;
  outputHash: string;
  credits: CreditView[];
}

export interface RecordsPage extends Page<RecordRow> {
  epoch: number;
  reportHash: string;
}

/** A range of a text in UTF-16 code units, `end` excluded (as `String.prototype.slice` takes it). */
export interface TextRange {
  start: number;
  end: number;
}

/** A span of the output the epoch credited to a contribution: where it is in the output and in the contribution. */
export interface MatchedSpan {
  output: TextRange;
  /** The span's words as the output writes them. */
  text: string;
  /** Its share of the output's credit (split evenly over the contributions holding it). */
  weight: number;
  /** Where the contribution's text holds the same words (none when only a copy in its cluster does). */
  contribution: TextRange[];
}

export interface CreditedContribution extends CreditView {
  datanetId: string | null;
  contributor: string | null;
  uri: string | null;
  /** The contribution's text, for a text output. */
  text: string | null;
  spans: MatchedSpan[];
}

export interface RecordDetail {
  epoch: number;
  settlementId: string;
  recordId: string;
  modelId: string;
  calls: string;
  outputHash: string;
  output: { kind: "text"; text: string } | { kind: "label"; features: number[]; label: number };
  contributions: CreditedContribution[];
}

/** An error the API answers with (400 for bad input, 404 for something unknown, 503 for content the store lacks). */
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
  /** The offering factory, which a wallet's client connects to. */
  factory: string;
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
