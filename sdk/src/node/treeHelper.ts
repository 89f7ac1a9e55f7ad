import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { TreeHelper, TreeJob } from "../rewards/treeJobs";
import type { TreeWorkerData } from "./treeWorker";
import { loaderFlags, siblingModule } from "./workerModule";

/**
 * Smallest tree shared with the helper thread by default. Below it the hand-over (and, the first time, the thread's
 * start of 30–80 ms) costs about what the thread saves.
 */
export const HELPER_MIN_LEAVES = 1 << 15;

/** How a {@link TreeHelperThread} starts and when it is used. */
export interface TreeHelperOptions {
  /**
   * The helper thread's module, as a file path or URL. Default: `treeWorker` next to the module that starts the thread, with the same
   * extension: `dist/treeWorker.js` or `dist/treeWorker.mjs` in the package, `src/node/treeWorker.ts` in the
   * sources; in a bundle, next to the bundle, where the bundler must emit it (see the README).
   */
  worker?: string | URL;
  /** Smallest tree to share with the thread (default {@link HELPER_MIN_LEAVES}); never on a single core. */
  minLeaves?: number;
  /**
   * Called once if the thread cannot start or dies; from then on trees are hashed on the calling thread alone (same
   * trees, slower). Default: a process warning.
   */
  onFailure?: (error: Error) => void;
}

/** What a helper thread has hashed so far: the proof that it ran. */
export interface TreeHelperStats {
  leaves: number;
  nodes: number;
}

/**
 * A worker thread that hashes part of every large reward tree built with it (see {@link TreeHelper}), started on
 * first use from its own module file and kept for later trees. It never keeps the process alive. If it cannot start
 * or dies, that is noticed through its `error` and `exit` events (and a build in progress never waits on it for more
 * than a few milliseconds), and trees are hashed on the calling thread from then on.
 */
export class TreeHelperThread implements TreeHelper {
  /** The module the thread runs. */
  readonly worker: URL | undefined;
  private readonly minLeaves: number;
  private readonly onFailure: (error: Error) => void;
  private readonly hashed = new BigInt64Array(new SharedArrayBuffer(16));
  private thread?: Worker;
  private state: "idle" | "starting" | "ready" | "failed" | "closed" = "idle";
  private failed?: Error;
  private readonly started: Promise<boolean>;
  private settleStart!: (ready: boolean) => void;

  constructor(options: TreeHelperOptions = {}) {
    const { worker } = options;
    this.worker =
      worker === undefined ? defaultWorker() : typeof worker === "string" ? pathToFileURL(resolve(worker)) : worker;
    this.minLeaves = options.minLeaves ?? HELPER_MIN_LEAVES;
    this.onFailure = options.onFailure ?? ((error) => process.emitWarning(error, { code: "OPEN_TREE_HELPER_FAILED" }));
    this.started = new Promise((resolve) => (this.settleStart = resolve));
  }

  wants(leaves: number): boolean {
    return leaves >= this.minLeaves && CORES > 1 && this.state !== "failed" && this.state !== "closed";
  }

  post(job: TreeJob): void {
    this.start();
    this.thread?.postMessage(job);
  }

  /**
   * Starts the thread if it has not started yet; resolves with true once it is ready to hash (its start-up
   * handshake), with false if it failed or was closed. Awaiting it is never needed, only a way to pay for the start
   * before the first tree.
   */
  ready(): Promise<boolean> {
    this.start();
    return this.started;
  }

  /** Leaves and internal nodes hashed on the helper thread so far. */
  get stats(): TreeHelperStats {
    return { leaves: Number(Atomics.load(this.hashed, 0)), nodes: Number(Atomics.load(this.hashed, 1)) };
  }

  /** Why the thread is not used, if it failed. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /** Stops the thread; later trees are hashed on the calling thread. */
  async close(): Promise<void> {
    const thread = this.thread;
    this.state = "closed";
    this.settleStart(false);
    await thread?.terminate();
  }

  private start(): void {
    if (this.state !== "idle") return;
    this.state = "starting";
    if (this.worker === undefined) {
      this.fail(new Error("the module's own location is unknown (pass the worker file as the `worker` option)"));
      return;
    }
    try {
      const workerData: TreeWorkerData = { hashed: this.hashed };
      this.thread = new Worker(this.worker, { execArgv: loaderFlags(this.worker), workerData });
    } catch (error) {
      this.fail(error);
      return;
    }
    this.thread.unref();
    this.thread.once("message", () => {
      if (this.state !== "starting") return;
      this.state = "ready";
      this.settleStart(true);
    });
    this.thread.on("error", (error) => this.fail(error));
    this.thread.on("exit", (code) => this.fail(new Error(`it exited with code ${code}`)));
  }

  private fail(cause: unknown): void {
    if (this.state === "failed" || this.state === "closed") return;
    this.state = "failed";
    this.failed = new Error(
      `The reward tree's helper thread (${this.worker?.href}) failed; trees are hashed on one thread: ` +
        (cause instanceof Error ? cause.message : String(cause)),
      { cause },
    );
    this.settleStart(false);
    void this.thread?.terminate();
    this.onFailure(this.failed);
  }
}

let shared: TreeHelperThread | undefined;

/**
 * The process's helper thread for reward trees, made on the first call and started on first use: pass it as
 * `{ helper: treeHelper() }` to `RewardTree.fromJSON` or the core's `buildRewardTree` (this entry's
 * `buildRewardTree` passes it by default).
 */
export function treeHelper(): TreeHelperThread {
  shared ??= new TreeHelperThread();
  return shared;
}

const CORES = availableParallelism();

/** `treeWorker` next to this module, with its extension. */
function defaultWorker(): URL | undefined {
  return siblingModule("treeWorker");
}
