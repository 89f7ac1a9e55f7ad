import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { IModelRegistry__factory } from "../../typechain-types";
import type { ModelSpecStruct } from "../../typechain-types/contracts/ModelRegistry";
import { AdapterKind, PRICE, modelSpec, modelsFixture, registeredModelFixture } from "../fixtures/models";
import { defaultPolicy } from "../fixtures/protocol";
import { unassertedErrorsAndEvents } from "../helpers/completeness";

type Ref = [datanetId: bigint, version: bigint];

/** `spec.trainedOn` as the ABI returns it. */
function refsOf(spec: ModelSpecStruct): Ref[] {
  return spec.trainedOn.map((r) => [BigInt(r.datanetId), BigInt(r.version)]);
}

/** The ModelVersionAdded arguments `spec` produces for `version` of `modelId`. */
function versionAddedArgs(modelId: bigint, version: bigint, spec: ModelSpecStruct) {
  return [modelId, version, spec.baseModel, spec.adapterKind, spec.adapterHash, spec.trainingConfigHash, refsOf(spec)];
}

/** The stored ModelVersion `spec` produces when recorded at `registeredAt`. */
function storedVersion(spec: ModelSpecStruct, registeredAt: number) {
  return [
    BigInt(registeredAt),
    BigInt(spec.adapterKind),
    ethers.id(String(spec.baseModel)),
    spec.adapterHash,
    spec.trainingConfigHash,
    refsOf(spec),
  ];
}

/** A retrain: a QLoRA of another base model on version 2 of Datanet 1 and version 1 of Datanet 2. */
const RETRAIN = modelSpec({
  baseModel: "mistralai/Mistral-7B-v0.3",
  adapterKind: AdapterKind.QLoRA,
  adapterHash: ethers.id("adapter v2"),
  trainingConfigHash: ethers.id("config v2"),
  trainedOn: [
    { datanetId: 2n, version: 1n },
    { datanetId: 1n, version: 2n },
  ],
});

describe("ModelRegistry", function () {
  describe("deployment", function () {
    it("exposes the Datanet registry, the 16-set cap and the ERC-721 metadata, with no model yet", async function () {
      const { models, datanets } = await loadFixture(modelsFixture);
      expect(await models.DATANETS()).to.equal(await datanets.getAddress());
      expect(await models.MAX_TRAINING_SETS()).to.equal(16n);
      expect(await models.name()).to.equal("Open Attribution Model");
      expect(await models.symbol()).to.equal("OAM");
      expect(await models.supportsInterface("0x80ac58cd")).to.equal(true);
      expect(await models.modelCount()).to.equal(0n);
    });
  });

  describe("registerModel", function () {
    it("mints the model to its registrant with ids counting from 1", async function () {
      const { models, developer, alice, recipient } = await loadFixture(modelsFixture);
      expect(
        await models.connect(developer).registerModel.staticCall("ipfs://m", modelSpec(), PRICE, recipient.address),
      ).to.equal(1n);
      await expect(models.connect(developer).registerModel("ipfs://m", modelSpec(), PRICE, recipient.address))
        .to.emit(models, "Transfer")
        .withArgs(ethers.ZeroAddress, developer.address, 1n);
      await models.connect(alice).registerModel("ipfs://m2", modelSpec(), PRICE, alice.address);
      expect(await models.ownerOf(1n)).to.equal(developer.address);
      expect(await models.ownerOf(2n)).to.equal(alice.address);
      expect(await models.balanceOf(developer.address)).to.equal(1n);
      expect(await models.modelCount()).to.equal(2n);
    });

    it("emits ModelRegistered, ModelVersionAdded, ModelPriceUpdated and ModelRevenueRecipientUpdated, in order", async function () {
      const { models, developer, recipient } = await loadFixture(modelsFixture);
      const spec = modelSpec();
      const tx = models.connect(developer).registerModel("ipfs://model-1", spec, PRICE, recipient.address);
      await expect(tx).to.emit(models, "ModelRegistered").withArgs(1n, developer.address, "ipfs://model-1");
      await expect(tx)
        .to.emit(models, "ModelVersionAdded")
        .withArgs(...versionAddedArgs(1n, 1n, spec));
      await expect(tx).to.emit(models, "ModelPriceUpdated").withArgs(1n, PRICE);
      await expect(tx).to.emit(models, "ModelRevenueRecipientUpdated").withArgs(1n, recipient.address);
      const receipt = await (await tx).wait();
      expect(receipt!.logs.map((l) => models.interface.parseLog(l)?.name)).to.deep.equal([
        "Transfer",
        "ModelRegistered",
        "ModelVersionAdded",
        "ModelPriceUpdated",
        "ModelRevenueRecipientUpdated",
      ]);
    });

    it("stores version 1, the terms and the metadata URI", async function () {
      const { models, developer, recipient } = await loadFixture(modelsFixture);
      const spec = modelSpec({ trainedOn: [{ datanetId: 1n, version: 2n }] });
      await models.connect(developer).registerModel("ipfs://model-1", spec, PRICE, recipient.address);
      expect(await models.versionCount(1n)).to.equal(1n);
      expect(await models.getModelVersion(1n, 1n)).to.deep.equal(storedVersion(spec, await time.latest()));
      expect(await models.terms(1n)).to.deep.equal([PRICE, recipient.address]);
      expect(await models.tokenURI(1n)).to.equal("ipfs://model-1");
    });

    it("stores the base model as the keccak256 of its full name", async function () {
      const { models, developer } = await loadFixture(modelsFixture);
      const baseModel = "a/very-long-base-model-name-".repeat(5);
      await models.connect(developer).registerModel("", modelSpec({ baseModel }), 0n, developer.address);
      expect((await models.getModelVersion(1n, 1n)).baseModelHash).to.equal(
        ethers.keccak256(ethers.toUtf8Bytes(baseModel)),
      );
    });

    it("accepts a zero price, every adapter kind and the 16 training sets of MAX_TRAINING_SETS", async function () {
      const { models, datanets, owner, developer, publishedDatanet } = await loadFixture(modelsFixture);
      await datanets.connect(owner).setModelAccess(2n, developer.address, true);
      const trainedOn = [
        { datanetId: 1n, version: 1n },
        { datanetId: 2n, version: 1n },
      ];
      while (trainedOn.length < 16) trainedOn.push({ datanetId: await publishedDatanet(), version: 1n });
      const spec = modelSpec({ adapterKind: AdapterKind.Full, trainedOn });
      await expect(models.connect(developer).registerModel("ipfs://wide", spec, 0n, developer.address))
        .to.emit(models, "ModelVersionAdded")
        .withArgs(...versionAddedArgs(1n, 1n, spec));
      expect((await models.getModelVersion(1n, 1n)).trainedOn).to.deep.equal(refsOf(spec));
      expect(await models.terms(1n)).to.deep.equal([0n, developer.address]);
      for (const adapterKind of [AdapterKind.LoRA, AdapterKind.QLoRA]) {
        await models.connect(developer).registerModel("", modelSpec({ adapterKind }), 0n, developer.address);
        expect((await models.getModelVersion(await models.modelCount(), 1n)).adapterKind).to.equal(adapterKind);
      }
    });

    it("reverts with ModelNoTrainingData for an empty training list", async function () {
      const { models, developer } = await loadFixture(modelsFixture);
      await expect(
        models.connect(developer).registerModel("", modelSpec({ trainedOn: [] }), PRICE, developer.address),
      ).to.be.revertedWithCustomError(models, "ModelNoTrainingData");
    });

    it("reverts with ModelTooManyTrainingSets beyond MAX_TRAINING_SETS", async function () {
      const { models, developer } = await loadFixture(modelsFixture);
      const trainedOn = Array.from({ length: 17 }, (_, i) => ({ datanetId: BigInt(i + 1), version: 1n }));
      await expect(models.connect(developer).registerModel("", modelSpec({ trainedOn }), PRICE, developer.address))
        .to.be.revertedWithCustomError(models, "ModelTooManyTrainingSets")
        .withArgs(17n, 16n);
    });

    it("reverts with ModelDuplicateDatanet when a Datanet appears twice, even with different versions", async function () {
      const { models, developer, publishedDatanet } = await loadFixture(modelsFixture);
      const third = await publishedDatanet();
      for (const trainedOn of [
        [
          { datanetId: 1n, version: 1n },
          { datanetId: 1n, version: 1n },
        ],
        [
          { datanetId: 1n, version: 1n },
          { datanetId: third, version: 1n },
          { datanetId: 1n, version: 2n },
        ],
      ]) {
        await expect(models.connect(developer).registerModel("", modelSpec({ trainedOn }), PRICE, developer.address))
          .to.be.revertedWithCustomError(models, "ModelDuplicateDatanet")
          .withArgs(1n);
      }
    });

    it("reverts with ModelDatanetVersionNonexistent for version 0, an unpublished version and an unknown Datanet", async function () {
      const { models, datanets, owner, developer, v1 } = await loadFixture(modelsFixture);
      await datanets.connect(owner).createDatanet("ipfs://unpublished", defaultPolicy({ quorum: 1 }), [v1.address]);
      for (const [datanetId, version] of [
        [1n, 0n],
        [1n, 3n],
        [3n, 1n], // created, nothing published
        [99n, 1n], // never created: the Datanet registry's own error must not surface
        [2n ** 64n - 1n, 2n ** 32n - 1n],
      ]) {
        const spec = modelSpec({ trainedOn: [{ datanetId, version }] });
        await expect(models.connect(developer).registerModel("", spec, PRICE, developer.address))
          .to.be.revertedWithCustomError(models, "ModelDatanetVersionNonexistent")
          .withArgs(datanetId, version);
      }
    });

    it("reverts with ModelDatanetAccessDenied on a permissioned Datanet that has not approved the registrant", async function () {
      const { models, datanets, owner, developer, recipient } = await loadFixture(modelsFixture);
      // Approving the revenue recipient does not help: the registrant is the one who trains.
      await datanets.connect(owner).setModelAccess(2n, recipient.address, true);
      const spec = modelSpec({
        trainedOn: [
          { datanetId: 1n, version: 1n },
          { datanetId: 2n, version: 1n },
        ],
      });
      await expect(models.connect(developer).registerModel("", spec, PRICE, recipient.address))
        .to.be.revertedWithCustomError(models, "ModelDatanetAccessDenied")
        .withArgs(2n, developer.address);
      expect(await models.modelCount()).to.equal(0n);
    });

    it("registers on a permissioned Datanet once its owner approved the registrant", async function () {
      const { models, datanets, owner, developer, recipient } = await loadFixture(modelsFixture);
      await datanets.connect(owner).setModelAccess(2n, developer.address, true);
      const spec = modelSpec({ trainedOn: [{ datanetId: 2n, version: 1n }] });
      await expect(models.connect(developer).registerModel("", spec, PRICE, recipient.address))
        .to.emit(models, "ModelVersionAdded")
        .withArgs(...versionAddedArgs(1n, 1n, spec));
    });

    it("reverts with ModelInvalidRevenueRecipient for the zero address", async function () {
      const { models, developer } = await loadFixture(modelsFixture);
      await expect(models.connect(developer).registerModel("", modelSpec(), PRICE, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(models, "ModelInvalidRevenueRecipient")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("addModelVersion", function () {
    it("records the retrain as the next version and keeps the earlier ones", async function () {
      const { models, datanets, owner, developer, modelId } = await loadFixture(registeredModelFixture);
      const registeredAt = await time.latest();
      await datanets.connect(owner).setModelAccess(2n, developer.address, true);
      expect(await models.connect(developer).addModelVersion.staticCall(modelId, RETRAIN)).to.equal(2n);
      await expect(models.connect(developer).addModelVersion(modelId, RETRAIN))
        .to.emit(models, "ModelVersionAdded")
        .withArgs(...versionAddedArgs(modelId, 2n, RETRAIN));
      const retrainedAt = await time.latest();
      const third = modelSpec({ adapterHash: ethers.id("adapter v3") });
      await expect(models.connect(developer).addModelVersion(modelId, third))
        .to.emit(models, "ModelVersionAdded")
        .withArgs(...versionAddedArgs(modelId, 3n, third));

      expect(await models.versionCount(modelId)).to.equal(3n);
      expect(await models.getModelVersion(modelId, 1n)).to.deep.equal(storedVersion(modelSpec(), registeredAt));
      expect(await models.getModelVersion(modelId, 2n)).to.deep.equal(storedVersion(RETRAIN, retrainedAt));
      expect(await models.getModelVersion(modelId, 3n)).to.deep.equal(storedVersion(third, await time.latest()));
    });

    it("leaves the terms and the URI alone", async function () {
      const { models, developer, recipient, modelId } = await loadFixture(registeredModelFixture);
      const tx = models.connect(developer).addModelVersion(modelId, modelSpec());
      await expect(tx).not.to.emit(models, "ModelPriceUpdated");
      await expect(tx).not.to.emit(models, "ModelRevenueRecipientUpdated");
      expect(await models.terms(modelId)).to.deep.equal([PRICE, recipient.address]);
      expect(await models.tokenURI(modelId)).to.equal("ipfs://model-1");
    });

    it("validates the spec as registerModel does", async function () {
      const { models, developer, modelId } = await loadFixture(registeredModelFixture);
      const add = (trainedOn: ModelSpecStruct["trainedOn"]) =>
        models.connect(developer).addModelVersion(modelId, modelSpec({ trainedOn }));
      await expect(add([])).to.be.revertedWithCustomError(models, "ModelNoTrainingData");
      await expect(add(Array.from({ length: 20 }, (_, i) => ({ datanetId: i + 1, version: 1 }))))
        .to.be.revertedWithCustomError(models, "ModelTooManyTrainingSets")
        .withArgs(20n, 16n);
      await expect(
        add([
          { datanetId: 1n, version: 2n },
          { datanetId: 1n, version: 1n },
        ]),
      )
        .to.be.revertedWithCustomError(models, "ModelDuplicateDatanet")
        .withArgs(1n);
      await expect(add([{ datanetId: 1n, version: 5n }]))
        .to.be.revertedWithCustomError(models, "ModelDatanetVersionNonexistent")
        .withArgs(1n, 5n);
      await expect(add([{ datanetId: 2n, version: 1n }]))
        .to.be.revertedWithCustomError(models, "ModelDatanetAccessDenied")
        .withArgs(2n, developer.address);
      expect(await models.versionCount(modelId)).to.equal(1n);
    });

    it("refuses a retrain on a permissioned Datanet after the approval is revoked", async function () {
      const { models, datanets, owner, developer, modelId } = await loadFixture(registeredModelFixture);
      await datanets.connect(owner).setModelAccess(2n, developer.address, true);
      await models.connect(developer).addModelVersion(modelId, RETRAIN);
      await datanets.connect(owner).setModelAccess(2n, developer.address, false);
      await expect(models.connect(developer).addModelVersion(modelId, RETRAIN))
        .to.be.revertedWithCustomError(models, "ModelDatanetAccessDenied")
        .withArgs(2n, developer.address);
      // The version recorded while approved stays.
      expect(await models.versionCount(modelId)).to.equal(2n);
      expect((await models.getModelVersion(modelId, 2n)).trainedOn).to.deep.equal(refsOf(RETRAIN));
    });

    it("reverts with ModelUnauthorizedOwner for anyone but the owner and ModelNonexistent for an unknown model", async function () {
      const { models, developer, outsider, modelId } = await loadFixture(registeredModelFixture);
      await expect(models.connect(outsider).addModelVersion(modelId, modelSpec()))
        .to.be.revertedWithCustomError(models, "ModelUnauthorizedOwner")
        .withArgs(modelId, outsider.address);
      await expect(models.connect(developer).addModelVersion(2n, modelSpec()))
        .to.be.revertedWithCustomError(models, "ModelNonexistent")
        .withArgs(2n);
    });
  });

  describe("ownership", function () {
    it("moves control with the ERC-721 and makes the new owner need its own Datanet approval", async function () {
      const { models, datanets, owner, developer, buyer, modelId } = await loadFixture(registeredModelFixture);
      await datanets.connect(owner).setModelAccess(2n, developer.address, true);
      await models.connect(developer).transferFrom(developer.address, buyer.address, modelId);

      const seller = models.connect(developer);
      for (const call of [
        () => seller.addModelVersion(modelId, modelSpec()),
        () => seller.setPrice(modelId, 1n),
        () => seller.setRevenueRecipient(modelId, developer.address),
        () => seller.setModelURI(modelId, "ipfs://hijack"),
      ]) {
        await expect(call())
          .to.be.revertedWithCustomError(models, "ModelUnauthorizedOwner")
          .withArgs(modelId, developer.address);
      }

      // The seller's approval does not pass to the buyer.
      await expect(models.connect(buyer).addModelVersion(modelId, RETRAIN))
        .to.be.revertedWithCustomError(models, "ModelDatanetAccessDenied")
        .withArgs(2n, buyer.address);
      await expect(models.connect(buyer).addModelVersion(modelId, modelSpec()))
        .to.emit(models, "ModelVersionAdded")
        .withArgs(...versionAddedArgs(modelId, 2n, modelSpec()));
      await datanets.connect(owner).setModelAccess(2n, buyer.address, true);
      await expect(models.connect(buyer).addModelVersion(modelId, RETRAIN))
        .to.emit(models, "ModelVersionAdded")
        .withArgs(...versionAddedArgs(modelId, 3n, RETRAIN));
      await expect(models.connect(buyer).setRevenueRecipient(modelId, buyer.address))
        .to.emit(models, "ModelRevenueRecipientUpdated")
        .withArgs(modelId, buyer.address);
    });

    it("keeps the revenue recipient through a transfer until the new owner changes it", async function () {
      const { models, developer, buyer, recipient, modelId } = await loadFixture(registeredModelFixture);
      await models.connect(developer).transferFrom(developer.address, buyer.address, modelId);
      expect(await models.terms(modelId)).to.deep.equal([PRICE, recipient.address]);
    });

    it("does not let an ERC-721 operator act as the owner", async function () {
      const { models, developer, outsider, modelId } = await loadFixture(registeredModelFixture);
      await models.connect(developer).setApprovalForAll(outsider.address, true);
      await expect(models.connect(outsider).setPrice(modelId, 1n))
        .to.be.revertedWithCustomError(models, "ModelUnauthorizedOwner")
        .withArgs(modelId, outsider.address);
    });
  });

  describe("setPrice", function () {
    it("updates the price, keeps the recipient and emits ModelPriceUpdated", async function () {
      const { models, developer, recipient, modelId } = await loadFixture(registeredModelFixture);
      const max = 2n ** 96n - 1n;
      await expect(models.connect(developer).setPrice(modelId, max))
        .to.emit(models, "ModelPriceUpdated")
        .withArgs(modelId, max);
      expect(await models.terms(modelId)).to.deep.equal([max, recipient.address]);
      await models.connect(developer).setPrice(modelId, 0n);
      expect(await models.terms(modelId)).to.deep.equal([0n, recipient.address]);
    });

    it("reverts for anyone but the owner and for an unknown model", async function () {
      const { models, developer, outsider, modelId } = await loadFixture(registeredModelFixture);
      await expect(models.connect(outsider).setPrice(modelId, 1n))
        .to.be.revertedWithCustomError(models, "ModelUnauthorizedOwner")
        .withArgs(modelId, outsider.address);
      await expect(models.connect(developer).setPrice(0n, 1n))
        .to.be.revertedWithCustomError(models, "ModelNonexistent")
        .withArgs(0n);
    });
  });

  describe("setRevenueRecipient", function () {
    it("updates the recipient, keeps the price and emits ModelRevenueRecipientUpdated", async function () {
      const { models, developer, alice, modelId } = await loadFixture(registeredModelFixture);
      await expect(models.connect(developer).setRevenueRecipient(modelId, alice.address))
        .to.emit(models, "ModelRevenueRecipientUpdated")
        .withArgs(modelId, alice.address);
      expect(await models.terms(modelId)).to.deep.equal([PRICE, alice.address]);
    });

    it("reverts for the zero address, for anyone but the owner and for an unknown model", async function () {
      const { models, developer, outsider, modelId } = await loadFixture(registeredModelFixture);
      await expect(models.connect(developer).setRevenueRecipient(modelId, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(models, "ModelInvalidRevenueRecipient")
        .withArgs(ethers.ZeroAddress);
      await expect(models.connect(outsider).setRevenueRecipient(modelId, outsider.address))
        .to.be.revertedWithCustomError(models, "ModelUnauthorizedOwner")
        .withArgs(modelId, outsider.address);
      await expect(models.connect(developer).setRevenueRecipient(7n, developer.address))
        .to.be.revertedWithCustomError(models, "ModelNonexistent")
        .withArgs(7n);
    });
  });

  describe("setModelURI", function () {
    it("updates the token URI and emits ModelURIUpdated", async function () {
      const { models, developer, modelId } = await loadFixture(registeredModelFixture);
      await expect(models.connect(developer).setModelURI(modelId, "ipfs://model-1-v2"))
        .to.emit(models, "ModelURIUpdated")
        .withArgs(modelId, "ipfs://model-1-v2");
      expect(await models.tokenURI(modelId)).to.equal("ipfs://model-1-v2");
    });

    it("reverts for anyone but the owner and for an unknown model", async function () {
      const { models, developer, outsider, modelId } = await loadFixture(registeredModelFixture);
      await expect(models.connect(outsider).setModelURI(modelId, "x"))
        .to.be.revertedWithCustomError(models, "ModelUnauthorizedOwner")
        .withArgs(modelId, outsider.address);
      await expect(models.connect(developer).setModelURI(2n, "x"))
        .to.be.revertedWithCustomError(models, "ModelNonexistent")
        .withArgs(2n);
    });
  });

  describe("views", function () {
    it("reverts terms, versionCount and getModelVersion with ModelNonexistent for an unknown model", async function () {
      const { models } = await loadFixture(registeredModelFixture);
      for (const modelId of [0n, 2n]) {
        await expect(models.terms(modelId)).to.be.revertedWithCustomError(models, "ModelNonexistent").withArgs(modelId);
        await expect(models.versionCount(modelId))
          .to.be.revertedWithCustomError(models, "ModelNonexistent")
          .withArgs(modelId);
        await expect(models.getModelVersion(modelId, 1n))
          .to.be.revertedWithCustomError(models, "ModelNonexistent")
          .withArgs(modelId);
      }
    });

    it("reverts getModelVersion with ModelVersionNonexistent for version 0 and one past the last", async function () {
      const { models, modelId } = await loadFixture(registeredModelFixture);
      for (const version of [0n, 2n]) {
        await expect(models.getModelVersion(modelId, version))
          .to.be.revertedWithCustomError(models, "ModelVersionNonexistent")
          .withArgs(modelId, version);
      }
    });

    it("reverts tokenURI for an unknown model with the ERC-721 error", async function () {
      const { models } = await loadFixture(registeredModelFixture);
      await expect(models.tokenURI(2n)).to.be.revertedWithCustomError(models, "ERC721NonexistentToken").withArgs(2n);
    });

    it("keeps each model's versions apart", async function () {
      const { models, developer, alice, modelId } = await loadFixture(registeredModelFixture);
      const other = modelSpec({ trainedOn: [{ datanetId: 1n, version: 2n }], adapterKind: AdapterKind.Full });
      await models.connect(alice).registerModel("ipfs://model-2", other, 1n, alice.address);
      await models.connect(developer).addModelVersion(modelId, modelSpec());
      expect(await models.versionCount(modelId)).to.equal(2n);
      expect(await models.versionCount(2n)).to.equal(1n);
      expect((await models.getModelVersion(2n, 1n)).trainedOn).to.deep.equal(refsOf(other));
      expect(await models.terms(2n)).to.deep.equal([1n, alice.address]);
    });
  });

  describe("test coverage of the interface", function () {
    it("asserts every custom error and event of IModelRegistry somewhere in this file", async function () {
      expect(
        unassertedErrorsAndEvents(__filename, IModelRegistry__factory.createInterface(), ["models"]),
      ).to.deep.equal([]);
    });
  });
});
