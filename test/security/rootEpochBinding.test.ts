import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { RewardsClient, SettlementClient, allocate, buildRewardTree } from "../../sdk/src";
import { economyFixture } from "../fixtures/economy";
import { FRONT_RUN_FEES, ORDINARY_FEES, expectMinedRevert, mineInOneBlock } from "../helpers/blocks";

/*
 * Attack: the attestor proposes the reward root of an epoch that is still taking fees. Accepted, it leaves the fees
 * settled afterwards in that epoch to no root (epochs strictly increase); and a root for epoch 2^64 − 1 would freeze
 * every later proposal for good. The distributor now reads the protocol's epoch clock and takes roots only for epochs
 * that have ended.
 */

const MAX_EPOCH = 2n ** 64n - 1n;
const REPORT = { reportHash: ethers.id("epoch report"), reportURI: "ipfs://epoch-report" };

/** The deployed protocol of {@link economyFixture} (in epoch 1) with SDK clients for the payer and the attestor. */
async function bindingFixture() {
  const f = await economyFixture();
  const payer = await SettlementClient.connect(await f.settlement.getAddress(), f.payer);
  const attestor = await RewardsClient.connect(await f.rewards.getAddress(), f.deployer);
  return { ...f, payerClient: payer, attestor };
}

/** A tree giving `pool` to alice and bob, one third and two thirds. */
function treeOf(pool: bigint, alice: string, bob: string) {
  const amounts = allocate(
    pool,
    new Map([
      [alice, 1],
      [bob, 2],
    ]),
  );
  return buildRewardTree([...amounts].map(([account, amount]) => ({ account, amount })));
}

describe("Security: reward roots for epochs the clock has not ended", function () {
  it("refuses a root for the running epoch, a later one and 2^64 - 1, and takes it once the epoch has ended", async function () {
    const { rewards, clock, deployer, alice, bob, payerClient, attestor } = await loadFixture(bindingFixture);
    await payerClient.settle({ modelId: 1n, calls: 1_000n, logRoot: ethers.id("batch 1"), logURI: "ipfs://1" });
    const tree = treeOf(await rewards.totalFunded(), alice.address, bob.address);
    const propose = (epoch: bigint) =>
      rewards.connect(deployer).proposeRoot(tree.root, tree.total, epoch, REPORT.reportHash, REPORT.reportURI);

    expect(await clock.currentEpoch()).to.equal(1n);
    for (const epoch of [1n, 2n, MAX_EPOCH]) {
      await expect(propose(epoch)).to.be.revertedWithCustomError(rewards, "RewardsEpochNotEnded").withArgs(epoch, 1n);
    }
    expect((await rewards.pendingRoot()).root).to.equal(ethers.ZeroHash);

    await time.increaseTo(await clock.epochStart(2n));
    await attestor.proposeRoot({ tree, epoch: 1n, ...REPORT });
    await time.increaseTo((await attestor.pendingRoot()).validAt);
    await attestor.acceptRoot();
    expect((await rewards.currentRoot()).epoch).to.equal(1n);
    // Nothing froze the epochs: epoch 2's root is taken once epoch 2 has ended, and not before.
    const later = treeOf(await rewards.totalFunded(), alice.address, bob.address);
    await expect(propose(2n)).to.be.revertedWithCustomError(rewards, "RewardsEpochNotEnded").withArgs(2n, 2n);
    await time.increaseTo(await clock.epochStart(3n));
    await attestor.proposeRoot({ tree: later, epoch: 2n, ...REPORT });
    expect((await rewards.pendingRoot()).epoch).to.equal(2n);
  });

  it("covers fees settled in the last second of epoch 1 by the epoch-1 root proposed after its end", async function () {
    const f = await loadFixture(bindingFixture);
    const { settlement, rewards, clock, deployer, payer, alice, bob, payerClient, attestor } = f;
    await payerClient.settle({ modelId: 1n, calls: 1_000n, logRoot: ethers.id("batch 1"), logURI: "ipfs://1" });
    const early = treeOf(await rewards.totalFunded(), alice.address, bob.address);

    // The attestor's root for epoch 1 and a late settlement, in the block of epoch 1's last second, the root first.
    const end = await clock.epochStart(2n);
    const { queued, hashes } = await mineInOneBlock(async () => {
      const propose = await rewards
        .connect(deployer)
        .proposeRoot(early.root, early.total, 1n, REPORT.reportHash, REPORT.reportURI, {
          gasLimit: 200_000n,
          ...FRONT_RUN_FEES,
        });
      const late = await settlement
        .connect(payer)
        .settle(1n, 500n, ethers.parseEther("5"), ethers.id("batch 2"), "ipfs://2", {
          gasLimit: 500_000n,
          ...ORDINARY_FEES,
        });
      return { propose, late };
    }, end - 1n);
    expect(hashes).to.deep.equal([queued.propose.hash, queued.late.hash]);
    await expectMinedRevert(queued.propose, rewards.interface, "RewardsEpochNotEnded", [1n, 1n]);
    const settled = await payerClient.settlements(1n);
    expect(settled.map((s) => s.transactionHash)).to.include(queued.late.hash);

    // After the end, epoch 1's root carries the contributors' share of both settlements.
    await time.increaseTo(end);
    const pot = settled.reduce((sum, s) => sum + s.shares.contributors, 0n);
    expect(pot).to.equal(await rewards.totalFunded());
    const tree = treeOf(pot, alice.address, bob.address);
    await attestor.proposeRoot({ tree, epoch: 1n, ...REPORT });
    await time.increaseTo((await attestor.pendingRoot()).validAt);
    await attestor.acceptRoot();
    await attestor.claimMany(tree, [alice.address, bob.address]);
    expect(await rewards.totalClaimed()).to.equal(pot);
  });
});
