import { SpanIndexTooLargeError } from "../errors";
import { MAX_SUFFIX_ARRAY_LENGTH } from "./suffixArray";
import { checkArray, checkFunction, checkString } from "../internal/check";

/** A word of a text, lower-cased, with its UTF-16 offsets in the original text. */
export interface WordToken {
  word: string;
  /** Offset of its first code unit. */
  start: number;
  /** Offset just past its last code unit. */
  end: number;
}

/** The token id of the separator that ends every document in an encoded corpus; no word gets it. */
export const SPAN_SEPARATOR_ID = 0;

/** Documents as one token sequence: each document's word ids, then {@link SPAN_SEPARATOR_ID}. */
export interface EncodedDocuments {
  /** Word ids ≥ 1 and separators, `tokens.length` = words + documents. */
  tokens: Int32Array;
  /** Document d's tokens are `tokens[documentStarts[d] .. documentStarts[d + 1] − 1)`, its separator right after. */
  documentStarts: Int32Array;
  /** Word → id, ids 1, 2, … in order of first appearance. */
  vocabulary: Map<string, number>;
  /** Words indexed, separators excluded. */
  wordCount: number;
}

const MAX_VOCABULARY = 2 ** 24;
const WORD_CODE_POINT = /[\p{L}\p{M}\p{N}]/u;
/** Per ASCII code unit: 0 = not in words, 1 = word character already lower-case, 2 = upper-case letter. */
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII[c] = /[A-Z]/.test(ch) ? 2 : /[a-z0-9]/.test(ch) ? 1 : 0;
}
/** Per BMP code unit beyond ASCII, filled on first sight: 0 = unknown yet, 1 = word character, 2 = not. */
const BMP = new Uint8Array(0x10000);

/**
 * Calls `visit` for each word of `text` in order: a word is a maximal run of Unicode letters, combining marks and
 * digits (`\p{L}`, `\p{M}`, `\p{N}`), lower-cased with `toLowerCase` after it is cut out, so a text and its
 * case-changed copy give the same words. Everything else (spaces, punctuation, symbols, emoji) separates words.
 *
 * It cannot see text normalization (a precomposed "é" and "e" + combining acute are different words) nor
 * word boundaries inside scripts written without spaces: a run of Chinese or Thai is one word.
 *
 * Complexity: O(text.length); ASCII is classified by table, other code points by a cached Unicode property test.
 */
export function forEachWord(text: string, visit: (word: string, start: number, end: number) => void): void {
  checkString(text, "text");
  checkFunction(visit, "visit");
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if ((c < 128 ? ASCII[c] : nonAsciiWidth(text, i, c)) === 0) {
      // A non-word astral character is skipped one half at a time; a lone half is never a word character.
      i++;
      continue;
    }
    const start = i;
    let lowerAscii = true;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d < 128) {
        const kind = ASCII[d];
        if (kind === 0) break;
        if (kind === 2) lowerAscii = false;
        i++;
      } else {
        const width = nonAsciiWidth(text, i, d);
        if (width === 0) break;
        lowerAscii = false;
        i += width;
      }
    }
    const raw = text.slice(start, i);
    visit(lowerAscii ? raw : raw.toLowerCase(), start, i);
  }
}

/** The words of `text` with their offsets, as {@link forEachWord} finds them. O(text.length). */
export function tokenizeWords(text: string): WordToken[] {
  const tokens: WordToken[] = [];
  forEachWord(text, (word, start, end) => tokens.push({ word, start, end }));
  return tokens;
}

/** UTF-16 width (1 or 2) of the word character at `i`, whose first code unit `c` is not ASCII; 0 if not a word one. */
function nonAsciiWidth(text: string, i: number, c: number): number {
  if (c < 0xd800 || c > 0xdfff) {
    let kind = BMP[c];
    if (kind === 0) {
      kind = WORD_CODE_POINT.test(String.fromCharCode(c)) ? 1 : 2;
      BMP[c] = kind;
    }
    return kind === 1 ? 1 : 0;
  }
  if (c <= 0xdbff && i + 1 < text.length) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return WORD_CODE_POINT.test(text.slice(i, i + 2)) ? 2 : 0;
  }
  return 0;
}

/**
 * Tokenizes `texts` with {@link forEachWord} and numbers the words: the corpus a span index is built on.
 *
 * Complexity: O(total length) time, with one Map lookup per word; 4 bytes per token plus the vocabulary.
 * @throws SpanIndexTooLargeError when words and separators together exceed {@link MAX_SUFFIX_ARRAY_LENGTH}, or
 * the distinct words exceed 2²⁴ (V8's limit on a Map).
 */
export function encodeDocuments(texts: readonly string[]): EncodedDocuments {
  const vocabulary = new Map<string, number>();
  const documentStarts = new Int32Array(texts.length + 1);
  checkArray(texts, "texts");
  let characters = 0;
  texts.forEach((text, i) => {
    checkString(text, `texts[${i}]`);
    characters += text.length;
  });
  // Prose runs about six characters per word; start there and grow, then trim to size.
  let tokens = new Int32Array(Math.min(MAX_SUFFIX_ARRAY_LENGTH, Math.ceil(characters / 6) + texts.length + 16));
  let n = 0;
  const push = (id: number): void => {
    if (n === tokens.length) {
      if (n >= MAX_SUFFIX_ARRAY_LENGTH) {
        throw new SpanIndexTooLargeError(`The documents hold more than ${MAX_SUFFIX_ARRAY_LENGTH} tokens.`, {
          hint: "Split the contributions over several indexes.",
        });
      }
      const grown = new Int32Array(Math.min(MAX_SUFFIX_ARRAY_LENGTH, tokens.length * 2));
      grown.set(tokens);
      tokens = grown;
    }
    tokens[n++] = id;
  };
  const addWord = (word: string): void => {
    let id = vocabulary.get(word);
    if (id === undefined) {
      if (vocabulary.size === MAX_VOCABULARY) {
        throw new SpanIndexTooLargeError(`The documents hold more than ${MAX_VOCABULARY} distinct words.`, {
          details: "That is the most entries a JavaScript Map holds in V8.",
          hint: "Split the contributions over several indexes.",
        });
      }
      id = vocabulary.size + 1;
      // A word cut from a long text can be a view into it; a copy keeps the vocabulary from holding texts alive.
      vocabulary.set((word + " ").slice(0, -1), id);
    }
    push(id);
  };
  for (let d = 0; d < texts.length; d++) {
    documentStarts[d] = n;
    forEachWord(texts[d], addWord);
    push(SPAN_SEPARATOR_ID);
  }
  documentStarts[texts.length] = n;
  return { tokens: tokens.slice(0, n), documentStarts, vocabulary, wordCount: n - texts.length };
}
