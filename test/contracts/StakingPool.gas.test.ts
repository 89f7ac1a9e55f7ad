import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DEFAULT_REWARD_PERIOD } from "../../deploy/staking";
import { COOLDOWN, stakingFixture } from "../fixtures/staking";
import { gasOf, gasTable } from "../helpers/gas";

/**
 * Goals, tightened to the measured figures plus a margin; whole transactions, the 21,000 base included. A first stake
 * creates the account's slot (and, the first time ever, the pool's OPEN balance). A stake brings the stream up to date
 * first (three global slots) and adds to the principal (a fourth).
 */
const FIRST_STAKE_GOAL = 110_000n;
const STEADY_STAKE_GOAL = 85_000n;
/** What the first update of a period adds to it, once per period: the notified total read, the new rate, an event. */
const ROLL_GOAL = 10_000n;
const NOTIFY_GOAL = 37_000n;
/**
 * The target for notifyReward's own execution (no base, no calldata), as inside a settlement. Called directly
 * it also pays for the cold token account and the pool's cold balance slot (4,600 gas) that a settlement has warmed.
 */
const NOTIFY_EXECUTION_GOAL = 15_000n;
const E18 = 10n ** 18n;
const HOUR = 3_600n;

/** Calldata gas of a transaction (EIP-2028: 4 per zero byte, 16 per other byte). */
function calldataGas(data: string): bigint {
  let gas = 0n;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4n : 16n;
  return gas;
}

describe("StakingPool gas", function () {
  const measured = gasTable();

  it("keeps stake within 110,000 gas (85,000 steady, a period's start 10,000 more) and notifyReward within 37,000", async function () {
    const { pool, open, notifier, alice, bob, notify } = await loadFixture(stakingFixture);
    /** Sends the next transaction `seconds` after the latest block, so that the stream has moved. */
    const after = (seconds: bigint) => time.increase(seconds - 1n);
    // The fixture approved a finite allowance, so every stake also updates it (as after the SDK's approval).
    const firstEver = await gasOf(pool.connect(alice).stake(100n * E18));
    measured.push(["stake: first ever (the pool's OPEN balance created too)", firstEver]);
    const firstForAccount = await gasOf(pool.connect(bob).stake(50n * E18));
    measured.push(["stake: first for the account", firstForAccount]);

    await notify(3n * E18);
    await time.increaseTo(await pool.periodEnd());
    await after(HOUR);
    const firstCredit = await gasOf(pool.connect(alice).stake(10n * E18));
    measured.push(["stake: first rewards credited, first update of the period", firstCredit]);
    await notify(2n * E18);
    await after(HOUR);
    const steady = await gasOf(pool.connect(alice).stake(10n * E18));
    measured.push(["stake: steady state (rewards credited before and now)", steady]);
    await time.increaseTo(await pool.periodEnd());
    await after(HOUR);
    const rolling = await gasOf(pool.connect(alice).stake(10n * E18));
    measured.push(["stake: the same, first update of the period", rolling]);
    measured.push(["  of which starting the period (once per period)", rolling - steady]);
    await time.increaseTo((await pool.periodEnd()) + DEFAULT_REWARD_PERIOD);
    const idle = await gasOf(pool.connect(alice).stake(10n * E18));
    measured.push(["stake: first update after a whole period passed, none queued", idle]);

    // What the settlement contract does: transfer an odd amount, then notify it.
    await open.connect(notifier).transfer(await pool.getAddress(), 7n * E18 + 12_345n);
    const sent = pool.connect(notifier).notifyReward(7n * E18 + 12_345n);
    const data = (await sent).data;
    const notifyGas = await gasOf(sent);
    const notifyExecution = notifyGas - 21_000n - calldataGas(data);
    measured.push(["notifyReward: steady state", notifyGas]);
    measured.push(["  of which execution (no base, no calldata)", notifyExecution]);

    for (const gas of [firstEver, firstForAccount, firstCredit]) expect(gas).to.be.lessThanOrEqual(FIRST_STAKE_GOAL);
    expect(steady).to.be.lessThanOrEqual(STEADY_STAKE_GOAL);
    for (const gas of [rolling, idle]) expect(gas - steady).to.be.lessThanOrEqual(ROLL_GOAL);
    expect(notifyGas).to.be.lessThanOrEqual(NOTIFY_GOAL);
    expect(notifyExecution).to.be.lessThanOrEqual(NOTIFY_EXECUTION_GOAL);
  });

  it("measures notifications, unstaking, withdrawal, claims, a sweep and a recovery", async function () {
    const { pool, open, owner, notifier, alice, bob, notify, poolAddress } = await loadFixture(stakingFixture);
    await open.connect(notifier).transfer(poolAddress, 2n * E18);
    measured.push(["notifyReward: first ever", await gasOf(pool.connect(notifier).notifyReward(E18))]);
    await pool.connect(alice).stake(100n * E18);
    await pool.connect(bob).stake(100n * E18);
    measured.push(["notifyReward: again", await gasOf(pool.connect(notifier).notifyReward(E18))]);
    await notify(5n * E18);
    await time.increaseTo((await pool.periodEnd()) + HOUR);
    measured.push([
      "requestUnstake: first (rewards credited, first update of the period)",
      await gasOf(pool.connect(alice).requestUnstake(40n * E18)),
    ]);
    await time.increase(HOUR);
    measured.push([
      "requestUnstake: again (restarts the cooldown)",
      await gasOf(pool.connect(alice).requestUnstake(10n * E18)),
    ]);
    await time.increase(COOLDOWN);
    measured.push(["withdraw", await gasOf(pool.connect(alice).withdraw())]);
    measured.push(["claimRewards: credited and new rewards", await gasOf(pool.connect(alice).claimRewards())]);
    await notify(5n * E18);
    await time.increaseTo((await pool.periodEnd()) + HOUR);
    measured.push([
      "claimRewards: first claim, first update of the period",
      await gasOf(pool.connect(bob).claimRewards()),
    ]);
    await time.increase(HOUR);
    measured.push(["claimRewards: steady state (new rewards only)", await gasOf(pool.connect(alice).claimRewards())]);
    await time.increase(DEFAULT_REWARD_PERIOD);
    measured.push(["sweepUndistributed", await gasOf(pool.connect(owner).sweepUndistributed(owner.address))]);
    await open.transfer(poolAddress, E18);
    measured.push(["recoverExcess", await gasOf(pool.connect(owner).recoverExcess(owner.address))]);
  });
});
