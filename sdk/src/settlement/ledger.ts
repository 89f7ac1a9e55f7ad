import { AbiCoder, ZeroHash, keccak256 } from "ethers";

/** What one settlement adds to its epoch's log digest: the fields of an `InferenceSettled` event. */
export interface SettledLog {
  modelId: bigint;
  calls: bigint;
  fee: bigint;
  logRoot: string;
}

/** An epoch's ledger, as `InferenceSettlement.epochLedger` returns it. */
export interface EpochLedgerView {
  /** Inference calls settled. */
  calls: bigint;
  /** Number of settlements. */
  settlements: bigint;
  /** OPEN paid in fees (wei). */
  fees: bigint;
  /** The chain of every settlement's `(modelId, calls, fee, logRoot)`, from zero. */
  logDigest: string;
}

const coder = AbiCoder.defaultAbiCoder();

/** One step of an epoch's log digest: `keccak256(abi.encode(previous, modelId, calls, fee, logRoot))`. */
export function foldLogDigest(previous: string, s: SettledLog): string {
  return keccak256(
    coder.encode(
      ["bytes32", "uint256", "uint64", "uint256", "bytes32"],
      [previous, s.modelId, s.calls, s.fee, s.logRoot],
    ),
  );
}

/** The ledger of one epoch whose settlements, in order, are `settlements`: what the contract holds for it. */
export function ledgerOf(settlements: readonly SettledLog[]): EpochLedgerView {
  let ledger: EpochLedgerView = { calls: 0n, settlements: 0n, fees: 0n, logDigest: ZeroHash };
  for (const s of settlements) {
    ledger = {
      calls: ledger.calls + s.calls,
      settlements: ledger.settlements + 1n,
      fees: ledger.fees + s.fee,
      logDigest: foldLogDigest(ledger.logDigest, s),
    };
  }
  return ledger;
}
