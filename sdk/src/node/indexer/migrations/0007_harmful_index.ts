import { sql } from "kysely";
import type { Kysely } from "kysely";

/*
 * The contributions the epoch reports flagged harmful, found without reading every data value: a partial index on
 * `report_data_values` (migration 0004_epoch_reports) of the flagged rows only, a few among many.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("report_data_values_harmful")
    .on("report_data_values")
    .column("contribution_id")
    .where(sql.ref("harmful"), "=", true)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("report_data_values_harmful").execute();
}
