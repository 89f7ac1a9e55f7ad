import { InvalidInputError } from "../errors";

/*
 * How much a Datanet's validators agree, beyond what chance would give: Fleiss' kappa over its reviewed
 * contributions. Pure arithmetic, no I/O.
 */

/** Fleiss' kappa of a set of ratings, with what it is made of. */
export interface FleissKappa {
  /** `(P̄ − P̄e) / (1 − P̄e)`: 1 for perfect agreement, 0 for what chance gives, negative below it; null when undefined. */
  kappa: number | null;
  /** Mean observed agreement over the items rated at least twice. */
  observed: number;
  /** Agreement expected by chance from the overall category shares, `Σ p_j²`. */
  expected: number;
  /** Items rated at least twice (the others say nothing about agreement). */
  items: number;
  /** Ratings of those items. */
  ratings: number;
}

/**
 * Fleiss' kappa for `counts[i][j]` = how many raters put item `i` in category `j` (for a Datanet: each contribution's
 * accept and reject votes). Items may have different numbers of raters, as when validators skip contributions: each
 * item rated `n_i ≥ 2` times agrees by `P_i = Σ_j n_ij (n_ij − 1) / (n_i (n_i − 1))`, `P̄` is their mean, the
 * category shares `p_j` pool all their ratings and `P̄e = Σ p_j²` (Fleiss 1971, with a per-item `n_i`; equal `n_i`
 * gives the textbook formula). Items rated fewer than twice are left out. `kappa` is null when no item is rated twice,
 * or when every rating falls in one category (`P̄e = 1`, where agreement cannot be told from chance).
 *
 * @throws InvalidInputError for rows of different lengths or counts that are not non-negative integers.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): FleissKappa {
  const categories = counts[0]?.length ?? 0;
  let sumAgreement = 0;
  let items = 0;
  let ratings = 0;
  const totals = new Array<number>(categories).fill(0);
  counts.forEach((row, i) => {
    if (row.length !== categories) {
      throw new InvalidInputError(`Item ${i} has ${row.length} categories; the first has ${categories}.`);
    }
    if (row.some((c) => !Number.isInteger(c) || c < 0)) {
      throw new InvalidInputError(`Item ${i}'s counts must be non-negative integers, got [${row.join(", ")}].`);
    }
    const n = row.reduce((a, b) => a + b, 0);
    if (n < 2) return;
    items += 1;
    ratings += n;
    sumAgreement += row.reduce((a, c) => a + c * (c - 1), 0) / (n * (n - 1));
    row.forEach((c, j) => (totals[j] += c));
  });
  if (items === 0) return { kappa: null, observed: 0, expected: 0, items, ratings };
  const observed = sumAgreement / items;
  const expected = totals.reduce((a, t) => a + (t / ratings) ** 2, 0);
  const kappa = expected === 1 ? null : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, items, ratings };
}
