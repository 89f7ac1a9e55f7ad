import { sql } from "kysely";
import type { Kysely } from "kysely";
import { ADAPTER_KINDS, fleissKappa, rankContributors } from "../../sdk/src";
import type { IndexSchema, QualityViews, ReportTables } from "../../sdk/src/node";
import type {
  AcceptancesPage,
  AcceptanceView,
  ContributionRow,
  DailyLimitsPage,
  DailyLimitsView,
  ContributorPage,
  DatanetDetail,
  DatanetSummary,
  DataQuality,
  FeeSplitBps,
  HarmfulPage,
  LeaderboardPage,
  LimitPeak,
  Reputation,
  ModelDetail,
  ModelSummary,
  Page,
  SettledTotals,
  StatusName,
} from "./types";

/*
 * The web app's reads of the indexer's database: each a few indexed queries, aggregated in SQL where the rows are
 * many (contributions, votes) and in TypeScript where they are few (a Datanet's validators, its versions). Amounts
 * stay decimal strings as the database keeps them; the page turns them into bigints.
 */

type Db = Kysely<IndexSchema>;

/** The index with its quality views (refreshed by the API before it reads them). */
const withViews = (db: Db) => db.withTables<QualityViews>();

const DAY = 86_400;

/** One page of `rows` fetched with one row more than `limit`, whose presence says that there is a next page. */
function paged<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? cursorOf(items[items.length - 1]) : null };
}

/** Every status with its count among `rows` (`count(*)` grouped by status), zero for those absent. */
function byStatus(rows: { status: string; n: string | number }[]): Record<StatusName, number> {
  const counts: Record<StatusName, number> = { Pending: 0, Accepted: 0, Rejected: 0, Expired: 0, Superseded: 0 };
  for (const row of rows) counts[row.status as StatusName] = Number(row.n);
  return counts;
}

/** The current URI (the last update, else the creation's) and owner (the last transfer's receiver) of `d`. */
const currentUri = sql<string>`coalesce((select u.uri from datanet_uri_updates u where u.datanet_id = d.datanet_id
  order by u.block_number desc, u.log_index desc limit 1), d.uri)`;
const currentOwner = sql<string>`coalesce((select t.to_address from nft_transfers t where t.contract = 'datanets'
  and t.token_id = d.datanet_id and t.from_address <> '0x0000000000000000000000000000000000000000'
  order by t.block_number desc, t.log_index desc limit 1), d.owner)`;

/**
 * Datanets by id after `cursor`, with their current URI and owner and their contributions' counts; `search` keeps
 * those whose URI or owner contains it (case-insensitive).
 */
export async function listDatanets(
  db: Db,
  options: { cursor?: string; limit: number; search?: string; id?: string },
): Promise<Page<DatanetSummary>> {
  let query = db
    .selectFrom("datanets as d")
    .select(["d.datanet_id", currentUri.as("uri"), currentOwner.as("owner")])
    .orderBy(sql`d.datanet_id`)
    .limit(options.limit + 1);
  if (options.cursor !== undefined) query = query.where(sql<boolean>`d.datanet_id > ${options.cursor}::numeric`);
  if (options.id !== undefined) query = query.where(sql<boolean>`d.datanet_id = ${options.id}::numeric`);
  if (options.search) {
    const pattern = containing(options.search);
    query = query.where(sql<boolean>`(${currentUri} ilike ${pattern} or ${currentOwner} ilike ${pattern})`);
  }
  const page = paged(await query.execute(), options.limit, (d) => d.datanet_id);
  if (page.items.length === 0) return { items: [], next: null };
  const ids = page.items.map((d) => d.datanet_id);
  const [counts, versions] = await Promise.all([
    withViews(db)
      .selectFrom("datanet_status_counts")
      .select(["datanet_id", "status", "n"])
      .where("datanet_id", "in", ids)
      .execute(),
    db
      .selectFrom("versions")
      .select(["datanet_id", sql<number>`max(version)`.as("latest")])
      .where("datanet_id", "in", ids)
      .groupBy("datanet_id")
      .execute(),
  ]);
  const countsOf = new Map(
    ids.map((id) => {
      const rows = counts.filter((c) => c.datanet_id === id);
      return [id, { total: rows.reduce((sum, r) => sum + Number(r.n), 0), ...byStatus(rows) }];
    }),
  );
  const versionOf = new Map(versions.map((v) => [v.datanet_id, Number(v.latest)]));
  return {
    items: page.items.map((d): DatanetSummary => {
      const c = countsOf.get(d.datanet_id);
      return {
        datanetId: d.datanet_id,
        owner: d.owner,
        uri: d.uri,
        contributions: c?.total ?? 0,
        accepted: c?.Accepted ?? 0,
        rejected: c?.Rejected ?? 0,
        pending: c?.Pending ?? 0,
        expired: c?.Expired ?? 0,
        latestVersion: versionOf.get(d.datanet_id) ?? 0,
      };
    }),
    next: page.next,
  };
}

/** Whether the index has Datanet `datanetId`. */
export async function datanetExists(db: Db, datanetId: string): Promise<boolean> {
  const row = await db
    .selectFrom("datanets")
    .select("datanet_id")
    .where("datanet_id", "=", datanetId)
    .executeTakeFirst();
  return row !== undefined;
}

/** A Datanet's owner, URI, terms history with each version's validators, and published versions; null if unknown. */
export async function datanetDetail(db: Db, datanetId: string): Promise<DatanetDetail | null> {
  const [summary] = (await listDatanets(db, { id: datanetId, limit: 1 })).items;
  if (!summary) return null;
  const [terms, validators, versions, created, cursor] = await Promise.all([
    db.selectFrom("terms").selectAll().where("datanet_id", "=", datanetId).orderBy("terms_version").execute(),
    db
      .selectFrom("validators")
      .select(["terms_version", "validator"])
      .where("datanet_id", "=", datanetId)
      .orderBy("terms_version")
      .orderBy("position")
      .execute(),
    db.selectFrom("versions").selectAll().where("datanet_id", "=", datanetId).orderBy("version").execute(),
    db.selectFrom("datanets").select("block_number").where("datanet_id", "=", datanetId).executeTakeFirstOrThrow(),
    db.selectFrom("indexer_cursor").select("contracts").executeTakeFirst(),
  ]);
  const registry = cursor ? (JSON.parse(cursor.contracts) as Record<string, string>).datanets : undefined;
  return {
    ...summary,
    registry: registry ?? null,
    createdBlock: Number(created.block_number),
    terms: terms.map((t) => ({
      termsVersion: t.terms_version,
      block: Number(t.block_number),
      bond: t.bond,
      quorum: t.quorum,
      reviewWindow: Number(t.review_window),
      accessMode: t.access_mode,
      maxFileBytes: t.max_file_bytes,
      contributorDailyFiles: Number(t.contributor_daily_files),
      contributorDailyBytes: t.contributor_daily_bytes,
      datanetDailyBytes: t.datanet_daily_bytes,
      validators: validators.filter((v) => v.terms_version === t.terms_version).map((v) => v.validator),
    })),
    versions: versions.map((v) => ({
      version: v.version,
      block: Number(v.block_number),
      count: Number(v.count),
      digest: v.digest,
      digestMatches: v.digest === v.recomputed_digest,
    })),
  };
}

/**
 * How good a Datanet's data is, as its reviews say: outcomes per day (by the UTC day the outcome was reached), review
 * latency (outcome time − submission time over the accepted and rejected contributions, nearest-rank percentiles),
 * each validator's votes and agreement with the final outcome, and Fleiss' kappa over the decided contributions'
 * votes. Read from the quality views, so the answer costs a few rows whatever the Datanet's size.
 */
export async function dataQuality(db: Db, datanetId: string): Promise<DataQuality> {
  const views = withViews(db);
  const [daily, latency, statusCounts, validators, splits] = await Promise.all([
    views.selectFrom("datanet_outcomes_daily").selectAll().where("datanet_id", "=", datanetId).orderBy("day").execute(),
    views.selectFrom("datanet_review_latency").selectAll().where("datanet_id", "=", datanetId).executeTakeFirst(),
    views.selectFrom("datanet_status_counts").selectAll().where("datanet_id", "=", datanetId).execute(),
    views.selectFrom("validator_agreement").selectAll().where("datanet_id", "=", datanetId).execute(),
    views.selectFrom("vote_splits").selectAll().where("datanet_id", "=", datanetId).execute(),
  ]);
  const seconds = (value: number | string | null | undefined) =>
    value === null || value === undefined ? null : Number(value);
  return {
    datanetId,
    statuses: byStatus(statusCounts),
    daily: daily.map((d) => ({
      day: Number(d.day),
      accepted: Number(d.accepted),
      rejected: Number(d.rejected),
      expired: Number(d.expired),
    })),
    latency: { reviewed: Number(latency?.reviewed ?? 0), median: seconds(latency?.median), p90: seconds(latency?.p90) },
    validators: validators
      .map((v) => {
        const decided = Number(v.decided);
        return {
          validator: v.validator,
          votes: Number(v.votes),
          accepts: Number(v.accepts),
          decided,
          agreed: Number(v.agreed),
          agreement: decided === 0 ? null : Number(v.agreed) / decided,
        };
      })
      .sort((a, b) => b.votes - a.votes || (a.validator < b.validator ? -1 : 1)),
    kappa: fleissKappa(
      splits.flatMap((split) =>
        Array.from({ length: Number(split.items) }, () => [Number(split.accepts), Number(split.rejects)]),
      ),
    ),
  };
}

/** Contributors ranked by the SDK's leaderboard from their rows of the contributor outcomes view. */
function rankOutcomes(
  rows: { contributor: string; accepted: string | number; rejected: string | number; accepted_bytes: string }[],
) {
  return rankContributors(
    rows.map((r) => ({
      account: r.contributor,
      accepted: Number(r.accepted),
      rejected: Number(r.rejected),
      acceptedBytes: BigInt(r.accepted_bytes),
    })),
  );
}

/** A Datanet's contributors ranked by the Wilson lower bound of their acceptance rate; `cursor` is a rank. */
export async function leaderboard(
  db: Db,
  datanetId: string,
  options: { cursor?: string; limit: number },
): Promise<LeaderboardPage> {
  const rows = await withViews(db)
    .selectFrom("contributor_outcomes")
    .selectAll()
    .where("datanet_id", "=", datanetId)
    .execute();
  const ranked = rankOutcomes(rows);
  const after = options.cursor === undefined ? 0 : Number(options.cursor);
  const page = paged(ranked.filter((r) => r.rank > after).slice(0, options.limit + 1), options.limit, (r) =>
    String(r.rank),
  );
  return {
    datanetId,
    contributors: ranked.length,
    items: page.items.map((r) => ({
      rank: r.rank,
      account: r.account,
      accepted: r.accepted,
      rejected: r.rejected,
      acceptedBytes: r.acceptedBytes.toString(),
      acceptanceRate: r.acceptanceRate,
      score: r.score,
    })),
    next: page.next,
  };
}

/** `account`'s reputation in every Datanet it has a reviewed contribution in: its leaderboard row there. */
export async function reputationOf(db: Db, account: string): Promise<Reputation[]> {
  const rows = await withViews(db)
    .selectFrom("contributor_outcomes as mine")
    .innerJoin("contributor_outcomes as o", "o.datanet_id", "mine.datanet_id")
    .select(["o.datanet_id", "o.contributor", "o.accepted", "o.rejected", "o.accepted_bytes"])
    .where("mine.contributor", "=", account)
    .execute();
  const byDatanet = new Map<string, typeof rows>();
  for (const row of rows) byDatanet.set(row.datanet_id, [...(byDatanet.get(row.datanet_id) ?? []), row]);
  const result: Reputation[] = [];
  for (const [datanetId, outcomes] of byDatanet) {
    const ranked = rankOutcomes(outcomes);
    const own = ranked.find((r) => r.account === account);
    if (!own) continue;
    result.push({
      datanetId,
      accepted: own.accepted,
      rejected: own.rejected,
      acceptanceRate: own.acceptanceRate,
      score: own.score,
      rank: own.rank,
      ranked: ranked.length,
    });
  }
  return result.sort((a, b) => (BigInt(a.datanetId) < BigInt(b.datanetId) ? -1 : 1));
}

/**
 * `account`'s contributions, newest first (by submission block and log index; ids are content hashes, so they do not
 * order anything) after `cursor` (`<block>-<log index>` of the last row of the previous page), with its totals.
 */
export async function contributor(
  db: Db,
  account: string,
  options: { cursor?: string; limit: number },
): Promise<ContributorPage> {
  // The index keeps addresses lower-case, so the column's index serves the lookup.
  const who = account.toLowerCase();
  let query = db
    .selectFrom("contributions as c")
    .leftJoin("indexed_blocks as b", "b.number", "c.block_number")
    .select([
      "c.contribution_id",
      "c.datanet_id",
      "c.content_hash",
      "c.size",
      "c.uri",
      "c.bond",
      "c.status",
      "c.attempt",
      "c.block_number",
      "c.log_index",
      "b.timestamp",
      "c.refund",
      "c.slashed",
    ])
    .where("c.contributor", "=", who)
    .orderBy("c.block_number", "desc")
    .orderBy("c.log_index", "desc")
    .limit(options.limit + 1);
  if (options.cursor !== undefined) {
    const [block, log] = options.cursor.split("-").map(Number);
    query = query.where(sql<boolean>`(c.block_number, c.log_index) < (${block}, ${log})`);
  }
  const [rows, totals, votes] = await Promise.all([
    query.execute(),
    db
      .selectFrom("contributions")
      .select(["status", sql<string>`count(*)`.as("n")])
      .where("contributor", "=", who)
      .groupBy("status")
      .execute(),
    db
      .selectFrom("votes as v")
      .innerJoin("contributions as c", (join) =>
        join.onRef("c.contribution_id", "=", "v.contribution_id").onRef("c.datanet_id", "=", "v.datanet_id"),
      )
      .select([
        "v.contribution_id",
        sql<string>`count(*) filter (where v.accept)`.as("for"),
        sql<string>`count(*)`.as("all"),
      ])
      .where("c.contributor", "=", who)
      .groupBy("v.contribution_id")
      .execute(),
  ]);
  const votesOf = new Map(votes.map((v) => [v.contribution_id, v]));
  const page = paged(rows, options.limit, (r) => `${r.block_number}-${r.log_index}`);
  return {
    account: who,
    totals: byStatus(totals),
    reputation: await reputationOf(db, who),
    items: page.items.map((r): ContributionRow => ({
      contributionId: r.contribution_id,
      datanetId: r.datanet_id,
      contentHash: r.content_hash,
      size: r.size,
      uri: r.uri,
      bond: r.bond,
      status: r.status,
      attempt: r.attempt,
      block: Number(r.block_number),
      submittedAt: r.timestamp === null || r.timestamp === undefined ? null : Number(r.timestamp),
      refund: r.refund,
      slashed: r.slashed,
      votesFor: Number(votesOf.get(r.contribution_id)?.for ?? 0),
      votesAgainst: Number(votesOf.get(r.contribution_id)?.all ?? 0) - Number(votesOf.get(r.contribution_id)?.for ?? 0),
    })),
    next: page.next,
  };
}

/** `like` pattern matching `search` anywhere, its wildcards escaped. */
function containing(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Settlements' count, calls and fees, summed over rows of the models' settlements view. */
const settledTotals = [
  sql<string>`sum(n)`.as("n"),
  sql<string>`sum(calls)`.as("calls"),
  sql<string>`sum(fees)`.as("fees"),
] as const;

function totals(row: { n: string | number; calls: string | null; fees: string | null } | undefined): SettledTotals {
  return { settlements: Number(row?.n ?? 0), calls: row?.calls ?? "0", fees: row?.fees ?? "0" };
}

/**
 * Models by id after `cursor` with their current URI (the last `uri` update, else the registration's), owner (the last
 * transfer's receiver), price (the last `price` update: registration sets one too), latest version and settled calls
 * and fees; `search` keeps those whose URI or owner contains it (case-insensitive). The current values come from one
 * pass over each small table (the latest row per model), not a lookup per model, so a search stays cheap.
 */
export async function listModels(
  db: Db,
  options: { cursor?: string; limit: number; search?: string; id?: string; withoutTotals?: boolean },
): Promise<Page<ModelSummary>> {
  const latest = (field: "uri" | "price") =>
    db
      .selectFrom("model_updates")
      .distinctOn("model_id")
      .select(["model_id", "value"])
      .where("field", "=", field)
      .orderBy("model_id")
      .orderBy("block_number", "desc")
      .orderBy("log_index", "desc");
  let query = db
    .with("uris", () => latest("uri"))
    .with("prices", () => latest("price"))
    .with("owners", (w) =>
      w
        .selectFrom("nft_transfers")
        .distinctOn("token_id")
        .select(["token_id", "to_address"])
        .where("contract", "=", "models")
        .orderBy("token_id")
        .orderBy("block_number", "desc")
        .orderBy("log_index", "desc"),
    )
    .selectFrom("models as m")
    .leftJoin("uris as u", "u.model_id", "m.model_id")
    .leftJoin("prices as p", "p.model_id", "m.model_id")
    .leftJoin("owners as o", "o.token_id", "m.model_id")
    .select([
      "m.model_id",
      sql<string>`coalesce(u.value, m.uri)`.as("uri"),
      sql<string>`coalesce(o.to_address, m.owner)`.as("owner"),
      sql<string>`coalesce(p.value, '0')`.as("price"),
    ])
    .orderBy(sql`m.model_id`)
    .limit(options.limit + 1);
  if (options.cursor !== undefined) query = query.where(sql<boolean>`m.model_id > ${options.cursor}::numeric`);
  if (options.id !== undefined) query = query.where(sql<boolean>`m.model_id = ${options.id}::numeric`);
  if (options.search) {
    const pattern = containing(options.search);
    query = query.where(
      sql<boolean>`(coalesce(u.value, m.uri) ilike ${pattern} or coalesce(o.to_address, m.owner) ilike ${pattern})`,
    );
  }
  const page = paged(await query.execute(), options.limit, (m) => m.model_id);
  if (page.items.length === 0) return { items: [], next: null };
  const ids = page.items.map((m) => m.model_id);
  const [versions, settled] = await Promise.all([
    db
      .selectFrom("model_versions")
      .select(["model_id", sql<number>`max(version)`.as("latest")])
      .where("model_id", "in", ids)
      .groupBy("model_id")
      .execute(),
    options.withoutTotals
      ? []
      : withViews(db)
          .selectFrom("model_settlements_daily")
          .select(["model_id", ...settledTotals])
          .where("model_id", "in", ids)
          .groupBy("model_id")
          .execute(),
  ]);
  const versionOf = new Map(versions.map((v) => [v.model_id, Number(v.latest)]));
  const settledOf = new Map(settled.map((s) => [s.model_id, s]));
  return {
    items: page.items.map((m): ModelSummary => ({
      modelId: m.model_id,
      owner: m.owner,
      uri: m.uri,
      latestVersion: versionOf.get(m.model_id) ?? 0,
      price: m.price,
      ...totals(settledOf.get(m.model_id)),
    })),
    next: page.next,
  };
}

/**
 * A Datanet's accepted contributions in the order it accepted them (by `accepted_index`, after `cursor`), with where
 * each acceptance was emitted: what a page folds to recompute a version's digest. The page is built as JSON by the
 * database: thousands of rows come back as one value, several times faster than row by row through the driver.
 */
export async function acceptances(
  db: Db,
  datanetId: string,
  options: { cursor?: string; limit: number },
): Promise<AcceptancesPage> {
  const after = options.cursor === undefined ? 0 : Number(options.cursor);
  const { rows } = await sql<{ page: string | null }>`select json_agg(json_build_object(
      'acceptedIndex', a.accepted_index, 'contributionId', a.contribution_id::text, 'contentHash', a.content_hash,
      'block', a.status_block, 'txHash', a.status_tx_hash, 'logIndex', a.status_log_index) order by a.accepted_index)::text
      as page
    from (select * from contributions where datanet_id = ${datanetId}::numeric and accepted_index > ${after}
      order by accepted_index limit ${options.limit + 1}) a`.execute(db);
  const page = paged<AcceptanceView>(JSON.parse(rows[0]?.page ?? "[]"), options.limit, (a) => String(a.acceptedIndex));
  return { datanetId, ...page };
}

/**
 * How close a Datanet runs to its daily limits: the limits of its current terms, its days with submissions newest
 * first (before `cursor`, a day's first second) with the Datanet's bytes and the busiest contributor's files and bytes,
 * each as a fraction of the limit under the day's terms, and the highest fractions any day reached. Read from the
 * daily usage view (a row a day); null when the Datanet has no terms (it does not exist).
 */
export async function dailyLimits(
  db: Db,
  datanetId: string,
  options: { cursor?: string; limit: number },
): Promise<DailyLimitsPage | null> {
  const [terms, days] = await Promise.all([
    db.selectFrom("terms").selectAll().where("datanet_id", "=", datanetId).orderBy("terms_version").execute(),
    withViews(db)
      .selectFrom("datanet_daily_usage")
      .selectAll()
      .where("datanet_id", "=", datanetId)
      .orderBy("day", "desc")
      .execute(),
  ]);
  if (terms.length === 0) return null;
  const limitsOf = new Map(
    terms.map((t): [number, DailyLimitsView] => [
      t.terms_version,
      {
        termsVersion: t.terms_version,
        contributorDailyFiles: Number(t.contributor_daily_files),
        contributorDailyBytes: t.contributor_daily_bytes,
        datanetDailyBytes: t.datanet_daily_bytes,
        bonded: BigInt(t.bond) > 0n,
      },
    ]),
  );
  const usage = days.map((d) => {
    const limits = limitsOf.get(d.terms_version)!;
    return {
      day: Number(d.day),
      termsVersion: d.terms_version,
      submissions: Number(d.files),
      contributors: Number(d.contributors),
      datanetBytes: d.bytes,
      datanetBytesOfLimit: Number(d.bytes) / Number(limits.datanetDailyBytes),
      busiestByFiles: {
        account: d.top_files_contributor,
        files: Number(d.top_files),
        ofLimit: Number(d.top_files) / limits.contributorDailyFiles,
      },
      busiestByBytes: {
        account: d.top_bytes_contributor,
        bytes: d.top_bytes,
        ofLimit: Number(d.top_bytes) / Number(limits.contributorDailyBytes),
      },
    };
  });
  // Days come newest first: a tie keeps the latest day.
  const peakOf = (ofLimit: (u: (typeof usage)[number]) => number): LimitPeak | null =>
    usage.reduce<LimitPeak | null>(
      (peak, u) => (peak === null || ofLimit(u) > peak.ofLimit ? { day: u.day, ofLimit: ofLimit(u) } : peak),
      null,
    );
  const before = options.cursor === undefined ? Infinity : Number(options.cursor);
  const page = paged(usage.filter((u) => u.day < before).slice(0, options.limit + 1), options.limit, (u) =>
    String(u.day),
  );
  return {
    datanetId,
    limits: limitsOf.get(terms[terms.length - 1].terms_version)!,
    peak: {
      datanetBytes: peakOf((u) => u.datanetBytesOfLimit),
      contributorFiles: peakOf((u) => u.busiestByFiles.ofLimit),
      contributorBytes: peakOf((u) => u.busiestByBytes.ofLimit),
    },
    items: page.items,
    next: page.next,
  };
}

/** A `FeeSplitSet` event's argument, as the indexer keeps it (numbers as decimal strings). */
interface FeeSplitArgs {
  split: Record<keyof FeeSplitBps, string>;
}

/**
 * A model's versions with the Datanet versions each was trained on, its price history, revenue recipient, its
 * settlements by epoch and by UTC day with the parties' shares summed, and the settlement's current fee split; null
 * if the index has no such model.
 */
export async function modelDetail(db: Db, modelId: string): Promise<ModelDetail | null> {
  const [summary] = (await listModels(db, { id: modelId, limit: 1, withoutTotals: true })).items;
  if (!summary) return null;
  const [versions, trainingSets, updates, periods, splitEvent] = await Promise.all([
    db.selectFrom("model_versions").selectAll().where("model_id", "=", modelId).orderBy("version").execute(),
    db
      .selectFrom("model_training_sets")
      .select(["version", "datanet_id", "datanet_version"])
      .where("model_id", "=", modelId)
      .orderBy("version")
      .orderBy("position")
      .execute(),
    db
      .selectFrom("model_updates as u")
      .leftJoin("indexed_blocks as b", "b.number", "u.block_number")
      .select(["u.field", "u.value", "u.block_number", "b.timestamp"])
      .where("u.model_id", "=", modelId)
      .where("u.field", "in", ["price", "revenue_recipient"])
      .orderBy("u.block_number")
      .orderBy("u.log_index")
      .execute(),
    // The model's settlements by epoch and day (a few rows), summed again below for the totals, the epochs, the days
    // and the parties' shares.
    withViews(db).selectFrom("model_settlements_daily").selectAll().where("model_id", "=", modelId).execute(),
    db
      .selectFrom("parameter_changes")
      .select("args")
      .where("contract", "=", "settlement")
      .where("event", "=", "FeeSplitSet")
      .orderBy("block_number", "desc")
      .orderBy("log_index", "desc")
      .limit(1)
      .executeTakeFirst(),
  ]);
  const sum = (rows: typeof periods, part: "calls" | "fees" | "treasury" | "model" | "stakers" | "contributors") =>
    rows.reduce((total, r) => total + BigInt(r[part] ?? 0), 0n).toString();
  const totalsOf = (rows: typeof periods): SettledTotals => ({
    settlements: rows.reduce((n, r) => n + Number(r.n), 0),
    calls: sum(rows, "calls"),
    fees: sum(rows, "fees"),
  });
  const by = (key: (r: (typeof periods)[number]) => number) => {
    const groups = new Map<number, typeof periods>();
    for (const r of periods) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return [...groups].sort(([a], [b]) => a - b);
  };
  return {
    ...summary,
    ...totalsOf(periods),
    revenueRecipient: updates.filter((u) => u.field === "revenue_recipient").at(-1)?.value ?? summary.owner,
    versions: versions.map((v) => ({
      version: v.version,
      block: Number(v.block_number),
      baseModel: v.base_model,
      adapterKind: v.adapter_kind,
      adapterKindName: ADAPTER_KINDS[v.adapter_kind] ?? `kind ${v.adapter_kind}`,
      adapterHash: v.adapter_hash,
      trainingConfigHash: v.training_config_hash,
      trainedOn: trainingSets
        .filter((t) => t.version === v.version)
        .map((t) => ({ datanetId: t.datanet_id, datanetVersion: t.datanet_version })),
    })),
    prices: updates
      .filter((u) => u.field === "price")
      .map((u) => ({
        price: u.value,
        block: Number(u.block_number),
        time: u.timestamp === null || u.timestamp === undefined ? null : Number(u.timestamp),
      })),
    byEpoch: by((r) => Number(r.epoch)).map(([epoch, rows]) => ({ epoch, ...totalsOf(rows) })),
    daily: by((r) => Number(r.day)).map(([day, rows]) => ({ day, ...totalsOf(rows) })),
    shares: {
      treasury: sum(periods, "treasury"),
      model: sum(periods, "model"),
      stakers: sum(periods, "stakers"),
      contributors: sum(periods, "contributors"),
    },
    split: splitEvent ? splitFromEvent(splitEvent.args) : await lastSplit(db, modelId),
  };
}

function splitFromEvent(args: string): ModelDetail["split"] {
  const { split } = JSON.parse(args) as FeeSplitArgs;
  return {
    treasuryBps: Number(split.treasuryBps),
    modelBps: Number(split.modelBps),
    stakersBps: Number(split.stakersBps),
    contributorsBps: Number(split.contributorsBps),
    source: "FeeSplitSet",
  };
}

/**
 * The split the model's last settlement applied, in basis points of its fee (rounded down, as the contract rounds the
 * shares); null before any. Read only when the index has no `FeeSplitSet` event.
 */
async function lastSplit(db: Db, modelId: string): Promise<ModelDetail["split"]> {
  const s = await db
    .selectFrom("settlements")
    .select(["fee", "treasury_share", "model_share", "stakers_share", "contributors_share"])
    .where("model_id", "=", modelId)
    .orderBy("block_number", "desc")
    .orderBy("log_index", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!s) return null;
  const fee = BigInt(s.fee);
  const bps = (share: string) => (fee === 0n ? 0 : Number((BigInt(share) * 10_000n) / fee));
  return {
    treasuryBps: bps(s.treasury_share),
    modelBps: bps(s.model_share),
    stakersBps: bps(s.stakers_share),
    contributorsBps: bps(s.contributors_share),
    source: "last settlement",
  };
}

/**
 * When `modelId`'s offering opened: the time of the block in which the launch moved the model NFT to the offering's
 * `controller`; null when the index does not have that transfer.
 */
export async function offeringOpened(db: Db, modelId: string, controller: string): Promise<number | null> {
  const row = await db
    .selectFrom("nft_transfers as t")
    .innerJoin("indexed_blocks as b", "b.number", "t.block_number")
    .select("b.timestamp")
    .where("t.contract", "=", "models")
    .where("t.token_id", "=", modelId)
    .where("t.to_address", "=", controller.toLowerCase())
    .orderBy("t.block_number")
    .limit(1)
    .executeTakeFirst();
  return row?.timestamp === null || row?.timestamp === undefined ? null : Number(row.timestamp);
}

/**
 * The contributions of a Datanet that a loaded epoch report's data value flagged harmful, newest epoch first (then by
 * report, model and contribution; `cursor` is `<epoch>-<report hash>-<model id>-<contribution id>` of the last row),
 * with how many flags there are in all and how many reports the index holds. Reports write an index's contribution
 * ids as decimal text: a flag of any other id matches no contribution.
 */
export async function harmfulContributions(
  db: Db,
  datanetId: string,
  options: { cursor?: string; limit: number },
): Promise<HarmfulPage> {
  const reports = db.withTables<ReportTables>();
  const flags = reports
    .selectFrom("report_data_values as v")
    .innerJoin("epoch_reports as e", "e.report_hash", "v.report_hash")
    // A lateral lookup by the unique contribution id: the flags are few, and a plain join would make the planner
    // hash every contribution of the index instead.
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom("contributions")
          .select(["contribution_id", "contributor", "datanet_id"])
          .where(
            sql<boolean>`contribution_id = case when v.contribution_id ~ '^[0-9]{1,78}$' then v.contribution_id::numeric end`,
          )
          .limit(1)
          .as("c"),
      (join) => join.onTrue(),
    )
    .where("v.harmful", "=", true)
    .where("c.datanet_id", "=", datanetId);
  let query = flags
    .select(["e.epoch", "v.report_hash", "v.model_id", "c.contribution_id", "c.contributor", "v.value", "v.threshold"])
    .orderBy("e.epoch", "desc")
    .orderBy("v.report_hash")
    .orderBy("v.model_id")
    .orderBy("c.contribution_id")
    .limit(options.limit + 1);
  if (options.cursor !== undefined) {
    const [epoch, hash, model, contribution] = options.cursor.split("-");
    query = query.where(
      sql<boolean>`(e.epoch < ${Number(epoch)} or (e.epoch = ${Number(epoch)}
        and (v.report_hash, v.model_id, c.contribution_id) > (${hash}, ${model}::numeric, ${contribution}::numeric)))`,
    );
  }
  const [rows, flagged, loaded] = await Promise.all([
    query.execute(),
    flags.select(sql<string>`count(*)`.as("n")).executeTakeFirstOrThrow(),
    reports
      .selectFrom("epoch_reports")
      .select(sql<string>`count(*)`.as("n"))
      .executeTakeFirstOrThrow(),
  ]);
  const page = paged(rows, options.limit, (r) => `${r.epoch}-${r.report_hash}-${r.model_id}-${r.contribution_id}`);
  return {
    datanetId,
    flagged: Number(flagged.n),
    reports: Number(loaded.n),
    items: page.items.map((r) => ({
      contributionId: r.contribution_id,
      contributor: r.contributor,
      epoch: Number(r.epoch),
      reportHash: r.report_hash,
      modelId: r.model_id,
      value: Number(r.value),
      threshold: Number(r.threshold),
    })),
    next: page.next,
  };
}
