import type { Signer } from "ethers";
import { DatanetRegistry__factory, OpenToken__factory, RewardDistributor__factory } from "../typechain-types";
import type {
  DatanetRegistry,
  EpochClock,
  InferenceSettlement,
  ModelRegistry,
  OpenGovernor,
  OpenToken,
  RewardDistributor,
  StakingPool,
  TimelockController,
} from "../typechain-types";
import type { FeeSplitStruct } from "../typechain-types/contracts/InferenceSettlement";
import { DEFAULT_TIMELOCK_DELAY, deployGovernance, handOverToTimelock } from "./governance";
import type { DeployGovernanceOptions } from "./governance";
import { deployModelRegistry } from "./models";
import { DEFAULT_EPOCH_LENGTH, deployEpochClock, deploySettlement } from "./settlement";
import { DEFAULT_MAX_UNSTAKE_COOLDOWN, deployStakingPool } from "./staking";

/** The reward distributor's default challenge window: one day to spot and revoke a wrong root. */
export const DEFAULT_CHALLENGE_WINDOW = 86_400n;

/**
 * How much longer than the staking pool's longest cooldown the timelock's delay must be: two days to notice a
 * scheduled change, request an unstake and get it mined, so that stakers can always leave before a change runs.
 */
export const TIMELOCK_COOLDOWN_MARGIN = 2n * 86_400n;

/** Options of {@link deployProtocol}. */
export interface DeployProtocolOptions {
  /** Receives the whole OPEN supply when a new token is deployed, and the protocol's fee share; defaults to the deployer. */
  treasury?: string;
  /** Use an already deployed OPEN token instead of deploying one. */
  openToken?: string;
  /** Holds the reward distributor's admin role (challenge window, roles); defaults to the deployer. */
  admin?: string;
  /** Proposes reward roots; defaults to the deployer. */
  attestor?: string;
  /** May revoke a pending reward root; defaults to the deployer. Must differ from the attestor unless `allowSameKey`. */
  guardian?: string;
  /**
   * Let one key be both attestor and guardian (refused otherwise, before anything is deployed): the guardian is the
   * check on the attestor's roots, and a single key could propose a wrong root and never revoke it. For tests where
   * roots do not matter.
   */
  allowSameKey?: boolean;
  /** Seconds from a reward root's proposal to its earliest acceptance; defaults to {@link DEFAULT_CHALLENGE_WINDOW}. */
  challengeWindow?: bigint;
  /** When epoch 1 starts (unix seconds); defaults to the latest block's timestamp. */
  genesis?: bigint;
  /** Seconds per epoch; defaults to a week. */
  epochLength?: bigint;
  /** How inference fees are shared; defaults to 10% treasury, 20% model, 20% stakers, 50% contributors. */
  feeSplit?: FeeSplitStruct;
  /** Seconds from an unstake request to its withdrawal; defaults to a week. */
  unstakeCooldown?: bigint;
  /** The longest unstake cooldown governance may ever set; defaults to a week. */
  maxUnstakeCooldown?: bigint;
  /** Seconds over which the staking pool streams what was notified during the previous period; defaults to a day. */
  stakingRewardPeriod?: bigint;
  /**
   * Hand every parameter (epoch length, fee split and treasury, unstake cooldown, the distributor's challenge window
   * and roles) to a TimelockController, optionally driven by an OPEN-votes Governor. Without it the deployer keeps
   * them, as tests need. Requires `admin` to be the deployer (the default), and a delay at least
   * {@link TIMELOCK_COOLDOWN_MARGIN} longer than `maxUnstakeCooldown`.
   */
  governance?: Omit<DeployGovernanceOptions, "openToken">;
}

/** The deployed protocol contracts, typed. */
export interface ProtocolDeployment {
  open: OpenToken;
  datanets: DatanetRegistry;
  rewards: RewardDistributor;
  models: ModelRegistry;
  clock: EpochClock;
  staking: StakingPool;
  settlement: InferenceSettlement;
  /** Owns the parameters when `governance` was asked for. */
  timelock?: TimelockController;
  governor?: OpenGovernor;
}

/**
 * Deploys the protocol with `deployer`: the OPEN token (unless an existing one is given), the Datanet and model
 * registries, the epoch clock, the reward distributor, the staking pool and inference settlement, wired together
 * (the pool accepts rewards from settlement only), and with `governance` the timelock that then owns every
 * parameter. Test fixtures and the demo reuse this, so what is tested is what is deployed. Throws before deploying
 * anything when the attestor and the guardian are one key, unless `allowSameKey`.
 */
export async function deployProtocol(
  deployer: Signer,
  options: DeployProtocolOptions = {},
): Promise<ProtocolDeployment> {
  const maxUnstakeCooldown = options.maxUnstakeCooldown ?? DEFAULT_MAX_UNSTAKE_COOLDOWN;
  if (options.governance) {
    assertDelayOutlastsCooldown(options.governance.minDelay ?? DEFAULT_TIMELOCK_DELAY, maxUnstakeCooldown);
  }
  const deployerAddress = await deployer.getAddress();
  const attestor = options.attestor ?? deployerAddress;
  const guardian = options.guardian ?? deployerAddress;
  if (attestor.toLowerCase() === guardian.toLowerCase() && options.allowSameKey !== true) {
    throw new Error(
      `deployProtocol: the attestor and the guardian are the same key (${attestor}). The guardian is the second pair ` +
        "of eyes on the attestor's reward roots: one key could propose a wrong root and never revoke it. Give " +
        "distinct `attestor` and `guardian` (both default to the deployer), or pass `allowSameKey: true` to accept " +
        "the risk (tests where roots do not matter).",
    );
  }
  const treasury = options.treasury ?? deployerAddress;
  const open = options.openToken
    ? OpenToken__factory.connect(options.openToken, deployer)
    : await (await new OpenToken__factory(deployer).deploy(treasury)).waitForDeployment();
  const openAddress = await open.getAddress();
  const datanets = await (await new DatanetRegistry__factory(deployer).deploy(openAddress)).waitForDeployment();
  const genesis = options.genesis ?? BigInt((await deployer.provider!.getBlock("latest"))!.timestamp);
  const clock = await deployEpochClock(deployer, { genesis, length: options.epochLength ?? DEFAULT_EPOCH_LENGTH });
  const rewards = await (
    await new RewardDistributor__factory(deployer).deploy(
      openAddress,
      await clock.getAddress(),
      options.admin ?? deployerAddress,
      attestor,
      guardian,
      options.challengeWindow ?? DEFAULT_CHALLENGE_WINDOW,
    )
  ).waitForDeployment();
  const models = await deployModelRegistry(deployer, await datanets.getAddress());
  const staking = await deployStakingPool(deployer, {
    openToken: openAddress,
    cooldown: options.unstakeCooldown,
    maxCooldown: maxUnstakeCooldown,
    rewardPeriod: options.stakingRewardPeriod,
  });
  const settlement = await deploySettlement(deployer, {
    paymentToken: openAddress,
    models: await models.getAddress(),
    clock: await clock.getAddress(),
    staking: await staking.getAddress(),
    rewards: await rewards.getAddress(),
    treasury,
    split: options.feeSplit,
  });
  await (await staking.setRewardNotifier(await settlement.getAddress())).wait();

  const deployment: ProtocolDeployment = { open, datanets, rewards, models, clock, staking, settlement };
  if (!options.governance) return deployment;
  const { timelock, governor } = await deployGovernance(deployer, { ...options.governance, openToken: openAddress });
  await handOverToTimelock(deployer, timelock, {
    ownables: [clock, staking, settlement],
    accessControlled: [{ contract: rewards }],
  });
  return { ...deployment, timelock, governor };
}

/**
 * Throws, before anything is deployed, when a change scheduled in the timelock could run before a staker who saw it
 * scheduled could leave: the delay must be at least the pool's longest cooldown plus {@link TIMELOCK_COOLDOWN_MARGIN}.
 */
function assertDelayOutlastsCooldown(minDelay: bigint, maxCooldown: bigint): void {
  const needed = maxCooldown + TIMELOCK_COOLDOWN_MARGIN;
  if (minDelay < needed) {
    throw new Error(
      `deployProtocol: a timelock delay of ${minDelay} s is shorter than the staking pool's longest cooldown ` +
        `(${maxCooldown} s) plus a margin of ${TIMELOCK_COOLDOWN_MARGIN} s, so a scheduled change could run before ` +
        `stakers who saw it could unstake and withdraw. Give governance.minDelay of at least ${needed} s, or a ` +
        "shorter maxUnstakeCooldown.",
    );
  }
}
