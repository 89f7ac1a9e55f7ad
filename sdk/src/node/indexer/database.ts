import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { Kysely, Migrator, PostgresDialect } from "kysely";
import type { Dialect, MigrationResult } from "kysely";
import { IndexDatabaseError, InvalidInputError } from "../../errors";
import { checkOptions } from "../checks";
import { INDEX_MIGRATION_TABLES, indexMigrationProvider } from "./migrations";
import { PGliteDialect } from "./pgliteDialect";
import type { IndexSchema } from "./schema";

/** Where {@link openIndexDatabase} keeps PGlite's files when given neither a URL nor a folder. */
export const DEFAULT_INDEX_DIR = "data/index";

/** Options of {@link openIndexDatabase}. */
export interface OpenIndexDatabaseOptions {
  /** A PostgreSQL connection URL (`postgres://user@host:port/db`). Default: `DATABASE_URL`, unless `dataDir` is given. */
  url?: string;
  /** PGlite's folder, created if missing; `memory://` keeps the database in memory. Default {@link DEFAULT_INDEX_DIR}. */
  dataDir?: string;
}

/** An open index database, migrated to the latest schema. */
export interface IndexDatabase {
  db: Kysely<IndexSchema>;
  /** Which engine it runs on. */
  engine: "pglite" | "postgres";
  /** The server's URL (its password hidden) or PGlite's folder: for messages. */
  location: string;
  /** Migrations this opening ran (none when the schema was current). */
  migrated: string[];
  close(): Promise<void>;
}

/** Postgres type ids whose text the drivers parse: int8 to a number (blocks, timestamps), numeric left a string. */
const INT8 = 20;
const NUMERIC = 1700;

/**
 * Opens the indexer's database and runs the migrations it has not run (recorded in `schema_migrations`), so that
 * every opening leaves the schema current and opening twice changes nothing. PostgreSQL through `pg` when a URL is
 * given (or `DATABASE_URL` is set and no `dataDir` is), else PGlite, embedded Postgres, in a folder.
 *
 * @throws IndexDatabaseError naming the server or the folder when it cannot be opened or migrated.
 */
export async function openIndexDatabase(options: OpenIndexDatabaseOptions = {}): Promise<IndexDatabase> {
  checkOptions(options, "The index database's options");
  for (const key of ["url", "dataDir"] as const) {
    if (options[key] !== undefined && (typeof options[key] !== "string" || options[key] === "")) {
      throw new InvalidInputError(`${key} must be a non-empty string, not ${String(options[key])}.`);
    }
  }
  const url = options.url ?? (options.dataDir === undefined ? process.env.DATABASE_URL : undefined);
  const opened = url ? await openPostgres(url) : await openPGlite(options.dataDir ?? DEFAULT_INDEX_DIR);
  const db = new Kysely<IndexSchema>({ dialect: opened.dialect });
  const migrator = new Migrator({ db, provider: indexMigrationProvider, ...INDEX_MIGRATION_TABLES });
  let results: MigrationResult[] | undefined;
  let error: unknown;
  try {
    ({ results, error } = await migrator.migrateToLatest());
  } catch (thrown) {
    error = thrown;
  }
  if (error !== undefined) {
    await db.destroy().catch(() => undefined);
    throw new IndexDatabaseError(`Could not open the index database at ${opened.location}.`, {
      details: error instanceof Error ? error.message : String(error),
      hint: url ? "Check that the server runs and the URL's user may create tables." : undefined,
      cause: error,
    });
  }
  return {
    db,
    engine: opened.engine,
    location: opened.location,
    migrated: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName),
    close: () => db.destroy(),
  };
}

interface Opened {
  dialect: Dialect;
  engine: IndexDatabase["engine"];
  location: string;
}

/** Imports an optional peer dependency, or says which to install. */
async function load<T>(name: string, location: string, importing: () => Promise<T>): Promise<T> {
  try {
    return await importing();
  } catch (error) {
    throw new IndexDatabaseError(`Could not open the index database at ${location}: ${name} is not installed.`, {
      hint: `npm install ${name}`,
      cause: error,
    });
  }
}

async function openPostgres(url: string): Promise<Opened> {
  const location = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
  const pg = await load("pg", location, () => import("pg"));
  const { Pool, types } = pg.default ?? pg;
  const pool = new Pool({
    connectionString: url,
    max: 4,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8 ? Number : types.getTypeParser(oid, format as "text")) as typeof types.getTypeParser,
    },
  });
  try {
    (await pool.connect()).release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new IndexDatabaseError(`Could not connect to the index database at ${location}.`, {
      details: error instanceof Error ? error.message : String(error),
      hint: "Check DATABASE_URL: the server's host, port, database, user and password.",
      cause: error,
    });
  }
  return { dialect: new PostgresDialect({ pool }), engine: "postgres", location };
}

async function openPGlite(dataDir: string): Promise<Opened> {
  const inMemory = dataDir.startsWith("memory://");
  const location = inMemory ? dataDir : resolve(dataDir);
  const { PGlite } = await load("@electric-sql/pglite", location, () => import("@electric-sql/pglite"));
  try {
    if (!inMemory) mkdirSync(location, { recursive: true });
    const pglite = new PGlite(location, {
      parsers: { [INT8]: (value: string) => Number(value), [NUMERIC]: (value: string) => value },
    });
    await pglite.waitReady;
    return { dialect: new PGliteDialect(pglite), engine: "pglite", location };
  } catch (error) {
    throw new IndexDatabaseError(`Could not open the PGlite index database in ${location}.`, {
      details: error instanceof Error ? error.message : String(error),
      hint: "The folder must be PGlite's own (not a PostgreSQL server's data directory) and writable.",
      cause: error,
    });
  }
}
