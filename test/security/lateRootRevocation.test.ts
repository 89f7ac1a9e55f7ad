import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { SettlementClient, allocate, buildRewardTree } from "../../sdk/src";
import { economyFixture } from "../fixtures/economy";
import { FRONT_RUN_FEES, ORDINARY_FEES, expectMinedRevert, mineInOneBlock } from "../helpers/blocks";

/*
 * Attack: the guardian (or whoever holds its key) revokes a root after its challenge window, when the contributors
 * were promised it is final and anyone may accept it: racing the acceptance, or holding the pending root hostage
 * while nobody has accepted it yet. Revocation is now refused from `validAt` on, the moment acceptance opens.
 */

/**
 * The deployed protocol of {@link economyFixture} after a settlement in epoch 1, in epoch 2, with the attestor's root
 * for epoch 1 (the contributors' share split between alice and bob) pending; `relayer` accepts roots for everyone.
 */
async function pendingRootFixture() {
  const f = await economyFixture();
  const client = await SettlementClient.connect(await f.settlement.getAddress(), f.payer);
  await client.settle({ modelId: 1n, calls: 10_000n, logRoot: ethers.id("batch 1"), logURI: "ipfs://1" });
  await time.increaseTo(await f.clock.epochStart(2n));
  const pool = await f.rewards.totalFunded();
  const amounts = allocate(
    pool,
    new Map([
      [f.alice.address, 1],
      [f.bob.address, 1],
    ]),
  );
  const tree = buildRewardTree([...amounts].map(([account, amount]) => ({ account, amount })));
  await f.rewards.connect(f.deployer).proposeRoot(tree.root, tree.total, 1n, ethers.id("report"), "ipfs://report");
  const { validAt } = await f.rewards.pendingRoot();
  return { ...f, tree, validAt, relayer: f.outsider };
}

describe("Security: revoking a reward root after its challenge window", function () {
  it("refuses the guardian's revocation with RewardsChallengeWindowClosed in the block that opens acceptance, ahead of the acceptance", async function () {
    const { rewards, guardian, relayer, tree, validAt } = await loadFixture(pendingRootFixture);
    const { queued, hashes } = await mineInOneBlock(async () => {
      const revoke = await rewards.connect(guardian).revokePendingRoot({
        gasLimit: 100_000n,
        ...FRONT_RUN_FEES,
      });
      const accept = await rewards.connect(relayer).acceptRoot({ gasLimit: 200_000n, ...ORDINARY_FEES });
      return { revoke, accept };
    }, validAt);
    expect(hashes).to.deep.equal([queued.revoke.hash, queued.accept.hash]);
    await expectMinedRevert(queued.revoke, rewards.interface, "RewardsChallengeWindowClosed", [validAt]);
    expect((await ethers.provider.getTransactionReceipt(queued.accept.hash))!.status).to.equal(1);
    expect((await rewards.currentRoot()).root).to.equal(tree.root);
  });

  it("refuses it later too while nobody has accepted the root, which anyone can still accept", async function () {
    const { rewards, guardian, relayer, tree, validAt } = await loadFixture(pendingRootFixture);
    await time.setNextBlockTimestamp(validAt + 3_600n);
    await expect(rewards.connect(guardian).revokePendingRoot())
      .to.be.revertedWithCustomError(rewards, "RewardsChallengeWindowClosed")
      .withArgs(validAt);
    expect((await rewards.pendingRoot()).root).to.equal(tree.root);
    await expect(rewards.connect(relayer).acceptRoot()).to.emit(rewards, "RootAccepted");
  });

  it("lets the guardian revoke in the last second of the window, and then nothing can be accepted", async function () {
    const { rewards, guardian, relayer, tree, validAt } = await loadFixture(pendingRootFixture);
    await time.setNextBlockTimestamp(validAt - 1n);
    await expect(rewards.connect(guardian).revokePendingRoot())
      .to.emit(rewards, "RootRevoked")
      .withArgs(1n, tree.root, guardian.address);
    await expect(rewards.connect(relayer).acceptRoot()).to.be.revertedWithCustomError(rewards, "RewardsNoPendingRoot");
  });
});
