import { expect } from "chai";
import {
  DuplicateSpanDocumentError,
  InvalidInputError,
  InvalidSpanDocumentError,
  InvalidSpanOptionsError,
  InvalidSpanQueryError,
  SPAN_INDEX_DEFAULTS,
  buildSpanIndex,
  forEachWord,
  tokenizeWords,
} from "../../../sdk/src";
import type { SpanAttribution, SpanDocument, SpanIndexOptions, SpanMatch } from "../../../sdk/src";
import { loadEmails } from "../../helpers/corpus";
import { seededRandom } from "../../helpers/random";

/* REFERENCE: brute force over plain arrays of words, no suffix array */

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

function referenceWords(text: string): { word: string; start: number; end: number }[] {
  return [...text.matchAll(WORD)].map((m) => ({
    word: m[0].toLowerCase(),
    start: m.index!,
    end: m.index! + m[0].length,
  }));
}

interface ReferenceSpan {
  start: number;
  end: number;
  occurrences: number;
  documentFrequency: number;
  ownedTokens: number;
  weight: number;
  ids: string[];
}

/**
 * Spans and attribution by the definitions, by scanning every position of every document: the longest match from
 * each output word, kept when no other match contains it, filtered, each word given to its longest covering span.
 */
function reference(
  docs: SpanDocument[],
  text: string,
  options: SpanIndexOptions = {},
): { spans: ReferenceSpan[]; attribution: SpanAttribution[] } {
  const minTokens = options.minTokens ?? SPAN_INDEX_DEFAULTS.minTokens;
  const fraction = options.maxDocumentFraction ?? SPAN_INDEX_DEFAULTS.maxDocumentFraction;
  const clusterMap = new Map(Object.entries(options.cluster ?? {}));
  const clusterOf = (id: string) => clusterMap.get(id) ?? id;
  const documents = docs.map((d) => ({ cluster: clusterOf(d.id), words: referenceWords(d.text).map((w) => w.word) }));
  const clusterCount = new Set(documents.map((d) => d.cluster)).size;
  const maxDf = Math.max(1, Math.floor(fraction * clusterCount));
  const output = referenceWords(text).map((w) => w.word);

  const occurrencesOf = (start: number, length: number) => {
    const found: string[] = [];
    for (const doc of documents) {
      for (let p = 0; p + length <= doc.words.length; p++) {
        let j = 0;
        while (j < length && doc.words[p + j] === output[start + j]) j++;
        if (j === length) found.push(doc.cluster);
      }
    }
    return found;
  };
  const longest = output.map((_, i) => {
    let length = 0;
    while (i + length < output.length && occurrencesOf(i, length + 1).length > 0) length++;
    return length;
  });
  const spans: ReferenceSpan[] = [];
  for (let i = 0; i < output.length; i++) {
    const contained = longest.some((length, j) => j < i && j + length >= i + longest[i]);
    if (longest[i] === 0 || contained || longest[i] < minTokens) continue;
    const found = occurrencesOf(i, longest[i]);
    const ids = [...new Set(found)].sort();
    if (ids.length > maxDf) continue;
    spans.push({
      start: i,
      end: i + longest[i],
      occurrences: found.length,
      documentFrequency: ids.length,
      ownedTokens: 0,
      weight: 0,
      ids,
    });
  }
  for (let p = 0; p < output.length; p++) {
    const covering = spans.filter((s) => s.start <= p && p < s.end);
    covering.sort((a, b) => b.end - b.start - (a.end - a.start) || a.documentFrequency - b.documentFrequency);
    if (covering.length > 0) covering[0].ownedTokens++;
  }
  const scores = spans.map((s) => s.ownedTokens * Math.log(1 + clusterCount / s.documentFrequency));
  const total = scores.reduce((a, b) => a + b, 0);
  spans.forEach((s, j) => (s.weight = scores[j] / total));
  const credit = new Map<string, number>();
  for (const s of spans.filter((s) => s.ownedTokens > 0)) {
    for (const id of s.ids) credit.set(id, (credit.get(id) ?? 0) + s.weight / s.ids.length);
  }
  const attribution = [...credit]
    .map(([id, weight]) => ({ id, weight }))
    .sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1));
  return { spans, attribution };
}

/* CHECKS */

const CLOSE = 1e-12;

/** Differences between our spans and the reference's, as readable lines (asserting once is much faster). */
function spanDifferences(actual: SpanMatch[], expected: ReferenceSpan[]): string[] {
  const shown = (s: ReferenceSpan | SpanMatch) =>
    `[${s.start},${s.end}) occ ${s.occurrences} df ${s.documentFrequency} owns ${s.ownedTokens} ids ${s.ids}`;
  const differences: string[] = [];
  for (let j = 0; j < Math.max(actual.length, expected.length); j++) {
    const [a, e] = [actual[j], expected[j]];
    if (!a || !e || shown(a) !== shown(e) || Math.abs(a.weight - e.weight) > CLOSE) {
      differences.push(`${a ? shown(a) + " w " + a.weight : "none"} ≠ ${e ? shown(e) + " w " + e.weight : "none"}`);
    }
  }
  return differences;
}

function attributionDifferences(actual: SpanAttribution[], expected: SpanAttribution[]): string[] {
  const differences: string[] = [];
  if (actual.map((a) => a.id).join() !== expected.map((e) => e.id).join()) {
    differences.push(`order ${actual.map((a) => a.id)} ≠ ${expected.map((e) => e.id)}`);
  }
  actual.forEach((a, j) => {
    if (Math.abs(a.weight - (expected[j]?.weight ?? NaN)) > CLOSE) differences.push(`${a.id}: ${a.weight}`);
  });
  return differences;
}

/** Weights sum to 1, are positive, and come heaviest first with equal weights by id; or the list is empty. */
function shapeProblems(attribution: SpanAttribution[]): string[] {
  if (attribution.length === 0) return [];
  const problems: string[] = [];
  const total = attribution.reduce((sum, a) => sum + a.weight, 0);
  if (Math.abs(total - 1) > 1e-12) problems.push(`weights sum to ${total}`);
  attribution.forEach((a, j) => {
    if (!(a.weight > 0)) problems.push(`${a.id} has weight ${a.weight}`);
    const next = attribution[j + 1];
    if (next && (next.weight > a.weight || (next.weight === a.weight && next.id < a.id))) {
      problems.push(`${next.id} after ${a.id} out of order`);
    }
  });
  return problems;
}

/* RANDOM CORPORA */

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function words(random: () => number, vocabulary: readonly string[], count: number): string {
  return Array.from({ length: count }, () => pick(random, vocabulary)).join(pick(random, [" ", ", ", "\n", " - "]));
}

interface Case {
  docs: SpanDocument[];
  text: string;
  options: SpanIndexOptions;
}

/**
 * A handful of short documents over a tiny vocabulary (so spans repeat across documents), an output mixing those
 * words, different-case copies and novel words, and random options (clusters half the time).
 */
function randomCase(random: () => number): Case {
  const vocabulary = ["a", "b", "c", "d", "e", "f"].slice(0, 2 + Math.floor(random() * 5));
  const docs = Array.from({ length: 1 + Math.floor(random() * 7) }, (_, i) => ({
    id: `doc-${String.fromCharCode(97 + ((i * 5) % 7))}${i}`,
    text: words(random, vocabulary, Math.floor(random() * 25)),
  }));
  const outputWords = [...vocabulary, ...vocabulary.map((w) => w.toUpperCase()), "novel", "zz"];
  const text = words(random, outputWords, Math.floor(random() * 35));
  const options: SpanIndexOptions = {
    minTokens: 1 + Math.floor(random() * 3),
    maxDocumentFraction: pick(random, [0.1, 0.34, 0.5, 0.75, 1]),
  };
  if (random() < 0.5) {
    const cluster: Record<string, string> = {};
    for (const doc of docs) if (random() < 0.5) cluster[doc.id] = pick(random, docs).id;
    options.cluster = cluster;
  }
  return { docs, text, options };
}

describe("span attribution", function () {
  describe("against a brute-force search", function () {
    it("finds the same maximal spans, weights and attribution on 800 random small corpora", function () {
      const random = seededRandom(6_001);
      const failures: string[] = [];
      for (let run = 0; run < 800; run++) {
        const { docs, text, options } = randomCase(random);
        const index = buildSpanIndex(docs, options);
        const expected = reference(docs, text, options);
        const problems = [
          ...spanDifferences(index.attributeSpans(text), expected.spans),
          ...attributionDifferences(index.attribute(text), expected.attribution),
          ...shapeProblems(index.attribute(text)),
        ];
        if (problems.length > 0) failures.push(`${JSON.stringify({ docs, text, options })}: ${problems.join("; ")}`);
      }
      expect(failures).to.deep.equal([]);
    });

    it("finds the same spans on real SpamAssassin mail, and credits the mails an output quotes", function () {
      const emails = loadEmails().filter((e) => e.text.length < 6_000);
      const random = seededRandom(6_002);
      const docs = Array.from({ length: 40 }, () => pick(random, emails)).map((e) => ({ id: e.id, text: e.text }));
      const unique = [...new Map(docs.map((d) => [d.id, d])).values()];
      const [first, second] = [unique[3], unique[17]];
      // Two quoted passages from mail bodies around words no mail has, then three-word snippets of random mails,
      // which give short spans, some common to several mails.
      const body = (text: string) => text.slice(text.indexOf("\n\n") + 2);
      const snippets = Array.from({ length: 30 }, () => {
        const mailWords = body(pick(random, unique).text).split(/\s+/);
        const at = Math.floor(random() * Math.max(1, mailWords.length - 3));
        return mailWords.slice(at, at + 3).join(" ");
      });
      const text =
        "Zorblaxian preface words. " +
        body(first.text).slice(0, 400) +
        " qwertyuiopz flumbergast " +
        body(second.text).slice(0, 250) +
        " glorptastic " +
        snippets.join(" ");
      const options = { minTokens: 2, maxDocumentFraction: 0.2 };
      const index = buildSpanIndex(unique, options);
      const expected = reference(unique, text, options);
      expect(spanDifferences(index.attributeSpans(text), expected.spans)).to.deep.equal([]);
      const attribution = index.attribute(text);
      expect(attributionDifferences(attribution, expected.attribution)).to.deep.equal([]);
      expect(shapeProblems(attribution)).to.deep.equal([]);
      expect(attribution.slice(0, 2).map((a) => a.id)).to.have.members([first.id, second.id]);
    });
  });

  describe("attribute", function () {
    const docs = [
      { id: "b-doc", text: "The red green blue yellow paint dried." },
      { id: "a-doc", text: "Mix red, green, blue, yellow!" },
      { id: "c-doc", text: "Nothing in common here at all." },
      { id: "d-doc", text: "Another unrelated sentence about boats." },
    ];

    it("returns an empty array when nothing matches", function () {
      const index = buildSpanIndex(docs, { minTokens: 2, maxDocumentFraction: 1 });
      expect(index.attribute("entirely novel words only")).to.deep.equal([]);
      expect(index.attribute("")).to.deep.equal([]);
      expect(index.attribute("red zz green zz blue")).to.deep.equal([]);
      expect(buildSpanIndex([]).attribute("red green blue yellow")).to.deep.equal([]);
      expect(buildSpanIndex([{ id: "empty", text: "" }]).attributeSpans("red green blue")).to.deep.equal([]);
    });

    it("splits a span's weight evenly over the documents containing it, equal weights by id", function () {
      const index = buildSpanIndex(docs, { minTokens: 2, maxDocumentFraction: 1 });
      expect(index.attribute("RED green Blue yellow")).to.deep.equal([
        { id: "a-doc", weight: 0.5 },
        { id: "b-doc", weight: 0.5 },
      ]);
      const [span] = index.attributeSpans("so: red green blue yellow");
      expect(span).to.deep.include({ start: 1, end: 5, text: "red green blue yellow", documentFrequency: 2 });
      expect(span.ids).to.deep.equal(["a-doc", "b-doc"]);
    });

    it("drops spans shorter than minTokens", function () {
      const text = "paint dried and boats";
      expect(buildSpanIndex(docs, { minTokens: 3, maxDocumentFraction: 1 }).attribute(text)).to.deep.equal([]);
      expect(buildSpanIndex(docs, { minTokens: 2, maxDocumentFraction: 1 }).attribute(text)).to.deep.equal([
        { id: "b-doc", weight: 1 },
      ]);
    });

    it("drops spans found in more than maxDocumentFraction of the documents", function () {
      const common = [...docs, ...Array.from({ length: 6 }, (_, i) => ({ id: `x${i}`, text: `filler ${i} words` }))];
      // 10 documents: the span is in 2 of them, so a fraction of 0.1 (at most 1) drops it and 0.2 keeps it.
      expect(buildSpanIndex(common, { minTokens: 2, maxDocumentFraction: 0.1 }).attribute("red green")).to.deep.equal(
        [],
      );
      const kept = buildSpanIndex(common, { minTokens: 2, maxDocumentFraction: 0.2 });
      expect(kept.maxDocumentFrequency).to.equal(2);
      expect(kept.attribute("red green").map((a) => a.id)).to.deep.equal(["a-doc", "b-doc"]);
    });

    it("gives each output word only to the longest span covering it", function () {
      const index = buildSpanIndex(
        [
          { id: "long", text: "one two three four five six" },
          { id: "short", text: "five six seven eight" },
          { id: "other", text: "nine ten" },
        ],
        { minTokens: 2, maxDocumentFraction: 1 },
      );
      const spans = index.attributeSpans("one two three four five six seven eight");
      expect(spans.map((s) => [s.start, s.end, s.ownedTokens, s.ids[0]])).to.deep.equal([
        [0, 6, 6, "long"],
        [4, 8, 2, "short"],
      ]);
      // Same rarity (df 1 of 3), so the weights are in proportion to the words owned: 6 to 2.
      const attribution = index.attribute("one two three four five six seven eight");
      expect(attribution.map((a) => a.id)).to.deep.equal(["long", "short"]);
      expect(attribution[0].weight).to.be.closeTo(0.75, 1e-15);
      expect(attribution[1].weight).to.be.closeTo(0.25, 1e-15);
    });

    it("never lets a span cross from one document into the next", function () {
      const index = buildSpanIndex(
        [
          { id: "first", text: "alpha beta gamma" },
          { id: "second", text: "delta epsilon zeta" },
        ],
        { minTokens: 2, maxDocumentFraction: 1 },
      );
      const spans = index.attributeSpans("beta gamma delta epsilon");
      expect(spans.map((s) => [s.start, s.end, s.ids.join()])).to.deep.equal([
        [0, 2, "first"],
        [2, 4, "second"],
      ]);
    });

    it("weighs rare spans above common ones of the same length", function () {
      const index = buildSpanIndex(
        [
          { id: "p", text: "shared phrase here and rare words there" },
          { id: "q", text: "shared phrase here" },
          { id: "r", text: "unrelated" },
        ],
        { minTokens: 2, maxDocumentFraction: 1 },
      );
      const [shared, rare] = index.attributeSpans("shared phrase here, then rare words there");
      expect([shared.documentFrequency, rare.documentFrequency]).to.deep.equal([2, 1]);
      expect(rare.weight / shared.weight).to.be.closeTo(Math.log(1 + 3) / Math.log(1 + 3 / 2), 1e-12);
    });
  });

  describe("the cluster option", function () {
    const docs = [
      { id: "orig", text: "limited time offer act now" },
      { id: "copy", text: "LIMITED time offer, act now!" },
      { id: "other", text: "meeting notes for tuesday" },
      { id: "more", text: "quarterly report attached" },
    ];

    it("counts document frequency by cluster and credits the cluster id once", function () {
      const options = { minTokens: 3, maxDocumentFraction: 0.25 };
      // Four documents, at most one per span: the offer is in two copies, so it is dropped.
      expect(buildSpanIndex(docs, options).attribute("limited time offer act now")).to.deep.equal([]);
      // As one cluster there are three clusters, and the offer is in one of them.
      const index = buildSpanIndex(docs, { ...options, cluster: new Map([["copy", "orig"]]) });
      expect(index.clusterCount).to.equal(3);
      expect(index.attribute("limited time offer act now")).to.deep.equal([{ id: "orig", weight: 1 }]);
      const [span] = index.attributeSpans("limited time offer act now");
      expect(span).to.deep.include({ occurrences: 2, documentFrequency: 1, ids: ["orig"] });
    });

    it("credits the representative named as the cluster id, even when it is not mapped itself", function () {
      const index = buildSpanIndex(docs, { minTokens: 3, maxDocumentFraction: 1, cluster: { orig: "copy" } });
      expect(index.attribute("time offer act")).to.deep.equal([{ id: "copy", weight: 1 }]);
    });
  });

  describe("tokenizer", function () {
    it("cuts and lower-cases words as a Unicode regular expression does", function () {
      const pieces = [
        "a",
        "Z",
        "9",
        " ",
        ".",
        "é",
        "É",
        "e\u0301",
        "İ",
        "Σ",
        "ß",
        "日本",
        "٣",
        "²",
        "😀",
        "𝐀",
        "\ud800",
        "-",
        "_",
      ];
      const random = seededRandom(6_003);
      const failures: string[] = [];
      for (let run = 0; run < 2_000; run++) {
        const text = Array.from({ length: Math.floor(random() * 20) }, () => pick(random, pieces)).join("");
        const ours = tokenizeWords(text);
        if (JSON.stringify(ours) !== JSON.stringify(referenceWords(text))) failures.push(JSON.stringify(text));
      }
      expect(failures).to.deep.equal([]);
    });

    it("matches across case and punctuation, and visits words in order with their offsets", function () {
      const index = buildSpanIndex([{ id: "x", text: "Hello, WORLD of spans" }], { minTokens: 2 });
      expect(index.attribute("hello world")).to.deep.equal([{ id: "x", weight: 1 }]);
      const seen: string[] = [];
      forEachWord("Ab, cd!", (word, start, end) => seen.push(`${word}@${start}-${end}`));
      expect(seen).to.deep.equal(["ab@0-2", "cd@4-6"]);
    });
  });

  describe("errors", function () {
    it("rejects malformed or duplicate documents", function () {
      expect(() => buildSpanIndex("nope" as never)).to.throw(InvalidSpanDocumentError);
      expect(() => buildSpanIndex([null as never])).to.throw(InvalidSpanDocumentError, "Document 0");
      expect(() => buildSpanIndex([{ id: 1, text: "" } as never])).to.throw(InvalidSpanDocumentError, "id");
      expect(() => buildSpanIndex([{ id: "a", text: 2 } as never])).to.throw(InvalidSpanDocumentError, "text");
      const duplicate = [
        { id: "a", text: "x" },
        { id: "a", text: "y" },
      ];
      expect(() => buildSpanIndex(duplicate)).to.throw(DuplicateSpanDocumentError, "documents 0 and 1");
    });

    it("rejects options out of range and clusters naming unknown documents", function () {
      const docs = [{ id: "a", text: "x y z" }];
      for (const minTokens of [0, 1.5, -2, NaN]) {
        expect(() => buildSpanIndex(docs, { minTokens }), String(minTokens)).to.throw(InvalidSpanOptionsError);
      }
      for (const maxDocumentFraction of [0, -0.5, 1.5, NaN]) {
        expect(() => buildSpanIndex(docs, { maxDocumentFraction })).to.throw(InvalidSpanOptionsError);
      }
      expect(() => buildSpanIndex(docs, { cluster: { b: "a" } })).to.throw(InvalidSpanOptionsError, '"b"');
      expect(() => buildSpanIndex(docs, { cluster: { a: 3 as never } })).to.throw(InvalidInputError, "not a string");
    });

    it("rejects a text that is not a string", function () {
      const index = buildSpanIndex([{ id: "a", text: "x y z" }]);
      expect(() => index.attribute(42 as never)).to.throw(InvalidSpanQueryError);
      expect(() => index.attributeSpans(undefined as never)).to.throw(InvalidSpanQueryError);
    });
  });
});
