import { MaxUint256, getAddress, isAddress } from "ethers";
import * as z from "zod";
import { DEDUP_DEFAULTS } from "../attribution/dedup";
import type { DedupOptions } from "../attribution/dedup";
import { SPAN_INDEX_DEFAULTS } from "../attribution/spans";
import { sha256Hex } from "../content/hash";
import { contributionIdOf, digestOf } from "../datanet/digest";
import {
  ContributionContentMismatchError,
  DatanetVersionMismatchError,
  EpochReportMismatchError,
  InvalidEpochInputError,
  MalformedEpochReportError,
} from "../errors";
import { BYTES32 } from "../internal/check";
import { describeZodIssue } from "../internal/zod";
import { DECIMAL } from "./canonical";
import { readEpochReport } from "./report";
import type { EpochReport } from "./report";
import type { EpochReportV1 } from "./reportV1";
import type { EpochScorer } from "./score";

/* What an epoch's rewards are computed from: the input's types, and its reading, which checks and normalizes it. */

/** A Datanet version a model was trained on, as the Datanet registry published it. */
export interface EpochDatanetVersion {
  datanetId: bigint;
  version: number;
  /** Acceptances in the version: contributions 1..count of the Datanet. */
  count: number;
  /** The running digest of those acceptances (bytes32). */
  digest: string;
}

/** A model whose inferences the epoch attributes: the model version that served them. */
export interface EpochModel {
  modelId: bigint;
  version: number;
  /** The Datanet versions it was trained on, at least one, no Datanet twice. */
  trainedOn: EpochDatanetVersion[];
  /** Default `{ kind: "spans" }`. */
  scorer?: EpochScorer;
}

/** An accepted contribution, as the Datanet registry's events and the content itself give it. */
export interface EpochContribution {
  /** Unique across the input; e.g. the on-chain contribution id in decimal. */
  id: string;
  datanetId: bigint;
  /** The account credited; it receives the rewards. */
  contributor: string;
  /** sha-256 of the text's UTF-8 bytes, as submitted (bytes32). */
  contentHash: string;
  /** 1-based acceptance order in its Datanet. */
  index: number;
  /**
   * Which submission of this content to its Datanet was accepted: 1 (the default) for the first, more for a
   * resubmission after an expiry or a rejection, or a takeover by an earlier commitment (the SDK's indexer gives it).
   * It makes the on-chain contribution id that the version digest folds.
   */
  attempt?: number;
  /**
   * When it was accepted, the same unit for all (the block number of its acceptance is the natural choice): it
   * orders contributions across Datanets, so a copy of a contribution is never credited before the original. It
   * must not decrease with `index` within a Datanet.
   */
  acceptedAt: number;
  /** The content, as submitted; left out when its bytes could not be fetched (then `unavailable` says why). */
  text?: string;
  /**
   * Why the content could not be fetched, only without `text`: the contribution still folds into its version's digest
   * but scores nothing this epoch, and the report lists it under `unavailable`.
   */
  unavailable?: string;
  /** The training example's features: required when a `knn-shapley` model uses the contribution. */
  features?: number[];
  /** The training example's class: required when a `knn-shapley` model uses the contribution. */
  label?: number;
}

/**
 * One settlement of the epoch, as its `InferenceSettled` event records it, with its inference log as fetched from
 * `logURI`. Its pot (the contributors' share it paid) goes to the contributions its records drew on.
 */
export interface EpochSettlement {
  /** Unique across the input; e.g. `<transaction hash>:<log index>` of its event. */
  id: string;
  modelId: bigint;
  /** Calls paid for: the log's records must add up to it. */
  calls: bigint;
  /** The event's `contributorsShare`, in wei: what this settlement's records can earn. */
  pot: bigint;
  /** The event's `logRoot`: the root of the log's records (bytes32). */
  logRoot: string;
  logURI: string;
  /**
   * The `inference-log-v1` file fetched from `logURI`: its text or its parsed JSON. Leave it out when it could not be
   * fetched; the settlement is then not attributed and its pot is carried over.
   */
  log?: unknown;
  /** Why the log could not be fetched (shown in the report); only without `log`. */
  fetchError?: string;
}

/** How an epoch is attributed; each default is in {@link EPOCH_DEFAULTS}. */
export interface EpochOptions {
  /** Contributions listed per inference in the report (all of them count toward the amounts). Default 10. */
  topK?: number;
  /** Span attribution: see {@link SpanIndexOptions}. */
  spans?: { minTokens?: number; maxDocumentFraction?: number };
  /** Near-duplicate detection: see {@link DedupOptions}. */
  dedup?: DedupOptions;
}

/**
 * Everything an epoch's rewards are computed from. Every bigint field also takes a decimal string, so an input
 * read from a JSON file may be passed as parsed.
 */
export interface EpochInput {
  /** The epoch number, as the reward distributor's `proposeRoot` takes it. */
  epoch: bigint;
  /** The models that served the epoch's inferences, at least one, each once. */
  models: EpochModel[];
  /**
   * Accepted contributions of the Datanets the models were trained on: for each Datanet version, every contribution
   * with index 1..count. Later contributions may be given too; they earn nothing and do not change the report.
   */
  contributions: EpochContribution[];
  /** The epoch's settlements, every one of them (those whose log is missing too). */
  settlements: EpochSettlement[];
  /**
   * OPEN funded to the reward distributor for this epoch outside settlements (`fund` calls), in wei. Default 0. It is
   * shared like the previous epoch's carry-over: see `attributeEpoch`.
   */
  funding?: bigint;
  /**
   * The previous epoch's report: its cumulative amounts carry over into this epoch's reward tree, and what it carried
   * over joins this epoch's pool.
   */
  previous?: EpochReport | EpochReportV1;
  options?: EpochOptions;
}

/** The options `attributeEpoch` uses when none are given. */
export const EPOCH_DEFAULTS = { topK: 10, spans: SPAN_INDEX_DEFAULTS, dedup: DEDUP_DEFAULTS } as const;

/* INPUT VALIDATION */

const uint256 = z.preprocess(
  (v) => (typeof v === "string" && DECIMAL.test(v) ? BigInt(v) : v),
  z
    .bigint({ error: "must be a bigint (or a decimal string without sign or leading zeros)." })
    .min(0n, { error: "must be ≥ 0." })
    .max(MaxUint256, { error: "must be below 2^256." }),
);
const bytes32 = z
  .string()
  .regex(BYTES32, "must be 0x and 64 hex digits.")
  .transform((hash) => hash.toLowerCase());
/**
 * Checksummed addresses already seen: contributions repeat few accounts, and each checksum costs a keccak256. Bounded,
 * so that a long-lived process reading many inputs does not grow it without end.
 */
const checksummed = new Map<string, string | undefined>();
function checksum(a: string): string | undefined {
  let known = checksummed.get(a);
  if (known === undefined && !checksummed.has(a)) {
    if (checksummed.size >= 100_000) checksummed.clear();
    known = isAddress(a) ? getAddress(a) : undefined;
    checksummed.set(a, known);
  }
  return known;
}
const address = z
  .string()
  .refine((a) => checksum(a) !== undefined, "must be an address: 0x and 40 hex digits (mixed case only as EIP-55).")
  .transform((a) => checksum(a)!);
const positiveInteger = z.number().int("must be an integer.").min(1, "must be ≥ 1.");
const finite = z.number({ error: "must be a finite number." });
const features = z.array(finite).min(1, "must hold at least one feature.");
const label = finite;

const INPUT_SCHEMA = z.strictObject({
  epoch: uint256,
  models: z
    .array(
      z.strictObject({
        modelId: uint256,
        version: positiveInteger,
        trainedOn: z
          .array(
            z.strictObject({
              datanetId: uint256,
              version: positiveInteger,
              count: positiveInteger,
              digest: bytes32,
            }),
          )
          .min(1, "a model was trained on at least one Datanet version."),
        scorer: z
          .discriminatedUnion("kind", [
            z.strictObject({ kind: z.literal("spans") }),
            z.strictObject({ kind: z.literal("knn-shapley"), k: positiveInteger }),
            z.strictObject({
              kind: z.literal("logistic-influence"),
              l2: z.number().gt(0, "must be > 0: without a penalty the influence is not defined.").finite(),
              validation: z.strictObject({
                features: z.array(features).min(1, "a validation set holds at least one example."),
                labels: z.array(z.union([z.literal(0), z.literal(1)], { error: "must be 0 or 1." })),
              }),
              validationHash: bytes32,
            }),
          ])
          .optional(),
      }),
    )
    .min(1, "an epoch needs at least one model."),
  contributions: z.array(
    z.strictObject({
      id: z.string().min(1, "must not be empty."),
      datanetId: uint256,
      contributor: address,
      contentHash: bytes32,
      index: positiveInteger,
      attempt: positiveInteger.optional(),
      acceptedAt: z.number().int("must be an integer.").min(0, "must be ≥ 0."),
      text: z.string().optional(),
      unavailable: z.string().min(1, "must say why the content is unavailable.").optional(),
      features: features.optional(),
      label: label.optional(),
    }),
  ),
  settlements: z.array(
    z.strictObject({
      id: z.string().min(1, "must not be empty."),
      modelId: uint256,
      calls: uint256.refine((calls) => calls > 0n, "must be ≥ 1."),
      pot: uint256,
      logRoot: bytes32,
      logURI: z.string(),
      log: z.unknown().optional(),
      fetchError: z.string().optional(),
    }),
  ),
  funding: uint256.optional(),
  previous: z.unknown().optional(),
  options: z
    .strictObject({
      topK: positiveInteger.optional(),
      spans: z
        .strictObject({
          minTokens: positiveInteger.optional(),
          maxDocumentFraction: z.number().gt(0, "must be in (0, 1].").max(1, "must be in (0, 1].").optional(),
        })
        .optional(),
      dedup: z
        .strictObject({
          shingleWords: z.number().optional(),
          hashes: z.number().optional(),
          bands: z.number().optional(),
          threshold: z.number().optional(),
          seed: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
});

export type ParsedInput = Omit<z.output<typeof INPUT_SCHEMA>, "previous"> & { previous?: EpochReport | EpochReportV1 };
export type ParsedContribution = ParsedInput["contributions"][number];
/** A contribution whose content was given: the only kind that scores. */
export type AvailableContribution = ParsedContribution & { text: string };
export type ParsedSettlement = ParsedInput["settlements"][number];

/**
 * The input, checked and normalized (hashes lower case, addresses checksummed). Checks everything `attributeEpoch`
 * promises except the Datanet versions, which are checked as each model uses them.
 */
export function readEpochInput(input: EpochInput): ParsedInput {
  const parsed = INPUT_SCHEMA.safeParse(input);
  if (!parsed.success) {
    const [path, message] = describeZodIssue(parsed.error.issues[0], "the input");
    throw new InvalidEpochInputError(path, message);
  }
  const data = parsed.data;
  unique(
    data.models,
    (m) => m.modelId.toString(),
    (m) => `models[${m}].modelId`,
  );
  data.models.forEach((model, m) =>
    unique(
      model.trainedOn,
      (v) => v.datanetId.toString(),
      (t) => `models[${m}].trainedOn[${t}].datanetId`,
    ),
  );
  unique(
    data.contributions,
    (c) => c.id,
    (i) => `contributions[${i}].id`,
  );
  unique(
    data.contributions,
    (c) => `${c.datanetId}/${c.index}`,
    (i) => `contributions[${i}].index`,
  );
  unique(
    data.contributions,
    (c) => `${c.datanetId}/${c.contentHash}`,
    (i) => `contributions[${i}].contentHash`,
  );
  unique(
    data.settlements,
    (x) => x.id,
    (i) => `settlements[${i}].id`,
  );
  data.contributions.forEach((c, i) => {
    if ((c.text === undefined) === (c.unavailable === undefined)) {
      throw new InvalidEpochInputError(
        `contributions[${i}].${c.text === undefined ? "text" : "unavailable"}`,
        c.text === undefined
          ? "is missing: give the content, or say why it is unavailable."
          : "is only for a contribution without its text.",
      );
    }
    if (c.text === undefined) return;
    const hash = sha256Hex(c.text);
    if (hash !== c.contentHash) {
      throw new ContributionContentMismatchError(
        `contributions[${i}].text`,
        `hashes to ${hash}, not to its contentHash ${c.contentHash}.`,
      );
    }
  });
  const modelIds = new Set(data.models.map((m) => m.modelId));
  data.settlements.forEach((x, i) => {
    if (!modelIds.has(x.modelId)) {
      throw new InvalidEpochInputError(`settlements[${i}].modelId`, `model ${x.modelId} is not among the models.`);
    }
    if (x.log !== undefined && x.fetchError !== undefined) {
      throw new InvalidEpochInputError(`settlements[${i}].fetchError`, "is only for a settlement without its log.");
    }
  });
  const positions = new Map(data.contributions.map((c, i) => [c, i]));
  for (const list of contributionsByDatanet(data.contributions).values()) {
    for (let k = 1; k < list.length; k++) {
      if (list[k].acceptedAt < list[k - 1].acceptedAt) {
        throw new InvalidEpochInputError(
          `contributions[${positions.get(list[k])}].acceptedAt`,
          `is ${list[k].acceptedAt}, before the ${list[k - 1].acceptedAt} of index ${list[k - 1].index} of Datanet ${list[k].datanetId}.`,
        );
      }
    }
  }
  let previous: EpochReport | EpochReportV1 | undefined;
  if (data.previous !== undefined) {
    try {
      previous = readEpochReport(data.previous);
    } catch (error) {
      if (error instanceof MalformedEpochReportError || error instanceof EpochReportMismatchError) {
        throw new InvalidEpochInputError(`previous.${error.path}`, error.shortMessage);
      }
      throw error;
    }
    if (BigInt(previous.epoch) >= data.epoch) {
      throw new InvalidEpochInputError("previous.epoch", `is ${previous.epoch}, not before epoch ${data.epoch}.`);
    }
  }
  return { ...data, previous };
}

/** Contributions of each Datanet by index. */
export function contributionsByDatanet(
  contributions: readonly ParsedContribution[],
): Map<bigint, ParsedContribution[]> {
  const byDatanet = new Map<bigint, ParsedContribution[]>();
  for (const c of contributions) {
    const list = byDatanet.get(c.datanetId);
    if (list) list.push(c);
    else byDatanet.set(c.datanetId, [c]);
  }
  for (const list of byDatanet.values()) list.sort((a, b) => a.index - b.index);
  return byDatanet;
}

/** The contributions 1..count of a Datanet, checked against the version's digest. `list` is sorted by index. */
export function versionContributions(
  list: readonly ParsedContribution[],
  version: ParsedInput["models"][number]["trainedOn"][number],
  path: string,
): ParsedContribution[] {
  const used = list.filter((c) => c.index <= version.count);
  const missing = used.findIndex((c, k) => c.index !== k + 1);
  if (used.length !== version.count) {
    const first = missing >= 0 ? missing + 1 : used.length + 1;
    throw new DatanetVersionMismatchError(
      `${path}.count`,
      `Datanet ${version.datanetId} version ${version.version} holds ${version.count} acceptances, but the input has ` +
        `${used.length} of them (index ${first} is missing).`,
    );
  }
  const digest = digestOf(
    used.map((c) => ({
      contributionId: contributionIdOf(version.datanetId, c.contentHash, c.attempt ?? 1),
      contentHash: c.contentHash,
    })),
  );
  if (digest !== version.digest) {
    throw new DatanetVersionMismatchError(
      `${path}.digest`,
      `is ${version.digest}, but the input's contributions 1..${version.count} of Datanet ${version.datanetId} fold to ${digest}.`,
    );
  }
  return used;
}

function unique<T>(items: readonly T[], key: (item: T) => string, path: (i: number) => string): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const j = first.get(k);
    if (j !== undefined) throw new InvalidEpochInputError(path(i), `repeats ${path(j)}.`);
    first.set(k, i);
  });
}
