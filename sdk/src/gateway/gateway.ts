import { keccak256, toUtf8Bytes } from "ethers";
import { InvalidInputError, ServedModelKindError, UnknownServedModelError } from "../errors";
import type { SettlementClient } from "../clients/settlementClient";
import type { ContentStore } from "../content/store";
import type { FeeShares } from "../settlement/fees";
import { buildInferenceLog } from "../inference/log";
import type { InferenceLog, InferenceRecord } from "../inference/log";
import { denseOf } from "../ml/features";
import { readModelFile } from "../ml/modelFile";
import type { ModelFile } from "../ml/modelFile";
import { NGRAM_DEFAULTS, NGRAM_FORMAT, generateText } from "../ml/ngram";
import { classifyText } from "../ml/textClassifier";

/** A model the gateway runs: a text classifier (for `classify`) or an n-gram generator (for `complete`). */
export type ServedModel = ModelFile;

/** Options of {@link InferenceGateway}. */
export interface InferenceGatewayOptions {
  /** Settles each batch, from the account that pays for the inferences. */
  settlement: SettlementClient;
  /** Where each batch's log file is stored; its URI is the settlement's `logURI`. */
  store: ContentStore;
  /** Records per batch: a model's batch is settled as soon as it holds this many. Default 100. */
  batchSize?: number;
  /** The clock of record ids, in milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Called with each batch once it is settled, whether by {@link InferenceGateway.flush} or because it was full. */
  onSettled?: (batch: SettledBatch) => void;
}

/** How {@link InferenceGateway.serve} runs a model. */
export interface ServeOptions {
  /** Generators: the most words of a completion. Default 40. */
  maxWords?: number;
}

/** What {@link InferenceGateway.classify} answers. */
export interface ClassifyReturnType {
  recordId: string;
  /** 1 for the positive class (spam, in the demo). */
  label: 0 | 1;
  /** P(label 1 | text). */
  probability: number;
}

/** What {@link InferenceGateway.complete} answers. */
export interface CompleteReturnType {
  recordId: string;
  /** The generated continuation of the prompt (its words, lower-cased, separated by single spaces). */
  text: string;
}

/** One settled batch. */
export interface SettledBatch {
  modelId: bigint;
  epoch: bigint;
  /** The log's Merkle root, as settled. */
  logRoot: string;
  /** `ipfs://<cid>` of the log file in the store, as settled. */
  logURI: string;
  /** Calls paid for: the sum of the records' calls. */
  calls: bigint;
  /** What was paid, at most the quote taken before settling. */
  fee: bigint;
  shares: FeeShares;
  records: readonly InferenceRecord[];
  transactionHash: string;
}

const DEFAULT_BATCH_SIZE = 100;

/** A batch whose log is built and stored: settling it again always settles the same root and URI. */
interface SealedBatch {
  log: InferenceLog;
  uri: string;
}

interface Served {
  modelVersion: number;
  model: ServedModel;
  maxWords: number;
  /** Records not yet in a sealed batch. */
  open: InferenceRecord[];
  /** Sealed batches waiting to be settled, oldest first. */
  sealed: SealedBatch[];
}

/**
 * Serves models and pays for what they answer. Each query (a text to classify, a prompt to complete) runs the model
 * and makes one inference record (calls 1, `queryHash` = keccak256 of the query's UTF-8 bytes). A model's records
 * go in batches of `batchSize`; a batch is sealed (its inference-log-v1 file built and put in the store) and then
 * settled on-chain with the log's root, the file's `ipfs://` URI, the log's calls and, as `maxFee`, the fee quoted
 * just before: a price raised in between makes the settlement revert rather than charge more.
 *
 * A batch whose settlement fails stays queued, sealed, and the error is thrown; the next {@link flush} settles it
 * with the same root and URI. Settlements run one at a time, in order, so a batch is never settled twice by
 * concurrent calls.
 */
export class InferenceGateway {
  private readonly settlement: SettlementClient;
  private readonly store: ContentStore;
  private readonly batchSize: number;
  private readonly now: () => number;
  private readonly onSettled?: (batch: SettledBatch) => void;
  private readonly models = new Map<bigint, Served>();
  private sequence = 0;
  /** The tail of the chain of flushes: each waits for the one before. */
  private flushing: Promise<unknown> = Promise.resolve();

  constructor(options: InferenceGatewayOptions) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new InvalidInputError(`The batch size must be an integer ≥ 1, not ${String(batchSize)}.`);
    }
    this.settlement = options.settlement;
    this.store = options.store;
    this.batchSize = batchSize;
    this.now = options.now ?? Date.now;
    this.onSettled = options.onSettled;
  }

  /**
   * Serves `model` (checked as {@link readModelFile} checks a file) as version `modelVersion` of `modelId`, in place
   * of any model served under that id before; records already made keep the version that answered them.
   * @throws MalformedModelFileError for a malformed model; InvalidInputError for a bad id, version or option.
   */
  serve(modelId: bigint, modelVersion: number, model: ServedModel, options: ServeOptions = {}): void {
    if (typeof modelId !== "bigint" || modelId < 0n) {
      throw new InvalidInputError(`A model id is a bigint ≥ 0, not ${String(modelId)}.`);
    }
    if (!Number.isInteger(modelVersion) || modelVersion < 1 || modelVersion > 2 ** 32 - 1) {
      throw new InvalidInputError(`A model version is an integer from 1 to 2^32 - 1, not ${String(modelVersion)}.`);
    }
    const maxWords = options.maxWords ?? NGRAM_DEFAULTS.maxWords;
    if (!Number.isSafeInteger(maxWords) || maxWords < 1) {
      throw new InvalidInputError(`maxWords must be an integer ≥ 1, not ${String(maxWords)}.`);
    }
    const checked = readModelFile(model);
    const served = this.models.get(modelId);
    if (served) Object.assign(served, { modelVersion, model: checked, maxWords });
    else this.models.set(modelId, { modelVersion, model: checked, maxWords, open: [], sealed: [] });
  }

  /**
   * Classifies `text` with the classifier served as `modelId` and records it, with the text's dense hashed features
   * and the label as the output; settles the model's batch when it is full.
   * @throws UnknownServedModelError, ServedModelKindError; what {@link flush} throws when the batch is settled (the
   * record then waits, sealed, for the next flush).
   */
  async classify(modelId: bigint, text: string): Promise<ClassifyReturnType> {
    const served = this.served(modelId);
    if (served.model.format === NGRAM_FORMAT) throw new ServedModelKindError(modelId, "text generator", "classify");
    const { label, probability, features } = classifyText(served.model, text);
    const recordId = await this.record(modelId, served, text, {
      kind: "label",
      features: denseOf(features, served.model.dimension),
      label,
    });
    return { recordId, label, probability };
  }

  /**
   * Completes `prompt` with the generator served as `modelId` and records it, the completion as the output; the
   * sampler's seed is the first 4 bytes of keccak256(record id), so a run with the same clock repeats exactly.
   * Settles the model's batch when it is full.
   * @throws UnknownServedModelError, ServedModelKindError; as {@link classify} when the batch is settled.
   */
  async complete(modelId: bigint, prompt: string): Promise<CompleteReturnType> {
    const served = this.served(modelId);
    if (served.model.format !== NGRAM_FORMAT) {
      throw new ServedModelKindError(modelId, "text classifier", "complete a prompt");
    }
    const { model, maxWords } = served;
    const recordId = this.nextRecordId(modelId);
    const seed = Number.parseInt(keccak256(toUtf8Bytes(recordId)).slice(2, 10), 16);
    const text = generateText(model, prompt, { maxWords, seed });
    await this.record(modelId, served, prompt, { kind: "text", text }, recordId);
    return { recordId, text };
  }

  /** The records of `modelId` not settled yet, oldest first (sealed batches, then the open one). */
  queued(modelId: bigint): InferenceRecord[] {
    const served = this.served(modelId);
    return [...served.sealed.flatMap((batch) => batch.log.records), ...served.open];
  }

  /**
   * Settles every model's pending records, in the order the models were first served: the batches already sealed,
   * then the open records as a new batch (its log stored first). Returns the batches settled.
   * @throws the first error of storing or settling (e.g. `InsufficientFundsError`); that batch and those after it
   * stay queued, and batches settled before it are not undone.
   */
  flush(): Promise<SettledBatch[]> {
    return this.serially(async () => {
      const settled: SettledBatch[] = [];
      for (const [modelId, served] of this.models) settled.push(...(await this.settleModel(modelId, served)));
      return settled;
    });
  }

  private served(modelId: bigint): Served {
    const served = this.models.get(modelId);
    if (!served) throw new UnknownServedModelError(modelId);
    return served;
  }

  /** `<model id>-<clock>-<sequence>`: unique within a gateway, and across runs as long as the clock moves on. */
  private nextRecordId(modelId: bigint): string {
    return `${modelId}-${this.now()}-${this.sequence++}`;
  }

  private async record(
    modelId: bigint,
    served: Served,
    query: string,
    output: InferenceRecord["output"],
    id = this.nextRecordId(modelId),
  ): Promise<string> {
    served.open.push({
      id,
      modelId,
      modelVersion: served.modelVersion,
      calls: 1n,
      queryHash: keccak256(toUtf8Bytes(query)),
      output,
    });
    if (served.open.length >= this.batchSize) await this.serially(() => this.settleModel(modelId, served));
    return id;
  }

  private async settleModel(modelId: bigint, served: Served): Promise<SettledBatch[]> {
    while (served.open.length > 0) {
      const records = served.open.slice(0, this.batchSize);
      const log = buildInferenceLog(records);
      const { uri } = await this.store.put(log.serialize());
      served.sealed.push({ log, uri });
      served.open.splice(0, records.length);
    }
    const settled: SettledBatch[] = [];
    while (served.sealed.length > 0) {
      const { log, uri } = served.sealed[0];
      const { fee: maxFee } = await this.settlement.quote(modelId, log.calls);
      const result = await this.settlement.settle({
        modelId,
        calls: log.calls,
        logRoot: log.root,
        logURI: uri,
        maxFee,
      });
      served.sealed.shift();
      const batch: SettledBatch = {
        modelId,
        epoch: result.epoch,
        logRoot: result.logRoot,
        logURI: result.logURI,
        calls: result.calls,
        fee: result.fee,
        shares: result.shares,
        records: log.records,
        transactionHash: result.receipt.hash,
      };
      settled.push(batch);
      this.onSettled?.(batch);
    }
    return settled;
  }

  /** Runs `task` once every flush before it has ended, failed or not. */
  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.flushing.then(task);
    this.flushing = run.catch(() => undefined);
    return run;
  }
}
