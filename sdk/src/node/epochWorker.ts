/*
 * The epoch's thread (see epochThreads.ts), a module of its own that each thread is started from by path. It builds
 * each model's scorer from what the calling thread prepared, and reads and tallies the settlements posted to it with
 * the very functions attributeEpoch uses, so the sums are the same bits.
 */
import { parentPort, workerData } from "node:worker_threads";
import { tallyJob } from "../epoch/threads";
import type { EpochThreadData, TallyJob } from "../epoch/threads";

const port = parentPort;
if (!port) throw new Error("epochWorker is the epoch's scoring thread; start it with new Worker().");
const data = workerData as EpochThreadData;

port.on("message", (job: TallyJob) => {
  const result = tallyJob(data, job);
  port.postMessage(result, [result.tally.weights.buffer as ArrayBuffer]);
});
