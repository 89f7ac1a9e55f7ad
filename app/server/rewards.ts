import { sql } from "kysely";
import type { Kysely } from "kysely";
import { buildRewardTree } from "../../sdk/src";
import type { RewardTree } from "../../sdk/src";
import type { IndexSchema, ReportTables } from "../../sdk/src/node";
import type { AppConfig, ClaimProofs, ContributorRewards, EpochReward, RootState } from "./types";

/*
 * A contributor's standing and rewards as the index has them: its reputation in each Datanet (the leaderboard's
 * Wilson score and rank), what each loaded epoch report paid it and for which contributions and inferences, and the
 * proofs of the current root that let a wallet claim. Everything here is what the index and the reports say; the
 * page reads the claimed amounts from the chain before it claims.
 */

type Db = Kysely<IndexSchema>;

const reports = (db: Db) => db.withTables<ReportTables>();

/** Contributions shown per epoch, and inferences shown per contribution. */
const CONTRIBUTIONS_SHOWN = 20;
const SAMPLES_SHOWN = 3;

/** The contracts the index follows (by deployment name) and how far it got: what the page needs to reach the chain. */
export async function appConfig(db: Db): Promise<AppConfig> {
  const cursor = await db
    .selectFrom("indexer_cursor as c")
    .leftJoin("indexed_blocks as b", "b.number", "c.last_block")
    .select(["c.contracts", "c.last_block", "b.timestamp"])
    .executeTakeFirst();
  return {
    contracts: cursor ? (JSON.parse(cursor.contracts) as Record<string, string>) : {},
    lastBlock: cursor ? Number(cursor.last_block) : null,
    lastBlockTime: cursor?.timestamp === null || cursor?.timestamp === undefined ? null : Number(cursor.timestamp),
  };
}

/**
 * The state of every proposed root: `accepted` once an acceptance of that epoch named its root, `revoked` once a
 * revocation did, else `pending`. The distributor accepts or revokes only its pending root, so the last action on an
 * (epoch, root) decides.
 */
const rootState = sql<RootState>`coalesce((select case x.action when 'accepted' then 'accepted'
  when 'revoked' then 'revoked' else 'pending' end from reward_roots x
  where x.epoch = e.epoch and lower(x.root) = e.root
  order by x.block_number desc, x.log_index desc limit 1), 'pending')`;

/** When the report's root may be accepted: the end of its (last) proposal's challenge window. */
const validAt = sql<string | null>`(select max(p.valid_at) from reward_roots p
  where p.action = 'proposed' and lower(p.report_hash) = e.report_hash)`;

/**
 * What the loaded reports paid `account`, newest epoch first after `cursor` (an epoch): per epoch the amount, the
 * cumulative amount of its leaf, the root's state, and its contributions that earned most with a few inferences that
 * credited each. `claimable` compares the current root's cumulative amount with the claims the index holds.
 */
export async function rewardsOf(
  db: Db,
  account: string,
  options: { cursor?: string; limit: number },
): Promise<ContributorRewards> {
  let query = reports(db)
    .selectFrom("report_accounts as a")
    .innerJoin("epoch_reports as e", "e.report_hash", "a.report_hash")
    .select([
      "e.epoch",
      "e.report_hash",
      "e.root",
      "a.amount",
      "a.cumulative",
      validAt.as("valid_at"),
      rootState.as("state"),
    ])
    .where("a.account", "=", account)
    .orderBy("e.epoch", "desc")
    .orderBy("e.report_hash")
    .limit(options.limit + 1);
  if (options.cursor !== undefined) query = query.where("e.epoch", "<", Number(options.cursor));
  const rows = await query.execute();
  const items = rows.slice(0, options.limit);
  const epochs: EpochReward[] = [];
  for (const row of items) {
    const [contributions, credited] = await Promise.all([
      reports(db)
        .selectFrom("report_contributions")
        .select(["contribution_id", "datanet_id", "amount"])
        .where("report_hash", "=", row.report_hash)
        .where("contributor", "=", account)
        .orderBy(sql`amount`, "desc")
        .orderBy("contribution_id")
        .limit(CONTRIBUTIONS_SHOWN)
        .execute(),
      reports(db)
        .selectFrom("report_contributions")
        .select(sql<string>`count(*)`.as("n"))
        .where("report_hash", "=", row.report_hash)
        .where("contributor", "=", account)
        .executeTakeFirstOrThrow(),
    ]);
    const samples =
      contributions.length === 0
        ? []
        : await reports(db)
            .selectFrom("report_contributions as rc")
            .innerJoinLateral(
              (eb) =>
                eb
                  .selectFrom("report_credits as k")
                  .select(["k.settlement_id", "k.record_id", "k.weight"])
                  .whereRef("k.report_hash", "=", "rc.report_hash")
                  .whereRef("k.contribution_id", "=", "rc.contribution_id")
                  .orderBy("k.weight", "desc")
                  .orderBy("k.settlement_id")
                  .orderBy("k.record_id")
                  .limit(SAMPLES_SHOWN)
                  .as("s"),
              (join) => join.onTrue(),
            )
            .select(["rc.contribution_id", "s.settlement_id", "s.record_id", "s.weight"])
            .where("rc.report_hash", "=", row.report_hash)
            .where(
              "rc.contribution_id",
              "in",
              contributions.map((c) => c.contribution_id),
            )
            .execute();
    epochs.push({
      epoch: Number(row.epoch),
      reportHash: row.report_hash,
      root: row.root,
      state: row.state,
      validAt: row.valid_at === null ? null : Number(row.valid_at),
      amount: String(row.amount),
      cumulative: String(row.cumulative),
      contributionsCredited: Number(credited.n),
      contributions: contributions.map((c) => ({
        contributionId: c.contribution_id,
        datanetId: String(c.datanet_id),
        amount: String(c.amount),
        samples: samples
          .filter((s) => s.contribution_id === c.contribution_id)
          .map((s) => ({ settlementId: s.settlement_id, recordId: s.record_id, weight: s.weight })),
      })),
    });
  }
  const [current, claimed] = await Promise.all([currentReport(db), claimedOf(db, account)]);
  let claim: ContributorRewards["claim"] = null;
  if (current) {
    const leaf = await reports(db)
      .selectFrom("report_accounts")
      .select("cumulative")
      .where("report_hash", "=", current.reportHash)
      .where("account", "=", account)
      .executeTakeFirst();
    const cumulative = BigInt(leaf?.cumulative ?? 0);
    claim = {
      epoch: current.epoch,
      root: current.root,
      cumulative: cumulative.toString(),
      claimed: claimed.toString(),
      claimable: (cumulative > claimed ? cumulative - claimed : 0n).toString(),
    };
  }
  return {
    account,
    epochs,
    claim,
    next: rows.length > options.limit ? String(items[items.length - 1].epoch) : null,
  };
}

/** What `account` claimed in all, as the claims the index holds say (each claim records the cumulative amount). */
async function claimedOf(db: Db, account: string): Promise<bigint> {
  const row = await db
    .selectFrom("claims")
    .select(sql<string | null>`max(cumulative_amount)`.as("claimed"))
    .where("account", "=", account)
    .executeTakeFirst();
  return BigInt(row?.claimed ?? 0);
}

/** The report of the distributor's current root: the last accepted one's, when the index holds it. */
async function currentReport(db: Db): Promise<{ epoch: number; root: string; reportHash: string } | undefined> {
  const accepted = await db
    .selectFrom("reward_roots")
    .select(["epoch", "root"])
    .where("action", "=", "accepted")
    .orderBy("block_number", "desc")
    .orderBy("log_index", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!accepted) return undefined;
  const report = await reports(db)
    .selectFrom("epoch_reports")
    .select("report_hash")
    .where("epoch", "=", accepted.epoch)
    .where("root", "=", accepted.root.toLowerCase())
    .limit(1)
    .executeTakeFirst();
  return report && { epoch: Number(accepted.epoch), root: accepted.root.toLowerCase(), reportHash: report.report_hash };
}

/** Reward trees by report hash: a report never changes, and its tree takes a while to build for many accounts. */
const TREES = new Map<string, Promise<RewardTree>>();
const TREES_KEPT = 4;

async function treeOf(db: Db, reportHash: string, root: string): Promise<RewardTree> {
  let tree = TREES.get(reportHash);
  if (!tree) {
    tree = (async () => {
      const leaves = await reports(db)
        .selectFrom("report_accounts")
        .select(["account", "cumulative"])
        .where("report_hash", "=", reportHash)
        .execute();
      const built = buildRewardTree(leaves.map((l) => ({ account: l.account, amount: BigInt(l.cumulative) })));
      if (built.root.toLowerCase() !== root) {
        throw new Error(`the accounts of report ${reportHash} make the root ${built.root}, not ${root}.`);
      }
      return built;
    })();
    TREES.set(reportHash, tree);
    tree.catch(() => TREES.delete(reportHash));
    if (TREES.size > TREES_KEPT) TREES.delete(TREES.keys().next().value!);
  }
  return tree;
}

/**
 * The current root's leaves and proofs for `accounts` (lower-cased), rebuilt from the report's accounts and checked
 * against the root; undefined when no accepted root's report is in the index. An account the tree lacks is listed
 * in `missing`.
 */
export async function claimProofs(db: Db, accounts: string[]): Promise<ClaimProofs | undefined> {
  const current = await currentReport(db);
  if (!current) return undefined;
  const tree = await treeOf(db, current.reportHash, current.root);
  const holds = await reports(db)
    .selectFrom("report_accounts")
    .select("account")
    .where("report_hash", "=", current.reportHash)
    .where("account", "in", accounts)
    .execute();
  const inTree = new Set(holds.map((h) => h.account));
  return {
    epoch: current.epoch,
    root: tree.root,
    total: tree.total.toString(),
    leaves: accounts
      .filter((a) => inTree.has(a))
      .map((account) => ({ account, cumulative: tree.amountOf(account).toString(), proof: tree.proof(account) })),
    missing: accounts.filter((a) => !inTree.has(a)),
  };
}
