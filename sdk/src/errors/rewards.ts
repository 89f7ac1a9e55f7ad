import { IntegrityError, InvalidInputError, ProtocolError } from "./base";

/* ALLOCATION */

/** A weight given to `allocate` is negative, NaN, infinite or not a number; `key` names its entry. */
export class InvalidWeightError extends InvalidInputError {
  readonly key: string;
  readonly weight: unknown;

  constructor(key: string, weight: unknown) {
    super(`The weight of "${key}" is ${String(weight)}; weights must be finite numbers ≥ 0.`, {
      hint: "Drop the entry or give it weight 0 to leave it out of the split.",
    });
    this.key = key;
    this.weight = weight;
  }
}

/** The pool given to `allocate` is negative or not a bigint. */
export class InvalidPoolError extends InvalidInputError {
  readonly pool: unknown;

  constructor(pool: unknown) {
    const shown = typeof pool === "bigint" ? `${pool}` : `${String(pool)} (a ${typeof pool})`;
    super(`The pool is ${shown}; it must be a bigint ≥ 0.`);
    this.pool = pool;
  }
}

/** A nonzero pool has nobody to go to: the weights are empty or all zero, so any split would lose it. */
export class ZeroTotalWeightError extends InvalidInputError {
  readonly pool: bigint;

  constructor(pool: bigint, shortMessage: string) {
    super(shortMessage, { hint: "Keep the pool for a later split, or give at least one entry a positive weight." });
    this.pool = pool;
  }
}

/* REWARD TREE ENTRIES */

/** A reward tree was asked for with no entries; a Merkle tree needs at least one leaf. */
export class EmptyRewardTreeError extends InvalidInputError {}

/** An account is not a 0x-prefixed 20-byte hex address, or its mixed case is not a valid EIP-55 checksum. */
export class InvalidAccountError extends InvalidInputError {
  readonly account: unknown;

  constructor(account: unknown, where: string) {
    super(`${where}: ${typeof account === "string" ? JSON.stringify(account) : String(account)} is not an address.`, {
      details: "An address is 0x followed by 40 hex digits, all lower case, all upper case or EIP-55 checksummed.",
    });
    this.account = account;
  }
}

/** An amount is not a bigint in [0, 2²⁵⁶ − 1], or the amounts together exceed 2²⁵⁶ − 1 (the on-chain `total`). */
export class InvalidAmountError extends InvalidInputError {}

/**
 * The same account appears twice (addresses compared without case). A leaf is a cumulative amount, so two leaves
 * for one account would let it claim the larger and leave the other stranded; the caller must merge them.
 */
export class DuplicateAccountError extends InvalidInputError {
  readonly account: string;

  constructor(account: string, first: string, second: string) {
    super(`${account} appears twice, at ${first} and ${second}.`, {
      hint: "Sum the account's amounts into one entry.",
    });
    this.account = account;
  }
}

/** The account has no leaf in the reward tree, so it has no amount and no proof. */
export class UnknownAccountError extends ProtocolError {
  readonly account: string;

  constructor(account: string) {
    super(`${account} is not in the reward tree.`);
    this.account = account;
  }
}

/* DUMPS */

/** A reward tree dump is not a well-formed `standard-v1` dump of `["address", "uint256"]` leaves. `path` is where. */
export class MalformedTreeDumpError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Reward tree dump, ${path}: ${problem}`);
    this.path = path;
  }
}

/**
 * A well-formed dump whose tree is not the one its values make: a node, a leaf or a `treeIndex` differs from what
 * `StandardMerkleTree.of(values)` computes. `path` is the first place that differs, from the leaves up.
 */
export class TreeDumpMismatchError extends IntegrityError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Reward tree dump, ${path}: ${problem}`, {
      hint: "The dump was edited or damaged; rebuild it from the epoch report.",
    });
    this.path = path;
  }
}

/* KECCAK */

/** hash-wasm's keccak WebAssembly module could not be found or loaded, so no reward tree can be hashed. */
export class KeccakUnavailableError extends ProtocolError {}
