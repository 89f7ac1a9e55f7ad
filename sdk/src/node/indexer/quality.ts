import { sql } from "kysely";
import type { Kysely } from "kysely";
import { indexKysely, readIndex } from "./access";
import type { IndexSchema, Int8, Numeric } from "./schema";

/*
 * The materialized views of the Datanets' reviews (migration 0003_quality_views) and daily usage (0007_daily_usage):
 * what they hold, and their refresh after the index moves. A page reads them instead of aggregating every
 * contribution and vote on each visit.
 */

export interface DatanetStatusCountsView {
  datanet_id: Numeric;
  status: string;
  n: Int8;
}

export interface DatanetOutcomesDailyView {
  datanet_id: Numeric;
  /** The UTC day's first second. */
  day: Numeric;
  accepted: Int8;
  rejected: Int8;
  expired: Int8;
}

export interface DatanetReviewLatencyView {
  datanet_id: Numeric;
  reviewed: Int8;
  /** Nearest-rank percentiles of outcome time − submission time, in seconds. */
  median: Int8 | null;
  p90: Int8 | null;
}

export interface ValidatorAgreementView {
  datanet_id: Numeric;
  validator: string;
  votes: Int8;
  accepts: Int8;
  decided: Int8;
  agreed: Int8;
}

export interface VoteSplitsView {
  datanet_id: Numeric;
  accepts: Int8;
  rejects: Int8;
  /** Decided contributions whose votes split `accepts` to `rejects`. */
  items: Int8;
}

export interface ContributorOutcomesView {
  datanet_id: Numeric;
  contributor: string;
  accepted: Int8;
  rejected: Int8;
  accepted_bytes: Numeric;
}

/** A Datanet's submissions on a UTC day (migration 0007_daily_usage): what its daily limits counted. */
export interface DatanetDailyUsageView {
  datanet_id: Numeric;
  /** The UTC day's first second. */
  day: Numeric;
  /** The latest terms version submitted under that day. */
  terms_version: number;
  files: Int8;
  bytes: Numeric;
  contributors: Int8;
  /** The most files one contributor submitted that day, and who (the lowest address of a tie). */
  top_files: Int8;
  top_files_contributor: string;
  /** The most bytes one contributor submitted that day, and who. */
  top_bytes: Numeric;
  top_bytes_contributor: string;
}

export interface QualityViewsStateTable {
  id: string;
  /** The indexed block the views were refreshed at, and its hash (a reorganised branch of the same height differs). */
  last_block: Int8;
  block_hash: string;
}

/** A model's settlements in one epoch and UTC day (`day` its first second; null for blocks indexed without a time). */
export interface ModelSettlementsDailyView {
  model_id: Numeric;
  epoch: Int8;
  day: Numeric | null;
  n: Int8;
  calls: Numeric;
  fees: Numeric;
  treasury: Numeric;
  model: Numeric;
  stakers: Numeric;
  contributors: Numeric;
}

/** The views and their state, for `db.withTables<QualityViews>()` (a type alias: kysely wants an index signature). */
export type QualityViews = {
  datanet_status_counts: DatanetStatusCountsView;
  datanet_outcomes_daily: DatanetOutcomesDailyView;
  datanet_review_latency: DatanetReviewLatencyView;
  validator_agreement: ValidatorAgreementView;
  vote_splits: VoteSplitsView;
  contributor_outcomes: ContributorOutcomesView;
  model_settlements_daily: ModelSettlementsDailyView;
  datanet_daily_usage: DatanetDailyUsageView;
  quality_views_state: QualityViewsStateTable;
};

const STATE_ID = "quality";

/**
 * Refreshes the quality views when the index has moved since they were last refreshed (its last block or that
 * block's hash differs), all in one transaction; returns whether it refreshed. Cheap when nothing moved: two reads.
 */
export async function refreshQualityViews(db: Kysely<IndexSchema>): Promise<boolean> {
  return readIndex("the quality views", () => refreshViews(indexKysely(db)));
}

async function refreshViews(db: Kysely<IndexSchema>): Promise<boolean> {
  const views = db.withTables<QualityViews>();
  const [cursor, state] = await Promise.all([
    views
      .selectFrom("indexer_cursor as c")
      .leftJoin("indexed_blocks as b", "b.number", "c.last_block")
      .select(["c.last_block", "b.hash"])
      .executeTakeFirst(),
    views.selectFrom("quality_views_state").selectAll().where("id", "=", STATE_ID).executeTakeFirst(),
  ]);
  const lastBlock = cursor?.last_block ?? -1;
  const hash = cursor?.hash ?? "";
  if (state && Number(state.last_block) === Number(lastBlock) && state.block_hash === hash) return false;
  await views.transaction().execute(async (trx) => {
    const names = await sql<{ matviewname: string }>`select matviewname from pg_matviews
      where schemaname = current_schema() order by matviewname`.execute(trx);
    for (const { matviewname } of names.rows) {
      await sql`refresh materialized view ${sql.id(matviewname)}`.execute(trx);
    }
    await trx
      .insertInto("quality_views_state")
      .values({ id: STATE_ID, last_block: lastBlock, block_hash: hash })
      .onConflict((oc) => oc.column("id").doUpdateSet({ last_block: lastBlock, block_hash: hash }))
      .execute();
  });
  return true;
}
