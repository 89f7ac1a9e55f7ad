import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  ContractRevertError,
  InsufficientFundsError,
  InvalidConfigurationError,
  InvalidInputError,
  NothingToClaimError,
  StakingClient,
  UnauthorizedError,
  decodeRevert,
  withDecodedErrors,
} from "../../sdk/src";
import { IStakingPool__factory } from "../../typechain-types";
import { DEFAULT_MAX_UNSTAKE_COOLDOWN, DEFAULT_REWARD_PERIOD } from "../../deploy/staking";
import { COOLDOWN, stakingFixture } from "../fixtures/staking";
import { rejection } from "../helpers/rejection";

const E18 = 10n ** 18n;

/**
 * {@link stakingFixture} plus a {@link StakingClient} for alice, bob and outsider; `outsider` holds 100 OPEN and
 * approved nothing.
 */
async function stakingClientFixture() {
  const f = await stakingFixture();
  await f.open.transfer(f.outsider.address, 100n * E18);
  const client = await StakingClient.connect(f.poolAddress, f.alice);
  const clients = { alice: client, bob: client.connect(f.bob), outsider: client.connect(f.outsider) };
  return { ...f, client, clients };
}

describe("StakingClient", function () {
  describe("connect", function () {
    it("refuses a malformed address", async function () {
      await rejection(StakingClient.connect("0x1234", ethers.provider), InvalidInputError);
    });

    it("reads the OPEN token from the pool", async function () {
      const { client, open } = await loadFixture(stakingClientFixture);
      expect(await client.token.getAddress()).to.equal(await open.getAddress());
    });
  });

  describe("stake", function () {
    it("approves the pool for the shortfall and stakes", async function () {
      const { clients, open, poolAddress, outsider } = await loadFixture(stakingClientFixture);
      await clients.outsider.stake(40n * E18);
      expect(await clients.outsider.position(outsider.address)).to.deep.equal({
        staked: 40n * E18,
        unstaking: 0n,
        unstakeReadyAt: 0n,
      });
      expect(await clients.outsider.totalStaked()).to.equal(40n * E18);
      expect(await open.balanceOf(poolAddress)).to.equal(40n * E18);
    });

    it("leaves the allowance alone when told not to approve, and decodes the token's refusal", async function () {
      const { clients, open, poolAddress, outsider } = await loadFixture(stakingClientFixture);
      const error = await rejection(clients.outsider.stake(E18, { approve: false }), InsufficientFundsError);
      expect(error.errorName).to.equal("ERC20InsufficientAllowance");
      expect(await open.allowance(outsider.address, poolAddress)).to.equal(0n);
    });

    it("refuses a non-positive amount before sending anything", async function () {
      const { clients } = await loadFixture(stakingClientFixture);
      expect((await rejection(clients.alice.stake(0n), InvalidInputError)).message).to.contain("must be positive");
    });

    it("refuses to send from a client without a signer", async function () {
      const { poolAddress } = await loadFixture(stakingClientFixture);
      const readOnly = await StakingClient.connect(poolAddress, ethers.provider);
      expect((await rejection(readOnly.stake(E18), InvalidInputError)).message).to.contain("no signer");
      expect((await rejection(readOnly.claimRewards(), InvalidInputError)).message).to.contain("no signer");
    });
  });

  describe("requestUnstake and withdraw", function () {
    it("moves stake into cooldown, refuses an early withdrawal and pays after the cooldown", async function () {
      const { clients, open, alice } = await loadFixture(stakingClientFixture);
      await clients.alice.stake(100n * E18);
      await clients.alice.requestUnstake(30n * E18);
      const position = await clients.alice.position(alice.address);
      expect(position.staked).to.equal(70n * E18);
      expect(position.unstaking).to.equal(30n * E18);
      expect(position.unstakeReadyAt).to.equal(BigInt(await time.latest()) + COOLDOWN);

      const early = await rejection(clients.alice.withdraw(), InsufficientFundsError);
      expect(early.errorName).to.equal("StakingCooldownActive");
      const readyAt = new Date(Number(position.unstakeReadyAt) * 1000).toISOString().replace(".000Z", "Z");
      expect(early.message).to.contain(`cooldown until ${readyAt}`);

      await time.increaseTo(position.unstakeReadyAt);
      const before = await open.balanceOf(alice.address);
      await clients.alice.withdraw();
      expect((await open.balanceOf(alice.address)) - before).to.equal(30n * E18);
      expect((await clients.alice.position(alice.address)).unstaking).to.equal(0n);
    });

    it("decodes unstaking more than is staked, zero, and withdrawing with nothing unstaking", async function () {
      const { clients, alice } = await loadFixture(stakingClientFixture);
      await clients.alice.stake(10n * E18);
      const tooMuch = await rejection(clients.alice.requestUnstake(11n * E18), InsufficientFundsError);
      expect(tooMuch.errorName).to.equal("StakingInsufficientStake");
      expect(tooMuch.args).to.deep.equal({ requested: 11n * E18, staked: 10n * E18 });
      expect(tooMuch.message).to.contain("only 10,000,000,000,000,000,000 is staked");
      await rejection(clients.alice.requestUnstake(0n), InvalidConfigurationError);
      const nothing = await rejection(clients.alice.withdraw(), InsufficientFundsError);
      expect(nothing.errorName).to.equal("StakingNothingToWithdraw");
      expect(nothing.message).to.contain(alice.address);
    });
  });

  describe("rewards", function () {
    it("reports earned rewards, the reward per token and the cooldowns, and claims", async function () {
      const { clients, alice, bob, notify, open } = await loadFixture(stakingClientFixture);
      await clients.alice.stake(30n * E18);
      await clients.bob.stake(10n * E18);
      await notify(108n * E18);
      await time.increaseTo((await clients.alice.stream()).periodEnd + DEFAULT_REWARD_PERIOD);
      expect(await clients.alice.earned(alice.address)).to.equal(81n * E18);
      expect(await clients.bob.earned(bob.address)).to.equal(27n * E18);
      expect(await clients.alice.rewardPerToken()).to.equal((27n * E18) / 10n);
      expect(await clients.alice.cooldown()).to.equal(COOLDOWN);
      expect(await clients.alice.maxCooldown()).to.equal(DEFAULT_MAX_UNSTAKE_COOLDOWN);

      const before = await open.balanceOf(alice.address);
      await clients.alice.claimRewards();
      expect((await open.balanceOf(alice.address)) - before).to.equal(81n * E18);
      expect(await clients.alice.earned(alice.address)).to.equal(0n);
      const error = await rejection(clients.alice.claimRewards(), NothingToClaimError);
      expect(error.errorName).to.equal("StakingNothingToClaim");
    });

    it("reports the stream: what is queued for the next period, then its rate while it streams", async function () {
      const { client, clients, notify } = await loadFixture(stakingClientFixture);
      await clients.alice.stake(E18);
      const { periodEnd } = await client.stream();
      await notify(864n * E18);
      expect(await client.stream()).to.deep.equal({
        rate: 0n,
        periodEnd,
        queued: 864n * E18,
        period: DEFAULT_REWARD_PERIOD,
      });
      await time.increaseTo(periodEnd + 1n);
      // 864 OPEN over a day: 0.01 OPEN a second, in wei × 1e18.
      expect(await client.stream()).to.deep.equal({
        rate: 10n ** 34n,
        periodEnd: periodEnd + DEFAULT_REWARD_PERIOD,
        queued: 0n,
        period: DEFAULT_REWARD_PERIOD,
      });
    });

    it("reports what streamed while nothing was staked as undistributed", async function () {
      const { client, notify } = await loadFixture(stakingClientFixture);
      expect(await client.undistributed()).to.equal(0n);
      await notify(27n * E18);
      await time.increaseTo((await client.stream()).periodEnd + DEFAULT_REWARD_PERIOD);
      expect(await client.undistributed()).to.equal(27n * E18);
    });

    it("reports the principal, the outstanding rewards and the excess sent to the pool directly", async function () {
      const { client, clients, notify, open, poolAddress } = await loadFixture(stakingClientFixture);
      await clients.alice.stake(30n * E18);
      await clients.alice.requestUnstake(10n * E18);
      await notify(5n * E18);
      await open.transfer(poolAddress, 2n * E18);
      expect(await client.principal()).to.equal(30n * E18);
      expect(await client.outstandingRewards()).to.equal(5n * E18);
      expect(await client.excess()).to.equal(2n * E18);
    });
  });

  describe("errors", function () {
    it("decodes refusals of calls the client does not wrap: notifier, owner, cooldown, receiver, unpaid, excess", async function () {
      const { pool, owner, outsider, notifier } = await loadFixture(stakingClientFixture);
      const notNotifier = await rejection(
        withDecodedErrors(() => pool.connect(outsider).notifyReward(1n)),
        UnauthorizedError,
      );
      expect(notNotifier.message).to.contain("is not the staking pool's reward notifier");
      const notOwner = await rejection(
        withDecodedErrors(() => pool.connect(outsider).setCooldown(1n)),
        UnauthorizedError,
      );
      expect(notOwner.errorName).to.equal("OwnableUnauthorizedAccount");
      const cooldown = await rejection(
        withDecodedErrors(() => pool.connect(owner).setCooldown(0n)),
        InvalidConfigurationError,
      );
      expect(cooldown.message).to.contain("outside (0, MAX_COOLDOWN]");
      const receiver = await rejection(
        withDecodedErrors(() => pool.connect(owner).sweepUndistributed(ethers.ZeroAddress)),
        InvalidConfigurationError,
      );
      expect(receiver.errorName).to.equal("StakingInvalidReceiver");
      const unpaid = await rejection(
        withDecodedErrors(() => pool.connect(notifier).notifyReward(E18)),
        InsufficientFundsError,
      );
      expect(unpaid.errorName).to.equal("StakingRewardNotReceived");
      expect(unpaid.message).to.contain("but the pool holds only 0 beyond its principal and outstanding rewards");
      const nothing = await rejection(
        withDecodedErrors(() => pool.connect(owner).recoverExcess(owner.address)),
        InsufficientFundsError,
      );
      expect(nothing.errorName).to.equal("StakingNothingToRecover");
    });

    it("maps every custom error of IStakingPool to a typed subclass with a message", function () {
      const iface = IStakingPool__factory.createInterface();
      iface.forEachError((fragment) => {
        const args = fragment.inputs.map((p) =>
          p.type === "address" ? ethers.ZeroAddress : p.type.startsWith("uint") ? 1n : undefined,
        );
        const error = decodeRevert({ data: iface.encodeErrorResult(fragment, args) });
        expect(error, fragment.name).to.be.instanceOf(ContractRevertError);
        expect((error as ContractRevertError).constructor, fragment.name).to.not.equal(ContractRevertError);
        expect((error as ContractRevertError).errorName).to.equal(fragment.name);
        expect((error as ContractRevertError).shortMessage).to.not.contain("reverted with");
      });
    });
  });
});
