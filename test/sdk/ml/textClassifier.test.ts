import { expect } from "chai";
import { InvalidInputError, LogisticSingleClassError, MalformedModelFileError, hashedFeatures } from "../../../sdk/src";
import {
  TEXT_CLASSIFIER_DEFAULTS,
  classifierAccuracy,
  classifyText,
  formatLabelled,
  parseLabelled,
  spamBit,
  trainTextClassifier,
} from "../../../sdk/src/ml";
import type { TextClassifierModel, TextExample } from "../../../sdk/src/ml";
import { loadEmails } from "../../helpers/corpus";
import { seededRandom, shuffled } from "../../helpers/random";

/** SpamAssassin mails in a seeded order, as labelled contributions read back into examples (features of the mail only). */
function labelledExamples(): TextExample[] {
  return shuffled(loadEmails(), seededRandom(1)).map((m) => {
    const { label, mail } = parseLabelled(formatLabelled({ label: m.spam ? "spam" : "ham", mail: m.text }));
    return { text: mail, label: spamBit(label) };
  });
}

describe("Text classifier", function () {
  this.timeout(120_000);

  describe("on SpamAssassin", function () {
    let examples: TextExample[];
    let model: TextClassifierModel;
    let trainingMs: number;

    before(function () {
      examples = labelledExamples();
      const started = performance.now();
      model = trainTextClassifier(examples.slice(0, 300));
      trainingMs = performance.now() - started;
    });

    it("labels more than 90% of 1,000 held-out mails correctly after training on 300, in seconds", function () {
      const accuracy = classifierAccuracy(model, examples.slice(300, 1_300));
      console.log(
        `      held-out accuracy ${(accuracy * 100).toFixed(1)}% (300 training mails, d = ${model.dimension}, ` +
          `l2 = ${model.l2}), training ${(trainingMs / 1000).toFixed(2)} s`,
      );
      expect(accuracy).to.be.greaterThan(0.9);
      expect(trainingMs).to.be.lessThan(30_000);
    });

    it("writes a plain JSON model with the default dimension and penalty", function () {
      expect(model).to.include({ format: "text-classifier-v1", ...TEXT_CLASSIFIER_DEFAULTS });
      expect(model.weights).to.have.length(TEXT_CLASSIFIER_DEFAULTS.dimension);
      expect(JSON.parse(JSON.stringify(model))).to.deep.equal(model);
    });

    it("gives the probability of spam, the label it implies and the features it read", function () {
      const { text } = examples[300];
      const result = classifyText(model, text);
      expect(result.probability).to.be.within(0, 1);
      expect(result.label).to.equal(result.probability >= 0.5 ? 1 : 0);
      expect(result.features).to.deep.equal(hashedFeatures(text, { dimension: model.dimension }));
    });
  });

  it("trains the same model from the same examples, bit for bit", function () {
    const examples = labelledExamples().slice(0, 60);
    const options = { dimension: 64, l2: 0.5 };
    expect(trainTextClassifier(examples, options)).to.deep.equal(trainTextClassifier(examples, options));
  });

  it("refuses examples without a text or with a label other than 0 or 1", function () {
    expect(() => trainTextClassifier([{ text: 1 as unknown as string, label: 0 }])).to.throw(InvalidInputError, /text/);
    expect(() => trainTextClassifier([{ text: "x", label: 2 as 0 }])).to.throw(InvalidInputError, /label is 2/);
  });

  it("refuses examples of one class only", function () {
    expect(() =>
      trainTextClassifier([
        { text: "a b", label: 1 },
        { text: "c", label: 1 },
      ]),
    ).to.throw(LogisticSingleClassError);
  });

  it("refuses to classify with a malformed model, naming the field", function () {
    const model = trainTextClassifier(
      [
        { text: "cheap pills now", label: 1 },
        { text: "lunch at noon", label: 0 },
      ],
      { dimension: 8 },
    );
    const short = { ...model, weights: model.weights.slice(1) };
    expect(() => classifyText(short, "x")).to.throw(MalformedModelFileError, /weights/);
    const wrongDimension = { ...model, dimension: 6 };
    expect(() => classifyText(wrongDimension, "x")).to.throw(MalformedModelFileError, /power of two/);
    expect(() => classifierAccuracy(model, [])).to.throw(InvalidInputError);
  });
});
