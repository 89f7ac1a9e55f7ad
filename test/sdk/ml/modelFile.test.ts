import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { MalformedModelFileError } from "../../../sdk/src";
import { modelFileHash, readModelFile, serializeModelFile, trainNgram, trainTextClassifier } from "../../../sdk/src/ml";

const classifier = trainTextClassifier(
  [
    { text: "cheap pills now", label: 1 },
    { text: "lunch at noon", label: 0 },
  ],
  { dimension: 8 },
);
const generator = trainNgram(["the cat sat", "the dog ran"], { order: 2 });

describe("Model files", function () {
  it("serialize as canonical JSON: keys sorted, no whitespace, whatever the key order of the object", function () {
    const text = serializeModelFile(classifier);
    expect(text.startsWith('{"bias":')).to.equal(true);
    expect(text).to.not.match(/\s/);
    const reordered = Object.fromEntries(Object.entries(classifier).reverse()) as typeof classifier;
    expect(serializeModelFile(reordered)).to.equal(text);
  });

  it("hash as keccak256 of the file's bytes, the hash a model version registers", function () {
    for (const model of [classifier, generator]) {
      expect(modelFileHash(model)).to.equal(keccak256(toUtf8Bytes(serializeModelFile(model))));
    }
    expect(modelFileHash(classifier)).to.not.equal(modelFileHash({ ...classifier, bias: classifier.bias + 1 }));
  });

  it("read back as the model they were written from, from text or parsed JSON", function () {
    expect(readModelFile(serializeModelFile(classifier))).to.deep.equal(classifier);
    expect(readModelFile(JSON.parse(serializeModelFile(generator)))).to.deep.equal(generator);
  });

  for (const [what, file, path] of [
    ["text that is not JSON", "{", "the file"],
    ["an unknown format", { format: "onnx" }, "format"],
    ["a value that is not an object", 7, "the model"],
    ["an unknown field", { ...classifier, extra: 1 }, "extra"],
    ["a weight that is not a number", { ...classifier, weights: [...classifier.weights.slice(1), "x"] }, "weights[7]"],
  ] as const) {
    it(`refuse ${what}, naming ${path}`, function () {
      let error: unknown;
      try {
        readModelFile(file);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(MalformedModelFileError);
      expect((error as MalformedModelFileError).path).to.equal(path);
    });
  }

  it("refuse to serialize a malformed model", function () {
    expect(() => serializeModelFile({ ...classifier, bias: Infinity })).to.throw(MalformedModelFileError, /bias/);
  });
});
