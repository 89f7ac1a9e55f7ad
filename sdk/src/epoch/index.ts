/* An epoch's Proof of Attribution: input (what it is computed from), settlements (each settlement's log, read),
attribute (the orchestrator), report (what it yields; reportV1 reads the earlier format), canonical (the JSON it is
hashed as), verify (an outsider's check). Below them: score (the scorers) and order (the orders and sums a report
defines). What is not listed here is shared by these files only. */
export type {
  EpochContribution,
  EpochDatanetVersion,
  EpochInput,
  EpochModel,
  EpochOptions,
  EpochSettlement,
} from "./input";
export { EPOCH_DEFAULTS } from "./input";
export type { EpochScorer, KnnShapleyScorer, LogisticInfluenceScorer } from "./score";
export { validationSetHash } from "./score";
export type { FetchLog } from "./settlements";
export { fetchSettlementLogs } from "./settlements";
export type { AttributeEpochHooks } from "./attribute";
export { attributeEpoch } from "./attribute";
export type {
  EpochExclusionCode,
  EpochReport,
  EpochReportAccount,
  EpochReportCarryLine,
  EpochReportContribution,
  EpochReportDatanetVersion,
  EpochReportModel,
  EpochReportPayout,
  EpochReportRecord,
  EpochReportSettlement,
  EpochReportShare,
} from "./report";
export type { EpochReportV1 } from "./reportV1";
export { EPOCH_REPORT_V1_FORMAT } from "./reportV1";
export {
  EPOCH_REPORT_FORMAT,
  epochReportHash,
  epochRewardTree,
  readEpochReport,
  serializeEpochReport,
  writeEpochReport,
} from "./report";
export { verifyEpochReport } from "./verify";
export type { PublishedRoot } from "./published";
export { readPublishedReport } from "./published";
