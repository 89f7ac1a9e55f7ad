/**
 * Dense symmetric positive-definite algebra on row-major n × n Float64Arrays, for the small (features + 1)² systems
 * of logistic regression. Only lower triangles are read or written.
 */

/**
 * A pivot this small relative to its own diagonal entry has lost every significant digit to cancellation: the
 * matrix is singular to working precision even if the pivot came out positive.
 */
const PIVOT_TOLERANCE = 1e-13;

/**
 * Overwrites the lower triangle of `a` with its Cholesky factor L (a = L·Lᵀ), row by row. O(n³/6).
 *
 * @returns -1 on success, else the index of the first pivot that is not positive to working precision (the matrix
 *   is not positive definite and `a` is left half-factored).
 */
export function choleskyInPlace(a: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * n;
      let s = a[rowI + j];
      for (let k = 0; k < j; k++) s -= a[rowI + k] * a[rowJ + k];
      if (i === j) {
        if (!(s > PIVOT_TOLERANCE * a[rowI + i])) return i;
        a[rowI + i] = Math.sqrt(s);
      } else {
        a[rowI + j] = s / a[rowJ + j];
      }
    }
  }
  return -1;
}

/** Solves L·x = b in place (b becomes x) for the lower-triangular factor L. O(n²/2). */
export function solveLower(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[row + k] * b[k];
    b[i] = s / l[row + i];
  }
}

/** Solves Lᵀ·x = b in place, column-oriented so that L is still read along its rows. O(n²/2). */
export function solveLowerTransposed(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    const row = i * n;
    const x = b[i] / l[row + i];
    b[i] = x;
    for (let k = 0; k < i; k++) b[k] -= l[row + k] * x;
  }
}

/** Solves (L·Lᵀ)·x = b in place from the Cholesky factor L. O(n²). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): void {
  solveLower(l, n, b);
  solveLowerTransposed(l, n, b);
}

/** Σ a[i]·b[i] over i < n. */
export function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** What {@link conjugateGradient} reached. */
export interface ConjugateGradientResult {
  iterations: number;
  /** ‖b − A·x‖ / ‖b‖ at the returned x (0 when b = 0). */
  relativeResidual: number;
}

/**
 * Solves A·x = b for a symmetric positive-definite A given only as products `multiply(v, out)` (out = A·v), by
 * conjugate gradients preconditioned with the inverse diagonal `inverseDiagonal`, from x = 0. Stops when
 * ‖b − A·x‖ ≤ tolerance·‖b‖ or after `maxIterations` products; b is overwritten with x. Every iterate x decreases
 * the quadratic ½xᵀAx − bᵀx, so even a truncated solve is a descent direction for it. Each iteration costs one
 * product and O(n).
 */
export function conjugateGradient(
  multiply: (v: Float64Array, out: Float64Array) => void,
  inverseDiagonal: Float64Array,
  b: Float64Array,
  tolerance: number,
  maxIterations: number,
): ConjugateGradientResult {
  const n = b.length;
  const residual = b.slice();
  const bNorm = Math.sqrt(dot(b, b, n));
  b.fill(0);
  if (bNorm === 0) return { iterations: 0, relativeResidual: 0 };
  const z = new Float64Array(n);
  const direction = new Float64Array(n);
  const product = new Float64Array(n);
  for (let j = 0; j < n; j++) z[j] = inverseDiagonal[j] * residual[j];
  direction.set(z);
  let rz = dot(residual, z, n);
  let relativeResidual = 1;
  let iterations = 0;
  while (iterations < maxIterations) {
    multiply(direction, product);
    iterations++;
    const curvature = dot(direction, product, n);
    // Zero curvature along a non-zero direction: A is singular to working precision, nothing more to gain.
    if (!(curvature > 0)) break;
    const alpha = rz / curvature;
    let squares = 0;
    for (let j = 0; j < n; j++) {
      b[j] += alpha * direction[j];
      residual[j] -= alpha * product[j];
      squares += residual[j] * residual[j];
    }
    relativeResidual = Math.sqrt(squares) / bNorm;
    if (relativeResidual <= tolerance) break;
    for (let j = 0; j < n; j++) z[j] = inverseDiagonal[j] * residual[j];
    const rzNext = dot(residual, z, n);
    const beta = rzNext / rz;
    rz = rzNext;
    for (let j = 0; j < n; j++) direction[j] = z[j] + beta * direction[j];
  }
  return { iterations, relativeResidual };
}
