import { InvalidInputError } from "./base";

/* DATA VALUATION: influence functions and KNN-Shapley */

/** The training matrix has no rows, or its rows have no features. */
export class ValuationEmptyInputError extends InvalidInputError {}

/**
 * Two sizes that must agree do not: rows of different lengths, labels not one per row, a test point or a model
 * of another dimension, or a flat matrix whose buffer does not hold `rows × cols` values.
 */
export class ValuationDimensionMismatchError extends InvalidInputError {
  readonly expected: number;
  readonly actual: number;

  constructor(what: string, expected: number, actual: number) {
    super(`${what} has ${actual}; expected ${expected}.`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A feature, label, weight or test value is NaN or infinite. `where` names it, e.g. `X[3][17]`. */
export class ValuationNonFiniteValueError extends InvalidInputError {
  readonly where: string;
  readonly value: unknown;

  constructor(where: string, value: unknown) {
    super(`${where} is ${String(value)}; every value must be a finite number.`);
    this.where = where;
    this.value = value;
  }
}

/** A label of a logistic regression is not exactly 0 or 1. */
export class LogisticLabelError extends InvalidInputError {
  readonly where: string;
  readonly label: unknown;

  constructor(where: string, label: unknown) {
    super(`${where} is ${String(label)}; logistic regression labels must be 0 or 1.`);
    this.where = where;
    this.label = label;
  }
}

/**
 * Every training label is the same, so the loss keeps falling as the unpenalized bias runs off to ±∞: there is no
 * optimum to train to or to differentiate at.
 */
export class LogisticSingleClassError extends InvalidInputError {
  readonly label: 0 | 1;

  constructor(label: 0 | 1, count: number) {
    super(`All ${count} training labels are ${label}; logistic regression needs both classes.`);
    this.label = label;
  }
}

/** The L2 penalty is negative, NaN or infinite. */
export class LogisticRegularizationError extends InvalidInputError {
  readonly l2: unknown;

  constructor(l2: unknown) {
    super(`l2 is ${String(l2)}; it must be a finite number ≥ 0.`);
    this.l2 = l2;
  }
}

/**
 * Newton's method did not reach the optimum within its iteration budget. With l2 = 0 this means the classes are
 * (nearly) separable and the weights grow without bound.
 */
export class LogisticNotConvergedError extends InvalidInputError {
  constructor(iterations: number, decrement: number) {
    super(`Newton's method did not converge in ${iterations} iterations.`, {
      details: `Newton decrement λ²/2 = ${decrement} (predicted distance to the optimum, in nats).`,
      hint: "Use l2 > 0: separable classes have no optimum without a penalty.",
    });
  }
}

/**
 * The Hessian of the training objective is not positive definite to working precision, so it cannot be inverted
 * (features collinear with l2 = 0, or probabilities saturated at 0 or 1). `without` is the left-out example when
 * the Hessian is the leave-one-out one.
 */
export class HessianNotPositiveDefiniteError extends InvalidInputError {
  readonly without?: number;

  constructor(where: string, without?: number) {
    super(
      without === undefined
        ? `The Hessian of the training objective is not positive definite (${where}).`
        : `Without example ${without}, the Hessian of the training objective is not positive definite (${where}).`,
      { hint: "Raise l2, or drop duplicated or constant features." },
    );
    this.without = without;
  }
}

/**
 * The model is not at the optimum of the training objective on the data given: it was trained on other data, with
 * another l2, or not by `trainLogistic`. Influence functions differentiate at the optimum and are wrong elsewhere.
 */
export class LogisticModelMismatchError extends InvalidInputError {
  constructor(decrement: number, objective: number) {
    super("The model is not at the optimum of its objective on these examples.", {
      details: `Newton decrement λ²/2 = ${decrement} for an objective of ${objective}.`,
      hint: "Pass the X, y and model of the same trainLogistic call.",
    });
  }
}

/** The neighbour count k of KNN-Shapley is not an integer ≥ 1. */
export class KnnNeighbourCountError extends InvalidInputError {
  readonly k: unknown;

  constructor(k: unknown) {
    super(`k is ${String(k)}; it must be an integer ≥ 1.`);
    this.k = k;
  }
}

/** The influence method is neither "first-order" nor "newton-step". */
export class InfluenceMethodError extends InvalidInputError {
  readonly method: unknown;

  constructor(method: unknown) {
    super(`The influence method ${JSON.stringify(method)} is unknown; use "first-order" or "newton-step".`);
    this.method = method;
  }
}

/**
 * A sparse matrix or vector is malformed: offsets out of order, a column index outside the matrix or not strictly
 * increasing within its row, or indices and values of different counts. `where` names the part, e.g. `row 3`.
 */
export class SparseMatrixFormatError extends InvalidInputError {
  readonly where: string;

  constructor(where: string, problem: string) {
    super(`The sparse matrix's ${where} is malformed: ${problem}.`);
    this.where = where;
  }
}

/** The solver of a logistic regression is not "auto", "cholesky" or "conjugate-gradient". */
export class LogisticSolverError extends InvalidInputError {
  readonly solver: unknown;

  constructor(solver: unknown) {
    super(`The solver ${JSON.stringify(solver)} is unknown; use "auto", "cholesky" or "conjugate-gradient".`);
    this.solver = solver;
  }
}

/**
 * Conjugate gradients did not solve a system with the Hessian to the accuracy influence needs (relative residual
 * 1e-8) within their iteration budget: the Hessian is too badly conditioned for them (l2 near 0).
 */
export class ConjugateGradientNotConvergedError extends InvalidInputError {
  readonly relativeResidual: number;

  constructor(iterations: number, relativeResidual: number) {
    super(`Conjugate gradients stopped at relative residual ${relativeResidual} after ${iterations} iterations.`, {
      hint: 'Raise l2, or use the solver "cholesky" when the features are few enough.',
    });
    this.relativeResidual = relativeResidual;
  }
}
