import { expect } from "chai";
import {
  HessianNotPositiveDefiniteError,
  InfluenceMethodError,
  LogisticLabelError,
  LogisticModelMismatchError,
  LogisticNotConvergedError,
  LogisticRegularizationError,
  LogisticSingleClassError,
  ValuationDimensionMismatchError,
  ValuationEmptyInputError,
  ValuationNonFiniteValueError,
  influence,
  prepareInfluence,
  trainLogistic,
} from "../../../sdk/src";
import type { InfluenceMethod, LogisticModel } from "../../../sdk/src";
import { loadEmails } from "../../helpers/corpus";
import { seededRandom } from "../../helpers/random";

/*
 * Reference logistic regression, written plainly and apart from the SDK: parameters θ = [w…, b], nested arrays,
 * Gaussian elimination with partial pivoting.
 */

type Label = 0 | 1;

function logit(theta: number[], x: number[]): number {
  let z = theta[x.length];
  for (let j = 0; j < x.length; j++) z += theta[j] * x[j];
  return z;
}

/** log(1 + e^−m) for the margin m = ±z, stable on both sides. */
function logLoss(z: number, y: Label): number {
  const m = y === 1 ? z : -z;
  return m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
}

function probability(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function objective(X: number[][], y: Label[], l2: number, theta: number[]): number {
  const d = X[0].length;
  let f = 0;
  for (let i = 0; i < X.length; i++) f += logLoss(logit(theta, X[i]), y[i]);
  for (let j = 0; j < d; j++) f += (l2 / 2) * theta[j] ** 2;
  return f;
}

function gradient(X: number[][], y: Label[], l2: number, theta: number[]): number[] {
  const d = X[0].length;
  const g = theta.map((t, j) => (j < d ? l2 * t : 0));
  X.forEach((x, i) => {
    const r = probability(logit(theta, x)) - y[i];
    for (let j = 0; j < d; j++) g[j] += r * x[j];
    g[d] += r;
  });
  return g;
}

function hessian(X: number[][], l2: number, theta: number[]): number[][] {
  const d = X[0].length;
  const H = Array.from({ length: d + 1 }, (_, a) =>
    Array.from({ length: d + 1 }, (_, b) => (a === b && a < d ? l2 : 0)),
  );
  for (const x of X) {
    const p = probability(logit(theta, x));
    const u = [...x, 1];
    for (let a = 0; a <= d; a++) for (let b = 0; b <= d; b++) H[a][b] += p * (1 - p) * u[a] * u[b];
  }
  return H;
}

/** Solves A·x = b by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[pivot][c])) pivot = r;
    [M[c], M[pivot]] = [M[pivot], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

/** Plain Newton from a warm start (no line search: it starts near the optimum), until the step is at rounding size. */
function refit(X: number[][], y: Label[], l2: number, start: number[]): number[] {
  let theta = [...start];
  for (let iteration = 0; iteration < 30; iteration++) {
    const step = solve(hessian(X, l2, theta), gradient(X, y, l2, theta));
    theta = theta.map((t, j) => t - step[j]);
    if (Math.max(...step.map((s, j) => Math.abs(s) / (1 + Math.abs(theta[j])))) < 1e-14) return theta;
  }
  throw new Error("reference Newton did not converge");
}

function thetaOf(model: LogisticModel): number[] {
  return [...model.weights, model.bias];
}

function pearson(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Ranks 0…n−1, ties sharing their mean rank. */
function ranks(v: number[]): number[] {
  const order = v.map((x, i) => ({ x, i })).sort((p, q) => p.x - q.x);
  const r = new Array<number>(v.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].x === order[start].x) end++;
    for (let k = start; k <= end; k++) r[order[k].i] = (start + end) / 2;
    start = end + 1;
  }
  return r;
}

function spearman(a: number[], b: number[]): number {
  return pearson(ranks(a), ranks(b));
}

/** Seeded Gaussian features and labels drawn from a logistic model, so the classes overlap. */
function syntheticData(n: number, d: number, seed: number): { X: number[][]; y: Label[] } {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const truth = Array.from({ length: d }, gaussian);
  const X = Array.from({ length: n }, () => Array.from({ length: d }, gaussian));
  const y = X.map((x): Label => (random() < probability(logit([...truth, 0.3], x)) ? 1 : 0));
  return { X, y };
}

/**
 * SpamAssassin mails as bag-of-words features: a seeded sample of 250 training mails and 3 spam + 3 ham test
 * mails; the 40 words (of the bodies, 3+ letters) whose document frequency differs most between spam and ham
 * among those in 4–60% of the training mails; log(1 + count) per word.
 */
function emailData(): { X: number[][]; y: Label[]; tests: { x: number[]; y: Label }[]; vocabulary: string[] } {
  const train = 250;
  const emails = loadEmails();
  const random = seededRandom(7);
  const order = emails.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const rest = order.slice(train);
  const chosen = [
    ...order.slice(0, train),
    ...rest.filter((i) => emails[i].spam).slice(0, 3),
    ...rest.filter((i) => !emails[i].spam).slice(0, 3),
  ].map((i) => emails[i]);
  const counts = chosen.map((mail) => {
    const bodyAt = mail.text.indexOf("\n\n");
    const count = new Map<string, number>();
    for (const word of mail.text
      .slice(bodyAt < 0 ? 0 : bodyAt + 2)
      .toLowerCase()
      .match(/[a-z]{3,}/g) ?? []) {
      count.set(word, (count.get(word) ?? 0) + 1);
    }
    return count;
  });
  const labels = chosen.map((m): Label => (m.spam ? 1 : 0));
  const spamCount = labels.slice(0, train).filter((l) => l === 1).length;
  const frequency = new Map<string, [ham: number, spam: number]>();
  for (let i = 0; i < train; i++) {
    for (const word of counts[i].keys()) {
      const f = frequency.get(word) ?? [0, 0];
      f[labels[i]]++;
      frequency.set(word, f);
    }
  }
  const vocabulary = [...frequency]
    .filter(([, [ham, spam]]) => ham + spam >= 0.04 * train && ham + spam <= 0.6 * train)
    .map(([word, [ham, spam]]) => ({ word, gap: Math.abs(spam / spamCount - ham / (train - spamCount)) }))
    .sort((a, b) => b.gap - a.gap || (a.word < b.word ? -1 : 1))
    .slice(0, 40)
    .map((e) => e.word);
  const features = counts.map((count) => vocabulary.map((word) => Math.log1p(count.get(word) ?? 0)));
  return {
    X: features.slice(0, train),
    y: labels.slice(0, train),
    tests: features.slice(train).map((x, t) => ({ x, y: labels[train + t] })),
    vocabulary,
  };
}

describe("trainLogistic", () => {
  const { X, y } = syntheticData(200, 5, 11);
  const l2 = 0.5;
  const model = trainLogistic(X, y, { l2 });
  const theta = thetaOf(model);

  it("stops where the gradient of the objective is zero", () => {
    const g = gradient(X, y, l2, theta);
    for (const component of g) expect(Math.abs(component)).to.be.below(1e-12);
    expect(model.objective).to.be.closeTo(objective(X, y, l2, theta), 1e-10);
    expect(model.l2).to.equal(l2);
  });

  it("is a minimum by finite differences of the objective, and the reference gradient matches them", () => {
    const h = 1e-5;
    const centralDifference = (at: number[], j: number) => {
      const plus = [...at];
      const minus = [...at];
      plus[j] += h;
      minus[j] -= h;
      return (objective(X, y, l2, plus) - objective(X, y, l2, minus)) / (2 * h);
    };
    const f = objective(X, y, l2, theta);
    for (let j = 0; j < theta.length; j++) {
      expect(Math.abs(centralDifference(theta, j))).to.be.below(1e-6);
      for (const sign of [-1, 1]) {
        const moved = [...theta];
        moved[j] += sign * 1e-3;
        expect(objective(X, y, l2, moved)).to.be.above(f);
      }
    }
    // The reference gradient above is only evidence if it is right: check it away from the optimum.
    const elsewhere = theta.map((t, j) => t + 0.3 * Math.sin(j + 1));
    const g = gradient(X, y, l2, elsewhere);
    for (let j = 0; j < theta.length; j++) expect(centralDifference(elsewhere, j)).to.be.closeTo(g[j], 1e-6);
  });

  it("finds the optimum an independent Newton solver finds", () => {
    const reference = refit(
      X,
      y,
      l2,
      theta.map(() => 0),
    );
    for (let j = 0; j < theta.length; j++) expect(theta[j]).to.be.closeTo(reference[j], 1e-10);
  });

  it("does not penalize the bias", () => {
    // Under a crushing penalty the weights vanish and the bias alone fits the label frequency.
    const heavy = trainLogistic(X, y, { l2: 1e9 });
    const positives = y.filter((label) => label === 1).length;
    for (const w of heavy.weights) expect(Math.abs(w)).to.be.below(1e-6);
    expect(heavy.bias).to.be.closeTo(Math.log(positives / (y.length - positives)), 1e-6);
  });

  it("converges on separable classes when l2 > 0, and defaults to l2 = 1", () => {
    const Xs = [[-2], [-1], [1], [2]];
    const ys: Label[] = [0, 0, 1, 1];
    const fitted = trainLogistic(Xs, ys);
    expect(fitted.l2).to.equal(1);
    for (const component of gradient(Xs, ys, 1, thetaOf(fitted))) expect(Math.abs(component)).to.be.below(1e-12);
  });

  it("gives the same bits for rows, typed rows and a flat matrix, run after run", () => {
    const flat = { data: Float64Array.from(X.flat()), rows: X.length, cols: X[0].length };
    for (const layout of [X, X.map((row) => Float64Array.from(row)), flat]) {
      expect(trainLogistic(layout, y, { l2 })).to.deep.equal(model);
    }
  });

  describe("rejects bad input", () => {
    it("throws LogisticLabelError for a label other than 0 or 1", () => {
      expect(() => trainLogistic([[0], [1]], [0, 2 as Label]))
        .to.throw(LogisticLabelError)
        .with.property("where", "y[1]");
    });

    it("throws LogisticSingleClassError when every label is the same", () => {
      expect(() => trainLogistic([[0], [1]], [1, 1])).to.throw(LogisticSingleClassError);
    });

    it("throws LogisticRegularizationError for a negative or non-finite l2", () => {
      for (const bad of [-1, NaN, Infinity]) {
        expect(() => trainLogistic(X, y, { l2: bad })).to.throw(LogisticRegularizationError);
      }
    });

    it("throws on empty, ragged, mislabelled or non-finite data", () => {
      expect(() => trainLogistic([], [])).to.throw(ValuationEmptyInputError);
      expect(() => trainLogistic([[0, 1], [1]], [0, 1])).to.throw(ValuationDimensionMismatchError);
      expect(() => trainLogistic([[0], [1]], [0])).to.throw(ValuationDimensionMismatchError);
      expect(() => trainLogistic([[0], [NaN]], [0, 1]))
        .to.throw(ValuationNonFiniteValueError)
        .with.property("where", "X[1][0]");
    });

    it("throws HessianNotPositiveDefiniteError for collinear features without a penalty", () => {
      const collinear = X.map((x) => [x[0], 2 * x[0]]);
      expect(() => trainLogistic(collinear, y, { l2: 0 })).to.throw(HessianNotPositiveDefiniteError);
    });

    it("throws LogisticNotConvergedError for separable classes without a penalty", () => {
      expect(() => trainLogistic([[-1], [1]], [0, 1], { l2: 0 })).to.throw(LogisticNotConvergedError);
    });
  });
});

describe("influence", () => {
  const { X, y } = syntheticData(40, 4, 3);
  const l2 = 0.2;
  const model = trainLogistic(X, y, { l2 });
  const theta = thetaOf(model);
  const xTest = [0.5, -1, 0.25, 2];

  it("is ∇ℓ_testᵀ H⁻¹ ∇ℓᵢ with the exact Hessian, by default", () => {
    const H = hessian(X, l2, theta);
    const residual = (x: number[], label: Label) => probability(logit(theta, x)) - label;
    const v = solve(H, [...xTest, 1]);
    for (const yTest of [0, 1] as const) {
      const scores = influence(model, X, y, xTest, yTest);
      X.forEach((x, i) => {
        const expected = residual(xTest, yTest) * residual(x, y[i]) * logit([...v.slice(0, 4), v[4]], x);
        expect(scores[i]).to.be.closeTo(expected, 1e-12);
      });
    }
  });

  it("with newton-step, is the test loss after one Newton step on the objective without example i", () => {
    const scorer = prepareInfluence(model, X, y);
    const scores = scorer.scores(xTest, 1, { method: "newton-step" });
    const base = logLoss(logit(theta, xTest), 1);
    X.forEach((_, i) => {
      const others = X.filter((_x, j) => j !== i);
      const labels = y.filter((_y, j) => j !== i);
      const step = solve(hessian(others, l2, theta), gradient(others, labels, l2, theta));
      const stepped = theta.map((t, j) => t - step[j]);
      expect(scores[i]).to.be.closeTo(logLoss(logit(stepped, xTest), 1) - base, 1e-12);
    });
  });

  it("tracks exact leave-one-out retraining on SpamAssassin mails", function () {
    this.timeout(60_000);
    const mails = emailData();
    const mailL2 = 5;
    const fitted = trainLogistic(mails.X, mails.y, { l2: mailL2 });
    // The reference optimum, refined independently, is the baseline every left-out fit is compared with.
    const full = refit(mails.X, mails.y, mailL2, thetaOf(fitted));
    thetaOf(fitted).forEach((t, j) => expect(t).to.be.closeTo(full[j], 1e-9));
    const leftOut = mails.X.map((_, i) =>
      refit(
        mails.X.filter((_x, j) => j !== i),
        mails.y.filter((_y, j) => j !== i),
        mailL2,
        full,
      ),
    );
    const scorer = prepareInfluence(fitted, mails.X, mails.y);
    const rows: string[] = [];
    for (const [t, test] of mails.tests.entries()) {
      const baseline = logLoss(logit(full, test.x), test.y);
      const exact = leftOut.map((theta) => logLoss(logit(theta, test.x), test.y) - baseline);
      const estimates = (method: InfluenceMethod) => scorer.scores(test.x, test.y, { method });
      const firstOrder = estimates("first-order");
      const newton = estimates("newton-step");
      const measured = {
        firstPearson: pearson(firstOrder, exact),
        firstSpearman: spearman(firstOrder, exact),
        newtonPearson: pearson(newton, exact),
        newtonSpearman: spearman(newton, exact),
      };
      rows.push(
        `test mail ${t} (${test.y ? "spam" : "ham"}): first-order Pearson ${measured.firstPearson.toFixed(4)}, ` +
          `Spearman ${measured.firstSpearman.toFixed(4)}; newton-step Pearson ${measured.newtonPearson.toFixed(5)}, ` +
          `Spearman ${measured.newtonSpearman.toFixed(4)}`,
      );
      expect(measured.firstPearson, `test mail ${t}`).to.be.at.least(0.95);
      expect(measured.firstSpearman, `test mail ${t}`).to.be.at.least(0.9);
      expect(measured.newtonPearson, `test mail ${t}`).to.be.at.least(0.99);
    }
    console.log(`      ${mails.X.length} mails × ${mails.vocabulary.length} words, l2 = ${mailL2}:`);
    for (const row of rows) console.log(`      ${row}`);
  });

  describe("rejects bad input", () => {
    it("throws LogisticModelMismatchError for a model trained on other data or with another l2", () => {
      expect(() => influence({ ...model, l2: 1 }, X, y, xTest, 1)).to.throw(LogisticModelMismatchError);
      const flipped = y.map((label, i): Label => (i === 0 ? ((1 - label) as Label) : label));
      expect(() => influence(model, X, flipped, xTest, 1)).to.throw(LogisticModelMismatchError);
    });

    it("throws ValuationDimensionMismatchError for a test point or model of another dimension", () => {
      expect(() => influence(model, X, y, [1, 2], 1)).to.throw(ValuationDimensionMismatchError);
      expect(() =>
        influence(
          model,
          X.map((x) => x.slice(1)),
          y,
          xTest.slice(1),
          1,
        ),
      ).to.throw(ValuationDimensionMismatchError);
    });

    it("throws on a bad test label, a non-finite test point or an unknown method", () => {
      expect(() => influence(model, X, y, xTest, 2 as Label)).to.throw(LogisticLabelError);
      expect(() => influence(model, X, y, [0, NaN, 0, 0], 1)).to.throw(ValuationNonFiniteValueError);
      expect(() => influence(model, X, y, xTest, 1, { method: "exact" as InfluenceMethod })).to.throw(
        InfluenceMethodError,
      );
      expect(() => influence({ ...model, bias: NaN }, X, y, xTest, 1)).to.throw(ValuationNonFiniteValueError);
    });
  });
});
