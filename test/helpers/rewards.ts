import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { ethers } from "ethers";

/*
 * Reward trees for the distributor's tests, built with @openzeppelin/merkle-tree directly (not with the SDK's
 * RewardTree), so that the contract is checked against the reference encoding rather than against our own code.
 */

const abi = ethers.AbiCoder.defaultAbiCoder();

/** OpenZeppelin StandardMerkleTree over `["address", "uint256"]` leaves (account, cumulative amount). */
export type RewardTree = StandardMerkleTree<[string, bigint]>;

/** Builds the tree of `(account, cumulativeAmount)` entries. */
export function rewardTree(entries: [string, bigint][]): RewardTree {
  return StandardMerkleTree.of(entries, ["address", "uint256"]);
}

/** Sum of a tree's cumulative amounts: the `total` a proposal of its root must state. */
export function totalOf(tree: RewardTree): bigint {
  let total = 0n;
  for (const [, [, amount]] of tree.entries()) total += amount;
  return total;
}

/** The proof of `account`'s entry in `tree`, and its cumulative amount. */
export function entryOf(tree: RewardTree, account: string): { amount: bigint; proof: string[] } {
  for (const [i, [who, amount]] of tree.entries()) {
    if (who.toLowerCase() === account.toLowerCase()) return { amount, proof: tree.getProof(i) };
  }
  throw new Error(`${account} is not in the tree`);
}

/** The double-hashed leaf `keccak256(keccak256(abi.encode(account, amount)))`, computed without the library. */
export function leafOf(account: string, amount: bigint): string {
  return ethers.keccak256(ethers.keccak256(abi.encode(["address", "uint256"], [account, amount])));
}

/** OpenZeppelin's internal node: keccak256 of the sorted pair (`Hashes.commutativeKeccak256`). */
export function hashPair(a: string, b: string): string {
  const [low, high] = BigInt(a) <= BigInt(b) ? [a, b] : [b, a];
  return ethers.keccak256(ethers.concat([low, high]));
}

/** The root reached from `leaf` through `siblings`, as `MerkleProof.processProof` computes it. */
export function foldProof(leaf: string, siblings: string[]): string {
  return siblings.reduce(hashPair, leaf);
}

/** `count` deterministic pseudo-random 32-byte values, to serve as sibling hashes of a synthetic deep tree. */
export function syntheticHashes(count: number, seed: string): string[] {
  return Array.from({ length: count }, (_, i) => ethers.id(`${seed} ${i}`));
}
