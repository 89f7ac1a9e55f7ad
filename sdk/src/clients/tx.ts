import { isError } from "ethers";
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { IntegrityError, InvalidInputError, findRevertData, toSdkError } from "../errors";

/** The address of the signer behind `runner`, or an error saying the client cannot send. */
export async function signerAddressOf(runner: ContractRunner | null): Promise<string> {
  if (!runner || !("getAddress" in runner) || typeof runner.getAddress !== "function") {
    throw new InvalidInputError("This client has no signer; use client.connect(signer) to send transactions.");
  }
  return runner.getAddress();
}

/**
 * Sends a transaction from `runner` and waits for it to be mined; refuses up front (InvalidInputError) when there is
 * no signer, so a read-only client fails with a clear message instead of an ethers UNSUPPORTED_OPERATION. A
 * transaction that was mined but reverted throws an error that carries its revert data (see {@link withRevertData}),
 * so that the clients can turn it into the SDK's typed error.
 */
export async function sendFrom(
  runner: ContractRunner | null,
  tx: () => Promise<ContractTransactionResponse>,
): Promise<ContractTransactionReceipt> {
  await signerAddressOf(runner);
  const response = await tx();
  const receipt = await response.wait().catch(async (error: unknown) => {
    throw await withRevertData(error, response);
  });
  if (!receipt) throw new IntegrityError("The transaction was dropped before it was mined.");
  return receipt;
}

/**
 * A receipt says that a transaction reverted, not why: when another transaction changed the state under it in the
 * same block (a front-run price change, say), the node accepted it and only mining it made it revert. Replays it as a
 * call on the state its block left, which reverts the same way unless a later transaction of that block undid the
 * cause, and returns that revert (whose data says why); otherwise returns `error` unchanged.
 */
async function withRevertData(error: unknown, response: ContractTransactionResponse): Promise<unknown> {
  if (!isError(error, "CALL_EXCEPTION") || !error.receipt || findRevertData(error)) return error;
  const { from, to, data, value, gasLimit } = response;
  try {
    await response.provider.call({ from, to, data, value, gasLimit, blockTag: error.receipt.blockNumber });
  } catch (replayed) {
    if (findRevertData(replayed)) return replayed;
  }
  return error;
}

/**
 * Makes every method of a client class (`target`: its prototype, or the class for its static methods) throw only the
 * SDK's typed errors, whatever goes wrong below it: a bad argument ethers refuses, a node that is down or lies (see
 * {@link toSdkError}). A new method is covered without anyone having to remember it.
 */
export function throwingSdkErrors(target: object): void {
  for (const name of Object.getOwnPropertyNames(target)) {
    const descriptor = Object.getOwnPropertyDescriptor(target, name)!;
    const method: unknown = descriptor.value;
    if (name === "constructor" || typeof method !== "function") continue;
    const typed = function (this: unknown, ...args: unknown[]): unknown {
      let result: unknown;
      try {
        result = method.apply(this, args);
      } catch (error) {
        throw toSdkError(error);
      }
      return result instanceof Promise
        ? result.catch((error: unknown) => {
            throw toSdkError(error);
          })
        : result;
    };
    Object.defineProperty(typed, "name", { value: method.name });
    Object.defineProperty(target, name, { ...descriptor, value: typed });
  }
}
