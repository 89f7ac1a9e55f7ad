import { keccak256, toUtf8Bytes } from "ethers";
import { MalformedEpochReportError } from "../errors";

/** A uint in canonical decimal: no sign, no leading zeros (how a report writes amounts and ids). */
export const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Canonical JSON: object keys sorted by UTF-16 code units at every level (undefined fields left out), no whitespace,
 * strings and numbers as `JSON.stringify` writes them. O(size of the value).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new MalformedEpochReportError("the report", `holds the number ${value}.`);
      return JSON.stringify(value);
    case "object": {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(",")}}`;
    }
    default:
      throw new MalformedEpochReportError("the report", `holds a ${typeof value}, which JSON cannot.`);
  }
}

/** keccak256 of the UTF-8 bytes of the value's canonical JSON. */
export function hashJson(value: unknown): string {
  return keccak256(toUtf8Bytes(canonicalJson(value)));
}
