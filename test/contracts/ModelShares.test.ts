import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { IModelShares__factory, ModelShares__factory } from "../../typechain-types";
import { SUPPLY, cloneOf, sharesFixture } from "../fixtures/shares";
import { unassertedErrorsAndEvents } from "../helpers/completeness";
import { signPermit } from "../helpers/permit";

const E18 = 10n ** 18n;
const SCALE = 10n ** 27n;
const OPEN = (n: bigint) => n * E18;
const SHARES = (n: bigint) => n * E18;

/**
 * {@link sharesFixture} with the escrow's first releases made: alice holds 500,000 shares, bob 300,000; 200,000 stay
 * in escrow.
 */
async function heldFixture() {
  const f = await sharesFixture();
  await f.escrow.release(f.alice.address, SHARES(500_000n));
  await f.escrow.release(f.bob.address, SHARES(300_000n));
  return f;
}

describe("ModelShares", function () {
  describe("initialize", function () {
    it("mints the whole supply to the escrow and records the revenue token and sink", async function () {
      const { shares, escrow, open, sink, initialization } = await loadFixture(sharesFixture);
      await expect(initialization)
        .to.emit(shares, "Transfer")
        .withArgs(ethers.ZeroAddress, await escrow.getAddress(), SUPPLY);
      expect(await shares.name()).to.equal("Spam classifier shares");
      expect(await shares.symbol()).to.equal("SPAM");
      expect(await shares.decimals()).to.equal(18n);
      expect(await shares.totalSupply()).to.equal(SUPPLY);
      expect(await shares.balanceOf(escrow)).to.equal(SUPPLY);
      expect(await shares.escrow()).to.equal(await escrow.getAddress());
      expect(await shares.revenueToken()).to.equal(await open.getAddress());
      expect(await shares.revenueSink()).to.equal(sink.address);
      expect(await shares.REVENUE_SCALE()).to.equal(SCALE);
      expect(await shares.revenuePerShare()).to.equal(0n);
      expect(await shares.revenueReceived()).to.equal(0n);
      expect(await shares.revenuePaid()).to.equal(0n);
    });

    it("refuses a second initialization, and the implementation cannot be initialized at all", async function () {
      const { shares, implementation, escrow, open, sink } = await loadFixture(sharesFixture);
      const args = ["X", "X", 1n, await escrow.getAddress(), await open.getAddress(), sink.address] as const;
      await expect(shares.initialize(...args)).to.be.revertedWithCustomError(shares, "InvalidInitialization");
      await expect(implementation.initialize(...args)).to.be.revertedWithCustomError(shares, "InvalidInitialization");
    });

    it("reverts with SharesInvalidAddress for a zero escrow, token or sink, or a sink that is the escrow", async function () {
      const { implementation, escrow, open, sink, deployer } = await loadFixture(sharesFixture);
      const [e, t, s] = [await escrow.getAddress(), await open.getAddress(), sink.address];
      for (const [escrow_, token, sink_] of [
        [ethers.ZeroAddress, t, s],
        [e, ethers.ZeroAddress, s],
        [e, t, ethers.ZeroAddress],
        [e, t, e],
      ]) {
        const clone = ModelShares__factory.connect(
          await cloneOf(deployer, await implementation.getAddress()),
          deployer,
        );
        await expect(clone.initialize("X", "X", SUPPLY, escrow_, token, sink_)).to.be.revertedWithCustomError(
          clone,
          "SharesInvalidAddress",
        );
      }
    });

    it("reverts with SharesZeroSupply for a zero supply", async function () {
      const { implementation, escrow, open, sink, deployer } = await loadFixture(sharesFixture);
      const clone = ModelShares__factory.connect(await cloneOf(deployer, await implementation.getAddress()), deployer);
      await expect(
        clone.initialize("X", "X", 0n, await escrow.getAddress(), await open.getAddress(), sink.address),
      ).to.be.revertedWithCustomError(clone, "SharesZeroSupply");
    });
  });

  describe("revenue", function () {
    it("shares arrived OPEN pro rata on syncRevenue, the escrow's part carried by its shares", async function () {
      const { shares, pay, alice, bob, escrow, outsider } = await loadFixture(heldFixture);
      await pay(OPEN(1_000n));
      // Counted before anyone syncs.
      expect(await shares.accruedRevenue(alice)).to.equal(OPEN(500n));
      const perShare = (OPEN(1_000n) * SCALE) / SUPPLY;
      await expect(shares.connect(outsider).syncRevenue())
        .to.emit(shares, "RevenueSynced")
        .withArgs(OPEN(1_000n), perShare);
      expect(await shares.revenuePerShare()).to.equal(perShare);
      expect(await shares.revenueReceived()).to.equal(OPEN(1_000n));
      expect(await shares.accruedRevenue(alice)).to.equal(OPEN(500n));
      expect(await shares.accruedRevenue(bob)).to.equal(OPEN(300n));
      expect(await shares.accruedRevenue(escrow)).to.equal(0n);
      await expect(shares.syncRevenue()).to.not.emit(shares, "RevenueSynced");
    });

    it("credits shares leaving the escrow with what they earned since the mint", async function () {
      const { shares, pay, escrow, carol } = await loadFixture(heldFixture);
      await pay(OPEN(1_000n));
      await escrow.release(carol.address, SHARES(100_000n));
      expect(await shares.accruedRevenue(carol)).to.equal(OPEN(100n));
      await pay(OPEN(2_000n));
      expect(await shares.accruedRevenue(carol)).to.equal(OPEN(300n));
    });

    it("credits the sink with what burned escrow shares carried", async function () {
      const { shares, pay, escrow, sink } = await loadFixture(heldFixture);
      await pay(OPEN(1_000n));
      await expect(escrow.burn(await escrow.getAddress(), SHARES(200_000n)))
        .to.emit(shares, "Transfer")
        .withArgs(await escrow.getAddress(), ethers.ZeroAddress, SHARES(200_000n));
      expect(await shares.totalSupply()).to.equal(SHARES(800_000n));
      expect(await shares.accruedRevenue(sink)).to.equal(OPEN(200n));
      // Later revenue goes to the remaining supply only.
      await pay(OPEN(800n));
      expect(await shares.accruedRevenue(sink)).to.equal(OPEN(200n));
      expect(await shares.accruedRevenue(await shares.escrow())).to.equal(0n);
    });

    it("pays a buyer none of the revenue that arrived before it bought", async function () {
      const { shares, pay, alice, carol } = await loadFixture(heldFixture);
      await pay(OPEN(1_000n));
      await shares.connect(alice).transfer(carol.address, SHARES(250_000n));
      expect(await shares.accruedRevenue(carol)).to.equal(0n);
      expect(await shares.accruedRevenue(alice)).to.equal(OPEN(500n));
      await pay(OPEN(1_000n));
      expect(await shares.accruedRevenue(carol)).to.equal(OPEN(250n));
      expect(await shares.accruedRevenue(alice)).to.equal(OPEN(750n));
    });

    it("lets a seller keep what it earned, and a holder that redeems (burns) keep what its shares earned", async function () {
      const { shares, pay, escrow, alice, bob } = await loadFixture(heldFixture);
      await pay(OPEN(1_000n));
      await shares.connect(alice).transfer(bob.address, SHARES(500_000n));
      await escrow.burn(bob.address, SHARES(800_000n));
      expect(await shares.balanceOf(bob)).to.equal(0n);
      expect(await shares.accruedRevenue(alice)).to.equal(OPEN(500n));
      expect(await shares.accruedRevenue(bob)).to.equal(OPEN(300n));
      await pay(OPEN(1_000n));
      // Only the escrow's 200,000 shares remain: all of it is carried by them.
      expect(await shares.accruedRevenue(alice)).to.equal(OPEN(500n));
      expect(await shares.accruedRevenue(bob)).to.equal(OPEN(300n));
    });

    it("settles both sides of a transfer without moving revenue between them", async function () {
      const { shares, pay, alice, bob } = await loadFixture(heldFixture);
      await pay(OPEN(1_000n));
      const before = (await shares.accruedRevenue(alice)) + (await shares.accruedRevenue(bob));
      await expect(shares.connect(alice).transfer(bob.address, SHARES(1n)))
        .to.emit(shares, "RevenueSynced")
        .withArgs(OPEN(1_000n), (OPEN(1_000n) * SCALE) / SUPPLY);
      expect((await shares.accruedRevenue(alice)) + (await shares.accruedRevenue(bob))).to.equal(before);
    });

    it("accounts exactly what arrived, down to one wei, for a supply up to 10^27", async function () {
      const { shares, pay, alice } = await loadFixture(heldFixture);
      await pay(1n);
      await expect(shares.syncRevenue())
        .to.emit(shares, "RevenueSynced")
        .withArgs(1n, SCALE / SUPPLY);
      expect(await shares.revenueReceived()).to.equal(1n);
      expect(await shares.accruedRevenue(alice)).to.equal(0n);
      await pay(1n);
      expect(await shares.accruedRevenue(alice)).to.equal(1n);
    });

    it("leaves what a larger supply cannot share unaccounted until more arrives", async function () {
      const { implementation, open, payer, sink, deployer } = await loadFixture(sharesFixture);
      const big = ModelShares__factory.connect(await cloneOf(deployer, await implementation.getAddress()), deployer);
      // 3 × 10^27 shares-wei: one unit of the accumulator is 3 wei for the whole supply.
      await big.initialize("Big", "BIG", 3n * SCALE, deployer.address, await open.getAddress(), sink.address);
      await open.connect(payer).transfer(await big.getAddress(), 2n);
      await expect(big.syncRevenue()).to.not.emit(big, "RevenueSynced");
      await open.connect(payer).transfer(await big.getAddress(), 2n);
      await expect(big.syncRevenue()).to.emit(big, "RevenueSynced").withArgs(3n, 1n);
      expect(await big.revenueReceived()).to.equal(3n);
      await open.connect(payer).transfer(await big.getAddress(), 2n);
      await expect(big.syncRevenue()).to.emit(big, "RevenueSynced").withArgs(3n, 2n);
    });

    it("skips a sync that would take the accumulator past 2^160 (a supply of a few wei), blocking nothing", async function () {
      const { implementation, open, payer, sink, deployer, alice } = await loadFixture(sharesFixture);
      const tiny = ModelShares__factory.connect(await cloneOf(deployer, await implementation.getAddress()), deployer);
      await tiny.initialize("Tiny", "TINY", 2n, deployer.address, await open.getAddress(), sink.address);
      await tiny.transfer(alice.address, 1n);
      // 2,000 OPEN × 10^27 / 2 ≈ 10^48 per share-wei fits below 2^160 ≈ 1.46 × 10^48; 1,000 more does not.
      await open.connect(payer).transfer(await tiny.getAddress(), OPEN(2_000n));
      await expect(tiny.syncRevenue()).to.emit(tiny, "RevenueSynced");
      await open.connect(payer).transfer(await tiny.getAddress(), OPEN(1_000n));
      await expect(tiny.syncRevenue()).to.not.emit(tiny, "RevenueSynced");
      await tiny.connect(alice).transfer(payer.address, 1n);
      expect(await tiny.accruedRevenue(alice)).to.equal(OPEN(1_000n));
      await expect(tiny.claimRevenue(alice.address))
        .to.emit(open, "Transfer")
        .withArgs(await tiny.getAddress(), alice.address, OPEN(1_000n));
    });

    it("rounds every credit down, so what is owed never exceeds what was received", async function () {
      const { shares, pay, escrow, alice, bob, carol, sink } = await loadFixture(heldFixture);
      await pay(1_234_567_891_234_567n);
      await shares.connect(alice).transfer(carol.address, 333_333_333_333_333_333n);
      await pay(7_777_777_777n);
      await escrow.release(carol.address, 1n);
      await escrow.burn(await escrow.getAddress(), 123_456_789n);
      await shares.syncRevenue();
      const perShare = await shares.revenuePerShare();
      const carried = ((await shares.balanceOf(escrow)) * perShare) / SCALE;
      let owed = carried;
      for (const account of [alice, bob, carol, sink]) owed += await shares.accruedRevenue(account);
      const received = await shares.revenueReceived();
      expect(owed).to.be.lessThanOrEqual(received);
      expect(received - owed).to.be.lessThan(10n);
    });

    it("shares nothing while no shares exist, and keeps that OPEN for later", async function () {
      const { shares, pay, escrow } = await loadFixture(sharesFixture);
      await escrow.burn(await escrow.getAddress(), SUPPLY);
      await pay(OPEN(5n));
      await expect(shares.syncRevenue()).to.not.emit(shares, "RevenueSynced");
      expect(await shares.revenueReceived()).to.equal(0n);
    });
  });

  describe("claimRevenue", function () {
    it("pays the account (whoever calls) what it accrued, counting OPEN not yet synced, recorded by OPEN's Transfer", async function () {
      const { shares, open, pay, alice, outsider } = await loadFixture(heldFixture);
      await pay(OPEN(1_000n));
      const tx = shares.connect(outsider).claimRevenue(alice.address);
      await expect(tx)
        .to.emit(open, "Transfer")
        .withArgs(await shares.getAddress(), alice.address, OPEN(500n));
      await expect(tx).to.changeTokenBalances(open, [alice, shares, outsider], [OPEN(500n), -OPEN(500n), 0n]);
      expect(await shares.accruedRevenue(alice)).to.equal(0n);
      expect(await shares.revenuePaid()).to.equal(OPEN(500n));
      expect(await shares.revenueReceived()).to.equal(OPEN(1_000n));
    });

    it("returns the amount paid", async function () {
      const { shares, pay, bob } = await loadFixture(heldFixture);
      await pay(OPEN(1_000n));
      expect(await shares.claimRevenue.staticCall(bob.address)).to.equal(OPEN(300n));
    });

    it("pays what a seller kept, and a second claim only what arrived since", async function () {
      const { shares, open, pay, alice, bob } = await loadFixture(heldFixture);
      await pay(OPEN(1_000n));
      await shares.connect(alice).transfer(bob.address, SHARES(500_000n));
      await expect(shares.claimRevenue(alice.address)).to.changeTokenBalance(open, alice, OPEN(500n));
      await pay(OPEN(1_000n));
      await expect(shares.claimRevenue(bob.address)).to.changeTokenBalance(open, bob, OPEN(300n + 800n));
    });

    it("reverts with SharesNothingToClaim for an account with nothing accrued, and for the escrow", async function () {
      const { shares, pay, alice, carol, escrow } = await loadFixture(heldFixture);
      await expect(shares.claimRevenue(alice.address))
        .to.be.revertedWithCustomError(shares, "SharesNothingToClaim")
        .withArgs(alice.address);
      await pay(OPEN(1_000n));
      await shares.claimRevenue(alice.address);
      await expect(shares.claimRevenue(alice.address))
        .to.be.revertedWithCustomError(shares, "SharesNothingToClaim")
        .withArgs(alice.address);
      await expect(shares.claimRevenue(carol.address)).to.be.revertedWithCustomError(shares, "SharesNothingToClaim");
      await expect(shares.claimRevenue(await escrow.getAddress()))
        .to.be.revertedWithCustomError(shares, "SharesNothingToClaim")
        .withArgs(await escrow.getAddress());
    });

    it("lets the sink claim what burned escrow shares carried", async function () {
      const { shares, open, pay, escrow, sink } = await loadFixture(heldFixture);
      await pay(OPEN(1_000n));
      await escrow.burn(await escrow.getAddress(), SHARES(50_000n));
      await expect(shares.claimRevenue(sink.address)).to.changeTokenBalance(open, sink, OPEN(50n));
    });
  });

  describe("escrow", function () {
    it("reverts with SharesUnauthorizedEscrow when anyone else burns", async function () {
      const { shares, alice } = await loadFixture(heldFixture);
      await expect(shares.connect(alice).burn(alice.address, 1n))
        .to.be.revertedWithCustomError(shares, "SharesUnauthorizedEscrow")
        .withArgs(alice.address);
    });

    it("reverts with SharesEscrowReceive when shares are sent to the escrow after the mint", async function () {
      const { shares, escrow, alice } = await loadFixture(heldFixture);
      await expect(shares.connect(alice).transfer(await escrow.getAddress(), 1n))
        .to.be.revertedWithCustomError(shares, "SharesEscrowReceive")
        .withArgs(alice.address);
      await expect(escrow.release(await escrow.getAddress(), 1n))
        .to.be.revertedWithCustomError(shares, "SharesEscrowReceive")
        .withArgs(await escrow.getAddress());
    });
  });

  describe("permit and votes", function () {
    it("accepts an EIP-2612 permit signed by the holder", async function () {
      const { shares, alice, bob } = await loadFixture(heldFixture);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const { v, r, s } = await signPermit(shares, alice, bob.address, 7n, deadline);
      await expect(shares.connect(bob).permit(alice.address, bob.address, 7n, deadline, v, r, s))
        .to.emit(shares, "Approval")
        .withArgs(alice.address, bob.address, 7n);
      expect(await shares.nonces(alice)).to.equal(1n);
      await expect(
        shares.connect(bob).permit(alice.address, bob.address, 7n, deadline, v, r, s),
      ).to.be.revertedWithCustomError(shares, "ERC2612InvalidSigner");
    });

    it("counts votes by timestamp once holders delegate, and moves them with transfers", async function () {
      const { shares, alice, bob, carol } = await loadFixture(heldFixture);
      expect(await shares.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await shares.clock()).to.equal(BigInt(await time.latest()));
      expect(await shares.getVotes(alice)).to.equal(0n);
      await expect(shares.connect(alice).delegate(alice.address))
        .to.emit(shares, "DelegateVotesChanged")
        .withArgs(alice.address, 0n, SHARES(500_000n));
      await shares.connect(bob).delegate(carol.address);
      const delegated = BigInt(await time.latest());
      await time.increase(10n);
      await shares.connect(alice).transfer(bob.address, SHARES(100_000n));
      expect(await shares.getVotes(alice)).to.equal(SHARES(400_000n));
      expect(await shares.getVotes(carol)).to.equal(SHARES(400_000n));
      expect(await shares.getPastVotes(alice, delegated)).to.equal(SHARES(500_000n));
      expect(await shares.getPastVotes(carol, delegated)).to.equal(SHARES(300_000n));
      expect(await shares.getPastTotalSupply(delegated)).to.equal(SUPPLY);
    });
  });

  it("asserts every custom error and event of IModelShares", async function () {
    expect(
      unassertedErrorsAndEvents(__filename, IModelShares__factory.createInterface(), ["shares", "clone"]),
    ).to.deep.equal([]);
  });
});
