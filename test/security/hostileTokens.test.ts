import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract, Signer } from "ethers";
import {
  DatanetRegistry__factory,
  MockRevertingToken__factory,
  RewardDistributor__factory,
  StakingPool__factory,
} from "../../typechain-types";
import type { MockReentrant } from "../../typechain-types";
import {
  Failure,
  HOSTILE_SUPPLY as SUPPLY,
  approveAll,
  arm,
  as,
  deployOver,
  feeOnTransferFixture,
  hookFixture,
  reentryError,
  revertingFixture,
} from "../fixtures/hostile";
import { defaultPolicy } from "../fixtures/protocol";
import { submitContribution } from "../helpers/submission";
import { rewardTree, entryOf } from "../helpers/rewards";

const E18 = 10n ** 18n;
const DAY = 86_400n;
/** The fee-on-transfer token's fee once switched on: 1%. */
const FEE_BPS = 100n;

/** A Datanet with a 1-token bond whose validators v1, v2, v3 decide on two votes. */
async function createDatanet(f: {
  datanets: ReturnType<typeof DatanetRegistry__factory.connect>;
  owner: Signer;
  v1: Signer;
  v2: Signer;
  v3: Signer;
}) {
  await f.datanets
    .connect(f.owner)
    .createDatanet("ipfs://d", defaultPolicy(), [
      await f.v1.getAddress(),
      await f.v2.getAddress(),
      await f.v3.getAddress(),
    ]);
  return 1n;
}

/**
 * Model 1 at 1 token a call, its revenue to `revenueRecipient`, registered by bob on Datanet 1's version 1 (alice's
 * contribution accepted).
 */
async function registerModel(
  f: Parameters<typeof createDatanet>[0] & Awaited<ReturnType<typeof deployOver>> & { token: BaseContract },
  revenueRecipient: string,
) {
  const { datanets, models, owner, v1, v2, alice, bob } = f;
  const datanetId = await createDatanet(f);
  const token = MockRevertingToken__factory.connect(await f.token.getAddress(), f.deployer);
  await token.transfer(alice.address, 10n * E18);
  await token.connect(alice).approve(await datanets.getAddress(), ethers.MaxUint256);
  await submitContribution(datanets, alice, datanetId, ethers.id("mail"));
  await datanets.connect(v1).vote(datanetId, ethers.id("mail"), true);
  await datanets.connect(v2).vote(datanetId, ethers.id("mail"), true);
  await datanets.connect(owner).publishVersion(datanetId);
  await models.connect(bob).registerModel(
    "ipfs://m",
    {
      baseModel: "b",
      adapterKind: 1,
      adapterHash: ethers.id("a"),
      trainingConfigHash: ethers.id("c"),
      trainedOn: [{ datanetId, version: 1n }],
    },
    E18,
    revenueRecipient,
  );
  return 1n;
}

describe("Hostile tokens given as OPEN", function () {
  describe("a token that takes a fee on transfer", function () {
    it("refuses a stake that delivers less than staked, with TokenTransferShortfall, and credits nothing", async function () {
      const { token, staking, alice } = await loadFixture(feeOnTransferFixture);
      await token.transfer(alice.address, 1_000n * E18);
      await token.connect(alice).approve(await staking.getAddress(), ethers.MaxUint256);
      await token.setFeeBps(FEE_BPS);
      const amount = 100n * E18;
      await expect(staking.connect(alice).stake(amount))
        .to.be.revertedWithCustomError(staking, "TokenTransferShortfall")
        .withArgs(amount, amount - (amount * FEE_BPS) / 10_000n);
      expect(await staking.totalStaked()).to.equal(0n);
      expect(await token.balanceOf(await staking.getAddress())).to.equal(0n);
    });

    it("refuses a bond pulled from the wallet that delivers less, and keeps nothing of the contributor's", async function () {
      const f = await loadFixture(feeOnTransferFixture);
      const { token, datanets, alice } = f;
      const datanetId = await createDatanet(f);
      await token.transfer(alice.address, 1_000n * E18);
      await token.connect(alice).approve(await datanets.getAddress(), ethers.MaxUint256);
      await token.setFeeBps(FEE_BPS);
      const bond = E18;
      await expect(submitContribution(datanets, alice, datanetId, ethers.id("mail")))
        .to.be.revertedWithCustomError(datanets, "TokenTransferShortfall")
        .withArgs(bond, bond - (bond * FEE_BPS) / 10_000n);
      expect(await token.balanceOf(alice.address)).to.equal(1_000n * E18);
    });

    it("cannot make the distributor promise more than arrived: a root of the funded total is refused, one of what arrived is not", async function () {
      const { token, rewards, deployer, alice } = await loadFixture(feeOnTransferFixture);
      await token.approve(await rewards.getAddress(), ethers.MaxUint256);
      await token.setFeeBps(FEE_BPS);
      const amount = 1_000n * E18;
      await rewards.fund(amount);
      const arrived = amount - (amount * FEE_BPS) / 10_000n;
      expect(await token.balanceOf(await rewards.getAddress())).to.equal(arrived);
      await time.increase(8n * DAY);
      const tree = rewardTree([[alice.address, amount]]);
      await expect(rewards.connect(deployer).proposeRoot(tree.root, amount, 1n, ethers.ZeroHash, ""))
        .to.be.revertedWithCustomError(rewards, "RewardsInsufficientFunding")
        .withArgs(amount, arrived);
      const backed = rewardTree([[alice.address, arrived]]);
      await expect(rewards.connect(deployer).proposeRoot(backed.root, arrived, 1n, ethers.ZeroHash, "")).to.emit(
        rewards,
        "RootProposed",
      );
    });

    it("cannot settle inference: the staking pool refuses a reward that arrived short, and no token moves", async function () {
      const f = await loadFixture(feeOnTransferFixture);
      const { token, settlement, staking, alice, bob } = f;
      await registerModel(f, bob.address);
      await token.transfer(alice.address, 100n * E18);
      await token.connect(alice).approve(await settlement.getAddress(), ethers.MaxUint256);
      await token.setFeeBps(FEE_BPS);
      const before = await token.balanceOf(alice.address);
      await expect(
        settlement.connect(alice).settle(1n, 10n, 10n * E18, ethers.id("log"), ""),
      ).to.be.revertedWithCustomError(staking, "StakingRewardNotReceived");
      expect(await token.balanceOf(alice.address)).to.equal(before);
    });
  });

  describe("a token that reverts or returns false", function () {
    it("is refused at deployment when approve reverts: settlement approves the distributor in its constructor", async function () {
      const [deployer] = await ethers.getSigners();
      const token = await new MockRevertingToken__factory(deployer).deploy(deployer.address, SUPPLY);
      await token.setFailure(token.interface.getFunction("approve").selector, Failure.Revert);
      await expect(deployOver(token)).to.be.revertedWithCustomError(token, "MockTokenFailure");
    });

    it("is refused at deployment when approve returns false", async function () {
      const [deployer] = await ethers.getSigners();
      const token = await new MockRevertingToken__factory(deployer).deploy(deployer.address, SUPPLY);
      await token.setFailure(token.interface.getFunction("approve").selector, Failure.ReturnFalse);
      const settlement = await ethers.getContractFactory("InferenceSettlement");
      await expect(deployOver(token)).to.be.revertedWithCustomError(settlement, "SafeERC20FailedOperation");
    });

    it("refuses a stake whose transferFrom returns false or whose balanceOf reverts, and credits nothing", async function () {
      const { token, staking, alice } = await loadFixture(revertingFixture);
      await token.transfer(alice.address, 1_000n * E18);
      await token.connect(alice).approve(await staking.getAddress(), ethers.MaxUint256);
      await token.setFailure(token.interface.getFunction("transferFrom").selector, Failure.ReturnFalse);
      await expect(staking.connect(alice).stake(E18))
        .to.be.revertedWithCustomError(staking, "SafeERC20FailedOperation")
        .withArgs(await token.getAddress());
      await token.setFailure(token.interface.getFunction("transferFrom").selector, Failure.None);
      await token.setFailure(token.interface.getFunction("balanceOf").selector, Failure.Revert);
      await expect(staking.connect(alice).stake(E18)).to.be.revertedWithCustomError(token, "MockTokenFailure");
      await token.setFailure(token.interface.getFunction("balanceOf").selector, Failure.None);
      expect(await staking.totalStaked()).to.equal(0n);
      expect(await token.balanceOf(alice.address)).to.equal(1_000n * E18);
    });

    it("keeps what is owed when a payout reverts or returns false, and pays it in full once the token works", async function () {
      const { token, staking, alice } = await loadFixture(revertingFixture);
      await token.transfer(alice.address, 1_000n * E18);
      await token.connect(alice).approve(await staking.getAddress(), ethers.MaxUint256);
      await staking.connect(alice).stake(100n * E18);
      await staking.connect(alice).requestUnstake(100n * E18);
      await time.increase(8n * DAY);
      const transfer = token.interface.getFunction("transfer").selector;
      await token.setFailure(transfer, Failure.Revert);
      await expect(staking.connect(alice).withdraw()).to.be.revertedWithCustomError(token, "MockTokenFailure");
      await token.setFailure(transfer, Failure.ReturnFalse);
      await expect(staking.connect(alice).withdraw()).to.be.revertedWithCustomError(
        staking,
        "SafeERC20FailedOperation",
      );
      expect((await staking.position(alice.address)).unstaking).to.equal(100n * E18);
      await token.setFailure(transfer, Failure.None);
      await staking.connect(alice).withdraw();
      expect(await token.balanceOf(alice.address)).to.equal(1_000n * E18);
    });
  });

  describe("a token with ERC-777-style hooks, re-entering from the receiver's or sender's hook", function () {
    it("withdraw re-entered from the receiver's hook fails with StakingNothingToWithdraw; exactly the stake comes back", async function () {
      const { token, staking, attacker } = await loadFixture(hookFixture);
      const pool = StakingPool__factory.connect(await staking.getAddress(), ethers.provider);
      await approveAll(attacker, token, staking);
      await as(attacker, staking, pool.interface.encodeFunctionData("stake", [1_000n * E18]));
      await as(attacker, staking, pool.interface.encodeFunctionData("requestUnstake", [1_000n * E18]));
      await time.increase(8n * DAY);
      await arm(attacker, staking, pool.interface.encodeFunctionData("withdraw"));
      await as(attacker, staking, pool.interface.encodeFunctionData("withdraw"));
      expect(await reentryError(attacker, staking)).to.equal("StakingNothingToWithdraw");
      expect(await token.balanceOf(await attacker.getAddress())).to.equal(10_000n * E18);
      expect(await token.balanceOf(await staking.getAddress())).to.equal(0n);
      expect(await staking.principal()).to.equal(0n);
    });

    it("withdraw re-entered into claimRewards and stake gains nothing: no rewards, and the re-staked amount is credited once", async function () {
      const { token, staking, attacker } = await loadFixture(hookFixture);
      const pool = staking.interface;
      await approveAll(attacker, token, staking);
      await as(attacker, staking, pool.encodeFunctionData("stake", [1_000n * E18]));
      await as(attacker, staking, pool.encodeFunctionData("requestUnstake", [1_000n * E18]));
      await time.increase(8n * DAY);
      await arm(attacker, staking, pool.encodeFunctionData("claimRewards"));
      await as(attacker, staking, pool.encodeFunctionData("withdraw"));
      expect(await reentryError(attacker, staking)).to.equal("StakingNothingToClaim");
      await as(attacker, staking, pool.encodeFunctionData("stake", [500n * E18]));
      await as(attacker, staking, pool.encodeFunctionData("requestUnstake", [500n * E18]));
      await time.increase(8n * DAY);
      await arm(attacker, staking, pool.encodeFunctionData("stake", [500n * E18]));
      await as(attacker, staking, pool.encodeFunctionData("withdraw"));
      expect(await attacker.reentrySucceeded()).to.equal(true);
      expect((await staking.position(await attacker.getAddress())).staked).to.equal(500n * E18);
      expect(await staking.principal()).to.equal(500n * E18);
      expect(await token.balanceOf(await staking.getAddress())).to.equal(500n * E18);
      expect(await token.balanceOf(await attacker.getAddress())).to.equal(9_500n * E18);
    });

    it("stake re-entered from the sender's hook, before its tokens move, credits each stake once, to the wei", async function () {
      const { token, staking, attacker } = await loadFixture(hookFixture);
      await approveAll(attacker, token, staking);
      await arm(attacker, staking, staking.interface.encodeFunctionData("stake", [300n * E18]), true);
      await as(attacker, staking, staking.interface.encodeFunctionData("stake", [700n * E18]));
      expect(await attacker.reentrySucceeded()).to.equal(true);
      expect((await staking.position(await attacker.getAddress())).staked).to.equal(1_000n * E18);
      expect(await staking.principal()).to.equal(1_000n * E18);
      expect(await token.balanceOf(await staking.getAddress())).to.equal(1_000n * E18);
    });

    it("claim and claimMany re-entered from the receiver's hook pay nothing more: claimed and balances exact to the wei", async function () {
      const { token, rewards, attacker, deployer } = await loadFixture(hookFixture);
      const me = await attacker.getAddress();
      await token.approve(await rewards.getAddress(), ethers.MaxUint256);
      await rewards.fund(1_000n * E18);
      const tree = rewardTree([
        [me, 400n * E18],
        [deployer.address, 600n * E18],
      ]);
      await time.increase(8n * DAY);
      await rewards.connect(deployer).proposeRoot(tree.root, 1_000n * E18, 1n, ethers.ZeroHash, "");
      await time.increase(2n * DAY);
      await rewards.acceptRoot();
      const { amount, proof } = entryOf(tree, me);
      const distributor = RewardDistributor__factory.createInterface();
      await arm(attacker, rewards, distributor.encodeFunctionData("claim", [me, amount, proof]));
      await rewards.claim(me, amount, proof);
      expect(await reentryError(attacker, rewards)).to.equal("RewardsNothingToClaim");
      await arm(
        attacker,
        rewards,
        distributor.encodeFunctionData("claimMany", [[{ account: me, cumulativeAmount: amount, proof }]]),
      );
      await expect(rewards.claimMany([{ account: me, cumulativeAmount: amount, proof }])).to.not.emit(
        rewards,
        "Claimed",
      );
      expect(await token.balanceOf(me)).to.equal(10_400n * E18);
      expect(await rewards.claimed(me)).to.equal(400n * E18);
      expect(await rewards.totalClaimed()).to.equal(400n * E18);
      expect(await token.balanceOf(await rewards.getAddress())).to.equal(600n * E18);
    });

    it("withdrawBondCredit and reclaimBond re-entered from the receiver's hook fail and pay each bond once", async function () {
      const f = await loadFixture(hookFixture);
      const { token, datanets, attacker, v1, v2 } = f;
      const registry = datanets.interface;
      const me = await attacker.getAddress();
      const datanetId = await createDatanet(f);
      await approveAll(attacker, token, datanets);
      const submit = async (content: string) => {
        const salt = ethers.id(`salt ${content}`);
        const commitment = await datanets.commitmentOf(me, datanetId, content, salt);
        await as(attacker, datanets, registry.encodeFunctionData("commit", [commitment]));
        const request = { datanetId, contentHash: content, size: 1_000n, termsVersion: 1n, maxBond: E18, salt };
        await as(attacker, datanets, registry.encodeFunctionData("submit", [request, "ipfs://x"]));
      };
      await submit(ethers.id("accepted"));
      await datanets.connect(v1).vote(datanetId, ethers.id("accepted"), true);
      await datanets.connect(v2).vote(datanetId, ethers.id("accepted"), true);
      expect(await datanets.bondCredit(me)).to.equal(E18);
      await arm(attacker, datanets, registry.encodeFunctionData("withdrawBondCredit", [me, E18]));
      await as(attacker, datanets, registry.encodeFunctionData("withdrawBondCredit", [me, E18]));
      expect(await reentryError(attacker, datanets)).to.equal("DatanetInsufficientBalance");
      await submit(ethers.id("expired"));
      await time.increase(2n * DAY);
      await arm(attacker, datanets, registry.encodeFunctionData("reclaimBond", [datanetId, ethers.id("expired")]));
      await datanets.reclaimBond(datanetId, ethers.id("expired"));
      expect(await reentryError(attacker, datanets)).to.equal("DatanetContributionNotPending");
      expect(await token.balanceOf(me)).to.equal(10_000n * E18);
      expect(await token.balanceOf(await datanets.getAddress())).to.equal(0n);
      expect(await datanets.bondCredit(me)).to.equal(0n);
    });
    it("settle re-entered from the payer's hook, before its fee moves, settles twice and each fee is paid and shared once, to the wei", async function () {
      const f = await loadFixture(hookFixture);
      const { token, settlement, staking, rewards, attacker, deployer, bob } = f;
      await registerModel(f, bob.address);
      const me = await attacker.getAddress();
      await approveAll(attacker, token, settlement);
      const holders = [me, deployer.address, bob.address, await staking.getAddress(), await rewards.getAddress()];
      const before = await Promise.all(holders.map((h) => token.balanceOf(h)));
      const settle = (calls: bigint) =>
        settlement.interface.encodeFunctionData("settle", [1n, calls, ethers.MaxUint256, ethers.id("log"), ""]);
      await arm(attacker, settlement, settle(3n), true);
      await as(attacker, settlement, settle(7n));
      expect(await attacker.reentrySucceeded()).to.equal(true);
      const ledger = await settlement.epochLedger(1n);
      expect([ledger.settlements, ledger.calls, ledger.fees]).to.deep.equal([2n, 10n, 10n * E18]);
      // The default split of 10 tokens: 10% to the treasury (the deployer), 20% to the model, 20% to the stakers,
      // 50% to the contributors; the settlement keeps nothing.
      const after = await Promise.all(holders.map((h) => token.balanceOf(h)));
      expect(after.map((b, i) => b - before[i])).to.deep.equal([-10n * E18, E18, 2n * E18, 2n * E18, 5n * E18]);
      expect(await token.balanceOf(await settlement.getAddress())).to.equal(0n);
      expect(await rewards.totalFunded()).to.equal(5n * E18);
    });

    it("withdrawTreasury re-entered from the receiver's hook fails with DatanetInsufficientBalance; the treasury pays once", async function () {
      const { token, datanets, attacker, alice, v1, v2, v3 } = await loadFixture(hookFixture);
      const registry = datanets.interface;
      const me = await attacker.getAddress();
      await as(
        attacker,
        datanets,
        registry.encodeFunctionData("createDatanet", [
          "ipfs://d",
          defaultPolicy(),
          [v1.address, v2.address, v3.address],
        ]),
      );
      await token.transfer(alice.address, 10n * E18);
      await token.connect(alice).approve(await datanets.getAddress(), ethers.MaxUint256);
      await submitContribution(datanets, alice, 1n, ethers.id("spam"));
      await datanets.connect(v1).vote(1n, ethers.id("spam"), false);
      await datanets.connect(v2).vote(1n, ethers.id("spam"), false);
      expect(await datanets.treasuryBalance(1n)).to.equal(E18);
      const withdraw = registry.encodeFunctionData("withdrawTreasury", [1n, me, E18]);
      await arm(attacker, datanets, withdraw);
      await as(attacker, datanets, withdraw);
      expect(await reentryError(attacker, datanets)).to.equal("DatanetInsufficientBalance");
      expect(await token.balanceOf(me)).to.equal(10_001n * E18);
      expect(await datanets.treasuryBalance(1n)).to.equal(0n);
      expect(await token.balanceOf(await datanets.getAddress())).to.equal(0n);
    });

    it("fund re-entered from the funder's hook, before its tokens move, credits each funding once, to the wei", async function () {
      const { token, rewards, attacker } = await loadFixture(hookFixture);
      await approveAll(attacker, token, rewards);
      await arm(attacker, rewards, rewards.interface.encodeFunctionData("fund", [200n * E18]), true);
      await as(attacker, rewards, rewards.interface.encodeFunctionData("fund", [300n * E18]));
      expect(await attacker.reentrySucceeded()).to.equal(true);
      expect(await rewards.totalFunded()).to.equal(500n * E18);
      expect(await token.balanceOf(await rewards.getAddress())).to.equal(500n * E18);
      expect(await token.balanceOf(await attacker.getAddress())).to.equal(9_500n * E18);
    });
  });
});
