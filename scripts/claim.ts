/**
 * Claims OPEN rewards with a published reward tree: the current root's, read from the chain and the content store,
 * or a tree file.
 *
 *   npm run claim -- --network localhost [--content data/content] [--all]
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
import { join } from "node:path";
import { IntegrityError, InvalidInputError, RewardTree, RewardsClient, epochRewardTree } from "../sdk/src";
import type { ClaimStatus, ContentStore } from "../sdk/src";
import { contentStoreFromEnv, readDeployment, treeHelper } from "../sdk/src/node";
import {
  CommandError,
  NODE_OPTIONS,
  deploymentOption,
  NODE_SCHEMA,
  SIGNER_ENVIRONMENT,
  SIGNER_OPTIONS,
  SIGNER_SCHEMA,
  UsageError,
  exitWith,
  opt,
  signerChoice,
} from "./lib/cli";
import type { Command, Connection } from "./lib/cli";
import { ROOT } from "./lib/operator";
import { PublishedReportError, isSet, proposalEvent, publishedReport } from "./lib/roots";
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
  try {
    return RewardTree.fromJSON(dump, { helper: treeHelper() });
  } catch (error) {
    // The file the user gave was edited or damaged: bad input, not a failure of the chain or the content store.
    if (error instanceof IntegrityError) {
      throw new UsageError(`the reward tree "${location}" does not hold: ${error.shortMessage}`, { cause: error });
    }
    throw error;
  }
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

/**
 * The reward tree of the distributor's current root: its report, fetched from `store` by the URI its proposal
 * published (every byte checked against the CID), must have the root's hash, and its tree the root's root and total.
 */
export async function currentTree(
  connection: Connection,
  distributor: string,
  fromBlock: number,
  store: ContentStore,
): Promise<{ tree: RewardTree; epoch: bigint; reportURI: string }> {
  const current = await (await RewardsClient.connect(distributor, connection.provider)).currentRoot();
  if (!isSet(current)) throw new CommandError("the distributor has no accepted root yet: nothing to claim.");
  const event = await proposalEvent(connection.provider, distributor, fromBlock, current.epoch, current.root);
  if (!event) throw new CommandError(`no RootProposed event of the current root ${current.root} on the chain.`);
  try {
    const report = await publishedReport(store, { ...current, state: "accepted", ...event });
    return { tree: epochRewardTree(report), epoch: current.epoch, reportURI: event.reportURI };
  } catch (error) {
    if (error instanceof PublishedReportError) throw new CommandError(error.message);
    throw error;
  }
}

const CLAIM_SCHEMA = z
  .object({
    tree: opt.inputFile("tree").optional(),
    network: opt.string("network").optional(),
    content: opt.string("content").optional(),
    distributor: opt.address("distributor").optional(),
    deployment: opt.inputFile("deployment").optional(),
    ...NODE_SCHEMA,
    ...SIGNER_SCHEMA,
    account: z.array(opt.address("account")).optional(),
    all: opt.flag(),
    batch: opt.integer("batch"),
    "dry-run": opt.flag(),
  })
  .refine((o) => o.distributor !== undefined || o.deployment !== undefined || o.network !== undefined, {
    message: "missing --network <name>, --deployment <file> or --distributor <address> (see --help).",
  })
  .refine((o) => o.tree !== undefined || o.network !== undefined, {
    message: "missing --tree <file>, or --network <name> to claim with the current root's published report.",
  });

/** `npm run claim`: see --help. */
export const claimCommand: Command<z.output<typeof CLAIM_SCHEMA>> = {
  name: "claim",
  summary:
    "Claims OPEN rewards with a published reward tree: shows claimable against claimed for the chosen accounts,\n" +
    "refuses a tree whose root is not the distributor's current root, then claims (one account with claim, several\n" +
    "with batched claimMany). Without --account or --all it claims for the signer; anyone may claim for others, the\n" +
    "tokens always go to the account in the tree.",
  options: {
    network: {
      type: "string",
      value: "<name>",
      description:
        "claim on this network (deployments/<name>.json) with the current root's report, read from the content store",
      example: "--network localhost",
    },
    content: {
      type: "string",
      value: "<dir>",
      description: "the content folder the reports are in (default data/content; CONTENT_GATEWAY reads a gateway)",
      example: "--content data/content",
    },
    tree: {
      type: "string",
      value: "<file>",
      description: "claim with this reward tree instead: a path or an absolute file:// URL",
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
  environment: {
    ...SIGNER_ENVIRONMENT,
    CONTENT_GATEWAY: "read the report through this IPFS HTTP gateway (http://host:port), every byte checked",
  },
  examples: [
    "npm run claim -- --network localhost --account-index 0 --all",
    "npm run claim -- --tree epoch-3.json --deployment deployments/localhost.json --account-index 0",
    "PRIVATE_KEY=0x… npm run claim -- --tree file:///srv/epoch-3.json --distributor 0x… --rpc https://rpc.example --all",
  ],
  schema: CLAIM_SCHEMA,
  async run(o, context) {
    const fromFile = o.tree === undefined ? undefined : await loadTree(o.tree);
    const deployment = o.deployment ?? (o.network && join(ROOT, "deployments", `${o.network}.json`));
    const connection = await context.connect(o.rpc, o.timeout);
    const distributor = await context.contract(connection, "RewardDistributor", {
      address: o.distributor,
      option: "--distributor",
      deployment,
      name: "rewards",
    });
    let tree: RewardTree;
    if (fromFile) tree = fromFile;
    else {
      const fromBlock = deployment ? ((await readDeployment(deployment)).contracts.rewards?.block ?? 0) : 0;
      const store = contentStoreFromEnv(o.content === undefined ? {} : { dir: o.content });
      const current = await currentTree(connection, distributor, fromBlock, store);
      context.info(
        `Epoch ${current.epoch}: the current root's report ${current.reportURI}, checked against the chain.`,
      );
      tree = current.tree;
    }
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
