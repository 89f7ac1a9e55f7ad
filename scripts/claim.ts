/**
 * Claims OPEN rewards with a published reward tree.
 *
 *   npm run claim -- --tree epoch-3.json --distributor 0x… | --deployment deployments/localhost.json
 *                    [--rpc http://127.0.0.1:8545] [--account-index 0 | --keystore <file> | PRIVATE_KEY=0x…]
 *                    [--account 0x… (repeatable) | --all] [--batch 50] [--dry-run]  (--help for every option)
 *
 * Shows claimable against claimed for the chosen accounts as a table, refuses a tree whose root is not the
 * distributor's current root, then claims (one account with `claim`, several with batched `claimMany` and a progress
 * bar). Without --account or --all it claims for the signer itself; anyone may claim for others, the tokens always go
 * to the account in the tree.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Signer } from "ethers";
import * as z from "zod";
import { InvalidInputError, RewardTree, RewardsClient } from "../sdk/src";
import type { ClaimStatus } from "../sdk/src";
import { treeHelper } from "../sdk/src/node";
import {
  NODE_OPTIONS,
  addressOrDeployment,
  deploymentOption,
  NODE_SCHEMA,
  SIGNER_ENVIRONMENT,
  SIGNER_OPTIONS,
  SIGNER_SCHEMA,
  exitWith,
  opt,
  signerChoice,
} from "./lib/cli";
import type { Command } from "./lib/cli";
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

const CLAIM_SCHEMA = addressOrDeployment(
  z.object({
    tree: opt.inputFile("tree"),
    distributor: opt.address("distributor").optional(),
    deployment: opt.inputFile("deployment").optional(),
    ...NODE_SCHEMA,
    ...SIGNER_SCHEMA,
    account: z.array(opt.address("account")).optional(),
    all: opt.flag(),
    batch: opt.integer("batch"),
    "dry-run": opt.flag(),
  }),
  "distributor",
);

/** `npm run claim`: see --help. */
export const claimCommand: Command<z.output<typeof CLAIM_SCHEMA>> = {
  name: "claim",
  summary:
    "Claims OPEN rewards with a published reward tree: shows claimable against claimed for the chosen accounts,\n" +
    "refuses a tree whose root is not the distributor's current root, then claims (one account with claim, several\n" +
    "with batched claimMany). Without --account or --all it claims for the signer; anyone may claim for others, the\n" +
    "tokens always go to the account in the tree.",
  options: {
    tree: {
      type: "string",
      value: "<file>",
      description: "the published reward tree: a path or an absolute file:// URL",
      example: "--tree epochs/localhost/3/tree.json",
    },
    distributor: {
      type: "string",
      value: "<address>",
      description: "the RewardDistributor (or give --deployment)",
      example: "--distributor 0x5FbDB2315678afecb367f032d93F642f64180aa3",
      env: "DISTRIBUTOR",
    },
    deployment: deploymentOption("rewards"),
    ...NODE_OPTIONS,
    ...SIGNER_OPTIONS,
    account: {
      type: "string",
      value: "<address>",
      description: "claim for this account",
      example: "--account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      multiple: true,
    },
    all: { type: "boolean", description: "claim for every account of the tree", example: "--all" },
    batch: {
      type: "string",
      value: "<n>",
      description: "accounts per claimMany transaction",
      example: "--batch 50",
      default: "50",
    },
    "dry-run": { type: "boolean", description: "show the table, claim nothing", example: "--dry-run" },
  },
  environment: SIGNER_ENVIRONMENT,
  examples: [
    "npm run claim -- --tree epoch-3.json --deployment deployments/localhost.json --account-index 0",
    "PRIVATE_KEY=0x… npm run claim -- --tree file:///srv/epoch-3.json --distributor 0x… --rpc https://rpc.example --all",
  ],
  schema: CLAIM_SCHEMA,
  async run(o, context) {
    const tree = await loadTree(o.tree);
    const connection = await context.connect(o.rpc, o.timeout);
    const distributor = await context.contract(connection, "RewardDistributor", {
      address: o.distributor,
      option: "--distributor",
      deployment: o.deployment,
      name: "rewards",
    });
    const signer = await context.signer(connection, signerChoice(o));
    await runClaim({
      tree,
      distributor,
      signer,
      accounts: o.all ? tree.entries.map((e) => e.account) : o.account,
      batchSize: o.batch,
      dryRun: o["dry-run"],
    });
  },
};

if (require.main === module) exitWith(claimCommand);
