import { AbiCoder, ZeroHash, keccak256 } from "ethers";
import { writeHex, writeUint256 } from "../internal/hex";
import { keccakHex } from "../rewards/keccak";

/** One acceptance, in the order the Datanet accepted it. */
export interface Acceptance {
  contributionId: bigint;
  contentHash: string;
}

const coder = AbiCoder.defaultAbiCoder();
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const MAX_UINT256 = (1n << 256n) - 1n;

/* The ABI encodings below are written by hand (static words only) and hashed on the WebAssembly keccak, so that an
epoch checks the digest of 100,000 contributions in a fraction of a second; a value of the wrong shape goes through
ethers' coder, which throws as it always did. */

/**
 * The id of `attempt` of `contentHash` in `datanetId`, as `DatanetRegistry.contributionIdOf`:
 * `uint256(keccak256(abi.encode(datanetId, contentHash)))` for the first attempt (the default), and
 * `uint256(keccak256(abi.encode(datanetId, contentHash, attempt)))` for a resubmission after an expiry or a rejection,
 * or for a takeover by an earlier commitment.
 */
export function contributionIdOf(datanetId: bigint, contentHash: string, attempt = 1): bigint {
  const first = attempt === 1;
  if (
    !isUint(datanetId) ||
    !BYTES32.test(contentHash) ||
    !(Number.isInteger(attempt) && attempt >= 0 && attempt <= 0xffffffff)
  ) {
    return BigInt(
      keccak256(
        first
          ? coder.encode(["uint256", "bytes32"], [datanetId, contentHash])
          : coder.encode(["uint256", "bytes32", "uint32"], [datanetId, contentHash, attempt]),
      ),
    );
  }
  const encoded = new Uint8Array(first ? 64 : 96);
  writeUint256(datanetId, encoded, 0);
  writeHex(contentHash, encoded, 32);
  if (!first) writeUint256(BigInt(attempt), encoded, 64);
  return BigInt(keccakHex(encoded));
}

/** One step of the running digest: `keccak256(abi.encode(previous, contributionId, contentHash))`. */
export function foldDigest(previous: string, contributionId: bigint, contentHash: string): string {
  if (!BYTES32.test(previous) || !isUint(contributionId) || !BYTES32.test(contentHash)) {
    return keccak256(coder.encode(["bytes32", "uint256", "bytes32"], [previous, contributionId, contentHash]));
  }
  const encoded = new Uint8Array(96);
  writeHex(previous, encoded, 0);
  writeUint256(contributionId, encoded, 32);
  writeHex(contentHash, encoded, 64);
  return keccakHex(encoded);
}

/** The digest of a sequence of acceptances, starting from zero: what a Datanet version of that many holds. */
export function digestOf(acceptances: readonly Acceptance[]): string {
  return acceptances.reduce((digest, a) => foldDigest(digest, a.contributionId, a.contentHash), ZeroHash);
}

function isUint(value: unknown): value is bigint {
  return typeof value === "bigint" && value >= 0n && value <= MAX_UINT256;
}
