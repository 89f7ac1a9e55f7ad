import { network } from "hardhat";
import type { BaseContract, ContractTransactionResponse, ErrorDescription } from "ethers";

/**
 * Sends `senders` in order with automine off and mines them in one block, the order a block builder would pick for an
 * attack: each sender returns its transaction once it is in the mempool (pass an explicit `gasLimit`, since a gas
 * estimate would run against the state before the block). Automine is restored even if a sender throws.
 */
export async function mineInOneBlock(
  senders: (() => Promise<ContractTransactionResponse>)[],
): Promise<ContractTransactionResponse[]> {
  await network.provider.send("evm_setAutomine", [false]);
  const sent: ContractTransactionResponse[] = [];
  try {
    for (const send of senders) sent.push(await send());
    await network.provider.send("evm_mine", []);
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
  const blocks = new Set<number>();
  for (const tx of sent) {
    const receipt = await network.provider.send("eth_getTransactionReceipt", [tx.hash]);
    blocks.add(Number(receipt.blockNumber));
  }
  if (blocks.size !== 1) throw new Error(`expected one block, the transactions landed in ${blocks.size}`);
  return sent;
}

/**
 * The custom error a mined transaction reverted with, decoded with `contract`'s ABI, or undefined if it succeeded.
 * Read from the node's trace: replaying the call later would run against another block.
 */
export async function minedRevert(
  tx: ContractTransactionResponse,
  contract: BaseContract,
): Promise<ErrorDescription | undefined> {
  const receipt = await network.provider.send("eth_getTransactionReceipt", [tx.hash]);
  if (Number(receipt.status) === 1) return undefined;
  const trace = await network.provider.send("debug_traceTransaction", [tx.hash]);
  const data = `0x${String(trace.returnValue).replace(/^0x/, "")}`;
  const decoded = contract.interface.parseError(data);
  if (!decoded) throw new Error(`${tx.hash} reverted with data the ABI does not know: ${data}`);
  return decoded;
}
