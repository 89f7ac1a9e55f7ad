import { AbiCoder, ZeroHash, keccak256 } from "ethers";
import { checkArray, checkBytes32, checkObject, checkUint } from "../internal/check";

/** What one settlement adds to its epoch's log digest: the fields of an `InferenceSettled` event. */
export interface SettledLog {
  modelId: bigint;
  calls: bigint;
  fee: bigint;
  logRoot: string;
}

/**
 * An epoch's ledger, as `InferenceSettlement.epochLedger` returns it. On-chain the counters are a uint96, a uint32 and
 * a uint128, wide enough that no payer can fill them (an epoch's calls exceed 2^64 when a payer settles the most calls
 * one settlement takes, 2^64 − 1, more than once), so read them as bigints, never as numbers.
 */
export interface EpochLedgerView {
  /** Inference calls settled: below 2^96. */
  calls: bigint;
  /** Number of settlements: below 2^32. */
  settlements: bigint;
  /** OPEN paid in fees (wei): below 2^128. */
  fees: bigint;
  /** The chain of every settlement's `(modelId, calls, fee, logRoot)`, from zero. */
  logDigest: string;
}

const coder = AbiCoder.defaultAbiCoder();
const MAX_UINT64 = (1n << 64n) - 1n;

/** One step of an epoch's log digest: `keccak256(abi.encode(previous, modelId, calls, fee, logRoot))`. */
export function foldLogDigest(previous: string, s: SettledLog): string {
  checkBytes32(previous, "previous");
  checkObject(s, "settlement");
  checkUint(s.modelId, "modelId");
  checkUint(s.calls, "calls", MAX_UINT64);
  checkUint(s.fee, "fee");
  checkBytes32(s.logRoot, "logRoot");
  return keccak256(
    coder.encode(
      ["bytes32", "uint256", "uint64", "uint256", "bytes32"],
      [previous, s.modelId, s.calls, s.fee, s.logRoot],
    ),
  );
}

/** The ledger of one epoch whose settlements, in order, are `settlements`: what the contract holds for it. */
export function ledgerOf(settlements: readonly SettledLog[]): EpochLedgerView {
  checkArray(settlements, "settlements");
  let ledger: EpochLedgerView = { calls: 0n, settlements: 0n, fees: 0n, logDigest: ZeroHash };
  for (const s of settlements) {
    // Folded first: it checks the settlement's fields before they are added.
    const logDigest = foldLogDigest(ledger.logDigest, s);
    ledger = {
      calls: ledger.calls + s.calls,
      settlements: ledger.settlements + 1n,
      fees: ledger.fees + s.fee,
      logDigest,
    };
  }
  return ledger;
}
