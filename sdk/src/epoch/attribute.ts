import { DEDUP_DEFAULTS, clusterContributions } from "../attribution/dedup";
import { SPAN_INDEX_DEFAULTS } from "../attribution/spans";
import { sha256Hex } from "../content/hash";
import { EpochNothingAttributedError } from "../errors";
import { allocate } from "../rewards/allocate";
import { buildRewardTree } from "../rewards/rewardTree";
import { hashJson } from "./canonical";
import { EPOCH_DEFAULTS, contributionsByDatanet, readEpochInput, versionContributions } from "./input";
import type { EpochInput, ParsedContribution } from "./input";
import { compare, compareBig, sumsBy } from "./order";
import { EPOCH_REPORT_FORMAT } from "./report";
import type {
  EpochReport,
  EpochReportAccount,
  EpochReportContribution,
  EpochReportDatanetVersion,
  EpochReportInference,
  EpochReportModel,
} from "./report";
import { knnScorer, requireExample, spanScorer } from "./score";
import type { Scorer } from "./score";

/** Options that do not change the report. */
export interface AttributeEpochHooks {
  /** Called after each inference is attributed. */
  onProgress?: (done: number, total: number) => void;
}

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
  const scorerOf = new Map<bigint, Scorer>();
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
    scorerOf.set(
      model.modelId,
      knn
        ? knnScorer(eligible, clustering.representativeOf, knn.k, m, contributionAt)
        : spanScorer(eligible, clustering.representativeOf, options.spans),
    );
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
