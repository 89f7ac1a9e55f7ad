import { createHash } from "node:crypto";
import { AbiCoder, ZeroHash, getAddress, keccak256 } from "ethers";

/* Independent references for the epoch tests: hashes and digests with ethers and node:crypto, not the SDK. */

const coder = AbiCoder.defaultAbiCoder();

/** 0x-prefixed sha-256 of a text's UTF-8 bytes. */
export const sha256 = (text: string) => "0x" + createHash("sha256").update(text, "utf8").digest("hex");

/** The registry's running digest: keccak256(abi.encode(digest, keccak256(abi.encode(datanetId, hash)), hash)). */
export function referenceDigest(datanetId: bigint, hashes: readonly string[]): string {
  let digest = ZeroHash;
  for (const hash of hashes) {
    const contributionId = BigInt(keccak256(coder.encode(["uint256", "bytes32"], [datanetId, hash])));
    digest = keccak256(coder.encode(["bytes32", "uint256", "bytes32"], [digest, contributionId, hash]));
  }
  return digest;
}

/** A checksummed address of one repeated byte, e.g. `address("a1")`. */
export const address = (byte: string) => getAddress("0x" + byte.repeat(20));
