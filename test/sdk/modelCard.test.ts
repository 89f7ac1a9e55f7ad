import { expect } from "chai";
import {
  MODEL_CARD_FORMAT,
  MalformedLabelledMailError,
  MalformedModelCardError,
  readModelCard,
  serializeModelCard,
} from "../../sdk/src";
import type { ModelCard } from "../../sdk/src";
import { denseOf, hashedFeatures } from "../../sdk/src";
import { exampleOf, formatLabelled } from "../../sdk/src/ml";
import { thrown } from "../helpers/rejection";

const CLASSIFIER: ModelCard = {
  format: MODEL_CARD_FORMAT,
  name: "spam classifier",
  attribution: {
    kind: "logistic-influence",
    l2: 0.1,
    validationURI: "ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
    validationHash: `0x${"ab".repeat(32)}`,
    examples: { kind: "labelled-mail", features: "hashed-words", dimension: 1024 },
  },
};

describe("Model cards", function () {
  it("read back what they serialize, as text or as a value", function () {
    const spans: ModelCard = { format: MODEL_CARD_FORMAT, name: "generator", attribution: { kind: "spans" } };
    for (const card of [spans, CLASSIFIER]) {
      expect(readModelCard(serializeModelCard(card))).to.deep.equal(card);
      expect(readModelCard(JSON.parse(serializeModelCard(card)))).to.deep.equal(card);
    }
  });

  it("refuse text that is not JSON, and a missing, unknown or out-of-range field, naming it", function () {
    const attribution = CLASSIFIER.attribution as Extract<ModelCard["attribution"], { kind: "logistic-influence" }>;
    const cases: [unknown, string][] = [
      ["{ not json", "(the card)"],
      [{ ...CLASSIFIER, format: "model-card-v0" }, "format"],
      [{ ...CLASSIFIER, name: "" }, "name"],
      [{ ...CLASSIFIER, price: 3 }, "price"],
      [{ ...CLASSIFIER, attribution: { kind: "lasso" } }, "attribution.kind"],
      [{ ...CLASSIFIER, attribution: { ...attribution, l2: 0 } }, "attribution.l2"],
      [{ ...CLASSIFIER, attribution: { ...attribution, validationURI: "https://x" } }, "attribution.validationURI"],
      [{ ...CLASSIFIER, attribution: { ...attribution, validationHash: "0x12" } }, "attribution.validationHash"],
      [
        { ...CLASSIFIER, attribution: { ...attribution, examples: { ...attribution.examples, dimension: 1000 } } },
        "attribution.examples.dimension",
      ],
    ];
    for (const [card, path] of cases) {
      const error = thrown(() => readModelCard(card), MalformedModelCardError);
      expect(error.path, JSON.stringify(card)).to.equal(path);
      expect(error.message).to.contain(`Model card, ${path}:`);
    }
  });
});

describe("exampleOf", function () {
  it("makes a labelled mail's label bit and the hashed words of its mail, as the classifier is trained on them", function () {
    const mail = "Subject: offer\n\nCheap watches, buy now, limited offer";
    const example = exampleOf(formatLabelled({ label: "spam", mail }), {
      kind: "labelled-mail",
      features: "hashed-words",
      dimension: 64,
    });
    expect(example).to.deep.equal({ label: 1, features: denseOf(hashedFeatures(mail, { dimension: 64 }), 64) });
    expect(() =>
      exampleOf("no label here", { kind: "labelled-mail", features: "hashed-words", dimension: 64 }),
    ).to.throw(MalformedLabelledMailError);
  });
});
