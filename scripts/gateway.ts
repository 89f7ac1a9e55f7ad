/**
 * Serves a model file to a list of queries and pays for the answers: each batch's inference log is written to a
 * content-addressed folder and settled on-chain with its root, its ipfs:// URI and the quoted fee as the maximum.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { JsonRpcProvider, Wallet, isAddress } from "ethers";
import { ProtocolError, SettlementClient } from "../sdk/src";
import { InferenceGateway, NGRAM_FORMAT, readModelFile } from "../sdk/src/ml";
import type { ModelFile, SettledBatch } from "../sdk/src/ml";
import { FileContentStore } from "../sdk/src/node";
import { open, printTable } from "./lib/ui";

const HELP = `Serves a model to queries and settles the inferences in batches.

  npm run gateway -- --rpc URL --settlement ADDRESS --model-id N --model FILE --queries FILE --store DIR
                     [--model-version V] [--batch N]

  --rpc            JSON-RPC endpoint (default http://127.0.0.1:8545)
  --settlement     InferenceSettlement address
  --model-id       the registered model id the answers are paid to
  --model-version  the registered version the model file is (default 1)
  --model          model file (serializeModelFile): a text classifier or an n-gram generator
  --queries        JSON lines, one {"query": "..."} each: mails to classify or prompts to complete
  --store          folder of the content-addressed store the logs go to (<dir>/<cid>)
  --batch          records per settlement (default 100)

The paying key is GATEWAY_PRIVATE_KEY in the environment; it needs OPEN for the fees (it approves settlement).
Exit codes: 0 done, 1 failed while serving or settling (unsettled batches are not written), 2 bad input.`;

/** Bad input: a one-line message and exit code 2. */
class UsageError extends Error {}

interface GatewayRun {
  rpc: string;
  settlement: string;
  modelId: bigint;
  modelVersion: number;
  model: ModelFile;
  queries: string[];
  store: string;
  batch: number;
  key: string;
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

function positiveInteger(value: string, option: string): number {
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${option} must be a positive integer, not "${value}".`);
  }
  return Number(value);
}

async function parseRun(argv: string[]): Promise<GatewayRun | undefined> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        rpc: { type: "string", default: "http://127.0.0.1:8545" },
        settlement: { type: "string" },
        "model-id": { type: "string" },
        "model-version": { type: "string", default: "1" },
        model: { type: "string" },
        queries: { type: "string" },
        store: { type: "string" },
        batch: { type: "string", default: "100" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  for (const option of ["settlement", "model-id", "model", "queries", "store"] as const) {
    if (values[option] === undefined) throw new UsageError(`missing --${option} (see --help).`);
  }
  if (!isAddress(values.settlement)) throw new UsageError(`--settlement "${values.settlement}" is not an address.`);
  if (!/^(0|[1-9][0-9]*)$/.test(values["model-id"]!)) {
    throw new UsageError(`--model-id must be a decimal integer, not "${values["model-id"]}".`);
  }
  const key = process.env.GATEWAY_PRIVATE_KEY;
  if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new UsageError("GATEWAY_PRIVATE_KEY must hold the paying account's private key (0x + 64 hex digits).");
  }
  let model: ModelFile;
  try {
    model = readModelFile(await readText(values.model!, "model file"));
  } catch (error) {
    if (error instanceof ProtocolError) throw new UsageError(`${values.model}: ${error.shortMessage}`);
    throw error;
  }
  return {
    rpc: values.rpc,
    settlement: values.settlement,
    modelId: BigInt(values["model-id"]!),
    modelVersion: positiveInteger(values["model-version"], "--model-version"),
    model,
    queries: parseQueries(await readText(values.queries!, "queries file"), values.queries!),
    store: values.store!,
    batch: positiveInteger(values.batch, "--batch"),
    key,
  };
}

/** Serves the queries, settles every batch and prints them. */
async function serveQueries(run: GatewayRun): Promise<void> {
  // No response cache: the wallet reads its nonce once per settlement, and a cached count would reuse the last one.
  const provider = new JsonRpcProvider(run.rpc, undefined, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const signer = new Wallet(run.key, provider);
    const settlement = await SettlementClient.connect(run.settlement, signer);
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
      const answer = generator
        ? await gateway.complete(run.modelId, query)
        : await gateway.classify(run.modelId, query);
      console.log(`${answer.recordId}\t${"text" in answer ? answer.text : `${answer.label}\t${answer.probability}`}`);
    }
    await gateway.flush();
    printTable(
      `Model ${run.modelId}: ${run.queries.length} queries settled in ${settled.length} batch(es)`,
      ["Epoch", "Calls", "Fee", "Log root", "Log URI", "Transaction"],
      settled.map((s) => [s.epoch, s.calls, open(s.fee), s.logRoot, s.logURI, s.transactionHash]),
      [0, 1, 2],
    );
  } finally {
    provider.destroy();
  }
}

async function main(): Promise<number> {
  let run: GatewayRun | undefined;
  try {
    run = await parseRun(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`gateway: ${error.message}`);
    return 2;
  }
  if (!run) {
    console.log(HELP);
    return 0;
  }
  try {
    await serveQueries(run);
    return 0;
  } catch (error) {
    console.error(`gateway: ${error instanceof ProtocolError ? error.shortMessage : (error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  main().then((code) => (process.exitCode = code));
}
