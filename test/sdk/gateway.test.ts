import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  InsufficientFundsError,
  InvalidInputError,
  MalformedModelFileError,
  MemoryContentStore,
  ServedModelKindError,
  SettlementClient,
  UnknownServedModelError,
  readInferenceLog,
} from "../../sdk/src";
import { InferenceGateway, mailBody, trainNgram, trainTextClassifier } from "../../sdk/src/ml";
import type { ClassifyReturnType, InferenceGatewayOptions, SettledBatch, TextClassifierModel } from "../../sdk/src/ml";
import { ODD_PRICE, PRICE, settlementFixture } from "../fixtures/settlement";
import { loadEmails } from "../helpers/corpus";
import { seededRandom, shuffled } from "../helpers/random";
import { rejection } from "../helpers/rejection";

const CLASSIFIER_ID = 1n;
const GENERATOR_ID = 2n;
const DIMENSION = 256;

/** Mails in a seeded order: 120 to train on, then held-out ones to query with. */
const mails = shuffled(loadEmails(), seededRandom(3));
const classifier: TextClassifierModel = trainTextClassifier(
  mails.slice(0, 120).map((m) => ({ text: m.text, label: m.spam ? 1 : 0 })),
  { dimension: DIMENSION },
);
const generator = trainNgram(
  mails
    .filter((m) => !m.spam)
    .slice(0, 60)
    .map((m) => mailBody(m.text)),
  { order: 3 },
);
const heldOut = mails.slice(200, 210).map((m) => m.text);
const prompts = ["thanks for the", "i think that", "the list is"];

/** {@link settlementFixture} with a gateway paying from `gateway` (funded, settlement approved) over a memory store. */
async function gatewayFixture() {
  const f = await settlementFixture();
  const client = await SettlementClient.connect(await f.settlement.getAddress(), f.gateway);
  return { ...f, client };
}

/** A gateway serving the classifier as model 1 (v1) and the generator as model 2 (v3), with a fixed clock. */
function servingGateway(options: Partial<InferenceGatewayOptions> & Pick<InferenceGatewayOptions, "settlement">) {
  const store = options.store ?? new MemoryContentStore();
  const gateway = new InferenceGateway({ now: () => 1_700_000_000_000, ...options, store });
  gateway.serve(CLASSIFIER_ID, 1, classifier);
  gateway.serve(GENERATOR_ID, 3, generator, { maxWords: 12 });
  return { gateway, store };
}

describe("InferenceGateway", function () {
  this.timeout(60_000);

  it("classifies mails, stores the batch's log and settles it with the log's root, URI and calls", async function () {
    const { client } = await loadFixture(gatewayFixture);
    const { gateway, store } = servingGateway({ settlement: client });
    const answers: ClassifyReturnType[] = [];
    for (const mail of heldOut.slice(0, 3)) answers.push(await gateway.classify(CLASSIFIER_ID, mail));
    for (const a of answers) expect(a.label).to.equal(a.probability >= 0.5 ? 1 : 0);

    const [batch, ...others] = await gateway.flush();
    expect(others).to.have.length(0);
    expect(batch).to.include({ modelId: CLASSIFIER_ID, calls: 3n, fee: 3n * PRICE, epoch: 1n });
    const [event] = await client.settlements(1n);
    expect(event).to.include({ logRoot: batch.logRoot, logURI: batch.logURI, calls: 3n, fee: 3n * PRICE });
    expect(event.transactionHash).to.equal(batch.transactionHash);

    const bytes = await store.get(batch.logURI);
    const log = readInferenceLog(new TextDecoder().decode(bytes!), { logRoot: event.logRoot, calls: event.calls });
    expect(log.records.map((r) => r.id)).to.deep.equal(answers.map((a) => a.recordId));
    log.records.forEach((record, i) => {
      expect(record).to.include({ modelId: CLASSIFIER_ID, modelVersion: 1, calls: 1n });
      expect(record.queryHash).to.equal(keccak256(toUtf8Bytes(heldOut[i])));
      expect(record.output).to.include({ kind: "label", label: answers[i].label });
      expect(record.output.kind === "label" && record.output.features).to.have.length(DIMENSION);
    });
    expect(gateway.queued(CLASSIFIER_ID)).to.deep.equal([]);
  });

  it("completes prompts, the same way on every run with the same clock, and settles each model's batch", async function () {
    const { client } = await loadFixture(gatewayFixture);
    const { gateway } = servingGateway({ settlement: client });
    const { gateway: again } = servingGateway({ settlement: client });
    for (const prompt of prompts) {
      const first = await gateway.complete(GENERATOR_ID, prompt);
      expect(await again.complete(GENERATOR_ID, prompt)).to.deep.equal(first);
      expect(first.text.split(" ").length).to.be.at.most(12);
    }
    await gateway.classify(CLASSIFIER_ID, heldOut[0]);

    const batches = await gateway.flush();
    expect(batches.map((b) => [b.modelId, b.calls, b.fee])).to.deep.equal([
      [CLASSIFIER_ID, 1n, PRICE],
      [GENERATOR_ID, 3n, 3n * ODD_PRICE],
    ]);
    const records = batches[1].records;
    expect(records.map((r) => r.output.kind)).to.deep.equal(["text", "text", "text"]);
    expect(records.map((r) => r.modelVersion)).to.deep.equal([3, 3, 3]);
    expect(records.map((r) => r.queryHash)).to.deep.equal(prompts.map((p) => keccak256(toUtf8Bytes(p))));
    expect(await gateway.flush()).to.deep.equal([]);
  });

  it("settles a model's batch as soon as it holds batchSize records, and says so", async function () {
    const { client } = await loadFixture(gatewayFixture);
    const reported: SettledBatch[] = [];
    const { gateway } = servingGateway({ settlement: client, batchSize: 2, onSettled: (b) => reported.push(b) });
    await gateway.complete(GENERATOR_ID, prompts[0]);
    expect(await client.settlements(1n)).to.have.length(0);
    await gateway.complete(GENERATOR_ID, prompts[1]);
    const settled = await client.settlements(1n);
    expect(settled.map((s) => [s.modelId, s.calls])).to.deep.equal([[GENERATOR_ID, 2n]]);
    expect(reported.map((b) => b.logRoot)).to.deep.equal([settled[0].logRoot]);
    expect(gateway.queued(GENERATOR_ID)).to.deep.equal([]);
  });

  it("keeps a batch whose settlement failed and settles the same root and URI on the next flush", async function () {
    const { client, open, outsider, deployer } = await loadFixture(gatewayFixture);
    // The outsider holds no OPEN: the settlement reverts.
    const { gateway, store } = servingGateway({ settlement: client.connect(outsider) });
    await gateway.classify(CLASSIFIER_ID, heldOut[0]);
    await gateway.classify(CLASSIFIER_ID, heldOut[1]);
    const records = gateway.queued(CLASSIFIER_ID);
    await rejection(gateway.flush(), InsufficientFundsError);
    expect(gateway.queued(CLASSIFIER_ID)).to.deep.equal(records);
    expect(await client.settlements(1n)).to.have.length(0);

    await gateway.classify(CLASSIFIER_ID, heldOut[2]);
    await open.connect(deployer).transfer(outsider.address, ethers.parseEther("1"));
    const [failed, later] = await gateway.flush();
    expect(failed.records).to.deep.equal(records);
    expect(later.records.map((r) => r.id)).to.have.length(1);
    const settled = await client.settlements(1n);
    expect(settled.map((s) => [s.logRoot, s.logURI, s.calls])).to.deep.equal([
      [failed.logRoot, failed.logURI, 2n],
      [later.logRoot, later.logURI, 1n],
    ]);
    expect(await store.get(failed.logURI)).to.not.equal(undefined);
  });

  it("refuses a query for a model it does not serve, or of the wrong kind", async function () {
    const { client } = await loadFixture(gatewayFixture);
    const { gateway } = servingGateway({ settlement: client });
    const unknown = await rejection(gateway.classify(9n, "x"), UnknownServedModelError);
    expect(unknown.modelId).to.equal(9n);
    await rejection(gateway.complete(CLASSIFIER_ID, "x"), ServedModelKindError);
    await rejection(gateway.classify(GENERATOR_ID, "x"), ServedModelKindError);
    expect(() => gateway.queued(9n)).to.throw(UnknownServedModelError);
  });

  it("refuses a malformed model, version, batch size or option", async function () {
    const { client } = await loadFixture(gatewayFixture);
    const { gateway } = servingGateway({ settlement: client });
    expect(() => gateway.serve(4n, 1, { ...classifier, weights: [] })).to.throw(MalformedModelFileError);
    expect(() => gateway.serve(4n, 0, classifier)).to.throw(InvalidInputError, /version/);
    expect(() => gateway.serve(4n, 1, generator, { maxWords: 0 })).to.throw(InvalidInputError, /maxWords/);
    const store = new MemoryContentStore();
    expect(() => new InferenceGateway({ settlement: client, store, batchSize: 0 })).to.throw(InvalidInputError);
  });
});
