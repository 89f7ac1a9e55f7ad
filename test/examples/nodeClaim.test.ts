import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEther } from "ethers";
import { RewardsClient, buildRewardTree } from "../../sdk/src";
import type { ExampleDeployment } from "../../scripts/seedExamples";
import { devKey, expectedLeaderboard, requireBuiltSdk, runCommand, startExampleNode } from "../helpers/examples";
import type { CommandRun } from "../helpers/examples";
import type { HardhatNode } from "../helpers/hardhatNode";

/*
 * examples/node-claim as a contributor runs it: `npm start -w examples/node-claim -- …` in a child process, against a
 * `hardhat node` over HTTP that holds the examples' deployment (scripts/seedExamples.ts): a Datanet reviewed for
 * alice (3 of 3 accepted), bob (2 of 3) and carol (1 of 2), and epoch 1's root paying them 30, 20 and 12.5 OPEN.
 */
describe("The Node example (examples/node-claim) against a hardhat node", function () {
  this.timeout(120_000);

  let node: HardhatNode;
  let deployment: ExampleDeployment;
  let dir: string;
  let treePath: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    requireBuiltSdk();
    // The example type-checks against the package's published declarations, as in a user's editor.
    const typecheck = runCommand("npm", ["run", "typecheck", "-w", "examples/node-claim"]);
    ({ node, deployment } = await startExampleNode());
    const checked = await typecheck;
    expect(checked.code, `${checked.stdout}${checked.stderr}`).to.equal(0);
    dir = await mkdtemp(join(tmpdir(), "node-claim-"));
    treePath = join(dir, "epoch-1.json");
    await writeFile(treePath, JSON.stringify(deployment.tree.toJSON()));
    env = { ...process.env, RPC_URL: node.url, REGISTRY: deployment.registry, DATANET_ID: "1" };
    delete env.PRIVATE_KEY;
    delete env.HARDHAT_NETWORK;
  });

  after(async function () {
    await node?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function example(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CommandRun> {
    return runCommand("npm", ["start", "--silent", "-w", "examples/node-claim", "--", ...args], {
      env: { ...env, ...extraEnv },
    });
  }

  /** The settings for bob's rewards, with `tree` as the published tree. */
  const bobs = (tree = treePath) => ["--distributor", deployment.distributor, "--tree", tree];

  /** The leaderboard's rows as printed: rank, account, accepted, rejected, rate, score, bytes. */
  function leaderboard(stdout: string): string[][] {
    const lines = stdout.split("\n");
    const header = lines.findIndex((line) => line.startsWith("#  Contributor"));
    expect(header, stdout).to.be.at.least(0);
    return lines
      .slice(header + 2)
      .filter((line) => /^\d+ /.test(line))
      .map((line) => line.trim().split(/\s+/));
  }

  async function claimed(account: string): Promise<bigint> {
    return (await RewardsClient.connect(deployment.distributor, node.provider)).claimed(account);
  }

  it("prints its usage with --help", async function () {
    const run = await example(["--help"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain("Usage: npm start -w examples/node-claim").and.to.contain("--dry-run");
  });

  it("refuses bad input with one line and exit code 2, and an unreachable node with exit code 1", async function () {
    const cases: [string[], NodeJS.ProcessEnv, number, string][] = [
      [["--bogus"], {}, 2, "Unknown option '--bogus'"],
      [["--dry-run", "--account", deployment.contributors.bob, "--tree", treePath], {}, 2, "Missing --distributor"],
      [[...bobs(), "--dry-run", "--account", "0x12"], {}, 2, '--account: "0x12" is not an address.'],
      [bobs(), {}, 2, "No key to sign the claim: set PRIVATE_KEY, or pass --dry-run"],
      [bobs(), { PRIVATE_KEY: "0x1234" }, 2, "PRIVATE_KEY is not a 32-byte hex key."],
      [
        [...bobs(), "--registry", deployment.distributor, "--dry-run", "--account", deployment.contributors.bob],
        {},
        2,
        `--registry: the contract at ${deployment.distributor} is not a DatanetRegistry.`,
      ],
      [
        [...bobs(), "--rpc", "http://127.0.0.1:1", "--dry-run", "--account", deployment.registry],
        {},
        1,
        "Cannot reach a JSON-RPC node at http://127.0.0.1:1",
      ],
    ];
    const runs = await Promise.all(cases.map(([args, extraEnv]) => example(args, extraEnv)));
    runs.forEach((run, i) => {
      const [, , code, message] = cases[i];
      expect(run.code, run.stderr).to.equal(code);
      expect(run.stderr.trim().split("\n"), run.stderr).to.have.lengthOf(1);
      expect(run.stderr)
        .to.match(/^node-claim: /)
        .and.to.contain(message);
    });
  });

  it("prints the leaderboard by Wilson lower bound and bob's claimable OPEN in a dry run, sending nothing", async function () {
    const { bob } = deployment.contributors;
    const run = await example([...bobs(), "--account", bob, "--dry-run"]);
    expect(run.code, run.stderr).to.equal(0);
    const rows = leaderboard(run.stdout);
    expect(rows.map((r) => r.slice(0, 6))).to.deep.equal(expectedLeaderboard(deployment));
    expect(run.stdout).to.match(new RegExp(`${bob}\\s+20\\.0 OPEN\\s+0\\.0 OPEN\\s+20\\.0 OPEN`));
    expect(run.stdout).to.contain(`Dry run: a claim would pay 20.0 OPEN to ${bob}; nothing was sent.`);
    expect(await claimed(bob)).to.equal(0n);
  });

  it("claims bob's OPEN with his key, then finds nothing left to claim", async function () {
    const { bob } = deployment.contributors;
    const rewards = await RewardsClient.connect(deployment.distributor, node.provider);
    const balance = await rewards.token.balanceOf(bob);
    const key = { PRIVATE_KEY: devKey(deployment.accountIndex.bob) };

    const run = await example(bobs(), key);
    expect(run.code, run.stderr).to.equal(0);
    const hash = run.stdout.match(/Claimed 20\.0 OPEN for (0x[0-9a-fA-F]{40}) in transaction (0x[0-9a-f]{64})/);
    expect(hash, run.stdout).to.not.equal(null);
    expect(hash![1]).to.equal(bob);
    const receipt = await node.provider.getTransactionReceipt(hash![2]);
    expect(receipt?.status).to.equal(1);
    expect(receipt?.from).to.equal(bob);
    expect(await claimed(bob)).to.equal(parseEther("20"));
    expect((await rewards.token.balanceOf(bob)) - balance).to.equal(parseEther("20"));

    const again = await example(bobs(), key);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain(`Nothing to claim: ${bob} has been paid its cumulative amount.`);
    expect(await claimed(bob)).to.equal(parseEther("20"));
  });

  it("refuses a tree that is not the distributor's current root, with exit code 1", async function () {
    const { carol } = deployment.contributors;
    const stale = join(dir, "stale.json");
    await writeFile(stale, JSON.stringify(buildRewardTree([{ account: carol, amount: parseEther("99") }]).toJSON()));
    const run = await example(bobs(stale), { PRIVATE_KEY: devKey(deployment.accountIndex.carol) });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^node-claim: The tree's root 0x[0-9a-f]{64} is not the distributor's current root/);
    expect(await claimed(carol)).to.equal(0n);
  });
});
