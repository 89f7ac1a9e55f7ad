import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ContentStoreUnreachableError,
  DatanetIndexer,
  EpochReportMismatchError,
  RewardsClient,
  StoredContentMismatchError,
  SettlementClient,
  attributeEpoch,
  cidFromContentHash,
  epochRewardTree,
  fetchSettlementLog,
  fetchSettlementLogs,
  serializeEpochReport,
  verifyEpochReport,
} from "../../sdk/src";
import type { ContentStore, EpochInput, EpochReport } from "../../sdk/src";
import { exampleOf } from "../../sdk/src/ml";
import {
  ProtocolIndexer,
  epochInputFromChain,
  epochInputHash,
  openIndexDatabase,
  previousReportFromChain,
} from "../../sdk/src/node";
import type { IndexDatabase } from "../../sdk/src/node";
import { ENCODING, epochChainFixture } from "../fixtures/epochChain";
import { rejection } from "../helpers/rejection";

type Fixture = Awaited<ReturnType<typeof epochChainFixture>>;

/** `store` with some CIDs answered otherwise: missing (undefined), other bytes, or a thrown error. */
function alteredStore(
  store: ContentStore,
  answers: Map<string, "missing" | "tampered" | "down">,
  everything?: "down",
): ContentStore {
  return {
    put: (content) => store.put(content),
    async get(cid) {
      const answer = everything ?? answers.get(cid.replace(/^ipfs:\/\//, ""));
      if (answer === "down") throw new Error("connect ECONNREFUSED 127.0.0.1:8080");
      if (answer === "missing") return undefined;
      const bytes = await store.get(cid);
      if (answer === "tampered" && bytes) return Uint8Array.from([...bytes, 0x20]);
      return bytes;
    },
  };
}

/**
 * The epoch's input as an operator assembled it by hand before: from the SDK's in-memory readers and the fixture,
 * its logs to be fetched from the store.
 */
async function handBuiltInput(f: Fixture): Promise<EpochInput> {
  const indexer = new DatanetIndexer(ethers.provider, await f.datanets.getAddress());
  await indexer.sync();
  const settler = await SettlementClient.connect(await f.settlement.getAddress(), f.deployer);
  const accepted = [...indexer.contributions.values()].filter((c) => c.status === "Accepted");
  const trainedOn = [
    { datanetId: f.datanetId, version: f.version.version, count: Number(f.version.count), digest: f.version.digest },
  ];
  return {
    epoch: 1n,
    models: [
      { modelId: f.generatorId, version: 1, trainedOn, scorer: { kind: "spans" } },
      {
        modelId: f.classifierId,
        version: 1,
        trainedOn,
        scorer: { kind: "logistic-influence", l2: 0.1, validation: f.validation, validationHash: f.validationHash },
      },
    ],
    contributions: accepted.map((c) => {
      const text = f.texts.get(c.contentHash)!;
      return {
        id: c.id.toString(),
        datanetId: c.datanetId,
        contributor: c.contributor,
        contentHash: c.contentHash,
        index: c.acceptedIndex!,
        acceptedAt: c.acceptedBlock!,
        text,
        ...exampleOf(text, ENCODING),
      };
    }),
    settlements: (await settler.settlements(1n)).map((x) => ({
      id: x.id,
      modelId: x.modelId,
      calls: x.calls,
      pot: x.shares.contributors,
      logRoot: x.logRoot,
      logURI: x.logURI,
    })),
  };
}

describe("epochInputFromChain", function () {
  let folder: string;
  let database: IndexDatabase;
  let synced: Fixture | undefined;

  before(async function () {
    folder = mkdtempSync(join(tmpdir(), "oa-epoch-input-"));
    database = await openIndexDatabase({ dataDir: folder });
  });
  after(async function () {
    await database.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const syncIndex = (f: Fixture) =>
    new ProtocolIndexer({ provider: ethers.provider, db: database, contracts: f.contracts, confirmations: 0 }).sync();

  /** The fixture's chain, indexed into the suite's database (emptied first when another fixture was indexed). */
  async function indexed(): Promise<Fixture> {
    const f = await loadFixture(epochChainFixture);
    if (synced !== f) {
      await database.close();
      rmSync(folder, { recursive: true, force: true });
      database = await openIndexDatabase({ dataDir: folder });
      synced = f;
    }
    await syncIndex(f);
    return f;
  }

  it("builds from the tables and the content store the input an operator built by hand, to the report's byte", async function () {
    const f = await indexed();
    const built = await epochInputFromChain({ db: database, store: f.store, epoch: 1n });
    const byHand = await fetchSettlementLogs(await handBuiltInput(f), (s) => fetchSettlementLog(f.store, s));
    expect(serializeEpochReport(attributeEpoch(built.input))).to.equal(serializeEpochReport(attributeEpoch(byHand)));
    expect(built.inputHash)
      .to.equal(epochInputHash(built.input))
      .and.to.match(/^0x[0-9a-f]{64}$/);
    // Only the log nobody published is missing; its settlement is excluded and its pot carried over.
    expect(built.unavailable.map((u) => [u.kind, u.reason.includes("is not in the store")])).to.deep.equal([
      ["log", true],
    ]);
    const report = attributeEpoch(built.input);
    const hidden = report.settlements.find((s) => s.logURI === f.hiddenURI)!;
    expect(hidden.exclusion?.code).to.equal("log-unavailable");
    expect(report.carryOver.lines.find((l) => l.settlement === hidden.id)?.amount).to.equal(hidden.pot);
    expect(report.unavailable).to.equal(undefined);
    expect(report.models.map((m) => m.scorer?.kind ?? "spans")).to.deep.equal(["spans", "logistic-influence"]);
  });

  it("leaves a contribution whose bytes are missing or tampered out of scoring and lists it in the report", async function () {
    const f = await indexed();
    const [missing, tampered] = [...f.texts.keys()].slice(0, 2);
    const store = alteredStore(
      f.store,
      new Map([
        [cidFromContentHash(missing), "missing"],
        [cidFromContentHash(tampered), "tampered"],
      ] as const),
    );
    const built = await epochInputFromChain({ db: database, store, epoch: 1n });
    const report = attributeEpoch(built.input);
    const ids = built.input.contributions.filter((c) => c.text === undefined).map((c) => c.id);
    expect(ids).to.have.length(2);
    expect(report.unavailable!.map((u) => u.id)).to.deep.equal([...ids].sort());
    const reasons = report.unavailable!.map((u) => u.reason).join("\n");
    expect(reasons).to.contain("is not in the store").and.to.contain("hashes to");
    for (const id of ids) {
      expect(reasons).to.contain(`Contribution ${id}`);
      expect(report.contributions.map((c) => c.id)).to.not.include(id);
    }
    // The version digest still holds (the contribution folds into it by hash), and the report is reproducible.
    expect(verifyEpochReport(JSON.parse(serializeEpochReport(report)), built.input)).to.deep.equal(report);
  });

  it("leaves a model whose card cannot be read on spans, so its classifier settlements are excluded", async function () {
    const f = await indexed();
    const card = await f.models.tokenURI(f.classifierId);
    const store = alteredStore(f.store, new Map([[card.replace("ipfs://", ""), "missing"]]));
    const built = await epochInputFromChain({ db: database, store, epoch: 1n });
    expect(built.unavailable.find((u) => u.kind === "model-card")).to.deep.include({ id: f.classifierId.toString() });
    const report = attributeEpoch(built.input);
    const classified = report.settlements.filter((s) => s.modelId === f.classifierId.toString());
    expect(classified.map((s) => s.exclusion?.code)).to.deep.equal([
      "record-output-mismatch",
      "record-output-mismatch",
    ]);
  });

  it("stops only when the content store cannot be reached at all", async function () {
    const f = await indexed();
    const error = await rejection(
      epochInputFromChain({ db: database, store: alteredStore(f.store, new Map(), "down"), epoch: 1n }),
      ContentStoreUnreachableError,
    );
    expect(error.message).to.match(/None of the \d+ items of epoch 1 could be fetched/);
  });

  it("follows a published report's exclusions and names the items this reader could fetch", async function () {
    const f = await indexed();
    const [withheld] = [...f.texts.keys()];
    const operator = await epochInputFromChain({
      db: database,
      store: alteredStore(f.store, new Map([[cidFromContentHash(withheld), "missing"]])),
      epoch: 1n,
    });
    const published = JSON.parse(serializeEpochReport(attributeEpoch(operator.input))) as EpochReport;
    const verifier = await epochInputFromChain({ db: database, store: f.store, epoch: 1n, follow: published });
    expect(serializeEpochReport(attributeEpoch(verifier.input))).to.equal(serializeEpochReport(published));
    const id = published.unavailable![0].id;
    expect(verifier.fetchableExcluded).to.deep.equal([
      { kind: "contribution", id, reason: published.unavailable![0].reason },
    ]);
    // The hidden log is excluded by both and fetchable by neither.
    expect(verifier.fetchableExcluded.filter((u) => u.kind === "log")).to.deep.equal([]);
  });

  /**
   * Epoch 1's report published, its root proposed with `reportHash` (default the report's own), accepted after the
   * window, and the index synced.
   */
  async function acceptEpoch1(f: Fixture, reportHash?: string) {
    const { input } = await epochInputFromChain({ db: database, store: f.store, epoch: 1n });
    const report = attributeEpoch(input);
    const reportURI = `ipfs://${(await f.store.put(serializeEpochReport(report))).cid}`;
    const distributor = await RewardsClient.connect(await f.rewards.getAddress(), f.deployer);
    const proposal = { tree: epochRewardTree(report), epoch: 1n, reportURI };
    await distributor.proposeRoot({ ...proposal, reportHash: reportHash ?? report.reportHash });
    await time.increaseTo((await distributor.pendingRoot()).validAt);
    await distributor.acceptRoot();
    await syncIndex(f);
    return { report, reportURI };
  }

  it("reads the previous accepted report by its root's URI, checked against its CID", async function () {
    const f = await indexed();
    const { report, reportURI } = await acceptEpoch1(f);
    expect(await previousReportFromChain(database, f.store, 1n)).to.equal(undefined);
    const previous = await previousReportFromChain(database, f.store, 2n);
    expect(serializeEpochReport(previous!)).to.equal(serializeEpochReport(report));

    const cid = reportURI.replace("ipfs://", "");
    const tampered = await rejection(
      previousReportFromChain(database, alteredStore(f.store, new Map([[cid, "tampered"]])), 2n),
      StoredContentMismatchError,
    );
    expect(tampered.message).to.contain("The report of epoch 1");
  });

  it("refuses a previous report that is not the one its root was proposed with", async function () {
    const f = await indexed();
    const reportHash = ethers.id("another report");
    await acceptEpoch1(f, reportHash);
    const error = await rejection(previousReportFromChain(database, f.store, 2n), EpochReportMismatchError);
    expect(error.message).to.contain(reportHash);
  });
});
