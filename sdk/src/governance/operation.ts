import { AbiCoder, ZeroHash, getAddress, hexlify, keccak256 } from "ethers";
import type { BytesLike } from "ethers";
import { checkAddress, checkBytes32, checkObject, checkUint, refuseUnless } from "../internal/check";

/** One call through a TimelockController: `target.call{value}(data)`, identified by its predecessor and salt too. */
export interface TimelockCall {
  /** The contract called (a protocol contract whose parameter the timelock owns). */
  target: string;
  /** Calldata, e.g. `contract.interface.encodeFunctionData("setX", [x])`. */
  data: BytesLike;
  /** Wei sent with the call; defaults to 0. */
  value?: bigint;
  /** Operation that must have run first; defaults to none (the zero hash). */
  predecessor?: BytesLike;
  /** Distinguishes otherwise identical operations (the same call scheduled twice); defaults to the zero hash. */
  salt?: BytesLike;
}

/** A {@link TimelockCall} with every default filled in, as the timelock sees it. */
export interface ResolvedTimelockCall {
  target: string;
  data: string;
  value: bigint;
  predecessor: string;
  salt: string;
}

/** Fills in the defaults of `call` and normalizes its address and bytes, each checked. */
export function resolveTimelockCall(call: TimelockCall): ResolvedTimelockCall {
  checkObject(call, "call");
  checkAddress(call.target, "target");
  const value = call.value ?? 0n;
  checkUint(value, "value");
  const predecessor = hex(call.predecessor ?? ZeroHash, "predecessor");
  const salt = hex(call.salt ?? ZeroHash, "salt");
  checkBytes32(predecessor, "predecessor");
  checkBytes32(salt, "salt");
  return { target: getAddress(call.target), data: hex(call.data, "data"), value, predecessor, salt };
}

function hex(bytes: BytesLike, name: string): string {
  try {
    return hexlify(bytes);
  } catch {
    refuseUnless(false, bytes, name, "bytes or 0x-prefixed hex");
  }
}

/**
 * The operation id TimelockController gives `call`: `keccak256(abi.encode(target, value, data, predecessor, salt))`,
 * as its `hashOperation` computes it, without a round trip.
 */
export function timelockOperationId(call: TimelockCall): string {
  const c = resolveTimelockCall(call);
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "uint256", "bytes", "bytes32", "bytes32"],
      [c.target, c.value, c.data, c.predecessor, c.salt],
    ),
  );
}
