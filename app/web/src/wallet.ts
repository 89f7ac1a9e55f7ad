import { BrowserProvider } from "ethers";
import type { Eip1193Provider, Signer } from "ethers";
import { InvalidInputError, ProtocolError } from "@open-attribution/sdk";

/*
 * The page's wallet: the EIP-1193 provider a browser wallet injects as `window.ethereum`. It reads the chain and signs;
 * the page never holds a key. Through the SDK's browser entry, a contract's revert comes back as a typed error whose
 * one-line message says why.
 */

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

/** A connected wallet: its signer and account. */
export interface Wallet {
  provider: BrowserProvider;
  signer: Signer;
  account: string;
  chainId: bigint;
}

/** Asks the wallet for its account (the wallet may ask its owner first). */
export async function connectWallet(): Promise<Wallet> {
  if (!window.ethereum) {
    throw new InvalidInputError("No wallet found: claiming needs an EIP-1193 wallet (window.ethereum).", {
      hint: "Install a browser wallet such as MetaMask, or open the page in a browser that has one.",
    });
  }
  const provider = new BrowserProvider(window.ethereum);
  const signer = await provider.getSigner();
  const { chainId } = await provider.getNetwork();
  return { provider, signer, account: (await signer.getAddress()).toLowerCase(), chainId };
}

/** One line for a person: the SDK's message and hint (a decoded revert, a rejection in the wallet), else the error's. */
export function describeError(error: unknown): string {
  if (error instanceof ProtocolError) return [error.shortMessage, error.hint].filter(Boolean).join(" ");
  const { shortMessage, message } = error as { shortMessage?: string; message?: string };
  return shortMessage ?? message?.split("\n")[0] ?? String(error);
}
