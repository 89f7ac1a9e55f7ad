import { getAddress } from "ethers";
import { InvalidOfferingTermsError } from "../errors";
import type { EpochReport } from "../epoch/report";
import type { EpochReportV1 } from "../epoch/reportV1";
import { allocate, allocateByAmounts } from "../rewards/allocate";
import { buildRewardTree } from "../rewards/rewardTree";
import type { RewardTree } from "../rewards/rewardTree";
import { checkArray, checkObject } from "../internal/check";

/**
 * How the contributors' part is allocated. `attribution`: by what the accepted epoch reports paid each account from
 * the model's settlements, cumulated up to launch. `accepted-bytes`, only when no accepted report credited the model:
 * by the bytes each contributor had accepted in the model's Datanet versions (each Datanet at the largest version any
 * of the model's versions was trained on), all Datanets weighed by their bytes.
 */
export type ContributorRule = "attribution" | "accepted-bytes";

/** A contribution, as the Datanet indexer rebuilds it, for the `accepted-bytes` rule. */
export interface AcceptedContribution {
  datanetId: bigint;
  contributor: string;
  size: bigint;
  /** 1-based acceptance order in its Datanet; absent when never accepted. */
  acceptedIndex?: number;
}

/** The model's Datanet versions (from every model version) and their Datanets' contributions. */
export interface AcceptedBytesInput {
  versions: readonly { datanetId: bigint; count: number }[];
  contributions: readonly AcceptedContribution[];
}

export interface ContributorShareTreeInput {
  /** The accepted epoch reports up to launch, each epoch once. */
  reports: readonly (EpochReport | EpochReportV1)[];
  modelId: bigint;
  /** `split.contributors`: the shares to allocate, exactly. */
  sharesForContributors: bigint;
  /** Used when no report credited the model. */
  fallback?: AcceptedBytesInput;
}

/** One contributor's leaf: `weight` is its attributed OPEN (wei) or accepted bytes, by the rule. */
export interface ContributorShares {
  /** EIP-55 checksummed. */
  account: string;
  weight: bigint;
  shares: bigint;
}

export interface ContributorShareTree {
  rule: ContributorRule;
  /** By lower-cased address; accounts whose shares round to 0 are left out of the tree but listed. */
  entries: ContributorShares[];
  /** Leaves `[account, shares]`, the reward tree's encoding, for `claimContributorShares`. */
  tree: RewardTree;
  root: string;
  total: bigint;
}

/**
 * The contributors' share tree of a model's offering. Each account's weight is its cumulative attributed amount for
 * the model: the sum over the reports of what the report paid it from the model's settlements (a v2 report's
 * per-settlement payouts; a v1 report, which pays per account only, splits each account's amount over the models by
 * its contributions' weights in each model's inferences, with {@link allocate}). The shares are
 * `allocateByAmounts(sharesForContributors, weights)` (largest remainder, ties to the smaller lower-cased address),
 * so they sum to `sharesForContributors` exactly; then the reward tree of `[account, shares]`.
 *
 * @throws InvalidOfferingTermsError when two reports have the same epoch, or nothing credited the model and no
 *   fallback was given, or the fallback credits nobody.
 */
export function contributorShareTree(input: ContributorShareTreeInput): ContributorShareTree {
  checkObject(input, "input");
  checkArray(input.reports, "reports");
  let rule: ContributorRule = "attribution";
  let weights = attributedAmounts(input.reports, input.modelId);
  if (weights.size === 0) {
    if (!input.fallback) {
      throw new InvalidOfferingTermsError(
        "contributors",
        `no accepted report credited model ${input.modelId}; give the accepted-bytes fallback.`,
      );
    }
    rule = "accepted-bytes";
    weights = acceptedBytes(input.fallback);
    if (weights.size === 0) {
      throw new InvalidOfferingTermsError("contributors", "the model's Datanet versions have no accepted bytes.");
    }
  }
  const sorted = new Map([...weights].sort(([a], [b]) => (a < b ? -1 : 1)));
  const shares = allocateByAmounts(input.sharesForContributors, sorted);
  const entries = [...sorted].map(([account, weight]) => ({
    account: getAddress(account),
    weight,
    shares: shares.get(account)!,
  }));
  const tree = buildRewardTree(
    entries.filter((e) => e.shares > 0n).map((e) => ({ account: e.account, amount: e.shares })),
  );
  return { rule, entries, tree, root: tree.root, total: tree.total };
}

/** Per lower-cased account, what the reports paid it from `modelId`'s settlements (only positive amounts). */
function attributedAmounts(reports: readonly (EpochReport | EpochReportV1)[], modelId: bigint): Map<string, bigint> {
  const id = modelId.toString();
  const epochs = new Set<string>();
  const totals = new Map<string, bigint>();
  const add = (account: string, amount: bigint) => {
    if (amount === 0n) return;
    const key = account.toLowerCase();
    totals.set(key, (totals.get(key) ?? 0n) + amount);
  };
  for (const report of reports) {
    if (epochs.has(report.epoch)) {
      throw new InvalidOfferingTermsError("reports", `epoch ${report.epoch} is given twice.`);
    }
    epochs.add(report.epoch);
    if (report.format === "epoch-report-v1") {
      for (const [account, amount] of v1ModelAmounts(report, id)) add(account, amount);
      continue;
    }
    for (const settlement of report.settlements) {
      if (settlement.modelId !== id) continue;
      for (const payout of settlement.payouts) add(payout.account, BigInt(payout.amount));
    }
  }
  return totals;
}

/** A v1 report's account amounts that came from model `id`: each split over models by its weight in each. */
function v1ModelAmounts(report: EpochReportV1, id: string): Map<string, bigint> {
  const contributorOf = new Map(report.contributions.map((c) => [c.id, c.contributor.toLowerCase()]));
  /** Per account, per model, the weight its contributions drew. */
  const byAccount = new Map<string, Map<string, number>>();
  for (const inference of report.inferences) {
    for (const share of inference.top) {
      const account = contributorOf.get(share.contribution);
      if (account === undefined) continue;
      const models = byAccount.get(account) ?? new Map<string, number>();
      models.set(inference.modelId, (models.get(inference.modelId) ?? 0) + share.weight);
      byAccount.set(account, models);
    }
  }
  const amounts = new Map<string, bigint>();
  for (const entry of report.accounts) {
    const account = entry.account.toLowerCase();
    const models = byAccount.get(account);
    const amount = BigInt(entry.amount);
    if (!models?.has(id) || amount === 0n) continue;
    amounts.set(account, models.size === 1 ? amount : allocate(amount, models).get(id)!);
  }
  return amounts;
}

/** Per lower-cased contributor, its bytes accepted within each Datanet's largest trained-on version. */
function acceptedBytes(input: AcceptedBytesInput): Map<string, bigint> {
  const counts = new Map<bigint, number>();
  for (const v of input.versions) counts.set(v.datanetId, Math.max(counts.get(v.datanetId) ?? 0, v.count));
  const bytes = new Map<string, bigint>();
  for (const c of input.contributions) {
    const count = counts.get(c.datanetId);
    if (count === undefined || c.acceptedIndex === undefined || c.acceptedIndex > count || c.size === 0n) continue;
    const key = c.contributor.toLowerCase();
    bytes.set(key, (bytes.get(key) ?? 0n) + c.size);
  }
  return bytes;
}
