import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

/*
 * `npm test` runs the forge campaign through scripts/foundry/campaign.ts, not through mocha. These check that the
 * wrapper cannot turn a failing run green: forge's npm shim exits 0 on failures and forge itself exits 0 when no test
 * matches, so the wrapper must see the failure on its own.
 */

const ROOT = path.resolve(__dirname, "../..");

function campaign(...args: string[]) {
  return spawnSync("node", ["--import", "tsx", "scripts/foundry/campaign.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    // The fixtures' runs are few; the invariant persisted from an earlier run of the fixture is replayed first.
    env: { ...process.env, FOUNDRY_PROFILE: "default" },
  });
}

describe("The forge campaign's wrapper", function () {
  this.timeout(600_000);

  it("exits non-zero when an invariant fails", function () {
    const run = campaign("--match-contract", "BrokenInvariantFixture", "--runs", "10");
    expect(run.status, run.stdout + run.stderr).to.not.equal(0);
    expect(run.stdout).to.contain("invariant_countStaysBelowThree");
    expect(run.stderr).to.contain("The forge campaign failed");
  });

  it("exits non-zero when no test matches its filter", function () {
    const run = campaign("--match-contract", "NoSuchInvariantTest", "--runs", "10");
    expect(run.status, run.stdout + run.stderr).to.not.equal(0);
    expect(run.stderr).to.contain("no invariant test of NoSuchInvariantTest ran");
  });
});
