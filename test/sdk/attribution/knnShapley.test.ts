import { expect } from "chai";
import {
  InvalidInputError,
  KnnNeighbourCountError,
  ValuationDimensionMismatchError,
  ValuationEmptyInputError,
  ValuationNonFiniteValueError,
  knnShapley,
} from "../../../sdk/src";
import { seededRandom } from "../../helpers/random";

/** Squared Euclidean distance, summed left to right. Exact on small integers, so ties are real ties. */
function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return s;
}

/** Indices of `members` nearest first, equal distances by lower index. */
function byDistance(X: number[][], xTest: number[], members: number[]): number[] {
  const d = members.map((i) => squaredDistance(X[i], xTest));
  return members
    .map((i, at) => ({ i, d: d[at] }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((e) => e.i);
}

/** The KNN utility as defined in Jia et al. 2019: matches among the min(k, |S|) nearest, divided by k. */
function utility(X: number[][], y: number[], xTest: number[], yTest: number, k: number, members: number[]): number {
  return (
    byDistance(X, xTest, members)
      .slice(0, k)
      .filter((i) => y[i] === yTest).length / k
  );
}

/** Shapley values by the definition: weighted marginal contributions over all 2^(N−1) coalitions of the others. */
function bruteForceShapley(X: number[][], y: number[], xTest: number[], yTest: number, k: number): number[] {
  const n = X.length;
  const values = new Float64Array(1 << n);
  for (let mask = 0; mask < 1 << n; mask++) {
    const members = [...Array(n).keys()].filter((i) => mask & (1 << i));
    values[mask] = utility(X, y, xTest, yTest, k, members);
  }
  const factorial = [1];
  for (let i = 1; i <= n; i++) factorial.push(factorial[i - 1] * i);
  return [...Array(n).keys()].map((i) => {
    let phi = 0;
    for (let mask = 0; mask < 1 << n; mask++) {
      if (mask & (1 << i)) continue;
      const size = [...Array(n).keys()].filter((j) => mask & (1 << j)).length;
      const weight = (factorial[size] * factorial[n - size - 1]) / factorial[n];
      phi += weight * (values[mask | (1 << i)] - values[mask]);
    }
    return phi;
  });
}

/** Seeded points on a small integer grid (so many distances tie) with labels in {0, 1, 2}. */
function gridData(n: number, dims: number, random: () => number, side = 3) {
  const cell = () => Math.floor(random() * side);
  return {
    X: Array.from({ length: n }, () => Array.from({ length: dims }, cell)),
    y: Array.from({ length: n }, () => Math.floor(random() * 3)),
    xTest: Array.from({ length: dims }, cell),
    yTest: Math.floor(random() * 3),
  };
}

describe("knnShapley", () => {
  it("equals the Shapley values of the KNN utility enumerated over all subsets (N ≤ 12, ties, N < k)", () => {
    const random = seededRandom(20_260_501);
    let ties = 0;
    let fewerThanK = 0;
    for (let run = 0; run < 80; run++) {
      const n = 1 + Math.floor(random() * 12);
      const k = 1 + Math.floor(random() * 8);
      const { X, y, xTest, yTest } = gridData(n, 1 + Math.floor(random() * 3), random);
      const distances = X.map((x) => squaredDistance(x, xTest));
      if (new Set(distances).size < n) ties++;
      if (n < k) fewerThanK++;
      const expected = bruteForceShapley(X, y, xTest, yTest, k);
      const actual = knnShapley(X, y, xTest, yTest, k);
      expect(actual).to.have.length(n);
      for (let i = 0; i < n; i++) expect(actual[i]).to.be.closeTo(expected[i], 1e-12, `run ${run}, point ${i}`);
    }
    // The seeded runs must exercise both corner cases, or this test proves less than it says.
    expect(ties).to.be.greaterThan(40);
    expect(fewerThanK).to.be.greaterThan(10);
  });

  it("matches brute force on points whose distances overflow to infinity", () => {
    const X = [[1e200], [0], [-1e200], [3], [1e200]];
    const y = [1, 0, 1, 1, 0];
    const expected = bruteForceShapley(X, y, [0], 1, 2);
    const actual = knnShapley(X, y, [0], 1, 2);
    for (let i = 0; i < X.length; i++) expect(actual[i]).to.be.closeTo(expected[i], 1e-15);
  });

  it("sums to the utility of the whole set (efficiency) on larger sets", () => {
    const random = seededRandom(77);
    for (const n of [50, 400, 3_000]) {
      for (const k of [1, 5, 25, 5_000]) {
        const dims = 2 + Math.floor(random() * 6);
        // Real-valued coordinates and a coarse grid: with and without ties.
        const { X, y, xTest, yTest } = gridData(n, dims, random, k % 2 === 0 ? 1_000_000 : 4);
        const values = knnShapley(X, y, xTest, yTest, k);
        const total = values.reduce((s, v) => s + v, 0);
        const all = [...Array(n).keys()];
        expect(total).to.be.closeTo(utility(X, y, xTest, yTest, k, all), 1e-9, `n ${n}, k ${k}`);
      }
    }
  });

  it("gives the same values for rows, typed rows and flat matrices of either precision", () => {
    const random = seededRandom(5);
    // Coordinates that float32 holds exactly, so every layout sees the same numbers.
    const n = 300;
    const dims = 7;
    const X = Array.from({ length: n }, () => Array.from({ length: dims }, () => Math.round(random() * 64) / 8));
    const y = Array.from({ length: n }, () => (random() < 0.4 ? 1 : 0));
    const xTest = Array.from({ length: dims }, () => Math.round(random() * 64) / 8);
    const expected = knnShapley(X, y, xTest, 1, 7);
    const flat64 = Float64Array.from(X.flat());
    const layouts = [
      X.map((row) => Float64Array.from(row)),
      X.map((row) => Float32Array.from(row)),
      { data: flat64, rows: n, cols: dims },
      { data: Float32Array.from(flat64), rows: n, cols: dims },
    ];
    for (const layout of layouts) {
      expect(knnShapley(layout, Int32Array.from(y), Float32Array.from(xTest), 1, 7)).to.deep.equal(expected);
    }
  });

  it("rewards the nearest neighbour with the test label most", () => {
    const X = [[0], [1], [2], [10]];
    const values = knnShapley(X, [1, 0, 1, 1], [0], 1, 1);
    // With k = 1 only the nearest point of a coalition counts: point 0 is nearest in every coalition it joins.
    expect(values[0]).to.be.greaterThan(values[2]);
    expect(values[1]).to.be.lessThan(0);
    expect(values.reduce((s, v) => s + v, 0)).to.be.closeTo(1, 1e-15);
  });

  describe("rejects bad input", () => {
    const X = [
      [0, 1],
      [1, 0],
    ];

    it("throws KnnNeighbourCountError when k is not an integer ≥ 1", () => {
      for (const k of [0, -1, 1.5, NaN, Infinity]) {
        expect(() => knnShapley(X, [0, 1], [0, 0], 1, k)).to.throw(KnnNeighbourCountError);
      }
    });

    it("throws ValuationEmptyInputError for no rows or no columns", () => {
      expect(() => knnShapley([], [], [], 0, 1)).to.throw(ValuationEmptyInputError);
      expect(() => knnShapley([[], []], [0, 1], [], 0, 1)).to.throw(ValuationEmptyInputError);
      expect(() => knnShapley({ data: new Float64Array(0), rows: 0, cols: 3 }, [], [0, 0, 0], 0, 1)).to.throw(
        ValuationEmptyInputError,
      );
    });

    it("throws ValuationDimensionMismatchError for ragged rows, missing labels or a test point of another size", () => {
      expect(() => knnShapley([[0, 1], [1]], [0, 1], [0, 0], 1, 1)).to.throw(ValuationDimensionMismatchError);
      expect(() => knnShapley(X, [0], [0, 0], 1, 1)).to.throw(ValuationDimensionMismatchError);
      expect(() => knnShapley(X, [0, 1], [0, 0, 0], 1, 1)).to.throw(ValuationDimensionMismatchError);
      expect(() => knnShapley({ data: new Float32Array(5), rows: 2, cols: 2 }, [0, 1], [0, 0], 1, 1)).to.throw(
        ValuationDimensionMismatchError,
      );
    });

    it("throws ValuationNonFiniteValueError naming the NaN or infinite value", () => {
      const bad = [
        [0, 1],
        [1, NaN],
      ];
      expect(() => knnShapley(bad, [0, 1], [0, 0], 1, 1))
        .to.throw(ValuationNonFiniteValueError)
        .with.property("where", "X[1][1]");
      const flat = { data: Float32Array.from([0, 1, -Infinity, 0]), rows: 2, cols: 2 };
      expect(() => knnShapley(flat, [0, 1], [0, 0], 1, 1))
        .to.throw(ValuationNonFiniteValueError)
        .with.property("where", "X[1][0]");
      expect(() => knnShapley(X, [0, NaN], [0, 0], 1, 1)).to.throw(ValuationNonFiniteValueError);
      expect(() => knnShapley(X, [0, 1], [0, Infinity], 1, 1)).to.throw(ValuationNonFiniteValueError);
      expect(() => knnShapley(X, [0, 1], [0, 0], NaN, 1)).to.throw(ValuationNonFiniteValueError);
    });

    it("makes every error an InvalidInputError", () => {
      expect(() => knnShapley(X, [0, 1], [0, 0], 1, 0)).to.throw(InvalidInputError);
    });
  });
});
