import { expect } from "chai";
import { ethers, JsonRpcProvider } from "ethers";
import { SettlementClient, StakingClient } from "../../sdk/src";
import { ProtocolIndexer } from "../../sdk/src/node";
import type { IndexDatabase, IndexedContracts } from "../../sdk/src/node";
import { startHardhatNode } from "../helpers/hardhatNode";
import type { HardhatNode } from "../helpers/hardhatNode";
import { BACKENDS, contentsOf } from "../helpers/indexDatabases";
import type { Backend } from "../helpers/indexDatabases";
import { deployWithModel } from "../helpers/indexerChain";
import { startRpcProxy } from "../helpers/rpcProxy";
import type { RpcProxy } from "../helpers/rpcProxy";

/** Settlements of the traffic, each in its own block. */
const SETTLEMENTS = 30;
/** Blocks per eth_getLogs: small, so that a sync makes many requests for the proxy to disturb. */
const BATCH_SIZE = 4;
/** The indexer's attempts per request; the proxy drops fewer in a row. */
const ATTEMPTS = 5;

describe("RPC faults: a proxy that drops connections and delays answers between the node and its clients", function () {
  this.timeout(300_000);

  let node: HardhatNode;
  let contracts: IndexedContracts;

  before(async function () {
    node = await startHardhatNode();
    const d = await deployWithModel(node.provider, 1_000n);
    contracts = d.contracts;
    const payments = await SettlementClient.connect(await d.settlement.getAddress(), d.payer);
    const staking = await StakingClient.connect(await d.staking.getAddress(), d.payer);
    for (let k = 0; k < SETTLEMENTS; k++) {
      await payments.settle({
        modelId: 1n,
        calls: BigInt(k + 1),
        logRoot: ethers.id(`log ${k}`),
        logURI: `ipfs://${k}`,
      });
      if (k % 10 === 0) await staking.stake(ethers.parseEther("1"));
    }
  });

  after(async function () {
    await node?.stop();
  });

  for (const backend of BACKENDS) {
    describe(`ProtocolIndexer.sync on ${backend.name}`, function () {
      let databases: Awaited<ReturnType<Backend["start"]>>;
      const opened: IndexDatabase[] = [];
      let proxy: RpcProxy | undefined;

      before(async function () {
        databases = await backend.start();
      });

      afterEach(async function () {
        await proxy?.close();
        proxy = undefined;
      });

      after(async function () {
        for (const database of opened) await database.close();
        databases?.stop();
      });

      async function sync(url: string): Promise<IndexDatabase> {
        const database = await databases.open();
        opened.push(database);
        const provider = new JsonRpcProvider(url, 31337, { staticNetwork: true });
        try {
          await new ProtocolIndexer({
            provider,
            db: database,
            contracts,
            confirmations: 0,
            batchSize: BATCH_SIZE,
            attempts: ATTEMPTS,
            retryDelayMs: 5,
          }).sync();
        } finally {
          provider.destroy();
        }
        return database;
      }

      it("ends with the same tables as an undisturbed sync, the dropped log and header requests retried", async function () {
        const undisturbed = await sync(node.url);
        proxy = await startRpcProxy({
          target: node.url,
          seed: 21,
          dropRate: 0.3,
          delayRate: 0.3,
          maxDelayMs: 150,
          maxDropsInARow: ATTEMPTS - 2,
          maxDrops: 60,
        });
        const disturbed = await sync(proxy.url);
        expect(await contentsOf(disturbed.db)).to.deep.equal(await contentsOf(undisturbed.db));
        expect((await contentsOf(undisturbed.db)).counts.settlements).to.equal(SETTLEMENTS);
        expect(proxy.stats.dropped).to.be.greaterThan(5);
        expect(proxy.stats.delayed).to.be.greaterThan(5);
        expect(proxy.stats.droppedMethods).to.include.keys("eth_getLogs", "eth_getBlockByNumber");
      });
    });
  }
});
