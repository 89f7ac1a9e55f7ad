import type { Provider } from "ethers";
import { OfferingClient } from "../../sdk/src/clients/offeringClient";
import { OfferingNotFoundError } from "../../sdk/src/errors";
import type { OfferingView } from "./types";

/*
 * What the API reads from the chain rather than the index: offerings, whose events the indexer does not follow. Each
 * view is read once per block and model, so a page's requests in one block cost the node one block-number call each.
 */

/** The offering, less what the index adds (when the sale opened). */
export type ChainOffering = Omit<OfferingView, "sale"> & { sale: Omit<OfferingView["sale"], "opened"> };

/** The chain as the API reads it. */
export interface ChainReader {
  /** `modelId`'s offering now, or null when the model has none. */
  offering(modelId: bigint): Promise<ChainOffering | null>;
}

/** A {@link ChainReader} over the offering factory at `factory`, reading through `provider`. */
export async function offeringReader(factory: string, provider: Provider): Promise<ChainReader> {
  const client = await OfferingClient.connect(factory, provider);
  const cache = new Map<bigint, { block: number; view: Promise<ChainOffering | null> }>();
  return {
    async offering(modelId) {
      const block = await provider.getBlockNumber();
      const hit = cache.get(modelId);
      if (hit?.block === block) return hit.view;
      const view = readOffering(client, modelId, block);
      cache.set(modelId, { block, view });
      // A failed read is not kept: the next request tries again.
      view.catch(() => cache.get(modelId)?.view === view && cache.delete(modelId));
      return view;
    },
  };
}

async function readOffering(client: OfferingClient, modelId: bigint, block: number): Promise<ChainOffering | null> {
  let contracts;
  try {
    contracts = await client.offeringOf(modelId);
  } catch (error) {
    if (error instanceof OfferingNotFoundError) return null;
    throw error;
  }
  const status = await client.status(contracts.offering);
  // Revenue arrives by plain transfers and is counted by the share token only at its next sync: what it holds plus
  // what holders claimed is everything it received.
  const held = await client.token.balanceOf(contracts.shares);
  return {
    modelId: modelId.toString(),
    factory: await client.factory.getAddress(),
    offering: contracts.offering,
    shares: contracts.shares,
    controller: contracts.controller,
    state: status.state,
    block,
    now: status.now,
    sale: {
      raised: status.totalDeposits.toString(),
      softCap: status.terms.sale.softCap.toString(),
      hardCap: status.terms.sale.hardCap.toString(),
      deadline: status.terms.sale.deadline,
    },
    netRaise: status.netRaise.toString(),
    released: status.released.toString(),
    milestones: status.milestones.map((m) => ({
      index: m.index,
      kind: m.kind,
      threshold: m.threshold.toString(),
      datanetId: m.datanetId.toString(),
      datanetVersion: m.datanetVersion,
      deadline: m.deadline,
      trancheBps: m.trancheBps,
      tranche: m.tranche.toString(),
      released: m.released,
      met: m.met,
      progress: m.progress === undefined ? null : m.progress.toString(),
    })),
    revenue: {
      received: (held + status.shares.revenuePaid).toString(),
      claimed: status.shares.revenuePaid.toString(),
    },
  };
}
