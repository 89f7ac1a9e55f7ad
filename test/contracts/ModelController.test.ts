import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { IModelController__factory, ModelGovernor__factory, ModelTimelock__factory } from "../../typechain-types";
import { MODEL_GOVERNANCE, cloneOf, controllerFixture, modelGovernanceFixture } from "../fixtures/shares";
import { unassertedErrorsAndEvents } from "../helpers/completeness";

/** A retrained version of model 1, on Datanet 1 version 1. */
const SPEC = {
  baseModel: "meta-llama/Llama-3.1-8B-Instruct",
  adapterKind: 1,
  adapterHash: ethers.id("adapter v2"),
  trainingConfigHash: ethers.id("config v2"),
  trainedOn: [{ datanetId: 1n, version: 1n }],
};

describe("ModelController", function () {
  describe("initialize", function () {
    it("records the model, offering, timelock, creator and the creator's right to versions", async function () {
      const { controller, keeper, models, offering, timelock, developer } = await loadFixture(controllerFixture);
      expect(await controller.model()).to.deep.equal([await models.getAddress(), 1n]);
      expect(await controller.offering()).to.equal(offering.address);
      expect(await controller.timelock()).to.equal(timelock.address);
      expect(await controller.creator()).to.equal(developer.address);
      expect(await controller.creatorKeepsVersions()).to.equal(false);
      expect(await keeper.creatorKeepsVersions()).to.equal(true);
      expect(await models.ownerOf(1n)).to.equal(await controller.getAddress());
    });

    it("refuses a second initialization, and the implementation cannot be initialized at all", async function () {
      const { controller, implementation, models, offering } = await loadFixture(controllerFixture);
      const args = [await models.getAddress(), 1n, offering.address, offering.address, offering.address, true] as const;
      await expect(controller.initialize(...args)).to.be.revertedWithCustomError(controller, "InvalidInitialization");
      await expect(implementation.initialize(...args)).to.be.revertedWithCustomError(
        controller,
        "InvalidInitialization",
      );
    });
  });

  describe("decisions", function () {
    it("lets the timelock set the price and the URI, and no one else", async function () {
      const { controller, models, timelock, offering, developer, outsider } = await loadFixture(controllerFixture);
      await expect(controller.connect(timelock).setPrice(7n)).to.emit(models, "ModelPriceUpdated").withArgs(1n, 7n);
      await expect(controller.connect(timelock).setModelURI("ipfs://v2"))
        .to.emit(models, "ModelURIUpdated")
        .withArgs(1n, "ipfs://v2");
      for (const caller of [offering, developer, outsider]) {
        await expect(controller.connect(caller).setPrice(1n))
          .to.be.revertedWithCustomError(controller, "ControllerUnauthorized")
          .withArgs(caller.address);
        await expect(controller.connect(caller).setModelURI("ipfs://x"))
          .to.be.revertedWithCustomError(controller, "ControllerUnauthorized")
          .withArgs(caller.address);
      }
      expect((await models.terms(1n)).pricePerCall).to.equal(7n);
    });

    it("lets the timelock and the offering point the revenue, and no one else", async function () {
      const { controller, models, timelock, offering, developer, outsider } = await loadFixture(controllerFixture);
      await expect(controller.connect(offering).setRevenueRecipient(outsider.address))
        .to.emit(models, "ModelRevenueRecipientUpdated")
        .withArgs(1n, outsider.address);
      await expect(controller.connect(timelock).setRevenueRecipient(timelock.address))
        .to.emit(models, "ModelRevenueRecipientUpdated")
        .withArgs(1n, timelock.address);
      await expect(controller.connect(developer).setRevenueRecipient(developer.address))
        .to.be.revertedWithCustomError(controller, "ControllerUnauthorized")
        .withArgs(developer.address);
      expect((await models.terms(1n)).revenueRecipient).to.equal(timelock.address);
    });

    it("keeps the price at or above the offering's floor while it has one", async function () {
      const { controller, models, timelock, guards } = await loadFixture(controllerFixture);
      await guards.setGuards(ethers.parseEther("0.01"), false);
      await expect(controller.connect(timelock).setPrice(ethers.parseEther("0.01") - 1n))
        .to.be.revertedWithCustomError(controller, "ControllerPriceBelowFloor")
        .withArgs(ethers.parseEther("0.01") - 1n, ethers.parseEther("0.01"));
      await expect(controller.connect(timelock).setPrice(ethers.parseEther("0.02")))
        .to.emit(models, "ModelPriceUpdated")
        .withArgs(1n, ethers.parseEther("0.02"));
      await guards.setGuards(0n, false);
      await expect(controller.connect(timelock).setPrice(1n)).to.emit(models, "ModelPriceUpdated").withArgs(1n, 1n);
    });

    it("refuses the timelock a new revenue recipient while the offering locks the revenue, not the offering", async function () {
      const { controller, models, timelock, offering, guards, outsider } = await loadFixture(controllerFixture);
      await guards.setGuards(0n, true);
      await expect(controller.connect(timelock).setRevenueRecipient(timelock.address)).to.be.revertedWithCustomError(
        controller,
        "ControllerRevenueLocked",
      );
      await expect(controller.connect(offering).setRevenueRecipient(outsider.address))
        .to.emit(models, "ModelRevenueRecipientUpdated")
        .withArgs(1n, outsider.address);
      await guards.setGuards(0n, false);
      await expect(controller.connect(timelock).setRevenueRecipient(timelock.address))
        .to.emit(models, "ModelRevenueRecipientUpdated")
        .withArgs(1n, timelock.address);
    });

    it("lets the timelock add versions, and the creator only when the launch left it that right", async function () {
      const { controller, keeper, models, timelock, developer, offering } = await loadFixture(controllerFixture);
      expect(await controller.connect(timelock).addModelVersion.staticCall(SPEC)).to.equal(2n);
      await expect(controller.connect(timelock).addModelVersion(SPEC)).to.emit(models, "ModelVersionAdded");
      await expect(controller.connect(developer).addModelVersion(SPEC))
        .to.be.revertedWithCustomError(controller, "ControllerUnauthorized")
        .withArgs(developer.address);
      await expect(controller.connect(offering).addModelVersion(SPEC))
        .to.be.revertedWithCustomError(controller, "ControllerUnauthorized")
        .withArgs(offering.address);
      // The keeper clone's creator passes the controller's check; the registry then refuses, the keeper not owning
      // the model: the right is the controller's to grant, the NFT the registry's to check.
      await expect(keeper.connect(developer).addModelVersion(SPEC)).to.be.revertedWithCustomError(
        models,
        "ModelUnauthorizedOwner",
      );
      await expect(keeper.connect(offering).addModelVersion(SPEC))
        .to.be.revertedWithCustomError(keeper, "ControllerUnauthorized")
        .withArgs(offering.address);
      expect(await models.versionCount(1n)).to.equal(2n);
    });

    it("adds a version for the creator of a model whose launch left it that right", async function () {
      const { models, developer, offering, timelock, deployer, implementation } = await loadFixture(controllerFixture);
      const keeping = IModelController__factory.connect(
        await cloneOf(deployer, await implementation.getAddress()),
        deployer,
      );
      const address = await keeping.getAddress();
      await keeping.initialize(
        await models.getAddress(),
        2n,
        offering.address,
        timelock.address,
        developer.address,
        true,
      );
      await models.connect(developer).registerModel("ipfs://second", SPEC, 1n, developer.address);
      await models.connect(developer).transferFrom(developer.address, address, 2n);
      await expect(keeping.connect(developer).addModelVersion(SPEC))
        .to.emit(models, "ModelVersionAdded")
        .withArgs(2n, 2n, SPEC.baseModel, SPEC.adapterKind, SPEC.adapterHash, SPEC.trainingConfigHash, [[1n, 1n]]);
    });
  });

  describe("returnModel", function () {
    it("sends the model NFT back for the offering, emitting ModelReturned", async function () {
      const { controller, models, offering, developer } = await loadFixture(controllerFixture);
      await expect(controller.connect(offering).returnModel(developer.address))
        .to.emit(controller, "ModelReturned")
        .withArgs(developer.address);
      expect(await models.ownerOf(1n)).to.equal(developer.address);
    });

    it("reverts with ControllerUnauthorized for anyone but the offering", async function () {
      const { controller, timelock, developer } = await loadFixture(controllerFixture);
      for (const caller of [timelock, developer]) {
        await expect(controller.connect(caller).returnModel(caller.address))
          .to.be.revertedWithCustomError(controller, "ControllerUnauthorized")
          .withArgs(caller.address);
      }
    });
  });

  describe("holders' governance (ModelGovernor and ModelTimelock clones)", function () {
    it("sets the model's price by a proposal the holders pass, queued and executed through the timelock", async function () {
      const { governor, timelock, controller, models, alice, bob } = await loadFixture(modelGovernanceFixture);
      expect(await governor.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await governor.votingDelay()).to.equal(MODEL_GOVERNANCE.votingDelay);
      expect(await governor.votingPeriod()).to.equal(MODEL_GOVERNANCE.votingPeriod);
      expect(await governor.timelock()).to.equal(await timelock.getAddress());
      const targets = [await controller.getAddress()];
      const calldatas = [controller.interface.encodeFunctionData("setPrice", [123n])];
      const description = "Halve the spam filter's price";
      const descriptionHash = ethers.id(description);
      await governor.connect(bob).propose(targets, [0n], calldatas, description);
      const proposalId = await governor.hashProposal(targets, [0n], calldatas, descriptionHash);
      await time.increase(MODEL_GOVERNANCE.votingDelay + 1n);
      // Quorum is 4% of the supply (40,000 shares) at the vote's start; alice's 600,000 votes carry it.
      expect(await governor.quorum(await governor.proposalSnapshot(proposalId))).to.equal(ethers.parseEther("40000"));
      await governor.connect(alice).castVote(proposalId, 1);
      await governor.connect(bob).castVote(proposalId, 0);
      await time.increase(MODEL_GOVERNANCE.votingPeriod);
      await governor.queue(targets, [0n], calldatas, descriptionHash);
      await time.increase(MODEL_GOVERNANCE.timelockDelay);
      await expect(governor.execute(targets, [0n], calldatas, descriptionHash))
        .to.emit(models, "ModelPriceUpdated")
        .withArgs(1n, 123n);
      expect((await models.terms(1n)).pricePerCall).to.equal(123n);
    });

    it("lets only the proposer cancel a proposal, and only before its vote starts; a cancelled one takes no vote", async function () {
      const { governor, controller, alice, bob } = await loadFixture(modelGovernanceFixture);
      const proposal = (price: bigint): [string[], bigint[], string[], string] => [
        [controller.target as string],
        [0n],
        [controller.interface.encodeFunctionData("setPrice", [price])],
        ethers.id(`Set the price to ${price}`),
      ];
      const propose = async (price: bigint) => {
        const [targets, values, calldatas] = proposal(price);
        await governor.connect(bob).propose(targets, values, calldatas, `Set the price to ${price}`);
        return governor.hashProposal(...proposal(price));
      };
      const cancelled = await propose(1n);
      await expect(governor.connect(alice).cancel(...proposal(1n)))
        .to.be.revertedWithCustomError(governor, "GovernorUnableToCancel")
        .withArgs(cancelled, alice.address);
      await expect(governor.connect(bob).cancel(...proposal(1n)))
        .to.emit(governor, "ProposalCanceled")
        .withArgs(cancelled);
      // ProposalState: Pending 0, Active 1, Canceled 2.
      expect(await governor.state(cancelled)).to.equal(2n);

      const started = await propose(2n);
      await time.increase(MODEL_GOVERNANCE.votingDelay + 1n);
      await expect(governor.connect(alice).castVote(cancelled, 1))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(cancelled, 2n, 1n << 1n);
      await expect(governor.connect(bob).cancel(...proposal(2n)))
        .to.be.revertedWithCustomError(governor, "GovernorUnableToCancel")
        .withArgs(started, bob.address);
      expect(await governor.state(started)).to.equal(1n);
    });

    it("leaves the model's decisions to no one but the timelock: not the governor, not a holder", async function () {
      const { governor, controller, alice } = await loadFixture(modelGovernanceFixture);
      await expect(controller.connect(alice).setPrice(1n)).to.be.revertedWithCustomError(
        controller,
        "ControllerUnauthorized",
      );
      await expect(
        governor
          .connect(alice)
          .relay(await controller.getAddress(), 0n, controller.interface.encodeFunctionData("setPrice", [1n])),
      ).to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor");
    });

    it("locks the governor's and the timelock's implementations", async function () {
      const { deployer } = await loadFixture(modelGovernanceFixture);
      const governor = await new ModelGovernor__factory(deployer).deploy();
      const timelock = await new ModelTimelock__factory(deployer).deploy();
      await expect(
        governor.initialize("X", deployer.address, deployer.address, 1n, 1n, 0n, 4n),
      ).to.be.revertedWithCustomError(governor, "InvalidInitialization");
      await expect(timelock.initialize(1n, [], [], deployer.address)).to.be.revertedWithCustomError(
        timelock,
        "InvalidInitialization",
      );
    });
  });

  it("asserts every custom error and event of IModelController", async function () {
    expect(
      unassertedErrorsAndEvents(__filename, IModelController__factory.createInterface(), ["controller", "keeper"]),
    ).to.deep.equal([]);
  });
});
