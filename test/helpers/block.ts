import { ethers } from "hardhat";
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";

/**
 * Mines transactions in one block, in the order given, as a block builder would order them (equal fees, so arrival
 * order): automine is switched off while they are sent and back on afterwards, whatever happens. Each transaction
 * should carry an explicit `gasLimit`, as gas estimation cannot see the ones before it in the block. The block is
 * mined at `timestamp` when given. Returns the receipts (reverted ones included, with status 0) after checking that
 * they landed in one block in that order.
 */
export async function mineInOneBlock(
  sends: (() => Promise<ContractTransactionResponse>)[],
  timestamp?: bigint,
): Promise<TransactionReceipt[]> {
  const sent: ContractTransactionResponse[] = [];
  await ethers.provider.send("evm_setAutomine", [false]);
  try {
    for (const send of sends) sent.push(await send());
    await ethers.provider.send("evm_mine", timestamp === undefined ? [] : [Number(timestamp)]);
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
  const receipts = await Promise.all(sent.map(async (tx) => (await ethers.provider.getTransactionReceipt(tx.hash))!));
  const block = receipts[0].blockNumber;
  receipts.forEach((receipt, i) => {
    if (receipt.blockNumber !== block || receipt.index !== i) {
      throw new Error(
        `Transaction ${i} was mined at block ${receipt.blockNumber} index ${receipt.index}, not ${block}/${i}.`,
      );
    }
  });
  return receipts;
}
