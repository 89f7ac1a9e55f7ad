/**
 * The operator's epochs, one command each (--help for every option):
 *
 *   npm run epoch -- run --network localhost [--epoch 3] [--threads 4] [--grace 3600] [--repropose]
 *       syncs the index, builds the epoch's input from it and the content store, attributes it, writes the report,
 *       the tree and the input hash under epochs/<network>/<n>/, publishes the report and proposes its root; every
 *       step is recorded in state.json, so that a rerun after a crash goes on where it stopped and never proposes
 *       twice.
 *   npm run epoch -- accept --network localhost     accepts the pending root once its challenge window has passed.
 *   npm run epoch -- status --network localhost     a table of the epochs from the index.
 *   npm run epoch -- attribute --input epoch-3.input.json [--previous …] [--report …] [--tree …] [--verify …]
 *       attributes an input file (JSON: the models, the contributions with their texts, the settlements with their
 *       logs; bigints as decimal strings) and writes the report and the tree; with --verify, recomputes a published
 *       report and names the first field that differs.
 *
 * The report's `tree.root`, `tree.total` and `reportHash` are what the attestor passes to `proposeRoot`; the tree
 * file is the OpenZeppelin dump that scripts/claim.ts reads.
 */
import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Provider, Signer } from "ethers";
import * as z from "zod";
import {
  RewardsClient,
  contentUri,
  withDecodedErrors,
  EpochReportMismatchError,
  InvalidInputError,
  attributeEpoch,
  epochRewardTree,
  fetchSettlementLog,
  fetchSettlementLogs,
  readEpochReport,
  verifyEpochReport,
  writeEpochReport,
} from "../sdk/src";
import type { EpochInput, EpochReport, FetchLog, RewardRootView } from "../sdk/src";
import { attributeEpochInThreads, contentStoreFromEnv, epochInputFromChain } from "../sdk/src/node";
import type { EpochInputFromChain, UnavailableItem } from "../sdk/src/node";
import { IEpochClock__factory } from "../typechain-types";
import type { IEpochClock } from "../typechain-types";
import {
  CommandError,
  EXIT,
  SIGNER_ENVIRONMENT,
  SIGNER_OPTIONS,
  SIGNER_SCHEMA,
  exitWithGroup,
  opt,
  signerChoice,
} from "./lib/cli";
import type { Command, CommandGroup } from "./lib/cli";
import { NETWORK_ENVIRONMENT, NETWORK_OPTIONS, NETWORK_SCHEMA, openNetwork } from "./lib/operator";
import type { OperatorNetwork } from "./lib/operator";
import { chainTime, isSet } from "./lib/roots";
import { duration, open, printTable, progress, stagedProgress, when } from "./lib/ui";

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

/** Writes the report to `path` piece by piece (a report of a million records is too large for one string), whole or
 * not at all: into a temporary file beside it, then renamed into place. */
function writeReportFile(path: string, report: EpochReport): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w");
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
  renameSync(temporary, path);
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

const ATTRIBUTE_SCHEMA = z.object({
  input: opt.inputFile("input"),
  logs: opt.folder("logs").optional(),
  threads: opt.integer("threads").optional(),
  previous: opt.inputFile("previous").optional(),
  report: opt.outputFile("report").optional(),
  tree: opt.outputFile("tree").optional(),
  top: opt.integer("top"),
  verify: opt.inputFile("verify").optional(),
});

/** `npm run epoch -- attribute`: see --help. */
export const attributeCommand: Command<z.output<typeof ATTRIBUTE_SCHEMA>> = {
  name: "epoch attribute",
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
    "npm run epoch -- attribute --input epoch-3.input.json --logs data/content --previous epoch-2.report.json --tree epoch-3.tree.json",
    "npm run epoch -- attribute --input epoch-3.input.json --logs data/content --verify epoch-3.report.json",
  ],
  schema: ATTRIBUTE_SCHEMA,
  async run(o) {
    let input = (await readJson(o.input, "epoch input")) as EpochInput;
    if (o.previous) input.previous = readEpochReport(await readJson(o.previous, "previous report"));
    // Threads read each log when they are ready for it; otherwise every log is read first.
    const fromStore = o.logs !== undefined || Boolean(process.env.CONTENT_GATEWAY);
    if (fromStore && (o.threads === undefined || o.verify)) input = await fetchSettlementLogs(input, logFile(o.logs));

    if (o.verify) {
      try {
        verifyEpochReport(await readJson(o.verify, "report"), input);
      } catch (error) {
        if (!(error instanceof EpochReportMismatchError)) throw error;
        console.log(`  recomputed: ${JSON.stringify(error.expected)}`);
        console.log(`  published:  ${JSON.stringify(error.actual)}`);
        // The values go to stdout (they may be long); the one line on stderr says that it failed and where.
        throw new CommandError(`${o.verify} differs at ${error.path} from the recomputed report (both values above).`);
      }
      console.log(`${o.verify} is the report of ${o.input}, bit for bit.`);
      return EXIT.ok;
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

/* THE PIPELINE: `epoch run`, and what the demo calls. */

/** Seconds after an epoch's end before it is attributed by default: late logs and late blocks get an hour. */
export const DEFAULT_GRACE = 3600n;

/** Kills nothing: pauses the run after this step is recorded, so that a test can kill it there (SIGKILL by pid). */
const PAUSE_AFTER = "EPOCH_PAUSE_AFTER";

/** The pipeline's steps, in order, as `state.json` records them. */
export const EPOCH_STEPS = ["synced", "input", "report", "tree", "published", "sent", "mined"] as const;
export type EpochStep = (typeof EPOCH_STEPS)[number];

/** `epochs/<network>/<n>/state.json`: what each step wrote, so that a rerun goes on from there. */
export interface EpochState {
  format: "epoch-state-v1";
  network: string;
  epoch: string;
  /** The last block the index held when the input was built, and its time. */
  synced?: { block: number; timestamp: number };
  input?: { inputHash: string; unavailable: UnavailableItem[] };
  report?: { reportHash: string; root: string; total: string };
  tree?: { root: string };
  published?: { cid: string; uri: string };
  /** The proposal: `sent` is recorded before waiting for it, `mined` once it is. */
  proposal?: { tx: string; status: "sent" | "mined"; block?: number };
  /** Proposals of this epoch the guardian revoked, and where their files were moved (`--repropose`). */
  revoked?: { root: string; tx: string; folder: string }[];
}

/** Options of {@link runEpochPipeline}. */
export interface EpochPipelineOptions {
  /** The attestor. */
  signer: Signer;
  /** Default: the pending root's epoch, else the earliest ended epoch after the current root's with settlements. */
  epoch?: bigint;
  /** Attribute on this many worker threads (same report). */
  threads?: number;
  /** Seconds after the epoch's end before it may run. Default {@link DEFAULT_GRACE}. */
  grace?: bigint;
  /** Recompute and propose again when this epoch's proposed root was revoked. */
  repropose?: boolean;
  /** Where lines about the run go. Default console.log. */
  log?: (line: string) => void;
}

/** What {@link runEpochPipeline} did. */
export interface EpochPipelineResult {
  epoch: bigint;
  /** `epochs/<network>/<n>`. */
  dir: string;
  state: EpochState;
  report: EpochReport;
  /** `proposed` by this run; `already-proposed` (pending) or `already-accepted` by an earlier one. */
  outcome: "proposed" | "already-proposed" | "already-accepted";
}

/** Writes `text` to `path` whole or not at all: a temporary file beside it, then a rename. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** JSON with bigints as decimal strings, as an input file holds them. */
const inputJson = (input: EpochInput) =>
  JSON.stringify(input, (_, v) => (typeof v === "bigint" ? v.toString() : v)) + "\n";

/**
 * The epoch to run when none is given: the pending root's (to report on it), else the earliest ended epoch after the
 * current root's that has settlements in the index. Roots' epochs only increase, so an epoch skipped over could never
 * be rooted and its pots would stay in the pool: the pipeline takes them in order.
 */
async function defaultEpoch(
  network: OperatorNetwork,
  rewards: RewardsClient,
  clock: IEpochClock,
  provider: Provider,
): Promise<bigint> {
  const pending = await rewards.pendingRoot();
  if (isSet(pending)) return pending.epoch;
  const now = await chainTime(provider);
  const genesis = await clock.GENESIS();
  if (now < genesis) throw new CommandError(`the epoch clock starts at ${when(genesis)}: no epoch has ended yet.`);
  const running = await clock.epochAt(now);
  const current = await rewards.currentRoot();
  await network.sync();
  const next = await network.index.db
    .selectFrom("settlements")
    .select((eb) => eb.fn.min<number>("epoch").as("epoch"))
    .where("epoch", ">", isSet(current) ? Number(current.epoch) : -1)
    .where("epoch", "<", Number(running))
    .executeTakeFirst();
  if (next?.epoch === null || next?.epoch === undefined) {
    const end = await clock.epochStart(running + 1n);
    throw new CommandError(
      `nothing to run: no ended epoch ${isSet(current) ? `after epoch ${current.epoch} (rooted) ` : ""}has ` +
        `settlements; epoch ${running} ends at ${when(end)} (in ${duration(end - now)}).`,
    );
  }
  return BigInt(next.epoch);
}

/** The index's revocations of `root` for `epoch`, latest first. */
async function revocations(network: OperatorNetwork, epoch: bigint, root: string) {
  return network.index.db
    .selectFrom("reward_roots")
    .selectAll()
    .where("action", "=", "revoked")
    .where("epoch", "=", Number(epoch))
    .where("root", "=", root.toLowerCase())
    .orderBy("block_number", "desc")
    .execute();
}

/**
 * Runs epoch `n` of `network` to its proposal, each step's output written atomically under `epochs/<network>/<n>/`
 * and recorded in its `state.json`: sync the index past the epoch's end (refused before the end plus the grace
 * period), build the input from the index and the content store (`input.json`, `input-hash`), attribute it
 * (`report.json`), the reward tree (`tree.json`), publish the report to the content store, and propose its root with
 * its hash and `ipfs://<cid>` (the transaction recorded as sent, then mined). A rerun reuses what was written (a
 * written report is never recomputed) and reads the chain's pending root before sending: the same root is reported
 * as already proposed; another pending root is an error and is left alone; a revoked proposal of this run's root is
 * recomputed and proposed again only with `repropose`.
 * @throws CommandError when the epoch cannot run yet, another root is pending, or the root was revoked.
 */
export async function runEpochPipeline(
  network: OperatorNetwork,
  options: EpochPipelineOptions,
): Promise<EpochPipelineResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { provider } = network.connection;
  const rewards = (await RewardsClient.connect(network.address("rewards"), provider)).connect(options.signer);
  const clock = IEpochClock__factory.connect(network.address("clock"), provider);
  const epoch = options.epoch ?? (await defaultEpoch(network, rewards, clock, provider));
  const dir = join(network.epochsDir, epoch.toString());
  const file = (name: string) => join(dir, name);
  const statePath = file("state.json");
  const record = async <K extends keyof EpochState>(step: EpochStep, key: K, value: EpochState[K]) => {
    state[key] = value;
    await writeAtomically(statePath, JSON.stringify(state, null, 2) + "\n");
    if (process.env[PAUSE_AFTER] === step) {
      log(`Paused after ${step} (${PAUSE_AFTER})`);
      // Kept alive until the test kills the process.
      setInterval(() => undefined, 1 << 30);
      await new Promise(() => undefined);
    }
  };

  const end = await clock.epochStart(epoch + 1n);
  const grace = options.grace ?? DEFAULT_GRACE;
  const now = await chainTime(provider);
  if (now < end + grace) {
    throw new CommandError(
      `epoch ${epoch} ends at ${when(end)}; with the grace period of ${duration(grace)} it can run from ` +
        `${when(end + grace)} (in ${duration(end + grace - now)}).`,
    );
  }
  await mkdir(dir, { recursive: true });
  const state: EpochState = (await exists(statePath))
    ? (JSON.parse(await readFile(statePath, "utf8")) as EpochState)
    : { format: "epoch-state-v1", network: network.name, epoch: epoch.toString() };
  const synced = await network.sync();
  const lastBlock = synced.lastBlock === undefined ? undefined : await provider.getBlock(synced.lastBlock);
  if (!lastBlock || BigInt(lastBlock.timestamp) < end) {
    throw new CommandError(
      `the index reached block ${synced.lastBlock ?? "none"}${lastBlock ? ` (${when(lastBlock.timestamp)})` : ""}, ` +
        `before the end of epoch ${epoch} at ${when(end)}: the blocks after it are not confirmed yet; run again later.`,
    );
  }

  // A proposal of this epoch's root that the guardian revoked: recomputed from the chain only when asked.
  if (state.proposal?.status === "mined" && state.report) {
    const revoked = await revocations(network, epoch, state.report.root);
    if (revoked.length > 0 && revoked[0].block_number > (state.proposal.block ?? 0)) {
      const by = `revoked by the guardian ${revoked[0].guardian} in block ${revoked[0].block_number}`;
      if (!options.repropose) {
        throw new CommandError(
          `the root ${state.report.root} proposed for epoch ${epoch} in ${state.proposal.tx} was ${by}; ` +
            "check why (npm run verify-epoch), then rerun with --repropose to recompute and propose again.",
        );
      }
      const folder = `revoked-${(state.revoked?.length ?? 0) + 1}`;
      await mkdir(file(folder));
      for (const name of ["input.json", "input-hash", "report.json", "tree.json"]) {
        if (await exists(file(name))) await rename(file(name), join(dir, folder, name));
      }
      log(`The root ${state.report.root} was ${by}: its files moved to ${folder}/, recomputing.`);
      const revokedRoot = { root: state.report.root, tx: state.proposal.tx, folder };
      for (const key of ["synced", "input", "report", "tree", "published", "proposal"] as const) delete state[key];
      state.revoked = [...(state.revoked ?? []), revokedRoot];
    }
  }
  if (!state.synced) {
    await record("synced", "synced", { block: lastBlock.number, timestamp: lastBlock.timestamp });
  }

  let report: EpochReport;
  if (await exists(file("report.json"))) {
    report = readEpochReport(await readFile(file("report.json"), "utf8")) as EpochReport;
  } else {
    let input: EpochInput;
    if ((await exists(file("input.json"))) && (await exists(file("input-hash")))) {
      input = JSON.parse(await readFile(file("input.json"), "utf8")) as EpochInput;
    } else {
      const bars = stagedProgress((stage) => `Fetching ${stage}`);
      let built: EpochInputFromChain;
      try {
        built = await epochInputFromChain({
          db: network.index,
          store: network.store,
          epoch,
          onProgress: bars.onProgress,
        });
      } finally {
        bars.stop();
      }
      input = built.input;
      for (const item of built.unavailable) log(`Unavailable ${item.kind} ${item.id}: ${firstLine(item.reason, 200)}`);
      await writeAtomically(file("input.json"), inputJson(input));
      await writeAtomically(file("input-hash"), built.inputHash + "\n");
      await record("input", "input", { inputHash: built.inputHash, unavailable: built.unavailable });
    }
    report = await runEpoch(input, options.threads);
    writeReportFile(file("report.json"), report);
  }
  if (!state.report) {
    await record("report", "report", {
      reportHash: report.reportHash,
      root: report.tree.root,
      total: report.tree.total,
    });
  }
  const tree = epochRewardTree(report);
  if (!(await exists(file("tree.json")))) {
    await writeAtomically(file("tree.json"), JSON.stringify(tree.toJSON(), null, 2) + "\n");
  }
  if (!state.tree) await record("tree", "tree", { root: tree.root });
  if (!state.published) {
    const stored = await network.store.put(await readFile(file("report.json")));
    await record("published", "published", { cid: stored.cid, uri: contentUri(stored.cid) });
  }
  const outcome = await propose(network, rewards, epoch, report, state, record, log);
  printEpochSummary(report, state, outcome);
  return { epoch, dir, state, report, outcome };
}

/** Proposes the report's root unless the chain already has it; never a second time, never over another root. */
async function propose(
  network: OperatorNetwork,
  rewards: RewardsClient,
  epoch: bigint,
  report: EpochReport,
  state: EpochState,
  record: <K extends keyof EpochState>(step: EpochStep, key: K, value: EpochState[K]) => Promise<void>,
  log: (line: string) => void,
): Promise<EpochPipelineResult["outcome"]> {
  const { provider } = network.connection;
  const root = report.tree.root.toLowerCase();
  if (state.proposal?.status === "sent") {
    // Sent before a crash: mined since, still waiting in the node's pool, or dropped (then sent again below).
    const sent = await provider.getTransaction(state.proposal.tx);
    const receipt = sent && (await sent.wait());
    if (receipt?.status === 1)
      await record("mined", "proposal", { ...state.proposal, status: "mined", block: receipt.blockNumber });
  }
  const pending = await rewards.pendingRoot();
  if (isSet(pending)) {
    if (pending.epoch === epoch && pending.root.toLowerCase() === root) {
      log(
        `Epoch ${epoch}: already proposed, root ${pending.root} pending, acceptable from ${when(pending.validAt)}` +
          (state.proposal ? ` (${state.proposal.tx})` : "") +
          ".",
      );
      return "already-proposed";
    }
    throw new CommandError(
      `epoch ${epoch}: the distributor has another pending root, ${pending.root} of epoch ${pending.epoch} ` +
        `(reportHash ${pending.reportHash}), not this run's ${report.tree.root}: nothing was sent; it is left for the ` +
        "guardian to revoke or for acceptance after its window.",
    );
  }
  const current = await rewards.currentRoot();
  if (isSet(current) && current.epoch >= epoch) {
    if (current.epoch === epoch && current.root.toLowerCase() === root) {
      log(`Epoch ${epoch}: already accepted, root ${current.root}.`);
      return "already-accepted";
    }
    throw new CommandError(
      `epoch ${epoch}: the distributor's current root is of epoch ${current.epoch} (${current.root}); ` +
        `a root for epoch ${epoch} can no longer be proposed.`,
    );
  }
  if (state.proposal?.status === "mined") {
    const revoked = await revocations(network, epoch, root);
    if (revoked.length === 0) {
      throw new CommandError(
        `epoch ${epoch}: the root proposed in ${state.proposal.tx} is neither pending nor accepted, and the index ` +
          "shows no revocation of it yet; run again once the index has the blocks after it.",
      );
    }
  }
  const uri = state.published!.uri;
  const response = await withDecodedErrors(() =>
    rewards.distributor.proposeRoot(report.tree.root, BigInt(report.tree.total), epoch, report.reportHash, uri),
  );
  await record("sent", "proposal", { tx: response.hash, status: "sent" });
  const receipt = await withDecodedErrors(async () => (await response.wait())!);
  await record("mined", "proposal", { tx: response.hash, status: "mined", block: receipt.blockNumber });
  log(`Epoch ${epoch}: root ${report.tree.root} proposed in block ${receipt.blockNumber}.`);
  return "proposed";
}

/** The first line of `text`, at most `length` characters. */
const firstLine = (text: string, length = 100) => {
  const line = text.split("\n")[0];
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
};

/** An amount in OPEN, and in wei when it is too small to show in OPEN. */
const amount = (wei: bigint) => (wei > 0n && wei < 10n ** 14n ? `${open(wei)} (${wei} wei)` : open(wei));

/** The summary table of a run. */
function printEpochSummary(report: EpochReport, state: EpochState, outcome: EpochPipelineResult["outcome"]): void {
  const excluded = report.settlements.filter((s) => s.status === "excluded");
  printTable(
    "Summary",
    [`Epoch ${report.epoch}`, outcome.replace("-", " ")],
    [
      ["Settlements", `${report.settlements.length} (${excluded.length} excluded)`],
      ...excluded.map((s) => [
        `  excluded ${s.id.slice(0, 10)}…${s.id.slice(-8)}`,
        `${s.exclusion!.code}, ${amount(BigInt(s.carried))} carried: ${firstLine(s.exclusion!.message, 60)}`,
      ]),
      ["Accounts", report.accounts.length],
      ["Pool", amount(BigInt(report.pool))],
      ["Carried over", amount(BigInt(report.carryOver.total))],
      ["Root", report.tree.root],
      ["Total (cumulative)", amount(BigInt(report.tree.total))],
      ["Report hash", report.reportHash],
      ["CID", state.published?.cid ?? "—"],
      ["Transaction", state.proposal ? `${state.proposal.tx} (${state.proposal.status})` : "—"],
    ],
  );
}

const RUN_SCHEMA = z.object({
  ...NETWORK_SCHEMA,
  ...SIGNER_SCHEMA,
  epoch: opt.bigint("epoch").optional(),
  threads: opt.integer("threads").optional(),
  grace: opt.bigint("grace"),
  repropose: opt.flag(),
  epochs: opt.string("epochs").optional(),
});

/** `npm run epoch -- run`: see --help. */
export const epochRunCommand: Command<z.output<typeof RUN_SCHEMA>> = {
  name: "epoch run",
  summary:
    "Runs an epoch to its proposal: syncs the index past the epoch's end, builds the input from the index and the\n" +
    "content store, attributes it, writes report.json, tree.json and input-hash under epochs/<network>/<n>/,\n" +
    "publishes the report and proposes its root with its hash and CID (the attestor signs). Each step is recorded in\n" +
    "state.json: a rerun goes on where the last one stopped and never proposes twice; a pending root that is not\n" +
    "this run's is reported and left alone (exit 1).",
  options: {
    ...NETWORK_OPTIONS,
    ...SIGNER_OPTIONS,
    epoch: {
      type: "string",
      value: "<n>",
      description:
        "the epoch (default: the pending root's, else the earliest ended epoch after the current root's with settlements)",
      example: "--epoch 3",
    },
    threads: {
      type: "string",
      value: "<n>",
      description: "attribute on n worker threads (the same report)",
      example: "--threads 4",
    },
    grace: {
      type: "string",
      value: "<seconds>",
      description: "wait this long after the epoch's end for late logs and blocks",
      example: "--grace 600",
      default: DEFAULT_GRACE.toString(),
    },
    repropose: {
      type: "boolean",
      description: "recompute and propose again an epoch whose proposed root the guardian revoked",
      example: "--repropose",
    },
    epochs: {
      type: "string",
      value: "<dir>",
      description: "where the epochs' folders are written (default epochs/<network>)",
      example: "--epochs epochs/localhost",
    },
  },
  environment: { ...NETWORK_ENVIRONMENT, ...SIGNER_ENVIRONMENT },
  examples: [
    "npm run epoch -- run --network localhost --account-index 0",
    "RPC_URL=https://rpc.example PRIVATE_KEY=0x… npm run epoch -- run --network testnet --epoch 3 --threads 4",
  ],
  schema: RUN_SCHEMA,
  async run(o, context) {
    const opened = await openNetwork(context, o);
    const network = o.epochs === undefined ? opened : { ...opened, epochsDir: o.epochs };
    try {
      const signer = await context.signer(network.connection, signerChoice(o));
      await runEpochPipeline(network, {
        signer,
        epoch: o.epoch,
        threads: o.threads,
        grace: o.grace,
        repropose: o.repropose,
        log: (line) => context.info(line),
      });
    } finally {
      await network.close();
    }
  },
};

/* ACCEPT */

/** Accepts the pending root once its window has passed; returns its epoch and root. */
export async function acceptPendingRoot(
  network: OperatorNetwork,
  signer: Signer,
): Promise<{ epoch: bigint; root: string; tx: string }> {
  const { provider } = network.connection;
  const rewards = (await RewardsClient.connect(network.address("rewards"), provider)).connect(signer);
  const pending = await rewards.pendingRoot();
  if (!isSet(pending)) {
    const current = await rewards.currentRoot();
    throw new CommandError(
      `no pending root to accept${isSet(current) ? ` (the current root is of epoch ${current.epoch})` : ""}.`,
    );
  }
  const now = await chainTime(provider);
  if (now < pending.validAt) {
    throw new CommandError(
      `the root ${pending.root} of epoch ${pending.epoch} is in its challenge window until ${when(pending.validAt)}: ` +
        `accept it in ${duration(pending.validAt - now)}.`,
    );
  }
  const receipt = await rewards.acceptRoot();
  return { epoch: pending.epoch, root: pending.root, tx: receipt.hash };
}

const ACCEPT_SCHEMA = z.object({ ...NETWORK_SCHEMA, ...SIGNER_SCHEMA });

/** `npm run epoch -- accept`: see --help. */
export const epochAcceptCommand: Command<z.output<typeof ACCEPT_SCHEMA>> = {
  name: "epoch accept",
  summary:
    "Accepts the pending reward root once its challenge window has passed (anyone may): its rewards become\n" +
    "claimable. Before that, says how long is left.",
  options: { ...NETWORK_OPTIONS, ...SIGNER_OPTIONS },
  environment: { ...NETWORK_ENVIRONMENT, ...SIGNER_ENVIRONMENT },
  examples: ["npm run epoch -- accept --network localhost --account-index 0"],
  schema: ACCEPT_SCHEMA,
  async run(o, context) {
    const network = await openNetwork(context, o);
    try {
      const signer = await context.signer(network.connection, signerChoice(o));
      const accepted = await acceptPendingRoot(network, signer);
      context.info(`Epoch ${accepted.epoch}: root ${accepted.root} accepted; its rewards can be claimed.`);
    } finally {
      await network.close();
    }
  },
};

/* STATUS */

/** One epoch as `epoch status` shows it. */
export interface EpochStatusRow {
  epoch: bigint;
  ended: boolean;
  settlements: number;
  fees: bigint;
  /** The contributors' shares: what the epoch's settlements put in the reward pool. */
  pool: bigint;
  root: "none" | "pending" | "accepted" | "revoked";
  /** For a pending root: when it can be accepted. */
  validAt?: bigint;
  /** Claimed against this epoch's root (while it was the current one). */
  claimed: bigint;
}

/** The epochs from the first with a settlement or a root to the running one, from the index. */
export async function epochStatus(network: OperatorNetwork): Promise<EpochStatusRow[]> {
  const { db } = network.index;
  const clock = IEpochClock__factory.connect(network.address("clock"), network.connection.provider);
  const now = await chainTime(network.connection.provider);
  const running = now < (await clock.GENESIS()) ? -1n : await clock.epochAt(now);
  const [settlements, roots, claims] = await Promise.all([
    db
      .selectFrom("settlements")
      .select((eb) => [
        "epoch",
        eb.fn.countAll<string>().as("count"),
        eb.fn.sum<string>("fee").as("fees"),
        eb.fn.sum<string>("contributors_share").as("pool"),
      ])
      .groupBy("epoch")
      .execute(),
    db.selectFrom("reward_roots").selectAll().orderBy("block_number").orderBy("log_index").execute(),
    db
      .selectFrom("claims")
      .select((eb) => ["epoch", eb.fn.sum<string>("amount").as("amount")])
      .groupBy("epoch")
      .execute(),
  ]);
  // The chain's roots as they are now: a proposal or acceptance in the blocks left to confirmations shows too.
  const rewards = await RewardsClient.connect(network.address("rewards"), network.connection.provider);
  const [pending, current] = await Promise.all([rewards.pendingRoot(), rewards.currentRoot()]);
  const onChain = (view: RewardRootView, action: "proposed" | "accepted") => ({
    action,
    epoch: Number(view.epoch),
    valid_at: Number(view.validAt),
  });
  const latest: { action: string; epoch: number; valid_at: number | null }[] = [
    ...roots,
    ...(isSet(current) ? [onChain(current, "accepted")] : []),
    ...(isSet(pending) ? [onChain(pending, "proposed")] : []),
  ];
  const epochs = [...settlements.map((s) => Number(s.epoch)), ...latest.map((r) => r.epoch)];
  if (running >= 0n) epochs.push(Number(running));
  if (epochs.length === 0) return [];
  const rows: EpochStatusRow[] = [];
  for (let e = Math.min(...epochs); e <= Math.max(...epochs); e++) {
    const s = settlements.find((x) => Number(x.epoch) === e);
    const last = latest.filter((r) => r.epoch === e).at(-1);
    const state = !last ? "none" : last.action === "proposed" ? "pending" : (last.action as "accepted" | "revoked");
    rows.push({
      epoch: BigInt(e),
      ended: BigInt(e) < running,
      settlements: Number(s?.count ?? 0),
      fees: BigInt(s?.fees ?? 0),
      pool: BigInt(s?.pool ?? 0),
      root: state,
      ...(state === "pending" && { validAt: BigInt(last!.valid_at!) }),
      claimed: BigInt(claims.find((c) => Number(c.epoch) === e)?.amount ?? 0),
    });
  }
  return rows;
}

const STATUS_SCHEMA = z.object({ ...NETWORK_SCHEMA });

/** `npm run epoch -- status`: see --help. */
export const epochStatusCommand: Command<z.output<typeof STATUS_SCHEMA>> = {
  name: "epoch status",
  summary:
    "A table of the epochs, from the index (synced first): ended or running, settlements, fees, the contributors'\n" +
    "pool, the root's state (none, pending with the time left in its window, accepted, revoked) and what was\n" +
    "claimed against it so far.",
  options: NETWORK_OPTIONS,
  environment: NETWORK_ENVIRONMENT,
  examples: ["npm run epoch -- status --network localhost"],
  schema: STATUS_SCHEMA,
  async run(o, context) {
    const network = await openNetwork(context, o);
    try {
      await network.sync();
      const now = await chainTime(network.connection.provider);
      const rows = await epochStatus(network);
      printTable(
        `Epochs of ${network.name} (index at block ${await network.indexer.lastBlock()}, chain time ${when(now)})`,
        ["Epoch", "Ended", "Settlements", "Fees", "Contributors' pool", "Root", "Claimed"],
        rows.map((r) => [
          r.epoch,
          r.ended ? "yes" : "running",
          r.settlements,
          open(r.fees),
          open(r.pool),
          r.root === "pending"
            ? `pending, ${r.validAt! > now ? `acceptable in ${duration(r.validAt! - now)}` : "acceptable now"}`
            : r.root,
          open(r.claimed),
        ]),
        [0, 2, 3, 4, 6],
      );
    } finally {
      await network.close();
    }
  },
};

/** `npm run epoch`: its commands. */
export const epochCommands: CommandGroup = {
  name: "epoch",
  summary:
    "The operator's epochs: run one to its proposal, accept a root after its window, show their status, or\nattribute an input file.",
  commands: {
    run: epochRunCommand as Command<never>,
    accept: epochAcceptCommand as Command<never>,
    status: epochStatusCommand as Command<never>,
    attribute: attributeCommand as Command<never>,
  },
};

if (require.main === module) exitWithGroup(epochCommands);
