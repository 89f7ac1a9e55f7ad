import type { Signer } from "ethers";
import { StakingPool__factory } from "../typechain-types";
import type { StakingPool } from "../typechain-types";

/** The staking pool's default unstake cooldown: seven days, in seconds. */
export const DEFAULT_UNSTAKE_COOLDOWN = 604_800n;

/**
 * The staking pool's default maximum cooldown: the default cooldown itself, so that governance can never make stakers
 * wait longer than a week, and a timelock delay of a week plus a margin lets every staker leave before a change runs.
 */
export const DEFAULT_MAX_UNSTAKE_COOLDOWN = DEFAULT_UNSTAKE_COOLDOWN;

/** The staking pool's default reward period: one day, in seconds. What is notified during a day streams over the next. */
export const DEFAULT_REWARD_PERIOD = 86_400n;

/** Options of {@link deployStakingPool}. */
export interface DeployStakingPoolOptions {
  /** The OPEN token, staked and paid as rewards. */
  openToken: string;
  /**
   * Sets the cooldown and the reward notifier, sweeps undistributed rewards and recovers excess OPEN; defaults to the
   * deployer.
   */
  owner?: string;
  /** Seconds from an unstake request to its withdrawal; defaults to {@link DEFAULT_UNSTAKE_COOLDOWN}. */
  cooldown?: bigint;
  /** The longest cooldown the owner may ever set (at most 90 days); defaults to {@link DEFAULT_MAX_UNSTAKE_COOLDOWN}. */
  maxCooldown?: bigint;
  /** Seconds per reward period (1 hour to 30 days); defaults to {@link DEFAULT_REWARD_PERIOD}. */
  rewardPeriod?: bigint;
}

/** The staking pool's constructor arguments; `deployer` owns it unless `options.owner` is given. */
export function stakingPoolArgs(options: DeployStakingPoolOptions, deployer: string) {
  return [
    options.openToken,
    options.owner ?? deployer,
    options.cooldown ?? DEFAULT_UNSTAKE_COOLDOWN,
    options.maxCooldown ?? DEFAULT_MAX_UNSTAKE_COOLDOWN,
    options.rewardPeriod ?? DEFAULT_REWARD_PERIOD,
  ] as const;
}

/**
 * Deploys the staking pool with `deployer`. Its reward notifier (the settlement contract, deployed later) is set
 * afterwards by the owner with `setRewardNotifier`; until then no reward can be notified.
 */
export async function deployStakingPool(deployer: Signer, options: DeployStakingPoolOptions): Promise<StakingPool> {
  const args = stakingPoolArgs(options, await deployer.getAddress());
  return (await new StakingPool__factory(deployer).deploy(...args)).waitForDeployment();
}
