/**
 * Benchmarks, figures measured side by side in one run: `npm run bench` runs every part, `npm run bench -- spans`
 * (or `tree`, `influence`, `epoch`, `indexer`, `app`, `campaign`) one of them. `BENCH_QUICK=1` runs smaller sizes (each part says what it shrinks).
 *
 * - tree: reward tree and allocation against @openzeppelin/merkle-tree and merkletreejs (about 4 minutes);
 * - runtimes: reward tree under ts-node, tsx, the built CJS and ESM and esbuild bundles, against
 *   @openzeppelin/merkle-tree (about 4 minutes);
 * - spans: suffix array build against mnemonist, attribution against a 50 MiB corpus, index size (about a minute);
 * - influence: influence functions (n = 5,000, d = 100) and KNN-Shapley (N = 100,000, d = 384) (under a minute);
 * - epoch: near-duplicate clustering and a whole epoch's attribution over the SpamAssassin corpus (about a minute);
 * - indexer: 100,000 protocol events from a local hardhat node synced into PGlite and into PostgreSQL (about two
 *   minutes, most of it making the events);
 * - app: the web app's API over an index of 100,000 contributions, in PGlite and in PostgreSQL (about a minute);
 * - campaign: the system-wide invariant campaign on Hardhat's in-process network, calls per second (a few minutes).
 */
import { runAppBench } from "./bench/app";
import { runCampaignBench } from "./bench/campaign";
import { runEpochBench } from "./bench/epoch";
import { runIndexerBench } from "./bench/indexer";
import { runInfluenceBench } from "./bench/influence";
import { runRewardTreeBench } from "./bench/rewardTree";
import { runRuntimesBench } from "./bench/runtimes";
import { runSpansBench } from "./bench/spans";
import { UsageError, parseStrict, runMain } from "./lib/cli";
import { printMachine } from "./lib/timing";

const PARTS: Record<string, (quick: boolean) => Promise<void>> = {
  tree: runRewardTreeBench,
  runtimes: runRuntimesBench,
  spans: runSpansBench,
  influence: runInfluenceBench,
  epoch: runEpochBench,
  indexer: runIndexerBench,
  app: runAppBench,
  campaign: runCampaignBench,
};

const HELP = `Usage: npm run bench [-- part...]

Benchmarks, measured side by side in one run: every part, or the ones named. BENCH_QUICK=1 runs smaller sizes.
  tree       reward tree and allocation against @openzeppelin/merkle-tree and merkletreejs
  runtimes   the reward tree under ts-node, tsx, the built CJS and ESM and esbuild bundles
  spans      suffix array build against mnemonist, span attribution over a 50 MiB corpus
  influence  influence functions and KNN-Shapley
  epoch      near-duplicate clustering and a whole epoch's attribution over SpamAssassin
  indexer    100,000 protocol events synced into PGlite and into PostgreSQL
  app        the web app's API over an index of 100,000 contributions
  campaign   the system campaign on Hardhat (fast-check) against forge, calls per second`;

/** `npm run bench -- [part...]`: every part, or the ones named. */
export async function benchMain(argv: string[]): Promise<number> {
  const { values, positionals: asked } = parseStrict(argv, { help: { type: "boolean", short: "h" } }, true);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const unknown = asked.filter((part) => !Object.hasOwn(PARTS, part));
  if (unknown.length > 0) {
    throw new UsageError(`unknown part ${unknown.join(", ")}: choose from ${Object.keys(PARTS).join(", ")}.`);
  }
  const quick = process.env.BENCH_QUICK === "1";
  printMachine();
  for (const part of asked.length > 0 ? asked : Object.keys(PARTS)) {
    console.log(`\n=== ${part}${quick ? " (quick)" : ""} ===`);
    await PARTS[part](quick);
  }
  return 0;
}

if (require.main === module) {
  void runMain("bench", benchMain).then((code) => {
    process.exitCode = code;
  });
}
