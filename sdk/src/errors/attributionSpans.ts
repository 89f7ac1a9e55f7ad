import { InvalidInputError } from "./base";

/* SUFFIX ARRAY */

/** `buildSuffixArray` was given an alphabet size that is not a positive integer, or a token outside [0, size). */
export class InvalidSuffixArrayInputError extends InvalidInputError {}

/* SPAN INDEX */

/** A document given to `buildSpanIndex` is not `{id: string; text: string}`; `index` is its position. */
export class InvalidSpanDocumentError extends InvalidInputError {
  readonly index: number;

  constructor(index: number, problem: string) {
    super(`Document ${index}: ${problem}`, { hint: "Each document is {id: string; text: string}." });
    this.index = index;
  }
}

/** Two documents given to `buildSpanIndex` share an id, so a match could not name its contribution. */
export class DuplicateSpanDocumentError extends InvalidInputError {
  readonly id: string;

  constructor(id: string, first: number, second: number) {
    super(`The id ${JSON.stringify(id)} is used by documents ${first} and ${second}.`, {
      hint: "Give each contribution its own id; pass copies through the `cluster` option instead of merging them.",
    });
    this.id = id;
  }
}

/** An option of `buildSpanIndex` is out of range, or `cluster` names a document that is not indexed. */
export class InvalidSpanOptionsError extends InvalidInputError {
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`Span index option \`${option}\`: ${problem}`);
    this.option = option;
  }
}

/**
 * The documents hold more tokens than a suffix array of 32-bit positions can index (2³¹ − 2), or more distinct
 * words than a JavaScript Map holds (2²⁴).
 */
export class SpanIndexTooLargeError extends InvalidInputError {}

/** `SpanIndex.attribute` or `attributeSpans` was given something other than a string. */
export class InvalidSpanQueryError extends InvalidInputError {}
