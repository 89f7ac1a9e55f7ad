import { buildRewardTree as buildOnOneThread } from "../rewards/rewardTree";
import type { RewardEntry, RewardTree, RewardTreeOptions } from "../rewards/rewardTree";
import { treeHelper } from "./treeHelper";

/**
 * The main entry's `buildRewardTree` (same tree, same errors) with the process's helper thread ({@link treeHelper})
 * by default, which hashes part of every tree of 32,768 accounts or more. `options.helper` overrides it; `undefined`
 * hashes on the calling thread alone.
 */
export function buildRewardTree(entries: readonly RewardEntry[], options: RewardTreeOptions = {}): RewardTree {
  return buildOnOneThread(entries, { helper: treeHelper(), ...options });
}
