import type { WasmKeccak } from "./keccak";

/*
 * The hashing kernels of a reward tree, shared by the calling thread and the helper thread (which imports this
 * module from its own file, `node/treeWorker.ts`).
 */

export const NODE_BYTES = 32;
export const NODE_WORDS = 8;
const ADDRESS_WORDS = 5;

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
 * Hashes the internal nodes of the subtree under node `root` that are below `internal`, deepest level first: node t
 * = keccak256 of its children 2t+1 and 2t+2 (adjacent), smaller first as OpenZeppelin sorts the pair. `root` 0 and
 * the tree's internal node count hash the whole tree; a smaller `internal` stops short of the lower levels. Returns
 * how many nodes it hashed.
 */
export function hashSubtree(keccak: WasmKeccak, nodeWords: Int32Array, root: number, internal: number): number {
  const { words } = keccak;
  const nodes = new Uint8Array(nodeWords.buffer, nodeWords.byteOffset, nodeWords.length * 4);
  // At depth d below `root`, its subtree's nodes are the 2^d consecutive nodes from (root + 1) · 2^d − 1.
  let depth = 0;
  let hashed = 0;
  while ((root + 1) * 2 ** (depth + 1) - 1 < internal) depth++;
  for (; depth >= 0; depth--) {
    const first = (root + 1) * 2 ** depth - 1;
    const end = Math.min(first + 2 ** depth, internal);
    hashed += Math.max(0, end - first);
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
  return hashed;
}

/** Byte-wise (big-endian numeric) comparison of two 32-byte hashes. */
export function compareNodes(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): number {
  for (let k = 0; k < NODE_BYTES; k++) {
    const diff = a[aOffset + k] - b[bOffset + k];
    if (diff !== 0) return diff;
  }
  return 0;
}
