/**
 * Serves a model file to a list of queries and pays for the answers: each batch's inference log is written to a
 * content-addressed folder and settled on-chain with its root, its ipfs:// URI and the quoted fee as the maximum.
 */
import { readFile } from "node:fs/promises";
import type { Signer } from "ethers";
import * as z from "zod";
import { ProtocolError, SettlementClient } from "../sdk/src";
import { InferenceGateway, NGRAM_FORMAT, readModelFile } from "../sdk/src/ml";
import type { ModelFile, SettledBatch } from "../sdk/src/ml";
import { FileContentStore } from "../sdk/src/node";
import { NODE_OPTIONS, addressOrDeployment, deploymentOption, NODE_SCHEMA, UsageError, exitWith, opt } from "./lib/cli";
import type { Command } from "./lib/cli";
import { open, printTable } from "./lib/ui";

/** What {@link serveQueries} serves, and how it pays. */
interface GatewayRun {
  signer: Signer;
  settlement: string;
  modelId: bigint;
  modelVersion: number;
  model: ModelFile;
  queries: string[];
  store: string;
  batch: number;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    throw new UsageError(`cannot read the ${what} "${path}".`);
  }
}

/** The queries of a JSON-lines file; blank lines are skipped. */
function parseQueries(text: string, path: string): string[] {
  const queries: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`${path} line ${i + 1} is not JSON.`);
    }
    const query = (value as { query?: unknown } | null)?.query;
    if (typeof query !== "string") throw new UsageError(`${path} line ${i + 1} is not {"query": "<text>"}.`);
    queries.push(query);
  });
  if (queries.length === 0) throw new UsageError(`${path} holds no query.`);
  return queries;
}

const GATEWAY_SCHEMA = addressOrDeployment(
  z.object({
    ...NODE_SCHEMA,
    settlement: opt.address("settlement").optional(),
    deployment: opt.inputFile("deployment").optional(),
    "model-id": opt.bigint("model-id"),
    "model-version": opt.integer("model-version"),
    model: opt.inputFile("model"),
    queries: opt.inputFile("queries"),
    store: opt.string("store"),
    batch: opt.integer("batch"),
    yes: opt.flag(),
  }),
  "settlement",
);

/** `npm run gateway`: see --help. */
export const gatewayCommand: Command<z.output<typeof GATEWAY_SCHEMA>> = {
  name: "gateway",
  summary:
    "Serves a model to queries and settles the inferences in batches: each batch's inference log is written to a\n" +
    "content-addressed folder and settled on-chain with its root, its ipfs:// URI and the quoted fee as the maximum.\n" +
    "Unsettled batches are not written.",
  options: {
    ...NODE_OPTIONS,
    settlement: {
      type: "string",
      value: "<address>",
      description: "the InferenceSettlement contract (or give --deployment)",
      example: "--settlement 0x5FbDB2315678afecb367f032d93F642f64180aa3",
    },
    deployment: deploymentOption("settlement"),
    "model-id": {
      type: "string",
      value: "<n>",
      description: "the registered model id the answers are paid to",
      example: "--model-id 1",
    },
    "model-version": {
      type: "string",
      value: "<n>",
      description: "the registered version the model file is",
      example: "--model-version 2",
      default: "1",
    },
    model: {
      type: "string",
      value: "<file>",
      description: "model file (serializeModelFile): a text classifier or an n-gram generator",
      example: "--model models/classifier.json",
    },
    queries: {
      type: "string",
      value: "<file>",
      description: 'JSON lines, one {"query": "..."} each: mails to classify or prompts to complete',
      example: "--queries queries.jsonl",
    },
    store: {
      type: "string",
      value: "<dir>",
      description: "folder of the content-addressed store the logs go to (<dir>/<cid>)",
      example: "--store data/content",
    },
    batch: {
      type: "string",
      value: "<n>",
      description: "records per settlement",
      example: "--batch 100",
      default: "100",
    },
    yes: {
      type: "boolean",
      description: "send with GATEWAY_PRIVATE_KEY without asking first",
      example: "--yes",
    },
  },
  environment: {
    GATEWAY_PRIVATE_KEY: "the paying account's private key; it needs OPEN for the fees (it approves settlement)",
  },
  examples: [
    "GATEWAY_PRIVATE_KEY=0x… npm run gateway -- --deployment deployments/localhost.json --model-id 1 \\\n" +
      "    --model classifier.json --queries mails.jsonl --store data/content --yes",
  ],
  schema: GATEWAY_SCHEMA,
  async run(o, context) {
    const key = process.env.GATEWAY_PRIVATE_KEY;
    if (!key)
      throw new UsageError("GATEWAY_PRIVATE_KEY must hold the paying account's private key (0x + 64 hex digits).");
    let model: ModelFile;
    try {
      model = readModelFile(await readText(o.model, "model file"));
    } catch (error) {
      if (error instanceof ProtocolError) throw new UsageError(`${o.model}: ${error.shortMessage}`);
      throw error;
    }
    const queries = parseQueries(await readText(o.queries, "queries file"), o.queries);
    const connection = await context.connect(o.rpc, o.timeout);
    const settlement = await context.contract(connection, "InferenceSettlement", {
      address: o.settlement,
      option: "--settlement",
      deployment: o.deployment,
      name: "settlement",
    });
    const signer = await context.signer(connection, {
      privateKey: { value: key, variable: "GATEWAY_PRIVATE_KEY" },
      yes: o.yes,
    });
    await serveQueries({
      signer,
      settlement,
      modelId: o["model-id"],
      modelVersion: o["model-version"],
      model,
      queries,
      store: o.store,
      batch: o.batch,
    });
  },
};

/** Serves the queries, settles every batch and prints them. */
async function serveQueries(run: GatewayRun): Promise<void> {
  const settlement = await SettlementClient.connect(run.settlement, run.signer);
  const settled: SettledBatch[] = [];
  const gateway = new InferenceGateway({
    settlement,
    store: new FileContentStore(run.store),
    batchSize: run.batch,
    onSettled: (batch) => settled.push(batch),
  });
  gateway.serve(run.modelId, run.modelVersion, run.model);
  const generator = run.model.format === NGRAM_FORMAT;
  for (const query of run.queries) {
    const answer = generator ? await gateway.complete(run.modelId, query) : await gateway.classify(run.modelId, query);
    console.log(`${answer.recordId}\t${"text" in answer ? answer.text : `${answer.label}\t${answer.probability}`}`);
  }
  await gateway.flush();
  printTable(
    `Model ${run.modelId}: ${run.queries.length} queries settled in ${settled.length} batch(es)`,
    ["Epoch", "Calls", "Fee", "Log root", "Log URI", "Transaction"],
    settled.map((s) => [s.epoch, s.calls, open(s.fee), s.logRoot, s.logURI, s.transactionHash]),
    [0, 1, 2],
  );
}

if (require.main === module) exitWith(gatewayCommand);
