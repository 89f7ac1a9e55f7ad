import type { ContentStore } from "../content/store";
import { PublishedReportError } from "../errors/epoch";
import { readEpochReport } from "./report";
import type { EpochReport } from "./report";
import { checkObject } from "../internal/check";

/** What a root's proposal (`RootProposed`) says of its report. */
export interface PublishedRoot {
  epoch: bigint;
  root: string;
  total: bigint;
  reportHash: string;
  reportURI: string;
}

/** The first line of an error: an SDK error's (and ethers') `shortMessage`, else its message's. */
function reasonOf(error: unknown): string {
  const short = (error as { shortMessage?: unknown } | undefined)?.shortMessage;
  return typeof short === "string" ? short : String((error as Error)?.message ?? error).split("\n")[0];
}

/**
 * The report `root`'s proposal published, fetched from `store` by its URI (every byte checked against the CID) and
 * read with {@link readEpochReport}; it must be a v2 report whose `reportHash`, tree root, tree total and epoch are
 * the root's.
 * @throws PublishedReportError naming the report and what is wrong with it.
 */
export async function readPublishedReport(store: ContentStore, root: PublishedRoot): Promise<EpochReport> {
  checkObject(root, "root");
  const item = `the report of epoch ${root.epoch} at ${root.reportURI}`;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get(root.reportURI);
  } catch (error) {
    throw new PublishedReportError(item, reasonOf(error));
  }
  if (bytes === undefined) throw new PublishedReportError(item, "it is not in the content store.");
  let report;
  try {
    report = readEpochReport(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new PublishedReportError(item, reasonOf(error));
  }
  if (report.format !== "epoch-report-v2") throw new PublishedReportError(item, `it is an ${report.format} report.`);
  const differs = (field: string, chain: string, published: string) =>
    new PublishedReportError(item, `its ${field} is ${published}, but the chain's root has ${chain}.`);
  if (report.reportHash.toLowerCase() !== root.reportHash.toLowerCase()) {
    throw differs("reportHash", root.reportHash, report.reportHash);
  }
  if (report.tree.root.toLowerCase() !== root.root.toLowerCase())
    throw differs("tree.root", root.root, report.tree.root);
  if (BigInt(report.tree.total) !== root.total) throw differs("tree.total", root.total.toString(), report.tree.total);
  if (BigInt(report.epoch) !== root.epoch) throw differs("epoch", root.epoch.toString(), report.epoch);
  return report;
}
