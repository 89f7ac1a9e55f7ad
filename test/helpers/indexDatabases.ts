import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { EVENT_TABLES, openIndexDatabase } from "../../sdk/src/node";
import type { IndexDatabase, IndexSchema } from "../../sdk/src/node";
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

/** Where the suite's databases come from: a PGlite folder each, or a database each on one PostgreSQL server. */
export interface Backend {
  name: string;
  /** `open` gives a migrated database, `openEmpty` one that was never opened. */
  start(): Promise<{ open(): Promise<IndexDatabase>; openEmpty(): Promise<IndexDatabase>; stop(): void }>;
}

export const BACKENDS: Backend[] = [
  {
    name: "PGlite",
    async start() {
      // A new PGlite folder costs an initdb (seconds); a copy of a migrated one opens in about one.
      const folders = [mkdtempSync(join(tmpdir(), "oa-pglite-"))];
      await (await openIndexDatabase({ dataDir: folders[0] })).close();
      return {
        open() {
          folders.push(mkdtempSync(join(tmpdir(), "oa-pglite-")));
          cpSync(folders[0], folders[folders.length - 1], { recursive: true });
          return openIndexDatabase({ dataDir: folders[folders.length - 1] });
        },
        openEmpty() {
          folders.push(mkdtempSync(join(tmpdir(), "oa-pglite-")));
          return openIndexDatabase({ dataDir: folders[folders.length - 1] });
        },
        stop: () => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })),
      };
    },
  },
  {
    name: "PostgreSQL",
    async start() {
      const server = await startPostgres();
      let databases = 0;
      const open = async () => openIndexDatabase({ url: await server.createDatabase(`index_${++databases}`) });
      return { open, openEmpty: open, stop: () => server.stop() };
    },
  },
];
