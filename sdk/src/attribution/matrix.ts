import {
  SparseMatrixFormatError,
  ValuationDimensionMismatchError,
  ValuationEmptyInputError,
  ValuationNonFiniteValueError,
} from "../errors";
import type { SparseVector } from "../ml/features";
import { checkArray, checkObject } from "../internal/check";

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
  checkObject(X, "X");
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

/**
 * A sparse matrix in compressed sparse row form: row i holds `values[indptr[i], indptr[i + 1])` at the columns
 * `indices[indptr[i], indptr[i + 1])`, strictly increasing. Memory and every product cost O(stored values), not
 * O(rows × cols): the form for hashed bag-of-words features of 2^16 buckets and more.
 */
export interface SparseMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows + 1 offsets into `indices` and `values`, from 0 to the number of stored values. */
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

export function isSparseMatrix(X: unknown): X is SparseMatrix {
  return typeof X === "object" && X !== null && "indptr" in X;
}

/**
 * The rows `vectors` (e.g. {@link hashedFeatures} of each text) as one {@link SparseMatrix} of `cols` columns,
 * checked as {@link checkSparseMatrix} checks. O(stored values).
 *
 * @throws SparseMatrixFormatError when a vector's indices are not strictly increasing in [0, cols) or its values
 *   are not one per index; ValuationEmptyInputError when cols is not an integer ≥ 1.
 * @throws ValuationNonFiniteValueError when a value is NaN or infinite.
 */
export function sparseMatrix(vectors: readonly SparseVector[], cols: number): SparseMatrix {
  checkArray(vectors, "vectors");
  const indptr = new Int32Array(vectors.length + 1);
  vectors.forEach((v, i) => {
    if (v.indices.length !== v.values.length) {
      throw new SparseMatrixFormatError(`row ${i}`, `${v.indices.length} indices but ${v.values.length} values`);
    }
    indptr[i + 1] = indptr[i] + v.indices.length;
  });
  const indices = new Int32Array(indptr[vectors.length]);
  const values = new Float64Array(indptr[vectors.length]);
  vectors.forEach((v, i) => {
    indices.set(v.indices, indptr[i]);
    values.set(v.values, indptr[i]);
  });
  const X = { rows: vectors.length, cols, indptr, indices, values };
  checkSparseMatrix(X);
  return X;
}

/**
 * Checks the structure and values of `X`: integer sizes (cols ≥ 1), `indptr` of rows + 1 non-decreasing offsets
 * from 0 to the number of stored values, column indices strictly increasing within each row and below cols, finite
 * values. Rows may be empty. O(stored values).
 *
 * @throws ValuationEmptyInputError when cols is not an integer ≥ 1 or rows is not an integer ≥ 0.
 * @throws SparseMatrixFormatError for offsets or indices out of place; ValuationNonFiniteValueError for values.
 */
export function checkSparseMatrix(X: SparseMatrix): void {
  checkObject(X, "X");
  const { rows, cols, indptr, indices, values } = X;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 1) {
    throw new ValuationEmptyInputError(`A sparse matrix of ${rows} × ${cols} has no columns.`);
  }
  if (!(indptr instanceof Int32Array) || !(indices instanceof Int32Array) || !(values instanceof Float64Array)) {
    throw new SparseMatrixFormatError("the arrays", "indptr and indices must be Int32Arrays, values a Float64Array");
  }
  if (indptr.length !== rows + 1)
    throw new SparseMatrixFormatError("indptr", `length ${indptr.length}, not ${rows + 1}`);
  if (indptr[0] !== 0 || indptr[rows] !== indices.length || indices.length !== values.length) {
    throw new SparseMatrixFormatError(
      "indptr",
      `runs from ${indptr[0]} to ${indptr[rows]} over ${indices.length} indices and ${values.length} values`,
    );
  }
  for (let i = 0; i < rows; i++) {
    const start = indptr[i];
    const end = indptr[i + 1];
    if (end < start) throw new SparseMatrixFormatError(`indptr[${i + 1}]`, `${end} is below indptr[${i}] = ${start}`);
    for (let k = start; k < end; k++) {
      const j = indices[k];
      if (j < 0 || j >= cols || (k > start && j <= indices[k - 1])) {
        throw new SparseMatrixFormatError(`row ${i}`, `column ${j} is out of order or outside [0, ${cols})`);
      }
      const v = values[k];
      if (!Number.isFinite(v)) throw new ValuationNonFiniteValueError(`X[${i}][${j}]`, v);
    }
  }
}
