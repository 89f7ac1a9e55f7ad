import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MODEL_PRICE, economyFixture } from "../fixtures/economy";
import { cloneOf } from "../fixtures/shares";
import { BACK_RUN_FEES, ORDINARY_FEES, mineInOneBlock, receiptsOf } from "../helpers/blocks";
import { MockShareEscrow__factory, ModelShares__factory } from "../../typechain-types";

/*
 * Attack (offering issue: "buying after revenue arrived earns none"): the shares learn of revenue lazily, since
 * settlement pays the model's share with a plain transfer and nothing tells the shares until someone syncs. An
 * attacker watching the mempool buys shares right after a large settlement, in the same block and before anyone
 * syncs, hoping that the accumulator, still at its old value, baselines its new shares there and so credits it a part
 * of revenue that arrived before it held anything. Every balance change syncs first, so the revenue goes to the
 * holders who held when it arrived.
 */

const E18 = 10n ** 18n;
/** The victim's settlement: 1,000,000 calls at 0.01 OPEN, a 10,000 OPEN fee. */
const CALLS = 1_000_000n;
const GAS = 1_000_000n;

/** Model 1's revenue paid to a clone of the shares whose whole supply the seller and alice hold, half each. */
async function attackFixture() {
  const f = await economyFixture();
  const [seller, attacker, alice, sink] = f.signers.slice(13, 17);
  const implementation = await new ModelShares__factory(f.deployer).deploy(await f.open.getAddress());
  const shares = ModelShares__factory.connect(await cloneOf(f.deployer, await implementation.getAddress()), f.deployer);
  const escrow = await new MockShareEscrow__factory(f.deployer).deploy();
  await escrow.setShares(shares);
  await shares.initialize("Ham filter shares", "HAM", 1_000_000n * E18, escrow, f.open, sink.address);
  await escrow.release(seller.address, 500_000n * E18);
  await escrow.release(alice.address, 500_000n * E18);
  await f.models.connect(f.developer).setRevenueRecipient(1n, await shares.getAddress());
  return { ...f, shares, seller, attacker, alice };
}

describe("Security: buying shares right after revenue arrived, before anyone synced it", function () {
  it("gives the buyer none of the revenue that arrived in the same block before its purchase", async function () {
    const f = await loadFixture(attackFixture);
    const { shares, settlement, payer, seller, attacker, alice } = f;
    const modelShare = (MODEL_PRICE * CALLS * (await settlement.feeSplit()).modelBps) / 10_000n;
    const { hashes } = await mineInOneBlock(async () => {
      const settle = await settlement
        .connect(payer)
        .settle(1n, CALLS, MODEL_PRICE * CALLS, ethers.id("victim batch"), "ipfs://victim", {
          gasLimit: GAS,
          ...ORDINARY_FEES,
        });
      // The seller sells the attacker all its shares (an OTC sale or a pool's swap), ordered right behind.
      const buy = await shares
        .connect(seller)
        .transfer(attacker.address, 500_000n * E18, { gasLimit: GAS, ...BACK_RUN_FEES });
      return [settle.hash, buy.hash];
    });
    const [settled, bought] = await receiptsOf(hashes);
    expect(settled.status).to.equal(1);
    expect(bought.status).to.equal(1);
    expect(settled.blockNumber).to.equal(bought.blockNumber);
    expect(settled.index).to.be.lessThan(bought.index);

    expect(await shares.accruedRevenue(attacker.address)).to.equal(0n);
    await expect(shares.claimRevenue(attacker.address))
      .to.be.revertedWithCustomError(shares, "SharesNothingToClaim")
      .withArgs(attacker.address);
    expect(await shares.accruedRevenue(seller.address)).to.equal(modelShare / 2n);
    expect(await shares.accruedRevenue(alice.address)).to.equal(modelShare / 2n);
    expect(await shares.revenueReceived()).to.equal(modelShare);
  });
});
