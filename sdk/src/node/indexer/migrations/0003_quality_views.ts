import { sql } from "kysely";
import type { Kysely } from "kysely";

/*
 * Aggregates of the Datanets' reviews that a web page reads on every visit: kept as materialized views, refreshed
 * after the index moves (see refreshQualityViews), so a page answers from a few rows whatever the Datanet's size.
 * `quality_views_state` records the indexed block they were last refreshed at.
 */

const DECIDED = "c.status in ('Accepted', 'Rejected')";
const VOTES = "votes v join contributions c on c.contribution_id = v.contribution_id and c.datanet_id = v.datanet_id";

/** View name, its query, the columns of its unique index. */
const QUALITY_VIEWS: [name: string, query: string, key: string[]][] = [
  [
    "datanet_status_counts",
    "select datanet_id, status, count(*) as n from contributions group by datanet_id, status",
    ["datanet_id", "status"],
  ],
  [
    "datanet_outcomes_daily",
    `select c.datanet_id, floor(b.timestamp / 86400) * 86400 as day,
       count(*) filter (where c.status = 'Accepted') as accepted,
       count(*) filter (where c.status = 'Rejected') as rejected,
       count(*) filter (where c.status = 'Expired') as expired
     from contributions c join indexed_blocks b on b.number = c.status_block
     where c.status in ('Accepted', 'Rejected', 'Expired')
     group by c.datanet_id, floor(b.timestamp / 86400)`,
    ["datanet_id", "day"],
  ],
  [
    "datanet_review_latency",
    `select c.datanet_id, count(*) as reviewed,
       percentile_disc(0.5) within group (order by o.timestamp - s.timestamp) as median,
       percentile_disc(0.9) within group (order by o.timestamp - s.timestamp) as p90
     from contributions c
       join indexed_blocks o on o.number = c.status_block
       join indexed_blocks s on s.number = c.block_number
     where ${DECIDED}
     group by c.datanet_id`,
    ["datanet_id"],
  ],
  [
    "validator_agreement",
    `select v.datanet_id, v.validator, count(*) as votes,
       count(*) filter (where v.accept) as accepts,
       count(*) filter (where ${DECIDED}) as decided,
       count(*) filter (where (v.accept and c.status = 'Accepted') or (not v.accept and c.status = 'Rejected')) as agreed
     from ${VOTES}
     group by v.datanet_id, v.validator`,
    ["datanet_id", "validator"],
  ],
  [
    "vote_splits",
    `select datanet_id, accepts, rejects, count(*) as items from (
       select v.datanet_id, v.contribution_id,
         count(*) filter (where v.accept) as accepts, count(*) filter (where not v.accept) as rejects
       from ${VOTES} where ${DECIDED}
       group by v.datanet_id, v.contribution_id) split
     group by datanet_id, accepts, rejects`,
    ["datanet_id", "accepts", "rejects"],
  ],
  [
    "contributor_outcomes",
    `select datanet_id, contributor,
       count(*) filter (where status = 'Accepted') as accepted,
       count(*) filter (where status = 'Rejected') as rejected,
       coalesce(sum(size) filter (where status = 'Accepted'), 0) as accepted_bytes
     from contributions group by datanet_id, contributor`,
    ["datanet_id", "contributor"],
  ],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, query, key] of QUALITY_VIEWS) {
    await sql.raw(`create materialized view ${name} as ${query}`).execute(db);
    await db.schema.createIndex(`${name}_key`).unique().on(name).columns(key).execute();
  }
  await db.schema
    .createTable("quality_views_state")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("last_block", "bigint", (c) => c.notNull())
    .addColumn("block_hash", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("quality_views_state").execute();
  for (const [name] of [...QUALITY_VIEWS].reverse()) await sql.raw(`drop materialized view ${name}`).execute(db);
}
