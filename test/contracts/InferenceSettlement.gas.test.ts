import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DEFAULT_EPOCH_LENGTH } from "../../deploy/settlement";
import { MODEL_PRICE, economyFixture } from "../fixtures/economy";
import { settlementFixture } from "../fixtures/settlement";
import { gasOf, gasTable } from "../helpers/gas";

/** Goal from the settlement issue: a steady-state settlement (its epoch's ledger exists, every recipient holds OPEN). */
const SETTLE_GOAL = 150_000n;
/** The first settlement of an epoch creates the epoch's two ledger slots (22,100 gas each); later ones rewrite them. */
const NEW_LEDGER = 2n * (22_100n - 5_000n);
/**
 * The first settlement of a model creates its totals slot (22,100 gas), which later ones rewrite; in the scenario below
 * the model's revenue recipient holds no OPEN yet either, so its balance slot is created too.
 */
const NEW_MODEL = 2n * (22_100n - 5_000n);
/**
 * What else the first settlement of an epoch pays: it asks the clock for the epoch and its end (two calls, the first
 * to a cold account) and rewrites its cached copy, where later settlements of the epoch read only the copy.
 */
const CLOCK_REFRESH = 11_000n;
/** A realistic inference-log URI: a batch file under an IPFS directory. */
const LOG_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/epoch-0001/batch-000001.jsonl";
/** Calldata is 4 gas a zero byte and 16 a nonzero one; `calls` and `maxFee` (the fee) fill at most 8 + 20 bytes. */
const CALLDATA_SLACK = 28n * 12n;

describe("InferenceSettlement gas", function () {
  const measured = gasTable();

  async function scenario() {
    const f = await loadFixture(settlementFixture);
    let batch = 0;
    /** Settles with the fee quoted at the model's price as maxFee, as the SDK does. */
    const settle = async (modelId: bigint, calls: bigint, payer = f.payer) => {
      const maxFee = (await f.models.terms(modelId)).pricePerCall * calls;
      return gasOf(f.settlement.connect(payer).settle(modelId, calls, maxFee, ethers.id(`batch ${++batch}`), LOG_URI));
    };
    return { ...f, settle };
  }

  it("keeps a steady-state settlement within 150,000 gas; the first of an epoch adds its ledger and the clock", async function () {
    const { settle } = await scenario();
    measured.push(["settle: first ever (ledger and every recipient's balance new)", await settle(1n, 1_000n)]);
    const steady = await settle(1n, 1_000n);
    measured.push(["settle: steady state (same epoch, recipients hold OPEN)", steady]);

    await time.increase(DEFAULT_EPOCH_LENGTH);
    const first = await settle(1n, 1_000n);
    measured.push(["settle: first in an epoch (new ledger, recipients hold OPEN)", first]);
    const steadyAgain = await settle(1n, 250n);
    measured.push(["settle: steady state, next epoch", steadyAgain]);

    expect(steady).to.be.lessThanOrEqual(SETTLE_GOAL);
    expect(steadyAgain).to.be.lessThanOrEqual(SETTLE_GOAL);
    expect(first - steady).to.be.lessThanOrEqual(NEW_LEDGER + CLOCK_REFRESH);
  });

  it("keeps a steady-state settlement within 150,000 gas with the protocol's real registry and staking pool", async function () {
    const { settlement, payer } = await loadFixture(economyFixture);
    const settle = (n: number) =>
      gasOf(settlement.connect(payer).settle(1n, 1_000n, MODEL_PRICE * 1_000n, ethers.id(`real ${n}`), LOG_URI));
    measured.push(["settle, deployed protocol: first ever", await settle(1)]);
    const steady = await settle(2);
    measured.push(["settle, deployed protocol: steady state", steady]);
    await time.increase(DEFAULT_EPOCH_LENGTH);
    const first = await settle(3);
    measured.push(["settle, deployed protocol: first in an epoch", first]);
    expect(steady).to.be.lessThanOrEqual(SETTLE_GOAL);
    expect(first - steady).to.be.lessThanOrEqual(NEW_LEDGER + CLOCK_REFRESH);
  });

  it("does not depend on the number of calls beyond the calldata that encodes it", async function () {
    const { settle } = await scenario();
    await settle(2n, 1n);
    const one = await settle(2n, 1n);
    const many = await settle(2n, 2n ** 40n);
    measured.push(["settle: steady state, 1 call", one]);
    measured.push(["settle: steady state, 2^40 calls", many]);
    expect(many - one).to.be.lessThanOrEqual(CALLDATA_SLACK);
    expect(one - many).to.be.lessThanOrEqual(CALLDATA_SLACK);
  });

  it("reads the clock's current epoch with one storage read, or two while a length change is pending", async function () {
    const { clock, owner } = await scenario();
    const settled = await clock.currentEpoch.estimateGas();
    const schedule = await gasOf(clock.connect(owner).setEpochLength(3_600n));
    const pending = await clock.currentEpoch.estimateGas();
    measured.push(["EpochClock.currentEpoch (eth_call, no change pending)", settled]);
    measured.push(["EpochClock.currentEpoch (eth_call, a change pending)", pending]);
    measured.push(["EpochClock.setEpochLength (schedules a new segment)", schedule]);
    measured.push([
      "EpochClock.setEpochLength (replaces the pending change)",
      await gasOf(clock.connect(owner).setEpochLength(7_200n)),
    ]);
    // One more cold read (2,100) and the arithmetic on the segment before the head; a third read would add 2,100.
    expect(pending - settled).to.be.within(2_100n, 2_600n);
  });

  it("measures a second payer and a second model, and the governance setters", async function () {
    const { settle, settlement, owner, gateway, outsider } = await scenario();
    await settle(1n, 10n);
    const steady = await settle(1n, 10n, gateway);
    measured.push(["settle: steady state, another payer", steady]);
    const newModel = await settle(2n, 10n);
    measured.push(["settle: another model's first (new totals, its recipient holds no OPEN yet)", newModel]);
    expect(newModel - steady).to.be.lessThanOrEqual(NEW_MODEL);
    measured.push([
      "setFeeSplit",
      await gasOf(
        settlement
          .connect(owner)
          .setFeeSplit({ treasuryBps: 500, modelBps: 2500, stakersBps: 2000, contributorsBps: 5000 }),
      ),
    ]);
    measured.push(["setTreasury", await gasOf(settlement.connect(owner).setTreasury(outsider.address))]);
  });
});
