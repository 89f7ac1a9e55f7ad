import {
  DuplicateSpanDocumentError,
  InvalidSpanDocumentError,
  InvalidSpanOptionsError,
  InvalidSpanQueryError,
} from "../errors";
import { buildSuffixArray, findSuffixRange } from "./suffixArray";
import type { SuffixRange } from "./suffixArray";
import { encodeDocuments, tokenizeWords } from "./tokenize";

/** A contribution to index: its id and its text. */
export interface SpanDocument {
  id: string;
  text: string;
}

/** How `buildSpanIndex` filters spans and counts documents; see {@link SPAN_INDEX_DEFAULTS} for the defaults. */
export interface SpanIndexOptions {
  /** Shortest span that earns credit, in words. An integer ≥ 1; default 3. */
  minTokens?: number;
  /**
   * A span found in more than max(1, ⌊maxDocumentFraction × N⌋) documents earns nothing: it is common phrasing,
   * not evidence of one contribution (N counts clusters when `cluster` is given; the product is a double). In
   * (0, 1]; default 0.1.
   */
  maxDocumentFraction?: number;
  /**
   * Document id → cluster id, for near-duplicates found elsewhere: the cluster id is the id of the cluster's
   * representative. Document frequency then counts clusters, not copies, and a span's credit goes once per cluster
   * to the cluster id. Documents left out are clusters of their own, under their own id.
   */
  cluster?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
}

/** The options `buildSpanIndex` uses when none are given. */
export const SPAN_INDEX_DEFAULTS = { minTokens: 3, maxDocumentFraction: 0.1 } as const;

/** One contribution's share of an output. */
export interface SpanAttribution {
  id: string;
  weight: number;
}

/** A span of the output found in the indexed documents, with the credit it carries. */
export interface SpanMatch {
  /** First word of the span in the output (index into its words). */
  start: number;
  /** One past its last word. */
  end: number;
  /** UTF-16 offset of the span in the output text. */
  charStart: number;
  charEnd: number;
  /** The output's text from `charStart` to `charEnd`. */
  text: string;
  /** Words in the span, `end − start`. */
  length: number;
  /** Times the span occurs in the documents. */
  occurrences: number;
  /** Documents (clusters, with the `cluster` option) that contain it. */
  documentFrequency: number;
  /** Output words credited to this span: those it covers for which no longer span qualifies. */
  ownedTokens: number;
  /** Its share of the output's credit: ownedTokens × ln(1 + N / documentFrequency), normalized over all spans. */
  weight: number;
  /** Ids (cluster ids, with the `cluster` option) of the documents containing it, sorted; each gets weight / df. */
  ids: string[];
}

/**
 * Indexes `docs` for span attribution (infini-gram style): words are numbered, all documents are laid end to end
 * with a separator after each, and a suffix array over that sequence lets any word sequence be found and counted.
 *
 * Complexity: O(total text length) time (tokenizing and SA-IS). Memory: 8 bytes per token (each word, and one
 * separator per document) for the tokens and the suffix array, 12 bytes per document, and the vocabulary.
 *
 * @throws InvalidSpanDocumentError when a document is not `{id: string; text: string}`.
 * @throws DuplicateSpanDocumentError when two documents share an id.
 * @throws InvalidSpanOptionsError when an option is out of range or `cluster` names an unknown document.
 * @throws SpanIndexTooLargeError when the documents hold more than 2³¹ − 2 words and separators.
 */
export function buildSpanIndex(docs: readonly SpanDocument[], options: SpanIndexOptions = {}): SpanIndex {
  return SpanIndex.of(docs, options);
}

/**
 * A suffix array over a set of documents, which credits an output text to the documents it shares word spans
 * with. Build it with {@link buildSpanIndex}.
 *
 * What it sees: verbatim runs of words, compared without case and ignoring punctuation and spacing. What it cannot
 * see: paraphrase, translation, reordering, synonyms, or a word it has never indexed (an unknown word ends every
 * span across it). A span common to many documents earns nothing even if the output took it from one of them, and
 * a span's credit is split evenly over the documents containing it, whichever one a model learned it from.
 */
export class SpanIndex {
  /** Documents indexed. */
  readonly documentCount: number;
  /** Clusters: equal to `documentCount` without the `cluster` option. */
  readonly clusterCount: number;
  /** Words indexed (separators excluded). */
  readonly wordCount: number;
  /** Distinct words indexed. */
  readonly vocabularySize: number;
  /** Shortest span that earns credit, in words. */
  readonly minTokens: number;
  /** Most documents (clusters) a span may occur in and still earn credit. */
  readonly maxDocumentFrequency: number;

  /** Word ids, each document followed by the separator 0. */
  private readonly tokens: Int32Array;
  private readonly suffixArray: Int32Array;
  private readonly documentStarts: Int32Array;
  private readonly clusterOf: Int32Array;
  private readonly clusterIds: readonly string[];
  private readonly vocabulary: Map<string, number>;
  /** `seen[c] === visit` when cluster c was already counted for the span being counted. */
  private readonly seen: Int32Array;
  private visit = 0;

  private constructor(docs: readonly SpanDocument[], options: SpanIndexOptions) {
    if (!Array.isArray(docs)) {
      throw new InvalidSpanDocumentError(-1, `expected an array of documents, got ${typeof docs}.`);
    }
    const { minTokens = SPAN_INDEX_DEFAULTS.minTokens, maxDocumentFraction = SPAN_INDEX_DEFAULTS.maxDocumentFraction } =
      options;
    if (!Number.isSafeInteger(minTokens) || minTokens < 1) {
      throw new InvalidSpanOptionsError("minTokens", `${String(minTokens)} is not an integer ≥ 1.`);
    }
    if (typeof maxDocumentFraction !== "number" || !(maxDocumentFraction > 0 && maxDocumentFraction <= 1)) {
      throw new InvalidSpanOptionsError("maxDocumentFraction", `${String(maxDocumentFraction)} is not in (0, 1].`);
    }
    const positionOf = new Map<string, number>();
    docs.forEach((doc, i) => {
      if (typeof doc !== "object" || doc === null) throw new InvalidSpanDocumentError(i, "not an object.");
      if (typeof doc.id !== "string") throw new InvalidSpanDocumentError(i, "its id is not a string.");
      if (typeof doc.text !== "string") throw new InvalidSpanDocumentError(i, "its text is not a string.");
      const first = positionOf.get(doc.id);
      if (first !== undefined) throw new DuplicateSpanDocumentError(doc.id, first, i);
      positionOf.set(doc.id, i);
    });
    const clusterIdOf = readClusters(options.cluster, positionOf);
    const clusterIndex = new Map<string, number>();
    this.clusterOf = new Int32Array(docs.length);
    docs.forEach((doc, i) => {
      const clusterId = clusterIdOf.get(doc.id) ?? doc.id;
      let c = clusterIndex.get(clusterId);
      if (c === undefined) {
        c = clusterIndex.size;
        clusterIndex.set(clusterId, c);
      }
      this.clusterOf[i] = c;
    });
    this.clusterIds = [...clusterIndex.keys()];

    const encoded = encodeDocuments(docs.map((doc) => doc.text));
    this.tokens = encoded.tokens;
    this.documentStarts = encoded.documentStarts;
    this.vocabulary = encoded.vocabulary;
    this.suffixArray = buildSuffixArray(encoded.tokens, encoded.vocabulary.size + 1);
    this.seen = new Int32Array(this.clusterIds.length);

    this.documentCount = docs.length;
    this.clusterCount = this.clusterIds.length;
    this.wordCount = encoded.wordCount;
    this.vocabularySize = encoded.vocabulary.size;
    this.minTokens = minTokens;
    this.maxDocumentFrequency = Math.max(1, Math.floor(maxDocumentFraction * this.clusterCount));
  }

  /** The index of `docs`, as {@link buildSpanIndex} builds it. */
  static of(docs: readonly SpanDocument[], options: SpanIndexOptions = {}): SpanIndex {
    return new SpanIndex(docs, options);
  }

  /** Bytes held in typed arrays: 4 per token and 4 per suffix (words and separators), 12 per document (cluster). */
  get byteLength(): number {
    return (
      this.tokens.byteLength +
      this.suffixArray.byteLength +
      this.documentStarts.byteLength +
      this.clusterOf.byteLength +
      this.seen.byteLength
    );
  }

  /**
   * The contributions `text` draws on, with weights summing to 1, heaviest first (equal weights by id, in
   * JavaScript string order); empty when no span of `text` qualifies. Each contribution's weight is the sum, over
   * the spans of {@link attributeSpans} containing it, of the span's weight divided by its document frequency;
   * contributions whose spans own no word of `text` are left out.
   *
   * Complexity: as {@link attributeSpans}.
   * @throws InvalidSpanQueryError when `text` is not a string.
   */
  attribute(text: string): SpanAttribution[] {
    const credit = new Map<string, number>();
    for (const span of this.attributeSpans(text)) {
      if (span.weight === 0) continue;
      const share = span.weight / span.documentFrequency;
      for (const id of span.ids) credit.set(id, (credit.get(id) ?? 0) + share);
    }
    return [...credit]
      .map(([id, weight]) => ({ id, weight }))
      .sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * The spans of `text` that earn credit, by start. From each word of `text` the longest word sequence found in
   * the documents is taken; only maximal ones are kept (a span inside a longer one is not a span of its own), then
   * those shorter than `minTokens` or found in more than `maxDocumentFrequency` documents are dropped. Each word
   * of `text` goes to the longest remaining span covering it (the rarer on equal length, then the earlier), and a
   * span's score is the number of words it owns × ln(1 + N / df), N the number of documents (clusters). Weights
   * are the scores over their sum; a span whose every word went to longer spans is listed with weight 0. Matches
   * never cross a document boundary.
   *
   * Complexity: O(m log n) suffix array probes for m output words and n indexed tokens (each probe usually O(1),
   * as the matched length carries over from one output word to the next), plus, for each maximal span long
   * enough, a scan of its occurrences with an O(log documents) lookup each, stopped once more than
   * `maxDocumentFrequency` documents are seen: a span repeated many times inside few documents costs its count.
   * @throws InvalidSpanQueryError when `text` is not a string.
   */
  attributeSpans(text: string): SpanMatch[] {
    if (typeof text !== "string") {
      throw new InvalidSpanQueryError(`The text to attribute is a ${typeof text}, not a string.`);
    }
    const words = tokenizeWords(text);
    const m = words.length;
    const query = new Int32Array(m);
    for (let i = 0; i < m; i++) query[i] = this.vocabulary.get(words[i].word) ?? -1;

    const spans: SpanMatch[] = [];
    const clusterLists: number[][] = [];
    for (const { start, length, range } of this.maximalMatches(query)) {
      if (length < this.minTokens) continue;
      const clusters = this.clustersIn(range);
      if (clusters === undefined) continue;
      const charStart = words[start].start;
      const charEnd = words[start + length - 1].end;
      spans.push({
        start,
        end: start + length,
        charStart,
        charEnd,
        text: text.slice(charStart, charEnd),
        length,
        occurrences: range.hi - range.lo,
        documentFrequency: clusters.length,
        ownedTokens: 0,
        weight: 0,
        ids: clusters.map((c) => this.clusterIds[c]).sort(),
      });
      clusterLists.push(clusters);
    }

    const owner = new Int32Array(m).fill(-1);
    spans.forEach((span, j) => {
      for (let p = span.start; p < span.end; p++) {
        const current = owner[p] < 0 ? undefined : spans[owner[p]];
        // Spans come by start, so an equal rival already in place started earlier and keeps the word.
        if (
          current === undefined ||
          span.length > current.length ||
          (span.length === current.length && span.documentFrequency < current.documentFrequency)
        ) {
          owner[p] = j;
        }
      }
    });
    for (let p = 0; p < m; p++) if (owner[p] >= 0) spans[owner[p]].ownedTokens++;
    let total = 0;
    for (const span of spans) {
      span.weight = span.ownedTokens * Math.log1p(this.clusterCount / span.documentFrequency);
      total += span.weight;
    }
    for (const span of spans) span.weight /= total;
    return spans;
  }

  /**
   * For each word i where a new maximal match starts, the match q[i..i + length) and its suffix array range.
   * `reach`, the end of the latest match, only grows: q[i..reach) is a suffix of that match, so it occurs, and the
   * match from i is maximal only if it goes past reach. So each start costs one search for q[i..reach] and, if that
   * is found, one narrowing per word past reach: O(m) searches in all.
   */
  private *maximalMatches(query: Int32Array): Generator<{ start: number; length: number; range: SuffixRange }> {
    const m = query.length;
    let reach = 0;
    for (let i = 0; i < m; i++) {
      const next = Math.max(i, reach);
      if (next >= m || query[i] < 0 || query[next] < 0) continue;
      let range = findSuffixRange(this.tokens, this.suffixArray, query, i, next + 1);
      if (range.lo === range.hi) continue;
      let end = next + 1;
      while (end < m && query[end] >= 0) {
        const narrower = findSuffixRange(this.tokens, this.suffixArray, query, i, end + 1, range.lo, range.hi, end - i);
        if (narrower.lo === narrower.hi) break;
        range = narrower;
        end++;
      }
      reach = end;
      yield { start: i, length: end - i, range };
    }
  }

  /**
   * The clusters whose documents hold the suffixes in `range`, in order of first sight, or undefined as soon as
   * there are more than `maxDocumentFrequency` of them.
   */
  private clustersIn(range: SuffixRange): number[] | undefined {
    if (++this.visit === 0x7fffffff) {
      this.seen.fill(0);
      this.visit = 1;
    }
    const clusters: number[] = [];
    for (let k = range.lo; k < range.hi; k++) {
      const c = this.clusterOf[this.documentAt(this.suffixArray[k])];
      if (this.seen[c] === this.visit) continue;
      this.seen[c] = this.visit;
      clusters.push(c);
      if (clusters.length > this.maxDocumentFrequency) return undefined;
    }
    return clusters;
  }

  /** The document holding token `position`: the last d with documentStarts[d] ≤ position. O(log documents). */
  private documentAt(position: number): number {
    let lo = 0;
    let hi = this.documentCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.documentStarts[mid] <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** The `cluster` option as a Map, checked: every key an indexed document id, every value a string. */
function readClusters(
  cluster: SpanIndexOptions["cluster"],
  positionOf: ReadonlyMap<string, number>,
): ReadonlyMap<string, string> {
  if (cluster === undefined) return new Map();
  if (typeof cluster !== "object" || cluster === null) {
    throw new InvalidSpanOptionsError("cluster", "expected a Map or a plain object from document id to cluster id.");
  }
  const entries = cluster instanceof Map ? [...cluster] : Object.entries(cluster);
  for (const [id, clusterId] of entries) {
    if (!positionOf.has(id)) {
      throw new InvalidSpanOptionsError("cluster", `it maps ${JSON.stringify(id)}, which is not a document id.`);
    }
    if (typeof clusterId !== "string") {
      throw new InvalidSpanOptionsError("cluster", `the cluster of ${JSON.stringify(id)} is not a string.`);
    }
  }
  return new Map(entries);
}
