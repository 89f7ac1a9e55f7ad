import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { DEFAULT_REWARD_PERIOD } from "../../deploy/staking";
import { MODEL_PRICE, SAM_STAKE, TIA_STAKE, economyFixture } from "../fixtures/economy";
import { BACK_RUN_FEES, ORDINARY_FEES, mineInOneBlock, outbid, receiptsOf } from "../helpers/blocks";

/*
 * Attack (security issue, item 4): just-in-time staking. The attacker watches the mempool for a gateway's large
 * settlement, stakes a large amount just before it and requests the unstake just after it, all in one block. When the
 * pool credited each fee to the stake present at that instant, a stake that existed for no time took 99.6% of a
 * 2,000 OPEN stakers' share from stakers of six days. Now a fee streams over the reward period after the one it is
 * notified in, and stake earns in proportion to stake × time: no time, nothing.
 */

const E18 = 10n ** 18n;
const HOUR = 3_600n;
const PERIOD = DEFAULT_REWARD_PERIOD;
/** The victim's settlement: 1,000,000 calls at 0.01 OPEN, a 10,000 OPEN fee of which stakers get 20%, 2,000 OPEN. */
const CALLS = 1_000_000n;
const STAKERS_SHARE = 2_000n * E18;
/** The attacker stakes 1,000,000 OPEN against the honest stakers' 4,000. */
const ATTACK = 1_000_000n * E18;
const HONEST = SAM_STAKE + TIA_STAKE;
const GAS = 1_000_000n;

/** The protocol as deployed (real settlement, model registry and pool), sam and tia staked six days ago. */
async function attackFixture() {
  const f = await economyFixture();
  const attacker = f.signers[13];
  await f.open.connect(f.deployer).transfer(attacker.address, ATTACK);
  await f.open.connect(attacker).approve(await f.staking.getAddress(), ATTACK);
  await time.increase(6n * 86_400n);
  expect(MODEL_PRICE * CALLS).to.equal(5n * STAKERS_SHARE);
  return { ...f, attacker };
}

describe("Security: just-in-time staking around a settlement", function () {
  /** The victim gateway's settlement of {@link CALLS} calls of model 1, with an explicit gas limit. */
  function victimSettles(f: Awaited<ReturnType<typeof attackFixture>>, batch: string) {
    return f.settlement
      .connect(f.payer)
      .settle(1n, CALLS, MODEL_PRICE * CALLS, ethers.id(batch), `ipfs://${batch}`, { gasLimit: GAS, ...ORDINARY_FEES });
  }

  /** Earned by `who`, and the honest stakers' sum. */
  async function earnings(f: Awaited<ReturnType<typeof attackFixture>>, who: HardhatEthersSigner) {
    const [attacker, sam, tia] = await Promise.all([f.attacker, f.sam, f.tia].map((a) => f.staking.earned(a.address)));
    return { attacker, sam, tia, who: await f.staking.earned(who.address) };
  }

  it("gives a stake, the victim's settlement and the unstake mined in one block nothing; the stakers get it all over time", async function () {
    const f = await loadFixture(attackFixture);
    const { staking, attacker, sam, tia } = f;
    // The attacker sees the settlement pending: it outbids it with its stake and back-runs it with its unstake.
    const { queued, hashes } = await mineInOneBlock(async () => {
      const settle = await victimSettles(f, "victim batch");
      const stake = await staking.connect(attacker).stake(ATTACK, { gasLimit: GAS, ...outbid(settle) });
      const unstake = await staking.connect(attacker).requestUnstake(ATTACK, { gasLimit: GAS, ...BACK_RUN_FEES });
      return { stake, settle, unstake };
    });
    expect(hashes).to.deep.equal([queued.stake.hash, queued.settle.hash, queued.unstake.hash]);
    const receipts = await receiptsOf(hashes);
    expect(receipts.map((r) => r.status)).to.deep.equal([1, 1, 1]);
    const settled = receipts[1].logs
      .map((log) => f.settlement.interface.parseLog(log))
      .find((e) => e?.name === "InferenceSettled")!;
    expect(settled.args.stakersShare).to.equal(STAKERS_SHARE);

    // Present for no time: nothing now, nothing ever.
    expect(await staking.earned(attacker.address)).to.equal(0n);
    const queuedUntil = await staking.periodEnd();
    expect(await staking.queuedRewards()).to.equal(STAKERS_SHARE);

    // The share streams to the stakers present over the next period: half of it half-way through.
    await time.increaseTo(queuedUntil + PERIOD / 2n);
    const half = await earnings(f, sam);
    expect(half.attacker).to.equal(0n);
    expect(STAKERS_SHARE / 2n - (half.sam + half.tia)).to.be.within(0n, HONEST / E18 + 1n);

    await time.increaseTo(queuedUntil + PERIOD);
    const end = await earnings(f, sam);
    expect(end.attacker).to.equal(0n);
    // All of it but the last division's remainder (below 4,000 OPEN / 10^18 wei), three quarters to sam.
    expect(STAKERS_SHARE - (end.sam + end.tia)).to.be.within(0n, HONEST / E18 + 1n);
    expect((STAKERS_SHARE * SAM_STAKE) / HONEST - end.sam).to.be.within(0n, HONEST / E18 + 1n);
    expect((STAKERS_SHARE * TIA_STAKE) / HONEST - end.tia).to.be.within(0n, HONEST / E18 + 1n);

    // The attacker only gets its stake back.
    await expect(staking.connect(attacker).claimRewards())
      .to.be.revertedWithCustomError(staking, "StakingNothingToClaim")
      .withArgs(attacker.address);
    await time.increaseTo((await staking.position(attacker.address)).unstakeReadyAt);
    await expect(staking.connect(attacker).withdraw()).to.changeTokenBalance(f.open, attacker, ATTACK);
    for (const staker of [sam, tia]) await staking.connect(staker).claimRewards();
  });

  for (const [stay, seconds] of [
    ["one block (12 seconds)", 12n],
    ["one hour", HOUR],
  ] as const) {
    it(`gives a stake that stays ${stay} into the fee's stream exactly its stake × time share of it`, async function () {
      const f = await loadFixture(attackFixture);
      const { staking, attacker } = f;
      const { queued, hashes } = await mineInOneBlock(async () => {
        const settle = await victimSettles(f, "victim batch");
        const stake = await staking.connect(attacker).stake(ATTACK, { gasLimit: GAS, ...outbid(settle) });
        return { stake, settle };
      });
      expect(hashes).to.deep.equal([queued.stake.hash, queued.settle.hash]);
      expect((await receiptsOf(hashes)).map((r) => r.status)).to.deep.equal([1, 1]);
      // Waiting in the period of the notification earns nothing: the fee streams over the next one.
      const streamStart = await staking.periodEnd();
      await time.increaseTo(streamStart - 1n);
      expect(await staking.earned(attacker.address)).to.equal(0n);
      await time.setNextBlockTimestamp(streamStart + seconds);
      await staking.connect(attacker).requestUnstake(ATTACK);

      // Its share of what streamed while it was there: 2,000 OPEN a day for `seconds`, times 10^6 / (10^6 + 4,000).
      const share = (STAKERS_SHARE * seconds * ATTACK) / (PERIOD * (ATTACK + HONEST));
      const earned = await staking.earned(attacker.address);
      // Rounding: under one unit of the accumulator over the attacker's stake (10^6 wei), and nothing carried in.
      expect(share - earned).to.be.within(0n, ATTACK / E18 + 1n);
      expect(earned).to.be.lessThan((STAKERS_SHARE * seconds) / PERIOD);

      // Nothing more later, while the honest stakers get the rest of the stream.
      await time.increaseTo(streamStart + PERIOD);
      expect(await staking.earned(attacker.address)).to.equal(earned);
      const honest = (await staking.earned(f.sam.address)) + (await staking.earned(f.tia.address));
      expect(STAKERS_SHARE - earned - honest).to.be.within(0n, ATTACK / E18 + HONEST / E18 + 2n);
    });
  }
});
