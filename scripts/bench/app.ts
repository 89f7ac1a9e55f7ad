/**
 * The web app's API at scale: an index holding 100,000 contributions (10,000 with `quick`) of 2,000 contributors in
 * one Datanet, three validators' votes on each, one indexed block every five contributions (a day of blocks every
 * 7,200), 1,000 models with as many settlements as contributions (half of them model 1's), and one epoch whose
 * loaded report holds 1,000,000 inference records (100,000 with `quick`) of 300 settlements with 3 credited
 * contributions each, written straight into PGlite and into a PostgreSQL server started for the run; then every
 * endpoint a page reads, timed in process (the median of 7 after a warm-up; the claims' reward tree is built once, in
 * the warm-up, and kept). Goal: every answer within 100 ms. A record's detail reads the content store (its log, the
 * model's texts) and is not timed here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { openIndexDatabase } from "../../sdk/src/node";
import type { IndexDatabase, IndexSchema, ReportTables } from "../../sdk/src/node";
import { createApi } from "../../app/server/api";
import { buildRewardTree } from "../../sdk/src";
import { startPostgres } from "../../test/helpers/postgres";
import { printMachine } from "../lib/timing";
import { printTable } from "../lib/ui";

const GOAL_MS = 100;
const RUNS = 7;
const CONTRIBUTORS = 2_000;
const PER_BLOCK = 5;
const MODELS = 1_000;
/** A contributor with contributions, to read its page. */
const SOME_CONTRIBUTOR = `0x${(7).toString(16).padStart(40, "0")}`;
const SETTLEMENTS = 300;
const CREDITS = 3;
const REPORT_HASH = `0x${"c".repeat(64)}`;

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
  `/api/contributors/${SOME_CONTRIBUTOR}/rewards?limit=50`,
  `/api/claims?account=${SOME_CONTRIBUTOR}`,
  "/api/epochs",
  "/api/epochs/1",
  "/api/epochs/1/records?limit=50",
  "/api/epochs/1/records?limit=50&q=r12345",
  "/api/epochs/1/records?limit=50&q=4242",
  "/api/models",
  "/api/models?search=bench-model-77",
  "/api/models/1",
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
  await seedReport(db, contributions, contributions * 10);
  await seedModels(db, contributions, blocks);
  // The report values every contribution for a second model too, every 40th flagged harmful.
  await sql`insert into report_data_values (report_hash, model_id, contribution_id, value, threshold, harmful, low_value)
    select ${REPORT_HASH}, 2, g::text, case when g % 40 = 0 then -0.01 else 0.001 end, -0.005, g % 40 = 0, false
    from generate_series(1, ${contributions}) g`.execute(db);
  await sql`analyze`.execute(db);
}

/**
 * Epoch 1's settlements, its root's proposal and its loaded report: `records` records spread over the settlements,
 * each crediting 3 of the contributions; an account per contributor, every 100th contribution valued (every 1,000th
 * harmful).
 */
async function seedReport(db: Kysely<IndexSchema>, contributions: number, records: number): Promise<void> {
  // The root of the accounts' cumulative amounts written below, so that the claims' proofs check out against it.
  const root = buildRewardTree(
    Array.from({ length: CONTRIBUTORS }, (_, g) => ({
      account: `0x${g.toString(16).padStart(40, "0")}`,
      amount: 10n ** 18n + BigInt(g) * 1000n,
    })),
  ).root;
  const reports = db.withTables<ReportTables>();
  const hex = (value: string, digits: number) => sql.raw(`'0x' || lpad(to_hex(${value}), ${digits}, '0')`);
  const settlement = (value: string) => sql.raw(`'0x' || lpad(to_hex(${value}), 64, '0') || ':0'`);
  await sql`insert into settlements (block_number, tx_hash, log_index, id, epoch, model_id, payer, calls, fee,
      treasury_share, model_share, stakers_share, contributors_share, log_root, log_uri)
    select 2 + g, ${hex("g", 64)}, 0, ${settlement("g")}, 1, 1, ${hex("g", 40)}, ${Math.ceil(records / SETTLEMENTS)},
      10000000000000000000, 1000000000000000000, 5000000000000000000, 1000000000000000000, 3000000000000000000,
      ${hex("g", 64)}, 'ipfs://log' || g
    from generate_series(1, ${SETTLEMENTS}) g`.execute(db);
  await sql`insert into reward_roots (block_number, tx_hash, log_index, action, epoch, root, total, report_hash,
      report_uri, valid_at) values (400, ${`0x${"d".repeat(64)}`}, 0, 'proposed', 1, ${root},
      ${String(SETTLEMENTS * 3)}, ${REPORT_HASH}, 'ipfs://report', 1800000000),
      (401, ${`0x${"f".repeat(64)}`}, 0, 'accepted', 1, ${root}, null, null, null, null)`.execute(db);
  const pot = 3_000_000_000_000_000_000n;
  await reports
    .insertInto("epoch_reports")
    .values({
      report_hash: REPORT_HASH,
      epoch: 1,
      root: root.toLowerCase(),
      report_uri: "ipfs://report",
      pool: String(pot * BigInt(SETTLEMENTS)),
      income_settlements: String(pot * BigInt(SETTLEMENTS)),
      income_previous: "0",
      income_funding: "0",
      carry_over: "0",
      tree_total: String(pot * BigInt(SETTLEMENTS)),
      top_k: 10,
      min_tokens: 3,
      previous_report_hash: null,
      records,
    })
    .execute();
  await sql`insert into report_settlements (report_hash, settlement_id, model_id, calls, pot, share, paid, carried,
      unmatched_calls, status, exclusion, log_root, log_uri)
    select ${REPORT_HASH}, ${settlement("g")}, 1, ${Math.ceil(records / SETTLEMENTS)}, ${String(pot)}, 0,
      ${String(pot)}, 0, 0, 'attributed', null, ${hex("g", 64)}, 'ipfs://log' || g
    from generate_series(1, ${SETTLEMENTS}) g`.execute(db);
  await sql`insert into report_records (report_hash, settlement_id, record_id, calls, query_hash, output_hash)
    select ${REPORT_HASH}, ${settlement(`1 + g % ${SETTLEMENTS}`)}, 'r' || g, 1, ${hex("g", 64)}, ${hex("g * 7", 64)}
    from generate_series(1, ${records}) g`.execute(db);
  await sql`insert into report_credits (report_hash, settlement_id, record_id, contribution_id, weight)
    select ${REPORT_HASH}, ${settlement(`1 + g % ${SETTLEMENTS}`)}, 'r' || g,
      (1 + (g * 7 + k * 7919) % ${contributions})::text, 1.0 / ${CREDITS}
    from generate_series(1, ${records}) g, generate_series(1, ${CREDITS}) k`.execute(db);
  await sql`insert into report_contributions (report_hash, contribution_id, datanet_id, contributor, amount)
    select ${REPORT_HASH}, g::text, 1, ${hex(`g % ${CONTRIBUTORS}`, 40)}, 1000000000000000 + g
    from generate_series(1, ${contributions}) g`.execute(db);
  await sql`insert into report_datanets (report_hash, datanet_id, amount)
    select ${REPORT_HASH}, 1, sum(amount) from report_contributions where report_hash = ${REPORT_HASH}`.execute(db);
  await sql`insert into report_accounts (report_hash, account, amount, cumulative)
    select ${REPORT_HASH}, ${hex("g", 40)}, 1000000000000000000 + g * 1000, 1000000000000000000 + g * 1000
    from generate_series(0, ${CONTRIBUTORS - 1}) g`.execute(db);
  await sql`insert into report_data_values (report_hash, model_id, contribution_id, value, threshold, harmful,
      low_value)
    select ${REPORT_HASH}, 1, g::text, 0.5 - (g % 1000 = 0)::int, -0.2, g % 1000 = 0, false
    from generate_series(100, ${contributions}, 100) g`.execute(db);
}

/**
 * Writes {@link MODELS} models as the registry's events leave them: each minted (a transfer from zero), registered with
 * version 1 trained on Datanet 1 version 1 and its URI, price and revenue recipient set, every third given a new price
 * and a second version, every tenth a new URI; and `settlements` settlements, half of them model 1's and the rest
 * spread over the others, one every few blocks; and the settlement's fee split set once.
 */
async function seedModels(db: Kysely<IndexSchema>, settlements: number, blocks: number): Promise<void> {
  const hex = (value: string, digits: number) => sql.raw(`'0x' || lpad(to_hex(${value}), ${digits}, '0')`);
  const models = sql.raw(`generate_series(1, ${MODELS}) m`);
  const owner = hex("m + 100000", 40);
  await sql`insert into nft_transfers (block_number, tx_hash, log_index, contract, token_id, from_address, to_address)
    select 1 + m % 50, ${hex("m + 200000", 64)}, 0, 'models', m, ${`0x${"0".repeat(40)}`}, ${owner}
    from ${models}`.execute(db);
  await sql`insert into models (block_number, tx_hash, log_index, model_id, owner, uri)
    select 1 + m % 50, ${hex("m + 200000", 64)}, 1, m, ${owner}, 'ipfs://bench-model-' || m from ${models}`.execute(db);
  await sql`insert into model_updates (block_number, tx_hash, log_index, model_id, field, value)
    select 1 + m % 50, ${hex("m + 200000", 64)}, 2 + f, m,
      (array['price', 'revenue_recipient', 'uri'])[f + 1],
      case f when 0 then (10000000000000000 * (1 + m % 7))::text when 1 then ${owner} else 'ipfs://bench-model-' || m end
    from ${models}, generate_series(0, 2) f
    union all
    select 60 + m % 50, ${hex("m + 300000", 64)}, 0, m, 'price', (20000000000000000 * (1 + m % 5))::text
    from ${models} where m % 3 = 0
    union all
    select 60 + m % 50, ${hex("m + 300000", 64)}, 1, m, 'uri', 'ipfs://bench-model-' || m || '-renamed'
    from ${models} where m % 10 = 0`.execute(db);
  await sql`insert into model_versions (block_number, tx_hash, log_index, model_id, version, base_model, adapter_kind,
      adapter_hash, training_config_hash)
    select 1 + m % 50 + (v - 1) * 60, ${hex("m + 400000 * v", 64)}, 10, m, v, 'meta-llama/Llama-3.1-8B-Instruct', 1,
      ${hex("m * 2 + v", 64)}, ${hex("m * 3 + v", 64)}
    from ${models}, generate_series(1, 2) v where v = 1 or m % 3 = 0`.execute(db);
  await sql`insert into model_training_sets (block_number, tx_hash, log_index, position, model_id, version, datanet_id,
      datanet_version)
    select block_number, tx_hash, log_index, 0, model_id, version, 1, version from model_versions`.execute(db);
  await sql`insert into parameter_changes (block_number, tx_hash, log_index, contract, event, args)
    values (1, ${`0x${"c".repeat(64)}`}, 0, 'settlement', 'FeeSplitSet',
      '{"split":{"treasuryBps":"1000","modelBps":"2000","stakersBps":"2000","contributorsBps":"5000"}}')`.execute(db);
  const block = `2 + (g * 7) % ${blocks - 2}`;
  await sql`insert into settlements (block_number, tx_hash, log_index, id, epoch, model_id, payer, calls, fee,
      treasury_share, model_share, stakers_share, contributors_share, log_root, log_uri)
    select ${sql.raw(block)}, ${hex("g + 1000000", 64)}, 200, ${hex("g + 1000000", 64)} || ':200',
      1 + (${sql.raw(block)}) / 7200, case when g % 2 = 0 then 1 else 1 + g % ${MODELS} end, ${hex("7", 40)},
      100 + g % 900, (100 + g % 900)::numeric * 10000000000000000, (100 + g % 900)::numeric * 1000000000000000,
      (100 + g % 900)::numeric * 2000000000000000, (100 + g % 900)::numeric * 2000000000000000, (100 + g % 900)::numeric * 5000000000000000,
      ${hex("g", 64)}, 'ipfs://logs-' || g
    from generate_series(1, ${settlements}) g`.execute(db);
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
      process.stdout.write(
        `  PGlite: seeding ${contributions.toLocaleString("en-US")} contributions and as many settlements…\n`,
      );
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
    `The app's API: ${contributions.toLocaleString("en-US")} contributions, ${(contributions * 3).toLocaleString("en-US")} votes, ${MODELS.toLocaleString("en-US")} models, ${contributions.toLocaleString("en-US")} settlements, ${(contributions * 10).toLocaleString("en-US")} inference records, median of ${RUNS}`,
    ["endpoint", ...engines, "goal"],
    PATHS.map((path) => [path, ...engines.map((e) => ms(e, path)), `≤ ${GOAL_MS} ms: ${met(path) ? "met" : "MISSED"}`]),
    engines.map((_, i) => i + 1),
  );
  for (const [engine, note] of columns) if (typeof note === "string") console.log(`  ${engine}: ${note}`);
}
