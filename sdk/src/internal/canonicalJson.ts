/**
 * Canonical JSON: object keys sorted by UTF-16 code units at every level (undefined fields left out), no whitespace,
 * strings and numbers as `JSON.stringify` writes them, so that equal values always give the same bytes to hash.
 * `invalid` makes the error thrown for what JSON cannot hold (a non-finite number, a bigint, a function), so that
 * each caller names its own document. O(size of the value).
 */
export function canonicalJson(value: unknown, invalid: (problem: string) => Error): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, invalid)).join(",")}]`;
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw invalid(`holds the number ${value}.`);
      return JSON.stringify(value);
    case "object": {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key], invalid)}`).join(",")}}`;
    }
    default:
      throw invalid(`holds a ${typeof value}, which JSON cannot.`);
  }
}
