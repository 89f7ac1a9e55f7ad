import type { Signer } from "ethers";
import { EpochClock__factory, InferenceSettlement__factory } from "../typechain-types";
import type { EpochClock, InferenceSettlement } from "../typechain-types";
import type { FeeSplitStruct } from "../typechain-types/contracts/InferenceSettlement";

/** The default fee split: 10% treasury, 20% model, 20% stakers, 50% contributors. */
export const DEFAULT_FEE_SPLIT = { treasuryBps: 1000, modelBps: 2000, stakersBps: 2000, contributorsBps: 5000 };

/** The default epoch length: one week, in seconds. */
export const DEFAULT_EPOCH_LENGTH = 7n * 86_400n;

/** Options of {@link deployEpochClock}. */
export interface DeployEpochClockOptions {
  /** When epoch 1 starts (unix seconds). */
  genesis: bigint;
  /** Seconds per epoch, between one hour and 365 days; {@link DEFAULT_EPOCH_LENGTH} is a week. */
  length: bigint;
  /** May change the epoch length (the governance timelock); defaults to the deployer. */
  owner?: string;
}

/** Options of {@link deploySettlement}. */
export interface DeploySettlementOptions {
  /** OPEN, in which fees are paid. */
  paymentToken: string;
  /** The model registry. */
  models: string;
  /** The epoch clock. */
  clock: string;
  /** The staking pool; it must then accept the settlement as its reward notifier. */
  staking: string;
  /** The reward distributor funded with the contributors' share. */
  rewards: string;
  /** Receives the treasury's share. */
  treasury: string;
  /** Defaults to {@link DEFAULT_FEE_SPLIT}. */
  split?: FeeSplitStruct;
  /** Sets the split and the treasury (the governance timelock); defaults to the deployer. */
  owner?: string;
}

/** The epoch clock's constructor arguments; `deployer` owns it unless `options.owner` is given. */
export function epochClockArgs(options: DeployEpochClockOptions, deployer: string): [bigint, bigint, string] {
  return [options.genesis, options.length, options.owner ?? deployer];
}

/** Deploys the protocol's epoch clock with `deployer`. */
export async function deployEpochClock(deployer: Signer, options: DeployEpochClockOptions): Promise<EpochClock> {
  const args = epochClockArgs(options, await deployer.getAddress());
  return (await new EpochClock__factory(deployer).deploy(...args)).waitForDeployment();
}

/** Inference settlement's constructor arguments; `deployer` owns it unless `options.owner` is given. */
export function settlementArgs(options: DeploySettlementOptions, deployer: string) {
  return [
    options.paymentToken,
    options.models,
    options.clock,
    options.staking,
    options.rewards,
    options.treasury,
    options.split ?? DEFAULT_FEE_SPLIT,
    options.owner ?? deployer,
  ] as const;
}

/**
 * Deploys inference settlement with `deployer`. The staking pool must be told separately to accept it as its reward
 * notifier (`setRewardNotifier`), by the pool's owner.
 */
export async function deploySettlement(
  deployer: Signer,
  options: DeploySettlementOptions,
): Promise<InferenceSettlement> {
  const args = settlementArgs(options, await deployer.getAddress());
  return (await new InferenceSettlement__factory(deployer).deploy(...args)).waitForDeployment();
}
