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
import type { SparseVector } from "../ml/features";
import { dot } from "./linalg";
import {
  LogisticSolver,
  ObjectiveState,
  TrainingSet,
  logLoss,
  readPoint,
  readTrainingSet,
  residualOf,
  resolveSolver,
} from "./logisticObjective";
import { FeatureMatrix, SparseMatrix, readVector } from "./matrix";

export { CHOLESKY_MAX_FEATURES } from "./logisticObjective";
export type { LogisticSolver } from "./logisticObjective";

/** How {@link trainLogistic} regularizes. */
export interface LogisticOptions {
  /**
   * Weight of the L2 penalty (l2/2)·‖w‖² on the weights (never on the bias). Default 1, the penalty of
   * scikit-learn's default `LogisticRegression(C=1)`. 0 is allowed but then separable classes or collinear
   * features leave no unique optimum, and training or influence throws.
   */
  l2?: number;
  /**
   * How Newton directions are solved for; default `"auto"`: Cholesky for few features, conjugate gradients on
   * Hessian-vector products (truncated Newton) for many or for long sparse rows. See {@link LogisticSolver}.
   */
  solver?: LogisticSolver;
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

/**
 * Conjugate gradients solve for a Newton direction to relative residual min(0.5, √(‖g‖/‖g₀‖)) (g₀ the first
 * gradient): loose while far from the optimum, tightening as the gradient falls, which keeps Newton's fast local
 * convergence (Eisenstat–Walker forcing terms).
 */
const MAX_FORCING = 0.5;
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
 * Each iteration forms the exact gradient g and solves H·Δ = −g for the Newton direction: by Cholesky on the
 * exact Hessian H, or (large d, see {@link LogisticSolver}) by preconditioned conjugate gradients on
 * Hessian-vector products, to a relative residual that shrinks with √‖g‖ (truncated Newton). Stopping rule, in terms of the Newton decrement λ² = gᵀH⁻¹g (λ²/2 estimates the gap to the optimum): until
 * λ²/2 ≤ 1e-8·objective, steps are damped by Armijo backtracking (so the method converges from any start); from
 * there, full Newton steps are taken as long as each cuts λ² at least fourfold, and the iterate with the smallest
 * λ² is returned. Quadratic convergence ends only where the gradient is at its rounding floor, so the gradient at
 * the result is zero to working precision, as influence functions assume. Deterministic: the same input gives the
 * same bits.
 *
 * Complexity per iteration, typically 5 to 10 of them: Cholesky O(n·d²) dense or O(Σᵢ nnzᵢ²) sparse to form the
 * Hessian plus O(d³) to factor it; conjugate gradients O(nnz) per Hessian-vector product, a few dozen products
 * per iteration and no d × d matrix. `X` may be rows (arrays or typed arrays), a {@link FlatMatrix} or a
 * {@link SparseMatrix} (e.g. {@link sparseMatrix} of {@link hashedFeatures}).
 *
 * @throws ValuationEmptyInputError when X has no rows or no columns.
 * @throws ValuationDimensionMismatchError when rows differ in length or y is not one label per row.
 * @throws SparseMatrixFormatError when a sparse X is malformed.
 * @throws LogisticSolverError when the solver is unknown.
 * @throws ValuationNonFiniteValueError when a feature is NaN or infinite.
 * @throws LogisticLabelError when a label is not 0 or 1.
 * @throws LogisticSingleClassError when every label is the same (the bias would diverge).
 * @throws LogisticRegularizationError when l2 is negative or not finite.
 * @throws HessianNotPositiveDefiniteError when the Hessian is singular (only possible with l2 = 0).
 * @throws LogisticNotConvergedError when no optimum is reached in 100 iterations (separable classes with l2 = 0).
 */
export function trainLogistic(
  X: FeatureMatrix | SparseMatrix,
  y: readonly (0 | 1)[] | ArrayLike<number>,
  opts: LogisticOptions = {},
): LogisticModel {
  const l2 = opts.l2 ?? 1;
  if (typeof l2 !== "number" || !Number.isFinite(l2) || l2 < 0) throw new LogisticRegularizationError(l2);
  const data = readTrainingSet(X, y);
  const { n, dims } = data;
  const solver = resolveSolver(opts.solver, data);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += data.y[i];
  if (positives === 0 || positives === n) throw new LogisticSingleClassError(positives === 0 ? 0 : 1, n);

  // Start at the best constant model, the log-odds of the labels: the first Hessian is then well scaled.
  const theta = new Float64Array(dims);
  theta[dims - 1] = Math.log(positives / (n - positives));
  const state = new ObjectiveState(data, l2, solver);
  const direction = new Float64Array(dims);
  const step = new Float64Array(n);
  const trial = new Float64Array(dims);
  // The iterate of smallest decrement once in the quadratic region.
  let best: { theta: Float64Array; objective: number; decrement: number; iterations: number } | undefined;
  let decrement = Infinity;
  let firstGradientNorm = 0;
  for (let iteration = 0; iteration <= MAX_ITERATIONS; iteration++) {
    const objective = state.evaluate(theta);
    const failed = state.prepareHessian();
    if (failed >= 0) throw new HessianNotPositiveDefiniteError(`pivot ${failed}, Newton iteration ${iteration}`);
    for (let j = 0; j < dims; j++) direction[j] = -state.gradient[j];
    const gradientNorm = Math.sqrt(dot(direction, direction, dims));
    if (iteration === 0) firstGradientNorm = gradientNorm;
    state.solve(direction, Math.min(MAX_FORCING, Math.sqrt(gradientNorm / firstGradientNorm)), false);
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

/** How {@link prepareInfluence} solves with the Hessian. */
export interface PrepareInfluenceOptions {
  /** Default `"auto"`; see {@link LogisticSolver}. */
  solver?: LogisticSolver;
}

/**
 * Estimates, for every training example i, loss_test(trained without i) − loss_test(trained with all), where the
 * loss is the log-loss of (`xTest`, `yTest`): positive means example i helped the test prediction. `model` must be
 * `trainLogistic(X, y, {l2})` on the same X and y.
 *
 * Uses the exact Hessian H of the training objective at the model (no ridge is added: with l2 > 0 H is positive
 * definite), Cholesky-factored or, for many features, solved with by conjugate gradients (see
 * {@link LogisticSolver}). The first-order estimate is ∇ℓ_testᵀ H⁻¹ ∇ℓᵢ; see {@link InfluenceOptions} for the
 * Newton-step one. Cost with Cholesky: O(n·d² + d³) to form and factor H (the Newton step adds O(n·d²) for the
 * leverages), then O(n·d); use {@link prepareInfluence} to pay the first part once for many test points.
 *
 * What it cannot see: effects beyond one Newton step (the Newton step is exact only for quadratic objectives), and
 * anything outside the model: duplicates of example i still in the set make removing i look harmless.
 *
 * @throws ValuationDimensionMismatchError when shapes disagree (rows, labels, the model's weights, the test point).
 * @throws ValuationNonFiniteValueError, LogisticLabelError, LogisticRegularizationError on bad values.
 * @throws SparseMatrixFormatError, LogisticSolverError for a malformed sparse X or test point, an unknown solver.
 * @throws LogisticModelMismatchError when the model is not at the optimum of its objective on X and y.
 * @throws HessianNotPositiveDefiniteError when H, or H without some example (Newton step), is singular.
 * @throws ConjugateGradientNotConvergedError when conjugate gradients cannot solve with H (l2 near 0).
 */
export function influence(
  model: LogisticModel,
  X: FeatureMatrix | SparseMatrix,
  y: readonly (0 | 1)[] | ArrayLike<number>,
  xTest: ArrayLike<number> | SparseVector,
  yTest: 0 | 1,
  options: InfluenceOptions & PrepareInfluenceOptions = {},
): number[] {
  return prepareInfluence(model, X, y, options).scores(xTest, yTest, options);
}

/**
 * Readies solves with the Hessian of `model`'s training objective on X and y once, so that each test point then
 * costs O(nnz) plus one solve with {@link LogisticInfluence.scores}. Cholesky (see {@link LogisticSolver} for when
 * `"auto"` picks it) forms and factors the Hessian here, O(n·d² + d³), and each solve is O(d²); conjugate
 * gradients keep no matrix, and each solve costs a few dozen to a few hundred
 * Hessian-vector products of O(nnz). Checks that the model is at the optimum.
 *
 * @throws as {@link influence} does, except for the test point.
 */
export function prepareInfluence(
  model: LogisticModel,
  X: FeatureMatrix | SparseMatrix,
  y: readonly (0 | 1)[] | ArrayLike<number>,
  options: PrepareInfluenceOptions = {},
): LogisticInfluence {
  return new LogisticInfluence(model, X, y, options);
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

  constructor(
    model: LogisticModel,
    X: FeatureMatrix | SparseMatrix,
    y: readonly (0 | 1)[] | ArrayLike<number>,
    options: PrepareInfluenceOptions = {},
  ) {
    const { l2 } = model;
    if (typeof l2 !== "number" || !Number.isFinite(l2) || l2 < 0) throw new LogisticRegularizationError(l2);
    this.data = readTrainingSet(X, y);
    const dims = this.data.dims;
    const solver = resolveSolver(options.solver, this.data);
    const weights = readVector(model.weights, dims - 1, "model.weights");
    if (!Number.isFinite(model.bias)) throw new ValuationNonFiniteValueError("model.bias", model.bias);
    this.theta = new Float64Array(dims);
    this.theta.set(weights);
    this.theta[dims - 1] = model.bias;

    this.state = new ObjectiveState(this.data, l2, solver);
    const objective = this.state.evaluate(this.theta);
    const failed = this.state.prepareHessian();
    if (failed >= 0) throw new HessianNotPositiveDefiniteError(`pivot ${failed}`);
    this.correction = this.state.gradient.slice();
    this.state.solve(this.correction);
    const halfDecrement = dot(this.state.gradient, this.correction, dims) / 2;
    if (!(halfDecrement <= MISMATCH_TOLERANCE * objective)) {
      throw new LogisticModelMismatchError(halfDecrement, objective);
    }
  }

  /**
   * `influence[i]` ≈ loss_test(trained without i) − loss_test(trained with all), for every training example i.
   * The test point is d numbers or a {@link SparseVector}. O(nnz) plus one solve per call (O(d²) Cholesky), plus
   * one solve per training example once, on the first `"newton-step"` call (O(n·d²) Cholesky).
   *
   * @throws ValuationDimensionMismatchError, ValuationNonFiniteValueError, SparseMatrixFormatError,
   *   LogisticLabelError for a bad test point.
   * @throws HessianNotPositiveDefiniteError when H without some example is singular (Newton step only).
   */
  scores(xTest: ArrayLike<number> | SparseVector, yTest: 0 | 1, options: InfluenceOptions = {}): number[] {
    const { n, dims } = this.data;
    const method = options.method ?? "first-order";
    if (method !== "first-order" && method !== "newton-step") throw new InfluenceMethodError(method);
    const test = readPoint(xTest, dims, "xTest");
    if (yTest !== 0 && yTest !== 1) throw new LogisticLabelError("yTest", yTest);
    const zTest = dot(this.theta, test, dims);

    // v = H⁻¹u_test, so that u_testᵀH⁻¹uᵢ = v·uᵢ costs O(nnzᵢ) per example.
    const v = test;
    this.state.solve(v);
    const out = new Array<number>(n).fill(0);
    const { residual, curvature } = this.state;

    if (method === "first-order") {
      // ∇ℓ = (σ(z) − y)·u for log-loss, so ∇ℓ_testᵀH⁻¹∇ℓᵢ = r_test·rᵢ·(v·uᵢ).
      const rTest = residualOf(zTest, yTest);
      for (let i = 0; i < n; i++) out[i] = rTest * residual[i] * this.data.rowDot(i, v);
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
      out[i] = logLoss(zShifted + move * this.data.rowDot(i, v), yTest) - base;
    }
    return out;
  }

  /**
   * First-order influence on the mean log-loss of a set of test points (`X`, `y`), e.g. a validation set: entry i
   * ≈ mean loss(trained without i) − mean loss(trained with all), the mean of {@link scores} over the points, but
   * for the price of one: O(nnz of both sets) plus one solve, with s = H⁻¹·∇(mean test loss) and ∇ℓᵢ·s per example.
   *
   * @throws ValuationDimensionMismatchError when X's features are not the training set's; as {@link scores}
   *   otherwise.
   */
  meanScores(X: FeatureMatrix | SparseMatrix, y: readonly (0 | 1)[] | ArrayLike<number>): number[] {
    const { n, dims } = this.data;
    const tests = readTrainingSet(X, y);
    if (tests.dims !== dims)
      throw new ValuationDimensionMismatchError("The test points' features", dims - 1, tests.dims - 1);
    const weights = new Float64Array(tests.n);
    tests.multiply(this.theta, weights);
    for (let t = 0; t < tests.n; t++) weights[t] = residualOf(weights[t], tests.y[t]) / tests.n;
    const s = new Float64Array(dims);
    tests.multiplyTransposed(weights, s);
    this.state.solve(s);
    const { residual } = this.state;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = residual[i] * this.data.rowDot(i, s);
    return out;
  }

  /** Each training example's own log-loss at the model, in nats. */
  trainingLosses(): number[] {
    const { logits } = this.state;
    return Array.from(this.data.y, (label, i) => logLoss(logits[i], label));
  }

  private newtonStepTerms(): { denominators: Float64Array; corrections: Float64Array } {
    if (this.newtonTerms) return this.newtonTerms;
    const { n, dims } = this.data;
    const { curvature } = this.state;
    const denominators = new Float64Array(n);
    const corrections = new Float64Array(n);
    const row = new Float64Array(dims);
    for (let i = 0; i < n; i++) {
      this.data.copyRow(i, row);
      const denominator = 1 - curvature[i] * this.state.inverseQuadratic(row);
      // The ratio det(H without i)/det(H): at zero the left-out objective has no unique optimum.
      if (!(denominator > 1e-12)) throw new HessianNotPositiveDefiniteError(`leverage 1 − ${denominator}`, i);
      denominators[i] = denominator;
      corrections[i] = this.data.rowDot(i, this.correction);
    }
    this.newtonTerms = { denominators, corrections };
    return this.newtonTerms;
  }
}
