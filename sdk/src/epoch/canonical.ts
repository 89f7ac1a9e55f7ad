import { MalformedEpochReportError } from "../errors";
import { canonicalJson as canonicalJsonOf, writeCanonicalJson } from "../internal/canonicalJson";
import { keccakUtf8 } from "../rewards/keccak";

/** A uint in canonical decimal: no sign, no leading zeros (how a report writes amounts and ids). */
export const DECIMAL = /^(0|[1-9][0-9]*)$/;

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
