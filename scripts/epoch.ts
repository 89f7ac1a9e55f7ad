/**
 * Runs Proof of Attribution for one epoch: reads the epoch input (JSON: the models, the contributions with their
 * texts, the settlements with their inference logs; bigints as decimal strings), writes the report and the reward
 * tree, prints the top
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
import { closeSync, openSync, writeSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  InvalidInputError,
  ProtocolError,
  attributeEpoch,
  epochRewardTree,
  fetchSettlementLogs,
  readEpochReport,
  verifyEpochReport,
  writeEpochReport,
} from "../sdk/src";
import type { EpochInput, EpochReport, FetchLog } from "../sdk/src";
import { attributeEpochInThreads } from "../sdk/src/node";
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
 * each settlement without its log read from `logs` (a folder of logs named by CID) when a thread is ready for it.
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
      ...(logs !== undefined && { fetchLog: logFile(logs) }),
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

const USAGE = `Usage: npm run epoch -- --input <epoch input JSON> [options]

Attributes an epoch: each settlement's contributors' share goes to the contributions its inference log's records
drew on, in proportion to their calls. Writes the report (epoch-report-v2) and, with --tree, the reward tree.

  --input <file>     the epoch input: models, contributions with texts, settlements (bigints as decimal strings)
  --logs <dir>       a folder of inference logs named by CID: a settlement without "log" reads <dir>/<CID of logURI>
  --threads <n>      read and score the settlements on n worker threads (same report; logs read as needed)
  --previous <file>  the previous epoch's report (v1 or v2): cumulative amounts and carry-over
  --report <file>    where to write the report (default: the input's name with .report.json)
  --tree <file>      also write the reward tree (OpenZeppelin dump) for scripts/claim.ts
  --top <n>          accounts to print (default 10)
  --verify <file>    recompute a published report and name the first field that differs (exit code 1)
  -h, --help         this text`;

/** Where a log of `logURI` (`ipfs://<CID>` or a bare CID) is in the folder `dir`. */
function logPath(dir: string, logURI: string): string {
  return `${dir}/${logURI.replace(/^ipfs:\/\//, "")}`;
}

/** Reads a settlement's log from the folder `dir`, or says it is not there. */
function logFile(dir: string): FetchLog {
  return async ({ logURI }) => {
    try {
      return await readFile(logPath(dir, logURI));
    } catch {
      throw new Error(`${logURI.replace(/^ipfs:\/\//, "")} is not in ${dir}.`);
    }
  };
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
      logs: { type: "string" },
      threads: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.input) throw new InvalidInputError("Missing --input <path of the epoch input JSON>.");
  let input = (await readJson(values.input, "epoch input")) as EpochInput;
  if (values.previous) input.previous = readEpochReport(await readJson(values.previous, "previous report"));
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new InvalidInputError(`--threads must be a positive integer, not "${values.threads}".`);
  }
  // Threads read each log when they are ready for it; otherwise every log is read first.
  if (values.logs && (threads === undefined || values.verify)) {
    input = await fetchSettlementLogs(input, logFile(values.logs));
  }

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

  const report = await runEpoch(input, threads, values.logs);
  const reportPath = values.report ?? values.input.replace(/(\.input)?\.json$/, "") + ".report.json";
  writeReportFile(reportPath, report);
  if (values.tree) await writeFile(values.tree, JSON.stringify(epochRewardTree(report).toJSON(), null, 2));
  printTopContributors(report, Number(values.top));
  const excluded = report.settlements.filter((x) => x.status === "excluded").length;
  const records = report.settlements.reduce((n, x) => n + x.records.length, 0);
  const copies = report.models.reduce((n, m) => n + m.clusters.reduce((k, c) => k + c.copies.length, 0), 0);
  console.log(
    `${report.settlements.length} settlements (${excluded} excluded), ${records} records, ` +
      `${report.contributions.length} contributions credited, ` +
      `${copies} copies earning nothing.\nReport ${reportPath}, reportHash ${report.reportHash}` +
      (values.tree ? `\nTree ${values.tree}, total ${report.tree.total}` : ""),
  );
}

if (require.main === module) {
  main().catch((error) => {
    const badInput =
      error instanceof InvalidInputError || (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION";
    console.error(error instanceof ProtocolError || badInput ? (error as Error).message : error);
    process.exitCode = badInput ? 2 : 1;
  });
}
