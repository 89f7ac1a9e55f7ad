import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { finishEpoch, prepareEpoch } from "../epoch/attribute";
import type { AttributeEpochHooks } from "../epoch/attribute";
import type { EpochInput } from "../epoch/input";
import type { EpochReport } from "../epoch/report";
import { withFetchedLog } from "../epoch/settlements";
import type { FetchLog, SettlementTally } from "../epoch/settlements";
import { threadData } from "../epoch/threads";
import type { TallyResult } from "../epoch/threads";
import { InvalidInputError } from "../errors";
import { loaderFlags, siblingModule } from "./workerModule";

/** How {@link attributeEpochInThreads} spreads the work. */
export interface EpochThreadOptions extends AttributeEpochHooks {
  /** Threads that read and score settlements, at least 1. Default: the machine's available parallelism. */
  threads?: number;
  /** The thread's module (default `epochWorker` next to this module, as for the reward tree's helper). */
  worker?: string | URL;
  /**
   * Fetches the log of a settlement that the input gives without `log` and without `fetchError`, just before a
   * thread reads it, so that the calling thread holds only the logs in flight (two per thread) rather than every
   * log of the epoch: e.g. from a content store by `logURI`. A rejection excludes the settlement as
   * `log-unavailable`, its message in the report. Without `fetchLog`, such a settlement is `log-unavailable`.
   */
  fetchLog?: FetchLog;
}

/**
 * `attributeEpoch` with the settlements read and scored on worker threads: the calling thread checks the input and
 * prepares the models (dedup, classifiers); each thread builds the models' scorers (the span index, once per
 * thread), then reads each settlement's log it is given, scores its records and sends back the settlement's tally
 * (sums per contribution and the report's records, no text); the calling thread splits the pots and finishes. The
 * report is byte for byte the one `attributeEpoch` gives, whatever the number of threads, since every settlement is
 * tallied by the same function and the tallies are combined in settlement order.
 *
 * Work is shared by settlement: an epoch of one huge settlement gains nothing from a second thread. Each thread holds
 * its own copy of the contributions' texts and index. A thread that fails rejects the whole call (the epoch is all
 * or nothing).
 *
 * @throws as `attributeEpoch` does; InvalidInputError when `threads` is not a positive integer.
 */
export async function attributeEpochInThreads(
  input: EpochInput,
  options: EpochThreadOptions = {},
): Promise<EpochReport> {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new InvalidInputError(`threads must be a positive integer, not ${String(threads)}.`);
  }
  if (options.fetchLog !== undefined && typeof options.fetchLog !== "function") {
    throw new InvalidInputError("fetchLog must be a function.");
  }
  const prepared = prepareEpoch(input);
  const total = prepared.settlements.length;
  const tallies = new Array<SettlementTally>(total);
  if (total > 0) {
    const worker =
      options.worker === undefined
        ? siblingModule("epochWorker")
        : typeof options.worker === "string"
          ? pathToFileURL(resolve(options.worker))
          : options.worker;
    if (worker === undefined) throw new InvalidInputError("The epoch worker's location is unknown: pass `worker`.");
    if (worker.protocol === "file:" && !existsSync(worker)) {
      throw new InvalidInputError(`The epoch worker ${fileURLToPath(worker)} does not exist.`);
    }
    const data = threadData(prepared);
    // Ids come back from a thread as copies: the input's own strings are kept instead, once each.
    const idOf = new Map(prepared.data.contributions.map((c) => [c.id, c.id]));
    let next = 0;
    let done = 0;
    const pool = Array.from(
      { length: Math.min(threads, total) },
      () => new Worker(worker, { execArgv: loaderFlags(worker), workerData: data }),
    );
    try {
      await Promise.all(
        pool.map(
          (thread) =>
            new Promise<void>((resolveThread, reject) => {
              let inFlight = 0;
              // Two jobs per thread, so that the next log is fetched and posted while a thread scores.
              const send = async () => {
                if (next >= total) {
                  if (inFlight === 0) resolveThread();
                  return;
                }
                const job = next++;
                inFlight++;
                const settlement = prepared.settlements[job];
                thread.postMessage({
                  job,
                  settlement: options.fetchLog ? await withFetchedLog(settlement, options.fetchLog) : settlement,
                });
              };
              thread.on("message", ({ job, tally }: TallyResult) => {
                tally.ids = tally.ids.map((id) => idOf.get(id) ?? id);
                for (const record of tally.records) {
                  for (const share of record.top)
                    share.contribution = idOf.get(share.contribution) ?? share.contribution;
                }
                tallies[job] = tally;
                inFlight--;
                options.onProgress?.(++done, total);
                send().catch(reject);
              });
              thread.on("error", reject);
              thread.on("exit", (code) => {
                if (next < total || inFlight > 0 || code !== 0) {
                  reject(new Error(`An epoch thread exited with code ${code}.`));
                }
              });
              send().then(send).catch(reject);
            }),
        ),
      );
    } finally {
      await Promise.all(pool.map((thread) => thread.terminate()));
    }
  }
  return finishEpoch(prepared, tallies);
}
