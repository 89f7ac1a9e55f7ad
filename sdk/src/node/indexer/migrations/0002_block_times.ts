import type { Kysely } from "kysely";

/*
 * Block times and the indexes a web app's queries need: data quality over time (statuses per day, review latency as
 * the status block's time less the submission block's), a contributor's page, a validator's votes, an account's
 * claims, a model's settlements. Blocks indexed before this migration keep a null time; blocks indexed after it have
 * one.
 */

/** Index name, table, columns. */
const INDEXES: [name: string, table: string, columns: string[]][] = [
  ["idx_contributions_datanet_status", "contributions", ["datanet_id", "status"]],
  ["idx_contributions_contributor", "contributions", ["contributor"]],
  ["idx_contributions_status_block", "contributions", ["status_block"]],
  ["idx_votes_datanet_validator", "votes", ["datanet_id", "validator"]],
  ["idx_votes_contribution", "votes", ["contribution_id"]],
  ["idx_claims_account", "claims", ["account"]],
  ["idx_settlements_model", "settlements", ["model_id"]],
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("indexed_blocks").addColumn("timestamp", "bigint").execute();
  for (const [name, table, columns] of INDEXES) await db.schema.createIndex(name).on(table).columns(columns).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...INDEXES].reverse()) await db.schema.dropIndex(name).execute();
  await db.schema.alterTable("indexed_blocks").dropColumn("timestamp").execute();
}
