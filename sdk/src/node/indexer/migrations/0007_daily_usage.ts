import { sql } from "kysely";
import type { Kysely } from "kysely";

/*
 * How close each Datanet runs to its daily limits, as the registry counts them: every submission (whatever became of
 * it later: accepted, rejected, expired or superseded) is charged on the UTC day of its block's timestamp
 * (`block.timestamp / 1 days`) to the Datanet's bytes and to its contributor's files and bytes in that Datanet. A
 * materialized view per Datanet and day, refreshed with the quality views (see refreshQualityViews); blocks without a
 * time (indexed before migration 0002_block_times) are left out.
 */

const DAILY_USAGE = `with per_contributor as (
    select c.datanet_id, floor(b.timestamp / 86400) as d, c.contributor, count(*) as files, sum(c.size) as bytes,
      max(c.terms_version) as terms_version
    from contributions c join indexed_blocks b on b.number = c.block_number
    where b.timestamp is not null
    group by c.datanet_id, floor(b.timestamp / 86400), c.contributor)
  select datanet_id, d * 86400 as day, max(terms_version) as terms_version, sum(files) as files, sum(bytes) as bytes,
    count(*) as contributors,
    max(files) as top_files, (array_agg(contributor order by files desc, contributor))[1] as top_files_contributor,
    max(bytes) as top_bytes, (array_agg(contributor order by bytes desc, contributor))[1] as top_bytes_contributor
  from per_contributor
  group by datanet_id, d`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`create materialized view datanet_daily_usage as ${DAILY_USAGE}`).execute(db);
  await db.schema
    .createIndex("datanet_daily_usage_key")
    .unique()
    .on("datanet_daily_usage")
    .columns(["datanet_id", "day"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw("drop materialized view datanet_daily_usage").execute(db);
}
