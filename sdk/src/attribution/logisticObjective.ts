/*
 * The training objective of a binary logistic regression, Σᵢ log-loss(yᵢ, σ(uᵢ·θ)) + (l2/2)·‖w‖² with uᵢ = [xᵢ, 1]
 * and θ = [w, b], on dense or sparse features, and the two ways to solve with its Hessian: a Cholesky factor for
 * small dimensions, conjugate gradients on Hessian-vector products for large ones. Shared by training, influence and
 * data values; not part of the SDK's exports.
 */
import {
  ConjugateGradientNotConvergedError,
  LogisticLabelError,
  LogisticSolverError,
  ValuationDimensionMismatchError,
  ValuationEmptyInputError,
  ValuationNonFiniteValueError,
} from "../errors";
import type { SparseVector } from "../ml/features";
import { choleskyInPlace, choleskySolve, conjugateGradient, dot, solveLower } from "./linalg";
import {
  FeatureMatrix,
  SparseMatrix,
  checkSparseMatrix,
  isFlatMatrix,
  isSparseMatrix,
  matrixShape,
  readVector,
} from "./matrix";

/**
 * How systems with the Hessian are solved. `"cholesky"`: form the (features + 1)² Hessian and factor it, exact,
 * O(n·d² + d³) per Hessian (O(Σᵢ nnzᵢ²) to form it from sparse rows). `"conjugate-gradient"`: preconditioned
 * conjugate gradients on Hessian-vector products, O(nnz) memory and O(nnz) per product, no d × d matrix.
 * `"auto"` (default): Cholesky up to {@link CHOLESKY_MAX_FEATURES} features when forming and factoring the Hessian
 * costs at most as many multiply-adds as 64 Hessian-vector products (about what one solve to 1e-12 takes),
 * conjugate gradients otherwise: sparse rows of a few hundred words make the Hessian costly long before d does.
 * Each choice is deterministic, but the two round differently, so they agree to about 1e-9, not to the bit.
 */
export type LogisticSolver = "auto" | "cholesky" | "conjugate-gradient";

/** Above this many features `"auto"` uses conjugate gradients: a 2,049² Hessian is 32 MiB and 1.4 GFLOP to factor. */
export const CHOLESKY_MAX_FEATURES = 2048;

/** Hessian-vector products one conjugate-gradient solve is reckoned to take, for `"auto"`'s choice. */
const PRODUCTS_PER_SOLVE = 64;

/** Relative residual the influence solves ask of conjugate gradients: the values then match Cholesky's to ~1e-9. */
const SOLVE_TOLERANCE = 1e-12;
/** A solve that cannot get below this relative residual gives values with too few digits to rank by. */
const SOLVE_ACCEPTANCE = 1e-8;

/** Training examples or test points: features with a 1 appended (the bias input), labels 0 or 1. */
export interface TrainingSet {
  readonly n: number;
  /** Features + 1. */
  readonly dims: number;
  readonly y: Uint8Array;
  /** Multiply-adds of one product uᵢ·v for all i: the stored entries, bias included. */
  readonly productWork: number;
  /** Cost of `addOuterProducts`, in streamed multiply-adds. */
  readonly outerProductWork: number;
  /** out[i] = uᵢ·v. */
  multiply(v: Float64Array, out: Float64Array): void;
  /** out = Σᵢ r[i]·uᵢ. */
  multiplyTransposed(r: Float64Array, out: Float64Array): void;
  /** uᵢ·v. */
  rowDot(i: number, v: Float64Array): number;
  /** uᵢ, dense, into out. */
  copyRow(i: number, out: Float64Array): void;
  /** out[j] = Σᵢ w[i]·uᵢⱼ². */
  weightedColumnSquares(w: Float64Array, out: Float64Array): void;
  /** Adds Σᵢ w[i]·uᵢuᵢᵀ to the lower triangle of the row-major dims × dims `h`. */
  addOuterProducts(w: Float64Array, h: Float64Array): void;
}

/**
 * X and labels read and checked into a {@link TrainingSet}: dense rows are copied with the bias column appended, a
 * sparse matrix is used in place (its bias column is implicit).
 *
 * @throws ValuationEmptyInputError, ValuationDimensionMismatchError, ValuationNonFiniteValueError,
 *   SparseMatrixFormatError for bad features; LogisticLabelError for a label other than 0 or 1.
 */
export function readTrainingSet(X: FeatureMatrix | SparseMatrix, labels: ArrayLike<number>): TrainingSet {
  const { n, cols } = isSparseMatrix(X) ? sparseShape(X) : { n: matrixShape(X).rows, cols: matrixShape(X).cols };
  if (labels.length !== n) throw new ValuationDimensionMismatchError("y (one label per row of X)", n, labels.length);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1) throw new LogisticLabelError(`y[${i}]`, label);
    y[i] = label;
  }
  return isSparseMatrix(X) ? sparseSet(X, y) : denseSet(X, n, cols, y);
}

function sparseShape(X: SparseMatrix): { n: number; cols: number } {
  checkSparseMatrix(X);
  if (X.rows === 0) throw new ValuationEmptyInputError("X has no rows.");
  return { n: X.rows, cols: X.cols };
}

function denseSet(X: FeatureMatrix, n: number, cols: number, y: Uint8Array): TrainingSet {
  const dims = cols + 1;
  const u = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) {
    const row = isFlatMatrix(X) ? X.data.subarray(i * cols, (i + 1) * cols) : X[i];
    const offset = i * dims;
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new ValuationNonFiniteValueError(`X[${i}][${j}]`, v);
      u[offset + j] = v;
    }
    u[offset + cols] = 1;
  }
  const rowDot = (i: number, v: Float64Array) => {
    const offset = i * dims;
    let s = 0;
    for (let j = 0; j < dims; j++) s += u[offset + j] * v[j];
    return s;
  };
  return {
    n,
    dims,
    y,
    productWork: n * dims,
    outerProductWork: (n * dims * (dims + 1)) / 2,
    rowDot,
    multiply(v, out) {
      for (let i = 0; i < n; i++) out[i] = rowDot(i, v);
    },
    multiplyTransposed(r, out) {
      out.fill(0);
      for (let i = 0; i < n; i++) {
        const offset = i * dims;
        for (let j = 0; j < dims; j++) out[j] += r[i] * u[offset + j];
      }
    },
    copyRow(i, out) {
      out.set(u.subarray(i * dims, (i + 1) * dims));
    },
    weightedColumnSquares(w, out) {
      out.fill(0);
      for (let i = 0; i < n; i++) {
        const offset = i * dims;
        for (let j = 0; j < dims; j++) out[j] += w[i] * u[offset + j] * u[offset + j];
      }
    },
    addOuterProducts(w, h) {
      // Four examples at a time: each entry of H is loaded and stored once per four rank-one updates.
      let i = 0;
      for (; i + 3 < n; i += 4) {
        const o0 = i * dims;
        const o1 = o0 + dims;
        const o2 = o1 + dims;
        const o3 = o2 + dims;
        const h0 = w[i];
        const h1 = w[i + 1];
        const h2 = w[i + 2];
        const h3 = w[i + 3];
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
          const c = w[i] * u[o + a];
          const row = a * dims;
          for (let b = 0; b <= a; b++) h[row + b] += c * u[o + b];
        }
      }
    },
  };
}

function sparseSet(X: SparseMatrix, y: Uint8Array): TrainingSet {
  const { rows: n, cols, indptr, indices, values } = X;
  const dims = cols + 1;
  const rowDot = (i: number, v: Float64Array) => {
    let s = 0;
    for (let k = indptr[i]; k < indptr[i + 1]; k++) s += values[k] * v[indices[k]];
    return s + v[cols];
  };
  let outerProductWork = 0;
  for (let i = 0; i < n; i++) {
    const stored = indptr[i + 1] - indptr[i] + 1;
    outerProductWork += (stored * (stored + 1)) / 2;
  }
  // Scattered writes into the d × d Hessian: measured about four times a streamed multiply-add (100,000 hashed
  // mails at d = 1,024: Cholesky 91 s, conjugate gradients on similar rows at 2^16 35 s).
  outerProductWork *= 4;
  return {
    n,
    dims,
    y,
    productWork: indices.length + n,
    outerProductWork,
    rowDot,
    multiply(v, out) {
      for (let i = 0; i < n; i++) out[i] = rowDot(i, v);
    },
    multiplyTransposed(r, out) {
      out.fill(0);
      for (let i = 0; i < n; i++) {
        const ri = r[i];
        for (let k = indptr[i]; k < indptr[i + 1]; k++) out[indices[k]] += ri * values[k];
        out[cols] += ri;
      }
    },
    copyRow(i, out) {
      out.fill(0);
      for (let k = indptr[i]; k < indptr[i + 1]; k++) out[indices[k]] = values[k];
      out[cols] = 1;
    },
    weightedColumnSquares(w, out) {
      out.fill(0);
      for (let i = 0; i < n; i++) {
        for (let k = indptr[i]; k < indptr[i + 1]; k++) out[indices[k]] += w[i] * values[k] * values[k];
        out[cols] += w[i];
      }
    },
    addOuterProducts(w, h) {
      const bias = cols * dims;
      for (let i = 0; i < n; i++) {
        const wi = w[i];
        const start = indptr[i];
        for (let k = start; k < indptr[i + 1]; k++) {
          // Columns increase along the row, so (indices[k], indices[l ≤ k]) lies in the lower triangle.
          const c = wi * values[k];
          const row = indices[k] * dims;
          for (let l = start; l <= k; l++) h[row + indices[l]] += c * values[l];
          h[bias + indices[k]] += c;
        }
        h[bias + cols] += wi;
      }
    },
  };
}

/**
 * A test point as the bias-extended dense vector u = [x, 1] of `dims` entries, from a dense array of dims − 1 values
 * or a {@link SparseVector} with indices strictly increasing below dims − 1.
 */
export function readPoint(x: ArrayLike<number> | SparseVector, dims: number, name: string): Float64Array {
  const u = new Float64Array(dims);
  if (isSparseVector(x)) {
    const indptr = Int32Array.of(0, x.indices.length);
    checkSparseMatrix({ rows: 1, cols: dims - 1, indptr, indices: x.indices, values: x.values });
    x.indices.forEach((j, k) => (u[j] = x.values[k]));
  } else {
    u.set(readVector(x, dims - 1, name));
  }
  u[dims - 1] = 1;
  return u;
}

function isSparseVector(x: ArrayLike<number> | SparseVector): x is SparseVector {
  return typeof x === "object" && x !== null && "indices" in x && "values" in x;
}

/** The solver `"auto"` picks for `data` (see {@link LogisticSolver}), and a check of an explicit choice. */
export function resolveSolver(solver: unknown, data: TrainingSet): "cholesky" | "conjugate-gradient" {
  if (solver === undefined || solver === "auto") {
    const { dims } = data;
    const cholesky = data.outerProductWork + (dims * dims * dims) / 6;
    const small = dims - 1 <= CHOLESKY_MAX_FEATURES && cholesky <= PRODUCTS_PER_SOLVE * 2 * data.productWork;
    return small ? "cholesky" : "conjugate-gradient";
  }
  if (solver === "cholesky" || solver === "conjugate-gradient") return solver;
  throw new LogisticSolverError(solver);
}

/**
 * The objective at one point: logits, residuals rᵢ = σ(zᵢ) − yᵢ, curvatures hᵢ = σ(zᵢ)·σ(−zᵢ) and gradient, and
 * (after `prepareHessian`) what solving with the Hessian there needs, all reused across iterations.
 */
export class ObjectiveState {
  readonly logits: Float64Array;
  readonly residual: Float64Array;
  readonly curvature: Float64Array;
  readonly gradient: Float64Array;
  /** Cholesky: lower triangle of the Hessian, then its factor. */
  private readonly hessian?: Float64Array;
  /** Conjugate gradients: 1 / the Hessian's diagonal, the preconditioner. */
  private readonly inverseDiagonal?: Float64Array;
  private readonly scratch: Float64Array;
  /** Hessian-vector products made by conjugate gradients, in total. */
  products = 0;

  constructor(
    private readonly data: TrainingSet,
    private readonly l2: number,
    readonly solver: "cholesky" | "conjugate-gradient",
  ) {
    this.logits = new Float64Array(data.n);
    this.residual = new Float64Array(data.n);
    this.curvature = new Float64Array(data.n);
    this.gradient = new Float64Array(data.dims);
    this.scratch = new Float64Array(data.n);
    if (solver === "cholesky") this.hessian = new Float64Array(data.dims * data.dims);
    else this.inverseDiagonal = new Float64Array(data.dims);
  }

  /** Sets logits, residuals, curvatures and gradient at θ; returns the objective. O(n·d) dense, O(nnz) sparse. */
  evaluate(theta: Float64Array): number {
    const { n, dims, y } = this.data;
    const { logits, residual, curvature, gradient } = this;
    this.data.multiply(theta, logits);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const z = logits[i];
      residual[i] = residualOf(z, y[i]);
      curvature[i] = sigmoid(z) * sigmoid(-z);
      loss += logLoss(z, y[i]);
    }
    this.data.multiplyTransposed(residual, gradient);
    let penalty = 0;
    for (let j = 0; j < dims - 1; j++) {
      penalty += theta[j] * theta[j];
      gradient[j] += this.l2 * theta[j];
    }
    return loss + (this.l2 / 2) * penalty;
  }

  /**
   * The objective at `trial` = θ + t·Δ, where `step` holds uᵢ·Δ, from the logits of the last `evaluate`: O(n + d)
   * per trial instead of a pass over the features.
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
   * Readies solves with H = Σᵢ hᵢuᵢuᵢᵀ + l2·diag(1, …, 1, 0) at the last `evaluate`: Cholesky forms and factors it
   * (O(n·d²/2 + d³/6), O(Σᵢ nnzᵢ²/2 + d³/6) sparse); conjugate gradients take its diagonal (O(nnz)).
   *
   * @returns the failing pivot, or -1 (conjugate gradients never fail here).
   */
  prepareHessian(): number {
    const { dims } = this.data;
    if (this.inverseDiagonal) {
      const diagonal = this.inverseDiagonal;
      this.data.weightedColumnSquares(this.curvature, diagonal);
      for (let j = 0; j < dims; j++) diagonal[j] = 1 / (diagonal[j] + (j < dims - 1 ? this.l2 : 0));
      return -1;
    }
    const h = this.hessian!;
    h.fill(0);
    this.data.addOuterProducts(this.curvature, h);
    for (let j = 0; j < dims - 1; j++) h[j * dims + j] += this.l2;
    return choleskyInPlace(h, dims);
  }

  /**
   * b ← H⁻¹b. Conjugate gradients stop at relative residual `tolerance`; a truncated solve is still a descent
   * direction, which is all training needs, so `strict` (for influence) throws when it ends above 1e-8.
   *
   * @throws ConjugateGradientNotConvergedError when strict and conjugate gradients stall.
   */
  solve(b: Float64Array, tolerance = SOLVE_TOLERANCE, strict = true): void {
    const { dims } = this.data;
    if (this.hessian) {
      choleskySolve(this.hessian, dims, b);
      return;
    }
    const result = conjugateGradient(
      (v, out) => this.hessianTimes(v, out),
      this.inverseDiagonal!,
      b,
      tolerance,
      maxIterations(dims),
    );
    this.products += result.iterations;
    if (strict && !(result.relativeResidual <= SOLVE_ACCEPTANCE)) {
      throw new ConjugateGradientNotConvergedError(result.iterations, result.relativeResidual);
    }
  }

  /** bᵀH⁻¹b; b is overwritten. Cholesky: ‖L⁻¹b‖² (half a solve). */
  inverseQuadratic(b: Float64Array): number {
    const { dims } = this.data;
    if (this.hessian) {
      solveLower(this.hessian, dims, b);
      return dot(b, b, dims);
    }
    const copy = b.slice();
    this.solve(b);
    return dot(copy, b, dims);
  }

  /** out = H·v at the last `evaluate`, without forming H: two passes over the features. */
  private hessianTimes(v: Float64Array, out: Float64Array): void {
    const { n, dims } = this.data;
    const { scratch, curvature } = this;
    this.data.multiply(v, scratch);
    for (let i = 0; i < n; i++) scratch[i] *= curvature[i];
    this.data.multiplyTransposed(scratch, out);
    for (let j = 0; j < dims - 1; j++) out[j] += this.l2 * v[j];
  }
}

/** Conjugate gradients converge in at most dims steps in exact arithmetic; rounding may need some more. */
function maxIterations(dims: number): number {
  return Math.min(10_000, 2 * dims + 100);
}

/** σ(z) = 1/(1 + e^−z), without overflow for either sign. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** σ(z) − y, written with σ(±z) rather than 1 − σ(z) so that saturated probabilities keep their digits. */
export function residualOf(z: number, y: number): number {
  return y === 1 ? -sigmoid(-z) : sigmoid(z);
}

/** −log σ(z) for y = 1, −log σ(−z) for y = 0: softplus(∓z), accurate for large |z|. */
export function logLoss(z: number, y: number): number {
  const a = y === 1 ? -z : z;
  return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
}
