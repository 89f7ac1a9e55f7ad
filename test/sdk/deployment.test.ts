import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeploymentFileError, InvalidInputError } from "../../sdk/src";
import { parseDeployment, readDeployment } from "../../sdk/src/node";
import { deploymentFile } from "../helpers/deploymentFile";
import { rejection } from "../helpers/rejection";

const ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const HASH = `0x${"ab".repeat(32)}`;

/** A complete deployment file of one contract. */
const FILE = deploymentFile(ADDRESS, {
  contracts: {
    open: { contract: "OpenToken", address: ADDRESS, block: 1, txHash: HASH, abiHash: HASH, codeHash: HASH },
  },
  steps: [{ name: "open", txHash: HASH, status: "mined", block: 1, address: ADDRESS }],
});

describe("readDeployment", function () {
  let dir: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "deployment-"));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  async function written(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it("reads a deployment file as npm run deploy writes it", async function () {
    const path = await written("ok.json", JSON.stringify(FILE));
    expect(await readDeployment(path)).to.deep.equal(FILE);
  });

  it("names the field that is wrong", async function () {
    const cases: [unknown, string, string][] = [
      [{ ...FILE, chainId: "31337" }, "chainId", "expected number"],
      [
        { ...FILE, contracts: { rewards: { ...FILE.contracts.open, address: "0x12" } } },
        "contracts.rewards.address",
        "is not an address.",
      ],
      [
        { ...FILE, parameters: { ...FILE.parameters, genesis: "-1" } },
        "parameters.genesis",
        "is not a decimal integer.",
      ],
      [{ ...FILE, steps: [{ ...FILE.steps[0], status: "pending" }] }, "steps[0].status", ""],
      [{ ...FILE, extra: 1 }, "extra", "is not a known field."],
    ];
    for (const [value, field, problem] of cases) {
      const path = await written(`${field}.json`, JSON.stringify(value));
      const error = await rejection(readDeployment(path), DeploymentFileError);
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.field).to.equal(field);
      expect(error.path).to.equal(path);
      expect(error.shortMessage).to.contain(`${path}: ${field} `).and.contain(problem);
    }
  });

  it("refuses a file that is missing or not JSON, naming it", async function () {
    const missing = await rejection(readDeployment(join(dir, "none.json")), DeploymentFileError);
    expect([missing.field, missing.shortMessage]).to.deep.equal([
      undefined,
      `${join(dir, "none.json")}: cannot be read.`,
    ]);
    const path = await written("bad.json", "{ not json");
    expect((await rejection(readDeployment(path), DeploymentFileError)).shortMessage).to.equal(`${path}: is not JSON.`);
    expect(() => parseDeployment([], "value")).to.throw(DeploymentFileError, "value: the file");
  });
});
