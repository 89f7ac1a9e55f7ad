/*
 * Reward roots as the operator's commands read them from the chain: the pending or current root of the distributor,
 * the proposal event that gave its report's URI, and the published report behind it, checked against the chain.
 */
import { ZeroHash } from "ethers";
import type { Provider } from "ethers";
import { PublishedReportError as UnusableReportError, RewardsClient, readPublishedReport } from "../../sdk/src";
import type { ContentStore, EpochReport, RewardRootView } from "../../sdk/src";
import { IRewardDistributor__factory } from "../../typechain-types";
import { CommandError } from "./cli";
import type { OperatorNetwork } from "./operator";

/** A root the distributor holds or held, with what its proposal said. */
export interface RootProposal extends RewardRootView {
  state: "pending" | "accepted";
  reportURI: string;
  /** The proposal's transaction and block. */
  tx: string;
  block: number;
}

/** Whether a root is set (the distributor gives the zero root for "none"). */
export const isSet = (root: { root: string }) => root.root !== ZeroHash;

/** The chain's timestamp: that of the latest block (a local node's clock moves only with blocks). */
export async function chainTime(provider: Provider): Promise<bigint> {
  return BigInt((await provider.getBlock("latest"))!.timestamp);
}

/**
 * The `RootProposed` event of `epoch` and `root` on the distributor at `address`, searched from `fromBlock`: the
 * last one when the same root was proposed again after a revocation. Read from the chain, so that a proposal in the
 * blocks the index leaves to their confirmations is found too.
 */
export async function proposalEvent(
  provider: Provider,
  address: string,
  fromBlock: number,
  epoch: bigint,
  root: string,
): Promise<{ reportURI: string; reportHash: string; total: bigint; tx: string; block: number } | undefined> {
  const distributor = IRewardDistributor__factory.connect(address, provider);
  const events = await distributor.queryFilter(distributor.filters.RootProposed(epoch, root), fromBlock);
  const last = events.at(-1);
  if (!last) return undefined;
  return {
    reportURI: last.args.reportURI,
    reportHash: last.args.reportHash,
    total: last.args.total,
    tx: last.transactionHash,
    block: last.blockNumber,
  };
}

/**
 * The root of `epoch` on the chain: the pending root when it is of `epoch`, else the current root when it is, else
 * an accepted root of `epoch` found in the index; with its proposal's report URI. Without `epoch`: the pending root,
 * else the current root. Undefined when there is none.
 */
export async function rootOf(network: OperatorNetwork, epoch?: bigint): Promise<RootProposal | undefined> {
  const { provider } = network.connection;
  const rewards = await RewardsClient.connect(network.address("rewards"), provider);
  const fromBlock = network.deployment.contracts.rewards?.block ?? 0;
  const withEvent = async (view: RewardRootView, state: RootProposal["state"]) => {
    const event = await proposalEvent(provider, network.address("rewards"), fromBlock, view.epoch, view.root);
    if (!event) {
      throw new CommandError(`no RootProposed event of epoch ${view.epoch} and root ${view.root} on the chain.`);
    }
    return { ...view, state, reportURI: event.reportURI, tx: event.tx, block: event.block };
  };
  const pending = await rewards.pendingRoot();
  if (isSet(pending) && (epoch === undefined || pending.epoch === epoch)) return withEvent(pending, "pending");
  const current = await rewards.currentRoot();
  if (isSet(current) && (epoch === undefined || current.epoch === epoch)) return withEvent(current, "accepted");
  if (epoch === undefined) return undefined;
  const accepted = await network.index.db
    .selectFrom("reward_roots")
    .selectAll()
    .where("action", "=", "accepted")
    .where("epoch", "=", Number(epoch))
    .executeTakeFirst();
  if (!accepted) return undefined;
  return withEvent(
    {
      root: accepted.root,
      total: BigInt(accepted.total!),
      epoch,
      validAt: 0n,
      reportHash: accepted.report_hash!,
    },
    "accepted",
  );
}

/** Why a published report could not be used: the item and the reason, for a one-line message. */
export class PublishedReportError extends CommandError {
  constructor(
    readonly item: string,
    readonly reason: string,
  ) {
    super(`${item}: ${reason}`);
  }
}

/**
 * The report a root's proposal published (see readPublishedReport).
 * @throws PublishedReportError naming the report and what is wrong with it.
 */
export async function publishedReport(store: ContentStore, root: RootProposal): Promise<EpochReport> {
  try {
    return await readPublishedReport(store, root);
  } catch (error) {
    if (error instanceof UnusableReportError) throw new PublishedReportError(error.item, error.reason);
    throw error;
  }
}
