import { InvalidInputError } from "../errors";
import { forEachWord } from "../attribution/tokenize";
import { checkObject, shown } from "../internal/check";

/* Hashed bag-of-words features: the words of a text (as span attribution reads them) counted into a fixed number of
buckets, so a classifier's input has one size whatever the vocabulary, and a model file needs no word list. */

/** A sparse vector: `indices` strictly increasing, one value each. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

/** How {@link hashedFeatures} maps words to buckets. */
export interface HashedFeatureOptions {
  /** Buckets: a power of two from 2 to 2^24. Default 1,024. */
  dimension?: number;
}

/** The options {@link hashedFeatures} uses when none are given. */
export const HASHED_FEATURE_DEFAULTS = { dimension: 1024 } as const;

/**
 * The hashed bag-of-words of `text`: each word ({@link forEachWord}: lower-cased runs of letters, marks and digits)
 * goes to bucket FNV-1a-32(its UTF-16 code units) mod `dimension`; a bucket's value is ln(1 + its count), and the
 * vector is scaled to Euclidean length 1 (an empty text gives the empty vector). Long and short mails then weigh the
 * same, and a word repeated a hundred times counts about five times as much as once.
 *
 * Deterministic across platforms (integer hashing, one `Math.log1p` and one `Math.sqrt` per bucket). O(text.length).
 * @throws InvalidInputError when `dimension` is not a power of two in [2, 2^24].
 */
export function hashedFeatures(text: string, options: HashedFeatureOptions = {}): SparseVector {
  const dimension = checkDimension(options.dimension ?? HASHED_FEATURE_DEFAULTS.dimension);
  const counts = new Map<number, number>();
  forEachWord(text, (word) => {
    const bucket = fnv1a(word) & (dimension - 1);
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  });
  const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const values = new Float64Array(indices.length);
  let squares = 0;
  indices.forEach((bucket, k) => {
    values[k] = Math.log1p(counts.get(bucket)!);
    squares += values[k] * values[k];
  });
  const norm = Math.sqrt(squares);
  for (let k = 0; k < values.length; k++) values[k] /= norm;
  return { indices, values };
}

/** `vector` as a dense array of `dimension` numbers. O(dimension). */
export function denseOf(vector: SparseVector, dimension: number): number[] {
  checkObject(vector, "vector");
  if (!Number.isSafeInteger(dimension) || dimension < 1 || vector.indices.some((k) => !(k >= 0 && k < dimension))) {
    throw new InvalidInputError(`The dimension ${shown(dimension)} must be a whole number above every index.`);
  }
  const dense = new Array<number>(dimension).fill(0);
  vector.indices.forEach((bucket, k) => (dense[bucket] = vector.values[k]));
  return dense;
}

function checkDimension(dimension: number): number {
  if (!Number.isInteger(dimension) || dimension < 2 || dimension > 2 ** 24 || (dimension & (dimension - 1)) !== 0) {
    throw new InvalidInputError(`The feature dimension must be a power of two from 2 to 2^24, not ${dimension}.`);
  }
  return dimension;
}

/** FNV-1a, 32 bits, over UTF-16 code units. */
function fnv1a(word: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    hash ^= word.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
