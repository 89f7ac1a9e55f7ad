import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { HARD_CAP, offeringFixture } from "../fixtures/offering";

/*
 * Attack: a sniper sees a large settlement of the model about to land and buys shares just around it, to collect
 * revenue it did not wait for. The share token settles the revenue accumulator on every transfer: shares bought after
 * the revenue arrived earn none of it (it stays with whoever held them when it arrived), and shares held across the
 * settlement earn exactly their pro-rata part of it, which the seller would otherwise have earned, and no more.
 */

const E18 = 10n ** 18n;
const CALLS = 100_000n;

async function snipingFixture() {
  const f = await offeringFixture();
  await f.offering.connect(f.buyers[0]).buy(HARD_CAP);
  await time.increaseTo(f.deadline);
  await f.offering.finalize();
  await f.offering.settle(f.buyers[0].address);
  const { pricePerCall } = await f.models.terms(1n);
  const settle = () =>
    f.settlement.connect(f.payer).settle(1n, CALLS, pricePerCall * CALLS, ethers.id("big batch"), "ipfs://big");
  return {
    ...f,
    holder: f.buyers[0],
    sniper: f.outsider,
    settle,
    modelRevenue: (pricePerCall * CALLS * 2_000n) / 10_000n,
  };
}

describe("Security: sniping a model's revenue by buying shares around a settlement", function () {
  it("earns nothing of revenue that arrived before the shares did", async function () {
    const { shares, holder, sniper, settle } = await loadFixture(snipingFixture);
    await settle();
    const held = await shares.balanceOf(holder.address);
    const before = await shares.accruedRevenue(holder.address);
    await shares.connect(holder).transfer(sniper.address, held / 2n);
    expect(await shares.accruedRevenue(sniper.address)).to.equal(0n);
    // The seller keeps what its shares earned.
    expect(await shares.accruedRevenue(holder.address)).to.equal(before);
    await expect(shares.claimRevenue(sniper.address))
      .to.be.revertedWithCustomError(shares, "SharesNothingToClaim")
      .withArgs(sniper.address);
  });

  it("earns only the pro-rata part of revenue that arrived while it held, and keeps nothing after selling back", async function () {
    const { shares, open, holder, sniper, settle, modelRevenue } = await loadFixture(snipingFixture);
    const sniped = 100_000n * E18;
    await shares.connect(holder).transfer(sniper.address, sniped);
    await settle();
    await shares.connect(sniper).transfer(holder.address, sniped);
    const supply = await shares.totalSupply();
    const perShare = await shares.revenuePerShare();
    const earned = await shares.accruedRevenue(sniper.address);
    expect(earned).to.equal((sniped * perShare) / (await shares.REVENUE_SCALE()));
    expect(earned).to.be.at.most((modelRevenue * sniped) / supply);
    const paid = await open.balanceOf(sniper.address);
    await shares.claimRevenue(sniper.address);
    expect((await open.balanceOf(sniper.address)) - paid).to.equal(earned);
    // A second settlement after it sold pays it nothing.
    await settle();
    expect(await shares.accruedRevenue(sniper.address)).to.equal(0n);
  });
});
