import { DEDUP_DEFAULTS, clusterContributions } from "../attribution/dedup";
import { SPAN_INDEX_DEFAULTS } from "../attribution/spans";
import { detectHarmful, logisticDataValues } from "../attribution/dataValue";
import { trainLogistic } from "../attribution/logistic";
import type { LogisticModel } from "../attribution/logistic";
import { EpochNothingAttributedError, InvalidEpochInputError } from "../errors";
import { allocate } from "../rewards/allocate";
import { buildRewardTree } from "../rewards/rewardTree";
import { hashJson } from "./canonical";
import { EPOCH_DEFAULTS, contributionsByDatanet, readEpochInput, versionContributions } from "./input";
import type { AvailableContribution, EpochInput, ParsedContribution, ParsedInput, ParsedSettlement } from "./input";
import { compare, compareBig } from "./order";
import { EPOCH_REPORT_FORMAT, carriedOverBy } from "./report";
import type {
  EpochReport,
  EpochReportAccount,
  EpochReportCarryLine,
  EpochReportContribution,
  EpochReportDatanetVersion,
  EpochReportModel,
  EpochReportSettlement,
} from "./report";
import {
  checkExampleDimensions,
  knnScorer,
  logisticScorer,
  requireExample,
  spanScorer,
  validationSetHash,
} from "./score";
import type { Attribution, LogisticInfluenceScorer, Scorer } from "./score";
import { tallySettlement } from "./settlements";
import type { SettlementModel, SettlementTally } from "./settlements";

/** Options that do not change the report. */
export interface AttributeEpochHooks {
  /** Called after each settlement is read and its records attributed: settlements done, settlements in all. */
  onProgress?: (done: number, total: number) => void;
}

/** A model as the epoch uses it: its eligible contributions, deduplicated, and how its records are scored. */
export interface PreparedModel extends SettlementModel {
  modelId: bigint;
  version: number;
  /** `spans`, or the scorer the input names. */
  scorer: NonNullable<ParsedInput["models"][number]["scorer"]>;
  /** Eligible contributions in rule-3 order (acceptance, Datanet, index, id). */
  eligible: AvailableContribution[];
  /** Contribution id → its cluster's representative id. */
  representativeOf: Map<string, string>;
  /**
   * Who the unmatched rule pays, by id: the representatives with a positive data value in proportion to it for a
   * `logistic-influence` model, else every representative equally; never a harmful one.
   */
  fallback: Attribution;
  /** A `logistic-influence` model's classifier, trained on `eligible`, and its harmful contributions. */
  classifier?: { model: LogisticModel; harmful: string[] };
  /** Its position in the input, for error paths. */
  position: number;
}

/** An epoch checked and its models prepared, ready to tally settlement by settlement; no log read yet. */
export interface PreparedEpoch {
  data: ParsedInput;
  options: EpochReport["options"];
  reportModels: EpochReportModel[];
  models: Map<bigint, PreparedModel>;
  /** By id. */
  settlements: ParsedSettlement[];
  contributionAt: Map<ParsedContribution, number>;
  /** By id, the contributions of the models' versions whose content was unavailable, with the reason. */
  unavailable: { id: string; reason: string }[];
}

/**
 * Attributes an epoch's settlements to contributions: each settlement's contributors' share (its pot) goes to the
 * contributions its inference records drew on, in proportion to the calls each record paid for.
 *
 * The rules, in order:
 * 1. Inputs are checked: each text hashes to its content hash; for each Datanet version a model names, the
 *    contributions 1..count are all given and fold into the version's digest (the registry's running digest).
 * 2. A model's eligible contributions are those of its Datanet versions, index ≤ count: a contribution accepted
 *    after the version earns nothing from that model.
 *    A contribution given without its text (its bytes could not be fetched) earns nothing this epoch and is listed
 *    in the report's `unavailable`; it still folds into its version's digest.
 * 3. Copies among them are clustered ({@link clusterContributions}); a cluster is credited to its earliest accepted
 *    member (by acceptedAt, then Datanet id, index, id) and document frequency counts clusters.
 * 4. Each settlement's log is read against its `logRoot` and `calls`. A settlement is excluded, and its whole pot
 *    carried over to the next epoch, when the log is missing, malformed or not the one settled, or when a record
 *    names another model or version, or holds an output the model's scorer cannot read. Excluding it never stops the
 *    epoch: no payer can hold up the others' payouts.
 * 5. Each record is scored: span attribution of a text output ({@link SpanIndex.attribute}), or for a `knn-shapley`
 *    model the positive KNN-Shapley values of the cluster representatives for the record's (features, label),
 *    divided by their sum ({@link knnShapley}), or for a `logistic-influence` model the representatives' positive
 *    influence on the prediction's loss, harmful ones left out. Weights are positive and sum to 1, or the record
 *    matched nothing. A settlement's records are summed into Σ calls × weight per contribution.
 * 6. Carry-in: the previous report's carry-over plus `funding` is split over the attributed settlements in
 *    proportion to their pots (`allocate`), each one's `share`; with no attributed settlement it is carried again.
 * 7. Each attributed settlement splits `pot + share` with `allocate` over contribution weights Σ calls × weight over
 *    its records (by record id), where a record that matched nothing (the unmatched rule) spreads its calls evenly
 *    over the model's cluster representatives; when the model has none, that part is carried over. So whatever a
 *    record holds, a settlement pays out at most its pot and share: no account earns from a settlement more than
 *    that settlement paid in.
 * 8. A contribution's amount is the sum over settlements; an account's, over its contributions; each account's
 *    cumulative amount is its previous cumulative amount plus that, and `buildRewardTree` of the cumulative amounts
 *    gives the root. Every wei of the pool is in an account's amount or in a carry-over line.
 *
 * The report is the same, byte for byte under {@link serializeEpochReport}, whatever the order of the input lists
 * and however the records are scored (in one thread or several).
 *
 * Complexity: reading each log (two keccak256 per record), sha-256 and keccak over every eligible contribution, per
 * model the dedup and the span index, one {@link SpanIndex.attribute} per text record (O(representatives ×
 * features) per classifier record), one `allocate` per settlement. Settlements are read and scored one at a time,
 * so beyond the input only the report's records are held, never every log's texts at once.
 *
 * What it cannot see: whatever span attribution cannot (paraphrase, an output in the model's own words) and
 * whatever dedup cannot; that a record's output is what the model really answered (the payer logs it).
 *
 * @throws InvalidEpochInputError when a field is malformed, an id is used twice, a settlement names a model not in
 *   the input, acceptance times decrease within a Datanet, `previous` is not a valid earlier report, or a
 *   contribution a `knn-shapley` model uses lacks `features` or `label` or has another number of features than the
 *   model's earliest eligible contribution.
 * @throws ContributionContentMismatchError when a text does not hash to its content hash.
 * @throws DatanetVersionMismatchError when a version's contributions are incomplete or do not fold to its digest.
 * @throws EpochNothingAttributedError when there is no account at all for the reward tree.
 * @throws InvalidDedupOptionsError, InvalidSpanOptionsError when an option is out of range.
 */
export function attributeEpoch(input: EpochInput, hooks: AttributeEpochHooks = {}): EpochReport {
  const prepared = prepareEpoch(input);
  const scorers = new Map<bigint, Scorer>();
  const tallies = prepared.settlements.map((settlement, i) => {
    const model = prepared.models.get(settlement.modelId)!;
    const scorer = () => {
      let built = scorers.get(model.modelId);
      if (!built) scorers.set(model.modelId, (built = buildScorer(model, prepared)));
      return built;
    };
    const tally = tallySettlement(settlement, model, scorer, prepared.options.topK);
    hooks.onProgress?.(i + 1, prepared.settlements.length);
    return tally;
  });
  return finishEpoch(prepared, tallies);
}

/** Rules 1 to 3: the input checked, the models deduplicated and valued; no log read, nothing scored. */
export function prepareEpoch(input: EpochInput): PreparedEpoch {
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
  const contributionAt = new Map(data.contributions.map((c, i) => [c, i]));
  const models = new Map<bigint, PreparedModel>();
  const unavailable = new Map<string, string>();
  const reportModels: EpochReportModel[] = [];
  const modelOrder = data.models
    .map((model, m) => ({ model, m }))
    .sort((a, b) => compareBig(a.model.modelId, b.model.modelId));
  for (const { model, m } of modelOrder) {
    const eligible: AvailableContribution[] = [];
    const trainedOn: EpochReportDatanetVersion[] = [];
    const versions = model.trainedOn.map((v, t) => ({ v, t })).sort((a, b) => compareBig(a.v.datanetId, b.v.datanetId));
    const knn = model.scorer?.kind === "knn-shapley" ? model.scorer : undefined;
    const logistic = model.scorer?.kind === "logistic-influence" ? model.scorer : undefined;
    const examples = knn ?? logistic;
    for (const { v, t } of versions) {
      const used = versionContributions(byDatanet.get(v.datanetId) ?? [], v, `models[${m}].trainedOn[${t}]`);
      // A contribution whose content is unavailable keeps its place in the digest and scores nothing.
      const available = used.filter((c): c is AvailableContribution => c.text !== undefined);
      for (const c of used) if (c.unavailable !== undefined) unavailable.set(c.id, c.unavailable);
      for (const c of available) eligible.push(c);
      if (examples) available.forEach((c) => requireExample(c, `contributions[${contributionAt.get(c)}]`, m));
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
            ...(examples && { features: c.features, label: c.label }),
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
    const representatives = clustering.clusters.map((cluster) => cluster.representative).sort(compare);
    const prepared: PreparedModel = {
      modelId: model.modelId,
      version: model.version,
      scorer: model.scorer ?? { kind: "spans" },
      eligible,
      representativeOf: new Map(clustering.representativeOf),
      fallback: representatives.map((id) => ({ id, weight: 1 / representatives.length })),
      dimension: examples ? eligible[0].features!.length : 0,
      position: m,
    };
    // Checked now, so that scoring never throws.
    if (examples) checkExampleDimensions(eligible, m, contributionAt);
    let dataValue: EpochReportModel["dataValue"];
    if (logistic) {
      const valued = valueContributions(prepared, logistic, representatives, contributionAt);
      prepared.classifier = valued.classifier;
      prepared.fallback = valued.fallback;
      dataValue = valued.dataValue;
    }
    models.set(model.modelId, prepared);
    reportModels.push({
      modelId: model.modelId.toString(),
      version: model.version,
      trainedOn,
      clusters: clustering.clusters
        .filter((cluster) => cluster.members.length > 1)
        .map((cluster) => ({ representative: cluster.representative, copies: cluster.members.slice(1).sort(compare) }))
        .sort((a, b) => compare(a.representative, b.representative)),
      ...(knn && { scorer: { kind: knn.kind, k: knn.k } }),
      ...(logistic && { scorer: { kind: logistic.kind, l2: logistic.l2, validationHash: logistic.validationHash } }),
      ...(dataValue && { dataValue }),
    });
  }

  const settlements = [...data.settlements].sort((a, b) => compare(a.id, b.id));
  return {
    data,
    options,
    reportModels,
    models,
    settlements,
    contributionAt,
    unavailable: [...unavailable].sort(([a], [b]) => compare(a, b)).map(([id, reason]) => ({ id, reason })),
  };
}

/** Rule 5's scorer of a model: what turns one record into contribution weights. */
export function buildScorer(model: PreparedModel, prepared: Pick<PreparedEpoch, "options" | "contributionAt">): Scorer {
  if (model.scorer.kind === "knn-shapley") {
    return knnScorer(model.eligible, model.representativeOf, model.scorer.k, model.position, prepared.contributionAt);
  }
  if (model.classifier) {
    return logisticScorer(
      model.eligible,
      model.representativeOf,
      model.classifier.model,
      new Set(model.classifier.harmful),
    );
  }
  return spanScorer(model.eligible, model.representativeOf, prepared.options.spans);
}

/**
 * A `logistic-influence` model's classifier, trained on its eligible contributions, their data value on the
 * registered validation set, the harmful ones ({@link detectHarmful}) and the unmatched rule's weights.
 *
 * @throws InvalidEpochInputError when the validation set is not the registered one, has another number of features
 *   or labels than examples, or a contribution's label is not 0 or 1.
 */
function valueContributions(
  model: PreparedModel,
  scorer: LogisticInfluenceScorer,
  representatives: readonly string[],
  contributionAt: ReadonlyMap<ParsedContribution, number>,
): {
  classifier: NonNullable<PreparedModel["classifier"]>;
  fallback: Attribution;
  dataValue: EpochReportModel["dataValue"];
} {
  const path = `models[${model.position}].scorer`;
  const { validation } = scorer;
  const hash = validationSetHash(validation);
  if (hash !== scorer.validationHash) {
    throw new InvalidEpochInputError(
      `${path}.validationHash`,
      `is ${scorer.validationHash}, but the validation set hashes to ${hash}: it is not the registered one.`,
    );
  }
  if (validation.labels.length !== validation.features.length) {
    throw new InvalidEpochInputError(`${path}.validation.labels`, "must hold one label per example.");
  }
  validation.features.forEach((row, i) => {
    if (row.length !== model.dimension) {
      throw new InvalidEpochInputError(
        `${path}.validation.features[${i}]`,
        `has ${row.length} features; the model's examples have ${model.dimension}.`,
      );
    }
  });
  for (const c of model.eligible) {
    if (c.label !== 0 && c.label !== 1) {
      throw new InvalidEpochInputError(
        `contributions[${contributionAt.get(c)}].label`,
        "must be 0 or 1 for a logistic-influence model.",
      );
    }
  }
  const X = model.eligible.map((c) => c.features!);
  const y = model.eligible.map((c) => c.label as 0 | 1);
  const trained = trainLogistic(X, y, { l2: scorer.l2 });
  const values = logisticDataValues(trained, X, y, { X: validation.features, y: validation.labels as (0 | 1)[] });
  const detection = detectHarmful(values);
  const idAt = (i: number) => model.eligible[i].id;
  const harmful = detection.flagged.map(idAt).sort(compare);
  const harmfulSet = new Set(harmful);
  const valueOf = new Map(model.eligible.map((c, i) => [c.id, values.value[i]]));
  const paid = representatives.filter((id) => !harmfulSet.has(id));
  const positive = paid.filter((id) => valueOf.get(id)! > 0);
  const total = positive.reduce((sum, id) => sum + valueOf.get(id)!, 0);
  const fallback =
    positive.length > 0
      ? positive.map((id) => ({ id, weight: valueOf.get(id)! / total }))
      : paid.map((id) => ({ id, weight: 1 / paid.length }));
  return {
    classifier: { model: trained, harmful },
    fallback,
    dataValue: {
      threshold: detection.threshold,
      harmful,
      lowValue: detection.lowValue.map(idAt).sort(compare),
      values: model.eligible
        .map((c, i) => ({ contribution: c.id, value: values.value[i] }))
        .sort((a, b) => compare(a.contribution, b.contribution)),
    },
  };
}

/** Rules 6 to 8, from each settlement's tally (in the order of `prepared.settlements`). */
export function finishEpoch(prepared: PreparedEpoch, tallies: readonly SettlementTally[]): EpochReport {
  const { data, options } = prepared;
  const contributionOf = new Map(data.contributions.map((c) => [c.id, c]));

  const pots = new Map<string, number>();
  prepared.settlements.forEach((settlement, i) => {
    if (!tallies[i].exclusion) pots.set(settlement.id, Number(settlement.pot));
  });
  const previousCarry = data.previous ? carriedOverBy(data.previous) : 0n;
  const funding = data.funding ?? 0n;
  const carryIn = previousCarry + funding;
  const shareOf =
    pots.size > 0 && [...pots.values()].some((pot) => pot > 0)
      ? allocate(carryIn, pots)
      : new Map([...pots.keys()].map((id) => [id, 0n]));
  const shared = [...shareOf.values()].reduce((a, b) => a + b, 0n);

  const carryLines: EpochReportCarryLine[] = [];
  const contributionAmounts = new Map<string, bigint>();
  const settlements: EpochReportSettlement[] = prepared.settlements.map((settlement, i) => {
    const { exclusion, ids, weights: summed, unmatchedCalls: unmatched, records } = tallies[i];
    const base = {
      id: settlement.id,
      modelId: settlement.modelId.toString(),
      calls: settlement.calls.toString(),
      pot: settlement.pot.toString(),
      logRoot: settlement.logRoot,
      logURI: settlement.logURI,
    };
    if (exclusion) {
      carryLines.push({ kind: "excluded", settlement: settlement.id, amount: settlement.pot.toString() });
      return {
        ...base,
        share: "0",
        status: "excluded" as const,
        exclusion,
        unmatchedCalls: "0",
        paid: "0",
        carried: settlement.pot.toString(),
        payouts: [],
        records: [],
      };
    }
    const model = prepared.models.get(settlement.modelId)!;
    const share = shareOf.get(settlement.id)!;
    const weights = new Map<string, number>();
    ids.forEach((id, k) => weights.set(id, summed[k]));
    if (unmatched > 0n) {
      const calls = Number(unmatched);
      // The empty key cannot be a contribution id: it stands for the part with nobody to go to.
      if (model.fallback.length === 0) weights.set("", calls);
      for (const { id, weight } of model.fallback) weights.set(id, (weights.get(id) ?? 0) + calls * weight);
    }
    const amounts = allocate(settlement.pot + share, weights);
    const carried = amounts.get("") ?? 0n;
    if (carried > 0n) carryLines.push({ kind: "unmatched", settlement: settlement.id, amount: carried.toString() });
    const payouts = new Map<string, bigint>();
    for (const [id, amount] of amounts) {
      if (id === "") continue;
      contributionAmounts.set(id, (contributionAmounts.get(id) ?? 0n) + amount);
      const account = contributionOf.get(id)!.contributor;
      payouts.set(account, (payouts.get(account) ?? 0n) + amount);
    }
    return {
      ...base,
      share: share.toString(),
      status: "attributed" as const,
      unmatchedCalls: unmatched.toString(),
      paid: (settlement.pot + share - carried).toString(),
      carried: carried.toString(),
      payouts: [...payouts]
        .sort(([a], [b]) => compare(a.toLowerCase(), b.toLowerCase()))
        .map(([account, amount]) => ({ account, amount: amount.toString() })),
      records,
    };
  });
  if (carryIn - shared > 0n) carryLines.push({ kind: "no-settlement", amount: (carryIn - shared).toString() });

  const contributions: EpochReportContribution[] = [...contributionAmounts]
    .sort(([a], [b]) => compare(a, b))
    .map(([id, amount]) => {
      const c = contributionOf.get(id)!;
      return { id, datanetId: c.datanetId.toString(), contributor: c.contributor, amount: amount.toString() };
    });
  const datanetAmounts = new Map<string, bigint>();
  const accountAmounts = new Map<string, bigint>();
  for (const c of contributions) {
    datanetAmounts.set(c.datanetId, (datanetAmounts.get(c.datanetId) ?? 0n) + BigInt(c.amount));
    accountAmounts.set(c.contributor, (accountAmounts.get(c.contributor) ?? 0n) + BigInt(c.amount));
  }
  const datanetIds = [...new Set(data.models.flatMap((model) => model.trainedOn.map((v) => v.datanetId)))].sort(
    compareBig,
  );
  const harmfulIn = new Map<string, Set<string>>();
  for (const model of prepared.models.values()) {
    for (const id of model.classifier?.harmful ?? []) {
      const datanetId = contributionOf.get(id)!.datanetId.toString();
      if (!harmfulIn.has(datanetId)) harmfulIn.set(datanetId, new Set());
      harmfulIn.get(datanetId)!.add(id);
    }
  }
  const datanets = datanetIds.map((id) => {
    const harmful = [...(harmfulIn.get(id.toString()) ?? [])].sort(compare);
    return {
      datanetId: id.toString(),
      amount: (datanetAmounts.get(id.toString()) ?? 0n).toString(),
      ...(harmful.length > 0 && { harmful }),
    };
  });

  const previousCumulative = new Map<string, bigint>();
  for (const a of data.previous?.accounts ?? []) previousCumulative.set(a.account, BigInt(a.cumulative));
  for (const account of previousCumulative.keys()) if (!accountAmounts.has(account)) accountAmounts.set(account, 0n);
  if (accountAmounts.size === 0) {
    throw new EpochNothingAttributedError(
      `No settlement of epoch ${data.epoch} could be attributed and there is no earlier account, so there is no ` +
        `reward tree to propose.`,
      { hint: "Leave the pool funded and count it as `funding` in the next epoch's input." },
    );
  }
  const accounts: EpochReportAccount[] = [...accountAmounts.keys()]
    .sort((a, b) => compare(a.toLowerCase(), b.toLowerCase()))
    .map((account) => {
      const amount = accountAmounts.get(account)!;
      return {
        account,
        amount: amount.toString(),
        cumulative: ((previousCumulative.get(account) ?? 0n) + amount).toString(),
      };
    });
  const tree = buildRewardTree(accounts.map((a) => ({ account: a.account, amount: BigInt(a.cumulative) })));
  const income = prepared.settlements.reduce((sum, s) => sum + s.pot, 0n);
  const kinds = ["excluded", "unmatched", "no-settlement"];
  carryLines.sort(
    (a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || compare(a.settlement ?? "", b.settlement ?? ""),
  );

  const body: Omit<EpochReport, "reportHash"> = {
    format: EPOCH_REPORT_FORMAT,
    epoch: data.epoch.toString(),
    pool: (income + carryIn).toString(),
    income: { settlements: income.toString(), previous: previousCarry.toString(), funding: funding.toString() },
    options,
    models: prepared.reportModels,
    settlements,
    contributions,
    ...(prepared.unavailable.length > 0 && { unavailable: prepared.unavailable }),
    datanets,
    accounts,
    carryOver: {
      total: carryLines.reduce((sum, line) => sum + BigInt(line.amount), 0n).toString(),
      lines: carryLines,
    },
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
