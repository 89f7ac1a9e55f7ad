import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ethers } from "ethers";
import type { JsonRpcSigner } from "ethers";
import { deployProtocol } from "../../deploy/protocol";
import { DEFAULT_EPOCH_LENGTH } from "../../deploy/settlement";
import { InvalidInputError, RewardsClient, buildRewardTree } from "../../sdk/src";
import type { RewardTree } from "../../sdk/src";
import { loadTree } from "../../scripts/claim";
import { seededRandom } from "../helpers/random";
import type { RewardDistributor } from "../../typechain-types";
import { startHardhatNode } from "../helpers/hardhatNode";
import type { HardhatNode } from "../helpers/hardhatNode";
import { rejection } from "../helpers/rejection";

const ROOT = resolve(__dirname, "../..");
/** Hardhat's well-known development key of account #1 (never holds real funds). */
const DEV_KEY_1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

interface Run {
  code: number;
  out: string;
}

/** Runs the claim CLI as a contributor would (`npm run claim -- …`), without a shell. */
function claimCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    const childEnv = { ...process.env, ...env };
    delete childEnv.HARDHAT_NETWORK;
    if (!("PRIVATE_KEY" in env)) delete childEnv.PRIVATE_KEY;
    execFile(
      "node",
      ["--import", "tsx", "scripts/claim.ts", ...args],
      { cwd: ROOT, env: childEnv, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe("The claim script over HTTP against a hardhat node", function () {
  this.timeout(120_000);

  let node: HardhatNode;
  let signers: JsonRpcSigner[];
  let rewards: RewardDistributor;
  let distributor: string;
  let tree: RewardTree;
  let dir: string;
  let treePath: string;
  /** Arguments that claim with `tree` through dev account #2 of the node. */
  const asRelayer = (tree: string) => [
    "--tree",
    tree,
    "--distributor",
    distributor,
    "--rpc",
    node.url,
    "--account-index",
    "2",
  ];

  before(async function () {
    node = await startHardhatNode();
    signers = await Promise.all(Array.from({ length: 8 }, (_, i) => node.provider.getSigner(i)));
    ({ rewards } = await deployProtocol(signers[0], { guardian: signers[1].address }));
    distributor = await rewards.getAddress();
    const random = seededRandom(7);
    // Three dev accounts and two fresh addresses, with random amounts.
    const accounts = [
      ...signers.slice(5, 8).map((s) => s.address),
      ethers.Wallet.createRandom().address,
      ethers.Wallet.createRandom().address,
    ];
    tree = buildRewardTree(
      accounts.map((account) => ({ account, amount: BigInt(Math.floor(random() * 1e6)) * 10n ** 15n })),
    );
    const treasury = (await RewardsClient.connect(distributor, signers[0])).connect(signers[0]);
    await treasury.fund(tree.total);
    // Epoch 1's root once the epoch is over.
    await node.provider.send("evm_increaseTime", [Number(DEFAULT_EPOCH_LENGTH)]);
    await node.provider.send("evm_mine", []);
    await treasury.proposeRoot({ tree, epoch: 1n, reportHash: ethers.id("report"), reportURI: "ipfs://report" });
    await node.provider.send("evm_increaseTime", [86_401]);
    await node.provider.send("evm_mine", []);
    await treasury.acceptRoot();
    dir = await mkdtemp(join(tmpdir(), "claim-"));
    treePath = join(dir, "epoch-1.json");
    await writeFile(treePath, JSON.stringify(tree.toJSON()));
  });

  after(async function () {
    await node?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("loads a published tree from a path and from a file:// URL", async function () {
    expect((await loadTree(treePath)).root).to.equal(tree.root);
    expect((await loadTree(pathToFileURL(treePath).href)).root).to.equal(tree.root);
  });

  it("refuses a missing file and a file that is not JSON", async function () {
    expect((await rejection(loadTree(join(dir, "none.json")), InvalidInputError)).message).to.contain("Cannot read");
    const bad = join(dir, "bad.json");
    await writeFile(bad, "{ not json");
    expect((await rejection(loadTree(bad), InvalidInputError)).message).to.contain("is not JSON");
  });

  it("explains a missing argument as bad usage (exit code 2)", async function () {
    const run = await claimCli(["--distributor", distributor]);
    expect(run.code).to.equal(2);
    // Without --tree the claim needs --network, to read the current root's published report.
    expect(run.out.trim()).to.equal(
      "claim: missing --tree <file>, or --network <name> to claim with the current root's published report.",
    );
  });

  it("refuses a tree whose root is not the current root", async function () {
    const other = buildRewardTree([{ account: signers[5].address, amount: 1n }]);
    const otherPath = join(dir, "other.json");
    await writeFile(otherPath, JSON.stringify(other.toJSON()));
    const run = await claimCli(asRelayer(otherPath));
    expect(run.code).to.equal(1);
    expect(run.out).to.contain("is not the distributor's current root");
    expect(await rewards.claimed(signers[5].address)).to.equal(0n);
  });

  it("shows the table without claiming on a dry run", async function () {
    const run = await claimCli([...asRelayer(treePath), "--all", "--dry-run"]);
    expect(run.code, run.out).to.equal(0);
    expect(run.out).to.contain("Before claiming").and.contain("Dry run: 5 account(s) could claim.");
    expect(await rewards.totalClaimed()).to.equal(0n);
  });

  it("claims for every account of the tree in batches with a local account index", async function () {
    const run = await claimCli([...asRelayer(treePath), "--all", "--batch", "2"]);
    expect(run.code, run.out).to.equal(0);
    expect(run.out).to.contain("After claiming");
    for (const { account, amount } of tree.entries) expect(await rewards.claimed(account)).to.equal(amount);
    expect(await rewards.totalClaimed()).to.equal(tree.total);
  });

  it("says there is nothing left on a second run, signing with a private key from the environment", async function () {
    const run = await claimCli(
      ["--tree", treePath, "--distributor", distributor, "--rpc", node.url, "--account", signers[5].address],
      { PRIVATE_KEY: DEV_KEY_1 },
    );
    expect(run.code, run.out).to.equal(0);
    expect(run.out).to.contain("Nothing to claim.");
  });
});
