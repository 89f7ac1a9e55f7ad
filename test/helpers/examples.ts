import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { HDNodeWallet } from "ethers";
import { wilsonLowerBound } from "../../sdk/src";
import { seedExampleDeployment } from "../../scripts/seedExamples";
import type { ExampleDeployment } from "../../scripts/seedExamples";
import { startHardhatNode } from "./hardhatNode";
import type { HardhatNode } from "./hardhatNode";

export const ROOT = resolve(__dirname, "../..");

/** The mnemonic of `hardhat node`'s development accounts (public: they never hold real funds). */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** The private key of the node's development account `index`. */
export function devKey(index: number): string {
  return HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey;
}

/** The examples import the SDK by name, which resolves to its build. */
export function requireBuiltSdk(): void {
  if (!existsSync(join(ROOT, "sdk", "dist", "index.mjs"))) {
    throw new Error("The SDK is not built: run `npm run build` (npm test does it first).");
  }
}

/** What a command printed and how it exited. */
export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell, from the repository unless `cwd` says otherwise, and never throws on its exit code. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<CommandRun> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, timeout: options.timeout ?? 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/**
 * The leaderboard both examples must show for the examples' deployment, as printed: rank, account, accepted,
 * rejected, acceptance rate and Wilson lower bound.
 */
export function expectedLeaderboard({ contributors: { alice, bob, carol } }: ExampleDeployment): string[][] {
  return [
    ["1", alice, "3", "0", "100.0%", wilsonLowerBound(3, 3).toFixed(3)],
    ["2", bob, "2", "1", "66.7%", wilsonLowerBound(2, 3).toFixed(3)],
    ["3", carol, "1", "1", "50.0%", wilsonLowerBound(1, 2).toFixed(3)],
  ];
}

/** A `hardhat node` over HTTP with the examples' deployment on it (see scripts/seedExamples.ts). */
export async function startExampleNode(): Promise<{ node: HardhatNode; deployment: ExampleDeployment }> {
  const node = await startHardhatNode();
  try {
    return { node, deployment: await seedExampleDeployment(node.provider) };
  } catch (error) {
    await node.stop();
    throw error;
  }
}
