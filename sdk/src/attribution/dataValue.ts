/*
 * Model-level data value for a logistic-regression classifier: what each training example (a contribution) does to
 * the model's loss on a validation set fixed when the model was registered, and a detector that calls an example
 * harmful only on evidence beyond the spread of the values.
 */
import { InvalidInputError } from "../errors";
import { PrepareInfluenceOptions, prepareInfluence } from "./logistic";
import type { LogisticModel } from "./logistic";
import type { FeatureMatrix, SparseMatrix } from "./matrix";

/** A labelled set of examples, e.g. the validation set fixed (by its hash) when the model was registered. */
export interface LabelledSet {
  X: FeatureMatrix | SparseMatrix;
  y: readonly (0 | 1)[] | ArrayLike<number>;
}

/** What {@link logisticDataValues} measures, one entry per training example. */
export interface DataValues {
  /**
   * First-order influence on the validation set's mean log-loss: ≈ L_val(trained without i) − L_val(trained with
   * all), in nats per validation example. Positive: the example helped the model on held-out data.
   */
  value: number[];
  /** The example's own log-loss at the model, in nats: how badly the model fits its label. */
  loss: number[];
  /**
   * value · ℓ/(1 − e^−ℓ) with ℓ = loss: the value amplified by the example's own misfit. The factor is the loss over
   * the residual |σ(z) − y|, ≈ 1 for examples the model fits and growing like the loss for those it cannot, so a
   * negative value counts for more when the model also disagrees with the label. Negative: harmful direction.
   */
  harmScore: number[];
}

/**
 * The data value of every training example of `model` on the validation set, from the model's exact Hessian H at
 * the optimum: value_i = ∇ℓᵢ·s with s = H⁻¹∇L_val, one solve for all examples (Cholesky when small, else conjugate
 * gradients on Hessian-vector products, see {@link LogisticSolver}); loss and harm score are free. Cost: one pass over
 * both sets, one solve, O(nnz) for the values; never a d × d matrix with conjugate gradients. Self-influence
 * (∇ℓᵢᵀH⁻¹∇ℓᵢ) is left out on purpose: it needs one solve per example.
 *
 * `model` must be `trainLogistic(X, y, {l2})` on these X and y. The validation set must be the one fixed at the
 * model's registration, never chosen when values are computed: it decides who is called harmful.
 *
 * @throws as {@link prepareInfluence} does, and for a validation set that is malformed or of other features.
 */
export function logisticDataValues(
  model: LogisticModel,
  X: FeatureMatrix | SparseMatrix,
  y: readonly (0 | 1)[] | ArrayLike<number>,
  validation: LabelledSet,
  options: PrepareInfluenceOptions = {},
): DataValues {
  const scorer = prepareInfluence(model, X, y, options);
  const value = scorer.meanScores(validation.X, validation.y);
  const loss = scorer.trainingLosses();
  const harmScore = value.map((v, i) => v * misfit(loss[i]));
  return { value, loss, harmScore };
}

/** ℓ/(1 − e^−ℓ): loss over residual for a log-loss ℓ, 1 in the limit ℓ → 0. */
function misfit(loss: number): number {
  return loss > 1e-12 ? loss / -Math.expm1(-loss) : 1;
}

/** How {@link detectHarmful} sets its margin. */
export interface DetectHarmfulOptions {
  /** Robust standard deviations below the median a harm score must fall to be flagged. Default 3. */
  marginFactor?: number;
}

/** Which examples {@link detectHarmful} calls harmful, and which merely of low value. */
export interface HarmfulReport {
  /** Indices of the examples flagged harmful, ascending: they earn nothing from this model. */
  flagged: number[];
  /** Indices of the examples with a negative value that are not flagged, ascending: reported, not penalised. */
  lowValue: number[];
  /** The harm score at or below which an example is flagged (never above 0). */
  threshold: number;
}

/**
 * Flags the examples whose harm score lies more than `marginFactor` robust standard deviations below the median
 * harm score: threshold = min(0, median − marginFactor · 1.4826 · MAD), MAD the median absolute deviation from the
 * median (1.4826·MAD estimates a normal spread). A negative value alone is no evidence: on mail with 10% of spam
 * relabelled ham, about four in five negative values belong to clean mails. Centring on the median rather
 * than on 0 matters because values are mostly positive, and both statistics ignore up to half the examples being
 * harmful. Deterministic; O(n log n).
 *
 * @throws InvalidInputError when marginFactor is not a finite number ≥ 0, the arrays differ in length or hold a
 *   non-finite number.
 */
export function detectHarmful(
  values: Pick<DataValues, "value" | "harmScore">,
  options: DetectHarmfulOptions = {},
): HarmfulReport {
  const marginFactor = options.marginFactor ?? 3;
  if (typeof marginFactor !== "number" || !Number.isFinite(marginFactor) || marginFactor < 0) {
    throw new InvalidInputError(`marginFactor is ${String(marginFactor)}; it must be a finite number ≥ 0.`);
  }
  const { value, harmScore } = values;
  if (value.length !== harmScore.length) {
    throw new InvalidInputError(`${value.length} values but ${harmScore.length} harm scores.`);
  }
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i]) || !Number.isFinite(harmScore[i])) {
      throw new InvalidInputError(
        `Example ${i} has value ${value[i]} and harm score ${harmScore[i]}; both must be finite.`,
      );
    }
  }
  if (value.length === 0) return { flagged: [], lowValue: [], threshold: 0 };
  const center = median(harmScore);
  const spread = 1.4826 * median(harmScore.map((s) => Math.abs(s - center)));
  const threshold = Math.min(0, center - marginFactor * spread);
  const flagged: number[] = [];
  const lowValue: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (harmScore[i] < 0 && harmScore[i] <= threshold) flagged.push(i);
    else if (value[i] < 0) lowValue.push(i);
  }
  return { flagged, lowValue, threshold };
}

function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
