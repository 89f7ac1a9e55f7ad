import { sql } from "kysely";
import type { Kysely } from "kysely";
import { fleissKappa, rankContributors } from "../../sdk/src";
import type { IndexSchema } from "../../sdk/src/node";
import type {
  ContributionRow,
  ContributorPage,
  DatanetDetail,
  DatanetSummary,
  DataQuality,
  LeaderboardPage,
  Page,
  StatusName,
} from "./types";

/*
 * The web app's reads of the indexer's database: each a few indexed queries, aggregated in SQL where the rows are
 * many (contributions, votes) and in TypeScript where they are few (a Datanet's validators, its versions). Amounts
 * stay decimal strings as the database keeps them; the page turns them into bigints.
 */

type Db = Kysely<IndexSchema>;

const DAY = 86_400;

/** One page of `rows` fetched with one row more than `limit`, whose presence says that there is a next page. */
function paged<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? cursorOf(items[items.length - 1]) : null };
}

/** Every status with its count among `rows` (`count(*)` grouped by status), zero for those absent. */
function byStatus(rows: { status: StatusName; n: string }[]): Record<StatusName, number> {
  const counts: Record<StatusName, number> = { Pending: 0, Accepted: 0, Rejected: 0, Expired: 0, Superseded: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

const count = (status: StatusName) =>
  sql<string>`count(*) filter (where ${sql.ref("status")} = ${status})`.as(status.toLowerCase());

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
    const pattern = `%${options.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`(${currentUri} ilike ${pattern} or ${currentOwner} ilike ${pattern})`);
  }
  const page = paged(await query.execute(), options.limit, (d) => d.datanet_id);
  if (page.items.length === 0) return { items: [], next: null };
  const ids = page.items.map((d) => d.datanet_id);
  const [counts, versions] = await Promise.all([
    db
      .selectFrom("contributions")
      .select([
        "datanet_id",
        count("Accepted"),
        count("Rejected"),
        count("Pending"),
        count("Expired"),
        sql<string>`count(*)`.as("total"),
      ])
      .where("datanet_id", "in", ids)
      .groupBy("datanet_id")
      .execute(),
    db
      .selectFrom("versions")
      .select(["datanet_id", sql<number>`max(version)`.as("latest")])
      .where("datanet_id", "in", ids)
      .groupBy("datanet_id")
      .execute(),
  ]);
  const countsOf = new Map(counts.map((c) => [c.datanet_id, c]));
  const versionOf = new Map(versions.map((v) => [v.datanet_id, Number(v.latest)]));
  return {
    items: page.items.map((d): DatanetSummary => {
      const c = countsOf.get(d.datanet_id);
      return {
        datanetId: d.datanet_id,
        owner: d.owner,
        uri: d.uri,
        contributions: Number(c?.total ?? 0),
        accepted: Number(c?.accepted ?? 0),
        rejected: Number(c?.rejected ?? 0),
        pending: Number(c?.pending ?? 0),
        expired: Number(c?.expired ?? 0),
        latestVersion: versionOf.get(d.datanet_id) ?? 0,
      };
    }),
    next: page.next,
  };
}

/** A Datanet's owner, URI, terms history with each version's validators, and published versions; null if unknown. */
export async function datanetDetail(db: Db, datanetId: string): Promise<DatanetDetail | null> {
  const [summary] = (await listDatanets(db, { id: datanetId, limit: 1 })).items;
  if (!summary) return null;
  const [terms, validators, versions] = await Promise.all([
    db.selectFrom("terms").selectAll().where("datanet_id", "=", datanetId).orderBy("terms_version").execute(),
    db
      .selectFrom("validators")
      .select(["terms_version", "validator"])
      .where("datanet_id", "=", datanetId)
      .orderBy("terms_version")
      .orderBy("position")
      .execute(),
    db.selectFrom("versions").selectAll().where("datanet_id", "=", datanetId).orderBy("version").execute(),
  ]);
  return {
    ...summary,
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
 * votes. Everything is aggregated in SQL, so the answer's size does not grow with the Datanet's.
 */
export async function dataQuality(db: Db, datanetId: string): Promise<DataQuality> {
  const decided = db
    .selectFrom("contributions as c")
    .innerJoin("indexed_blocks as outcome", "outcome.number", "c.status_block")
    .where("c.datanet_id", "=", datanetId)
    .where("c.status", "in", ["Accepted", "Rejected", "Expired"]);
  const votes = db
    .selectFrom("votes as v")
    .innerJoin("contributions as c", (join) =>
      join.onRef("c.contribution_id", "=", "v.contribution_id").onRef("c.datanet_id", "=", "v.datanet_id"),
    )
    .where("v.datanet_id", "=", datanetId);
  const agreed = sql<boolean>`(v.accept and c.status = 'Accepted') or (not v.accept and c.status = 'Rejected')`;
  const onDecided = sql<boolean>`c.status in ('Accepted', 'Rejected')`;
  const [daily, latency, statusCounts, validators, agreement] = await Promise.all([
    decided
      .select([
        sql<string>`floor(outcome.timestamp / ${DAY}) * ${DAY}`.as("day"),
        sql<string>`count(*) filter (where c.status = 'Accepted')`.as("accepted"),
        sql<string>`count(*) filter (where c.status = 'Rejected')`.as("rejected"),
        sql<string>`count(*) filter (where c.status = 'Expired')`.as("expired"),
      ])
      .groupBy(sql`day`)
      .orderBy(sql`day`)
      .execute(),
    decided
      .innerJoin("indexed_blocks as submitted", "submitted.number", "c.block_number")
      .where("c.status", "in", ["Accepted", "Rejected"])
      .select([
        sql<string>`count(*)`.as("reviewed"),
        sql<string | null>`percentile_disc(0.5) within group (order by outcome.timestamp - submitted.timestamp)`.as(
          "median",
        ),
        sql<string | null>`percentile_disc(0.9) within group (order by outcome.timestamp - submitted.timestamp)`.as(
          "p90",
        ),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("contributions")
      .select(["status", sql<string>`count(*)`.as("n")])
      .where("datanet_id", "=", datanetId)
      .groupBy("status")
      .execute(),
    votes
      .select([
        "v.validator",
        sql<string>`count(*)`.as("votes"),
        sql<string>`count(*) filter (where v.accept)`.as("accepts"),
        sql<string>`count(*) filter (where ${onDecided})`.as("decided"),
        sql<string>`count(*) filter (where ${onDecided} and (${agreed}))`.as("agreed"),
      ])
      .groupBy("v.validator")
      .execute(),
    // How many decided contributions had each (accepts, rejects) split of votes: the kappa's input, in few rows.
    db
      .selectFrom(
        votes
          .where(onDecided)
          .select([
            sql<number>`count(*) filter (where v.accept)`.as("accepts"),
            sql<number>`count(*) filter (where not v.accept)`.as("rejects"),
          ])
          .groupBy("v.contribution_id")
          .as("split"),
      )
      .select(["split.accepts", "split.rejects", sql<string>`count(*)`.as("items")])
      .groupBy(["split.accepts", "split.rejects"])
      .execute(),
  ]);

  const seconds = (value: string | number | null) => (value === null ? null : Number(value));
  return {
    datanetId,
    statuses: byStatus(statusCounts),
    daily: daily.map((d) => ({
      day: Number(d.day),
      accepted: Number(d.accepted),
      rejected: Number(d.rejected),
      expired: Number(d.expired),
    })),
    latency: { reviewed: Number(latency.reviewed), median: seconds(latency.median), p90: seconds(latency.p90) },
    validators: validators
      .map((v) => {
        const decidedVotes = Number(v.decided);
        return {
          validator: v.validator,
          votes: Number(v.votes),
          accepts: Number(v.accepts),
          decided: decidedVotes,
          agreed: Number(v.agreed),
          agreement: decidedVotes === 0 ? null : Number(v.agreed) / decidedVotes,
        };
      })
      .sort((a, b) => b.votes - a.votes || (a.validator < b.validator ? -1 : 1)),
    kappa: fleissKappa(
      agreement.flatMap((split) =>
        Array.from({ length: Number(split.items) }, () => [Number(split.accepts), Number(split.rejects)]),
      ),
    ),
  };
}

/** A Datanet's contributors ranked by the Wilson lower bound of their acceptance rate; `cursor` is a rank. */
export async function leaderboard(
  db: Db,
  datanetId: string,
  options: { cursor?: string; limit: number },
): Promise<LeaderboardPage> {
  const rows = await db
    .selectFrom("contributions")
    .select([
      "contributor",
      sql<string>`count(*) filter (where status = 'Accepted')`.as("accepted"),
      sql<string>`count(*) filter (where status = 'Rejected')`.as("rejected"),
      sql<string>`coalesce(sum(size) filter (where status = 'Accepted'), 0)`.as("bytes"),
    ])
    .where("datanet_id", "=", datanetId)
    .groupBy("contributor")
    .execute();
  const ranked = rankContributors(
    rows.map((r) => ({
      account: r.contributor,
      accepted: Number(r.accepted),
      rejected: Number(r.rejected),
      acceptedBytes: BigInt(r.bytes),
    })),
  );
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
