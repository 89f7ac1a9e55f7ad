import { expect } from "chai";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { ethers, JsonRpcProvider } from "ethers";
import { SettlementClient, StakingClient } from "../../sdk/src";
import { ProtocolIndexer } from "../../sdk/src/node";
import type { IndexDatabase, IndexedContracts } from "../../sdk/src/node";
import { startHardhatNode } from "../helpers/hardhatNode";
import type { HardhatNode } from "../helpers/hardhatNode";
import { BACKENDS, contentsOf } from "../helpers/indexDatabases";
import type { Backend } from "../helpers/indexDatabases";
import { runCommand } from "../helpers/examples";
import type { CommandRun } from "../helpers/examples";
import { deployWithModel } from "../helpers/indexerChain";
import { ROLES, operatorChain } from "../helpers/operatorChain";
import type { OperatorChain } from "../helpers/operatorChain";
import { startRpcProxy } from "../helpers/rpcProxy";
import type { RpcProxy, RpcProxyOptions } from "../helpers/rpcProxy";
import { IRewardDistributor__factory } from "../../typechain-types";

/** Settlements of the traffic, each in its own block. */
const SETTLEMENTS = 30;
/** Blocks per eth_getLogs: small, so that a sync makes many requests for the proxy to disturb. */
const BATCH_SIZE = 4;
/** The indexer's attempts per request; the proxy drops fewer in a row. */
const ATTEMPTS = 5;
/** Seconds after the epoch's end before `epoch run` may run it. */
const GRACE = 60n;
/** Runs of `epoch run` through the proxy at most: a run a fault stops is run again, as an operator would. */
const RUNS = 8;

/** The proxy of every test here: a third of the requests dropped, a third delayed. */
const FAULTS: Omit<RpcProxyOptions, "target"> = {
  seed: 21,
  dropRate: 0.3,
  delayRate: 0.3,
  maxDelayMs: 150,
  maxDropsInARow: ATTEMPTS - 2,
  maxDrops: 60,
};

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
        proxy = await startRpcProxy({ target: node.url, ...FAULTS });
        const disturbed = await sync(proxy.url);
        expect(await contentsOf(disturbed.db)).to.deep.equal(await contentsOf(undisturbed.db));
        expect((await contentsOf(undisturbed.db)).counts.settlements).to.equal(SETTLEMENTS);
        expect(proxy.stats.dropped).to.be.greaterThan(5);
        expect(proxy.stats.delayed).to.be.greaterThan(5);
        expect(proxy.stats.droppedMethods).to.include.keys("eth_getLogs", "eth_getBlockByNumber");
      });
    });
  }

  describe("epoch run", function () {
    let chain: OperatorChain;
    let proxy: RpcProxy | undefined;

    before(async function () {
      chain = await operatorChain(GRACE);
    });

    after(async function () {
      await proxy?.close();
      await chain?.stop();
      if (chain) await rm(chain.dir, { recursive: true, force: true });
    });

    /** `epoch run` as a child process against `url`, with its own index and epochs folder named `name`. */
    function epochRun(url: string, name: string): Promise<CommandRun> {
      const env = { ...process.env };
      for (const variable of ["HARDHAT_NETWORK", "PRIVATE_KEY", "DATABASE_URL", "CONTENT_GATEWAY", "RPC_URL"]) {
        delete env[variable];
      }
      return runCommand(
        "node",
        [
          ...["--import", "tsx", "scripts/epoch.ts", "run", "--network", "localhost"],
          ...["--rpc", url, "--deployment", chain.deploymentPath, "--content", chain.contentDir],
          ...["--data", join(chain.dir, name), "--epochs", join(chain.dir, `${name}-epochs`)],
          ...["--account-index", String(ROLES.attestor), "--grace", String(GRACE)],
        ],
        { env, timeout: 180_000 },
      );
    }

    const reportOf = (name: string) =>
      readFile(join(chain.dir, `${name}-epochs`, chain.epoch.toString(), "report.json"), "utf8");

    async function proposals(): Promise<string[]> {
      const distributor = IRewardDistributor__factory.connect(
        chain.deployment.contracts.rewards.address,
        chain.node.provider,
      );
      const head = Number(await chain.node.provider.send("eth_blockNumber", []));
      const events = await distributor.queryFilter(distributor.filters.RootProposed(chain.epoch), 0, head);
      return events.map((e) => e.args.root);
    }

    it("through the proxy proposes the same root and report as an undisturbed run, once, rerun after a fault stops it", async function () {
      const snapshot = await chain.node.provider.send("evm_snapshot", []);
      const undisturbed = await epochRun(chain.node.url, "undisturbed");
      expect(undisturbed.code, undisturbed.stderr).to.equal(0);
      const [root] = await proposals();
      const report = await reportOf("undisturbed");
      // Back to before the proposal, for the run through the proxy.
      await chain.node.provider.send("evm_revert", [snapshot]);
      expect(await proposals()).to.deep.equal([]);

      proxy = await startRpcProxy({ target: chain.node.url, ...FAULTS });
      const runs: CommandRun[] = [];
      do runs.push(await epochRun(proxy.url, "disturbed"));
      while (runs[runs.length - 1].code !== 0 && runs.length < RUNS);
      const last = runs[runs.length - 1];
      expect(last.code, runs.map((r) => r.stderr || r.stdout.slice(-500)).join("\n---\n")).to.equal(0);
      expect(await reportOf("disturbed")).to.equal(report);
      expect(await proposals()).to.deep.equal([root]);
      expect(proxy.stats.dropped).to.be.greaterThan(0);
      expect(proxy.stats.delayed).to.be.greaterThan(0);
    });
  });
});
