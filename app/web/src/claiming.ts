import { InvalidInputError, RewardsClient } from "@open-attribution/sdk";
import { OfferingClient } from "@open-attribution/sdk/offering";
import type { RewardTreeLike } from "@open-attribution/sdk";
import type { AppConfig, ClaimProofs } from "../../server/types";
import { getJson } from "./api";
import { connectWallet } from "./wallet";
import type { Wallet } from "./wallet";

/*
 * Claiming through the wallet: the current root's proofs come from the app's API (rebuilt from the report and checked
 * against the root there), the claimed amounts and the balance from the chain through the wallet, and the claim is
 * sent by the SDK's RewardsClient, which refuses a tree that is not the distributor's current root and turns a
 * revert into a typed error.
 */

/** The proofs as the SDK's client wants a tree: only the accounts asked for. */
export function treeOf(proofs: ClaimProofs): RewardTreeLike {
  const leaves = new Map(proofs.leaves.map((l) => [l.account.toLowerCase(), l]));
  const leaf = (account: string) => {
    const found = leaves.get(account.toLowerCase());
    if (!found) throw new InvalidInputError(`${account} is not in the current reward tree: it has nothing to claim.`);
    return found;
  };
  return {
    root: proofs.root,
    total: BigInt(proofs.total),
    proof: (account) => leaf(account).proof,
    amountOf: (account) => BigInt(leaf(account).cumulative),
  };
}

export async function proofsFor(accounts: string[]): Promise<ClaimProofs> {
  const query = accounts.map((a) => `account=${encodeURIComponent(a)}`).join("&");
  const proofs = await getJson<ClaimProofs>(`/api/claims?${query}`);
  if (proofs.missing.length > 0) {
    throw new InvalidInputError(`Not in the current reward tree: ${proofs.missing.join(", ")}.`);
  }
  return proofs;
}

export interface Session {
  wallet: Wallet;
  client: RewardsClient;
  claimed: bigint;
  claimable: bigint;
  balance: bigint;
}

export async function sessionOf(wallet: Wallet, account: string): Promise<Session> {
  const config = await getJson<AppConfig>("/api/config");
  const distributor = config.contracts.rewards;
  if (!distributor) throw new InvalidInputError("The index follows no reward distributor.");
  const client = (await RewardsClient.connect(distributor, wallet.signer)).connect(wallet.signer);
  const proofs = await getJson<ClaimProofs>(`/api/claims?account=${account}`);
  const [status] = proofs.leaves.length > 0 ? await client.status(treeOf(proofs), [account]) : [undefined];
  return {
    wallet,
    client,
    claimed: status?.claimed ?? (await client.claimed(account)),
    claimable: status?.claimable ?? 0n,
    balance: await client.token.balanceOf(account),
  };
}

/** Connects the wallet and reads `account`'s claim from the chain. */
export async function connect(account: string): Promise<Session> {
  return sessionOf(await connectWallet(), account);
}

/** Claims `account`'s rewards; returns the receipt's block and hash, and the session read again. */
export async function claim(s: Session, account: string) {
  const receipt = await s.client.claim(treeOf(await proofsFor([account])), account);
  return { block: receipt.blockNumber, hash: receipt.hash, session: await sessionOf(s.wallet, account) };
}

/** Claims for `accounts` in batches, reporting progress; returns the transactions sent and the session read again. */
export async function claimMany(
  s: Session,
  account: string,
  accounts: string[],
  onProgress: (done: number, total: number) => void,
) {
  if (accounts.length === 0) throw new InvalidInputError("Give the accounts to claim for, one per line.");
  for (const a of accounts) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new InvalidInputError(`"${a}" is not an address.`);
  }
  const tree = treeOf(await proofsFor(accounts));
  const receipts = await s.client.claimMany(tree, accounts, { batchSize: 20, onProgress });
  return { transactions: receipts.length, session: await sessionOf(s.wallet, account) };
}

export { describeError } from "./wallet";

/** A wallet's holding of a model's shares: its balance and the revenue it can claim, read from the chain. */
export interface HolderSession {
  wallet: Wallet;
  client: OfferingClient;
  shares: string;
  balance: bigint;
  accrued: bigint;
  open: bigint;
}

async function holderOf(wallet: Wallet, client: OfferingClient, shares: string): Promise<HolderSession> {
  const [holding] = await client.holders(shares, [wallet.account]);
  return {
    wallet,
    client,
    shares,
    balance: holding.balance,
    accrued: holding.accrued,
    open: await client.token.balanceOf(wallet.account),
  };
}

/** Connects the wallet to the offering factory and reads its holding of `shares`. */
export async function connectHolder(factory: string, shares: string): Promise<HolderSession> {
  const wallet = await connectWallet();
  return holderOf(wallet, (await OfferingClient.connect(factory, wallet.signer)).connect(wallet.signer), shares);
}

/** Claims the wallet's revenue from the share token; returns the receipt's block and the holding read again. */
export async function claimRevenue(s: HolderSession) {
  const receipt = await s.client.claimRevenue(s.shares);
  return { block: receipt.blockNumber, holder: await holderOf(s.wallet, s.client, s.shares) };
}
