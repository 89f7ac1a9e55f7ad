import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { Interface, TransactionResponse } from "ethers";

const GWEI = 10n ** 9n;

/** Fees of a transaction that a block builder orders after one paying {@link FRONT_RUN_FEES}. */
export const ORDINARY_FEES = { maxPriorityFeePerGas: GWEI, maxFeePerGas: 10n * GWEI };

/** Fees of a transaction that outbids one paying {@link ORDINARY_FEES} for a place ahead of it in the block. */
export const FRONT_RUN_FEES = { maxPriorityFeePerGas: 50n * GWEI, maxFeePerGas: 100n * GWEI };

/** Fees of a transaction that a block builder orders after one paying {@link ORDINARY_FEES}: a sandwich's back. */
export const BACK_RUN_FEES = { maxPriorityFeePerGas: GWEI / 2n, maxFeePerGas: 10n * GWEI };

/** The receipts of mined transactions, in the order of `hashes` (reverted ones included, with status 0). */
export async function receiptsOf(hashes: readonly string[]) {
  return Promise.all(hashes.map(async (hash) => (await ethers.provider.getTransactionReceipt(hash))!));
}

/** Fees that outbid `victim`, a transaction seen in the mempool, as a front-runner does. */
export function outbid(victim: TransactionResponse) {
  const maxPriorityFeePerGas = 2n * (victim.maxPriorityFeePerGas ?? victim.gasPrice) + GWEI;
  return { maxPriorityFeePerGas, maxFeePerGas: maxPriorityFeePerGas + (victim.maxFeePerGas ?? victim.gasPrice) };
}

/**
 * Runs `queue` with automine off, so that the transactions it sends wait in the mempool, then mines them all in one
 * block (at `timestamp` if given), in the order a block builder chooses (Hardhat's default: highest tip first, then
 * arrival), and turns automine back on whatever happens. Returns what `queue` returned and the block's transaction
 * hashes in order.
 */
export async function mineInOneBlock<T>(
  queue: () => Promise<T>,
  timestamp?: bigint,
): Promise<{ queued: T; hashes: string[] }> {
  await network.provider.send("evm_setAutomine", [false]);
  try {
    const queued = await queue();
    if (timestamp !== undefined) await network.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
    await network.provider.send("evm_mine");
    const block = (await ethers.provider.getBlock("latest"))!;
    return { queued, hashes: [...block.transactions] };
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
}

/** The transaction with `nonce` from `account`, once it waits in the mempool. */
export async function pendingFrom(account: string, nonce: number): Promise<TransactionResponse> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    // Raw, as ethers cannot format a pending block (it has no number yet).
    const block = await network.provider.send("eth_getBlockByNumber", ["pending", true]);
    const seen = (block.transactions as { hash: string; from: string; nonce: string }[]).find(
      (t) => t.from.toLowerCase() === account.toLowerCase() && Number(t.nonce) === nonce,
    );
    if (seen) return (await ethers.provider.getTransaction(seen.hash))!;
    if (Date.now() > deadline) throw new Error(`No transaction from ${account} reached the mempool.`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

/**
 * Expects the mined transaction `tx` to have reverted with the custom error `name` of `iface` and arguments `args`
 * (a receipt does not say why a transaction reverted, so this reads the revert data from the node's trace).
 */
export async function expectMinedRevert(
  tx: TransactionResponse,
  iface: Interface,
  name: string,
  args: unknown[],
): Promise<void> {
  const receipt = (await ethers.provider.getTransactionReceipt(tx.hash))!;
  expect(receipt.status, `${name}: status`).to.equal(0);
  const trace = await network.provider.send("debug_traceTransaction", [
    tx.hash,
    { disableMemory: true, disableStack: true, disableStorage: true },
  ]);
  const error = iface.parseError(trace.returnValue);
  expect(error?.name).to.equal(name);
  expect([...error!.args]).to.deep.equal(args);
}
