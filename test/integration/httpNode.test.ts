import { expect } from "chai";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { ethers } from "ethers";
import type { JsonRpcSigner } from "ethers";
import { deployProtocol } from "../../deploy/protocol";
import {
  DatanetClient,
  DatanetIndexer,
  DuplicateContentError,
  UnauthorizedError,
  contentId,
  rankContributors,
} from "../../sdk/src";
import type { DatanetPolicy } from "../../sdk/src";
import type { DatanetRegistry, OpenToken } from "../../typechain-types";
import { loadEmails, seededRandom } from "../../scripts/lib/corpus";

const ROOT = resolve(__dirname, "../..");
const STARTUP_TIMEOUT_MS = 20_000;
const POLICY: DatanetPolicy = {
  bond: ethers.parseEther("10"),
  quorum: 2,
  reviewWindow: 2 * 24 * 3600,
  accessMode: "Open",
  maxFileBytes: 32_768n,
  contributorDailyFiles: 25,
  contributorDailyBytes: 600_000n,
  datanetDailyBytes: 5_000_000n,
};

/** A TCP port that was free a moment ago: bind port 0, read the port the system chose, release it. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Resolves once `url` answers eth_chainId; fails when the node exits or after `timeoutMs`. */
async function waitForRpc(url: string, node: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.exitCode !== null || node.signalCode !== null) {
      throw new Error(`hardhat node exited (${node.exitCode ?? node.signalCode}) before answering:\n${output()}`);
    }
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      const body = (await response.json()) as { result?: string };
      if (body.result) return body.result;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`hardhat node did not answer eth_chainId within ${timeoutMs} ms:\n${output()}`);
}

/** Ends the node's process group (npx and the node it started) and waits for it to exit. */
async function stopNode(node: ChildProcess | undefined): Promise<void> {
  if (!node?.pid || node.exitCode !== null || node.signalCode !== null) return;
  const exited = new Promise<void>((done) => node.once("exit", () => done()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-node.pid!, s);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

describe("The SDK over HTTP against a hardhat node", function () {
  this.timeout(60_000);

  let node: ChildProcess | undefined;
  let log = "";
  let url: string;
  let provider: ethers.JsonRpcProvider;
  let signers: JsonRpcSigner[];
  let open: OpenToken;
  let datanets: DatanetRegistry;
  let registry: string;
  let owner: DatanetClient;
  let datanetId: bigint;
  const submitted: { contentHash: string; contributor: string; text: string }[] = [];
  const killOnExit = () => {
    if (node?.pid && node.exitCode === null) {
      try {
        process.kill(-node.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };

  before(async function () {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env = { ...process.env };
    delete env.HARDHAT_NETWORK;
    // Its own process group, so that stopping it also stops the node npx started.
    node = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    process.once("exit", killOnExit);
    const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000));
    node.stdout!.on("data", keep);
    node.stderr!.on("data", keep);

    const chainId = await waitForRpc(url, node, () => log, STARTUP_TIMEOUT_MS);
    expect(BigInt(chainId)).to.equal(31337n);
    provider = new ethers.JsonRpcProvider(url, 31337, { staticNetwork: true, pollingInterval: 100 });
    signers = await Promise.all(Array.from({ length: 8 }, (_, i) => provider.getSigner(i)));
    ({ open, datanets } = await deployProtocol(signers[0]));
    registry = await datanets.getAddress();
    for (const s of signers.slice(5, 8)) await (await open.transfer(s.address, ethers.parseEther("1000"))).wait();
    owner = await DatanetClient.connect(registry, signers[1]);
  });

  after(async function () {
    provider?.destroy();
    await stopNode(node);
    process.removeListener("exit", killOnExit);
  });

  it("deploys the protocol with the node's unlocked dev accounts", async function () {
    expect(signers[0].address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    expect(await provider.getCode(registry)).to.not.equal("0x");
    expect(await datanets.BOND_TOKEN()).to.equal(await open.getAddress());
    expect(await owner.token.getAddress()).to.equal(await open.getAddress());
    expect(await open.balanceOf(signers[5].address)).to.equal(ethers.parseEther("1000"));
  });

  it("creates a Datanet and submits real e-mails, approving each bond", async function () {
    ({ datanetId } = await owner.createDatanet({
      uri: "ipfs://ham-over-http",
      policy: POLICY,
      validators: [signers[2].address, signers[3].address, signers[4].address],
    }));
    expect(datanetId).to.equal(1n);
    expect(await owner.policy(datanetId)).to.deep.equal(POLICY);

    const random = seededRandom(8545);
    const ham = loadEmails().filter((e) => !e.spam && Buffer.byteLength(e.text) <= Number(POLICY.maxFileBytes));
    for (let i = 0; i < 6; i++) {
      const contributor = signers[5 + (i % 3)];
      const text = ham.splice(Math.floor(random() * ham.length), 1)[0].text;
      const r = await owner.connect(contributor).submit({ datanetId, content: text });
      expect(r.contentHash).to.equal(contentId(text).contentHash);
      expect(r.uri).to.equal(`ipfs://${contentId(text).cid}`);
      submitted.push({ contentHash: r.contentHash, contributor: contributor.address, text });
    }
    for (const s of submitted) {
      const view = await owner.contribution({ datanetId, contentHash: s.contentHash });
      expect([view.status, view.contributor, view.size]).to.deep.equal([
        "Pending",
        s.contributor,
        BigInt(Buffer.byteLength(s.text)),
      ]);
    }
    expect(await open.balanceOf(registry)).to.equal(6n * POLICY.bond);
  });

  it("settles contributions by the validators' votes", async function () {
    const [v1, v2, v3] = [2, 3, 4].map((i) => owner.connect(signers[i]));
    // Accept the first four, reject the fifth, leave the sixth pending with one vote.
    for (const s of submitted.slice(0, 4)) {
      await v1.vote(datanetId, s.contentHash, true);
      await v2.vote(datanetId, s.contentHash, true);
    }
    await v2.vote(datanetId, submitted[4].contentHash, false);
    await v3.vote(datanetId, submitted[4].contentHash, false);
    await v3.vote(datanetId, submitted[5].contentHash, true);
    const statuses = [];
    for (const s of submitted)
      statuses.push((await owner.contribution({ datanetId, contentHash: s.contentHash })).status);
    expect(statuses).to.deep.equal(["Accepted", "Accepted", "Accepted", "Accepted", "Rejected", "Pending"]);
    expect(await owner.reputation(datanetId, signers[5].address)).to.deep.equal({
      accepted: 2,
      rejected: 0,
      acceptedBytes: BigInt(Buffer.byteLength(submitted[0].text) + Buffer.byteLength(submitted[3].text)),
    });
    expect(await owner.bondCredit(signers[5].address)).to.equal(2n * POLICY.bond);
    expect(await datanets.treasuryBalance(datanetId)).to.equal(POLICY.bond);
  });

  it("decodes reverts sent back over JSON-RPC into typed errors", async function () {
    const first = submitted[0];
    const mallory = owner.connect(signers[7]);
    let duplicate: unknown;
    await mallory.submit({ datanetId, content: first.text }).catch((e) => (duplicate = e));
    expect(duplicate).to.be.instanceOf(DuplicateContentError);
    const error = duplicate as DuplicateContentError;
    expect(error.args.contributionId).to.equal(await datanets.contributionIdOf(datanetId, first.contentHash));
    expect(error.args.datanetId).to.equal(datanetId);
    expect(error.shortMessage).to.contain(`already in Datanet ${datanetId}`);

    let unauthorized: unknown;
    await mallory.vote(datanetId, submitted[5].contentHash, true).catch((e) => (unauthorized = e));
    expect(unauthorized).to.be.instanceOf(UnauthorizedError);
    expect((unauthorized as UnauthorizedError).args.account).to.equal(signers[7].address);
  });

  it("publishes a version and verifies it from events read over HTTP", async function () {
    const published = await owner.publishVersion(datanetId);
    expect([published.version, published.count]).to.deep.equal([1, 4]);
    const [count, digest] = await datanets.currentDigest(datanetId);
    expect([BigInt(published.count), published.digest]).to.deep.equal([count, digest]);

    const indexer = new DatanetIndexer(provider, registry, { blockRange: 7 });
    await indexer.sync();
    const check = await owner.verifyVersion(datanetId, 1, indexer);
    expect(check).to.deep.equal({ version: 1, count: 4, onchainDigest: digest, recomputedDigest: digest, valid: true });
    expect((await owner.verifyVersion(datanetId, 1)).valid).to.equal(true);

    const board = rankContributors(indexer.reputation(datanetId));
    expect(board.map((r) => [r.account, r.accepted, r.rejected])).to.deep.equal([
      [signers[5].address, 2, 0],
      [signers[7].address, 1, 0],
      [signers[6].address, 1, 1],
    ]);
    for (const row of board) {
      const onchain = await owner.reputation(datanetId, row.account);
      expect([onchain.accepted, onchain.rejected, onchain.acceptedBytes]).to.deep.equal([
        row.accepted,
        row.rejected,
        row.acceptedBytes,
      ]);
    }
  });
});
