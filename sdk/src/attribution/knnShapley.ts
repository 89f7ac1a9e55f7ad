import { KnnNeighbourCountError, ValuationDimensionMismatchError, ValuationNonFiniteValueError } from "../errors";
import { FeatureMatrix, isFlatMatrix, matrixShape, nonFiniteInRow, readVector } from "./matrix";

/**
 * Exact Shapley values of the training points for one test point under the unweighted K-nearest-neighbour
 * classifier (Jia et al. 2019, "Efficient task-specific data valuation for nearest neighbor algorithms",
 * Theorem 1).
 *
 * The utility of a subset S is U(S) = (1/k)·#{the min(k, |S|) points of S nearest to `xTest` whose label is
 * `yTest`}: the KNN's vote for the right label (divided by k even when S holds fewer than k points, as in the
 * paper). Distance is Euclidean; equal distances rank the lower index nearer. With the points sorted α₁ (nearest)
 * … α_N, the values are
 *   s(α_N) = 1[y(α_N) = yTest] / max(N, k),
 *   s(α_i) = s(α_{i+1}) + (1[y(α_i) = yTest] − 1[y(α_{i+1}) = yTest]) / k · min(k, i) / i.
 * (The paper states the base case for N ≥ k as 1/N; with N < k every point always counts, so it is 1/k.) They sum
 * to U(all points) (efficiency). Labels are compared with `===`.
 *
 * Cost O(N·d) for the distances, then O(N) (a stable radix sort of the distances' bits), so the distances dominate.
 * For speed pass X as a {@link FlatMatrix} over a Float32Array or Float64Array, read in place; rows of typed arrays
 * or plain arrays work too. X is checked for NaN and ±∞ only where a distance comes out non-finite; a distance that
 * overflows on finite data counts as +∞ (those points rank last, by index).
 *
 * What it cannot see: anything but the one test point and the label vote (no weighting, no other model), and
 * duplicates, which split their value between them.
 *
 * @returns one value per row of X, in the order of X.
 * @throws ValuationEmptyInputError when X has no rows or no columns.
 * @throws ValuationDimensionMismatchError when rows differ in length, y is not one label per row or xTest has
 *   another dimension.
 * @throws ValuationNonFiniteValueError when a feature, a label, the test point or its label is NaN or infinite.
 * @throws KnnNeighbourCountError when k is not an integer ≥ 1.
 */
export function knnShapley(
  X: FeatureMatrix,
  y: ArrayLike<number>,
  xTest: ArrayLike<number>,
  yTest: number,
  k: number,
): number[] {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1) throw new KnnNeighbourCountError(k);
  const { rows: n, cols } = matrixShape(X);
  if (y.length !== n) throw new ValuationDimensionMismatchError("y (one label per row of X)", n, y.length);
  for (let i = 0; i < n; i++) {
    if (typeof y[i] !== "number" || !Number.isFinite(y[i])) throw new ValuationNonFiniteValueError(`y[${i}]`, y[i]);
  }
  if (typeof yTest !== "number" || !Number.isFinite(yTest)) throw new ValuationNonFiniteValueError("yTest", yTest);
  const test = readVector(xTest, cols, "xTest");

  const distances = new Float64Array(n);
  if (!isFlatMatrix(X)) rowDistances(X, test, distances);
  else if (X.data instanceof Float32Array) flatDistances32(X.data, cols, test, distances);
  else flatDistances64(X.data, cols, test, distances);
  for (let i = 0; i < n; i++) {
    if (distances[i] === Infinity || Number.isNaN(distances[i])) {
      const error = nonFiniteInRow(X, i, cols);
      if (error) throw error;
      distances[i] = Infinity;
    }
  }

  const order = stableOrder(distances);
  const values = new Float64Array(n);
  let next = y[order[n - 1]] === yTest ? 1 : 0;
  values[order[n - 1]] = next / Math.max(n, k);
  for (let i = n - 1; i >= 1; i--) {
    // `order[i - 1]` is α_i in the paper's 1-based ranks.
    const match = y[order[i - 1]] === yTest ? 1 : 0;
    values[order[i - 1]] = values[order[i]] + ((match - next) / k) * (Math.min(k, i) / i);
    next = match;
  }
  // Copied by hand: Array.from goes through the iterator protocol, several times slower at this size.
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) out[i] = values[i];
  return out;
}

/*
 * Squared Euclidean distances to `test`. One kernel per storage type keeps each hot loop monomorphic, and four
 * running sums let the additions overlap. The sums are exact for small integers, so equal distances stay equal.
 */

function flatDistances64(data: Float64Array, cols: number, test: Float64Array, out: Float64Array): void {
  const unrolled = cols - (cols % 4);
  for (let i = 0, offset = 0; i < out.length; i++, offset += cols) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < unrolled; j += 4) {
      const a0 = data[offset + j] - test[j];
      const a1 = data[offset + j + 1] - test[j + 1];
      const a2 = data[offset + j + 2] - test[j + 2];
      const a3 = data[offset + j + 3] - test[j + 3];
      s0 += a0 * a0;
      s1 += a1 * a1;
      s2 += a2 * a2;
      s3 += a3 * a3;
    }
    for (; j < cols; j++) {
      const a = data[offset + j] - test[j];
      s0 += a * a;
    }
    out[i] = s0 + s1 + (s2 + s3);
  }
}

function flatDistances32(data: Float32Array, cols: number, test: Float64Array, out: Float64Array): void {
  const unrolled = cols - (cols % 4);
  for (let i = 0, offset = 0; i < out.length; i++, offset += cols) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < unrolled; j += 4) {
      const a0 = data[offset + j] - test[j];
      const a1 = data[offset + j + 1] - test[j + 1];
      const a2 = data[offset + j + 2] - test[j + 2];
      const a3 = data[offset + j + 3] - test[j + 3];
      s0 += a0 * a0;
      s1 += a1 * a1;
      s2 += a2 * a2;
      s3 += a3 * a3;
    }
    for (; j < cols; j++) {
      const a = data[offset + j] - test[j];
      s0 += a * a;
    }
    out[i] = s0 + s1 + (s2 + s3);
  }
}

function rowDistances(rows: readonly ArrayLike<number>[], test: Float64Array, out: Float64Array): void {
  const cols = test.length;
  const unrolled = cols - (cols % 4);
  for (let i = 0; i < out.length; i++) {
    const row = rows[i];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < unrolled; j += 4) {
      const a0 = row[j] - test[j];
      const a1 = row[j + 1] - test[j + 1];
      const a2 = row[j + 2] - test[j + 2];
      const a3 = row[j + 3] - test[j + 3];
      s0 += a0 * a0;
      s1 += a1 * a1;
      s2 += a2 * a2;
      s3 += a3 * a3;
    }
    for (; j < cols; j++) {
      const a = row[j] - test[j];
      s0 += a * a;
    }
    // A non-number entry (a string, undefined) makes NaN here and is reported by the caller's finiteness check.
    out[i] = s0 + s1 + (s2 + s3);
  }
}

/* STABLE SORT */

const RADIX_BITS = 11;
const BUCKETS = 1 << RADIX_BITS;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The indices of `keys` (finite or +∞, never −0 or NaN) in ascending order, equal keys by ascending index. For
 * non-negative doubles the IEEE-754 bits, read as an unsigned 64-bit integer, order like the numbers, so an LSD
 * radix sort on the bits is exact. It is stable, so equal keys keep their index order, and O(N).
 */
function stableOrder(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const words = new Uint32Array(keys.buffer, keys.byteOffset, 2 * n);
  const lowWord = LITTLE_ENDIAN ? 0 : 1;
  // One histogram per pass: the 64 bits as six digits, three per 32-bit word (bits 0–10, 11–21, 22–31).
  const counts = new Uint32Array(6 * BUCKETS);
  for (let i = 0; i < n; i++) {
    const low = words[2 * i + lowWord];
    const high = words[2 * i + 1 - lowWord];
    counts[low & (BUCKETS - 1)]++;
    counts[BUCKETS + ((low >>> RADIX_BITS) & (BUCKETS - 1))]++;
    counts[2 * BUCKETS + (low >>> (2 * RADIX_BITS))]++;
    counts[3 * BUCKETS + (high & (BUCKETS - 1))]++;
    counts[4 * BUCKETS + ((high >>> RADIX_BITS) & (BUCKETS - 1))]++;
    counts[5 * BUCKETS + (high >>> (2 * RADIX_BITS))]++;
  }
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let spare = new Uint32Array(n);
  const starts = new Uint32Array(BUCKETS);
  for (let pass = 0; pass < 6; pass++) {
    const shift = RADIX_BITS * (pass % 3);
    const word = pass < 3 ? lowWord : 1 - lowWord;
    const histogram = counts.subarray(pass * BUCKETS, (pass + 1) * BUCKETS);
    // A digit all keys share leaves the order as it is (the exponent's top bits, mostly).
    if (histogram[(words[2 * order[0] + word] >>> shift) & (BUCKETS - 1)] === n) continue;
    let sum = 0;
    for (let b = 0; b < BUCKETS; b++) {
      starts[b] = sum;
      sum += histogram[b];
    }
    for (let i = 0; i < n; i++) {
      const index = order[i];
      spare[starts[(words[2 * index + word] >>> shift) & (BUCKETS - 1)]++] = index;
    }
    [order, spare] = [spare, order];
  }
  return order;
}
