import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { attributeEpoch, contentUri, epochRewardTree, serializeEpochReport } from "../../sdk/src";
import type { EpochReport } from "../../sdk/src";
import { FileContentStore, loadEpochReports } from "../../sdk/src/node";
import type { IndexDatabase } from "../../sdk/src/node";
import { createApi } from "../../app/server/api";
import type { ApiError, ClaimProofs, ContributorRewards } from "../../app/server/types";
import { mislabelledSpamScenario } from "../helpers/epochScenarios";
import { BACKENDS, insertRootEvent } from "../helpers/indexDatabases";

/*
 * A contributor's rewards and claim proofs from the app's API, over a classifier's epoch really attributed by the
 * SDK, published to a content folder and loaded into the index from its root's proposal. Each answer is checked
 * against the report object and against the reward tree the SDK builds from it.
 */

for (const backend of BACKENDS) {
  describe(`The app's rewards API (${backend.name})`, function () {
    this.timeout(180_000);

    let started: Awaited<ReturnType<typeof backend.start>>;
    let index: IndexDatabase;
    let dir: string;
    let report: EpochReport;
    let api: ReturnType<typeof createApi>;
    let block = 0;

    /** A reward_roots event of the report's root, as the indexer writes it. */
    const rootEvent = (action: "proposed" | "accepted", uri?: string) =>
      insertRootEvent(index.db, report, { block: ++block, action, uri });

    async function get<T>(path: string, status = 200): Promise<T> {
      const response = await api.request(path);
      expect(response.status, path).to.equal(status);
      return (await response.json()) as T;
    }

    before(async function () {
      report = attributeEpoch(mislabelledSpamScenario().input);
      dir = await mkdtemp(join(tmpdir(), "rewards-api-"));
      const store = new FileContentStore(dir);
      const uri = contentUri((await store.put(serializeEpochReport(report))).cid);
      started = await backend.start();
      index = await started.open();
      await rootEvent("proposed", uri);
      expect((await loadEpochReports(index.db, store)).loaded).to.have.length(1);
      api = createApi(index.db);
    });

    after(async function () {
      await index?.close();
      started?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it("gives each account what the epoch paid it, the contributions that earned most and inferences that credited them", async function () {
      // A record lists only its heaviest contributions, so a contribution can earn without a sample.
      let samples = 0;
      for (const entry of report.accounts) {
        const account = entry.account.toLowerCase();
        const rewards = await get<ContributorRewards>(`/api/contributors/${entry.account}/rewards`);
        expect(rewards.claim).to.equal(null);
        expect(rewards.next).to.equal(null);
        expect(rewards.epochs).to.have.length(1);
        const [epoch] = rewards.epochs;
        expect([epoch.epoch, epoch.state, epoch.validAt, epoch.amount, epoch.cumulative]).to.deep.equal([
          1,
          "pending",
          1_700_003_600,
          entry.amount,
          entry.cumulative,
        ]);
        const own = report.contributions
          .filter((c) => c.contributor.toLowerCase() === account)
          .sort((a, b) => Number(BigInt(b.amount) - BigInt(a.amount)) || (a.id < b.id ? -1 : 1));
        expect(epoch.contributionsCredited).to.equal(own.length);
        expect(epoch.contributions.map((c) => [c.contributionId, c.amount])).to.deep.equal(
          own.slice(0, 20).map((c) => [c.id, c.amount]),
        );
        for (const shown of epoch.contributions) {
          const credits = report.settlements
            .flatMap((s) =>
              s.records.flatMap((r) =>
                r.top
                  .filter((t) => t.contribution === shown.contributionId)
                  .map((t) => ({ settlementId: s.id, recordId: r.id, weight: t.weight })),
              ),
            )
            .sort(
              (a, b) =>
                b.weight - a.weight ||
                (a.settlementId < b.settlementId ? -1 : a.settlementId > b.settlementId ? 1 : 0) ||
                (a.recordId < b.recordId ? -1 : 1),
            );
          expect(shown.samples, shown.contributionId).to.deep.equal(credits.slice(0, 3));
          samples += shown.samples.length;
        }
      }
      expect(samples).to.be.greaterThan(0);
    });

    it("answers 404 for claims before a root is accepted, and 400 for an account that is not an address", async function () {
      const account = report.accounts[0].account;
      expect((await get<ApiError>(`/api/claims?account=${account}`, 404)).error).to.match(/No accepted root/);
      expect((await get<ApiError>(`/api/claims?account=0x1234`, 400)).error).to.equal(
        "query.account.0 must be a 0x address of 40 hex digits",
      );
      expect((await get<ApiError>(`/api/claims`, 400)).error).to.equal("query.account must name at least one account");
    });

    it("once the root is accepted, gives the SDK tree's leaves and proofs, and what is left after the indexed claims", async function () {
      await rootEvent("accepted");
      const tree = epochRewardTree(report);
      const [first, second] = report.accounts;
      const stranger = `0x${"ab".repeat(20)}`;
      const proofs = await get<ClaimProofs>(
        `/api/claims?account=${first.account}&account=${second.account}&account=${stranger}`,
      );
      expect([proofs.epoch, proofs.root, proofs.total]).to.deep.equal([1, tree.root, tree.total.toString()]);
      expect(proofs.leaves).to.deep.equal(
        [first, second].map((a) => ({
          account: a.account.toLowerCase(),
          cumulative: tree.amountOf(a.account).toString(),
          proof: tree.proof(a.account),
        })),
      );
      expect(proofs.missing).to.deep.equal([stranger]);

      // The second account claimed a third of its amount.
      const part = BigInt(second.cumulative) / 3n;
      await index.db
        .insertInto("claims")
        .values({
          block_number: 100,
          tx_hash: keccak256(toUtf8Bytes("claim")),
          log_index: 0,
          account: second.account.toLowerCase(),
          epoch: 1,
          amount: part.toString(),
          cumulative_amount: part.toString(),
        })
        .execute();
      const untouched = await get<ContributorRewards>(`/api/contributors/${first.account}/rewards`);
      expect(untouched.epochs[0].state).to.equal("accepted");
      expect(untouched.claim).to.deep.equal({
        epoch: 1,
        root: report.tree.root.toLowerCase(),
        cumulative: first.cumulative,
        claimed: "0",
        claimable: first.cumulative,
      });
      const claimedPart = await get<ContributorRewards>(`/api/contributors/${second.account}/rewards`);
      expect(claimedPart.claim).to.deep.include({
        claimed: part.toString(),
        claimable: (BigInt(second.cumulative) - part).toString(),
      });
    });
  });
}
