/*
 * The reward tree's helper thread (see treeHelper.ts), a module of its own that the thread is started from by path.
 * It runs the same kernels as the calling thread: runTreeJob on every job posted to it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { wasmKeccak } from "../rewards/keccak";
import { runTreeJob } from "../rewards/treeJobs";
import type { TreeJob } from "../rewards/treeJobs";

/** What the helper thread is started with. */
export interface TreeWorkerData {
  /** Leaves (word 0) and internal nodes (word 1) the thread hashed. */
  hashed: BigInt64Array;
}

const port = parentPort;
if (!port) throw new Error("treeWorker is the reward tree's helper thread; start it with new Worker().");
const { hashed } = workerData as TreeWorkerData;
const keccak = wasmKeccak();

port.on("message", (job: TreeJob) => {
  const word = job.kind === "leaves" ? 0 : 1;
  runTreeJob(job, keccak, (count) => Atomics.add(hashed, word, BigInt(count)));
});
// The handshake: the kernels are loaded and the keccak module instantiated.
port.postMessage("ready");
