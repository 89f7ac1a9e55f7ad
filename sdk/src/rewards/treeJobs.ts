import type { WasmKeccak } from "./keccak";
import { NODE_WORDS, hashLeafRange, hashSubtree } from "./treeKernels";

/**
 * A second thread that hashes part of a reward tree while the calling thread hashes the rest: it runs
 * {@link runTreeJob} on every job posted to it. `@open-attribution/sdk/node` provides one (`treeHelper()`); the core
 * has none, as starting threads is platform-specific.
 *
 * The calling thread never depends on the helper: work is split into units that either thread claims in shared
 * memory, the calling thread claims whatever the helper has not, and it does a unit itself when the helper is
 * much later with it than the calling thread's own pace. A helper that never starts, dies or stalls therefore costs
 * at most a few milliseconds, and the tree is the same either way.
 */
export interface TreeHelper {
  /** Whether to share the hashing of a tree of `leaves` accounts (for a small tree the hand-over costs more). */
  wants(leaves: number): boolean;
  /** Hands `job` (structured-cloneable; its arrays are shared memory) to the helper thread. */
  post(job: TreeJob): void;
}

/** The leaves of a tree: units of {@link LEAVES_PER_UNIT} leaves. */
export interface LeafJob {
  kind: "leaves";
  /** Entry i's 20-byte address at [20i, 20i + 20). */
  addresses: Uint8Array;
  /** Entry i's amount as 32 big-endian bytes at [32i, 32i + 32), written for the leaves below `control[0]`. */
  amountBytes: Uint8Array;
  /** Leaf i's hash at words [8i, 8i + 8). */
  leafWords: Int32Array;
  leaves: number;
  /** Word 0: leaves whose amounts are written; word 1 + u: unit u's state. */
  control: Int32Array;
}

/** The internal nodes of a tree below `depth`: units are the subtrees under the nodes at that depth. */
export interface NodeJob {
  kind: "nodes";
  /** The (2n − 1) × 32-byte node array, leaves in place. */
  nodeWords: Int32Array;
  /** The tree's internal node count. */
  internal: number;
  depth: number;
  /** Word 1 + u: unit u's state (word 0 unused). */
  control: Int32Array;
}

/** Part of a reward tree's hashing, shared between the calling thread and a {@link TreeHelper}. */
export type TreeJob = LeafJob | NodeJob;

/**
 * Leaves per unit: a few milliseconds of hashing, so that the threads finish close together and a late helper is
 * given up on early, while claims (one atomic operation a unit) stay negligible.
 */
export const LEAVES_PER_UNIT = 4096;
/** Internal nodes per unit, about: each is one hash where a leaf is two. */
const NODES_PER_UNIT = 8192;

const READY = 0;
const FREE = 0;
const HELPER = 1;
const CALLER = 2;
const DONE = 3;

/**
 * How long the calling thread waits for a unit the helper is working on before doing it itself: `TAKEOVER_FACTOR`
 * times its own time per unit, at least `TAKEOVER_MIN_MS` (a helper may be descheduled for a while on a busy
 * machine; doing its unit again then only costs that unit).
 */
const TAKEOVER_FACTOR = 4;
const TAKEOVER_MIN_MS = 20;
/** A unit's time when the calling thread did none to go by (the helper claimed them all): 5–10 ms. */
const UNIT_MS = 10;

/** A leaves job over shared copies of the arrays; the helper hashes a unit once {@link releaseAmounts} covers it. */
export function leafJob(addresses: Uint8Array, amountBytes: Uint8Array, leafWords: Int32Array): LeafJob {
  const leaves = leafWords.length / NODE_WORDS;
  const control = sharedWords(1 + Math.ceil(leaves / LEAVES_PER_UNIT));
  return { kind: "leaves", addresses, amountBytes, leafWords, leaves, control };
}

/** A nodes job; once it is complete, `hashSubtree(keccak, nodeWords, 0, topNodes(job))` hashes the levels above. */
export function nodeJob(nodeWords: Int32Array, internal: number): NodeJob {
  const depth = Math.max(1, Math.floor(Math.log2(Math.max(1, internal / NODES_PER_UNIT))));
  return { kind: "nodes", nodeWords, internal, depth, control: sharedWords(1 + 2 ** depth) };
}

/** The internal nodes above a nodes job's units: nodes [0, topNodes). */
export function topNodes(job: NodeJob): number {
  return Math.min(2 ** job.depth - 1, job.internal);
}

/** Lets the helper hash the leaves below `to`: their amounts are written. */
export function releaseAmounts(job: LeafJob, to: number): void {
  Atomics.store(job.control, READY, to);
  Atomics.notify(job.control, READY);
}

/**
 * The helper thread's side: claims free units in ascending order and hashes them, telling `hashed` how many leaves
 * or nodes each was before marking it done. If a unit throws, it is handed back (the calling thread then does it)
 * and the error rethrown.
 */
export function runTreeJob(job: TreeJob, keccak: WasmKeccak, hashed: (count: number) => void): void {
  const { control } = job;
  for (let slot = 1; slot < control.length; slot++) {
    if (Atomics.compareExchange(control, slot, FREE, HELPER) !== FREE) continue;
    try {
      if (job.kind === "leaves") {
        const end = Math.min(slot * LEAVES_PER_UNIT, job.leaves);
        let ready = Atomics.load(control, READY);
        while (ready < end) {
          Atomics.wait(control, READY, ready);
          ready = Atomics.load(control, READY);
        }
      }
      hashed(runUnit(job, slot - 1, keccak));
    } catch (error) {
      Atomics.compareExchange(control, slot, HELPER, FREE);
      Atomics.notify(control, slot);
      throw error;
    }
    // DONE even if the calling thread took the unit over meanwhile: both write the same bytes.
    Atomics.store(control, slot, DONE);
    Atomics.notify(control, slot);
  }
}

/**
 * The calling thread's side, after posting `job` (for a leaves job, after releasing every amount): claims free
 * units in descending order, then waits for the helper's units, doing one itself when the helper is late with it
 * or hands it back. Returns when every unit is done.
 */
export function completeTreeJob(job: TreeJob, keccak: WasmKeccak): void {
  const { control } = job;
  const start = performance.now();
  let mine = 0;
  for (let slot = control.length - 1; slot >= 1; slot--) {
    if (Atomics.compareExchange(control, slot, FREE, CALLER) !== FREE) continue;
    runUnit(job, slot - 1, keccak);
    Atomics.store(control, slot, DONE);
    mine++;
  }
  const pace = mine > 0 ? (performance.now() - start) / mine : UNIT_MS;
  const patience = Math.max(TAKEOVER_MIN_MS, TAKEOVER_FACTOR * pace);
  for (let slot = 1; slot < control.length; slot++) {
    let state = Atomics.load(control, slot);
    while (state !== DONE) {
      const takeOver =
        state === FREE
          ? Atomics.compareExchange(control, slot, FREE, CALLER) === FREE
          : Atomics.wait(control, slot, state, patience) === "timed-out" &&
            Atomics.compareExchange(control, slot, HELPER, CALLER) === HELPER;
      if (takeOver) {
        runUnit(job, slot - 1, keccak);
        Atomics.store(control, slot, DONE);
      }
      state = Atomics.load(control, slot);
    }
  }
}

/** Hashes unit `u` of `job`; returns how many leaves or nodes that was. */
function runUnit(job: TreeJob, u: number, keccak: WasmKeccak): number {
  if (job.kind === "leaves") {
    const from = u * LEAVES_PER_UNIT;
    const to = Math.min(from + LEAVES_PER_UNIT, job.leaves);
    hashLeafRange(keccak, job.addresses, job.amountBytes, job.leafWords, from, to);
    return to - from;
  }
  return hashSubtree(keccak, job.nodeWords, 2 ** job.depth - 1 + u, job.internal);
}

function sharedWords(count: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * count));
}
