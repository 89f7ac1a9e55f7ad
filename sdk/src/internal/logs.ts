import { RpcResponseError, toSdkError } from "../errors";

/**
 * The events or logs `query` reads from a node, its failures typed as {@link toSdkError} types them; logs that are not
 * logs (ethers then fails on them with a TypeError) are a lying node's.
 */
export async function eventsOf<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw error instanceof TypeError
      ? new RpcResponseError(`The node's logs are not logs: ${error.message}.`)
      : toSdkError(error);
  }
}
