import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { IndexSchema, QualityViews, ReportTables } from "../../sdk/src/node";
import type {
  CarryLineView,
  ChainTime,
  CreditView,
  EpochDetail,
  EpochsPage,
  EpochSummary,
  RecordRow,
  RecordsPage,
  RootState,
} from "./types";

/*
 * The epochs' reads: what each epoch's settlements paid in (the settlements' events), where its root stands (the
 * reward_roots events) and what its report says (the report tables loadEpochReports fills); and the inference
 * explorer's lists of a report's records. Every list is read through an index: a report of a million records is
 * never scanned.
 */

type Db = Kysely<IndexSchema & ReportTables & QualityViews>;

/**
 * The index with the report tables and the views, whose `model_settlements_daily` sums the settlements per epoch in a
 * few rows (refreshed by the API before an epochs page reads it).
 */
export const withReports = (db: Kysely<IndexSchema>): Db => db.withTables<ReportTables & QualityViews>();

/** Accounts an epoch's page lists, by amount. */
const TOP_ACCOUNTS = 20;

/** The latest indexed block and its time. */
export async function chainTime(db: Db): Promise<ChainTime> {
  const row = await db
    .selectFrom("indexed_blocks")
    .select(["number", "timestamp"])
    .orderBy("number", "desc")
    .limit(1)
    .executeTakeFirst();
  return {
    block: row ? Number(row.number) : null,
    timestamp: row?.timestamp === null || row === undefined ? null : Number(row.timestamp),
  };
}

/** The epochs' summaries, in the order given. */
async function summaries(db: Db, epochs: number[]): Promise<EpochSummary[]> {
  if (epochs.length === 0) return [];
  const [paidIn, actions] = await Promise.all([
    db
      .selectFrom("model_settlements_daily")
      .select([
        "epoch",
        sql<string>`sum(n)`.as("n"),
        sql<string>`sum(fees)::text`.as("fees"),
        sql<string>`sum(calls)::text`.as("calls"),
      ])
      .where("epoch", "in", epochs)
      .groupBy("epoch")
      .execute(),
    db
      .selectFrom("reward_roots")
      .select(["epoch", "action", "root", "report_hash", "valid_at"])
      .where("epoch", "in", epochs)
      .orderBy("block_number")
      .orderBy("log_index")
      .execute(),
  ]);
  const latest = new Map<number, (typeof actions)[number]>();
  const proposal = new Map<number, (typeof actions)[number]>();
  for (const action of actions) {
    latest.set(Number(action.epoch), action);
    if (action.action === "proposed") proposal.set(Number(action.epoch), action);
  }
  const hashes = [...proposal.values()].map((p) => p.report_hash!.toLowerCase());
  const [reports, failures] =
    hashes.length === 0
      ? [[], []]
      : await Promise.all([
          db
            .selectFrom("epoch_reports")
            .select(["report_hash", "pool", "carry_over", "records"])
            .where("report_hash", "in", hashes)
            .execute(),
          db
            .selectFrom("report_failures")
            .select(["report_hash", "reason"])
            .where("report_hash", "in", hashes)
            .execute(),
        ]);
  return epochs.map((epoch): EpochSummary => {
    const settled = paidIn.find((p) => Number(p.epoch) === epoch);
    const proposed = proposal.get(epoch);
    const hash = proposed?.report_hash?.toLowerCase() ?? null;
    const report = reports.find((r) => r.report_hash === hash);
    const failure = failures.find((f) => f.report_hash === hash);
    return {
      epoch,
      settlements: Number(settled?.n ?? 0),
      fees: settled?.fees ?? "0",
      calls: settled?.calls ?? "0",
      state: rootState(latest.get(epoch)?.action),
      root: proposed?.root.toLowerCase() ?? null,
      reportHash: hash,
      validAt: proposed?.valid_at === null || proposed === undefined ? null : Number(proposed.valid_at),
      report: report
        ? {
            loaded: true,
            pool: report.pool,
            paid: (BigInt(report.pool) - BigInt(report.carry_over)).toString(),
            carriedOver: report.carry_over,
            records: Number(report.records),
          }
        : hash === null
          ? null
          : { loaded: false, reason: failure?.reason ?? null },
    };
  });
}

function rootState(action: "proposed" | "revoked" | "accepted" | undefined): RootState {
  if (action === undefined) return "unproposed";
  return action === "proposed" ? "pending" : action;
}

/** Epochs with a settlement or a root, newest first, before epoch `cursor`. */
export async function listEpochs(db: Db, options: { cursor?: string; limit: number }): Promise<EpochsPage> {
  const before = options.cursor === undefined ? sql`true` : sql`epoch < ${Number(options.cursor)}`;
  const { rows } = await sql<{ epoch: number | string }>`select epoch from
      (select distinct epoch from model_settlements_daily where ${before}
        union select distinct epoch from reward_roots where ${before}) e
      order by epoch desc limit ${options.limit + 1}`.execute(db);
  const epochs = rows.map((r) => Number(r.epoch));
  const shown = epochs.slice(0, options.limit);
  const [items, chain] = await Promise.all([summaries(db, shown), chainTime(db)]);
  return { items, next: epochs.length > options.limit ? String(shown[shown.length - 1]) : null, chain };
}

/** An epoch with its report's settlements, income, carry-over, Datanets and top accounts; null without a proposal. */
export async function epochDetail(db: Db, epoch: number): Promise<EpochDetail | null> {
  const [[summary], chain] = await Promise.all([summaries(db, [epoch]), chainTime(db)]);
  if (summary.reportHash === null) return null;
  const detail: EpochDetail = {
    ...summary,
    chain,
    income: null,
    carryOver: [],
    reportSettlements: [],
    datanets: [],
    topAccounts: [],
    accounts: 0,
    harmful: 0,
  };
  if (!summary.report?.loaded) return detail;
  const hash = summary.reportHash;
  const [report, settlements, datanets, accounts, counts] = await Promise.all([
    db
      .selectFrom("epoch_reports")
      .select(["income_settlements", "income_previous", "income_funding", "carry_over"])
      .where("report_hash", "=", hash)
      .executeTakeFirstOrThrow(),
    db.selectFrom("report_settlements").selectAll().where("report_hash", "=", hash).orderBy("settlement_id").execute(),
    db
      .selectFrom("report_datanets")
      .select(["datanet_id", "amount"])
      .where("report_hash", "=", hash)
      .orderBy("datanet_id")
      .execute(),
    db
      .selectFrom("report_accounts")
      .select(["account", "amount", "cumulative"])
      .where("report_hash", "=", hash)
      .orderBy("amount", "desc")
      .orderBy("account")
      .limit(TOP_ACCOUNTS)
      .execute(),
    sql<{ accounts: string; harmful: string }>`select
        (select count(*) from report_accounts where report_hash = ${hash}) as accounts,
        (select count(distinct contribution_id) from report_data_values where report_hash = ${hash} and harmful)
          as harmful`.execute(db),
  ]);
  detail.income = {
    settlements: report.income_settlements,
    previous: report.income_previous,
    funding: report.income_funding,
  };
  detail.reportSettlements = settlements.map((s) => ({
    settlementId: s.settlement_id,
    modelId: s.model_id,
    calls: s.calls,
    pot: s.pot,
    share: s.share,
    paid: s.paid,
    carried: s.carried,
    unmatchedCalls: s.unmatched_calls,
    status: s.status,
    exclusion: s.exclusion,
  }));
  detail.carryOver = carryLines(settlements, BigInt(report.carry_over));
  detail.datanets = datanets.map((d) => ({ datanetId: d.datanet_id, amount: d.amount }));
  detail.topAccounts = accounts;
  detail.accounts = Number(counts.rows[0].accounts);
  detail.harmful = Number(counts.rows[0].harmful);
  return detail;
}

/**
 * The report's carry-over lines, from its settlements as the report's rules make them: an excluded settlement
 * carries its pot, an attributed one what its model had no contribution to pay, and what is left of the total is
 * the carry-in that no attributed settlement shared.
 */
function carryLines(
  settlements: { settlement_id: string; status: string; carried: string }[],
  total: bigint,
): CarryLineView[] {
  const of = (kind: "excluded" | "unmatched") =>
    settlements
      .filter((s) => (s.status === "excluded") === (kind === "excluded") && BigInt(s.carried) > 0n)
      .map((s): CarryLineView => ({ kind, settlement: s.settlement_id, amount: s.carried }));
  const lines = [...of("excluded"), ...of("unmatched")];
  const rest = total - lines.reduce((sum, line) => sum + BigInt(line.amount), 0n);
  if (rest > 0n) lines.push({ kind: "no-settlement", settlement: null, amount: rest.toString() });
  return lines;
}

/** The report of `epoch`'s latest proposal when the index holds it, else undefined. */
export async function loadedReport(db: Db, epoch: number): Promise<string | undefined> {
  const row = await db
    .selectFrom("reward_roots as r")
    .innerJoin("epoch_reports as e", (join) => join.on(sql<boolean>`e.report_hash = lower(r.report_hash)`))
    .select("e.report_hash")
    .where("r.epoch", "=", epoch)
    .where("r.action", "=", "proposed")
    .orderBy("r.block_number", "desc")
    .orderBy("r.log_index", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.report_hash;
}

/** A page's position in a report's records: the last (settlement, record) shown. */
export type RecordCursor = [settlement: string, record: string];

export const encodeRecordCursor = (cursor: RecordCursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

/** The cursor `text` encodes, or undefined when it is not one. */
export function decodeRecordCursor(text: string): RecordCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string")) {
      return value as RecordCursor;
    }
  } catch {
    // Not JSON: not a cursor this API wrote.
  }
  return undefined;
}

/**
 * The records of report `hash` by settlement then record id after `cursor`; with `q`, those whose record id or
 * output hash is `q` or that credit contribution `q` (three lookups through their own indexes, merged).
 */
export async function listRecords(
  db: Db,
  epoch: number,
  hash: string,
  options: { q?: string; cursor?: RecordCursor; limit: number },
): Promise<RecordsPage> {
  const records = () => {
    let query = db
      .selectFrom("report_records as r")
      .select(["r.settlement_id", "r.record_id", "r.calls", "r.output_hash"])
      .where("r.report_hash", "=", hash)
      .orderBy("r.settlement_id")
      .orderBy("r.record_id")
      .limit(options.limit + 1);
    if (options.cursor) {
      const [settlement, record] = options.cursor;
      query = query.where(sql<boolean>`(r.settlement_id, r.record_id) > (${settlement}, ${record})`);
    }
    return query;
  };
  const q = options.q?.trim();
  let rows;
  if (!q) rows = await records().execute();
  else {
    const found = await Promise.all([
      records().where("r.record_id", "=", q).execute(),
      records().where("r.output_hash", "=", q.toLowerCase()).execute(),
      records()
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom("report_credits as c")
              .select(sql`1`.as("one"))
              .where("c.report_hash", "=", hash)
              .where("c.contribution_id", "=", q)
              .whereRef("c.settlement_id", "=", "r.settlement_id")
              .whereRef("c.record_id", "=", "r.record_id"),
          ),
        )
        .execute(),
    ]);
    const unique = new Map(found.flat().map((r) => [`${r.settlement_id}\n${r.record_id}`, r]));
    rows = [...unique.values()]
      .sort((a, b) => compareKeys([a.settlement_id, a.record_id], [b.settlement_id, b.record_id]))
      .slice(0, options.limit + 1);
  }
  const shown = rows.slice(0, options.limit);
  const credits = await creditsOf(db, hash, shown);
  return {
    epoch,
    reportHash: hash,
    items: shown.map((r): RecordRow => ({
      settlementId: r.settlement_id,
      recordId: r.record_id,
      calls: r.calls,
      outputHash: r.output_hash,
      credits: credits.get(`${r.settlement_id}\n${r.record_id}`) ?? [],
    })),
    next:
      rows.length > options.limit
        ? encodeRecordCursor([shown[shown.length - 1].settlement_id, shown[shown.length - 1].record_id])
        : null,
  };
}

/** The database's order of (settlement, record) pairs: text compared by code point, as `C` collation does. */
function compareKeys(a: RecordCursor, b: RecordCursor): number {
  for (let i = 0; i < 2; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** The credits of `records` of report `hash`, heaviest first, by `<settlement>\n<record>`. */
export async function creditsOf(
  db: Db,
  hash: string,
  records: { settlement_id: string; record_id: string }[],
): Promise<Map<string, CreditView[]>> {
  const credits = new Map<string, CreditView[]>();
  if (records.length === 0) return credits;
  const rows = await db
    .selectFrom("report_credits")
    .select(["settlement_id", "record_id", "contribution_id", "weight"])
    .where("report_hash", "=", hash)
    .where(({ or, and, eb }) =>
      or(records.map((r) => and([eb("settlement_id", "=", r.settlement_id), eb("record_id", "=", r.record_id)]))),
    )
    .execute();
  for (const row of rows) {
    const key = `${row.settlement_id}\n${row.record_id}`;
    credits.set(key, [...(credits.get(key) ?? []), { contributionId: row.contribution_id, weight: row.weight }]);
  }
  for (const list of credits.values()) {
    list.sort((a, b) => b.weight - a.weight || (a.contributionId < b.contributionId ? -1 : 1));
  }
  return credits;
}
