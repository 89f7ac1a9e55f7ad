import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { ethers } from "ethers";

const ROOT = resolve(__dirname, "../..");
const STARTUP_TIMEOUT_MS = 20_000;

/** A TCP port that was free a moment ago: bind port 0, read the port the system chose, release it. */
export function freePort(): Promise<number> {
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

/** A `hardhat node` child process serving JSON-RPC over HTTP on loopback. */
export interface HardhatNode {
  url: string;
  provider: ethers.JsonRpcProvider;
  /** Stops the node (and the npx that started it) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts `npx hardhat node` on a free loopback port and waits until it answers JSON-RPC. */
export async function startHardhatNode(): Promise<HardhatNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  delete env.HARDHAT_NETWORK;
  // Its own process group, so that stopping it also stops the node npx started.
  const node = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = () => {
    if (node.pid && node.exitCode === null) {
      try {
        process.kill(-node.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };
  process.once("exit", killOnExit);
  let log = "";
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000));
  node.stdout!.on("data", keep);
  node.stderr!.on("data", keep);
  try {
    await waitForRpc(url, node, () => log, STARTUP_TIMEOUT_MS);
  } catch (error) {
    await stopNode(node);
    process.removeListener("exit", killOnExit);
    throw error;
  }
  const provider = new ethers.JsonRpcProvider(url, 31337, { staticNetwork: true, pollingInterval: 100 });
  return {
    url,
    provider,
    async stop() {
      provider.destroy();
      await stopNode(node);
      process.removeListener("exit", killOnExit);
    },
  };
}
