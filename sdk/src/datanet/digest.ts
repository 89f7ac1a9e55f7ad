import { AbiCoder, ZeroHash, keccak256 } from "ethers";

/** One acceptance, in the order the Datanet accepted it. */
export interface Acceptance {
  contributionId: bigint;
  contentHash: string;
}

const coder = AbiCoder.defaultAbiCoder();

/**
 * The id of `attempt` of `contentHash` in `datanetId`, as `DatanetRegistry.contributionIdOf`:
 * `uint256(keccak256(abi.encode(datanetId, contentHash)))` for the first attempt (the default), and
 * `uint256(keccak256(abi.encode(datanetId, contentHash, attempt)))` for a resubmission after an expiry or a rejection,
 * or for a takeover by an earlier commitment.
 */
export function contributionIdOf(datanetId: bigint, contentHash: string, attempt = 1): bigint {
  if (attempt === 1) return BigInt(keccak256(coder.encode(["uint256", "bytes32"], [datanetId, contentHash])));
  return BigInt(keccak256(coder.encode(["uint256", "bytes32", "uint32"], [datanetId, contentHash, attempt])));
}

/** One step of the running digest: `keccak256(abi.encode(previous, contributionId, contentHash))`. */
export function foldDigest(previous: string, contributionId: bigint, contentHash: string): string {
  return keccak256(coder.encode(["bytes32", "uint256", "bytes32"], [previous, contributionId, contentHash]));
}

/** The digest of a sequence of acceptances, starting from zero: what a Datanet version of that many holds. */
export function digestOf(acceptances: readonly Acceptance[]): string {
  return acceptances.reduce((digest, a) => foldDigest(digest, a.contributionId, a.contentHash), ZeroHash);
}
