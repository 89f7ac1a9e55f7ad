import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "ethers";
import { DatanetClient, ModelClient, SettlementClient, buildInferenceLog } from "../../sdk/src";
import type { InferenceRecord } from "../../sdk/src";
import { FileContentStore, readDeployment } from "../../sdk/src/node";
import type { ProtocolDeploymentFile } from "../../sdk/src/node";
import { deployCommand } from "../../scripts/deploy";
import { runCli } from "../../scripts/lib/cli";
import { IEpochClock__factory } from "../../typechain-types";
import { loadEmails } from "./corpus";
import { startHardhatNode } from "./hardhatNode";
import type { HardhatNode } from "./hardhatNode";

/** Development accounts' roles on the operator's chain. */
export const ROLES = { attestor: 0, guardian: 1, owner: 2, validator: 3, developer: 6, payer: 7, careless: 8 } as const;
/** Accounts 4 and 5 contribute. */
const CONTRIBUTORS = [4, 5];
/**
 * The model's price: one wei a call, so that a one-call settlement's contributors' share is one wei (the other
 * shares round down to nothing, and the contributors get the rest).
 */
const PRICE_PER_CALL = 1n;
/** The challenge window the chain is deployed with, in seconds. */
export const CHALLENGE_WINDOW = 3600n;

/** A `hardhat node` with the protocol deployed by the deploy command and one epoch of traffic, ended. */
export interface OperatorChain {
  node: HardhatNode;
  dir: string;
  deploymentPath: string;
  deployment: ProtocolDeploymentFile;
  /** The content folder: contributions, logs and the model card (the 1-wei settlement's log is not in it). */
  contentDir: string;
  /** The epoch the traffic settled in. */
  epoch: bigint;
  /** Contributions' ids and their content's CIDs. */
  contributions: { id: string; cid: string }[];
  /** Settlement ids (`<tx>:<log index>`) and their logs' CIDs; `unpublished` is the 1-wei one. */
  settlements: { id: string; cid: string }[];
  unpublished: string;
  /** Moves the chain's clock `seconds` on and mines a few blocks after it (the index leaves 2 to confirmations). */
  advance(seconds: bigint): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a node, deploys the protocol to it with the deploy command (attestor account 0, guardian 1, a 1-hour
 * challenge window), then: a Datanet of four accepted mails whose bytes are in the content folder, its version 1, a
 * spans model trained on it whose card is published, three settlements quoting the mails with their logs published,
 * and a one-call settlement (a 1-wei pot) whose log never is; then moves time past the epoch's end plus `grace`.
 */
export async function operatorChain(grace: bigint): Promise<OperatorChain> {
  const node = await startHardhatNode();
  const dir = await mkdtemp(join(tmpdir(), "operator-"));
  const contentDir = join(dir, "content");
  await mkdir(contentDir);
  const store = new FileContentStore(contentDir);
  const signer = (i: number) => node.provider.getSigner(i);
  const accounts = await Promise.all(Array.from({ length: 10 }, async (_, i) => (await signer(i)).getAddress()));
  const deploymentPath = join(dir, "localhost.json");
  const [log, error] = [console.log, console.error];
  let printed = "";
  console.log = console.error = (...parts: unknown[]) => (printed += parts.join(" ") + "\n");
  let code: number;
  try {
    code = await runCli(deployCommand, [
      ...["--network", "localhost", "--rpc", node.url, "--account-index", String(ROLES.attestor)],
      ...["--guardian", accounts[ROLES.guardian], "--challenge-window", CHALLENGE_WINDOW.toString()],
      ...["--deployment", deploymentPath],
    ]);
  } finally {
    [console.log, console.error] = [log, error];
  }
  if (code !== 0) throw new Error(`deploy failed:\n${printed}`);
  const deployment = await readDeployment(deploymentPath);
  const address = (name: string) => deployment.contracts[name].address;

  const owner = await DatanetClient.connect(address("datanets"), await signer(ROLES.owner));
  const { datanetId } = await owner.createDatanet({
    uri: "ipfs://mail",
    policy: {
      bond: 0n,
      quorum: 1,
      reviewWindow: 86_400,
      accessMode: "Open",
      maxFileBytes: 100_000n,
      contributorDailyFiles: 50,
      contributorDailyBytes: 10_000_000n,
      datanetDailyBytes: 100_000_000n,
    },
    validators: [accounts[ROLES.validator]],
  });
  const mails = loadEmails()
    .filter((m) => !m.spam && m.text.length > 800 && m.text.length < 3000)
    .slice(0, 4)
    .map((m) => m.text);
  const contributions: OperatorChain["contributions"] = [];
  for (const [i, text] of mails.entries()) {
    const stored = await store.put(text);
    const submitted = await owner.connect(await signer(CONTRIBUTORS[i % 2])).submit({ datanetId, content: text });
    await owner.connect(await signer(ROLES.validator)).vote(datanetId, submitted.contentHash, true);
    contributions.push({ id: submitted.contributionId.toString(), cid: stored.cid });
  }
  const version = await owner.publishVersion(datanetId);

  const card = await store.put(
    JSON.stringify({ format: "model-card-v1", name: "mail quoter", attribution: { kind: "spans" } }),
  );
  const models = await ModelClient.connect(address("models"), await signer(ROLES.developer));
  const { modelId } = await models.registerModel({
    uri: `ipfs://${card.cid}`,
    spec: {
      baseModel: "quoter",
      adapterKind: "Full",
      adapterHash: ethers.id("quoter weights"),
      trainingConfigHash: ethers.id("quoter config"),
      trainedOn: [{ datanetId, version: version.version }],
    },
    pricePerCall: PRICE_PER_CALL,
  });

  const open = await import("../../typechain-types").then((t) =>
    t.OpenToken__factory.connect(address("open"), node.provider),
  );
  const deployer = await signer(ROLES.attestor);
  for (const payer of [ROLES.payer, ROLES.careless]) {
    await (await open.connect(deployer).transfer(accounts[payer], ethers.parseEther("1000"))).wait();
  }
  const record = (id: string, text: string, calls: bigint): InferenceRecord => ({
    id,
    modelId,
    modelVersion: 1,
    calls,
    queryHash: ethers.id(id),
    output: { kind: "text", text },
  });
  const quote = (text: string, from: number) =>
    text
      .split(/\s+/)
      .slice(from, from + 30)
      .join(" ");
  const settlement = await SettlementClient.connect(address("settlement"), await signer(ROLES.payer));
  const settlements: OperatorChain["settlements"] = [];
  const idOf = (receipt: { hash: string; logs: readonly { index: number; topics: readonly string[] }[] }) => {
    const event = receipt.logs.find(
      (l) => l.topics[0] === settlement.settlement.interface.getEvent("InferenceSettled")!.topicHash,
    )!;
    return `${receipt.hash}:${event.index}`;
  };
  for (let s = 0; s < 3; s++) {
    const log = buildInferenceLog(
      [0, 1, 2].map((k) => record(`s${s}r${k}`, quote(mails[(s + k) % mails.length], 20 + 10 * k), 10n ** 17n)),
    );
    const stored = await store.put(log.serialize());
    const { receipt } = await settlement.settleLog({ modelId, log });
    settlements.push({ id: idOf(receipt), cid: stored.cid });
  }
  const hidden = buildInferenceLog([record("hidden", "an answer nobody can check", 1n)]);
  const careless = await settlement.connect(await signer(ROLES.careless)).settleLog({ modelId, log: hidden });
  const unpublished = idOf(careless.receipt);

  const clock = IEpochClock__factory.connect(address("clock"), node.provider);
  const now = BigInt((await node.provider.getBlock("latest"))!.timestamp);
  const epoch = await clock.epochAt(now);
  const chain: OperatorChain = {
    node,
    dir,
    deploymentPath,
    deployment,
    contentDir,
    epoch,
    contributions,
    settlements,
    unpublished,
    async advance(seconds) {
      await node.provider.send("evm_increaseTime", [Number(seconds)]);
      for (let k = 0; k < 4; k++) await node.provider.send("evm_mine", []);
    },
    async stop() {
      await node.stop();
    },
  };
  await chain.advance((await clock.epochStart(epoch + 1n)) - now + grace + 1n);
  return chain;
}
