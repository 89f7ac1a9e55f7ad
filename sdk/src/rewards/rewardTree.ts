import { MaxUint256 } from "ethers";
import * as z from "zod";
import {
  DuplicateAccountError,
  EmptyRewardTreeError,
  InvalidAccountError,
  InvalidAmountError,
  MalformedTreeDumpError,
  TreeDumpMismatchError,
  UnknownAccountError,
} from "../errors";
import { checkFunction } from "../internal/check";
import { zodPath } from "../internal/zod";
import { AddressIndex, parseAddress } from "./addressIndex";
import { hashTree } from "./treeHashing";
import type { TreeHelper } from "./treeJobs";

export type { LeafJob, NodeJob, TreeHelper, TreeJob } from "./treeJobs";

/** One leaf: `account` may claim up to `amount` (cumulative over epochs) from the reward distributor. */
export interface RewardEntry {
  account: string;
  amount: bigint;
}

/** How a reward tree is built; the tree is the same either way. */
export interface RewardTreeOptions {
  /**
   * A second thread to hash on too, which takes about a third off the build of a large tree; the call stays
   * synchronous. Without one the tree is hashed on the calling thread. In Node, `treeHelper()` from
   * `@open-attribution/sdk/node` gives one, and that entry's `buildRewardTree` passes it by default.
   */
  helper?: TreeHelper;
}

/** The OpenZeppelin `standard-v1` dump of a reward tree, as `StandardMerkleTree.dump()` writes and `load()` reads. */
export interface RewardTreeDump {
  format: "standard-v1";
  leafEncoding: ["address", "uint256"];
  tree: string[];
  values: { value: [account: string, amount: string]; treeIndex: number }[];
}

const NODE_BYTES = 32;
const ADDRESS_BYTES = 20;

/**
 * Builds the Merkle tree of cumulative rewards that `RewardDistributor` verifies: the same tree as
 * `StandardMerkleTree.of(entries.map((e) => [e.account, e.amount.toString()]), ["address", "uint256"])` from
 * `@openzeppelin/merkle-tree` (root, proofs and dump identical), built dozens of times faster.
 *
 * Each account may appear once (compared without case): a leaf is a cumulative amount and the contract pays the
 * difference to what was claimed, so a second leaf would not add up but let the account pick the larger one.
 *
 * @throws EmptyRewardTreeError when `entries` is empty.
 * @throws InvalidAccountError when an account is not a 20-byte 0x-hex address or fails its EIP-55 checksum.
 * @throws InvalidAmountError when an amount is not a bigint in [0, 2²⁵⁶ − 1] or the total exceeds 2²⁵⁶ − 1.
 * @throws DuplicateAccountError when an account appears twice.
 */
export function buildRewardTree(entries: readonly RewardEntry[], options: RewardTreeOptions = {}): RewardTree {
  return RewardTree.of(entries, options);
}

/**
 * A reward Merkle tree in OpenZeppelin's `StandardMerkleTree` layout: the tree is an array in heap order (node t
 * has children 2t+1 and 2t+2), leaves fill its end in ascending hash order from the last slot, and `values` keep
 * the input order, each with its leaf's `treeIndex`. Hashes live in one flat byte array and become hex strings only
 * on the way out, so a million-account tree holds a few typed arrays rather than millions of strings.
 */
export class RewardTree {
  /** The Merkle root to propose on-chain. */
  readonly root: string;
  /** Sum of all amounts: the `total` the distributor must be funded with. */
  readonly total: bigint;

  /** Accounts as given (case included), as OpenZeppelin keeps its values. */
  private readonly accounts: readonly string[];
  private readonly amounts: readonly bigint[];
  private readonly index: AddressIndex;
  /** (2n − 1) × 32 bytes: node t at [32t, 32t + 32). */
  private readonly nodes: Uint8Array;
  /** Entry i's leaf is node `treeIndexOf[i]`. */
  private readonly treeIndexOf: Uint32Array;
  /**
   * Hex of the nodes t < n/8, made on first use. These sit three or more levels above the leaves, so each recurs
   * in eight or more proofs. Lower nodes recur in a few proofs at most: keeping their hex too (a million strings
   * per million accounts) cost more garbage collection than converting them again.
   */
  private readonly cachedHex: (string | undefined)[];
  private readonly queried = new Uint8Array(ADDRESS_BYTES);
  private nextGuess = 0;
  private entryList?: readonly Readonly<RewardEntry>[];

  /** `amounts` must be valid uint256s; `label(i)` names entry i in errors. */
  private constructor(
    accounts: readonly string[],
    amounts: readonly bigint[],
    label: (i: number) => string,
    options: RewardTreeOptions,
  ) {
    const n = accounts.length;
    this.index = new AddressIndex(n);
    let total = 0n;
    for (let i = 0; i < n; i++) {
      if (!parseAddress(accounts[i], this.index.addresses, i * ADDRESS_BYTES, true)) {
        throw new InvalidAccountError(accounts[i], `${label(i)}.account`);
      }
      const first = this.index.insert(i);
      if (first >= 0) throw new DuplicateAccountError(accounts[i], label(first), label(i));
      total += amounts[i];
    }
    if (total > MaxUint256) {
      throw new InvalidAmountError(`The amounts sum to ${total}, more than a uint256 holds.`, {
        details: "The distributor's root total is a uint256.",
      });
    }
    this.accounts = accounts;
    this.amounts = amounts;
    this.total = total;
    this.treeIndexOf = new Uint32Array(n);
    this.nodes = hashTree(this.index.addresses, amounts, this.treeIndexOf, options.helper);
    this.cachedHex = new Array<string | undefined>(n >> 3);
    this.root = this.nodeHex(0);
  }

  /** The tree of `entries`, as `buildRewardTree` (and `StandardMerkleTree.of`) makes it. */
  static of(entries: readonly RewardEntry[], options: RewardTreeOptions = {}): RewardTree {
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new EmptyRewardTreeError("A reward tree needs at least one entry.");
    }
    const accounts = new Array<string>(entries.length);
    const amounts = new Array<bigint>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const { account, amount } = (entries[i] ?? {}) as Partial<RewardEntry>;
      if (typeof amount !== "bigint" || amount < 0n || amount > MaxUint256) {
        const shown = typeof amount === "bigint" ? String(amount) : JSON.stringify(amount);
        throw new InvalidAmountError(`entries[${i}].amount is ${shown}; it must be a bigint in [0, 2^256 - 1].`);
      }
      accounts[i] = account as string;
      amounts[i] = amount;
    }
    return new RewardTree(accounts, amounts, (i) => `entries[${i}]`, options);
  }

  /**
   * Loads a `standard-v1` dump (ours or `StandardMerkleTree.dump()`), checking every node against the values: a
   * dump is what claims are paid from, so it must be exactly the tree its values make.
   *
   * @throws MalformedTreeDumpError when the dump is not well-formed: unknown format or leaf encoding, a node that is
   *   not 32 bytes of lower-case hex, an account that is not a full address, an amount that is not a canonical
   *   decimal uint256, extra keys.
   * @throws DuplicateAccountError when an account appears twice.
   * @throws TreeDumpMismatchError when the tree is not the one `StandardMerkleTree.of(values)` makes: wrong node
   *   count, a `treeIndex` off its leaf, a value that matches no leaf, leaves out of hash order, a tampered node.
   */
  static fromJSON(dump: unknown, options: RewardTreeOptions = {}): RewardTree {
    const parsed = DUMP_SCHEMA.safeParse(dump);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new MalformedTreeDumpError(zodPath(issue.path, "the dump"), issue.message);
    }
    const { tree, values } = parsed.data;
    const n = values.length;
    if (tree.length !== 2 * n - 1) {
      throw new TreeDumpMismatchError("tree", `has ${tree.length} nodes; ${n} values make a tree of ${2 * n - 1}.`);
    }
    const rebuilt = new RewardTree(
      values.map(({ value }) => value[0]),
      values.map(({ value }) => BigInt(value[1])),
      (i) => `values[${i}]`,
      options,
    );
    rebuilt.checkAgainst(tree, values);
    return rebuilt;
  }

  /** The leaves in input order, frozen; made on first use, as building needs only the two arrays behind them. */
  get entries(): readonly Readonly<RewardEntry>[] {
    this.entryList ??= Object.freeze(
      this.accounts.map((account, i) => Object.freeze({ account, amount: this.amounts[i] })),
    );
    return this.entryList;
  }

  /** The sibling hashes from `account`'s leaf up to the root, as `StandardMerkleTree.getProof` gives them. */
  proof(account: string): string[] {
    return this.proofAt(this.treeIndexOf[this.indexOfAccount(account)]);
  }

  /**
   * Calls `visit` with every entry's proof (the same as `proof(account)` gives), one entry at a time in leaf order
   * rather than input order: neighbouring leaves share most of their way up, so the siblings are read almost in
   * sequence. Producing all proofs this way takes about a third of the time of asking `proof` for each account,
   * whose leaves lie scattered over the tree. `index` is the entry's position in the input.
   */
  forEachProof(visit: (account: string, amount: bigint, proof: string[], index: number) => void): void {
    checkFunction(visit, "visit");
    const n = this.treeIndexOf.length;
    const entryAtLeaf = new Uint32Array(n);
    for (let i = 0; i < n; i++) entryAtLeaf[this.treeIndexOf[i] - (n - 1)] = i;
    for (let leaf = 0; leaf < n; leaf++) {
      const index = entryAtLeaf[leaf];
      visit(this.accounts[index], this.amounts[index], this.proofAt(leaf + n - 1), index);
    }
  }

  /** The cumulative amount of `account` (any letter case). */
  amountOf(account: string): bigint {
    return this.amounts[this.indexOfAccount(account)];
  }

  /**
   * Whether `account` (any letter case) has a leaf.
   * @throws InvalidAccountError when `account` is not an address.
   */
  has(account: string): boolean {
    if (!parseAddress(account, this.queried, 0, false)) throw new InvalidAccountError(account, "account");
    return this.index.find(this.queried, 0) >= 0;
  }

  /** The `standard-v1` dump, identical to `StandardMerkleTree.of(...).dump()`; amounts as decimal strings. */
  toJSON(): RewardTreeDump {
    const tree = new Array<string>(2 * this.accounts.length - 1);
    for (let t = 0; t < tree.length; t++) tree[t] = this.nodeHex(t);
    return {
      format: "standard-v1",
      leafEncoding: ["address", "uint256"],
      tree,
      values: this.accounts.map((account, i) => ({
        value: [account, this.amounts[i].toString()],
        treeIndex: this.treeIndexOf[i],
      })),
    };
  }

  private indexOfAccount(account: string): number {
    // Emitting every proof usually walks the entries in order, so the entry after the last one found is tried
    // first: a string comparison instead of parsing and hashing the address.
    let index = this.accounts[this.nextGuess] === account ? this.nextGuess : -1;
    if (index < 0 && parseAddress(account, this.queried, 0, false)) index = this.index.find(this.queried, 0);
    if (index < 0) throw new UnknownAccountError(String(account));
    this.nextGuess = (index + 1) % this.accounts.length;
    return index;
  }

  private proofAt(t: number): string[] {
    // Node t sits at depth ⌊log2(t + 1)⌋, which is the number of siblings on its way up.
    const proof = new Array<string>(31 - Math.clz32(t + 1));
    for (let k = 0; t > 0; k++, t = (t - 1) >> 1) proof[k] = this.nodeHex(t % 2 === 1 ? t + 1 : t - 1);
    return proof;
  }

  private nodeHex(t: number): string {
    if (t >= this.cachedHex.length) return hexOf(this.nodes, t * NODE_BYTES);
    return (this.cachedHex[t] ??= hexOf(this.nodes, t * NODE_BYTES));
  }

  /**
   * Throws at the first place `tree`/`values` differ from this (rebuilt) tree: first each value against its leaf,
   * then the leaf order, then internal nodes from the bottom up, so the error names the tampered spot rather than
   * the root it changed.
   */
  private checkAgainst(tree: readonly string[], values: readonly { treeIndex: number }[]): void {
    const n = values.length;
    let leafPositions: Map<string, number> | undefined;
    values.forEach(({ treeIndex }, i) => {
      if (treeIndex < n - 1 || treeIndex > 2 * n - 2) {
        throw new TreeDumpMismatchError(
          `values[${i}].treeIndex`,
          `${treeIndex} is not a leaf; the leaves are tree[${n - 1}] to tree[${2 * n - 2}].`,
        );
      }
      const leaf = this.nodeHex(this.treeIndexOf[i]);
      if (tree[treeIndex] === leaf) return;
      leafPositions ??= new Map(tree.slice(n - 1).map((hash, k) => [hash, n - 1 + k]));
      const found = leafPositions.get(leaf);
      if (found !== undefined) {
        throw new TreeDumpMismatchError(
          `values[${i}].treeIndex`,
          `is ${treeIndex}, but this value's leaf is tree[${found}].`,
        );
      }
      const [account, amount] = [this.accounts[i], this.amounts[i]];
      throw new TreeDumpMismatchError(
        `values[${i}]`,
        `[${account}, ${amount}] hashes to ${leaf}, which is no leaf of the tree (tree[${treeIndex}] is ${tree[treeIndex]}).`,
      );
    });
    values.forEach(({ treeIndex }, i) => {
      if (treeIndex !== this.treeIndexOf[i]) {
        throw new TreeDumpMismatchError(
          `values[${i}].treeIndex`,
          `is ${treeIndex}; StandardMerkleTree.of sorts leaves by hash and puts this one at tree[${this.treeIndexOf[i]}].`,
        );
      }
    });
    for (let t = n - 2; t >= 0; t--) {
      if (tree[t] !== this.nodeHex(t)) {
        throw new TreeDumpMismatchError(`tree[${t}]`, `is not the hash of tree[${2 * t + 1}] and tree[${2 * t + 2}].`);
      }
    }
  }
}

/** Output scratch for `hexOf`: "0x" and 64 hex digits, turned into a string in one native call. */
const HEX_TEXT = new TextEncoder().encode("0x" + "00".repeat(NODE_BYTES));
const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");
const ASCII = new TextDecoder();

/**
 * `bytes[offset, offset + 32)` as 0x-prefixed lower-case hex. Writing the digits into a scratch buffer and decoding
 * it once makes one flat string, where `"0x" + buffer.toString("hex")` makes two objects and a slower copy.
 */
function hexOf(bytes: Uint8Array, offset: number): string {
  for (let k = 0; k < NODE_BYTES; k++) {
    const byte = bytes[offset + k];
    HEX_TEXT[2 + 2 * k] = HEX_DIGITS[byte >> 4];
    HEX_TEXT[3 + 2 * k] = HEX_DIGITS[byte & 15];
  }
  return ASCII.decode(HEX_TEXT);
}

/* VALIDATION */

const addressScratch = new Uint8Array(ADDRESS_BYTES);

const DUMP_SCHEMA = z.strictObject({
  format: z.literal("standard-v1", { error: 'the format must be "standard-v1".' }),
  leafEncoding: z
    .array(z.string())
    .refine(
      (encoding) => encoding.length === 2 && encoding[0] === "address" && encoding[1] === "uint256",
      'the leaf encoding must be ["address", "uint256"].',
    ),
  tree: z.array(z.string().regex(/^0x[0-9a-f]{64}$/, "a node must be 0x and 64 lower-case hex digits.")),
  values: z
    .array(
      z.strictObject({
        value: z.tuple([
          z
            .string()
            .refine(
              (account) => parseAddress(account, addressScratch, 0, true),
              "an account must be 0x and 40 hex digits (mixed case only as EIP-55).",
            ),
          z
            .string()
            .regex(/^(0|[1-9][0-9]*)$/, {
              error: "an amount must be a decimal string without sign or leading zeros.",
              abort: true,
            })
            .refine((amount) => BigInt(amount) <= MaxUint256, "an amount must be below 2^256."),
        ]),
        treeIndex: z.number().int().nonnegative(),
      }),
    )
    .min(1, "a dump needs at least one value."),
});
