import { ZeroAddress, ZeroHash, getAddress, hexlify, resolveAddress } from "ethers";
import type { AddressLike, BytesLike, ContractTransactionResponse, Signer } from "ethers";
import {
  IAccessControl__factory,
  IERC6372__factory,
  OpenGovernor__factory,
  Ownable__factory,
  TimelockController__factory,
} from "../typechain-types";
import type { OpenGovernor, TimelockController } from "../typechain-types";

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

async function mined(tx: Promise<ContractTransactionResponse>): Promise<void> {
  await (await tx).wait();
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
  const minDelay = options.minDelay ?? DEFAULT_TIMELOCK_DELAY;
  if (!options.governor) {
    const timelock = await (
      await new TimelockController__factory(deployer).deploy(
        minDelay,
        options.proposers ?? [deployerAddress],
        options.executors ?? [deployerAddress],
        ZeroAddress,
      )
    ).waitForDeployment();
    return { timelock };
  }
  if (options.proposers) {
    throw new Error(
      "deployGovernance: proposers cannot be given with a governor, which is the timelock's only proposer.",
    );
  }
  const settings = { ...DEFAULT_GOVERNOR_SETTINGS, ...options.governor };
  const clockMode = await IERC6372__factory.connect(options.openToken, deployer).CLOCK_MODE();
  const { votingDelay, votingPeriod } = options.governor;
  if (clockMode !== BLOCK_NUMBER_CLOCK_MODE && (votingDelay === undefined || votingPeriod === undefined)) {
    throw new Error(
      `deployGovernance: the token's clock is "${clockMode}", not block numbers, so the default voting delay and ` +
        "period (in blocks) do not apply; give votingDelay and votingPeriod in the token's clock units.",
    );
  }

  // The deployer administers the timelock only until the Governor, which needs the timelock's address, exists.
  const timelock = await (
    await new TimelockController__factory(deployer).deploy(
      minDelay,
      [],
      options.executors ?? [ZeroAddress],
      deployerAddress,
    )
  ).waitForDeployment();
  const governor = await (
    await new OpenGovernor__factory(deployer).deploy(
      options.openToken,
      await timelock.getAddress(),
      settings.votingDelay,
      settings.votingPeriod,
      settings.proposalThreshold,
      settings.quorumPercent,
    )
  ).waitForDeployment();
  const governorAddress = await governor.getAddress();
  const [proposerRole, cancellerRole] = await Promise.all([timelock.PROPOSER_ROLE(), timelock.CANCELLER_ROLE()]);
  await mined(timelock.grantRole(proposerRole, governorAddress));
  await mined(timelock.grantRole(cancellerRole, governorAddress));
  await mined(timelock.renounceRole(DEFAULT_ADMIN_ROLE, deployerAddress));

  const wired =
    (await timelock.hasRole(proposerRole, governorAddress)) &&
    (await timelock.hasRole(cancellerRole, governorAddress)) &&
    !(await timelock.hasRole(DEFAULT_ADMIN_ROLE, deployerAddress));
  if (!wired) {
    throw new Error(`deployGovernance: timelock ${await timelock.getAddress()} is not wired to its governor.`);
  }
  return { timelock, governor };
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
  const ownables = await Promise.all(
    (targets.ownables ?? []).map(async (c) => Ownable__factory.connect(getAddress(await resolveAddress(c)), deployer)),
  );
  const controlled = await Promise.all(
    (targets.accessControlled ?? []).map(async ({ contract, roles }) => ({
      contract: IAccessControl__factory.connect(getAddress(await resolveAddress(contract)), deployer),
      roles: (roles ?? [DEFAULT_ADMIN_ROLE]).map((r) => hexlify(r)),
    })),
  );

  const refused: string[] = [];
  for (const ownable of ownables) {
    const owner = await ownable.owner().catch(() => undefined);
    if (owner !== deployerAddress) {
      refused.push(`${ownable.target}: owner() is ${owner ?? "not readable (not Ownable?)"}, not the deployer`);
    }
  }
  for (const { contract, roles } of controlled) {
    for (const role of roles) {
      const held = await contract.hasRole(role, deployerAddress).catch(() => undefined);
      if (held !== true) {
        refused.push(
          `${contract.target}: the deployer ${held === undefined ? "cannot be checked (not AccessControl?) for" : "lacks"} role ${role}`,
        );
      }
    }
  }
  if (refused.length > 0) throw new HandoverError(refused, false);

  for (const ownable of ownables) await mined(ownable.transferOwnership(timelockAddress));
  for (const { contract, roles } of controlled) {
    // Every grant before any renouncement: renouncing the admin role first would leave nobody able to grant.
    for (const role of roles) await mined(contract.grantRole(role, timelockAddress));
    for (const role of roles) await mined(contract.renounceRole(role, deployerAddress));
  }

  const failed: string[] = [];
  for (const ownable of ownables) {
    const owner = await ownable.owner();
    if (owner !== timelockAddress) {
      failed.push(
        `${ownable.target}: owner() is ${owner}, not the timelock ${timelockAddress} ` +
          "(an Ownable2Step contract only nominates the new owner: the timelock must call acceptOwnership())",
      );
    }
  }
  for (const { contract, roles } of controlled) {
    for (const role of roles) {
      if (!(await contract.hasRole(role, timelockAddress)))
        failed.push(`${contract.target}: timelock lacks role ${role}`);
      if (await contract.hasRole(role, deployerAddress))
        failed.push(`${contract.target}: deployer still holds role ${role}`);
    }
  }
  if (failed.length > 0) throw new HandoverError(failed, true);
}
