import { expect } from "chai";
import { InvalidEpochInputError, attributeEpoch, readEpochReport, serializeEpochReport } from "../../../sdk/src";
import type { EpochInput, EpochReport, LogisticInfluenceScorer } from "../../../sdk/src";
import { attributeEpochInThreads } from "../../../sdk/src/node";
import { L2, mislabelledSpamScenario } from "../../helpers/epochScenarios";

describe("attributeEpoch with a logistic-influence model", function () {
  this.timeout(120_000);
  const { input, flipped, MALLORY, scorer } = mislabelledSpamScenario();
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
