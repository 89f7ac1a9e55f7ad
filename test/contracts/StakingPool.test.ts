import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import { IStakingPool__factory, StakingPool__factory } from "../../typechain-types";
import { DEFAULT_UNSTAKE_COOLDOWN, deployStakingPool } from "../../deploy/staking";
import { COOLDOWN, STAKER_BALANCE, stakingFixture } from "../fixtures/staking";
import { unassertedErrorsAndEvents } from "../helpers/completeness";

const E18 = 10n ** 18n;
const DAY = 86_400n;
const MAX_COOLDOWN = 90n * DAY;

async function deploy() {
  const f = await loadFixture(stakingFixture);
  const { pool, open, poolAddress } = f;

  /** Timestamp of the block that mined `tx`. */
  async function minedAt(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
    const receipt = (await (await tx).wait())!;
    return BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
  }

  /** A position as a plain object, so that it compares with deep equality. */
  async function positionOf(who: HardhatEthersSigner) {
    const p = await pool.position(who.address);
    return { staked: p.staked, unstaking: p.unstaking, unstakeReadyAt: p.unstakeReadyAt };
  }

  /**
   * OPEN conservation when nothing was claimed, swept or sent to the pool directly: the pool holds the stake, the
   * unstaking OPEN, the rewards not yet claimed and the undistributed fees, plus dust of less than one wei per account.
   */
  async function expectConserved(accounts: HardhatEthersSigner[], maxDust: bigint) {
    let owed = (await pool.totalStaked()) + (await pool.undistributed());
    for (const a of accounts) owed += (await pool.position(a.address)).unstaking + (await pool.earned(a.address));
    const dust = (await open.balanceOf(poolAddress)) - owed;
    expect(dust).to.be.greaterThanOrEqual(0n);
    expect(dust).to.be.lessThanOrEqual(maxDust);
  }

  return { ...f, minedAt, positionOf, expectConserved };
}

describe("StakingPool", function () {
  describe("deployment", function () {
    it("records the token, the owner and the cooldown, and has no notifier until one is set", async function () {
      const { pool, open, owner, deployer } = await deploy();
      expect(await pool.STAKE_TOKEN()).to.equal(await open.getAddress());
      expect(await pool.owner()).to.equal(owner.address);
      expect(await pool.cooldown()).to.equal(DEFAULT_UNSTAKE_COOLDOWN);
      expect(await pool.MAX_COOLDOWN()).to.equal(MAX_COOLDOWN);
      expect(await pool.totalStaked()).to.equal(0n);
      expect(await pool.rewardPerToken()).to.equal(0n);
      expect(await pool.undistributed()).to.equal(0n);

      const fresh = await deployStakingPool(deployer, { openToken: await open.getAddress() });
      expect(await fresh.owner()).to.equal(deployer.address);
      expect(await fresh.rewardNotifier()).to.equal(ethers.ZeroAddress);
      expect(await fresh.cooldown()).to.equal(604_800n);
      await expect(fresh.notifyReward(1n))
        .to.be.revertedWithCustomError(fresh, "StakingUnauthorizedNotifier")
        .withArgs(deployer.address);
    });

    it("emits CooldownSet with the cooldown given", async function () {
      const { open, owner, deployer } = await deploy();
      const pool = await deployStakingPool(deployer, {
        openToken: await open.getAddress(),
        owner: owner.address,
        cooldown: 3_600n,
      });
      await expect(pool.deploymentTransaction()).to.emit(pool, "CooldownSet").withArgs(3_600n);
      expect(await pool.cooldown()).to.equal(3_600n);
    });

    it("reverts with StakingInvalidReceiver for a zero token and OwnableInvalidOwner for a zero owner", async function () {
      const { open, owner, deployer } = await deploy();
      const factory = new StakingPool__factory(deployer);
      await expect(factory.deploy(ethers.ZeroAddress, owner.address, COOLDOWN))
        .to.be.revertedWithCustomError(factory, "StakingInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
      await expect(factory.deploy(await open.getAddress(), ethers.ZeroAddress, COOLDOWN))
        .to.be.revertedWithCustomError(factory, "OwnableInvalidOwner")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with StakingInvalidCooldown for a zero cooldown or one above 90 days", async function () {
      const { open, owner, deployer } = await deploy();
      const factory = new StakingPool__factory(deployer);
      for (const cooldown of [0n, MAX_COOLDOWN + 1n]) {
        await expect(factory.deploy(await open.getAddress(), owner.address, cooldown))
          .to.be.revertedWithCustomError(factory, "StakingInvalidCooldown")
          .withArgs(cooldown);
      }
      const longest = await factory.deploy(await open.getAddress(), owner.address, MAX_COOLDOWN);
      expect(await longest.cooldown()).to.equal(MAX_COOLDOWN);
    });
  });

  describe("stake", function () {
    it("pulls the OPEN, adds it to the position and the total, and emits Staked with the new total", async function () {
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

    it("gives stake that arrives after a notification nothing of it", async function () {
      const { pool, alice, bob, notify } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await notify(6n * E18);
      await pool.connect(bob).stake(50n * E18);
      expect(await pool.earned(bob.address)).to.equal(0n);
      expect(await pool.earned(alice.address)).to.equal(6n * E18);
      await notify(12n * E18);
      expect(await pool.earned(alice.address)).to.equal(8n * E18);
      expect(await pool.earned(bob.address)).to.equal(10n * E18);
    });

    it("keeps the rewards earned before adding to a stake", async function () {
      const { pool, alice, bob, notify } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await pool.connect(bob).stake(10n * E18);
      await notify(4n * E18);
      await pool.connect(alice).stake(20n * E18);
      expect(await pool.earned(alice.address)).to.equal(2n * E18);
      await notify(4n * E18);
      expect(await pool.earned(alice.address)).to.equal(5n * E18);
      expect(await pool.earned(bob.address)).to.equal(3n * E18);
    });
  });

  describe("requestUnstake", function () {
    it("moves stake into cooldown and emits UnstakeRequested with the unstaking total and readyAt", async function () {
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
      const { pool, alice, bob, notify } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await pool.connect(bob).stake(100n * E18);
      await notify(20n * E18);
      await pool.connect(alice).requestUnstake(50n * E18);
      await notify(30n * E18);
      expect(await pool.earned(alice.address)).to.equal(20n * E18);
      expect(await pool.earned(bob.address)).to.equal(30n * E18);
      await pool.connect(alice).requestUnstake(50n * E18);
      await notify(7n * E18);
      expect(await pool.earned(alice.address)).to.equal(20n * E18);
      expect(await pool.earned(bob.address)).to.equal(37n * E18);
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
    it("pays everything earned, emits RewardClaimed and leaves nothing to claim", async function () {
      const { pool, open, alice, bob, notify, poolAddress } = await deploy();
      await pool.connect(alice).stake(30n * E18);
      await pool.connect(bob).stake(10n * E18);
      await notify(8n * E18);
      expect(await pool.connect(alice).claimRewards.staticCall()).to.equal(6n * E18);
      const tx = pool.connect(alice).claimRewards();
      await expect(tx)
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 6n * E18);
      await expect(tx).to.changeTokenBalances(open, [alice.address, poolAddress], [6n * E18, -6n * E18]);
      expect(await pool.earned(alice.address)).to.equal(0n);
      expect(await pool.earned(bob.address)).to.equal(2n * E18);
      await expect(pool.connect(alice).claimRewards())
        .to.be.revertedWithCustomError(pool, "StakingNothingToClaim")
        .withArgs(alice.address);
      await notify(4n * E18);
      await expect(pool.connect(alice).claimRewards())
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 3n * E18);
    });

    it("pays rewards credited before an unstake together with those earned since", async function () {
      const { pool, alice, bob, notify } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await pool.connect(bob).stake(10n * E18);
      await notify(10n * E18);
      await pool.connect(alice).requestUnstake(5n * E18);
      await notify(3n * E18);
      await expect(pool.connect(alice).claimRewards())
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 6n * E18);
    });

    it("still pays after the whole stake has left", async function () {
      const { pool, alice, notify } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await notify(2n * E18);
      await pool.connect(alice).requestUnstake(10n * E18);
      await time.increase(COOLDOWN);
      await pool.connect(alice).withdraw();
      await expect(pool.connect(alice).claimRewards())
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 2n * E18);
    });

    it("reverts with StakingNothingToClaim for an account that never staked or earned less than one wei", async function () {
      const { pool, alice, bob, notify } = await deploy();
      await expect(pool.connect(alice).claimRewards())
        .to.be.revertedWithCustomError(pool, "StakingNothingToClaim")
        .withArgs(alice.address);
      // With 10^18 + 1 wei staked, a one-wei fee moves the accumulator by less than one unit: it is carried, and bob
      // (one wei staked) has nothing yet.
      await pool.connect(alice).stake(E18);
      await pool.connect(bob).stake(1n);
      await notify(1n);
      await expect(pool.connect(bob).claimRewards())
        .to.be.revertedWithCustomError(pool, "StakingNothingToClaim")
        .withArgs(bob.address);
    });
  });

  describe("notifyReward", function () {
    it("spreads the amount over the current stake and emits RewardNotified with the new reward per token", async function () {
      const { pool, alice, bob, notify } = await deploy();
      await pool.connect(alice).stake(100n * E18);
      await pool.connect(bob).stake(300n * E18);
      await expect(notify(40n * E18))
        .to.emit(pool, "RewardNotified")
        .withArgs(40n * E18, 400n * E18, E18 / 10n);
      expect(await pool.rewardPerToken()).to.equal(E18 / 10n);
      expect(await pool.earned(alice.address)).to.equal(10n * E18);
      expect(await pool.earned(bob.address)).to.equal(30n * E18);
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

    it("keeps a fee notified while nothing is staked as undistributed", async function () {
      const { pool, alice, notify } = await deploy();
      await expect(notify(5n * E18))
        .to.emit(pool, "RewardNotified")
        .withArgs(5n * E18, 0n, 0n);
      expect(await pool.undistributed()).to.equal(5n * E18);
      expect(await pool.rewardPerToken()).to.equal(0n);
      await pool.connect(alice).stake(10n * E18);
      expect(await pool.earned(alice.address)).to.equal(0n);
      await notify(E18);
      expect(await pool.earned(alice.address)).to.equal(E18);
      expect(await pool.undistributed()).to.equal(5n * E18);
    });

    it("accepts a zero amount", async function () {
      const { pool, alice, notify } = await deploy();
      await pool.connect(alice).stake(10n * E18);
      await expect(notify(0n))
        .to.emit(pool, "RewardNotified")
        .withArgs(0n, 10n * E18, 0n);
    });

    it("carries the division's remainder into the next notification: a 3-wei stake gets 1 + 2 wei in full", async function () {
      const { pool, alice, notify } = await deploy();
      await pool.connect(alice).stake(3n);
      // 10^18 / 3 = 333333333333333333, remainder 1.
      await expect(notify(1n)).to.emit(pool, "RewardNotified").withArgs(1n, 3n, 333_333_333_333_333_333n);
      expect(await pool.earned(alice.address)).to.equal(0n);
      // (2 × 10^18 + 1) / 3 = 666666666666666667, remainder 0: the accumulator reaches exactly 10^18.
      await expect(notify(2n)).to.emit(pool, "RewardNotified").withArgs(2n, 3n, E18);
      expect(await pool.earned(alice.address)).to.equal(3n);
    });

    it("rounds each account down and pays the dust once it adds up (1 and 2 wei staked, three 1-wei fees)", async function () {
      const { pool, alice, bob, notify, expectConserved } = await deploy();
      await pool.connect(alice).stake(1n);
      await pool.connect(bob).stake(2n);
      const expected: [bigint, bigint, bigint][] = [
        // [reward per token, alice, bob]
        [333_333_333_333_333_333n, 0n, 0n],
        [666_666_666_666_666_666n, 0n, 1n],
        [E18, 1n, 2n],
      ];
      for (const [perToken, a, b] of expected) {
        await notify(1n);
        expect([
          await pool.rewardPerToken(),
          await pool.earned(alice.address),
          await pool.earned(bob.address),
        ]).to.deep.equal([perToken, a, b]);
        await expectConserved([alice, bob], 2n);
      }
    });

    it("pays by hand-computed shares across joins, unstakes and claims", async function () {
      const { pool, alice, bob, carol, notify, expectConserved } = await deploy();
      // 100 : 300 share 40 -> 10 : 30.
      await pool.connect(alice).stake(100n * E18);
      await pool.connect(bob).stake(300n * E18);
      await notify(40n * E18);
      // carol joins with 100: 100 : 300 : 100 share 50 -> 10 : 30 : 10.
      await pool.connect(carol).stake(100n * E18);
      await notify(50n * E18);
      // bob puts 200 into cooldown: 100 : 100 : 100 share 33 -> 11 each.
      await pool.connect(bob).requestUnstake(200n * E18);
      await notify(33n * E18);
      // alice claims 31. One unit of the accumulator is worth 300 wei over 300 OPEN: a 1-wei fee is carried whole.
      await expect(pool.connect(alice).claimRewards())
        .to.emit(pool, "RewardClaimed")
        .withArgs(alice.address, 31n * E18);
      await notify(1n);
      expect(await pool.rewardPerToken()).to.equal(31n * 10n ** 16n);
      expect(await pool.earned(alice.address)).to.equal(0n);
      expect(await pool.earned(bob.address)).to.equal(71n * E18);
      expect(await pool.earned(carol.address)).to.equal(21n * E18);
      // The carried wei joins the next 299: (300 × 10^18) / (300 × 10^18) = one unit, 100 wei for each 100 OPEN.
      await notify(299n);
      expect(await pool.rewardPerToken()).to.equal(31n * 10n ** 16n + 1n);
      expect(await pool.earned(alice.address)).to.equal(100n);
      expect(await pool.earned(bob.address)).to.equal(71n * E18 + 100n);
      expect(await pool.earned(carol.address)).to.equal(21n * E18 + 100n);
      await expectConserved([alice, bob, carol], 0n);
    });

    it("splits 10 OPEN over three equal stakes into 3.333… OPEN each and carries the last wei", async function () {
      const { pool, alice, bob, carol, notify, expectConserved } = await deploy();
      for (const s of [alice, bob, carol]) await pool.connect(s).stake(E18);
      // 10^19 × 10^18 / (3 × 10^18) = 3333333333333333333, remainder 10^18: one wei, carried.
      await notify(10n * E18);
      for (const s of [alice, bob, carol]) expect(await pool.earned(s.address)).to.equal(3_333_333_333_333_333_333n);
      await expectConserved([alice, bob, carol], 1n);
      // (2 + 1) × 10^18 / (3 × 10^18) = 1: the two new wei and the carried one, one each.
      await notify(2n);
      for (const s of [alice, bob, carol]) expect(await pool.earned(s.address)).to.equal(3_333_333_333_333_333_334n);
      await expectConserved([alice, bob, carol], 0n);
    });
  });

  describe("governance", function () {
    it("lets the owner set the cooldown within (0, 90 days] and emits CooldownSet", async function () {
      const { pool, owner } = await deploy();
      await expect(pool.connect(owner).setCooldown(1n)).to.emit(pool, "CooldownSet").withArgs(1n);
      await expect(pool.connect(owner).setCooldown(MAX_COOLDOWN)).to.emit(pool, "CooldownSet").withArgs(MAX_COOLDOWN);
      expect(await pool.cooldown()).to.equal(MAX_COOLDOWN);
      for (const cooldown of [0n, MAX_COOLDOWN + 1n]) {
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
      await expect(pool.connect(outsider).notifyReward(1n)).to.emit(pool, "RewardNotified").withArgs(1n, 0n, 0n);
    });

    it("reverts with StakingInvalidReceiver for a zero notifier", async function () {
      const { pool, owner } = await deploy();
      await expect(pool.connect(owner).setRewardNotifier(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(pool, "StakingInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("lets the owner sweep the undistributed rewards and emits UndistributedSwept", async function () {
      const { pool, open, owner, outsider, alice, notify, poolAddress } = await deploy();
      await notify(5n * E18);
      await pool.connect(alice).stake(10n * E18);
      await notify(2n * E18);
      expect(await pool.connect(owner).sweepUndistributed.staticCall(outsider.address)).to.equal(5n * E18);
      const tx = pool.connect(owner).sweepUndistributed(outsider.address);
      await expect(tx)
        .to.emit(pool, "UndistributedSwept")
        .withArgs(outsider.address, 5n * E18);
      await expect(tx).to.changeTokenBalances(open, [outsider.address, poolAddress], [5n * E18, -5n * E18]);
      expect(await pool.undistributed()).to.equal(0n);
      // The stakers' rewards stay.
      expect(await pool.earned(alice.address)).to.equal(2n * E18);
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

    it("refuses every setter to anyone but the owner with OwnableUnauthorizedAccount", async function () {
      const { pool, outsider, notifier } = await deploy();
      for (const caller of [outsider, notifier]) {
        const as = pool.connect(caller);
        for (const call of [
          () => as.setCooldown(DAY),
          () => as.setRewardNotifier(caller.address),
          () => as.sweepUndistributed(caller.address),
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

    it("conserves OPEN through a full cycle and carries what the last division left to the next stake", async function () {
      const { pool, open, owner, alice, bob, notify, poolAddress } = await deploy();
      await notify(E18);
      await pool.connect(alice).stake(STAKER_BALANCE);
      await pool.connect(bob).stake(7n);
      // 123456789 × 10^18 / (10^22 + 7) = 12345 per token, remainder 6789 × 10^18 − 86415 (just under 6789 wei).
      await notify(123_456_789n);
      await pool.connect(bob).requestUnstake(7n);
      // 3 × 10^36 + the remainder, over 10^22: 3 × 10^14 per token, the remainder unchanged.
      await notify(3n * E18);
      await pool.connect(alice).requestUnstake(STAKER_BALANCE);
      await time.increase(COOLDOWN);
      await pool.connect(alice).withdraw();
      await pool.connect(bob).withdraw();
      await pool.connect(alice).claimRewards();
      await expect(pool.connect(bob).claimRewards())
        .to.be.revertedWithCustomError(pool, "StakingNothingToClaim")
        .withArgs(bob.address);
      await pool.connect(owner).sweepUndistributed(owner.address);
      // 10^22 × (12345 + 3 × 10^14) / 10^18.
      expect(await open.balanceOf(alice.address)).to.equal(STAKER_BALANCE + 3n * E18 + 123_450_000n);
      expect(await open.balanceOf(poolAddress)).to.equal(6_789n);
      // The next notification, even of nothing, shares the remainder: 6788 per token for bob's 10^18.
      await pool.connect(bob).stake(E18);
      await notify(0n);
      expect(await pool.rewardPerToken()).to.equal(12_345n + 3n * 10n ** 14n + 6_788n);
      expect(await pool.earned(bob.address)).to.equal(6_788n);
    });
  });

  describe("test coverage of the interface", function () {
    it("asserts every custom error and event of IStakingPool somewhere in this file", async function () {
      expect(unassertedErrorsAndEvents(__filename, IStakingPool__factory.createInterface(), ["pool"])).to.deep.equal(
        [],
      );
    });
  });
});
