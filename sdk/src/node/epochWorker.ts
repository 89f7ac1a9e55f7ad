/*
 * The epoch's scoring thread (see epochThreads.ts), a module of its own that each thread is started from by path. It
 * builds each model's scorer from what the calling thread prepared and scores the chunks of records posted to it,
 * with the very functions attributeEpoch uses, so the weights are the same bits.
 */
import { parentPort, workerData } from "node:worker_threads";
import { scoreChunk } from "../epoch/threads";
import type { EpochThreadData, ScoreJob } from "../epoch/threads";

const port = parentPort;
if (!port) throw new Error("epochWorker is the epoch's scoring thread; start it with new Worker().");
const data = workerData as EpochThreadData;

port.on("message", (job: ScoreJob) => port.postMessage(scoreChunk(data, job)));
