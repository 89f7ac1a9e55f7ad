/*
 * What the operator's commands (epoch, verify-epoch, watch, claim, status) share: a network name resolved to a node
 * and a deployment file, the index database beside it, the content store, and a sync of the indexer with a progress
 * bar. One network's files: `deployments/<network>.json`, `data/<network>/index` (PGlite, unless DATABASE_URL),
 * `data/content` (shared: it is addressed by content), `epochs/<network>/<n>/`.
 */
import { join } from "node:path";
import * as z from "zod";
import type { ContentStore } from "../../sdk/src";
import {
  ProtocolIndexer,
  contentStoreFromEnv,
  openIndexDatabase,
  readDeployment,
  INDEXED_CONTRACTS,
} from "../../sdk/src/node";
import type {
  IndexDatabase,
  IndexedContractName,
  IndexedContracts,
  ProtocolDeploymentFile,
  SyncResult,
} from "../../sdk/src/node";
import { CommandError, NODE_OPTIONS, UsageError, opt } from "./cli";
import type { CommandContext, Connection, OptionSpec } from "./cli";
import { progress } from "./ui";

/** The repository's root: deployments, data and epochs are kept under it unless an option says otherwise. */
export const ROOT = join(__dirname, "../..");
/** The embedded chain's name: it lives only inside one process, so the operator commands cannot reach it. */
export const EMBEDDED_NETWORK = "hardhat";
export const LOCALHOST_URL = "http://127.0.0.1:8545";

/** Options of every command that works on a deployed network. */
export const NETWORK_OPTIONS: Record<string, OptionSpec> = {
  network: {
    type: "string",
    value: "<name>",
    description: `localhost (${LOCALHOST_URL}) or a name of yours with --rpc / RPC_URL; names deployments/<name>.json`,
    example: "--network localhost",
    env: "NETWORK",
  },
  rpc: { ...NODE_OPTIONS.rpc, default: undefined, description: `JSON-RPC endpoint (localhost: ${LOCALHOST_URL})` },
  timeout: NODE_OPTIONS.timeout,
  deployment: {
    type: "string",
    value: "<file>",
    description: "the deployment file of npm run deploy (default deployments/<network>.json)",
    example: "--deployment deployments/localhost.json",
    env: "DEPLOYMENT",
  },
  data: {
    type: "string",
    value: "<dir>",
    description: "the folder of the index database (PGlite) unless DATABASE_URL is set (default data/<network>)",
    example: "--data data/localhost",
  },
  content: {
    type: "string",
    value: "<dir>",
    description:
      "the content folder (files by CID) of contributions, logs and reports; CONTENT_GATEWAY reads through a gateway",
    example: "--content data/content",
  },
  confirmations: {
    type: "string",
    value: "<n>",
    description: "blocks behind the head left unindexed, as they may still be reorganised",
    example: "--confirmations 12",
    default: "2",
  },
};

/** Environment variables the operator commands read, for --help. */
export const NETWORK_ENVIRONMENT = {
  DATABASE_URL: "index into this PostgreSQL database instead of PGlite (postgres://user:pass@host:port/db)",
  CONTENT_GATEWAY: "read content through this IPFS HTTP gateway (http://host:port), every byte checked against its CID",
};

/** The schema of {@link NETWORK_OPTIONS}. */
export const NETWORK_SCHEMA = {
  network: opt.string("network").refine((n) => /^[A-Za-z0-9_-]+$/.test(n), {
    message: "--network must be a name (letters, digits, - and _): localhost, or yours with RPC_URL.",
  }),
  rpc: opt.rpcUrl("rpc").optional(),
  timeout: opt.integer("timeout"),
  deployment: opt.inputFile("deployment").optional(),
  data: opt.string("data").optional(),
  content: opt.string("content").optional(),
  confirmations: opt.integer("confirmations", 0),
};

/** The parsed {@link NETWORK_SCHEMA}. */
export type NetworkChoice = z.output<z.ZodObject<typeof NETWORK_SCHEMA>>;

/** A network the operator works on: its node, its deployment, its index and the content store. */
export interface OperatorNetwork {
  name: string;
  connection: Connection;
  deployment: ProtocolDeploymentFile;
  deploymentPath: string;
  index: IndexDatabase;
  indexer: ProtocolIndexer;
  store: ContentStore;
  /** Where this network's epochs are written: `epochs/<network>`. */
  epochsDir: string;
  /** Address of a deployed contract by its deployment name (`rewards`, `settlement`...). */
  address(name: string): string;
  /** Syncs the index to the head less the confirmations, with a progress bar; returns what the sync did. */
  sync(): Promise<SyncResult>;
  close(): Promise<void>;
}

/** The contracts of `deployment` the indexer reads, each from its deployment block. */
export function indexedContractsOf(deployment: ProtocolDeploymentFile): IndexedContracts {
  const contracts: IndexedContracts = {};
  for (const name of Object.keys(INDEXED_CONTRACTS) as IndexedContractName[]) {
    const deployed = deployment.contracts[name];
    if (deployed) contracts[name] = { address: deployed.address, fromBlock: deployed.block ?? 0 };
  }
  return contracts;
}

/** Where a network's files are and how its index follows the chain. */
export interface NetworkSettings {
  name: string;
  connection: Connection;
  deployment: ProtocolDeploymentFile;
  deploymentPath: string;
  /** The folder of the index database (PGlite, `<data>/index`) unless DATABASE_URL is set. */
  dataDir: string;
  /** The content folder; default `data/content` (or CONTENT_GATEWAY). */
  contentDir?: string;
  confirmations: number;
  /** Where epochs are written; default `epochs/<name>`. */
  epochsDir?: string;
}

/**
 * The network of `settings` with its index database opened (and migrated), its indexer and its content store: what
 * the commands get from {@link openNetwork}, and the demo from the embedded chain's provider.
 */
export async function networkOf(settings: NetworkSettings): Promise<OperatorNetwork> {
  const { connection, deployment, deploymentPath } = settings;
  const index = await openIndexDatabase(process.env.DATABASE_URL ? {} : { dataDir: join(settings.dataDir, "index") });
  const indexer = new ProtocolIndexer({
    provider: connection.provider,
    db: index,
    contracts: indexedContractsOf(deployment),
    confirmations: settings.confirmations,
    url: connection.url,
  });
  const store = contentStoreFromEnv(settings.contentDir === undefined ? {} : { dir: settings.contentDir });
  const address = (name: string) => {
    const contract = deployment.contracts[name];
    if (!contract) throw new CommandError(`${deploymentPath} has no ${name} contract.`);
    return contract.address;
  };
  return {
    name: settings.name,
    connection,
    deployment,
    deploymentPath,
    index,
    indexer,
    store,
    epochsDir: settings.epochsDir ?? join(ROOT, "epochs", settings.name),
    address,
    async sync() {
      let bar: ReturnType<typeof progress> | undefined;
      try {
        return await indexer.sync({
          onProgress: (p) => {
            const start = indexer.startBlock;
            bar ??= progress(`Indexing blocks to ${p.targetBlock}`, Math.max(1, p.targetBlock - start + 1));
            bar.update(p.toBlock - start + 1);
          },
        });
      } finally {
        bar?.stop();
      }
    },
    async close() {
      await index.close();
    },
  };
}

/**
 * Connects to `choice`'s network: the node (checked within the timeout), the deployment file (its chain id must be
 * the node's, and each contract must have code), the index database (migrated) and the content store.
 */
export async function openNetwork(context: CommandContext, choice: NetworkChoice): Promise<OperatorNetwork> {
  if (choice.network === EMBEDDED_NETWORK) {
    throw new UsageError(
      "--network hardhat is the embedded chain, which lives only inside one process: start `npx hardhat node` and use --network localhost.",
    );
  }
  const url = choice.rpc ?? (choice.network === "localhost" ? LOCALHOST_URL : undefined);
  if (!url) throw new UsageError(`--network ${choice.network} needs the node's URL: give --rpc <url> or RPC_URL.`);
  const deploymentPath = choice.deployment ?? join(ROOT, "deployments", `${choice.network}.json`);
  const deployment = await readDeployment(deploymentPath);
  const connection = await context.connect(url, choice.timeout);
  if (BigInt(deployment.chainId) !== connection.chainId) {
    throw new CommandError(
      `${deploymentPath} is a deployment on chain ${deployment.chainId}, but ${url} is chain ${connection.chainId}.`,
    );
  }
  for (const [name, contract] of Object.entries(deployment.contracts)) {
    if ((await connection.provider.getCode(contract.address)) === "0x") {
      throw new CommandError(
        `${deploymentPath}: ${name} (${contract.contract}) at ${contract.address} has no code on chain ${connection.chainId}; is the node the one deployed to?`,
      );
    }
  }
  return networkOf({
    name: choice.network,
    connection,
    deployment,
    deploymentPath,
    dataDir: choice.data ?? join(ROOT, "data", choice.network),
    contentDir: choice.content,
    confirmations: choice.confirmations,
  });
}
