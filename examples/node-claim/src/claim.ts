/*
 * A contributor's view of the protocol from Node, with the SDK imported by name: the leaderboard of a Datanet
 * rebuilt from the registry's events, the contributor's cumulative, claimed and claimable OPEN against a published
 * reward tree, and the claim. Run `npm start -w examples/node-claim -- --help` from the repository.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { JsonRpcProvider, Wallet, formatUnits, isAddress, isError } from "ethers";
import type { Provider } from "ethers";
import {
  DatanetClient,
  DatanetIndexer,
  InvalidInputError,
  ProtocolError,
  RewardTree,
  RewardsClient,
  RpcResponseError,
  UnknownRevertError,
  rankContributors,
} from "@open-attribution/sdk";
import type { ClaimStatus, LeaderboardRow } from "@open-attribution/sdk";

const HELP = `Usage: npm start -w examples/node-claim -- [options]

Prints a Datanet's leaderboard (contributors ranked by the Wilson lower bound of their acceptance rate, rebuilt
from the registry's events), an account's cumulative, claimed and claimable OPEN in a published reward tree, and
claims what is claimable.

Options (each may come from the environment variable in brackets instead):
  --rpc <url>           JSON-RPC endpoint [RPC_URL] (default http://127.0.0.1:8545)
  --registry <address>  DatanetRegistry [REGISTRY]
  --datanet <id>        Datanet id [DATANET_ID]
  --from-block <n>      first block to index, e.g. the registry's deployment block [FROM_BLOCK] (default 0)
  --distributor <addr>  RewardDistributor [DISTRIBUTOR]
  --tree <location>     reward tree dump (standard-v1 JSON): a path, a file:// or an http(s):// URL [TREE]
  --account <address>   whose rewards to show and claim [ACCOUNT] (default: the key's address)
  --dry-run             show everything, send nothing
  -h, --help            this text

The key that signs the claim is read from PRIVATE_KEY only, never from the command line, where other users of the
machine could read it. Anyone may claim for any account: the OPEN always goes to the account in the tree.

Exit codes: 0 done (also when there is nothing to claim), 1 the chain or the node refused or failed, 2 bad input.`;

interface Options {
  rpc: string;
  registry: string;
  datanetId: bigint;
  fromBlock: number;
  distributor: string;
  tree: string;
  account?: string;
  key?: string;
  dryRun: boolean;
}

/** Arguments, else environment variables; anything malformed throws {@link InvalidInputError} (exit code 2). */
function readOptions(argv: string[], env: NodeJS.ProcessEnv): Options | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        rpc: { type: "string" },
        registry: { type: "string" },
        datanet: { type: "string" },
        "from-block": { type: "string" },
        distributor: { type: "string" },
        tree: { type: "string" },
        account: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new InvalidInputError(`${(error as Error).message} (see --help).`);
  }
  if (values.help) return "help";
  const required = (flag: string, variable: string, value: string | undefined): string => {
    if (!value) throw new InvalidInputError(`Missing --${flag} (or ${variable}); see --help.`);
    return value;
  };
  const address = (flag: string, variable: string, value: string | undefined): string => {
    const given = required(flag, variable, value);
    if (!isAddress(given)) throw new InvalidInputError(`--${flag}: "${given}" is not an address.`);
    return given;
  };
  const rpc = values.rpc ?? env.RPC_URL ?? "http://127.0.0.1:8545";
  if (!/^https?:\/\//.test(rpc)) throw new InvalidInputError(`--rpc: "${rpc}" is not an http(s) URL.`);
  const datanet = required("datanet", "DATANET_ID", values.datanet ?? env.DATANET_ID);
  if (!/^[1-9][0-9]*$/.test(datanet)) throw new InvalidInputError(`--datanet: "${datanet}" is not a Datanet id.`);
  const fromBlock = values["from-block"] ?? env.FROM_BLOCK ?? "0";
  if (!/^[0-9]+$/.test(fromBlock)) throw new InvalidInputError(`--from-block: "${fromBlock}" is not a block number.`);
  const key = env.PRIVATE_KEY || undefined;
  if (key !== undefined && !/^(0x)?[0-9a-fA-F]{64}$/.test(key)) {
    throw new InvalidInputError("PRIVATE_KEY is not a 32-byte hex key.");
  }
  const account = values.account ?? env.ACCOUNT;
  if (account !== undefined && !isAddress(account)) {
    throw new InvalidInputError(`--account: "${account}" is not an address.`);
  }
  if (!key && !values["dry-run"]) {
    throw new InvalidInputError("No key to sign the claim: set PRIVATE_KEY, or pass --dry-run to only look.");
  }
  if (!key && account === undefined) throw new InvalidInputError("Without PRIVATE_KEY, --account is required.");
  return {
    rpc,
    registry: address("registry", "REGISTRY", values.registry ?? env.REGISTRY),
    datanetId: BigInt(datanet),
    fromBlock: Number(fromBlock),
    distributor: address("distributor", "DISTRIBUTOR", values.distributor ?? env.DISTRIBUTOR),
    tree: required("tree", "TREE", values.tree ?? env.TREE),
    account,
    key,
    dryRun: values["dry-run"],
  };
}

/**
 * A provider for `url` on the chain it reports. Asking for the chain id first turns an unreachable node into one
 * error instead of ethers' endless "failed to detect network" retries.
 */
async function connect(url: string): Promise<JsonRpcProvider> {
  let chainId: bigint;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
    chainId = BigInt(((await response.json()) as { result: string }).result);
  } catch (error) {
    const { cause } = error as { cause?: { code?: string; message?: string } };
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`Cannot reach a JSON-RPC node at ${url} (${reason}).`);
  }
  return new JsonRpcProvider(url, chainId, { staticNetwork: true });
}

/**
 * The client `connect` makes for the contract at `address`: no contract there, or one that does not answer the
 * client's first read, is bad input rather than a chain failure.
 */
async function contract<T>(
  provider: Provider,
  flag: string,
  address: string,
  what: string,
  connect: () => Promise<T>,
): Promise<T> {
  if ((await provider.getCode(address)) === "0x") {
    throw new InvalidInputError(`--${flag}: no contract at ${address} on this chain.`);
  }
  try {
    return await connect();
  } catch (error) {
    // The clients answer a contract of another kind with the SDK's typed errors: a revert without a reason (no such
    // function) or an answer that does not decode.
    const otherContract =
      error instanceof UnknownRevertError ||
      error instanceof RpcResponseError ||
      error instanceof InvalidInputError ||
      isError(error, "CALL_EXCEPTION") ||
      isError(error, "BAD_DATA");
    if (otherContract) {
      throw new InvalidInputError(`--${flag}: the contract at ${address} is not a ${what}.`);
    }
    throw error;
  }
}

const invokedFrom = process.env.INIT_CWD ?? process.cwd();

/** Reads a standard-v1 tree dump from a path or a file:// or http(s):// URL; `fromJSON` validates every node. */
async function loadTree(location: string): Promise<RewardTree> {
  let text: string;
  try {
    if (/^https?:\/\//.test(location)) {
      const response = await fetch(location, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      text = await response.text();
    } else {
      // `npm start -w …` runs in this package's folder; a relative path means one from where the user typed it.
      const path = location.startsWith("file://") ? fileURLToPath(location) : resolve(invokedFrom, location);
      text = await readFile(path, "utf8");
    }
  } catch (error) {
    throw new InvalidInputError(`--tree: cannot read "${location}" (${(error as Error).message}).`);
  }
  try {
    return RewardTree.fromJSON(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw new InvalidInputError(`--tree: "${location}" is not JSON.`);
    throw error;
  }
}

/** A plain text table; columns listed in `right` are right-aligned (numbers). */
function table(headers: string[], rows: string[][], right: number[]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (right.includes(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function leaderboard(rows: LeaderboardRow[]): string {
  return table(
    ["#", "Contributor", "Accepted", "Rejected", "Acceptance", "Wilson 95% low", "Accepted bytes"],
    rows.map((r) => [
      String(r.rank),
      r.account,
      String(r.accepted),
      String(r.rejected),
      `${(100 * r.acceptanceRate).toFixed(1)}%`,
      r.score.toFixed(3),
      r.acceptedBytes.toString(),
    ]),
    [0, 2, 3, 4, 5, 6],
  );
}

function rewards(status: ClaimStatus, symbol: string): string {
  const amount = (v: bigint) => `${formatUnits(v, 18)} ${symbol}`;
  return table(
    ["Account", "Cumulative", "Claimed", "Claimable"],
    [[status.account, amount(status.cumulativeAmount), amount(status.claimed), amount(status.claimable)]],
    [1, 2, 3],
  );
}

async function main(argv: string[]): Promise<void> {
  const options = readOptions(argv, process.env);
  if (options === "help") {
    console.log(HELP);
    return;
  }
  const tree = await loadTree(options.tree);
  const provider = await connect(options.rpc);
  try {
    const signer = options.key ? new Wallet(options.key, provider) : undefined;
    await contract(provider, "registry", options.registry, "DatanetRegistry", () =>
      DatanetClient.connect(options.registry, provider),
    );
    const client = await contract(provider, "distributor", options.distributor, "RewardDistributor", () =>
      RewardsClient.connect(options.distributor, signer ?? provider),
    );

    const indexer = new DatanetIndexer(provider, options.registry, { fromBlock: options.fromBlock });
    const block = await indexer.sync();
    const datanet = indexer.datanet(options.datanetId);
    const rows = rankContributors(indexer.reputation(options.datanetId));
    console.log(`Datanet ${datanet.id} (${datanet.uri}), leaderboard at block ${block}:`);
    console.log(rows.length > 0 ? leaderboard(rows) : "No reviewed contribution yet.");

    const account = options.account ?? signer!.address;
    const root = await client.currentRoot();
    await client.assertCurrent(tree);
    const symbol = await client.token.symbol();
    const [status] = await client.status(tree, [account]);
    console.log(`\nRewards in the tree of epoch ${root.epoch} (root ${tree.root}):`);
    console.log(rewards(status, symbol));

    const owed = `${formatUnits(status.claimable, 18)} ${symbol}`;
    if (status.claimable === 0n) {
      console.log(`\nNothing to claim: ${account} has been paid its cumulative amount.`);
    } else if (options.dryRun) {
      console.log(`\nDry run: a claim would pay ${owed} to ${account}; nothing was sent.`);
    } else {
      const receipt = await client.claim(tree, account);
      console.log(`\nClaimed ${owed} for ${account} in transaction ${receipt.hash} (block ${receipt.blockNumber}).`);
    }
  } finally {
    provider.destroy();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // One line for a person: the SDK's typed errors carry it, with a hint on what to do; ethers' errors a short one.
  const { shortMessage, message } = error as { shortMessage?: string; message?: string };
  const line =
    error instanceof ProtocolError
      ? [error.shortMessage, error.hint].filter(Boolean).join(" ")
      : (shortMessage ?? message ?? String(error)).split("\n")[0];
  console.error(`node-claim: ${line}`);
  process.exitCode = error instanceof InvalidInputError ? 2 : 1;
});
