import { AbiCoder, hexlify, keccak256 } from "ethers";
import { checkAddress, checkBytes32, checkUint } from "../internal/check";

const coder = AbiCoder.defaultAbiCoder();

/**
 * What `DatanetRegistry.commit` records before a submission: `keccak256(abi.encode(contributor, datanetId,
 * contentHash, salt))`. It binds the contributor, so nobody else can use it, and hides the content until the reveal.
 */
export function commitmentOf(contributor: string, datanetId: bigint, contentHash: string, salt: string): string {
  checkAddress(contributor, "contributor");
  checkUint(datanetId, "datanetId");
  checkBytes32(contentHash, "contentHash");
  checkBytes32(salt, "salt");
  return keccak256(
    coder.encode(["address", "uint256", "bytes32", "bytes32"], [contributor, datanetId, contentHash, salt]),
  );
}

/** A fresh 32-byte salt from the platform's cryptographic random source (Node and browsers alike). */
export function randomSalt(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return hexlify(bytes);
}
