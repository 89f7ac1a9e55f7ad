import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDeployment, serveContentFolder } from "../../sdk/src/node";
import { demoOnNode } from "../helpers/demoNode";
import { runCommand } from "../helpers/examples";
import type { CommandRun } from "../helpers/examples";
import type { HardhatNode } from "../helpers/hardhatNode";

describe("The demo against a hardhat node (npm run demo -- --network localhost)", function () {
  this.timeout(400_000);

  let node: HardhatNode;
  let root: string;
  let run: CommandRun;
  /** The children's environment: none of the variables that would point them elsewhere. */
  let env: NodeJS.ProcessEnv;

  before(async function () {
    ({ node, root, run, env } = await demoOnNode());
  });

  it("runs the whole demo on the node and ends with the operator commands to try next", function () {
    expect(run.code, run.stderr || run.stdout.slice(-3000)).to.equal(0);
    expect(run.stdout).to.contain(`Node ${node.url}: localhost (chain id 31337)`);
    expect(run.stdout).to.match(
      /Claimed [\d,.]+ OPEN in all and left [\d,.]+ OPEN to ada and grace, root total [\d,.]+ OPEN: ✓ exact to the wei/,
    );
    expect(run.stdout).to.contain("Try next (the node keeps running):");
    expect(run.stdout).to.contain("npm run epoch -- status --network localhost --deployment ");
  });

  it("moves an earlier node's deployment file and index aside, with a note", async function () {
    expect(run.stdout).to.match(/Note: .*localhost\.json is a deployment whose contracts this node does not have/);
    const moved = (await readdir(join(root, "deployments"))).filter((f) => /^localhost\.stale-.*\.json$/.test(f));
    expect(moved).to.have.length(1);
    expect((await readdir(join(root, "data", "localhost"))).filter((f) => f.startsWith("index.stale-"))).to.have.length(
      1,
    );
  });

  it("leaves the node's deployment, the index database, the content folder and the epoch's files on disk", async function () {
    const deployment = await readDeployment(join(root, "deployments", "localhost.json"));
    expect(deployment.completedAt).to.be.a("string");
    for (const contract of Object.values(deployment.contracts)) {
      expect(await node.provider.getCode(contract.address)).to.not.equal("0x");
    }
    expect(existsSync(join(root, "data", "localhost", "index"))).to.equal(true);
    const content = await readdir(join(root, "data", "content"));
    // 291 contributions, 5 logs, 2 cards, the validation set, the report.
    expect(content.length).to.be.greaterThan(290);
    const reportURI = /report (ipfs:\/\/\w+);/.exec(run.stdout)![1];
    const published = await readFile(join(root, "data", "content", reportURI.slice("ipfs://".length)), "utf8");
    const epochDir = join(root, "epochs", "localhost", "1");
    expect(await readFile(join(epochDir, "report.json"), "utf8")).to.equal(published);
    for (const file of ["state.json", "tree.json", "input-hash"])
      expect(existsSync(join(epochDir, file)), file).to.equal(true);
  });

  it("leaves them for the operator commands: epoch status shows epoch 1 accepted, verify-epoch says it matches", async function () {
    const network = [
      ...["--network", "localhost", "--rpc", node.url, "--deployment", join(root, "deployments", "localhost.json")],
      ...["--data", join(root, "data", "localhost"), "--content", join(root, "data", "content")],
    ];
    const cli = (script: string, args: string[]) =>
      runCommand("node", ["--import", "tsx", script, ...args], { env, timeout: 120_000 });
    const status = await cli("scripts/epoch.ts", ["status", ...network]);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout, status.stdout).to.match(/│ +1 │ yes .*│ accepted +│/);
    const verify = await cli("scripts/verifyEpoch.ts", [...network, "--epoch", "1"]);
    expect(verify.code, verify.stderr || verify.stdout).to.equal(0);
    expect(verify.stdout).to.contain("matches");
  });

  it("verifies the epoch from a second folder that reads content only through CONTENT_GATEWAY", async function () {
    const served = await serveContentFolder({ dir: join(root, "data", "content"), port: 0 });
    const elsewhere = await mkdtemp(join(tmpdir(), "demo-verifier-"));
    try {
      // The verifier has the deployment file and the chain; its index and content store are its own.
      const deployment = join(elsewhere, "localhost.json");
      await writeFile(deployment, await readFile(join(root, "deployments", "localhost.json")));
      const verify = await runCommand(
        "node",
        [
          ...["--import", "tsx", "scripts/verifyEpoch.ts", "--epoch", "1"],
          ...["--network", "localhost", "--rpc", node.url, "--deployment", deployment],
          ...["--data", join(elsewhere, "data")],
        ],
        { env: { ...env, CONTENT_GATEWAY: served.url }, timeout: 120_000 },
      );
      expect(verify.code, verify.stderr || verify.stdout).to.equal(0);
      expect(verify.stdout).to.contain("matches");
    } finally {
      await served.close();
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
