import type { ColumnType } from "kysely";

/*
 * The index's tables, as kysely types. Every event table has the event's position (`block_number`, `tx_hash`,
 * `log_index`), its primary key is `(tx_hash, log_index)` (a row for each of a list's entries adds `position`), so
 * that writing a range again changes nothing, and a reorg deletes the rows above the fork point by `block_number`.
 * Amounts and ids of uint256 width are `numeric` (strings here); addresses and hashes are lower-case hex.
 */

/** A `bigint` column: both drivers parse it to a number (block numbers, timestamps, counts). */
export type Int8 = number;
/** A `numeric` column: a decimal string. */
export type Numeric = string;

/** Where an event was emitted. */
export interface EventPosition {
  block_number: Int8;
  tx_hash: string;
  log_index: number;
}

export interface IndexerCursorTable {
  id: string;
  /** The last block whose events are all in the tables. */
  last_block: Int8;
  /** The contracts indexed (JSON of name → address, from block), so that a database is not reused for another. */
  contracts: string;
}

/**
 * The blocks of a range that hold an indexed event, and its last block: every event row's `block_number` (so every
 * contribution's `status_block`) has its row here, for its time and for the reorg check's hash.
 */
export interface IndexedBlocksTable {
  number: Int8;
  hash: string;
  parent_hash: string;
  /** When the block was mined, in unix seconds; null only for rows written before migration `0002_block_times`. */
  timestamp: Int8 | null;
}

export interface DatanetsTable extends EventPosition {
  datanet_id: Numeric;
  owner: string;
  uri: string;
}

/** ERC-721 transfers of Datanets and models, mints included. */
export interface NftTransfersTable extends EventPosition {
  contract: "datanets" | "models";
  token_id: Numeric;
  from_address: string;
  to_address: string;
}

export interface DatanetUriUpdatesTable extends EventPosition {
  datanet_id: Numeric;
  uri: string;
}

export interface TermsTable extends EventPosition {
  datanet_id: Numeric;
  terms_version: number;
  bond: Numeric;
  quorum: number;
  review_window: Int8;
  access_mode: number;
  max_file_bytes: Numeric;
  contributor_daily_files: Int8;
  contributor_daily_bytes: Numeric;
  datanet_daily_bytes: Numeric;
}

/** The validators of a terms version, in the order `TermsUpdated` lists them. */
export interface ValidatorsTable extends EventPosition {
  position: number;
  datanet_id: Numeric;
  terms_version: number;
  validator: string;
}

export interface ModelAccessTable extends EventPosition {
  datanet_id: Numeric;
  account: string;
  approved: boolean;
}

export interface CommitmentsTable extends EventPosition {
  commitment: string;
  contributor: string;
}

/** Contribution statuses as the events tell them: the contract's, plus `Superseded`. */
export type ContributionStatusColumn = "Pending" | "Accepted" | "Rejected" | "Expired" | "Superseded";

/**
 * One row per submission (attempt). The status columns are set by the event that decided it (`status_block`,
 * `status_tx_hash` and `status_log_index` are its position), and put back to `Pending` when a reorg removes that event.
 */
export interface ContributionsTable extends EventPosition {
  contribution_id: Numeric;
  datanet_id: Numeric;
  contributor: string;
  content_hash: string;
  attempt: number;
  size: Numeric;
  uri: string;
  terms_version: number;
  bond: Numeric;
  from_credit: boolean;
  status: ContributionStatusColumn;
  status_block: Int8 | null;
  /** The deciding event's transaction and log index; null before migration `0006_acceptance_positions`. */
  status_tx_hash: string | null;
  status_log_index: number | null;
  /** Bond credited back (accepted, superseded) or returned (expired). */
  refund: Numeric | null;
  slashed: Numeric | null;
  /** Surge part of the bond an expiry kept in the treasury. */
  kept: Numeric | null;
  accepted_index: number | null;
  /** The Datanet's digest after this acceptance, as emitted (and recomputed before it was written). */
  accepted_digest: string | null;
}

export interface VotesTable extends EventPosition {
  datanet_id: Numeric;
  contribution_id: Numeric;
  validator: string;
  accept: boolean;
}

export interface BondCreditWithdrawalsTable extends EventPosition {
  account: string;
  to_address: string;
  amount: Numeric;
}

export interface TreasuryWithdrawalsTable extends EventPosition {
  datanet_id: Numeric;
  to_address: string;
  amount: Numeric;
}

export interface VersionsTable extends EventPosition {
  datanet_id: Numeric;
  version: number;
  count: Int8;
  digest: string;
  /** Recomputed from the accepted content hashes before the row was written; equal to `digest`, or nothing is. */
  recomputed_digest: string;
}

export interface ModelsTable extends EventPosition {
  model_id: Numeric;
  owner: string;
  uri: string;
}

export interface ModelVersionsTable extends EventPosition {
  model_id: Numeric;
  version: number;
  base_model: string;
  adapter_kind: number;
  adapter_hash: string;
  training_config_hash: string;
}

/** The Datanet versions a model version was trained on, in the event's order. */
export interface ModelTrainingSetsTable extends EventPosition {
  position: number;
  model_id: Numeric;
  version: number;
  datanet_id: Numeric;
  datanet_version: number;
}

/** A model's price, revenue recipient or URI set (at registration too). */
export interface ModelUpdatesTable extends EventPosition {
  model_id: Numeric;
  field: "price" | "revenue_recipient" | "uri";
  value: string;
}

/** `InferenceSettled`; `id` is `<tx_hash>:<log_index>`, the settlement's id in an epoch's input and report. */
export interface SettlementsTable extends EventPosition {
  id: string;
  epoch: Int8;
  model_id: Numeric;
  payer: string;
  calls: Numeric;
  fee: Numeric;
  treasury_share: Numeric;
  model_share: Numeric;
  stakers_share: Numeric;
  contributors_share: Numeric;
  log_root: string;
  log_uri: string;
}

export interface StakesTable extends EventPosition {
  account: string;
  amount: Numeric;
  total_staked: Numeric;
}

export interface UnstakeRequestsTable extends EventPosition {
  account: string;
  amount: Numeric;
  /** The account's whole unstaking amount after the request. */
  unstaking: Numeric;
  ready_at: Int8;
}

export interface WithdrawalsTable extends EventPosition {
  account: string;
  amount: Numeric;
}

export interface StakingRewardClaimsTable extends EventPosition {
  account: string;
  amount: Numeric;
}

export interface RewardNotificationsTable extends EventPosition {
  amount: Numeric;
}

export interface RewardPeriodsTable extends EventPosition {
  period_end: Int8;
  amount: Numeric;
  rate: Numeric;
}

export interface RewardFundingsTable extends EventPosition {
  from_address: string;
  amount: Numeric;
  total_funded: Numeric;
}

/** Reward roots proposed, revoked and accepted; the columns an action's event lacks are null. */
export interface RewardRootsTable extends EventPosition {
  action: "proposed" | "revoked" | "accepted";
  epoch: Int8;
  root: string;
  total: Numeric | null;
  report_hash: string | null;
  report_uri: string | null;
  valid_at: Int8 | null;
  guardian: string | null;
}

export interface ClaimsTable extends EventPosition {
  account: string;
  epoch: Int8;
  amount: Numeric;
  cumulative_amount: Numeric;
}

/**
 * Every other event of the protocol's contracts: parameters set (fee split, treasury, cooldown, challenge window,
 * epoch lengths), roles and ownership, recoveries and sweeps. `args` is the event's named arguments as JSON, numbers
 * as decimal strings.
 */
export interface ParameterChangesTable extends EventPosition {
  contract: string;
  event: string;
  args: string;
}

/**
 * Events of the timelock and the Governor: proposals, votes, scheduled and executed operations. `subject` is the
 * proposal id or the operation id when the event has one.
 */
export interface GovernanceEventsTable extends EventPosition {
  contract: string;
  event: string;
  subject: string | null;
  args: string;
}

/** The whole index, for `Kysely<IndexSchema>`. */
export interface IndexSchema {
  indexer_cursor: IndexerCursorTable;
  indexed_blocks: IndexedBlocksTable;
  datanets: DatanetsTable;
  nft_transfers: NftTransfersTable;
  datanet_uri_updates: DatanetUriUpdatesTable;
  terms: TermsTable;
  validators: ValidatorsTable;
  model_access: ModelAccessTable;
  commitments: CommitmentsTable;
  contributions: ContributionsTable;
  votes: VotesTable;
  bond_credit_withdrawals: BondCreditWithdrawalsTable;
  treasury_withdrawals: TreasuryWithdrawalsTable;
  versions: VersionsTable;
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  model_training_sets: ModelTrainingSetsTable;
  model_updates: ModelUpdatesTable;
  settlements: SettlementsTable;
  stakes: StakesTable;
  unstake_requests: UnstakeRequestsTable;
  withdrawals: WithdrawalsTable;
  staking_reward_claims: StakingRewardClaimsTable;
  reward_notifications: RewardNotificationsTable;
  reward_periods: RewardPeriodsTable;
  reward_fundings: RewardFundingsTable;
  reward_roots: RewardRootsTable;
  claims: ClaimsTable;
  parameter_changes: ParameterChangesTable;
  governance_events: GovernanceEventsTable;
}

/** The tables that hold events: what a reorg rewinds. */
export type EventTableName = Exclude<keyof IndexSchema, "indexer_cursor" | "indexed_blocks">;

/** Every event table, with the columns of its primary key beyond `(tx_hash, log_index)`. */
export const EVENT_TABLES: Readonly<Record<EventTableName, readonly string[]>> = {
  datanets: [],
  nft_transfers: [],
  datanet_uri_updates: [],
  terms: [],
  validators: ["position"],
  model_access: [],
  commitments: [],
  contributions: [],
  votes: [],
  bond_credit_withdrawals: [],
  treasury_withdrawals: [],
  versions: [],
  models: [],
  model_versions: [],
  model_training_sets: ["position"],
  model_updates: [],
  settlements: [],
  stakes: [],
  unstake_requests: [],
  withdrawals: [],
  staking_reward_claims: [],
  reward_notifications: [],
  reward_periods: [],
  reward_fundings: [],
  reward_roots: [],
  claims: [],
  parameter_changes: [],
  governance_events: [],
};
