import type { SpanIndex } from "../attribution/spans";
import { tokenizeWords } from "../attribution/tokenize";
import { InvalidInputError } from "../errors";

/** How much of a generated text span attribution traces back to the contributions, and to how many. */
export interface SpanCoverage {
  /** Words of the text ({@link tokenizeWords}). */
  words: number;
  /** Words inside at least one span that earns credit. */
  coveredWords: number;
  /** `coveredWords / words`; 0 for a text without words. */
  coveredShare: number;
  /** Contributions (clusters, with the index's `cluster` option) credited: those `index.attribute` weighs above 0. */
  contributions: number;
  /**
   * The largest share of the text's words covered by spans found in one contribution: near 1 means the text is a
   * copy of that contribution, whatever else it shares spans with.
   */
  largestShare: number;
  /** The contribution with that share; undefined when no span earns credit. */
  largestContribution?: string;
}

/**
 * Measures `text` against `index`: the share of its words that crediting spans cover, the contributions they
 * credit, and the largest share one contribution covers. What a model that combines its training data (rather than
 * reproducing one document) looks like: high coverage, several contributions, no dominant one. Cost: one
 * {@link SpanIndex.attributeSpans} plus O(Σ span length × documents per span).
 */
export function spanCoverage(index: SpanIndex, text: string): SpanCoverage {
  if (typeof index?.attributeSpans !== "function") throw new InvalidInputError("spanCoverage needs a SpanIndex.");
  const spans = index.attributeSpans(text);
  const words = tokenizeWords(text).length;
  const covered = new Uint8Array(words);
  const coveredBy = new Map<string, Set<number>>();
  const credited = new Set<string>();
  for (const span of spans) {
    for (const id of span.ids) {
      if (span.weight > 0) credited.add(id);
      let positions = coveredBy.get(id);
      if (!positions) coveredBy.set(id, (positions = new Set()));
      for (let p = span.start; p < span.end; p++) positions.add(p);
    }
    covered.fill(1, span.start, span.end);
  }
  let coveredWords = 0;
  for (const flag of covered) coveredWords += flag;
  let largest = 0;
  let largestContribution: string | undefined;
  for (const [id, positions] of [...coveredBy].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (positions.size > largest) {
      largest = positions.size;
      largestContribution = id;
    }
  }
  return {
    words,
    coveredWords,
    coveredShare: words === 0 ? 0 : coveredWords / words,
    contributions: credited.size,
    largestShare: words === 0 ? 0 : largest / words,
    largestContribution,
  };
}
