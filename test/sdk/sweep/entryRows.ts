import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ZeroHash } from "ethers";
import {
  ContentStoreReadOnlyError,
  ContentStoreUnreachableError,
  ContentUnavailableError,
  EpochNothingAttributedError,
  EpochReportMismatchError,
  GatewayContentStore,
  IndexDatabaseError,
  IndexerRpcError,
  IntegrityError,
  InvalidInputError,
  InvalidSpanQueryError,
  LogisticRegularizationError,
  LogisticSingleClassError,
  MalformedEpochReportError,
  MalformedLabelledMailError,
  MalformedModelFileError,
  MemoryContentStore,
  ProtocolError,
  ServedModelKindError,
  StoredContentMismatchError,
  UnknownServedModelError,
  buildSpanIndex,
  contentId,
  serializeEpochReport,
} from "../../../sdk/src";
import type { ContentStore } from "../../../sdk/src";
import * as node from "../../../sdk/src/node";
import type { IndexDatabase } from "../../../sdk/src/node";
import * as report from "../../../sdk/src/report";
import * as ml from "../../../sdk/src/ml";
import * as offering from "../../../sdk/src/clients/offeringClient";
import type { Row, World } from "../badInput.sweep.test";

/*
 * The sweep's rows of the "./node", "./report", "./ml" and "./offering" entries (issue 24): file readers given
 * missing, empty, huge, damaged files and folders that are files; the index database given things that are not one,
 * a closed one and tampered rows; the indexer and the content readers given unreachable and lying nodes and stores;
 * the models and the gateway given malformed models and queries; the renderers given views that are not views.
 */

const PAST_UINT256 = 2n ** 256n;
const asAny = (value: unknown) => value as never;

/** A content store that answers every get with the same bytes, whatever was asked: a lying store. */
const lyingStore: ContentStore = {
  put: (content) => new MemoryContentStore().put(content),
  get: async () => new TextEncoder().encode("not what was asked for"),
};

/** A gateway store on the sweep's closed port, giving up at the first refusal. */
const unreachableStore = (w: World) =>
  new GatewayContentStore(w.closed._getConnection().url, { retries: 0, timeoutMs: 2_000 });

/** The index databases the rows read, opened once per world; `after` closes them. */
interface Indexes {
  /** Migrated, with no event. */
  empty: IndexDatabase;
  /** Rows written by hand: the epochs below each hold one tampered case. */
  tampered: IndexDatabase;
  /** Closed right after opening. */
  closed: IndexDatabase;
  /** Holds what the tampered proposals name. */
  store: MemoryContentStore;
}

/** Epochs of `Indexes.tampered`: previousReportFromChain(db, store, epoch + 1) reads the case. */
const TAMPERED = {
  acceptedWithoutProposal: 10,
  notJson: 20,
  notAReport: 30,
  otherHash: 40,
  /** A settlement whose model has a version, for epochInputFromChain. */
  settled: 50,
} as const;

const opened = new WeakMap<World, Promise<Indexes>>();
const toClose: Promise<Indexes>[] = [];
// A root-level hook: the sweep's own `after` does not know of these databases.
after(async function () {
  for (const { empty, tampered } of await Promise.all(toClose)) await Promise.all([empty.close(), tampered.close()]);
});

function indexes(w: World): Promise<Indexes> {
  let promise = opened.get(w);
  if (!promise) {
    promise = openIndexes(w);
    opened.set(w, promise);
    toClose.push(promise);
  }
  return promise;
}

async function openIndexes(w: World): Promise<Indexes> {
  const [empty, tampered, closed] = await Promise.all(
    [0, 1, 2].map(() => node.openIndexDatabase({ dataDir: "memory://" })),
  );
  await closed.close();
  const store = new MemoryContentStore();
  const notJson = await store.put("this is not JSON {");
  const notAReport = await store.put('{"format":"not-a-report"}');
  const genuine = await store.put(serializeEpochReport(w.report));
  const position = (n: number) => ({ block_number: n, tx_hash: `0x${n.toString(16).padStart(64, "0")}`, log_index: 0 });
  const root = (epoch: number, action: "proposed" | "accepted", uri?: string, hash = ZeroHash) => ({
    ...position(epoch + (action === "accepted" ? 1 : 0)),
    action,
    epoch,
    root: w.report.tree.root,
    total: action === "proposed" ? "1" : null,
    report_hash: action === "proposed" ? hash : null,
    report_uri: action === "proposed" ? (uri ?? null) : null,
    valid_at: null,
    guardian: null,
  });
  await tampered.db
    .insertInto("reward_roots")
    .values([
      root(TAMPERED.acceptedWithoutProposal, "accepted"),
      root(TAMPERED.notJson, "proposed", notJson.uri),
      root(TAMPERED.notJson, "accepted"),
      root(TAMPERED.notAReport, "proposed", notAReport.uri),
      root(TAMPERED.notAReport, "accepted"),
      root(TAMPERED.otherHash, "proposed", genuine.uri),
      root(TAMPERED.otherHash, "accepted"),
    ])
    .execute();
  const settledAt = position(TAMPERED.settled * 10);
  await tampered.db
    .insertInto("model_versions")
    .values({
      ...position(TAMPERED.settled * 10 - 1),
      model_id: "1",
      version: 1,
      base_model: "base",
      adapter_kind: 0,
      adapter_hash: ZeroHash,
      training_config_hash: ZeroHash,
    })
    .execute();
  await tampered.db
    .insertInto("models")
    .values({ ...position(TAMPERED.settled * 10 - 2), model_id: "1", owner: w.d.payer.address.toLowerCase(), uri: "" })
    .execute();
  await tampered.db
    .insertInto("settlements")
    .values({
      ...settledAt,
      id: `${settledAt.tx_hash}:0`,
      epoch: TAMPERED.settled,
      model_id: "1",
      payer: w.d.payer.address.toLowerCase(),
      calls: "1",
      fee: "100",
      treasury_share: "10",
      model_share: "30",
      stakers_share: "10",
      contributors_share: "50",
      log_root: ZeroHash,
      log_uri: (await store.put("a log")).uri,
    })
    .execute();
  return { empty, tampered, closed, store };
}

/** A folder of the world's with a stored file under a CID whose bytes are not that CID's, made once. */
async function damagedFolder(w: World, kind: "tampered" | "empty" | "huge"): Promise<{ dir: string; cid: string }> {
  const dir = join(w.dir, `content-${kind}`);
  const { cid } = contentId(`the genuine content (${kind})`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, cid);
  if (kind === "tampered") await writeFile(file, "tampered bytes");
  else await symlink(kind === "empty" ? w.emptyFile : w.hugeFile, file).catch(() => undefined);
  return { dir, cid };
}

const classifier = ml.trainTextClassifier(
  [
    { text: "win money now", label: 1 },
    { text: "meeting at noon", label: 0 },
  ],
  { dimension: 8 },
);
const generator = ml.trainNgram(["the quick brown fox", "the lazy dog"], { order: 2 });

/** A gateway serving the classifier as model 1 and the generator as model 2, on the world's settlement client. */
function gateway(w: World, store: ContentStore = new MemoryContentStore()): ml.InferenceGateway {
  const g = new ml.InferenceGateway({ settlement: w.settlement, store, now: () => 0 });
  g.serve(1n, 1, classifier);
  g.serve(2n, 1, generator);
  return g;
}

/** An indexer of the world's Datanet registry; `options` replace the defaults. */
async function indexer(w: World, options: Partial<node.ProtocolIndexerOptions> = {}): Promise<node.ProtocolIndexer> {
  return new node.ProtocolIndexer({
    provider: w.node.provider,
    db: (await indexes(w)).empty,
    contracts: { datanets: { address: await w.d.datanets.getAddress() } },
    ...options,
  });
}

const epochView = (w: World): report.EpochView => ({
  title: "Epoch 1",
  epoch: "1",
  summary: [{ label: "Pool", value: "1 OPEN" }],
  accounts: [{ name: "a", account: w.d.payer.address, amount: 1n, cumulative: 1n }],
  models: [],
  datanets: [],
  settlements: [],
  carryOver: { amount: 0n, lines: [] },
  samples: [],
});

const benchView: report.BenchView = {
  title: "Bench",
  machine: "2 vCPU",
  rows: [{ records: 10, seconds: 1, recordsPerSecond: 10, peakRssMiB: 100, workers: 1 }],
  goals: [{ label: "fast", met: true, detail: "yes" }],
};

type Case = [subject: string, what: string, call: (w: World) => unknown, expected?: Row["expect"], chain?: boolean];

/** `cases` of one entry as rows; a case without an error class expects InvalidInputError. */
function rowsOf(entry: string, cases: Case[]): Row[] {
  return cases.map(([subject, what, call, expected, chain]) => ({
    entry,
    subject,
    case: what,
    call,
    expect: expected ?? InvalidInputError,
    ...(chain && { chain }),
  }));
}

/** The rows of the "./node", "./report", "./ml" and "./offering" entries. */
export function entryRows(): Row[] {
  return [
    ...rowsOf("./node", [
      /* Files */
      [
        "submitFile",
        "a path that is not a string",
        (w) => node.submitFile(w.datanets, { datanetId: 1n, path: asAny(3) }),
        InvalidInputError,
        true,
      ],
      [
        "submitFile",
        "a file that does not exist",
        (w) => node.submitFile(w.datanets, { datanetId: 1n, path: join(w.dir, "missing.txt") }),
        InvalidInputError,
        true,
      ],
      [
        "submitFile",
        "a folder",
        (w) => node.submitFile(w.datanets, { datanetId: 1n, path: w.dir }),
        InvalidInputError,
        true,
      ],
      [
        "submitFile",
        "an empty file",
        (w) => node.submitFile(w.datanets, { datanetId: 1n, path: w.emptyFile }),
        InvalidInputError,
        true,
      ],
      [
        "submitFile",
        "a huge file for a datanet id past uint256",
        (w) => node.submitFile(w.datanets, { datanetId: PAST_UINT256, path: w.hugeFile }),
        InvalidInputError,
        true,
      ],
      [
        "submitFile",
        "a client that is not one",
        (w) => node.submitFile(asAny({}), { datanetId: 1n, path: w.emptyFile }),
      ],
      /* Content folders */
      ["FileContentStore.put", "empty content", (w) => new node.FileContentStore(w.dir).put(new Uint8Array())],
      ["FileContentStore.put", "content that is a number", (w) => new node.FileContentStore(w.dir).put(asAny(42))],
      ["FileContentStore.put", "a folder that is a file", (w) => new node.FileContentStore(w.emptyFile).put("hello")],
      ["FileContentStore.put", "a folder that is not a string", () => new node.FileContentStore(asAny(7)).put("hi")],
      ["FileContentStore.get", "a CID that is not one", (w) => new node.FileContentStore(w.dir).get("bafy-nonsense")],
      ["FileContentStore.get", "a CID that is a number", (w) => new node.FileContentStore(w.dir).get(asAny(42))],
      [
        "FileContentStore.get",
        "a folder that is a file",
        (w) => new node.FileContentStore(w.emptyFile).get(contentId("hello").cid),
        ContentUnavailableError,
      ],
      ...(["tampered", "empty", "huge"] as const).map((kind): Case => [
        "FileContentStore.get",
        `a ${kind} file under a CID`,
        async (w) => {
          const { dir, cid } = await damagedFolder(w, kind);
          return new node.FileContentStore(dir).get(cid);
        },
        StoredContentMismatchError,
      ]),
      ["contentStoreFromEnv", "a gateway that is not a URL", () => node.contentStoreFromEnv({ gateway: "nowhere" })],
      [
        "contentStoreFromEnv",
        "a CONTENT_GATEWAY that is not http(s)",
        () => node.contentStoreFromEnv({}, { CONTENT_GATEWAY: "ftp://example.org" }),
      ],
      ["contentStoreFromEnv", "settings that are a string", () => node.contentStoreFromEnv(asAny("data/content"))],
      ["contentStoreFromEnv", "a folder that is a number", () => node.contentStoreFromEnv({ dir: asAny(5) })],
      ["contentStoreFromEnv", "an environment that is not one", () => node.contentStoreFromEnv({}, asAny(null))],
      ["contentRequestListener", "a folder that is not a string", () => node.contentRequestListener(asAny(null))],
      [
        "contentRequestListener",
        "a damage listener that is not a function",
        (w) => node.contentRequestListener(w.dir, asAny("log")),
      ],
      ["serveContentFolder", "options that are not an object", () => node.serveContentFolder(asAny(undefined))],
      ["serveContentFolder", "a folder that is a file", (w) => node.serveContentFolder({ dir: w.emptyFile, port: 0 })],
      ["serveContentFolder", "a negative port", (w) => node.serveContentFolder({ dir: w.dir, port: -1 })],
      ["serveContentFolder", "a port past 65535", (w) => node.serveContentFolder({ dir: w.dir, port: 70_000 })],
      [
        "serveContentFolder",
        "a port already taken",
        async (w) => {
          const first = await node.serveContentFolder({ dir: w.dir, port: 0 });
          try {
            await node.serveContentFolder({ dir: w.dir, port: Number(new URL(first.url).port) });
          } finally {
            await first.close();
          }
        },
      ],
      [
        "serveContentFolder",
        "a host that is not an address",
        (w) => node.serveContentFolder({ dir: w.dir, port: 0, host: "no such host.invalid" }),
      ],
      /* Epochs in threads */
      ["attributeEpochInThreads", "zero threads", (w) => node.attributeEpochInThreads(w.input, { threads: 0 })],
      ["attributeEpochInThreads", "NaN threads", (w) => node.attributeEpochInThreads(w.input, { threads: NaN })],
      ["attributeEpochInThreads", "an input that is not one", () => node.attributeEpochInThreads(asAny({}))],
      [
        "attributeEpochInThreads",
        "a worker module that does not exist",
        (w) => node.attributeEpochInThreads(w.input, { threads: 1, worker: join(w.dir, "no-worker.js") }),
      ],
      [
        "attributeEpochInThreads",
        "a fetchLog that is not a function",
        (w) => node.attributeEpochInThreads(w.input, { threads: 1, fetchLog: asAny("store") }),
      ],
      /* Epoch inputs from the index */
      ["epochInputHash", "an input that is not one", () => node.epochInputHash(asAny(null))],
      [
        "epochInputHash",
        "an input without an epoch",
        (w) => node.epochInputHash({ ...w.input, epoch: asAny(undefined) }),
      ],
      [
        "epochInputHash",
        "a previous report without a tree",
        (w) => node.epochInputHash({ ...w.input, previous: asAny({ epoch: 1n }) }),
        MalformedEpochReportError,
      ],
      ["epochInputFromChain", "options that are not an object", () => node.epochInputFromChain(asAny(undefined))],
      [
        "epochInputFromChain",
        "a database that is not one",
        () => node.epochInputFromChain({ db: asAny({}), store: new MemoryContentStore(), epoch: 1n }),
      ],
      [
        "epochInputFromChain",
        "a negative epoch",
        async (w) => node.epochInputFromChain({ db: (await indexes(w)).empty, store: lyingStore, epoch: -1n }),
      ],
      [
        "epochInputFromChain",
        "an epoch past uint256",
        async (w) => node.epochInputFromChain({ db: (await indexes(w)).empty, store: lyingStore, epoch: PAST_UINT256 }),
      ],
      [
        "epochInputFromChain",
        "an epoch given as a number",
        async (w) => node.epochInputFromChain({ db: (await indexes(w)).empty, store: lyingStore, epoch: asAny(1) }),
      ],
      [
        "epochInputFromChain",
        "a store that is not one",
        async (w) => node.epochInputFromChain({ db: (await indexes(w)).empty, store: asAny({}), epoch: 1n }),
      ],
      [
        "epochInputFromChain",
        "a concurrency of zero",
        async (w) =>
          node.epochInputFromChain({ db: (await indexes(w)).empty, store: lyingStore, epoch: 1n, concurrency: 0 }),
      ],
      [
        "epochInputFromChain",
        "an epoch with no settlement in the index",
        async (w) => node.epochInputFromChain({ db: (await indexes(w)).empty, store: lyingStore, epoch: 1n }),
        EpochNothingAttributedError,
      ],
      [
        "epochInputFromChain",
        "a closed database",
        async (w) => node.epochInputFromChain({ db: (await indexes(w)).closed, store: lyingStore, epoch: 1n }),
        IndexDatabaseError,
      ],
      [
        "epochInputFromChain",
        "an unreachable content store",
        async (w) =>
          node.epochInputFromChain({
            db: (await indexes(w)).tampered,
            store: unreachableStore(w),
            epoch: BigInt(TAMPERED.settled),
          }),
        ContentStoreUnreachableError,
      ],
      [
        "previousReportFromChain",
        "a database that is not one",
        () => node.previousReportFromChain(asAny("db"), new MemoryContentStore(), 1n),
      ],
      [
        "previousReportFromChain",
        "an epoch given as a string",
        async (w) => node.previousReportFromChain((await indexes(w)).empty, lyingStore, asAny("one")),
      ],
      [
        "previousReportFromChain",
        "a closed database",
        async (w) => node.previousReportFromChain((await indexes(w)).closed, lyingStore, 1n),
        IndexDatabaseError,
      ],
      [
        "previousReportFromChain",
        "an accepted root the index has no proposal of",
        async (w) =>
          node.previousReportFromChain((await indexes(w)).tampered, lyingStore, BigInt(TAMPERED.notJson - 1)),
        IntegrityError,
      ],
      ...(
        [
          ["a proposal whose report is not JSON", TAMPERED.notJson, MalformedEpochReportError],
          ["a proposal whose report is not a report", TAMPERED.notAReport, MalformedEpochReportError],
          ["a report that is not the one proposed", TAMPERED.otherHash, EpochReportMismatchError],
        ] as const
      ).map(([what, epoch, expected]): Case => [
        "previousReportFromChain",
        what,
        async (w) => {
          const { tampered, store } = await indexes(w);
          return node.previousReportFromChain(tampered, store, BigInt(epoch + 1));
        },
        expected,
      ]),
      [
        "previousReportFromChain",
        "an unreachable content store",
        async (w) =>
          node.previousReportFromChain((await indexes(w)).tampered, unreachableStore(w), BigInt(TAMPERED.notJson + 1)),
        ContentUnavailableError,
      ],
      [
        "previousReportFromChain",
        "a store that answers other bytes",
        async (w) =>
          node.previousReportFromChain((await indexes(w)).tampered, lyingStore, BigInt(TAMPERED.notJson + 1)),
        StoredContentMismatchError,
      ],
      /* The index database */
      ["openIndexDatabase", "options that are a string", () => node.openIndexDatabase(asAny("data/index"))],
      ["openIndexDatabase", "a folder that is a number", () => node.openIndexDatabase({ dataDir: asAny(42) })],
      [
        "openIndexDatabase",
        "a folder that is a file",
        (w) => node.openIndexDatabase({ dataDir: w.emptyFile }),
        IndexDatabaseError,
      ],
      [
        "openIndexDatabase",
        "a folder inside a file",
        (w) => node.openIndexDatabase({ dataDir: join(w.hugeFile, "index") }),
        IndexDatabaseError,
      ],
      [
        "openIndexDatabase",
        "a folder holding another program's files",
        async (w) => {
          const dir = join(w.dir, "not-pglite");
          await mkdir(dir, { recursive: true });
          await writeFile(join(dir, "PG_VERSION"), "garbage");
          return node.openIndexDatabase({ dataDir: dir });
        },
        IndexDatabaseError,
      ],
      [
        "openIndexDatabase",
        "a server that refuses connections",
        (w) =>
          node.openIndexDatabase({ url: `postgres://u:p@127.0.0.1:${new URL(w.closed._getConnection().url).port}/x` }),
        IndexDatabaseError,
      ],
      ...(
        [
          ["datanetStateFromIndex", (db: never) => node.datanetStateFromIndex(db)],
          ["settlementsFromIndex", (db: never) => node.settlementsFromIndex(db)],
          ["ledgerFromIndex", (db: never) => node.ledgerFromIndex(db, 1n)],
          ["stakingStateFromIndex", (db: never) => node.stakingStateFromIndex(db)],
          ["refreshQualityViews", (db: never) => node.refreshQualityViews(db)],
          ["loadEpochReports", (db: never) => node.loadEpochReports(db, new MemoryContentStore())],
        ] as const
      ).flatMap(([subject, read]): Case[] => [
        [subject, "a database that is not one", () => read(asAny({ selectFrom: "no" }))],
        [subject, "a closed database", async (w) => read(asAny((await indexes(w)).closed)), IndexDatabaseError],
      ]),
      [
        "settlementsFromIndex",
        "an epoch past uint256",
        async (w) => node.settlementsFromIndex((await indexes(w)).empty.db, PAST_UINT256),
      ],
      ["ledgerFromIndex", "a negative epoch", async (w) => node.ledgerFromIndex((await indexes(w)).empty.db, -1n)],
      [
        "loadEpochReports",
        "a store that is not one",
        async (w) => node.loadEpochReports((await indexes(w)).empty.db, asAny(null)),
      ],
      [
        "ProtocolIndexer.lastBlock",
        "a closed database",
        async (w) => (await indexer(w, { db: (await indexes(w)).closed })).lastBlock(),
        IndexDatabaseError,
      ],
      [
        "ProtocolIndexer.sync",
        "a database that is not one",
        async (w) => (await indexer(w, { db: asAny(null) })).sync(),
      ],
      [
        "ProtocolIndexer.sync",
        "a contract address that is not one",
        async (w) => (await indexer(w, { contracts: { datanets: { address: "0x1234" } } })).sync(),
      ],
      ["ProtocolIndexer.sync", "a negative batch size", async (w) => (await indexer(w, { batchSize: -5 })).sync()],
      ["ProtocolIndexer.sync", "a toBlock that is NaN", async (w) => (await indexer(w)).sync({ toBlock: NaN })],
      ...(
        [
          ["an unreachable node", (w: World) => w.closed],
          ["a node answering garbage", (w: World) => w.garbage],
        ] as const
      ).map(([what, provider]): Case => [
        "ProtocolIndexer.sync",
        what,
        async (w) => (await indexer(w, { provider: provider(w), attempts: 1, retryDelayMs: 0 })).sync(),
        IndexerRpcError,
      ]),
    ]),
    ...rowsOf("./report", [
      ["renderEpochHtml", "a view that is not one", () => report.renderEpochHtml(asAny(null))],
      ["renderEpochHtml", "an empty object", () => report.renderEpochHtml(asAny({}))],
      [
        "renderEpochHtml",
        "an amount given as a number",
        (w) =>
          report.renderEpochHtml({ ...epochView(w), accounts: [{ ...epochView(w).accounts[0], amount: asAny(1) }] }),
      ],
      [
        "renderEpochHtml",
        "a sample without credits",
        (w) => report.renderEpochHtml({ ...epochView(w), samples: [asAny({ title: "t", model: "m", output: "o" })] }),
      ],
      ["renderBenchHtml", "a view that is not one", () => report.renderBenchHtml(asAny("bench"))],
      [
        "renderBenchHtml",
        "rows that are not an array",
        () => report.renderBenchHtml({ ...benchView, rows: asAny({}) }),
      ],
      [
        "renderBenchHtml",
        "a NaN time",
        () => report.renderBenchHtml({ ...benchView, rows: [{ ...benchView.rows[0], seconds: NaN }] }),
      ],
      ["barChartSvg", "bars that are not an array", () => report.barChartSvg(asAny(null), { title: "t" })],
      ["barChartSvg", "no options", () => report.barChartSvg([{ label: "a", value: 1 }], asAny(undefined))],
      ["barChartSvg", "a NaN value", () => report.barChartSvg([{ label: "a", value: NaN }], { title: "t" })],
      [
        "barChartSvg",
        "a negative width",
        () => report.barChartSvg([{ label: "a", value: 1 }], { title: "t", width: -1 }),
      ],
      ["divergingChartSvg", "data that are not an array", () => report.divergingChartSvg(asAny(7), { title: "t" })],
      [
        "divergingChartSvg",
        "an infinite value",
        () => report.divergingChartSvg([asAny({ id: "a", value: Infinity })], { title: "t" }),
      ],
      [
        "divergingChartSvg",
        "a title that is not a string",
        () => report.divergingChartSvg([asAny({ id: "a", value: 1 })], asAny({ title: 3 })),
      ],
      ["lineChartSvg", "series that are not an array", () => report.lineChartSvg(asAny({}), asAny({ title: "t" }))],
      [
        "lineChartSvg",
        "a series without points",
        () => report.lineChartSvg([asAny({ name: "s" })], { title: "t", xLabel: "x", yLabel: "y" }),
      ],
      [
        "lineChartSvg",
        "a NaN point",
        () =>
          report.lineChartSvg([{ name: "s", points: [{ x: NaN, y: 1 }] }], { title: "t", xLabel: "x", yLabel: "y" }),
      ],
      ["stackedBarSvg", "parts that are not an array", () => report.stackedBarSvg(asAny("parts"), { title: "t" })],
      ["stackedBarSvg", "a part without a label", () => report.stackedBarSvg([asAny({ value: 1 })], { title: "t" })],
      [
        "stackedBarSvg",
        "a zero width",
        () => report.stackedBarSvg([{ label: "a", value: 1 }], { title: "t", width: 0 }),
      ],
    ]),
    ...rowsOf("./ml", [
      ["formatLabelled", "a label of no kind", () => ml.formatLabelled({ label: asAny("eggs"), mail: "hi" })],
      ["formatLabelled", "a mail that is a number", () => ml.formatLabelled({ label: "ham", mail: asAny(3) })],
      ["formatLabelled", "no mail at all", () => ml.formatLabelled(asAny(undefined))],
      ["spamBit", "a label of no kind", () => ml.spamBit(asAny("eggs"))],
      ["spamBit", "a label in capitals", () => ml.spamBit(asAny("SPAM"))],
      ["mailBody", "a mail that is a number", () => ml.mailBody(asAny(42))],
      ["mailBody", "a mail that is null", () => ml.mailBody(asAny(null))],
      ["trainTextClassifier", "examples that are not an array", () => ml.trainTextClassifier(asAny("mail"))],
      ["trainTextClassifier", "an example without text", () => ml.trainTextClassifier([asAny({ label: 1 })])],
      ["trainTextClassifier", "a label of 2", () => ml.trainTextClassifier([{ text: "a", label: asAny(2) }])],
      [
        "trainTextClassifier",
        "a dimension that is not a power of two",
        () => ml.trainTextClassifier([{ text: "a", label: 1 }], { dimension: 3 }),
      ],
      [
        "trainTextClassifier",
        "examples of one class",
        () => ml.trainTextClassifier([{ text: "a", label: 1 }], { dimension: 8 }),
        LogisticSingleClassError,
      ],
      [
        "trainTextClassifier",
        "a negative l2",
        () =>
          ml.trainTextClassifier(
            [
              { text: "a", label: 1 },
              { text: "b", label: 0 },
            ],
            { dimension: 8, l2: -1 },
          ),
        LogisticRegularizationError,
      ],
      ["trainTextClassifier", "no example", () => ml.trainTextClassifier([], { dimension: 8 })],
      ["classifyText", "a model that is not one", () => ml.classifyText(asAny({}), "hi"), MalformedModelFileError],
      ["classifyText", "a text that is a number", () => ml.classifyText(classifier, asAny(1))],
      [
        "classifyText",
        "a generator as the model",
        () => ml.classifyText(asAny(generator), "hi"),
        MalformedModelFileError,
      ],
      ["classifierAccuracy", "no example", () => ml.classifierAccuracy(classifier, [])],
      ["classifierAccuracy", "examples that are not an array", () => ml.classifierAccuracy(classifier, asAny(null))],
      [
        "classifierAccuracy",
        "an example with a label of 2",
        () => ml.classifierAccuracy(classifier, [{ text: "a", label: asAny(2) }]),
      ],
      ["checkTextClassifier", "null", () => ml.checkTextClassifier(null), MalformedModelFileError],
      [
        "checkTextClassifier",
        "weights of the wrong length",
        () => ml.checkTextClassifier({ ...classifier, weights: [1] }),
        MalformedModelFileError,
      ],
      [
        "checkTextClassifier",
        "a NaN bias",
        () => ml.checkTextClassifier({ ...classifier, bias: NaN }),
        MalformedModelFileError,
      ],
      ["trainNgram", "texts that are not an array", () => ml.trainNgram(asAny("text"))],
      ["trainNgram", "a text that is a number", () => ml.trainNgram([asAny(1)])],
      ["trainNgram", "an order of 0", () => ml.trainNgram(["a b"], { order: 0 })],
      ["trainNgram", "an order past the largest", () => ml.trainNgram(["a b"], { order: ml.MAX_NGRAM_ORDER + 1 })],
      ["trainNgram", "a NaN order", () => ml.trainNgram(["a b"], { order: NaN })],
      ["generateText", "a model that is not one", () => ml.generateText(asAny([]), "a"), MalformedModelFileError],
      ["generateText", "a prompt that is a number", () => ml.generateText(generator, asAny(1))],
      ["generateText", "a negative maxWords", () => ml.generateText(generator, "the", { maxWords: -1 })],
      ["generateText", "a seed past 2^32", () => ml.generateText(generator, "the", { seed: 2 ** 32 })],
      ["perplexity", "no text", () => ml.perplexity(generator, [])],
      ["perplexity", "a text that is a number", () => ml.perplexity(generator, [asAny(1)])],
      [
        "perplexity",
        "a classifier as the model",
        () => ml.perplexity(asAny(classifier), ["a"]),
        MalformedModelFileError,
      ],
      ["wordProbability", "a context that is a number", () => ml.wordProbability(generator, asAny(1), "the")],
      ["wordProbability", "a word that is a number", () => ml.wordProbability(generator, "the", asAny(1))],
      [
        "wordProbability",
        "a model that is not one",
        () => ml.wordProbability(asAny(null), "the", "fox"),
        MalformedModelFileError,
      ],
      ["checkNgramModel", "null", () => ml.checkNgramModel(null), MalformedModelFileError],
      [
        "checkNgramModel",
        "an unsorted vocabulary",
        () => ml.checkNgramModel({ ...generator, vocabulary: ["z", "a"] }),
        MalformedModelFileError,
      ],
      [
        "checkNgramModel",
        "grams cut short",
        () => ml.checkNgramModel({ ...generator, grams: generator.grams.slice(0, -1) }),
        MalformedModelFileError,
      ],
      [
        "checkNgramModel",
        "a token id past the vocabulary",
        () => ml.checkNgramModel({ ...generator, grams: [0, 99, 1] }),
        MalformedModelFileError,
      ],
      ["spanCoverage", "an index that is not one", () => ml.spanCoverage(asAny({}), "text")],
      [
        "spanCoverage",
        "a text that is a number",
        () => ml.spanCoverage(buildSpanIndex([{ id: "a", text: "the quick brown fox" }]), asAny(4)),
        InvalidSpanQueryError,
      ],
      ["serializeModelFile", "null", () => ml.serializeModelFile(asAny(null)), MalformedModelFileError],
      [
        "serializeModelFile",
        "a model of an unknown format",
        () => ml.serializeModelFile(asAny({ ...classifier, format: "onnx" })),
        MalformedModelFileError,
      ],
      [
        "serializeModelFile",
        "a weight that is Infinity",
        () => ml.serializeModelFile({ ...classifier, weights: classifier.weights.map(() => Infinity) }),
        MalformedModelFileError,
      ],
      ["modelFileHash", "a string", () => ml.modelFileHash(asAny("model")), MalformedModelFileError],
      [
        "modelFileHash",
        "a generator with an extra field",
        () => ml.modelFileHash(asAny({ ...generator, extra: 1 })),
        MalformedModelFileError,
      ],
      [
        "exampleOf",
        "a text that is not a labelled mail",
        () => ml.exampleOf("hello", { kind: "labelled-mail", features: "hashed-words", dimension: 8 }),
        MalformedLabelledMailError,
      ],
      [
        "exampleOf",
        "a dimension that is not a power of two",
        () => ml.exampleOf("Label: spam\n\nhi", { kind: "labelled-mail", features: "hashed-words", dimension: 6 }),
      ],
      ["exampleOf", "no encoding", () => ml.exampleOf("Label: spam\n\nhi", asAny(null))],
      ["exampleOf", "a text that is a number", () => ml.exampleOf(asAny(5), asAny(null)), MalformedLabelledMailError],
      /* The gateway */
      ["InferenceGateway.serve", "a negative model id", (w) => gateway(w).serve(-1n, 1, classifier)],
      ["InferenceGateway.serve", "a model id given as a number", (w) => gateway(w).serve(asAny(1), 1, classifier)],
      ["InferenceGateway.serve", "version 0", (w) => gateway(w).serve(3n, 0, classifier)],
      ["InferenceGateway.serve", "a version past uint32", (w) => gateway(w).serve(3n, 2 ** 32, classifier)],
      ["InferenceGateway.serve", "maxWords of 0", (w) => gateway(w).serve(3n, 1, generator, { maxWords: 0 })],
      [
        "InferenceGateway.serve",
        "a model that is not one",
        (w) => gateway(w).serve(3n, 1, asAny({ format: "onnx" })),
        MalformedModelFileError,
      ],
      [
        "InferenceGateway.serve",
        "a model file given as bad JSON",
        (w) => gateway(w).serve(3n, 1, asAny("{")),
        MalformedModelFileError,
      ],
      [
        "InferenceGateway.classify",
        "a model it does not serve",
        (w) => gateway(w).classify(9n, "hi"),
        UnknownServedModelError,
      ],
      ["InferenceGateway.classify", "a generator's id", (w) => gateway(w).classify(2n, "hi"), ServedModelKindError],
      ["InferenceGateway.classify", "a text that is a number", (w) => gateway(w).classify(1n, asAny(42))],
      [
        "InferenceGateway.complete",
        "a model it does not serve",
        (w) => gateway(w).complete(PAST_UINT256, "the"),
        UnknownServedModelError,
      ],
      ["InferenceGateway.complete", "a classifier's id", (w) => gateway(w).complete(1n, "the"), ServedModelKindError],
      ["InferenceGateway.complete", "a prompt that is null", (w) => gateway(w).complete(2n, asAny(null))],
      ["InferenceGateway.queued", "a model it does not serve", (w) => gateway(w).queued(5n), UnknownServedModelError],
      ...(
        [
          [
            "a read-only store",
            (w: World) => new GatewayContentStore(w.closed._getConnection().url),
            ContentStoreReadOnlyError,
          ],
          ["a store whose folder is a file", (w: World) => new node.FileContentStore(w.emptyFile), InvalidInputError],
        ] as const
      ).map(([what, store, expected]): Case => [
        "InferenceGateway.flush",
        what,
        async (w) => {
          const g = gateway(w, store(w));
          await g.classify(1n, "win money");
          return g.flush();
        },
        expected,
        true,
      ]),
      [
        "InferenceGateway.flush",
        "records of a model the chain does not know",
        async (w) => {
          const g = gateway(w);
          g.serve(999n, 1, classifier);
          await g.classify(999n, "win money");
          return g.flush();
        },
        ProtocolError,
        true,
      ],
    ]),
    ...rowsOf("./offering", [
      ["toOfferingTermsStruct", "terms that are not terms", () => offering.toOfferingTermsStruct(asAny(null))],
      [
        "toOfferingTermsStruct",
        "milestones that are not an array",
        () => offering.toOfferingTermsStruct(asAny({ milestones: "all" })),
      ],
      [
        "toOfferingTermsStruct",
        "a milestone of an unknown kind",
        () => offering.toOfferingTermsStruct(asAny({ milestones: [{ kind: "Moonshot" }] })),
      ],
      ["fromTermsOutput", "an output that is not one", () => offering.fromTermsOutput(asAny(undefined))],
      [
        "fromTermsOutput",
        "an output without milestones",
        () => offering.fromTermsOutput(asAny({ split: {}, sale: {} })),
      ],
      [
        "fromTermsOutput",
        "a milestone of an unknown kind",
        () =>
          offering.fromTermsOutput(
            asAny({
              split: { sale: 1n, creator: 1n, contributors: 1n, treasury: 1n },
              sale: { softCap: 1n, hardCap: 2n, deadline: 1n, upfrontBps: 0n },
              vesting: { cliff: 0n, duration: 0n },
              endVote: { quorumBps: 0n, votingPeriod: 0n },
              milestones: [
                { kind: 7n, trancheBps: 0n, deadline: 0n, datanetId: 0n, datanetVersion: 0n, threshold: 0n },
              ],
              contributorsRoot: ZeroHash,
              creatorKeepsVersions: false,
            }),
          ),
      ],
    ]),
  ];
}
