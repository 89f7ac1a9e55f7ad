import { keccak256, toUtf8Bytes } from "ethers";
import { MalformedEpochReportError } from "../errors";
import { canonicalJson as canonicalJsonOf } from "../internal/canonicalJson";

/** A uint in canonical decimal: no sign, no leading zeros (how a report writes amounts and ids). */
export const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** The report's canonical JSON (see the internal `canonicalJson`); what JSON cannot hold is a malformed report. */
export function canonicalJson(value: unknown): string {
  return canonicalJsonOf(value, (problem) => new MalformedEpochReportError("the report", problem));
}

/** keccak256 of the UTF-8 bytes of the value's canonical JSON. */
export function hashJson(value: unknown): string {
  return keccak256(toUtf8Bytes(canonicalJson(value)));
}
