import { InferenceLogMismatchError, MalformedInferenceLogError } from "../errors/inferenceLog";
import { inferenceOutputHash, readInferenceLog } from "../inference/log";
import type { InferenceLog } from "../inference/log";
import type { ParsedSettlement } from "./input";
import { compare } from "./order";
import type { EpochReportSettlement } from "./report";
import type { ScoredInference } from "./score";

/* Rule 4 of attributeEpoch: a settlement's log, read against what the settlement committed to, and its records as
the model's scorer reads them; or why the settlement is excluded. */

/** A record of a settlement's log, as the epoch scores and reports it. */
export interface ScoredRecord {
  id: string;
  calls: bigint;
  queryHash: string;
  outputHash: string;
  scored: ScoredInference;
}

/**
 * The settlement's records by id, or its exclusion: log missing, malformed, another root or other calls, a record of
 * another model or version, an output the scorer cannot read. O(records) keccak256 and JSON work.
 */
export function readSettlementLog(
  settlement: ParsedSettlement,
  model: { modelId: bigint; version: number; scorer: { kind: string }; dimension: number },
): { exclusion?: EpochReportSettlement["exclusion"]; records: ScoredRecord[] } {
  const exclude = (code: NonNullable<EpochReportSettlement["exclusion"]>["code"], message: string) => ({
    exclusion: { code, message },
    records: [],
  });
  if (settlement.log === undefined) {
    return exclude("log-unavailable", settlement.fetchError ?? `The log at ${settlement.logURI} could not be fetched.`);
  }
  let log: InferenceLog;
  try {
    const file = settlement.log instanceof Uint8Array ? new TextDecoder().decode(settlement.log) : settlement.log;
    log = readInferenceLog(file, { logRoot: settlement.logRoot, calls: settlement.calls });
  } catch (error) {
    if (error instanceof MalformedInferenceLogError) return exclude("log-malformed", error.shortMessage);
    if (error instanceof InferenceLogMismatchError) return exclude("log-mismatch", error.shortMessage);
    throw error;
  }
  const records: ScoredRecord[] = [];
  for (const [i, record] of log.records.entries()) {
    if (record.modelId !== model.modelId || record.modelVersion !== model.version) {
      return exclude(
        "record-model-mismatch",
        `records[${i}] ("${record.id}") is of model ${record.modelId} version ${record.modelVersion}; the ` +
          `settlement pays for model ${model.modelId}, attributed at version ${model.version}.`,
      );
    }
    const output = record.output;
    const classifier = model.scorer.kind !== "spans";
    if (classifier && (output.kind !== "label" || output.features.length !== model.dimension)) {
      return exclude(
        "record-output-mismatch",
        `records[${i}] ("${record.id}") must hold a label and ${model.dimension} features for the ` +
          `${model.scorer.kind} scorer of model ${model.modelId}.`,
      );
    }
    if (!classifier && output.kind !== "text") {
      return exclude(
        "record-output-mismatch",
        `records[${i}] ("${record.id}") must hold a text output for the span scorer of model ${model.modelId}.`,
      );
    }
    records.push({
      id: record.id,
      calls: record.calls,
      queryHash: record.queryHash.toLowerCase(),
      outputHash: inferenceOutputHash(output),
      scored:
        output.kind === "text"
          ? { output: output.text }
          : { output: "", features: output.features, label: output.label },
    });
  }
  return { records: records.sort((a, b) => compare(a.id, b.id)) };
}
