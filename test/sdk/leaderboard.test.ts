import { expect } from "chai";
import { getAddress, hexlify } from "ethers";
import { InvalidInputError, Z_95, rankContributors, wilsonLowerBound } from "../../sdk/src";
import type { ContributorStats } from "../../sdk/src";
import { seededRandom, shuffled } from "../helpers/random";

/** A checksummed (mixed-case) address from the seeded PRNG. */
function randomAddress(random: () => number): string {
  const bytes = Uint8Array.from({ length: 20 }, () => Math.floor(random() * 256));
  return getAddress(hexlify(bytes));
}

function stats(account: string, accepted: number, rejected: number, acceptedBytes = 0n): ContributorStats {
  return { account, accepted, rejected, acceptedBytes };
}

const A = "0x000000000000000000000000000000000000000A";
const B = "0x000000000000000000000000000000000000000b";
const C = "0x000000000000000000000000000000000000000C";

describe("Leaderboard", function () {
  describe("wilsonLowerBound", function () {
    // Reference values: (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n) evaluated separately in double precision
    // (Python), and agreeing with published Wilson 95% bounds (5/10 → 0.2366, 9/10 → 0.5958, 80/100 → 0.7111).
    const REFERENCE: [successes: number, trials: number, bound: number][] = [
      [20, 20, 0.838875],
      [50, 100, 0.403832],
      [1, 1, 0.206549],
      [5, 10, 0.236593],
      [9, 10, 0.59585],
      [80, 100, 0.711171],
      [1, 2, 0.094531],
      [3, 3, 0.438503],
      [10, 12, 0.551969],
    ];
    for (const [successes, trials, bound] of REFERENCE) {
      it(`gives ${bound} for ${successes} of ${trials} at 95%`, function () {
        expect(wilsonLowerBound(successes, trials)).to.be.closeTo(bound, 1e-6);
      });
    }

    it("uses z = 1.95996 (two-sided 95%) by default", function () {
      expect(Z_95).to.be.closeTo(1.959964, 1e-6);
      expect(wilsonLowerBound(37, 61)).to.equal(wilsonLowerBound(37, 61, Z_95));
    });

    it("is 0 for no trials and for no successes", function () {
      expect(wilsonLowerBound(0, 0)).to.equal(0);
      expect(wilsonLowerBound(0, 10)).to.be.closeTo(0, 1e-12);
      expect(wilsonLowerBound(0, 10)).to.be.at.least(0);
    });

    it("gives n / (n + z²) for n of n, by hand with z = 1", function () {
      expect(wilsonLowerBound(20, 20, 1)).to.be.closeTo(20 / 21, 1e-12);
      expect(wilsonLowerBound(4, 4, 2)).to.be.closeTo(4 / 8, 1e-12);
    });

    it("is the plain rate when z is 0", function () {
      expect(wilsonLowerBound(3, 4, 0)).to.equal(0.75);
      expect(wilsonLowerBound(1, 3, 0)).to.be.closeTo(1 / 3, 1e-15);
    });

    it("grows with the number of trials at the same rate and stays below the rate", function () {
      let previous = 0;
      for (const n of [2, 4, 10, 20, 100, 1000]) {
        const bound = wilsonLowerBound(n / 2, n);
        expect(bound).to.be.greaterThan(previous);
        expect(bound).to.be.lessThan(0.5);
        previous = bound;
      }
    });

    it("is stricter at 99% than at 95%", function () {
      expect(wilsonLowerBound(20, 20, 2.5758293035489)).to.be.closeTo(0.750895, 1e-6);
      expect(wilsonLowerBound(50, 100, 2.5758293035489)).to.be.closeTo(0.37528, 1e-6);
    });

    const INVALID: [string, number, number][] = [
      ["more successes than trials", 3, 2],
      ["negative successes", -1, 2],
      ["negative trials", 0, -1],
      ["fractional successes", 1.5, 2],
      ["fractional trials", 1, 2.5],
      ["NaN", Number.NaN, 2],
      ["infinite trials", 1, Number.POSITIVE_INFINITY],
    ];
    for (const [what, successes, trials] of INVALID) {
      it(`throws InvalidInputError for ${what}`, function () {
        expect(() => wilsonLowerBound(successes, trials))
          .to.throw(InvalidInputError)
          .with.property("message")
          .that.contains(`${successes}/${trials}`);
      });
    }
  });

  describe("rankContributors", function () {
    it("ranks 20 of 20 above 50 of 100 although 50 accepted is more", function () {
      const rows = rankContributors([stats(A, 50, 50, 5000n), stats(B, 20, 0, 2000n)]);
      expect(rows.map((r) => [r.account, r.rank])).to.deep.equal([
        [B, 1],
        [A, 2],
      ]);
      expect(rows[0].score).to.be.closeTo(0.838875, 1e-6);
      expect(rows[1].score).to.be.closeTo(0.403832, 1e-6);
    });

    it("does not put a single lucky acceptance on top", function () {
      const rows = rankContributors([stats(A, 1, 0), stats(B, 9, 1), stats(C, 5, 5)]);
      expect(rows.map((r) => r.account)).to.deep.equal([B, C, A]);
    });

    it("fills rank, acceptance rate and score and keeps the counters", function () {
      const rows = rankContributors([stats(A, 3, 1, 1234n), stats(B, 1, 3, 99n)]);
      expect(rows).to.deep.equal([
        {
          account: A,
          accepted: 3,
          rejected: 1,
          acceptedBytes: 1234n,
          rank: 1,
          acceptanceRate: 0.75,
          score: wilsonLowerBound(3, 4),
        },
        {
          account: B,
          accepted: 1,
          rejected: 3,
          acceptedBytes: 99n,
          rank: 2,
          acceptanceRate: 0.25,
          score: wilsonLowerBound(1, 4),
        },
      ]);
    });

    it("breaks a score tie by the accepted count", function () {
      // With z = 0 the score is the plain rate, so 1/2 and 2/4 tie exactly at 0.5.
      const rows = rankContributors([stats(A, 1, 1), stats(B, 2, 2)], 0);
      expect(rows[0].score).to.equal(rows[1].score);
      expect(rows.map((r) => [r.account, r.accepted])).to.deep.equal([
        [B, 2],
        [A, 1],
      ]);
    });

    it("breaks a full tie by address, ignoring its case", function () {
      const rows = rankContributors([stats(C, 4, 1), stats(A, 4, 1), stats(B, 4, 1)]);
      // 0x…0A < 0x…0b < 0x…0C case-insensitively, although "b" > "C" in code-point order.
      expect(rows.map((r) => r.account)).to.deep.equal([A, B, C]);
      expect(rows.map((r) => r.rank)).to.deep.equal([1, 2, 3]);
    });

    it("leaves out contributors with nothing reviewed", function () {
      const rows = rankContributors([stats(A, 0, 0), stats(B, 0, 2), stats(C, 1, 0, 10n)]);
      expect(rows.map((r) => r.account)).to.deep.equal([C, B]);
      expect(rankContributors([stats(A, 0, 0, 500n)])).to.deep.equal([]);
      expect(rankContributors([])).to.deep.equal([]);
    });

    it("gives the same board for any order of its input", function () {
      const random = seededRandom(7);
      const input: ContributorStats[] = [];
      for (let i = 0; i < 40; i++) {
        // Small counters so that scores (and whole rows) tie often.
        input.push(
          stats(
            randomAddress(random),
            Math.floor(random() * 4),
            Math.floor(random() * 3),
            BigInt(Math.floor(random() * 1e6)),
          ),
        );
      }
      input.push(stats(input[0].account.toLowerCase(), 9, 0), stats(input[1].account, 0, 0));
      const expected = rankContributors(input);
      expect(expected.length).to.equal(input.filter((s) => s.accepted + s.rejected > 0).length);
      for (let round = 0; round < 25; round++) {
        expect(rankContributors(shuffled(input, random))).to.deep.equal(expected);
      }
      for (let i = 1; i < expected.length; i++) {
        const [a, b] = [expected[i - 1], expected[i]];
        expect(a.score >= b.score, `row ${i} is ordered by score`).to.equal(true);
        if (a.score === b.score) {
          expect(a.accepted >= b.accepted, `row ${i} breaks a score tie by accepted`).to.equal(true);
          if (a.accepted === b.accepted) expect(a.account.toLowerCase() <= b.account.toLowerCase()).to.equal(true);
        }
      }
    });

    it("does not change its input", function () {
      const input = [stats(B, 1, 1), stats(A, 5, 0)];
      const copy = input.map((s) => ({ ...s }));
      rankContributors(input);
      expect(input).to.deep.equal(copy);
    });

    const INVALID: [string, ContributorStats][] = [
      ["a negative accepted count", stats(A, -1, 3)],
      ["a fractional accepted count", stats(A, 1.5, 1)],
      ["a negative rejected count", stats(A, 0, -2)],
      ["a negative rejected count that a positive accepted count offsets", stats(A, 3, -1)],
      ["a NaN accepted count", stats(A, Number.NaN, 0)],
    ];
    for (const [what, row] of INVALID) {
      it(`throws InvalidInputError for ${what}`, function () {
        expect(() => rankContributors([stats(B, 2, 1), row])).to.throw(InvalidInputError);
      });
    }
  });
});
