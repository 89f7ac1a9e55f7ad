import { expect } from "chai";
import { InvalidInputError, denseOf, hashedFeatures } from "../../../sdk/src";

describe("hashedFeatures", function () {
  it("counts words into buckets as ln(1 + count), scaled to length 1", function () {
    const v = hashedFeatures("Win win WIN money", { dimension: 1024 });
    const dense = denseOf(v, 1024);
    const norm = Math.hypot(...dense);
    expect(norm).to.be.closeTo(1, 1e-12);
    const win = hashedFeatures("win", { dimension: 1024 }).indices[0];
    const money = hashedFeatures("money", { dimension: 1024 }).indices[0];
    expect(dense[win] / dense[money]).to.be.closeTo(Math.log1p(3) / Math.log1p(1), 1e-12);
  });

  it("sorts the buckets and gives the empty vector for a text without words", function () {
    const v = hashedFeatures("the quick brown fox jumps over the lazy dog", { dimension: 16 });
    for (let k = 1; k < v.indices.length; k++) expect(v.indices[k]).to.be.greaterThan(v.indices[k - 1]);
    expect(hashedFeatures(" ,.; ").indices.length).to.equal(0);
  });

  it("is the same for a case-changed copy and differs between texts", function () {
    expect(denseOf(hashedFeatures("Hello World"), 1024)).to.deep.equal(denseOf(hashedFeatures("hello world"), 1024));
    expect(denseOf(hashedFeatures("hello world"), 1024)).to.not.deep.equal(denseOf(hashedFeatures("goodbye"), 1024));
  });

  it("refuses a dimension that is not a power of two", function () {
    expect(() => hashedFeatures("x", { dimension: 1000 })).to.throw(InvalidInputError, /power of two/);
    expect(() => hashedFeatures("x", { dimension: 1 })).to.throw(InvalidInputError);
  });
});
