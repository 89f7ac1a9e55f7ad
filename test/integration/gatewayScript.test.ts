import { expect } from "chai";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonRpcSigner } from "ethers";
import { FileContentStore } from "../../sdk/src/node";
import { SettlementClient, readInferenceLog } from "../../sdk/src";
import { mailBody, serializeModelFile, trainNgram, trainTextClassifier } from "../../sdk/src/ml";
import { ODD_PRICE, PRICE, TO_GENESIS, deploySettlementScenario } from "../fixtures/settlement";
import { loadEmails } from "../helpers/corpus";
import { devKey, runCommand } from "../helpers/examples";
import type { CommandRun } from "../helpers/examples";
import { startHardhatNode } from "../helpers/hardhatNode";
import type { HardhatNode } from "../helpers/hardhatNode";
import { seededRandom, shuffled } from "../helpers/random";

/** The scenario's `gateway` role is the node's development account #4. */
const GATEWAY_ACCOUNT = 4;

describe("The gateway script over HTTP against a hardhat node", function () {
  this.timeout(180_000);

  let node: HardhatNode;
  let client: SettlementClient;
  let settlement: string;
  let dir: string;
  const mails = shuffled(loadEmails(), seededRandom(11));

  /** Runs the gateway CLI as an operator would (`npm run gateway -- …`), without a shell. */
  function gatewayCli(args: string[], key: string | null = devKey(GATEWAY_ACCOUNT)): Promise<CommandRun> {
    const env = { ...process.env };
    delete env.HARDHAT_NETWORK;
    delete env.GATEWAY_PRIVATE_KEY;
    if (key !== null) env.GATEWAY_PRIVATE_KEY = key;
    return runCommand("node", ["--import", "tsx", "scripts/gateway.ts", ...args], { env, timeout: 120_000 });
  }

  const serving = (modelId: bigint, model: string, queries: string, store: string, extra: string[] = []) => [
    "--rpc",
    node.url,
    "--settlement",
    settlement,
    "--model-id",
    modelId.toString(),
    "--model",
    model,
    "--queries",
    queries,
    "--store",
    store,
    // The paying key is a raw key, and there is no terminal to confirm on.
    "--yes",
    ...extra,
  ];

  async function writeQueries(name: string, queries: string[]): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, queries.map((query) => JSON.stringify({ query })).join("\n") + "\n");
    return path;
  }

  before(async function () {
    node = await startHardhatNode();
    const signers: JsonRpcSigner[] = await Promise.all(Array.from({ length: 8 }, (_, i) => node.provider.getSigner(i)));
    const scenario = await deploySettlementScenario(signers);
    settlement = await scenario.settlement.getAddress();
    await node.provider.send("evm_increaseTime", [Number(TO_GENESIS)]);
    await node.provider.send("evm_mine", []);
    client = await SettlementClient.connect(settlement, node.provider);
    dir = await mkdtemp(join(tmpdir(), "gateway-"));
  });

  after(async function () {
    await node?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("prints its usage with --help", async function () {
    const run = await gatewayCli(["--help"], null);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain("--settlement").and.contain("GATEWAY_PRIVATE_KEY");
  });

  it("exits with code 2 and one line on bad input", async function () {
    const missing = await gatewayCli(["--settlement", settlement]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr.trim()).to.equal("gateway: missing --model-id (see --help).");
    const queries = await writeQueries("bad-id.jsonl", ["x"]);
    const badId = await gatewayCli(serving(1n, "none.json", queries, dir).map((a) => (a === "1" ? "one" : a)));
    expect(badId.code).to.equal(2);
    expect(badId.stderr.trim().split("\n")).to.have.length(1);
    const noKey = await gatewayCli(serving(1n, "none.json", queries, dir), null);
    expect(noKey.code).to.equal(2);
    expect(noKey.stderr).to.contain("GATEWAY_PRIVATE_KEY");
  });

  it("classifies mails in batches, stores each log under its CID and settles it with its root and URI", async function () {
    const model = trainTextClassifier(
      mails.slice(0, 100).map((m) => ({ text: m.text, label: m.spam ? 1 : 0 })),
      { dimension: 128 },
    );
    const modelPath = join(dir, "classifier.json");
    await writeFile(modelPath, serializeModelFile(model));
    const queries = await writeQueries(
      "mails.jsonl",
      mails.slice(100, 105).map((m) => m.text),
    );
    const storeDir = join(dir, "store");
    const run = await gatewayCli(serving(1n, modelPath, queries, storeDir, ["--batch", "2"]));
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("5 queries settled in 3 batch(es)");

    const settled = (await client.settlements(1n)).filter((s) => s.modelId === 1n);
    expect(settled.map((s) => s.calls)).to.deep.equal([2n, 2n, 1n]);
    expect(settled.map((s) => s.fee)).to.deep.equal([2n * PRICE, 2n * PRICE, PRICE]);
    const store = new FileContentStore(storeDir);
    for (const s of settled) {
      expect(run.stdout).to.contain(s.logRoot).and.contain(s.logURI);
      const bytes = await store.get(s.logURI);
      const log = readInferenceLog(new TextDecoder().decode(bytes!), { logRoot: s.logRoot, calls: s.calls });
      for (const record of log.records) expect(record.output.kind).to.equal("label");
    }
    expect(await readdir(storeDir)).to.have.length(3);
  });

  it("completes prompts with a generator model file", async function () {
    const model = trainNgram(
      mails
        .filter((m) => !m.spam)
        .slice(0, 50)
        .map((m) => mailBody(m.text)),
      { order: 3 },
    );
    const modelPath = join(dir, "generator.json");
    await writeFile(modelPath, serializeModelFile(model));
    const queries = await writeQueries("prompts.jsonl", ["thanks for the", "i think"]);
    const run = await gatewayCli(serving(2n, modelPath, queries, join(dir, "store")));
    expect(run.code, run.stderr).to.equal(0);
    const [s] = (await client.settlements(1n)).filter((x) => x.modelId === 2n);
    expect([s.calls, s.fee]).to.deep.equal([2n, 2n * ODD_PRICE]);
    const bytes = await new FileContentStore(join(dir, "store")).get(s.logURI);
    const log = readInferenceLog(new TextDecoder().decode(bytes!), { logRoot: s.logRoot, calls: 2n });
    expect(log.records.map((r) => r.output.kind)).to.deep.equal(["text", "text"]);
  });
});
