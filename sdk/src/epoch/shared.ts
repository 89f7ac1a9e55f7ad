import { buildRewardTree } from "../rewards/rewardTree";
import type { RewardTree } from "../rewards/rewardTree";
import { EpochReportMismatchError, MalformedEpochReportError } from "../errors";
import { shown } from "../internal/check";
import { DECIMAL, checkReportFormat, hashJson } from "./canonical";

/* What both report formats (v1, read only, and v2) share: their hash and their reward tree. */

/**
 * `reportHash` of a report: keccak256 of the UTF-8 bytes of its canonical JSON without the `reportHash` field.
 * O(size of the report).
 */
export function epochReportHash(report: { reportHash?: string }): string {
  checkReportFormat(report);
  const { reportHash: _ignored, ...body } = report;
  return hashJson(body);
}

/** The reward tree of a report's cumulative amounts, to serve proofs from. O(accounts). */
export function epochRewardTree(report: { accounts: readonly { account: string; cumulative: string }[] }): RewardTree {
  const accounts: unknown = report?.accounts;
  if (!Array.isArray(accounts)) throw new MalformedEpochReportError("accounts", "must be an array.");
  return buildRewardTree(
    accounts.map(({ account, cumulative }: { account: string; cumulative: string }, i) => {
      if (!DECIMAL.test(cumulative)) {
        throw new MalformedEpochReportError(`accounts[${i}].cumulative`, `is ${shown(cumulative)}; not a decimal.`);
      }
      return { account, amount: BigInt(cumulative) };
    }),
  );
}

/**
 * The checks both formats end with: the previous report before this one and its total what the accounts carried
 * over (`previousTotal`), the tree's total the cumulative amounts' sum (`total`), its root theirs, and `reportHash`
 * the report's hash.
 */
export function checkTreeAndHash(
  report: {
    epoch: string;
    previous: { epoch: string; total: string } | null;
    tree: { root: string; total: string };
    accounts: readonly { account: string; cumulative: string }[];
    reportHash: string;
  },
  previousTotal: bigint,
  total: bigint,
): void {
  const mismatch = (path: string, problem: string) => new EpochReportMismatchError(path, problem);
  if (report.previous !== null) {
    if (BigInt(report.previous.epoch) >= BigInt(report.epoch)) {
      throw mismatch("previous.epoch", `is ${report.previous.epoch}, not before epoch ${report.epoch}.`);
    }
    if (BigInt(report.previous.total) !== previousTotal) {
      throw mismatch(
        "previous.total",
        `is ${report.previous.total}; the amounts carried over sum to ${previousTotal}.`,
      );
    }
  }
  if (BigInt(report.tree.total) !== total) {
    throw mismatch("tree.total", `is ${report.tree.total}; the cumulative amounts sum to ${total}.`);
  }
  const root = epochRewardTree(report).root;
  if (report.tree.root !== root) {
    throw mismatch("tree.root", `is ${report.tree.root}; the cumulative amounts make the tree of root ${root}.`);
  }
  const reportHash = epochReportHash(report);
  if (report.reportHash !== reportHash) {
    throw mismatch(
      "reportHash",
      `is ${report.reportHash}; the report hashes to ${reportHash}, so a field was changed.`,
    );
  }
}
