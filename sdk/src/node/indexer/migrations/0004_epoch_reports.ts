import { sql } from "kysely";
import type { ColumnDataType, CreateTableBuilder, Kysely } from "kysely";

/*
 * The epoch reports the roots published, read into tables (see loadEpochReports) so that a page finds what an epoch
 * paid, whom and for which inference without reading a report of a million records, and the explorer can rebuild
 * the span index an epoch attributed with (each model's Datanet versions, clusters and span options). Rows are keyed by the report's
 * hash: a report is content, the same whichever block proposed it, so a reorganisation never makes a row wrong; the
 * reward_roots events say which reports are current. Contribution ids are text, as reports write them (an index's
 * are decimal: join with `contributions.contribution_id::text`).
 */

type Column = [name: string, type: ColumnDataType, nullable?: "null"];

/** Table, columns, primary key, indexes (name → columns). */
const TABLES: [name: string, columns: Column[], key: string[], indexes: Record<string, string[]>][] = [
  [
    "epoch_reports",
    [
      ["report_hash", "text"],
      ["epoch", "bigint"],
      ["root", "text"],
      ["report_uri", "text"],
      ["pool", "numeric"],
      ["income_settlements", "numeric"],
      ["income_previous", "numeric"],
      ["income_funding", "numeric"],
      ["carry_over", "numeric"],
      ["tree_total", "numeric"],
      ["top_k", "integer"],
      ["min_tokens", "integer"],
      ["previous_report_hash", "text", "null"],
      ["records", "bigint"],
    ],
    ["report_hash"],
    { epoch_reports_epoch: ["epoch"] },
  ],
  [
    "report_settlements",
    [
      ["report_hash", "text"],
      ["settlement_id", "text"],
      ["model_id", "numeric"],
      ["calls", "numeric"],
      ["pot", "numeric"],
      ["share", "numeric"],
      ["paid", "numeric"],
      ["carried", "numeric"],
      ["unmatched_calls", "numeric"],
      ["status", "text"],
      ["exclusion", "text", "null"],
      ["log_root", "text"],
      ["log_uri", "text"],
    ],
    ["report_hash", "settlement_id"],
    {},
  ],
  [
    "report_records",
    [
      ["report_hash", "text"],
      ["settlement_id", "text"],
      ["record_id", "text"],
      ["calls", "numeric"],
      ["query_hash", "text"],
      ["output_hash", "text"],
    ],
    ["report_hash", "settlement_id", "record_id"],
    { report_records_record: ["record_id"], report_records_output: ["output_hash"] },
  ],
  [
    "report_credits",
    [
      ["report_hash", "text"],
      ["settlement_id", "text"],
      ["record_id", "text"],
      ["contribution_id", "text"],
      ["weight", "double precision"],
    ],
    ["report_hash", "settlement_id", "record_id", "contribution_id"],
    { report_credits_contribution: ["contribution_id", "report_hash"] },
  ],
  [
    "report_contributions",
    [
      ["report_hash", "text"],
      ["contribution_id", "text"],
      ["datanet_id", "numeric"],
      ["contributor", "text"],
      ["amount", "numeric"],
    ],
    ["report_hash", "contribution_id"],
    { report_contributions_contributor: ["contributor"], report_contributions_datanet: ["datanet_id"] },
  ],
  [
    "report_accounts",
    [
      ["report_hash", "text"],
      ["account", "text"],
      ["amount", "numeric"],
      ["cumulative", "numeric"],
    ],
    ["report_hash", "account"],
    { report_accounts_account: ["account"] },
  ],
  [
    "report_data_values",
    [
      ["report_hash", "text"],
      ["model_id", "numeric"],
      ["contribution_id", "text"],
      ["value", "double precision"],
      ["threshold", "double precision"],
      ["harmful", "boolean"],
      ["low_value", "boolean"],
    ],
    ["report_hash", "model_id", "contribution_id"],
    { report_data_values_contribution: ["contribution_id"] },
  ],
  [
    "report_models",
    [
      ["report_hash", "text"],
      ["model_id", "numeric"],
      ["version", "integer"],
      ["scorer", "text"],
      ["trained_on", "text"],
      ["clusters", "text"],
      ["unavailable", "text"],
      ["max_document_fraction", "double precision"],
    ],
    ["report_hash", "model_id"],
    {},
  ],
  [
    "report_datanets",
    [
      ["report_hash", "text"],
      ["datanet_id", "numeric"],
      ["amount", "numeric"],
    ],
    ["report_hash", "datanet_id"],
    {},
  ],
  [
    "report_failures",
    [
      ["report_hash", "text"],
      ["epoch", "bigint"],
      ["report_uri", "text"],
      ["reason", "text"],
    ],
    ["report_hash"],
    {},
  ],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, columns, key, indexes] of TABLES) {
    // The columns come from a list, which the builder's column-by-column types cannot follow.
    let table = db.schema.createTable(name) as CreateTableBuilder<string, string>;
    for (const [column, type, nullable] of columns) {
      table = table.addColumn(column, type, (c) => (nullable ? c : c.notNull()));
    }
    await table.addPrimaryKeyConstraint(`${name}_pkey`, key).execute();
    for (const [index, on] of Object.entries(indexes))
      await db.schema.createIndex(index).on(name).columns(on).execute();
  }
  // The flagged contributions are a few among many data values: a partial index finds them without reading the rest.
  await db.schema
    .createIndex("report_data_values_harmful")
    .on("report_data_values")
    .column("contribution_id")
    .where(sql.ref("harmful"), "=", true)
    .execute();
  await db.schema.createIndex("reward_roots_report").on("reward_roots").column("report_hash").execute();
  await db.schema.createIndex("reward_roots_epoch").on("reward_roots").columns(["epoch", "block_number"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("reward_roots_epoch").execute();
  await db.schema.dropIndex("report_data_values_harmful").execute();
  await db.schema.dropIndex("reward_roots_report").execute();
  for (const [name] of [...TABLES].reverse()) await db.schema.dropTable(name).execute();
}
