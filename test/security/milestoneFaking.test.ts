import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DEFAULT_OFFERING_FEE_BPS } from "../../deploy/offering";
import { CALLS_THRESHOLD, HARD_CAP, launchableFixture } from "../fixtures/offering";

/*
 * Attack: a creator launches with a settled-calls milestone and then meets it by paying for calls of its own model,
 * collecting the tranche. Paying F in fees returns the creator at most the model's 20% of F (as if it held every
 * share), so the factory refuses a milestone whose faking costs less than its tranche; at the fixture's threshold the
 * faking costs more than the tranche it releases, so the creator ends with less OPEN than it started with.
 */

const BPS = 10_000n;

describe("Security: faking a settled-calls milestone by paying the model", function () {
  it("is refused at launch when the calls would cost less than the tranche", async function () {
    const f = await loadFixture(launchableFixture);
    const { offeringFactory, developer } = f;
    await expect(
      f.launch((deadline) => ({
        milestones: [
          {
            kind: 1,
            trancheBps: 8_000,
            deadline: deadline + 30n * 86_400n,
            datanetId: 0n,
            datanetVersion: 0n,
            threshold: 1_000n,
          },
        ],
      })),
    ).to.be.revertedWithCustomError(offeringFactory, "OfferingMilestoneTooCheap");
    expect(await f.models.ownerOf(1n)).to.equal(developer.address);
  });

  it("costs the creator more than the tranche when the launch allows it, even holding most of the shares", async function () {
    const f = await loadFixture(launchableFixture);
    const { open, models, settlement, developer } = f;
    const { offering, shares, deadline } = await f.launch();
    // The creator buys the whole sale itself, so that as much of the model's revenue as possible comes back to it.
    await open.connect(f.deployer).transfer(developer.address, 2n * HARD_CAP);
    await open.connect(developer).approve(await offering.getAddress(), HARD_CAP);
    await offering.connect(developer).buy(HARD_CAP);
    await time.increaseTo(deadline);
    await offering.finalize();
    await offering.settle(developer.address);

    const before = await open.balanceOf(developer.address);
    const { pricePerCall } = await models.terms(1n);
    const fee = pricePerCall * CALLS_THRESHOLD;
    await open.connect(developer).approve(await settlement.getAddress(), fee);
    await settlement.connect(developer).settle(1n, CALLS_THRESHOLD, fee, ethers.id("fake"), "ipfs://fake");
    const tranche = await offering.release.staticCall(0, 0);
    await offering.release(0, 0);
    await shares.claimRevenue(developer.address);
    const after = await open.balanceOf(developer.address);

    const net = HARD_CAP - (HARD_CAP * BigInt(DEFAULT_OFFERING_FEE_BPS)) / BPS;
    expect(tranche).to.equal((net * 6_000n) / BPS - (net * 2_000n) / BPS);
    // It got the tranche and its shares' part of the model's 20%, and paid the whole fee.
    expect(after - before).to.be.lessThan(0n);
    expect(before - after).to.be.at.least(fee - tranche - (fee * 2_000n) / BPS);
    expect(fee - (fee * 2_000n) / BPS).to.be.at.least(tranche);
  });
});
