import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { ethers } from "ethers";
import type { JsonRpcSigner } from "ethers";
import { deployProtocol } from "../../deploy/protocol";
import { DEFAULT_EPOCH_LENGTH } from "../../deploy/settlement";
import { DatanetClient, RewardsClient, buildRewardTree } from "../../sdk/src";
import { packSdk } from "../../scripts/checkPackage";
import { startHardhatNode } from "../helpers/hardhatNode";
import type { HardhatNode } from "../helpers/hardhatNode";
import { sdkPolicy } from "../fixtures/sdk";

/*
 * The SDK as a dApp developer gets it: `npm pack`ed (as `npm test` builds it), installed from the tarball into a
 * project of its own with no Hardhat, and imported by name from one small program run four ways: ESM (.mjs), CJS
 * (.cjs), and TypeScript compiled by tsc with moduleResolution node16 and bundler. The program builds a reward tree
 * and checks a proof with @openzeppelin/merkle-tree, allocates a pool, reads a Datanet and claims through a Hardhat
 * node this test starts.
 */

const run = promisify(execFile);
const ROOT = resolve(__dirname, "../..");
const TSC = join(ROOT, "node_modules", ".bin", "tsc");

/** The program, in JavaScript that every runtime below accepts once its imports are written its way. */
function program(imports: string): string {
  return `${imports}
async function main() {
  const { RPC, REGISTRY, DISTRIBUTOR, KEY, ENTRIES, INDEX } = process.env;
  const entries = JSON.parse(ENTRIES).map((e) => ({ account: e.account, amount: BigInt(e.amount) }));
  const tree = buildRewardTree(entries);
  const account = entries[Number(INDEX)].account;
  const amount = tree.amountOf(account);
  const verified = StandardMerkleTree.verify(tree.root, ["address", "uint256"], [account, amount.toString()], tree.proof(account));
  const shares = allocate(1000n, new Map([["a", 1], ["b", 3]]));
  const provider = new JsonRpcProvider(RPC, 31337, { staticNetwork: true });
  const datanets = await DatanetClient.connect(REGISTRY, provider);
  const policy = await datanets.policy(1n);
  const rewards = await RewardsClient.connect(DISTRIBUTOR, new Wallet(KEY, provider));
  const receipt = await rewards.claim(tree, account);
  const claimed = await rewards.claimed(account);
  provider.destroy();
  console.log(JSON.stringify({
    root: tree.root,
    verified,
    shares: [...shares.values()].map(String),
    bond: policy.bond.toString(),
    status: receipt.status,
    claimed: claimed.toString(),
    amount: amount.toString(),
  }));
}
main().catch((error) => { console.error(error); process.exit(1); });
`;
}

const ESM_IMPORTS = `import { DatanetClient, RewardsClient, allocate, buildRewardTree } from "@open-attribution/sdk";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { JsonRpcProvider, Wallet } from "ethers";`;

const CJS_IMPORTS = `const { DatanetClient, RewardsClient, allocate, buildRewardTree } = require("@open-attribution/sdk");
const { StandardMerkleTree } = require("@openzeppelin/merkle-tree");
const { JsonRpcProvider, Wallet } = require("ethers");`;

/** The TypeScript version: the program with types where tsc's strict mode wants them (Node's from ethers' deps). */
function typescriptProgram(): string {
  return (
    program(ESM_IMPORTS)
      .replace("= process.env;", "= process.env as Record<string, string>;")
      .replace("map((e) =>", "map((e: { account: string; amount: string }) =>")
      .replace("main().catch((error) =>", "main().catch((error: unknown) =>") + "export {};\n"
  );
}

function tsconfig(module: string, moduleResolution: string, outDir: string): string {
  return JSON.stringify({
    compilerOptions: { target: "ES2022", module, moduleResolution, strict: true, outDir, skipLibCheck: false },
    files: ["main.ts"],
  });
}

describe("The SDK package, installed from its tarball", function () {
  this.timeout(300_000);

  let node: HardhatNode;
  let signers: JsonRpcSigner[];
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let entries: { account: string; amount: string }[];

  before(async function () {
    node = await startHardhatNode();
    signers = await Promise.all(Array.from({ length: 10 }, (_, i) => node.provider.getSigner(i)));
    const [deployer, guardian, owner, v1] = signers;
    const { rewards, datanets } = await deployProtocol(deployer, { guardian: guardian.address });

    // Datanet 1, whose policy the program reads.
    const client = await DatanetClient.connect(await datanets.getAddress(), owner);
    await client.createDatanet({
      uri: "ipfs://package-test",
      policy: sdkPolicy({ quorum: 1 }),
      validators: [v1.address],
    });

    // A root of four accounts, one claimed by each way of running the program, proposed for ended epoch 1.
    entries = signers.slice(5, 9).map((s, i) => ({ account: s.address, amount: String(BigInt(i + 1) * 10n ** 18n) }));
    const tree = buildRewardTree(entries.map((e) => ({ account: e.account, amount: BigInt(e.amount) })));
    const asAdmin = await RewardsClient.connect(await rewards.getAddress(), deployer);
    await asAdmin.fund(tree.total);
    await node.provider.send("evm_increaseTime", [Number(DEFAULT_EPOCH_LENGTH)]);
    await node.provider.send("evm_mine", []);
    await asAdmin.proposeRoot({ tree, epoch: 1n, reportHash: ethers.ZeroHash, reportURI: "ipfs://report" });
    await node.provider.send("evm_increaseTime", [86_401]);
    await node.provider.send("evm_mine", []);
    await asAdmin.acceptRoot();

    dir = mkdtempSync(join(tmpdir(), "sdk-consumer-"));
    const tarball = packSdk(dir);
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "sdk-consumer",
        private: true,
        dependencies: {
          "@open-attribution/sdk": `file:${tarball}`,
          "@openzeppelin/merkle-tree": "^1.0.8",
          ethers: "^6.13.0",
        },
      }),
    );
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
      cwd: dir,
      timeout: 240_000,
    });
    const relayerKey = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"; // dev account #4
    env = {
      ...process.env,
      RPC: node.url,
      REGISTRY: await datanets.getAddress(),
      DISTRIBUTOR: await rewards.getAddress(),
      KEY: relayerKey,
      ENTRIES: JSON.stringify(entries),
    };
  });

  after(async function () {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** tsc on one of the consumer's configurations; its diagnostics (on stdout) become the error. */
  async function typecheck(config: string): Promise<void> {
    try {
      await run(TSC, ["-p", config], { cwd: dir });
    } catch (error) {
      const { stdout = "", message } = error as { stdout?: string; message: string };
      throw new Error(`${message}\n${stdout}`);
    }
  }

  /** Runs `command` in the consumer project for entry `index` and returns the program's JSON line. */
  async function outcome(index: number, command: string, args: string[], cwd = dir) {
    const { stdout } = await run(command, args, { cwd, env: { ...env, INDEX: String(index) }, timeout: 60_000 });
    return JSON.parse(stdout.trim().split("\n").pop()!);
  }

  function expectClaimed(result: Record<string, unknown>, index: number) {
    const amount = entries[index].amount;
    expect(result).to.deep.include({ verified: true, shares: ["250", "750"], bond: String(10n ** 18n), status: 1 });
    expect([result.amount, result.claimed]).to.deep.equal([amount, amount]);
  }

  it("runs as ESM (.mjs)", async function () {
    writeFileSync(join(dir, "main.mjs"), program(ESM_IMPORTS));
    expectClaimed(await outcome(0, "node", ["main.mjs"]), 0);
  });

  it("runs as CommonJS (.cjs)", async function () {
    writeFileSync(join(dir, "main.cjs"), program(CJS_IMPORTS));
    expectClaimed(await outcome(1, "node", ["main.cjs"]), 1);
  });

  it("type-checks and runs as TypeScript compiled by tsc with moduleResolution node16", async function () {
    writeFileSync(join(dir, "main.ts"), typescriptProgram());
    writeFileSync(join(dir, "tsconfig.node16.json"), tsconfig("Node16", "Node16", "out-node16"));
    await typecheck("tsconfig.node16.json");
    expectClaimed(await outcome(2, "node", ["out-node16/main.js"]), 2);
  });

  it("type-checks and runs as TypeScript compiled by tsc with moduleResolution bundler", async function () {
    writeFileSync(join(dir, "main.ts"), typescriptProgram());
    writeFileSync(join(dir, "tsconfig.bundler.json"), tsconfig("ESNext", "Bundler", "out-bundler"));
    await typecheck("tsconfig.bundler.json");
    mkdirSync(join(dir, "out-bundler"), { recursive: true });
    writeFileSync(join(dir, "out-bundler", "package.json"), JSON.stringify({ type: "module" }));
    expectClaimed(await outcome(3, "node", ["out-bundler/main.js"]), 3);
  });
});
