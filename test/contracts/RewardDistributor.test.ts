import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { MerkleTree } from "merkletreejs";
import { EpochClock__factory, IRewardDistributor__factory, RewardDistributor__factory } from "../../typechain-types";
import type { RewardRootStructOutput } from "../../typechain-types/contracts/RewardDistributor";
import { deployProtocol } from "../../deploy/protocol";
import { DEFAULT_EPOCH_LENGTH, deployEpochClock } from "../../deploy/settlement";
import { CHALLENGE_WINDOW, ENDED_EPOCHS, rewardsFixture } from "../fixtures/protocol";
import { unassertedErrorsAndEvents } from "../helpers/completeness";
import { rejection } from "../helpers/rejection";
import { entryOf, foldProof, hashPair, leafOf, rewardTree, totalOf } from "../helpers/rewards";
import type { RewardTree } from "../helpers/rewards";

const E18 = 10n ** 18n;
const MAX_WINDOW = 2n ** 32n - 1n;

function reportHash(epoch: bigint): string {
  return ethers.id(`report of epoch ${epoch}`);
}

function reportURI(epoch: bigint): string {
  return `ipfs://report-${epoch}`;
}

/** A root as a plain object, so that stored and expected roots compare with deep equality. */
function plain(r: RewardRootStructOutput) {
  return { root: r.root, total: r.total, epoch: r.epoch, validAt: r.validAt, reportHash: r.reportHash };
}

const NO_ROOT = { root: ethers.ZeroHash, total: 0n, epoch: 0n, validAt: 0n, reportHash: ethers.ZeroHash };

/** alice lowered to 6 OPEN (below the 10 she claims from the first tree), bob raised to 24: the total stays 65. */
function loweredTree(...[alice, bob, carol, dave]: { address: string }[]) {
  return rewardTree([
    [alice.address, 6n * E18],
    [bob.address, 24n * E18],
    [carol.address, 30n * E18],
    [dave.address, 5n * E18],
  ]);
}

async function deploy() {
  const f = await loadFixture(rewardsFixture);
  const { rewards, open, funder, attestor, alice, bob, carol, dave, erin } = f;
  const distributor = await rewards.getAddress();
  const ATTESTOR_ROLE = await rewards.ATTESTOR_ROLE();
  const GUARDIAN_ROLE = await rewards.GUARDIAN_ROLE();
  const ADMIN_ROLE = await rewards.DEFAULT_ADMIN_ROLE();

  /** Epoch 1: four accounts, 65 OPEN in all. */
  const tree1 = rewardTree([
    [alice.address, 10n * E18],
    [bob.address, 20n * E18],
    [carol.address, 30n * E18],
    [dave.address, 5n * E18],
  ]);
  /** Epoch 2: alice and carol earned more, bob and dave nothing new, erin joined; 92 OPEN in all. */
  const tree2 = rewardTree([
    [alice.address, 15n * E18],
    [bob.address, 20n * E18],
    [carol.address, 45n * E18],
    [dave.address, 5n * E18],
    [erin.address, 7n * E18],
  ]);

  function propose(tree: RewardTree | string, epoch: bigint, total = typeof tree === "string" ? 0n : totalOf(tree)) {
    const root = typeof tree === "string" ? tree : tree.root;
    return rewards.connect(attestor).proposeRoot(root, total, epoch, reportHash(epoch), reportURI(epoch));
  }

  /** Funds what the tree needs beyond the funding so far, proposes it, waits out the window and accepts it. */
  async function publish(tree: RewardTree, epoch: bigint, total = totalOf(tree)) {
    const funded = await rewards.totalFunded();
    if (funded < total) await rewards.connect(funder).fund(total - funded);
    await propose(tree, epoch, total);
    await time.increase(CHALLENGE_WINDOW);
    await rewards.acceptRoot();
  }

  function claim(tree: RewardTree, who: HardhatEthersSigner, caller: HardhatEthersSigner = who) {
    const { amount, proof } = entryOf(tree, who.address);
    return rewards.connect(caller).claim(who.address, amount, proof);
  }

  function request(tree: RewardTree, who: HardhatEthersSigner) {
    const { amount, proof } = entryOf(tree, who.address);
    return { account: who.address, cumulativeAmount: amount, proof };
  }

  /** OPEN conservation, with no direct transfers to the distributor: it holds what was funded and not yet paid. */
  async function expectConserved() {
    expect(await open.balanceOf(distributor)).to.equal((await rewards.totalFunded()) - (await rewards.totalClaimed()));
  }

  return {
    ...f,
    distributor,
    ATTESTOR_ROLE,
    GUARDIAN_ROLE,
    ADMIN_ROLE,
    tree1,
    tree2,
    propose,
    publish,
    claim,
    request,
    expectConserved,
  };
}

describe("RewardDistributor", function () {
  describe("deployment", function () {
    it("exposes the reward token, the clock, the roles, the challenge window and empty roots", async function () {
      const f = await deploy();
      const { rewards, open, clock, admin, attestor, guardian, deployer } = f;
      expect(await rewards.REWARD_TOKEN()).to.equal(await open.getAddress());
      expect(await rewards.CLOCK()).to.equal(await clock.getAddress());
      expect(f.ATTESTOR_ROLE).to.equal(ethers.id("ATTESTOR_ROLE"));
      expect(f.GUARDIAN_ROLE).to.equal(ethers.id("GUARDIAN_ROLE"));
      expect(await rewards.hasRole(f.ADMIN_ROLE, admin.address)).to.equal(true);
      expect(await rewards.hasRole(f.ATTESTOR_ROLE, attestor.address)).to.equal(true);
      expect(await rewards.hasRole(f.GUARDIAN_ROLE, guardian.address)).to.equal(true);
      // The deployer only deploys: the roles went where the options said.
      expect(await rewards.hasRole(f.ADMIN_ROLE, deployer.address)).to.equal(false);
      expect(await rewards.challengeWindow()).to.equal(CHALLENGE_WINDOW);
      expect(plain(await rewards.currentRoot())).to.deep.equal(NO_ROOT);
      // The constructor fills the pending slots with placeholders to save gas; they must not show.
      expect(plain(await rewards.pendingRoot())).to.deep.equal(NO_ROOT);
      expect(await rewards.totalFunded()).to.equal(0n);
      expect(await rewards.totalClaimed()).to.equal(0n);
    });

    it("emits ChallengeWindowSet and a RoleGranted per role", async function () {
      const { open, clock, admin, attestor, guardian, deployer } = await deploy();
      const factory = new RewardDistributor__factory(deployer);
      const rewards = await factory.deploy(open, clock, admin.address, attestor.address, guardian.address, 3_600n);
      const tx = rewards.deploymentTransaction()!;
      await expect(tx).to.emit(rewards, "ChallengeWindowSet").withArgs(3_600n);
      await expect(tx)
        .to.emit(rewards, "RoleGranted")
        .withArgs(ethers.ZeroHash, admin.address, deployer.address)
        .and.to.emit(rewards, "RoleGranted")
        .withArgs(ethers.id("ATTESTOR_ROLE"), attestor.address, deployer.address)
        .and.to.emit(rewards, "RoleGranted")
        .withArgs(ethers.id("GUARDIAN_ROLE"), guardian.address, deployer.address);
    });

    it("reverts with RewardsInvalidAmount for a zero token, clock, admin, attestor or guardian", async function () {
      const { open, clock, admin, attestor, guardian, deployer } = await deploy();
      const factory = new RewardDistributor__factory(deployer);
      const token = await open.getAddress();
      const epochs = await clock.getAddress();
      const zero = ethers.ZeroAddress;
      const args: [string, string, string, string, string][] = [
        [zero, epochs, admin.address, attestor.address, guardian.address],
        [token, zero, admin.address, attestor.address, guardian.address],
        [token, epochs, zero, attestor.address, guardian.address],
        [token, epochs, admin.address, zero, guardian.address],
        [token, epochs, admin.address, attestor.address, zero],
      ];
      for (const [t, c, a, at, g] of args) {
        await expect(factory.deploy(t, c, a, at, g, CHALLENGE_WINDOW))
          .to.be.revertedWithCustomError(factory, "RewardsInvalidAmount")
          .withArgs();
      }
    });

    it("reverts with RewardsInvalidChallengeWindow for a zero window or one above 2^32 - 1", async function () {
      const { open, clock, admin, attestor, guardian, deployer } = await deploy();
      const factory = new RewardDistributor__factory(deployer);
      for (const window of [0n, MAX_WINDOW + 1n]) {
        await expect(factory.deploy(open, clock, admin.address, attestor.address, guardian.address, window))
          .to.be.revertedWithCustomError(factory, "RewardsInvalidChallengeWindow")
          .withArgs(window);
      }
    });
  });

  describe("deployment with deployProtocol", function () {
    it("refuses one key as both attestor and guardian before deploying anything, and says why", async function () {
      const { deployer, attestor } = await deploy();
      const nonce = await ethers.provider.getTransactionCount(deployer.address);
      for (const options of [{}, { attestor: attestor.address.toLowerCase(), guardian: attestor.address }]) {
        const error = await rejection(deployProtocol(deployer, options), Error);
        expect(error.message)
          .to.contain("the attestor and the guardian are the same key")
          .and.contain("one key could propose a wrong root and never revoke it")
          .and.contain("allowSameKey: true");
      }
      expect(await ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
    });

    it("deploys with one key for both roles when allowSameKey is set", async function () {
      const { deployer } = await deploy();
      const { rewards } = await deployProtocol(deployer, { allowSameKey: true });
      expect(await rewards.hasRole(await rewards.ATTESTOR_ROLE(), deployer.address)).to.equal(true);
      expect(await rewards.hasRole(await rewards.GUARDIAN_ROLE(), deployer.address)).to.equal(true);
    });

    it("deploys the clock first and gives it to the distributor", async function () {
      const { deployer, attestor } = await deploy();
      const { rewards, clock, settlement } = await deployProtocol(deployer, { attestor: attestor.address });
      expect(await rewards.CLOCK()).to.equal(await clock.getAddress());
      expect(await settlement.CLOCK()).to.equal(await clock.getAddress());
    });
  });

  describe("fund", function () {
    it("pulls OPEN from the caller and emits Funded with the running total", async function () {
      const { rewards, open, funder, distributor, expectConserved } = await deploy();
      await expect(rewards.connect(funder).fund(40n * E18)).to.changeTokenBalances(
        open,
        [funder.address, distributor],
        [-40n * E18, 40n * E18],
      );
      await expect(rewards.connect(funder).fund(2n * E18))
        .to.emit(rewards, "Funded")
        .withArgs(funder.address, 2n * E18, 42n * E18);
      expect(await rewards.totalFunded()).to.equal(42n * E18);
      await expectConserved();
    });

    it("reverts with RewardsInvalidAmount for zero", async function () {
      const { rewards, funder } = await deploy();
      await expect(rewards.connect(funder).fund(0n)).to.be.revertedWithCustomError(rewards, "RewardsInvalidAmount");
    });

    it("reverts with the token's ERC20InsufficientAllowance without an allowance", async function () {
      const { rewards, open, alice, distributor } = await deploy();
      await expect(rewards.connect(alice).fund(1n))
        .to.be.revertedWithCustomError(open, "ERC20InsufficientAllowance")
        .withArgs(distributor, 0n, 1n);
    });

    it("does not count OPEN sent directly to the distributor as funding", async function () {
      const { rewards, open, funder, distributor, propose, tree1 } = await deploy();
      await open.connect(funder).transfer(distributor, totalOf(tree1));
      expect(await rewards.totalFunded()).to.equal(0n);
      await expect(propose(tree1, 1n))
        .to.be.revertedWithCustomError(rewards, "RewardsInsufficientFunding")
        .withArgs(totalOf(tree1), 0n);
    });
  });

  describe("proposeRoot", function () {
    it("stores the pending root with validAt = now + window and emits RootProposed with the report URI", async function () {
      const { rewards, funder, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(100n * E18);
      const total = totalOf(tree1);
      const proposedAt = BigInt(await time.latest()) + 10n;
      const validAt = proposedAt + CHALLENGE_WINDOW;
      await time.setNextBlockTimestamp(proposedAt);
      await expect(propose(tree1, 1n))
        .to.emit(rewards, "RootProposed")
        .withArgs(1n, tree1.root, total, reportHash(1n), reportURI(1n), validAt);
      expect(plain(await rewards.pendingRoot())).to.deep.equal({
        root: tree1.root,
        total,
        epoch: 1n,
        validAt,
        reportHash: reportHash(1n),
      });
      // Proposing changes nothing that claims read.
      expect(plain(await rewards.currentRoot())).to.deep.equal(NO_ROOT);
    });

    it("accepts a total equal to the funded OPEN and to the current root's total", async function () {
      const { rewards, funder, propose, publish, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await publish(tree1, 1n);
      // Same total, other root: a correction that moves rewards between accounts.
      await expect(propose(ethers.id("another root"), 2n, totalOf(tree1))).to.emit(rewards, "RootProposed");
    });

    it("reverts with AccessControlUnauthorizedAccount for anyone but the attestor", async function () {
      const { rewards, admin, guardian, outsider, funder, ATTESTOR_ROLE, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      for (const caller of [admin, guardian, outsider]) {
        await expect(rewards.connect(caller).proposeRoot(tree1.root, totalOf(tree1), 1n, reportHash(1n), "u"))
          .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ATTESTOR_ROLE);
      }
    });

    it("reverts with RewardsPendingRootExists while a root is pending", async function () {
      const { rewards, funder, propose, tree1, tree2 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree2));
      await propose(tree1, 1n);
      await expect(propose(tree2, 2n))
        .to.be.revertedWithCustomError(rewards, "RewardsPendingRootExists")
        .withArgs(1n, tree1.root);
      // Still pending after its window: it must be accepted (or revoked) first.
      await time.increase(CHALLENGE_WINDOW);
      await expect(propose(tree2, 2n))
        .to.be.revertedWithCustomError(rewards, "RewardsPendingRootExists")
        .withArgs(1n, tree1.root);
    });

    it("reverts with RewardsInvalidRoot for a zero root", async function () {
      const { rewards, propose } = await deploy();
      await expect(propose(ethers.ZeroHash, 1n))
        .to.be.revertedWithCustomError(rewards, "RewardsInvalidRoot")
        .withArgs();
    });

    it("reverts with RewardsEpochNotIncreasing for epoch 0 and for an epoch not above the current root's", async function () {
      const { rewards, propose, publish, tree1, tree2 } = await deploy();
      await expect(propose(tree1, 0n))
        .to.be.revertedWithCustomError(rewards, "RewardsEpochNotIncreasing")
        .withArgs(0n, 0n);
      await publish(tree1, 5n);
      for (const epoch of [5n, 4n]) {
        await expect(propose(tree2, epoch, totalOf(tree1)))
          .to.be.revertedWithCustomError(rewards, "RewardsEpochNotIncreasing")
          .withArgs(epoch, 5n);
      }
    });

    it("reverts with RewardsTotalDecreased for a total below the current root's", async function () {
      const { rewards, propose, publish, tree1, tree2 } = await deploy();
      await publish(tree2, 1n);
      await expect(propose(tree1, 2n))
        .to.be.revertedWithCustomError(rewards, "RewardsTotalDecreased")
        .withArgs(totalOf(tree1), totalOf(tree2));
    });

    it("reverts with RewardsInsufficientFunding for a total above the funded OPEN", async function () {
      const { rewards, funder, propose, tree1 } = await deploy();
      const total = totalOf(tree1);
      await rewards.connect(funder).fund(total - 1n);
      await expect(propose(tree1, 1n))
        .to.be.revertedWithCustomError(rewards, "RewardsInsufficientFunding")
        .withArgs(total, total - 1n);
      await rewards.connect(funder).fund(1n);
      await expect(propose(tree1, 1n)).to.emit(rewards, "RootProposed");
    });
  });

  describe("proposeRoot and the epoch clock", function () {
    it("reverts with RewardsEpochNotEnded for the running epoch, a later one and 2^64 - 1", async function () {
      const { rewards, clock, funder, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      const running = ENDED_EPOCHS + 1n;
      expect(await clock.currentEpoch()).to.equal(running);
      for (const epoch of [running, running + 1n, 2n ** 64n - 1n]) {
        await expect(propose(tree1, epoch))
          .to.be.revertedWithCustomError(rewards, "RewardsEpochNotEnded")
          .withArgs(epoch, running);
      }
      await expect(propose(tree1, ENDED_EPOCHS)).to.emit(rewards, "RootProposed");
    });

    it("accepts the running epoch from the first second of the next", async function () {
      const { rewards, clock, funder, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      const running = ENDED_EPOCHS + 1n;
      const end = await clock.epochStart(running + 1n);
      await time.setNextBlockTimestamp(end - 1n);
      await expect(propose(tree1, running))
        .to.be.revertedWithCustomError(rewards, "RewardsEpochNotEnded")
        .withArgs(running, running);
      await time.setNextBlockTimestamp(end);
      await expect(propose(tree1, running)).to.emit(rewards, "RootProposed");
    });

    it("lets the clock's EpochBeforeGenesis through before epoch 1 has begun", async function () {
      const { open, admin, attestor, guardian, deployer } = await deploy();
      const genesis = BigInt(await time.latest()) + 3_600n;
      const clock = await deployEpochClock(deployer, { genesis, length: DEFAULT_EPOCH_LENGTH });
      const early = await new RewardDistributor__factory(deployer).deploy(
        open,
        clock,
        admin.address,
        attestor.address,
        guardian.address,
        CHALLENGE_WINDOW,
      );
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      await expect(early.connect(attestor).proposeRoot(ethers.id("root"), 0n, 1n, reportHash(1n), "u"))
        .to.be.revertedWithCustomError(new EpochClock__factory(), "EpochBeforeGenesis")
        .withArgs(now, genesis);
    });
  });

  describe("revokePendingRoot", function () {
    it("drops the pending root and emits RootRevoked with the guardian", async function () {
      const { rewards, funder, guardian, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      await expect(rewards.connect(guardian).revokePendingRoot())
        .to.emit(rewards, "RootRevoked")
        .withArgs(1n, tree1.root, guardian.address);
      expect(plain(await rewards.pendingRoot())).to.deep.equal(NO_ROOT);
      await time.increase(CHALLENGE_WINDOW);
      await expect(rewards.acceptRoot()).to.be.revertedWithCustomError(rewards, "RewardsNoPendingRoot").withArgs();
    });

    it("lets the attestor propose a corrected root for the same epoch after a revocation", async function () {
      const { rewards, guardian, propose, publish, tree1, tree2 } = await deploy();
      await publish(tree1, 1n);
      await propose(ethers.id("wrong root"), 2n, totalOf(tree1));
      await rewards.connect(guardian).revokePendingRoot();
      await publish(tree2, 2n);
      expect((await rewards.currentRoot()).root).to.equal(tree2.root);
    });

    it("keeps the current root claimable", async function () {
      const { rewards, funder, guardian, alice, propose, publish, claim, tree1, tree2 } = await deploy();
      await publish(tree1, 1n);
      await rewards.connect(funder).fund(totalOf(tree2));
      await propose(tree2, 2n);
      await rewards.connect(guardian).revokePendingRoot();
      await expect(claim(tree1, alice))
        .to.emit(rewards, "Claimed")
        .withArgs(alice.address, 1n, 10n * E18, 10n * E18);
    });

    it("reverts with RewardsNoPendingRoot when nothing is pending, including after an acceptance", async function () {
      const { rewards, guardian, publish, tree1 } = await deploy();
      await expect(rewards.connect(guardian).revokePendingRoot())
        .to.be.revertedWithCustomError(rewards, "RewardsNoPendingRoot")
        .withArgs();
      await publish(tree1, 1n);
      await expect(rewards.connect(guardian).revokePendingRoot())
        .to.be.revertedWithCustomError(rewards, "RewardsNoPendingRoot")
        .withArgs();
    });

    it("revokes in the last second of the challenge window", async function () {
      const { rewards, funder, guardian, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      const { validAt } = await rewards.pendingRoot();
      await time.setNextBlockTimestamp(validAt - 1n);
      await expect(rewards.connect(guardian).revokePendingRoot()).to.emit(rewards, "RootRevoked");
    });

    it("reverts with RewardsChallengeWindowClosed from validAt on, when the root can be accepted", async function () {
      const { rewards, funder, guardian, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      const { validAt } = await rewards.pendingRoot();
      for (const at of [validAt, validAt + 30n * CHALLENGE_WINDOW]) {
        await time.setNextBlockTimestamp(at);
        await expect(rewards.connect(guardian).revokePendingRoot())
          .to.be.revertedWithCustomError(rewards, "RewardsChallengeWindowClosed")
          .withArgs(validAt);
      }
      await expect(rewards.acceptRoot()).to.emit(rewards, "RootAccepted");
    });

    it("reverts with AccessControlUnauthorizedAccount for anyone but the guardian", async function () {
      const { rewards, funder, admin, attestor, outsider, GUARDIAN_ROLE, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      for (const caller of [admin, attestor, outsider]) {
        await expect(rewards.connect(caller).revokePendingRoot())
          .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, GUARDIAN_ROLE);
      }
    });
  });

  describe("acceptRoot", function () {
    it("makes the pending root current at validAt, for anyone, and emits RootAccepted", async function () {
      const { rewards, funder, outsider, propose, tree1 } = await deploy();
      const total = totalOf(tree1);
      await rewards.connect(funder).fund(total);
      await propose(tree1, 1n);
      const { validAt } = await rewards.pendingRoot();
      await time.setNextBlockTimestamp(validAt);
      await expect(rewards.connect(outsider).acceptRoot())
        .to.emit(rewards, "RootAccepted")
        .withArgs(1n, tree1.root, total, reportHash(1n));
      // The current root's validAt is the time it was accepted.
      expect(plain(await rewards.currentRoot())).to.deep.equal({
        root: tree1.root,
        total,
        epoch: 1n,
        validAt,
        reportHash: reportHash(1n),
      });
      expect(plain(await rewards.pendingRoot())).to.deep.equal(NO_ROOT);
    });

    it("records the acceptance time, not validAt, when accepted late", async function () {
      const { rewards, funder, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      const { validAt } = await rewards.pendingRoot();
      await time.setNextBlockTimestamp(validAt + 500n);
      await rewards.acceptRoot();
      expect((await rewards.currentRoot()).validAt).to.equal(validAt + 500n);
    });

    it("reverts with RewardsRootNotYetValid one second before validAt", async function () {
      const { rewards, funder, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      const { validAt } = await rewards.pendingRoot();
      await time.setNextBlockTimestamp(validAt - 1n);
      await expect(rewards.acceptRoot())
        .to.be.revertedWithCustomError(rewards, "RewardsRootNotYetValid")
        .withArgs(validAt);
    });

    it("reverts with RewardsNoPendingRoot when nothing is pending, including a second acceptance", async function () {
      const { rewards, publish, tree1 } = await deploy();
      await expect(rewards.acceptRoot()).to.be.revertedWithCustomError(rewards, "RewardsNoPendingRoot");
      await publish(tree1, 1n);
      await expect(rewards.acceptRoot()).to.be.revertedWithCustomError(rewards, "RewardsNoPendingRoot");
    });
  });

  describe("setChallengeWindow", function () {
    it("sets the window for later proposals and emits ChallengeWindowSet", async function () {
      const { rewards, admin, funder, propose, tree1 } = await deploy();
      await expect(rewards.connect(admin).setChallengeWindow(3_600n))
        .to.emit(rewards, "ChallengeWindowSet")
        .withArgs(3_600n);
      expect(await rewards.challengeWindow()).to.equal(3_600n);
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      expect((await rewards.pendingRoot()).validAt).to.equal(BigInt(await time.latest()) + 3_600n);
    });

    it("accepts 1 and 2^32 - 1 and reverts with RewardsInvalidChallengeWindow for 0 and 2^32", async function () {
      const { rewards, admin } = await deploy();
      for (const window of [1n, MAX_WINDOW]) {
        await rewards.connect(admin).setChallengeWindow(window);
        expect(await rewards.challengeWindow()).to.equal(window);
      }
      for (const window of [0n, MAX_WINDOW + 1n, ethers.MaxUint256]) {
        await expect(rewards.connect(admin).setChallengeWindow(window))
          .to.be.revertedWithCustomError(rewards, "RewardsInvalidChallengeWindow")
          .withArgs(window);
      }
    });

    it("reverts with AccessControlUnauthorizedAccount for anyone but the admin", async function () {
      const { rewards, attestor, guardian, outsider, ADMIN_ROLE } = await deploy();
      for (const caller of [attestor, guardian, outsider]) {
        await expect(rewards.connect(caller).setChallengeWindow(1n))
          .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ADMIN_ROLE);
      }
    });

    it("does not shorten a pending root's wait", async function () {
      const { rewards, admin, funder, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      const { validAt } = await rewards.pendingRoot();
      await rewards.connect(admin).setChallengeWindow(1n);
      await time.increase(10n);
      await expect(rewards.acceptRoot())
        .to.be.revertedWithCustomError(rewards, "RewardsRootNotYetValid")
        .withArgs(validAt);
      expect((await rewards.pendingRoot()).validAt).to.equal(validAt);
      await time.setNextBlockTimestamp(validAt);
      await expect(rewards.acceptRoot()).to.emit(rewards, "RootAccepted");
    });

    it("does not lengthen a pending root's wait", async function () {
      const { rewards, admin, funder, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      const { validAt } = await rewards.pendingRoot();
      await rewards.connect(admin).setChallengeWindow(30n * CHALLENGE_WINDOW);
      await time.setNextBlockTimestamp(validAt);
      await expect(rewards.acceptRoot()).to.emit(rewards, "RootAccepted");
    });
  });

  describe("roles", function () {
    it("lets the admin hand the attestor role to another account", async function () {
      const { rewards, admin, attestor, bob, funder, ATTESTOR_ROLE, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await rewards.connect(admin).grantRole(ATTESTOR_ROLE, bob.address);
      await rewards.connect(admin).revokeRole(ATTESTOR_ROLE, attestor.address);
      await expect(rewards.connect(attestor).proposeRoot(tree1.root, totalOf(tree1), 1n, reportHash(1n), "u"))
        .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
        .withArgs(attestor.address, ATTESTOR_ROLE);
      await expect(rewards.connect(bob).proposeRoot(tree1.root, totalOf(tree1), 1n, reportHash(1n), "u")).to.emit(
        rewards,
        "RootProposed",
      );
    });

    it("reverts with AccessControlUnauthorizedAccount when anyone but the admin grants a role", async function () {
      const { rewards, attestor, guardian, outsider, ADMIN_ROLE, GUARDIAN_ROLE } = await deploy();
      for (const caller of [attestor, guardian, outsider]) {
        await expect(rewards.connect(caller).grantRole(GUARDIAN_ROLE, caller.address))
          .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ADMIN_ROLE);
      }
    });
  });

  describe("claim", function () {
    it("pays the cumulative amount on the first claim and emits Claimed", async function () {
      const { rewards, open, alice, distributor, publish, claim, tree1, expectConserved } = await deploy();
      await publish(tree1, 1n);
      const tx = claim(tree1, alice);
      await expect(tx).to.changeTokenBalances(open, [alice.address, distributor], [10n * E18, -10n * E18]);
      await expect(tx)
        .to.emit(rewards, "Claimed")
        .withArgs(alice.address, 1n, 10n * E18, 10n * E18);
      expect(await rewards.claimed(alice.address)).to.equal(10n * E18);
      expect(await rewards.totalClaimed()).to.equal(10n * E18);
      await expectConserved();
    });

    it("pays only the difference to what was claimed once a root raises the cumulative amount", async function () {
      const { rewards, open, alice, carol, publish, claim, tree1, tree2, expectConserved } = await deploy();
      await publish(tree1, 1n);
      await claim(tree1, alice);
      await publish(tree2, 2n);
      await expect(claim(tree2, alice)).to.changeTokenBalance(open, alice, 5n * E18);
      // carol skipped epoch 1: she collects both epochs at once, with her epoch-2 proof alone.
      await expect(claim(tree2, carol))
        .to.emit(rewards, "Claimed")
        .withArgs(carol.address, 2n, 45n * E18, 45n * E18);
      expect(await rewards.claimed(alice.address)).to.equal(15n * E18);
      expect(await rewards.totalClaimed()).to.equal(60n * E18);
      await expectConserved();
    });

    it("sends the tokens to the account whoever calls, and returns the amount paid", async function () {
      const { rewards, open, bob, relayer, publish, claim, tree1 } = await deploy();
      await publish(tree1, 1n);
      const { amount, proof } = entryOf(tree1, bob.address);
      expect(await rewards.connect(relayer).claim.staticCall(bob.address, amount, proof)).to.equal(amount);
      await expect(claim(tree1, bob, relayer)).to.changeTokenBalances(open, [bob, relayer], [amount, 0n]);
    });

    it("reverts with RewardsNoRoot before any root is accepted, even with one pending", async function () {
      const { rewards, funder, alice, propose, claim, tree1 } = await deploy();
      await expect(claim(tree1, alice)).to.be.revertedWithCustomError(rewards, "RewardsNoRoot").withArgs();
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      await time.increase(CHALLENGE_WINDOW);
      await expect(claim(tree1, alice)).to.be.revertedWithCustomError(rewards, "RewardsNoRoot").withArgs();
    });

    it("reverts with RewardsNothingToClaim when the account claims twice against the same root", async function () {
      const { rewards, alice, publish, claim, tree1 } = await deploy();
      await publish(tree1, 1n);
      await claim(tree1, alice);
      await expect(claim(tree1, alice))
        .to.be.revertedWithCustomError(rewards, "RewardsNothingToClaim")
        .withArgs(alice.address, 10n * E18);
    });

    it("reverts with RewardsNothingToClaim when a root lowers the account's amount below what it claimed", async function () {
      const { rewards, alice, bob, carol, dave, publish, claim, tree1 } = await deploy();
      await publish(tree1, 1n);
      await claim(tree1, alice);
      // A root that moves 4 OPEN from alice (who already took her 10) to bob; its total does not decrease.
      const lowered = loweredTree(alice, bob, carol, dave);
      await publish(lowered, 2n);
      await expect(claim(lowered, alice))
        .to.be.revertedWithCustomError(rewards, "RewardsNothingToClaim")
        .withArgs(alice.address, 6n * E18);
      expect(await rewards.claimed(alice.address)).to.equal(10n * E18);
    });

    it("reverts with RewardsRootTotalExceeded before others' claims pass the total of a root that lowered one account", async function () {
      const { rewards, open, funder, alice, bob, carol, dave, distributor, publish, claim, tree1, expectConserved } =
        await deploy();
      await publish(tree1, 1n);
      // OPEN funded for later epochs: what an over-total claim would take.
      await rewards.connect(funder).fund(100n * E18);
      await claim(tree1, alice);
      // alice took her 10 but the next root gives her 6, moving 4 to bob; its total (65) does not decrease. Paying
      // everyone else in full would take the claimed total to 10 + 24 + 30 + 5 = 69, above 65.
      const lowered = loweredTree(alice, bob, carol, dave);
      await publish(lowered, 2n);
      expect((await rewards.currentRoot()).total).to.equal(65n * E18);
      await claim(lowered, bob);
      await claim(lowered, carol);
      expect(await rewards.totalClaimed()).to.equal(64n * E18);
      await expect(claim(lowered, dave))
        .to.be.revertedWithCustomError(rewards, "RewardsRootTotalExceeded")
        .withArgs(69n * E18, 65n * E18);
      expect(await rewards.claimed(dave.address)).to.equal(0n);
      expect(await rewards.totalClaimed()).to.equal(64n * E18);
      expect(await open.balanceOf(distributor)).to.equal(165n * E18 - 64n * E18);
      await expectConserved();

      // A root whose total covers every leaf and every earlier claim pays dave.
      const fixed = rewardTree([
        [alice.address, 10n * E18],
        [bob.address, 24n * E18],
        [carol.address, 30n * E18],
        [dave.address, 5n * E18],
      ]);
      await publish(fixed, 3n);
      await expect(claim(fixed, dave))
        .to.emit(rewards, "Claimed")
        .withArgs(dave.address, 3n, 5n * E18, 5n * E18);
      expect(await rewards.totalClaimed()).to.equal(69n * E18);
      expect((await rewards.currentRoot()).total).to.equal(69n * E18);
      await expectConserved();
    });

    it("reverts with RewardsRootTotalExceeded when a root's total understates its leaves", async function () {
      const { rewards, funder, alice, bob, carol, dave, publish, claim, tree1 } = await deploy();
      await rewards.connect(funder).fund(1_000n * E18);
      // tree1's leaves add up to 65 but the root states 60: the first 60 are paid, the claim past them is refused.
      await publish(tree1, 1n, 60n * E18);
      for (const who of [alice, bob, carol]) await claim(tree1, who);
      await expect(claim(tree1, dave))
        .to.be.revertedWithCustomError(rewards, "RewardsRootTotalExceeded")
        .withArgs(65n * E18, 60n * E18);
      // A leaf of 2^256 - 1: the claimed total it would reach is reported as 2^256 - 1 (no overflow panic).
      const absurd = rewardTree([
        [alice.address, ethers.MaxUint256],
        [dave.address, 5n * E18],
      ]);
      await publish(absurd, 2n, 60n * E18);
      await expect(claim(absurd, alice))
        .to.be.revertedWithCustomError(rewards, "RewardsRootTotalExceeded")
        .withArgs(ethers.MaxUint256, 60n * E18);
      expect(await rewards.totalClaimed()).to.equal(60n * E18);
    });

    it("reverts with RewardsInvalidProof for a wrong amount, a truncated proof or an empty proof", async function () {
      const { rewards, alice, publish, tree1 } = await deploy();
      await publish(tree1, 1n);
      const { amount, proof } = entryOf(tree1, alice.address);
      const attempts: [bigint, string[]][] = [
        [amount + 1n, proof],
        [amount, proof.slice(0, -1)],
        [amount, []],
        [amount, [...proof, ethers.ZeroHash]],
      ];
      for (const [value, path] of attempts) {
        await expect(rewards.claim(alice.address, value, path))
          .to.be.revertedWithCustomError(rewards, "RewardsInvalidProof")
          .withArgs(alice.address, value);
      }
    });

    it("accepts proofs that merkletreejs builds from the same double-hashed leaves", async function () {
      const { rewards, signers, funder, attestor, publish } = await deploy();
      // Eight leaves: a perfect tree, where OpenZeppelin's layout and merkletreejs's coincide node for node.
      const entries: [string, bigint][] = signers.slice(12, 20).map((s, i) => [s.address, BigInt(i + 1) * E18]);
      const oz = rewardTree(entries);
      const leaves = entries.map(([a, x]) => leafOf(a, x)).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      const js = new MerkleTree(leaves, ethers.keccak256, { sortPairs: true });
      expect(js.getHexRoot()).to.equal(oz.root);
      for (const [i, [account, amount]] of oz.entries()) {
        expect(oz.leafHash([account, amount])).to.equal(leafOf(account, amount));
        expect(js.getHexProof(leafOf(account, amount))).to.deep.equal(oz.getProof(i));
      }
      await publish(oz, 1n);
      const [account, amount] = entries[3];
      await expect(rewards.claim(account, amount, js.getHexProof(leafOf(account, amount)))).to.emit(rewards, "Claimed");

      // Five leaves: the two libraries shape the tree differently, yet each one's proofs check against its own root.
      const five = entries.slice(0, 5).map(([a, x]): [string, bigint] => [a, x * 3n]);
      const ozFive = rewardTree(five);
      const jsFive = new MerkleTree(
        five.map(([a, x]) => leafOf(a, x)),
        ethers.keccak256,
        { sortPairs: true },
      );
      for (const [i, value] of ozFive.entries()) {
        expect(jsFive.verify(ozFive.getProof(i), leafOf(...value), ozFive.root)).to.equal(true);
      }
      const total = five.reduce((sum, [, x]) => sum + x, 0n);
      await rewards.connect(funder).fund(total - (await rewards.totalFunded()));
      await rewards.connect(attestor).proposeRoot(jsFive.getHexRoot(), total, 2n, reportHash(2n), reportURI(2n));
      await time.increase(CHALLENGE_WINDOW);
      await rewards.acceptRoot();
      for (const [a, x] of five) {
        await expect(rewards.claim(a, x, jsFive.getHexProof(leafOf(a, x)))).to.emit(rewards, "Claimed");
      }
    });
  });

  describe("recoverExcess", function () {
    it("sends what the distributor holds beyond funded minus claimed and emits ExcessRecovered", async function () {
      const {
        rewards,
        open,
        admin,
        funder,
        outsider,
        distributor,
        publish,
        claim,
        alice,
        bob,
        tree1,
        expectConserved,
      } = await deploy();
      await publish(tree1, 1n);
      await claim(tree1, alice);
      await open.connect(funder).transfer(distributor, 3n * E18);
      expect(await rewards.connect(admin).recoverExcess.staticCall(outsider.address)).to.equal(3n * E18);
      const tx = rewards.connect(admin).recoverExcess(outsider.address);
      await expect(tx).to.changeTokenBalances(open, [distributor, outsider], [-3n * E18, 3n * E18]);
      await expect(tx)
        .to.emit(rewards, "ExcessRecovered")
        .withArgs(outsider.address, 3n * E18);
      await expectConserved();
      // What is owed is untouched: the next claim pays in full.
      await expect(claim(tree1, bob))
        .to.emit(rewards, "Claimed")
        .withArgs(bob.address, 1n, 20n * E18, 20n * E18);
    });

    it("reverts with RewardsNoExcess when the distributor holds only what it owes", async function () {
      const { rewards, admin, outsider, publish, claim, alice, tree1 } = await deploy();
      await expect(rewards.connect(admin).recoverExcess(outsider.address))
        .to.be.revertedWithCustomError(rewards, "RewardsNoExcess")
        .withArgs();
      await publish(tree1, 1n);
      await claim(tree1, alice);
      await expect(rewards.connect(admin).recoverExcess(outsider.address))
        .to.be.revertedWithCustomError(rewards, "RewardsNoExcess")
        .withArgs();
    });

    it("reverts with RewardsInvalidReceiver for the zero address", async function () {
      const { rewards, open, admin, funder, distributor } = await deploy();
      await open.connect(funder).transfer(distributor, 1n);
      await expect(rewards.connect(admin).recoverExcess(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(rewards, "RewardsInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with AccessControlUnauthorizedAccount for anyone but the admin", async function () {
      const { rewards, open, funder, attestor, guardian, outsider, distributor, ADMIN_ROLE } = await deploy();
      await open.connect(funder).transfer(distributor, 1n);
      for (const caller of [attestor, guardian, outsider]) {
        await expect(rewards.connect(caller).recoverExcess(caller.address))
          .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ADMIN_ROLE);
      }
    });
  });

  describe("claimMany", function () {
    it("pays every account of the batch, emits Claimed for each and returns the total", async function () {
      const { rewards, open, alice, bob, erin, relayer, distributor, publish, request, tree2, expectConserved } =
        await deploy();
      await publish(tree2, 1n);
      const batch = [request(tree2, alice), request(tree2, bob), request(tree2, erin)];
      expect(await rewards.connect(relayer).claimMany.staticCall(batch)).to.equal(42n * E18);
      const tx = rewards.connect(relayer).claimMany(batch);
      await expect(tx).to.changeTokenBalances(
        open,
        [alice, bob, erin, relayer, distributor],
        [15n * E18, 20n * E18, 7n * E18, 0n, -42n * E18],
      );
      await expect(tx)
        .to.emit(rewards, "Claimed")
        .withArgs(alice.address, 1n, 15n * E18, 15n * E18)
        .and.to.emit(rewards, "Claimed")
        .withArgs(bob.address, 1n, 20n * E18, 20n * E18)
        .and.to.emit(rewards, "Claimed")
        .withArgs(erin.address, 1n, 7n * E18, 7n * E18);
      expect(await rewards.totalClaimed()).to.equal(42n * E18);
      await expectConserved();
    });

    it("skips accounts with nothing left to claim instead of reverting", async function () {
      const { rewards, alice, bob, publish, claim, request, tree1, tree2 } = await deploy();
      await publish(tree1, 1n);
      await claim(tree1, bob);
      await publish(tree2, 2n);
      // bob is owed nothing new in epoch 2, and alice appears twice.
      const batch = [request(tree2, bob), request(tree2, alice), request(tree2, alice)];
      expect(await rewards.claimMany.staticCall(batch)).to.equal(15n * E18);
      const receipt = (await (await rewards.claimMany(batch)).wait())!;
      const claims = receipt.logs.map((log) => rewards.interface.parseLog(log)).filter((e) => e?.name === "Claimed");
      expect(claims.map((e) => [...e!.args])).to.deep.equal([[alice.address, 2n, 15n * E18, 15n * E18]]);
      expect(await rewards.claimMany.staticCall(batch)).to.equal(0n);
      expect(await rewards.claimMany.staticCall([])).to.equal(0n);
    });

    it("reverts the whole batch with RewardsInvalidProof on one bad proof", async function () {
      const { rewards, alice, bob, carol, publish, request, tree1 } = await deploy();
      await publish(tree1, 1n);
      // bob's entry with carol's proof.
      const forged = { ...request(tree1, bob), proof: request(tree1, carol).proof };
      await expect(rewards.claimMany([request(tree1, alice), forged]))
        .to.be.revertedWithCustomError(rewards, "RewardsInvalidProof")
        .withArgs(bob.address, 20n * E18);
      expect(await rewards.claimed(alice.address)).to.equal(0n);
    });

    it("reverts with RewardsInvalidProof on a bad proof even for an account with nothing left to claim", async function () {
      const { rewards, alice, publish, claim, request, tree1 } = await deploy();
      await publish(tree1, 1n);
      await claim(tree1, alice);
      const forged = { ...request(tree1, alice), cumulativeAmount: 1n };
      await expect(rewards.claimMany([forged]))
        .to.be.revertedWithCustomError(rewards, "RewardsInvalidProof")
        .withArgs(alice.address, 1n);
    });

    it("reverts the whole batch with RewardsRootTotalExceeded when a payment would exceed the root's total", async function () {
      const { rewards, funder, alice, bob, carol, dave, relayer, publish, claim, request, tree1, expectConserved } =
        await deploy();
      await publish(tree1, 1n);
      await rewards.connect(funder).fund(100n * E18);
      await claim(tree1, alice);
      // As in the claim test: alice lowered from 10 (claimed) to 6, bob raised to 24, total still 65.
      const lowered = loweredTree(alice, bob, carol, dave);
      await publish(lowered, 2n);
      // alice is skipped (nothing to claim), bob and carol fit (10 + 24 + 30 = 64), dave's 5 would make 69.
      const batch = [request(lowered, alice), request(lowered, bob), request(lowered, carol), request(lowered, dave)];
      await expect(rewards.connect(relayer).claimMany(batch))
        .to.be.revertedWithCustomError(rewards, "RewardsRootTotalExceeded")
        .withArgs(69n * E18, 65n * E18);
      // Nothing of the batch was paid.
      for (const who of [bob, carol, dave]) expect(await rewards.claimed(who.address)).to.equal(0n);
      expect(await rewards.totalClaimed()).to.equal(10n * E18);
      // Without dave the batch fits exactly.
      expect(await rewards.connect(relayer).claimMany.staticCall(batch.slice(0, 3))).to.equal(54n * E18);
      await rewards.connect(relayer).claimMany(batch.slice(0, 3));
      expect(await rewards.totalClaimed()).to.equal(64n * E18);
      await expectConserved();
    });

    it("reverts with RewardsNoRoot before any root is accepted", async function () {
      const { rewards, alice, request, tree1 } = await deploy();
      await expect(rewards.claimMany([request(tree1, alice)]))
        .to.be.revertedWithCustomError(rewards, "RewardsNoRoot")
        .withArgs();
    });
  });

  describe("attacks", function () {
    it("refuses an internal node of the tree presented as a leaf", async function () {
      const { rewards, relayer, distributor, publish, tree1 } = await deploy();
      await publish(tree1, 1n);
      // Four leaves: nodes[1] and nodes[2] are the internal nodes under the root, nodes[3..6] the leaves.
      const nodes = tree1.dump().tree;
      const [low, high] = BigInt(nodes[3]) < BigInt(nodes[4]) ? [nodes[3], nodes[4]] : [nodes[4], nodes[3]];
      // The internal node is keccak256 of 64 bytes, the very shape of abi.encode(account, amount), and the path
      // from it to the root is a valid proof: with single-hashed leaves, its children would pass as a leaf.
      expect(hashPair(low, high)).to.equal(nodes[1]);
      expect(ethers.keccak256(ethers.concat([low, high]))).to.equal(nodes[1]);
      expect(foldProof(nodes[1], [nodes[2]])).to.equal(tree1.root);

      // As the arguments of a claim: the first word can only be an address if its top 12 bytes are dropped...
      const account = ethers.getAddress(ethers.dataSlice(low, 12));
      const amount = BigInt(high);
      await expect(rewards.connect(relayer).claim(account, amount, [nodes[2]]))
        .to.be.revertedWithCustomError(rewards, "RewardsInvalidProof")
        .withArgs(account, amount);
      // ...and the 64-byte preimage forced verbatim into the calldata is refused by the ABI decoder, which does not
      // take an address word with its top bytes set.
      const valid = rewards.interface.encodeFunctionData("claim", [account, amount, [nodes[2]]]);
      const raw = ethers.concat([ethers.dataSlice(valid, 0, 4), low, ethers.dataSlice(valid, 36)]);
      await expect(relayer.sendTransaction({ to: distributor, data: raw })).to.be.revertedWithoutReason();
      // The node's value itself, as anyone's amount with the node's proof, is no leaf either.
      await expect(rewards.claim(relayer.address, BigInt(nodes[1]), [nodes[2]]))
        .to.be.revertedWithCustomError(rewards, "RewardsInvalidProof")
        .withArgs(relayer.address, BigInt(nodes[1]));
      // Double hashing is what separates the two: a leaf is keccak256 of 32 bytes, never of 64.
      expect(leafOf(account, amount)).to.not.equal(nodes[1]);
      expect(await rewards.totalClaimed()).to.equal(0n);
    });

    it("refuses a proof for another account, whoever sends it", async function () {
      const { rewards, alice, bob, outsider, publish, tree1 } = await deploy();
      await publish(tree1, 1n);
      const bobs = entryOf(tree1, bob.address);
      for (const [caller, account] of [
        [alice, alice.address],
        [outsider, outsider.address],
        [bob, alice.address],
      ] as const) {
        await expect(rewards.connect(caller).claim(account, bobs.amount, bobs.proof))
          .to.be.revertedWithCustomError(rewards, "RewardsInvalidProof")
          .withArgs(account, bobs.amount);
      }
    });

    it("refuses to re-propose an older root under its own or any earlier epoch", async function () {
      const { rewards, propose, publish, tree1, tree2 } = await deploy();
      await publish(tree1, 1n);
      await publish(tree2, 2n);
      for (const epoch of [1n, 2n]) {
        await expect(propose(tree1, epoch, totalOf(tree2)))
          .to.be.revertedWithCustomError(rewards, "RewardsEpochNotIncreasing")
          .withArgs(epoch, 2n);
      }
      // Under a new epoch, its own (smaller) total gives it away.
      await expect(propose(tree1, 3n))
        .to.be.revertedWithCustomError(rewards, "RewardsTotalDecreased")
        .withArgs(totalOf(tree1), totalOf(tree2));
    });

    it("rejects old proofs against a new root and pays nothing more when an old root comes back", async function () {
      const { rewards, alice, bob, carol, publish, claim, tree1, tree2, expectConserved } = await deploy();
      await publish(tree1, 1n);
      await claim(tree1, alice);
      await publish(tree2, 2n);
      for (const who of [alice, bob]) {
        const old = entryOf(tree1, who.address);
        // alice's and bob's epoch-1 leaves are not in the epoch-2 tree (alice's amount changed; bob's did not, but
        // the tree around it did).
        await expect(rewards.claim(who.address, old.amount, old.proof))
          .to.be.revertedWithCustomError(rewards, "RewardsInvalidProof")
          .withArgs(who.address, old.amount);
      }
      await claim(tree2, alice);
      await claim(tree2, carol);
      // A careless attestor re-proposes tree 1 under a new epoch with tree 2's total: cumulative amounts make it
      // harmless for whoever claimed more already.
      await publish(tree1, 3n, totalOf(tree2));
      for (const who of [alice, carol]) {
        await expect(claim(tree1, who))
          .to.be.revertedWithCustomError(rewards, "RewardsNothingToClaim")
          .withArgs(who.address, entryOf(tree1, who.address).amount);
      }
      expect(await rewards.totalClaimed()).to.equal(60n * E18);
      await expectConserved();
    });

    it("refuses a proposal over the funded amount and keeps the pool solvent", async function () {
      const { rewards, funder, propose, publish, tree1, tree2, expectConserved } = await deploy();
      await publish(tree1, 1n);
      const funded = await rewards.totalFunded();
      await expect(propose(tree2, 2n))
        .to.be.revertedWithCustomError(rewards, "RewardsInsufficientFunding")
        .withArgs(totalOf(tree2), funded);
      await rewards.connect(funder).fund(totalOf(tree2) - funded);
      await expect(propose(tree2, 2n)).to.emit(rewards, "RootProposed");
      await expectConserved();
    });

    it("cannot accept a root early by shortening the window", async function () {
      const { rewards, admin, funder, outsider, propose, tree1 } = await deploy();
      await rewards.connect(funder).fund(totalOf(tree1));
      await propose(tree1, 1n);
      const { validAt } = await rewards.pendingRoot();
      await rewards.connect(admin).setChallengeWindow(1n);
      for (const at of [validAt - CHALLENGE_WINDOW + 5n, validAt - 1n]) {
        await time.setNextBlockTimestamp(at);
        await expect(rewards.connect(outsider).acceptRoot())
          .to.be.revertedWithCustomError(rewards, "RewardsRootNotYetValid")
          .withArgs(validAt);
      }
      // Nor by revoking and re-proposing under the short window: only the guardian revokes.
      await expect(rewards.connect(admin).revokePendingRoot()).to.be.revertedWithCustomError(
        rewards,
        "AccessControlUnauthorizedAccount",
      );
    });
  });

  describe("test coverage of the interface", function () {
    it("asserts every custom error and event of IRewardDistributor somewhere in this file", async function () {
      expect(
        unassertedErrorsAndEvents(__filename, IRewardDistributor__factory.createInterface(), ["rewards", "factory"]),
      ).to.deep.equal([]);
    });
  });
});
