import { sql } from "kysely";
import type { Kysely, Transaction } from "kysely";
import type { ContentStore } from "../../content/store";
import { PublishedReportError } from "../../errors/epoch";
import { readPublishedReport } from "../../epoch/published";
import type { EpochReport } from "../../epoch/report";
import { checkContentStore } from "../checks";
import { indexKysely, readIndex } from "./access";
import type { IndexSchema, Int8, Numeric } from "./schema";

/*
 * The epoch reports of the proposed roots, read into the index (migration 0004_epoch_reports): each report is
 * fetched once from the content store by the URI its proposal published, checked against the proposal, and written
 * in one transaction. Tables are keyed by the report's hash; reward_roots says which reports a root named.
 */

export interface EpochReportsTable {
  report_hash: string;
  epoch: Int8;
  root: string;
  report_uri: string;
  pool: Numeric;
  income_settlements: Numeric;
  income_previous: Numeric;
  income_funding: Numeric;
  carry_over: Numeric;
  tree_total: Numeric;
  top_k: number;
  min_tokens: number;
  previous_report_hash: string | null;
  /** Records over all its settlements. */
  records: Int8;
}

export interface ReportSettlementsTable {
  report_hash: string;
  settlement_id: string;
  model_id: Numeric;
  calls: Numeric;
  pot: Numeric;
  share: Numeric;
  paid: Numeric;
  carried: Numeric;
  unmatched_calls: Numeric;
  status: "attributed" | "excluded";
  /** `<code>: <message>` when excluded. */
  exclusion: string | null;
  log_root: string;
  log_uri: string;
}

export interface ReportRecordsTable {
  report_hash: string;
  settlement_id: string;
  record_id: string;
  calls: Numeric;
  query_hash: string;
  output_hash: string;
}

/** A record's credited contributions (its report's `top`), with their weights. */
export interface ReportCreditsTable {
  report_hash: string;
  settlement_id: string;
  record_id: string;
  /** As the report writes it: decimal for an index's contributions. */
  contribution_id: string;
  weight: number;
}

export interface ReportContributionsTable {
  report_hash: string;
  /** As the report writes it: decimal for an index's contributions. */
  contribution_id: string;
  datanet_id: Numeric;
  /** Lower-cased. */
  contributor: string;
  amount: Numeric;
}

export interface ReportAccountsTable {
  report_hash: string;
  /** Lower-cased. */
  account: string;
  amount: Numeric;
  cumulative: Numeric;
}

/** A classifier's data value of a contribution: its influence on the validation loss, flagged or not. */
export interface ReportDataValuesTable {
  report_hash: string;
  model_id: Numeric;
  /** As the report writes it: decimal for an index's contributions. */
  contribution_id: string;
  value: number;
  threshold: number;
  harmful: boolean;
  low_value: boolean;
}

/**
 * A model of a report, with what the explorer needs to rebuild its span index as the epoch did: JSON of its Datanet versions, its clusters and the report's unavailable contributions.
 */
export interface ReportModelsTable {
  report_hash: string;
  model_id: Numeric;
  version: number;
  /** `spans`, `knn-shapley` or `logistic-influence`. */
  scorer: string;
  /** JSON: `[{datanetId, version, count}]`. */
  trained_on: string;
  /** JSON: `[{representative, copies}]`, as the report lists them. */
  clusters: string;
  /** JSON: the ids of the report's contributions whose content was unavailable (they scored nothing). */
  unavailable: string;
  max_document_fraction: number;
}

/** A Datanet of a report and what its contributions earned. */
export interface ReportDatanetsTable {
  report_hash: string;
  datanet_id: Numeric;
  amount: Numeric;
}

/** A proposed root whose report could not be loaded, and why; retried at the next load. */
export interface ReportFailuresTable {
  report_hash: string;
  epoch: Int8;
  report_uri: string;
  reason: string;
}

/** The report tables, for `db.withTables<ReportTables>()` (a type alias: kysely wants an index signature). */
export type ReportTables = {
  epoch_reports: EpochReportsTable;
  report_settlements: ReportSettlementsTable;
  report_records: ReportRecordsTable;
  report_credits: ReportCreditsTable;
  report_contributions: ReportContributionsTable;
  report_accounts: ReportAccountsTable;
  report_data_values: ReportDataValuesTable;
  report_models: ReportModelsTable;
  report_datanets: ReportDatanetsTable;
  report_failures: ReportFailuresTable;
};

/** What {@link loadEpochReports} did. */
export interface ReportLoadResult {
  loaded: { epoch: bigint; reportHash: string; records: number }[];
  failed: { epoch: bigint; reportHash: string; reason: string }[];
}

/** Options of {@link loadEpochReports}. */
export interface LoadEpochReportsOptions {
  /** Called before each report is fetched. */
  onReport?: (epoch: bigint, reportURI: string) => void;
}

/** Rows per insert: PostgreSQL takes at most 65,535 parameters in one statement. */
const BATCH_PARAMETERS = 60_000;

type ReportDb = IndexSchema & ReportTables;

async function insertAll<T extends keyof ReportTables>(
  trx: Transaction<ReportDb>,
  table: T,
  rows: ReportTables[T][],
): Promise<void> {
  if (rows.length === 0) return;
  const batch = Math.max(1, Math.floor(BATCH_PARAMETERS / Object.keys(rows[0] as object).length));
  for (let i = 0; i < rows.length; i += batch) {
    // kysely cannot follow a table chosen by a type parameter to its insert's row type.
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + batch) as never)
      .execute();
  }
}

async function writeReport(db: Kysely<ReportDb>, uri: string, report: EpochReport): Promise<number> {
  const hash = report.reportHash.toLowerCase();
  const records = report.settlements.reduce((n, s) => n + s.records.length, 0);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("report_failures").where("report_hash", "=", hash).execute();
    await trx
      .insertInto("epoch_reports")
      .values({
        report_hash: hash,
        epoch: Number(report.epoch),
        root: report.tree.root.toLowerCase(),
        report_uri: uri,
        pool: report.pool,
        income_settlements: report.income.settlements,
        income_previous: report.income.previous,
        income_funding: report.income.funding,
        carry_over: report.carryOver.total,
        tree_total: report.tree.total,
        top_k: report.options.topK,
        min_tokens: report.options.spans.minTokens,
        previous_report_hash: report.previous?.reportHash.toLowerCase() ?? null,
        records,
      })
      .execute();
    await insertAll(
      trx,
      "report_settlements",
      report.settlements.map((s) => ({
        report_hash: hash,
        settlement_id: s.id,
        model_id: s.modelId,
        calls: s.calls,
        pot: s.pot,
        share: s.share,
        paid: s.paid,
        carried: s.carried,
        unmatched_calls: s.unmatchedCalls,
        status: s.status,
        exclusion: s.exclusion ? `${s.exclusion.code}: ${s.exclusion.message}` : null,
        log_root: s.logRoot,
        log_uri: s.logURI,
      })),
    );
    const ofRecords = report.settlements.flatMap((s) => s.records.map((r) => ({ settlement: s.id, record: r })));
    await insertAll(
      trx,
      "report_records",
      ofRecords.map(({ settlement, record }) => ({
        report_hash: hash,
        settlement_id: settlement,
        record_id: record.id,
        calls: record.calls,
        query_hash: record.queryHash,
        output_hash: record.outputHash,
      })),
    );
    await insertAll(
      trx,
      "report_credits",
      ofRecords.flatMap(({ settlement, record }) =>
        record.top.map((t) => ({
          report_hash: hash,
          settlement_id: settlement,
          record_id: record.id,
          contribution_id: t.contribution,
          weight: t.weight,
        })),
      ),
    );
    await insertAll(
      trx,
      "report_contributions",
      report.contributions.map((c) => ({
        report_hash: hash,
        contribution_id: c.id,
        datanet_id: c.datanetId,
        contributor: c.contributor.toLowerCase(),
        amount: c.amount,
      })),
    );
    await insertAll(
      trx,
      "report_accounts",
      report.accounts.map((a) => ({
        report_hash: hash,
        account: a.account.toLowerCase(),
        amount: a.amount,
        cumulative: a.cumulative,
      })),
    );
    const unavailable = JSON.stringify((report.unavailable ?? []).map((u) => u.id));
    await insertAll(
      trx,
      "report_models",
      report.models.map((m) => ({
        report_hash: hash,
        model_id: m.modelId,
        version: m.version,
        scorer: m.scorer?.kind ?? "spans",
        trained_on: JSON.stringify(
          m.trainedOn.map((v) => ({ datanetId: v.datanetId, version: v.version, count: v.count })),
        ),
        clusters: JSON.stringify(m.clusters),
        unavailable,
        max_document_fraction: report.options.spans.maxDocumentFraction,
      })),
    );
    await insertAll(
      trx,
      "report_datanets",
      report.datanets.map((d) => ({ report_hash: hash, datanet_id: d.datanetId, amount: d.amount })),
    );
    await insertAll(
      trx,
      "report_data_values",
      report.models.flatMap((m) => {
        if (!m.dataValue) return [];
        const harmful = new Set(m.dataValue.harmful);
        const low = new Set(m.dataValue.lowValue);
        return m.dataValue.values.map((v) => ({
          report_hash: hash,
          model_id: m.modelId,
          contribution_id: v.contribution,
          value: v.value,
          threshold: m.dataValue!.threshold,
          harmful: harmful.has(v.contribution),
          low_value: low.has(v.contribution),
        }));
      }),
    );
  });
  return records;
}

/**
 * Reads into the index the report of every proposed root it does not hold yet: fetched from `store` by the URI the
 * proposal published, checked against the proposal (see readPublishedReport), written in one transaction. A report
 * that cannot be used is recorded in `report_failures` with its reason, and tried again at the next call; nothing
 * of it is written. Returns what it loaded and what failed.
 */
export async function loadEpochReports(
  db: Kysely<IndexSchema>,
  store: ContentStore,
  options: LoadEpochReportsOptions = {},
): Promise<ReportLoadResult> {
  checkContentStore(store);
  return readIndex("the proposed roots", () => loadReports(indexKysely(db), store, options));
}

async function loadReports(
  db: Kysely<IndexSchema>,
  store: ContentStore,
  options: LoadEpochReportsOptions,
): Promise<ReportLoadResult> {
  const reports = db.withTables<ReportTables>();
  const missing = await reports
    .selectFrom("reward_roots as r")
    .select(["r.epoch", "r.root", "r.total", "r.report_hash", "r.report_uri"])
    .where("r.action", "=", "proposed")
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("epoch_reports as e")
            .select(sql`1`.as("one"))
            .whereRef("e.report_hash", "=", sql`lower(r.report_hash)`),
        ),
      ),
    )
    .orderBy("r.block_number")
    .orderBy("r.log_index")
    .execute();
  const result: ReportLoadResult = { loaded: [], failed: [] };
  const seen = new Set<string>();
  for (const row of missing) {
    const reportHash = row.report_hash!.toLowerCase();
    if (seen.has(reportHash)) continue;
    seen.add(reportHash);
    const epoch = BigInt(row.epoch);
    const reportURI = row.report_uri!;
    options.onReport?.(epoch, reportURI);
    try {
      const report = await readPublishedReport(store, {
        epoch,
        root: row.root,
        total: BigInt(row.total!),
        reportHash,
        reportURI,
      });
      result.loaded.push({ epoch, reportHash, records: await writeReport(reports, reportURI, report) });
    } catch (error) {
      if (!(error instanceof PublishedReportError)) throw error;
      result.failed.push({ epoch, reportHash, reason: error.reason });
      await reports
        .insertInto("report_failures")
        .values({ report_hash: reportHash, epoch: Number(epoch), report_uri: reportURI, reason: error.reason })
        .onConflict((oc) => oc.column("report_hash").doUpdateSet({ reason: error.reason }))
        .execute();
    }
  }
  return result;
}
