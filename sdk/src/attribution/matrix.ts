import { ValuationDimensionMismatchError, ValuationEmptyInputError, ValuationNonFiniteValueError } from "../errors";

/**
 * A row-major matrix in one typed array: row i is `data[i·cols, (i + 1)·cols)`. The fastest way to hand the
 * valuation functions a large data set, since they read it in place.
 */
export interface FlatMatrix {
  readonly data: Float64Array | Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** Feature rows: plain arrays or typed arrays (one per row), or a {@link FlatMatrix}. */
export type FeatureMatrix = readonly ArrayLike<number>[] | FlatMatrix;

export function isFlatMatrix(X: FeatureMatrix): X is FlatMatrix {
  return !Array.isArray(X);
}

/**
 * Rows and columns of `X`, checked: at least one row and one column, every row as long as the first, a flat buffer
 * exactly `rows × cols` long. Values are not looked at.
 */
export function matrixShape(X: FeatureMatrix): { rows: number; cols: number } {
  if (isFlatMatrix(X)) {
    const { data, rows, cols } = X;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
      throw new ValuationEmptyInputError(`A flat matrix of ${rows} × ${cols} has no values.`);
    }
    if (data.length !== rows * cols) {
      throw new ValuationDimensionMismatchError(`The flat matrix's data (${rows} × ${cols})`, rows * cols, data.length);
    }
    return { rows, cols };
  }
  if (X.length === 0) throw new ValuationEmptyInputError("X has no rows.");
  const cols = X[0].length;
  if (cols === 0) throw new ValuationEmptyInputError("The rows of X have no features.");
  for (let i = 1; i < X.length; i++) {
    if (X[i].length !== cols) throw new ValuationDimensionMismatchError(`X[${i}]`, cols, X[i].length);
  }
  return { rows: X.length, cols };
}

/** `x` as a new Float64Array, checked to hold `length` finite values; `name` is how errors call it. */
export function readVector(x: ArrayLike<number>, length: number, name: string): Float64Array {
  if (x.length !== length) throw new ValuationDimensionMismatchError(name, length, x.length);
  const out = new Float64Array(length);
  for (let j = 0; j < length; j++) {
    const v = x[j];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new ValuationNonFiniteValueError(`${name}[${j}]`, v);
    out[j] = v;
  }
  return out;
}

/** Row i of `X`, column j. For error paths and one-off reads, not for loops. */
export function entry(X: FeatureMatrix, i: number, j: number): number {
  return isFlatMatrix(X) ? X.data[i * X.cols + j] : X[i][j];
}

/** The first non-finite value of row i, as an error, or undefined when the row is finite. */
export function nonFiniteInRow(X: FeatureMatrix, i: number, cols: number): ValuationNonFiniteValueError | undefined {
  for (let j = 0; j < cols; j++) {
    const v = entry(X, i, j);
    if (typeof v !== "number" || !Number.isFinite(v)) return new ValuationNonFiniteValueError(`X[${i}][${j}]`, v);
  }
  return undefined;
}
