/**
 * One runtime's run of `npm run bench -- runtimes` (and of the runtime tests), in a process of its own: builds
 * reward trees with all their proofs through the Node entry's `buildRewardTree` (helper thread by default) and prints
 * one line, `RESULT {json}` (a {@link TreeChildResult}). Run as it is under ts-node or tsx; scripts/lib/runtimes.ts
 * compiles it against the built package and bundles it.
 *
 * Arguments: `--cold N` first builds N accounts as a new process meets them (nothing compiled yet, the helper
 * thread starting); `--sizes A,B,…` then builds each size `--repeats` times (default 3) once the helper thread is
 * ready and the code warm.
 */
import { buildRewardTree, treeHelper } from "../../sdk/src/node";
import type { RewardEntry } from "../../sdk/src";
import { rewardEntries } from "../lib/rewardEntries";

/** Milliseconds to build a tree, and to build it and walk all its proofs. */
export interface TreeTiming {
  build: number;
  withProofs: number;
  root: string;
}

export interface TreeChildResult {
  cold?: TreeTiming & { size: number };
  sizes: { size: number; runs: TreeTiming[] }[];
  /** The helper thread after the runs: whether it started, why not, and what it hashed. */
  helper: { ready: boolean; failure?: string; leaves: number; nodes: number };
}

/** `global.gc` when Node runs with --expose-gc. */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

function buildWithProofs(entries: readonly RewardEntry[]): TreeTiming {
  collectGarbage?.();
  const start = performance.now();
  const tree = buildRewardTree(entries);
  const built = performance.now();
  let siblings = 0;
  tree.forEachProof((_account, _amount, proof) => (siblings += proof.length));
  return { build: built - start, withProofs: performance.now() - start, root: tree.root };
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const cold = Number(option("cold") ?? 0);
  const sizes = (option("sizes") ?? "").split(",").filter(Boolean).map(Number);
  const repeats = Number(option("repeats") ?? 3);
  const result: TreeChildResult = { sizes: [], helper: { ready: false, leaves: 0, nodes: 0 } };
  if (cold > 0) result.cold = { size: cold, ...buildWithProofs(rewardEntries(cold)) };

  const ready = await treeHelper().ready();
  // Compiles both threads' code on a tree large enough to be shared.
  buildWithProofs(rewardEntries(40_000));
  for (const size of sizes) {
    const entries = rewardEntries(size);
    result.sizes.push({ size, runs: Array.from({ length: repeats }, () => buildWithProofs(entries)) });
  }
  const { failure, stats } = treeHelper();
  result.helper = { ready, failure: failure?.message, ...stats };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
