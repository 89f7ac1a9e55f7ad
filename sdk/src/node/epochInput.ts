import type { Kysely } from "kysely";
import {
  ContentStoreUnreachableError,
  ContentUnavailableError,
  EpochNothingAttributedError,
  EpochReportMismatchError,
  IntegrityError,
  InvalidInputError,
  MalformedEpochReportError,
} from "../errors";
import type { ContentStore } from "../content/store";
import { fetchContent, fetchContribution, fetchSettlementLog } from "../content/items";
import { hashJson } from "../epoch/canonical";
import type { EpochContribution, EpochDatanetVersion, EpochInput, EpochModel, EpochSettlement } from "../epoch/input";
import { epochReportHash, readEpochReport } from "../epoch/report";
import type { EpochReport, EpochReportV1 } from "../epoch/report";
import type { EpochScorer } from "../epoch/score";
import { withFetchedLog } from "../epoch/settlements";
import { exampleOf } from "../ml/examples";
import { readModelCard } from "../models/card";
import type { ExampleEncoding } from "../models/card";
import { checkContentStore, checkOptions } from "./checks";
import { indexEpoch, indexKysely, readIndex } from "./indexer/access";
import type { IndexDatabase } from "./indexer/database";
import { settlementsFromIndex } from "./indexer/derived";
import type { IndexSchema } from "./indexer/schema";

/** Options of {@link epochInputFromChain}. */
export interface EpochInputFromChainOptions {
  /** The index database, synced by the caller past the epoch's last block. */
  db: IndexDatabase | Kysely<IndexSchema>;
  /** Where contributions' bytes, inference logs, model cards, validation sets and earlier reports are read. */
  store: ContentStore;
  epoch: bigint;
  /**
   * The previous accepted report. Default: the report of the index's last accepted root of an earlier epoch, read
   * from `store` by its reportURI and checked against its reportHash and root. null: no previous report.
   */
  previous?: EpochReport | EpochReportV1 | null;
  /**
   * A published report whose decisions to follow: the contributions it lists as unavailable and the settlements it
   * excluded as `log-unavailable` are taken as unavailable with its reasons (a verifier reproduces the operator's
   * decisions, since what one party cannot fetch another may); each is still fetched, and those that can be fetched
   * and checked now are returned in `fetchableExcluded`.
   */
  follow?: EpochReport;
  /** Leave the logs unfetched (`log` undefined) for `attributeEpochInThreads`' `fetchLog`. Default false. */
  deferLogs?: boolean;
  /** Fetches in flight at once. Default 8. */
  concurrency?: number;
  onProgress?: (stage: "contributions" | "logs", done: number, total: number) => void;
}

/** Content the input goes without: a contribution's bytes, a settlement's log, a model's card (or its validation set). */
export interface UnavailableItem {
  kind: "contribution" | "log" | "model-card";
  /** The contribution's id, the settlement's id or the model's id. */
  id: string;
  reason: string;
}

/** What {@link epochInputFromChain} gives. */
export interface EpochInputFromChain {
  input: EpochInput;
  /** Every item the input goes without, by kind then id. */
  unavailable: UnavailableItem[];
  /** With `follow`: the items it lists as unavailable that could be fetched and checked now. */
  fetchableExcluded: UnavailableItem[];
  /** keccak256 of the input's canonical JSON (amounts as decimal strings, the previous report by its hash). */
  inputHash: string;
}

type Db = Kysely<IndexSchema>;

/** The model's settings that its card gives: its scorer and how contributions become examples. */
interface ModelAttribution {
  scorer: EpochScorer;
  examples?: ExampleEncoding;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Runs `work` over `items`, `concurrency` at a time, in order of start; results in the items' order. */
async function pooled<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  onDone: (done: number) => void,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Why `error` kept content from the input, and whether the store could not be reached at all. */
function failure(error: unknown): { reason: string; unreachable: boolean } {
  if (error instanceof ContentUnavailableError) {
    return { reason: error.message, unreachable: error.reason === "unreachable" };
  }
  if (error instanceof Error) return { reason: error.message, unreachable: false };
  return { reason: String(error), unreachable: false };
}

/**
 * An epoch's input built from the index's tables and the content store alone, the way anyone who reads the chain
 * can: the models that settled in the epoch, each at its latest version registered by the epoch's last settlement of
 * it, with its Datanet versions and its card's scorer; every accepted contribution of those versions with its bytes
 * fetched by the CID of its content hash (and, for a classifier, its example made as the card says); every
 * settlement of the epoch with its log fetched by its `logURI`; the previous accepted report.
 *
 * Nothing one party withholds stops the epoch: a contribution whose bytes cannot be fetched (or are not text) is
 * given without text and scores nothing (the report lists it), a log that cannot be fetched or does not match its
 * CID excludes its settlement (its pot is carried over), a card that cannot be read leaves its model on spans.
 *
 * @throws ContentStoreUnreachableError when content was asked for and every fetch failed for want of a reachable
 *   store: the operator's own store is down, and nothing should be proposed.
 * @throws EpochNothingAttributedError when the epoch has no settlement.
 * @throws InvalidInputError for an argument of the wrong kind; IndexDatabaseError when the database cannot be read.
 * @throws ContentUnavailableError, EpochReportMismatchError when the previous accepted report cannot be read or is
 *   not the one the chain accepted.
 */
export async function epochInputFromChain(options: EpochInputFromChainOptions): Promise<EpochInputFromChain> {
  checkOptions(options, "The epoch input's options");
  const db = indexKysely(options.db);
  const store = checkContentStore(options.store);
  const epoch = indexEpoch(options.epoch);
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidInputError("concurrency must be ≥ 1.");
  return readIndex(`epoch ${epoch}'s input`, () => inputFromIndex(db, store, epoch, concurrency, options));
}

async function inputFromIndex(
  db: Db,
  store: ContentStore,
  epoch: bigint,
  concurrency: number,
  options: EpochInputFromChainOptions,
): Promise<EpochInputFromChain> {
  const unavailable: UnavailableItem[] = [];
  const fetchableExcluded: UnavailableItem[] = [];
  let fetches = 0;
  let unreachable = 0;
  const tryFetch = async <T>(fetch: () => Promise<T>): Promise<{ value: T } | { reason: string }> => {
    fetches++;
    try {
      return { value: await fetch() };
    } catch (error) {
      const failed = failure(error);
      if (failed.unreachable) unreachable++;
      return { reason: failed.reason };
    }
  };

  const settled = await settlementsFromIndex(db, epoch);
  if (settled.length === 0) {
    throw new EpochNothingAttributedError(
      `Epoch ${epoch} has no settlement in the index: there is nothing to attribute.`,
      {
        hint: "Sync the index past the epoch's end first; an epoch without settlements has no report.",
      },
    );
  }
  const lastBlockOf = new Map<bigint, number>();
  for (const s of settled) lastBlockOf.set(s.modelId, s.blockNumber);

  // Models: the version in use at the model's last settlement of the epoch, and the card its URI named then.
  const models: EpochModel[] = [];
  const encodingOf = new Map<bigint, ExampleEncoding>();
  for (const [modelId, lastBlock] of [...lastBlockOf].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const id = modelId.toString();
    const version = await db
      .selectFrom("model_versions")
      .select("version")
      .where("model_id", "=", id)
      .where("block_number", "<=", lastBlock)
      .orderBy("block_number", "desc")
      .orderBy("log_index", "desc")
      .executeTakeFirst();
    if (!version) throw new InvalidInputError(`Model ${id} settled in epoch ${epoch} but has no version in the index.`);
    const sets = await db
      .selectFrom("model_training_sets")
      .select(["datanet_id", "datanet_version"])
      .where("model_id", "=", id)
      .where("version", "=", version.version)
      .orderBy("position")
      .execute();
    const trainedOn: EpochDatanetVersion[] = [];
    for (const set of sets) {
      const row = await db
        .selectFrom("versions")
        .select(["count", "digest"])
        .where("datanet_id", "=", set.datanet_id)
        .where("version", "=", set.datanet_version)
        .executeTakeFirstOrThrow();
      trainedOn.push({
        datanetId: BigInt(set.datanet_id),
        version: set.datanet_version,
        count: Number(row.count),
        digest: row.digest,
      });
    }
    const uriUpdate = await db
      .selectFrom("model_updates")
      .select("value")
      .where("model_id", "=", id)
      .where("field", "=", "uri")
      .where("block_number", "<=", lastBlock)
      .orderBy("block_number", "desc")
      .orderBy("log_index", "desc")
      .executeTakeFirst();
    const registered = await db.selectFrom("models").select("uri").where("model_id", "=", id).executeTakeFirstOrThrow();
    const attribution = await modelAttribution(store, uriUpdate?.value ?? registered.uri, id, tryFetch, unavailable);
    if (attribution.examples) encodingOf.set(modelId, attribution.examples);
    models.push({ modelId, version: version.version, trainedOn, scorer: attribution.scorer });
  }

  // Contributions: 1..count of every Datanet version a model uses, with the example encoding its classifiers need.
  const countOf = new Map<string, number>();
  const encodingsOf = new Map<string, ExampleEncoding>();
  for (const model of models) {
    for (const v of model.trainedOn) {
      const key = v.datanetId.toString();
      countOf.set(key, Math.max(countOf.get(key) ?? 0, v.count));
      const encoding = encodingOf.get(model.modelId);
      if (!encoding) continue;
      const known = encodingsOf.get(key);
      if (known && JSON.stringify(known) !== JSON.stringify(encoding)) {
        throw new InvalidInputError(
          `Datanet ${key} is used by classifiers that encode examples differently (model ${model.modelId}); one ` +
            "epoch input holds one example per contribution.",
        );
      }
      encodingsOf.set(key, encoding);
    }
  }
  const rows = (
    await Promise.all(
      [...countOf].map(([datanetId, count]) =>
        db
          .selectFrom("contributions")
          .select(["contribution_id", "datanet_id", "contributor", "content_hash", "attempt", "uri"])
          .select(["accepted_index", "status_block"])
          .where("datanet_id", "=", datanetId)
          .where("status", "=", "Accepted")
          .where("accepted_index", "<=", count)
          .orderBy("accepted_index")
          .execute(),
      ),
    )
  ).flat();
  const excludedContributions = new Map((options.follow?.unavailable ?? []).map((u) => [u.id, u.reason]));
  const contributions = await pooled(
    rows,
    concurrency,
    async (row): Promise<EpochContribution> => {
      const id = BigInt(row.contribution_id).toString();
      const base = {
        id,
        datanetId: BigInt(row.datanet_id),
        contributor: row.contributor,
        contentHash: row.content_hash,
        index: row.accepted_index!,
        ...(row.attempt !== 1 && { attempt: row.attempt }),
        acceptedAt: row.status_block!,
      };
      const fetched = await tryFetch(async () => {
        const bytes = await fetchContribution(store, { id, uri: row.uri, contentHash: row.content_hash });
        let text: string;
        try {
          text = utf8.decode(bytes);
        } catch {
          throw new InvalidInputError(`Contribution ${id}: its content is not UTF-8 text.`);
        }
        const encoding = encodingsOf.get(row.datanet_id.toString());
        return { text, ...(encoding && exampleOf(text, encoding)) };
      });
      const followed = excludedContributions.get(id);
      if (followed !== undefined) {
        if ("value" in fetched) fetchableExcluded.push({ kind: "contribution", id, reason: followed });
        unavailable.push({ kind: "contribution", id, reason: followed });
        return { ...base, unavailable: followed };
      }
      if ("reason" in fetched) {
        unavailable.push({ kind: "contribution", id, reason: fetched.reason });
        return { ...base, unavailable: fetched.reason };
      }
      return { ...base, ...fetched.value };
    },
    (done) => options.onProgress?.("contributions", done, rows.length),
  );

  // Settlements, each with its log unless the caller's threads fetch them.
  const excludedLogs = new Map(
    (options.follow?.settlements ?? [])
      .filter((s) => s.exclusion?.code === "log-unavailable")
      .map((s) => [s.id, s.exclusion!.message]),
  );
  const fetchLog = async (s: { id: string; logURI: string }) => {
    const fetched = await tryFetch(() => fetchSettlementLog(store, s));
    if ("reason" in fetched) throw new Error(fetched.reason);
    return utf8.decode(fetched.value);
  };
  const settlements = await pooled(
    settled,
    concurrency,
    async (s): Promise<EpochSettlement> => {
      const settlement: EpochSettlement = {
        id: s.id,
        modelId: s.modelId,
        calls: s.calls,
        pot: s.shares.contributors,
        logRoot: s.logRoot,
        logURI: s.logURI,
      };
      const followed = excludedLogs.get(s.id);
      if (followed !== undefined) {
        const check = await withFetchedLog(settlement, fetchLog);
        if (check.log !== undefined) fetchableExcluded.push({ kind: "log", id: s.id, reason: followed });
        unavailable.push({ kind: "log", id: s.id, reason: followed });
        return { ...settlement, fetchError: followed };
      }
      if (options.deferLogs) return settlement;
      const fetched = await withFetchedLog(settlement, fetchLog);
      if (fetched.fetchError !== undefined) unavailable.push({ kind: "log", id: s.id, reason: fetched.fetchError });
      return fetched;
    },
    (done) => options.onProgress?.("logs", done, settled.length),
  );

  if (fetches > 0 && unreachable === fetches) {
    throw new ContentStoreUnreachableError(
      `None of the ${fetches} items of epoch ${epoch} could be fetched: the content store could not be reached.`,
    );
  }

  const previous =
    options.previous === undefined ? await previousReportFromChain(db, store, epoch) : (options.previous ?? undefined);
  const input: EpochInput = { epoch, models, contributions, settlements, ...(previous && { previous }) };
  const kinds = ["contribution", "log", "model-card"];
  const byKind = (a: UnavailableItem, b: UnavailableItem) =>
    kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    input,
    unavailable: unavailable.sort(byKind),
    fetchableExcluded: fetchableExcluded.sort(byKind),
    inputHash: epochInputHash(input),
  };
}

/** keccak256 of `input`'s canonical JSON: bigints as decimal strings, the previous report by its epoch and hash. */
export function epochInputHash(input: EpochInput): string {
  checkOptions(input, "The epoch input");
  if (typeof input.epoch !== "bigint") throw new InvalidInputError("The epoch input has no epoch (a bigint).");
  const { previous, ...rest } = input;
  return hashJson(
    JSON.parse(
      JSON.stringify(
        { ...rest, previous: previous ? { epoch: previous.epoch, reportHash: epochReportHash(previous) } : null },
        (_, value) => (typeof value === "bigint" ? value.toString() : value),
      ),
    ),
  );
}

/** The scorer a model's card states, or spans when it has no card or the card (or its validation set) cannot be read. */
async function modelAttribution(
  store: ContentStore,
  uri: string,
  modelId: string,
  tryFetch: <T>(fetch: () => Promise<T>) => Promise<{ value: T } | { reason: string }>,
  unavailable: UnavailableItem[],
): Promise<ModelAttribution> {
  if (!uri.startsWith("ipfs://")) return { scorer: { kind: "spans" } };
  const fetched = await tryFetch(async () => {
    const card = readModelCard(utf8.decode(await fetchContent(store, uri, `the card of model ${modelId}`)));
    const a = card.attribution;
    if (a.kind === "spans") return { scorer: { kind: "spans" } } as ModelAttribution;
    if (a.kind === "knn-shapley") return { scorer: { kind: a.kind, k: a.k }, examples: a.examples };
    const set = JSON.parse(
      utf8.decode(await fetchContent(store, a.validationURI, `the validation set of model ${modelId}`)),
    ) as { features: number[][]; labels: number[] };
    return {
      scorer: {
        kind: a.kind,
        l2: a.l2,
        validation: { features: set.features, labels: set.labels },
        validationHash: a.validationHash,
      },
      examples: a.examples,
    } as ModelAttribution;
  });
  if ("value" in fetched) return fetched.value;
  unavailable.push({ kind: "model-card", id: modelId, reason: fetched.reason });
  return { scorer: { kind: "spans" } };
}

/**
 * The report of the last root the distributor accepted for an epoch before `epoch`, as the index records it: read
 * from `store` by the reportURI it was proposed with, checked against the proposal's reportHash and root. Undefined
 * when no earlier root was accepted.
 * @throws ContentUnavailableError when the report cannot be fetched; MalformedEpochReportError when it is not a
 *   report; EpochReportMismatchError when it is not the report the root was proposed with.
 * @throws IntegrityError when the index holds an acceptance without its proposal; IndexDatabaseError when the
 *   database cannot be read; InvalidInputError for an argument of the wrong kind.
 */
export async function previousReportFromChain(
  db: IndexDatabase | Kysely<IndexSchema>,
  store: ContentStore,
  epoch: bigint,
): Promise<EpochReport | EpochReportV1 | undefined> {
  const kysely = indexKysely(db);
  checkContentStore(store);
  indexEpoch(epoch);
  const [accepted, proposal] = await readIndex("the accepted reward roots", async () => {
    const accepted = await kysely
      .selectFrom("reward_roots")
      .selectAll()
      .where("action", "=", "accepted")
      .where("epoch", "<", Number(epoch))
      .orderBy("block_number", "desc")
      .orderBy("log_index", "desc")
      .executeTakeFirst();
    if (!accepted) return [];
    const proposal = await kysely
      .selectFrom("reward_roots")
      .selectAll()
      .where("action", "=", "proposed")
      .where("epoch", "=", accepted.epoch)
      .where("root", "=", accepted.root)
      .orderBy("block_number", "desc")
      .orderBy("log_index", "desc")
      .executeTakeFirst();
    return [accepted, proposal];
  });
  if (!accepted) return undefined;
  if (!proposal?.report_uri) {
    throw new IntegrityError(
      `The index holds the acceptance of epoch ${accepted.epoch}'s root ${accepted.root} but no proposal of it with a report.`,
      { hint: "The index is incomplete or was altered: index the chain again into a new database." },
    );
  }
  const item = `the report of epoch ${accepted.epoch}`;
  const bytes = await fetchContent(store, proposal.report_uri, item);
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new MalformedEpochReportError("the file", `${item} at ${proposal.report_uri} is not JSON text.`);
  }
  const report = readEpochReport(json);
  const hash = epochReportHash(report);
  if (hash !== proposal.report_hash) {
    throw new EpochReportMismatchError(
      "reportHash",
      `${item} at ${proposal.report_uri} hashes to ${hash}, but its root was proposed with ${proposal.report_hash}.`,
    );
  }
  if (report.tree.root !== accepted.root) {
    throw new EpochReportMismatchError(
      "tree.root",
      `${item} has root ${report.tree.root}; the chain accepted ${accepted.root}.`,
    );
  }
  return report;
}
