import { HEX_NIBBLE } from "../internal/hex";
import { wasmKeccak } from "./keccak";
import { NODE_BYTES, NODE_WORDS, compareNodes, hashLeafRange, hashSubtree } from "./treeKernels";
import { LEAVES_PER_UNIT, completeTreeJob, leafJob, nodeJob, releaseAmounts, topNodes } from "./treeJobs";
import type { TreeHelper } from "./treeJobs";

const AMOUNT_BYTES = 32;

/**
 * Lays out and hashes a reward tree in OpenZeppelin's `StandardMerkleTree` layout: hashes the leaves, sorts them,
 * places them at the end of the node array and hashes the internal nodes. Returns the (2n − 1) × 32-byte node array
 * and fills `treeIndexOf` (entry i's leaf is node `treeIndexOf[i]`).
 *
 * Hashing is nearly all the work (three keccak-256 per account), so with a `helper` that wants the tree, a second
 * thread hashes part of the leaves and of the internal nodes while this one does the rest (see {@link TreeHelper});
 * the call stays synchronous, as this thread waits on shared memory, and its result does not depend on the helper.
 *
 * @param addresses entry i's 20-byte address at [20i, 20i + 20).
 * @param amounts valid uint256 amounts.
 */
export function hashTree(
  addresses: Uint8Array,
  amounts: readonly bigint[],
  treeIndexOf: Uint32Array,
  helper?: TreeHelper,
): Uint8Array {
  const n = amounts.length;
  const shared = helper !== undefined && helper.wants(n);
  const allocate = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const keccak = wasmKeccak();
  const amountBytes = new Uint8Array(allocate(n * AMOUNT_BYTES));
  const leafWords = new Int32Array(allocate(n * NODE_BYTES));

  if (shared) {
    const sharedAddresses = new Uint8Array(allocate(addresses.length));
    sharedAddresses.set(addresses);
    const job = leafJob(sharedAddresses, amountBytes, leafWords);
    helper.post(job);
    // The helper hashes a unit of leaves as soon as its amounts are written; encoding costs about a ninth of hashing.
    for (let from = 0; from < n; from += LEAVES_PER_UNIT) {
      const to = Math.min(from + LEAVES_PER_UNIT, n);
      encodeAmounts(amounts, amountBytes, from, to);
      releaseAmounts(job, to);
    }
    completeTreeJob(job, keccak);
  } else {
    encodeAmounts(amounts, amountBytes, 0, n);
    hashLeafRange(keccak, addresses, amountBytes, leafWords, 0, n);
  }

  const order = sortByHash(new Uint8Array(leafWords.buffer), n);
  const nodeWords = new Int32Array(allocate((2 * n - 1) * NODE_BYTES));
  placeLeaves(leafWords, order, treeIndexOf, nodeWords);
  const internal = n - 1;
  if (shared) {
    const job = nodeJob(nodeWords, internal);
    helper.post(job);
    completeTreeJob(job, keccak);
    hashSubtree(keccak, nodeWords, 0, topNodes(job));
  } else {
    hashSubtree(keccak, nodeWords, 0, internal);
  }
  return new Uint8Array(nodeWords.buffer);
}

/**
 * Lays out and hashes a tree whose leaf hashes are given (leaf i at [32i, 32i + 32) of `leaves`), in the same
 * `StandardMerkleTree` layout and with the same kernels as {@link hashTree}: for trees of other leaf encodings, such
 * as inference logs. Returns the (2n − 1) × 32-byte node array and fills `treeIndexOf`.
 */
export function treeOfLeaves(leaves: Uint8Array, treeIndexOf: Uint32Array): Uint8Array {
  const n = treeIndexOf.length;
  const leafWords = new Int32Array(n * NODE_WORDS);
  new Uint8Array(leafWords.buffer).set(leaves.subarray(0, n * NODE_BYTES));
  const order = sortByHash(new Uint8Array(leafWords.buffer), n);
  const nodeWords = new Int32Array((2 * n - 1) * NODE_WORDS);
  placeLeaves(leafWords, order, treeIndexOf, nodeWords);
  hashSubtree(wasmKeccak(), nodeWords, 0, n - 1);
  return new Uint8Array(nodeWords.buffer);
}

/* LAYOUT */

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
