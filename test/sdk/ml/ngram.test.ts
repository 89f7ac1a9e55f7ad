import { expect } from "chai";
import { InvalidInputError, MalformedModelFileError, buildSpanIndex, tokenizeWords } from "../../../sdk/src";
import {
  NGRAM_DEFAULTS,
  formatLabelled,
  generateText,
  mailBody,
  perplexity,
  readModelFile,
  spanCoverage,
  trainNgram,
  wordProbability,
} from "../../../sdk/src/ml";
import type { NgramModel, SpanCoverage } from "../../../sdk/src/ml";
import { printTable } from "../../../scripts/lib/ui";
import { loadEmails } from "../../helpers/corpus";
import { seededRandom, shuffled } from "../../helpers/random";

const TEXTS = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog met on the mat", "the bird sang"];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

describe("N-gram language model", function () {
  describe("training", function () {
    it("counts each n-gram of the words with the document's end, padded at the start", function () {
      const model = trainNgram(["B a b", "a"], { order: 2 });
      expect(model.vocabulary).to.deep.equal(["a", "b"]);
      // Ids: 0 start, 1 end, "a" 2, "b" 3.
      expect(model.grams).to.deep.equal([0, 2, 1, 0, 3, 1, 2, 1, 1, 2, 3, 1, 3, 1, 1, 3, 2, 1]);
    });

    it("depends on the texts, not on their order", function () {
      const reversed = [...TEXTS].reverse();
      expect(trainNgram(reversed, { order: 3 })).to.deep.equal(trainNgram(TEXTS, { order: 3 }));
    });

    it("refuses an order out of range and a text that is not a string", function () {
      expect(() => trainNgram(TEXTS, { order: 0 })).to.throw(InvalidInputError, /order/);
      expect(() => trainNgram(TEXTS, { order: 9 })).to.throw(InvalidInputError, /order/);
      expect(() => trainNgram([1 as unknown as string])).to.throw(InvalidInputError, /texts\[0\]/);
    });
  });

  describe("probabilities", function () {
    for (const order of [1, 2, 3, 4]) {
      it(`sum to 1 over the words, the end and the unknown word at order ${order}`, function () {
        const model = trainNgram(TEXTS, { order });
        for (const context of ["", "the", "sat on the", "never seen words"]) {
          let sum = wordProbability(model, context, undefined) + wordProbability(model, context, "zebra");
          for (const word of model.vocabulary) sum += wordProbability(model, context, word);
          expect(sum, `after "${context}"`).to.be.closeTo(1, 1e-12);
        }
      });
    }

    it("favours what followed a context in training and keeps some mass for unknown words", function () {
      const model = trainNgram(TEXTS, { order: 3 });
      expect(wordProbability(model, "sat on", "the")).to.be.greaterThan(wordProbability(model, "sat on", "bird"));
      expect(wordProbability(model, "the", "zebra")).to.be.greaterThan(0);
    });

    it("gives a finite perplexity to texts full of unknown words, and a lower one to training-like text", function () {
      const model = trainNgram(TEXTS, { order: 2 });
      const unknown = perplexity(model, ["zebras graze quietly"]);
      expect(unknown).to.be.finite.and.greaterThan(1);
      expect(perplexity(model, ["the cat sat on the mat"])).to.be.lessThan(unknown);
      expect(() => perplexity(model, [])).to.throw(InvalidInputError);
    });
  });

  describe("generation", function () {
    const model = trainNgram(TEXTS, { order: 2 });

    it("repeats for a seed and varies across seeds", function () {
      const texts = Array.from({ length: 8 }, (_, seed) => generateText(model, "the", { seed, maxWords: 12 }));
      expect(generateText(model, "the", { seed: 3, maxWords: 12 })).to.equal(texts[3]);
      expect(new Set(texts).size).to.be.greaterThan(1);
    });

    it("stops at maxWords or at the end of a document, and writes known words only", function () {
      for (let seed = 0; seed < 20; seed++) {
        const words = tokenizeWords(generateText(model, "a zebra", { seed, maxWords: 5 })).map((t) => t.word);
        expect(words.length).to.be.at.most(5);
        for (const word of words) expect(model.vocabulary).to.include(word);
      }
      expect(generateText(model, "the", { maxWords: 0 })).to.equal("");
    });

    it("refuses a bad seed, a bad maxWords and a prompt that is not a string", function () {
      expect(() => generateText(model, "the", { seed: -1 })).to.throw(InvalidInputError, /seed/);
      expect(() => generateText(model, "the", { seed: 2 ** 32 })).to.throw(InvalidInputError, /seed/);
      expect(() => generateText(model, "the", { maxWords: 1.5 })).to.throw(InvalidInputError, /maxWords/);
      expect(() => generateText(model, 7 as unknown as string)).to.throw(InvalidInputError, /prompt/);
    });
  });

  describe("model file checks", function () {
    const model = trainNgram(["a b", "b a"], { order: 2 });
    const tampered = (change: Partial<NgramModel>) => ({ ...model, ...change });

    for (const [what, change, path] of [
      ["an unsorted vocabulary", { vocabulary: ["b", "a"] }, "vocabulary[1]"],
      ["a count of zero", { grams: [0, 2, 0] }, "grams[2]"],
      ["a token id out of range", { grams: [0, 9, 1] }, "grams[1]"],
      ["the start padding as the word predicted", { grams: [2, 0, 1] }, "grams[1]"],
      ["the end inside a context", { grams: [1, 2, 1] }, "grams[0]"],
      ["n-grams out of order", { grams: [0, 3, 1, 0, 2, 1] }, "grams[3]"],
      ["a length that is not whole n-grams", { grams: [0, 2] }, "grams"],
      ["an order out of range", { order: 0 }, "order"],
    ] as const) {
      it(`refuses ${what}, naming ${path}`, function () {
        const error = (() => {
          try {
            generateText(tampered(change as Partial<NgramModel>), "a");
          } catch (e) {
            return e;
          }
        })() as MalformedModelFileError;
        expect(error).to.be.instanceOf(MalformedModelFileError);
        expect(error.path).to.equal(path);
      });
    }

    it("reads its own file back", function () {
      expect(readModelFile(JSON.stringify(model))).to.deep.equal(model);
    });
  });

  describe("on SpamAssassin ham: the demo's order", function () {
    this.timeout(300_000);
    const ORDERS = [2, 3, 4, 5];
    const OUTPUTS = 30;
    const rows = new Map<number, { perplexity: number; coverage: SpanCoverage[]; ms: number }>();

    before(function () {
      const ham = shuffled(
        loadEmails().filter((m) => !m.spam),
        seededRandom(5),
      );
      const training = ham.slice(0, 300);
      const heldOut = ham.slice(300, 400).map((m) => mailBody(m.text));
      // The contributions as the epoch indexes them: labelled mails, spans of at least 3 words.
      const index = buildSpanIndex(
        training.map((m) => ({ id: m.id, text: formatLabelled({ label: "ham", mail: m.text }) })),
        { minTokens: 3 },
      );
      const prompts = heldOut.slice(0, OUTPUTS).map((body) =>
        tokenizeWords(body)
          .slice(0, 4)
          .map((t) => t.word)
          .join(" "),
      );
      for (const order of ORDERS) {
        const started = performance.now();
        const model = trainNgram(
          training.map((m) => mailBody(m.text)),
          { order },
        );
        const ms = performance.now() - started;
        const coverage = prompts.map((prompt, seed) =>
          spanCoverage(index, generateText(model, prompt, { seed, maxWords: NGRAM_DEFAULTS.maxWords })),
        );
        rows.set(order, { perplexity: perplexity(model, heldOut), coverage, ms });
      }
      printTable(
        `N-gram orders on 300 ham bodies: held-out perplexity (100 mails) and ${OUTPUTS} completions of held-out prompts`,
        ["order", "perplexity", "median covered", "median mails", "median top mail", "max top mail", "training"],
        ORDERS.map((order) => {
          const { perplexity, coverage, ms } = rows.get(order)!;
          const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
          return [
            order,
            perplexity.toFixed(1),
            pct(median(coverage.map((c) => c.coveredShare))),
            median(coverage.map((c) => c.contributions)),
            pct(median(coverage.map((c) => c.largestShare))),
            pct(Math.max(...coverage.map((c) => c.largestShare))),
            `${ms.toFixed(0)} ms`,
          ];
        }),
        [1, 2, 3, 4, 5, 6],
      );
    });

    it("gains perplexity from a longer context: finite, and lower at the chosen order than with bigrams", function () {
      for (const order of ORDERS) expect(rows.get(order)!.perplexity).to.be.finite;
      expect(rows.get(NGRAM_DEFAULTS.order)!.perplexity).to.be.lessThan(rows.get(2)!.perplexity);
    });

    it("combines several contributions at the chosen order instead of copying one, mostly in matched spans", function () {
      const { coverage } = rows.get(NGRAM_DEFAULTS.order)!;
      expect(median(coverage.map((c) => c.contributions))).to.be.at.least(3);
      expect(Math.max(...coverage.map((c) => c.largestShare))).to.be.lessThan(0.8);
      expect(median(coverage.map((c) => c.coveredShare))).to.be.at.least(0.5);
    });
  });
});
