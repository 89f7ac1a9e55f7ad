/*
 * The page's logic: everything goes through the wallet's EIP-1193 provider (`window.ethereum`), which reads the chain
 * and signs the claim; the page holds no key. The leaderboard is rebuilt from the registry's events by the SDK's
 * indexer, the claimable amount comes from a published reward tree (a URL or a file) and the distributor.
 */
import { BrowserProvider, formatUnits, isAddress } from "ethers";
import type { Eip1193Provider } from "ethers";
import {
  DatanetIndexer,
  InvalidInputError,
  ProtocolError,
  RewardTree,
  RewardsClient,
  rankContributors,
} from "@open-attribution/sdk";
import type { LeaderboardRow } from "@open-attribution/sdk";

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

function element<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const form = element<HTMLFormElement>("settings");
const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
const loadButton = element<HTMLButtonElement>("load");
const claimButton = element<HTMLButtonElement>("claim");
const status = element("status");
const errorBox = element("error");

/** What a claim needs, from the last load. */
interface Session {
  client: RewardsClient;
  tree: RewardTree;
  account: string;
  symbol: string;
}
let session: Session | undefined;

// Links can carry the settings: ?registry=0x…&datanet=1&distributor=0x…&tree=https://…&from=0
for (const [name, value] of new URLSearchParams(location.search)) {
  if (["registry", "datanet", "from", "distributor", "tree"].includes(name)) input(name).value = value;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void run(load);
});
claimButton.addEventListener("click", () => void run(claim));

/** Runs one user action: buttons off meanwhile, and any failure shown as one message. */
async function run(action: () => Promise<void>): Promise<void> {
  errorBox.hidden = true;
  loadButton.disabled = claimButton.disabled = true;
  try {
    await action();
  } catch (error) {
    status.textContent = "";
    errorBox.textContent = describe(error);
    errorBox.hidden = false;
  } finally {
    loadButton.disabled = false;
    void refreshClaimButton();
  }
}

/**
 * The SDK's typed errors say what went wrong in one line and what to do in the hint; a request rejected in the wallet
 * is one of them (UserRejectedError).
 */
function describe(error: unknown): string {
  if (error instanceof ProtocolError) return [error.shortMessage, error.hint].filter(Boolean).join(" ");
  const { shortMessage, message } = error as { shortMessage?: string; message?: string };
  return shortMessage ?? message ?? String(error);
}

function settings() {
  const registry = input("registry").value.trim();
  const distributor = input("distributor").value.trim();
  const datanet = input("datanet").value.trim();
  const from = input("from").value.trim() || "0";
  if (!isAddress(registry)) throw new InvalidInputError(`Datanet registry: "${registry}" is not an address.`);
  if (!isAddress(distributor)) throw new InvalidInputError(`Reward distributor: "${distributor}" is not an address.`);
  if (!/^[1-9][0-9]*$/.test(datanet)) throw new InvalidInputError(`Datanet id: "${datanet}" is not a Datanet id.`);
  if (!/^[0-9]+$/.test(from)) throw new InvalidInputError(`From block: "${from}" is not a block number.`);
  return { registry, distributor, datanetId: BigInt(datanet), fromBlock: Number(from) };
}

/** The tree from the chosen file, else from the URL; `fromJSON` validates every node of the dump. */
async function readTree(): Promise<RewardTree> {
  const file = input("treeFile").files?.[0];
  const url = input("tree").value.trim();
  let text: string;
  if (file) {
    text = await file.text();
  } else if (url) {
    const response = await fetch(url).catch((error: Error) => {
      throw new InvalidInputError(`Cannot fetch the reward tree at ${url}: ${error.message}`);
    });
    if (!response.ok) throw new InvalidInputError(`Cannot fetch the reward tree at ${url}: HTTP ${response.status}.`);
    text = await response.text();
  } else {
    throw new InvalidInputError("Give the reward tree: its URL or a file.");
  }
  let dump: unknown;
  try {
    dump = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`The reward tree ${file ? file.name : url} is not JSON.`);
  }
  return RewardTree.fromJSON(dump);
}

async function load(): Promise<void> {
  session = undefined;
  const { registry, distributor, datanetId, fromBlock } = settings();
  if (!window.ethereum) {
    throw new InvalidInputError("No wallet found: this page needs an EIP-1193 wallet (window.ethereum).", {
      hint: "Install a browser wallet such as MetaMask, or open the page in a browser that has one.",
    });
  }
  const provider = new BrowserProvider(window.ethereum);
  status.textContent = "Connecting to your wallet…";
  const signer = await provider.getSigner();

  status.textContent = "Reading the Datanet's events…";
  const indexer = new DatanetIndexer(provider, registry, {
    fromBlock,
    onProgress: (block, target) => (status.textContent = `Reading the Datanet's events: block ${block} of ${target}…`),
  });
  const block = await indexer.sync();
  const datanet = indexer.datanet(datanetId);
  showLeaderboard(
    `Datanet ${datanet.id} (${datanet.uri}) at block ${block}`,
    rankContributors(indexer.reputation(datanetId)),
  );

  status.textContent = "Loading the reward tree…";
  const tree = await readTree();
  const client = await RewardsClient.connect(distributor, signer);
  session = { client, tree, account: signer.address, symbol: await client.token.symbol() };
  await showRewards();
  status.textContent = `Loaded at block ${block}.`;
}

function showLeaderboard(title: string, rows: LeaderboardRow[]): void {
  element("board-title").textContent = title;
  const body = element("board-rows");
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement("tr");
      for (const cell of [
        String(r.rank),
        r.account,
        String(r.accepted),
        String(r.rejected),
        `${(100 * r.acceptanceRate).toFixed(1)}%`,
        r.score.toFixed(3),
        r.acceptedBytes.toString(),
      ]) {
        const td = document.createElement("td");
        td.textContent = cell;
        tr.append(td);
      }
      return tr;
    }),
  );
  element("board").hidden = false;
}

const amount = (value: bigint, symbol: string) => `${formatUnits(value, 18)} ${symbol}`;

/** Cumulative, claimed and claimable for the wallet's account, read now. */
async function showRewards(): Promise<bigint> {
  const { client, tree, account, symbol } = session!;
  const [s] = await client.status(tree, [account]);
  element("account").textContent = account;
  element("root").textContent = tree.root;
  element("cumulative").textContent = amount(s.cumulativeAmount, symbol);
  element("claimed").textContent = amount(s.claimed, symbol);
  element("claimable").textContent = amount(s.claimable, symbol);
  element("rewards").hidden = false;
  return s.claimable;
}

async function refreshClaimButton(): Promise<void> {
  if (!session) return;
  const { client, tree, account } = session;
  const [s] = await client.status(tree, [account]).catch(() => [undefined]);
  claimButton.disabled = !s || s.claimable === 0n;
}

async function claim(): Promise<void> {
  const { client, tree, account, symbol } = session!;
  status.textContent = "Checking the tree against the distributor's current root…";
  await client.assertCurrent(tree);
  const [s] = await client.status(tree, [account]);
  status.textContent = `Confirm the claim of ${amount(s.claimable, symbol)} in your wallet, then wait for its block…`;
  const receipt = await client.claim(tree, account);
  await showRewards();
  status.textContent = `Claimed ${amount(s.claimable, symbol)} in transaction ${receipt.hash} (block ${receipt.blockNumber}).`;
}
