import { expect } from "chai";
import fc from "fast-check";
import { InvalidInputError, InvalidPoolError, InvalidWeightError, ZeroTotalWeightError, allocate } from "../../sdk/src";
import { seededRandom, shuffled } from "../helpers/random";

/** fast-check settings shared by every property: fixed seed, so a failure reproduces. */
const RUNS = { seed: 20_240_601, numRuns: 300 };

/** An exact non-negative rational num/den, den > 0. */
interface Fraction {
  num: bigint;
  den: bigint;
}

/**
 * The exact rational a double denotes, found without reading its bits (unlike `allocate`): doubling a finite double
 * is exact, and after at most 1074 doublings it is an integer, which converts to a bigint exactly.
 */
function exactRational(x: number): Fraction {
  let den = 1n;
  while (!Number.isInteger(x)) {
    x *= 2;
    den *= 2n;
  }
  return { num: BigInt(x), den };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

/** a < b ? -1 : a > b ? 1 : 0 for fractions, by cross-multiplication. */
function compareFractions(a: Fraction, b: Fraction): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Brute-force largest-remainder split with plain fractions: exact share sᵢ = pool·wᵢ/Σw, floor, then one unit each
 * to the largest fractional parts sᵢ − ⌊sᵢ⌋, ties to the smaller key.
 */
function referenceAllocate(pool: bigint, weights: Map<string, number>): Map<string, bigint> {
  const rationals = [...weights].map(([key, w]) => ({ key, w: exactRational(w) }));
  const commonDen = rationals.reduce((d, { w }) => lcm(d, w.den), 1n);
  const totalNum = rationals.reduce((sum, { w }) => sum + (w.num * commonDen) / w.den, 0n);
  const shares = rationals.map(({ key, w }) => {
    // pool·(w.num/w.den) / (totalNum/commonDen)
    const share: Fraction = { num: pool * w.num * commonDen, den: w.den * totalNum };
    const floor = share.num / share.den;
    const fractional: Fraction = { num: share.num - floor * share.den, den: share.den };
    return { key, floor, fractional };
  });
  let leftover = pool - shares.reduce((sum, s) => sum + s.floor, 0n);
  const ranked = [...shares].sort((a, b) => compareFractions(b.fractional, a.fractional) || (a.key < b.key ? -1 : 1));
  const bonus = new Set<string>();
  for (const s of ranked) {
    if (leftover === 0n) break;
    bonus.add(s.key);
    leftover--;
  }
  return new Map(shares.map((s) => [s.key, s.floor + (bonus.has(s.key) ? 1n : 0n)]));
}

/** Weights from every corner of the doubles: subnormals, tiny, huge, integers, ordinary fractions, zeros. */
const weightArb = fc.oneof(
  fc.constantFrom(0, -0, 5e-324, 1e-323, 2.2250738585072014e-308, 1e-300, 1e300, Number.MAX_VALUE, 0.1, 1 / 3),
  fc.double({ min: 0, max: 2.2250738585072014e-308, noNaN: true }),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.double({ min: 0, max: 1e300, noNaN: true }),
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.integer({ min: 0, max: 1_000 }).map((k) => k * 2 ** 40),
);
const weightsArb = fc
  .uniqueArray(fc.tuple(fc.string({ maxLength: 4 }), weightArb), { selector: ([key]) => key, maxLength: 30 })
  .filter((entries) => entries.some(([, w]) => w > 0))
  .map((entries) => new Map(entries));
const poolArb = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 100n }));

/** A Map with the same entries in a seeded random order. */
function shuffledMap<K, V>(map: Map<K, V>, random: () => number): Map<K, V> {
  return new Map(shuffled([...map], random));
}

function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

describe("allocate", function () {
  describe("properties", function () {
    it("hands out exactly the pool, to the wei", function () {
      fc.assert(
        fc.property(poolArb, weightsArb, (pool, weights) => {
          expect(sum(allocate(pool, weights).values())).to.equal(pool);
        }),
        RUNS,
      );
    });

    it("equals a brute-force largest-remainder split over exact rationals", function () {
      fc.assert(
        fc.property(poolArb, weightsArb, (pool, weights) => {
          expect(allocate(pool, weights)).to.deep.equal(referenceAllocate(pool, weights));
        }),
        RUNS,
      );
    });

    it("gives every key its exact share rounded down or up", function () {
      fc.assert(
        fc.property(poolArb, weightsArb, (pool, weights) => {
          const result = allocate(pool, weights);
          const rationals = new Map([...weights].map(([k, w]) => [k, exactRational(w)]));
          const den = [...rationals.values()].reduce((d, w) => lcm(d, w.den), 1n);
          const total = [...rationals.values()].reduce((s, w) => s + (w.num * den) / w.den, 0n);
          for (const [key, w] of rationals) {
            const floor = (pool * w.num * den) / (w.den * total);
            expect(result.get(key)! - floor, key).to.be.oneOf([0n, 1n]);
          }
        }),
        RUNS,
      );
    });

    it("does not depend on the order of the weights, and lists keys in their order", function () {
      const random = seededRandom(11);
      fc.assert(
        fc.property(poolArb, weightsArb, (pool, weights) => {
          const expected = allocate(pool, weights);
          expect([...expected.keys()]).to.deep.equal([...weights.keys()]);
          const shuffled = shuffledMap(weights, random);
          const result = allocate(pool, shuffled);
          expect([...result.keys()]).to.deep.equal([...shuffled.keys()]);
          expect(new Map([...result].sort())).to.deep.equal(new Map([...expected].sort()));
        }),
        RUNS,
      );
    });

    it("matches the reference on a thousand weights", function () {
      const random = seededRandom(3);
      const weights = new Map<string, number>();
      for (let i = 0; i < 1000; i++) weights.set(`contributor-${i}`, random() < 0.1 ? 0 : random() ** 3);
      const pool = 123_456_789n * 10n ** 18n + 7n;
      const result = allocate(pool, weights);
      expect(sum(result.values())).to.equal(pool);
      expect(result).to.deep.equal(referenceAllocate(pool, weights));
    });
  });

  describe("rounding by hand", function () {
    it("gives the one unit left from 100 / 3 to the smallest key", function () {
      const result = allocate(
        100n,
        new Map([
          ["c", 1],
          ["a", 1],
          ["b", 1],
        ]),
      );
      expect([...result]).to.deep.equal([
        ["c", 33n],
        ["a", 34n],
        ["b", 33n],
      ]);
    });

    it("gives the units left to the largest fractional parts first", function () {
      // Shares 1.5, 0.75, 0.75: floors 1, 0, 0 leave 2 units, which go to b and c (0.75 > 0.5).
      const result = allocate(
        3n,
        new Map([
          ["a", 0.5],
          ["b", 0.25],
          ["c", 0.25],
        ]),
      );
      expect([...result]).to.deep.equal([
        ["a", 1n],
        ["b", 1n],
        ["c", 1n],
      ]);
      // Shares 5.7, 2.2, 2.1: the one unit left goes to a (0.7).
      expect(
        allocate(
          10n,
          new Map([
            ["c", 21],
            ["b", 22],
            ["a", 57],
          ]),
        ).get("a"),
      ).to.equal(6n);
    });

    it("breaks ties by string order, upper case before lower case", function () {
      const result = allocate(
        2n,
        new Map([
          ["b", 1],
          ["a", 1],
          ["B", 1],
        ]),
      );
      expect(Object.fromEntries(result)).to.deep.equal({ B: 1n, a: 1n, b: 0n });
    });

    it("splits subnormal weights exactly (5e-324 is 1 unit, 1e-323 is 2)", function () {
      expect(
        Object.fromEntries(
          allocate(
            3n,
            new Map([
              ["a", 5e-324],
              ["b", 1e-323],
            ]),
          ),
        ),
      ).to.deep.equal({
        a: 1n,
        b: 2n,
      });
      // Shares 3.33 and 6.67: b gets the unit left.
      expect(
        Object.fromEntries(
          allocate(
            10n,
            new Map([
              ["a", 5e-324],
              ["b", 1e-323],
            ]),
          ),
        ),
      ).to.deep.equal({
        a: 3n,
        b: 7n,
      });
    });

    it("uses the double's exact value, not its decimal spelling", function () {
      // 0.1 + 0.2 > 0.3 in doubles: the exact values give b the unit, where equal decimals would tie and give it to a.
      const result = allocate(
        1n,
        new Map([
          ["a", 0.3],
          ["b", 0.1 + 0.2],
        ]),
      );
      expect(Object.fromEntries(result)).to.deep.equal({ a: 0n, b: 1n });
    });

    it("ranks fractional parts that differ only beyond 53 bits exactly", function () {
      // Shares 1/(2 + 2^-52) < 0.5 < (1 + 2^-52)/(2 + 2^-52): b's part is larger by 2^-54, so b gets the unit
      // although a comes first by key.
      const result = allocate(
        1n,
        new Map([
          ["a", 1],
          ["b", 1 + 2 ** -52],
        ]),
      );
      expect(Object.fromEntries(result)).to.deep.equal({ a: 0n, b: 1n });
    });

    it("gives the units left over among many equal weights to the smallest keys", function () {
      const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
      const result = allocate(2_003n, new Map(keys.map((k) => [k, 0.25])));
      const lucky = [...keys].sort().slice(0, 3);
      for (const k of keys) expect(result.get(k), k).to.equal(lucky.includes(k) ? 3n : 2n);
    });

    it("keeps integers exact beyond 2^53 ratios", function () {
      const result = allocate(
        2n ** 53n + 1n,
        new Map([
          ["big", 2 ** 53],
          ["one", 1],
        ]),
      );
      expect(Object.fromEntries(result)).to.deep.equal({ big: 2n ** 53n, one: 1n });
    });

    it("gives a 1e-300 weight nothing next to a 1e300 weight, and the pool stays whole", function () {
      const pool = 10n ** 30n;
      const result = allocate(
        pool,
        new Map([
          ["tiny", 1e-300],
          ["huge", 1e300],
        ]),
      );
      expect(Object.fromEntries(result)).to.deep.equal({ tiny: 0n, huge: pool });
    });

    it("gives the whole pool to a single key", function () {
      expect(allocate(10n ** 27n, new Map([["only", 0.007]]))).to.deep.equal(new Map([["only", 10n ** 27n]]));
    });
  });

  describe("zero weights and zero pools", function () {
    it("keeps zero weights in the result with 0n", function () {
      expect([
        ...allocate(
          5n,
          new Map([
            ["a", 0],
            ["b", 2],
            ["c", -0],
          ]),
        ),
      ]).to.deep.equal([
        ["a", 0n],
        ["b", 5n],
        ["c", 0n],
      ]);
    });

    it("splits a pool of 0 into zeros, even with no positive weight", function () {
      expect(
        allocate(
          0n,
          new Map([
            ["a", 1],
            ["b", 3],
          ]),
        ),
      ).to.deep.equal(
        new Map([
          ["a", 0n],
          ["b", 0n],
        ]),
      );
      expect(allocate(0n, new Map([["a", 0]]))).to.deep.equal(new Map([["a", 0n]]));
      expect(allocate(0n, new Map())).to.deep.equal(new Map());
    });

    it("does not change its input", function () {
      const weights = new Map([
        ["b", 2],
        ["a", 1],
      ]);
      allocate(10n, weights);
      expect([...weights]).to.deep.equal([
        ["b", 2],
        ["a", 1],
      ]);
    });
  });

  describe("errors", function () {
    it("throws InvalidPoolError for a negative pool", function () {
      expect(() => allocate(-1n, new Map([["a", 1]])))
        .to.throw(InvalidPoolError, "The pool is -1; it must be a bigint ≥ 0.")
        .with.property("pool", -1n);
    });

    it("throws InvalidPoolError for a pool that is not a bigint", function () {
      expect(() => allocate(5 as unknown as bigint, new Map([["a", 1]]))).to.throw(
        InvalidPoolError,
        "The pool is 5 (a number)",
      );
    });

    const BAD_WEIGHTS: [string, unknown][] = [
      ["a negative weight", -1],
      ["a tiny negative weight", -5e-324],
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["-Infinity", Number.NEGATIVE_INFINITY],
      ["a weight that is not a number", "1"],
    ];
    for (const [what, weight] of BAD_WEIGHTS) {
      it(`throws InvalidWeightError naming the key for ${what}`, function () {
        const weights = new Map<string, number>([
          ["fine", 1],
          ["bad", weight as number],
        ]);
        expect(() => allocate(10n, weights))
          .to.throw(InvalidWeightError, `"bad"`)
          .that.satisfies((e: InvalidWeightError) => e.key === "bad" && Object.is(e.weight, weight));
      });
    }

    it("throws ZeroTotalWeightError saying all weights are 0 for a nonzero pool", function () {
      expect(() =>
        allocate(
          7n,
          new Map([
            ["a", 0],
            ["b", 0],
            ["c", -0],
          ]),
        ),
      )
        .to.throw(ZeroTotalWeightError, "All 3 weights are 0, so the pool of 7 has nobody to go to.")
        .with.property("pool", 7n);
    });

    it("throws ZeroTotalWeightError saying there are no weights for an empty map and a nonzero pool", function () {
      expect(() => allocate(1n, new Map())).to.throw(ZeroTotalWeightError, "There are no weights");
    });

    it("makes every refusal an InvalidInputError", function () {
      expect(() => allocate(-5n, new Map())).to.throw(InvalidInputError);
      expect(() => allocate(5n, new Map([["a", Number.NaN]]))).to.throw(InvalidInputError);
      expect(() => allocate(5n, new Map())).to.throw(InvalidInputError);
    });
  });
});
