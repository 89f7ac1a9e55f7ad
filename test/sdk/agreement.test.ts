import { expect } from "chai";
import { InvalidInputError, fleissKappa } from "../../sdk/src";

describe("SDK fleissKappa", function () {
  it("gives Fleiss' worked example: 10 items, 14 raters, 5 categories, kappa 0.210", function () {
    // Fleiss (1971)'s table as textbooks reproduce it: P̄ = 0.378, P̄e = 0.213.
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const result = fleissKappa(table);
    expect(result.items).to.equal(10);
    expect(result.ratings).to.equal(140);
    expect(result.observed).to.be.closeTo(0.378, 0.0005);
    expect(result.expected).to.be.closeTo(0.213, 0.0005);
    expect(result.kappa).to.be.closeTo(0.21, 0.0005);
  });

  it("takes items with different numbers of raters, leaving out those rated once", function () {
    // P = 1, 1, 0 (P̄ = 2/3); shares 3/7 and 4/7 (P̄e = 25/49): kappa = 23/72 exactly.
    const result = fleissKappa([
      [2, 0],
      [0, 3],
      [1, 1],
      [1, 0],
    ]);
    expect(result.items).to.equal(3);
    expect(result.ratings).to.equal(7);
    expect(result.kappa).to.be.closeTo(23 / 72, 1e-12);
  });

  it("is 1 for perfect agreement across categories and negative for systematic disagreement", function () {
    expect(
      fleissKappa([
        [3, 0],
        [0, 3],
        [3, 0],
      ]).kappa,
    ).to.be.closeTo(1, 1e-12);
    expect(
      fleissKappa([
        [1, 1],
        [1, 1],
        [1, 1],
      ]).kappa,
    ).to.be.lessThan(0);
  });

  it("is null when nothing was rated twice or every rating fell in one category", function () {
    expect(fleissKappa([]).kappa).to.equal(null);
    expect(
      fleissKappa([
        [1, 0],
        [0, 1],
      ]).kappa,
    ).to.equal(null);
    expect(
      fleissKappa([
        [2, 0],
        [3, 0],
      ]).kappa,
    ).to.equal(null);
  });

  it("refuses ragged rows and counts that are not non-negative integers", function () {
    expect(() => fleissKappa([[1, 1], [1]])).to.throw(InvalidInputError, "categories");
    expect(() => fleissKappa([[1, -1]])).to.throw(InvalidInputError, "non-negative integers");
    expect(() => fleissKappa([[1.5, 1]])).to.throw(InvalidInputError, "non-negative integers");
  });
});
