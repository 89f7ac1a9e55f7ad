import * as z from "zod";
import { InvalidInputError, MalformedModelFileError } from "../errors";
import { forEachWord } from "../attribution/tokenize";
import { describeZodIssue } from "../internal/zod";
import { seededRandom } from "../internal/random";

/*
 * A word n-gram language model with interpolated Kneser–Ney smoothing (Chen & Goodman 1998, one discount per order),
 * over the words span attribution reads (forEachWord), so that what it generates is matched word for word against
 * the contributions it was trained on.
 *
 * Token ids: 0 pads the start of a document (n − 1 times, so every position has a full context), 1 ends a document,
 * vocabulary word i is i + 2, and an unknown word is vocabulary.length + 2, which no n-gram holds.
 */

/** The `format` of an n-gram model's file. */
export const NGRAM_FORMAT = "ngram-v1";

/** An n-gram model as a plain JSON file: the counts of its training n-grams, from which all else is derived. */
export interface NgramModel {
  format: typeof NGRAM_FORMAT;
  /** n: each word is predicted from the n − 1 before it. */
  order: number;
  /** The training words, distinct, sorted by UTF-16 code units; word i has token id i + 2. */
  vocabulary: string[];
  /**
   * Every n-gram of the training texts with its count, flat: n token ids then the count, n-grams in increasing
   * order of their ids. Each document contributes one n-gram per word and one for its end, the first ones padded
   * with start ids (0); the end id (1) is only ever last.
   */
  grams: number[];
}

/** How {@link trainNgram} builds a model. */
export interface NgramOptions {
  /** n, from 1 to {@link MAX_NGRAM_ORDER}. Default {@link NGRAM_DEFAULTS}.order. */
  order?: number;
}

/** How {@link generateText} samples. */
export interface GenerateTextOptions {
  /** The most words generated; fewer when the model ends the document first. Default 40. */
  maxWords?: number;
  /** Seed of the sampler, an integer in [0, 2^32): the same seed, model and prompt give the same text. Default 0. */
  seed?: number;
}

/** The longest n-gram a model may use. */
export const MAX_NGRAM_ORDER = 8;

/**
 * The order the demo uses, chosen by measurement on SpamAssassin ham (see test/sdk/ml/ngram.test.ts): at order 3,
 * generated text is mostly made of spans found in the training mails, and those spans come from several of them.
 */
export const NGRAM_DEFAULTS = { order: 3, maxWords: 40 } as const;

const START = 0;
const END = 1;
const FIRST_WORD = 2;

/** A context's continuations at one level: what interpolation and sampling need. */
interface ContextStats {
  /** Σ of the continuations' (adjusted) counts. */
  total: number;
  /** Token ids that followed, increasing. */
  words: number[];
  /** Their (adjusted) counts. */
  counts: number[];
}

/** One order of the model: n-grams of `length` tokens, keyed by their ids joined with commas. */
interface Level {
  /** The Kneser–Ney discount of this order. */
  discount: number;
  contexts: Map<string, ContextStats>;
  counts: Map<string, number>;
}

/** A model with its lookup tables built. */
interface CompiledNgram {
  order: number;
  wordIds: Map<string, number>;
  /**
   * Vocabulary words + end + unknown: the outcomes the lowest order spreads its reserved mass over. Also the
   * unknown word's id, the last.
   */
  outcomes: number;
  /** levels[k − 1] holds the k-grams. */
  levels: Level[];
  vocabulary: readonly string[];
}

const compiledModels = new WeakMap<NgramModel, CompiledNgram>();

/**
 * Trains an n-gram model on `texts` (each one document): counts every n-gram of their words ({@link forEachWord})
 * with the document's end. The model depends only on the multiset of texts, not on their order. O(total length).
 * @throws InvalidInputError when a text is not a string or the order is out of range.
 */
export function trainNgram(texts: readonly string[], options: NgramOptions = {}): NgramModel {
  const order = checkOrder(options.order ?? NGRAM_DEFAULTS.order);
  if (!Array.isArray(texts)) throw new InvalidInputError("The training texts must be an array of strings.");
  const documents = texts.map((text, i) => {
    if (typeof text !== "string") throw new InvalidInputError(`texts[${i}] is a ${typeof text}, not a string.`);
    const words: string[] = [];
    forEachWord(text, (word) => words.push(word));
    return words;
  });
  const vocabulary = [...new Set(documents.flat())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const idOf = new Map(vocabulary.map((word, i) => [word, i + FIRST_WORD]));
  const counts = new Map<string, { ids: number[]; count: number }>();
  for (const words of documents) {
    const history = new Array<number>(order - 1).fill(START);
    const add = (id: number) => {
      const ids = [...history, id];
      const key = ids.join(",");
      const seen = counts.get(key);
      if (seen) seen.count++;
      else counts.set(key, { ids, count: 1 });
      history.push(id);
      history.shift();
    };
    for (const word of words) add(idOf.get(word)!);
    add(END);
  }
  const grams = [...counts.values()].sort((a, b) => compareIds(a.ids, b.ids)).flatMap((g) => [...g.ids, g.count]);
  return { format: NGRAM_FORMAT, order, vocabulary, grams };
}

/**
 * Generates a continuation of `prompt`: its last n − 1 words (fewer, padded as a document start) are the context,
 * then words are drawn one at a time from the model's smoothed distribution until it draws the end of a document
 * or `maxWords` are drawn. Returns the generated words (not the prompt) joined by single spaces.
 *
 * Sampling is exact for the interpolated distribution: at the longest order whose context was seen, a seen
 * continuation is drawn with its discounted share, else the draw moves to the next shorter context; below the
 * unigrams every word and the end are equally likely (an unknown word is never drawn). Deterministic for a seed.
 *
 * @throws MalformedModelFileError when `model` is malformed; InvalidInputError for a bad option or prompt.
 */
export function generateText(model: NgramModel, prompt: string, options: GenerateTextOptions = {}): string {
  const m = compiled(model);
  const maxWords = options.maxWords ?? NGRAM_DEFAULTS.maxWords;
  const seed = options.seed ?? 0;
  if (typeof prompt !== "string") throw new InvalidInputError(`The prompt is a ${typeof prompt}, not a string.`);
  if (!Number.isSafeInteger(maxWords) || maxWords < 0) {
    throw new InvalidInputError(`maxWords must be an integer ≥ 0, not ${String(maxWords)}.`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new InvalidInputError(`The seed must be an integer in [0, 2^32), not ${String(seed)}.`);
  }
  const random = seededRandom(seed);
  const history = historyOf(m, prompt);
  const out: string[] = [];
  while (out.length < maxWords) {
    const id = sample(m, history, random);
    if (id === END) break;
    out.push(m.vocabulary[id - FIRST_WORD]);
    push(history, id);
  }
  return out.join(" ");
}

/**
 * The model's per-token perplexity on `texts`: exp of the mean negative log-probability of each text's words and
 * its end, every text starting as a document. Words the model never saw get the share of the lowest order's
 * reserved mass that goes to "unknown", so the result is finite for any text. O(total length × order).
 * @throws MalformedModelFileError when `model` is malformed; InvalidInputError when `texts` is empty.
 */
export function perplexity(model: NgramModel, texts: readonly string[]): number {
  const m = compiled(model);
  if (!Array.isArray(texts) || texts.length === 0) {
    throw new InvalidInputError("Perplexity needs at least one text.");
  }
  let logSum = 0;
  let tokens = 0;
  for (const text of texts) {
    if (typeof text !== "string") throw new InvalidInputError(`A text is a ${typeof text}, not a string.`);
    const history = new Array<number>(m.order - 1).fill(START);
    const score = (id: number) => {
      logSum += Math.log(probability(m, history, id));
      tokens++;
      push(history, id);
    };
    forEachWord(text, (word) => score(idOf(m, word)));
    score(END);
  }
  return Math.exp(-logSum / tokens);
}

/**
 * P(`word` | the words of `context`), `word` undefined for the end of the document: the distribution
 * {@link generateText} samples from and {@link perplexity} scores with. Over the vocabulary, the end and one
 * "unknown word" (any word not in the vocabulary has that share), it sums to 1.
 * @throws MalformedModelFileError when `model` is malformed.
 */
export function wordProbability(model: NgramModel, context: string, word: string | undefined): number {
  const m = compiled(model);
  if (typeof context !== "string") throw new InvalidInputError(`The context is a ${typeof context}, not a string.`);
  if (word !== undefined && typeof word !== "string") {
    throw new InvalidInputError(`The word is a ${typeof word}, not a string (or undefined for the end).`);
  }
  return probability(m, historyOf(m, context), word === undefined ? END : idOf(m, word));
}

/** P(id | history) under interpolated Kneser–Ney, from the lowest order up. */
function probability(m: CompiledNgram, history: readonly number[], id: number): number {
  let p = 1 / m.outcomes;
  for (let k = 1; k <= m.order; k++) {
    const level = m.levels[k - 1];
    const context = history.slice(history.length - (k - 1)).join(",");
    const stats = level.contexts.get(context);
    if (!stats) continue;
    const count = level.counts.get(context === "" ? String(id) : `${context},${id}`) ?? 0;
    p = (Math.max(count - level.discount, 0) + level.discount * stats.words.length * p) / stats.total;
  }
  return p;
}

/** Draws the next token id from P(· | history), never the unknown word. */
function sample(m: CompiledNgram, history: readonly number[], random: () => number): number {
  for (let k = m.order; k >= 1; k--) {
    const level = m.levels[k - 1];
    const stats = level.contexts.get(history.slice(history.length - (k - 1)).join(","));
    if (!stats) continue;
    let u = random() * stats.total;
    for (let j = 0; j < stats.words.length; j++) {
      // Discounts are below 1 and counts at least 1, so every seen continuation keeps a positive share.
      u -= stats.counts[j] - level.discount;
      if (u < 0) return stats.words[j];
    }
  }
  // The reserved mass of the unigrams: uniform over the words and the end.
  const pick = Math.floor(random() * (m.outcomes - 1));
  return pick === 0 ? END : pick + 1;
}

/** The token id of `word`; the unknown word's (vocabulary.length + 2) when it is not in the vocabulary. */
function idOf(m: CompiledNgram, word: string): number {
  return m.wordIds.get(word) ?? m.outcomes;
}

/** The context after `text` as the start of a document: its last n − 1 words, padded at the front. */
function historyOf(m: CompiledNgram, text: string): number[] {
  const history = new Array<number>(m.order - 1).fill(START);
  forEachWord(text, (word) => push(history, idOf(m, word)));
  return history;
}

function push(history: number[], id: number): void {
  if (history.length === 0) return;
  history.shift();
  history.push(id);
}

/** The model's lookup tables, built once per model object (models are plain JSON: do not change one after use). */
function compiled(model: NgramModel): CompiledNgram {
  const cached = compiledModels.get(model);
  if (cached) return cached;
  checkNgramModel(model);
  const { order, vocabulary, grams } = model;
  const width = order + 1;
  // Raw counts per order: the n-grams' own, then each shorter gram's as the sum over the longer ones ending with it.
  const levels: Level[] = new Array(order);
  let raw = new Map<string, number>();
  for (let g = 0; g < grams.length; g += width) raw.set(grams.slice(g, g + order).join(","), grams[g + order]);
  for (let k = order; k >= 1; k--) {
    levels[k - 1] = { discount: 0, contexts: new Map(), counts: raw };
    const shorter = new Map<string, number>();
    if (k > 1) {
      for (const [key, count] of raw) {
        const suffix = key.slice(key.indexOf(",") + 1);
        shorter.set(suffix, (shorter.get(suffix) ?? 0) + count);
      }
    }
    raw = shorter;
  }
  // Kneser–Ney's adjusted counts: below the top order, a gram counts the distinct words seen before it, except a
  // gram that begins a document, before which only padding can stand: it keeps its raw count.
  for (let k = order; k > 1; k--) {
    const leftWords = new Map<string, number>();
    for (const key of levels[k - 1].counts.keys()) {
      const suffix = key.slice(key.indexOf(",") + 1);
      leftWords.set(suffix, (leftWords.get(suffix) ?? 0) + 1);
    }
    const below = levels[k - 2].counts;
    for (const key of below.keys()) if (!key.startsWith(`${START},`)) below.set(key, leftWords.get(key)!);
  }
  for (let k = 1; k <= order; k++) {
    const level = levels[k - 1];
    let once = 0;
    let twice = 0;
    const entries = [...level.counts].map(([key, count]) => {
      if (count === 1) once++;
      else if (count === 2) twice++;
      const cut = key.lastIndexOf(",");
      return { context: cut < 0 ? "" : key.slice(0, cut), word: Number(key.slice(cut + 1)), count };
    });
    // Chen & Goodman's estimate n1 / (n1 + 2·n2), kept within [0.1, 0.9] so that every order reserves some mass
    // and keeps some for what it saw.
    const estimate = once + twice === 0 ? 0.5 : once / (once + 2 * twice);
    level.discount = Math.min(0.9, Math.max(0.1, estimate));
    entries.sort((a, b) => a.word - b.word);
    for (const { context, word, count } of entries) {
      let stats = level.contexts.get(context);
      if (!stats) level.contexts.set(context, (stats = { total: 0, words: [], counts: [] }));
      stats.total += count;
      stats.words.push(word);
      stats.counts.push(count);
    }
  }
  const result: CompiledNgram = {
    order,
    wordIds: new Map(vocabulary.map((word, i) => [word, i + FIRST_WORD])),
    outcomes: vocabulary.length + 2,
    levels,
    vocabulary,
  };
  compiledModels.set(model, result);
  return result;
}

const MODEL_SCHEMA = z.strictObject({
  format: z.literal(NGRAM_FORMAT),
  order: z
    .number()
    .int("must be an integer.")
    .min(1, "must be at least 1.")
    .max(MAX_NGRAM_ORDER, `must be at most ${MAX_NGRAM_ORDER}.`),
  vocabulary: z.array(z.string().min(1, "must not be empty.")),
  grams: z.array(z.number()),
});

/**
 * Checks that `model` is a well-formed {@link NgramModel} and returns it: the vocabulary sorted and distinct, each
 * n-gram's ids in range with padding only at its start and the end only last, counts positive integers, the n-grams
 * distinct and in order. O(size of the model).
 * @throws MalformedModelFileError naming the first bad field.
 */
export function checkNgramModel(model: unknown): NgramModel {
  const parsed = MODEL_SCHEMA.safeParse(model);
  if (!parsed.success) throw new MalformedModelFileError(...describeZodIssue(parsed.error.issues[0], "the model"));
  const { order, vocabulary, grams } = parsed.data;
  for (let i = 1; i < vocabulary.length; i++) {
    if (!(vocabulary[i - 1] < vocabulary[i])) {
      throw new MalformedModelFileError(`vocabulary[${i}]`, "the vocabulary must be distinct and sorted.");
    }
  }
  const width = order + 1;
  if (grams.length === 0 || grams.length % width !== 0) {
    throw new MalformedModelFileError("grams", `must hold n-grams of ${order} ids and a count, at least one.`);
  }
  const lastId = vocabulary.length + 1;
  for (let g = 0; g < grams.length; g += width) {
    let padding = true;
    for (let j = 0; j < order; j++) {
      const id = grams[g + j];
      const path = `grams[${g + j}]`;
      if (!Number.isInteger(id) || id < 0 || id > lastId) {
        throw new MalformedModelFileError(path, `token id ${id} is not in [0, ${lastId}].`);
      }
      if (id === START && (!padding || j === order - 1)) {
        throw new MalformedModelFileError(path, "the start padding may only begin an n-gram's context.");
      }
      if (id === END && j < order - 1) throw new MalformedModelFileError(path, "the end may only end an n-gram.");
      padding &&= id === START;
    }
    const count = grams[g + order];
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new MalformedModelFileError(`grams[${g + order}]`, `the count ${count} is not a positive integer.`);
    }
    if (g > 0 && compareIds(grams.slice(g - width, g - 1), grams.slice(g, g + order)) >= 0) {
      throw new MalformedModelFileError(`grams[${g}]`, "the n-grams must be distinct and in increasing order.");
    }
  }
  return model as NgramModel;
}

function checkOrder(order: number): number {
  if (!Number.isInteger(order) || order < 1 || order > MAX_NGRAM_ORDER) {
    throw new InvalidInputError(`The n-gram order must be an integer from 1 to ${MAX_NGRAM_ORDER}, not ${order}.`);
  }
  return order;
}

function compareIds(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
