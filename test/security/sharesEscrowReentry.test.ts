import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { sharesFixture } from "../fixtures/shares";

/*
 * Attack (offering issue: escrowed shares "accounted, never lost"): shares in the escrow earn nothing themselves but
 * carry what they earned since the mint (the escrow's baseline is zero) to whoever receives them, or to the sink when
 * burned. A holder who has already been credited its shares' revenue sends them into the escrow: once there they
 * would carry that revenue a second time, to the next buyer or contributor the escrow pays, or to the sink when the
 * escrow burns what it holds, owing more OPEN than arrived, so that the last honest claims would fail. The shares
 * refuse any transfer into the escrow after the mint.
 */

const E18 = 10n ** 18n;

describe("Security: sending credited shares back into the escrow to have their revenue carried twice", function () {
  it("refuses the transfer, so the escrow's burn credits the sink only its own shares' revenue and every claim is paid", async function () {
    const { shares, escrow, open, pay, alice, bob, sink } = await loadFixture(sharesFixture);
    await escrow.release(alice.address, 400_000n * E18);
    await escrow.release(bob.address, 400_000n * E18);
    await pay(1_000n * E18);
    await shares.syncRevenue();
    // alice has been credited 400 OPEN for her shares; she tries to hand them back to the escrow.
    await expect(shares.connect(alice).transfer(await escrow.getAddress(), 400_000n * E18))
      .to.be.revertedWithCustomError(shares, "SharesEscrowReceive")
      .withArgs(alice.address);
    // The offering burns what it holds (the unsold part): its own 200,000 shares carry 200 OPEN to the sink.
    await escrow.burn(await escrow.getAddress(), await shares.balanceOf(await escrow.getAddress()));
    expect(await shares.accruedRevenue(sink.address)).to.equal(200n * E18);
    for (const [account, due] of [
      [alice, 400n * E18],
      [bob, 400n * E18],
      [sink, 200n * E18],
    ] as const) {
      await expect(shares.claimRevenue(account.address)).to.changeTokenBalance(open, account, due);
    }
    expect(await open.balanceOf(await shares.getAddress())).to.equal(0n);
  });
});
