import type { Signer } from "ethers";
import { ModelRegistry__factory } from "../typechain-types";
import type { ModelRegistry } from "../typechain-types";

/** Deploys the model registry with `deployer`, checking model versions against the Datanet registry at `datanets`. */
export async function deployModelRegistry(deployer: Signer, datanets: string): Promise<ModelRegistry> {
  return (await new ModelRegistry__factory(deployer).deploy(datanets)).waitForDeployment();
}
