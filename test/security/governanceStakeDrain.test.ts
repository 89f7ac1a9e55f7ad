import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash } from "ethers";
import { DEFAULT_TIMELOCK_DELAY } from "../../deploy/governance";
import { TIMELOCK_COOLDOWN_MARGIN, deployProtocol } from "../../deploy/protocol";
import { DEFAULT_MAX_UNSTAKE_COOLDOWN, DEFAULT_UNSTAKE_COOLDOWN } from "../../deploy/staking";
import { ORDINARY_FEES, mineInOneBlock, outbid, receiptsOf } from "../helpers/blocks";
import { rejection } from "../helpers/rejection";

/*
 * Attack (security issue, item 8): a captured timelock drains staked principal. The timelock's delay (two days) was
 * shorter than the unstake cooldown (seven days), and notifyReward trusted the notifier to have sent the tokens: the
 * attacker, a proposer of the timelock, schedules setRewardNotifier(attacker), notifies rewards it never paid, and
 * claims the pool's balance, the stakers' principal included, before they can leave. Now notifyReward accepts only
 * OPEN the pool holds beyond its principal and outstanding rewards, and the deployment refuses a delay shorter than
 * the pool's longest cooldown plus a margin, so stakers who see the change scheduled can leave before it runs.
 */

const E18 = 10n ** 18n;
const DAY = 86_400n;
const ALICE_STAKE = 10_000n * E18;
const BOB_STAKE = 5_000n * E18;
const GAS = 500_000n;

/** Distinct attestor and guardian keys, which the deployment asks for. */
async function keys() {
  const signers = await ethers.getSigners();
  return { attestor: signers[18].address, guardian: signers[19].address };
}

/** The protocol governed by a timelock whose only proposer and executor is the attacker; alice and bob staked. */
async function capturedFixture() {
  const [deployer, attacker, alice, bob] = await ethers.getSigners();
  const deployment = await deployProtocol(deployer, {
    ...(await keys()),
    governance: { proposers: [attacker.address], executors: [attacker.address] },
  });
  const { open, staking } = deployment;
  const timelock = deployment.timelock!;
  const pool = await staking.getAddress();
  for (const [staker, amount] of [
    [alice, ALICE_STAKE],
    [bob, BOB_STAKE],
  ] as const) {
    await open.transfer(staker.address, amount);
    await open.connect(staker).approve(pool, amount);
    await staking.connect(staker).stake(amount);
  }
  const asTimelock = timelock.connect(attacker);
  /** Schedules `staking.<data>` through the timelock with the minimum delay; returns when it was scheduled. */
  async function schedule(data: string) {
    const receipt = (await (
      await asTimelock.schedule(pool, 0, data, ZeroHash, ZeroHash, DEFAULT_TIMELOCK_DELAY)
    ).wait())!;
    const scheduledAt = BigInt((await receipt.getBlock()).timestamp);
    return { scheduledAt, id: await timelock.hashOperation(pool, 0, data, ZeroHash, ZeroHash) };
  }
  const execute = (data: string, overrides = {}) => asTimelock.execute(pool, 0, data, ZeroHash, ZeroHash, overrides);
  const setNotifier = staking.interface.encodeFunctionData("setRewardNotifier", [attacker.address]);
  return { ...deployment, timelock, deployer, attacker, alice, bob, pool, schedule, execute, setNotifier };
}

describe("Security: a captured timelock draining staked principal", function () {
  it("lets the captured timelock make the attacker the notifier, but refuses rewards it did not pay: the principal stays", async function () {
    const { staking, open, attacker, pool, schedule, execute, setNotifier } = await loadFixture(capturedFixture);
    await schedule(setNotifier);
    await time.increase(DEFAULT_TIMELOCK_DELAY);
    await expect(execute(setNotifier)).to.emit(staking, "RewardNotifierSet").withArgs(attacker.address);
    expect(await staking.rewardNotifier()).to.equal(attacker.address);

    const principal = ALICE_STAKE + BOB_STAKE;
    expect(await open.balanceOf(pool)).to.equal(principal);
    // The whole balance, or a single wei: nothing the pool holds backs a notification that was not paid.
    for (const amount of [principal, 1n]) {
      await expect(staking.connect(attacker).notifyReward(amount))
        .to.be.revertedWithCustomError(staking, "StakingRewardNotReceived")
        .withArgs(amount, 0n);
    }
    // Nor can a stake of its own then earn anything.
    await open.transfer(attacker.address, E18);
    await open.connect(attacker).approve(pool, E18);
    await staking.connect(attacker).stake(E18);
    await expect(staking.connect(attacker).notifyReward(principal))
      .to.be.revertedWithCustomError(staking, "StakingRewardNotReceived")
      .withArgs(principal, 0n);
    await time.increase(2n * DAY);
    await expect(staking.connect(attacker).claimRewards())
      .to.be.revertedWithCustomError(staking, "StakingNothingToClaim")
      .withArgs(attacker.address);

    // Nor can the timelock recover anything of it as excess.
    const recover = staking.interface.encodeFunctionData("recoverExcess", [attacker.address]);
    await schedule(recover);
    await time.increase(DEFAULT_TIMELOCK_DELAY);
    await expect(execute(recover)).to.be.revertedWithCustomError(staking, "StakingNothingToRecover");

    expect(await open.balanceOf(pool)).to.equal(principal + E18);
    expect(await staking.principal()).to.equal(principal + E18);
    expect(await staking.outstandingRewards()).to.equal(0n);
  });

  it("lets a staker who sees the change scheduled unstake within the margin and withdraw before it can run", async function () {
    const { staking, open, timelock, attacker, alice, bob, schedule, execute, setNotifier } =
      await loadFixture(capturedFixture);
    expect(await timelock.getMinDelay()).to.equal(DEFAULT_TIMELOCK_DELAY);
    expect(await staking.MAX_COOLDOWN()).to.equal(DEFAULT_MAX_UNSTAKE_COOLDOWN);
    expect(DEFAULT_TIMELOCK_DELAY).to.be.at.least(DEFAULT_MAX_UNSTAKE_COOLDOWN + TIMELOCK_COOLDOWN_MARGIN);

    const { scheduledAt, id } = await schedule(setNotifier);
    const readyAt = await timelock.getTimestamp(id);
    expect(readyAt).to.equal(scheduledAt + DEFAULT_TIMELOCK_DELAY);
    // Alice reacts at the very end of the margin; her cooldown is the longest governance could have set.
    await time.setNextBlockTimestamp(scheduledAt + TIMELOCK_COOLDOWN_MARGIN - 1n);
    await staking.connect(alice).requestUnstake(ALICE_STAKE);
    const { unstakeReadyAt } = await staking.position(alice.address);
    expect(unstakeReadyAt).to.equal(scheduledAt + TIMELOCK_COOLDOWN_MARGIN - 1n + DEFAULT_UNSTAKE_COOLDOWN);
    expect(unstakeReadyAt).to.be.lessThan(readyAt);

    // The attacker executes as early as it can, ahead of her withdrawal in the same block: too early.
    const { queued, hashes } = await mineInOneBlock(async () => {
      const withdrawal = await staking.connect(alice).withdraw({ gasLimit: GAS, ...ORDINARY_FEES });
      const early = await execute(setNotifier, { gasLimit: GAS, ...outbid(withdrawal) });
      return { early, withdrawal };
    }, unstakeReadyAt);
    expect(hashes).to.deep.equal([queued.early.hash, queued.withdrawal.hash]);
    expect((await receiptsOf(hashes)).map((r) => r.status)).to.deep.equal([0, 1]);
    expect(await open.balanceOf(alice.address)).to.equal(ALICE_STAKE);

    // Once it runs, bob, who stayed, keeps his principal anyway.
    await time.increaseTo(readyAt);
    await execute(setNotifier);
    await expect(staking.connect(attacker).notifyReward(BOB_STAKE))
      .to.be.revertedWithCustomError(staking, "StakingRewardNotReceived")
      .withArgs(BOB_STAKE, 0n);
    expect(await open.balanceOf(await staking.getAddress())).to.equal(BOB_STAKE);
    expect((await staking.position(bob.address)).staked).to.equal(BOB_STAKE);
  });

  it("cannot lengthen the cooldown beyond the maximum the delay was checked against", async function () {
    const { staking, schedule, execute } = await loadFixture(capturedFixture);
    const tooLong = staking.interface.encodeFunctionData("setCooldown", [DEFAULT_MAX_UNSTAKE_COOLDOWN + 1n]);
    await schedule(tooLong);
    await time.increase(DEFAULT_TIMELOCK_DELAY);
    await expect(execute(tooLong))
      .to.be.revertedWithCustomError(staking, "StakingInvalidCooldown")
      .withArgs(DEFAULT_MAX_UNSTAKE_COOLDOWN + 1n);
  });

  it("refuses to deploy a timelock whose delay is shorter than the longest cooldown plus the margin, before deploying anything", async function () {
    const [deployer] = await ethers.getSigners();
    const nonce = await deployer.getNonce();
    const needed = DEFAULT_MAX_UNSTAKE_COOLDOWN + TIMELOCK_COOLDOWN_MARGIN;
    for (const options of [
      { governance: { minDelay: needed - 1n } },
      { governance: { minDelay: 2n * DAY } },
      { maxUnstakeCooldown: 30n * DAY, governance: {} },
    ]) {
      const error = await rejection(deployProtocol(deployer, { ...(await keys()), ...options }), Error);
      expect(error.message).to.contain("is shorter than the staking pool's longest cooldown");
      expect(error.message).to.contain("governance.minDelay of at least");
    }
    expect(await deployer.getNonce()).to.equal(nonce);

    const exact = await deployProtocol(deployer, { ...(await keys()), governance: { minDelay: needed } });
    expect(await exact.timelock!.getMinDelay()).to.equal(needed);
    const longer = await deployProtocol(deployer, {
      ...(await keys()),
      maxUnstakeCooldown: 30n * DAY,
      governance: { minDelay: 32n * DAY },
    });
    expect(await longer.staking.MAX_COOLDOWN()).to.equal(30n * DAY);
    expect(await longer.timelock!.getMinDelay()).to.equal(32n * DAY);
  });
});
