/**
 * Runs Proof of Attribution for one epoch: reads the epoch input (JSON: the models, the contributions with their
 * texts, the settlements with their inference logs; bigints as decimal strings), writes the report and the reward
 * tree, prints the top
 * contributors. With --verify, recomputes a published report from the input instead and names the first field that
 * differs.
 *
 *   npm run epoch -- --input epoch-3.input.json
 *       [--previous epoch-2.report.json] [--report epoch-3.report.json] [--tree epoch-3.tree.json] [--top 10]
 *   npm run epoch -- --input epoch-3.input.json --verify epoch-3.report.json   (--help for every option)
 *
 * The report's `tree.root`, `tree.total` and `reportHash` are what the attestor passes to `proposeRoot`; the tree
 * file is the OpenZeppelin dump that scripts/claim.ts reads.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import * as z from "zod";
import {
  InvalidInputError,
  attributeEpoch,
  epochRewardTree,
  fetchSettlementLog,
  fetchSettlementLogs,
  readEpochReport,
  verifyEpochReport,
  writeEpochReport,
} from "../sdk/src";
import type { EpochInput, EpochReport, FetchLog } from "../sdk/src";
import { attributeEpochInThreads, contentStoreFromEnv } from "../sdk/src/node";
import { EXIT, exitWith, opt } from "./lib/cli";
import type { Command } from "./lib/cli";
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

/**
 * Attributes `input` with a progress bar over its settlements: in this thread, or with `threads` on worker threads,
 * each settlement without its log read from the content folder `logs` (or `CONTENT_GATEWAY`) when a thread is ready
 * for it.
 */
export async function runEpoch(input: EpochInput, threads?: number, logs?: string): Promise<EpochReport> {
  let bar: ReturnType<typeof progress> | undefined;
  const onProgress = (done: number, total: number) => {
    bar ??= progress("Attributing settlements", total);
    bar.update(done);
  };
  try {
    if (threads === undefined) return attributeEpoch(input, { onProgress });
    return await attributeEpochInThreads(input, {
      threads,
      onProgress,
      ...((logs !== undefined || process.env.CONTENT_GATEWAY) && { fetchLog: logFile(logs) }),
    });
  } finally {
    bar?.stop();
  }
}

/** Writes the report piece by piece: a report of a million records is too large for one string. */
function writeReportFile(path: string, report: EpochReport): void {
  const fd = openSync(path, "w");
  try {
    let pending = "";
    writeEpochReport(report, (text) => {
      pending += text;
      if (pending.length >= 1 << 20) {
        writeSync(fd, pending);
        pending = "";
      }
    });
    writeSync(fd, pending);
  } finally {
    closeSync(fd);
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
      pool === 0n ? "—" : `${(Number((BigInt(a.amount) * 1_000_000n) / pool) / 10_000).toFixed(2)}%`,
      open(BigInt(a.amount)),
      open(BigInt(a.cumulative)),
    ]);
  printTable(
    `Epoch ${report.epoch}: ${open(pool)} over ${report.accounts.length} accounts, root ${report.tree.root}`,
    ["Contributor", "Contributions", "Share", "This epoch", "Cumulative"],
    rows,
    [1, 2, 3, 4],
  );
}

/**
 * Reads a settlement's log from the content folder `dir`, or from `CONTENT_GATEWAY` when that is set, each byte
 * checked against the CID in its `logURI`; a missing or damaged log rejects with a message naming the settlement.
 */
function logFile(dir: string | undefined): FetchLog {
  const store = contentStoreFromEnv(dir === undefined ? {} : { dir });
  return (settlement) => fetchSettlementLog(store, settlement);
}

const EPOCH_SCHEMA = z.object({
  input: opt.inputFile("input"),
  logs: opt.folder("logs").optional(),
  threads: opt.integer("threads").optional(),
  previous: opt.inputFile("previous").optional(),
  report: opt.outputFile("report").optional(),
  tree: opt.outputFile("tree").optional(),
  top: opt.integer("top"),
  verify: opt.inputFile("verify").optional(),
});

/** `npm run epoch`: see --help. */
export const epochCommand: Command<z.output<typeof EPOCH_SCHEMA>> = {
  name: "epoch",
  summary:
    "Attributes an epoch: each settlement's contributors' share goes to the contributions its inference log's records\n" +
    "drew on, in proportion to their calls. Writes the report (epoch-report-v2) and, with --tree, the reward tree.\n" +
    "With --verify, recomputes a published report instead and names the first field that differs (exit code 1).",
  options: {
    input: {
      type: "string",
      value: "<file>",
      description: "the epoch input: models, contributions with texts, settlements (bigints as decimal strings)",
      example: "--input epoch-3.input.json",
    },
    logs: {
      type: "string",
      value: "<dir>",
      description:
        'the content folder of the inference logs (files named by CID): a settlement without "log" reads the CID of ' +
        "its logURI there, checked against it; with CONTENT_GATEWAY set and no --logs, from that gateway",
      example: "--logs data/content",
    },
    threads: {
      type: "string",
      value: "<n>",
      description: "read and score the settlements on n worker threads (same report; logs read as needed)",
      example: "--threads 4",
    },
    previous: {
      type: "string",
      value: "<file>",
      description: "the previous epoch's report (v1 or v2): cumulative amounts and carry-over",
      example: "--previous epoch-2.report.json",
    },
    report: {
      type: "string",
      value: "<file>",
      description: "where to write the report (default: the input's name with .report.json)",
      example: "--report epoch-3.report.json",
    },
    tree: {
      type: "string",
      value: "<file>",
      description: "also write the reward tree (OpenZeppelin dump) for npm run claim",
      example: "--tree epoch-3.tree.json",
    },
    top: { type: "string", value: "<n>", description: "accounts to print", example: "--top 20", default: "10" },
    verify: {
      type: "string",
      value: "<file>",
      description: "recompute this published report and name the first field that differs (exit code 1)",
      example: "--verify epoch-3.report.json",
    },
  },
  examples: [
    "npm run epoch -- --input epoch-3.input.json --logs data/content --previous epoch-2.report.json --tree epoch-3.tree.json",
    "npm run epoch -- --input epoch-3.input.json --logs data/content --verify epoch-3.report.json",
  ],
  schema: EPOCH_SCHEMA,
  async run(o) {
    let input = (await readJson(o.input, "epoch input")) as EpochInput;
    if (o.previous) input.previous = readEpochReport(await readJson(o.previous, "previous report"));
    // Threads read each log when they are ready for it; otherwise every log is read first.
    const fromStore = o.logs !== undefined || Boolean(process.env.CONTENT_GATEWAY);
    if (fromStore && (o.threads === undefined || o.verify)) input = await fetchSettlementLogs(input, logFile(o.logs));

    if (o.verify) {
      const result = verifyEpochReport(await readJson(o.verify, "report"), input);
      if (result.ok) {
        console.log(`${o.verify} is the report of ${o.input}, bit for bit.`);
        return EXIT.ok;
      }
      console.log(`${o.verify} differs at ${result.path}:`);
      console.log(`  recomputed: ${JSON.stringify(result.expected)}`);
      console.log(`  published:  ${JSON.stringify(result.actual)}`);
      return EXIT.failed;
    }

    const report = await runEpoch(input, o.threads, o.logs);
    const reportPath = o.report ?? o.input.replace(/(\.input)?\.json$/, "") + ".report.json";
    writeReportFile(reportPath, report);
    if (o.tree) await writeFile(o.tree, JSON.stringify(epochRewardTree(report).toJSON(), null, 2));
    printTopContributors(report, o.top);
    const excluded = report.settlements.filter((x) => x.status === "excluded").length;
    const records = report.settlements.reduce((n, x) => n + x.records.length, 0);
    const copies = report.models.reduce((n, m) => n + m.clusters.reduce((k, c) => k + c.copies.length, 0), 0);
    console.log(
      `${report.settlements.length} settlements (${excluded} excluded), ${records} records, ` +
        `${report.contributions.length} contributions credited, ` +
        `${copies} copies earning nothing.\nReport ${reportPath}, reportHash ${report.reportHash}` +
        (o.tree ? `\nTree ${o.tree}, total ${report.tree.total}` : ""),
    );
  },
};

if (require.main === module) exitWith(epochCommand);
