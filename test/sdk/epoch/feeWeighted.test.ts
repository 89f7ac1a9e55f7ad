import { readFileSync } from "node:fs";
import path from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  EpochReportMismatchError,
  INFERENCE_LEAF_ENCODING,
  attributeEpoch,
  epochReportHash,
  readEpochReport,
  serializeEpochReport,
  verifyEpochReport,
  writeEpochReport,
} from "../../../sdk/src";
import type { EpochInput, EpochReport, EpochSettlement } from "../../../sdk/src";
import { address, indexedContributions, spansEpoch, textSettlement } from "../../helpers/epochReference";
import { seededRandom, shuffled } from "../../helpers/random";

/* Fee-weighted attribution: each settlement's pot goes to what its own records drew on, by calls. */

const ALICE = address("a1");
const BOB = address("b2");
const CAROL = address("c3");
const ownWords = (id: string, length: number) => Array.from({ length }, (_, k) => `${id}w${k}`).join(" ");
const DRAFTS = [
  { id: "A", datanetId: 1n, contributor: ALICE, text: ownWords("A", 60) },
  { id: "B", datanetId: 1n, contributor: BOB, text: ownWords("B", 60) },
  { id: "C", datanetId: 1n, contributor: CAROL, text: ownWords("C", 60) },
];
/** An output quoting 20 words of document `id` between words no document has. */
const quoting = (id: string) => `novel words here ${ownWords(id, 20)} and more novel words`;
const NOTHING = "an output made of words that no contribution holds";

function input(settlements: EpochSettlement[], extra: Partial<EpochInput> = {}): EpochInput {
  return spansEpoch(indexedContributions(DRAFTS), settlements, extra);
}

const amountOf = (report: EpochReport, account: string) =>
  BigInt(report.accounts.find((a) => a.account === account)?.amount ?? "0");

describe("attributeEpoch, fee-weighted", function () {
  it("splits each settlement's pot over its own records in proportion to their calls", function () {
    const report = attributeEpoch(
      input([
        textSettlement("s1", 9_000n, [
          { id: "r1", output: quoting("A"), calls: 2n },
          { id: "r2", output: quoting("B") },
        ]),
        textSettlement("s2", 1_000n, [{ id: "r3", output: quoting("C") }]),
      ]),
    );
    expect([amountOf(report, ALICE), amountOf(report, BOB), amountOf(report, CAROL)]).to.deep.equal([
      6_000n,
      3_000n,
      1_000n,
    ]);
    expect(report.pool).to.equal("10000");
    expect(report.carryOver).to.deep.equal({ total: "0", lines: [] });
    const [s1, s2] = report.settlements;
    expect(s1.payouts).to.deep.equal([
      { account: ALICE, amount: "6000" },
      { account: BOB, amount: "3000" },
    ]);
    expect(s2.payouts).to.deep.equal([{ account: CAROL, amount: "1000" }]);
    expect(s1.records.map((r) => [r.id, r.calls, r.top.map((t) => t.contribution)])).to.deep.equal([
      ["r1", "2", ["A"]],
      ["r2", "1", ["B"]],
    ]);
  });

  it("pays a record that matched nothing evenly over the model's contributions, and only from its settlement", function () {
    const report = attributeEpoch(
      input([
        textSettlement("s1", 900n, [{ id: "r1", output: NOTHING }]),
        textSettlement("s2", 1_000n, [
          { id: "r2", output: quoting("A") },
          { id: "r3", output: NOTHING },
        ]),
      ]),
    );
    const [s1, s2] = report.settlements;
    expect(s1.unmatchedCalls).to.equal("1");
    expect(s1.payouts.map((p) => p.amount)).to.deep.equal(["300", "300", "300"]);
    // s2: alice's record takes half, the unmatched half is split three ways: 500 + 166.67, 166.67, 166.67.
    const exact = { [ALICE]: 500 + 500 / 3, [BOB]: 500 / 3, [CAROL]: 500 / 3 };
    for (const p of s2.payouts) expect(Math.abs(Number(p.amount) - exact[p.account])).to.be.below(1);
    expect(s2.paid).to.equal("1000");
    expect(amountOf(report, ALICE) + amountOf(report, BOB) + amountOf(report, CAROL)).to.equal(1_900n);
  });

  it("excludes a settlement whose log is missing, malformed, another root, other calls or another model's, and goes on", function () {
    const good = textSettlement("s0-good", 1_000n, [{ id: "r1", output: quoting("A") }]);
    const other = textSettlement("x", 1n, [{ id: "r9", output: quoting("B") }]);
    const otherModel = textSettlement("s6-model", 60n, [{ id: "r1", output: quoting("A") }], { modelId: 2n });
    const settlements: EpochSettlement[] = [
      good,
      { ...good, id: "s1-missing", pot: 10n, log: undefined, fetchError: "HTTP 404 at the gateway" },
      { ...good, id: "s2-malformed", pot: 20n, log: "{not json" },
      { ...good, id: "s3-root", pot: 30n, log: other.log },
      { ...good, id: "s4-calls", pot: 40n, calls: 2n },
      { ...good, id: "s5-version", pot: 50n, ...versionTwo() },
      { ...otherModel, modelId: 1n },
    ];
    const report = attributeEpoch(input(settlements));
    const status = Object.fromEntries(report.settlements.map((s) => [s.id, s.exclusion?.code ?? s.status]));
    expect(status).to.deep.equal({
      "s0-good": "attributed",
      "s1-missing": "log-unavailable",
      "s2-malformed": "log-malformed",
      "s3-root": "log-mismatch",
      "s4-calls": "log-mismatch",
      "s5-version": "record-model-mismatch",
      "s6-model": "record-model-mismatch",
    });
    expect(report.settlements[1].exclusion!.message).to.equal("HTTP 404 at the gateway");
    expect(report.carryOver.total).to.equal("210");
    expect(report.carryOver.lines.map((l) => [l.kind, l.settlement, l.amount])).to.deep.equal([
      ["excluded", "s1-missing", "10"],
      ["excluded", "s2-malformed", "20"],
      ["excluded", "s3-root", "30"],
      ["excluded", "s4-calls", "40"],
      ["excluded", "s5-version", "50"],
      ["excluded", "s6-model", "60"],
    ]);
    expect(report.accounts.map((a) => [a.account, a.amount])).to.deep.equal([[ALICE, "1000"]]);
    expect(BigInt(report.pool)).to.equal(1_210n);
    readEpochReport(serializeEpochReport(report));

    function versionTwo() {
      const s = textSettlement("v2", 50n, [{ id: "r1", output: quoting("A") }], { modelVersion: 2 });
      return { logRoot: s.logRoot, log: s.log };
    }
  });

  it("shares the previous carry-over and funding over the next epoch's settlements, pro rata to their pots", function () {
    const first = attributeEpoch(
      input([
        textSettlement("s1", 1_000n, [{ id: "r1", output: quoting("A") }]),
        { ...textSettlement("s2", 4_000n, [{ id: "r2", output: quoting("B") }]), log: undefined },
      ]),
    );
    expect(first.carryOver.total).to.equal("4000");
    const second = attributeEpoch(
      input(
        [
          textSettlement("t1", 3_000n, [{ id: "r1", output: quoting("B") }]),
          textSettlement("t2", 1_000n, [{ id: "r2", output: quoting("C") }]),
        ],
        { epoch: 2n, previous: first, funding: 400n },
      ),
    );
    expect(second.income).to.deep.equal({ settlements: "4000", previous: "4000", funding: "400" });
    expect(second.settlements.map((s) => [s.share, s.paid])).to.deep.equal([
      ["3300", "6300"],
      ["1100", "2100"],
    ]);
    expect(second.accounts.map((a) => [a.account, a.amount, a.cumulative])).to.deep.equal([
      [ALICE, "0", "1000"],
      [BOB, "6300", "6300"],
      [CAROL, "2100", "2100"],
    ]);
    expect(second.tree.total).to.equal("9400");
    expect(second.previous!.reportHash).to.equal(first.reportHash);
  });

  it("carries the carry-in again when no settlement can be attributed, keeping the earlier accounts in the tree", function () {
    const first = attributeEpoch(
      input([
        textSettlement("s1", 1_000n, [{ id: "r1", output: quoting("A") }]),
        { ...textSettlement("s2", 500n, [{ id: "r2", output: quoting("B") }]), log: undefined },
      ]),
    );
    const second = attributeEpoch(
      input([{ ...textSettlement("t1", 700n, [{ id: "r1", output: quoting("B") }]), log: undefined }], {
        epoch: 2n,
        previous: first,
      }),
    );
    expect(second.carryOver.lines.map((l) => [l.kind, l.amount])).to.deep.equal([
      ["excluded", "700"],
      ["no-settlement", "500"],
    ]);
    expect(second.accounts.map((a) => [a.amount, a.cumulative])).to.deep.equal([["0", "1000"]]);
    expect(second.tree.root).to.equal(first.tree.root);
  });

  it("gives the same bytes whatever the order of the settlements and of each log's records", function () {
    const records = ["A", "B", "C", "A", "B"].map((doc, k) => ({
      id: `r${k}`,
      output: quoting(doc),
      calls: BigInt(k + 1),
    }));
    const random = seededRandom(20_20);
    const settlements = [
      textSettlement("s1", 1_234n, records),
      textSettlement("s2", 777n, [...records].reverse()),
      textSettlement("s3", 5n, [{ id: "r1", output: NOTHING }]),
    ];
    const bytes = serializeEpochReport(attributeEpoch(input(settlements)));
    for (let round = 0; round < 3; round++) {
      expect(serializeEpochReport(attributeEpoch(input(shuffled(settlements, random))))).to.equal(bytes);
    }
  });
});

describe("epoch-report-v2 checks", function () {
  const settlements = [
    textSettlement("s1", 9_000n, [
      { id: "r1", output: quoting("A"), calls: 2n },
      { id: "r2", output: quoting("B") },
    ]),
    textSettlement("s2", 1_000n, [{ id: "r3", output: quoting("C") }]),
  ];
  const report = attributeEpoch(input(settlements));
  const tampered = (edit: (r: EpochReport) => void): EpochReport => {
    const copy: EpochReport = JSON.parse(JSON.stringify(report));
    edit(copy);
    copy.reportHash = epochReportHash(copy);
    return copy;
  };

  it("refuses a settlement that pays out more than its pot, naming it, even with the hash recomputed", function () {
    const edited = tampered((r) => {
      r.settlements[1].payouts[0].amount = "1001";
      r.settlements[1].paid = "1001";
    });
    expect(() => readEpochReport(edited)).to.throw(EpochReportMismatchError, /settlements\[1\]\.paid/);
  });

  it("refuses an amount moved between accounts, or carry-over that does not add up", function () {
    expect(() =>
      readEpochReport(
        tampered((r) => {
          r.accounts[0].amount = "6001";
          r.accounts[0].cumulative = "6001";
        }),
      ),
    ).to.throw(EpochReportMismatchError, /accounts\[0\]\.amount/);
    expect(() => readEpochReport(tampered((r) => (r.carryOver.total = "1")))).to.throw(
      EpochReportMismatchError,
      /carryOver\.total/,
    );
  });

  it("names a listed record that is not a leaf of its settlement's log, or calls that do not add up", function () {
    const forged = tampered((r) => (r.settlements[0].records[1].queryHash = "0x" + "ab".repeat(32)));
    expect(() => verifyEpochReport(forged, input(settlements)))
      .to.throw(EpochReportMismatchError)
      .with.property("path", "settlements[0].records[1]");
    const dropped = tampered((r) => r.settlements[0].records.pop());
    expect(() => verifyEpochReport(dropped, input(settlements)))
      .to.throw(EpochReportMismatchError)
      .with.property("path", "settlements[0].records");
    expect(verifyEpochReport(serializeEpochReport(report), input(settlements))).to.deep.equal(report);
  });

  it("writes the serialization piece by piece with writeEpochReport, and hashes it as written", function () {
    const pieces: string[] = [];
    writeEpochReport(report, (text) => pieces.push(text));
    expect(pieces.join("")).to.equal(serializeEpochReport(report));
    // A large one comes in several pieces of some 64 K characters.
    const large = { ...report, settlements: Array.from({ length: 300 }, () => report.settlements[0]) };
    pieces.length = 0;
    writeEpochReport(large, (text) => pieces.push(text));
    expect(pieces.length).to.be.greaterThan(2);
    expect(pieces.join("")).to.equal(serializeEpochReport(large));
    const { reportHash: _hash, ...body } = report;
    expect(report.reportHash).to.equal(keccak256(toUtf8Bytes(serializeEpochReport(body as EpochReport))));
  });

  it("lists each record's leaf fields, so that OpenZeppelin's StandardMerkleTree of them has the settlement's root", function () {
    for (const settlement of report.settlements) {
      const tree = StandardMerkleTree.of(
        settlement.records.map((r) => [r.id, settlement.modelId, 1, r.calls, r.queryHash, r.outputHash]),
        [...INFERENCE_LEAF_ENCODING],
      );
      expect(tree.root).to.equal(settlement.logRoot);
    }
  });
});

describe("epoch-report-v1", function () {
  const fixture = (name: string) => readFileSync(path.join(__dirname, "../../fixtures/reports", name), "utf8");

  it("stays readable, checked as before", function () {
    for (const name of ["epoch-1.report-v1.json", "epoch-2.report-v1.json"]) {
      const report = readEpochReport(fixture(name));
      expect(report.format).to.equal("epoch-report-v1");
      expect(serializeEpochReport(report) + "\n").to.equal(fixture(name));
    }
    const edited = JSON.parse(fixture("epoch-1.report-v1.json"));
    edited.accounts[0].amount = "1";
    expect(() => readEpochReport(edited)).to.throw(EpochReportMismatchError, /accounts\[0\]\.amount/);
  });

  it("can be the previous report of a v2 epoch: its cumulative amounts carry over, and it carried nothing", function () {
    const previous = readEpochReport(fixture("epoch-2.report-v1.json"));
    const report = attributeEpoch(
      input([textSettlement("s1", 1_000n, [{ id: "r1", output: quoting("C") }])], { epoch: 3n, previous }),
    );
    expect(report.income.previous).to.equal("0");
    expect(BigInt(report.tree.total)).to.equal(BigInt(previous.tree.total) + 1_000n);
    expect(report.previous).to.deep.include({ epoch: "2", reportHash: previous.reportHash });
    readEpochReport(serializeEpochReport(report));
  });
});
