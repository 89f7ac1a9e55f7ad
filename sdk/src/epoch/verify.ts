import { EpochReportMismatchError, ProtocolError } from "../errors";
import { shown } from "../internal/check";
import { readInferenceLog, verifyInferenceLeaf } from "../inference/log";
import type { InferenceLog } from "../inference/log";
import { attributeEpoch } from "./attribute";
import type { EpochInput } from "./input";
import { EPOCH_REPORT_FORMAT, parseReportJson } from "./report";
import type { EpochReport } from "./report";

/** Where a report differs from its input: what was expected there and what the report has. */
interface Difference {
  path: string;
  problem: string;
  expected: unknown;
  actual: unknown;
}

/**
 * Checks a report against its input, as an outsider holding the input (the chain's events, the contributions' texts,
 * the inference logs fetched by their URIs) does. First, for a v2 report, the records it lists: each one must be a
 * leaf of its settlement's log, proven against the settlement's `logRoot` with the log's proof from the report's own
 * fields (id, model and version, calls, query hash, output hash), and each settlement's records must add up to the
 * calls it paid for; the first record that fails is named (`settlements[2].records[5]`). Then the whole report is
 * recomputed with {@link attributeEpoch} and compared field by field, in canonical key order: it returns the
 * recomputed report when they are equal to the bit. Then check that `tree.root` is the root proposed on-chain for
 * `epoch` and that `reportHash` is the one in its `RootProposed` event.
 *
 * @throws EpochReportMismatchError naming the first field that differs (e.g. `settlements[3].paid`,
 *   `accounts[2].amount`, or a key only one of them has), with both values as `expected` and `actual`.
 * @throws as {@link attributeEpoch} does when the input is invalid; MalformedEpochReportError when `report` is a
 *   string that is not JSON.
 */
export function verifyEpochReport(report: unknown, input: EpochInput): EpochReport {
  const actual = parseReportJson(report);
  const mismatch = ({ path, problem, expected, actual: found }: Difference) =>
    new EpochReportMismatchError(path, problem, { expected, actual: found });
  const unproven =
    (actual as { format?: unknown })?.format === EPOCH_REPORT_FORMAT && unprovenRecord(actual as EpochReport, input);
  if (unproven) throw mismatch(unproven);
  const recomputed = attributeEpoch(input);
  const difference = firstDifference(recomputed, actual, "");
  if (difference) throw mismatch(difference);
  return recomputed;
}

/** The first record of `report` that is not a leaf of its settlement's log, or a settlement whose calls differ. */
function unprovenRecord(report: EpochReport, input: EpochInput): Difference | undefined {
  if (!Array.isArray(report.settlements) || !Array.isArray(input.settlements)) return undefined;
  const versionOf = new Map((report.models ?? []).map((m) => [m.modelId, m.version]));
  for (const [i, settlement] of report.settlements.entries()) {
    if (settlement?.status !== "attributed" || !Array.isArray(settlement.records)) continue;
    const given = input.settlements.find((s) => s.id === settlement.id);
    let log: InferenceLog | undefined;
    try {
      const file = given?.log instanceof Uint8Array ? new TextDecoder().decode(given.log) : given?.log;
      log = given && file !== undefined ? readInferenceLog(file, { logRoot: settlement.logRoot }) : undefined;
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
    }
    if (!log) {
      return {
        path: `settlements[${i}]`,
        problem: `the input holds no log of ${shown(settlement.id)} of root ${settlement.logRoot}.`,
        expected: "a settlement whose log the input holds",
        actual: settlement.id,
      };
    }
    let calls = 0n;
    for (const [k, record] of settlement.records.entries()) {
      const values = [
        record.id,
        settlement.modelId,
        versionOf.get(settlement.modelId) ?? 0,
        record.calls,
        record.queryHash,
        record.outputHash,
      ] as const;
      let proven = false;
      try {
        proven = verifyInferenceLeaf(settlement.logRoot, [...values], log.proof(record.id));
        calls += BigInt(record.calls);
      } catch (error) {
        if (!(error instanceof ProtocolError) && !(error instanceof Error && "code" in error)) throw error;
      }
      if (!proven) {
        const expected = `a leaf of the log of root ${settlement.logRoot}`;
        return { path: `settlements[${i}].records[${k}]`, problem: `is not ${expected}.`, expected, actual: record };
      }
    }
    if (calls.toString() !== settlement.calls) {
      return {
        path: `settlements[${i}].records`,
        problem: `add up to ${calls} calls; the settlement paid for ${settlement.calls}.`,
        expected: `${settlement.calls} calls`,
        actual: `${calls} calls`,
      };
    }
  }
  return undefined;
}

/** The first place, in canonical key order, where `actual` differs from `expected`. */
function firstDifference(expected: unknown, actual: unknown, path: string): Difference | undefined {
  const here = path === "" ? "the report" : path;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found) return found;
    }
    if (expected.length !== actual.length) {
      const i = Math.min(expected.length, actual.length);
      return differs(`${path}[${i}]`, expected[i], actual[i]);
    }
    return undefined;
  }
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const found = firstDifference(expected[key], actual[key], path === "" ? key : `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : differs(here, expected, actual);
}

function differs(path: string, expected: unknown, actual: unknown): Difference {
  return { path, problem: `is ${shown(actual)}; the input makes ${shown(expected)}.`, expected, actual };
}
