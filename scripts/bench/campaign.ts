/**
 * The system-wide invariant campaign (test/invariant/System.campaign.ts) on Hardhat's in-process network: 20 seeded
 * sequences of 50 steps (`quick`: 4), every invariant checked by chain reads after every step, as `npm test` runs it
 * at a smaller depth. Prints state-changing calls (transactions sent) per second, and all JSON-RPC requests (the
 * actions' and the invariant checks' reads, mining) per second, in wall-clock time and in this process's CPU time
 * (Hardhat's EVM runs in this process); then the same campaign in forge (test/foundry, `npm run test:forge`), and the
 * two rates side by side, measured in the same run.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { revertTable, runCampaign, systemFixture } from "../../test/invariant/System.campaign";
import { printMachine } from "../lib/timing";
import { printTable } from "../lib/ui";

const SEED = 20_240_024;
const STEPS = 50;

export async function runCampaignBench(quick: boolean): Promise<void> {
  printMachine();
  const sequences = quick ? 4 : 20;
  // The first deployment is not part of the campaign: later sequences start from its snapshot.
  await loadFixture(systemFixture);
  const cpuStart = process.cpuUsage();
  const result = await runCampaign({ seed: SEED, sequences, steps: STEPS });
  const cpuUsage = process.cpuUsage(cpuStart);
  const cpu = (cpuUsage.user + cpuUsage.system) / 1e6;
  const rate = (count: number, seconds: number) => (count / seconds).toFixed(1);
  printTable(
    `System campaign on Hardhat: ${sequences} sequences × ${STEPS} steps (seed ${SEED}), invariants after every step`,
    ["", "count", "per wall second", "per CPU second"],
    [
      ["state-changing calls", String(result.calls), rate(result.calls, result.seconds), rate(result.calls, cpu)],
      [
        "all JSON-RPC requests",
        String(result.requests),
        rate(result.requests, result.seconds),
        rate(result.requests, cpu),
      ],
      ["steps", String(sequences * STEPS), rate(sequences * STEPS, result.seconds), rate(sequences * STEPS, cpu)],
    ],
    [1, 2, 3],
  );
  console.log(`Wall ${result.seconds.toFixed(1)} s, CPU ${cpu.toFixed(1)} s.`);
  console.log("Calls and reverts per action:");
  for (const row of revertTable(result.counts)) console.log(`  ${row}`);

  // forge deploys the system once per campaign, not per sequence: more sequences keep that set-up out of its rate.
  const forgeSequences = quick ? 100 : 500;
  const forge = forgeCampaign(forgeSequences);
  const hardhatRate = result.calls / result.seconds;
  printTable(
    `The same campaign (Hardhat ${sequences} sequences, forge ${forgeSequences}), invariants after every call`,
    ["runner", "calls", "seconds", "calls per wall second", "ratio"],
    [
      [
        "fast-check on Hardhat (in-process)",
        String(result.calls),
        result.seconds.toFixed(1),
        rate(result.calls, result.seconds),
        "1",
      ],
      [
        "forge (handler calls)",
        String(forge.calls),
        forge.seconds.toFixed(1),
        rate(forge.calls, forge.seconds),
        `${(forge.calls / forge.seconds / hardhatRate).toFixed(0)}×`,
      ],
    ],
    [1, 2, 3, 4],
  );
}

/** Runs the forge campaign for `sequences` sequences and reads its calls and seconds from the wrapper's last line. */
function forgeCampaign(sequences: number): { calls: number; seconds: number } {
  const root = path.resolve(__dirname, "../..");
  const run = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "scripts/foundry/campaign.ts", "--runs", String(sequences)],
    { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const summary = /([\d,]+) calls \(.*\) in ([\d.]+) s:/.exec(run.stdout);
  if (run.status !== 0 || !summary) {
    throw new Error(
      `The forge campaign failed (exit ${run.status}): ${(run.stderr || run.stdout).trim().split("\n").pop()}`,
    );
  }
  return { calls: Number(summary[1].replace(/,/g, "")), seconds: Number(summary[2]) };
}
