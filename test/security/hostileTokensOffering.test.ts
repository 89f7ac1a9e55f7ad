import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  Failure,
  approveAll,
  arm,
  as,
  attackerActor,
  feeOnTransferFixture,
  hookFixture,
  launchOver,
  reentryError,
  revertingFixture,
  signerActor,
} from "../fixtures/hostile";
import { OfferingState, versionSpec } from "../fixtures/offering";
import { contentHash } from "../fixtures/protocol";
import { entryOf } from "../helpers/rewards";
import { impersonate } from "../helpers/impersonate";
import { submitContribution } from "../helpers/submission";

const E18 = 10n ** 18n;
const DAY = 86_400n;
const FEE_BPS = 100n;
/** The launch's figures: 12,000 deposited against a 10,000 hard cap, a 1% protocol fee, 20% released upfront. */
const RAISED = 10_000n * E18;
const NET = RAISED - RAISED / 100n;
const UPFRONT = (NET * 2_000n) / 10_000n;

/** A fee-on-transfer token as OPEN, model 1 launched by its developer through the deployed factory. */
async function feeLaunchFixture() {
  const f = await feeOnTransferFixture();
  return { ...f, ...(await launchOver(f, signerActor(f.signers[9]), f.alice.address)) };
}

async function revertingLaunchFixture() {
  const f = await revertingFixture();
  return { ...f, ...(await launchOver(f, signerActor(f.signers[9]), f.alice.address)) };
}

/**
 * A hook token as OPEN, model 1 launched by the attacker contract (so it is the creator, paid the tranches) with the
 * attacker as the only contributor; the attacker deposited 6,000 and buyer 0 another 6,000, and the sale has closed.
 */
async function hookSaleFixture() {
  const f = await hookFixture();
  const launched = await launchOver(f, await attackerActor(f.attacker), await f.attacker.getAddress());
  const { offering, buyers, deadline } = launched;
  await approveAll(f.attacker, f.token, offering);
  await as(f.attacker, offering, offering.interface.encodeFunctionData("buy", [6_000n * E18]));
  await offering.connect(buyers[0]).buy(6_000n * E18);
  await time.increaseTo(deadline);
  return { ...f, ...launched, me: await f.attacker.getAddress() };
}

/** {@link hookSaleFixture} finalized: the raise succeeded, the attacker (the creator) received the upfront tranche. */
async function hookSucceededFixture() {
  const f = await hookSaleFixture();
  await f.offering.finalize();
  return f;
}

describe("Hostile tokens given as OPEN to the Initial AI Offering", function () {
  describe("a token that takes a fee on transfer", function () {
    it("launches through the deployed factory (a launch moves no OPEN), and buy refuses a deposit that arrived short", async function () {
      const { token, offering, buyers } = await loadFixture(feeLaunchFixture);
      expect(await offering.state()).to.equal(OfferingState.Sale);
      await token.setFeeBps(FEE_BPS);
      const amount = 1_000n * E18;
      await expect(offering.connect(buyers[0]).buy(amount))
        .to.be.revertedWithCustomError(offering, "TokenTransferShortfall")
        .withArgs(amount, amount - (amount * FEE_BPS) / 10_000n);
      expect(await offering.totalDeposits()).to.equal(0n);
      expect((await offering.deposits(buyers[0].address)).amount).to.equal(0n);
      expect(await token.balanceOf(await offering.getAddress())).to.equal(0n);
    });

    it("debits exactly what it sends when the fee starts after the sale: finalize and settle leave the offering solvent", async function () {
      const { token, offering, buyers, deadline } = await loadFixture(feeLaunchFixture);
      await offering.connect(buyers[0]).buy(6_000n * E18);
      await offering.connect(buyers[1]).buy(6_000n * E18);
      await time.increaseTo(deadline);
      await token.setFeeBps(FEE_BPS);
      const address = await offering.getAddress();
      await offering.finalize();
      // The fee (100) to the protocol treasury and the upfront tranche left in full; the receivers bore the token's fee.
      expect(await token.balanceOf(address)).to.equal(12_000n * E18 - RAISED / 100n - UPFRONT);
      await offering.settle(buyers[0].address);
      await offering.settle(buyers[1].address);
      // What stays is exactly the raise not yet released: each refund (1,000) left in full.
      expect(await token.balanceOf(address)).to.equal(NET - UPFRONT);
      expect(await token.balanceOf(buyers[0].address)).to.equal(14_000n * E18 + (1_000n * E18 * 99n) / 100n);
    });
  });

  describe("a token that reverts or returns false", function () {
    it("refuses a deposit whose transferFrom returns false or whose balanceOf reverts, and credits nothing", async function () {
      const { token, offering, buyers } = await loadFixture(revertingLaunchFixture);
      const transferFrom = token.interface.getFunction("transferFrom").selector;
      await token.setFailure(transferFrom, Failure.ReturnFalse);
      await expect(offering.connect(buyers[0]).buy(E18))
        .to.be.revertedWithCustomError(offering, "SafeERC20FailedOperation")
        .withArgs(await token.getAddress());
      await token.setFailure(transferFrom, Failure.None);
      await token.setFailure(token.interface.getFunction("balanceOf").selector, Failure.Revert);
      await expect(offering.connect(buyers[0]).buy(E18)).to.be.revertedWithCustomError(token, "MockTokenFailure");
      await token.setFailure(token.interface.getFunction("balanceOf").selector, Failure.None);
      expect(await offering.totalDeposits()).to.equal(0n);
    });

    it("keeps a refund owed while its transfer fails, and pays it once the token works", async function () {
      const { token, offering, buyers, deadline } = await loadFixture(revertingLaunchFixture);
      await offering.connect(buyers[0]).buy(12_000n * E18);
      await time.increaseTo(deadline);
      await offering.finalize();
      const transfer = token.interface.getFunction("transfer").selector;
      await token.setFailure(transfer, Failure.ReturnFalse);
      await expect(offering.settle(buyers[0].address)).to.be.revertedWithCustomError(
        offering,
        "SafeERC20FailedOperation",
      );
      expect((await offering.deposits(buyers[0].address)).settled).to.equal(false);
      await token.setFailure(transfer, Failure.None);
      await expect(offering.settle(buyers[0].address))
        .to.emit(offering, "BuyerSettled")
        .withArgs(buyers[0].address, 600_000n * E18, 2_000n * E18);
      expect(await token.balanceOf(buyers[0].address)).to.equal(10_000n * E18);
    });
  });

  describe("a token with ERC-777-style hooks", function () {
    it("buy re-entered from the buyer's hook, before its tokens move, fails with OfferingAlreadyBought", async function () {
      const f = await loadFixture(hookFixture);
      const { token, attacker } = f;
      const { offering } = await launchOver(f, signerActor(f.signers[9]), f.alice.address);
      await approveAll(attacker, token, offering);
      const buy = (amount: bigint) => offering.interface.encodeFunctionData("buy", [amount]);
      await arm(attacker, offering, buy(1n), true);
      await as(attacker, offering, buy(5_000n * E18));
      expect(await reentryError(attacker, offering)).to.equal("OfferingAlreadyBought");
      expect((await offering.deposits(await attacker.getAddress())).amount).to.equal(5_000n * E18);
      expect(await offering.totalDeposits()).to.equal(5_000n * E18);
      expect(await token.balanceOf(await offering.getAddress())).to.equal(5_000n * E18);
    });

    it("finalize re-entered from the creator's hook fails with OfferingWrongState; the creator gets the upfront tranche once", async function () {
      const { token, offering, attacker, me } = await loadFixture(hookSaleFixture);
      await arm(attacker, offering, offering.interface.encodeFunctionData("finalize"));
      await offering.finalize();
      expect(await reentryError(attacker, offering)).to.equal("OfferingWrongState");
      expect(await token.balanceOf(me)).to.equal(4_000n * E18 + UPFRONT);
      expect(await offering.released()).to.equal(UPFRONT);
    });

    it("claimVested re-entered from the creator's hook as the upfront tranche arrives claims nothing before the cliff, and the whole part once vested", async function () {
      const { offering, shares, attacker, me } = await loadFixture(hookSaleFixture);
      const claimVested = offering.interface.encodeFunctionData("claimVested");
      await arm(attacker, offering, claimVested);
      await offering.finalize();
      expect(await attacker.reentrySucceeded()).to.equal(true);
      expect(await shares.balanceOf(me)).to.equal(0n);
      await time.increase(180n * DAY);
      await as(attacker, offering, claimVested);
      await as(attacker, offering, claimVested);
      expect(await shares.balanceOf(me)).to.equal(200_000n * E18);
    });

    it("settle re-entered from the buyer's hook as its refund arrives fails with OfferingNothingToSettle; shares and refund paid once", async function () {
      const { token, offering, shares, attacker, me } = await loadFixture(hookSucceededFixture);
      await arm(attacker, offering, offering.interface.encodeFunctionData("settle", [me]));
      await offering.settle(me);
      expect(await reentryError(attacker, offering)).to.equal("OfferingNothingToSettle");
      // Half of 12,000 deposited: 5,000 filled for 300,000 shares, 1,000 back.
      expect(await shares.balanceOf(me)).to.equal(300_000n * E18);
      expect(await token.balanceOf(me)).to.equal(4_000n * E18 + UPFRONT + 1_000n * E18);
    });

    it("claimContributorShares re-entered from the buyer's hook pays the contributor's part once; a second claim has nothing", async function () {
      const { offering, shares, attacker, me, tree } = await loadFixture(hookSucceededFixture);
      const { amount, proof } = entryOf(tree, me);
      const claim = offering.interface.encodeFunctionData("claimContributorShares", [me, amount, proof]);
      await arm(attacker, offering, claim);
      await offering.settle(me);
      expect(await attacker.reentrySucceeded()).to.equal(true);
      await expect(offering.claimContributorShares(me, amount, proof)).to.be.revertedWithCustomError(
        offering,
        "OfferingNothingToClaim",
      );
      expect(await shares.balanceOf(me)).to.equal(300_000n * E18 + 150_000n * E18);
      expect(await offering.contributorClaimed(me)).to.equal(150_000n * E18);
    });

    it("release re-entered from the creator's hook fails with OfferingMilestoneReleased; the tranche is paid once", async function () {
      const { token, offering, controller, datanets, owner, v1, v2, alice, attacker, me } =
        await loadFixture(hookSucceededFixture);
      await submitContribution(datanets, alice, 1n, contentHash(1));
      await datanets.connect(v1).vote(1n, contentHash(1), true);
      await datanets.connect(v2).vote(1n, contentHash(1), true);
      await datanets.connect(owner).publishVersion(1n);
      const timelock = await impersonate(await controller.timelock());
      await controller.connect(timelock).addModelVersion(versionSpec(1));
      const release = offering.interface.encodeFunctionData("release", [1n, 2n]);
      await arm(attacker, offering, release);
      const before = await token.balanceOf(me);
      await offering.release(1n, 2n);
      expect(await reentryError(attacker, offering)).to.equal("OfferingMilestoneReleased");
      const tranche = (NET * 8_000n) / 10_000n - (NET * 6_000n) / 10_000n;
      expect(await token.balanceOf(me)).to.equal(before + tranche);
      expect(await offering.released()).to.equal(UPFRONT + tranche);
    });

    it("redeem re-entered from the buyer's hook fails with OfferingNothingToRedeem; the buyer's part is paid once", async function () {
      const f = await loadFixture(hookSucceededFixture);
      const { token, offering, shares, attacker, me, buyers, deadline } = f;
      await offering.settle(me);
      await offering.settle(buyers[0].address);
      await shares.connect(buyers[0]).delegate(buyers[0].address);
      await time.increaseTo(deadline + 30n * DAY + 1n);
      await offering.openEndVote(0n);
      await offering.connect(buyers[0]).castEndVote(true);
      await time.increase(3n * DAY + 1n);
      await offering.closeEndVote();
      expect(await offering.state()).to.equal(OfferingState.Ended);
      const before = await token.balanceOf(me);
      await arm(attacker, offering, offering.interface.encodeFunctionData("redeem", [me]));
      await offering.redeem(me);
      expect(await reentryError(attacker, offering)).to.equal("OfferingNothingToRedeem");
      // Half the deposits: half the raise not released.
      expect(await token.balanceOf(me)).to.equal(before + (NET - UPFRONT) / 2n);
    });

    it("claimRevenue re-entered from the holder's hook fails with SharesNothingToClaim; the revenue is paid once", async function () {
      const f = await loadFixture(hookSucceededFixture);
      const { token, offering, shares, settlement, attacker, me, deployer } = f;
      await offering.settle(me);
      await token.approve(await settlement.getAddress(), ethers.MaxUint256);
      await settlement.settle(1n, 100_000n, ethers.MaxUint256, ethers.id("log"), "");
      const owed = await shares.accruedRevenue(me);
      expect(owed).to.be.greaterThan(0n);
      const before = await token.balanceOf(me);
      await arm(attacker, shares, shares.interface.encodeFunctionData("claimRevenue", [me]));
      await shares.connect(deployer).claimRevenue(me);
      expect(await reentryError(attacker, shares)).to.equal("SharesNothingToClaim");
      expect(await token.balanceOf(me)).to.equal(before + owed);
      expect(await shares.accruedRevenue(me)).to.equal(0n);
    });
  });
});
