import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Interface } from "ethers";
import {
  InvalidConfigurationError,
  InvalidInputError,
  ModelClient,
  NotFoundError,
  UnauthorizedError,
} from "../../sdk/src";
import type { ModelSpec } from "../../sdk/src";
import { IModelRegistry__factory } from "../../typechain-types";
import { BASE_MODEL, modelsFixture } from "../fixtures/models";
import { rejection } from "../helpers/rejection";
import { expectEveryErrorTyped } from "../helpers/revertTable";

const PRICE = ethers.parseEther("0.02");

/** A LoRA trained on version 1 of the fixture's open Datanet. */
function spec(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    baseModel: BASE_MODEL,
    adapterKind: "LoRA",
    adapterHash: ethers.id("sdk adapter"),
    trainingConfigHash: ethers.id("sdk config"),
    trainedOn: [{ datanetId: 1n, version: 1 }],
    ...overrides,
  };
}

async function modelClientFixture() {
  const f = await modelsFixture();
  const address = await f.models.getAddress();
  const client = await ModelClient.connect(address, f.developer);
  return { ...f, address, client, buyerClient: client.connect(f.buyer), outsiderClient: client.connect(f.outsider) };
}

/** {@link modelClientFixture} plus model 1 registered through the SDK by `developer`, paying `recipient`. */
async function registeredFixture() {
  const f = await loadFixture(modelClientFixture);
  await f.client.registerModel({
    uri: "ipfs://sdk-model",
    spec: spec(),
    pricePerCall: PRICE,
    revenueRecipient: f.recipient.address,
  });
  return { ...f, modelId: 1n };
}

describe("ModelClient", function () {
  describe("connect", function () {
    it("refuses a malformed address", async function () {
      await rejection(ModelClient.connect("0x1234", ethers.provider), InvalidInputError);
    });

    it("reads the Datanet registry from the model registry", async function () {
      const { client, datanets } = await loadFixture(modelClientFixture);
      expect(await client.datanets.getAddress()).to.equal(await datanets.getAddress());
    });
  });

  describe("registerModel", function () {
    it("returns the new model's id from the event, counting from 1", async function () {
      const { client, buyerClient, models, developer, buyer } = await loadFixture(modelClientFixture);
      const first = await client.registerModel({ uri: "ipfs://a", spec: spec(), pricePerCall: PRICE });
      const second = await buyerClient.registerModel({ uri: "ipfs://b", spec: spec(), pricePerCall: 0n });
      expect(first.modelId).to.equal(1n);
      expect(second.modelId).to.equal(2n);
      expect(first.receipt.status).to.equal(1);
      expect(await client.ownerOf(1n)).to.equal(developer.address);
      expect(await client.ownerOf(2n)).to.equal(buyer.address);
      expect(await models.tokenURI(2n)).to.equal("ipfs://b");
    });

    it("pays the signer unless a revenue recipient is given", async function () {
      const { client, developer, recipient } = await loadFixture(modelClientFixture);
      await client.registerModel({ uri: "", spec: spec(), pricePerCall: PRICE });
      await client.registerModel({ uri: "", spec: spec(), pricePerCall: 1n, revenueRecipient: recipient.address });
      expect(await client.terms(1n)).to.deep.equal({ pricePerCall: PRICE, revenueRecipient: developer.address });
      expect(await client.terms(2n)).to.deep.equal({ pricePerCall: 1n, revenueRecipient: recipient.address });
    });

    it("records version 1 as given", async function () {
      const { client, datanets, owner, developer } = await loadFixture(modelClientFixture);
      await datanets.connect(owner).setModelAccess(2n, developer.address, true);
      const given = spec({
        adapterKind: "QLoRA",
        trainedOn: [
          { datanetId: 2n, version: 1 },
          { datanetId: 1n, version: 2 },
        ],
      });
      const { modelId } = await client.registerModel({ uri: "", spec: given, pricePerCall: PRICE });
      expect(await client.versions(modelId)).to.deep.equal([
        {
          version: 1,
          registeredAt: await time.latest(),
          adapterKind: "QLoRA",
          baseModelHash: ethers.id(BASE_MODEL),
          adapterHash: given.adapterHash,
          trainingConfigHash: given.trainingConfigHash,
          trainedOn: given.trainedOn,
        },
      ]);
    });

    it("refuses malformed input before sending anything", async function () {
      const { client, models } = await loadFixture(modelClientFixture);
      const attempts: [Parameters<ModelClient["registerModel"]>[0], string][] = [
        [{ uri: "", spec: spec({ adapterKind: "DoRA" as never }), pricePerCall: 1n }, "Unknown adapter kind"],
        [{ uri: "", spec: spec({ adapterHash: "0x1234" }), pricePerCall: 1n }, "adapterHash"],
        [{ uri: "", spec: spec({ trainingConfigHash: "config" }), pricePerCall: 1n }, "trainingConfigHash"],
        [{ uri: "", spec: spec(), pricePerCall: -1n }, "outside 0..2^96 - 1"],
        [{ uri: "", spec: spec(), pricePerCall: 2n ** 96n }, "outside 0..2^96 - 1"],
        [{ uri: "", spec: spec(), pricePerCall: 1n, revenueRecipient: "0xabc" }, "not an address"],
      ];
      for (const [p, message] of attempts) {
        expect((await rejection(client.registerModel(p), InvalidInputError)).message).to.contain(message);
      }
      expect(await models.modelCount()).to.equal(0n);
    });

    it("refuses to send from a client without a signer", async function () {
      const { address } = await loadFixture(modelClientFixture);
      const readOnly = await ModelClient.connect(address, ethers.provider);
      const error = await rejection(
        readOnly.registerModel({ uri: "", spec: spec(), pricePerCall: 1n }),
        InvalidInputError,
      );
      expect(error.message).to.contain("no signer");
    });
  });

  describe("addModelVersion and versions", function () {
    it("returns the new version number and lists every version with its Datanet versions", async function () {
      const { client, modelId } = await loadFixture(registeredFixture);
      const retrain = spec({
        adapterKind: "Full",
        adapterHash: ethers.id("v2"),
        trainedOn: [{ datanetId: 1n, version: 2 }],
      });
      const { version } = await client.addModelVersion(modelId, retrain);
      expect(version).to.equal(2);
      expect(await client.versionCount(modelId)).to.equal(2);
      const versions = await client.versions(modelId);
      expect(versions.map((v) => [v.version, v.adapterKind, v.adapterHash, v.trainedOn])).to.deep.equal([
        [1, "LoRA", spec().adapterHash, [{ datanetId: 1n, version: 1 }]],
        [2, "Full", ethers.id("v2"), [{ datanetId: 1n, version: 2 }]],
      ]);
      expect(await client.version(modelId, 2)).to.deep.equal(versions[1]);
    });

    it("throws UnauthorizedError for a permissioned Datanet that has not approved the owner, with the way out", async function () {
      const { client, modelId, developer } = await loadFixture(registeredFixture);
      const error = await rejection(
        client.addModelVersion(modelId, spec({ trainedOn: [{ datanetId: 2n, version: 1 }] })),
        UnauthorizedError,
      );
      expect(error.errorName).to.equal("ModelDatanetAccessDenied");
      expect(error.args).to.deep.equal({ datanetId: 2n, account: developer.address });
      expect(error.shortMessage).to.equal(
        `Datanet 2 is permissioned and has not approved ${developer.address} to train on it.`,
      );
      expect(error.hint).to.contain("setModelAccess");
    });

    it("throws UnauthorizedError for anyone but the model's owner, and follows an NFT transfer", async function () {
      const { client, buyerClient, models, developer, buyer, modelId } = await loadFixture(registeredFixture);
      const error = await rejection(buyerClient.addModelVersion(modelId, spec()), UnauthorizedError);
      expect(error.shortMessage).to.equal(`${buyer.address} is not the owner of model 1.`);
      await models.connect(developer).transferFrom(developer.address, buyer.address, modelId);
      expect((await buyerClient.addModelVersion(modelId, spec())).version).to.equal(2);
      await rejection(client.setPrice(modelId, 1n), UnauthorizedError);
    });

    it("throws the typed errors of an invalid spec", async function () {
      const { client, modelId } = await loadFixture(registeredFixture);
      const cases: [ModelSpec["trainedOn"], typeof NotFoundError, string][] = [
        [[], InvalidConfigurationError, "A model version must name at least one Datanet version it was trained on."],
        [
          Array.from({ length: 17 }, (_, i) => ({ datanetId: BigInt(i + 1), version: 1 })),
          InvalidConfigurationError,
          "17 Datanet versions given; a model version can name at most 16.",
        ],
        [
          [
            { datanetId: 1n, version: 1 },
            { datanetId: 1n, version: 2 },
          ],
          InvalidConfigurationError,
          "Datanet 1 is named twice in one model version.",
        ],
        [[{ datanetId: 1n, version: 3 }], NotFoundError, "Datanet 1 has no published version 3."],
        [[{ datanetId: 42n, version: 1 }], NotFoundError, "Datanet 42 has no published version 1."],
      ];
      for (const [trainedOn, type, message] of cases) {
        const error = await rejection(client.addModelVersion(modelId, spec({ trainedOn })), type);
        expect(error.shortMessage).to.equal(message);
      }
    });

    it("throws NotFoundError for an unknown model or version", async function () {
      const { client, modelId } = await loadFixture(registeredFixture);
      expect((await rejection(client.versions(9n), NotFoundError)).shortMessage).to.equal("Model 9 does not exist.");
      expect((await rejection(client.version(modelId, 2), NotFoundError)).shortMessage).to.equal(
        "Model 1 has no version 2.",
      );
      await rejection(client.addModelVersion(9n, spec()), NotFoundError);
    });
  });

  describe("terms", function () {
    it("sets the price and the revenue recipient", async function () {
      const { client, alice, modelId } = await loadFixture(registeredFixture);
      await client.setPrice(modelId, 7n);
      await client.setRevenueRecipient(modelId, alice.address);
      expect(await client.terms(modelId)).to.deep.equal({ pricePerCall: 7n, revenueRecipient: alice.address });
    });

    it("refuses a malformed price or recipient before sending, and the zero recipient on-chain", async function () {
      const { client, modelId } = await loadFixture(registeredFixture);
      await rejection(client.setPrice(modelId, 2n ** 96n), InvalidInputError);
      await rejection(client.setRevenueRecipient(modelId, "nobody"), InvalidInputError);
      const error = await rejection(client.setRevenueRecipient(modelId, ethers.ZeroAddress), InvalidConfigurationError);
      expect(error.shortMessage).to.equal("The revenue recipient cannot be the zero address.");
    });

    it("throws NotFoundError for the terms of an unknown model", async function () {
      const { client } = await loadFixture(registeredFixture);
      await rejection(client.terms(2n), NotFoundError);
    });

    it("updates the metadata URI", async function () {
      const { client, models, modelId } = await loadFixture(registeredFixture);
      await client.setModelURI(modelId, "ipfs://sdk-model-v2");
      expect(await models.tokenURI(modelId)).to.equal("ipfs://sdk-model-v2");
    });
  });

  describe("revert table", function () {
    it("gives every IModelRegistry error a typed class and its own message", function () {
      expect(expectEveryErrorTyped(new Interface(IModelRegistry__factory.abi))).to.have.length(9);
    });
  });
});
