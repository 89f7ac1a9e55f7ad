import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  SettlementClient,
  attributeEpoch,
  buildInferenceLog,
  readEpochReport,
  serializeEpochReport,
} from "../../sdk/src";
import type { EpochReport, InferenceRecord } from "../../sdk/src";
import { datanetFixture } from "../fixtures/protocol";
import { PRICE, modelSpec } from "../fixtures/models";
import { indexedContributions, sha256 } from "../helpers/epochReference";
import { submitContribution } from "../helpers/submission";

/*
 * Attack: a contributor settles a 1-wei batch of its own model (1 wei per call) whose log quotes only its own
 * contributions, as many records as it likes, next to an honest payer's 10 OPEN settlement. When every inference
 * weighed the same, the pool went by record count; now each settlement's pot is split over its own records only.
 */

const ownWords = (id: string, length: number) => Array.from({ length }, (_, k) => `${id}w${k}`).join(" ");
const TEXTS = { alice: ownWords("alice", 80), bob: ownWords("bob", 80), mallory: ownWords("mallory", 80) };
const quoting = (name: keyof typeof TEXTS) => `the answer is ${ownWords(name, 30)} as the data says`;

function record(id: string, modelId: bigint, calls: bigint, text: string): InferenceRecord {
  return { id, modelId, modelVersion: 1, calls, queryHash: ethers.id(`query ${id}`), output: { kind: "text", text } };
}

async function cheapSettlementFixture() {
  const f = await datanetFixture();
  const { datanets, models, open, settlement, owner, v1, v2, alice, bob, carol: mallory, signers, deployer } = f;
  const people = { alice, bob, mallory };
  for (const name of ["alice", "bob", "mallory"] as const) {
    await submitContribution(datanets, people[name], 1n, sha256(TEXTS[name]), { size: TEXTS[name].length });
    await datanets.connect(v1).vote(1n, sha256(TEXTS[name]), true);
    await datanets.connect(v2).vote(1n, sha256(TEXTS[name]), true);
  }
  await datanets.connect(owner).publishVersion(1n);
  const [developer, payer] = signers.slice(9, 11);
  await models.connect(developer).registerModel("ipfs://honest", modelSpec(), PRICE, developer.address);
  await models.connect(mallory).registerModel("ipfs://cheap", modelSpec(), 1n, mallory.address);
  await open.connect(deployer).transfer(payer.address, ethers.parseEther("1000"));
  const address = await settlement.getAddress();
  return {
    ...f,
    mallory,
    honest: await SettlementClient.connect(address, payer),
    cheap: await SettlementClient.connect(address, mallory),
  };
}

/** Settles the honest batch and mallory's cheap ones, then attributes epoch 1 from the chain's events and the logs. */
async function attackedEpoch(cheapBatches: number[]): Promise<{ report: EpochReport; cheapPots: bigint }> {
  const f = await loadFixture(cheapSettlementFixture);
  const store = new Map<string, string>();
  const settle = async (client: SettlementClient, modelId: bigint, records: InferenceRecord[]) => {
    const log = buildInferenceLog(records);
    store.set(`ipfs://${log.contentId().cid}`, log.serialize());
    return client.settleLog({ modelId, log });
  };
  await settle(f.honest, 1n, [record("h1", 1n, 600n, quoting("alice")), record("h2", 1n, 400n, quoting("bob"))]);
  let cheapPots = 0n;
  for (const [b, count] of cheapBatches.entries()) {
    const records = Array.from({ length: count }, (_, k) => record(`m${b}-${k}`, 2n, 1n, quoting("mallory")));
    cheapPots += (await settle(f.cheap, 2n, records)).shares.contributors;
  }
  await time.increaseTo(await f.honest.epochStart(2n));
  const version = await f.datanets.getVersion(1n, 1);
  const contributions = indexedContributions(
    (["alice", "bob", "mallory"] as const).map((name) => ({
      id: name,
      datanetId: 1n,
      contributor: { alice: f.alice, bob: f.bob, mallory: f.mallory }[name].address,
      text: TEXTS[name],
    })),
  );
  const trainedOn = [{ datanetId: 1n, version: 1, count: Number(version.count), digest: version.digest }];
  const report = attributeEpoch({
    epoch: 1n,
    models: [
      { modelId: 1n, version: 1, trainedOn },
      { modelId: 2n, version: 1, trainedOn },
    ],
    contributions,
    settlements: await f.honest.epochSettlements(1n, async (uri) => store.get(uri)),
  });
  return { report: readEpochReport(serializeEpochReport(report)) as EpochReport, cheapPots };
}

describe("Security: a cheap settlement that quotes its sender's contributions", function () {
  for (const batches of [[1], [2_000], [500, 500, 500]]) {
    const records = batches.reduce((a, b) => a + b, 0);
    it(`earns the attacker at most its own pot (${batches.length} settlement(s), ${records} records of 1 wei)`, async function () {
      const { report, cheapPots } = await attackedEpoch(batches);
      const mallory = report.accounts.find(
        (a) => a.account === report.contributions.find((c) => c.id === "mallory")!.contributor,
      )!;
      expect(BigInt(mallory.amount)).to.equal(cheapPots);
      // Its pots are the contributors' part of fees of 1 wei per call.
      expect(cheapPots).to.be.greaterThan(0n).and.at.most(BigInt(records));

      // The honest settlement pays its own records only: 600 : 400 of its pot to alice and bob, nothing to mallory.
      const honest = report.settlements.find((s) => s.modelId === "1")!;
      const pot = BigInt(honest.pot);
      expect(pot).to.be.greaterThan(0n);
      const paidTo = (id: string) =>
        BigInt(
          honest.payouts.find((p) => p.account === report.contributions.find((c) => c.id === id)!.contributor)!.amount,
        );
      expect([paidTo("alice"), paidTo("bob")]).to.deep.equal([(pot * 6n) / 10n, (pot * 4n) / 10n]);
      expect(honest.paid).to.equal(honest.pot);
      expect(honest.payouts.map((p) => p.account)).to.not.include(mallory.account);

      // When every inference weighed the same, the same logs would have given mallory records / (records + 2) of
      // the pool: more than 99.9% with 2,000 records.
      const everyRecordEqual = (BigInt(report.pool) * BigInt(records)) / BigInt(records + 2);
      if (records >= 2_000) expect(everyRecordEqual * 1000n).to.be.greaterThan(BigInt(report.pool) * 999n);
    });
  }
});
