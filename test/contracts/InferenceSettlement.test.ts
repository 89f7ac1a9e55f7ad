import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { IInferenceSettlement__factory, InferenceSettlement__factory } from "../../typechain-types";
import { DEFAULT_EPOCH_LENGTH, DEFAULT_FEE_SPLIT, deploySettlement } from "../../deploy/settlement";
import { ODD_PRICE, PAYER_FUNDS, PRICE, beforeGenesisFixture, settlementFixture } from "../fixtures/settlement";
import { unassertedErrorsAndEvents } from "../helpers/completeness";

const BPS = 10_000n;
const E18 = 10n ** 18n;
const abi = ethers.AbiCoder.defaultAbiCoder();

interface Split {
  treasuryBps: number;
  modelBps: number;
  stakersBps: number;
  contributorsBps: number;
}

/** The four shares of `fee`, computed independently of the contract: three rounded down, the rest to contributors. */
function sharesOf(fee: bigint, split: Split) {
  const treasury = (fee * BigInt(split.treasuryBps)) / BPS;
  const model = (fee * BigInt(split.modelBps)) / BPS;
  const stakers = (fee * BigInt(split.stakersBps)) / BPS;
  return { treasury, model, stakers, contributors: fee - treasury - model - stakers };
}

/** One step of an epoch's log digest, computed independently of the contract. */
function foldLog(previous: string, modelId: bigint, calls: bigint, fee: bigint, logRoot: string): string {
  return ethers.keccak256(
    abi.encode(["bytes32", "uint256", "uint64", "uint256", "bytes32"], [previous, modelId, calls, fee, logRoot]),
  );
}

const splitArray = (s: Split) => [s.treasuryBps, s.modelBps, s.stakersBps, s.contributorsBps];
const logRoot = (n: number | string) => ethers.id(`inference log ${n}`);
const logURI = (n: number | string) => `ipfs://inference-logs/${n}.jsonl`;

async function deploy() {
  const f = await loadFixture(settlementFixture);
  const address = await f.settlement.getAddress();
  let batch = 0;
  /**
   * Settles `calls` of `modelId` from `payer` with a fresh log root and URI, bounded by the fee at the model's price
   * now (what a payer quotes before sending); returns the transaction.
   */
  const settle = async (modelId: bigint, calls: bigint, payer: HardhatEthersSigner = f.payer) => {
    batch++;
    const { pricePerCall } = await f.models.terms(modelId);
    return f.settlement.connect(payer).settle(modelId, calls, pricePerCall * calls, logRoot(batch), logURI(batch));
  };
  return { ...f, address, settle };
}

describe("InferenceSettlement", function () {
  describe("deployment", function () {
    it("stores its collaborators, the default split, the treasury and the owner", async function () {
      const { settlement, open, models, clock, staking, rewards, treasury, owner } =
        await loadFixture(settlementFixture);
      expect(await settlement.PAYMENT_TOKEN()).to.equal(await open.getAddress());
      expect(await settlement.MODELS()).to.equal(await models.getAddress());
      expect(await settlement.CLOCK()).to.equal(await clock.getAddress());
      expect(await settlement.STAKING()).to.equal(await staking.getAddress());
      expect(await settlement.REWARDS()).to.equal(await rewards.getAddress());
      expect(await settlement.BPS()).to.equal(BPS);
      expect(await settlement.feeSplit()).to.deep.equal(splitArray(DEFAULT_FEE_SPLIT).map(BigInt));
      expect(await settlement.treasury()).to.equal(treasury.address);
      expect(await settlement.owner()).to.equal(owner.address);
    });

    it("emits the initial split and treasury, and approves the reward distributor once for everything", async function () {
      const { settlement, open, rewards, treasury } = await loadFixture(settlementFixture);
      const deployment = settlement.deploymentTransaction();
      await expect(deployment).to.emit(settlement, "FeeSplitSet").withArgs(splitArray(DEFAULT_FEE_SPLIT));
      await expect(deployment).to.emit(settlement, "TreasurySet").withArgs(treasury.address);
      expect(await open.allowance(await settlement.getAddress(), await rewards.getAddress())).to.equal(
        ethers.MaxUint256,
      );
    });

    it("refuses a split that does not sum to 10,000, a zero treasury and a zero owner", async function () {
      const { open, models, clock, staking, rewards, treasury, deployer } = await loadFixture(settlementFixture);
      const factory = new InferenceSettlement__factory(deployer);
      const addresses = {
        paymentToken: await open.getAddress(),
        models: await models.getAddress(),
        clock: await clock.getAddress(),
        staking: await staking.getAddress(),
        rewards: await rewards.getAddress(),
      };
      await expect(
        deploySettlement(deployer, {
          ...addresses,
          treasury: treasury.address,
          split: { ...DEFAULT_FEE_SPLIT, contributorsBps: 4_999 },
        }),
      )
        .to.be.revertedWithCustomError(factory, "SettlementInvalidSplit")
        .withArgs(9_999n);
      await expect(deploySettlement(deployer, { ...addresses, treasury: ethers.ZeroAddress }))
        .to.be.revertedWithCustomError(factory, "SettlementInvalidTreasury")
        .withArgs(ethers.ZeroAddress);
      await expect(
        factory.deploy(
          addresses.paymentToken,
          addresses.models,
          addresses.clock,
          addresses.staking,
          addresses.rewards,
          treasury.address,
          DEFAULT_FEE_SPLIT,
          ethers.ZeroAddress,
        ),
      )
        .to.be.revertedWithCustomError(factory, "OwnableInvalidOwner")
        .withArgs(ethers.ZeroAddress);
    });

    it("defaults the owner to the deployer", async function () {
      const { open, models, clock, staking, rewards, treasury, deployer } = await loadFixture(settlementFixture);
      const settlement = await deploySettlement(deployer, {
        paymentToken: await open.getAddress(),
        models: await models.getAddress(),
        clock: await clock.getAddress(),
        staking: await staking.getAddress(),
        rewards: await rewards.getAddress(),
        treasury: treasury.address,
      });
      expect(await settlement.owner()).to.equal(deployer.address);
    });
  });

  describe("settle", function () {
    it("pulls the fee and pays the four shares: treasury, model, stakers (notified) and contributors (funded)", async function () {
      const { settlement, open, staking, rewards, treasury, developer, payer, address, settle } = await deploy();
      const calls = 1_000n;
      const fee = PRICE * calls;
      const s = sharesOf(fee, DEFAULT_FEE_SPLIT);
      expect(s).to.deep.equal({ treasury: fee / 10n, model: fee / 5n, stakers: fee / 5n, contributors: fee / 2n });

      const tx = settle(1n, calls);
      await expect(tx).to.changeTokenBalances(
        open,
        [payer, treasury, developer, staking, rewards, settlement],
        [-fee, s.treasury, s.model, s.stakers, s.contributors, 0n],
      );
      await expect(tx)
        .to.emit(settlement, "InferenceSettled")
        .withArgs(
          1n,
          1n,
          payer.address,
          calls,
          fee,
          s.treasury,
          s.model,
          s.stakers,
          s.contributors,
          logRoot(1),
          logURI(1),
        );
      await expect(tx).to.emit(staking, "RewardNotified").withArgs(s.stakers);
      await expect(tx).to.emit(rewards, "Funded").withArgs(address, s.contributors, s.contributors);
      expect(await rewards.totalFunded()).to.equal(s.contributors);
      expect(await staking.outstandingRewards()).to.equal(s.stakers);
    });

    it("returns the epoch and the fee", async function () {
      const { settlement, payer } = await deploy();
      expect(
        await settlement.connect(payer).settle.staticCall(2n, 7n, ODD_PRICE * 7n, logRoot(1), logURI(1)),
      ).to.deep.equal([1n, ODD_PRICE * 7n]);
    });

    it("records calls, settlements, fees and the log digest per epoch", async function () {
      const { settlement, clock, payer, gateway, settle } = await deploy();
      await settle(1n, 10n);
      await settle(2n, 3n, gateway);
      let digest = foldLog(ethers.ZeroHash, 1n, 10n, PRICE * 10n, logRoot(1));
      digest = foldLog(digest, 2n, 3n, ODD_PRICE * 3n, logRoot(2));
      expect(await settlement.epochLedger(1n)).to.deep.equal([13n, 2n, PRICE * 10n + ODD_PRICE * 3n, digest]);

      await time.increaseTo(await clock.epochStart(2n));
      await expect(settle(1n, 5n, payer))
        .to.emit(settlement, "InferenceSettled")
        .withArgs(
          2n,
          1n,
          payer.address,
          5n,
          PRICE * 5n,
          ...Object.values(sharesOf(PRICE * 5n, DEFAULT_FEE_SPLIT)),
          logRoot(3),
          logURI(3),
        );
      expect(await settlement.epochLedger(2n)).to.deep.equal([
        5n,
        1n,
        PRICE * 5n,
        foldLog(ethers.ZeroHash, 1n, 5n, PRICE * 5n, logRoot(3)),
      ]);
      expect(await settlement.epochLedger(1n)).to.deep.equal([13n, 2n, PRICE * 10n + ODD_PRICE * 3n, digest]);
      expect(await settlement.epochLedger(3n)).to.deep.equal([0n, 0n, 0n, ethers.ZeroHash]);
    });

    it("adds every settlement's calls and fee to its model's all-time totals, across epochs and payers", async function () {
      const { settlement, models, clock, developer, gateway, settle } = await deploy();
      const max = 2n ** 64n - 1n;
      await models.setTerms(9n, 1n, developer.address);
      expect(await settlement.modelTotals(1n)).to.deep.equal([0n, 0n]);
      await settle(1n, 10n);
      await settle(2n, 3n, gateway);
      await settle(1n, 4n, gateway);
      await settle(9n, max);
      await time.increaseTo(await clock.epochStart(3n));
      await settle(1n, 5n);
      await settle(9n, max, gateway);
      expect(await settlement.modelTotals(1n)).to.deep.equal([19n, PRICE * 19n]);
      expect(await settlement.modelTotals(2n)).to.deep.equal([3n, ODD_PRICE * 3n]);
      expect(await settlement.modelTotals(9n)).to.deep.equal([2n * max, 2n * max]);
      expect(await settlement.modelTotals(3n)).to.deep.equal([0n, 0n]);
      const ledgers = [await settlement.epochLedger(1n), await settlement.epochLedger(3n)];
      expect(ledgers[0].calls + ledgers[1].calls).to.equal(19n + 3n + 2n * max);
      expect(ledgers[0].fees + ledgers[1].fees).to.equal(PRICE * 19n + ODD_PRICE * 3n + 2n * max);
    });

    it("settles in the last second of an epoch into that epoch, and in the next second into the next", async function () {
      const { settlement, clock, payer } = await deploy();
      const end = await clock.epochStart(2n);
      await time.setNextBlockTimestamp(end - 1n);
      await expect(settlement.connect(payer).settle(1n, 1n, PRICE, logRoot("a"), logURI("a")))
        .to.emit(settlement, "InferenceSettled")
        .withArgs(
          1n,
          1n,
          payer.address,
          1n,
          PRICE,
          ...Object.values(sharesOf(PRICE, DEFAULT_FEE_SPLIT)),
          logRoot("a"),
          logURI("a"),
        );
      await time.setNextBlockTimestamp(end);
      await expect(settlement.connect(payer).settle(1n, 1n, PRICE, logRoot("b"), logURI("b")))
        .to.emit(settlement, "InferenceSettled")
        .withArgs(
          2n,
          1n,
          payer.address,
          1n,
          PRICE,
          ...Object.values(sharesOf(PRICE, DEFAULT_FEE_SPLIT)),
          logRoot("b"),
          logURI("b"),
        );
      expect((await settlement.epochLedger(1n)).settlements).to.equal(1n);
      expect((await settlement.epochLedger(2n)).settlements).to.equal(1n);
    });

    it("reproduces every epoch's ledger and log digest from InferenceSettled events alone", async function () {
      const { settlement, clock, payer, gateway, settle } = await deploy();
      const plan: [bigint, bigint, HardhatEthersSigner][] = [
        [1n, 4n, payer],
        [2n, 9n, gateway],
        [1n, 1n, gateway],
        [2n, 2n ** 40n, payer],
      ];
      for (const epoch of [1n, 2n, 4n]) {
        if (epoch > 1n) await time.increaseTo(await clock.epochStart(epoch));
        for (const [modelId, calls, who] of plan) await settle(modelId, calls, who);
      }
      const rebuilt = new Map<bigint, { calls: bigint; settlements: bigint; fees: bigint; logDigest: string }>();
      for (const e of await settlement.queryFilter(settlement.filters.InferenceSettled())) {
        const { epoch, modelId, calls, fee, logRoot: root } = e.args;
        const l = rebuilt.get(epoch) ?? { calls: 0n, settlements: 0n, fees: 0n, logDigest: ethers.ZeroHash };
        rebuilt.set(epoch, {
          calls: l.calls + calls,
          settlements: l.settlements + 1n,
          fees: l.fees + fee,
          logDigest: foldLog(l.logDigest, modelId, calls, fee, root),
        });
      }
      expect([...rebuilt.keys()]).to.deep.equal([1n, 2n, 4n]);
      for (const [epoch, l] of rebuilt) {
        expect(await settlement.epochLedger(epoch)).to.deep.equal([l.calls, l.settlements, l.fees, l.logDigest]);
      }
    });

    it("sends rounding dust to the contributors: a 1-wei fee goes to them entirely", async function () {
      const { settlement, open, models, rewards, treasury, developer, staking, payer } = await deploy();
      await models.setTerms(9n, 1n, developer.address);
      const tx = settlement.connect(payer).settle(9n, 1n, 1n, logRoot(1), logURI(1));
      await expect(tx).to.changeTokenBalances(
        open,
        [payer, treasury, developer, staking, rewards],
        [-1n, 0n, 0n, 0n, 1n],
      );
      await expect(tx)
        .to.emit(settlement, "InferenceSettled")
        .withArgs(1n, 9n, payer.address, 1n, 1n, 0n, 0n, 0n, 1n, logRoot(1), logURI(1));
      await expect(tx).to.not.emit(staking, "RewardNotified");
    });

    it("skips the transfers and calls of zero shares", async function () {
      const { settlement, open, staking, rewards, owner, payer, settle } = await deploy();
      await settlement
        .connect(owner)
        .setFeeSplit({ treasuryBps: 0, modelBps: 10_000, stakersBps: 0, contributorsBps: 0 });
      const tx = settle(1n, 10n);
      await expect(tx).to.not.emit(rewards, "Funded");
      await expect(tx).to.not.emit(staking, "RewardNotified");
      // The pull into settlement and the payment to the model: no other transfer.
      const receipt = (await (await tx).wait())!;
      const openAddress = await open.getAddress();
      expect(receipt.logs.filter((l) => l.address === openAddress)).to.have.length(2);
      expect(await rewards.totalFunded()).to.equal(0n);
      expect(await open.balanceOf(payer.address)).to.equal(PAYER_FUNDS - PRICE * 10n);
    });

    it("sends the stakers' share before notifying it, so the pool's check that it arrived passes every time", async function () {
      const { open, staking, settle } = await deploy();
      let notified = 0n;
      for (const [modelId, calls] of [
        [1n, 1n],
        [2n, 3n],
        [1n, 1_000n],
      ]) {
        const stakers = sharesOf((modelId === 1n ? PRICE : ODD_PRICE) * calls, DEFAULT_FEE_SPLIT).stakers;
        await expect(settle(modelId, calls)).to.emit(staking, "RewardNotified").withArgs(stakers);
        notified += stakers;
      }
      expect(await staking.outstandingRewards()).to.equal(notified);
      expect(await open.balanceOf(await staking.getAddress())).to.equal(notified);
    });

    it("costs the same whatever the number of calls", async function () {
      const { settle } = await deploy();
      await settle(2n, 1n);
      const gas = async (calls: bigint) => (await (await settle(2n, calls)).wait())!.gasUsed;
      const few = await gas(255n);
      const many = await gas(2n ** 40n - 1n);
      // Only calldata differs: 16 gas per nonzero byte instead of 4, for at most 8 more bytes of calls and 12 of maxFee.
      expect(many - few).to.be.lessThanOrEqual(20n * 12n);
    });

    it("reverts with SettlementZeroCalls for zero calls", async function () {
      const { settlement, payer } = await deploy();
      await expect(settlement.connect(payer).settle(1n, 0n, 0n, logRoot(1), logURI(1))).to.be.revertedWithCustomError(
        settlement,
        "SettlementZeroCalls",
      );
      // Checked before anything else, even the model's existence.
      await expect(settlement.connect(payer).settle(99n, 0n, 0n, ethers.ZeroHash, "")).to.be.revertedWithCustomError(
        settlement,
        "SettlementZeroCalls",
      );
    });

    it("reverts with SettlementInvalidLogRoot for a zero log root", async function () {
      const { settlement, payer } = await deploy();
      await expect(
        settlement.connect(payer).settle(1n, 1n, PRICE, ethers.ZeroHash, logURI(1)),
      ).to.be.revertedWithCustomError(settlement, "SettlementInvalidLogRoot");
    });

    it("reverts with the registry's ModelNonexistent for an unknown model", async function () {
      const { settlement, models, payer } = await deploy();
      await expect(settlement.connect(payer).settle(99n, 1n, PRICE, logRoot(1), logURI(1)))
        .to.be.revertedWithCustomError(models, "ModelNonexistent")
        .withArgs(99n);
    });

    it("reverts with SettlementZeroFee for a free model", async function () {
      const { settlement, payer } = await deploy();
      await expect(settlement.connect(payer).settle(3n, 1_000n, PRICE, logRoot(1), logURI(1)))
        .to.be.revertedWithCustomError(settlement, "SettlementZeroFee")
        .withArgs(3n);
    });

    it("reverts with the clock's EpochBeforeGenesis before epoch 1", async function () {
      const { settlement, clock, payer, genesis } = await loadFixture(beforeGenesisFixture);
      await time.setNextBlockTimestamp(genesis - 1n);
      await expect(settlement.connect(payer).settle(1n, 1n, PRICE, logRoot(1), logURI(1)))
        .to.be.revertedWithCustomError(clock, "EpochBeforeGenesis")
        .withArgs(genesis - 1n, genesis);
      await expect(settlement.connect(payer).settle(1n, 1n, PRICE, logRoot(1), logURI(1))).to.emit(
        settlement,
        "InferenceSettled",
      );
    });

    it("reverts with the token's errors when the payer's allowance or balance is short", async function () {
      const { settlement, open, outsider, address, deployer } = await deploy();
      await expect(settlement.connect(outsider).settle(1n, 1n, PRICE, logRoot(1), logURI(1)))
        .to.be.revertedWithCustomError(open, "ERC20InsufficientAllowance")
        .withArgs(address, 0n, PRICE);
      await open.connect(outsider).approve(address, ethers.MaxUint256);
      await open.connect(deployer).transfer(outsider.address, PRICE - 1n);
      await expect(settlement.connect(outsider).settle(1n, 1n, PRICE, logRoot(1), logURI(1)))
        .to.be.revertedWithCustomError(open, "ERC20InsufficientBalance")
        .withArgs(outsider.address, PRICE - 1n, PRICE);
    });

    it("reverts with the pool's StakingUnauthorizedNotifier when the pool does not accept settlement", async function () {
      const { settlement, staking, payer, address, outsider } = await deploy();
      await staking.setRewardNotifier(outsider.address);
      await expect(settlement.connect(payer).settle(1n, 1n, PRICE, logRoot(1), logURI(1)))
        .to.be.revertedWithCustomError(staking, "StakingUnauthorizedNotifier")
        .withArgs(address);
    });

    it("counts an epoch's calls past 2^64 - 1, so that one payer's settlements never block another's", async function () {
      // Before the ledger's calls were widened to uint96, the second settlement here reverted with an overflow panic.
      const { settlement, models, developer, payer, gateway, settle } = await deploy();
      const max = 2n ** 64n - 1n;
      await models.setTerms(9n, 1n, developer.address);
      await settlement.connect(payer).settle(9n, max, max, logRoot("max"), logURI("max"));
      await settlement.connect(payer).settle(9n, max, max, logRoot("max again"), logURI("max again"));
      await expect(settle(1n, 1n, gateway)).to.emit(settlement, "InferenceSettled");
      const ledger = await settlement.epochLedger(1n);
      expect([ledger.calls, ledger.settlements, ledger.fees]).to.deep.equal([2n * max + 1n, 3n, 2n * max + PRICE]);
    });

    it("reverts with SettlementFeeAboveMax when the fee at the current price exceeds maxFee, before any token moves", async function () {
      const { settlement, open, models, developer, payer, treasury } = await deploy();
      // A price raised between the payer's quote and its settlement.
      await models.setTerms(1n, PRICE * 500n, developer.address);
      const tx = settlement.connect(payer).settle(1n, 10n, PRICE * 10n, logRoot(1), logURI(1));
      await expect(tx)
        .to.be.revertedWithCustomError(settlement, "SettlementFeeAboveMax")
        .withArgs(1n, PRICE * 5_000n, PRICE * 10n);
      expect(await open.balanceOf(payer.address)).to.equal(PAYER_FUNDS);
      expect(await open.balanceOf(treasury.address)).to.equal(0n);
      expect((await settlement.epochLedger(1n)).settlements).to.equal(0n);
      // One wei short of the fee is refused; exactly the fee, or more, pays the fee and no more.
      await expect(settlement.connect(payer).settle(1n, 10n, PRICE * 5_000n - 1n, logRoot(1), logURI(1)))
        .to.be.revertedWithCustomError(settlement, "SettlementFeeAboveMax")
        .withArgs(1n, PRICE * 5_000n, PRICE * 5_000n - 1n);
      for (const maxFee of [PRICE * 5_000n, ethers.MaxUint256]) {
        await expect(
          settlement.connect(payer).settle(1n, 10n, maxFee, logRoot(`${maxFee}`), logURI(1)),
        ).to.changeTokenBalance(open, payer, -PRICE * 5_000n);
      }
    });

    it("splits every fee exactly, over random prices, calls and splits (fast-check, seeded)", async function () {
      const { settlement, open, models, staking, rewards, owner, treasury, developer2, payer } = await deploy();
      const bps = fc
        .tuple(
          fc.integer({ min: 0, max: 10_000 }),
          fc.integer({ min: 0, max: 10_000 }),
          fc.integer({ min: 0, max: 10_000 }),
        )
        .map(([a, b, c]) => {
          const [x, y, z] = [a, b, c].sort((p, q) => p - q);
          return { treasuryBps: x, modelBps: y - x, stakersBps: z - y, contributorsBps: 10_000 - z };
        });
      const split = fc.oneof(
        bps,
        fc.constant(DEFAULT_FEE_SPLIT),
        fc.constant({ treasuryBps: 3_333, modelBps: 3_333, stakersBps: 3_333, contributorsBps: 1 }),
      );
      const price = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 6n }), fc.bigInt({ min: 1n, max: 10n ** 18n }));
      const calls = fc.oneof(fc.bigInt({ min: 1n, max: 100n }), fc.bigInt({ min: 1n, max: 10n ** 6n }));
      const parties = [payer, treasury, developer2, staking, rewards, settlement];
      await fc.assert(
        fc.asyncProperty(split, price, calls, async (s, p, n) => {
          const id = await ethers.provider.send("evm_snapshot", []);
          try {
            await settlement.connect(owner).setFeeSplit(s);
            await models.setTerms(9n, p, developer2.address);
            const fee = p * n;
            const expected = sharesOf(fee, s);
            const before = await Promise.all(parties.map((x) => open.balanceOf(x)));
            await expect(settlement.connect(payer).settle(9n, n, fee, logRoot("p"), logURI("p")))
              .to.emit(settlement, "InferenceSettled")
              .withArgs(
                1n,
                9n,
                payer.address,
                n,
                fee,
                expected.treasury,
                expected.model,
                expected.stakers,
                expected.contributors,
                logRoot("p"),
                logURI("p"),
              );
            const after = await Promise.all(parties.map((x) => open.balanceOf(x)));
            const delta = after.map((b, i) => b - before[i]);
            expect(delta).to.deep.equal([
              -fee,
              expected.treasury,
              expected.model,
              expected.stakers,
              expected.contributors,
              0n,
            ]);
            expect(delta.slice(1, 5).reduce((a, b) => a + b)).to.equal(fee);
            // The dust: under 3 wei above the contributors' exact share, so at most 3 above its floor.
            const dustTimesBps = expected.contributors * BPS - fee * BigInt(s.contributorsBps);
            expect(dustTimesBps >= 0n && dustTimesBps < 3n * BPS, `dust × 10,000 = ${dustTimesBps}`).to.equal(true);
          } finally {
            await ethers.provider.send("evm_revert", [id]);
          }
        }),
        { seed: 7_777, numRuns: 40 },
      );
    });
  });

  describe("setFeeSplit", function () {
    it("sets the split of later settlements and emits FeeSplitSet", async function () {
      const { settlement, open, owner, treasury, developer, settle } = await deploy();
      const split = { treasuryBps: 10_000, modelBps: 0, stakersBps: 0, contributorsBps: 0 };
      await expect(settlement.connect(owner).setFeeSplit(split))
        .to.emit(settlement, "FeeSplitSet")
        .withArgs(splitArray(split));
      expect(await settlement.feeSplit()).to.deep.equal(splitArray(split).map(BigInt));
      await expect(settle(1n, 3n)).to.changeTokenBalances(open, [treasury, developer], [PRICE * 3n, 0n]);
    });

    it("refuses a split whose parts do not sum to 10,000 with SettlementInvalidSplit", async function () {
      const { settlement, owner } = await deploy();
      const cases: [Split, bigint][] = [
        [{ treasuryBps: 0, modelBps: 0, stakersBps: 0, contributorsBps: 0 }, 0n],
        [{ ...DEFAULT_FEE_SPLIT, contributorsBps: 5_001 }, 10_001n],
        [{ treasuryBps: 65_535, modelBps: 65_535, stakersBps: 65_535, contributorsBps: 65_535 }, 262_140n],
      ];
      for (const [split, sum] of cases) {
        await expect(settlement.connect(owner).setFeeSplit(split))
          .to.be.revertedWithCustomError(settlement, "SettlementInvalidSplit")
          .withArgs(sum);
      }
    });

    it("refuses anyone but the owner with OwnableUnauthorizedAccount", async function () {
      const { settlement, outsider, deployer } = await deploy();
      for (const account of [outsider, deployer]) {
        await expect(settlement.connect(account).setFeeSplit(DEFAULT_FEE_SPLIT))
          .to.be.revertedWithCustomError(settlement, "OwnableUnauthorizedAccount")
          .withArgs(account.address);
      }
    });
  });

  describe("setTreasury", function () {
    it("sets the treasury of later settlements and emits TreasurySet", async function () {
      const { settlement, open, owner, treasury, outsider, settle } = await deploy();
      await expect(settlement.connect(owner).setTreasury(outsider.address))
        .to.emit(settlement, "TreasurySet")
        .withArgs(outsider.address);
      expect(await settlement.treasury()).to.equal(outsider.address);
      await expect(settle(1n, 10n)).to.changeTokenBalances(open, [outsider, treasury], [PRICE, 0n]);
    });

    it("refuses the zero address with SettlementInvalidTreasury", async function () {
      const { settlement, owner } = await deploy();
      await expect(settlement.connect(owner).setTreasury(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(settlement, "SettlementInvalidTreasury")
        .withArgs(ethers.ZeroAddress);
    });

    it("refuses anyone but the owner with OwnableUnauthorizedAccount", async function () {
      const { settlement, outsider } = await deploy();
      await expect(settlement.connect(outsider).setTreasury(outsider.address))
        .to.be.revertedWithCustomError(settlement, "OwnableUnauthorizedAccount")
        .withArgs(outsider.address);
    });
  });

  describe("recoverExcess", function () {
    it("sends the OPEN sent to settlement directly to the given address and emits ExcessRecovered", async function () {
      const { settlement, open, owner, treasury, deployer, address, settle } = await deploy();
      await settle(1n, 10n);
      expect(await open.balanceOf(address)).to.equal(0n);
      await open.connect(deployer).transfer(address, 42n * E18);
      const tx = settlement.connect(owner).recoverExcess(treasury.address);
      await expect(tx).to.changeTokenBalances(open, [settlement, treasury], [-42n * E18, 42n * E18]);
      await expect(tx)
        .to.emit(settlement, "ExcessRecovered")
        .withArgs(treasury.address, 42n * E18);
      expect(await open.balanceOf(address)).to.equal(0n);
      // Settlement works as before.
      await expect(settle(1n, 10n)).to.emit(settlement, "InferenceSettled");
    });

    it("returns the amount sent", async function () {
      const { settlement, open, owner, treasury, deployer, address } = await deploy();
      await open.connect(deployer).transfer(address, 7n);
      expect(await settlement.connect(owner).recoverExcess.staticCall(treasury.address)).to.equal(7n);
    });

    it("reverts with SettlementNoExcess when settlement holds no OPEN", async function () {
      const { settlement, owner, treasury, settle } = await deploy();
      await settle(1n, 10n);
      await expect(settlement.connect(owner).recoverExcess(treasury.address))
        .to.be.revertedWithCustomError(settlement, "SettlementNoExcess")
        .withArgs();
    });

    it("reverts with SettlementInvalidReceiver for the zero address", async function () {
      const { settlement, open, owner, deployer, address } = await deploy();
      await open.connect(deployer).transfer(address, 1n);
      await expect(settlement.connect(owner).recoverExcess(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(settlement, "SettlementInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("refuses anyone but the owner with OwnableUnauthorizedAccount", async function () {
      const { settlement, open, outsider, deployer, address } = await deploy();
      await open.connect(deployer).transfer(address, 1n);
      await expect(settlement.connect(outsider).recoverExcess(outsider.address))
        .to.be.revertedWithCustomError(settlement, "OwnableUnauthorizedAccount")
        .withArgs(outsider.address);
    });
  });

  describe("epochs", function () {
    /** Settles one call of model 1 in a block mined at `t` and returns the epoch it was recorded in. */
    async function epochOfSettlementAt(f: Awaited<ReturnType<typeof deploy>>, t: bigint): Promise<bigint> {
      await time.setNextBlockTimestamp(t);
      const receipt = (await (await f.settle(1n, 1n)).wait())!;
      return f.settlement.interface.parseLog(receipt.logs.find((l) => l.address === f.address)!)!.args.epoch;
    }

    it("records each settlement in the clock's epoch, across boundaries and a length change", async function () {
      const f = await deploy();
      const { clock, owner, genesis } = f;
      const WEEK = DEFAULT_EPOCH_LENGTH;
      expect(await epochOfSettlementAt(f, genesis + 1n)).to.equal(1n);
      await clock.connect(owner).setEpochLength(3_600n); // from epoch 2 on
      expect(await epochOfSettlementAt(f, genesis + WEEK - 1n)).to.equal(1n);
      expect(await epochOfSettlementAt(f, genesis + WEEK)).to.equal(2n);
      expect(await epochOfSettlementAt(f, genesis + WEEK + 3_599n)).to.equal(2n);
      expect(await epochOfSettlementAt(f, genesis + WEEK + 3_600n)).to.equal(3n);
      await clock.connect(owner).setEpochLength(WEEK); // from epoch 4 on
      expect(await epochOfSettlementAt(f, genesis + WEEK + 7_199n)).to.equal(3n);
      expect(await epochOfSettlementAt(f, genesis + WEEK + 7_200n)).to.equal(4n);
      expect(await epochOfSettlementAt(f, genesis + 2n * WEEK + 7_199n)).to.equal(4n);
      expect(await epochOfSettlementAt(f, genesis + 2n * WEEK + 7_200n)).to.equal(5n);
      expect(await epochOfSettlementAt(f, genesis + 10n * WEEK + 7_200n)).to.equal(13n);
      const settlements = { 1: 2n, 2: 2n, 3: 2n, 4: 2n, 5: 1n, 13: 1n };
      for (const [epoch, count] of Object.entries(settlements)) {
        expect((await f.settlement.epochLedger(BigInt(epoch))).settlements).to.equal(count);
      }
    });
  });

  describe("test coverage of the interface", function () {
    it("asserts every custom error and event of IInferenceSettlement somewhere in this file", async function () {
      expect(
        unassertedErrorsAndEvents(__filename, IInferenceSettlement__factory.createInterface(), [
          "settlement",
          "factory",
        ]),
      ).to.deep.equal([]);
    });
  });
});
