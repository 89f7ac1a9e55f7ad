import { InvalidInputError } from "../errors";

/** z for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/**
 * Lower bound of the Wilson score interval for `successes` out of `trials`: a rate that is penalized for few trials,
 * so 20/20 (0.839) outranks 50/100 (0.404) and a single lucky acceptance (0.207) does not top the board.
 * Returns 0 for no trials.
 */
export function wilsonLowerBound(successes: number, trials: number, z: number = Z_95): number {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || trials < successes) {
    throw new InvalidInputError(`Need integers 0 ≤ successes ≤ trials, got ${successes}/${trials}.`);
  }
  if (trials === 0) return 0;
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p) + z2 / (4 * trials)) / trials);
  return Math.max(0, (centre - margin) / (1 + z2 / trials));
}

/** A contributor's counters in one Datanet. */
export interface ContributorStats {
  account: string;
  accepted: number;
  rejected: number;
  acceptedBytes: bigint;
}

/** A leaderboard row: the stats plus rank (from 1), acceptance rate and Wilson score. */
export interface LeaderboardRow extends ContributorStats {
  rank: number;
  acceptanceRate: number;
  score: number;
}

/**
 * Ranks contributors by the Wilson lower bound (95%) of their acceptance rate; ties by accepted count, then by
 * address so the order never depends on input order. Contributors with nothing reviewed are left out.
 */
export function rankContributors(stats: readonly ContributorStats[], z: number = Z_95): LeaderboardRow[] {
  for (const s of stats) {
    if (![s.accepted, s.rejected].every((v) => Number.isInteger(v) && v >= 0)) {
      throw new InvalidInputError(
        `Counters of ${s.account} must be nonnegative integers, got ${s.accepted} accepted and ${s.rejected} rejected.`,
      );
    }
  }
  return stats
    .filter((s) => s.accepted + s.rejected > 0)
    .map((s) => {
      const trials = s.accepted + s.rejected;
      return { ...s, acceptanceRate: s.accepted / trials, score: wilsonLowerBound(s.accepted, trials, z), rank: 0 };
    })
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.accepted - a.accepted ||
        (a.account.toLowerCase() < b.account.toLowerCase()
          ? -1
          : a.account.toLowerCase() > b.account.toLowerCase()
            ? 1
            : 0),
    )
    .map((row, i) => ({ ...row, rank: i + 1 }));
}
