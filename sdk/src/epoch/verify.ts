import { attributeEpoch } from "./attribute";
import type { EpochInput } from "./input";
import { parseReportJson } from "./report";

/** The result of {@link verifyEpochReport}. */
export type EpochReportVerification = { ok: true } | { ok: false; path: string; expected: unknown; actual: unknown };

/**
 * Recomputes the report from `input` with {@link attributeEpoch} and compares it with `report` (JSON text or the
 * parsed value) field by field, in canonical key order: `ok` when they are equal to the bit, else the first field
 * that differs (e.g. `inferences[3].outputHash`, `accounts[2].amount`, or a key only one of them has) with both
 * values. An outsider holding the input (the chain's events, the contributions' texts, the inference logs) verifies
 * an epoch this way, then checks that `tree.root` is the root proposed on-chain for `epoch` and that `reportHash`
 * is the one in its `RootProposed` event.
 *
 * @throws as {@link attributeEpoch} does when the input is invalid; MalformedEpochReportError when `report` is a
 *   string that is not JSON.
 */
export function verifyEpochReport(report: unknown, input: EpochInput): EpochReportVerification {
  const actual = parseReportJson(report);
  const difference = firstDifference(attributeEpoch(input), actual, "");
  return difference === undefined ? { ok: true } : { ok: false, ...difference };
}

/** The first place, in canonical key order, where `actual` differs from `expected`. */
function firstDifference(
  expected: unknown,
  actual: unknown,
  path: string,
): { path: string; expected: unknown; actual: unknown } | undefined {
  const here = path === "" ? "the report" : path;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found) return found;
    }
    if (expected.length !== actual.length) {
      const i = Math.min(expected.length, actual.length);
      return { path: `${path}[${i}]`, expected: expected[i], actual: actual[i] };
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
  return Object.is(expected, actual) ? undefined : { path: here, expected, actual };
}
