import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  GOVERNANCE,
  HARD_CAP,
  OfferingState,
  launchableFixture,
  offeringTerms,
  PROSPECTUS_HASH,
  SALE_DURATION,
  versionSpec,
} from "../fixtures/offering";
import { MODEL_PRICE } from "../fixtures/economy";

/*
 * Attacks by a creator on its own offering, from the security review of the Initial AI Offering. In each, the buyers
 * fill the sale and then stay passive, and the creator acts with what the terms give it: its vested shares (vesting
 * `{cliff 0, duration 0}`, so all 200,000 are its at once, 20% of the supply), the votes they carry in the end vote and
 * in the model's governance (quorum 4%), and the right to call anything anyone may call.
 * - Ending its own offering after missing a milestone must not hand it any of the buyers' escrow (before the fix it
 *   redeemed 1,584 of the 7,920 OPEN unreleased, its 20% share).
 * - Its governance votes must not cut the price under a pending settled-calls milestone (before the fix: price 1 wei,
 *   the milestone faked for 500,000 wei, 3,960 OPEN released) nor move the holders' revenue while the raise is
 *   escrowed.
 * - A model-version milestone must not be met for free (before the fix: a version naming a Datanet version that
 *   existed at launch, registered by the creator itself, released 1,980 OPEN).
 * - The protocol fee a buyer sees at launch is the fee the raise pays.
 */

async function filledByPassiveBuyer() {
  const f = await loadFixture(launchableFixture);
  const launched = await f.launch({ vesting: { cliff: 0n, duration: 0n } });
  const { offering, shares, terms } = launched;
  const [buyer] = f.buyers;
  await f.open.connect(buyer).approve(await offering.getAddress(), HARD_CAP);
  await offering.connect(buyer).buy(HARD_CAP);
  await time.increaseTo(terms.sale.deadline);
  await offering.finalize();
  await offering.settle(buyer.address);
  const creator = f.developer;
  await offering.connect(creator).claimVested();
  await shares.connect(creator).delegate(creator.address);
  return { ...f, ...launched, buyer, creator };
}

/** Proposes `data` to the model's controller from the creator, votes for it alone and queues it. */
async function passAlone(f: Awaited<ReturnType<typeof filledByPassiveBuyer>>, data: string, description: string) {
  const { governor, controller, creator } = f;
  const targets = [await controller.getAddress()];
  await time.increase(1n);
  await governor.connect(creator).propose(targets, [0n], [data], description);
  const id = await governor.hashProposal(targets, [0n], [data], ethers.id(description));
  await time.increase(BigInt(GOVERNANCE.votingDelay) + 1n);
  await governor.connect(creator).castVote(id, 1);
  await time.increase(BigInt(GOVERNANCE.votingPeriod) + 1n);
  await governor.queue(targets, [0n], [data], ethers.id(description));
  await time.increase(BigInt(GOVERNANCE.timelockDelay) + 1n);
  return () => governor.execute(targets, [0n], [data], ethers.id(description));
}

describe("Security: a creator capturing its own offering", function () {
  it("ends its offering alone after missing a milestone, and gets none of the buyers' escrow", async function () {
    const f = await filledByPassiveBuyer();
    const { offering, open, terms, buyer, creator } = f;
    await time.increaseTo(BigInt(terms.milestones[0].deadline) + 1n);
    await offering.connect(creator).openEndVote(0);
    await offering.connect(creator).castEndVote(true);
    await time.increase(BigInt(terms.endVote.votingPeriod) + 1n);
    await offering.connect(creator).closeEndVote();
    expect(await offering.state()).to.equal(OfferingState.Ended);

    const unreleased = (await offering.netRaise()) - (await offering.released());
    expect(unreleased).to.equal(7_920n * 10n ** 18n);
    const before = await open.balanceOf(creator.address);
    await expect(offering.connect(creator).redeem(creator.address))
      .to.be.revertedWithCustomError(offering, "OfferingNothingToRedeem")
      .withArgs(creator.address);
    expect(await open.balanceOf(creator.address)).to.equal(before);
    // The whole unreleased raise goes back to the buyer that paid it.
    await expect(offering.redeem(buyer.address))
      .to.emit(offering, "DepositRedeemed")
      .withArgs(buyer.address, unreleased);
    expect(await open.balanceOf(await offering.getAddress())).to.equal(0n);
  });

  it("passes a price cut with its own votes, which the controller refuses while the calls milestone waits", async function () {
    const f = await filledByPassiveBuyer();
    const { offering, controller, models } = f;
    const execute = await passAlone(f, controller.interface.encodeFunctionData("setPrice", [1n]), "cheap calls");
    await expect(execute())
      .to.be.revertedWithCustomError(controller, "ControllerPriceBelowFloor")
      .withArgs(1n, MODEL_PRICE);
    expect((await models.terms(1n)).pricePerCall).to.equal(MODEL_PRICE);
    await expect(offering.release(0, 0)).to.be.revertedWithCustomError(offering, "OfferingMilestoneNotMet");
    expect(await offering.priceFloor()).to.equal(MODEL_PRICE);
  });

  it("passes a revenue redirect with its own votes, which the controller refuses while the raise is escrowed", async function () {
    const f = await filledByPassiveBuyer();
    const { controller, models, shares, creator } = f;
    const data = controller.interface.encodeFunctionData("setRevenueRecipient", [creator.address]);
    const execute = await passAlone(f, data, "revenue to the creator");
    await expect(execute()).to.be.revertedWithCustomError(controller, "ControllerRevenueLocked");
    expect((await models.terms(1n)).revenueRecipient).to.equal(await shares.getAddress());
  });

  it("cannot register the version that meets a version milestone, nor name a Datanet version that already exists", async function () {
    const f = await filledByPassiveBuyer();
    const { offering, controller, creator } = f;
    await expect(controller.connect(creator).addModelVersion(versionSpec(2, 1n)))
      .to.be.revertedWithCustomError(controller, "ControllerUnauthorized")
      .withArgs(creator.address);
    // Even a version its governance registers on the Datanet version there at launch meets nothing.
    await f.registerVersion(controller, 2, 1n);
    expect(await offering.isMet(1, 2)).to.equal(false);

    const g = await loadFixture(launchableFixture);
    const deadline = BigInt(await time.latest()) + SALE_DURATION;
    const launch = (overrides: Parameters<typeof offeringTerms>[2]) =>
      g.offeringFactory
        .connect(g.developer)
        .launch(1n, "n", "s", offeringTerms(deadline, g.tree.root, overrides), GOVERNANCE, PROSPECTUS_HASH, "");
    await expect(launch({ creatorKeepsVersions: true }))
      .to.be.revertedWithCustomError(g.offeringFactory, "OfferingInvalidTerms")
      .withArgs("versionMilestone");
    const terms = offeringTerms(deadline, g.tree.root);
    const onLaunchVersion = terms.milestones.map((m, i) => (i === 1 ? { ...m, datanetVersion: 1n } : m));
    await expect(launch({ milestones: onLaunchVersion }))
      .to.be.revertedWithCustomError(g.offeringFactory, "OfferingInvalidTerms")
      .withArgs("datanetVersion");
  });

  it("keeps the protocol fee of the launch even if the factory's owner raises it before the sale closes", async function () {
    const f = await loadFixture(launchableFixture);
    const { offering, terms } = await f.launch();
    const feeAtLaunch = await offering.protocolFeeBps();
    await f.offeringFactory.connect(f.deployer).setProtocolFee(1_000);
    await f.open.connect(f.buyers[0]).approve(await offering.getAddress(), HARD_CAP);
    await offering.connect(f.buyers[0]).buy(HARD_CAP);
    await time.increaseTo(terms.sale.deadline);
    await expect(offering.finalize())
      .to.emit(offering, "OfferingFinalized")
      .withArgs(true, HARD_CAP, (HARD_CAP * feeAtLaunch) / 10_000n, terms.split.sale);
  });
});
