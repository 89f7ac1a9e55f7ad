/**
 * Data valuation speed: influence functions of a logistic regression (n = 5,000, d = 100), model-level data values
 * of 100,000 contributions of hashed mail features (d = 1,024 and 2^16, sparse), and KNN-Shapley (N = 100,000,
 * d = 384), on seeded data. `quick` shrinks them (n = 1,000; 20,000 contributions; N = 20,000) and says so; the
 * goals are only judged at full size.
 */
import {
  detectHarmful,
  hashedFeatures,
  influence,
  knnShapley,
  logisticDataValues,
  prepareInfluence,
  sparseMatrix,
  trainLogistic,
} from "../../sdk/src";
import type { FeatureMatrix, InfluenceMethod, SparseVector } from "../../sdk/src";
import { loadEmails, seededRandom } from "../lib/corpus";
import { printMachine, time } from "../lib/timing";
import type { Timing } from "../lib/timing";
import { printTable } from "../lib/ui";

const KNN_GOAL_MS = 150;
const KNN_QUERIES = 5;
const EXTRA_TEST_POINTS = 20;
/** Runs per logistic measurement, of which the median is shown. */
const RUNS = 3;

/** The median wall and CPU time of `runs` runs: on a shared machine single runs swing by several times. */
function median(runs: number, run: () => unknown): Timing {
  const timings = Array.from({ length: runs }, () => time(run)[0]);
  const middle = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { wall: middle(timings.map((t) => t.wall)), cpu: middle(timings.map((t) => t.cpu)) };
}

function ms(value: number): string {
  return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`;
}

function sum(a: Timing, b: Timing): Timing {
  return { wall: a.wall + b.wall, cpu: a.cpu + b.cpu };
}

/** "wall (CPU)" for a table cell. */
function cell(t: Timing): string {
  return `${ms(t.wall)} (${ms(t.cpu)})`;
}

function gaussians(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gaussian features and labels drawn from a random logistic model, so the classes overlap. */
function logisticData(n: number, d: number): { X: number[][]; y: (0 | 1)[]; tests: number[][] } {
  const random = seededRandom(n * 31 + d);
  const gaussian = gaussians(random);
  const truth = Array.from({ length: d }, () => gaussian() / Math.sqrt(d / 4));
  const row = () => Array.from({ length: d }, gaussian);
  const X = Array.from({ length: n }, row);
  const y = X.map((x): 0 | 1 => (random() < 1 / (1 + Math.exp(-x.reduce((s, v, j) => s + v * truth[j], 0))) ? 1 : 0));
  return { X, y, tests: Array.from({ length: EXTRA_TEST_POINTS + 1 }, row) };
}

function benchLogistic(n: number, d: number): string[][] {
  const { X, y, tests } = logisticData(n, d);
  // Warm the code paths on a small problem first.
  const warm = logisticData(300, 10);
  for (const method of ["first-order", "newton-step"] as const) {
    influence(trainLogistic(warm.X, warm.y), warm.X, warm.y, warm.tests[0], 1, { method });
  }

  const model = trainLogistic(X, y);
  const train = median(RUNS, () => trainLogistic(X, y));
  const rows: string[][] = [[`trainLogistic (${model.iterations} Newton steps)`, cell(train), "—"]];
  for (const method of ["first-order", "newton-step"] as const) {
    const alone = median(RUNS, () => influence(model, X, y, tests[0], 1, { method }));
    rows.push([`influence, ${method}, all ${n} scores for one test point`, cell(alone), cell(sum(train, alone))]);
  }
  rows.push([
    "prepareInfluence (Hessian + Cholesky, once)",
    cell(median(RUNS, () => prepareInfluence(model, X, y))),
    "—",
  ]);
  const scorer = prepareInfluence(model, X, y);
  for (const method of ["first-order", "newton-step"] as const) {
    // The first Newton-step call computes the leverages; every later test point is O(n·d).
    scorer.scores(tests[0], 1, { method });
    const [total] = time(() => {
      for (let t = 1; t <= EXTRA_TEST_POINTS; t++) scorer.scores(tests[t], (t % 2) as 0 | 1, { method });
    });
    rows.push([
      `each further test point, ${method}, prepared`,
      cell({ wall: total.wall / EXTRA_TEST_POINTS, cpu: total.cpu / EXTRA_TEST_POINTS }),
      "—",
    ]);
  }
  return rows;
}

/** Uniform features in [−1, 1) as float32, labels from 10 classes, test points from the same distribution. */
function knnData(n: number, d: number): { data: Float32Array; y: Int32Array; tests: Float32Array[] } {
  const random = seededRandom(n + d);
  const data = new Float32Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = 2 * random() - 1;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.floor(random() * 10);
  const tests = Array.from({ length: KNN_QUERIES + 1 }, () => Float32Array.from({ length: d }, () => 2 * random() - 1));
  return { data, y, tests };
}

function benchKnn(n: number, d: number, k: number): { rows: string[][]; flat32: Timing } {
  const { data, y, tests } = knnData(n, d);
  const layouts: [string, () => FeatureMatrix][] = [
    ["flat Float32Array", () => ({ data, rows: n, cols: d })],
    ["flat Float64Array", () => ({ data: Float64Array.from(data), rows: n, cols: d })],
    ["rows of Float32Array", () => Array.from({ length: n }, (_, i) => data.subarray(i * d, (i + 1) * d))],
    ["rows of number[]", () => Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)))],
  ];
  const rows: string[][] = [];
  let reference: number[] | undefined;
  let flat32: Timing | undefined;
  for (const [name, make] of layouts) {
    const X = make();
    const first = knnShapley(X, y, tests[0], 1, k);
    // Every layout holds the same numbers, so the values must agree to the bit.
    reference ??= first;
    if (first.some((v, i) => v !== reference![i])) throw new Error(`${name} gives other values than flat Float32Array`);
    const [total] = time(() => {
      for (let q = 1; q <= KNN_QUERIES; q++) knnShapley(X, y, tests[q], q % 10, k);
    });
    const perQuery = { wall: total.wall / KNN_QUERIES, cpu: total.cpu / KNN_QUERIES };
    flat32 ??= perQuery;
    rows.push([name, cell(perQuery)]);
  }
  return { rows, flat32: flat32! };
}

/**
 * `n` contributions made from SpamAssassin mails: each a random mail's hashed words, every bucket kept with
 * probability 0.7 and the rest scaled back to length 1, so that no two are copies; labelled spam or ham.
 */
function contributions(n: number, dimension: number, seed: number): { rows: SparseVector[]; y: (0 | 1)[] } {
  const emails = loadEmails();
  const features = emails.map((mail) => hashedFeatures(mail.text, { dimension }));
  const random = seededRandom(seed);
  const rows: SparseVector[] = [];
  const y: (0 | 1)[] = [];
  for (let i = 0; i < n; i++) {
    const m = Math.floor(random() * emails.length);
    const { indices, values } = features[m];
    const kept = indices.map((_, k) => k).filter(() => random() < 0.7);
    const norm = Math.hypot(...kept.map((k) => values[k])) || 1;
    rows.push({
      indices: Int32Array.from(kept, (k) => indices[k]),
      values: Float64Array.from(kept, (k) => values[k] / norm),
    });
    y.push(emails[m].spam ? 1 : 0);
  }
  return { rows, y };
}

function benchDataValues(n: number, dimension: number): string[] {
  const train = contributions(n, dimension, 1);
  const validation = contributions(1_000, dimension, 2);
  const X = sparseMatrix(train.rows, dimension);
  const set = { X: sparseMatrix(validation.rows, dimension), y: validation.y };
  let model: ReturnType<typeof trainLogistic> | undefined;
  let values: ReturnType<typeof logisticDataValues> | undefined;
  const [trained] = time(() => (model = trainLogistic(X, train.y)));
  const [valued] = time(() => (values = logisticDataValues(model!, X, train.y, set)));
  const [detected] = time(() => detectHarmful(values!));
  const total = sum(sum(trained, valued), detected);
  return [
    `${n.toLocaleString("en-US")} × ${dimension.toLocaleString("en-US")} (${X.indices.length.toLocaleString("en-US")} stored)`,
    `${cell(trained)}, ${model!.iterations} Newton steps`,
    cell(valued),
    cell(detected),
    cell(total),
  ];
}

export async function runInfluenceBench(quick: boolean): Promise<void> {
  printMachine();
  const [n, d] = quick ? [1_000, 100] : [5_000, 100];
  const [knnN, knnD, k] = quick ? [20_000, 384, 10] : [100_000, 384, 10];
  if (quick) console.log(`QUICK MODE: n = ${n} and N = ${knnN}, below the goal sizes; goals are not judged.`);

  printTable(
    `Logistic regression influence, n = ${n}, d = ${d}: wall clock (CPU), median of ${RUNS} runs`,
    ["Work", "Training excluded", "Training included"],
    benchLogistic(n, d),
    [1, 2],
  );
  console.log("No numeric goal for influence: the Hessian costs O(n·d² + d³) once, each test point O(n·d) after.");

  const contributionCount = quick ? 20_000 : 100_000;
  printTable(
    `Data values of ${contributionCount.toLocaleString("en-US")} contributions (hashed mail, sparse, l2 = 1, 1,000 validation mails): wall clock (CPU), one run`,
    ["Contributions × buckets", "trainLogistic", "logisticDataValues", "detectHarmful", "Total"],
    [benchDataValues(contributionCount, 1024), benchDataValues(contributionCount, 2 ** 16)],
    [1, 2, 3, 4],
  );
  console.log(
    'Solver "auto": at 1,024 buckets Cholesky or conjugate gradients, whichever its cost estimate favours; at 2^16 conjugate gradients on Hessian-vector products, no d × d matrix.',
  );

  const knn = benchKnn(knnN, knnD, k);
  printTable(
    `KNN-Shapley, N = ${knnN.toLocaleString("en-US")}, d = ${knnD}, k = ${k}: wall clock (CPU), mean of ${KNN_QUERIES} queries`,
    ["Layout of X", "Per query"],
    knn.rows,
    [1],
  );
  console.log(
    quick
      ? `KNN-Shapley at N = ${knnN}: ${cell(knn.flat32)} per query (goal ≤ ${KNN_GOAL_MS} ms at N = 100,000: not judged in quick mode)`
      : `KNN-Shapley, N = 100,000, d = 384, flat Float32Array: ${cell(knn.flat32)} per query (goal ≤ ${KNN_GOAL_MS} ms)`,
  );
}
