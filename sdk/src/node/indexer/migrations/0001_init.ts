import type { ColumnDataType, CreateTableBuilder, Kysely } from "kysely";

/*
 * The first schema: every table of schema.ts. Migrations receive `Kysely<any>` (kysely's convention), since they
 * describe the database as it was at their version, not as the current types say.
 */

type Column = [name: string, type: ColumnDataType, nullable?: "null"];

const POSITION: Column[] = [
  ["block_number", "bigint"],
  ["tx_hash", "text"],
  ["log_index", "integer"],
];

/** Event tables: name, columns besides the position, extra primary-key columns. */
const EVENT_TABLES: [name: string, columns: Column[], key?: string[]][] = [
  [
    "datanets",
    [
      ["datanet_id", "numeric"],
      ["owner", "text"],
      ["uri", "text"],
    ],
  ],
  [
    "nft_transfers",
    [
      ["contract", "text"],
      ["token_id", "numeric"],
      ["from_address", "text"],
      ["to_address", "text"],
    ],
  ],
  [
    "datanet_uri_updates",
    [
      ["datanet_id", "numeric"],
      ["uri", "text"],
    ],
  ],
  [
    "terms",
    [
      ["datanet_id", "numeric"],
      ["terms_version", "integer"],
      ["bond", "numeric"],
      ["quorum", "integer"],
      ["review_window", "bigint"],
      ["access_mode", "integer"],
      ["max_file_bytes", "numeric"],
      ["contributor_daily_files", "bigint"],
      ["contributor_daily_bytes", "numeric"],
      ["datanet_daily_bytes", "numeric"],
    ],
  ],
  [
    "validators",
    [
      ["position", "integer"],
      ["datanet_id", "numeric"],
      ["terms_version", "integer"],
      ["validator", "text"],
    ],
    ["position"],
  ],
  [
    "model_access",
    [
      ["datanet_id", "numeric"],
      ["account", "text"],
      ["approved", "boolean"],
    ],
  ],
  [
    "commitments",
    [
      ["commitment", "text"],
      ["contributor", "text"],
    ],
  ],
  [
    "contributions",
    [
      ["contribution_id", "numeric"],
      ["datanet_id", "numeric"],
      ["contributor", "text"],
      ["content_hash", "text"],
      ["attempt", "integer"],
      ["size", "numeric"],
      ["uri", "text"],
      ["terms_version", "integer"],
      ["bond", "numeric"],
      ["from_credit", "boolean"],
      ["status", "text"],
      ["status_block", "bigint", "null"],
      ["refund", "numeric", "null"],
      ["slashed", "numeric", "null"],
      ["kept", "numeric", "null"],
      ["accepted_index", "integer", "null"],
      ["accepted_digest", "text", "null"],
    ],
  ],
  [
    "votes",
    [
      ["datanet_id", "numeric"],
      ["contribution_id", "numeric"],
      ["validator", "text"],
      ["accept", "boolean"],
    ],
  ],
  [
    "bond_credit_withdrawals",
    [
      ["account", "text"],
      ["to_address", "text"],
      ["amount", "numeric"],
    ],
  ],
  [
    "treasury_withdrawals",
    [
      ["datanet_id", "numeric"],
      ["to_address", "text"],
      ["amount", "numeric"],
    ],
  ],
  [
    "versions",
    [
      ["datanet_id", "numeric"],
      ["version", "integer"],
      ["count", "bigint"],
      ["digest", "text"],
      ["recomputed_digest", "text"],
    ],
  ],
  [
    "models",
    [
      ["model_id", "numeric"],
      ["owner", "text"],
      ["uri", "text"],
    ],
  ],
  [
    "model_versions",
    [
      ["model_id", "numeric"],
      ["version", "integer"],
      ["base_model", "text"],
      ["adapter_kind", "integer"],
      ["adapter_hash", "text"],
      ["training_config_hash", "text"],
    ],
  ],
  [
    "model_training_sets",
    [
      ["position", "integer"],
      ["model_id", "numeric"],
      ["version", "integer"],
      ["datanet_id", "numeric"],
      ["datanet_version", "integer"],
    ],
    ["position"],
  ],
  [
    "model_updates",
    [
      ["model_id", "numeric"],
      ["field", "text"],
      ["value", "text"],
    ],
  ],
  [
    "settlements",
    [
      ["id", "text"],
      ["epoch", "bigint"],
      ["model_id", "numeric"],
      ["payer", "text"],
      ["calls", "numeric"],
      ["fee", "numeric"],
      ["treasury_share", "numeric"],
      ["model_share", "numeric"],
      ["stakers_share", "numeric"],
      ["contributors_share", "numeric"],
      ["log_root", "text"],
      ["log_uri", "text"],
    ],
  ],
  [
    "stakes",
    [
      ["account", "text"],
      ["amount", "numeric"],
      ["total_staked", "numeric"],
    ],
  ],
  [
    "unstake_requests",
    [
      ["account", "text"],
      ["amount", "numeric"],
      ["unstaking", "numeric"],
      ["ready_at", "bigint"],
    ],
  ],
  [
    "withdrawals",
    [
      ["account", "text"],
      ["amount", "numeric"],
    ],
  ],
  [
    "staking_reward_claims",
    [
      ["account", "text"],
      ["amount", "numeric"],
    ],
  ],
  ["reward_notifications", [["amount", "numeric"]]],
  [
    "reward_periods",
    [
      ["period_end", "bigint"],
      ["amount", "numeric"],
      ["rate", "numeric"],
    ],
  ],
  [
    "reward_fundings",
    [
      ["from_address", "text"],
      ["amount", "numeric"],
      ["total_funded", "numeric"],
    ],
  ],
  [
    "reward_roots",
    [
      ["action", "text"],
      ["epoch", "bigint"],
      ["root", "text"],
      ["total", "numeric", "null"],
      ["report_hash", "text", "null"],
      ["report_uri", "text", "null"],
      ["valid_at", "bigint", "null"],
      ["guardian", "text", "null"],
    ],
  ],
  [
    "claims",
    [
      ["account", "text"],
      ["epoch", "bigint"],
      ["amount", "numeric"],
      ["cumulative_amount", "numeric"],
    ],
  ],
  [
    "parameter_changes",
    [
      ["contract", "text"],
      ["event", "text"],
      ["args", "text"],
    ],
  ],
  [
    "governance_events",
    [
      ["contract", "text"],
      ["event", "text"],
      ["subject", "text", "null"],
      ["args", "text"],
    ],
  ],
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("indexer_cursor")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("last_block", "bigint", (c) => c.notNull())
    .addColumn("contracts", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("indexed_blocks")
    .addColumn("number", "bigint", (c) => c.primaryKey())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("parent_hash", "text", (c) => c.notNull())
    .execute();
  for (const [name, columns, key = []] of EVENT_TABLES) {
    // The columns come from a list, which the builder's column-by-column types cannot follow.
    let table = db.schema.createTable(name) as CreateTableBuilder<string, string>;
    for (const [column, type, nullable] of [...POSITION, ...columns]) {
      table = table.addColumn(column, type, (c) => (nullable ? c : c.notNull()));
    }
    await table.addPrimaryKeyConstraint(`${name}_pkey`, ["tx_hash", "log_index", ...key]).execute();
  }
  await db.schema.createIndex("contributions_id").unique().on("contributions").column("contribution_id").execute();
  await db.schema.createIndex("contributions_content").on("contributions").column("content_hash").execute();
  await db.schema
    .createIndex("contributions_accepted")
    .on("contributions")
    .columns(["datanet_id", "accepted_index"])
    .execute();
  await db.schema.createIndex("settlements_id").unique().on("settlements").column("id").execute();
  await db.schema.createIndex("settlements_epoch").on("settlements").columns(["epoch", "block_number"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...EVENT_TABLES].reverse()) await db.schema.dropTable(name).execute();
  await db.schema.dropTable("indexed_blocks").execute();
  await db.schema.dropTable("indexer_cursor").execute();
}
