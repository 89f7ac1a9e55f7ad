/* An epoch's Proof of Attribution: input (what it is computed from), attribute (the orchestrator), report (what it
yields), canonical (the JSON it is hashed as), verify (an outsider's check). Below them: score (the two scorers) and
order (the orders and sums a report defines). What is not listed here is shared by these files only. */
export type {
  EpochContribution,
  EpochDatanetVersion,
  EpochInference,
  EpochInput,
  EpochModel,
  EpochOptions,
} from "./input";
export { EPOCH_DEFAULTS } from "./input";
export type { EpochScorer, KnnShapleyScorer } from "./score";
export type { AttributeEpochHooks } from "./attribute";
export { attributeEpoch } from "./attribute";
export type {
  EpochReport,
  EpochReportAccount,
  EpochReportContribution,
  EpochReportDatanetVersion,
  EpochReportInference,
  EpochReportModel,
  EpochReportShare,
} from "./report";
export { EPOCH_REPORT_FORMAT, epochReportHash, epochRewardTree, readEpochReport, serializeEpochReport } from "./report";
export type { EpochReportVerification } from "./verify";
export { verifyEpochReport } from "./verify";
