import { InvalidDedupContributionError, InvalidDedupOptionsError } from "../errors";
import { BYTES32 } from "../internal/check";
import { encodeDocuments } from "./tokenize";

/** A contribution to deduplicate. */
export interface DedupContribution {
  id: string;
  /** sha-256 of the contribution's bytes (0x + 64 hex digits): equal hashes are exact copies. */
  contentHash: string;
  text: string;
  /**
   * When it was accepted, in any unit where lower is earlier (a block number, a timestamp, a global rank): a
   * cluster is credited to its earliest member. Equal values go to the smaller id (JavaScript string order).
   */
  acceptedAt: number;
}

/** How near-duplicates are found; see {@link DEDUP_DEFAULTS} for the defaults. */
export interface DedupOptions {
  /** Words per shingle. An integer in [1, 64]; default 5. A text of fewer words is one shingle of all of them. */
  shingleWords?: number;
  /** MinHash functions. An integer in [1, 1024] that `bands` divides; default 64. */
  hashes?: number;
  /**
   * LSH bands: two texts become candidates when all `hashes / bands` values of one band agree. With the defaults
   * (16 bands of 4) a pair at Jaccard 0.8 is a candidate with probability 0.9998, at 0.9 with 1 − 10⁻¹⁰, at 0.3
   * with 0.12 (each candidate costs one exact comparison, never a wrong answer).
   */
  bands?: number;
  /** Texts whose shingle sets have a Jaccard similarity ≥ this are near-duplicates. In (0, 1]; default 0.8. */
  threshold?: number;
  /** Seed of the MinHash functions, an integer in [0, 2³² − 1]. Default fixed, so every run clusters alike. */
  seed?: number;
}

/** The options `clusterContributions` uses when none are given. */
export const DEDUP_DEFAULTS = { shingleWords: 5, hashes: 64, bands: 16, threshold: 0.8, seed: 0x5eed_0001 } as const;

/** A set of contributions that are copies of one another, credited to the earliest. */
export interface ContributionCluster {
  /** The earliest accepted member (then the smallest id): the one credited for the cluster. */
  representative: string;
  /** Every member, the representative first, in acceptance order. */
  members: string[];
}

/** What {@link clusterContributions} found. */
export interface ContributionClustering {
  /** Every contribution id → its cluster's representative (a representative maps to itself). */
  representativeOf: Map<string, string>;
  /** Every cluster, singletons included, in the acceptance order of their representatives. */
  clusters: ContributionCluster[];
  /** Candidate pairs whose exact Jaccard similarity was computed. */
  comparedPairs: number;
}

/**
 * Groups copies so that they earn once: exact duplicates (equal content hash) and near-duplicates (word shingle
 * sets with a Jaccard similarity ≥ `threshold`), closed transitively (A ≈ B and B ≈ C put A, B, C together even if
 * A and C are further apart). Each cluster is credited to its earliest accepted member.
 *
 * Near-duplicates: each text's words (as {@link forEachWord} cuts them: case and punctuation ignored) form
 * overlapping shingles of `shingleWords` words; a MinHash signature of `hashes` values per text is split into
 * `bands` bands, and texts that agree on a whole band are candidates. Each candidate pair is then confirmed by the
 * exact Jaccard similarity of the two shingle sets (shingles compared word by word, so no hash collision can join
 * two texts), so LSH can only miss a pair, never invent one; the defaults miss a pair at 0.8 about once in 4,600.
 *
 * What it cannot see: paraphrase, synonyms, translation; edits dense enough to break most shingles (changing one
 * word in every `shingleWords` leaves no shingle intact); word order shuffled within spans shorter than a shingle;
 * and containment: a text that quotes another whole inside much new text has a low Jaccard similarity with it, so
 * it stays its own cluster (span attribution then splits the shared spans' credit between them). Reordered
 * paragraphs are seen, as only the shingles across each cut change.
 *
 * Complexity: O(W·s) to tokenize and shingle W words, O(S log S) to sort the S distinct shingles per text, O(S·h)
 * for the signatures with h hash functions, and O(a + b) per compared pair of texts of a and b shingles. The number
 * of compared pairs is about the number of true near-duplicate pairs (pairs already in one cluster are skipped)
 * plus the chance candidates; a band bucket shared by m texts that are not near-duplicates costs m²/2 comparisons.
 *
 * @throws InvalidDedupContributionError when a contribution is malformed or two share an id.
 * @throws InvalidDedupOptionsError when an option is out of range.
 */
export function clusterContributions(
  contributions: readonly DedupContribution[],
  options: DedupOptions = {},
): ContributionClustering {
  const { shingleWords, hashes, bands, threshold, seed } = readOptions(options);
  checkContributions(contributions);
  const n = contributions.length;
  const byAcceptance = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const [x, y] = [contributions[a], contributions[b]];
    return x.acceptedAt - y.acceptedAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
  });
  const docs = byAcceptance.map((i) => contributions[i]);

  // Union-find over acceptance ranks. A union links the later root under the earlier, so every root is its
  // cluster's earliest member: the representative.
  const parent = Int32Array.from({ length: n }, (_, r) => r);
  const find = (r: number): number => {
    while (parent[r] !== r) {
      parent[r] = parent[parent[r]];
      r = parent[r];
    }
    return r;
  };
  const union = (a: number, b: number): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra < rb) parent[rb] = ra;
    else if (rb < ra) parent[ra] = rb;
  };

  const firstWithHash = new Map<string, number>();
  const distinct: number[] = [];
  for (let r = 0; r < n; r++) {
    const hash = docs[r].contentHash.toLowerCase();
    const first = firstWithHash.get(hash);
    if (first === undefined) {
      firstWithHash.set(hash, r);
      distinct.push(r);
    } else union(first, r);
  }

  const shingles = new ShingleSets(
    distinct.map((r) => docs[r].text),
    shingleWords,
    seed,
  );
  const signatures = minHashSignatures(shingles, hashes, seed);
  const rows = hashes / bands;
  const compared = new Set<number>();
  const m = distinct.length;
  for (let band = 0; band < bands; band++) {
    const buckets = new Map<number, number[]>();
    for (let d = 0; d < m; d++) {
      if (shingles.count(d) === 0) continue;
      const key = bandKey(signatures, d * hashes + band * rows, rows);
      const bucket = buckets.get(key);
      if (bucket === undefined) buckets.set(key, [d]);
      else bucket.push(d);
    }
    for (const bucket of buckets.values()) {
      for (let i = 1; i < bucket.length; i++) {
        for (let j = 0; j < i; j++) {
          const [a, b] = [distinct[bucket[j]], distinct[bucket[i]]];
          if (find(a) === find(b)) continue;
          const pair = bucket[j] * m + bucket[i];
          if (compared.has(pair)) continue;
          compared.add(pair);
          if (shingles.jaccardAtLeast(bucket[j], bucket[i], threshold)) union(a, b);
        }
      }
    }
  }

  const representativeOf = new Map<string, string>();
  const clusterAt = new Map<number, ContributionCluster>();
  const clusters: ContributionCluster[] = [];
  for (let r = 0; r < n; r++) {
    const root = find(r);
    let cluster = clusterAt.get(root);
    if (cluster === undefined) {
      cluster = { representative: docs[root].id, members: [] };
      clusterAt.set(root, cluster);
      clusters.push(cluster);
    }
    cluster.members.push(docs[r].id);
    representativeOf.set(docs[r].id, cluster.representative);
  }
  return { representativeOf, clusters, comparedPairs: compared.size };
}

/* SHINGLES */

/** Positions packed below a 32-bit hash in a double: 2²¹, so hash · 2²¹ + position stays below 2⁵³. */
const POSITION_LIMIT = 2 ** 21;

/**
 * The distinct shingles of each text, each shingle a run of word ids, sorted by (hash, words) so two sets
 * intersect in one merge. A text of fewer than `shingleWords` words has one shingle of all its words.
 */
class ShingleSets {
  /** Word ids of all texts, each followed by a separator, as {@link encodeDocuments} numbers them. */
  private readonly words: Int32Array;
  /** Text d's shingles are entries [offsets[d], offsets[d + 1]) of the arrays below. */
  private readonly offsets: Int32Array;
  /** Where each shingle starts in `words`. */
  private readonly starts: Int32Array;
  /** Two independent 32-bit hashes of each shingle: `hashA` feeds MinHash, both order the sets. */
  readonly hashA: Uint32Array;
  private readonly hashB: Uint32Array;
  /** Words per shingle of text d (shorter than `shingleWords` only for a short text). */
  private readonly widths: Int32Array;
  readonly textCount: number;

  constructor(texts: readonly string[], shingleWords: number, seed: number) {
    this.textCount = texts.length;
    const { tokens, documentStarts } = encodeDocuments(texts);
    this.words = tokens;
    this.offsets = new Int32Array(texts.length + 1);
    this.widths = new Int32Array(texts.length);
    let totalShingles = 0;
    let longest = 0;
    for (let d = 0; d < texts.length; d++) {
      const length = documentStarts[d + 1] - documentStarts[d] - 1;
      const count = length === 0 ? 0 : Math.max(1, length - shingleWords + 1);
      totalShingles += count;
      longest = Math.max(longest, count);
    }
    const starts = new Int32Array(totalShingles);
    const hashA = new Uint32Array(totalShingles);
    const hashB = new Uint32Array(totalShingles);
    const a = new Uint32Array(longest);
    const b = new Uint32Array(longest);
    const keys = new Float64Array(longest);
    let next = 0;
    for (let d = 0; d < texts.length; d++) {
      const wordAt = documentStarts[d];
      const length = documentStarts[d + 1] - wordAt - 1;
      this.offsets[d] = next;
      const width = Math.min(shingleWords, length);
      this.widths[d] = width;
      const count = length === 0 ? 0 : length - width + 1;
      for (let p = 0; p < count; p++) {
        a[p] = hashWords(tokens, wordAt + p, width, seed);
        b[p] = hashWords(tokens, wordAt + p, width, seed ^ 0x9e3779b9);
      }
      const order = this.sortedShingles(a, b, keys, count, wordAt, width);
      for (let k = 0; k < count; k++) {
        const p = order[k];
        if (k > 0) {
          const q = order[k - 1];
          if (a[p] === a[q] && b[p] === b[q] && this.compareWords(wordAt + p, wordAt + q, width) === 0) continue;
        }
        starts[next] = wordAt + p;
        hashA[next] = a[p];
        hashB[next] = b[p];
        next++;
      }
    }
    this.offsets[texts.length] = next;
    this.starts = starts.slice(0, next);
    this.hashA = hashA.slice(0, next);
    this.hashB = hashB.slice(0, next);
  }

  /**
   * Shingle positions 0..count of one text in (hashA, hashB, words) order. A comparator sort of millions of
   * shingles costs seconds, so positions are packed under their hashA into doubles (hashA · 2²¹ + position, exact
   * below 2⁵³) and sorted natively; only runs of equal hashA, which are repeated shingles or rare collisions, are
   * then sorted by comparator. A text of 2²¹ shingles or more takes the comparator sort throughout.
   */
  private sortedShingles(
    a: Uint32Array,
    b: Uint32Array,
    keys: Float64Array,
    count: number,
    wordAt: number,
    width: number,
  ): ArrayLike<number> {
    const byAll = (x: number, y: number) =>
      a[x] - a[y] || b[x] - b[y] || this.compareWords(wordAt + x, wordAt + y, width);
    if (count >= POSITION_LIMIT) return Array.from({ length: count }, (_, p) => p).sort(byAll);
    const packed = keys.subarray(0, count);
    for (let p = 0; p < count; p++) packed[p] = a[p] * POSITION_LIMIT + p;
    packed.sort();
    const order = new Int32Array(count);
    for (let k = 0; k < count; k++) order[k] = packed[k] % POSITION_LIMIT;
    for (let k = 0; k < count;) {
      let end = k + 1;
      while (end < count && a[order[end]] === a[order[k]]) end++;
      if (end - k > 1) order.set(Array.from(order.subarray(k, end)).sort(byAll), k);
      k = end;
    }
    return order;
  }

  /** Distinct shingles of text d. */
  count(d: number): number {
    return this.offsets[d + 1] - this.offsets[d];
  }

  /** Index of text d's first shingle in `hashA`. */
  offset(d: number): number {
    return this.offsets[d];
  }

  /**
   * Whether texts c and d have |C ∩ D| / |C ∪ D| ≥ threshold, by one merge of the two sorted sets. Their sizes
   * bound the similarity by min/max, which settles most chance candidates without the merge.
   */
  jaccardAtLeast(c: number, d: number, threshold: number): boolean {
    const [nc, nd] = [this.count(c), this.count(d)];
    if (Math.min(nc, nd) / Math.max(nc, nd) < threshold) return false;
    if (this.widths[c] !== this.widths[d]) return false;
    const width = this.widths[c];
    let [i, j] = [this.offsets[c], this.offsets[d]];
    const [iEnd, jEnd] = [this.offsets[c + 1], this.offsets[d + 1]];
    let shared = 0;
    while (i < iEnd && j < jEnd) {
      const order =
        this.hashA[i] - this.hashA[j] ||
        this.hashB[i] - this.hashB[j] ||
        this.compareWords(this.starts[i], this.starts[j], width);
      if (order === 0) {
        shared++;
        i++;
        j++;
      } else if (order < 0) i++;
      else j++;
    }
    return shared / (nc + nd - shared) >= threshold;
  }

  private compareWords(p: number, q: number, width: number): number {
    for (let k = 0; k < width; k++) {
      const diff = this.words[p + k] - this.words[q + k];
      if (diff !== 0) return diff;
    }
    return 0;
  }
}

/* MINHASH */

/** MurmurHash3's 32-bit finalizer: a bijection that mixes every input bit into every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A 32-bit hash of `width` word ids from `words[start]`, MurmurHash3-style. */
function hashWords(words: Int32Array, start: number, width: number, seed: number): number {
  let h = seed ^ width;
  for (let k = 0; k < width; k++) {
    let w = Math.imul(words[start + k], 0xcc9e2d51);
    w = Math.imul((w << 15) | (w >>> 17), 0x1b873593);
    h ^= w;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ width) >>> 0;
}

/**
 * `hashes` MinHash values per text: value j is the least, over the text's shingles, of fmix32(hashA ⊕ key_j), a
 * pseudo-random permutation of the 32-bit hashes per key. The keys come from `seed` through a splitmix-like
 * sequence, so they are the same on every run. Texts without shingles keep all-ones signatures (and are skipped).
 */
function minHashSignatures(shingles: ShingleSets, hashes: number, seed: number): Uint32Array {
  const keys = new Int32Array(hashes);
  let state = seed | 0;
  for (let j = 0; j < hashes; j++) {
    state = (state + 0x9e3779b9) | 0;
    keys[j] = fmix32(state);
  }
  const texts = shingles.textCount;
  const signatures = new Uint32Array(texts * hashes).fill(0xffffffff);
  const minima = new Uint32Array(hashes);
  for (let d = 0; d < texts; d++) {
    minima.fill(0xffffffff);
    const end = shingles.offset(d) + shingles.count(d);
    for (let s = shingles.offset(d); s < end; s++) {
      const x = shingles.hashA[s];
      for (let j = 0; j < hashes; j++) {
        const v = fmix32(x ^ keys[j]) >>> 0;
        if (v < minima[j]) minima[j] = v;
      }
    }
    signatures.set(minima, d * hashes);
  }
  return signatures;
}

/** One number for a band's `rows` values (52 bits of two mixes of them); equal bands give equal keys. */
function bandKey(signatures: Uint32Array, start: number, rows: number): number {
  let h1 = 0x2545f491;
  let h2 = 0x68e31da4;
  for (let k = 0; k < rows; k++) {
    const v = signatures[start + k];
    h1 = fmix32(h1 ^ v);
    h2 = fmix32((h2 + v) | 0);
  }
  // A chance collision between two bands only adds a candidate, which the exact comparison then turns down.
  return (h1 >>> 0) * 0x100000 + (h2 >>> 12);
}

/* VALIDATION */

function checkContributions(contributions: readonly DedupContribution[]): void {
  if (!Array.isArray(contributions)) {
    throw new InvalidDedupContributionError("contributions", `expected an array, got ${typeof contributions}.`);
  }
  const seen = new Map<string, number>();
  contributions.forEach((c, i) => {
    const at = `contributions[${i}]`;
    if (typeof c !== "object" || c === null) throw new InvalidDedupContributionError(at, "not an object.");
    if (typeof c.id !== "string") throw new InvalidDedupContributionError(`${at}.id`, "not a string.");
    const first = seen.get(c.id);
    if (first !== undefined) {
      throw new InvalidDedupContributionError(
        `${at}.id`,
        `${JSON.stringify(c.id)} is also contributions[${first}].id.`,
      );
    }
    seen.set(c.id, i);
    if (typeof c.contentHash !== "string" || !BYTES32.test(c.contentHash)) {
      throw new InvalidDedupContributionError(`${at}.contentHash`, "not 0x and 64 hex digits.");
    }
    if (typeof c.text !== "string") throw new InvalidDedupContributionError(`${at}.text`, "not a string.");
    if (typeof c.acceptedAt !== "number" || !Number.isFinite(c.acceptedAt)) {
      throw new InvalidDedupContributionError(`${at}.acceptedAt`, `${String(c.acceptedAt)} is not a finite number.`);
    }
  });
}

function readOptions(options: DedupOptions): Required<DedupOptions> {
  if (typeof options !== "object" || options === null) {
    throw new InvalidDedupOptionsError("options", "expected an object.");
  }
  const {
    shingleWords = DEDUP_DEFAULTS.shingleWords,
    hashes = DEDUP_DEFAULTS.hashes,
    bands = DEDUP_DEFAULTS.bands,
    threshold = DEDUP_DEFAULTS.threshold,
    seed = DEDUP_DEFAULTS.seed,
  } = options;
  const integerIn = (name: string, value: unknown, lo: number, hi: number): void => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < lo || value > hi) {
      throw new InvalidDedupOptionsError(name, `${String(value)} is not an integer in [${lo}, ${hi}].`);
    }
  };
  integerIn("shingleWords", shingleWords, 1, 64);
  integerIn("hashes", hashes, 1, 1024);
  integerIn("bands", bands, 1, hashes);
  if (hashes % bands !== 0) throw new InvalidDedupOptionsError("bands", `${bands} does not divide hashes (${hashes}).`);
  if (typeof threshold !== "number" || !(threshold > 0 && threshold <= 1)) {
    throw new InvalidDedupOptionsError("threshold", `${String(threshold)} is not in (0, 1].`);
  }
  integerIn("seed", seed, 0, 0xffffffff);
  return { shingleWords, hashes, bands, threshold, seed };
}
