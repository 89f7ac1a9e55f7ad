import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { finishEpoch, prepareEpoch } from "../epoch/attribute";
import type { AttributeEpochHooks } from "../epoch/attribute";
import type { EpochInput } from "../epoch/input";
import type { EpochReport } from "../epoch/report";
import type { Attribution } from "../epoch/score";
import { attributionsOf, scoreJob, threadData } from "../epoch/threads";
import type { ScoreResult } from "../epoch/threads";
import { InvalidInputError } from "../errors";
import { loaderFlags, siblingModule } from "./workerModule";

/** How {@link attributeEpochInThreads} spreads the scoring. */
export interface EpochThreadOptions extends AttributeEpochHooks {
  /** Scoring threads, at least 1. Default: the machine's available parallelism. */
  threads?: number;
  /** Records per job sent to a thread. Default: about a sixteenth of each thread's share, 64 to 4,096. */
  chunkSize?: number;
  /** The scoring thread's module (default `epochWorker` next to this module, as for the reward tree's helper). */
  worker?: string | URL;
}

/**
 * `attributeEpoch` with the records scored on worker threads: the calling thread checks the input, reads the logs
 * and deduplicates; each thread builds the models' scorers (the span index, once per thread) and scores the chunks
 * it is given; the calling thread puts the weights back in record order and finishes. The report is byte for byte
 * the one `attributeEpoch` gives, whatever the number of threads, since every weight is computed by the same
 * function on the same values and summed in the same order.
 *
 * Worth it when scoring dominates (many records); each thread holds its own copy of the contributions' texts and
 * index. A thread that fails rejects the whole call (the epoch is all or nothing).
 *
 * @throws as `attributeEpoch` does; InvalidInputError when `threads` or `chunkSize` is not a positive integer.
 */
export async function attributeEpochInThreads(
  input: EpochInput,
  options: EpochThreadOptions = {},
): Promise<EpochReport> {
  const threads = options.threads ?? availableParallelism();
  for (const [name, value] of [
    ["threads", threads],
    ["chunkSize", options.chunkSize ?? 1],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidInputError(`${name} must be a positive integer, not ${String(value)}.`);
    }
  }
  const prepared = prepareEpoch(input);
  const total = prepared.work.length;
  const chunkSize = options.chunkSize ?? Math.min(4_096, Math.max(64, Math.ceil(total / Math.max(1, threads * 16))));
  const chunks = Math.ceil(total / chunkSize);
  const results = new Array<Attribution[]>(chunks);
  if (chunks > 0) {
    const worker =
      options.worker === undefined
        ? siblingModule("epochWorker")
        : typeof options.worker === "string"
          ? pathToFileURL(resolve(options.worker))
          : options.worker;
    if (worker === undefined) throw new InvalidInputError("The epoch worker's location is unknown: pass `worker`.");
    const data = threadData(prepared);
    let next = 0;
    let done = 0;
    const pool = Array.from(
      { length: Math.min(threads, chunks) },
      () => new Worker(worker, { execArgv: loaderFlags(worker), workerData: data }),
    );
    try {
      await Promise.all(
        pool.map(
          (thread) =>
            new Promise<void>((resolveThread, reject) => {
              const send = () => {
                if (next >= chunks) return resolveThread();
                const chunk = next++;
                thread.postMessage(
                  scoreJob(prepared, chunk, chunk * chunkSize, Math.min(total, (chunk + 1) * chunkSize)),
                );
              };
              thread.on("message", (result: ScoreResult) => {
                results[result.chunk] = attributionsOf(result);
                done += result.starts.length - 1;
                options.onProgress?.(done, total);
                send();
              });
              thread.on("error", reject);
              thread.on("exit", (code) => {
                if (next < chunks || code !== 0) reject(new Error(`An epoch scoring thread exited with code ${code}.`));
              });
              send();
            }),
        ),
      );
    } finally {
      await Promise.all(pool.map((thread) => thread.terminate()));
    }
  }
  return finishEpoch(prepared, results.flat());
}
