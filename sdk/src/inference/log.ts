import * as z from "zod";
import { MaxUint256, concat, getBytes, hexlify, keccak256, sha256, toUtf8Bytes } from "ethers";
import { cidFromContentHash } from "../content/hash";
import {
  InferenceLogMismatchError,
  MalformedInferenceLogError,
  UnknownInferenceRecordError,
} from "../errors/inferenceLog";
import { BYTES32, DECIMAL, checkArray, checkBytes32 } from "../internal/check";
import { describeZodIssue } from "../internal/zod";
import { writeHex, writeUint256 } from "../internal/hex";
import { keccakHex } from "../rewards/keccak";
import { treeOfLeaves } from "../rewards/treeHashing";

/*
 * inference-log-v1: a settlement's batch of inference records. Each record's leaf is an OpenZeppelin
 * StandardMerkleTree leaf over INFERENCE_LEAF_ENCODING, so the log's root (the settlement's `logRoot`) and any
 * record's proof can be checked with `StandardMerkleTree.of(values, INFERENCE_LEAF_ENCODING)` and `.verify`, and the
 * tree is laid out and hashed by the same code as the reward trees.
 */

/** The `format` field of an inference log file. */
export const INFERENCE_LOG_FORMAT = "inference-log-v1";

/** A record's leaf values: id, model id, model version, calls, query hash, output hash. */
export const INFERENCE_LEAF_ENCODING = ["string", "uint256", "uint32", "uint64", "bytes32", "bytes32"] as const;

/** What a model answered: generated text, or a classifier's predicted label for the query's features. */
export type InferenceOutput = { kind: "text"; text: string } | { kind: "label"; features: number[]; label: number };

/** One logged inference (or batch of identical calls). */
export interface InferenceRecord {
  /** Unique within the log. */
  id: string;
  modelId: bigint;
  /** The model version that answered (1 for the first registration). */
  modelVersion: number;
  /** Calls this record pays for, at least 1: the settlement's calls are the sum over its records. */
  calls: bigint;
  /** A 32-byte hash of the query (the query itself may be private). */
  queryHash: string;
  output: InferenceOutput;
}

/** A record as the log file stores it: bigints as decimal strings. */
export interface InferenceRecordJson {
  id: string;
  modelId: string;
  modelVersion: number;
  calls: string;
  queryHash: string;
  output: InferenceOutput;
}

/** An inference log file. */
export interface InferenceLogFile {
  format: typeof INFERENCE_LOG_FORMAT;
  records: InferenceRecordJson[];
}

const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT32 = 2 ** 32 - 1;

const decimal = (max: bigint, what: string) =>
  z
    .string()
    .regex(DECIMAL, { error: `must be a decimal string without sign or leading zeros.`, abort: true })
    .refine((v) => BigInt(v) <= max, `must be at most ${what}.`);

const OUTPUT_SCHEMA = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("text"), text: z.string() }),
  z.strictObject({
    kind: z.literal("label"),
    features: z.array(z.number().refine(Number.isFinite, "a feature must be a finite number.")),
    label: z.number().int("must be an integer.").min(0, "must be ≥ 0."),
  }),
]);

const RECORD_SCHEMA = z.strictObject({
  id: z.string().min(1, "must not be empty.").max(256, "must be at most 256 characters."),
  modelId: decimal(MaxUint256, "2^256 - 1"),
  modelVersion: z.number().int("must be an integer.").min(1, "must be ≥ 1.").max(MAX_UINT32, "must fit a uint32."),
  calls: decimal(MAX_UINT64, "2^64 - 1").refine((v) => v !== "0", "must be at least 1."),
  queryHash: z.string().regex(BYTES32, "must be 32 bytes of hex."),
  output: OUTPUT_SCHEMA,
});

const LOG_SCHEMA = z.strictObject({
  format: z.literal(INFERENCE_LOG_FORMAT, { error: `the format must be "${INFERENCE_LOG_FORMAT}".` }),
  records: z.array(RECORD_SCHEMA).min(1, "a log needs at least one record."),
});

/**
 * `keccak256` of the output's canonical JSON (fixed key order; JavaScript's shortest round-trip form for numbers):
 * the record's last leaf value.
 */
export function inferenceOutputHash(output: InferenceOutput): string {
  parsed(OUTPUT_SCHEMA, output, "output");
  return outputHashOf(output);
}

function outputHashOf(output: InferenceOutput): string {
  const canonical =
    output.kind === "text"
      ? JSON.stringify({ kind: "text", text: output.text })
      : JSON.stringify({ kind: "label", features: output.features, label: output.label });
  return keccakHex(UTF8.encode(canonical));
}

/**
 * The record's values in {@link INFERENCE_LEAF_ENCODING} order, as `StandardMerkleTree.of` takes them.
 * @throws MalformedInferenceLogError naming the field of `record` that is not as a log's records must be.
 */
export function inferenceRecordValues(record: InferenceRecord): InferenceLeafValues {
  for (const field of ["modelId", "calls"] as const) {
    if (typeof record?.[field] !== "bigint")
      throw new MalformedInferenceLogError(`record.${field}`, "must be a bigint.");
  }
  parsed(RECORD_SCHEMA, toJson(record), "record");
  return valuesOf(record);
}

/** The values of a record already checked. */
function valuesOf(record: InferenceRecord): InferenceLeafValues {
  return [
    record.id,
    record.modelId.toString(),
    record.modelVersion,
    record.calls.toString(),
    record.queryHash.toLowerCase(),
    outputHashOf(record.output),
  ];
}

/** `value` as `schema` parses it, or MalformedInferenceLogError naming the first field that is wrong. */
function parsed<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new MalformedInferenceLogError(...describeZodIssue(result.error.issues[0], root));
  return result.data;
}

/** The values of a record's leaf, in {@link INFERENCE_LEAF_ENCODING} order. */
export type InferenceLeafValues = [
  id: string,
  modelId: string,
  modelVersion: number,
  calls: string,
  queryHash: string,
  outputHash: string,
];

/** The record's leaf: `keccak256(bytes.concat(keccak256(abi.encode(values))))`, as OpenZeppelin hashes a leaf. */
export function inferenceRecordLeaf(record: InferenceRecord): string {
  return inferenceLeaf(inferenceRecordValues(record));
}

/**
 * The leaf of a record's values (e.g. as an epoch report lists them, with the output's hash):
 * keccak256(keccak256(abi.encode(values))), the ABI encoding written here (six head words, the id's length and
 * padded bytes) so that a log of a million records hashes on the WebAssembly keccak.
 * @throws MalformedInferenceLogError naming the value that is not of its type in {@link INFERENCE_LEAF_ENCODING}.
 */
export function inferenceLeaf(values: InferenceLeafValues): string {
  if (!Array.isArray(values) || !leafShaped(values)) {
    throw new MalformedInferenceLogError("values", `are not of the types ${INFERENCE_LEAF_ENCODING.join(", ")}.`);
  }
  const [id, modelId, modelVersion, calls, queryHash, outputHash] = values;
  const idBytes = UTF8.encode(id);
  const encoded = new Uint8Array(32 * 7 + Math.ceil(idBytes.length / 32) * 32);
  encoded[31] = 0xc0;
  writeUint256(BigInt(modelId), encoded, 32);
  writeUint256(BigInt(modelVersion), encoded, 64);
  writeUint256(BigInt(calls), encoded, 96);
  writeHex(queryHash, encoded, 128);
  writeHex(outputHash, encoded, 160);
  writeUint256(BigInt(idBytes.length), encoded, 192);
  encoded.set(idBytes, 224);
  return keccakHex(getBytes(keccakHex(encoded)));
}

const UTF8 = new TextEncoder();

/** Whether the values are of their types in the leaf's encoding, a uint64 of calls at most 19 digits long. */
function leafShaped([id, modelId, modelVersion, calls, queryHash, outputHash]: InferenceLeafValues): boolean {
  return (
    typeof id === "string" &&
    DECIMAL.test(modelId) &&
    modelId.length < 78 &&
    modelVersion >>> 0 === modelVersion &&
    DECIMAL.test(calls) &&
    calls.length < 20 &&
    BYTES32.test(queryHash) &&
    BYTES32.test(outputHash)
  );
}

/**
 * Whether `proof` places `record` in the log whose root is `logRoot` (OpenZeppelin's sorted-pair proofs).
 * @throws InvalidInputError when the root or a proof element is not 32 bytes, or the record is malformed.
 */
export function verifyInferenceRecord(logRoot: string, record: InferenceRecord, proof: readonly string[]): boolean {
  return verifyInferenceLeaf(logRoot, inferenceRecordValues(record), proof);
}

/**
 * Whether `proof` places the record of these leaf values in the log whose root is `logRoot`.
 * @throws InvalidInputError when the root or a proof element is not 32 bytes, or a value is not of its type.
 */
export function verifyInferenceLeaf(logRoot: string, values: InferenceLeafValues, proof: readonly string[]): boolean {
  checkBytes32(logRoot, "logRoot");
  checkArray(proof, "proof");
  proof.forEach((sibling, i) => checkBytes32(sibling, `proof[${i}]`));
  let node = inferenceLeaf(values);
  for (const sibling of proof) {
    node = BigInt(node) <= BigInt(sibling) ? keccak256(concat([node, sibling])) : keccak256(concat([sibling, node]));
  }
  return node === logRoot.toLowerCase();
}

/** What a log must match when read: its settlement's log root and calls. */
export interface InferenceLogExpectation {
  logRoot?: string;
  calls?: bigint;
}

/**
 * A settlement's inference log: its records, their Merkle root (the settlement's `logRoot`), their total calls (the
 * settlement's `calls`), each record's proof, and the file that is stored by its CID (the settlement's `logURI`).
 */
export class InferenceLog {
  readonly records: readonly InferenceRecord[];
  /** The `logRoot` to settle with. */
  readonly root: string;
  /** The sum of the records' calls: the `calls` to settle. */
  readonly calls: bigint;

  /** `inferenceOutputHash` of each record's output, in record order: computed once, for the leaves. */
  readonly outputHashes: readonly string[];

  private readonly nodes: Uint8Array;
  private readonly treeIndexOf: Uint32Array;
  private readonly indexOfId: Map<string, number>;

  private constructor(records: readonly InferenceRecord[]) {
    const n = records.length;
    const leaves = new Uint8Array(n * 32);
    this.indexOfId = new Map();
    const outputHashes = new Array<string>(n);
    let calls = 0n;
    records.forEach((record, i) => {
      const first = this.indexOfId.get(record.id);
      if (first !== undefined) {
        throw new MalformedInferenceLogError(`records[${i}].id`, `"${record.id}" is also the id of records[${first}].`);
      }
      this.indexOfId.set(record.id, i);
      const values = valuesOf(record);
      outputHashes[i] = values[5];
      leaves.set(getBytes(inferenceLeaf(values)), i * 32);
      calls += record.calls;
    });
    this.outputHashes = Object.freeze(outputHashes);
    this.records = Object.freeze(records.map((r) => Object.freeze({ ...r, output: Object.freeze({ ...r.output }) })));
    this.calls = calls;
    this.treeIndexOf = new Uint32Array(n);
    this.nodes = treeOfLeaves(leaves, this.treeIndexOf);
    this.root = this.nodeHex(0);
  }

  /** The log of `records` (validated: every field, unique ids). */
  static of(records: readonly InferenceRecord[]): InferenceLog {
    if (!Array.isArray(records)) throw new MalformedInferenceLogError("records", "must be an array.");
    return InferenceLog.read({ format: INFERENCE_LOG_FORMAT, records: records.map(toJson) });
  }

  /**
   * Reads a log file (parsed JSON or its text) and, when given, checks it against its settlement: its root must be
   * `logRoot` and its calls must add up to `calls`.
   *
   * @throws MalformedInferenceLogError naming the field, e.g. `records[2].calls`.
   * @throws InferenceLogMismatchError when the root or the calls differ from the settlement's.
   */
  static read(file: unknown, expected: InferenceLogExpectation = {}): InferenceLog {
    let json = file;
    if (typeof file === "string") {
      try {
        json = JSON.parse(file);
      } catch (cause) {
        throw new MalformedInferenceLogError("the file", `is not JSON (${(cause as Error).message}).`);
      }
    }
    const log = new InferenceLog(parsed(LOG_SCHEMA, json, "the log").records.map(fromJson));
    if (expected.logRoot !== undefined && log.root !== expected.logRoot.toLowerCase()) {
      throw new InferenceLogMismatchError("root", `is ${log.root}; the settlement's logRoot is ${expected.logRoot}.`);
    }
    if (expected.calls !== undefined && log.calls !== expected.calls) {
      throw new InferenceLogMismatchError(
        "records[].calls",
        `add up to ${log.calls}; the settlement paid for ${expected.calls} calls.`,
      );
    }
    return log;
  }

  /** The record with this id. */
  record(id: string): InferenceRecord {
    return this.records[this.indexOf(id)];
  }

  /** The sibling hashes from the record's leaf to the root, as `StandardMerkleTree.getProof` gives them. */
  proof(id: string): string[] {
    let t = this.treeIndexOf[this.indexOf(id)];
    const proof: string[] = [];
    for (; t > 0; t = (t - 1) >> 1) proof.push(this.nodeHex(t % 2 === 1 ? t + 1 : t - 1));
    return proof;
  }

  /** The file, with bigints as decimal strings. */
  toJSON(): InferenceLogFile {
    return { format: INFERENCE_LOG_FORMAT, records: this.records.map(toJson) };
  }

  /** The file's text, as it is stored and addressed by its CID: the same records always give the same bytes. */
  serialize(): string {
    return JSON.stringify(this.toJSON());
  }

  /** The stored file's sha-256, its IPFS CIDv1 and its size: the settlement's `logURI` is `ipfs://<cid>`. */
  contentId(): { contentHash: string; cid: string; size: number } {
    const bytes = toUtf8Bytes(this.serialize());
    const contentHash = sha256(bytes);
    return { contentHash, cid: cidFromContentHash(contentHash), size: bytes.length };
  }

  private indexOf(id: string): number {
    const i = this.indexOfId.get(id);
    if (i === undefined) throw new UnknownInferenceRecordError(id);
    return i;
  }

  private nodeHex(t: number): string {
    return hexlify(this.nodes.subarray(t * 32, t * 32 + 32));
  }
}

/** The log of `records`: see {@link InferenceLog.of}. */
export function buildInferenceLog(records: readonly InferenceRecord[]): InferenceLog {
  return InferenceLog.of(records);
}

/** Reads and checks a log file: see {@link InferenceLog.read}. */
export function readInferenceLog(file: unknown, expected: InferenceLogExpectation = {}): InferenceLog {
  return InferenceLog.read(file, expected);
}

function toJson(record: InferenceRecord): InferenceRecordJson {
  const { id, modelId, modelVersion, calls, queryHash, output } = (record ?? {}) as Partial<InferenceRecord>;
  const text = (v: unknown) => (typeof v === "bigint" ? v.toString() : (v as string));
  return {
    id: id as string,
    modelId: text(modelId),
    modelVersion: modelVersion as number,
    calls: text(calls),
    queryHash: queryHash as string,
    output: output as InferenceOutput,
  };
}

function fromJson(record: z.output<typeof RECORD_SCHEMA>): InferenceRecord {
  return {
    id: record.id,
    modelId: BigInt(record.modelId),
    modelVersion: record.modelVersion,
    calls: BigInt(record.calls),
    queryHash: record.queryHash,
    output: record.output,
  };
}
