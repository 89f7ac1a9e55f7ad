import type { Kysely } from "kysely";

/*
 * Where the event that decided a contribution was emitted: with `status_block`, its transaction and log index, so that
 * a page can list a Datanet's acceptances as events (and anyone can find each in the chain's logs). Rows decided
 * before this migration keep null positions until the index is rebuilt.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("contributions")
    .addColumn("status_tx_hash", "text")
    .addColumn("status_log_index", "integer")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("contributions").dropColumn("status_log_index").dropColumn("status_tx_hash").execute();
}
