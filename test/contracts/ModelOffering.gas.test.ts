import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { CALLS_THRESHOLD, HARD_CAP, launchableFixture } from "../fixtures/offering";
import { gasOf, gasTable } from "../helpers/gas";

/**
 * The goal for a buy by a buyer whose OPEN balance and (finite) allowance exist, whole transaction: the
 * buyer's deposit slot is created, the sale's running total rewritten, the OPEN pulled.
 */
const BUY_GOAL = 90_000n;
const E18 = 10n ** 18n;

describe("ModelOffering gas", function () {
  const measured = gasTable();

  it("keeps buy within 90,000 gas and prints finalize, settle, release, the end vote and redeem", async function () {
    const f = await loadFixture(launchableFixture);
    const { offering, shares, deadline, terms } = await f.launch();
    const address = await offering.getAddress();
    const [first, second, third] = f.buyers;
    // Finite allowances, so that every buy also updates one, as after an exact approval.
    for (const buyer of f.buyers) await f.open.connect(buyer).approve(address, 10n * HARD_CAP);

    const firstEver = await gasOf(offering.connect(first).buy(4_000n * E18));
    measured.push(["buy: first of the sale (the offering's OPEN balance created)", firstEver]);
    const steady = await gasOf(offering.connect(second).buy(4_000n * E18));
    measured.push(["buy: steady state", steady]);
    await offering.connect(third).buy(4_000n * E18);
    expect(steady).to.be.at.most(BUY_GOAL);

    await time.increaseTo(deadline);
    measured.push(["finalize: oversubscribed success", await gasOf(offering.finalize())]);
    measured.push(["settle: shares and refund", await gasOf(offering.settle(first.address))]);
    await offering.settle(second.address);
    await shares.connect(first).delegate(first.address);
    await shares.connect(second).delegate(second.address);

    const { pricePerCall } = await f.models.terms(1n);
    await f.settlement
      .connect(f.payer)
      .settle(1n, CALLS_THRESHOLD, pricePerCall * CALLS_THRESHOLD, ethers.id("gas"), "ipfs://gas");
    measured.push(["release: settled-calls milestone", await gasOf(offering.release(0, 0))]);

    await time.increaseTo(BigInt(terms.milestones[1].deadline) + 1n);
    measured.push(["openEndVote", await gasOf(offering.openEndVote(1))]);
    measured.push(["castEndVote", await gasOf(offering.connect(first).castEndVote(true))]);
    await offering.connect(second).castEndVote(true);
    await time.increaseTo((await offering.endVote())[2] + 1n);
    measured.push(["closeEndVote: ends the offering", await gasOf(offering.closeEndVote())]);
    measured.push(["redeem: a buyer's part of the unreleased raise", await gasOf(offering.redeem(first.address))]);
    measured.push(["settle after the end (a buyer who waited)", await gasOf(offering.settle(third.address))]);
  });
});
