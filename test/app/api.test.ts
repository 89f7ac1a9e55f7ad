import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  ADAPTER_KINDS,
  DatanetIndexer,
  SettlementClient,
  buildSpanIndex,
  digestOf,
  fleissKappa,
  rankContributors,
  readInferenceLog,
} from "../../sdk/src";
import type { SettlementRecord } from "../../sdk/src";
import { FileContentStore, refreshQualityViews } from "../../sdk/src/node";
import type { IndexDatabase } from "../../sdk/src/node";
import { createApi } from "../../app/server/api";
import { offeringReader } from "../../app/server/chain";
import type {
  AcceptancesPage,
  ApiError,
  ContributorPage,
  DailyLimitsPage,
  HarmfulPage,
  DataQuality,
  DatanetDetail,
  DatanetSummary,
  EpochDetail,
  EpochsPage,
  LeaderboardPage,
  ModelDetail,
  ModelSummary,
  OfferingView,
  Page,
  RecordDetail,
  RecordsPage,
} from "../../app/server/types";
import { SECOND_MODEL_URI, appFixture } from "../fixtures/app";
import { contentHash } from "../fixtures/protocol";
import { submitContribution } from "../helpers/submission";
import { EPOCH_CHAIN_TIME, EPOCH_VALID_AT, writeAttributedEpoch } from "../helpers/epochIndex";
import type { AttributedEpoch } from "../helpers/epochIndex";
import { harmfulScenarioIndex } from "../helpers/harmfulIndex";
import { BACKENDS, indexInProcessChain } from "../helpers/indexDatabases";

/*
 * The app's API over an index the protocol indexer wrote from the app fixture's chain (every event kind, Datanet 1
 * with accepted, rejected and expired contributions and three validators, two models, model 1's offering), on PGlite
 * and on a real PostgreSQL. Each answer is checked against what the chain says through another path: the in-memory
 * DatanetIndexer (statuses, votes, reputation), the contracts' views and events, the SDK's clients and the blocks' own
 * timestamps.
 */

const DAY = 86_400;

for (const backend of BACKENDS) {
  describe(`The app's API (${backend.name})`, function () {
    this.timeout(120_000);
    let server: Awaited<ReturnType<typeof backend.start>>;
    let index: IndexDatabase;
    let f: Awaited<ReturnType<typeof appFixture>>;
    let memory: DatanetIndexer;
    let api: ReturnType<typeof createApi>;

    before(async function () {
      f = await loadFixture(appFixture);
      server = await backend.start();
      index = await server.open();
      await indexInProcessChain(index, f.contracts);
      memory = new DatanetIndexer(ethers.provider, await f.datanets.getAddress(), { fromBlock: f.fromBlock });
      await memory.sync();
      api = createApi(index.db, {
        chain: await offeringReader(await f.offeringFactory.getAddress(), ethers.provider),
      });
    });

    after(async function () {
      await index?.close();
      server?.stop();
    });

    async function get<T>(path: string, status = 200): Promise<T> {
      const response = await api.request(path);
      expect(response.status, path).to.equal(status);
      return (await response.json()) as T;
    }

    const contributions = () => [...memory.contributions.values()].filter((c) => c.datanetId === 1n);

    it("lists Datanets with their current URI and owner and their contributions' counts", async function () {
      const page = await get<Page<DatanetSummary>>("/api/datanets");
      expect(page.next).to.equal(null);
      const [datanet] = page.items;
      const all = contributions();
      const of = (status: string) => all.filter((c) => c.status === status).length;
      expect(datanet).to.deep.equal({
        datanetId: "1",
        owner: (await f.datanets.ownerOf(1n)).toLowerCase(),
        uri: "ipfs://datanet-1-renamed",
        contributions: all.length,
        accepted: of("Accepted"),
        rejected: of("Rejected"),
        pending: of("Pending"),
        expired: of("Expired"),
        latestVersion: Number(await f.datanets.versionCount(1n)),
      });
      expect((await get<Page<DatanetSummary>>("/api/datanets?search=RENAMED")).items).to.have.length(1);
      expect((await get<Page<DatanetSummary>>("/api/datanets?search=nothing-like-it")).items).to.have.length(0);
    });

    it("pages with a cursor and refuses bad parameters with a one-line 400", async function () {
      const first = await get<LeaderboardPage>("/api/datanets/1/leaderboard?limit=1");
      expect(first.items).to.have.length(1);
      expect(first.next).to.equal("1");
      const second = await get<LeaderboardPage>(`/api/datanets/1/leaderboard?limit=1&cursor=${first.next}`);
      expect(second.items[0].rank).to.equal(2);
      expect((await get<ApiError>("/api/datanets?limit=0", 400)).error).to.match(/^query\.limit /);
      expect((await get<ApiError>("/api/datanets/x1", 400)).error).to.match(/^datanet must be a decimal id/);
      expect((await get<ApiError>("/api/contributors/0x12", 400)).error).to.match(/^address must be a 0x address/);
      expect((await get<ApiError>("/api/datanets/9", 404)).error).to.equal("Datanet 9 is not indexed.");
      expect((await get<ApiError>("/api/nowhere", 404)).error).to.equal("No route GET /api/nowhere.");
    });

    it("answers 500 with one line when the index itself fails", async function () {
      const broken = await server.open();
      await broken.close();
      const response = await createApi(broken.db).request("/api/datanets");
      expect(response.status).to.equal(500);
      expect(((await response.json()) as ApiError).error).to.match(/^The index could not answer: [^\n]+$/);
    });

    it("shows a Datanet's terms with their validators and its versions with the digest check", async function () {
      const detail = await get<DatanetDetail>("/api/datanets/1");
      const terms = memory.datanets.get(1n)!.terms;
      expect(detail.terms.map((t) => t.validators)).to.deep.equal(
        terms.map((t) => t.validators.map((v) => v.toLowerCase())),
      );
      expect(detail.versions.map((v) => [v.version, v.count, v.digest, v.digestMatches])).to.deep.equal(
        memory.datanets.get(1n)!.versions.map((v) => [v.version, Number(v.count), v.digest, true]),
      );
    });

    it("lists a Datanet's acceptances in order as the chain emitted them, pages that fold to each version's digest", async function () {
      const events = await f.datanets.queryFilter(f.datanets.filters.ContributionAccepted(1n), f.fromBlock);
      expect(events.length).to.be.greaterThan(2);
      const walked: AcceptancesPage["items"] = [];
      let cursor: string | null = "";
      while (cursor !== null) {
        const page: AcceptancesPage = await get<AcceptancesPage>(
          `/api/datanets/1/acceptances?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        );
        expect(page.items.length).to.be.at.most(2);
        walked.push(...page.items);
        cursor = page.next;
      }
      expect(walked).to.deep.equal(
        events.map((e) => ({
          acceptedIndex: Number(e.args.index),
          contributionId: e.args.contributionId.toString(),
          contentHash: e.args.contentHash,
          block: e.blockNumber,
          txHash: e.transactionHash,
          logIndex: e.index,
        })),
      );
      const all = await get<AcceptancesPage>("/api/datanets/1/acceptances?limit=5000");
      expect(all.items).to.deep.equal(walked);
      expect(all.next).to.equal(null);
      const detail = await get<DatanetDetail>("/api/datanets/1");
      expect(detail.registry).to.equal((await f.datanets.getAddress()).toLowerCase());
      expect(detail.createdBlock).to.equal(
        (await f.datanets.queryFilter(f.datanets.filters.DatanetCreated(1n), f.fromBlock))[0].blockNumber,
      );
      for (const version of detail.versions) {
        const folded = all.items
          .slice(0, version.count)
          .map((a) => ({ contributionId: BigInt(a.contributionId), contentHash: a.contentHash }));
        expect(digestOf(folded), `version ${version.version}`).to.equal(version.digest);
      }
      expect((await get<ApiError>("/api/datanets/1/acceptances?limit=5001", 400)).error).to.match(/^query\.limit /);
      expect((await get<ApiError>("/api/datanets/1/acceptances?cursor=x", 400)).error).to.match(/^query\.cursor /);
      expect((await get<ApiError>("/api/datanets/9/acceptances", 404)).error).to.equal("Datanet 9 is not indexed.");
    });

    it("measures data quality: outcomes per day, review latency, validators' agreement and Fleiss' kappa", async function () {
      const quality = await get<DataQuality>("/api/datanets/1/quality");
      const all = contributions();
      const rows = await index.db.selectFrom("contributions").selectAll().where("datanet_id", "=", "1").execute();
      const timeOf = async (block: number) => (await ethers.provider.getBlock(block))!.timestamp;
      const daily = new Map<number, { accepted: number; rejected: number; expired: number }>();
      const latencies: number[] = [];
      for (const row of rows.filter((r) => r.status !== "Pending")) {
        const decided = await timeOf(Number(row.status_block));
        const day = Math.floor(decided / DAY) * DAY;
        const bucket = daily.get(day) ?? { accepted: 0, rejected: 0, expired: 0 };
        bucket[row.status.toLowerCase() as "accepted"] += 1;
        daily.set(day, bucket);
        if (row.status !== "Expired") latencies.push(decided - (await timeOf(Number(row.block_number))));
      }
      latencies.sort((a, b) => a - b);
      expect(quality.daily).to.deep.equal([...daily].sort(([a], [b]) => a - b).map(([day, c]) => ({ day, ...c })));
      // Nearest-rank percentiles: the smallest latency with at least q of them at or below it.
      const nearestRank = (q: number) => latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)];
      expect(quality.latency).to.deep.equal({
        reviewed: latencies.length,
        median: nearestRank(0.5),
        p90: nearestRank(0.9),
      });
      expect(quality.statuses.Accepted + quality.statuses.Rejected + quality.statuses.Expired).to.equal(all.length);

      // Each validator's votes and how often the outcome agreed, from the in-memory indexer's votes.
      const expected = new Map<string, { votes: number; accepts: number; decided: number; agreed: number }>();
      const items: number[][] = [];
      for (const c of all) {
        const decided = c.status === "Accepted" || c.status === "Rejected";
        if (decided && c.votes.length > 0) {
          items.push([c.votes.filter((v) => v.accept).length, c.votes.filter((v) => !v.accept).length]);
        }
        for (const vote of c.votes) {
          const v = expected.get(vote.validator.toLowerCase()) ?? { votes: 0, accepts: 0, decided: 0, agreed: 0 };
          v.votes += 1;
          if (vote.accept) v.accepts += 1;
          if (decided) {
            v.decided += 1;
            if (vote.accept === (c.status === "Accepted")) v.agreed += 1;
          }
          expected.set(vote.validator.toLowerCase(), v);
        }
      }
      expect(quality.validators).to.have.length(3);
      for (const v of quality.validators) {
        const e = expected.get(v.validator)!;
        expect(v).to.deep.equal({
          validator: v.validator,
          ...e,
          agreement: e.decided === 0 ? null : e.agreed / e.decided,
        });
      }
      // Every decided contribution's validators voted alike: perfect agreement.
      const reference = fleissKappa(items);
      expect([quality.kappa.items, quality.kappa.ratings]).to.deep.equal([reference.items, reference.ratings]);
      expect(quality.kappa.observed).to.be.closeTo(reference.observed, 1e-12);
      expect(quality.kappa.expected).to.be.closeTo(reference.expected, 1e-12);
      expect(quality.kappa.kappa).to.equal(1);
    });

    it("ranks contributors as the SDK does from the in-memory indexer's reputation", async function () {
      const board = await get<LeaderboardPage>("/api/datanets/1/leaderboard");
      const ranked = rankContributors(memory.reputation(1n));
      expect(board.contributors).to.equal(ranked.length);
      expect(
        board.items.map((r) => [r.rank, r.account, r.accepted, r.rejected, r.acceptedBytes, r.score]),
      ).to.deep.equal(
        ranked.map((r) => [
          r.rank,
          r.account.toLowerCase(),
          r.accepted,
          r.rejected,
          r.acceptedBytes.toString(),
          r.score,
        ]),
      );
    });

    it("shows a contributor's contributions newest first with their votes, and its totals", async function () {
      const page = await get<ContributorPage>(`/api/contributors/${f.alice.address}`);
      const mine = contributions().filter((c) => c.contributor.toLowerCase() === f.alice.address.toLowerCase());
      // The in-memory indexer keeps submission order.
      expect(page.items.map((c) => [c.contributionId, c.status, c.votesFor, c.votesAgainst])).to.deep.equal(
        [...mine]
          .reverse()
          .map((c) => [
            c.id.toString(),
            c.status,
            c.votes.filter((v) => v.accept).length,
            c.votes.filter((v) => !v.accept).length,
          ]),
      );
      expect(page.totals.Accepted).to.equal(mine.filter((c) => c.status === "Accepted").length);
      expect(page.totals.Expired).to.equal(mine.filter((c) => c.status === "Expired").length);
      for (const c of page.items) {
        expect(c.submittedAt).to.equal((await ethers.provider.getBlock(c.block))!.timestamp);
      }
      // Its reputation: its row of the leaderboard the SDK ranks from the in-memory indexer.
      const row = rankContributors(memory.reputation(1n)).find(
        (r) => r.account.toLowerCase() === f.alice.address.toLowerCase(),
      )!;
      expect(page.reputation).to.deep.equal([
        {
          datanetId: "1",
          accepted: row.accepted,
          rejected: row.rejected,
          acceptanceRate: row.acceptanceRate,
          score: row.score,
          rank: row.rank,
          ranked: rankContributors(memory.reputation(1n)).length,
        },
      ]);
      const outsider = await get<ContributorPage>(`/api/contributors/${f.payer.address}`);
      expect(outsider.items).to.deep.equal([]);
      expect(outsider.reputation).to.deep.equal([]);
      // One a page: the cursor walks the same rows.
      const walked: string[] = [];
      let cursor: string | null = "";
      while (cursor !== null) {
        const next: ContributorPage = await get<ContributorPage>(
          `/api/contributors/${f.alice.address}?limit=1${cursor ? `&cursor=${cursor}` : ""}`,
        );
        walked.push(...next.items.map((c) => c.contributionId));
        cursor = next.next;
      }
      expect(walked).to.deep.equal(page.items.map((c) => c.contributionId));
    });

    /** Model 1's settlements, from the SDK reading the settlement's events, with their blocks' times. */
    async function settlementsOfModel(modelId: bigint): Promise<(SettlementRecord & { time: number })[]> {
      const ledger = await SettlementClient.connect(await f.settlement.getAddress(), f.payer);
      const all: SettlementRecord[] = [];
      const epoch = await f.clock.currentEpoch();
      for (let e = 0n; e <= epoch; e++) all.push(...(await ledger.settlements(e, f.fromBlock)));
      return Promise.all(
        all
          .filter((s) => s.modelId === modelId)
          .map(async (s) => ({ ...s, time: (await ethers.provider.getBlock(s.blockNumber))!.timestamp })),
      );
    }

    it("lists models with their current owner, URI, price and version and their settled calls and fees", async function () {
      const page = await get<Page<ModelSummary>>("/api/models");
      expect(page.items.map((m) => m.modelId)).to.deep.equal(["1", "2"]);
      for (const m of page.items) {
        const id = BigInt(m.modelId);
        const totals = await f.settlement.modelTotals(id);
        const settled = await settlementsOfModel(id);
        expect(m).to.deep.equal({
          modelId: m.modelId,
          owner: (await f.models.ownerOf(id)).toLowerCase(),
          uri: await f.models.tokenURI(id),
          latestVersion: Number(await f.models.versionCount(id)),
          price: (await f.models.terms(id)).pricePerCall.toString(),
          calls: totals.calls.toString(),
          fees: totals.fees.toString(),
          settlements: settled.length,
        });
      }
      // Model 1 was offered: its NFT is the offering's controller's now.
      expect(page.items[0].owner).to.equal(f.offering.controller.toLowerCase());
      const carol = await get<Page<ModelSummary>>(`/api/models?search=${f.carol.address.slice(2, 12).toUpperCase()}`);
      expect(carol.items.map((m) => m.uri)).to.deep.equal([SECOND_MODEL_URI]);
      expect((await get<Page<ModelSummary>>("/api/models?search=summarizer")).items).to.have.length(1);
      const first = await get<Page<ModelSummary>>("/api/models?limit=1");
      expect(first.next).to.equal("1");
      const second = await get<Page<ModelSummary>>(`/api/models?limit=1&cursor=${first.next}`);
      expect([second.items[0].modelId, second.next]).to.deep.equal(["2", null]);
      expect((await get<ApiError>("/api/models?limit=500", 400)).error).to.match(/^query\.limit /);
      expect((await get<ApiError>("/api/models/1x", 400)).error).to.match(/^model must be a decimal id/);
      expect((await get<ApiError>("/api/models/9", 404)).error).to.equal("Model 9 is not indexed.");
    });

    it("shows a model's provenance, price history and revenue recipient as the registry has them", async function () {
      const detail = await get<ModelDetail>("/api/models/1");
      const count = Number(await f.models.versionCount(1n));
      expect(detail.versions).to.have.length(count);
      expect(count).to.equal(2);
      for (const v of detail.versions) {
        const onChain = await f.models.getModelVersion(1n, v.version);
        expect(ethers.id(v.baseModel)).to.equal(onChain.baseModelHash);
        expect([v.adapterKind, v.adapterKindName, v.adapterHash, v.trainingConfigHash]).to.deep.equal([
          Number(onChain.adapterKind),
          ADAPTER_KINDS[Number(onChain.adapterKind)],
          onChain.adapterHash,
          onChain.trainingConfigHash,
        ]);
        expect(v.trainedOn).to.deep.equal(
          onChain.trainedOn.map((r) => ({ datanetId: r.datanetId.toString(), datanetVersion: Number(r.version) })),
        );
      }
      const priced = await f.models.queryFilter(f.models.filters.ModelPriceUpdated(1n), f.fromBlock);
      expect(detail.prices).to.deep.equal(
        await Promise.all(
          priced.map(async (e) => ({
            price: e.args.pricePerCall.toString(),
            block: e.blockNumber,
            time: (await ethers.provider.getBlock(e.blockNumber))!.timestamp,
          })),
        ),
      );
      expect(detail.prices.at(-1)!.price).to.equal(detail.price);
      const terms = await f.models.terms(1n);
      // The successful sale made the share token the model's revenue recipient.
      expect(detail.revenueRecipient).to.equal(terms.revenueRecipient.toLowerCase());
      expect(detail.revenueRecipient).to.equal(f.offering.shares.toLowerCase());
    });

    it("sums a model's settlements by epoch and by day, its fee shares and the current split", async function () {
      const detail = await get<ModelDetail>("/api/models/1");
      const settled = await settlementsOfModel(1n);
      const group = (key: (s: (typeof settled)[number]) => number) => {
        const groups = new Map<number, { settlements: number; calls: bigint; fees: bigint }>();
        for (const s of settled) {
          const g = groups.get(key(s)) ?? { settlements: 0, calls: 0n, fees: 0n };
          groups.set(key(s), { settlements: g.settlements + 1, calls: g.calls + s.calls, fees: g.fees + s.fee });
        }
        return [...groups]
          .sort(([a], [b]) => a - b)
          .map(([k, g]) => [k, g.settlements, g.calls.toString(), g.fees.toString()]);
      };
      expect(detail.byEpoch.map((e) => [e.epoch, e.settlements, e.calls, e.fees])).to.deep.equal(
        group((s) => Number(s.epoch)),
      );
      expect(detail.daily.map((d) => [d.day, d.settlements, d.calls, d.fees])).to.deep.equal(
        group((s) => Math.floor(s.time / DAY) * DAY),
      );
      // The fixture settled in two epochs on two days.
      expect(detail.byEpoch).to.have.length(2);
      expect(detail.daily).to.have.length(2);
      const sum = (part: "treasury" | "model" | "stakers" | "contributors") =>
        settled.reduce((total, s) => total + s.shares[part], 0n).toString();
      expect(detail.shares).to.deep.equal({
        treasury: sum("treasury"),
        model: sum("model"),
        stakers: sum("stakers"),
        contributors: sum("contributors"),
      });
      const split = await f.settlement.feeSplit();
      expect(detail.split).to.deep.equal({
        treasuryBps: Number(split.treasuryBps),
        modelBps: Number(split.modelBps),
        stakersBps: Number(split.stakersBps),
        contributorsBps: Number(split.contributorsBps),
        source: "FeeSplitSet",
      });
      const unsettled = await get<ModelDetail>("/api/models/2");
      expect([unsettled.calls, unsettled.fees, unsettled.daily, unsettled.shares.model]).to.deep.equal([
        "0",
        "0",
        [],
        "0",
      ]);
    });

    it("reads a model's offering from the chain: the sale, the milestones and the holders' revenue", async function () {
      const view = await get<OfferingView>("/api/models/1/offering");
      const status = await f.offeringClient.status(f.offering.offering);
      const open = await f.open.balanceOf(f.offering.shares);
      const contract = await f.offeringClient.offering(f.offering.offering);
      expect(view).to.deep.equal({
        modelId: "1",
        factory: await f.offeringFactory.getAddress(),
        offering: f.offering.offering,
        shares: f.offering.shares,
        controller: f.offering.controller,
        state: "Succeeded",
        block: await ethers.provider.getBlockNumber(),
        now: (await ethers.provider.getBlock("latest"))!.timestamp,
        sale: {
          raised: (await contract.totalDeposits()).toString(),
          softCap: status.terms.sale.softCap.toString(),
          hardCap: status.terms.sale.hardCap.toString(),
          opened: view.sale.opened,
          deadline: status.terms.sale.deadline,
        },
        netRaise: (await contract.netRaise()).toString(),
        released: (await contract.released()).toString(),
        milestones: await Promise.all(
          status.terms.milestones.map(async (m, index) => ({
            index,
            kind: m.kind,
            threshold: m.threshold.toString(),
            datanetId: m.datanetId.toString(),
            datanetVersion: m.datanetVersion,
            deadline: m.deadline,
            trancheBps: m.trancheBps,
            tranche: (await contract.trancheOf(index)).toString(),
            released: await contract.isReleased(index),
            met: await contract.isMet(index, 2),
            progress: status.milestones[index].progress!.toString(),
          })),
        ),
        revenue: { received: open.toString(), claimed: "0" },
      });
      expect(view.milestones.map((m) => [m.released, m.met])).to.deep.equal([
        [true, true],
        [false, false],
      ]);
      // The holders received the model's part of every fee settled since the sale succeeded.
      const paid = (await settlementsOfModel(1n)).filter((s) => s.logURI === "ipfs://logs-after-launch");
      expect(view.revenue.received).to.equal(paid[0].shares.model.toString());
      // The sale opened in the launch's block, when the model NFT moved to the controller.
      const [launch] = await f.models.queryFilter(
        f.models.filters.Transfer(undefined, f.offering.controller, 1n),
        f.fromBlock,
      );
      expect(view.sale.opened).to.equal((await ethers.provider.getBlock(launch.blockNumber))!.timestamp);
    });

    it("answers an offering from its cache within the block and reads the chain again in the next", async function () {
      const first = await get<OfferingView>("/api/models/1/offering");
      const started = performance.now();
      const again = await get<OfferingView>("/api/models/1/offering");
      expect(performance.now() - started).to.be.lessThan(100);
      expect(again).to.deep.equal(first);
      await ethers.provider.send("evm_mine", []);
      expect((await get<OfferingView>("/api/models/1/offering")).block).to.equal(first.block + 1);
      expect((await get<ApiError>("/api/models/2/offering", 404)).error).to.equal("Model 2 has no offering.");
      expect((await get<ApiError>("/api/models/9/offering", 404)).error).to.equal("Model 9 is not indexed.");
      const chainless = await createApi(index.db).request("/api/models/1/offering");
      expect(chainless.status).to.equal(503);
    });

    it("counts each UTC day's submissions against the daily limits as the registry charges them", async function () {
      // One more submission today, so that the registry's own counters of today have something to compare.
      await submitContribution(f.datanets, f.carol, 1n, contentHash("limits-today"), { size: 3_000 });
      await indexInProcessChain(index, f.contracts);
      const terms = await f.datanets.currentTermsVersion(1n);
      const policy = await f.datanets.getPolicy(1n, terms);
      const limits = await get<DailyLimitsPage>("/api/datanets/1/limits");
      expect(limits.limits).to.deep.equal({
        termsVersion: Number(terms),
        contributorDailyFiles: Number(policy.contributorDailyFiles),
        contributorDailyBytes: policy.contributorDailyBytes.toString(),
        datanetDailyBytes: policy.datanetDailyBytes.toString(),
        bonded: policy.bond > 0n,
      });

      // Every submission (whatever became of it) on the UTC day of its block, from the chain's events.
      const days = new Map<number, Map<string, { files: number; bytes: bigint }>>();
      for (const e of await f.datanets.queryFilter(f.datanets.filters.ContributionSubmitted(1n), f.fromBlock)) {
        const day = Math.floor((await ethers.provider.getBlock(e.blockNumber))!.timestamp / DAY) * DAY;
        const accounts = days.get(day) ?? new Map<string, { files: number; bytes: bigint }>();
        const who = e.args.contributor.toLowerCase();
        const usage = accounts.get(who) ?? { files: 0, bytes: 0n };
        accounts.set(who, { files: usage.files + 1, bytes: usage.bytes + e.args.size });
        days.set(day, accounts);
      }
      // The fixture keeps one set of terms, so every day's fractions are of the current limits.
      const expected = [...days]
        .sort(([a], [b]) => b - a)
        .map(([day, accounts]) => {
          const all = [...accounts].sort(([a], [b]) => (a < b ? -1 : 1));
          const bytes = all.reduce((sum, [, u]) => sum + u.bytes, 0n);
          const [byFiles] = [...all].sort(([, a], [, b]) => b.files - a.files);
          const [byBytes] = [...all].sort(([, a], [, b]) => (b.bytes > a.bytes ? 1 : b.bytes < a.bytes ? -1 : 0));
          return {
            day,
            termsVersion: Number(terms),
            submissions: all.reduce((sum, [, u]) => sum + u.files, 0),
            contributors: all.length,
            datanetBytes: bytes.toString(),
            datanetBytesOfLimit: Number(bytes) / Number(policy.datanetDailyBytes),
            busiestByFiles: {
              account: byFiles[0],
              files: byFiles[1].files,
              ofLimit: byFiles[1].files / Number(policy.contributorDailyFiles),
            },
            busiestByBytes: {
              account: byBytes[0],
              bytes: byBytes[1].bytes.toString(),
              ofLimit: Number(byBytes[1].bytes) / Number(policy.contributorDailyBytes),
            },
          };
        });
      expect(expected.length).to.be.greaterThan(1);
      expect(limits.items).to.deep.equal(expected);
      expect(limits.next).to.equal(null);

      // Today's row is what the registry's counters say of today.
      const [today] = limits.items;
      expect(BigInt(today.datanetBytes)).to.equal(await f.datanets.datanetUsageToday(1n));
      const [files] = await f.datanets.contributorUsageToday(1n, today.busiestByFiles.account);
      expect(today.busiestByFiles.files).to.equal(Number(files));
      const [, bytes] = await f.datanets.contributorUsageToday(1n, today.busiestByBytes.account);
      expect(today.busiestByBytes.bytes).to.equal(bytes.toString());

      const peak = (ofLimit: (u: (typeof expected)[number]) => number) => {
        const top = expected.reduce((best, u) => (ofLimit(u) > ofLimit(best) ? u : best));
        return { day: top.day, ofLimit: ofLimit(top) };
      };
      expect(limits.peak).to.deep.equal({
        datanetBytes: peak((u) => u.datanetBytesOfLimit),
        contributorFiles: peak((u) => u.busiestByFiles.ofLimit),
        contributorBytes: peak((u) => u.busiestByBytes.ofLimit),
      });

      // A day a page, newest first.
      const first = await get<DailyLimitsPage>("/api/datanets/1/limits?limit=1");
      expect(first.items).to.deep.equal(expected.slice(0, 1));
      expect(first.next).to.equal(String(expected[0].day));
      const second = await get<DailyLimitsPage>(`/api/datanets/1/limits?limit=1&cursor=${first.next}`);
      expect(second.items).to.deep.equal(expected.slice(1, 2));
      expect((await get<ApiError>("/api/datanets/1/limits?limit=201", 400)).error).to.match(/^query\.limit /);
      expect((await get<ApiError>("/api/datanets/9/limits", 404)).error).to.equal("Datanet 9 is not indexed.");
    });

    it("lists the contributions an epoch report's data values flagged harmful, as the report says", async function () {
      const none = await get<HarmfulPage>("/api/datanets/1/harmful");
      expect([none.items, none.flagged, none.reports]).to.deep.equal([[], 0, 0]);

      // The mislabelled-spam epoch, whose classifier flags the relabelled mails, in an index of its own.
      const scenarioIndex = await server.open();
      const dir = await mkdtemp(join(tmpdir(), "app-harmful-"));
      try {
        const { report, scenario } = await harmfulScenarioIndex(scenarioIndex.db, dir);
        const scenarioApi = createApi(scenarioIndex.db);
        const contributorOf = new Map(scenario.input.contributions.map((c) => [c.id, c.contributor.toLowerCase()]));
        const expected = report.models
          .flatMap((m) =>
            (m.dataValue?.harmful ?? []).map((id) => ({
              contributionId: id,
              contributor: contributorOf.get(id)!,
              epoch: Number(report.epoch),
              reportHash: report.reportHash.toLowerCase(),
              modelId: m.modelId,
              value: m.dataValue!.values.find((v) => v.contribution === id)!.value,
              threshold: m.dataValue!.threshold,
            })),
          )
          .sort(
            (a, b) =>
              Number(BigInt(a.modelId) - BigInt(b.modelId)) ||
              (BigInt(a.contributionId) < BigInt(b.contributionId) ? -1 : 1),
          );
        expect(expected.length).to.be.greaterThan(5);
        expect(new Set(expected.map((e) => e.contributionId))).to.deep.equal(
          new Set(report.datanets.find((d) => d.datanetId === "1")!.harmful),
        );
        // Most of what the classifier flags is what mallory relabelled.
        expect(expected.filter((e) => scenario.flipped.has(e.contributionId)).length).to.be.greaterThan(
          expected.length / 2,
        );

        const walked: HarmfulPage["items"] = [];
        let cursor: string | null = "";
        while (cursor !== null) {
          const response = await scenarioApi.request(
            `/api/datanets/1/harmful?limit=4${cursor ? `&cursor=${cursor}` : ""}`,
          );
          expect(response.status).to.equal(200);
          const page = (await response.json()) as HarmfulPage;
          expect(page.flagged).to.equal(expected.length);
          expect(page.reports).to.equal(1);
          walked.push(...page.items);
          cursor = page.next;
        }
        expect(walked).to.deep.equal(expected);
        const bad = await scenarioApi.request("/api/datanets/1/harmful?cursor=1-2");
        expect(bad.status).to.equal(400);
        expect(((await bad.json()) as ApiError).error).to.match(/^query\.cursor /);
      } finally {
        await scenarioIndex.close();
        await rm(dir, { recursive: true, force: true });
      }
      expect((await get<ApiError>("/api/datanets/9/harmful", 404)).error).to.equal("Datanet 9 is not indexed.");
    });

    it("refreshes the quality views only when the index moved, so a new outcome shows on the next request", async function () {
      await get<DataQuality>("/api/datanets/1/quality");
      expect(await refreshQualityViews(index.db)).to.equal(false);
      const before = await get<DataQuality>("/api/datanets/1/quality");
      await submitContribution(f.datanets, f.carol, 1n, contentHash("fresh"));
      await f.datanets.connect(f.v1).vote(1n, contentHash("fresh"), false);
      await f.datanets.connect(f.v2).vote(1n, contentHash("fresh"), false);
      await indexInProcessChain(index, f.contracts);
      const after = await get<DataQuality>("/api/datanets/1/quality");
      expect(after.statuses.Rejected).to.equal(before.statuses.Rejected + 1);
      expect(await refreshQualityViews(index.db)).to.equal(false);
    });
  });
}

for (const backend of BACKENDS) {
  describe(`The app's epochs and inference explorer (${backend.name})`, function () {
    this.timeout(120_000);
    let server: Awaited<ReturnType<typeof backend.start>>;
    let index: IndexDatabase;
    let dir: string;
    let epoch: AttributedEpoch;
    let api: ReturnType<typeof createApi>;

    before(async function () {
      server = await backend.start();
      index = await server.open();
      dir = await mkdtemp(join(tmpdir(), "app-epochs-"));
      epoch = await writeAttributedEpoch(index.db, dir);
      api = createApi(index.db, { store: epoch.store });
    });

    after(async function () {
      await index?.close();
      server?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function get<T>(path: string, status = 200): Promise<T> {
      const response = await api.request(path);
      expect(response.status, path).to.equal(status);
      return (await response.json()) as T;
    }

    const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n).toString();
    /** The attributed settlement's records, as the SDK's log reader reads its log. */
    const log = () => readInferenceLog(epoch.input.settlements.find((s) => s.id === epoch.attributed)!.log);

    it("lists the epochs newest first with their fees, root state, countdown's end and report totals", async function () {
      const page = await get<EpochsPage>("/api/epochs");
      expect(page.chain).to.deep.equal({ block: 5, timestamp: EPOCH_CHAIN_TIME });
      expect(page.items.map((e) => [e.epoch, e.state])).to.deep.equal([
        [3, "unproposed"],
        [2, "revoked"],
        [1, "pending"],
      ]);
      const [, second, first] = page.items;
      const { report, input } = epoch;
      expect(first).to.deep.equal({
        epoch: 1,
        settlements: 2,
        fees: (110n * 10n ** 18n).toString(),
        calls: sum(input.settlements.map((s) => s.calls)),
        state: "pending",
        root: report.tree.root.toLowerCase(),
        reportHash: report.reportHash.toLowerCase(),
        validAt: EPOCH_VALID_AT,
        report: {
          loaded: true,
          pool: report.pool,
          paid: sum(report.accounts.map((a) => BigInt(a.amount))),
          carriedOver: report.carryOver.total,
          records: report.settlements.reduce((n, s) => n + s.records.length, 0),
        },
      });
      expect(second.report).to.deep.equal({ loaded: false, reason: "it is not in the content store." });
      const paged = await get<EpochsPage>("/api/epochs?limit=2");
      expect(paged.next).to.equal("2");
      expect(
        (await get<EpochsPage>(`/api/epochs?limit=2&cursor=${paged.next}`)).items.map((e) => e.epoch),
      ).to.deep.equal([1]);
    });

    it("shows an epoch's report: settlements, income, carry-over lines, Datanets, top accounts and harm", async function () {
      const detail = await get<EpochDetail>("/api/epochs/1");
      const { report } = epoch;
      expect(detail.income).to.deep.equal(report.income);
      expect(detail.reportSettlements).to.deep.equal(
        report.settlements.map((s) => ({
          settlementId: s.id,
          modelId: s.modelId,
          calls: s.calls,
          pot: s.pot,
          share: s.share,
          paid: s.paid,
          carried: s.carried,
          unmatchedCalls: s.unmatchedCalls,
          status: s.status,
          exclusion: s.exclusion ? `${s.exclusion.code}: ${s.exclusion.message}` : null,
        })),
      );
      expect(detail.reportSettlements.map((s) => s.status)).to.deep.equal(
        report.settlements.map((s) => (s.id === epoch.excluded ? "excluded" : "attributed")),
      );
      expect(detail.carryOver).to.deep.equal(
        report.carryOver.lines.map((l) => ({ kind: l.kind, settlement: l.settlement ?? null, amount: l.amount })),
      );
      expect(detail.datanets).to.deep.equal(report.datanets.map((d) => ({ datanetId: d.datanetId, amount: d.amount })));
      const byAmount = [...report.accounts].sort(
        (a, b) =>
          Number(BigInt(b.amount) - BigInt(a.amount)) || (a.account.toLowerCase() < b.account.toLowerCase() ? -1 : 1),
      );
      expect(detail.topAccounts).to.deep.equal(
        byAmount
          .slice(0, 20)
          .map((a) => ({ account: a.account.toLowerCase(), amount: a.amount, cumulative: a.cumulative })),
      );
      expect(detail.accounts).to.equal(report.accounts.length);
      expect(detail.harmful).to.equal(0);
      expect((await get<ApiError>("/api/epochs/3", 404)).error).to.equal("No root was proposed for epoch 3.");
      expect((await get<ApiError>("/api/epochs/x", 400)).error).to.match(/^epoch must be an epoch number/);
      const failed = await get<EpochDetail>("/api/epochs/2");
      expect([failed.state, failed.reportSettlements]).to.deep.equal(["revoked", []]);
    });

    it("lists and finds records by record id, output hash and credited contribution, with their weights", async function () {
      const { report } = epoch;
      const records = report.settlements.flatMap((s) => s.records.map((r) => ({ settlement: s.id, ...r })));
      const view = (r: (typeof records)[number]) => ({
        settlementId: r.settlement,
        recordId: r.id,
        calls: r.calls,
        outputHash: r.outputHash,
        credits: r.top.map((t) => ({ contributionId: t.contribution, weight: t.weight })),
      });
      const walked: unknown[] = [];
      let cursor: string | null = "";
      while (cursor !== null) {
        const page: RecordsPage = await get<RecordsPage>(
          `/api/epochs/1/records?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        );
        walked.push(...page.items);
        cursor = page.next;
      }
      expect(walked).to.deep.equal(records.map(view));
      const [third] = records.filter((r) => r.id === "record-3");
      expect((await get<RecordsPage>("/api/epochs/1/records?q=record-3")).items).to.deep.equal([view(third)]);
      expect(
        (await get<RecordsPage>(`/api/epochs/1/records?q=${third.outputHash.toUpperCase().replace("0X", "0x")}`)).items,
      ).to.deep.equal([view(third)]);
      const credited = third.top[0].contribution;
      expect((await get<RecordsPage>(`/api/epochs/1/records?q=${credited}`)).items).to.deep.equal(
        records.filter((r) => r.top.some((t) => t.contribution === credited)).map(view),
      );
      expect((await get<ApiError>("/api/epochs/2/records", 404)).error).to.equal("Epoch 2 has no report in the index.");
      expect((await get<ApiError>("/api/epochs/1/records?cursor=zz", 400)).error).to.match(/^query\.cursor /);
    });

    it("opens a record with its output and, per credited contribution, its text and the spans the SDK credits", async function () {
      const { report } = epoch;
      const settlement = report.settlements.find((s) => s.id === epoch.attributed)!;
      const index = buildSpanIndex(
        [...epoch.texts].map(([id, text]) => ({ id, text })),
        report.options.spans,
      );
      let spansSeen = 0;
      for (const record of settlement.records) {
        const detail = await get<RecordDetail>(`/api/epochs/1/records/${settlement.id}/${record.id}`);
        const output = log().record(record.id).output;
        expect(detail.output).to.deep.equal(output);
        const text = (output as { text: string }).text;
        const spans = index.attributeSpans(text).filter((s) => s.weight > 0);
        expect(detail.contributions.map((c) => [c.contributionId, c.weight])).to.deep.equal(
          record.top.map((t) => [t.contribution, t.weight]),
        );
        for (const c of detail.contributions) {
          expect(c.text).to.equal(epoch.texts.get(c.contributionId));
          const expected = spans.filter((s) => s.ids.includes(c.contributionId));
          expect(c.spans.map((s) => [s.output.start, s.output.end, s.text, s.weight])).to.deep.equal(
            expected.map((s) => [s.charStart, s.charEnd, s.text, s.weight]),
          );
          for (const span of c.spans) {
            expect(span.contribution.length).to.be.greaterThan(0);
            const quoted = text.slice(span.output.start, span.output.end).toLowerCase();
            for (const range of span.contribution) {
              expect(c.text!.slice(range.start, range.end).toLowerCase()).to.equal(quoted);
            }
            expect(c.text!.toLowerCase()).to.include(quoted);
            spansSeen += 1;
          }
        }
      }
      expect(spansSeen).to.be.greaterThan(3);
    });

    it("answers 404 for an unknown record and a one-line 503 when the store lacks the log", async function () {
      const path = `/api/epochs/1/records/${epoch.attributed}/record-1`;
      expect((await get<ApiError>(`/api/epochs/1/records/${epoch.attributed}/nope`, 404)).error).to.equal(
        `Epoch 1 has no record nope of settlement ${epoch.attributed}.`,
      );
      expect((await get<ApiError>("/api/epochs/1/records/0x12:1/record-1", 400)).error).to.match(/^settlement must be/);
      const bare = await createApi(index.db).request(path);
      expect(bare.status).to.equal(503);
      const empty = await mkdtemp(join(tmpdir(), "app-epochs-empty-"));
      try {
        const response = await createApi(index.db, { store: new FileContentStore(empty) }).request(path);
        expect(response.status).to.equal(503);
        expect(((await response.json()) as ApiError).error).to.match(
          /^The content store cannot give the log of settlement [^\n]+$/,
        );
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    });
  });
}
