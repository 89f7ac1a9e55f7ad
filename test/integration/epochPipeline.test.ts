import { expect } from "chai";
import { spawn } from "node:child_process";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { rm } from "node:fs/promises";
import { RewardsClient, buildRewardTree, contentId, readEpochReport } from "../../sdk/src";
import type { EpochReport } from "../../sdk/src";
import { IRewardDistributor__factory } from "../../typechain-types";
import { EPOCH_STEPS } from "../../scripts/epoch";
import { open } from "../../scripts/lib/ui";
import { ROOT, runCommand } from "../helpers/examples";
import type { CommandRun } from "../helpers/examples";
import { CHALLENGE_WINDOW, ROLES, operatorChain } from "../helpers/operatorChain";
import type { OperatorChain } from "../helpers/operatorChain";

/** Seconds after the epoch's end the runs wait (the chain is moved past it). */
const GRACE = 60n;

const SCRIPTS = {
  epoch: "scripts/epoch.ts",
  verify: "scripts/verifyEpoch.ts",
  watch: "scripts/watch.ts",
  claim: "scripts/claim.ts",
};

/** The environment of every child: none of the variables that would point it elsewhere. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ["HARDHAT_NETWORK", "PRIVATE_KEY", "DATABASE_URL", "CONTENT_GATEWAY", "RPC_URL", "DEPLOYMENT"]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

const nodeArgs = (script: keyof typeof SCRIPTS, args: string[]) => ["--import", "tsx", SCRIPTS[script], ...args];

describe("The operator's epoch pipeline against a hardhat node", function () {
  this.timeout(600_000);

  let chain: OperatorChain;
  /** The RootProposed events of the epoch. */
  let proposals: () => Promise<{ root: string; tx: string }[]>;

  const network = (data: string, content = chain.contentDir) => [
    ...["--network", "localhost", "--rpc", chain.node.url, "--deployment", chain.deploymentPath],
    ...["--data", join(chain.dir, data), "--content", content],
  ];
  const cli = (script: keyof typeof SCRIPTS, args: string[]): Promise<CommandRun> =>
    runCommand("node", nodeArgs(script, args), { env: childEnv(), timeout: 180_000 });
  const operator = (data: string) => [...network(data), "--epochs", join(chain.dir, `${data}-epochs`)];
  const run = (data: string, extra: string[] = []) =>
    cli("epoch", [
      "run",
      ...operator(data),
      "--account-index",
      String(ROLES.attestor),
      "--grace",
      `${GRACE}`,
      ...extra,
    ]);
  const reportOf = async (data: string) =>
    readFile(join(chain.dir, `${data}-epochs`, chain.epoch.toString(), "report.json"), "utf8");

  /** Runs the pipeline until it pauses after `step`, then kills it by its pid, as a crash would. */
  function runKilledAfter(data: string, step: string): Promise<string> {
    return new Promise((done, fail) => {
      const child = spawn(
        "node",
        nodeArgs("epoch", ["run", ...operator(data), "--account-index", "0", "--grace", `${GRACE}`]),
        { cwd: ROOT, env: childEnv({ EPOCH_PAUSE_AFTER: step }), stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`Paused after ${step}`)) process.kill(child.pid!, "SIGKILL");
      };
      child.stdout.on("data", read);
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (signal === "SIGKILL" && output.includes(`Paused after ${step}`)) done(output);
        else fail(new Error(`the run did not pause after ${step} (exit ${code ?? signal}):\n${output}`));
      });
    });
  }

  before(async function () {
    chain = await operatorChain(GRACE);
    const distributor = IRewardDistributor__factory.connect(
      chain.deployment.contracts.rewards.address,
      chain.node.provider,
    );
    proposals = async () =>
      // Up to the node's head as it is now: a revert makes a cached head stale.
      (
        await distributor.queryFilter(
          distributor.filters.RootProposed(chain.epoch),
          0,
          Number(await chain.node.provider.send("eth_blockNumber", [])),
        )
      ).map((e) => ({
        root: e.args.root,
        tx: e.transactionHash,
      }));
  });

  after(async function () {
    await chain?.stop();
    if (chain) await rm(chain.dir, { recursive: true, force: true });
  });

  let killedReport: string;

  it("is killed after each step and rerun: the same report as an uninterrupted run, and one proposal", async function () {
    const snapshot = await chain.node.provider.send("evm_snapshot", []);
    for (const step of EPOCH_STEPS) await runKilledAfter("killed", step);
    const last = await run("killed");
    expect(last.code, last.stderr).to.equal(0);
    expect(last.stdout).to.contain("already proposed");
    expect(await proposals()).to.have.length(1);
    killedReport = await reportOf("killed");
    // Back to before any proposal, for the uninterrupted run below (the content folder keeps the published report).
    await chain.node.provider.send("evm_revert", [snapshot]);
    expect(await proposals()).to.have.length(0);
  });

  it("has the guardian's watcher revoke a root proposed with a wrong tree, within its window", async function () {
    const report = readEpochReport(killedReport) as EpochReport;
    // One wei moved from one account to another: the same total, another root.
    const entries = report.accounts.map((a, i) => ({
      account: a.account,
      amount: BigInt(a.cumulative) + (i === 0 ? -1n : i === 1 ? 1n : 0n),
    }));
    const wrong = buildRewardTree(entries);
    const attestor = await chain.node.provider.getSigner(ROLES.attestor);
    const rewards = (await RewardsClient.connect(chain.deployment.contracts.rewards.address, attestor)).connect(
      attestor,
    );
    await rewards.proposeRoot({
      tree: wrong,
      epoch: chain.epoch,
      reportHash: report.reportHash,
      reportURI: `ipfs://${contentId(killedReport).cid}`,
    });
    const watch = await cli("watch", [...network("guardian"), "--account-index", String(ROLES.guardian), "--once"]);
    expect(watch.code, watch.stderr).to.equal(0);
    expect(watch.stdout).to.match(new RegExp(`pending root ${wrong.root} does not match: .*tree\\.root`));
    expect(watch.stdout).to.contain("revoked");
    expect((await rewards.pendingRoot()).root).to.equal("0x" + "0".repeat(64));
  });

  it("proposes, reports a rerun as already proposed, excludes the unpublished 1-wei settlement, and status shows it pending", async function () {
    const first = await run("operator");
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain("proposed in block");
    const report = await reportOf("operator");
    expect(report).to.equal(killedReport);
    const parsed = readEpochReport(report) as EpochReport;
    const hidden = parsed.settlements.find((s) => s.id === chain.unpublished)!;
    expect(hidden.pot).to.equal("1");
    expect(hidden.status).to.equal("excluded");
    expect(hidden.exclusion!.code).to.equal("log-unavailable");
    expect(hidden.carried).to.equal("1");
    expect(BigInt(parsed.carryOver.total)).to.be.greaterThanOrEqual(1n);
    expect(first.stdout)
      .to.contain(`excluded ${chain.unpublished.slice(0, 10)}…`)
      .and.contain("log-unavailable, 0.0000 OPEN (1 wei) carried");

    const again = await run("operator");
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain("already proposed");
    expect((await proposals()).filter((p) => p.root === parsed.tree.root)).to.have.length(1);

    const status = await cli("epoch", ["status", ...network("operator")]);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout, status.stdout).to.match(
      new RegExp(`│ +${chain.epoch} │ yes .*│ pending, acceptable in (1 h|\\d+ min)`),
    );
  });

  it("leaves the honest root alone in the watcher, and verify-epoch says it matches from the chain and the content alone", async function () {
    const watch = await cli("watch", [...network("guardian"), "--account-index", String(ROLES.guardian), "--once"]);
    expect(watch.code, watch.stderr).to.equal(0);
    expect(watch.stdout).to.contain("matches; left alone");
    const verified = await cli("verify", [...network("verifier"), "--epoch", chain.epoch.toString()]);
    expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
    expect(verified.stdout).to.contain("matches");
  });

  it("fails verify-epoch and names the report at its CID, a log file or a contribution file when one is tampered with", async function () {
    const report = await reportOf("operator");
    const cases = [
      {
        target: "report",
        cid: contentId(report).cid,
        named: new RegExp(`the report of epoch ${chain.epoch} at ipfs://${contentId(report).cid}`),
      },
      {
        target: "log",
        cid: chain.settlements[1].cid,
        named: new RegExp(`the log of settlement ${chain.settlements[1].id}`),
      },
      {
        target: "contribution",
        cid: chain.contributions[2].cid,
        named: new RegExp(`contribution ${chain.contributions[2].id}`, "i"),
      },
    ];
    for (const { target, cid, named } of cases) {
      const tampered = join(chain.dir, `tampered-${target}`);
      await cp(chain.contentDir, tampered, { recursive: true });
      const bytes = await readFile(join(tampered, cid), "utf8");
      await writeFile(join(tampered, cid), bytes.replace(/e/, "E"));
      const run = await cli("verify", [...network("verifier", tampered), "--epoch", chain.epoch.toString()]);
      expect(run.code, `${target}: ${run.stdout}${run.stderr}`).to.equal(1);
      expect(run.stdout, target).to.match(named);
    }
  });

  it("accepts after the window, pays each account its amount on claim --network, and status shows it accepted and claimed", async function () {
    const early = await cli("epoch", ["accept", ...network("operator"), "--account-index", "0"]);
    expect(early.code).to.equal(1);
    expect(early.stderr, early.stderr).to.match(/is in its challenge window until .*: accept it in (1 h|\d+ min)\./);
    await chain.advance(CHALLENGE_WINDOW);
    const accepted = await cli("epoch", ["accept", ...network("operator"), "--account-index", "0"]);
    expect(accepted.code, accepted.stderr).to.equal(0);
    expect(accepted.stdout).to.contain("accepted");

    const claim = await cli("claim", [
      ...["--network", "localhost", "--rpc", chain.node.url, "--deployment", chain.deploymentPath],
      ...["--content", chain.contentDir, "--account-index", "0", "--all"],
    ]);
    expect(claim.code, claim.stderr).to.equal(0);
    const report = readEpochReport(await reportOf("operator")) as EpochReport;
    const rewards = await RewardsClient.connect(chain.deployment.contracts.rewards.address, chain.node.provider);
    for (const a of report.accounts) expect(await rewards.claimed(a.account), a.account).to.equal(BigInt(a.cumulative));

    // The claims' blocks past the index's confirmations.
    await chain.advance(1n);
    const status = await cli("epoch", ["status", ...network("operator")]);
    expect(status.code, status.stderr).to.equal(0);
    const claimed = open(BigInt(report.tree.total)).replace(".", "\\.");
    expect(status.stdout, status.stdout).to.match(new RegExp(`│ +${chain.epoch} │ yes .*│ accepted +│ +${claimed} │`));
  });
});
