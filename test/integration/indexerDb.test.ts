import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { JsonRpcProvider, toQuantity } from "ethers";
import { sql } from "kysely";
import type { Provider } from "ethers";
import { DatanetIndexer, IndexerRpcError, InvalidInputError, SettlementClient, StakingClient } from "../../sdk/src";
import {
  EVENT_TABLES,
  ProtocolIndexer,
  datanetStateFromIndex,
  ledgerFromIndex,
  openIndexDatabase,
  settlementsFromIndex,
  stakingStateFromIndex,
} from "../../sdk/src/node";
import type { IndexDatabase, IndexedContracts, ProtocolIndexerOptions } from "../../sdk/src/node";
import { indexerFixture } from "../fixtures/indexer";
import { startHardhatNode } from "../helpers/hardhatNode";
import { BACKENDS, contentsOf, migrateIndexTo, schemaOf } from "../helpers/indexDatabases";
import type { Backend } from "../helpers/indexDatabases";
import { deployWithModel } from "../helpers/indexerChain";
import { rejection } from "../helpers/rejection";

/** The migrations after the first, in order: what an upgrade from the first schema runs. */
const LATER_MIGRATIONS = [
  "0002_block_times",
  "0003_quality_views",
  "0004_epoch_reports",
  "0005_model_rollups",
  "0006_acceptance_positions",
  "0007_daily_usage",
];

/** `provider` whose first `failures` requests fail as a dropped connection would. */
function flaky(provider: Provider, failures: number): Provider & { failed: () => number } {
  let failed = 0;
  return new Proxy(provider, {
    get(target, property) {
      if (property === "failed") return () => failed;
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (!["send", "getLogs", "getBlock", "getBlockNumber"].includes(property as string)) return value.bind(target);
      return (...args: unknown[]) => {
        if (failed < failures) {
          failed += 1;
          return Promise.reject(new Error("socket hang up"));
        }
        return value.apply(target, args);
      };
    },
  }) as Provider & { failed: () => number };
}

/** `provider` whose `eth_getLogs` requests go through `answer` (the indexer sends them as JSON-RPC). */
function onGetLogs(
  provider: Provider,
  answer: (filter: { fromBlock: string; toBlock: string }, send: () => Promise<unknown>) => Promise<unknown>,
): Provider {
  return new Proxy(provider, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property !== "send") return value.bind(target);
      return (method: string, params: [{ fromBlock: string; toBlock: string }]) =>
        method === "eth_getLogs"
          ? answer(params[0], () => value.call(target, method, params))
          : value.call(target, method, params);
    },
  });
}

/** `provider` without `send`, so that the indexer asks through ethers' `getLogs` and `getBlock`. */
function withoutJsonRpc(provider: Provider): Provider {
  return new Proxy(provider, {
    get(target, property) {
      if (property === "send") return undefined;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Block `number`'s time as the chain's header gives it over JSON-RPC. */
async function chainTime(provider: { send(method: string, params: unknown[]): Promise<unknown> }, number: number) {
  const header = (await provider.send("eth_getBlockByNumber", [toQuantity(number), false])) as { timestamp: string };
  return Number(header.timestamp);
}

for (const backend of BACKENDS) {
  describe(`The protocol indexer on ${backend.name}`, function () {
    let databases: Awaited<ReturnType<Backend["start"]>>;
    const opened: IndexDatabase[] = [];

    before(async function () {
      databases = await backend.start();
    });

    after(async function () {
      for (const database of opened) await database.close();
      databases?.stop();
    });

    async function open(): Promise<IndexDatabase> {
      const database = await databases.open();
      opened.push(database);
      return database;
    }

    async function indexed(
      contracts: IndexedContracts,
      options: Partial<ProtocolIndexerOptions> = {},
    ): Promise<{ database: IndexDatabase; indexer: ProtocolIndexer }> {
      const database = await open();
      const indexer = new ProtocolIndexer({
        provider: ethers.provider,
        db: database,
        contracts,
        confirmations: 0,
        ...options,
      });
      return { database, indexer };
    }

    it("migrates a new database once and leaves a current one as it is", async function () {
      const created = await databases.openEmpty();
      expect(created.migrated).to.deep.equal(["0001_init", ...LATER_MIGRATIONS]);
      await created.close();
      const { engine, location } = created;
      const reopened = await openIndexDatabase(engine === "pglite" ? { dataDir: location } : { url: location });
      opened.push(reopened);
      expect(reopened.migrated).to.deep.equal([]);
      const { rows } = await sql<{ name: string }>`select name from schema_migrations`.execute(reopened.db);
      expect(rows.map((r) => r.name)).to.deep.equal(["0001_init", ...LATER_MIGRATIONS]);
    });

    it("upgrades a database of the first schema in place: blocks indexed before keep no time, blocks after get the chain's", async function () {
      const { contracts, midBlock } = await loadFixture(indexerFixture);
      // A database an SDK with only the first migration made.
      const made = await databases.create();
      const first = await migrateIndexTo(made, "0001_init");
      expect(first.ran).to.deep.equal(["Up 0001_init"]);
      const upgraded = await openIndexDatabase(made);
      opened.push(upgraded);
      expect(upgraded.migrated).to.deep.equal(LATER_MIGRATIONS);

      // The later migrations' downs leave the rows as an indexer of the first schema wrote them: without times.
      const before = await databases.open();
      const location = before.engine === "pglite" ? { dataDir: before.location } : { url: before.location };
      await new ProtocolIndexer({ provider: ethers.provider, db: before, contracts, confirmations: 0 }).sync({
        toBlock: midBlock,
      });
      await before.close();
      const down = await migrateIndexTo(location, "0001_init");
      expect(down.ran).to.deep.equal([...LATER_MIGRATIONS].reverse().map((name) => `Down ${name}`));
      expect(down.schema).to.deep.equal(first.schema);
      const database = await openIndexDatabase(location);
      opened.push(database);
      expect(database.migrated).to.deep.equal(LATER_MIGRATIONS);

      const old = await database.db.selectFrom("indexed_blocks").select("timestamp").execute();
      expect(old).to.have.length.greaterThan(1);
      expect(old.every((block) => block.timestamp === null)).to.equal(true);
      const indexer = new ProtocolIndexer({ provider: ethers.provider, db: database, contracts, confirmations: 0 });
      await indexer.sync();
      const blocks = await database.db.selectFrom("indexed_blocks").selectAll().orderBy("number").execute();
      expect(blocks.filter((block) => block.number > midBlock)).to.have.length.greaterThan(1);
      for (const block of blocks) {
        const time = block.number <= midBlock ? null : await chainTime(ethers.provider, block.number);
        expect(block.timestamp, `block ${block.number}`).to.equal(time);
      }
      // Indexing the old blocks again (the cursor forgotten) gives them their times.
      await database.db.deleteFrom("indexer_cursor").execute();
      await indexer.sync();
      for (const block of await database.db.selectFrom("indexed_blocks").selectAll().execute()) {
        expect(block.timestamp, `block ${block.number}`).to.equal(await chainTime(ethers.provider, block.number));
      }
      const fresh = await open();
      await new ProtocolIndexer({ provider: ethers.provider, db: fresh, contracts, confirmations: 0 }).sync();
      expect(await contentsOf(database.db)).to.deep.equal(await contentsOf(fresh.db));
      const latest = await schemaOf(fresh.db);
      const added = latest.indexes.filter((index) => index.indexname.startsWith("idx_"));
      expect(
        added.map((index) => `${index.indexname} ${index.indexdef.slice(index.indexdef.indexOf("("))}`),
      ).to.deep.equal([
        "idx_claims_account (account)",
        "idx_contributions_contributor (contributor)",
        "idx_contributions_datanet_status (datanet_id, status)",
        "idx_contributions_status_block (status_block)",
        "idx_settlements_model (model_id)",
        "idx_votes_contribution (contribution_id)",
        "idx_votes_datanet_validator (datanet_id, validator)",
      ]);
      expect(latest.columns).to.deep.include({
        table_name: "indexed_blocks",
        column_name: "timestamp",
        data_type: "bigint",
        is_nullable: "YES",
      });
      expect(await schemaOf(upgraded.db)).to.deep.equal(latest);
      expect(await schemaOf(database.db)).to.deep.equal(latest);
    });

    it("indexes activity on every contract and rebuilds the state the SDK's in-memory readers compute", async function () {
      const { contracts, fromBlock, datanets, settlement, staking, rewards, sam, tia, payer } =
        await loadFixture(indexerFixture);
      const { database, indexer } = await indexed(contracts);
      const result = await indexer.sync();
      expect(result.lastBlock).to.equal(await ethers.provider.getBlockNumber());
      const { counts } = await contentsOf(database.db);
      for (const [table, count] of Object.entries(counts)) expect(count, table).to.be.greaterThan(0);
      expect(result.events).to.be.greaterThan(50);

      const memory = new DatanetIndexer(ethers.provider, await datanets.getAddress(), { fromBlock });
      await memory.sync();
      const state = await datanetStateFromIndex(database.db);
      expect(state.datanets).to.deep.equal(memory.datanets);
      expect(state.contributions).to.deep.equal(memory.contributions);
      expect(state.bondCredits).to.deep.equal(memory.bondCredits);
      expect([...state.contributions.values()].map((c) => c.status)).to.include.members([
        "Accepted",
        "Rejected",
        "Expired",
      ]);
      for (const id of memory.datanets.keys()) expect(state.reputation.get(id)).to.deep.equal(memory.reputation(id));

      const ledgers = await SettlementClient.connect(await settlement.getAddress(), payer);
      const check = await ledgers.verifyLedger(1n, fromBlock);
      expect(check.valid).to.equal(true);
      expect(await ledgerFromIndex(database.db, 1n)).to.deep.equal(check.onchain);
      expect(await settlementsFromIndex(database.db, 1n)).to.deep.equal(await ledgers.settlements(1n, fromBlock));

      const pool = await StakingClient.connect(await staking.getAddress(), sam);
      const staked = await stakingStateFromIndex(database.db);
      expect(staked.totalStaked).to.equal(await pool.totalStaked());
      expect(staked.principal).to.equal(await pool.principal());
      for (const staker of [sam, tia]) {
        expect(staked.positions.get(staker.address.toLowerCase())).to.deep.equal(await pool.position(staker.address));
      }

      const roots = await database.db.selectFrom("reward_roots").select("action").orderBy("block_number").execute();
      expect(roots.map((r) => r.action)).to.deep.equal(["proposed", "revoked", "proposed", "accepted"]);
      const claimed = await database.db
        .selectFrom("claims")
        .select((eb) => eb.fn.sum<string>("amount").as("total"))
        .executeTakeFirstOrThrow();
      expect(BigInt(claimed.total)).to.equal(await rewards.totalClaimed());
    });

    it("keeps each indexed block's time as the chain's header has it, and a block row for every event and status", async function () {
      const { contracts } = await loadFixture(indexerFixture);
      const { database, indexer } = await indexed(contracts);
      await indexer.sync();
      const blocks = await database.db.selectFrom("indexed_blocks").selectAll().orderBy("number").execute();
      for (const block of blocks) {
        expect(block.timestamp, `block ${block.number}`).to.equal(await chainTime(ethers.provider, block.number));
      }
      const numbers = new Set(blocks.map((block) => block.number));
      for (const table of Object.keys(EVENT_TABLES)) {
        const { rows } = await sql<{ block_number: number }>`
          select distinct block_number from ${sql.table(table)}`.execute(database.db);
        for (const row of rows) expect(numbers.has(row.block_number), `${table}: ${row.block_number}`).to.equal(true);
      }
      // Review latency as a web app would query it: every decided contribution has both blocks' times.
      const decided = await database.db
        .selectFrom("contributions")
        .select("contribution_id")
        .where("status_block", "is not", null)
        .execute();
      const latencies = await database.db
        .selectFrom("contributions as c")
        .innerJoin("indexed_blocks as submitted", "submitted.number", "c.block_number")
        .innerJoin("indexed_blocks as decided", "decided.number", "c.status_block")
        .select((eb) => eb("decided.timestamp", "-", eb.ref("submitted.timestamp")).as("latency"))
        .execute();
      expect(latencies).to.have.length(decided.length);
      expect(latencies.filter((row) => Number(row.latency) > 0)).to.have.length.greaterThan(1);

      // A provider that sends no JSON-RPC: the times come from ethers' blocks.
      const plain = await indexed(contracts, { provider: withoutJsonRpc(ethers.provider) });
      await plain.indexer.sync();
      expect(
        await plain.database.db.selectFrom("indexed_blocks").selectAll().orderBy("number").execute(),
      ).to.deep.equal(blocks);
    });

    it("changes nothing when it syncs again or writes the same blocks again", async function () {
      const { contracts } = await loadFixture(indexerFixture);
      const { database, indexer } = await indexed(contracts);
      await indexer.sync();
      const first = await contentsOf(database.db);
      expect((await indexer.sync()).events).to.equal(0);
      expect(await contentsOf(database.db)).to.deep.equal(first);
      // Forget the cursor: every range is read and written again over the rows already there.
      await database.db.deleteFrom("indexer_cursor").execute();
      expect((await indexer.sync()).events).to.be.greaterThan(0);
      expect(await contentsOf(database.db)).to.deep.equal(first);
    });

    it("resumes from its cursor as blocks are added and ends where a fresh sync does", async function () {
      const { contracts, midBlock, payments } = await loadFixture(indexerFixture);
      const { database, indexer } = await indexed(contracts, { batchSize: 7 });
      expect((await indexer.sync({ toBlock: midBlock })).lastBlock).to.equal(midBlock);
      expect(await database.db.selectFrom("settlements").selectAll().execute()).to.deep.equal([]);
      await indexer.sync();
      await payments.settle({ modelId: 1n, calls: 5n, logRoot: ethers.id("later"), logURI: "ipfs://later" });
      const progress: number[] = [];
      const resumed = await indexer.sync({ onProgress: (p) => progress.push(p.toBlock) });
      expect(resumed.events).to.be.within(3, 4);
      expect(progress).to.deep.equal([await ethers.provider.getBlockNumber()]);

      const fresh = await indexed(contracts);
      await fresh.indexer.sync();
      expect(await contentsOf(database.db)).to.deep.equal(await contentsOf(fresh.database.db));
    });

    it("leaves the last `confirmations` blocks for a later sync", async function () {
      const { contracts } = await loadFixture(indexerFixture);
      const { database, indexer } = await indexed(contracts, { confirmations: 3 });
      const head = await ethers.provider.getBlockNumber();
      expect((await indexer.sync()).lastBlock).to.equal(head - 3);
      // The timelock's deployment and its scheduled call are the fixture's last blocks.
      const scheduled = database.db.selectFrom("governance_events").selectAll().where("event", "=", "CallScheduled");
      expect(await scheduled.execute()).to.deep.equal([]);
      await mine(3);
      expect((await indexer.sync()).lastBlock).to.equal(head);
      expect(await scheduled.execute()).to.have.length(1);
    });

    it("retries failed requests with back-off and ends with the same tables", async function () {
      const { contracts } = await loadFixture(indexerFixture);
      const clean = await indexed(contracts);
      await clean.indexer.sync();
      const provider = flaky(ethers.provider, 4);
      const retried = await indexed(contracts, { provider, retryDelayMs: 1, batchSize: 50 });
      await retried.indexer.sync();
      expect(provider.failed()).to.equal(4);
      expect(await contentsOf(retried.database.db)).to.deep.equal(await contentsOf(clean.database.db));
    });

    it("gives up after its attempts with an error naming the endpoint and the blocks", async function () {
      const { contracts, fromBlock } = await loadFixture(indexerFixture);
      const provider = flaky(ethers.provider, 1_000);
      const { indexer } = await indexed(contracts, { provider, attempts: 3, retryDelayMs: 1, url: "http://node.test" });
      const down = await rejection(indexer.sync(), IndexerRpcError);
      expect(down.shortMessage).to.equal("eth_blockNumber at http://node.test failed 3 times.");
      expect(provider.failed()).to.equal(3);

      const failing = onGetLogs(ethers.provider, () => Promise.reject(new Error("ECONNRESET")));
      const second = await indexed(contracts, { provider: failing, attempts: 2, retryDelayMs: 1, url: "http://n" });
      const error = await rejection(second.indexer.sync(), IndexerRpcError);
      expect(error.fromBlock).to.equal(fromBlock);
      expect(error.shortMessage).to.match(
        new RegExp(`^eth_getLogs \\(blocks ${fromBlock}–\\d+\\) at http://n failed 2 times\\.$`),
      );
    });

    it("halves the block range while the node refuses it and indexes the same rows", async function () {
      const { contracts } = await loadFixture(indexerFixture);
      const clean = await indexed(contracts);
      await clean.indexer.sync();
      let refused = 0;
      const provider = onGetLogs(ethers.provider, (filter, send) => {
        if (Number(filter.toBlock) - Number(filter.fromBlock) + 1 <= 5) return send();
        refused += 1;
        return Promise.reject(new Error("query returned more than 10000 results; limit the range to 5 blocks"));
      });
      const narrowed = await indexed(contracts, { provider, batchSize: 64 });
      await narrowed.indexer.sync();
      expect(refused).to.be.greaterThan(0);
      expect(await contentsOf(narrowed.database.db)).to.deep.equal(await contentsOf(clean.database.db));
    });

    it("refuses a database that holds another deployment's events", async function () {
      const { contracts } = await loadFixture(indexerFixture);
      const { database, indexer } = await indexed({ datanets: contracts.datanets });
      await indexer.sync();
      const other = new ProtocolIndexer({
        provider: ethers.provider,
        db: database,
        contracts: { datanets: { address: contracts.models!.address } },
      });
      const error = await rejection(other.sync(), InvalidInputError);
      expect(error.message).to.contain("another deployment's events");
    });

    it("rewinds a reorganised chain to the fork point and ends with the tables of a fresh sync", async function () {
      const node = await startHardhatNode();
      try {
        // No response cache: the chain changes under the same block numbers.
        const provider = new JsonRpcProvider(node.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
        const d = await deployWithModel(node.provider, 1_000n);
        const { contracts, owner } = d;
        const payments = await SettlementClient.connect(await d.settlement.getAddress(), d.payer);
        const settle = (tag: string) =>
          payments.settle({ modelId: 1n, calls: 1n, logRoot: ethers.id(tag), logURI: `ipfs://${tag}` });
        await settle("before the fork");

        const snapshot = await provider.send("evm_snapshot", []);
        for (const tag of ["branch A 1", "branch A 2", "branch A 3"]) await settle(tag);
        await (await d.datanets.connect(owner).setDatanetURI(1n, "ipfs://branch-A")).wait();
        const database = await open();
        const indexer = new ProtocolIndexer({ provider, db: database, contracts, confirmations: 0 });
        await indexer.sync();
        expect((await settlementsFromIndex(database.db)).map((s) => s.logURI)).to.have.length(4);

        await provider.send("evm_revert", [snapshot]);
        for (const tag of ["branch B 1", "branch B 2"]) await settle(tag);
        await provider.send("hardhat_mine", ["0x5"]);
        const result = await indexer.sync();
        expect(result.rewinds).to.have.length(1);
        expect(result.lastBlock).to.equal(await provider.getBlockNumber());
        expect((await settlementsFromIndex(database.db)).map((s) => s.logURI)).to.deep.equal([
          "ipfs://before the fork",
          "ipfs://branch B 1",
          "ipfs://branch B 2",
        ]);
        expect(await database.db.selectFrom("datanet_uri_updates").selectAll().execute()).to.deep.equal([]);

        const fresh = await open();
        await new ProtocolIndexer({ provider, db: fresh, contracts, confirmations: 0 }).sync();
        expect(await contentsOf(database.db)).to.deep.equal(await contentsOf(fresh.db));
        for (const block of await database.db.selectFrom("indexed_blocks").selectAll().execute()) {
          const chain = await provider.getBlock(block.number);
          expect(chain?.hash?.toLowerCase()).to.equal(block.hash);
          expect(chain?.timestamp).to.equal(block.timestamp);
        }
        provider.destroy();
      } finally {
        await node.stop();
      }
    });
  });
}
