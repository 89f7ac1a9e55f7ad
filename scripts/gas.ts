/**
 * The gas gate. `npm run gas:check` measures every scenario of `test/gas/scenarios.ts` on a fresh in-process chain
 * whose clock is deterministic, checks that every state-changing function of the deployed contracts has a scenario,
 * and compares the figures with `snapshots/gas.json` and the README's "Gas limits" table: it prints the differences as
 * a table and exits 1 when a figure grew by more than 1%, exceeds its limit, or a scenario is missing or new.
 * `npm run gas:snapshot` (GAS_SNAPSHOT=write) measures the same and rewrites the snapshot.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import hre, { ethers } from "hardhat";
import { reset } from "@nomicfoundation/hardhat-network-helpers";
import { GAS_CONTRACTS, GAS_EXCLUSIONS, GAS_GROUPS } from "../test/gas/scenarios";
import type { RecordGas } from "../test/gas/scenarios";
import { compareGas, coverageProblems, gasTable, parseGasLimits } from "./lib/gasGate";
import type { AbiFunction, GasFigures } from "./lib/gasGate";

const ROOT = path.resolve(__dirname, "..");
const SNAPSHOT = path.join(ROOT, "snapshots", "gas.json");
/** Every group's first block: a fixed time, so that timestamps in calldata and storage are the same every run. */
const START = 2_000_100_000;

type Request = { method: string; params?: unknown[] };
type Provider = {
  request(request: Request): Promise<unknown>;
  send(method: string, params?: unknown[]): Promise<unknown>;
};

/**
 * Gives every block mined without an explicit time the latest block's time plus one second, instead of the wall
 * clock's: otherwise the seconds a slow machine takes between transactions change what streams and accrues, and so
 * which storage slots become nonzero, and the figures would differ from run to run.
 */
function fixClock(provider: Provider): void {
  const request = provider.request.bind(provider);
  let timeSet = false;
  const before = async (method: string, params: unknown[] = []) => {
    if (method === "evm_setNextBlockTimestamp") timeSet = true;
    if (method === "hardhat_reset" || method === "evm_revert") timeSet = false;
    const mines = ["eth_sendTransaction", "eth_sendRawTransaction", "eth_estimateGas", "hardhat_mine", "evm_mine"];
    if (!mines.includes(method) || timeSet || (method === "evm_mine" && params.length > 0)) return;
    const latest = (await request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
      timestamp: string;
    };
    await request({ method: "evm_setNextBlockTimestamp", params: [Number(latest.timestamp) + 1] });
  };
  const after = (method: string) => {
    if (["eth_sendTransaction", "eth_sendRawTransaction", "evm_mine", "hardhat_mine"].includes(method)) timeSet = false;
  };
  provider.request = async (args: Request) => {
    await before(args.method, args.params);
    try {
      return await request(args);
    } finally {
      after(args.method);
    }
  };
  provider.send = (method: string, params?: unknown[]) => provider.request({ method, params });
}

async function measure(): Promise<GasFigures> {
  fixClock(hre.network.provider as unknown as Provider);
  const figures: GasFigures = {};
  const interfaces = new Map<string, InstanceType<typeof ethers.Interface>>();
  const record: RecordGas = async (name, sent) => {
    const match = /^(\w+)\.(\S+) \/ \S/.exec(name);
    if (!match) throw new Error(`Scenario "${name}" is not named "<Contract>.<function> / <scenario>".`);
    if (name in figures) throw new Error(`Scenario "${name}" is measured twice.`);
    const [, contract, fn] = match;
    if (!interfaces.has(contract)) {
      interfaces.set(contract, new ethers.Interface((await hre.artifacts.readArtifact(contract)).abi));
    }
    const tx = await sent;
    const selector = interfaces.get(contract)!.getFunction(fn)?.selector;
    if (selector === undefined || !tx.data.startsWith(selector)) {
      throw new Error(`Scenario "${name}" does not call ${contract}.${fn}.`);
    }
    const gas = (await tx.wait())!.gasUsed;
    figures[name] = Number(gas);
    return gas;
  };
  for (const group of GAS_GROUPS) {
    await reset();
    await hre.network.provider.request({ method: "evm_setNextBlockTimestamp", params: [START] });
    await hre.network.provider.request({ method: "evm_mine", params: [] });
    const started = Date.now();
    await group.run(record);
    console.log(`  ${group.title}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return Object.fromEntries(Object.entries(figures).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function main() {
  const started = Date.now();
  const now = await measure();
  const abis: Record<string, AbiFunction[]> = {};
  for (const contract of GAS_CONTRACTS) abis[contract] = (await hre.artifacts.readArtifact(contract)).abi;
  const problems = coverageProblems(abis, Object.keys(now), GAS_EXCLUSIONS);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (process.env.GAS_SNAPSHOT === "write") {
    fs.mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
    fs.writeFileSync(SNAPSHOT, `${JSON.stringify(now, null, 2)}\n`);
    console.log(`Wrote ${Object.keys(now).length} scenarios to ${path.relative(ROOT, SNAPSHOT)} in ${seconds} s.`);
  } else {
    const snapshot: GasFigures = fs.existsSync(SNAPSHOT) ? JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) : {};
    const limits = parseGasLimits(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
    const comparison = compareGas(snapshot, now, limits);
    console.log(gasTable(comparison));
    problems.push(...comparison.failures);
    console.log(`${Object.keys(now).length} scenarios measured in ${seconds} s.`);
    if (comparison.decreased.length > 0) {
      console.log(`${comparison.decreased.length} figure(s) decreased: run \`npm run gas:snapshot\` to record them.`);
    }
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(`✗ ${problem}`);
    console.error(
      "The gas gate failed: fix the cause, or run `npm run gas:snapshot` and commit the snapshot if intended.",
    );
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
