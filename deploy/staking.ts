import type { Signer } from "ethers";
import { StakingPool__factory } from "../typechain-types";
import type { StakingPool } from "../typechain-types";

/** The staking pool's default unstake cooldown: seven days, in seconds. */
export const DEFAULT_UNSTAKE_COOLDOWN = 604_800n;

/** Options of {@link deployStakingPool}. */
export interface DeployStakingPoolOptions {
  /** The OPEN token, staked and paid as rewards. */
  openToken: string;
  /** Sets the cooldown and the reward notifier and sweeps undistributed rewards; defaults to the deployer. */
  owner?: string;
  /** Seconds from an unstake request to its withdrawal; defaults to {@link DEFAULT_UNSTAKE_COOLDOWN}. */
  cooldown?: bigint;
}

/**
 * Deploys the staking pool with `deployer`. Its reward notifier (the settlement contract, deployed later) is set
 * afterwards by the owner with `setRewardNotifier`; until then no reward can be notified.
 */
export async function deployStakingPool(deployer: Signer, options: DeployStakingPoolOptions): Promise<StakingPool> {
  const owner = options.owner ?? (await deployer.getAddress());
  return (
    await new StakingPool__factory(deployer).deploy(
      options.openToken,
      owner,
      options.cooldown ?? DEFAULT_UNSTAKE_COOLDOWN,
    )
  ).waitForDeployment();
}
