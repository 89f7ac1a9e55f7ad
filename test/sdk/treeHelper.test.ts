import { expect } from "chai";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { buildRewardTree } from "../../sdk/src";
import { TreeHelperThread } from "../../sdk/src/node";
import type { TreeChildResult } from "../../scripts/bench/treeChild";
import { rewardEntries } from "../../scripts/lib/rewardEntries";
import { RUNTIMES, prepareRuntimes, runChild } from "../../scripts/lib/runtimes";

const FAULTY = path.join(__dirname, "../fixtures/treeWorkers");

describe("TreeHelperThread", function () {
  // Far below the minute the calling thread once waited for a helper that did not answer.
  this.timeout(20_000);

  const entries = rewardEntries(40_000);
  const alone = JSON.stringify(buildRewardTree(entries).toJSON());
  const helpers: TreeHelperThread[] = [];
  after(() => Promise.all(helpers.map((helper) => helper.close())));

  /** A helper running `worker`, that records its failures instead of warning. */
  function helperOf(worker: string): { helper: TreeHelperThread; failures: Error[] } {
    const failures: Error[] = [];
    const helper = new TreeHelperThread({ worker, onFailure: (error) => failures.push(error) });
    helpers.push(helper);
    return { helper, failures };
  }

  /** Builds with `helper` until its failure shows (it is noticed between builds) or five builds went by. */
  async function buildUntilFailure(helper: TreeHelperThread): Promise<void> {
    for (let build = 0; build < 5 && helper.failure === undefined; build++) {
      expect(JSON.stringify(buildRewardTree(entries, { helper }).toJSON())).to.equal(alone);
      await sleep(200);
    }
  }

  it("builds the same tree on the calling thread when its worker file does not exist, and stops asking for it", async function () {
    const { helper, failures } = helperOf(path.join(FAULTY, "missing.js"));
    expect(JSON.stringify(buildRewardTree(entries, { helper }).toJSON())).to.equal(alone);
    expect(await helper.ready()).to.equal(false);
    expect(failures).to.have.length(1);
    expect(failures[0].message).to.include("missing.js");
    expect(helper.wants(entries.length)).to.equal(false);
    expect(helper.stats).to.deep.equal({ leaves: 0, nodes: 0 });
  });

  it("builds the same tree when its thread exits before the start-up handshake", async function () {
    const { helper, failures } = helperOf(path.join(FAULTY, "exitsAtStart.ts"));
    expect(JSON.stringify(buildRewardTree(entries, { helper }).toJSON())).to.equal(alone);
    expect(await helper.ready()).to.equal(false);
    expect(failures.map((error) => error.message)).to.deep.equal([
      `The reward tree's helper thread (${helper.worker?.href}) failed; trees are hashed on one thread: it exited with code 3`,
    ]);
    expect(helper.wants(entries.length)).to.equal(false);
  });

  it("builds the same tree when its thread throws in the middle of a unit, which it hands back", async function () {
    const { helper, failures } = helperOf(path.join(FAULTY, "throwsMidUnit.ts"));
    expect(await helper.ready()).to.equal(true);
    await buildUntilFailure(helper);
    expect(failures).to.have.length(1);
    expect(failures[0].message).to.include("a kernel failed");
    expect(JSON.stringify(buildRewardTree(entries, { helper }).toJSON())).to.equal(alone);
  });

  it("builds the same tree when its thread dies in the middle of a unit, which the calling thread takes over", async function () {
    const { helper, failures } = helperOf(path.join(FAULTY, "diesMidUnit.ts"));
    expect(await helper.ready()).to.equal(true);
    await buildUntilFailure(helper);
    expect(failures.map((error) => error.message.split(": ").pop())).to.deep.equal(["it exited with code 1"]);
  });

  it("builds the same tree when its thread stalls in the middle of a unit, which the calling thread takes over", async function () {
    const { helper, failures } = helperOf(path.join(FAULTY, "stallsMidUnit.ts"));
    expect(await helper.ready()).to.equal(true);
    for (let build = 0; build < 3; build++) {
      expect(JSON.stringify(buildRewardTree(entries, { helper }).toJSON())).to.equal(alone);
    }
    expect(failures).to.deep.equal([]);
  });
});

describe("the reward tree's helper thread under every runtime", function () {
  // Builds the package (tsup, no declarations) and four programs (esbuild), then starts six processes.
  this.timeout(300_000);
  const size = 40_000;
  const root = buildRewardTree(rewardEntries(size)).root;
  before(() => prepareRuntimes());

  for (const runtime of RUNTIMES) {
    it(`starts from its module file and hashes part of the tree under ${runtime.name}`, async function () {
      const result = await runChild<TreeChildResult>(runtime, ["--sizes", String(size), "--repeats", "1"]);
      expect(result.sizes[0].runs[0].root).to.equal(root);
      expect(result.helper.failure).to.equal(undefined);
      expect(result.helper.ready).to.equal(true);
      expect(result.helper.leaves + result.helper.nodes).to.be.greaterThan(0);
    });
  }
});
