import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { attributeEpoch, contentUri, serializeEpochReport } from "../../sdk/src";
import type { EpochReport } from "../../sdk/src";
import { FileContentStore, loadEpochReports } from "../../sdk/src/node";
import type { IndexDatabase, ReportTables } from "../../sdk/src/node";
import { mislabelledSpamScenario } from "../helpers/epochScenarios";
import { BACKENDS, insertRootEvent } from "../helpers/indexDatabases";

/*
 * Epoch reports read into the index: a classifier's epoch (its data values flag the mislabelled mails), published
 * to a content folder, and the root proposals that name it written as the indexer writes RootProposed events. Each
 * table is checked against the report itself.
 */

const sum = (values: string[]) => values.reduce((a, v) => a + BigInt(v), 0n).toString();

for (const backend of BACKENDS) {
  describe(`Epoch reports in the index (${backend.name})`, function () {
    this.timeout(180_000);

    let started: Awaited<ReturnType<typeof backend.start>>;
    let index: IndexDatabase;
    let dir: string;
    let store: FileContentStore;
    let report: EpochReport;
    let uri: string;
    let position = 0;

    /** A RootProposed event of `report` at `uri`, with its fields overridden. */
    const propose = (overrides: { report_uri?: string; report_hash?: string; epoch?: number } = {}) =>
      insertRootEvent(index.db, report, { block: ++position, uri, valid_at: 1_700_000_000, ...overrides });

    const tables = () => index.db.withTables<ReportTables>();

    before(async function () {
      report = attributeEpoch(mislabelledSpamScenario().input);
      dir = await mkdtemp(join(tmpdir(), "reports-"));
      store = new FileContentStore(dir);
      uri = contentUri((await store.put(serializeEpochReport(report))).cid);
      started = await backend.start();
      index = await started.open();
    });

    after(async function () {
      await index?.close();
      started?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it("records a proposal whose report the store does not have, with why, and writes nothing of it", async function () {
      await propose();
      const result = await loadEpochReports(index.db, new FileContentStore(join(dir, "empty")));
      expect(result.loaded).to.deep.equal([]);
      expect(result.failed).to.deep.equal([
        { epoch: 1n, reportHash: report.reportHash.toLowerCase(), reason: "it is not in the content store." },
      ]);
      const failures = await tables().selectFrom("report_failures").select("reason").execute();
      expect(failures).to.deep.equal([{ reason: "it is not in the content store." }]);
      expect(await tables().selectFrom("epoch_reports").selectAll().execute()).to.deep.equal([]);
    });

    it("loads it once the store has it, forgets the failure, and loads a report once whatever proposes it again", async function () {
      // The same root proposed again, as after a revocation.
      await propose();
      const result = await loadEpochReports(index.db, store);
      const records = report.settlements.reduce((n, s) => n + s.records.length, 0);
      expect(result).to.deep.equal({
        loaded: [{ epoch: 1n, reportHash: report.reportHash.toLowerCase(), records }],
        failed: [],
      });
      expect(await tables().selectFrom("report_failures").selectAll().execute()).to.deep.equal([]);
      expect(await loadEpochReports(index.db, store)).to.deep.equal({ loaded: [], failed: [] });
    });

    it("holds what the report says: its totals, settlements, records' credits, contributions, accounts and data values", async function () {
      const hash = report.reportHash.toLowerCase();
      const records = report.settlements.reduce((n, s) => n + s.records.length, 0);
      const row = await tables().selectFrom("epoch_reports").selectAll().executeTakeFirstOrThrow();
      expect([row.report_hash, String(row.epoch), row.root, row.report_uri]).to.deep.equal([
        hash,
        report.epoch,
        report.tree.root.toLowerCase(),
        uri,
      ]);
      expect([String(row.pool), String(row.carry_over), String(row.tree_total), Number(row.records)]).to.deep.equal([
        report.pool,
        report.carryOver.total,
        report.tree.total,
        records,
      ]);

      const settlements = await tables()
        .selectFrom("report_settlements")
        .selectAll()
        .orderBy("settlement_id")
        .execute();
      expect(settlements.map((s) => [s.settlement_id, String(s.pot), String(s.paid), s.status])).to.deep.equal(
        report.settlements.map((s) => [s.id, s.pot, s.paid, s.status]),
      );
      expect(await tables().selectFrom("report_records").select("record_id").execute()).to.have.length(records);

      const credits = await tables()
        .selectFrom("report_credits")
        .select(["settlement_id", "record_id", "contribution_id", "weight"])
        .execute();
      const expected = report.settlements.flatMap((s) =>
        s.records.flatMap((r) => r.top.map((t) => `${s.id}/${r.id}/${t.contribution}/${t.weight}`)),
      );
      expect(expected.length).to.be.greaterThan(0);
      expect(
        credits.map((c) => `${c.settlement_id}/${c.record_id}/${c.contribution_id}/${c.weight}`).sort(),
      ).to.deep.equal(expected.sort());

      const contributions = await tables().selectFrom("report_contributions").selectAll().execute();
      expect(contributions).to.have.length(report.contributions.length);
      expect(sum(contributions.map((c) => String(c.amount)))).to.equal(sum(report.contributions.map((c) => c.amount)));
      const accounts = await tables().selectFrom("report_accounts").selectAll().orderBy("account").execute();
      expect(accounts.map((a) => [a.account, String(a.amount), String(a.cumulative)])).to.deep.equal(
        report.accounts.map((a) => [a.account.toLowerCase(), a.amount, a.cumulative]),
      );

      const harmful = await tables()
        .selectFrom("report_data_values")
        .select("contribution_id")
        .where("harmful", "=", true)
        .execute();
      const flagged = report.models[0].dataValue!.harmful;
      expect(flagged.length).to.be.greaterThan(0);
      expect(harmful.map((h) => String(h.contribution_id)).sort()).to.deep.equal([...flagged].sort());
    });

    it("refuses a report whose hash is not the proposal's, and keeps trying it", async function () {
      const claimed = keccak256(toUtf8Bytes("another report"));
      await propose({ report_hash: claimed });
      for (let attempt = 0; attempt < 2; attempt++) {
        const result = await loadEpochReports(index.db, store);
        expect(result.loaded).to.deep.equal([]);
        expect(result.failed.map((f) => f.reason)).to.deep.equal([
          `its reportHash is ${report.reportHash}, but the chain's root has ${claimed}.`,
        ]);
      }
      expect(await tables().selectFrom("epoch_reports").select("report_hash").execute()).to.have.length(1);
    });
  });
}
