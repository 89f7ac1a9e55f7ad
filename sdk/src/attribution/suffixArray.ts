import { InvalidSuffixArrayInputError } from "../errors";

/** Largest text a suffix array of Int32 positions can hold, with room for the sentinel SA-IS appends. */
export const MAX_SUFFIX_ARRAY_LENGTH = 2 ** 31 - 2;

/** Largest alphabet `buildSuffixArray` takes: symbols are stored doubled, with a type bit, in 31 bits. */
export const MAX_SUFFIX_ARRAY_ALPHABET = 2 ** 30 - 2;

/**
 * The suffix array of `tokens`: the start positions of all its suffixes in lexicographic order, where a suffix that
 * is a prefix of another sorts first. Built with SA-IS (Nong, Zhang & Chan 2009) on typed arrays only.
 *
 * Complexity: O(n + alphabetSize) time. Memory besides the result: a working copy of the input (4n bytes) and two
 * bucket arrays per level; each level recurses on at most half the previous length, inside the result array, so
 * the recursion is at most log₂ n deep and the levels below the first add less than the first.
 *
 * @param tokens symbols in [0, alphabetSize); not modified.
 * @param alphabetSize one more than the largest symbol allowed.
 * @throws InvalidSuffixArrayInputError when `alphabetSize` is not an integer in [1, {@link MAX_SUFFIX_ARRAY_ALPHABET}],
 * a token is out of range, or `tokens` is longer than {@link MAX_SUFFIX_ARRAY_LENGTH}.
 */
export function buildSuffixArray(tokens: Int32Array, alphabetSize: number): Int32Array {
  if (!(tokens instanceof Int32Array)) throw new InvalidSuffixArrayInputError("The tokens must be an Int32Array.");
  if (!Number.isSafeInteger(alphabetSize) || alphabetSize < 1 || alphabetSize > MAX_SUFFIX_ARRAY_ALPHABET) {
    throw new InvalidSuffixArrayInputError(
      `The alphabet size is ${alphabetSize}; it must be an integer in [1, ${MAX_SUFFIX_ARRAY_ALPHABET}].`,
    );
  }
  const n = tokens.length;
  if (n > MAX_SUFFIX_ARRAY_LENGTH) {
    throw new InvalidSuffixArrayInputError(`${n} tokens are more than a suffix array of Int32 positions can index.`);
  }
  if (n === 0) return new Int32Array(0);
  // SA-IS needs a unique smallest symbol at the end: shift every symbol up by one and append 0.
  const text = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const token = tokens[i];
    if (token < 0 || token >= alphabetSize) {
      throw new InvalidSuffixArrayInputError(`Token ${i} is ${token}; tokens must lie in [0, ${alphabetSize}).`);
    }
    text[i] = token + 1;
  }
  const sa = new Int32Array(n + 1);
  sais(text, sa, n + 1, alphabetSize + 1);
  // sa[0] is the sentinel's own suffix.
  return sa.subarray(1);
}

/**
 * Sorts the suffixes of `s[0..n)` into `sa[0..n)`. `s` takes values in [0, k) and ends with its only 0; it is
 * overwritten. Follows the reference implementation of the paper, with the reduced problem stored in the back of
 * `sa`, except that each symbol c becomes 2c + its type (1 = S-type, smaller than the suffix after it; 0 = L-type):
 * induction then reads a position's symbol and type in one memory access instead of two, which is most of its
 * cost, and two LMS substrings are equal exactly when their packed values are.
 */
function sais(s: Int32Array, sa: Int32Array, n: number, k: number): void {
  if (n === 1) {
    sa[0] = 0;
    return;
  }
  const counts = new Int32Array(k);
  s[n - 1] = 1;
  counts[0] = 1;
  for (let i = n - 2; i >= 0; i--) {
    const c = s[i];
    const next = s[i + 1];
    const nextSymbol = next >> 1;
    s[i] = (c << 1) | (c < nextSymbol || (c === nextSymbol && (next & 1) === 1) ? 1 : 0);
    counts[c]++;
  }
  const bucket = new Int32Array(k);

  // Stage 1: sort the LMS substrings by inducing from the LMS positions dropped into their buckets' ends.
  sa.fill(-1, 0, n);
  bucketEnds(counts, bucket, k);
  for (let i = 1; i < n; i++) {
    if ((s[i] & 1) === 1 && (s[i - 1] & 1) === 0) sa[--bucket[s[i] >> 1]] = i;
  }
  induce(s, sa, counts, bucket, n, k);

  // Name the sorted LMS substrings; equal substrings get equal names. There are n1 ≤ n/2 of them, and two LMS
  // positions are at least two apart, so position p can keep its name at n1 + ⌊p/2⌋ without collisions.
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    const p = sa[i];
    if (p > 0 && (s[p] & 1) === 1 && (s[p - 1] & 1) === 0) sa[n1++] = p;
  }
  sa.fill(-1, n1, n);
  let names = 0;
  let previous = -1;
  for (let i = 0; i < n1; i++) {
    const p = sa[i];
    let differs = previous < 0;
    // The sentinel is unique, so a comparison stops at the latest on it: neither index can pass n − 1.
    for (let d = 0; !differs; d++) {
      if (s[p + d] !== s[previous + d]) differs = true;
      else if (d > 0 && (isLms(s, p + d) || isLms(s, previous + d))) break;
    }
    if (differs) {
      names++;
      previous = p;
    }
    sa[n1 + (p >> 1)] = names - 1;
  }
  for (let i = n - 1, j = n - 1; i >= n1; i--) {
    if (sa[i] >= 0) sa[j--] = sa[i];
  }

  // Stage 2: sort the LMS suffixes through the reduced string, recursing only while names repeat.
  const reduced = sa.subarray(n - n1, n);
  const reducedSa = sa.subarray(0, n1);
  if (names < n1) sais(reduced, reducedSa, n1, names);
  else for (let i = 0; i < n1; i++) reducedSa[reduced[i]] = i;

  // Stage 3: drop the sorted LMS suffixes into their buckets' ends, then induce everything else from them.
  for (let i = 1, j = 0; i < n; i++) {
    if ((s[i] & 1) === 1 && (s[i - 1] & 1) === 0) reduced[j++] = i;
  }
  for (let i = 0; i < n1; i++) reducedSa[i] = reduced[reducedSa[i]];
  sa.fill(-1, n1, n);
  bucketEnds(counts, bucket, k);
  for (let i = n1 - 1; i >= 0; i--) {
    const p = sa[i];
    sa[i] = -1;
    sa[--bucket[s[p] >> 1]] = p;
  }
  induce(s, sa, counts, bucket, n, k);
}

function isLms(s: Int32Array, i: number): boolean {
  return i > 0 && (s[i] & 1) === 1 && (s[i - 1] & 1) === 0;
}

/** L-type suffixes from left to right into their buckets' starts, then S-type from right to left into the ends. */
function induce(s: Int32Array, sa: Int32Array, counts: Int32Array, bucket: Int32Array, n: number, k: number): void {
  bucketStarts(counts, bucket, k);
  for (let i = 0; i < n; i++) {
    const j = sa[i] - 1;
    if (j < 0) continue;
    const c = s[j];
    if ((c & 1) === 0) sa[bucket[c >> 1]++] = j;
  }
  bucketEnds(counts, bucket, k);
  for (let i = n - 1; i >= 0; i--) {
    const j = sa[i] - 1;
    if (j < 0) continue;
    const c = s[j];
    if ((c & 1) === 1) sa[--bucket[c >> 1]] = j;
  }
}

function bucketStarts(counts: Int32Array, bucket: Int32Array, k: number): void {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    bucket[c] = sum;
    sum += counts[c];
  }
}

function bucketEnds(counts: Int32Array, bucket: Int32Array, k: number): void {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    sum += counts[c];
    bucket[c] = sum;
  }
}

/** Half-open interval `[lo, hi)` of a suffix array. */
export interface SuffixRange {
  lo: number;
  hi: number;
}

/**
 * The suffixes among `sa[lo..hi)` that start with `pattern[from..to)`: they are contiguous in a suffix array, and
 * their number `hi − lo` is the number of occurrences. Pass a narrower `[lo, hi)` whose suffixes all start with
 * `pattern[from..from + known)` (an earlier answer for a shorter prefix) to search within it.
 *
 * Complexity: O(log(hi − lo)) probes; each compares tokens from the shorter of the matches with the interval's two
 * bounds, as in Manber & Myers without their LCP arrays, so a probe costs O(to − from) at worst and usually O(1).
 */
export function findSuffixRange(
  text: Int32Array,
  sa: Int32Array,
  pattern: ArrayLike<number>,
  from = 0,
  to = pattern.length,
  lo = 0,
  hi = sa.length,
  known = 0,
): SuffixRange {
  if (!(text instanceof Int32Array) || !(sa instanceof Int32Array) || sa.length !== text.length) {
    throw new InvalidSuffixArrayInputError("The text and its suffix array must be Int32Arrays of one length.");
  }
  const ranges = [0 <= from && from <= to && to <= pattern.length, 0 <= lo && lo <= hi && hi <= sa.length];
  if (!ranges.every(Boolean)) {
    throw new InvalidSuffixArrayInputError(`The range [${from}, ${to}) or [${lo}, ${hi}) is out of bounds.`);
  }
  const first = boundary(text, sa, pattern, from, to - from, lo, hi, known, false);
  return { lo: first, hi: boundary(text, sa, pattern, from, to - from, first, hi, known, true) };
}

/**
 * The first k in [lo, hi) whose suffix's first `m` tokens are ≥ `pattern[from..from + m)` (> when `after`), or hi.
 * A suffix between two others shares with the pattern at least the smaller of their matched lengths, so each probe
 * resumes the comparison there instead of at 0.
 */
function boundary(
  text: Int32Array,
  sa: Int32Array,
  pattern: ArrayLike<number>,
  from: number,
  m: number,
  lo: number,
  hi: number,
  known: number,
  after: boolean,
): number {
  const n = text.length;
  let matchedBelow = known;
  let matchedAbove = known;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = sa[mid];
    let matched = matchedBelow < matchedAbove ? matchedBelow : matchedAbove;
    while (matched < m && start + matched < n && text[start + matched] === pattern[from + matched]) matched++;
    const goesAbove = matched === m ? !after : start + matched < n && text[start + matched] > pattern[from + matched];
    if (goesAbove) {
      hi = mid;
      matchedAbove = matched;
    } else {
      lo = mid + 1;
      matchedBelow = matched;
    }
  }
  return lo;
}
