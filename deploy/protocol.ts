import type { Signer } from "ethers";
import { DatanetRegistry__factory, OpenToken__factory } from "../typechain-types";
import type { DatanetRegistry, OpenToken } from "../typechain-types";

/** Options of {@link deployProtocol}. */
export interface DeployProtocolOptions {
  /** Receives the whole OPEN supply when a new token is deployed; defaults to the deployer. */
  treasury?: string;
  /** Use an already deployed OPEN token instead of deploying one. */
  openToken?: string;
}

/** The deployed protocol contracts, typed. */
export interface ProtocolDeployment {
  open: OpenToken;
  datanets: DatanetRegistry;
}

/**
 * Deploys the protocol with `deployer`: the OPEN token (unless an existing one is given) and the Datanet registry.
 * Test fixtures and the demo reuse this, so what is tested is what is deployed.
 */
export async function deployProtocol(
  deployer: Signer,
  options: DeployProtocolOptions = {},
): Promise<ProtocolDeployment> {
  const treasury = options.treasury ?? (await deployer.getAddress());
  const open = options.openToken
    ? OpenToken__factory.connect(options.openToken, deployer)
    : await (await new OpenToken__factory(deployer).deploy(treasury)).waitForDeployment();
  const datanets = await (
    await new DatanetRegistry__factory(deployer).deploy(await open.getAddress())
  ).waitForDeployment();
  return { open, datanets };
}
