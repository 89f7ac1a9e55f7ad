/**
 * Verifies an epoch's reward root with only the chain and the content store: recomputes the epoch's input from a
 * sync of its own index and the content (following the published report's decisions about unavailable items), the
 * report and the root, and compares them with the chain's proposal and the published report.
 *
 *   npm run verify-epoch -- --network localhost --epoch 3 [--data data/verifier] [--content data/content]
 *   CONTENT_GATEWAY=http://operator:8080 npm run verify-epoch -- --network localhost --epoch 3
 *
 * Exit 0 and "matches", or exit 1 and the first field that differs or the item that could not be fetched or checked.
 * (--help for every option.)
 */
import * as z from "zod";
import { EpochReportMismatchError, verifyEpochReport } from "../sdk/src";
import type { EpochReport } from "../sdk/src";
import { epochInputFromChain } from "../sdk/src/node";
import type { UnavailableItem } from "../sdk/src/node";
import { CommandError, EXIT, exitWith, oneLine, opt } from "./lib/cli";
import type { Command } from "./lib/cli";
import { NETWORK_ENVIRONMENT, NETWORK_OPTIONS, NETWORK_SCHEMA, openNetwork } from "./lib/operator";
import type { OperatorNetwork } from "./lib/operator";
import { PublishedReportError, publishedReport, rootOf } from "./lib/roots";
import type { RootProposal } from "./lib/roots";
import { stagedProgress } from "./lib/ui";

/** What {@link verifyEpoch} found. */
export type EpochVerification = {
  epoch: bigint;
  /** The chain's root of the epoch, pending or accepted. */
  root: RootProposal;
  /** Items the published report lists as unavailable that this verifier could fetch and check. */
  fetchableExcluded: UnavailableItem[];
} & (
  | { ok: true; report: EpochReport }
  /** An item that could not be fetched or checked: the report itself, a log, a contribution; named. */
  | { ok: false; problem: "item"; item: string; reason: string }
  /** The first field where the recomputed report differs from the published one (a path into the report). */
  | { ok: false; problem: "field"; path: string; expected: unknown; actual: unknown }
);

/** The items of `report` its operator took as unavailable, by `<kind> <id>`. */
function excludedBy(report: EpochReport): Set<string> {
  const listed = report.unavailable ?? [];
  return new Set([
    ...report.settlements.filter((s) => s.exclusion?.code === "log-unavailable").map((s) => `log ${s.id}`),
    ...listed.map((c) => `contribution ${c.id}`),
  ]);
}

const itemName = (item: UnavailableItem) =>
  item.kind === "log"
    ? `the log of settlement ${item.id}`
    : item.kind === "contribution"
      ? `contribution ${item.id}`
      : `the model card of model ${item.id}`;

/**
 * Verifies the root of `epoch` (pending or accepted) on `network`, whose index the caller has synced past the
 * epoch's end: fetches the published report by the proposal's URI (checked against its CID, its hash, root and total
 * against the chain's), rebuilds the input from the index and the content store following the report's decisions,
 * and recomputes the report. `root` skips reading it from the chain.
 * @throws CommandError when the epoch has no pending or accepted root.
 */
export async function verifyEpoch(
  network: OperatorNetwork,
  epoch: bigint,
  root?: RootProposal,
): Promise<EpochVerification> {
  const proposal = root ?? (await rootOf(network, epoch));
  if (!proposal) throw new CommandError(`epoch ${epoch} has no pending or accepted root on the chain.`);
  const base = { epoch, root: proposal, fetchableExcluded: [] as UnavailableItem[] };
  let report: EpochReport;
  try {
    report = await publishedReport(network.store, proposal);
  } catch (error) {
    if (!(error instanceof PublishedReportError)) throw error;
    return { ...base, ok: false, problem: "item", item: error.item, reason: error.reason };
  }
  const bars = stagedProgress((stage) => `Fetching ${stage}`);
  let built;
  try {
    built = await epochInputFromChain({
      db: network.index,
      store: network.store,
      epoch,
      follow: report,
      onProgress: bars.onProgress,
    });
  } catch (error) {
    const message = oneLine(error);
    return { ...base, ok: false, problem: "item", item: "the epoch's input", reason: message };
  } finally {
    bars.stop();
  }
  const followed = excludedBy(report);
  const withFetchable = { ...base, fetchableExcluded: built.fetchableExcluded };
  const missing = built.unavailable.find((item) => !followed.has(`${item.kind} ${item.id}`));
  if (missing) return { ...withFetchable, ok: false, problem: "item", item: itemName(missing), reason: missing.reason };
  try {
    verifyEpochReport(report, built.input);
  } catch (error) {
    if (!(error instanceof EpochReportMismatchError)) throw error;
    const { path, expected, actual } = error;
    return { ...withFetchable, ok: false, problem: "field", path, expected, actual };
  }
  return { ...withFetchable, ok: true, report };
}

/** The one line that says why `verification` failed. */
export function whyDiffers(verification: EpochVerification): string {
  if (verification.ok) return "matches";
  if (verification.problem === "item") return `cannot check ${verification.item}: ${verification.reason}`;
  return (
    `the published report differs at ${verification.path}: recomputed ${JSON.stringify(verification.expected)}, ` +
    `published ${JSON.stringify(verification.actual)}`
  );
}

const VERIFY_SCHEMA = z.object({ ...NETWORK_SCHEMA, epoch: opt.bigint("epoch").optional() });

/** `npm run verify-epoch`: see --help. */
export const verifyEpochCommand: Command<z.output<typeof VERIFY_SCHEMA>> = {
  name: "verify-epoch",
  summary:
    "Verifies an epoch's reward root with only the chain (synced into its own index) and the content store: rebuilds\n" +
    "the epoch's input, recomputes the report and the root, and compares them with the chain's proposal (pending or\n" +
    'accepted) and the published report. Exit 0 and "matches", or exit 1 and the first field that differs or the\n' +
    "item (report, log, contribution) that could not be fetched or checked. Items the operator excluded that can be\n" +
    "fetched now are listed as warnings.",
  options: {
    ...NETWORK_OPTIONS,
    epoch: {
      type: "string",
      value: "<n>",
      description: "the epoch (default: the pending root's, else the current root's)",
      example: "--epoch 3",
    },
  },
  environment: NETWORK_ENVIRONMENT,
  examples: [
    "npm run verify-epoch -- --network localhost --epoch 3",
    "CONTENT_GATEWAY=http://operator.example:8080 npm run verify-epoch -- --network localhost --data data/verifier",
  ],
  schema: VERIFY_SCHEMA,
  async run(o, context) {
    const network = await openNetwork(context, o);
    try {
      await network.sync();
      const root = await rootOf(network, o.epoch);
      if (!root) {
        throw new CommandError(
          o.epoch === undefined
            ? "the distributor has no root yet."
            : `epoch ${o.epoch} has no pending or accepted root.`,
        );
      }
      const result = await verifyEpoch(network, root.epoch, root);
      for (const item of result.fetchableExcluded) {
        context.info(`Warning: the operator excluded ${itemName(item)} (${item.reason}), but it can be fetched now.`);
      }
      const what = `Epoch ${root.epoch}: the ${root.state} root ${root.root} (report ${root.reportURI})`;
      if (result.ok) {
        context.info(
          `${what} matches: recomputed from the chain and the content store (${result.report.settlements.length} ` +
            `settlements, ${result.report.accounts.length} accounts).`,
        );
        return EXIT.ok;
      }
      context.info(`${what} does not match: ${whyDiffers(result)}.`);
      return EXIT.failed;
    } finally {
      await network.close();
    }
  },
};

if (require.main === module) exitWith(verifyEpochCommand);
