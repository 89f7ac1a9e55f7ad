/**
 * The protocol indexer's speed: 100,000 events (10,000 with `quick`) made on a local `hardhat node` (a helper
 * contract settles 100 inferences a transaction, two events of the indexed contracts each, plus the deployment's own
 * events), then synced from block 0 into PGlite and into a PostgreSQL server started for the run, side by side.
 * Goal: PGlite within a minute for 100,000 events. Without PostgreSQL's server binaries its row says so and the rest
 * runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, ethers } from "ethers";
import { ProtocolIndexer, openIndexDatabase } from "../../sdk/src/node";
import type { IndexDatabase, IndexedContracts } from "../../sdk/src/node";
import { startHardhatNode } from "../../test/helpers/hardhatNode";
import { deployWithModel } from "../../test/helpers/indexerChain";
import { startPostgres } from "../../test/helpers/postgres";
import { MockBatchSettler__factory } from "../../typechain-types";
import { duration, printMachine } from "../lib/timing";
import { printTable } from "../lib/ui";

const SETTLEMENTS_PER_TX = 100;
const GOAL_SECONDS = 60;
/** Blocks per `eth_getLogs`: about 3,000 events a response here. */
const BATCH_BLOCKS = 10;

interface Row {
  engine: string;
  events: number;
  ms?: number;
  note?: string;
}

/** Makes at least `target` indexed events on the node; returns the contracts to index. */
async function makeEvents(provider: JsonRpcProvider, target: number): Promise<IndexedContracts> {
  const d = await deployWithModel(provider, 1n);
  const settler = await new MockBatchSettler__factory(d.deployer).deploy(
    await d.settlement.getAddress(),
    await d.open.getAddress(),
  );
  await settler.waitForDeployment();
  await (await d.open.transfer(await settler.getAddress(), ethers.parseEther("1000000"))).wait();
  const { contracts } = d;
  const indexed = new Set(Object.values(contracts).map((c) => c.address.toLowerCase()));
  let events = 0;
  const started = Date.now();
  while (events < target) {
    const receipt = await (await settler.settleMany(1n, SETTLEMENTS_PER_TX, 1n, { gasLimit: 16_000_000 })).wait();
    events += receipt!.logs.filter((log) => indexed.has(log.address.toLowerCase())).length;
    process.stdout.write(`\r  making events: ${events.toLocaleString("en-US")} / ${target.toLocaleString("en-US")}`);
  }
  process.stdout.write(` in ${duration(Date.now() - started)}\n`);
  return contracts;
}

async function timeSync(
  engine: string,
  database: IndexDatabase,
  provider: JsonRpcProvider,
  contracts: IndexedContracts,
): Promise<Row> {
  try {
    const indexer = new ProtocolIndexer({
      provider,
      db: database,
      contracts,
      confirmations: 0,
      batchSize: BATCH_BLOCKS,
    });
    const started = performance.now();
    const result = await indexer.sync({
      onProgress: (p) => process.stdout.write(`\r  ${engine}: block ${p.toBlock} / ${p.targetBlock}`),
    });
    const ms = performance.now() - started;
    process.stdout.write("\n");
    return { engine, events: result.events, ms };
  } finally {
    await database.close();
  }
}

export async function runIndexerBench(quick: boolean): Promise<void> {
  printMachine();
  const target = quick ? 10_000 : 100_000;
  const node = await startHardhatNode();
  const folder = mkdtempSync(join(tmpdir(), "oa-bench-index-"));
  const rows: Row[] = [];
  try {
    const provider = new JsonRpcProvider(node.url, 31337, { staticNetwork: true });
    const contracts = await makeEvents(provider, target);
    rows.push(await timeSync("PGlite", await openIndexDatabase({ dataDir: folder }), provider, contracts));
    let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;
    try {
      postgres = await startPostgres();
    } catch (error) {
      rows.push({ engine: "PostgreSQL", events: 0, note: (error as Error).message });
    }
    if (postgres) {
      try {
        const url = await postgres.createDatabase("bench");
        rows.push(await timeSync("PostgreSQL 15", await openIndexDatabase({ url }), provider, contracts));
      } finally {
        postgres.stop();
      }
    }
    provider.destroy();
  } finally {
    await node.stop();
    rmSync(folder, { recursive: true, force: true });
  }
  printTable(
    `Protocol indexer: ${target.toLocaleString("en-US")} events from a local hardhat node, ${BATCH_BLOCKS} blocks a request`,
    ["engine", "events", "time", "events/s", "goal"],
    rows.map((r) =>
      r.ms === undefined
        ? [r.engine, "—", "—", "—", r.note ?? ""]
        : [
            r.engine,
            r.events.toLocaleString("en-US"),
            duration(r.ms),
            Math.round((r.events / r.ms) * 1000).toLocaleString("en-US"),
            r.engine === "PGlite" && !quick
              ? `≤ ${GOAL_SECONDS} s: ${r.ms <= GOAL_SECONDS * 1000 ? "met" : "MISSED"}`
              : "",
          ],
    ),
    [1, 2, 3],
  );
}
