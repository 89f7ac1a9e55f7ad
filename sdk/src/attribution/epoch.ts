import { z } from "zod";
import { getAddress, isAddress, keccak256, toUtf8Bytes } from "ethers";
import { sha256Hex } from "../content/hash";
import { contributionIdOf, digestOf } from "../datanet/digest";
import {
  ContributionContentMismatchError,
  DatanetVersionMismatchError,
  EpochNothingAttributedError,
  EpochReportMismatchError,
  InvalidEpochInputError,
  MalformedEpochReportError,
  ProtocolError,
} from "../errors";
import { allocate } from "../rewards/allocate";
import { buildRewardTree } from "../rewards/rewardTree";
import type { RewardTree } from "../rewards/rewardTree";
import { DEDUP_DEFAULTS, clusterContributions } from "./dedup";
import type { DedupOptions } from "./dedup";
import { knnShapley } from "./knnShapley";
import { SPAN_INDEX_DEFAULTS, buildSpanIndex } from "./spans";
import type { SpanIndex } from "./spans";

/* INPUT */

/** A Datanet version a model was trained on, as the Datanet registry published it. */
export interface EpochDatanetVersion {
  datanetId: bigint;
  version: number;
  /** Acceptances in the version: contributions 1..count of the Datanet. */
  count: number;
  /** The running digest of those acceptances (bytes32). */
  digest: string;
}

/** KNN-Shapley scoring of a feature-based classifier, with `k` neighbours (an integer ≥ 1). */
export interface KnnShapleyScorer {
  kind: "knn-shapley";
  k: number;
}

/**
 * How a model's inferences are attributed: `spans` (the default) finds the output's text in the contributions';
 * `knn-shapley` values each contribution's (features, label) for the inference's (features, label), see
 * {@link knnShapley}.
 */
export type EpochScorer = { kind: "spans" } | KnnShapleyScorer;

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
  text: string;
  /** The training example's features: required when a `knn-shapley` model uses the contribution. */
  features?: number[];
  /** The training example's class: required when a `knn-shapley` model uses the contribution. */
  label?: number;
}

/** One inference record of a settled batch. */
export interface EpochInference {
  /** Unique across the input. */
  id: string;
  modelId: bigint;
  /** The `logRoot` of the settlement the record belongs to (bytes32). */
  logRoot: string;
  /** The generated text. */
  output: string;
  /** The query's features: required for a `knn-shapley` model. */
  features?: number[];
  /** The class the model's output was judged correct against: required for a `knn-shapley` model. */
  label?: number;
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
  /** The contributors' pool funded for the epoch, in wei. */
  pool: bigint;
  /** The models that served the epoch's inferences, at least one, each once. */
  models: EpochModel[];
  /**
   * Accepted contributions of the Datanets the models were trained on: for each Datanet version, every contribution
   * with index 1..count. Later contributions may be given too; they earn nothing and do not change the report.
   */
  contributions: EpochContribution[];
  inferences: EpochInference[];
  /** The previous epoch's report: its cumulative amounts carry over into this epoch's reward tree. */
  previous?: EpochReport;
  options?: EpochOptions;
}

/** Options that do not change the report. */
export interface AttributeEpochHooks {
  /** Called after each inference is attributed. */
  onProgress?: (done: number, total: number) => void;
}

/** The options `attributeEpoch` uses when none are given. */
export const EPOCH_DEFAULTS = { topK: 10, spans: SPAN_INDEX_DEFAULTS, dedup: DEDUP_DEFAULTS } as const;

/* REPORT */

/** The `format` of the reports this SDK writes and reads. */
export const EPOCH_REPORT_FORMAT = "epoch-report-v1";

/** A Datanet version of a model, with the hash of the contributions used from it. */
export interface EpochReportDatanetVersion {
  datanetId: string;
  version: number;
  count: number;
  digest: string;
  /**
   * keccak256 of the canonical JSON (see {@link serializeEpochReport}) of the version's contributions in index
   * order, each `{acceptedAt, contentHash, contributor, id, index}`, plus `features` and `label` for a
   * `knn-shapley` model: binds what the digest does not (ids, contributors, acceptance times, examples). The texts
   * are bound by their content hashes, which the digest binds.
   */
  contributionsHash: string;
}

/** A model with the copies found among its training contributions. */
export interface EpochReportModel {
  modelId: string;
  version: number;
  trainedOn: EpochReportDatanetVersion[];
  /** Clusters of two or more contributions, by representative id: the copies earn nothing, their cluster earns once. */
  clusters: { representative: string; copies: string[] }[];
  /** The model's scorer; absent for `spans`, so that span-attributed reports read as they always did. */
  scorer?: KnnShapleyScorer;
}

/** One contribution's share of an output: its weight, in (0, 1]; an output's weights sum to 1. */
export interface EpochReportShare {
  contribution: string;
  weight: number;
}

export interface EpochReportInference {
  id: string;
  modelId: string;
  logRoot: string;
  /** sha-256 of the output's UTF-8 bytes. */
  outputHash: string;
  /** The heaviest `topK` contributions (cluster representatives), by weight then id; empty when nothing matched. */
  top: EpochReportShare[];
}

/** A contribution credited in the epoch: the sum of its weights over all inferences. */
export interface EpochReportContribution {
  id: string;
  datanetId: string;
  contributor: string;
  weight: number;
}

/** An account of the reward tree. */
export interface EpochReportAccount {
  /** EIP-55 checksummed. */
  account: string;
  /** The sum of the weights of its contributions (0 for an account carried over from earlier epochs only). */
  weight: number;
  /** Its part of this epoch's pool: `allocate(pool, weights)`. */
  amount: string;
  /** Its leaf in the reward tree: the previous cumulative amount plus `amount`. */
  cumulative: string;
}

/**
 * An epoch report: plain JSON (amounts as decimal strings, weights as numbers), every list sorted, so that one
 * input gives one sequence of bytes under {@link serializeEpochReport}.
 */
export interface EpochReport {
  format: typeof EPOCH_REPORT_FORMAT;
  epoch: string;
  pool: string;
  options: {
    topK: number;
    spans: { minTokens: number; maxDocumentFraction: number };
    dedup: Required<DedupOptions>;
  };
  /** By model id. */
  models: EpochReportModel[];
  /** By id, every input inference, matched or not. */
  inferences: EpochReportInference[];
  /** By id, the contributions with a positive weight. */
  contributions: EpochReportContribution[];
  /** By Datanet id, every Datanet a model was trained on, with the sum of its contributions' weights. */
  datanets: { datanetId: string; weight: number }[];
  /** By lower-cased address. */
  accounts: EpochReportAccount[];
  /** The report whose cumulative amounts this one carries over, or null. */
  previous: { epoch: string; reportHash: string; root: string; total: string } | null;
  /** The reward tree of the cumulative amounts: its root and total go to `proposeRoot`. */
  tree: { root: string; total: string };
  /** keccak256 of the report's canonical JSON without this field: the `reportHash` of `proposeRoot`. */
  reportHash: string;
}

/** The result of {@link verifyEpochReport}. */
export type EpochReportVerification = { ok: true } | { ok: false; path: string; expected: unknown; actual: unknown };

/**
 * Attributes an epoch's inferences to contributions and turns the weights into amounts and a reward root.
 *
 * The rules, in order:
 * 1. Inputs are checked: each text hashes to its content hash; for each Datanet version a model names, the
 *    contributions 1..count are all given and fold into the version's digest (the registry's running digest).
 * 2. A model's eligible contributions are those of its Datanet versions, index ≤ count: a contribution accepted
 *    after the version earns nothing from that model.
 * 3. Copies among them are clustered ({@link clusterContributions}); a cluster is credited to its earliest accepted
 *    member (by acceptedAt, then Datanet id, index, id) and document frequency counts clusters.
 * 4. Each inference's output is attributed with the model's span index ({@link SpanIndex.attribute}): weights that
 *    are positive and sum to 1 (or nothing when no span matches). For a `knn-shapley` model, the inference's
 *    (features, label) is valued with {@link knnShapley} over the cluster representatives, in the order of rule 3
 *    (which breaks distance ties), and the positive values, divided by their sum, are the weights (nothing when
 *    none is positive); a copy is not scored, so it neither earns nor splits its original's value. Inferences are
 *    taken by id and each contribution's weight is the sum of its weights in that order; contributor and Datanet
 *    totals are the sums of their contributions' weights, by contribution id. Only positive weights earn.
 * 5. `allocate(pool, account weights)` splits the pool to the wei; each account's cumulative amount is its previous
 *    cumulative amount plus that; `buildRewardTree` of the cumulative amounts gives the root.
 *
 * The report is the same, byte for byte under {@link serializeEpochReport}, whatever the order of the input lists.
 *
 * Complexity: sha-256 and keccak over every eligible contribution, then per model the dedup and the span index
 * (see {@link clusterContributions}, {@link buildSpanIndex}), then one {@link SpanIndex.attribute} per inference;
 * for a `knn-shapley` model no span index, and O(representatives × features) per inference.
 *
 * What it cannot see: whatever span attribution cannot (paraphrase, an output the model wrote in its own words)
 * and whatever dedup cannot (a copy rewritten beyond the Jaccard threshold earns as an original); for `knn-shapley`,
 * dedup looks at the texts only, so a copy whose text differs but whose features repeat an example earns as an
 * original. It does not check that an inference belongs to its log root, nor that its features and label are those
 * of the logged query; the report records the output hash so that anyone holding the logs can check that much.
 *
 * @throws InvalidEpochInputError when a field is malformed, an id is used twice, an inference names a model not in
 *   the input, acceptance times decrease within a Datanet, `previous` is not a valid earlier report, or a
 *   contribution or inference a `knn-shapley` model uses lacks `features` or `label` or has another number of
 *   features than the model's earliest eligible contribution.
 * @throws ContributionContentMismatchError when a text does not hash to its content hash.
 * @throws DatanetVersionMismatchError when a version's contributions are incomplete or do not fold to its digest.
 * @throws EpochNothingAttributedError when no inference drew on any eligible contribution and the pool is not 0,
 *   or there is no account for the reward tree.
 * @throws InvalidDedupOptionsError, InvalidSpanOptionsError when an option is out of range.
 */
export function attributeEpoch(input: EpochInput, hooks: AttributeEpochHooks = {}): EpochReport {
  const data = readEpochInput(input);
  const options = {
    topK: data.options?.topK ?? EPOCH_DEFAULTS.topK,
    spans: {
      minTokens: data.options?.spans?.minTokens ?? SPAN_INDEX_DEFAULTS.minTokens,
      maxDocumentFraction: data.options?.spans?.maxDocumentFraction ?? SPAN_INDEX_DEFAULTS.maxDocumentFraction,
    },
    dedup: {
      shingleWords: data.options?.dedup?.shingleWords ?? DEDUP_DEFAULTS.shingleWords,
      hashes: data.options?.dedup?.hashes ?? DEDUP_DEFAULTS.hashes,
      bands: data.options?.dedup?.bands ?? DEDUP_DEFAULTS.bands,
      threshold: data.options?.dedup?.threshold ?? DEDUP_DEFAULTS.threshold,
      seed: data.options?.dedup?.seed ?? DEDUP_DEFAULTS.seed,
    },
  };

  const byDatanet = contributionsByDatanet(data.contributions);
  const scorerOf = new Map<bigint, (inference: ParsedInference, path: string) => Attribution>();
  const contributionAt = new Map(data.contributions.map((c, i) => [c, i]));
  const contributionOf = new Map(data.contributions.map((c) => [c.id, c]));
  const models: EpochReportModel[] = [];
  const modelOrder = data.models
    .map((model, m) => ({ model, m }))
    .sort((a, b) => compareBig(a.model.modelId, b.model.modelId));
  for (const { model, m } of modelOrder) {
    const eligible: ParsedContribution[] = [];
    const trainedOn: EpochReportDatanetVersion[] = [];
    const versions = model.trainedOn.map((v, t) => ({ v, t })).sort((a, b) => compareBig(a.v.datanetId, b.v.datanetId));
    const knn = model.scorer?.kind === "knn-shapley" ? model.scorer : undefined;
    for (const { v, t } of versions) {
      const used = versionContributions(byDatanet.get(v.datanetId) ?? [], v, `models[${m}].trainedOn[${t}]`);
      for (const c of used) eligible.push(c);
      if (knn) used.forEach((c) => requireExample(c, `contributions[${contributionAt.get(c)}]`, m));
      trainedOn.push({
        datanetId: v.datanetId.toString(),
        version: v.version,
        count: v.count,
        digest: v.digest,
        contributionsHash: hashJson(
          used.map((c) => ({
            acceptedAt: c.acceptedAt,
            contentHash: c.contentHash,
            contributor: c.contributor,
            id: c.id,
            index: c.index,
            // Only a later attempt is recorded, so that reports of first attempts keep their bytes.
            ...(c.attempt !== undefined && c.attempt !== 1 && { attempt: c.attempt }),
            ...(knn && { features: c.features, label: c.label }),
          })),
        ),
      });
    }
    eligible.sort(
      (a, b) =>
        a.acceptedAt - b.acceptedAt || compareBig(a.datanetId, b.datanetId) || a.index - b.index || compare(a.id, b.id),
    );
    const clustering = clusterContributions(
      eligible.map((c, rank) => ({ id: c.id, contentHash: c.contentHash, text: c.text, acceptedAt: rank })),
      options.dedup,
    );
    if (knn) {
      scorerOf.set(model.modelId, knnScorer(eligible, clustering.representativeOf, knn.k, m, contributionAt));
    } else {
      const index = buildSpanIndex(
        eligible.map((c) => ({ id: c.id, text: c.text })),
        { ...options.spans, cluster: clustering.representativeOf },
      );
      scorerOf.set(model.modelId, (inference) => index.attribute(inference.output));
    }
    models.push({
      modelId: model.modelId.toString(),
      version: model.version,
      trainedOn,
      clusters: clustering.clusters
        .filter((cluster) => cluster.members.length > 1)
        .map((cluster) => ({ representative: cluster.representative, copies: cluster.members.slice(1).sort(compare) }))
        .sort((a, b) => compare(a.representative, b.representative)),
      ...(knn && { scorer: { kind: knn.kind, k: knn.k } }),
    });
  }

  const inferences: EpochReportInference[] = [];
  const weightOf = new Map<string, number>();
  const inferenceAt = new Map(data.inferences.map((x, i) => [x, i]));
  const sortedInferences = [...data.inferences].sort((a, b) => compare(a.id, b.id));
  sortedInferences.forEach((inference, i) => {
    const attribution = scorerOf.get(inference.modelId)!(inference, `inferences[${inferenceAt.get(inference)}]`);
    for (const { id, weight } of attribution) weightOf.set(id, (weightOf.get(id) ?? 0) + weight);
    inferences.push({
      id: inference.id,
      modelId: inference.modelId.toString(),
      logRoot: inference.logRoot,
      outputHash: sha256Hex(inference.output),
      top: attribution.slice(0, options.topK).map(({ id, weight }) => ({ contribution: id, weight })),
    });
    hooks.onProgress?.(i + 1, sortedInferences.length);
  });

  const contributions: EpochReportContribution[] = [...weightOf]
    .filter(([, weight]) => weight > 0)
    .sort(([a], [b]) => compare(a, b))
    .map(([id, weight]) => {
      const c = contributionOf.get(id)!;
      return { id, datanetId: c.datanetId.toString(), contributor: c.contributor, weight };
    });
  const datanetIds = [...new Set(data.models.flatMap((model) => model.trainedOn.map((v) => v.datanetId)))].sort(
    compareBig,
  );
  const datanetWeights = sumsBy(contributions, (c) => c.datanetId);
  const datanets = datanetIds.map((id) => ({
    datanetId: id.toString(),
    weight: datanetWeights.get(id.toString()) ?? 0,
  }));

  const previousCumulative = new Map<string, bigint>();
  for (const a of data.previous?.accounts ?? []) previousCumulative.set(a.account, BigInt(a.cumulative));
  const accountWeights = sumsBy(contributions, (c) => c.contributor);
  for (const account of previousCumulative.keys()) if (!accountWeights.has(account)) accountWeights.set(account, 0);
  const anyWeight = contributions.length > 0;
  if ((!anyWeight && data.pool > 0n) || accountWeights.size === 0) {
    throw new EpochNothingAttributedError(
      `No inference of epoch ${data.epoch} drew on an eligible contribution, so the pool of ${data.pool} has nobody to go to.`,
      { hint: "Leave the pool funded: the next epoch's root may allocate it." },
    );
  }
  const amounts = allocate(data.pool, accountWeights);
  const accounts: EpochReportAccount[] = [...accountWeights.keys()]
    .sort((a, b) => compare(a.toLowerCase(), b.toLowerCase()))
    .map((account) => {
      const amount = amounts.get(account)!;
      const cumulative = (previousCumulative.get(account) ?? 0n) + amount;
      return {
        account,
        weight: accountWeights.get(account)!,
        amount: amount.toString(),
        cumulative: cumulative.toString(),
      };
    });
  const tree = buildRewardTree(accounts.map((a) => ({ account: a.account, amount: BigInt(a.cumulative) })));

  const body: Omit<EpochReport, "reportHash"> = {
    format: EPOCH_REPORT_FORMAT,
    epoch: data.epoch.toString(),
    pool: data.pool.toString(),
    options,
    models,
    inferences,
    contributions,
    datanets,
    accounts,
    previous: data.previous
      ? {
          epoch: data.previous.epoch,
          reportHash: data.previous.reportHash,
          root: data.previous.tree.root,
          total: data.previous.tree.total,
        }
      : null,
    tree: { root: tree.root, total: tree.total.toString() },
  };
  return { ...body, reportHash: hashJson(body) };
}

/**
 * The report as canonical JSON: object keys sorted by UTF-16 code units at every level, no whitespace, strings and
 * numbers as `JSON.stringify` writes them (numbers in ECMAScript's shortest round-trip form). The lists are already
 * in their defined order, so one report has exactly one serialization. O(size of the report).
 */
export function serializeEpochReport(report: EpochReport): string {
  return canonicalJson(report);
}

/**
 * `reportHash` of a report: keccak256 of the UTF-8 bytes of its canonical JSON without the `reportHash` field.
 * O(size of the report).
 */
export function epochReportHash(report: Omit<EpochReport, "reportHash"> & { reportHash?: string }): string {
  const { reportHash: _ignored, ...body } = report;
  return hashJson(body);
}

/** The reward tree of a report's cumulative amounts, to serve proofs from. O(accounts). */
export function epochRewardTree(report: EpochReport): RewardTree {
  return buildRewardTree(report.accounts.map((a) => ({ account: a.account, amount: BigInt(a.cumulative) })));
}

/**
 * Reads an epoch report (JSON text or the parsed value) and checks that it is well-formed and consistent with
 * itself: the shape (strict: an unknown key is refused), every list sorted and unique, every reference resolved
 * (an inference's model, a listed contribution, a trained-on Datanet; no copy of a cluster credited), each Datanet's
 * and account's weight the sum of its contributions' weights, the amounts exactly `allocate(pool, weights)` (so
 * they sum to the pool), the cumulative amounts the previous ones plus these, the root and total those of the
 * cumulative amounts' reward tree, and `reportHash` the report's hash. It cannot check the weights themselves nor
 * the input hashes: {@link verifyEpochReport} recomputes those from the input.
 *
 * Complexity: O(report size), plus one reward tree build and one `allocate`.
 * @throws MalformedEpochReportError when the report is not well-formed; `path` names the field.
 * @throws EpochReportMismatchError when it contradicts itself; `path` names the first field found wrong.
 */
export function readEpochReport(json: unknown): EpochReport {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new MalformedEpochReportError("the report", `is not JSON (${(error as Error).message}).`);
    }
  }
  const parsed = REPORT_SCHEMA.safeParse(value);
  if (!parsed.success) {
    const [path, message] = describeIssue(parsed.error.issues[0], "the report");
    throw new MalformedEpochReportError(path, message);
  }
  const report = parsed.data as EpochReport;
  checkStructure(report);
  checkConsistency(report);
  return report;
}

/**
 * Recomputes the report from `input` with {@link attributeEpoch} and compares it with `report` (JSON text or the
 * parsed value) field by field, in canonical key order: `ok` when they are equal to the bit, else the first field
 * that differs (e.g. `inferences[3].outputHash`, `accounts[2].amount`, or a key only one of them has) with both
 * values. An outsider holding the input (the chain's events, the contributions' texts, the inference logs) verifies
 * an epoch this way, then checks that `tree.root` is the root proposed on-chain for `epoch` and that `reportHash`
 * is the one in its `RootProposed` event.
 *
 * @throws as {@link attributeEpoch} does when the input is invalid; MalformedEpochReportError when `report` is a
 *   string that is not JSON.
 */
export function verifyEpochReport(report: unknown, input: EpochInput): EpochReportVerification {
  let actual = report;
  if (typeof report === "string") {
    try {
      actual = JSON.parse(report);
    } catch (error) {
      throw new MalformedEpochReportError("the report", `is not JSON (${(error as Error).message}).`);
    }
  }
  const difference = firstDifference(attributeEpoch(input), actual, "");
  return difference === undefined ? { ok: true } : { ok: false, ...difference };
}

/* INPUT VALIDATION */

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const UINT256_MAX = (1n << 256n) - 1n;

const uint256 = z.preprocess(
  (v) => (typeof v === "string" && DECIMAL.test(v) ? BigInt(v) : v),
  z
    .bigint({ error: "must be a bigint (or a decimal string without sign or leading zeros)." })
    .min(0n, { error: "must be ≥ 0." })
    .max(UINT256_MAX, { error: "must be below 2^256." }),
);
const bytes32 = z
  .string()
  .regex(BYTES32, "must be 0x and 64 hex digits.")
  .transform((hash) => hash.toLowerCase());
const address = z
  .string()
  .refine((a) => isAddress(a), "must be an address: 0x and 40 hex digits (mixed case only as EIP-55).")
  .transform((a) => getAddress(a));
const positiveInteger = z.number().int("must be an integer.").min(1, "must be ≥ 1.");
const finite = z.number({ error: "must be a finite number." });
const features = z.array(finite).min(1, "must hold at least one feature.");
const label = finite;

const INPUT_SCHEMA = z.strictObject({
  epoch: uint256,
  pool: uint256,
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
      text: z.string(),
      features: features.optional(),
      label: label.optional(),
    }),
  ),
  inferences: z.array(
    z.strictObject({
      id: z.string().min(1, "must not be empty."),
      modelId: uint256,
      logRoot: bytes32,
      output: z.string(),
      features: features.optional(),
      label: label.optional(),
    }),
  ),
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

type ParsedInput = Omit<z.output<typeof INPUT_SCHEMA>, "previous"> & { previous?: EpochReport };
type ParsedContribution = ParsedInput["contributions"][number];
type ParsedInference = ParsedInput["inferences"][number];
/** Contribution ids with positive weights summing to 1, by weight then id. */
type Attribution = { id: string; weight: number }[];

/**
 * The input, checked and normalized (hashes lower case, addresses checksummed). Checks everything `attributeEpoch`
 * promises except the Datanet versions, which are checked as each model uses them.
 */
function readEpochInput(input: EpochInput): ParsedInput {
  const parsed = INPUT_SCHEMA.safeParse(input);
  if (!parsed.success) {
    const [path, message] = describeIssue(parsed.error.issues[0], "the input");
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
    data.inferences,
    (x) => x.id,
    (i) => `inferences[${i}].id`,
  );
  data.contributions.forEach((c, i) => {
    const hash = sha256Hex(c.text);
    if (hash !== c.contentHash) {
      throw new ContributionContentMismatchError(
        `contributions[${i}].text`,
        `hashes to ${hash}, not to its contentHash ${c.contentHash}.`,
      );
    }
  });
  const modelIds = new Set(data.models.map((m) => m.modelId));
  data.inferences.forEach((x, i) => {
    if (!modelIds.has(x.modelId)) {
      throw new InvalidEpochInputError(`inferences[${i}].modelId`, `model ${x.modelId} is not among the models.`);
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
  let previous: EpochReport | undefined;
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

/** Refuses a contribution or inference that a `knn-shapley` model, `models[m]`, needs without its example. */
function requireExample(item: { features?: number[]; label?: number }, path: string, m: number): void {
  for (const field of ["features", "label"] as const) {
    if (item[field] === undefined) {
      throw new InvalidEpochInputError(`${path}.${field}`, `is required: models[${m}] scores with knn-shapley.`);
    }
  }
}

/**
 * The scorer of `knn-shapley` model `models[m]`: the KNN-Shapley values of the cluster representatives among
 * `eligible` (sorted as rule 3 of `attributeEpoch` says, which breaks distance ties) for an inference, the positive
 * ones divided by their sum, by weight then id. Every example, copies included, must have as many features as the
 * earliest. O(eligible × features) to set up, O(representatives × features) per inference.
 */
function knnScorer(
  eligible: readonly ParsedContribution[],
  representativeOf: ReadonlyMap<string, string>,
  k: number,
  m: number,
  contributionAt: ReadonlyMap<ParsedContribution, number>,
): (inference: ParsedInference, path: string) => Attribution {
  const dimension = eligible[0].features!.length;
  const checkDimension = (features: number[], path: string) => {
    if (features.length !== dimension) {
      throw new InvalidEpochInputError(
        `${path}.features`,
        `has ${features.length} features; the examples of models[${m}] have ${dimension}.`,
      );
    }
  };
  for (const c of eligible) checkDimension(c.features!, `contributions[${contributionAt.get(c)}]`);
  const representatives = eligible.filter((c) => representativeOf.get(c.id) === c.id);
  const X = representatives.map((c) => c.features!);
  const y = representatives.map((c) => c.label!);
  return (inference, path) => {
    requireExample(inference, path, m);
    checkDimension(inference.features!, path);
    const values = knnShapley(X, y, inference.features!, inference.label!, k);
    let sum = 0;
    for (const value of values) if (value > 0) sum += value;
    const shares: Attribution = [];
    representatives.forEach((c, r) => {
      if (values[r] > 0) shares.push({ id: c.id, weight: values[r] / sum });
    });
    return shares.sort((a, b) => b.weight - a.weight || compare(a.id, b.id));
  };
}

/** Contributions of each Datanet by index. */
function contributionsByDatanet(contributions: readonly ParsedContribution[]): Map<bigint, ParsedContribution[]> {
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
function versionContributions(
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

/* REPORT VALIDATION */

const weightSchema = z.number().min(0, "must be ≥ 0.");
const decimalSchema = z
  .string()
  .regex(DECIMAL, { error: "must be a decimal string without sign or leading zeros.", abort: true })
  .refine((amount) => BigInt(amount) <= UINT256_MAX, "must be below 2^256.");
const hashSchema = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x and 64 lower-case hex digits.");
const checksummedSchema = z
  .string()
  .refine((a) => isAddress(a) && getAddress(a) === a, "must be an EIP-55 checksummed address.");
const idSchema = z.string().min(1, "must not be empty.");
const countSchema = z.number().int("must be an integer.").min(1, "must be ≥ 1.");

const REPORT_SCHEMA = z.strictObject({
  format: z.literal(EPOCH_REPORT_FORMAT, { error: `must be "${EPOCH_REPORT_FORMAT}".` }),
  epoch: decimalSchema,
  pool: decimalSchema,
  options: z.strictObject({
    topK: countSchema,
    spans: z.strictObject({
      minTokens: countSchema,
      maxDocumentFraction: z.number().gt(0, "must be in (0, 1].").max(1, "must be in (0, 1]."),
    }),
    dedup: z.strictObject({
      shingleWords: countSchema,
      hashes: countSchema,
      bands: countSchema,
      threshold: z.number().gt(0, "must be in (0, 1].").max(1, "must be in (0, 1]."),
      seed: z.number().int("must be an integer.").min(0, "must be ≥ 0."),
    }),
  }),
  models: z
    .array(
      z.strictObject({
        modelId: decimalSchema,
        version: countSchema,
        trainedOn: z
          .array(
            z.strictObject({
              datanetId: decimalSchema,
              version: countSchema,
              count: countSchema,
              digest: hashSchema,
              contributionsHash: hashSchema,
            }),
          )
          .min(1, "must list at least one Datanet version."),
        clusters: z.array(
          z.strictObject({ representative: idSchema, copies: z.array(idSchema).min(1, "must not be empty.") }),
        ),
        scorer: z
          .strictObject({ kind: z.literal("knn-shapley", { error: 'must be "knn-shapley".' }), k: countSchema })
          .optional(),
      }),
    )
    .min(1, "must list at least one model."),
  inferences: z.array(
    z.strictObject({
      id: idSchema,
      modelId: decimalSchema,
      logRoot: hashSchema,
      outputHash: hashSchema,
      top: z.array(z.strictObject({ contribution: idSchema, weight: z.number().gt(0, "must be > 0.") })),
    }),
  ),
  contributions: z.array(
    z.strictObject({
      id: idSchema,
      datanetId: decimalSchema,
      contributor: checksummedSchema,
      weight: z.number().gt(0, "must be > 0."),
    }),
  ),
  datanets: z.array(z.strictObject({ datanetId: decimalSchema, weight: weightSchema })),
  accounts: z
    .array(
      z.strictObject({
        account: checksummedSchema,
        weight: weightSchema,
        amount: decimalSchema,
        cumulative: decimalSchema,
      }),
    )
    .min(1, "must list at least one account."),
  previous: z.nullable(
    z.strictObject({ epoch: decimalSchema, reportHash: hashSchema, root: hashSchema, total: decimalSchema }),
  ),
  tree: z.strictObject({ root: hashSchema, total: decimalSchema }),
  reportHash: hashSchema,
});

/** Sorted, unique and resolved lists: what a report made by `attributeEpoch` always has. */
function checkStructure(report: EpochReport): void {
  const malformed = (path: string, problem: string) => new MalformedEpochReportError(path, problem);
  const increasing = <T>(items: readonly T[], path: string, field: string, order: (a: T, b: T) => number) => {
    for (let i = 1; i < items.length; i++) {
      if (order(items[i - 1], items[i]) >= 0) {
        throw malformed(
          `${path}[${i}].${field}`,
          `is not after ${path}[${i - 1}].${field}; the list is sorted, no repeats.`,
        );
      }
    }
  };
  const byDecimal = (key: string) => (a: unknown, b: unknown) =>
    compareBig(BigInt((a as Record<string, string>)[key]), BigInt((b as Record<string, string>)[key]));
  increasing(report.models, "models", "modelId", byDecimal("modelId"));
  const trainedDatanets = new Set<string>();
  /** Per Datanet, how many models train on it; per contribution, how many of those models count it as a copy. */
  const modelsOn = new Map<string, number>();
  const copyIn = new Map<string, number>();
  report.models.forEach((model, m) => {
    increasing(model.trainedOn, `models[${m}].trainedOn`, "datanetId", byDecimal("datanetId"));
    model.trainedOn.forEach((v) => {
      trainedDatanets.add(v.datanetId);
      modelsOn.set(v.datanetId, (modelsOn.get(v.datanetId) ?? 0) + 1);
    });
    increasing(model.clusters, `models[${m}].clusters`, "representative", (a, b) =>
      compare(a.representative, b.representative),
    );
    model.clusters.forEach((cluster, k) => {
      for (let j = 1; j < cluster.copies.length; j++) {
        if (compare(cluster.copies[j - 1], cluster.copies[j]) >= 0) {
          throw malformed(
            `models[${m}].clusters[${k}].copies[${j}]`,
            "is not after the copy before it; copies are sorted.",
          );
        }
      }
      cluster.copies.forEach((copy) => copyIn.set(copy, (copyIn.get(copy) ?? 0) + 1));
    });
  });
  const modelIds = new Set(report.models.map((m) => m.modelId));
  increasing(report.contributions, "contributions", "id", (a, b) => compare(a.id, b.id));
  const contributionIds = new Set(report.contributions.map((c) => c.id));
  report.contributions.forEach((c, i) => {
    if (!trainedDatanets.has(c.datanetId)) {
      throw malformed(`contributions[${i}].datanetId`, `Datanet ${c.datanetId} is not one a model was trained on.`);
    }
    // A contribution may lead a cluster for one model and copy an earlier one for another that also trains on an
    // earlier Datanet; it earns nothing only when every model that could credit it counts it as a copy.
    if (copyIn.get(c.id) === modelsOn.get(c.datanetId)) {
      throw new EpochReportMismatchError(
        `contributions[${i}]`,
        `${c.id} is the copy of a cluster for every model trained on its Datanet; copies earn nothing.`,
      );
    }
  });
  increasing(report.inferences, "inferences", "id", (a, b) => compare(a.id, b.id));
  report.inferences.forEach((x, i) => {
    if (!modelIds.has(x.modelId)) throw malformed(`inferences[${i}].modelId`, `model ${x.modelId} is not in models.`);
    if (x.top.length > report.options.topK) {
      throw malformed(`inferences[${i}].top`, `lists ${x.top.length} contributions; topK is ${report.options.topK}.`);
    }
    increasing(
      x.top,
      `inferences[${i}].top`,
      "weight",
      (a, b) => b.weight - a.weight || compare(a.contribution, b.contribution),
    );
    x.top.forEach((share, k) => {
      if (!contributionIds.has(share.contribution)) {
        throw malformed(`inferences[${i}].top[${k}].contribution`, `${share.contribution} is not in contributions.`);
      }
    });
  });
  increasing(report.datanets, "datanets", "datanetId", byDecimal("datanetId"));
  const listed = report.datanets.map((d) => d.datanetId).join(",");
  const expected = [...trainedDatanets].sort((a, b) => compareBig(BigInt(a), BigInt(b))).join(",");
  if (listed !== expected) throw malformed("datanets", `lists [${listed}]; the models were trained on [${expected}].`);
  increasing(report.accounts, "accounts", "account", (a, b) =>
    compare(a.account.toLowerCase(), b.account.toLowerCase()),
  );
}

/** Sums, amounts, cumulative amounts, tree and hash, each recomputed from the fields it depends on. */
function checkConsistency(report: EpochReport): void {
  const mismatch = (path: string, problem: string) => new EpochReportMismatchError(path, problem);
  const datanetWeights = sumsBy(report.contributions, (c) => c.datanetId);
  report.datanets.forEach((d, i) => {
    const sum = datanetWeights.get(d.datanetId) ?? 0;
    if (sum !== d.weight) throw mismatch(`datanets[${i}].weight`, `is ${d.weight}; its contributions sum to ${sum}.`);
  });
  const accountAt = new Map(report.accounts.map((a, i) => [a.account, i]));
  report.contributions.forEach((c, i) => {
    if (!accountAt.has(c.contributor)) {
      throw mismatch("accounts", `has no entry for ${c.contributor}, the contributor of contributions[${i}].`);
    }
  });
  const accountWeights = sumsBy(report.contributions, (c) => c.contributor);
  report.accounts.forEach((a, i) => {
    const sum = accountWeights.get(a.account) ?? 0;
    if (sum !== a.weight) throw mismatch(`accounts[${i}].weight`, `is ${a.weight}; its contributions sum to ${sum}.`);
  });
  let amounts: Map<string, bigint>;
  try {
    amounts = allocate(BigInt(report.pool), new Map(report.accounts.map((a) => [a.account, a.weight])));
  } catch (error) {
    if (error instanceof ProtocolError) throw mismatch("accounts", `cannot split the pool: ${error.shortMessage}`);
    throw error;
  }
  let previousTotal = 0n;
  let total = 0n;
  report.accounts.forEach((a, i) => {
    const expected = amounts.get(a.account)!;
    if (BigInt(a.amount) !== expected) {
      throw mismatch(`accounts[${i}].amount`, `is ${a.amount}; allocate(pool, weights) gives ${expected}.`);
    }
    const carried = BigInt(a.cumulative) - expected;
    if (carried < 0n || (report.previous === null && carried !== 0n)) {
      throw mismatch(
        `accounts[${i}].cumulative`,
        `is ${a.cumulative}; with ${a.amount} this epoch, that ${report.previous ? "is less than the amount" : "carries over from no previous report"}.`,
      );
    }
    previousTotal += carried;
    total += BigInt(a.cumulative);
  });
  if (report.previous !== null) {
    if (BigInt(report.previous.epoch) >= BigInt(report.epoch)) {
      throw mismatch("previous.epoch", `is ${report.previous.epoch}, not before epoch ${report.epoch}.`);
    }
    if (BigInt(report.previous.total) !== previousTotal) {
      throw mismatch(
        "previous.total",
        `is ${report.previous.total}; the amounts carried over sum to ${previousTotal}.`,
      );
    }
  }
  if (BigInt(report.tree.total) !== total) {
    throw mismatch("tree.total", `is ${report.tree.total}; the cumulative amounts sum to ${total}.`);
  }
  const root = epochRewardTree(report).root;
  if (report.tree.root !== root) {
    throw mismatch("tree.root", `is ${report.tree.root}; the cumulative amounts make the tree of root ${root}.`);
  }
  const reportHash = epochReportHash(report);
  if (report.reportHash !== reportHash) {
    throw mismatch(
      "reportHash",
      `is ${report.reportHash}; the report hashes to ${reportHash}, so a field was changed.`,
    );
  }
}

/* CANONICAL JSON AND COMPARISON */

function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new MalformedEpochReportError("the report", `holds the number ${value}.`);
      return JSON.stringify(value);
    case "object": {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(",")}}`;
    }
    default:
      throw new MalformedEpochReportError("the report", `holds a ${typeof value}, which JSON cannot.`);
  }
}

function hashJson(value: unknown): string {
  return keccak256(toUtf8Bytes(canonicalJson(value)));
}

/** The first place, in canonical key order, where `actual` differs from `expected`. */
function firstDifference(
  expected: unknown,
  actual: unknown,
  path: string,
): { path: string; expected: unknown; actual: unknown } | undefined {
  const here = path === "" ? "the report" : path;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found) return found;
    }
    if (expected.length !== actual.length) {
      const i = Math.min(expected.length, actual.length);
      return { path: `${path}[${i}]`, expected: expected[i], actual: actual[i] };
    }
    return undefined;
  }
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const found = firstDifference(expected[key], actual[key], path === "" ? key : `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : { path: here, expected, actual };
}

/* HELPERS */

/** A zod issue as `[path, message]`, the path as code writes it (`accounts[2].amount`), an unknown key included. */
function describeIssue(issue: z.core.$ZodIssue, root: string): [string, string] {
  const keys = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
  const path = keys
    .map((key, k) => (typeof key === "number" ? `[${key}]` : k === 0 ? String(key) : `.${String(key)}`))
    .join("");
  const message = issue.code === "unrecognized_keys" ? "is not a known field." : issue.message;
  return [path === "" ? root : path, message];
}

/** Sum of the weights per key, each summed in list order: the one order a reader can redo exactly. */
function sumsBy<T extends { weight: number }>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + item.weight);
  return sums;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
