import type { Kysely } from "kysely";

/*
 * What the app's inference explorer needs to find again the spans an epoch credited: each report's models with the
 * Datanet versions they were trained on, their clusters of copies and the contributions left out as unavailable,
 * and the span options (see loadEpochReports); and each report's Datanets with their amounts, as the report lists
 * them, so that an epoch's page does not sum its contributions. Reports loaded before this migration lack those rows, so they are
 * dropped here and read again from the content store at the next load. Also an index for the epochs' root actions.
 */

const REPORT_TABLES = [
  "report_failures",
  "report_data_values",
  "report_accounts",
  "report_contributions",
  "report_credits",
  "report_records",
  "report_settlements",
  "epoch_reports",
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("report_models")
    .addColumn("report_hash", "text", (c) => c.notNull())
    .addColumn("model_id", "numeric", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("scorer", "text", (c) => c.notNull())
    .addColumn("trained_on", "text", (c) => c.notNull())
    .addColumn("clusters", "text", (c) => c.notNull())
    .addColumn("unavailable", "text", (c) => c.notNull())
    .addColumn("max_document_fraction", "double precision", (c) => c.notNull())
    .addPrimaryKeyConstraint("report_models_pkey", ["report_hash", "model_id"])
    .execute();
  await db.schema
    .createTable("report_datanets")
    .addColumn("report_hash", "text", (c) => c.notNull())
    .addColumn("datanet_id", "numeric", (c) => c.notNull())
    .addColumn("amount", "numeric", (c) => c.notNull())
    .addPrimaryKeyConstraint("report_datanets_pkey", ["report_hash", "datanet_id"])
    .execute();
  for (const table of REPORT_TABLES) await db.deleteFrom(table).execute();
  await db.schema.createIndex("reward_roots_epoch").on("reward_roots").columns(["epoch", "block_number"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("reward_roots_epoch").execute();
  await db.schema.dropTable("report_datanets").execute();
  await db.schema.dropTable("report_models").execute();
}
