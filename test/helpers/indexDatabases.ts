import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import { Pool } from "pg";
import { ethers } from "hardhat";
import { keccak256, toUtf8Bytes } from "ethers";
import { EVENT_TABLES, ProtocolIndexer, openIndexDatabase } from "../../sdk/src/node";
import type { IndexDatabase, IndexSchema, IndexedContracts } from "../../sdk/src/node";
import { INDEX_MIGRATION_TABLES, indexMigrationProvider } from "../../sdk/src/node/indexer/migrations";
import { PGliteDialect } from "../../sdk/src/node/indexer/pgliteDialect";
import { startPostgres } from "./postgres";

/** Row counts of every event table and a hash of their rows and of the cursor: equal hashes, equal indexes. */
export async function contentsOf(db: Kysely<IndexSchema>): Promise<{ counts: Record<string, number>; hash: string }> {
  const hash = createHash("sha256");
  const counts: Record<string, number> = {};
  for (const table of Object.keys(EVENT_TABLES)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    counts[table] = rows.length;
    hash.update(
      `${table}\n${rows
        .map((row) => JSON.stringify(row))
        .sort()
        .join("\n")}\n`,
    );
  }
  const cursor = await db.selectFrom("indexer_cursor").select("last_block").executeTakeFirst();
  hash.update(`cursor ${cursor?.last_block}`);
  return { counts, hash: hash.digest("hex") };
}

/** Where a database is: a PGlite folder or a PostgreSQL URL. */
export type IndexLocation = { dataDir: string } | { url: string };

/** Where the suite's databases come from: a PGlite folder each, or a database each on one PostgreSQL server. */
export interface Backend {
  name: string;
  /** `open` gives a migrated database, `openEmpty` one that was never opened, `create` the place of a new one. */
  start(): Promise<{
    open(): Promise<IndexDatabase>;
    openEmpty(): Promise<IndexDatabase>;
    create(): Promise<IndexLocation>;
    stop(): void;
  }>;
}

export const BACKENDS: Backend[] = [
  {
    name: "PGlite",
    async start() {
      // A new PGlite folder costs an initdb (seconds); a copy of a migrated one opens in about one.
      const folders = [mkdtempSync(join(tmpdir(), "oa-pglite-"))];
      await (await openIndexDatabase({ dataDir: folders[0] })).close();
      const create = async () => {
        folders.push(mkdtempSync(join(tmpdir(), "oa-pglite-")));
        return { dataDir: folders[folders.length - 1] };
      };
      return {
        async open() {
          const { dataDir } = await create();
          cpSync(folders[0], dataDir, { recursive: true });
          return openIndexDatabase({ dataDir });
        },
        openEmpty: async () => openIndexDatabase(await create()),
        create,
        stop: () => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })),
      };
    },
  },
  {
    name: "PostgreSQL",
    async start() {
      const server = await startPostgres();
      let databases = 0;
      const create = async () => ({ url: await server.createDatabase(`index_${++databases}`) });
      const open = async () => openIndexDatabase(await create());
      return { open, openEmpty: open, create, stop: () => server.stop() };
    },
  },
];

/** A database's tables, columns and indexes, as PostgreSQL's catalogue lists them. */
export interface SchemaShape {
  columns: { table_name: string; column_name: string; data_type: string; is_nullable: string }[];
  indexes: { tablename: string; indexname: string; indexdef: string }[];
}

/** The schema of `db`: equal shapes, equal schemas, whichever migrations made them. */
export async function schemaOf(db: Kysely<any>): Promise<SchemaShape> {
  const columns = await sql<SchemaShape["columns"][number]>`
    select table_name, column_name, data_type, is_nullable from information_schema.columns
    where table_schema = 'public' order by table_name, column_name`.execute(db);
  const indexes = await sql<SchemaShape["indexes"][number]>`
    select tablename, indexname, indexdef from pg_indexes
    where schemaname = 'public' order by tablename, indexname`.execute(db);
  return { columns: columns.rows, indexes: indexes.rows };
}

/**
 * Migrates the database at `location` up or down to `migration` (kysely's `migrateTo`), as an SDK whose last migration
 * that is would leave it, and gives the migrations run and the schema they left. Opened without
 * {@link openIndexDatabase}, which would migrate it to the latest.
 */
export async function migrateIndexTo(
  location: IndexLocation,
  migration: string,
): Promise<{ ran: string[]; schema: SchemaShape }> {
  const dialect =
    "url" in location
      ? new PostgresDialect({ pool: new Pool({ connectionString: location.url, max: 1 }) })
      : new PGliteDialect(new PGlite(location.dataDir));
  const db = new Kysely<any>({ dialect });
  try {
    const { results, error } = await new Migrator({
      db,
      provider: indexMigrationProvider,
      ...INDEX_MIGRATION_TABLES,
    }).migrateTo(migration);
    if (error !== undefined) throw error;
    return { ran: (results ?? []).map((r) => `${r.direction} ${r.migrationName}`), schema: await schemaOf(db) };
  } finally {
    await db.destroy();
  }
}

/** Indexes `contracts` from the in-process chain into `db`, to its head (no confirmations held back). */
export async function indexInProcessChain(db: IndexDatabase, contracts: IndexedContracts): Promise<void> {
  await new ProtocolIndexer({ provider: ethers.provider, db, contracts, confirmations: 0 }).sync();
}

/** What {@link insertRootEvent} needs of an epoch report. */
interface ProposedReport {
  epoch: string;
  tree: { root: string; total: string };
  reportHash: string;
}

/**
 * A reward_roots row for `report`'s root, as the indexer writes the distributor's events: a proposal (with the report's
 * hash, total and `uri`) unless `event.action` says otherwise, at `event.block`, its other columns from `event`.
 */
export async function insertRootEvent(
  db: Kysely<IndexSchema>,
  report: ProposedReport,
  event: Partial<IndexSchema["reward_roots"]> & { block: number; uri?: string },
): Promise<void> {
  const { block, uri, ...columns } = event;
  const proposed = (columns.action ?? "proposed") === "proposed";
  await db
    .insertInto("reward_roots")
    .values({
      block_number: block,
      tx_hash: keccak256(toUtf8Bytes(`root event ${block}`)),
      log_index: 0,
      action: "proposed",
      epoch: Number(report.epoch),
      root: report.tree.root,
      total: proposed ? report.tree.total : null,
      report_hash: proposed ? report.reportHash : null,
      report_uri: proposed ? (uri ?? null) : null,
      valid_at: proposed ? 1_700_003_600 : null,
      guardian: null,
      ...columns,
    })
    .execute();
}
