import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { IntegrityError, InvalidInputError } from "../errors";

/** The address of the signer behind `runner`, or an error saying the client cannot send. */
export async function signerAddressOf(runner: ContractRunner | null): Promise<string> {
  if (!runner || !("getAddress" in runner) || typeof runner.getAddress !== "function") {
    throw new InvalidInputError("This client has no signer; use client.connect(signer) to send transactions.");
  }
  return runner.getAddress();
}

/**
 * Sends a transaction from `runner` and waits for it to be mined; refuses up front (InvalidInputError) when there is
 * no signer, so a read-only client fails with a clear message instead of an ethers UNSUPPORTED_OPERATION.
 */
export async function sendFrom(
  runner: ContractRunner | null,
  tx: () => Promise<ContractTransactionResponse>,
): Promise<ContractTransactionReceipt> {
  await signerAddressOf(runner);
  const receipt = await (await tx()).wait();
  if (!receipt) throw new IntegrityError("The transaction was dropped before it was mined.");
  return receipt;
}
