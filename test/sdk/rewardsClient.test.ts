import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  InsufficientFundsError,
  InvalidConfigurationError,
  InvalidInputError,
  InvalidProofError,
  NothingToClaimError,
  RewardsClient,
  RootMismatchError,
  RootStateError,
  UnauthorizedError,
  buildRewardTree,
} from "../../sdk/src";
import { deployProtocol } from "../../deploy/protocol";
import { IRewardDistributor__factory } from "../../typechain-types";
import { rejection } from "../helpers/rejection";
import { expectEveryErrorTyped } from "../helpers/revertTable";

const E18 = 10n ** 18n;

/** The protocol with separate attestor and guardian, in epoch 3: roots for epochs 1 and 2 can be proposed. */
async function rewardsClientFixture() {
  const [deployer, attestor, guardian, alice, bob, carol, relayer] = await ethers.getSigners();
  const { open, rewards, clock } = await deployProtocol(deployer, {
    attestor: attestor.address,
    guardian: guardian.address,
  });
  await time.increaseTo(await clock.epochStart(3n));
  const address = await rewards.getAddress();
  const treasury = (await RewardsClient.connect(address, deployer)).connect(deployer);
  const tree1 = buildRewardTree([
    { account: alice.address, amount: 100n * E18 },
    { account: bob.address, amount: 50n * E18 },
    { account: carol.address, amount: 0n },
  ]);
  const tree2 = buildRewardTree([
    { account: alice.address, amount: 130n * E18 },
    { account: bob.address, amount: 50n * E18 },
    { account: carol.address, amount: 20n * E18 },
  ]);
  const report = { reportHash: ethers.id("report"), reportURI: "ipfs://report" };
  return {
    open,
    rewards,
    address,
    treasury,
    attestor: treasury.connect(attestor),
    guardian: treasury.connect(guardian),
    relayer: treasury.connect(relayer),
    alice,
    bob,
    carol,
    tree1,
    tree2,
    report,
  };
}

/** Funds 200 OPEN and makes `tree1` the current root. */
async function withRootFixture() {
  const f = await loadFixture(rewardsClientFixture);
  await f.treasury.fund(200n * E18);
  await f.attestor.proposeRoot({ tree: f.tree1, epoch: 1n, ...f.report });
  await time.increaseTo((await f.treasury.pendingRoot()).validAt);
  await f.relayer.acceptRoot();
  return f;
}

describe("RewardsClient", function () {
  describe("connect", function () {
    it("refuses a malformed address", async function () {
      await rejection(RewardsClient.connect("0x1234", ethers.provider), InvalidInputError);
    });

    it("reads the reward token from the distributor", async function () {
      const { treasury, open } = await loadFixture(rewardsClientFixture);
      expect(await treasury.token.getAddress()).to.equal(await open.getAddress());
    });
  });

  describe("fund", function () {
    it("approves the shortfall and pulls the amount into the pool", async function () {
      const { treasury, rewards, open, address } = await loadFixture(rewardsClientFixture);
      await treasury.fund(200n * E18);
      expect(await rewards.totalFunded()).to.equal(200n * E18);
      expect(await open.balanceOf(address)).to.equal(200n * E18);
    });

    it("refuses a non-positive amount before sending anything", async function () {
      const { treasury } = await loadFixture(rewardsClientFixture);
      expect((await rejection(treasury.fund(0n), InvalidInputError)).message).to.contain("must be positive");
    });

    it("refuses to send from a client without a signer", async function () {
      const { address } = await loadFixture(rewardsClientFixture);
      const readOnly = await RewardsClient.connect(address, ethers.provider);
      expect((await rejection(readOnly.fund(1n), InvalidInputError)).message).to.contain("no signer");
    });
  });

  describe("roots", function () {
    it("proposes, shows the pending root and accepts it after the window", async function () {
      const { treasury, attestor, relayer, tree1, report } = await loadFixture(rewardsClientFixture);
      await treasury.fund(200n * E18);
      await attestor.proposeRoot({ tree: tree1, epoch: 1n, ...report });
      const pending = await treasury.pendingRoot();
      expect(pending.root).to.equal(tree1.root);
      expect(pending.total).to.equal(150n * E18);
      expect(pending.epoch).to.equal(1n);
      expect(pending.reportHash).to.equal(report.reportHash);
      expect((await rejection(relayer.acceptRoot(), RootStateError)).message).to.contain("challenge window");
      await time.increaseTo(pending.validAt);
      await relayer.acceptRoot();
      expect((await treasury.currentRoot()).root).to.equal(tree1.root);
      expect((await treasury.pendingRoot()).root).to.equal(ethers.ZeroHash);
    });

    it("lets the guardian revoke a pending root and no one else", async function () {
      const { treasury, attestor, guardian, relayer, tree1, report } = await loadFixture(rewardsClientFixture);
      await treasury.fund(200n * E18);
      await attestor.proposeRoot({ tree: tree1, epoch: 1n, ...report });
      await rejection(relayer.revokePendingRoot(), UnauthorizedError);
      await guardian.revokePendingRoot();
      expect((await treasury.pendingRoot()).root).to.equal(ethers.ZeroHash);
      expect((await rejection(guardian.revokePendingRoot(), RootStateError)).message).to.contain("No root is pending");
    });

    it("decodes a proposal for an epoch the clock has not ended", async function () {
      const { treasury, attestor, tree1, report } = await loadFixture(rewardsClientFixture);
      await treasury.fund(200n * E18);
      const error = await rejection(
        attestor.proposeRoot({ tree: tree1, epoch: 3n, ...report }),
        InvalidConfigurationError,
      );
      expect(error.errorName).to.equal("RewardsEpochNotEnded");
      expect(error.shortMessage).to.equal("Epoch 3 has not ended: the clock is in epoch 3.");
    });

    it("decodes a revocation after the challenge window", async function () {
      const { treasury, attestor, guardian, relayer, tree1, report } = await loadFixture(rewardsClientFixture);
      await treasury.fund(200n * E18);
      await attestor.proposeRoot({ tree: tree1, epoch: 1n, ...report });
      await time.increaseTo((await treasury.pendingRoot()).validAt);
      const error = await rejection(guardian.revokePendingRoot(), RootStateError);
      expect(error.errorName).to.equal("RewardsChallengeWindowClosed");
      expect(error.shortMessage).to.contain("the guardian can no longer revoke it");
      await relayer.acceptRoot();
      expect((await treasury.currentRoot()).root).to.equal(tree1.root);
    });

    it("maps every custom error of the distributor to a typed subclass with its own message", function () {
      expectEveryErrorTyped(IRewardDistributor__factory.createInterface());
    });

    it("decodes a proposal over the funded amount", async function () {
      const { attestor, tree1, report } = await loadFixture(rewardsClientFixture);
      expect(
        (await rejection(attestor.proposeRoot({ tree: tree1, epoch: 1n, ...report }), InsufficientFundsError)).message,
      ).to.contain("exceeds the 0 funded");
    });
  });

  describe("claims", function () {
    it("reports cumulative, claimed and claimable per account", async function () {
      const { treasury, tree1, alice, carol } = await withRootFixture();
      const [a, c] = await treasury.status(tree1, [alice.address, carol.address]);
      expect(a).to.deep.equal({
        account: alice.address,
        cumulativeAmount: 100n * E18,
        claimed: 0n,
        claimable: 100n * E18,
      });
      expect(c.claimable).to.equal(0n);
    });

    it("pays the account, not the caller, and refuses a second claim of the same amount", async function () {
      const { relayer, tree1, alice, open } = await withRootFixture();
      const before = await open.balanceOf(alice.address);
      await relayer.claim(tree1, alice.address);
      expect((await open.balanceOf(alice.address)) - before).to.equal(100n * E18);
      expect(await relayer.claimed(alice.address)).to.equal(100n * E18);
      await rejection(relayer.claim(tree1, alice.address), NothingToClaimError);
    });

    it("refuses a tree that is not the current root before sending anything", async function () {
      const { relayer, tree2, alice } = await withRootFixture();
      expect((await rejection(relayer.claim(tree2, alice.address), RootMismatchError)).message).to.contain(
        "not the distributor",
      );
      await rejection(relayer.claimMany(tree2, [alice.address]), RootMismatchError);
    });

    it("decodes a proof that does not match the root", async function () {
      const { relayer, tree1, alice } = await withRootFixture();
      const forged = { ...tree1, root: tree1.root, total: tree1.total, proof: () => [], amountOf: () => 1n };
      expect((await rejection(relayer.claim(forged, alice.address), InvalidProofError)).message).to.contain(
        alice.address,
      );
    });

    it("claims in batches, skips accounts with nothing left and reports progress", async function () {
      const { relayer, treasury, attestor, tree1, tree2, alice, bob, carol, report } = await withRootFixture();
      await relayer.claim(tree1, bob.address);
      await attestor.proposeRoot({ tree: tree2, epoch: 2n, ...report });
      await time.increaseTo((await treasury.pendingRoot()).validAt);
      await relayer.acceptRoot();
      const progress: number[] = [];
      const accounts = [alice.address, bob.address, carol.address];
      const receipts = await relayer.claimMany(tree2, accounts, {
        batchSize: 2,
        onProgress: (done) => progress.push(done),
      });
      expect(receipts).to.have.length(2);
      expect(progress).to.deep.equal([2, 3]);
      const status = await treasury.status(tree2, accounts);
      expect(status.map((s) => s.claimed)).to.deep.equal([130n * E18, 50n * E18, 20n * E18]);
      expect(status.every((s) => s.claimable === 0n)).to.equal(true);
    });

    it("refuses a batch size below one", async function () {
      const { relayer, tree1, alice } = await withRootFixture();
      expect(
        (await rejection(relayer.claimMany(tree1, [alice.address], { batchSize: 0 }), InvalidInputError)).message,
      ).to.contain("batchSize");
    });
  });
});
