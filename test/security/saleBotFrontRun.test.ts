import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { HARD_CAP, offeringFixture } from "../fixtures/offering";
import { FRONT_RUN_FEES, ORDINARY_FEES, mineInOneBlock, receiptsOf } from "../helpers/blocks";

/*
 * Attack: a bot watches the mempool for the sale's buys and outbids them for the first place in the block, hoping
 * that early deposits fill first in an oversubscribed sale. Fills are pro rata to every deposit, whatever its place,
 * so the bot gets the same shares per OPEN as everyone and the same share of its deposit refunded.
 */

const E18 = 10n ** 18n;

describe("Security: a bot buying first in the block of an oversubscribed sale", function () {
  it("gets the same pro-rata fill per OPEN as the buyers it outbid", async function () {
    const f = await loadFixture(offeringFixture);
    const { offering, buyers } = f;
    const [bot, ...others] = buyers;
    const amounts = [6_000n * E18, 5_000n * E18, 9_000n * E18];
    const botAmount = 8_000n * E18;
    const { hashes } = await mineInOneBlock(async () => {
      const sent = [];
      for (const [i, buyer] of others.slice(0, 3).entries()) {
        sent.push(await offering.connect(buyer).buy(amounts[i], { gasLimit: 200_000n, ...ORDINARY_FEES }));
      }
      sent.push(await offering.connect(bot).buy(botAmount, { gasLimit: 200_000n, ...FRONT_RUN_FEES }));
      return sent;
    });
    const receipts = await receiptsOf(hashes);
    expect(receipts.every((r) => r.status === 1)).to.equal(true);
    // The bot's deposit came first in the block.
    expect(receipts[0].from).to.equal(bot.address);
    expect((await offering.deposits(bot.address)).start).to.equal(0n);

    await time.increaseTo(f.deadline);
    await offering.finalize();
    const total = botAmount + amounts.reduce((a, b) => a + b, 0n);
    const fillPerOpen = async (buyer: (typeof buyers)[number], amount: bigint) => {
      const [shares, refund] = await offering.settlement(buyer.address);
      return { shares: (shares * E18) / amount, fill: ((amount - refund) * E18) / amount };
    };
    const bots = await fillPerOpen(bot, botAmount);
    // Exact pro rata: HARD_CAP / total of every OPEN filled, up to one wei of rounding per deposit.
    expect(bots.fill).to.be.closeTo((HARD_CAP * E18) / total, 1n);
    for (const [i, buyer] of others.slice(0, 3).entries()) {
      const theirs = await fillPerOpen(buyer, amounts[i]);
      expect(bots.fill - theirs.fill).to.be.within(-1n, 1n);
      expect(bots.shares - theirs.shares).to.be.within(-1n, 1n);
    }
  });
});
