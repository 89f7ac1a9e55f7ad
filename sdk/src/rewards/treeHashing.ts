import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { HEX_NIBBLE } from "../internal/hex";
import { bindKeccak, keccakBinary, wasmKeccak } from "./keccak";
import type { WasmKeccak } from "./keccak";

const NODE_BYTES = 32;
const NODE_WORDS = 8;
const ADDRESS_WORDS = 5;
const AMOUNT_BYTES = 32;

/**
 * Smallest tree handed to the helper thread by default. Below it the handover (and, the first time, the thread's
 * start of 30–80 ms) costs about what the thread saves.
 */
export const HELPER_MIN_LEAVES = 1 << 15;

/**
 * Lays out and hashes a reward tree in OpenZeppelin's `StandardMerkleTree` layout: hashes the leaves, sorts them,
 * places them at the end of the node array and hashes the internal nodes. Returns the (2n − 1) × 32-byte node array
 * and fills `treeIndexOf` (entry i's leaf is node `treeIndexOf[i]`).
 *
 * Hashing is nearly all the work (three keccak-256 per account), so with `helper` a second thread hashes part of
 * the leaves and half of the internal nodes while this one does the rest; the call stays synchronous, as this thread
 * waits on shared memory. If the helper thread fails or stalls, this thread does its part: same result, only slower.
 *
 * @param addresses entry i's 20-byte address at [20i, 20i + 20).
 * @param amounts valid uint256 amounts.
 * @param helper use the helper thread (default: for trees of at least {@link HELPER_MIN_LEAVES} leaves on a
 *   machine with more than one core).
 */
export function hashTree(
  addresses: Uint8Array,
  amounts: readonly bigint[],
  treeIndexOf: Uint32Array,
  helper?: boolean,
): Uint8Array {
  const n = amounts.length;
  const thread = (helper ?? (n >= HELPER_MIN_LEAVES && availableParallelism() > 1)) ? helperThread() : undefined;
  const allocate = (bytes: number) => (thread ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const keccak = wasmKeccak();
  const amountBytes = new Uint8Array(allocate(n * AMOUNT_BYTES));
  const leafWords = new Int32Array(allocate(n * NODE_BYTES));

  if (thread) {
    const shared = new Uint8Array(allocate(addresses.length));
    shared.set(addresses);
    // The helper hashes [split, n) while this thread encodes every amount (the helper's first) and then hashes
    // [0, split): encoding costs about a ninth of hashing, hence a split a little below the middle.
    const split = Math.floor(n * 0.45);
    const job = thread.start({ kind: "leaves", addresses: shared, amountBytes, leafWords, from: split, to: n });
    for (let from = split; from < n; from += ENCODE_CHUNK) {
      const to = Math.min(from + ENCODE_CHUNK, n);
      encodeAmounts(amounts, amountBytes, from, to);
      job.release(to);
    }
    encodeAmounts(amounts, amountBytes, 0, split);
    hashLeafRange(keccak, shared, amountBytes, leafWords, 0, split);
    thread.finish(job, () => hashLeafRange(keccak, shared, amountBytes, leafWords, split, n));
  } else {
    encodeAmounts(amounts, amountBytes, 0, n);
    hashLeafRange(keccak, addresses, amountBytes, leafWords, 0, n);
  }

  const order = sortByHash(new Uint8Array(leafWords.buffer), n);
  const nodeWords = new Int32Array(allocate((2 * n - 1) * NODE_BYTES));
  placeLeaves(leafWords, order, treeIndexOf, nodeWords);
  const internal = n - 1;
  if (thread && internal >= 3) {
    // Node 0's two subtrees are disjoint: the helper hashes the right one, this thread the left, then the root.
    const job = thread.start({ kind: "subtree", nodeWords, root: 2, internal });
    hashSubtree(keccak, nodeWords, 1, internal);
    thread.finish(job, () => hashSubtree(keccak, nodeWords, 2, internal));
    hashSubtree(keccak, nodeWords, 0, 1);
  } else {
    hashSubtree(keccak, nodeWords, 0, internal);
  }
  return new Uint8Array(nodeWords.buffer);
}

/* KERNELS: self-contained functions (they name no other binding of this file but each other and the constants
   above), because the helper thread runs their source, prefixed with those constants. */

/**
 * Leaf i = `keccak256(keccak256(abi.encode(account, amount)))` at words [8i, 8i + 8) of `leafWords`, for i in
 * [from, to). The 64-byte encoding (address left-padded to 32 bytes, amount big-endian) is written straight into the
 * keccak module's buffer as whole words (an address starts on a word, as 20i is a multiple of 4), where the first
 * digest is hashed again in place.
 */
export function hashLeafRange(
  keccak: WasmKeccak,
  addresses: Uint8Array,
  amountBytes: Uint8Array,
  leafWords: Int32Array,
  from: number,
  to: number,
): void {
  const { words } = keccak;
  const addressWords = new Int32Array(addresses.buffer, addresses.byteOffset, addresses.length >> 2);
  const amountWords = new Int32Array(amountBytes.buffer, amountBytes.byteOffset, amountBytes.length >> 2);
  for (let i = from; i < to; i++) {
    words[0] = words[1] = words[2] = 0;
    for (let w = 0, a = i * ADDRESS_WORDS; w < ADDRESS_WORDS; w++) words[3 + w] = addressWords[a + w];
    for (let w = 0, a = i * NODE_WORDS; w < NODE_WORDS; w++) words[NODE_WORDS + w] = amountWords[a + w];
    keccak.hash(64);
    keccak.hash(32);
    for (let w = 0, o = i * NODE_WORDS; w < NODE_WORDS; w++) leafWords[o + w] = words[w];
  }
}

/**
 * Hashes the internal nodes of the subtree under node `root` that are below `internal` (the tree's internal node
 * count), deepest level first: node t = keccak256 of its children 2t+1 and 2t+2 (adjacent), smaller first as
 * OpenZeppelin sorts the pair. `root` 0 hashes the whole tree.
 */
export function hashSubtree(keccak: WasmKeccak, nodeWords: Int32Array, root: number, internal: number): void {
  const { words } = keccak;
  const nodes = new Uint8Array(nodeWords.buffer, nodeWords.byteOffset, nodeWords.length * 4);
  // At depth d below `root`, its subtree's nodes are the 2^d consecutive nodes from (root + 1) · 2^d − 1.
  let depth = 0;
  while ((root + 1) * 2 ** (depth + 1) - 1 < internal) depth++;
  for (; depth >= 0; depth--) {
    const first = (root + 1) * 2 ** depth - 1;
    const end = Math.min(first + 2 ** depth, internal);
    for (let t = first; t < end; t++) {
      const left = (2 * t + 1) * NODE_WORDS;
      const right = left + NODE_WORDS;
      const leftFirst = compareNodes(nodes, left * 4, nodes, right * 4) <= 0;
      const a = leftFirst ? left : right;
      const b = leftFirst ? right : left;
      for (let w = 0; w < NODE_WORDS; w++) words[w] = nodeWords[a + w];
      for (let w = 0; w < NODE_WORDS; w++) words[NODE_WORDS + w] = nodeWords[b + w];
      keccak.hash(64);
      for (let w = 0, o = t * NODE_WORDS; w < NODE_WORDS; w++) nodeWords[o + w] = words[w];
    }
  }
}

/** Byte-wise (big-endian numeric) comparison of two 32-byte hashes. */
export function compareNodes(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): number {
  for (let k = 0; k < NODE_BYTES; k++) {
    const diff = a[aOffset + k] - b[bOffset + k];
    if (diff !== 0) return diff;
  }
  return 0;
}

/* LAYOUT */

/** Amounts handed to the helper thread per release: small enough that it starts early, large enough to be cheap. */
const ENCODE_CHUNK = 1 << 14;

/** Amount i as 32 big-endian bytes at [32i, 32i + 32), for i in [from, to); `amountBytes` starts zeroed. */
function encodeAmounts(amounts: readonly bigint[], amountBytes: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const hex = amounts[i].toString(16);
    for (let j = hex.length, p = i * AMOUNT_BYTES + AMOUNT_BYTES - 1; j > 0; j -= 2, p--) {
      amountBytes[p] =
        j === 1
          ? HEX_NIBBLE[hex.charCodeAt(0)]
          : (HEX_NIBBLE[hex.charCodeAt(j - 2)] << 4) | HEX_NIBBLE[hex.charCodeAt(j - 1)];
    }
  }
}

/**
 * Writes the leaves into the end of `nodeWords`, smallest hash last, and records each entry's tree index.
 * Scattering the leaves (reading them in order) is cheaper than gathering them in sorted order: writes don't stall
 * on a miss.
 */
function placeLeaves(leafWords: Int32Array, order: Uint32Array, treeIndexOf: Uint32Array, nodeWords: Int32Array): void {
  const n = order.length;
  for (let k = 0; k < n; k++) treeIndexOf[order[k]] = 2 * n - 2 - k;
  for (let i = 0; i < n; i++) {
    for (let w = 0, from = i * NODE_WORDS, to = treeIndexOf[i] * NODE_WORDS; w < NODE_WORDS; w++) {
      nodeWords[to + w] = leafWords[from + w];
    }
  }
}

/**
 * Entry indices in ascending leaf-hash order, stable as OpenZeppelin's `Array.prototype.sort`. A comparison sort
 * of 32-byte keys dominated the build, so this is a radix sort (two 16-bit passes) on each hash's first four
 * bytes; the rare runs of equal prefixes (about n²/2³³ pairs) are then ordered on the full hash.
 */
function sortByHash(leaves: Uint8Array, n: number): Uint32Array {
  const prefix = new Uint32Array(n);
  for (let i = 0, o = 0; i < n; i++, o += NODE_BYTES) {
    prefix[i] = ((leaves[o] << 24) | (leaves[o + 1] << 16) | (leaves[o + 2] << 8) | leaves[o + 3]) >>> 0;
  }
  let order = new Uint32Array(n);
  let next = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (const shift of [0, 16]) {
    const starts = new Uint32Array(0x10001);
    for (let i = 0; i < n; i++) starts[((prefix[i] >>> shift) & 0xffff) + 1]++;
    for (let d = 1; d <= 0x10000; d++) starts[d] += starts[d - 1];
    for (let k = 0; k < n; k++) next[starts[(prefix[order[k]] >>> shift) & 0xffff]++] = order[k];
    [order, next] = [next, order];
  }
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && prefix[order[end]] === prefix[order[start]]) end++;
    // Insertion sort: stable, and the runs are almost always of length 1 or 2.
    for (let k = start + 1; k < end; k++) {
      const item = order[k];
      let j = k;
      for (; j > start && compareNodes(leaves, order[j - 1] * NODE_BYTES, leaves, item * NODE_BYTES) > 0; j--) {
        order[j] = order[j - 1];
      }
      order[j] = item;
    }
    start = end;
  }
  return order;
}

/* HELPER THREAD */

type Job =
  | {
      kind: "leaves";
      addresses: Uint8Array;
      amountBytes: Uint8Array;
      leafWords: Int32Array;
      from: number;
      to: number;
    }
  | { kind: "subtree"; nodeWords: Int32Array; root: number; internal: number };

/** Control words shared with the helper for one job. */
const STATE = 0;
const READY = 1;
const RUNNING = 0;
const DONE = 1;
const FAILED = 2;

/**
 * The helper's code: the kernels' own source (as Node runs it, so already plain JavaScript) and a loop that takes
 * jobs. A leaves job waits for the amounts this thread releases; every job ends by setting its state word.
 */
function helperSource(): string {
  return `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const NODE_BYTES = ${NODE_BYTES}, NODE_WORDS = ${NODE_WORDS}, ADDRESS_WORDS = ${ADDRESS_WORDS};
const STATE = ${STATE}, READY = ${READY}, DONE = ${DONE}, FAILED = ${FAILED};
${bindKeccak.toString()}
${hashLeafRange.toString()}
${hashSubtree.toString()}
${compareNodes.toString()}
const keccak = bindKeccak(workerData.binary);
parentPort.on("message", ({ job, control }) => {
  let state = DONE;
  try {
    if (job.kind === "leaves") {
      for (let i = job.from; i < job.to; ) {
        const ready = Atomics.load(control, READY);
        if (ready <= i) {
          Atomics.wait(control, READY, ready);
          continue;
        }
        hashLeafRange(keccak, job.addresses, job.amountBytes, job.leafWords, i, ready);
        i = ready;
      }
    } else {
      hashSubtree(keccak, job.nodeWords, job.root, job.internal);
    }
  } catch {
    state = FAILED;
  }
  Atomics.store(control, STATE, state);
  Atomics.notify(control, STATE);
});`;
}

/** A job handed to the helper: `release(to)` lets a leaves job hash up to leaf `to`. */
interface RunningJob {
  control: Int32Array;
  release(to: number): void;
}

/** How long this thread waits for a job before doing it itself: far beyond any job's run time. */
const JOB_TIMEOUT_MS = 60_000;

class HelperThread {
  private readonly worker: Worker;

  constructor() {
    // No inherited flags: a `-r ts-node/register` would cost the helper a second of start-up for nothing.
    this.worker = new Worker(helperSource(), { eval: true, execArgv: [], workerData: { binary: keccakBinary() } });
    // Idle, the helper must not keep the process alive.
    this.worker.unref();
    this.worker.on("error", () => (helper = null));
  }

  start(job: Job): RunningJob {
    const control = new Int32Array(new SharedArrayBuffer(8));
    this.worker.postMessage({ job, control });
    return {
      control,
      release(to) {
        Atomics.store(control, READY, to);
        Atomics.notify(control, READY);
      },
    };
  }

  /** Waits for `job`; if the helper failed or stalled, stops using it and runs `fallback` here instead. */
  finish(job: RunningJob, fallback: () => void): void {
    Atomics.wait(job.control, STATE, RUNNING, JOB_TIMEOUT_MS);
    if (Atomics.load(job.control, STATE) === DONE) return;
    helper = null;
    void this.worker.terminate();
    fallback();
  }
}

/** The helper thread, started on first use; null once it failed (then every tree is hashed on the calling thread). */
let helper: HelperThread | null | undefined;

function helperThread(): HelperThread | undefined {
  if (helper === undefined) {
    try {
      helper = new HelperThread();
    } catch {
      helper = null;
    }
  }
  return helper ?? undefined;
}
