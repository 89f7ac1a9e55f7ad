import { expect } from "chai";
import { ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import {
  ContributionContentMismatchError,
  DatanetVersionMismatchError,
  EpochNothingAttributedError,
  EpochReportMismatchError,
  IntegrityError,
  InvalidEpochInputError,
  InvalidInputError,
  MalformedEpochReportError,
  allocate,
  attributeEpoch,
  epochReportHash,
  epochRewardTree,
  readEpochReport,
  serializeEpochReport,
  verifyEpochReport,
} from "../../../sdk/src";
import type { EpochInput, EpochReport } from "../../../sdk/src";
import { loadEmails } from "../../helpers/corpus";
import { address, indexedContributions, referenceDigest, textSettlement } from "../../helpers/epochReference";
import type { DraftContribution } from "../../helpers/epochReference";
import { seededRandom, shuffled } from "../../helpers/random";

/* INDEPENDENT REFERENCES (hashes and digests: test/helpers/epochReference.ts) */

/** Canonical JSON written independently: sorted keys, no spaces. */
function referenceCanonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(referenceCanonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A text output's hash as a log leaf holds it: keccak256 of `{"kind":"text","text":…}`, its keys already sorted. */
const textOutputHash = (text: string) => keccak256(toUtf8Bytes(JSON.stringify({ kind: "text", text })));

/* SCENARIOS */

const ALICE = address("a1");
const BOB = address("b2");
const CAROL = address("c3");
const DAVE = address("d4");
const MALLORY = address("e5");
const EVE = address("f6");
/** Each settlement's pot unless told. */
const POT = 10n ** 21n;

type Draft = DraftContribution;

interface ScenarioOptions {
  /** Each settlement's pot. */
  pot?: bigint;
  epoch?: bigint;
  /** Per model, the Datanets it was trained on and how many of each one's contributions (default all). */
  models?: { modelId: bigint; trainedOn: { datanetId: bigint; count?: number }[] }[];
  options?: EpochInput["options"];
}

/**
 * An epoch input: contributions indexed per Datanet in the order drafted (accepted at their position unless told),
 * each model trained on versions whose digests are recomputed here, and one settlement per model that answered,
 * `s<modelId>`, whose log holds that model's outputs as records of one call each.
 */
function scenario(
  drafts: readonly Draft[],
  inferences: readonly { id: string; output: string; modelId?: bigint }[],
  { pot = POT, epoch = 1n, models, options }: ScenarioOptions = {},
): EpochInput {
  const contributions = indexedContributions(drafts);
  const datanetIds = [...new Set(drafts.map((d) => d.datanetId))];
  const modelSpecs: NonNullable<ScenarioOptions["models"]> = models ?? [
    { modelId: 1n, trainedOn: datanetIds.map((datanetId) => ({ datanetId })) },
  ];
  const answering = [...new Set(inferences.map((x) => x.modelId ?? 1n))];
  return {
    epoch,
    models: modelSpecs.map(({ modelId, trainedOn }) => ({
      modelId,
      version: 1,
      trainedOn: trainedOn.map(({ datanetId, count }) => {
        const all = contributions.filter((c) => c.datanetId === datanetId);
        const used = all.slice(0, count ?? all.length);
        return {
          datanetId,
          version: 1,
          count: used.length,
          digest: referenceDigest(
            datanetId,
            used.map((c) => c.contentHash),
          ),
        };
      }),
    })),
    contributions,
    settlements: answering.map((modelId) =>
      textSettlement(
        `s${modelId}`,
        pot,
        inferences.filter((x) => (x.modelId ?? 1n) === modelId),
        { modelId },
      ),
    ),
    options,
  };
}

/** A document whose words belong to it alone (`<id>w<k>`), so any span of it is found nowhere else. */
const ownWords = (id: string, length: number) => Array.from({ length }, (_, k) => `${id}w${k}`).join(" ");

/** Words `from .. from + length` of such a document. */
const chunk = (id: string, from: number, length: number) =>
  Array.from({ length }, (_, k) => `${id}w${from + k}`).join(" ");

/** A word no document has: it ends every span. */
let fresh = 0;
const novel = () => `zq${(fresh++).toString(36)}x`;

/**
 * Twelve documents of 120 words of their own in two Datanets, two per contributor, and outputs that quote chunks
 * of them between novel words. As every span lies in one document only, an output's weights are known exactly:
 * each quoted document gets its quoted words over all quoted words. The last output quotes nothing.
 */
function baseScenario() {
  const owners = [ALICE, BOB, CAROL, DAVE, MALLORY, ALICE, BOB, CAROL, DAVE, MALLORY, ALICE, BOB];
  const drafts: Draft[] = owners.map((contributor, i) => ({
    id: `doc${String.fromCharCode(97 + i)}`,
    datanetId: i < 6 ? 1n : 2n,
    contributor,
    text: ownWords(`doc${String.fromCharCode(97 + i)}`, 120),
  }));
  const random = seededRandom(8_001);
  const outputs: { id: string; output: string; quoted: Map<string, number> }[] = [];
  for (let k = 0; k < 25; k++) {
    const quoted = new Map<string, number>();
    const parts: string[] = [novel()];
    for (let p = 0, pieces = 1 + Math.floor(random() * 3); p < pieces; p++) {
      const doc = drafts[Math.floor(random() * drafts.length)].id;
      const length = 3 + Math.floor(random() * 20);
      parts.push(chunk(doc, Math.floor(random() * (120 - length)), length), novel());
      quoted.set(doc, (quoted.get(doc) ?? 0) + length);
    }
    outputs.push({ id: `inf-${(k * 37) % 25}-${k}`, output: parts.join(" "), quoted });
  }
  outputs.push({ id: "inf-unmatched", output: "nothing here comes from any document at all", quoted: new Map() });
  return { drafts, outputs };
}

/** The base scenario's outputs that quote a document: with no unmatched record, only spans decide who earns. */
function quotingOutputs() {
  const { drafts, outputs } = baseScenario();
  return { drafts, outputs: outputs.filter((o) => o.quoted.size > 0) };
}

const amountOf = (report: EpochReport, account: string) =>
  BigInt(report.accounts.find((a) => a.account === account)?.amount ?? "0");

/** The account's part of what the epoch paid to accounts. */
function shareOf(report: EpochReport, account: string): number {
  return Number(amountOf(report, account)) / Number(report.accounts.reduce((sum, a) => sum + BigInt(a.amount), 0n));
}

/** The calls of every settlement's records that matched nothing. */
const unmatchedCalls = (report: EpochReport) => report.settlements.map((s) => s.unmatchedCalls);

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  expect.fail("expected an error");
}

/** A deep copy of a report to tamper with. */
const copyOf = (report: EpochReport): EpochReport => JSON.parse(JSON.stringify(report));

describe("attributeEpoch", function () {
  describe("against weights known in advance", function () {
    it("credits each quoted document its share of each output, spreads an unmatched output over every document, and sums per contribution, contributor and Datanet", function () {
      const { drafts, outputs } = baseScenario();
      const report = attributeEpoch(scenario(drafts, outputs, { options: { topK: 2 } }));

      // No two documents are copies, so each one is a representative: an output that quotes nothing pays its call
      // to all of them, 1/12 each.
      const expectedContribution = new Map<string, number>();
      const credit = (doc: string, weight: number) =>
        expectedContribution.set(doc, (expectedContribution.get(doc) ?? 0) + weight);
      for (const { quoted } of outputs) {
        const total = [...quoted.values()].reduce((a, b) => a + b, 0);
        if (total === 0) drafts.forEach((d) => credit(d.id, 1 / drafts.length));
        for (const [doc, words] of quoted) credit(doc, words / total);
      }
      const totalWeight = [...expectedContribution.values()].reduce((a, b) => a + b, 0);
      /** Each amount is the pot's exact share of the expected weight, to within rounding. */
      const expectShare = (amount: string, weight: number, what: string) => {
        const exact = (Number(POT) * weight) / totalWeight;
        expect(Math.abs(Number(BigInt(amount)) - exact) / exact, what).to.be.below(1e-9);
      };
      expect(report.contributions.map((c) => c.id)).to.deep.equal([...expectedContribution.keys()].sort());
      for (const c of report.contributions) expectShare(c.amount, expectedContribution.get(c.id)!, c.id);

      const draftOf = new Map(drafts.map((d) => [d.id, d]));
      const expectedBy = (key: (d: Draft) => string) => {
        const sums = new Map<string, number>();
        for (const [doc, w] of expectedContribution)
          sums.set(key(draftOf.get(doc)!), (sums.get(key(draftOf.get(doc)!)) ?? 0) + w);
        return sums;
      };
      const earnedBy = (key: (d: Draft) => string) => {
        const sums = new Map<string, bigint>();
        for (const c of report.contributions)
          sums.set(key(draftOf.get(c.id)!), (sums.get(key(draftOf.get(c.id)!)) ?? 0n) + BigInt(c.amount));
        return sums;
      };
      const byContributor = expectedBy((d) => d.contributor);
      const earnedByContributor = earnedBy((d) => d.contributor);
      expect(report.accounts.map((a) => a.account).sort()).to.deep.equal([...byContributor.keys()].sort());
      for (const a of report.accounts) {
        expect(BigInt(a.amount)).to.equal(earnedByContributor.get(a.account));
        expect(a.cumulative).to.equal(a.amount);
        expectShare(a.amount, byContributor.get(a.account)!, a.account);
      }
      const byDatanet = expectedBy((d) => d.datanetId.toString());
      const earnedByDatanet = earnedBy((d) => d.datanetId.toString());
      expect(report.datanets.map((d) => d.datanetId)).to.deep.equal(["1", "2"]);
      for (const d of report.datanets) {
        expect(BigInt(d.amount)).to.equal(earnedByDatanet.get(d.datanetId));
        expectShare(d.amount, byDatanet.get(d.datanetId)!, `Datanet ${d.datanetId}`);
      }
      expect(report.accounts.reduce((sum, a) => sum + BigInt(a.amount), 0n)).to.equal(POT);

      // The one settlement paid its whole pot, and carried nothing over.
      expect(report.pool).to.equal(POT.toString());
      expect(report.income).to.deep.equal({ settlements: POT.toString(), previous: "0", funding: "0" });
      expect(report.carryOver).to.deep.equal({ total: "0", lines: [] });
      const [settlement] = report.settlements;
      expect(report.settlements).to.have.length(1);
      expect(settlement).to.deep.include({
        id: "s1",
        pot: POT.toString(),
        share: "0",
        status: "attributed",
        unmatchedCalls: "1",
        paid: POT.toString(),
        carried: "0",
        calls: outputs.length.toString(),
      });
      expect(settlement.payouts).to.deep.equal(report.accounts.map((a) => ({ account: a.account, amount: a.amount })));

      expect(settlement.records.map((r) => r.id)).to.deep.equal(outputs.map((o) => o.id).sort());
      for (const record of settlement.records) {
        const { quoted, output } = outputs.find((o) => o.id === record.id)!;
        const total = [...quoted.values()].reduce((a, b) => a + b, 0);
        const expectedTop = [...quoted]
          .map(([doc, words]) => ({ contribution: doc, weight: words / total }))
          .sort((x, y) => y.weight - x.weight || (x.contribution < y.contribution ? -1 : 1))
          .slice(0, 2);
        expect(record.top.map((t) => t.contribution)).to.deep.equal(expectedTop.map((t) => t.contribution));
        record.top.forEach((t, k) => expect(t.weight).to.be.closeTo(expectedTop[k].weight, 1e-12));
        expect(record.outputHash).to.equal(textOutputHash(output));
        expect(record.queryHash).to.equal(keccak256(toUtf8Bytes(`query of ${record.id}`)));
        expect(record.calls).to.equal("1");
      }
      expect(settlement.records.find((x) => x.id === "inf-unmatched")!.top).to.deep.equal([]);
    });

    it("records every input hash: each Datanet version's count, digest and contribution list, each settlement's log", function () {
      const { drafts, outputs } = baseScenario();
      const input = scenario(drafts, outputs);
      const report = attributeEpoch(input);
      expect(report.models).to.have.length(1);
      const [model] = report.models;
      expect(model.modelId).to.equal("1");
      expect(model.trainedOn.map((v) => [v.datanetId, v.count, v.digest])).to.deep.equal(
        input.models[0].trainedOn.map((v) => [v.datanetId.toString(), v.count, v.digest]),
      );
      const listOf = (datanetId: bigint) =>
        input.contributions
          .filter((c) => c.datanetId === datanetId)
          .map((c) => ({
            acceptedAt: c.acceptedAt,
            contentHash: c.contentHash,
            contributor: c.contributor,
            id: c.id,
            index: c.index,
          }));
      expect(model.trainedOn[0].contributionsHash).to.equal(keccak256(toUtf8Bytes(referenceCanonical(listOf(1n)))));
      expect(model.trainedOn[1].contributionsHash).to.equal(keccak256(toUtf8Bytes(referenceCanonical(listOf(2n)))));
      const [given] = input.settlements;
      expect(report.settlements.map((s) => [s.id, s.modelId, s.calls, s.logRoot, s.logURI])).to.deep.equal([
        [given.id, "1", given.calls.toString(), given.logRoot, given.logURI],
      ]);
      expect(report.settlements[0].records.map((x) => [x.id, x.outputHash])).to.deep.equal(
        [...outputs].sort((a, b) => (a.id < b.id ? -1 : 1)).map((o) => [o.id, textOutputHash(o.output)]),
      );
      expect(report.format).to.equal("epoch-report-v2");
      expect(report.epoch).to.equal("1");
      expect(report.previous).to.equal(null);
    });

    it("hashes the report's canonical JSON without reportHash with keccak256, and roots the cumulative amounts", function () {
      const { drafts, outputs } = baseScenario();
      const report = attributeEpoch(scenario(drafts, outputs));
      const { reportHash, ...body } = report;
      expect(reportHash).to.equal(keccak256(toUtf8Bytes(referenceCanonical(body))));
      expect(serializeEpochReport(report)).to.equal(referenceCanonical(report));
      expect(epochReportHash(report)).to.equal(reportHash);
      const tree = epochRewardTree(report);
      expect(tree.root).to.equal(report.tree.root);
      expect(tree.total.toString()).to.equal(report.tree.total);
    });
  });

  describe("gaming", function () {
    // No output is unmatched here: the unmatched rule pays every representative, so a copy that dedup missed would
    // earn from it whatever spans it holds, and these tests are about what spans credit.
    const { drafts, outputs } = quotingOutputs();
    const baseline = attributeEpoch(scenario(drafts, outputs));
    const text = (id: string) => drafts.find((d) => d.id === id)!.text;
    const words = (id: string) => text(id).split(" ");
    /** One word in 60 replaced by or preceded by a novel word: the copy's new spans match no output. */
    const edited = (id: string) =>
      words(id)
        .map((w, k) => (k % 60 === 30 ? (k % 120 === 30 ? novel() : `${novel()} ${w}`) : w))
        .join(" ");
    const later = (extra: Draft[]) => extra.map((d, k) => ({ ...d, acceptedAt: 1_000 + k }));

    it("does not raise a contributor's amount when it adds exact copies of its own or others' contributions", function () {
      const copies = later([
        // Mallory owns doce and docj; docb is Bob's. Datanet 3 is new, so each copy is its first contribution.
        { id: "copy-1", datanetId: 3n, contributor: MALLORY, text: text("doce") },
        { id: "copy-2", datanetId: 3n, contributor: MALLORY, text: text("docb") },
        { id: "copy-3", datanetId: 1n, contributor: MALLORY, text: text("docb").toUpperCase() },
        { id: "copy-4", datanetId: 2n, contributor: MALLORY, text: `${text("docj")}.` },
      ]);
      const report = attributeEpoch(scenario([...drafts, ...copies], outputs));
      expect(unmatchedCalls(baseline)).to.deep.equal(["0"]);
      expect(report.accounts).to.deep.equal(baseline.accounts);
      expect(report.contributions).to.deep.equal(baseline.contributions);
      expect(report.models[0].clusters).to.deep.equal([
        { representative: "docb", copies: ["copy-2", "copy-3"] },
        { representative: "doce", copies: ["copy-1"] },
        { representative: "docj", copies: ["copy-4"] },
      ]);
    });

    it("does not raise a contributor's amount when it adds lightly edited copies", function () {
      const copies = later(
        ["doce", "docj", "docb", "doca", "dock"].map((id, k) => ({
          id: `edit-${k}`,
          datanetId: 2n,
          contributor: MALLORY,
          text: edited(id),
        })),
      );
      const report = attributeEpoch(scenario([...drafts, ...copies], outputs));
      expect(report.accounts).to.deep.equal(baseline.accounts);
      expect(report.models[0].clusters.flatMap((c) => c.copies).sort()).to.deep.equal(copies.map((c) => c.id));
    });

    it("would raise it without near-duplicate detection, which is what dedup prevents", function () {
      // Spans may then sit in two documents (the original and its copy) and still earn, split between them.
      const spans = { maxDocumentFraction: 0.5 };
      const copies = later(
        ["docb", "doca", "dock"].map((id, k) => ({
          id: `edit-${k}`,
          datanetId: 2n,
          contributor: MALLORY,
          text: edited(id),
        })),
      );
      const before = attributeEpoch(scenario(drafts, outputs, { options: { spans } }));
      const withDedup = attributeEpoch(scenario([...drafts, ...copies], outputs, { options: { spans } }));
      const withoutDedup = attributeEpoch(
        scenario([...drafts, ...copies], outputs, { options: { spans, dedup: { threshold: 1 } } }),
      );
      for (const report of [before, withDedup, withoutDedup]) expect(unmatchedCalls(report)).to.deep.equal(["0"]);
      expect(withDedup.accounts).to.deep.equal(before.accounts);
      expect(shareOf(withoutDedup, MALLORY)).to.be.greaterThan(shareOf(before, MALLORY) + 0.05);
    });

    it("credits a copy's cluster to the contribution accepted first, whatever the Datanet or index", function () {
      // The copy is index 1 of its Datanet, the original index 5 of Datanet 1, but the original was accepted first.
      const copy = { id: "aaa-copy", datanetId: 3n, contributor: MALLORY, text: text("doce"), acceptedAt: 99 };
      const report = attributeEpoch(scenario([copy, ...drafts], outputs));
      expect(report.models[0].clusters).to.deep.equal([{ representative: "doce", copies: ["aaa-copy"] }]);
      expect(report.accounts).to.deep.equal(baseline.accounts);
    });

    it("does not raise an attacker's amount with edited copies of real mails (replacements, insertions, deletions)", function () {
      const random = seededRandom(8_010);
      const mails = shuffled(
        loadEmails().filter((m) => m.text.length > 3_000 && m.text.length < 8_000),
        random,
      ).slice(0, 40);
      const owners = [ALICE, BOB, CAROL, DAVE, MALLORY];
      const mailDrafts: Draft[] = mails.map((m, i) => ({
        id: `mail-${i}`,
        datanetId: 1n + BigInt(i % 2),
        contributor: owners[i % owners.length],
        text: m.text,
      }));
      const mailOutputs = Array.from({ length: 30 }, (_, k) => {
        const parts: string[] = [];
        for (let p = 0; p < 3; p++) {
          const mailWords = mails[Math.floor(random() * mails.length)].text.split(/\s+/);
          const length = 15 + Math.floor(random() * 25);
          const at = Math.floor(random() * Math.max(1, mailWords.length - length));
          parts.push(mailWords.slice(at, at + length).join(" "), novel());
        }
        return { id: `out-${k}`, output: parts.join(" ") };
      });
      const options = { spans: { maxDocumentFraction: 0.2 } };
      const before = attributeEpoch(scenario(mailDrafts, mailOutputs, { options }));
      const editMail = (source: string) => {
        const tokens = source.split(/(\s+)/);
        for (let e = 0; e < Math.max(1, Math.floor(tokens.length / 2 / 150)); e++) {
          const at = 2 * Math.floor((random() * tokens.length) / 2);
          const kind = random();
          if (kind < 0.3) tokens[at] = novel();
          else if (kind < 0.6) tokens.splice(at, 0, novel(), " ");
          else tokens.splice(at, 2);
        }
        return tokens.join("");
      };
      const copies = later(
        Array.from({ length: 12 }, (_, k) => ({
          id: `mallory-copy-${k}`,
          datanetId: 3n,
          contributor: MALLORY,
          text: editMail(mails[(k * 7) % mails.length].text),
        })),
      );
      const after = attributeEpoch(scenario([...mailDrafts, ...copies], mailOutputs, { options }));
      expect(after.models[0].clusters.flatMap((c) => c.copies).sort()).to.deep.equal(copies.map((c) => c.id).sort());
      // Deleting a word joins its neighbours into a new span, which an output could in principle match; the share
      // is compared with a 1e-12 slack, as the same credit summed in another order may differ in the last bit.
      expect(shareOf(after, MALLORY)).to.be.at.most(shareOf(before, MALLORY) + 1e-12);
      expect(shareOf(before, MALLORY)).to.be.greaterThan(0);
      const undetected = attributeEpoch(
        scenario([...mailDrafts, ...copies], mailOutputs, { options: { ...options, dedup: { threshold: 1 } } }),
      );
      for (const report of [before, after, undetected]) expect(unmatchedCalls(report)).to.deep.equal(["0"]);
      expect(shareOf(undetected, MALLORY)).to.be.greaterThan(shareOf(before, MALLORY) + 0.05);
    });
  });

  describe("Datanet versions", function () {
    const { drafts, outputs } = baseScenario();
    const text = (id: string) => drafts.find((d) => d.id === id)!.text;
    const late: Draft[] = [
      { id: "late-1", datanetId: 1n, contributor: EVE, text: ownWords("late1", 80), acceptedAt: 500 },
      { id: "late-2", datanetId: 1n, contributor: EVE, text: ownWords("late2", 80), acceptedAt: 501 },
    ];
    const quotingLate = [
      ...outputs,
      { id: "inf-late", output: `${chunk("late1", 0, 40)} ${novel()} ${chunk("doca", 0, 10)}` },
    ];
    const versionsBeforeLate = {
      models: [{ modelId: 1n, trainedOn: [{ datanetId: 1n, count: 6 }, { datanetId: 2n }] }],
    };
    const recordOf = (report: EpochReport, id: string) =>
      report.settlements.flatMap((s) => s.records).find((r) => r.id === id)!;

    it("gives nothing to a contribution accepted after the model's version, and the report does not change", function () {
      const withLate = attributeEpoch(scenario([...drafts, ...late], quotingLate, versionsBeforeLate));
      const withoutLate = attributeEpoch(scenario(drafts, quotingLate, versionsBeforeLate));
      expect(withLate.accounts.map((a) => a.account)).to.not.include(EVE);
      expect(withLate.contributions.map((c) => c.id)).to.not.include("late-1");
      expect(recordOf(withLate, "inf-late").top).to.deep.equal([{ contribution: "doca", weight: 1 }]);
      expect(serializeEpochReport(withLate)).to.equal(serializeEpochReport(withoutLate));
    });

    it("gives nothing to a contribution whose content is unavailable, lists it, and keeps the version's digest", function () {
      const { drafts, outputs } = quotingOutputs();
      const input = scenario(drafts, outputs);
      const quoted = outputs[0].quoted.keys().next().value as string;
      const withheld = {
        ...input,
        contributions: input.contributions.map(({ text, ...c }) =>
          c.id === quoted ? { ...c, unavailable: "content missing from the store" } : { ...c, text },
        ),
      };
      const report = attributeEpoch(withheld);
      expect(report.unavailable).to.deep.equal([{ id: quoted, reason: "content missing from the store" }]);
      expect(report.contributions.map((c) => c.id)).to.not.include(quoted);
      expect(report.accounts.reduce((sum, a) => sum + BigInt(a.amount), 0n) + BigInt(report.carryOver.total)).to.equal(
        BigInt(report.pool),
      );
      expect(readEpochReport(JSON.parse(serializeEpochReport(report)))).to.deep.equal(report);
      expect(attributeEpoch(input).unavailable).to.equal(undefined);

      const both = {
        ...withheld,
        contributions: withheld.contributions.map((c) => ({ ...c, text: "x", unavailable: "y" })),
      };
      expect((catchError(() => attributeEpoch(both)) as InvalidEpochInputError).path).to.equal(
        "contributions[0].unavailable",
      );
      const neither = {
        ...withheld,
        contributions: input.contributions.map((c) => ({ ...c, text: undefined })),
      };
      expect((catchError(() => attributeEpoch(neither)) as InvalidEpochInputError).path).to.equal(
        "contributions[0].text",
      );
    });

    it("credits it from a model trained on a later version, and only from that model's settlement", function () {
      const input = scenario(
        [...drafts, ...late],
        [...quotingLate, { id: "inf-late-2", modelId: 2n, output: chunk("late1", 0, 40) }],
        {
          models: [versionsBeforeLate.models[0], { modelId: 2n, trainedOn: [{ datanetId: 1n }] }],
        },
      );
      const report = attributeEpoch(input);
      expect(report.models.map((m) => [m.modelId, m.trainedOn.map((v) => v.count)])).to.deep.equal([
        ["1", [6, 6]],
        ["2", [8]],
      ]);
      expect(recordOf(report, "inf-late-2").top).to.deep.equal([{ contribution: "late-1", weight: 1 }]);
      // Model 2's one record drew on late-1 alone, so its settlement's whole pot goes to it, and Eve earns nothing
      // from model 1's.
      const [fromModel1, fromModel2] = report.settlements;
      expect(fromModel2.payouts).to.deep.equal([{ account: EVE, amount: POT.toString() }]);
      expect(fromModel1.payouts.map((p) => p.account)).to.not.include(EVE);
      expect(report.contributions.find((c) => c.id === "late-1")!.amount).to.equal(POT.toString());
      expect(amountOf(report, EVE)).to.equal(POT);
    });

    it("credits a copy from a model that never saw its original, and nothing from one that did", function () {
      const copy = { id: "copy", datanetId: 3n, contributor: EVE, text: text("doca"), acceptedAt: 999 };
      const report = attributeEpoch(
        scenario(
          [...drafts, copy],
          [
            { id: "from-1", modelId: 1n, output: chunk("doca", 0, 30) },
            { id: "from-2", modelId: 2n, output: chunk("doca", 50, 30) },
          ],
          {
            models: [
              { modelId: 1n, trainedOn: [{ datanetId: 3n }] },
              { modelId: 2n, trainedOn: [{ datanetId: 1n }, { datanetId: 3n }] },
            ],
          },
        ),
      );
      expect(report.models.map((m) => m.clusters)).to.deep.equal([[], [{ representative: "doca", copies: ["copy"] }]]);
      expect(report.settlements.map((s) => s.records.map((x) => x.top))).to.deep.equal([
        [[{ contribution: "copy", weight: 1 }]],
        [[{ contribution: "doca", weight: 1 }]],
      ]);
      expect(report.settlements.map((s) => s.payouts)).to.deep.equal([
        [{ account: EVE, amount: POT.toString() }],
        [{ account: ALICE, amount: POT.toString() }],
      ]);
      expect(readEpochReport(serializeEpochReport(report))).to.deep.equal(report);
    });

    it("folds a later attempt's id into the version digest, and records the attempt in the report's inputs", function () {
      const input = scenario(drafts, outputs);
      const resubmitted = input.contributions.find((c) => c.datanetId === 1n && c.index === 2)!;
      const hashes = input.contributions.filter((c) => c.datanetId === 1n).map((c) => c.contentHash);
      const digest = referenceDigest(1n, hashes, new Map([[resubmitted.contentHash, 3]]));
      const models = input.models.map((m) => ({
        ...m,
        trainedOn: m.trainedOn.map((v) => (v.datanetId === 1n ? { ...v, digest } : v)),
      }));
      const contributions = input.contributions.map((c) => (c === resubmitted ? { ...c, attempt: 3 } : c));
      const report = attributeEpoch({ ...input, models, contributions });
      expect(report.models[0].trainedOn[0].digest).to.equal(digest);
      // A first attempt is the default and changes nothing; the third is part of the hashed contribution list.
      const asFirst = attributeEpoch({
        ...input,
        contributions: input.contributions.map((c) => ({ ...c, attempt: 1 })),
      });
      expect(serializeEpochReport(asFirst)).to.equal(serializeEpochReport(attributeEpoch(input)));
      expect(report.models[0].trainedOn[0].contributionsHash).to.not.equal(
        asFirst.models[0].trainedOn[0].contributionsHash,
      );
      // Without its attempt the contribution is taken for a first one, whose id the digest does not fold.
      const wrong = catchError(() => attributeEpoch({ ...input, models })) as DatanetVersionMismatchError;
      expect(wrong).to.be.instanceOf(DatanetVersionMismatchError);
      expect(wrong.path).to.equal("models[0].trainedOn[0].digest");
    });

    it("refuses contributions that are not the version: one missing, or a digest they do not fold to", function () {
      const input = scenario(drafts, outputs);
      const missing = { ...input, contributions: input.contributions.filter((c) => c.id !== "docc") };
      const error = catchError(() => attributeEpoch(missing)) as DatanetVersionMismatchError;
      expect(error).to.be.instanceOf(DatanetVersionMismatchError).and.instanceOf(InvalidInputError);
      expect(error.path).to.equal("models[0].trainedOn[0].count");
      expect(error.message).to.contain("index 3 is missing");

      const reordered = {
        ...input,
        contributions: input.contributions.map((c) =>
          c.datanetId === 1n && c.index <= 2 ? { ...c, index: 3 - c.index, acceptedAt: 2 - c.index } : c,
        ),
      };
      const wrong = catchError(() => attributeEpoch(reordered)) as DatanetVersionMismatchError;
      expect(wrong).to.be.instanceOf(DatanetVersionMismatchError);
      expect(wrong.path).to.equal("models[0].trainedOn[0].digest");
    });
  });

  describe("determinism", function () {
    const { drafts, outputs } = baseScenario();
    const input = scenario(
      drafts,
      outputs.map((x, k) => ({ ...x, modelId: k % 3 === 0 ? 1n : 2n })),
      {
        models: [
          { modelId: 2n, trainedOn: [{ datanetId: 2n }, { datanetId: 1n }] },
          { modelId: 1n, trainedOn: [{ datanetId: 1n, count: 4 }] },
        ],
      },
    );

    it("gives byte-identical reports on two runs", function () {
      expect(serializeEpochReport(attributeEpoch(input))).to.equal(serializeEpochReport(attributeEpoch(input)));
    });

    it("gives the same report whatever the order of every input list, the records of each log included", function () {
      const expected = serializeEpochReport(attributeEpoch(input));
      const random = seededRandom(8_020);
      for (let run = 0; run < 4; run++) {
        const reordered: EpochInput = {
          ...input,
          models: shuffled(input.models, random).map((m) => ({ ...m, trainedOn: shuffled(m.trainedOn, random) })),
          contributions: shuffled(input.contributions, random),
          // The log's root does not depend on the order of its records (its tree sorts the leaves).
          settlements: shuffled(input.settlements, random).map((s) => {
            const log = JSON.parse(s.log as string) as { records: unknown[] };
            return { ...s, log: JSON.stringify({ ...log, records: shuffled(log.records, random) }) };
          }),
        };
        expect(serializeEpochReport(attributeEpoch(reordered))).to.equal(expected);
      }
    });

    it("takes decimal strings for bigints and a parsed log, so a JSON input file gives the same report", function () {
      const json = JSON.parse(
        JSON.stringify(
          { ...input, settlements: input.settlements.map((s) => ({ ...s, log: JSON.parse(s.log as string) })) },
          (_, v) => (typeof v === "bigint" ? v.toString() : v),
        ),
      );
      expect(serializeEpochReport(attributeEpoch(json))).to.equal(serializeEpochReport(attributeEpoch(input)));
    });

    it("reads back its own report unchanged", function () {
      const report = attributeEpoch(input);
      const text = serializeEpochReport(report);
      expect(readEpochReport(text)).to.deep.equal(report);
      expect(serializeEpochReport(readEpochReport(JSON.parse(text)) as EpochReport)).to.equal(text);
    });
  });

  describe("amounts", function () {
    const { drafts, outputs } = baseScenario();

    it("split the pot to the wei over the contributions' weights, and the tree's total is the pot", function () {
      for (const pot of [0n, 1n, 7n, 10n ** 18n + 3n, 10n ** 27n + 12_345n, 2n ** 200n - 1n]) {
        const report = attributeEpoch(scenario(drafts, outputs, { pot }));
        expect(
          report.accounts.reduce((sum, a) => sum + BigInt(a.amount), 0n),
          `pot ${pot}`,
        ).to.equal(pot);
        expect(report.tree.total).to.equal(pot.toString());
        // Each record lists all its contributions (topK 10 ≥ 3 quoted documents): the weights are Σ calls × weight
        // over the records by id, then the unmatched calls spread over the twelve representatives.
        const [settlement] = report.settlements;
        const weights = new Map<string, number>();
        for (const record of settlement.records) {
          for (const t of record.top) {
            weights.set(t.contribution, (weights.get(t.contribution) ?? 0) + Number(record.calls) * t.weight);
          }
        }
        for (const d of [...drafts].sort((a, b) => (a.id < b.id ? -1 : 1))) {
          weights.set(d.id, (weights.get(d.id) ?? 0) + Number(settlement.unmatchedCalls) * (1 / drafts.length));
        }
        const amounts = allocate(pot, weights);
        expect(report.contributions.map((c) => [c.id, c.amount])).to.deep.equal(
          [...amounts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, amount]) => [id, amount.toString()]),
        );
      }
    });

    it("carry over the previous report's cumulative amounts into the tree", function () {
      const first = attributeEpoch(scenario(drafts, outputs, { pot: 1_000_000n }));
      const onlyAlice = [{ id: "inf-2", output: chunk("doca", 0, 30) }];
      const second = attributeEpoch({ ...scenario(drafts, onlyAlice, { pot: 500n, epoch: 2n }), previous: first });
      expect(second.previous).to.deep.equal({
        epoch: "1",
        reportHash: first.reportHash,
        root: first.tree.root,
        total: "1000000",
      });
      expect(second.income).to.deep.equal({ settlements: "500", previous: "0", funding: "0" });
      expect(second.tree.total).to.equal("1000500");
      for (const a of second.accounts) {
        const before = BigInt(first.accounts.find((b) => b.account === a.account)?.cumulative ?? "0");
        expect(BigInt(a.cumulative)).to.equal(before + BigInt(a.amount));
        expect(a.amount).to.equal(a.account === ALICE ? "500" : "0");
      }
      expect(second.accounts.map((a) => a.account)).to.deep.equal(first.accounts.map((a) => a.account));
      expect(readEpochReport(serializeEpochReport(second))).to.deep.equal(second);

      const stale = catchError(() =>
        attributeEpoch({ ...scenario(drafts, onlyAlice, { epoch: 1n }), previous: first }),
      );
      expect(stale).to.be.instanceOf(InvalidEpochInputError);
      expect((stale as InvalidEpochInputError).path).to.equal("previous.epoch");
    });

    it("pay a pot whose records matched nothing evenly to every representative, by the unmatched rule", function () {
      // 1,205 wei over twelve documents: 100 each, and the 5 left over one each to the first five ids.
      const report = attributeEpoch(scenario(drafts, [{ id: "x", output: "nothing matches" }], { pot: 1_205n }));
      expect(report.settlements[0]).to.deep.include({ unmatchedCalls: "1", paid: "1205", carried: "0" });
      expect(report.settlements[0].records.map((r) => r.top)).to.deep.equal([[]]);
      expect(report.contributions.map((c) => [c.id, c.amount])).to.deep.equal(
        drafts.map((d, k) => [d.id, k < 5 ? "101" : "100"]),
      );
    });

    it("refuses to propose a tree when no settlement could be attributed and there is no earlier account", function () {
      const input = scenario(drafts, outputs);
      const unavailable = input.settlements.map(({ log: _log, ...s }) => ({ ...s, fetchError: "gateway timeout" }));
      const error = catchError(() => attributeEpoch({ ...input, settlements: unavailable }));
      expect(error).to.be.instanceOf(EpochNothingAttributedError);
      expect(catchError(() => attributeEpoch({ ...input, settlements: [] }))).to.be.instanceOf(
        EpochNothingAttributedError,
      );
      // With an earlier report there are accounts to carry: the tree is proposed and the pot carried over.
      const first = attributeEpoch(input);
      const next = attributeEpoch({ ...input, epoch: 2n, settlements: unavailable, previous: first });
      expect(next.carryOver).to.deep.equal({
        total: POT.toString(),
        lines: [{ kind: "excluded", settlement: "s1", amount: POT.toString() }],
      });
      expect(next.settlements[0]).to.deep.include({ status: "excluded", paid: "0", carried: POT.toString() });
      expect(next.settlements[0].exclusion).to.deep.equal({ code: "log-unavailable", message: "gateway timeout" });
      expect(next.accounts.map((a) => [a.amount, a.cumulative])).to.deep.equal(
        first.accounts.map((a) => ["0", a.cumulative]),
      );
    });
  });

  describe("readEpochReport", function () {
    const { drafts, outputs } = baseScenario();
    const input = scenario(drafts, outputs, { pot: 10n ** 21n + 7n });
    const report = attributeEpoch(input);
    const refusal = (tampered: unknown) => catchError(() => readEpochReport(tampered)) as MalformedEpochReportError;
    /** The tampered report with its reportHash recomputed: only the consistency checks can catch it. */
    const rehashed = (tampered: EpochReport) => ({ ...tampered, reportHash: epochReportHash(tampered) });
    const plusOne = (amount: string) => (BigInt(amount) + 1n).toString();

    it("refuses a changed amount, naming it, even when the hash is recomputed", function () {
      const tampered = copyOf(report);
      tampered.accounts[1].amount = (BigInt(tampered.accounts[1].amount) + 1n).toString();
      tampered.accounts[2].amount = (BigInt(tampered.accounts[2].amount) - 1n).toString();
      for (const t of [tampered, rehashed(tampered)]) {
        const error = refusal(t);
        expect(error).to.be.instanceOf(EpochReportMismatchError).and.instanceOf(IntegrityError);
        expect(error.path).to.equal("accounts[1].amount");
      }
    });

    it("refuses changed amounts, calls or income, naming the total they no longer add up to", function () {
      const datanet = report.datanets.findIndex((d) => d.datanetId === report.contributions[0].datanetId);
      const cases: [(r: EpochReport) => void, string][] = [
        [(r) => (r.contributions[0].amount = plusOne(r.contributions[0].amount)), `datanets[${datanet}].amount`],
        [
          (r) => (r.settlements[0].payouts[0].amount = plusOne(r.settlements[0].payouts[0].amount)),
          "settlements[0].payouts",
        ],
        [(r) => (r.settlements[0].paid = plusOne(r.settlements[0].paid)), "settlements[0].paid"],
        [(r) => (r.settlements[0].records[0].calls = "2"), "settlements[0].records"],
        [(r) => (r.settlements[0].unmatchedCalls = "0"), "settlements[0].unmatchedCalls"],
        [(r) => (r.income.settlements = plusOne(r.income.settlements)), "income.settlements"],
        [(r) => (r.pool = plusOne(r.pool)), "pool"],
        [(r) => (r.carryOver.total = "5"), "carryOver.total"],
      ];
      for (const [tamper, path] of cases) {
        const tampered = copyOf(report);
        tamper(tampered);
        const error = refusal(rehashed(tampered));
        expect(error, path).to.be.instanceOf(EpochReportMismatchError);
        expect(error.path).to.equal(path);
      }
      // A record's weights are not sums of anything in the report: only its hash binds them.
      const share = copyOf(report);
      const { top } = share.settlements[0].records[0];
      top[top.length - 1].weight /= 2;
      expect(refusal(share).path).to.equal("reportHash");
    });

    it("refuses a changed root, total, cumulative amount or hash", function () {
      const root = copyOf(report);
      root.tree.root = keccak256("0x01");
      expect(refusal(rehashed(root)).path).to.equal("tree.root");
      const total = copyOf(report);
      total.tree.total = "1";
      expect(refusal(rehashed(total)).path).to.equal("tree.total");
      const cumulative = copyOf(report);
      cumulative.accounts[0].cumulative = (BigInt(cumulative.accounts[0].cumulative) + 5n).toString();
      expect(refusal(rehashed(cumulative)).path).to.equal("accounts[0].cumulative");
      const digest = copyOf(report);
      digest.models[0].trainedOn[0].digest = keccak256("0x02");
      expect(refusal(digest).path).to.equal("reportHash");
      const reportHash = copyOf(report);
      reportHash.reportHash = keccak256("0x03");
      const error = refusal(reportHash);
      expect(error).to.be.instanceOf(EpochReportMismatchError);
      expect(error.path).to.equal("reportHash");
    });

    it("refuses an unknown key, a malformed value or a broken order, naming the field", function () {
      const records = report.settlements[0].records;
      const mixed = records.findIndex((x) => x.top.length >= 2 && x.top[0].weight > x.top[1].weight);
      const cases: [(r: Record<string, any>) => void, string][] = [
        [(r) => (r.bonus = 1), "bonus"],
        [(r) => (r.accounts[2].bonus = "1"), "accounts[2].bonus"],
        [(r) => (r.accounts[0].weight = 1), "accounts[0].weight"],
        [(r) => (r.models[0].trainedOn[0].extra = true), "models[0].trainedOn[0].extra"],
        [(r) => (r.accounts[1].amount = "01"), "accounts[1].amount"],
        [(r) => (r.accounts[0].account = r.accounts[0].account.toLowerCase()), "accounts[0].account"],
        [(r) => (r.settlements[0].records[3].outputHash = "0x1234"), "settlements[0].records[3].outputHash"],
        [(r) => (r.contributions[0].amount = "-1"), "contributions[0].amount"],
        [(r) => (r.settlements[0].status = "paid"), "settlements[0].status"],
        [(r) => (r.settlements[0].exclusion = { code: "log-unavailable", message: "" }), "settlements[0].exclusion"],
        [(r) => (r.inferences = []), "inferences"],
        [(r) => (r.format = "epoch-report-v3"), "format"],
        [(r) => delete r.tree, "tree"],
        [(r) => r.settlements[0].records.reverse(), "settlements[0].records[1].id"],
        [
          (r) => (r.settlements[0].records[mixed].top = [...r.settlements[0].records[mixed].top].reverse()),
          `settlements[0].records[${mixed}].top[1].weight`,
        ],
        [(r) => (r.settlements[0].modelId = "9"), "settlements[0].modelId"],
      ];
      for (const [tamper, path] of cases) {
        const tampered = copyOf(report) as unknown as Record<string, any>;
        tamper(tampered);
        const error = refusal(tampered);
        expect(error, path).to.be.instanceOf(MalformedEpochReportError);
        expect(error.path).to.equal(path);
        expect(error.message).to.contain(path);
      }
      expect(refusal("{not json").path).to.equal("the report");
    });

    it("refuses a report that credits the copy of a cluster", function () {
      const withCopy = attributeEpoch(
        scenario(
          [...drafts, { id: "zz-copy", datanetId: 2n, contributor: EVE, text: ownWords("docb", 120), acceptedAt: 999 }],
          outputs,
        ),
      );
      const tampered = copyOf(withCopy);
      const index = tampered.contributions.findIndex((c) => c.id === "docb");
      tampered.contributions[index] = { ...tampered.contributions[index], id: "zz-copy" };
      tampered.contributions.sort((a, b) => (a.id < b.id ? -1 : 1));
      const error = refusal(rehashed(tampered));
      expect(error).to.be.instanceOf(EpochReportMismatchError);
      expect(error.path).to.match(/^contributions\[\d+\]$/);
    });
  });

  describe("verifyEpochReport", function () {
    const { drafts, outputs } = baseScenario();
    const input = scenario(drafts, outputs);
    const report = attributeEpoch(input);
    const [settlement] = input.settlements;

    /** What verifyEpochReport throws for `changed`: an EpochReportMismatchError. */
    const mismatch = (changed: unknown, given = input) => {
      const error = catchError(() => verifyEpochReport(changed, given)) as EpochReportMismatchError;
      expect(error).to.be.instanceOf(EpochReportMismatchError);
      expect(error.shortMessage).to.not.contain("\n");
      return { path: error.path, expected: error.expected, actual: error.actual };
    };

    it("answers the report its input gives, as JSON text or value", function () {
      expect(verifyEpochReport(serializeEpochReport(report), input)).to.deep.equal(report);
      expect(verifyEpochReport(report, input)).to.deep.equal(report);
    });

    it("names the first record that is not a leaf of its settlement's log, before recomputing anything", function () {
      const outputHash = copyOf(report);
      outputHash.settlements[0].records[4].outputHash = textOutputHash("another output");
      expect(mismatch(outputHash)).to.deep.equal({
        path: "settlements[0].records[4]",
        expected: `a leaf of the log of root ${settlement.logRoot}`,
        actual: outputHash.settlements[0].records[4],
      });
      const calls = copyOf(report);
      calls.settlements[0].records[2].calls = "2";
      expect(mismatch(calls)).to.deep.include({ path: "settlements[0].records[2]" });
      // Every record proven, but one left out: the records no longer add up to the calls paid for.
      const dropped = copyOf(report);
      dropped.settlements[0].records.splice(7, 1);
      expect(mismatch(dropped)).to.deep.equal({
        path: "settlements[0].records",
        expected: `${settlement.calls} calls`,
        actual: `${settlement.calls - 1n} calls`,
      });
      const { log: _log, ...withoutLog } = settlement;
      expect(mismatch(report, { ...input, settlements: [withoutLog] })).to.deep.include({ path: "settlements[0]" });
    });

    it("names the first field that differs from the recomputation", function () {
      const weight = copyOf(report);
      weight.settlements[0].records[4].top[0].weight /= 2;
      expect(mismatch(weight)).to.deep.equal({
        path: "settlements[0].records[4].top[0].weight",
        expected: report.settlements[0].records[4].top[0].weight,
        actual: report.settlements[0].records[4].top[0].weight / 2,
      });
      const digest = copyOf(report);
      digest.models[0].trainedOn[1].digest = ZeroHash;
      expect(mismatch(digest)).to.deep.include({ path: "models[0].trainedOn[1].digest" });
      const extra = copyOf(report) as EpochReport & { note?: string };
      extra.note = "hi";
      expect(mismatch(extra)).to.deep.include({ path: "note", expected: undefined });
      const otherPot = attributeEpoch({ ...input, settlements: [{ ...settlement, pot: settlement.pot + 1n }] });
      expect(mismatch(otherPot).path).to.match(/^accounts\[\d+\]\.amount$/);
    });
  });

  describe("input errors", function () {
    const { drafts, outputs } = baseScenario();
    const input = scenario(drafts, outputs);
    const [settlement] = input.settlements;
    const refusal = (changed: unknown) =>
      catchError(() => attributeEpoch(changed as EpochInput)) as InvalidEpochInputError;
    const withSettlement = (changes: Record<string, unknown>) => ({
      ...input,
      settlements: [{ ...settlement, ...changes }],
    });

    it("refuses a text that does not hash to its content hash", function () {
      const contributions = input.contributions.map((c, i) => (i === 3 ? { ...c, text: c.text + "!" } : c));
      const error = refusal({ ...input, contributions });
      expect(error).to.be.instanceOf(ContributionContentMismatchError);
      expect(error.path).to.equal("contributions[3].text");
    });

    it("refuses malformed fields, repeated ids and unknown models, naming the field", function () {
      const cases: [unknown, string][] = [
        // The pool is no longer given: it is the settlements' pots, the carry-over and the funding.
        [{ ...input, pool: 10n ** 21n }, "pool"],
        [withSettlement({ pot: -1n }), "settlements[0].pot"],
        [withSettlement({ pot: "1e18" }), "settlements[0].pot"],
        [withSettlement({ calls: 0n }), "settlements[0].calls"],
        [withSettlement({ logRoot: "0xabc" }), "settlements[0].logRoot"],
        [withSettlement({ fetchError: "timeout" }), "settlements[0].fetchError"],
        [withSettlement({ modelId: 5n }), "settlements[0].modelId"],
        [{ ...input, settlements: [settlement, { ...settlement }] }, "settlements[1].id"],
        [{ ...input, funding: -1n }, "funding"],
        [{ ...input, inferences: [] }, "inferences"],
        [{ ...input, extra: 1 }, "extra"],
        [{ ...input, models: [] }, "models"],
        [
          { ...input, contributions: input.contributions.map((c, i) => (i === 2 ? { ...c, contributor: "0x12" } : c)) },
          "contributions[2].contributor",
        ],
        [
          { ...input, contributions: [...input.contributions, { ...input.contributions[0], index: 99 }] },
          "contributions[12].id",
        ],
        [
          { ...input, contributions: input.contributions.map((c, i) => (i === 5 ? { ...c, acceptedAt: -1 } : c)) },
          "contributions[5].acceptedAt",
        ],
        [
          { ...input, contributions: input.contributions.map((c, i) => (i === 4 ? { ...c, acceptedAt: 0 } : c)) },
          "contributions[4].acceptedAt",
        ],
        [{ ...input, options: { topK: 0 } }, "options.topK"],
        [{ ...input, options: { dedup: { shingle: 5 } } }, "options.dedup.shingle"],
        [{ ...input, previous: { format: "epoch-report-v1" } }, "previous.epoch"],
      ];
      for (const [changed, path] of cases) {
        const error = refusal(changed);
        expect(error, path).to.be.instanceOf(InvalidEpochInputError);
        expect(error.path, path).to.equal(path);
      }
    });

    it("excludes a settlement whose log is malformed or not the one settled, and carries its pot over", function () {
      const other = textSettlement("s1", settlement.pot, [{ id: "r", output: "another log" }]);
      const cases: [Record<string, unknown>, string][] = [
        [{ log: "{not json" }, "log-malformed"],
        [{ log: other.log }, "log-mismatch"],
        [{ calls: settlement.calls + 1n }, "log-mismatch"],
      ];
      const first = attributeEpoch(input);
      for (const [changes, code] of cases) {
        const report = attributeEpoch({ ...withSettlement(changes), epoch: 2n, previous: first });
        expect(report.settlements[0].status, code).to.equal("excluded");
        expect(report.settlements[0].exclusion!.code, code).to.equal(code);
        expect(report.carryOver.lines).to.deep.equal([
          { kind: "excluded", settlement: "s1", amount: settlement.pot.toString() },
        ]);
      }
    });
  });
});
