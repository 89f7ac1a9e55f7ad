/**
 * The reward tree under every runtime a user may load the SDK with (see scripts/lib/runtimes.ts): ts-node and tsx on
 * the sources, Node on the built CommonJS and ESM, and esbuild bundles of a program importing the package, each in
 * processes of its own, side by side with @openzeppelin/merkle-tree (run here, at 100,000 accounts: about a minute).
 * Every runtime runs three times, in turns, so that load on this shared machine falls on all of them alike; each run
 * builds each size three times, and the table gives the median of the nine. `quick` measures 100,000 accounts only,
 * without OpenZeppelin (about a minute in all).
 */
import { RUNTIMES, prepareRuntimes, runChild } from "../lib/runtimes";
import type { Runtime } from "../lib/runtimes";
import { rewardEntries } from "../lib/rewardEntries";
import { duration, printMachine } from "../lib/timing";
import { printTable } from "../lib/ui";
import { openZeppelin } from "./rewardTree";
import type { TreeChildResult } from "./treeChild";

const ROUNDS = 3;
const REPEATS = 3;
const COLD = 100_000;

interface Measured {
  runtime: Runtime;
  /** Build + all proofs, ms, by size. */
  samples: Map<number, number[]>;
  cold: number[];
  /** Share of all hashing done on the helper thread, per run. */
  helperShare: number[];
  failures: string[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Leaves and internal nodes hashed in a child's run: 2n − 1 per tree of n, the warm-up tree included. */
function hashedIn(result: TreeChildResult): number {
  const trees = [40_000, ...(result.cold ? [result.cold.size] : [])];
  for (const { size, runs } of result.sizes) trees.push(...runs.map(() => size));
  return trees.reduce((sum, n) => sum + 2 * n - 1, 0);
}

export async function runRuntimesBench(quick: boolean): Promise<void> {
  printMachine();
  const sizes = quick ? [100_000] : [100_000, 1_000_000];
  await prepareRuntimes();
  const measured: Measured[] = RUNTIMES.map((runtime) => ({
    runtime,
    samples: new Map(sizes.map((size) => [size, []])),
    cold: [],
    helperShare: [],
    failures: [],
  }));
  const roots = new Map<number, string>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const m of measured) {
      const result = await runChild<TreeChildResult>(m.runtime, [
        "--cold",
        String(COLD),
        "--sizes",
        sizes.join(","),
        "--repeats",
        String(REPEATS),
      ]);
      for (const { size, runs } of result.sizes) {
        for (const run of runs) {
          if ((roots.get(size) ?? run.root) !== run.root) throw new Error(`${m.runtime.name}: another root at ${size}`);
          roots.set(size, run.root);
          m.samples.get(size)?.push(run.withProofs);
        }
      }
      if (result.cold) m.cold.push(result.cold.withProofs);
      m.helperShare.push((result.helper.leaves + result.helper.nodes) / hashedIn(result));
      if (result.helper.failure) m.failures.push(result.helper.failure);
    }
  }

  const oz = quick ? undefined : openZeppelin(rewardEntries(100_000));
  if (oz && oz.root !== roots.get(100_000)) throw new Error(`OpenZeppelin's root differs: ${oz.root}`);

  const medians = measured.map((m) => sizes.map((size) => median(m.samples.get(size) ?? [])));
  const bests = measured.map((m) => sizes.map((size) => Math.min(...(m.samples.get(size) ?? []))));
  const fastest = sizes.map((_, k) => Math.min(...medians.map((row) => row[k])));
  const rows = measured.map((m, r) => [
    m.runtime.name,
    ...sizes.flatMap((_, k) => [
      `${duration(medians[r][k])} (${duration(bests[r][k])})`,
      `${(medians[r][k] / fastest[k]).toFixed(2)}×`,
    ]),
    duration(median(m.cold)),
    `${(100 * Math.min(...m.helperShare)).toFixed(0)}–${(100 * Math.max(...m.helperShare)).toFixed(0)} %`,
  ]);
  rows.push([
    "@openzeppelin/merkle-tree (ts-node, one thread)",
    ...sizes.flatMap((size, k) =>
      size === 100_000 && oz ? [duration(oz.withProofs), `${(oz.withProofs / fastest[k]).toFixed(0)}×`] : ["—", "—"],
    ),
    "—",
    "—",
  ]);
  printTable(
    `Reward tree with all proofs by runtime: median (best) of ${ROUNDS * REPEATS} builds in ${ROUNDS} processes, code warm, helper thread started`,
    [
      "Runtime",
      ...sizes.flatMap((size) => [size.toLocaleString("en-US"), "× fastest"]),
      `First ${COLD.toLocaleString("en-US")} in a new process`,
      "Hashed on the helper",
    ],
    rows,
    [1, 2, 3, 4, 5, 6],
  );

  const worst = sizes.map((_, k) => Math.max(...medians.map((row) => row[k])));
  const spread = (table: number[][]) =>
    Math.max(...sizes.map((_, k) => Math.max(...table.map((row) => row[k])) / Math.min(...table.map((row) => row[k]))));
  console.log(
    `Slowest runtime vs fastest: ${spread(medians).toFixed(2)}× on medians, ${spread(bests).toFixed(2)}× on best runs (goal ≤ 1.3×)`,
  );
  console.log(`100,000 accounts with all proofs, slowest runtime: ${duration(worst[0])} (goal ≤ 0.5 s)`);
  if (sizes.length > 1)
    console.log(`1,000,000 accounts with all proofs, slowest runtime: ${duration(worst[1])} (goal ≤ 4 s)`);
  for (const m of measured) {
    for (const failure of new Set(m.failures)) console.log(`${m.runtime.name}: ${failure}`);
  }
}
