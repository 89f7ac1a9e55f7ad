import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import { IStakingPool__factory, MockFeeOnTransferToken__factory, StakingPool__factory } from "../../typechain-types";
import {
  DEFAULT_MAX_UNSTAKE_COOLDOWN,
  DEFAULT_REWARD_PERIOD,
  DEFAULT_UNSTAKE_COOLDOWN,
  deployStakingPool,
} from "../../deploy/staking";
import { COOLDOWN, STAKER_BALANCE, stakingFixture } from "../fixtures/staking";
import { BACK_RUN_FEES, FRONT_RUN_FEES, ORDINARY_FEES, mineInOneBlock, receiptsOf } from "../helpers/blocks";
import { unassertedErrorsAndEvents } from "../helpers/completeness";

const E18 = 10n ** 18n;
const HOUR = 3_600n;
const DAY = 86_400n;
const PERIOD = DEFAULT_REWARD_PERIOD;
const MAX_COOLDOWN = DEFAULT_MAX_UNSTAKE_COOLDOWN;
/** A day's worth of rewards that streams at exactly 0.01 OPEN a second: 10^34 wei × 1e18 per second. */
const DAILY = 864n * E18;
const DAILY_RATE = 10n ** 34n;

async function deploy() {
  const f = await loadFixture(stakingFixture);
  const { pool, open, poolAddress } = f;

  /** Timestamp of the block that mined `tx`. */
  async function minedAt(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
    const receipt = (await (await tx).wait())!;
    return BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
  }

  /** Sends `send()` in a block mined at `timestamp`. */
  async function at(timestamp: bigint, send: () => Promise<ContractTransactionResponse>) {
    await time.setNextBlockTimestamp(timestamp);
    return send();
  }

  /** A position as a plain object, so that it compares with deep equality. */
  async function positionOf(who: HardhatEthersSigner) {
    const p = await pool.position(who.address);
    return { staked: p.staked, unstaking: p.unstaking, unstakeReadyAt: p.unstakeReadyAt };
  }

  /** Moves to the end of the period after the current one: everything notified so far has streamed. */
  async function streamAll() {
    await time.increaseTo((await pool.periodEnd()) + PERIOD);
  }

  /**
   * OPEN conservation once everything notified has streamed: the pool holds its principal (the stake and the
   * unstaking OPEN) and its outstanding rewards (the accounts' unclaimed earnings, the undistributed rewards and dust
   * of less than one wei per account per change), plus the excess sent to it directly.
   */
  async function expectConserved(accounts: HardhatEthersSigner[], maxDust: bigint, excess = 0n) {
    expect(await pool.queuedRewards()).to.equal(0n);
    let principal = await pool.totalStaked();
    let owed = await pool.undistributed();
    for (const a of accounts) {
      principal += (await pool.position(a.address)).unstaking;
      owed += await pool.earned(a.address);
    }
    expect(await pool.principal()).to.equal(principal);
    const outstanding = await pool.outstandingRewards();
    expect(outstanding - owed).to.be.within(0n, maxDust);
    expect(await open.balanceOf(poolAddress)).to.equal(principal + outstanding + excess);
    expect(await pool.excess()).to.equal(excess);
  }

  return { ...f, minedAt, at, positionOf, streamAll, expectConserved };
}

describe("StakingPool", function () {
  describe("deployment", function () {
    it("records the token, the owner, the cooldowns and the reward period, and starts the first period at once", async function () {
      const { pool, open, owner, deployer } = await deploy();
      expect(await pool.STAKE_TOKEN()).to.equal(await open.getAddress());
      expect(await pool.owner()).to.equal(owner.address);
      expect(await pool.cooldown()).to.equal(DEFAULT_UNSTAKE_COOLDOWN);
      expect(await pool.MAX_COOLDOWN()).to.equal(7n * DAY);
      expect(await pool.REWARD_PERIOD()).to.equal(DAY);
      const deployedAt = BigInt((await pool.deploymentTransaction()!.getBlock())!.timestamp);
      expect(await pool.periodEnd()).to.equal(deployedAt + DAY);
      for (const view of [
        pool.totalStaked,
        pool.rewardPerToken,
        pool.undistributed,
        pool.rewardRate,
        pool.queuedRewards,
        pool.principal,
        pool.outstandingRewards,
        pool.excess,
      ]) {
        expect(await view()).to.equal(0n);
      }

      const fresh = await deployStakingPool(deployer, { openToken: await open.getAddress() });
      expect(await fresh.owner()).to.equal(deployer.address);
      expect(await fresh.rewardNotifier()).to.equal(ethers.ZeroAddress);
      expect(await fresh.cooldown()).to.equal(604_800n);
      await expect(fresh.notifyReward(1n))
        .to.be.revertedWithCustomError(fresh, "StakingUnauthorizedNotifier")
        .withArgs(deployer.address);
    });

    it("emits CooldownSet with the cooldown given, and takes the maximum cooldown and the reward period given", async function () {
      const { open, owner, deployer } = await deploy();
      const pool = await deployStakingPool(deployer, {
        openToken: await open.getAddress(),
        owner: owner.address,
        cooldown: HOUR,
        maxCooldown: 30n * DAY,
        rewardPeriod: 6n * HOUR,
      });
      await expect(pool.deploymentTransaction()).to.emit(pool, "CooldownSet").withArgs(HOUR);
      expect([await pool.cooldown(), await pool.MAX_COOLDOWN(), await pool.REWARD_PERIOD()]).to.deep.equal([
        HOUR,
        30n * DAY,
        6n * HOUR,
      ]);
    });

    it("reverts with StakingInvalidReceiver for a zero token and OwnableInvalidOwner for a zero owner", async function () {
      const { open, owner, deployer } = await deploy();
      const factory = new StakingPool__factory(deployer);
      await expect(factory.deploy(ethers.ZeroAddress, owner.address, COOLDOWN, MAX_COOLDOWN, PERIOD))
        .to.be.revertedWithCustomError(factory, "StakingInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
      await expect(factory.deploy(await open.getAddress(), ethers.ZeroAddress, COOLDOWN, MAX_COOLDOWN, PERIOD))
        .to.be.revertedWithCustomError(factory, "OwnableInvalidOwner")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with StakingInvalidCooldown for a zero cooldown or one above the maximum cooldown", async function () {
      const { open, owner, deployer } = await deploy();
      const factory = new StakingPool__factory(deployer);
      for (const cooldown of [0n, MAX_COOLDOWN + 1n]) {
        await expect(factory.deploy(await open.getAddress(), owner.address, cooldown, MAX_COOLDOWN, PERIOD))
          .to.be.revertedWithCustomError(factory, "StakingInvalidCooldown")
          .withArgs(cooldown);
      }
      const longest = await factory.deploy(await open.getAddress(), owner.address, MAX_COOLDOWN, MAX_COOLDOWN, PERIOD);
      expect(await longest.cooldown()).to.equal(MAX_COOLDOWN);
    });

    it("reverts with StakingInvalidMaxCooldown for a zero maximum cooldown or one above 90 days", async function () {
      const { open, owner, deployer } = await deploy();
      const factory = new StakingPool__factory(deployer);
      for (const maxCooldown of [0n, 90n * DAY + 1n]) {
        await expect(factory.deploy(await open.getAddress(), owner.address, 1n, maxCooldown, PERIOD))
          .to.be.revertedWithCustomError(factory, "StakingInvalidMaxCooldown")
          .withArgs(maxCooldown);
      }
      const longest = await factory.deploy(await open.getAddress(), owner.address, 90n * DAY, 90n * DAY, PERIOD);
      expect(await longest.MAX_COOLDOWN()).to.equal(90n * DAY);
    });

    it("reverts with StakingInvalidRewardPeriod for a period outside [1 hour, 30 days]", async function () {
      const { open, owner, deployer } = await deploy();
      const factory = new StakingPool__factory(deployer);
      for (const period of [0n, HOUR - 1n, 30n * DAY + 1n]) {
        await expect(factory.deploy(await open.getAddress(), owner.address, COOLDOWN, MAX_COOLDOWN, period))
          .to.be.revertedWithCustomError(factory, "StakingInvalidRewardPeriod")
          .withArgs(period);
      }
      for (const period of [HOUR, 30n * DAY]) {
        const pool = await factory.deploy(await open.getAddress(), owner.address, COOLDOWN, MAX_COOLDOWN, period);
        expect(await pool.REWARD_PERIOD()).to.equal(period);
      }
    });
  });

  describe("stake", function () {
    it("refuses a stake that arrives short (a fee-on-transfer token) with TokenTransferShortfall, and credits nothing", async function () {
      const { deployer, owner, alice } = await deploy();
      const token = await new MockFeeOnTransferToken__factory(deployer).deploy(alice.address, 100n * E18, 100n);
      const pool = await deployStakingPool(deployer, { openToken: await token.getAddress(), owner: owner.address });
      await token.connect(alice).approve(await pool.getAddress(), ethers.MaxUint256);
      await expect(pool.connect(alice).stake(10n * E18))
        .to.be.revertedWithCustomError(pool, "TokenTransferShortfall")
        .withArgs(10n * E18, (10n * E18 * 99n) / 100n);
      expect(await pool.totalStaked()).to.equal(0n);
    });

    it("pulls the OPEN, adds it to the position, the total and the principal, and emits Staked", async function () {
      const { pool, open, alice, bob, poolAddress, positionOf } = await deploy();
      await expect(pool.connect(alice).stake(100n * E18)).to.changeTokenBalances(
        open,
        [alice.address, poolAddress],
        [-100n * E18, 100n * E18],
      );
      await expect(pool.connect(bob).stake(30n * E18))
        .to.emit(pool, "Staked")
        .withArgs(bob.address, 30n * E18, 130n * E18);
      await expect(pool.connect(alice).stake(5n))
        .to.emit(pool, "Staked")
        .withArgs(alice.address, 5n, 130n * E18 + 5n);
      expect(await positionOf(alice)).to.deep.equal({ staked: 100n * E18 + 5n, unstaking: 0n, unstakeReadyAt: 0n });
      expect(await pool.totalStaked()).to.equal(130n * E18 + 5n);
      expect(await pool.principal()).to.equal(130n * E18 + 5n);
    });

    it("reverts with StakingZeroAmount for zero", async function () {
      const { pool, alice } = await deploy();
      await expect(pool.connect(alice).stake(0n)).to.be.revertedWithCustomError(pool, "StakingZeroAmount").withArgs();
    });

    it("reverts with the token's error when the allowance is short", async function () {
      const { pool, open, outsider, poolAddress } = await deploy();
      await open.transfer(outsider.address, E18);
      await expect(pool.connect(outsider).stake(E18))
        .to.be.revertedWithCustomError(open, "ERC20InsufficientAllowance")
        .withArgs(poolAddress, 0n, E18);
    });

    it("earns nothing of what streamed before it arrived, and its share of the stream from then on", async function () {
      const { pool, alice, bob, notify, at } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await notify(DAILY);
      const end = await pool.periodEnd();
      // Half the day at 0.01 OPEN a second, alone: 432 OPEN.
      await at(end + 12n * HOUR, () => pool.connect(bob).stake(300n * E18));
      expect(await pool.earned(alice.address)).to.equal(432n * E18);
      expect(await pool.earned(bob.address)).to.equal(0n);
      // The other half, shared 100 : 300.
      await time.increaseTo(end + PERIOD);
      expect(await pool.earned(alice.address)).to.equal(540n * E18);
      expect(await pool.earned(bob.address)).to.equal(324n * E18);
    });

    it("keeps the rewards earned before adding to a stake", async function () {
      const { pool, alice, bob, notify, at, streamAll } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await pool.connect(bob).stake(100n * E18);
      await notify(DAILY);
      const end = await pool.periodEnd();
      await at(end + 12n * HOUR, () => pool.connect(alice).stake(200n * E18));
      expect(await pool.earned(alice.address)).to.equal(216n * E18);
      await streamAll();
      expect(await pool.earned(alice.address)).to.equal(216n * E18 + 324n * E18);
      expect(await pool.earned(bob.address)).to.equal(216n * E18 + 108n * E18);
    });
  });

  describe("requestUnstake", function () {
    it("moves stake into cooldown, keeps it in the principal, and emits UnstakeRequested", async function () {
      const { pool, alice, minedAt, positionOf } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      const tx = pool.connect(alice).requestUnstake(40n * E18);
      const at = await minedAt(tx);
      await expect(tx)
        .to.emit(pool, "UnstakeRequested")
        .withArgs(alice.address, 40n * E18, 40n * E18, at + COOLDOWN);
      expect(await positionOf(alice)).to.deep.equal({
        staked: 60n * E18,
        unstaking: 40n * E18,
        unstakeReadyAt: at + COOLDOWN,
      });
      expect(await pool.totalStaked()).to.equal(60n * E18);
      expect(await pool.principal()).to.equal(100n * E18);
    });

    it("restarts the cooldown of everything still unstaking on a new request", async function () {
      const { pool, alice, minedAt, positionOf } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await pool.connect(alice).requestUnstake(10n * E18);
      await time.increase(5n * DAY);
      const tx = pool.connect(alice).requestUnstake(15n * E18);
      const at = await minedAt(tx);
      await expect(tx)
        .to.emit(pool, "UnstakeRequested")
        .withArgs(alice.address, 15n * E18, 25n * E18, at + COOLDOWN);
      expect(await positionOf(alice)).to.deep.equal({
        staked: 75n * E18,
        unstaking: 25n * E18,
        unstakeReadyAt: at + COOLDOWN,
      });
    });

    it("stops the unstaking OPEN from earning at once, and keeps what it earned before", async function () {
      const { pool, alice, bob, notify, at, streamAll } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await pool.connect(bob).stake(100n * E18);
      await notify(DAILY);
      const end = await pool.periodEnd();
      await at(end + 12n * HOUR, () => pool.connect(alice).requestUnstake(50n * E18));
      expect(await pool.earned(alice.address)).to.equal(216n * E18);
      // The second half, 432 OPEN, shared 50 : 100.
      await at(end + PERIOD, () => pool.connect(alice).requestUnstake(50n * E18));
      expect(await pool.earned(alice.address)).to.equal(216n * E18 + 144n * E18);
      expect(await pool.earned(bob.address)).to.equal(216n * E18 + 288n * E18);
      await notify(DAILY);
      await streamAll();
      expect(await pool.earned(alice.address)).to.equal(360n * E18);
      expect(await pool.earned(bob.address)).to.equal(504n * E18 + DAILY);
    });

    it("reverts with StakingZeroAmount for zero", async function () {
      const { pool, alice } = await deploy();
      await pool.connect(alice).stake(E18);
      await expect(pool.connect(alice).requestUnstake(0n))
        .to.be.revertedWithCustomError(pool, "StakingZeroAmount")
        .withArgs();
    });

    it("reverts with StakingInsufficientStake for more than is staked, unstaking OPEN not counted", async function () {
      const { pool, alice, bob } = await deploy();
      await expect(pool.connect(bob).requestUnstake(1n))
        .to.be.revertedWithCustomError(pool, "StakingInsufficientStake")
        .withArgs(1n, 0n);
      await pool.connect(alice).stake(10n * E18);
      await pool.connect(alice).requestUnstake(4n * E18);
      await expect(pool.connect(alice).requestUnstake(6n * E18 + 1n))
        .to.be.revertedWithCustomError(pool, "StakingInsufficientStake")
        .withArgs(6n * E18 + 1n, 6n * E18);
    });
  });

  describe("withdraw", function () {
    it("reverts with StakingCooldownActive one second before readyAt and pays at readyAt exactly", async function () {
      const { pool, open, alice, poolAddress } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await pool.connect(alice).requestUnstake(40n * E18);
      const { unstakeReadyAt } = await pool.position(alice.address);
      await time.setNextBlockTimestamp(unstakeReadyAt - 1n);
      await expect(pool.connect(alice).withdraw())
        .to.be.revertedWithCustomError(pool, "StakingCooldownActive")
        .withArgs(unstakeReadyAt);
      await time.setNextBlockTimestamp(unstakeReadyAt);
      const tx = pool.connect(alice).withdraw();
      await expect(tx)
        .to.emit(pool, "Withdrawn")
        .withArgs(alice.address, 40n * E18);
      await expect(tx).to.changeTokenBalances(open, [alice.address, poolAddress], [40n * E18, -40n * E18]);
      const p = await pool.position(alice.address);
      expect([p.staked, p.unstaking, p.unstakeReadyAt]).to.deep.equal([60n * E18, 0n, 0n]);
      expect(await pool.principal()).to.equal(60n * E18);
    });

    it("returns the amount withdrawn", async function () {
      const { pool, alice } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await pool.connect(alice).requestUnstake(25n * E18);
      await time.increase(COOLDOWN);
      expect(await pool.connect(alice).withdraw.staticCall()).to.equal(25n * E18);
    });

    it("waits for the restarted cooldown after a second request", async function () {
      const { pool, alice } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await pool.connect(alice).requestUnstake(10n * E18);
      const first = (await pool.position(alice.address)).unstakeReadyAt;
      await time.increase(3n * DAY);
      await pool.connect(alice).requestUnstake(10n * E18);
      const second = (await pool.position(alice.address)).unstakeReadyAt;
      expect(second).to.be.greaterThan(first);
      await time.setNextBlockTimestamp(first);
      await expect(pool.connect(alice).withdraw())
        .to.be.revertedWithCustomError(pool, "StakingCooldownActive")
        .withArgs(second);
      await time.setNextBlockTimestamp(second - 1n);
      await expect(pool.connect(alice).withdraw())
        .to.be.revertedWithCustomError(pool, "StakingCooldownActive")
        .withArgs(second);
      await time.setNextBlockTimestamp(second);
      await expect(pool.connect(alice).withdraw())
        .to.emit(pool, "Withdrawn")
        .withArgs(alice.address, 20n * E18);
    });

    it("keeps the cooldown of earlier requests when the owner changes it", async function () {
      const { pool, owner, alice, bob, minedAt } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await pool.connect(bob).stake(10n * E18);
      const aliceAt = await minedAt(pool.connect(alice).requestUnstake(E18));
      await pool.connect(owner).setCooldown(DAY);
      const bobAt = await minedAt(pool.connect(bob).requestUnstake(E18));
      expect((await pool.position(alice.address)).unstakeReadyAt).to.equal(aliceAt + COOLDOWN);
      expect((await pool.position(bob.address)).unstakeReadyAt).to.equal(bobAt + DAY);
      await time.setNextBlockTimestamp(bobAt + DAY);
      await expect(pool.connect(bob).withdraw()).to.emit(pool, "Withdrawn").withArgs(bob.address, E18);
      await expect(pool.connect(alice).withdraw())
        .to.be.revertedWithCustomError(pool, "StakingCooldownActive")
        .withArgs(aliceAt + COOLDOWN);
    });

    it("reverts with StakingNothingToWithdraw with nothing unstaking, including a second withdrawal", async function () {
      const { pool, alice } = await deploy();
      await expect(pool.connect(alice).withdraw())
        .to.be.revertedWithCustomError(pool, "StakingNothingToWithdraw")
        .withArgs(alice.address);
      await pool.connect(alice).stake(10n * E18);
      await pool.connect(alice).requestUnstake(10n * E18);
      await time.increase(COOLDOWN);
      await pool.connect(alice).withdraw();
      await expect(pool.connect(alice).withdraw())
        .to.be.revertedWithCustomError(pool, "StakingNothingToWithdraw")
        .withArgs(alice.address);
    });
  });

  describe("claimRewards", function () {
    it("pays everything earned, emits RewardClaimed, releases it and leaves nothing to claim", async function () {
      const { pool, open, alice, bob, notify, poolAddress, streamAll } = await deploy();
      await pool.connect(alice).stake(30n * E18);
      await pool.connect(bob).stake(10n * E18);
      // Multiples of 27 wei stream without a rate remainder over a day (10^18 × 27 is a multiple of 86,400).
      await notify(108n * E18);
      await streamAll();
      expect(await pool.connect(alice).claimRewards.staticCall()).to.equal(81n * E18);
      const tx = pool.connect(alice).claimRewards();
      await expect(tx)
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 81n * E18);
      await expect(tx).to.changeTokenBalances(open, [alice.address, poolAddress], [81n * E18, -81n * E18]);
      expect(await pool.earned(alice.address)).to.equal(0n);
      expect(await pool.earned(bob.address)).to.equal(27n * E18);
      expect(await pool.outstandingRewards()).to.equal(27n * E18);
      await expect(pool.connect(alice).claimRewards())
        .to.be.revertedWithCustomError(pool, "StakingNothingToClaim")
        .withArgs(alice.address);
      await notify(54n * E18);
      await streamAll();
      await expect(pool.connect(alice).claimRewards())
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 405n * 10n ** 17n);
    });

    it("pays what streamed so far in the middle of a period", async function () {
      const { pool, alice, notify, at } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await notify(DAILY);
      const end = await pool.periodEnd();
      await expect(at(end + HOUR, () => pool.connect(alice).claimRewards()))
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 36n * E18);
      await expect(at(end + 2n * HOUR, () => pool.connect(alice).claimRewards()))
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 36n * E18);
    });

    it("pays rewards credited before an unstake together with those earned since", async function () {
      const { pool, alice, bob, notify, at, streamAll } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await pool.connect(bob).stake(10n * E18);
      await notify(DAILY);
      const end = await pool.periodEnd();
      // 144 OPEN in four hours, shared equally; then 720 OPEN shared 5 : 10.
      await at(end + 4n * HOUR, () => pool.connect(alice).requestUnstake(5n * E18));
      await streamAll();
      await expect(pool.connect(alice).claimRewards())
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 72n * E18 + 240n * E18);
    });

    it("still pays after the whole stake has left", async function () {
      const { pool, alice, notify, streamAll } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await notify(27n * E18);
      await streamAll();
      await pool.connect(alice).requestUnstake(10n * E18);
      await time.increase(COOLDOWN);
      await pool.connect(alice).withdraw();
      await expect(pool.connect(alice).claimRewards())
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 27n * E18);
    });

    it("reverts with StakingNothingToClaim for an account that never staked or earned less than one wei", async function () {
      const { pool, alice, bob, notify, streamAll } = await deploy();
      await expect(pool.connect(alice).claimRewards())
        .to.be.revertedWithCustomError(pool, "StakingNothingToClaim")
        .withArgs(alice.address);
      // With 10^18 + 1 wei staked, a one-wei reward streams less than one unit of the accumulator: it is carried,
      // and bob (one wei staked) has nothing yet.
      await pool.connect(alice).stake(E18);
      await pool.connect(bob).stake(1n);
      await notify(1n);
      await streamAll();
      await expect(pool.connect(bob).claimRewards())
        .to.be.revertedWithCustomError(pool, "StakingNothingToClaim")
        .withArgs(bob.address);
    });
  });

  describe("notifyReward", function () {
    it("queues the amount for the next period, emits RewardNotified, and streams nothing of it before", async function () {
      const { pool, alice, notify } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await expect(notify(DAILY)).to.emit(pool, "RewardNotified").withArgs(DAILY);
      await notify(DAILY);
      expect(await pool.queuedRewards()).to.equal(2n * DAILY);
      expect(await pool.outstandingRewards()).to.equal(2n * DAILY);
      expect(await pool.rewardRate()).to.equal(0n);
      await time.increaseTo((await pool.periodEnd()) - 1n);
      expect(await pool.earned(alice.address)).to.equal(0n);
    });

    it("reverts with StakingRewardNotReceived for OPEN the pool did not receive, naming what is available", async function () {
      const { pool, open, alice, notifier, outsider, poolAddress, notify } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await notify(5n * E18);
      // Neither the principal nor the rewards already notified can back a new notification.
      await expect(pool.connect(notifier).notifyReward(1n))
        .to.be.revertedWithCustomError(pool, "StakingRewardNotReceived")
        .withArgs(1n, 0n);
      await open.transfer(outsider.address, 3n * E18);
      await open.connect(outsider).transfer(poolAddress, 3n * E18);
      await expect(pool.connect(notifier).notifyReward(3n * E18 + 1n))
        .to.be.revertedWithCustomError(pool, "StakingRewardNotReceived")
        .withArgs(3n * E18 + 1n, 3n * E18);
      // OPEN sent to the pool directly may be notified: it becomes rewards, and no longer excess.
      await expect(pool.connect(notifier).notifyReward(3n * E18))
        .to.emit(pool, "RewardNotified")
        .withArgs(3n * E18);
      expect(await pool.excess()).to.equal(0n);
      expect(await pool.queuedRewards()).to.equal(8n * E18);
    });

    it("reverts with StakingUnauthorizedNotifier for anyone but the notifier, the owner included", async function () {
      const { pool, owner, outsider, notifier } = await deploy();
      for (const caller of [owner, outsider]) {
        await expect(pool.connect(caller).notifyReward(1n))
          .to.be.revertedWithCustomError(pool, "StakingUnauthorizedNotifier")
          .withArgs(caller.address);
      }
      await pool.connect(owner).setRewardNotifier(outsider.address);
      await expect(pool.connect(notifier).notifyReward(1n))
        .to.be.revertedWithCustomError(pool, "StakingUnauthorizedNotifier")
        .withArgs(notifier.address);
    });

    it("accepts a zero amount", async function () {
      const { pool, alice, notify } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await expect(notify(0n)).to.emit(pool, "RewardNotified").withArgs(0n);
      expect(await pool.queuedRewards()).to.equal(0n);
    });
  });

  describe("streaming", function () {
    it("starts streaming the queued rewards when the period ends, emitting RewardPeriodStarted at the first update", async function () {
      const { pool, alice, notify, at } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await notify(DAILY);
      const end = await pool.periodEnd();
      await time.increaseTo(end);
      // The views already see the new period.
      expect(await pool.periodEnd()).to.equal(end + PERIOD);
      expect(await pool.rewardRate()).to.equal(DAILY_RATE);
      expect(await pool.queuedRewards()).to.equal(0n);
      await expect(at(end + 100n, () => pool.connect(alice).claimRewards()))
        .to.emit(pool, "RewardPeriodStarted")
        .withArgs(end + PERIOD, DAILY, DAILY_RATE);
      // Once only.
      await expect(pool.connect(alice).claimRewards()).to.not.emit(pool, "RewardPeriodStarted");
    });

    it("streams what is notified during a period over the next one, after what is already streaming", async function () {
      const { pool, alice, notify, at } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await notify(DAILY);
      const end = await pool.periodEnd();
      await at(end + 6n * HOUR, () => pool.connect(alice).claimRewards());
      await notify(2n * DAILY);
      expect(await pool.rewardRate()).to.equal(DAILY_RATE);
      expect(await pool.queuedRewards()).to.equal(2n * DAILY);
      await time.increaseTo(end + PERIOD + 6n * HOUR);
      expect(await pool.rewardRate()).to.equal(2n * DAILY_RATE);
      expect(await pool.earned(alice.address)).to.equal(DAILY - 216n * E18 + 432n * E18);
      await time.increaseTo(end + 2n * PERIOD);
      expect(await pool.earned(alice.address)).to.equal(3n * DAILY - 216n * E18);
      expect(await pool.rewardRate()).to.equal(0n);
    });

    it("gives a stake present for one second one second's worth, and one present for no time nothing", async function () {
      const { pool, open, alice, bob, carol, notifier, poolAddress, notify, at, streamAll } = await deploy();
      await pool.connect(bob).stake(100n * E18);
      await notify(DAILY);
      const end = await pool.periodEnd();
      await at(end + HOUR, () => pool.connect(alice).stake(300n * E18));
      await at(end + HOUR + 1n, () => pool.connect(alice).requestUnstake(300n * E18));
      // One second at 0.01 OPEN, three quarters of it.
      expect(await pool.earned(alice.address)).to.equal(75n * 10n ** 14n);

      // A stake, a notification and an unstake mined in one block, in that order: no time, nothing.
      const gasLimit = 300_000n;
      const { queued, hashes } = await mineInOneBlock(
        async () => {
          const transfer = await open.connect(notifier).transfer(poolAddress, DAILY, { gasLimit, ...ORDINARY_FEES });
          const notified = await pool.connect(notifier).notifyReward(DAILY, { gasLimit, ...ORDINARY_FEES });
          const stake = await pool.connect(carol).stake(9_000n * E18, { gasLimit, ...FRONT_RUN_FEES });
          const unstake = await pool.connect(carol).requestUnstake(9_000n * E18, { gasLimit, ...BACK_RUN_FEES });
          return { stake, transfer, notified, unstake };
        },
        end + 2n * HOUR,
      );
      expect(hashes).to.deep.equal([queued.stake, queued.transfer, queued.notified, queued.unstake].map((t) => t.hash));
      expect((await receiptsOf(hashes)).map((r) => r.status)).to.deep.equal([1, 1, 1, 1]);
      await streamAll();
      expect(await pool.earned(carol.address)).to.equal(0n);
      expect(await pool.earned(bob.address)).to.equal(2n * DAILY - 75n * 10n ** 14n);
    });

    it("starts a period late from the end of the last one, so what was notified after that end streams from it", async function () {
      const { pool, alice, bob, notify, at } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      const end = await pool.periodEnd();
      // Nothing updated the pool since before `end`: the notification joins the period that began there.
      await notify(DAILY);
      await time.increaseTo(end + 6n * HOUR);
      expect(await pool.queuedRewards()).to.equal(0n);
      expect(await pool.rewardRate()).to.equal(DAILY_RATE);
      expect(await pool.earned(alice.address)).to.equal(216n * E18);
      await expect(at(end + 8n * HOUR, () => pool.connect(bob).stake(100n * E18)))
        .to.emit(pool, "RewardPeriodStarted")
        .withArgs(end + PERIOD, DAILY, DAILY_RATE);
      await time.increaseTo(end + PERIOD);
      expect(await pool.earned(alice.address)).to.equal(288n * E18 + 288n * E18);
      expect(await pool.earned(bob.address)).to.equal(288n * E18);
    });

    it("pays a stream whose whole period passed without an update at the next one, then streams nothing", async function () {
      const { pool, alice, notify, at } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await notify(DAILY);
      const end = await pool.periodEnd();
      await time.increaseTo(end + PERIOD + 5n * HOUR);
      expect(await pool.earned(alice.address)).to.equal(DAILY);
      expect(await pool.rewardRate()).to.equal(0n);
      expect(await pool.periodEnd()).to.equal(end + 2n * PERIOD);
      const claim = at(end + PERIOD + 6n * HOUR, () => pool.connect(alice).claimRewards());
      await expect(claim)
        .to.emit(pool, "RewardPeriodStarted")
        .withArgs(end + PERIOD, DAILY, DAILY_RATE);
      await expect(claim).to.emit(pool, "RewardClaimed").withArgs(alice.address, DAILY);
      expect(await pool.periodEnd()).to.equal(end + 2n * PERIOD);
    });

    it("keeps what streams while nothing is staked as undistributed", async function () {
      const { pool, alice, notify, at, streamAll } = await deploy();
      await notify(DAILY);
      const end = await pool.periodEnd();
      await time.increaseTo(end + 3n * HOUR);
      expect(await pool.undistributed()).to.equal(108n * E18);
      await at(end + 6n * HOUR, () => pool.connect(alice).stake(10n * E18));
      expect(await pool.undistributed()).to.equal(216n * E18);
      expect(await pool.earned(alice.address)).to.equal(0n);
      await streamAll();
      expect(await pool.earned(alice.address)).to.equal(648n * E18);
      expect(await pool.undistributed()).to.equal(216n * E18);
    });

    it("carries what dividing a period's amount by its length leaves into the next period's rate", async function () {
      const { open, owner, notifier, alice, deployer, at } = await deploy();
      const pool = await deployStakingPool(deployer, {
        openToken: await open.getAddress(),
        owner: owner.address,
        rewardPeriod: HOUR,
      });
      await pool.connect(owner).setRewardNotifier(notifier.address);
      await open.connect(alice).approve(await pool.getAddress(), E18);
      await pool.connect(alice).stake(E18);
      const notifyOneWei = async () => {
        await open.connect(notifier).transfer(await pool.getAddress(), 1n);
        await pool.connect(notifier).notifyReward(1n);
      };
      // 10^18 = 277777777777777 × 3600 + 2800; then 10^18 + 2800 = 277777777777778 × 3600 + 2000.
      await notifyOneWei();
      const end = await pool.periodEnd();
      await expect(at(end, () => pool.connect(owner).sweepUndistributed(owner.address)))
        .to.emit(pool, "RewardPeriodStarted")
        .withArgs(end + HOUR, 1n, 277_777_777_777_777n);
      await notifyOneWei();
      await expect(at(end + HOUR, () => pool.connect(owner).sweepUndistributed(owner.address)))
        .to.emit(pool, "RewardPeriodStarted")
        .withArgs(end + 2n * HOUR, 1n, 277_777_777_777_778n);
    });

    it("carries what dividing the stream by the stake leaves into the next update: a 3-wei stake gets every wei", async function () {
      const { pool, owner, alice, notify, at } = await deploy();
      await pool.connect(alice).stake(3n);
      await notify(DAILY);
      const end = await pool.periodEnd();
      // Each second streams 10^34: 10^34 / 3 per token, remainder 1, then 2, then (10^34 + 2) / 3 exactly.
      const expected = [9_999_999_999_999_999n, 19_999_999_999_999_999n, 3n * 10n ** 16n];
      for (const [i, amount] of expected.entries()) {
        await at(end + BigInt(i) + 1n, () => pool.connect(owner).sweepUndistributed(owner.address));
        expect(await pool.earned(alice.address)).to.equal(amount);
      }
    });

    it("splits 10 OPEN over three equal stakes into 3.333… OPEN each and carries the last wei", async function () {
      const { pool, alice, bob, carol, notify, streamAll, expectConserved } = await deploy();
      for (const s of [alice, bob, carol]) await pool.connect(s).stake(E18);
      await notify(10n * E18);
      await streamAll();
      for (const s of [alice, bob, carol]) expect(await pool.earned(s.address)).to.equal(3_333_333_333_333_333_333n);
      await expectConserved([alice, bob, carol], 1n);
    });
  });

  describe("governance", function () {
    it("lets the owner set the cooldown within (0, MAX_COOLDOWN] and emits CooldownSet", async function () {
      const { pool, owner } = await deploy();
      await expect(pool.connect(owner).setCooldown(1n)).to.emit(pool, "CooldownSet").withArgs(1n);
      await expect(pool.connect(owner).setCooldown(MAX_COOLDOWN)).to.emit(pool, "CooldownSet").withArgs(MAX_COOLDOWN);
      expect(await pool.cooldown()).to.equal(MAX_COOLDOWN);
      for (const cooldown of [0n, MAX_COOLDOWN + 1n, 90n * DAY]) {
        await expect(pool.connect(owner).setCooldown(cooldown))
          .to.be.revertedWithCustomError(pool, "StakingInvalidCooldown")
          .withArgs(cooldown);
      }
    });

    it("lets the owner set the reward notifier and emits RewardNotifierSet", async function () {
      const { pool, owner, outsider, open, poolAddress } = await deploy();
      await expect(pool.connect(owner).setRewardNotifier(outsider.address))
        .to.emit(pool, "RewardNotifierSet")
        .withArgs(outsider.address);
      expect(await pool.rewardNotifier()).to.equal(outsider.address);
      await open.transfer(poolAddress, 1n);
      await expect(pool.connect(outsider).notifyReward(1n)).to.emit(pool, "RewardNotified").withArgs(1n);
    });

    it("reverts with StakingInvalidReceiver for a zero notifier", async function () {
      const { pool, owner } = await deploy();
      await expect(pool.connect(owner).setRewardNotifier(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(pool, "StakingInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("lets the owner sweep what streamed while nothing was staked, up to now, and emits UndistributedSwept", async function () {
      const { pool, open, owner, outsider, alice, notify, poolAddress, at, streamAll } = await deploy();
      await notify(DAILY);
      const end = await pool.periodEnd();
      await at(end + 12n * HOUR, () => pool.connect(alice).stake(10n * E18));
      await time.setNextBlockTimestamp(end + 13n * HOUR);
      expect(await pool.connect(owner).sweepUndistributed.staticCall(outsider.address)).to.equal(432n * E18);
      await time.setNextBlockTimestamp(end + 13n * HOUR);
      const tx = pool.connect(owner).sweepUndistributed(outsider.address);
      await expect(tx)
        .to.emit(pool, "UndistributedSwept")
        .withArgs(outsider.address, 432n * E18);
      await expect(tx).to.changeTokenBalances(open, [outsider.address, poolAddress], [432n * E18, -432n * E18]);
      expect(await pool.undistributed()).to.equal(0n);
      expect(await pool.outstandingRewards()).to.equal(432n * E18);
      // The stakers' rewards stay.
      await streamAll();
      expect(await pool.earned(alice.address)).to.equal(432n * E18);
      await expect(pool.connect(owner).sweepUndistributed(outsider.address))
        .to.emit(pool, "UndistributedSwept")
        .withArgs(outsider.address, 0n);
    });

    it("reverts with StakingInvalidReceiver when sweeping to the zero address", async function () {
      const { pool, owner } = await deploy();
      await expect(pool.connect(owner).sweepUndistributed(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(pool, "StakingInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("lets the owner recover OPEN sent to the pool directly, none of the principal or the rewards", async function () {
      const { pool, open, owner, outsider, alice, bob, notify, poolAddress, streamAll, expectConserved } =
        await deploy();
      await pool.connect(alice).stake(100n * E18);
      await pool.connect(bob).stake(300n * E18);
      await pool.connect(bob).requestUnstake(100n * E18);
      await notify(DAILY);
      await open.transfer(poolAddress, 50n * E18);
      expect(await pool.excess()).to.equal(50n * E18);
      expect(await pool.principal()).to.equal(400n * E18);
      expect(await pool.outstandingRewards()).to.equal(DAILY);
      expect(await open.balanceOf(poolAddress)).to.equal(400n * E18 + DAILY + 50n * E18);
      // Streaming leaves the excess apart.
      await streamAll();
      await expectConserved([alice, bob], 0n, 50n * E18);
      expect(await pool.connect(owner).recoverExcess.staticCall(outsider.address)).to.equal(50n * E18);
      const tx = pool.connect(owner).recoverExcess(outsider.address);
      await expect(tx)
        .to.emit(pool, "ExcessRecovered")
        .withArgs(outsider.address, 50n * E18);
      await expect(tx).to.changeTokenBalances(open, [outsider.address, poolAddress], [50n * E18, -50n * E18]);
      await expect(pool.connect(owner).recoverExcess(outsider.address))
        .to.be.revertedWithCustomError(pool, "StakingNothingToRecover")
        .withArgs();
      // Everything owed is still paid in full.
      await expectConserved([alice, bob], 0n);
      await expect(pool.connect(alice).claimRewards())
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 288n * E18);
      await expect(pool.connect(bob).claimRewards())
        .to.emit(pool, "RewardClaimed")
        .withArgs(bob.address, 576n * E18);
      await time.increase(COOLDOWN);
      await pool.connect(bob).withdraw();
      expect(await open.balanceOf(poolAddress)).to.equal(300n * E18);
      await expect(pool.connect(owner).recoverExcess(outsider.address))
        .to.be.revertedWithCustomError(pool, "StakingNothingToRecover")
        .withArgs();
    });

    it("reverts with StakingInvalidReceiver when recovering to the zero address", async function () {
      const { pool, owner, poolAddress, open } = await deploy();
      await open.transfer(poolAddress, 1n);
      await expect(pool.connect(owner).recoverExcess(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(pool, "StakingInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("refuses every setter to anyone but the owner with OwnableUnauthorizedAccount", async function () {
      const { pool, outsider, notifier } = await deploy();
      for (const caller of [outsider, notifier]) {
        const as = pool.connect(caller);
        for (const call of [
          () => as.setCooldown(DAY),
          () => as.setRewardNotifier(caller.address),
          () => as.sweepUndistributed(caller.address),
          () => as.recoverExcess(caller.address),
        ]) {
          await expect(call())
            .to.be.revertedWithCustomError(pool, "OwnableUnauthorizedAccount")
            .withArgs(caller.address);
        }
      }
    });

    it("hands governance over with Ownable's transferOwnership", async function () {
      const { pool, owner, outsider } = await deploy();
      await pool.connect(owner).transferOwnership(outsider.address);
      await expect(pool.connect(outsider).setCooldown(DAY)).to.emit(pool, "CooldownSet").withArgs(DAY);
      await expect(pool.connect(owner).setCooldown(DAY))
        .to.be.revertedWithCustomError(pool, "OwnableUnauthorizedAccount")
        .withArgs(owner.address);
    });
  });

  describe("views", function () {
    it("shows an empty position and nothing earned for an unknown account", async function () {
      const { pool, outsider, positionOf } = await deploy();
      expect(await positionOf(outsider)).to.deep.equal({ staked: 0n, unstaking: 0n, unstakeReadyAt: 0n });
      expect(await pool.earned(outsider.address)).to.equal(0n);
    });

    it("conserves OPEN through a full cycle, leaving the pool only the dust that rounding kept", async function () {
      const { pool, open, owner, alice, bob, notify, poolAddress, streamAll, expectConserved } = await deploy();
      const notified = [E18, 123_456_789n, 3n * E18 + 7n];
      await notify(notified[0]);
      await streamAll();
      await pool.connect(alice).stake(STAKER_BALANCE);
      await pool.connect(bob).stake(7n);
      await notify(notified[1]);
      await streamAll();
      await pool.connect(bob).requestUnstake(7n);
      await notify(notified[2]);
      await streamAll();
      // Two accounts' rounding, and what the last division by the stake carried: below 10^22 / 10^18 wei.
      await expectConserved([alice, bob], 2n + STAKER_BALANCE / E18);
      await pool.connect(alice).requestUnstake(STAKER_BALANCE);
      await time.increase(COOLDOWN);
      await pool.connect(alice).withdraw();
      await pool.connect(bob).withdraw();
      const paid: bigint[] = [];
      for (const s of [alice, bob]) {
        const due = await pool.earned(s.address);
        if (due > 0n) await pool.connect(s).claimRewards();
        paid.push(due);
      }
      const swept = await pool.connect(owner).sweepUndistributed.staticCall(owner.address);
      await pool.connect(owner).sweepUndistributed(owner.address);
      // The first reward streamed while nothing was staked (all but its last wei, carried), and so did the carry once
      // the stake had left; the rest went to the stake, bob's 7 wei earning nothing.
      expect(swept - (E18 - 1n)).to.be.within(0n, STAKER_BALANCE / E18);
      expect(paid[1]).to.equal(0n);
      const total = notified.reduce((a, b) => a + b, 0n);
      const dust = await open.balanceOf(poolAddress);
      expect(paid[0] + swept + dust).to.equal(total);
      expect(dust).to.be.within(0n, 4n);
      expect(await pool.principal()).to.equal(0n);
      expect(await pool.outstandingRewards()).to.equal(dust);
      expect(await pool.excess()).to.equal(0n);
    });
  });

  describe("test coverage of the interface", function () {
    it("asserts every custom error and event of IStakingPool somewhere in this file", async function () {
      expect(
        unassertedErrorsAndEvents(__filename, IStakingPool__factory.createInterface(), ["pool", "factory"]),
      ).to.deep.equal([]);
    });
  });
});
