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
import { address, indexedContributions, referenceDigest, sha256 } from "../../helpers/epochReference";
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

/* SCENARIOS */

const ALICE = address("a1");
const BOB = address("b2");
const CAROL = address("c3");
const DAVE = address("d4");
const MALLORY = address("e5");
const EVE = address("f6");
const LOG_ROOT = keccak256(toUtf8Bytes("inference log batch 1"));

type Draft = DraftContribution;

interface ScenarioOptions {
  pool?: bigint;
  epoch?: bigint;
  /** Per model, the Datanets it was trained on and how many of each one's contributions (default all). */
  models?: { modelId: bigint; trainedOn: { datanetId: bigint; count?: number }[] }[];
  options?: EpochInput["options"];
}

/**
 * An epoch input: contributions indexed per Datanet in the order drafted (accepted at their position unless told),
 * each model trained on versions whose digests are recomputed here.
 */
function scenario(
  drafts: readonly Draft[],
  inferences: readonly { id: string; output: string; modelId?: bigint }[],
  { pool = 10n ** 21n, epoch = 1n, models, options }: ScenarioOptions = {},
): EpochInput {
  const contributions = indexedContributions(drafts);
  const datanetIds = [...new Set(drafts.map((d) => d.datanetId))];
  const modelSpecs: NonNullable<ScenarioOptions["models"]> = models ?? [
    { modelId: 1n, trainedOn: datanetIds.map((datanetId) => ({ datanetId })) },
  ];
  return {
    epoch,
    pool,
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
    inferences: inferences.map((x) => ({ id: x.id, modelId: x.modelId ?? 1n, logRoot: LOG_ROOT, output: x.output })),
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
 * each quoted document gets its quoted words over all quoted words.
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

function accountsOf(report: EpochReport): Record<string, { weight: number; amount: string }> {
  return Object.fromEntries(report.accounts.map((a) => [a.account, { weight: a.weight, amount: a.amount }]));
}

function weightOf(report: EpochReport, account: string): number {
  return report.accounts.find((a) => a.account === account)?.weight ?? 0;
}

function shareOf(report: EpochReport, account: string): number {
  return weightOf(report, account) / report.accounts.reduce((sum, a) => sum + a.weight, 0);
}

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
    it("credits each quoted document its share of each output, and sums per contribution, contributor and Datanet", function () {
      const { drafts, outputs } = baseScenario();
      const report = attributeEpoch(scenario(drafts, outputs, { options: { topK: 2 } }));

      const expectedContribution = new Map<string, number>();
      for (const { quoted } of outputs) {
        const total = [...quoted.values()].reduce((a, b) => a + b, 0);
        for (const [doc, words] of quoted)
          expectedContribution.set(doc, (expectedContribution.get(doc) ?? 0) + words / total);
      }
      expect(report.contributions.map((c) => c.id)).to.deep.equal([...expectedContribution.keys()].sort());
      for (const c of report.contributions) expect(c.weight).to.be.closeTo(expectedContribution.get(c.id)!, 1e-12);

      const draftOf = new Map(drafts.map((d) => [d.id, d]));
      const expectedBy = (key: (d: Draft) => string) => {
        const sums = new Map<string, number>();
        for (const [doc, w] of expectedContribution)
          sums.set(key(draftOf.get(doc)!), (sums.get(key(draftOf.get(doc)!)) ?? 0) + w);
        return sums;
      };
      const byContributor = expectedBy((d) => d.contributor);
      expect(report.accounts.map((a) => a.account).sort()).to.deep.equal([...byContributor.keys()].sort());
      for (const a of report.accounts) expect(a.weight).to.be.closeTo(byContributor.get(a.account)!, 1e-12);
      const byDatanet = expectedBy((d) => d.datanetId.toString());
      for (const d of report.datanets) expect(d.weight).to.be.closeTo(byDatanet.get(d.datanetId) ?? 0, 1e-12);

      // Each amount is the pool's exact share of the expected weights, to within rounding.
      const pool = 10n ** 21n;
      const totalWeight = [...byContributor.values()].reduce((a, b) => a + b, 0);
      for (const a of report.accounts) {
        const exact = (Number(pool) * byContributor.get(a.account)!) / totalWeight;
        expect(Math.abs(Number(BigInt(a.amount)) - exact) / exact).to.be.below(1e-9);
      }
      expect(report.accounts.reduce((sum, a) => sum + BigInt(a.amount), 0n)).to.equal(pool);

      for (const inference of report.inferences) {
        const { quoted } = outputs.find((o) => o.id === inference.id)!;
        const total = [...quoted.values()].reduce((a, b) => a + b, 0);
        const expectedTop = [...quoted]
          .map(([doc, words]) => ({ contribution: doc, weight: words / total }))
          .sort((x, y) => y.weight - x.weight || (x.contribution < y.contribution ? -1 : 1))
          .slice(0, 2);
        expect(inference.top.map((t) => t.contribution)).to.deep.equal(expectedTop.map((t) => t.contribution));
        inference.top.forEach((t, k) => expect(t.weight).to.be.closeTo(expectedTop[k].weight, 1e-12));
        expect(inference.outputHash).to.equal(sha256(outputs.find((o) => o.id === inference.id)!.output));
        expect(inference.logRoot).to.equal(LOG_ROOT);
      }
      expect(report.inferences.find((x) => x.id === "inf-unmatched")!.top).to.deep.equal([]);
    });

    it("records every input hash: each Datanet version's count, digest and contribution list, each output", function () {
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
      expect(report.inferences.map((x) => x.id)).to.deep.equal(outputs.map((o) => o.id).sort());
      expect(report.format).to.equal("epoch-report-v1");
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
    const { drafts, outputs } = baseScenario();
    const baseline = attributeEpoch(scenario(drafts, outputs));
    const text = (id: string) => drafts.find((d) => d.id === id)!.text;
    const words = (id: string) => text(id).split(" ");
    /** One word in 60 replaced by or preceded by a novel word: the copy's new spans match no output. */
    const edited = (id: string) =>
      words(id)
        .map((w, k) => (k % 60 === 30 ? (k % 120 === 30 ? novel() : `${novel()} ${w}`) : w))
        .join(" ");
    const later = (extra: Draft[]) => extra.map((d, k) => ({ ...d, acceptedAt: 1_000 + k }));

    it("does not raise a contributor's share when it adds exact copies of its own or others' contributions", function () {
      const copies = later([
        // Mallory owns doce and docj; docb is Bob's. Datanet 3 is new, so each copy is its first contribution.
        { id: "copy-1", datanetId: 3n, contributor: MALLORY, text: text("doce") },
        { id: "copy-2", datanetId: 3n, contributor: MALLORY, text: text("docb") },
        { id: "copy-3", datanetId: 1n, contributor: MALLORY, text: text("docb").toUpperCase() },
        { id: "copy-4", datanetId: 2n, contributor: MALLORY, text: `${text("docj")}.` },
      ]);
      const report = attributeEpoch(scenario([...drafts, ...copies], outputs));
      expect(accountsOf(report)).to.deep.equal(accountsOf(baseline));
      expect(report.models[0].clusters).to.deep.equal([
        { representative: "docb", copies: ["copy-2", "copy-3"] },
        { representative: "doce", copies: ["copy-1"] },
        { representative: "docj", copies: ["copy-4"] },
      ]);
    });

    it("does not raise a contributor's share when it adds lightly edited copies", function () {
      const copies = later(
        ["doce", "docj", "docb", "doca", "dock"].map((id, k) => ({
          id: `edit-${k}`,
          datanetId: 2n,
          contributor: MALLORY,
          text: edited(id),
        })),
      );
      const report = attributeEpoch(scenario([...drafts, ...copies], outputs));
      expect(accountsOf(report)).to.deep.equal(accountsOf(baseline));
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
      expect(accountsOf(withDedup)).to.deep.equal(accountsOf(before));
      expect(shareOf(withoutDedup, MALLORY)).to.be.greaterThan(shareOf(before, MALLORY) + 0.05);
    });

    it("credits a copy's cluster to the contribution accepted first, whatever the Datanet or index", function () {
      // The copy is index 1 of its Datanet, the original index 5 of Datanet 1, but the original was accepted first.
      const copy = { id: "aaa-copy", datanetId: 3n, contributor: MALLORY, text: text("doce"), acceptedAt: 99 };
      const report = attributeEpoch(scenario([copy, ...drafts], outputs));
      expect(report.models[0].clusters).to.deep.equal([{ representative: "doce", copies: ["aaa-copy"] }]);
      expect(accountsOf(report)).to.deep.equal(accountsOf(baseline));
    });

    it("does not raise an attacker's share with edited copies of real mails (replacements, insertions, deletions)", function () {
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

    it("gives nothing to a contribution accepted after the model's version, and the report does not change", function () {
      const withLate = attributeEpoch(scenario([...drafts, ...late], quotingLate, versionsBeforeLate));
      const withoutLate = attributeEpoch(scenario(drafts, quotingLate, versionsBeforeLate));
      expect(withLate.accounts.map((a) => a.account)).to.not.include(EVE);
      expect(withLate.contributions.map((c) => c.id)).to.not.include("late-1");
      expect(withLate.inferences.find((x) => x.id === "inf-late")!.top).to.deep.equal([
        { contribution: "doca", weight: 1 },
      ]);
      expect(serializeEpochReport(withLate)).to.equal(serializeEpochReport(withoutLate));
    });

    it("credits it from a model trained on a later version, and only from that model", function () {
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
      expect(report.inferences.find((x) => x.id === "inf-late-2")!.top).to.deep.equal([
        { contribution: "late-1", weight: 1 },
      ]);
      expect(report.contributions.find((c) => c.id === "late-1")!.weight).to.equal(1);
      expect(weightOf(report, EVE)).to.equal(1);
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
      expect(report.inferences.map((x) => x.top)).to.deep.equal([
        [{ contribution: "copy", weight: 1 }],
        [{ contribution: "doca", weight: 1 }],
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
    const input = scenario(drafts, outputs, {
      models: [
        { modelId: 2n, trainedOn: [{ datanetId: 2n }, { datanetId: 1n }] },
        { modelId: 1n, trainedOn: [{ datanetId: 1n, count: 4 }] },
      ],
    });
    input.inferences = input.inferences.map((x, k) => ({ ...x, modelId: k % 3 === 0 ? 1n : 2n }));

    it("gives byte-identical reports on two runs", function () {
      expect(serializeEpochReport(attributeEpoch(input))).to.equal(serializeEpochReport(attributeEpoch(input)));
    });

    it("gives the same report whatever the order of every input list", function () {
      const expected = serializeEpochReport(attributeEpoch(input));
      const random = seededRandom(8_020);
      for (let run = 0; run < 4; run++) {
        const reordered: EpochInput = {
          ...input,
          models: shuffled(input.models, random).map((m) => ({ ...m, trainedOn: shuffled(m.trainedOn, random) })),
          contributions: shuffled(input.contributions, random),
          inferences: shuffled(input.inferences, random),
        };
        expect(serializeEpochReport(attributeEpoch(reordered))).to.equal(expected);
      }
    });

    it("takes decimal strings for bigints, so a JSON input file gives the same report", function () {
      const json = JSON.parse(JSON.stringify(input, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
      expect(serializeEpochReport(attributeEpoch(json))).to.equal(serializeEpochReport(attributeEpoch(input)));
    });

    it("reads back its own report unchanged", function () {
      const report = attributeEpoch(input);
      const text = serializeEpochReport(report);
      expect(readEpochReport(text)).to.deep.equal(report);
      expect(serializeEpochReport(readEpochReport(JSON.parse(text)))).to.equal(text);
    });
  });

  describe("amounts", function () {
    const { drafts, outputs } = baseScenario();

    it("sum to the pool to the wei, and the tree's total is the pool", function () {
      for (const pool of [0n, 1n, 7n, 10n ** 18n + 3n, 10n ** 27n + 12_345n, 2n ** 200n - 1n]) {
        const report = attributeEpoch(scenario(drafts, outputs, { pool }));
        expect(
          report.accounts.reduce((sum, a) => sum + BigInt(a.amount), 0n),
          `pool ${pool}`,
        ).to.equal(pool);
        expect(report.tree.total).to.equal(pool.toString());
        const weights = new Map(report.accounts.map((a) => [a.account, a.weight]));
        const amounts = allocate(pool, weights);
        expect(report.accounts.map((a) => a.amount)).to.deep.equal(
          report.accounts.map((a) => amounts.get(a.account)!.toString()),
        );
      }
    });

    it("carry over the previous report's cumulative amounts into the tree", function () {
      const first = attributeEpoch(scenario(drafts, outputs, { pool: 1_000_000n }));
      const onlyAlice = [{ id: "inf-2", output: chunk("doca", 0, 30) }];
      const second = attributeEpoch({ ...scenario(drafts, onlyAlice, { pool: 500n, epoch: 2n }), previous: first });
      expect(second.previous).to.deep.equal({
        epoch: "1",
        reportHash: first.reportHash,
        root: first.tree.root,
        total: "1000000",
      });
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

    it("refuses to split a pool when no inference drew on any contribution", function () {
      const error = catchError(() => attributeEpoch(scenario(drafts, [{ id: "x", output: "nothing matches" }])));
      expect(error).to.be.instanceOf(EpochNothingAttributedError);
    });
  });

  describe("readEpochReport", function () {
    const { drafts, outputs } = baseScenario();
    const input = scenario(drafts, outputs, { pool: 10n ** 21n + 7n });
    const report = attributeEpoch(input);
    const refusal = (tampered: unknown) => catchError(() => readEpochReport(tampered)) as MalformedEpochReportError;
    /** The tampered report with its reportHash recomputed: only the consistency checks can catch it. */
    const rehashed = (tampered: EpochReport) => ({ ...tampered, reportHash: epochReportHash(tampered) });

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

    it("refuses changed weights, naming the total they no longer add up to", function () {
      const account = copyOf(report);
      account.accounts[0].weight *= 1.5;
      expect(refusal(rehashed(account)).path).to.equal("accounts[0].weight");
      const contribution = copyOf(report);
      contribution.contributions[0].weight += 0.25;
      const datanet = report.datanets.findIndex((d) => d.datanetId === report.contributions[0].datanetId);
      expect(refusal(rehashed(contribution)).path).to.equal(`datanets[${datanet}].weight`);
      const share = copyOf(report);
      share.inferences[0].top[share.inferences[0].top.length - 1].weight /= 2;
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
      const mixed = report.inferences.findIndex((x) => x.top.length >= 2 && x.top[0].weight > x.top[1].weight);
      const cases: [(r: Record<string, any>) => void, string][] = [
        [(r) => (r.bonus = 1), "bonus"],
        [(r) => (r.accounts[2].bonus = "1"), "accounts[2].bonus"],
        [(r) => (r.models[0].trainedOn[0].extra = true), "models[0].trainedOn[0].extra"],
        [(r) => (r.accounts[1].amount = "01"), "accounts[1].amount"],
        [(r) => (r.accounts[0].account = r.accounts[0].account.toLowerCase()), "accounts[0].account"],
        [(r) => (r.inferences[3].outputHash = "0x1234"), "inferences[3].outputHash"],
        [(r) => (r.contributions[0].weight = -1), "contributions[0].weight"],
        [(r) => (r.format = "epoch-report-v2"), "format"],
        [(r) => delete r.tree, "tree"],
        [(r) => r.inferences.reverse(), "inferences[1].id"],
        [
          (r) => (r.inferences[mixed].top = [...r.inferences[mixed].top].reverse()),
          `inferences[${mixed}].top[1].weight`,
        ],
        [(r) => (r.inferences[0].modelId = "9"), "inferences[0].modelId"],
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

    it("accepts the report its input gives, as JSON text or value", function () {
      expect(verifyEpochReport(serializeEpochReport(report), input)).to.deep.equal({ ok: true });
      expect(verifyEpochReport(report, input)).to.deep.equal({ ok: true });
    });

    it("names the first field that differs from the recomputation", function () {
      const outputHash = copyOf(report);
      outputHash.inferences[4].outputHash = sha256("another output");
      expect(verifyEpochReport(outputHash, input)).to.deep.equal({
        ok: false,
        path: "inferences[4].outputHash",
        expected: report.inferences[4].outputHash,
        actual: sha256("another output"),
      });
      const digest = copyOf(report);
      digest.models[0].trainedOn[1].digest = ZeroHash;
      expect(verifyEpochReport(digest, input)).to.deep.include({ ok: false, path: "models[0].trainedOn[1].digest" });
      const extra = copyOf(report) as EpochReport & { note?: string };
      extra.note = "hi";
      expect(verifyEpochReport(extra, input)).to.deep.include({ ok: false, path: "note", expected: undefined });
      const otherPool = attributeEpoch({ ...input, pool: input.pool + 1n });
      const difference = verifyEpochReport(otherPool, input);
      expect(difference.ok).to.equal(false);
      expect(!difference.ok && difference.path).to.match(/^accounts\[\d+\]\.amount$/);
    });
  });

  describe("input errors", function () {
    const { drafts, outputs } = baseScenario();
    const input = scenario(drafts, outputs);
    const refusal = (changed: unknown) =>
      catchError(() => attributeEpoch(changed as EpochInput)) as InvalidEpochInputError;

    it("refuses a text that does not hash to its content hash", function () {
      const contributions = input.contributions.map((c, i) => (i === 3 ? { ...c, text: c.text + "!" } : c));
      const error = refusal({ ...input, contributions });
      expect(error).to.be.instanceOf(ContributionContentMismatchError);
      expect(error.path).to.equal("contributions[3].text");
    });

    it("refuses malformed fields, repeated ids and unknown models, naming the field", function () {
      const cases: [unknown, string][] = [
        [{ ...input, pool: -1n }, "pool"],
        [{ ...input, pool: "1e18" }, "pool"],
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
        [
          { ...input, inferences: [...input.inferences, { ...input.inferences[0] }] },
          `inferences[${input.inferences.length}].id`,
        ],
        [
          { ...input, inferences: input.inferences.map((x, i) => (i === 1 ? { ...x, modelId: 5n } : x)) },
          "inferences[1].modelId",
        ],
        [
          { ...input, inferences: input.inferences.map((x, i) => (i === 0 ? { ...x, logRoot: "0xabc" } : x)) },
          "inferences[0].logRoot",
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
  });
});
