import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { TIMELOCK_COOLDOWN_MARGIN, deployProtocol } from "../../deploy/protocol";
import {
  GovernanceClient,
  ModelClient,
  RewardsClient,
  SettlementClient,
  StakingClient,
  UnauthorizedError,
  allocate,
  buildRewardTree,
  splitFee,
  verifyModelProvenance,
  withDecodedErrors,
} from "../../sdk/src";
import { MODEL_PRICE, SAM_STAKE, TIA_STAKE, economyFixture } from "../fixtures/economy";
import { rejection } from "../helpers/rejection";

const LOG_ROOT = ethers.id("inference logs of batch 1");

describe("The inference economy, end to end", function () {
  it("pays a fee to treasury, model, stakers and contributors exactly as splitFee says", async function () {
    const { open, settlement, rewards, staking, deployer, developer, payer } = await loadFixture(economyFixture);
    const client = await SettlementClient.connect(await settlement.getAddress(), payer);
    const quote = await client.quote(1n, 12_345n);
    expect(quote.fee).to.equal(MODEL_PRICE * 12_345n);
    expect(quote.shares).to.deep.equal(splitFee(quote.fee, await client.feeSplit()));

    const holders = [deployer.address, developer.address, await staking.getAddress(), await rewards.getAddress()];
    const before = await Promise.all(holders.map((h) => open.balanceOf(h)));
    const settled = await client.settle({ modelId: 1n, calls: 12_345n, logRoot: LOG_ROOT, logURI: "ipfs://logs-1" });
    const after = await Promise.all(holders.map((h) => open.balanceOf(h)));

    const { treasury, model, stakers, contributors } = quote.shares;
    expect(after.map((b, i) => b - before[i])).to.deep.equal([treasury, model, stakers, contributors]);
    expect(treasury + model + stakers + contributors).to.equal(quote.fee);
    expect(settled.epoch).to.equal(1n);
    expect(await rewards.totalFunded()).to.equal(contributors);
  });

  it("lets each staker claim its pro-rata share of the stakers' part once it has streamed", async function () {
    const { staking, settlement, payer, sam, tia } = await loadFixture(economyFixture);
    const client = await SettlementClient.connect(await settlement.getAddress(), payer);
    const { shares } = await client.settle({ modelId: 1n, calls: 777n, logRoot: LOG_ROOT, logURI: "ipfs://logs" });
    const pool = await StakingClient.connect(await staking.getAddress(), sam);
    // The share streams over the reward period after the current one.
    const stream = await pool.stream();
    expect(stream.queued).to.equal(shares.stakers);
    expect(await pool.earned(sam.address)).to.equal(0n);
    await time.increaseTo(stream.periodEnd + stream.period);
    const total = SAM_STAKE + TIA_STAKE;
    const expected = [(shares.stakers * SAM_STAKE) / total, (shares.stakers * TIA_STAKE) / total];
    const paid: bigint[] = [];
    for (const staker of [sam, tia]) {
      const owed = await pool.earned(staker.address);
      await pool.connect(staker).claimRewards();
      paid.push(owed);
    }
    // Each is short only by its share of what the last division by the stake left (carried to the next update, below
    // 4,000 OPEN / 10^18 wei in all) and its rounding; nothing is paid beyond the share.
    paid.forEach((p, i) => expect(expected[i] - p).to.be.within(0n, total / 10n ** 18n + 1n));
    expect(paid[0] + paid[1]).to.be.at.most(shares.stakers);
  });

  it("records the epoch's ledger, reproduced from events", async function () {
    const { settlement, payer } = await loadFixture(economyFixture);
    const client = await SettlementClient.connect(await settlement.getAddress(), payer);
    for (const calls of [10n, 200n, 3_000n]) {
      await client.settle({ modelId: 1n, calls, logRoot: ethers.id(`batch ${calls}`), logURI: `ipfs://${calls}` });
    }
    const check = await client.verifyLedger(1n);
    expect(check.valid).to.equal(true);
    const ledger = await client.ledger(1n);
    expect(ledger.calls).to.equal(3_210n);
    expect(ledger.settlements).to.equal(3n);
    expect(ledger.fees).to.equal(MODEL_PRICE * 3_210n);
  });

  it("proves the model's training data from the Datanet's events", async function () {
    const { models, developer } = await loadFixture(economyFixture);
    const client = await ModelClient.connect(await models.getAddress(), developer);
    const report = await verifyModelProvenance(client, { modelId: 1n, assert: true });
    expect(report.ok).to.equal(true);
    expect(report.versions.map((v) => v.datanets.map((d) => [d.datanetId, d.version, d.status]))).to.deep.equal([
      [[1n, 1, "ok"]],
    ]);
  });

  it("pays the epoch's contributors their allocation from the settled fees, to the wei", async function () {
    const { rewards, settlement, clock, payer, alice, bob, deployer } = await loadFixture(economyFixture);
    const client = await SettlementClient.connect(await settlement.getAddress(), payer);
    await client.settle({ modelId: 1n, calls: 5_000n, logRoot: LOG_ROOT, logURI: "ipfs://logs" });
    // Epoch 1's root once the epoch is over, so that it carries every fee settled in it.
    await time.increaseTo(await clock.epochStart(2n));
    const pool = await rewards.totalFunded();
    const amounts = allocate(
      pool,
      new Map([
        [alice.address, 2_000],
        [bob.address, 4_000],
      ]),
    );
    const tree = buildRewardTree([...amounts].map(([account, amount]) => ({ account, amount })));
    const distributor = await RewardsClient.connect(await rewards.getAddress(), deployer);
    await distributor.proposeRoot({ tree, epoch: 1n, reportHash: ethers.id("report"), reportURI: "ipfs://report" });
    await time.increaseTo((await distributor.pendingRoot()).validAt);
    await distributor.acceptRoot();
    await distributor.claimMany(tree, [alice.address, bob.address]);
    expect(await rewards.totalClaimed()).to.equal(pool);
    expect(await Promise.all([alice, bob].map((a) => rewards.claimed(a.address)))).to.deep.equal([
      amounts.get(alice.address),
      amounts.get(bob.address),
    ]);
  });

  describe("under governance", function () {
    /** A one-hour unstake cooldown at most, so the shortest delay the deployment accepts: the hour plus the margin. */
    const MAX_COOLDOWN = 3_600n;
    const DELAY = MAX_COOLDOWN + TIMELOCK_COOLDOWN_MARGIN;

    async function governedFixture() {
      const [deployer, outsider] = await ethers.getSigners();
      const deployment = await deployProtocol(deployer, {
        allowSameKey: true,
        unstakeCooldown: MAX_COOLDOWN,
        maxUnstakeCooldown: MAX_COOLDOWN,
        governance: { minDelay: DELAY, governor: false },
      });
      return { ...deployment, deployer, outsider };
    }

    it("refuses a direct parameter change and makes it through the timelock after the delay", async function () {
      const { settlement, clock, timelock, deployer } = await loadFixture(governedFixture);
      const split = { treasuryBps: 500, modelBps: 2500, stakersBps: 2000, contributorsBps: 5000 };
      const direct = await rejection(
        withDecodedErrors(() => settlement.setFeeSplit(split)),
        UnauthorizedError,
      );
      expect(direct.errorName).to.equal("OwnableUnauthorizedAccount");

      const governance = await GovernanceClient.connect(await timelock!.getAddress(), deployer);
      const calls = [
        {
          target: await settlement.getAddress(),
          data: settlement.interface.encodeFunctionData("setFeeSplit", [split]),
        },
        { target: await clock.getAddress(), data: clock.interface.encodeFunctionData("setEpochLength", [86_400n]) },
      ];
      for (const call of calls) await governance.scheduleCall(call);
      await time.increase(DELAY);
      await expect(governance.executeCall(calls[0]))
        .to.emit(settlement, "FeeSplitSet")
        .withArgs([500, 2500, 2000, 5000]);
      await governance.executeCall(calls[1]);
      expect(await settlement.feeSplit()).to.deep.equal([500n, 2500n, 2000n, 5000n]);
      expect(await clock.owner()).to.equal(await timelock!.getAddress());
    });
  });
});
