import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploymentFile } from "./deploymentFile";
import { runCommand } from "./examples";
import type { CommandRun } from "./examples";
import { startHardhatNode } from "./hardhatNode";
import type { HardhatNode } from "./hardhatNode";

/** The first development account of a hardhat node. */
export const ACCOUNT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/**
 * `npm run demo -- --network localhost` run once on a `hardhat node`, in a folder of its own (DEMO_ROOT), for the
 * tests that read what it leaves: the node keeps running until the whole test run ends.
 */
export interface DemoNode {
  node: HardhatNode;
  /** DEMO_ROOT: deployments/, data/ (the index, the content folder), epochs/. */
  root: string;
  run: CommandRun;
  /** The environment of the children: none of the variables that would point them elsewhere. */
  env: NodeJS.ProcessEnv;
  /** The network options of the operator commands for what the demo left. */
  networkArgs: string[];
}

let started: Promise<DemoNode> | undefined;
let cleanup: (() => Promise<void>) | undefined;

async function start(): Promise<DemoNode> {
  const node = await startHardhatNode();
  const root = await mkdtemp(join(tmpdir(), "demo-network-"));
  cleanup = async () => {
    await node.stop();
    await rm(root, { recursive: true, force: true });
  };
  // What an earlier node left: a deployment whose contracts this node does not have, and its index.
  await mkdir(join(root, "deployments"), { recursive: true });
  await mkdir(join(root, "data", "localhost", "index"), { recursive: true });
  const stale = deploymentFile(ACCOUNT_0, {
    contracts: {
      open: {
        contract: "OpenToken",
        address: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        block: 1,
        txHash: `0x${"11".repeat(32)}`,
        abiHash: `0x${"22".repeat(32)}`,
        codeHash: `0x${"33".repeat(32)}`,
      },
    },
  });
  await writeFile(join(root, "deployments", "localhost.json"), JSON.stringify(stale, null, 2));
  const env = { ...process.env };
  for (const name of ["HARDHAT_NETWORK", "PRIVATE_KEY", "DATABASE_URL", "CONTENT_GATEWAY", "RPC_URL", "DEPLOYMENT"]) {
    delete env[name];
  }
  const run = await runCommand("npx", ["hardhat", "run", "scripts/demo.ts", "--network", "localhost"], {
    env: { ...env, RPC_URL: node.url, DEMO_ROOT: root },
    timeout: 360_000,
  });
  const networkArgs = [
    ...["--network", "localhost", "--rpc", node.url, "--deployment", join(root, "deployments", "localhost.json")],
    ...["--data", join(root, "data", "localhost"), "--content", join(root, "data", "content")],
  ];
  return { node, root, run, env, networkArgs };
}

/** The demo on a node, started by the first test that asks (a failed start is not retried: its output says why). */
export function demoOnNode(): Promise<DemoNode> {
  started ??= start();
  return started;
}

// A root hook: the node and its folder go when the whole run ends, whichever files used them.
after(async function () {
  await cleanup?.();
});
