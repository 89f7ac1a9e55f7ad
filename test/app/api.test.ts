import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { DatanetIndexer, digestOf, fleissKappa, rankContributors } from "../../sdk/src";
import { refreshQualityViews } from "../../sdk/src/node";
import type { IndexDatabase } from "../../sdk/src/node";
import { createApi } from "../../app/server/api";
import type {
  AcceptancesPage,
  ApiError,
  ContributorPage,
  DailyLimitsPage,
  HarmfulPage,
  DataQuality,
  DatanetDetail,
  DatanetSummary,
  LeaderboardPage,
  Page,
} from "../../app/server/types";
import { indexerFixture } from "../fixtures/indexer";
import { contentHash } from "../fixtures/protocol";
import { submitContribution } from "../helpers/submission";
import { harmfulScenarioIndex } from "../helpers/harmfulIndex";
import { BACKENDS, indexInProcessChain } from "../helpers/indexDatabases";

/*
 * The app's API over an index the protocol indexer wrote from the indexer fixture's chain (every event kind, Datanet 1
 * with accepted, rejected and expired contributions and three validators), on PGlite and on a real PostgreSQL. Each
 * answer is checked against what the chain says through another path: the in-memory DatanetIndexer (statuses, votes,
 * reputation) and the blocks' own timestamps.
 */

const DAY = 86_400;

for (const backend of BACKENDS) {
  describe(`The app's API (${backend.name})`, function () {
    this.timeout(120_000);
    let server: Awaited<ReturnType<typeof backend.start>>;
    let index: IndexDatabase;
    let f: Awaited<ReturnType<typeof indexerFixture>>;
    let memory: DatanetIndexer;
    let api: ReturnType<typeof createApi>;

    before(async function () {
      f = await loadFixture(indexerFixture);
      server = await backend.start();
      index = await server.open();
      await indexInProcessChain(index, f.contracts);
      memory = new DatanetIndexer(ethers.provider, await f.datanets.getAddress(), { fromBlock: f.fromBlock });
      await memory.sync();
      api = createApi(index.db);
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
      const outsider = await get<ContributorPage>(`/api/contributors/${f.payer.address}`);
      expect(outsider.items).to.deep.equal([]);
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
