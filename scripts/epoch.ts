/**
 * Runs Proof of Attribution for one epoch: reads the epoch input (JSON: the models, the contributions with their
 * texts, the inferences; bigints as decimal strings), writes the report and the reward tree, prints the top
 * contributors. With --verify, recomputes a published report from the input instead and names the first field that
 * differs.
 *
 *   npx ts-node --transpile-only scripts/epoch.ts --input epoch-3.input.json
 *       [--previous epoch-2.report.json] [--report epoch-3.report.json] [--tree epoch-3.tree.json] [--top 10]
 *   npx ts-node --transpile-only scripts/epoch.ts --input epoch-3.input.json --verify epoch-3.report.json
 *
 * The report's `tree.root`, `tree.total` and `reportHash` are what the attestor passes to `proposeRoot`; the tree
 * file is the OpenZeppelin dump that scripts/claim.ts reads.
 */
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  InvalidInputError,
  ProtocolError,
  attributeEpoch,
  epochRewardTree,
  readEpochReport,
  serializeEpochReport,
  verifyEpochReport,
} from "../sdk/src";
import type { EpochInput, EpochReport } from "../sdk/src";
import { open, printTable, progress } from "./lib/ui";

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InvalidInputError(`Cannot read the ${what} "${path}".`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`The ${what} "${path}" is not JSON.`, { cause: error });
  }
}

/** Attributes `input` with a progress bar over its inferences. */
export function runEpoch(input: EpochInput): EpochReport {
  const bar = progress("Attributing", input.inferences.length);
  try {
    return attributeEpoch(input, { onProgress: (done) => bar.update(done) });
  } finally {
    bar.stop();
  }
}

/** The `count` best-paid accounts of `report`, with their share of the epoch's pool; `names` labels known accounts. */
export function printTopContributors(
  report: EpochReport,
  count: number,
  names: ReadonlyMap<string, string> = new Map(),
): void {
  const pool = BigInt(report.pool);
  const rows = [...report.accounts]
    .sort((a, b) => (BigInt(b.amount) > BigInt(a.amount) ? 1 : BigInt(b.amount) < BigInt(a.amount) ? -1 : 0))
    .slice(0, count)
    .map((a) => [
      names.get(a.account.toLowerCase()) ?? a.account,
      report.contributions.filter((c) => c.contributor === a.account).length,
      a.weight.toFixed(3),
      pool === 0n ? "—" : `${(Number((BigInt(a.amount) * 1_000_000n) / pool) / 10_000).toFixed(2)}%`,
      open(BigInt(a.amount)),
      open(BigInt(a.cumulative)),
    ]);
  printTable(
    `Epoch ${report.epoch}: ${open(pool)} over ${report.accounts.length} accounts, root ${report.tree.root}`,
    ["Contributor", "Contributions", "Weight", "Share", "This epoch", "Cumulative"],
    rows,
    [1, 2, 3, 4, 5],
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      input: { type: "string" },
      previous: { type: "string" },
      report: { type: "string" },
      tree: { type: "string" },
      top: { type: "string", default: "10" },
      verify: { type: "string" },
    },
  });
  if (!values.input) throw new InvalidInputError("Missing --input <path of the epoch input JSON>.");
  const input = (await readJson(values.input, "epoch input")) as EpochInput;
  if (values.previous) input.previous = readEpochReport(await readJson(values.previous, "previous report"));

  if (values.verify) {
    const result = verifyEpochReport(await readJson(values.verify, "report"), input);
    if (result.ok) console.log(`${values.verify} is the report of ${values.input}, bit for bit.`);
    else {
      console.log(`${values.verify} differs at ${result.path}:`);
      console.log(`  recomputed: ${JSON.stringify(result.expected)}`);
      console.log(`  published:  ${JSON.stringify(result.actual)}`);
      process.exitCode = 1;
    }
    return;
  }

  const report = runEpoch(input);
  const reportPath = values.report ?? values.input.replace(/(\.input)?\.json$/, "") + ".report.json";
  await writeFile(reportPath, serializeEpochReport(report));
  if (values.tree) await writeFile(values.tree, JSON.stringify(epochRewardTree(report).toJSON(), null, 2));
  printTopContributors(report, Number(values.top));
  const copies = report.models.reduce((n, m) => n + m.clusters.reduce((k, c) => k + c.copies.length, 0), 0);
  console.log(
    `${report.inferences.length} inferences, ${report.contributions.length} contributions credited, ` +
      `${copies} copies earning nothing.\nReport ${reportPath}, reportHash ${report.reportHash}` +
      (values.tree ? `\nTree ${values.tree}, total ${report.tree.total}` : ""),
  );
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof ProtocolError ? error.message : error);
    process.exitCode = 1;
  });
}
