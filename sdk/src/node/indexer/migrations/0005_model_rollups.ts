import { sql } from "kysely";
import type { Kysely } from "kysely";

/*
 * The models' settlements summed per epoch and UTC day, which the models' pages read on every visit: a materialized
 * view refreshed with the quality views (see refreshQualityViews, which refreshes every view), so a model's page reads
 * a few rows however many settlements it has.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `create materialized view model_settlements_daily as
       select s.model_id, s.epoch, floor(b.timestamp / 86400) * 86400 as day, count(*) as n,
         sum(s.calls) as calls, sum(s.fee) as fees, sum(s.treasury_share) as treasury, sum(s.model_share) as model,
         sum(s.stakers_share) as stakers, sum(s.contributors_share) as contributors
       from settlements s join indexed_blocks b on b.number = s.block_number
       group by s.model_id, s.epoch, floor(b.timestamp / 86400)`,
    )
    .execute(db);
  await db.schema
    .createIndex("model_settlements_daily_key")
    .unique()
    .on("model_settlements_daily")
    .columns(["model_id", "epoch", "day"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw("drop materialized view model_settlements_daily").execute(db);
}
