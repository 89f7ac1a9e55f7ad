import { ZeroHash } from "ethers";
import { checkArray, checkBytes32, checkUint, refuseUnless } from "../internal/check";
import { writeHex, writeUint256 } from "../internal/hex";
import { keccakHex } from "../rewards/keccak";

/** One acceptance, in the order the Datanet accepted it. */
export interface Acceptance {
  contributionId: bigint;
  contentHash: string;
}

/* The ABI encodings below are written by hand (static words only) and hashed on the WebAssembly keccak, so that an
epoch checks the digest of 100,000 contributions in a fraction of a second; the checks before them refuse a value of
the wrong shape, whose words would be wrong. */

/**
 * The id of `attempt` of `contentHash` in `datanetId`, as `DatanetRegistry.contributionIdOf`:
 * `uint256(keccak256(abi.encode(datanetId, contentHash)))` for the first attempt (the default), and
 * `uint256(keccak256(abi.encode(datanetId, contentHash, attempt)))` for a resubmission after an expiry or a rejection,
 * or for a takeover by an earlier commitment.
 */
export function contributionIdOf(datanetId: bigint, contentHash: string, attempt = 1): bigint {
  const first = attempt === 1;
  checkUint(datanetId, "datanetId");
  checkBytes32(contentHash, "contentHash");
  refuseUnless(attempt >>> 0 === attempt, attempt, "attempt", "a uint32");
  const encoded = new Uint8Array(first ? 64 : 96);
  writeUint256(datanetId, encoded, 0);
  writeHex(contentHash, encoded, 32);
  if (!first) writeUint256(BigInt(attempt), encoded, 64);
  return BigInt(keccakHex(encoded));
}

/** One step of the running digest: `keccak256(abi.encode(previous, contributionId, contentHash))`. */
export function foldDigest(previous: string, contributionId: bigint, contentHash: string): string {
  checkBytes32(previous, "previous");
  checkUint(contributionId, "contributionId");
  checkBytes32(contentHash, "contentHash");
  const encoded = new Uint8Array(96);
  writeHex(previous, encoded, 0);
  writeUint256(contributionId, encoded, 32);
  writeHex(contentHash, encoded, 64);
  return keccakHex(encoded);
}

/** The digest of a sequence of acceptances, starting from zero: what a Datanet version of that many holds. */
export function digestOf(acceptances: readonly Acceptance[]): string {
  checkArray(acceptances, "acceptances");
  return acceptances.reduce((digest, a) => foldDigest(digest, a.contributionId, a.contentHash), ZeroHash);
}
