import { InferenceLogMismatchError, MalformedInferenceLogError } from "../errors/inferenceLog";
import { readInferenceLog } from "../inference/log";
import type { InferenceLog } from "../inference/log";
import type { EpochInput, ParsedSettlement } from "./input";
import { compare } from "./order";
import type { EpochReportSettlement } from "./report";
import type { Scorer, ScoredInference } from "./score";
import { checkFunction } from "../internal/check";

/* Rules 4 and 5 of attributeEpoch, one settlement at a time: its log, read against what the settlement committed to,
and its records as the model's scorer reads them, or why the settlement is excluded; then its records scored and
summed into what the settlement's pot is split by. A settlement is all its records need: threads tally settlements
side by side, and a log is dropped once tallied. */

/** What reading a settlement's log needs to know of its model. */
export interface SettlementModel {
  modelId: bigint;
  version: number;
  scorer: { kind: string };
  /** The feature count of a classifier's examples; 0 for spans. */
  dimension: number;
}

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
  model: SettlementModel,
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
      outputHash: log.outputHashes[i],
      scored:
        output.kind === "text"
          ? { output: output.text }
          : { output: "", features: output.features, label: output.label },
    });
  }
  return { records: records.sort((a, b) => compare(a.id, b.id)) };
}

/**
 * A settlement's records scored and summed: what rule 7 splits its pot and share by, before the unmatched rule, and
 * the records as the report lists them. Holds no text, so an epoch keeps one per settlement and drops the logs.
 */
export interface SettlementTally {
  exclusion?: EpochReportSettlement["exclusion"];
  /** Contributions credited, in order of first credit, and Σ calls × weight over the records for each. */
  ids: string[];
  weights: Float64Array;
  /** Calls of the records that matched nothing. */
  unmatchedCalls: bigint;
  records: EpochReportSettlement["records"];
}

/**
 * Reads a settlement's log (rule 4) and scores its records (rule 5), in record id order; `scorer` is asked for only
 * when there is a record to score. The same function tallies in one thread or several, so the sums are the same bits.
 */
export function tallySettlement(
  settlement: ParsedSettlement,
  model: SettlementModel,
  scorer: () => Scorer,
  topK: number,
): SettlementTally {
  const { exclusion, records } = readSettlementLog(settlement, model);
  if (exclusion) return { exclusion, ids: [], weights: new Float64Array(0), unmatchedCalls: 0n, records: [] };
  const score = records.length > 0 ? scorer() : undefined;
  const weights = new Map<string, number>();
  let unmatchedCalls = 0n;
  const reported = records.map((record) => {
    const attribution = score!(record.scored, "");
    const calls = Number(record.calls);
    if (attribution.length === 0) unmatchedCalls += record.calls;
    for (const { id, weight } of attribution) weights.set(id, (weights.get(id) ?? 0) + calls * weight);
    return {
      id: record.id,
      calls: record.calls.toString(),
      queryHash: record.queryHash,
      outputHash: record.outputHash,
      top: attribution.slice(0, topK).map(({ id, weight }) => ({ contribution: id, weight })),
    };
  });
  return { ids: [...weights.keys()], weights: Float64Array.from(weights.values()), unmatchedCalls, records: reported };
}

/** Fetches a settlement's inference log, e.g. from a content store by `logURI`; rejects when it cannot. */
export type FetchLog = (settlement: { id: string; logURI: string; logRoot: string }) => Promise<string | Uint8Array>;

/**
 * The settlement with its log fetched, when it has neither `log` nor `fetchError`: a rejection becomes its
 * `fetchError` ("The log at <logURI> could not be fetched: <reason>"), so that the settlement is excluded as
 * `log-unavailable` with that reason rather than stopping the epoch.
 */
export async function withFetchedLog<
  S extends { id: string; logURI: string; logRoot: string; log?: unknown; fetchError?: string },
>(settlement: S, fetchLog: FetchLog): Promise<S> {
  if (settlement.log !== undefined || settlement.fetchError !== undefined) return settlement;
  try {
    const log = await fetchLog({ id: settlement.id, logURI: settlement.logURI, logRoot: settlement.logRoot });
    return { ...settlement, log };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ...settlement, fetchError: `The log at ${settlement.logURI} could not be fetched: ${reason}` };
  }
}

/**
 * The input with every settlement's log fetched that it leaves out (see {@link withFetchedLog}), one after the other:
 * for `attributeEpoch` and `verifyEpochReport`, which take the logs in the input. `attributeEpochInThreads` takes
 * `fetchLog` itself and holds only the logs in flight.
 */
export async function fetchSettlementLogs(input: EpochInput, fetchLog: FetchLog): Promise<EpochInput> {
  checkFunction(fetchLog, "fetchLog");
  // A malformed input is left for attributeEpoch to name.
  if (!Array.isArray(input?.settlements)) return input;
  const settlements = [];
  for (const settlement of input.settlements) settlements.push(await withFetchedLog(settlement, fetchLog));
  return { ...input, settlements };
}
