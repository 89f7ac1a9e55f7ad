import { ZeroAddress, ZeroHash, getAddress, hexlify, id, resolveAddress } from "ethers";
import type { AddressLike, BytesLike, ContractRunner, Signer } from "ethers";
import {
  IAccessControl__factory,
  IERC6372__factory,
  OpenGovernor__factory,
  Ownable__factory,
  TimelockController__factory,
} from "../typechain-types";
import type { OpenGovernor, TimelockController } from "../typechain-types";
import { addressOf, callStep, creationStep, runSteps } from "./steps";
import type { DeployStep } from "./steps";

/**
 * Seconds a scheduled change waits in the timelock before it can run (the timelock's clock is block time): nine days,
 * the staking pool's default longest cooldown (seven days) plus the two-day margin `deployProtocol` requires, so that
 * stakers who see a change scheduled can leave before it runs.
 */
export const DEFAULT_TIMELOCK_DELAY = 9n * 86_400n;

/** The clock mode of OPEN's ERC20Votes (and so of the Governor, which reads its token's clock): block numbers. */
export const BLOCK_NUMBER_CLOCK_MODE = "mode=blocknumber&from=default";

/** DEFAULT_ADMIN_ROLE of OpenZeppelin's AccessControl: the role that grants and revokes every role by default. */
export const DEFAULT_ADMIN_ROLE = ZeroHash;

/**
 * Settings of the optional Governor. Delay and period are in the votes token's clock units: blocks for OPEN (see
 * {@link BLOCK_NUMBER_CLOCK_MODE}); the threshold is in token units (wei of OPEN).
 */
export interface GovernorOptions {
  /** Blocks from a proposal to the start of its vote (snapshot of voting power); defaults to about one day. */
  votingDelay?: number;
  /** Blocks the vote stays open; defaults to about one week. */
  votingPeriod?: number;
  /** Votes (wei of OPEN, delegated) an account needs to propose. */
  proposalThreshold?: bigint;
  /** Percent of the supply at the snapshot that must vote for or abstain for a proposal to pass. */
  quorumPercent?: number;
}

/**
 * Governor defaults for OPEN, at 12-second blocks: one day of notice before a vote, a week to vote, 0.1% of the supply
 * (1,000,000 OPEN of delegated votes) to propose, and a 4% quorum.
 */
export const DEFAULT_GOVERNOR_SETTINGS: Readonly<Required<GovernorOptions>> = {
  votingDelay: 7_200,
  votingPeriod: 50_400,
  proposalThreshold: 1_000_000n * 10n ** 18n,
  quorumPercent: 4,
};

/** Options of {@link deployGovernance}. */
export interface DeployGovernanceOptions {
  /** The OPEN token (ERC20Votes) the Governor counts votes with. */
  openToken: string;
  /** Seconds between scheduling and executing a change; defaults to {@link DEFAULT_TIMELOCK_DELAY}. */
  minDelay?: bigint;
  /** Who may schedule and cancel changes; defaults to the deployer. Refused with a Governor, the only proposer. */
  proposers?: string[];
  /** Who may execute ready changes; the zero address means anyone. Defaults to anyone with a Governor, else the deployer. */
  executors?: string[];
  /** Also deploy an {@link OpenGovernor} that proposes through the timelock, with these settings. Off by default. */
  governor?: false | GovernorOptions;
}

/** What {@link deployGovernance} deployed. */
export interface GovernanceDeployment {
  timelock: TimelockController;
  governor?: OpenGovernor;
}

/** Anything {@link handOverToTimelock} can find a contract by: an address, or a contract object. */
export type ContractRef = AddressLike;

/** An AccessControl contract to hand over, and which of the deployer's roles move to the timelock. */
export interface AccessControlHandover {
  contract: ContractRef;
  /**
   * Roles moved from the deployer to the timelock; defaults to [{@link DEFAULT_ADMIN_ROLE}]. Roles not listed
   * (operational ones such as ATTESTOR_ROLE or GUARDIAN_ROLE) stay with whoever holds them.
   */
  roles?: BytesLike[];
}

/** The contracts {@link handOverToTimelock} hands over. */
export interface HandoverTargets {
  /** OpenZeppelin `Ownable` contracts owned by the deployer: ownership moves to the timelock. */
  ownables?: ContractRef[];
  /** OpenZeppelin `AccessControl` contracts: the listed roles move from the deployer to the timelock. */
  accessControlled?: AccessControlHandover[];
}

/** A handover was refused before any transaction (the deployer lacks what it would hand over) or did not take. */
export class HandoverError extends Error {
  /**
   * @param problems One line per contract and owner or role that is wrong.
   * @param sent Whether handover transactions were sent (false: refused up front, nothing changed).
   */
  constructor(
    readonly problems: string[],
    readonly sent: boolean,
  ) {
    super(
      (sent
        ? "The handover to the timelock did not take:\n"
        : "Nothing was handed over to the timelock (no transaction sent):\n") +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "HandoverError";
  }
}

/** The timelock's proposer role (OpenZeppelin's `keccak256("PROPOSER_ROLE")`). */
const PROPOSER_ROLE = id("PROPOSER_ROLE");

/** The timelock's canceller role (OpenZeppelin's `keccak256("CANCELLER_ROLE")`). */
const CANCELLER_ROLE = id("CANCELLER_ROLE");

/**
 * The steps of {@link deployGovernance}: the timelock ("timelock") and, with a Governor, the Governor ("governor") and
 * the timelock's proposer and canceller roles moving to it before the deployer renounces the admin role. The token
 * is `addresses[token]`. Throws for proposers given alongside a Governor; the timelock's step checks the token's
 * clock when a Governor would need block-count defaults.
 */
export function governanceSteps(
  deployerAddress: string,
  options: Omit<DeployGovernanceOptions, "openToken">,
  token = "open",
): DeployStep[] {
  const minDelay = options.minDelay ?? DEFAULT_TIMELOCK_DELAY;
  if (!options.governor) {
    return [
      creationStep("timelock", "TimelockController", TimelockController__factory, () => [
        minDelay,
        options.proposers ?? [deployerAddress],
        options.executors ?? [deployerAddress],
        ZeroAddress,
      ]),
    ];
  }
  if (options.proposers) {
    throw new Error(
      "deployGovernance: proposers cannot be given with a governor, which is the timelock's only proposer.",
    );
  }
  const { votingDelay, votingPeriod } = options.governor;
  const settings = { ...DEFAULT_GOVERNOR_SETTINGS, ...options.governor };
  const timelock = TimelockController__factory.createInterface();
  return [
    // The deployer administers the timelock only until the Governor, which needs the timelock's address, exists.
    creationStep("timelock", "TimelockController", TimelockController__factory, async (a, deployer) => {
      const clockMode = await IERC6372__factory.connect(addressOf(a, token), deployer).CLOCK_MODE();
      if (clockMode !== BLOCK_NUMBER_CLOCK_MODE && (votingDelay === undefined || votingPeriod === undefined)) {
        throw new Error(
          `deployGovernance: the token's clock is "${clockMode}", not block numbers, so the default voting delay ` +
            "and period (in blocks) do not apply; give votingDelay and votingPeriod in the token's clock units.",
        );
      }
      return [minDelay, [], options.executors ?? [ZeroAddress], deployerAddress];
    }),
    creationStep("governor", "OpenGovernor", OpenGovernor__factory, (a) => [
      addressOf(a, token),
      addressOf(a, "timelock"),
      settings.votingDelay,
      settings.votingPeriod,
      settings.proposalThreshold,
      settings.quorumPercent,
    ]),
    callStep("timelock.grantProposer", "timelock", timelock, "grantRole", (a) => [
      PROPOSER_ROLE,
      addressOf(a, "governor"),
    ]),
    callStep("timelock.grantCanceller", "timelock", timelock, "grantRole", (a) => [
      CANCELLER_ROLE,
      addressOf(a, "governor"),
    ]),
    callStep("timelock.renounceAdmin", "timelock", timelock, "renounceRole", () => [
      DEFAULT_ADMIN_ROLE,
      deployerAddress,
    ]),
  ];
}

/** Throws unless the timelock at `timelock` is wired to the Governor at `governor` and the deployer left it. */
export async function assertGovernorWired(
  runner: ContractRunner,
  timelock: string,
  governor: string,
  deployerAddress: string,
): Promise<void> {
  const contract = TimelockController__factory.connect(timelock, runner);
  const wired =
    (await contract.hasRole(PROPOSER_ROLE, governor)) &&
    (await contract.hasRole(CANCELLER_ROLE, governor)) &&
    !(await contract.hasRole(DEFAULT_ADMIN_ROLE, deployerAddress));
  if (!wired) throw new Error(`deployGovernance: timelock ${timelock} is not wired to its governor.`);
}

/**
 * Deploys the TimelockController that owns the protocol's parameters and, with `options.governor`, an
 * {@link OpenGovernor} voting with OPEN. With a Governor, the Governor is the only proposer and canceller and executors
 * default to anyone; without, proposers and executors default to the deployer. Either way the timelock administers
 * itself: the deployer keeps no admin role, so every later change of roles goes through the timelock's delay.
 */
export async function deployGovernance(
  deployer: Signer,
  options: DeployGovernanceOptions,
): Promise<GovernanceDeployment> {
  const deployerAddress = await deployer.getAddress();
  const addresses = await runSteps(deployer, governanceSteps(deployerAddress, options), {
    addresses: { open: options.openToken },
  });
  const timelock = TimelockController__factory.connect(addresses.timelock, deployer);
  if (!options.governor) return { timelock };
  await assertGovernorWired(deployer, addresses.timelock, addresses.governor, deployerAddress);
  return { timelock, governor: OpenGovernor__factory.connect(addresses.governor, deployer) };
}

/** {@link HandoverTargets} by address, with the roles of each AccessControl contract spelled out. */
export interface ResolvedHandoverTargets {
  ownables: string[];
  accessControlled: { contract: string; roles: string[] }[];
}

/** What {@link handOverToTimelock} moves, by address. */
export async function resolveHandoverTargets(targets: HandoverTargets): Promise<ResolvedHandoverTargets> {
  return {
    ownables: await Promise.all((targets.ownables ?? []).map(async (c) => getAddress(await resolveAddress(c)))),
    accessControlled: await Promise.all(
      (targets.accessControlled ?? []).map(async ({ contract, roles }) => ({
        contract: getAddress(await resolveAddress(contract)),
        roles: (roles ?? [DEFAULT_ADMIN_ROLE]).map((r) => hexlify(r)),
      })),
    ),
  };
}

/** A role's name in a step's name: "admin" for DEFAULT_ADMIN_ROLE, else the role itself. */
const roleLabel = (role: string) => (role === DEFAULT_ADMIN_ROLE ? "admin" : role);

/**
 * The handover's transactions as steps: ownership of each `Ownable` to `addresses[timelock]`, then for each
 * AccessControl contract every role granted to it before any is renounced (renouncing the admin role first would
 * leave nobody able to grant). The targets are keys of the addresses the steps are run with.
 */
export function handoverSteps(
  deployerAddress: string,
  timelock: string,
  targets: ResolvedHandoverTargets,
): DeployStep[] {
  const ownable = Ownable__factory.createInterface();
  const accessControl = IAccessControl__factory.createInterface();
  return [
    ...targets.ownables.map((target) =>
      callStep(`${target}.transferOwnership`, target, ownable, "transferOwnership", (a) => [addressOf(a, timelock)]),
    ),
    ...targets.accessControlled.flatMap(({ contract, roles }) => [
      ...roles.map((role) =>
        callStep(`${contract}.grantRole.${roleLabel(role)}`, contract, accessControl, "grantRole", (a) => [
          role,
          addressOf(a, timelock),
        ]),
      ),
      ...roles.map((role) =>
        callStep(`${contract}.renounceRole.${roleLabel(role)}`, contract, accessControl, "renounceRole", () => [
          role,
          deployerAddress,
        ]),
      ),
    ]),
  ];
}

/**
 * Reads every owner and role of a handover back; throws {@link HandoverError} (sent) listing what did not move from
 * `deployerAddress` to `timelock`. `targets` are addresses.
 */
export async function assertHandedOver(
  runner: ContractRunner,
  deployerAddress: string,
  timelock: string,
  targets: ResolvedHandoverTargets,
): Promise<void> {
  const failed: string[] = [];
  for (const target of targets.ownables) {
    const owner = await Ownable__factory.connect(target, runner).owner();
    if (owner !== timelock) {
      failed.push(
        `${target}: owner() is ${owner}, not the timelock ${timelock} ` +
          "(an Ownable2Step contract only nominates the new owner: the timelock must call acceptOwnership())",
      );
    }
  }
  for (const { contract, roles } of targets.accessControlled) {
    const controlled = IAccessControl__factory.connect(contract, runner);
    for (const role of roles) {
      if (!(await controlled.hasRole(role, timelock))) failed.push(`${contract}: timelock lacks role ${role}`);
      if (await controlled.hasRole(role, deployerAddress))
        failed.push(`${contract}: deployer still holds role ${role}`);
    }
  }
  if (failed.length > 0) throw new HandoverError(failed, true);
}

/**
 * Hands the deployer's control of protocol contracts to `timelock`: `Ownable` ownership is transferred, and for
 * `AccessControl` contracts the listed roles (DEFAULT_ADMIN_ROLE by default) are granted to the timelock and then
 * renounced by the deployer. Checks first that the deployer holds everything it would hand over (sending nothing
 * otherwise), and reads every owner and role back afterwards; throws {@link HandoverError} listing what is wrong.
 */
export async function handOverToTimelock(
  deployer: Signer,
  timelock: ContractRef,
  targets: HandoverTargets,
): Promise<void> {
  const deployerAddress = await deployer.getAddress();
  const timelockAddress = getAddress(await resolveAddress(timelock));
  if (timelockAddress === deployerAddress) throw new HandoverError(["the timelock is the deployer itself"], false);
  const resolved = await resolveHandoverTargets(targets);

  const refused: string[] = [];
  for (const target of resolved.ownables) {
    const owner = await Ownable__factory.connect(target, deployer)
      .owner()
      .catch(() => undefined);
    if (owner !== deployerAddress) {
      refused.push(`${target}: owner() is ${owner ?? "not readable (not Ownable?)"}, not the deployer`);
    }
  }
  for (const { contract, roles } of resolved.accessControlled) {
    for (const role of roles) {
      const held = await IAccessControl__factory.connect(contract, deployer)
        .hasRole(role, deployerAddress)
        .catch(() => undefined);
      if (held !== true) {
        refused.push(
          `${contract}: the deployer ${held === undefined ? "cannot be checked (not AccessControl?) for" : "lacks"} role ${role}`,
        );
      }
    }
  }
  if (refused.length > 0) throw new HandoverError(refused, false);

  // The steps name their targets by address.
  const addresses = Object.fromEntries(
    [timelockAddress, ...resolved.ownables, ...resolved.accessControlled.map((c) => c.contract)].map((a) => [a, a]),
  );
  await runSteps(deployer, handoverSteps(deployerAddress, timelockAddress, resolved), { addresses });
  await assertHandedOver(deployer, deployerAddress, timelockAddress, resolved);
}
