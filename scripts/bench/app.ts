/**
 * The web app's API at scale: an index holding 100,000 contributions (10,000 with `quick`) of 2,000 contributors in
 * one Datanet, three validators' votes on each, one indexed block every five contributions (a day of blocks every
 * 7,200), written straight into PGlite and into a PostgreSQL server started for the run; then every endpoint a page
 * reads, timed in process (the median of 7 after a warm-up). Goal: every answer within 100 ms.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { openIndexDatabase } from "../../sdk/src/node";
import type { IndexDatabase, IndexSchema } from "../../sdk/src/node";
import { createApi } from "../../app/server/api";
import { startPostgres } from "../../test/helpers/postgres";
import { printMachine } from "../lib/timing";
import { printTable } from "../lib/ui";

const GOAL_MS = 100;
const RUNS = 7;
const CONTRIBUTORS = 2_000;
const PER_BLOCK = 5;
/** A contributor with contributions, to read its page. */
const SOME_CONTRIBUTOR = `0x${(7).toString(16).padStart(40, "0")}`;

const PATHS = [
  "/api/datanets",
  "/api/datanets/1",
  "/api/datanets/1/quality",
  "/api/datanets/1/leaderboard?limit=50",
  // The first and the second page of the acceptances a browser folds, 5,000 a request.
  "/api/datanets/1/acceptances?limit=5000",
  "/api/datanets/1/acceptances?limit=5000&cursor=5000",
  "/api/datanets/1/limits",
  "/api/datanets/1/harmful?limit=50",
  `/api/contributors/${SOME_CONTRIBUTOR}?limit=50`,
];

/**
 * Writes `contributions` contributions with generate_series: every 20th rejected, every 97th expired, every 50th
 * still pending, the rest accepted; three votes each on the decided ones (the third validator against every 7th).
 */
async function seed(db: Kysely<IndexSchema>, contributions: number): Promise<void> {
  const blocks = Math.ceil(contributions / PER_BLOCK) + 100;
  const hex = (value: string, digits: number) => sql.raw(`'0x' || lpad(to_hex(${value}), ${digits}, '0')`);
  await sql`insert into indexed_blocks (number, hash, parent_hash, timestamp)
    select g, ${hex("g", 64)}, ${hex("g - 1", 64)}, 1700000000 + g * 12 from generate_series(1, ${blocks}) g`.execute(
    db,
  );
  await sql`insert into datanets (block_number, tx_hash, log_index, datanet_id, owner, uri)
    values (1, ${`0x${"a".repeat(64)}`}, 0, 1, ${`0x${"b".repeat(40)}`}, 'ipfs://bench-datanet')`.execute(db);
  await sql`insert into terms (block_number, tx_hash, log_index, datanet_id, terms_version, bond, quorum, review_window,
      access_mode, max_file_bytes, contributor_daily_files, contributor_daily_bytes, datanet_daily_bytes)
    values (1, ${`0x${"a".repeat(64)}`}, 1, 1, 1, 1000000000000000000, 2, 86400, 0, 10000000, 50, 10000000,
      100000000)`.execute(db);
  const status = sql.raw(`case when g % 20 = 0 then 'Rejected' when g % 97 = 0 then 'Expired'
    when g % 50 = 0 then 'Pending' else 'Accepted' end`);
  await sql`insert into contributions (block_number, tx_hash, log_index, contribution_id, datanet_id, contributor,
      content_hash, attempt, size, uri, terms_version, bond, from_credit, status, status_block)
    select 2 + g / ${PER_BLOCK}, ${hex("g", 64)}, g % ${PER_BLOCK}, g, 1, ${hex(`g % ${CONTRIBUTORS}`, 40)},
      ${hex("g", 64)}, 1, 1000 + g % 5000, 'ipfs://c' || g, 1, 1000000000000000000, false, ${status},
      case when ${status} = 'Pending' then null else 2 + g / ${PER_BLOCK} + 50 end
    from generate_series(1, ${contributions}) g`.execute(db);
  // The accepted ones numbered in submission order, each decided by a log of its outcome block.
  await sql`update contributions c set accepted_index = a.n, accepted_digest = ${hex("a.n", 64)},
      status_tx_hash = ${hex("a.n + 1000000000", 64)}, status_log_index = 0
    from (select contribution_id, row_number() over (order by contribution_id) as n from contributions
      where status = 'Accepted') a
    where c.contribution_id = a.contribution_id`.execute(db);
  await sql`insert into votes (block_number, tx_hash, log_index, datanet_id, contribution_id, validator, accept)
    select 2 + g / ${PER_BLOCK} + 10 + v, ${hex(`g * 4 + v`, 64)}, 100 + v, 1, g, ${hex("v", 40)},
      case when g % 20 = 0 then v = 3 and g % 7 = 0 else not (v = 3 and g % 7 = 0) end
    from generate_series(1, ${contributions}) g, generate_series(1, 3) v
    where not (g % 50 = 0 and g % 20 <> 0 and g % 97 <> 0)`.execute(db);
  // An epoch report valuing every contribution for one model, every 40th flagged harmful.
  await sql`insert into epoch_reports (report_hash, epoch, root, report_uri, pool, income_settlements, income_previous,
      income_funding, carry_over, tree_total, top_k, min_tokens, previous_report_hash, records)
    values (${`0x${"c".repeat(64)}`}, 1, ${`0x${"d".repeat(64)}`}, 'ipfs://report', 0, 0, 0, 0, 0, 0, 8, 8, null, 0)`.execute(
    db,
  );
  await sql`insert into report_data_values (report_hash, model_id, contribution_id, value, threshold, harmful, low_value)
    select ${`0x${"c".repeat(64)}`}, 1, g::text, case when g % 40 = 0 then -0.01 else 0.001 end, -0.005, g % 40 = 0,
      false
    from generate_series(1, ${contributions}) g`.execute(db);
  await sql`analyze`.execute(db);
}

/** The median time of each path after one warm-up, in milliseconds. */
async function timePaths(database: IndexDatabase): Promise<Map<string, number>> {
  const api = createApi(database.db);
  const times = new Map<string, number>();
  for (const path of PATHS) {
    const response = await api.request(path);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await (await api.request(path)).json();
      runs.push(performance.now() - started);
    }
    times.set(path, runs.sort((a, b) => a - b)[Math.floor(RUNS / 2)]);
  }
  return times;
}

export async function runAppBench(quick: boolean): Promise<void> {
  printMachine();
  const contributions = quick ? 10_000 : 100_000;
  const columns = new Map<string, Map<string, number> | string>();
  const folder = mkdtempSync(join(tmpdir(), "oa-bench-app-"));
  try {
    const pglite = await openIndexDatabase({ dataDir: folder });
    try {
      process.stdout.write(`  PGlite: seeding ${contributions.toLocaleString("en-US")} contributions…\n`);
      await seed(pglite.db, contributions);
      columns.set("PGlite", await timePaths(pglite));
    } finally {
      await pglite.close();
    }
    let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;
    try {
      postgres = await startPostgres();
    } catch (error) {
      columns.set("PostgreSQL", (error as Error).message);
    }
    if (postgres) {
      try {
        const database = await openIndexDatabase({ url: await postgres.createDatabase("bench") });
        try {
          process.stdout.write("  PostgreSQL 15: seeding…\n");
          await seed(database.db, contributions);
          columns.set("PostgreSQL 15", await timePaths(database));
        } finally {
          await database.close();
        }
      } finally {
        postgres.stop();
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const engines = [...columns.keys()];
  const ms = (engine: string, path: string) => {
    const times = columns.get(engine);
    return typeof times === "string" ? "—" : `${times!.get(path)!.toFixed(1)} ms`;
  };
  const met = (path: string) =>
    engines.every((e) => {
      const times = columns.get(e);
      return typeof times === "string" || times!.get(path)! <= GOAL_MS;
    });
  printTable(
    `The app's API: ${contributions.toLocaleString("en-US")} contributions, ${(contributions * 3).toLocaleString("en-US")} votes, median of ${RUNS}`,
    ["endpoint", ...engines, "goal"],
    PATHS.map((path) => [path, ...engines.map((e) => ms(e, path)), `≤ ${GOAL_MS} ms: ${met(path) ? "met" : "MISSED"}`]),
    engines.map((_, i) => i + 1),
  );
  for (const [engine, note] of columns) if (typeof note === "string") console.log(`  ${engine}: ${note}`);
}
