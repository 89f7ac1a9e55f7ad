import {
  HessianNotPositiveDefiniteError,
  InfluenceMethodError,
  LogisticLabelError,
  LogisticModelMismatchError,
  LogisticNotConvergedError,
  LogisticRegularizationError,
  LogisticSingleClassError,
  ValuationDimensionMismatchError,
  ValuationNonFiniteValueError,
} from "../errors";
import { choleskyInPlace, choleskySolve, dot, solveLower } from "./linalg";
import { FeatureMatrix, isFlatMatrix, matrixShape, readVector } from "./matrix";

/** How {@link trainLogistic} regularizes. */
export interface LogisticOptions {
  /**
   * Weight of the L2 penalty (l2/2)·‖w‖² on the weights (never on the bias). Default 1, the penalty of
   * scikit-learn's default `LogisticRegression(C=1)`. 0 is allowed but then separable classes or collinear
   * features leave no unique optimum, and training or influence throws.
   */
  l2?: number;
}

/** A binary logistic regression P(y = 1 | x) = σ(w·x + b), as {@link trainLogistic} returns it. Plain JSON. */
export interface LogisticModel {
  readonly weights: number[];
  readonly bias: number;
  /** The L2 penalty the model was trained with; influence needs it for the Hessian. */
  readonly l2: number;
  /** Σᵢ log-loss + (l2/2)·‖w‖² on the training set at these weights, in nats. */
  readonly objective: number;
  /** Newton steps taken. */
  readonly iterations: number;
}

/** Which estimate of the leave-one-out change {@link influence} computes. */
export type InfluenceMethod = "first-order" | "newton-step";

export interface InfluenceOptions {
  /**
   * `"first-order"` (default): Koh & Liang's influence function ∇ℓ_testᵀ H⁻¹ ∇ℓᵢ, linear in both the parameter
   * change and the test loss. `"newton-step"`: one exact Newton step from the optimum on the objective without
   * example i, H without i inverted by a Sherman–Morrison update, then the test loss evaluated exactly there. The
   * second tracks exact retraining more closely, chiefly for examples with large residuals or high leverage.
   */
  method?: InfluenceMethod;
}

/** Newton iterations before giving up; from the start used here, well-posed problems need about ten. */
const MAX_ITERATIONS = 100;
/**
 * Newton's quadratic region, where full steps are taken: the predicted gap to the optimum λ²/2 is at most this
 * fraction of the objective. Relative, not absolute: the objective is a sum of positive log-losses, and with l2 = 0
 * on separable classes the decrement stays a fixed fraction of it while both shrink towards 0 (no optimum), which
 * must never count as converging.
 */
const QUADRATIC_REGION = 1e-8;
/** In the quadratic region a full step at least quarters λ²; a step that does not has met rounding error. */
const POLISH_FACTOR = 4;
/** A model whose decrement is above this fraction was not trained on the data it is given. */
const MISMATCH_TOLERANCE = 1e-6;
/** Armijo constant and step halvings of the backtracking line search. */
const ARMIJO = 1e-2;
const MAX_HALVINGS = 60;

/**
 * Trains a binary logistic regression: minimizes Σᵢ log-loss(yᵢ, σ(w·xᵢ + b)) + (l2/2)·‖w‖² by Newton's method,
 * the bias unpenalized.
 *
 * Each iteration forms the exact gradient g and Hessian H and solves for the Newton direction by Cholesky.
 * Stopping rule, in terms of the Newton decrement λ² = gᵀH⁻¹g (λ²/2 estimates the gap to the optimum): until
 * λ²/2 ≤ 1e-8·objective, steps are damped by Armijo backtracking (so the method converges from any start); from
 * there, full Newton steps are taken as long as each cuts λ² at least fourfold, and the iterate with the smallest
 * λ² is returned. Quadratic convergence ends only where the gradient is at its rounding floor, so the gradient at
 * the result is zero to working precision, as influence functions assume. Deterministic: the same input gives the
 * same bits.
 *
 * Complexity O(n·d²) per iteration (the Hessian) plus O(d³) (its factorization), typically 5 to 10 iterations.
 * `X` may be rows (arrays or typed arrays) or a {@link FlatMatrix}.
 *
 * @throws ValuationEmptyInputError when X has no rows or no columns.
 * @throws ValuationDimensionMismatchError when rows differ in length or y is not one label per row.
 * @throws ValuationNonFiniteValueError when a feature is NaN or infinite.
 * @throws LogisticLabelError when a label is not 0 or 1.
 * @throws LogisticSingleClassError when every label is the same (the bias would diverge).
 * @throws LogisticRegularizationError when l2 is negative or not finite.
 * @throws HessianNotPositiveDefiniteError when the Hessian is singular (only possible with l2 = 0).
 * @throws LogisticNotConvergedError when no optimum is reached in 100 iterations (separable classes with l2 = 0).
 */
export function trainLogistic(
  X: FeatureMatrix,
  y: readonly (0 | 1)[] | ArrayLike<number>,
  opts: LogisticOptions = {},
): LogisticModel {
  const l2 = opts.l2 ?? 1;
  if (typeof l2 !== "number" || !Number.isFinite(l2) || l2 < 0) throw new LogisticRegularizationError(l2);
  const data = readTrainingSet(X, y);
  const { n, dims } = data;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += data.y[i];
  if (positives === 0 || positives === n) throw new LogisticSingleClassError(positives === 0 ? 0 : 1, n);

  // Start at the best constant model, the log-odds of the labels: the first Hessian is then well scaled.
  const theta = new Float64Array(dims);
  theta[dims - 1] = Math.log(positives / (n - positives));
  const state = new ObjectiveState(data, l2);
  const direction = new Float64Array(dims);
  const step = new Float64Array(n);
  const trial = new Float64Array(dims);
  // The iterate of smallest decrement once in the quadratic region.
  let best: { theta: Float64Array; objective: number; decrement: number; iterations: number } | undefined;
  let decrement = Infinity;
  for (let iteration = 0; iteration <= MAX_ITERATIONS; iteration++) {
    const objective = state.evaluate(theta);
    const failed = state.factorHessian();
    if (failed >= 0) throw new HessianNotPositiveDefiniteError(`pivot ${failed}, Newton iteration ${iteration}`);
    for (let j = 0; j < dims; j++) direction[j] = -state.gradient[j];
    choleskySolve(state.hessian, dims, direction);
    const previous = best?.decrement ?? Infinity;
    decrement = -dot(state.gradient, direction, dims);
    if (decrement <= previous && (best || decrement / 2 <= QUADRATIC_REGION * objective)) {
      best = { theta: theta.slice(), objective, decrement, iterations: iteration };
    }
    if (best && !(decrement * POLISH_FACTOR < previous && decrement > 0)) break;
    if (iteration === MAX_ITERATIONS) break;

    if (best) {
      for (let j = 0; j < dims; j++) theta[j] += direction[j];
      continue;
    }
    data.multiply(direction, step);
    let t = 1;
    for (let halvings = 0; ; halvings++) {
      for (let j = 0; j < dims; j++) trial[j] = theta[j] + t * direction[j];
      if (state.objectiveAlong(trial, t, step) <= objective - ARMIJO * t * decrement) break;
      if (halvings === MAX_HALVINGS) throw new LogisticNotConvergedError(iteration + 1, decrement / 2);
      t /= 2;
    }
    theta.set(trial);
  }
  if (!best) throw new LogisticNotConvergedError(MAX_ITERATIONS, decrement / 2);
  return {
    weights: Array.from(best.theta.subarray(0, dims - 1)),
    bias: best.theta[dims - 1],
    l2,
    objective: best.objective,
    iterations: best.iterations,
  };
}

/**
 * Estimates, for every training example i, loss_test(trained without i) − loss_test(trained with all), where the
 * loss is the log-loss of (`xTest`, `yTest`): positive means example i helped the test prediction. `model` must be
 * `trainLogistic(X, y, {l2})` on the same X and y.
 *
 * Uses the exact Hessian H of the training objective at the model (Cholesky-factored; no ridge is added: with l2 > 0
 * H is positive definite). The first-order estimate is ∇ℓ_testᵀ H⁻¹ ∇ℓᵢ; see {@link InfluenceOptions} for the
 * Newton-step one. Cost: O(n·d² + d³) to form and factor H (the Newton step adds O(n·d²) for the leverages), then
 * O(n·d); use {@link prepareInfluence} to pay the first part once for many test points.
 *
 * What it cannot see: effects beyond one Newton step (the Newton step is exact only for quadratic objectives), and
 * anything outside the model: duplicates of example i still in the set make removing i look harmless.
 *
 * @throws ValuationDimensionMismatchError when shapes disagree (rows, labels, the model's weights, the test point).
 * @throws ValuationNonFiniteValueError, LogisticLabelError, LogisticRegularizationError on bad values.
 * @throws LogisticModelMismatchError when the model is not at the optimum of its objective on X and y.
 * @throws HessianNotPositiveDefiniteError when H, or H without some example (Newton step), is singular.
 */
export function influence(
  model: LogisticModel,
  X: FeatureMatrix,
  y: readonly (0 | 1)[] | ArrayLike<number>,
  xTest: ArrayLike<number>,
  yTest: 0 | 1,
  options: InfluenceOptions = {},
): number[] {
  return prepareInfluence(model, X, y).scores(xTest, yTest, options);
}

/**
 * Forms and factors the Hessian of `model`'s training objective on X and y once (O(n·d² + d³)), so that each test
 * point then costs O(n·d) with {@link LogisticInfluence.scores}. Checks that the model is at the optimum.
 *
 * @throws as {@link influence} does, except for the test point.
 */
export function prepareInfluence(
  model: LogisticModel,
  X: FeatureMatrix,
  y: readonly (0 | 1)[] | ArrayLike<number>,
): LogisticInfluence {
  return new LogisticInfluence(model, X, y);
}

/** Influence of a fixed training set on any test point, for one model. Made by {@link prepareInfluence}. */
export class LogisticInfluence {
  private readonly data: TrainingSet;
  private readonly theta: Float64Array;
  private readonly state: ObjectiveState;
  /** H⁻¹ times the gradient at the model: ~0, kept so the Newton step is exact even so. */
  private readonly correction: Float64Array;
  /** Per example: 1 − hᵢ·uᵢᵀH⁻¹uᵢ (Sherman–Morrison denominator) and uᵢ·H⁻¹g; made by the first Newton step. */
  private newtonTerms?: { denominators: Float64Array; corrections: Float64Array };

  constructor(model: LogisticModel, X: FeatureMatrix, y: readonly (0 | 1)[] | ArrayLike<number>) {
    const { l2 } = model;
    if (typeof l2 !== "number" || !Number.isFinite(l2) || l2 < 0) throw new LogisticRegularizationError(l2);
    this.data = readTrainingSet(X, y);
    const dims = this.data.dims;
    const weights = readVector(model.weights, dims - 1, "model.weights");
    if (!Number.isFinite(model.bias)) throw new ValuationNonFiniteValueError("model.bias", model.bias);
    this.theta = new Float64Array(dims);
    this.theta.set(weights);
    this.theta[dims - 1] = model.bias;

    this.state = new ObjectiveState(this.data, l2);
    const objective = this.state.evaluate(this.theta);
    const failed = this.state.factorHessian();
    if (failed >= 0) throw new HessianNotPositiveDefiniteError(`pivot ${failed}`);
    this.correction = this.state.gradient.slice();
    choleskySolve(this.state.hessian, dims, this.correction);
    const halfDecrement = dot(this.state.gradient, this.correction, dims) / 2;
    if (!(halfDecrement <= MISMATCH_TOLERANCE * objective)) {
      throw new LogisticModelMismatchError(halfDecrement, objective);
    }
  }

  /**
   * `influence[i]` ≈ loss_test(trained without i) − loss_test(trained with all), for every training example i.
   * O(n·d) per call, plus O(n·d²) once on the first `"newton-step"` call.
   *
   * @throws ValuationDimensionMismatchError, ValuationNonFiniteValueError, LogisticLabelError for a bad test point.
   * @throws HessianNotPositiveDefiniteError when H without some example is singular (Newton step only).
   */
  scores(xTest: ArrayLike<number>, yTest: 0 | 1, options: InfluenceOptions = {}): number[] {
    const { n, dims, u } = this.data;
    const method = options.method ?? "first-order";
    if (method !== "first-order" && method !== "newton-step") throw new InfluenceMethodError(method);
    const test = new Float64Array(dims);
    test.set(readVector(xTest, dims - 1, "xTest"));
    test[dims - 1] = 1;
    if (yTest !== 0 && yTest !== 1) throw new LogisticLabelError("yTest", yTest);
    const zTest = dot(this.theta, test, dims);

    // v = H⁻¹u_test, so that u_testᵀH⁻¹uᵢ = v·uᵢ costs O(d) per example.
    const v = test;
    choleskySolve(this.state.hessian, dims, v);
    const out = new Array<number>(n).fill(0);
    const { residual, curvature } = this.state;

    if (method === "first-order") {
      // ∇ℓ = (σ(z) − y)·u for log-loss, so ∇ℓ_testᵀH⁻¹∇ℓᵢ = r_test·rᵢ·(v·uᵢ).
      const rTest = residualOf(zTest, yTest);
      for (let i = 0; i < n; i++) out[i] = rTest * residual[i] * rowDot(u, i * dims, v, dims);
      return out;
    }

    // Without i the objective's gradient at θ̂ is g − rᵢuᵢ and its Hessian H − hᵢuᵢuᵢᵀ. By Sherman–Morrison the Newton
    // step is −H⁻¹g + H⁻¹uᵢ·(rᵢ − hᵢ·uᵢᵀH⁻¹g)/(1 − hᵢ·uᵢᵀH⁻¹uᵢ), so the test logit moves by
    // −v·g + (v·uᵢ)·(rᵢ − hᵢ·uᵢᵀH⁻¹g)/(1 − hᵢ·uᵢᵀH⁻¹uᵢ).
    const { denominators, corrections } = this.newtonStepTerms();
    const base = logLoss(zTest, yTest);
    const zShifted = zTest - dot(v, this.state.gradient, dims);
    for (let i = 0; i < n; i++) {
      const move = (residual[i] - curvature[i] * corrections[i]) / denominators[i];
      out[i] = logLoss(zShifted + move * rowDot(u, i * dims, v, dims), yTest) - base;
    }
    return out;
  }

  private newtonStepTerms(): { denominators: Float64Array; corrections: Float64Array } {
    if (this.newtonTerms) return this.newtonTerms;
    const { n, dims, u } = this.data;
    const { hessian, curvature } = this.state;
    const denominators = new Float64Array(n);
    const corrections = new Float64Array(n);
    const solved = new Float64Array(dims);
    for (let i = 0; i < n; i++) {
      // uᵢᵀH⁻¹uᵢ = ‖L⁻¹uᵢ‖² with H = L·Lᵀ.
      solved.set(u.subarray(i * dims, (i + 1) * dims));
      solveLower(hessian, dims, solved);
      const denominator = 1 - curvature[i] * dot(solved, solved, dims);
      // The ratio det(H without i)/det(H): at zero the left-out objective has no unique optimum.
      if (!(denominator > 1e-12)) throw new HessianNotPositiveDefiniteError(`leverage 1 − ${denominator}`, i);
      denominators[i] = denominator;
      corrections[i] = rowDot(u, i * dims, this.correction, dims);
    }
    this.newtonTerms = { denominators, corrections };
    return this.newtonTerms;
  }
}

/** X with a 1 appended to each row (the bias input), flat: row i is u[i·dims, (i + 1)·dims). */
interface TrainingSet {
  readonly n: number;
  /** Features + 1. */
  readonly dims: number;
  readonly u: Float64Array;
  readonly y: Uint8Array;
  /** out[i] = uᵢ·v. */
  multiply(v: Float64Array, out: Float64Array): void;
}

function readTrainingSet(X: FeatureMatrix, labels: ArrayLike<number>): TrainingSet {
  const { rows: n, cols } = matrixShape(X);
  if (labels.length !== n) throw new ValuationDimensionMismatchError("y (one label per row of X)", n, labels.length);
  const dims = cols + 1;
  const u = new Float64Array(n * dims);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = isFlatMatrix(X) ? X.data.subarray(i * cols, (i + 1) * cols) : X[i];
    const offset = i * dims;
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new ValuationNonFiniteValueError(`X[${i}][${j}]`, v);
      u[offset + j] = v;
    }
    u[offset + cols] = 1;
    const label = labels[i];
    if (label !== 0 && label !== 1) throw new LogisticLabelError(`y[${i}]`, label);
    y[i] = label;
  }
  return {
    n,
    dims,
    u,
    y,
    multiply(v, out) {
      for (let i = 0; i < n; i++) out[i] = rowDot(u, i * dims, v, dims);
    },
  };
}

/**
 * The objective at one point: logits, residuals rᵢ = σ(zᵢ) − yᵢ, curvatures hᵢ = σ(zᵢ)·σ(−zᵢ), gradient and (after
 * `factorHessian`) the Cholesky factor of the Hessian, all reused across iterations.
 */
class ObjectiveState {
  readonly logits: Float64Array;
  readonly residual: Float64Array;
  readonly curvature: Float64Array;
  readonly gradient: Float64Array;
  /** Lower triangle: the Hessian, then its Cholesky factor. */
  readonly hessian: Float64Array;

  constructor(
    private readonly data: TrainingSet,
    private readonly l2: number,
  ) {
    this.logits = new Float64Array(data.n);
    this.residual = new Float64Array(data.n);
    this.curvature = new Float64Array(data.n);
    this.gradient = new Float64Array(data.dims);
    this.hessian = new Float64Array(data.dims * data.dims);
  }

  /** Sets logits, residuals, curvatures and gradient at θ; returns the objective. O(n·d). */
  evaluate(theta: Float64Array): number {
    const { n, dims, u, y } = this.data;
    const { logits, residual, curvature, gradient } = this;
    this.data.multiply(theta, logits);
    gradient.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const z = logits[i];
      residual[i] = residualOf(z, y[i]);
      curvature[i] = sigmoid(z) * sigmoid(-z);
      loss += logLoss(z, y[i]);
      const r = residual[i];
      const offset = i * dims;
      for (let j = 0; j < dims; j++) gradient[j] += r * u[offset + j];
    }
    let penalty = 0;
    for (let j = 0; j < dims - 1; j++) {
      penalty += theta[j] * theta[j];
      gradient[j] += this.l2 * theta[j];
    }
    return loss + (this.l2 / 2) * penalty;
  }

  /**
   * The objective at `trial` = θ + t·Δ, where `step` holds uᵢ·Δ, from the logits of the last `evaluate`: O(n + d)
   * per trial instead of O(n·d).
   */
  objectiveAlong(trial: Float64Array, t: number, step: Float64Array): number {
    const { n, dims, y } = this.data;
    let loss = 0;
    for (let i = 0; i < n; i++) loss += logLoss(this.logits[i] + t * step[i], y[i]);
    let penalty = 0;
    for (let j = 0; j < dims - 1; j++) penalty += trial[j] * trial[j];
    return loss + (this.l2 / 2) * penalty;
  }

  /**
   * Forms H = Σᵢ hᵢuᵢuᵢᵀ + l2·diag(1, …, 1, 0) at the last `evaluate` and factors it in place; returns the failing
   * pivot or -1. O(n·d²/2 + d³/6).
   */
  factorHessian(): number {
    const { n, dims, u } = this.data;
    const { hessian: h, curvature } = this;
    h.fill(0);
    // Four examples at a time: each entry of H is loaded and stored once per four rank-one updates.
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const o0 = i * dims;
      const o1 = o0 + dims;
      const o2 = o1 + dims;
      const o3 = o2 + dims;
      const h0 = curvature[i];
      const h1 = curvature[i + 1];
      const h2 = curvature[i + 2];
      const h3 = curvature[i + 3];
      for (let a = 0; a < dims; a++) {
        const c0 = h0 * u[o0 + a];
        const c1 = h1 * u[o1 + a];
        const c2 = h2 * u[o2 + a];
        const c3 = h3 * u[o3 + a];
        const row = a * dims;
        for (let b = 0; b <= a; b++) {
          h[row + b] += c0 * u[o0 + b] + c1 * u[o1 + b] + c2 * u[o2 + b] + c3 * u[o3 + b];
        }
      }
    }
    for (; i < n; i++) {
      const o = i * dims;
      for (let a = 0; a < dims; a++) {
        const c = curvature[i] * u[o + a];
        const row = a * dims;
        for (let b = 0; b <= a; b++) h[row + b] += c * u[o + b];
      }
    }
    for (let j = 0; j < dims - 1; j++) h[j * dims + j] += this.l2;
    return choleskyInPlace(h, dims);
  }
}

function rowDot(u: Float64Array, offset: number, v: Float64Array, dims: number): number {
  let s = 0;
  for (let j = 0; j < dims; j++) s += u[offset + j] * v[j];
  return s;
}

/** σ(z) = 1/(1 + e^−z), without overflow for either sign. */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** σ(z) − y, written with σ(±z) rather than 1 − σ(z) so that saturated probabilities keep their digits. */
function residualOf(z: number, y: number): number {
  return y === 1 ? -sigmoid(-z) : sigmoid(z);
}

/** −log σ(z) for y = 1, −log σ(−z) for y = 0: softplus(∓z), accurate for large |z|. */
function logLoss(z: number, y: number): number {
  const a = y === 1 ? -z : z;
  return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
}
