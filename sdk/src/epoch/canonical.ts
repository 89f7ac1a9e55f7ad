import { MalformedEpochReportError } from "../errors";
import { canonicalJson as canonicalJsonOf, writeCanonicalJson } from "../internal/canonicalJson";
import { shown } from "../internal/check";
import { keccakUtf8 } from "../rewards/keccak";

/** How a report writes amounts and ids. */
export { DECIMAL } from "../internal/check";

const invalidReport = (problem: string) => new MalformedEpochReportError("the report", problem);

/** The report's canonical JSON handed to `write` piece by piece (see the internal `writeCanonicalJson`). */
export function writeJson(value: unknown, write: (text: string) => void): void {
  writeCanonicalJson(value, write, invalidReport);
}

/** The report's canonical JSON (see the internal `canonicalJson`); what JSON cannot hold is a malformed report. */
export function canonicalJson(value: unknown): string {
  return canonicalJsonOf(value, invalidReport);
}

/** keccak256 of the UTF-8 bytes of the value's canonical JSON, hashed as it is written (never one string). */
export function hashJson(value: unknown): string {
  return keccakUtf8((write) => writeJson(value, write));
}

/** Refuses (MalformedEpochReportError) anything but an object whose `format` is an epoch report's. */
export function checkReportFormat(report: unknown): void {
  const format = (report as { format?: unknown } | null)?.format;
  if (format !== "epoch-report-v2" && format !== "epoch-report-v1") {
    throw new MalformedEpochReportError("format", `is ${shown(format)}; not an epoch report's.`);
  }
}
