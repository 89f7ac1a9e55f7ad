import type { Signer } from "ethers";
import { DatanetRegistry__factory, OpenToken__factory, RewardDistributor__factory } from "../typechain-types";
import type { DatanetRegistry, OpenToken, RewardDistributor } from "../typechain-types";

/** The reward distributor's default challenge window: one day to spot and revoke a wrong root. */
export const DEFAULT_CHALLENGE_WINDOW = 86_400n;

/** Options of {@link deployProtocol}. */
export interface DeployProtocolOptions {
  /** Receives the whole OPEN supply when a new token is deployed; defaults to the deployer. */
  treasury?: string;
  /** Use an already deployed OPEN token instead of deploying one. */
  openToken?: string;
  /** Holds the reward distributor's admin role (challenge window, roles); defaults to the deployer. */
  admin?: string;
  /** Proposes reward roots; defaults to the deployer. */
  attestor?: string;
  /** May revoke a pending reward root; defaults to the deployer. */
  guardian?: string;
  /** Seconds from a reward root's proposal to its earliest acceptance; defaults to {@link DEFAULT_CHALLENGE_WINDOW}. */
  challengeWindow?: bigint;
}

/** The deployed protocol contracts, typed. */
export interface ProtocolDeployment {
  open: OpenToken;
  datanets: DatanetRegistry;
  rewards: RewardDistributor;
}

/**
 * Deploys the protocol with `deployer`: the OPEN token (unless an existing one is given), the Datanet registry and the
 * reward distributor. Test fixtures and the demo reuse this, so what is tested is what is deployed.
 */
export async function deployProtocol(
  deployer: Signer,
  options: DeployProtocolOptions = {},
): Promise<ProtocolDeployment> {
  const deployerAddress = await deployer.getAddress();
  const treasury = options.treasury ?? deployerAddress;
  const open = options.openToken
    ? OpenToken__factory.connect(options.openToken, deployer)
    : await (await new OpenToken__factory(deployer).deploy(treasury)).waitForDeployment();
  const openAddress = await open.getAddress();
  const datanets = await (await new DatanetRegistry__factory(deployer).deploy(openAddress)).waitForDeployment();
  const rewards = await (
    await new RewardDistributor__factory(deployer).deploy(
      openAddress,
      options.admin ?? deployerAddress,
      options.attestor ?? deployerAddress,
      options.guardian ?? deployerAddress,
      options.challengeWindow ?? DEFAULT_CHALLENGE_WINDOW,
    )
  ).waitForDeployment();
  return { open, datanets, rewards };
}
