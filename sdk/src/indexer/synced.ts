import type { BaseContract } from "ethers";
import { InvalidInputError } from "../errors";
import { DatanetIndexer } from "./datanetIndexer";

/**
 * The indexer a verification reads the Datanet registry's events from: `given` when the caller passed one (synced
 * already, its work reused), else a new indexer of `registry` synced to the latest block through the provider the
 * contract is connected to. `caller` names the SDK function in the error.
 *
 * @throws InvalidInputError when none is given and the contract has no provider.
 */
export async function syncedIndexer(
  registry: BaseContract,
  given: DatanetIndexer | undefined,
  caller: string,
): Promise<DatanetIndexer> {
  if (given) return given;
  const provider = registry.runner?.provider;
  if (!provider) throw new InvalidInputError(`${caller} needs a client connected to a provider.`);
  const indexer = new DatanetIndexer(provider, await registry.getAddress());
  await indexer.sync();
  return indexer;
}
