import { readFileSync } from "node:fs";
import path from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import {
  InvalidOfferingTermsError,
  allocateByAmounts,
  attributeEpoch,
  contributorShareTree,
  readEpochReport,
} from "../../../sdk/src";
import type { EpochReport } from "../../../sdk/src";
import { address, indexedContributions, spansEpoch, textSettlement, versionOf } from "../../helpers/epochReference";

const E18 = 10n ** 18n;
const ALICE = address("a1");
const BOB = address("b2");
const CAROL = address("c3");
const ownWords = (id: string, length: number) => Array.from({ length }, (_, k) => `${id}w${k}`).join(" ");
const quoting = (id: string) => `novel words here ${ownWords(id, 20)} and more novel words`;
const CONTRIBUTIONS = indexedContributions([
  { id: "A", datanetId: 1n, contributor: ALICE, text: ownWords("A", 60) },
  { id: "B", datanetId: 1n, contributor: BOB, text: ownWords("B", 60) },
  { id: "C", datanetId: 1n, contributor: CAROL, text: ownWords("C", 60) },
]);

/** An epoch-report-v2 of two models on Datanet 1: model 1's settlement pays Alice and Bob, model 2's pays Carol. */
function twoModelReport(): EpochReport {
  const trainedOn = [versionOf(1n, CONTRIBUTIONS)];
  return attributeEpoch(
    spansEpoch(
      CONTRIBUTIONS,
      [
        textSettlement("s1", 9_000n, [
          { id: "r1", output: quoting("A"), calls: 2n },
          { id: "r2", output: quoting("B") },
        ]),
        textSettlement("s2", 5_000n, [{ id: "r3", output: quoting("C") }], { modelId: 2n }),
      ],
      {
        models: [
          { modelId: 1n, version: 1, trainedOn },
          { modelId: 2n, version: 1, trainedOn },
        ],
      },
    ),
  ) as EpochReport;
}

const fixture = (name: string) =>
  readEpochReport(readFileSync(path.join(__dirname, "../../fixtures/reports", name), "utf8"));

describe("contributorShareTree", function () {
  it("allocates by what the model's own settlements paid each account in a v2 report", function () {
    const report = twoModelReport();
    const tree = contributorShareTree({ reports: [report], modelId: 1n, sharesForContributors: 900n * E18 });
    expect(tree.rule).to.equal("attribution");
    expect(tree.entries).to.deep.equal([
      { account: ALICE, weight: 6_000n, shares: 600n * E18 },
      { account: BOB, weight: 3_000n, shares: 300n * E18 },
    ]);
    const other = contributorShareTree({ reports: [report], modelId: 2n, sharesForContributors: 7n });
    expect(other.entries).to.deep.equal([{ account: CAROL, weight: 5_000n, shares: 7n }]);
  });

  it("builds the reward tree's encoding, the same root as OpenZeppelin's StandardMerkleTree", function () {
    const tree = contributorShareTree({ reports: [twoModelReport()], modelId: 1n, sharesForContributors: 10n });
    const reference = StandardMerkleTree.of(
      tree.entries.map((e) => [e.account, e.shares.toString()]),
      ["address", "uint256"],
    );
    expect(tree.root).to.equal(reference.root);
    expect(tree.total).to.equal(10n);
    expect(tree.tree.proof(ALICE)).to.deep.equal(reference.getProof([ALICE, tree.tree.amountOf(ALICE).toString()]));
  });

  it("sums the accepted v1 report fixtures per account and allocates the shares exactly", function () {
    const reports = [fixture("epoch-1.report-v1.json"), fixture("epoch-2.report-v1.json")];
    const shares = 1_000_003n;
    const tree = contributorShareTree({ reports, modelId: 1n, sharesForContributors: shares });
    // Both fixtures attribute model 1 only, so each account's weight is its cumulative amount after epoch 2.
    const cumulative = new Map(
      reports[1].accounts.map((a) => [a.account.toLowerCase(), BigInt(a.cumulative)] as [string, bigint]),
    );
    expect(tree.entries.map((e) => e.weight)).to.deep.equal(
      tree.entries.map((e) => cumulative.get(e.account.toLowerCase())),
    );
    expect(tree.total).to.equal(shares);
    expect(new Map(tree.entries.map((e) => [e.account.toLowerCase(), e.shares]))).to.deep.equal(
      allocateByAmounts(shares, cumulative),
    );
  });

  it("refuses the same epoch twice", function () {
    const report = fixture("epoch-1.report-v1.json");
    expect(() => contributorShareTree({ reports: [report, report], modelId: 1n, sharesForContributors: 1n })).to.throw(
      InvalidOfferingTermsError,
      "epoch 1 is given twice",
    );
  });

  describe("the accepted-bytes fallback", function () {
    const fallback = {
      // Two versions of the model trained on Datanet 1 (counts 1 and 2): the larger counts; Datanet 2 up to 1.
      versions: [
        { datanetId: 1n, count: 1 },
        { datanetId: 1n, count: 2 },
        { datanetId: 2n, count: 1 },
      ],
      contributions: [
        { datanetId: 1n, contributor: ALICE, size: 300n, acceptedIndex: 1 },
        { datanetId: 1n, contributor: BOB, size: 100n, acceptedIndex: 2 },
        { datanetId: 1n, contributor: CAROL, size: 900n, acceptedIndex: 3 },
        { datanetId: 1n, contributor: CAROL, size: 900n },
        { datanetId: 2n, contributor: BOB, size: 200n, acceptedIndex: 1 },
        { datanetId: 3n, contributor: CAROL, size: 900n, acceptedIndex: 1 },
      ],
    };

    it("allocates by the bytes accepted within the model's Datanet versions when no report credited the model", function () {
      const tree = contributorShareTree({
        reports: [fixture("epoch-1.report-v1.json")],
        modelId: 9n,
        sharesForContributors: 600n,
        fallback,
      });
      expect(tree.rule).to.equal("accepted-bytes");
      expect(tree.entries).to.deep.equal([
        { account: ALICE, weight: 300n, shares: 300n },
        { account: BOB, weight: 300n, shares: 300n },
      ]);
    });

    it("is refused without a fallback, or when the fallback credits nobody", function () {
      expect(() => contributorShareTree({ reports: [], modelId: 9n, sharesForContributors: 1n })).to.throw(
        InvalidOfferingTermsError,
        "no accepted report credited model 9",
      );
      expect(() =>
        contributorShareTree({
          reports: [],
          modelId: 9n,
          sharesForContributors: 1n,
          fallback: { versions: [{ datanetId: 5n, count: 3 }], contributions: fallback.contributions },
        }),
      ).to.throw(InvalidOfferingTermsError, "no accepted bytes");
    });
  });
});

describe("allocateByAmounts", function () {
  it("splits by bigint weights exactly, the leftover to the largest remainders, ties to the smaller key", function () {
    const big = 10n ** 30n;
    const weights = new Map([
      ["b", big],
      ["a", big],
      ["c", big],
    ]);
    expect([...allocateByAmounts(10n, weights)]).to.deep.equal([
      ["b", 3n],
      ["a", 4n],
      ["c", 3n],
    ]);
    // One wei more of weight, beyond what a double tells apart, makes c's remainder the largest.
    expect(allocateByAmounts(10n, new Map([...weights, ["c", big + 1n]])).get("c")).to.equal(4n);
    expect([...allocateByAmounts(0n, new Map([["a", 0n]]))]).to.deep.equal([["a", 0n]]);
  });
});
