import { expect } from "chai";
import {
  InvalidEpochInputError,
  attributeEpoch,
  denseOf,
  hashedFeatures,
  readEpochReport,
  serializeEpochReport,
  trainLogistic,
  validationSetHash,
} from "../../../sdk/src";
import type { EpochInput, EpochReport, LogisticInfluenceScorer } from "../../../sdk/src";
import { attributeEpochInThreads } from "../../../sdk/src/node";
import { loadEmails } from "../../helpers/corpus";
import { address, indexedContributions, settlementOfRecords, versionOf } from "../../helpers/epochReference";
import { seededRandom, shuffled } from "../../helpers/random";

/*
 * A spam classifier (logistic regression on 256 hashed-word buckets) trained on 300 labelled mails of one Datanet,
 * 30 of whose spam mallory relabelled ham; its validation set (200 other mails) fixed at registration by hash; 60
 * mails classified in two settlements.
 */
const DIMENSION = 256;
const L2 = 1;
const features = (text: string) => denseOf(hashedFeatures(text, { dimension: DIMENSION }), DIMENSION);

function scenario() {
  const random = seededRandom(31_337);
  const mails = shuffled(loadEmails(), random).slice(0, 560);
  const training = mails.slice(0, 300);
  const validation = mails.slice(300, 500);
  const queries = mails.slice(500);
  const honest = [address("a1"), address("b2"), address("c3")];
  const MALLORY = address("e5");
  const flipped = new Set<string>();
  const drafts = training.map((m, i) => {
    const relabel = m.spam && flipped.size < 30 && random() < 0.5;
    if (relabel) flipped.add(`c${i}`);
    return {
      id: `c${i}`,
      datanetId: 1n,
      contributor: relabel ? MALLORY : honest[i % 3],
      text: m.text,
      label: m.spam && !relabel ? 1 : 0,
    };
  });
  const contributions = indexedContributions(drafts).map((c, i) => ({
    ...c,
    features: features(c.text),
    label: drafts[i].label,
  }));
  const set = { features: validation.map((m) => features(m.text)), labels: validation.map((m) => (m.spam ? 1 : 0)) };
  const scorer: LogisticInfluenceScorer = {
    kind: "logistic-influence",
    l2: L2,
    validation: set,
    validationHash: validationSetHash(set),
  };
  // The gateway's answers: the model trained on the version, predicting each query.
  const model = trainLogistic(
    contributions.map((c) => c.features),
    contributions.map((c) => c.label as 0 | 1),
    { l2: L2 },
  );
  const predict = (x: number[]) => (x.reduce((z, v, j) => z + v * model.weights[j], model.bias) > 0 ? 1 : 0);
  const settlements = [0, 1].map((s) =>
    settlementOfRecords(
      `s${s}`,
      BigInt(1_000_000 * (s + 1)),
      queries.slice(s * 30, s * 30 + 30).map((m, k) => {
        const x = features(m.text);
        return {
          id: `q${k}`,
          output: { kind: "label" as const, features: x, label: predict(x) },
          calls: BigInt(1 + (k % 3)),
        };
      }),
    ),
  );
  const input: EpochInput = {
    epoch: 1n,
    models: [
      {
        modelId: 1n,
        version: 1,
        trainedOn: [versionOf(1n, contributions)],
        scorer,
      },
    ],
    contributions,
    settlements,
  };
  return { input, flipped, MALLORY, scorer };
}

describe("attributeEpoch with a logistic-influence model", function () {
  this.timeout(120_000);
  const { input, flipped, MALLORY, scorer } = scenario();
  const report: EpochReport = attributeEpoch(input);

  it("values each training contribution on the registered validation set and flags mostly planted flips", function () {
    const dataValue = report.models[0].dataValue!;
    expect(dataValue.values).to.have.length(300);
    expect(dataValue.harmful.length).to.be.greaterThan(0);
    const planted = dataValue.harmful.filter((id) => flipped.has(id)).length;
    expect(planted / dataValue.harmful.length, "precision").to.be.at.least(0.6);
    expect(planted / flipped.size, "recall").to.be.at.least(0.5);
    expect(dataValue.threshold).to.be.at.most(0);
    for (const id of dataValue.lowValue) {
      expect(dataValue.values.find((v) => v.contribution === id)!.value).to.be.below(0);
      expect(dataValue.harmful).to.not.include(id);
    }
    expect(report.models[0].scorer).to.deep.equal({
      kind: "logistic-influence",
      l2: L2,
      validationHash: scorer.validationHash,
    });
    expect(report.datanets[0].harmful).to.deep.equal(dataValue.harmful);
  });

  it("pays a harmful contribution nothing from the model, and credits each prediction to helpful contributions", function () {
    const harmful = new Set(report.models[0].dataValue!.harmful);
    for (const settlement of report.settlements) {
      for (const record of settlement.records)
        for (const share of record.top) expect(harmful.has(share.contribution)).to.equal(false);
      expect(settlement.paid).to.equal(settlement.pot);
    }
    for (const c of report.contributions) expect(harmful.has(c.id)).to.equal(false);
    const credited = report.settlements.flatMap((s) => s.records).filter((r) => r.top.length > 0).length;
    expect(credited).to.equal(60);
    // Mallory's relabelled mails that were not flagged may still earn; her share stays below her share of the data.
    const mallory = BigInt(report.accounts.find((a) => a.account === MALLORY)?.amount ?? "0");
    expect(Number(mallory) / Number(report.pool)).to.be.below(flipped.size / 300);
    readEpochReport(serializeEpochReport(report));
  });

  it("refuses a validation set that is not the registered one", function () {
    const changed = structuredClone(input);
    const model = changed.models[0];
    (model.scorer as LogisticInfluenceScorer).validation.labels[0] ^= 1;
    expect(() => attributeEpoch(changed)).to.throw(InvalidEpochInputError, /validationHash/);
  });

  it("gives the same report on two scoring threads", async function () {
    const threaded = await attributeEpochInThreads(input, { threads: 2 });
    expect(serializeEpochReport(threaded)).to.equal(serializeEpochReport(report));
  });
});
