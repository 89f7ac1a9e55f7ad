import { expect } from "chai";
import { InvalidInputError, InvalidSuffixArrayInputError, buildSuffixArray, findSuffixRange } from "../../../sdk/src";
import { seededRandom } from "../../helpers/random";

/** The suffix array by definition: all start positions sorted by comparing the suffixes token by token. */
function naiveSuffixArray(text: ArrayLike<number>): number[] {
  const n = text.length;
  const starts = Array.from({ length: n }, (_, i) => i);
  return starts.sort((a, b) => {
    for (; a < n && b < n; a++, b++) if (text[a] !== text[b]) return text[a] - text[b];
    // The suffix that ran out first is a prefix of the other, so it sorts first.
    return a === n ? -1 : 1;
  });
}

/** Occurrences of `pattern` in `text`, by trying every start. */
function countByScan(text: ArrayLike<number>, pattern: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i + pattern.length <= text.length; i++) {
    let j = 0;
    while (j < pattern.length && text[i + j] === pattern[j]) j++;
    if (j === pattern.length) count++;
  }
  return count;
}

function randomText(random: () => number, length: number, alphabet: number): Int32Array {
  return Int32Array.from({ length }, () => Math.floor(random() * alphabet));
}

/** "aaa…", "abab…", "aab aab…" and the like, from a period over {0, 1, 2, 3}. */
function periodic(period: number[], length: number): Int32Array {
  return Int32Array.from({ length }, (_, i) => period[i % period.length]);
}

/** Fibonacci words over {0, 1}: f₁ = "1", f₂ = "0", fₖ = fₖ₋₁ fₖ₋₂ — the classic worst case for suffix sorting. */
function fibonacciWord(k: number): Int32Array {
  let [previous, current] = [[1], [0]];
  for (let i = 2; i < k; i++) [previous, current] = [current, current.concat(previous)];
  return Int32Array.from(k === 1 ? previous : current);
}

/**
 * The texts whose suffix array differs from the naive one. Tests collect failures and assert once: the chai
 * matchers Hardhat installs cost far more per assertion than the sorting.
 */
function differingFromNaive(texts: Iterable<[text: Int32Array, alphabet: number]>): string[] {
  const failures: string[] = [];
  for (const [text, alphabet] of texts) {
    if (buildSuffixArray(text, alphabet).join() !== naiveSuffixArray(text).join()) failures.push(`[${text.join()}]`);
  }
  return failures;
}

describe("buildSuffixArray", function () {
  it("equals a naive sort of the suffixes of 4,000 random strings over 2 to 5 letters", function () {
    const random = seededRandom(5_001);
    const texts = Array.from({ length: 4_000 }, (): [Int32Array, number] => {
      const alphabet = 2 + Math.floor(random() * 4);
      return [randomText(random, Math.floor(random() * 90), alphabet), alphabet];
    });
    expect(differingFromNaive(texts)).to.deep.equal([]);
  });

  it("equals a naive sort on periodic strings (aaa…, abab…, aab…, abcb…)", function () {
    const periods = [[0], [1], [0, 1], [1, 0], [0, 0, 1], [0, 1, 1], [0, 1, 2], [0, 1, 2, 1], [2, 1, 0], [3, 0, 3, 1]];
    const lengths = [...Array.from({ length: 120 }, (_, i) => i + 1), 511, 512, 1_000];
    const texts = periods.flatMap((period) =>
      lengths.map((length): [Int32Array, number] => [periodic(period, length), 4]),
    );
    expect(differingFromNaive(texts)).to.deep.equal([]);
  });

  it("equals a naive sort on Fibonacci words up to 2,584 letters", function () {
    const texts = Array.from({ length: 18 }, (_, k): [Int32Array, number] => [fibonacciWord(k + 1), 2]);
    expect(differingFromNaive(texts)).to.deep.equal([]);
  });

  it("equals a naive sort with a large, sparse alphabet", function () {
    const random = seededRandom(5_002);
    const texts = Array.from({ length: 20 }, (): [Int32Array, number] => {
      const alphabet = 1 + Math.floor(random() * 100_000);
      // Zipf-like: a few symbols repeat a lot, as words do, so the recursion has work to do.
      return [Int32Array.from({ length: 3_000 }, () => Math.floor(alphabet * random() ** 6)), alphabet];
    });
    expect(differingFromNaive(texts)).to.deep.equal([]);
  });

  it("handles the empty text, one token, and symbols at both ends of the alphabet", function () {
    expect(Array.from(buildSuffixArray(new Int32Array(0), 1))).to.deep.equal([]);
    expect(Array.from(buildSuffixArray(Int32Array.of(0), 1))).to.deep.equal([0]);
    expect(differingFromNaive([[Int32Array.of(9, 0, 9, 0, 0, 9), 10]])).to.deep.equal([]);
  });

  it("does not modify its input", function () {
    const text = randomText(seededRandom(5_003), 500, 3);
    const copy = text.slice();
    buildSuffixArray(text, 3);
    expect(text).to.deep.equal(copy);
  });

  it("rejects a bad alphabet size or a token outside it", function () {
    for (const size of [0, -1, 1.5, NaN, 2 ** 31]) {
      expect(() => buildSuffixArray(Int32Array.of(0), size), String(size)).to.throw(InvalidSuffixArrayInputError);
    }
    expect(() => buildSuffixArray(Int32Array.of(0, 3), 3)).to.throw(InvalidSuffixArrayInputError, "Token 1 is 3");
    expect(() => buildSuffixArray(Int32Array.of(-1), 3)).to.throw(InvalidInputError, "Token 0 is -1");
  });
});

describe("findSuffixRange", function () {
  it("counts the occurrences of random patterns as a linear scan does", function () {
    const random = seededRandom(5_004);
    const failures: string[] = [];
    for (let run = 0; run < 600; run++) {
      const alphabet = 2 + Math.floor(random() * 4);
      const text = random() < 0.2 ? periodic([0, 1], Math.floor(random() * 200)) : randomText(random, 200, alphabet);
      const sa = buildSuffixArray(text, alphabet);
      for (let p = 0; p < 10; p++) {
        const length = 1 + Math.floor(random() * 8);
        // Half the patterns are cut from the text, so most of those occur; the others mostly do not.
        const at = Math.floor(random() * text.length);
        const pattern =
          random() < 0.5 && at + length <= text.length
            ? text.slice(at, at + length)
            : randomText(random, length, alphabet);
        const { lo, hi } = findSuffixRange(text, sa, pattern);
        let starts = hi - lo === countByScan(text, pattern);
        for (let k = lo; k < hi; k++) starts &&= text.slice(sa[k], sa[k] + length).join() === pattern.join();
        if (!starts) failures.push(`[${pattern.join()}] in [${text.join()}]`);
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it("narrows the range of a prefix to the range of the longer pattern", function () {
    const random = seededRandom(5_005);
    const failures: string[] = [];
    for (let run = 0; run < 200; run++) {
      const text = randomText(random, 300, 3);
      const sa = buildSuffixArray(text, 3);
      const at = Math.floor(random() * 280);
      const pattern = text.slice(at, at + 12);
      let range = findSuffixRange(text, sa, pattern, 0, 1);
      for (let length = 2; length <= pattern.length; length++) {
        range = findSuffixRange(text, sa, pattern, 0, length, range.lo, range.hi, length - 1);
        if (range.hi - range.lo !== countByScan(text, pattern.subarray(0, length))) {
          failures.push(`[${pattern.subarray(0, length).join()}] in [${text.join()}]`);
        }
      }
    }
    expect(failures).to.deep.equal([]);
  });

  it("searches a slice of the pattern, and finds nothing in an empty text", function () {
    const text = Int32Array.of(2, 0, 1, 2, 0, 1, 1);
    const sa = buildSuffixArray(text, 3);
    const { lo, hi } = findSuffixRange(text, sa, [9, 0, 1, 9], 1, 3);
    expect(hi - lo).to.equal(2);
    expect(Array.from(sa.subarray(lo, hi)).sort()).to.deep.equal([1, 4]);
    expect(findSuffixRange(new Int32Array(0), new Int32Array(0), [1])).to.deep.equal({ lo: 0, hi: 0 });
  });
});
