import { knnShapley } from "../attribution/knnShapley";
import { prepareInfluence } from "../attribution/logistic";
import type { LogisticModel } from "../attribution/logistic";
import { buildSpanIndex } from "../attribution/spans";
import { InvalidEpochInputError } from "../errors";
import { checkArray, checkObject } from "../internal/check";
import { hashJson } from "./canonical";
import { compare } from "./order";

/* How a model's inferences are scored: its scorer as the input names it and the report records it, and the
function that turns one inference into contribution weights. */

/** KNN-Shapley scoring of a feature-based classifier, with `k` neighbours (an integer ≥ 1). */
export interface KnnShapleyScorer {
  kind: "knn-shapley";
  k: number;
}

/**
 * Influence scoring of a logistic-regression classifier (binary labels 0 and 1) trained on its eligible
 * contributions' (features, label) with this L2 penalty, and the model-level data value of each contribution on a
 * validation set fixed at the model's registration: `validationHash`, the hash the registration committed to, must
 * be {@link validationSetHash} of `validation`, so the attestor cannot choose who is called harmful.
 */
export interface LogisticInfluenceScorer {
  kind: "logistic-influence";
  l2: number;
  validation: { features: number[][]; labels: number[] };
  validationHash: string;
}

/**
 * How a model's inferences are attributed: `spans` (the default) finds the output's text in the contributions';
 * `knn-shapley` values each contribution's (features, label) for the inference's (features, label), see
 * {@link knnShapley}; `logistic-influence` takes each contribution's influence on the loss of the predicted label,
 * see {@link prepareInfluence}.
 */
export type EpochScorer = { kind: "spans" } | KnnShapleyScorer | LogisticInfluenceScorer;

/** Contribution ids with positive weights summing to 1, by weight then id. */
export type Attribution = { id: string; weight: number }[];

/** What a scorer reads of a contribution. */
export interface ScoredContribution {
  id: string;
  text: string;
  features?: number[];
  label?: number;
}

/** What a scorer reads of an inference. */
export interface ScoredInference {
  output: string;
  features?: number[];
  label?: number;
}

/** One model's scorer: the attribution of an inference, whose place in the input is `path` (for errors). */
export type Scorer = (inference: ScoredInference, path: string) => Attribution;

/** Refuses a contribution or inference that a `knn-shapley` model, `models[m]`, needs without its example. */
export function requireExample(item: { features?: number[]; label?: number }, path: string, m: number): void {
  for (const field of ["features", "label"] as const) {
    if (item[field] === undefined) {
      throw new InvalidEpochInputError(`${path}.${field}`, `is required: models[${m}] scores with knn-shapley.`);
    }
  }
}

/**
 * The scorer of a `spans` model: span attribution of the output over `eligible`, copies credited to their cluster's
 * representative. O(eligible text) to set up, one {@link SpanIndex.attribute} per inference.
 */
export function spanScorer(
  eligible: readonly ScoredContribution[],
  representativeOf: ReadonlyMap<string, string>,
  spans: { minTokens: number; maxDocumentFraction: number },
): Scorer {
  const index = buildSpanIndex(
    eligible.map((c) => ({ id: c.id, text: c.text })),
    { ...spans, cluster: representativeOf },
  );
  return (inference) => index.attribute(inference.output);
}

/**
 * The feature count of the examples of classifier `models[m]`: that of the earliest of `eligible`, which every other
 * one must have. O(eligible).
 *
 * @throws InvalidEpochInputError naming the first contribution with another count.
 */
export function checkExampleDimensions<C extends ScoredContribution>(
  eligible: readonly C[],
  m: number,
  contributionAt: ReadonlyMap<object, number>,
): number {
  const dimension = eligible[0].features!.length;
  for (const c of eligible) {
    if (c.features!.length !== dimension) {
      throw wrongDimension(c.features!, `contributions[${contributionAt.get(c)}]`, m, dimension);
    }
  }
  return dimension;
}

function wrongDimension(features: number[], path: string, m: number, dimension: number): InvalidEpochInputError {
  return new InvalidEpochInputError(
    `${path}.features`,
    `has ${features.length} features; the examples of models[${m}] have ${dimension}.`,
  );
}

/**
 * The scorer of `knn-shapley` model `models[m]`: the KNN-Shapley values of the cluster representatives among
 * `eligible` (sorted as rule 3 of `attributeEpoch` says, which breaks distance ties) for an inference, the positive
 * ones divided by their sum, by weight then id. Every example, copies included, must have as many features as the
 * earliest. O(eligible × features) to set up, O(representatives × features) per inference.
 */
export function knnScorer<C extends ScoredContribution>(
  eligible: readonly C[],
  representativeOf: ReadonlyMap<string, string>,
  k: number,
  m: number,
  contributionAt: ReadonlyMap<object, number>,
): Scorer {
  const dimension = checkExampleDimensions(eligible, m, contributionAt);
  const representatives = eligible.filter((c) => representativeOf.get(c.id) === c.id);
  const X = representatives.map((c) => c.features!);
  const y = representatives.map((c) => c.label!);
  return (inference, path) => {
    requireExample(inference, path, m);
    if (inference.features!.length !== dimension) throw wrongDimension(inference.features!, path, m, dimension);
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

/**
 * The scorer of a `logistic-influence` model: `model` is the classifier trained on all of `eligible` (copies
 * included, as the version holds them); for a record's (features, predicted label), each cluster representative's
 * influence on that prediction's log-loss, the positive ones but those of `excluded` (harmful) contributions divided
 * by their sum, by weight then id. O(n·d² + d³) to set up (Cholesky) or O(nnz) per conjugate-gradient step for large
 * d, then one solve and O(n·d) per record.
 */
export function logisticScorer(
  eligible: readonly ScoredContribution[],
  representativeOf: ReadonlyMap<string, string>,
  model: LogisticModel,
  excluded: ReadonlySet<string>,
): Scorer {
  const influence = prepareInfluence(
    model,
    eligible.map((c) => c.features!),
    eligible.map((c) => c.label!),
  );
  const credited = eligible.map((c) => representativeOf.get(c.id) === c.id && !excluded.has(c.id));
  return (inference) => {
    const scores = influence.scores(inference.features!, inference.label! as 0 | 1);
    let sum = 0;
    scores.forEach((score, i) => {
      if (credited[i] && score > 0) sum += score;
    });
    const shares: Attribution = [];
    scores.forEach((score, i) => {
      if (credited[i] && score > 0) shares.push({ id: eligible[i].id, weight: score / sum });
    });
    return shares.sort((a, b) => b.weight - a.weight || compare(a.id, b.id));
  };
}

/**
 * keccak256 of the canonical JSON of a validation set, `{features, labels}`: what a classifier's registration
 * commits to (e.g. in its training configuration's hash) and a `logistic-influence` scorer's `validationHash`.
 */
export function validationSetHash(validation: { features: number[][]; labels: number[] }): string {
  checkObject(validation, "validation");
  checkArray(validation.features, "validation.features");
  checkArray(validation.labels, "validation.labels");
  return hashJson({ features: validation.features, labels: validation.labels });
}
