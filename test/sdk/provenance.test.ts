import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DatanetIndexer,
  IntegrityError,
  ModelClient,
  NotFoundError,
  ProvenanceMismatchError,
  contributionIdOf,
  digestOf,
  verifyModelProvenance,
} from "../../sdk/src";
import type { DatanetRefCheck, ModelSpec } from "../../sdk/src";
import { deployProtocol } from "../../deploy/protocol";
import { BASE_MODEL, modelsFixture } from "../fixtures/models";
import { contentHash, defaultPolicy } from "../fixtures/protocol";
import { rejection } from "../helpers/rejection";
import { submitContribution } from "../helpers/submission";

/** The (count, digest) of a Datanet version holding contributions `ns`, computed without the SDK's indexer. */
function snapshot(datanetId: bigint, ns: (number | string)[]) {
  const acceptances = ns.map((n) => ({
    contributionId: contributionIdOf(datanetId, contentHash(n)),
    contentHash: contentHash(n),
  }));
  return { count: ns.length, digest: digestOf(acceptances) };
}

/** The fixture's published versions: Datanet 1 v1 = {1, 2}, v2 = {1, 2, 3}; Datanet 2 v1 = {4}. */
const D1V1 = snapshot(1n, [1, 2]);
const D1V2 = snapshot(1n, [1, 2, 3]);
const D2V1 = snapshot(2n, [4]);

function spec(trainedOn: ModelSpec["trainedOn"]): ModelSpec {
  return {
    baseModel: BASE_MODEL,
    adapterKind: "LoRA",
    adapterHash: ethers.id("adapter"),
    trainingConfigHash: ethers.id("config"),
    trainedOn,
  };
}

function ok(datanetId: bigint, version: number, s: { count: number; digest: string }): DatanetRefCheck {
  return { datanetId, version, status: "ok", expected: s, actual: s };
}

/**
 * {@link modelsFixture} plus model 1 of `developer`: version 1 trained on Datanet 1 v1, version 2 (after the owner
 * approved `developer` on the permissioned Datanet 2) on Datanet 2 v1 and Datanet 1 v2. Then Datanet 1 accepts
 * contribution 5 without publishing it, so the events hold more than the versions the model names.
 */
async function provenanceFixture() {
  const f = await modelsFixture();
  const { datanets, owner, developer, alice, models, accept } = f;
  const client = await ModelClient.connect(await models.getAddress(), developer);
  const { modelId } = await client.registerModel({
    uri: "ipfs://model",
    spec: spec([{ datanetId: 1n, version: 1 }]),
    pricePerCall: 1n,
  });
  await datanets.connect(owner).setModelAccess(2n, developer.address, true);
  await client.addModelVersion(
    modelId,
    spec([
      { datanetId: 2n, version: 1 },
      { datanetId: 1n, version: 2 },
    ]),
  );
  await accept(1n, alice, 5);
  return { ...f, client, modelId };
}

/** The report for the fixture's model when every check passes. */
function honestReport(datanetRegistry: string) {
  return {
    modelId: 1n,
    datanetRegistry,
    ok: true,
    versions: [
      { version: 1, ok: true, datanets: [ok(1n, 1, D1V1)] },
      { version: 2, ok: true, datanets: [ok(2n, 1, D2V1), ok(1n, 2, D1V2)] },
    ],
  };
}

describe("verifyModelProvenance", function () {
  it("lists every version's Datanet versions and finds each reproduced by the registry's events", async function () {
    const { client, datanets, modelId } = await loadFixture(provenanceFixture);
    const report = await verifyModelProvenance(client, { modelId });
    expect(report).to.deep.equal(honestReport(await datanets.getAddress()));
  });

  it("reuses an indexer that is already synced", async function () {
    const { client, datanets, modelId } = await loadFixture(provenanceFixture);
    const indexer = new DatanetIndexer(ethers.provider, await datanets.getAddress());
    await indexer.sync();
    expect(await verifyModelProvenance(client, { modelId, indexer })).to.deep.equal(
      honestReport(await datanets.getAddress()),
    );
    expect(await verifyModelProvenance(client, { modelId, indexer, assert: true })).to.have.property("ok", true);
  });

  it("reports a mismatch against another registry's events for the same Datanet ids", async function () {
    const { client, open, deployer, owner, v1, v2, v3, alice, modelId } = await loadFixture(provenanceFixture);
    const { datanets: other } = await deployProtocol(deployer, {
      openToken: await open.getAddress(),
      allowSameKey: true,
    });
    const validators = [v1.address, v2.address, v3.address];
    for (const [datanetId, contents] of [
      [1n, ["x", "y", "z"]],
      [2n, ["w"]],
    ] as const) {
      await other.connect(owner).createDatanet("ipfs://impostor", defaultPolicy({ bond: 0n }), validators);
      for (const n of contents) {
        await submitContribution(other, alice, datanetId, contentHash(n), { size: 10, uri: `ipfs://${n}` });
        await other.connect(v1).vote(datanetId, contentHash(n), true);
        await other.connect(v2).vote(datanetId, contentHash(n), true);
      }
      await other.connect(owner).publishVersion(datanetId);
    }
    const indexer = new DatanetIndexer(ethers.provider, await other.getAddress());
    await indexer.sync();

    const report = await verifyModelProvenance(client, { modelId, indexer });
    expect(report.ok).to.equal(false);
    expect(report.versions.map((v) => v.ok)).to.deep.equal([false, false]);
    expect(report.versions[0].datanets).to.deep.equal([
      { datanetId: 1n, version: 1, status: "mismatch", expected: D1V1, actual: snapshot(1n, ["x", "y"]) },
    ]);
    expect(report.versions[1].datanets).to.deep.equal([
      { datanetId: 2n, version: 1, status: "mismatch", expected: D2V1, actual: snapshot(2n, ["w"]) },
      { datanetId: 1n, version: 2, status: "mismatch", expected: D1V2, actual: snapshot(1n, ["x", "y", "z"]) },
    ]);
  });

  it("reports a forged acceptance only where the forged Datanet is named", async function () {
    const { client, datanets, modelId } = await loadFixture(provenanceFixture);
    const indexer = new DatanetIndexer(ethers.provider, await datanets.getAddress());
    await indexer.sync();
    // An event source that swapped contribution 2's content for other bytes.
    const forged = indexer.datanet(1n).acceptances;
    forged[1] = { ...forged[1], contentHash: contentHash("forged") };
    const actualDigest = digestOf(forged.slice(0, 3));

    const report = await verifyModelProvenance(client, { modelId, indexer });
    expect(report.ok).to.equal(false);
    expect(report.versions[0].ok).to.equal(false);
    expect(report.versions[1].datanets).to.deep.equal([
      ok(2n, 1, D2V1),
      { datanetId: 1n, version: 2, status: "mismatch", expected: D1V2, actual: { count: 3, digest: actualDigest } },
    ]);
  });

  it("reports the missing acceptances of an indexer that is behind", async function () {
    const { client, datanets, modelId } = await loadFixture(provenanceFixture);
    const versionOne = (await datanets.queryFilter(datanets.filters.VersionPublished(1n, 1n)))[0];
    const indexer = new DatanetIndexer(ethers.provider, await datanets.getAddress());
    await indexer.sync(versionOne.blockNumber);

    const report = await verifyModelProvenance(client, { modelId, indexer });
    expect(report.versions[0]).to.deep.equal({ version: 1, ok: true, datanets: [ok(1n, 1, D1V1)] });
    expect(report.versions[1].datanets).to.deep.equal([
      // Datanet 2 was created but nothing of it accepted yet by that block.
      { datanetId: 2n, version: 1, status: "mismatch", expected: D2V1, actual: { count: 0, digest: ethers.ZeroHash } },
      { datanetId: 1n, version: 2, status: "mismatch", expected: D1V2, actual: D1V1 },
    ]);
  });

  it("throws ProvenanceMismatchError, an IntegrityError listing each mismatch, when asked to assert", async function () {
    const { client, datanets, modelId } = await loadFixture(provenanceFixture);
    const indexer = new DatanetIndexer(ethers.provider, await datanets.getAddress());
    await indexer.sync();
    indexer.datanet(2n).acceptances.pop();

    const error = await rejection(verifyModelProvenance(client, { modelId, indexer, assert: true }), IntegrityError);
    expect(error).to.be.instanceOf(ProvenanceMismatchError);
    const mismatch = error as ProvenanceMismatchError;
    expect(mismatch.report.ok).to.equal(false);
    expect(mismatch.mismatches).to.deep.equal([
      {
        modelVersion: 2,
        datanetId: 2n,
        version: 1,
        status: "mismatch",
        expected: D2V1,
        actual: { count: 0, digest: ethers.ZeroHash },
      },
    ]);
    expect(mismatch.shortMessage).to.equal(
      `Model 1: 1 Datanet version(s) do not match the events of ${await datanets.getAddress()}.`,
    );
    expect(mismatch.details).to.equal(
      `model version 2, Datanet 2 version 1: published (1, ${D2V1.digest}), events give (0, ${ethers.ZeroHash})`,
    );
  });

  it("throws NotFoundError for an unknown model", async function () {
    const { client } = await loadFixture(provenanceFixture);
    await rejection(verifyModelProvenance(client, { modelId: 2n }), NotFoundError);
  });
});
