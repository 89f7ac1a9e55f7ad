import { ethers } from "hardhat";
import type { Signer } from "ethers";

/** What signing a permit needs of a token: OPEN and every model's shares alike. */
interface PermitToken {
  getAddress(): Promise<string>;
  name(): Promise<string>;
  nonces(owner: string): Promise<bigint>;
}

/**
 * Signs an EIP-2612 permit the way a wallet would, against the token's own EIP-712 domain (its name, version "1").
 * `ownerAddress` defaults to the signer; passing another address forges a permit for tokens the signer does not own.
 */
export async function signPermit(
  token: PermitToken,
  signer: Signer,
  spender: string,
  value: bigint,
  deadline: bigint,
  ownerAddress?: string,
) {
  ownerAddress ??= await signer.getAddress();
  const domain = {
    name: await token.name(),
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await token.getAddress(),
  };
  const types = {
    Permit: [
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  };
  const message = { owner: ownerAddress, spender, value, nonce: await token.nonces(ownerAddress), deadline };
  return ethers.Signature.from(await signer.signTypedData(domain, types, message));
}
