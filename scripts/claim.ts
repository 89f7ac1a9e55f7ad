/**
 * Claims OPEN rewards with a published reward tree.
 *
 *   npm run claim -- --tree epoch-3.json --distributor 0x… [--rpc http://127.0.0.1:8545]
 *                    [--account-index 0 | PRIVATE_KEY=0x… in the environment]
 *                    [--account 0x… (repeatable) | --all] [--batch 50] [--dry-run]
 *
 * Shows claimable against claimed for the chosen accounts as a table, refuses a tree whose root is not the
 * distributor's current root, then claims (one account with `claim`, several with batched `claimMany` and a progress
 * bar). Without --account or --all it claims for the signer itself; anyone may claim for others, the tokens always go
 * to the account in the tree.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { JsonRpcProvider, Wallet, isAddress } from "ethers";
import type { Signer } from "ethers";
import { InvalidInputError, ProtocolError, RewardTree, RewardsClient } from "../sdk/src";
import type { ClaimStatus } from "../sdk/src";
import { treeHelper } from "../sdk/src/node";
import { open, printTable, progress } from "./lib/ui";

/** Options of {@link runClaim}. */
export interface ClaimRunOptions {
  tree: RewardTree;
  distributor: string;
  signer: Signer;
  /** Accounts to claim for; default: the signer's own. */
  accounts?: string[];
  batchSize?: number;
  dryRun?: boolean;
  /** Display names for accounts in the tables. */
  names?: Map<string, string>;
}

/** Reads a published tree from a path or a `file://` URL and validates it. */
export async function loadTree(location: string): Promise<RewardTree> {
  const path = location.startsWith("file://") ? fileURLToPath(location) : location;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InvalidInputError(`Cannot read the reward tree "${location}".`, { cause: error });
  }
  let dump: unknown;
  try {
    dump = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`The reward tree "${location}" is not JSON.`, { cause: error });
  }
  return RewardTree.fromJSON(dump, { helper: treeHelper() });
}

function statusTable(title: string, rows: ClaimStatus[], names?: Map<string, string>): void {
  printTable(
    title,
    ["Account", "Cumulative", "Claimed", "Claimable"],
    rows.map((r) => [
      names?.get(r.account.toLowerCase()) ?? r.account,
      open(r.cumulativeAmount),
      open(r.claimed),
      open(r.claimable),
    ]),
    [1, 2, 3],
  );
}

/** Shows the accounts' status, claims what is claimable and returns the status after claiming. */
export async function runClaim(o: ClaimRunOptions): Promise<ClaimStatus[]> {
  const client = (await RewardsClient.connect(o.distributor, o.signer)).connect(o.signer);
  await client.assertCurrent(o.tree);
  const accounts = o.accounts ?? [await o.signer.getAddress()];
  const before = await client.status(o.tree, accounts);
  statusTable("Before claiming", before, o.names);
  const owed = before.filter((s) => s.claimable > 0n).map((s) => s.account);
  if (o.dryRun || owed.length === 0) {
    console.log(owed.length === 0 ? "Nothing to claim." : `Dry run: ${owed.length} account(s) could claim.`);
    return before;
  }
  if (owed.length === 1) {
    await client.claim(o.tree, owed[0]);
  } else {
    const bar = progress("Claiming", owed.length);
    await client.claimMany(o.tree, owed, { batchSize: o.batchSize, onProgress: (done) => bar.update(done) });
    bar.stop();
  }
  const after = await client.status(o.tree, accounts);
  statusTable("After claiming", after, o.names);
  return after;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tree: { type: "string" },
      distributor: { type: "string", default: process.env.DISTRIBUTOR },
      rpc: { type: "string", default: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
      "account-index": { type: "string" },
      account: { type: "string", multiple: true },
      all: { type: "boolean", default: false },
      batch: { type: "string", default: "50" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  if (!values.tree) throw new InvalidInputError("Missing --tree <path or file:// URL of the published reward tree>.");
  if (!values.distributor || !isAddress(values.distributor)) {
    throw new InvalidInputError("Missing or invalid --distributor <address> (or DISTRIBUTOR in the environment).");
  }
  const provider = new JsonRpcProvider(values.rpc);
  let signer: Signer;
  if (process.env.PRIVATE_KEY) signer = new Wallet(process.env.PRIVATE_KEY, provider);
  else if (values["account-index"] !== undefined) signer = await provider.getSigner(Number(values["account-index"]));
  else
    throw new InvalidInputError("No signer: set PRIVATE_KEY, or pass --account-index N for an unlocked local account.");
  const tree = await loadTree(values.tree);
  for (const a of values.account ?? []) if (!isAddress(a)) throw new InvalidInputError(`"${a}" is not an address.`);
  const accounts = values.all ? tree.entries.map((e) => e.account) : values.account;
  await runClaim({
    tree,
    distributor: values.distributor,
    signer,
    accounts,
    batchSize: Number(values.batch),
    dryRun: values["dry-run"],
  });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof ProtocolError ? error.message : error);
    process.exitCode = 1;
  });
}
