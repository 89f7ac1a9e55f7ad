import { getAddress } from "ethers";
import type { Signer } from "ethers";
import {
  DatanetRegistry__factory,
  EpochClock__factory,
  InferenceSettlement__factory,
  ModelRegistry__factory,
  OfferingFactory__factory,
  OpenGovernor__factory,
  OpenToken__factory,
  RewardDistributor__factory,
  StakingPool__factory,
  TimelockController__factory,
} from "../typechain-types";
import type {
  DatanetRegistry,
  EpochClock,
  InferenceSettlement,
  ModelRegistry,
  OfferingFactory,
  OpenGovernor,
  OpenToken,
  RewardDistributor,
  StakingPool,
  TimelockController,
} from "../typechain-types";
import type { FeeSplitStruct } from "../typechain-types/contracts/InferenceSettlement";
import {
  DEFAULT_ADMIN_ROLE,
  DEFAULT_TIMELOCK_DELAY,
  assertGovernorWired,
  assertHandedOver,
  governanceSteps,
  handoverSteps,
} from "./governance";
import type { DeployGovernanceOptions } from "./governance";
import { DEFAULT_OFFERING_FEE_BPS, offeringSteps } from "./offering";
import { DEFAULT_EPOCH_LENGTH, DEFAULT_FEE_SPLIT, epochClockArgs, settlementArgs } from "./settlement";
import {
  DEFAULT_MAX_UNSTAKE_COOLDOWN,
  DEFAULT_REWARD_PERIOD,
  DEFAULT_UNSTAKE_COOLDOWN,
  stakingPoolArgs,
} from "./staking";
import { addressOf, callStep, creationStep, runSteps } from "./steps";
import type { Addresses, DeployStep } from "./steps";

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
  /** The protocol's fee on a successful offering's raise, in bps; defaults to {@link DEFAULT_OFFERING_FEE_BPS}. */
  offeringFeeBps?: number;
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
  /** Launches models' Initial AI Offerings; its fee and treasury belong to the timelock with `governance`. */
  offeringFactory: OfferingFactory;
  /** Owns the parameters when `governance` was asked for. */
  timelock?: TimelockController;
  governor?: OpenGovernor;
  /** The block each contract was deployed in, by name, when {@link deployProtocol} deployed it: where indexers start. */
  blocks?: Record<string, number>;
}

/** {@link DeployProtocolOptions} with every default filled in for one deployer; `genesis` may stay open. */
export interface ResolvedProtocolOptions {
  deployer: string;
  treasury: string;
  openToken?: string;
  admin: string;
  attestor: string;
  guardian: string;
  challengeWindow: bigint;
  /** Undefined: the latest block's timestamp when the clock is deployed. */
  genesis?: bigint;
  epochLength: bigint;
  feeSplit: FeeSplitStruct;
  unstakeCooldown: bigint;
  maxUnstakeCooldown: bigint;
  stakingRewardPeriod: bigint;
  offeringFeeBps: number;
  governance?: Omit<DeployGovernanceOptions, "openToken">;
}

/**
 * Fills in `options`' defaults for `deployer` and refuses, before anything is deployed, a timelock delay that does not
 * outlast the longest unstake cooldown and one key as both attestor and guardian (unless `allowSameKey`).
 */
export function resolveProtocolOptions(deployer: string, options: DeployProtocolOptions = {}): ResolvedProtocolOptions {
  const maxUnstakeCooldown = options.maxUnstakeCooldown ?? DEFAULT_MAX_UNSTAKE_COOLDOWN;
  if (options.governance) {
    assertDelayOutlastsCooldown(options.governance.minDelay ?? DEFAULT_TIMELOCK_DELAY, maxUnstakeCooldown);
  }
  const attestor = options.attestor ?? deployer;
  const guardian = options.guardian ?? deployer;
  if (attestor.toLowerCase() === guardian.toLowerCase() && options.allowSameKey !== true) {
    throw new Error(
      `deployProtocol: the attestor and the guardian are the same key (${attestor}). The guardian is the second pair ` +
        "of eyes on the attestor's reward roots: one key could propose a wrong root and never revoke it. Give " +
        "distinct `attestor` and `guardian` (both default to the deployer), or pass `allowSameKey: true` to accept " +
        "the risk (tests where roots do not matter).",
    );
  }
  assertParametersDeployable(options);
  return {
    deployer,
    treasury: options.treasury ?? deployer,
    ...(options.openToken !== undefined && { openToken: options.openToken }),
    admin: options.admin ?? deployer,
    attestor,
    guardian,
    challengeWindow: options.challengeWindow ?? DEFAULT_CHALLENGE_WINDOW,
    ...(options.genesis !== undefined && { genesis: options.genesis }),
    epochLength: options.epochLength ?? DEFAULT_EPOCH_LENGTH,
    feeSplit: options.feeSplit ?? DEFAULT_FEE_SPLIT,
    unstakeCooldown: options.unstakeCooldown ?? DEFAULT_UNSTAKE_COOLDOWN,
    maxUnstakeCooldown,
    stakingRewardPeriod: options.stakingRewardPeriod ?? DEFAULT_REWARD_PERIOD,
    offeringFeeBps: options.offeringFeeBps ?? DEFAULT_OFFERING_FEE_BPS,
    ...(options.governance && { governance: options.governance }),
  };
}

/** The contracts the protocol's parameters move to the timelock from, by step name. */
const HANDED_OVER = {
  ownables: ["clock", "staking", "settlement", "offeringFactory"],
  accessControlled: ["rewards"],
};

/**
 * The protocol's deployment as steps, each one transaction: the contracts by name ("open" unless an existing token is
 * given, "datanets", "clock", "rewards", "models", "staking", "settlement"), the pool accepting rewards from
 * settlement, the offering implementations and factory ("offeringFactory", see {@link offeringSteps}), and with
 * `governance` the timelock (and Governor) and the handover of every parameter to it. Run them
 * with the addresses of {@link givenAddresses}.
 */
export function protocolSteps(o: ResolvedProtocolOptions): DeployStep[] {
  const steps: DeployStep[] = [];
  if (o.openToken === undefined) {
    steps.push(creationStep("open", "OpenToken", OpenToken__factory, () => [o.treasury]));
  }
  steps.push(
    creationStep("datanets", "DatanetRegistry", DatanetRegistry__factory, (a) => [addressOf(a, "open")]),
    creationStep("clock", "EpochClock", EpochClock__factory, async (_, deployer) =>
      epochClockArgs(
        {
          genesis: o.genesis ?? BigInt((await deployer.provider!.getBlock("latest"))!.timestamp),
          length: o.epochLength,
        },
        o.deployer,
      ),
    ),
    creationStep("rewards", "RewardDistributor", RewardDistributor__factory, (a) => [
      addressOf(a, "open"),
      addressOf(a, "clock"),
      o.admin,
      o.attestor,
      o.guardian,
      o.challengeWindow,
    ]),
    creationStep("models", "ModelRegistry", ModelRegistry__factory, (a) => [addressOf(a, "datanets")]),
    creationStep("staking", "StakingPool", StakingPool__factory, (a) =>
      stakingPoolArgs(
        {
          openToken: addressOf(a, "open"),
          cooldown: o.unstakeCooldown,
          maxCooldown: o.maxUnstakeCooldown,
          rewardPeriod: o.stakingRewardPeriod,
        },
        o.deployer,
      ),
    ),
    creationStep("settlement", "InferenceSettlement", InferenceSettlement__factory, (a) =>
      settlementArgs(
        {
          paymentToken: addressOf(a, "open"),
          models: addressOf(a, "models"),
          clock: addressOf(a, "clock"),
          staking: addressOf(a, "staking"),
          rewards: addressOf(a, "rewards"),
          treasury: o.treasury,
          split: o.feeSplit,
        },
        o.deployer,
      ),
    ),
    callStep(
      "staking.setRewardNotifier",
      "staking",
      StakingPool__factory.createInterface(),
      "setRewardNotifier",
      (a) => [addressOf(a, "settlement")],
    ),
    ...offeringSteps({ treasury: o.treasury, feeBps: o.offeringFeeBps, owner: o.deployer }),
  );
  if (!o.governance) return steps;
  return [
    ...steps,
    ...governanceSteps(o.deployer, o.governance),
    ...handoverSteps(o.deployer, "timelock", {
      ownables: HANDED_OVER.ownables,
      accessControlled: HANDED_OVER.accessControlled.map((contract) => ({ contract, roles: [DEFAULT_ADMIN_ROLE] })),
    }),
  ];
}

/** The addresses the steps of {@link protocolSteps} start from: the existing OPEN token's, when one is given. */
export function givenAddresses(o: ResolvedProtocolOptions): Addresses {
  return o.openToken === undefined ? {} : { open: getAddress(o.openToken) };
}

/**
 * Checks what only reading back can show once every step of {@link protocolSteps} ran (the Governor's wiring and the
 * handover to the timelock) and returns the contracts, typed, connected to `runner`.
 */
export async function connectProtocol(
  runner: Signer,
  addresses: Addresses,
  o: ResolvedProtocolOptions,
): Promise<ProtocolDeployment> {
  const deployment: ProtocolDeployment = {
    open: OpenToken__factory.connect(addresses.open, runner),
    datanets: DatanetRegistry__factory.connect(addresses.datanets, runner),
    rewards: RewardDistributor__factory.connect(addresses.rewards, runner),
    models: ModelRegistry__factory.connect(addresses.models, runner),
    clock: EpochClock__factory.connect(addresses.clock, runner),
    staking: StakingPool__factory.connect(addresses.staking, runner),
    settlement: InferenceSettlement__factory.connect(addresses.settlement, runner),
    offeringFactory: OfferingFactory__factory.connect(addresses.offeringFactory, runner),
  };
  if (!o.governance) return deployment;
  if (o.governance.governor) {
    await assertGovernorWired(runner, addresses.timelock, addresses.governor, o.deployer);
  }
  await assertHandedOver(runner, o.deployer, addresses.timelock, {
    ownables: HANDED_OVER.ownables.map((name) => addresses[name]),
    accessControlled: HANDED_OVER.accessControlled.map((name) => ({
      contract: addresses[name],
      roles: [DEFAULT_ADMIN_ROLE],
    })),
  });
  return {
    ...deployment,
    timelock: TimelockController__factory.connect(addresses.timelock, runner),
    ...(o.governance.governor && { governor: OpenGovernor__factory.connect(addresses.governor, runner) }),
  };
}

/**
 * Deploys the protocol with `deployer`: the OPEN token (unless an existing one is given), the Datanet and model
 * registries, the epoch clock, the reward distributor, the staking pool, inference settlement and the offering
 * factory, wired together (the pool accepts rewards from settlement only), and with `governance` the timelock that then owns every
 * parameter. Test fixtures, the demo and `npm run deploy` (which records each step, see {@link protocolSteps}) reuse
 * this, so what is tested is what is deployed. Throws before deploying anything when the attestor and the guardian
 * are one key, unless `allowSameKey`.
 */
export async function deployProtocol(
  deployer: Signer,
  options: DeployProtocolOptions = {},
): Promise<ProtocolDeployment> {
  const resolved = resolveProtocolOptions(await deployer.getAddress(), options);
  const blocks: Record<string, number> = {};
  const addresses = await runSteps(deployer, protocolSteps(resolved), {
    addresses: givenAddresses(resolved),
    onMined: (record) => {
      if (record.address !== undefined) blocks[record.name] = record.block;
    },
  });
  return { ...(await connectProtocol(deployer, addresses, resolved)), blocks };
}

/** The bounds the constructors check, mirrored so that a wrong value is refused before the first step is sent. */
const MAX_UINT64 = 2n ** 64n - 1n;
const EPOCH_LENGTH_BOUNDS = [3_600n, 365n * 86_400n] as const;
const MAX_CHALLENGE_WINDOW = 2n ** 32n - 1n;

/**
 * Throws, before anything is deployed, for a parameter a constructor would revert on: a zero address, a genesis past
 * uint64, an epoch length outside EpochClock's bounds, a challenge window of zero or past uint32. The contracts are
 * deployed one transaction at a time, so a revert at the fifth would leave four sent for nothing.
 */
function assertParametersDeployable(o: DeployProtocolOptions): void {
  for (const role of ["treasury", "openToken", "admin", "attestor", "guardian"] as const) {
    if (o[role] !== undefined && BigInt(o[role]) === 0n) {
      throw new Error(`deployProtocol: the ${role} is the zero address. Give an account or leave it to the default.`);
    }
  }
  if (o.genesis !== undefined && (o.genesis < 0n || o.genesis > MAX_UINT64)) {
    throw new Error(`deployProtocol: the genesis ${o.genesis} is not a uint64 unix time. Give seconds since 1970.`);
  }
  const [minLength, maxLength] = EPOCH_LENGTH_BOUNDS;
  if (o.epochLength !== undefined && (o.epochLength < minLength || o.epochLength > maxLength)) {
    throw new Error(
      `deployProtocol: the epoch length ${o.epochLength} s is outside ${minLength} s to ${maxLength} s. EpochClock refuses it.`,
    );
  }
  if (o.challengeWindow !== undefined && (o.challengeWindow < 1n || o.challengeWindow > MAX_CHALLENGE_WINDOW)) {
    throw new Error(
      `deployProtocol: the challenge window ${o.challengeWindow} s is outside 1 s to ${MAX_CHALLENGE_WINDOW} s. RewardDistributor refuses it.`,
    );
  }
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
