/**
 * Canonical JSON: object keys sorted by UTF-16 code units at every level (undefined fields left out), no whitespace,
 * strings and numbers as `JSON.stringify` writes them, so that equal values always give the same bytes to hash.
 * `invalid` makes the error thrown for what JSON cannot hold (a non-finite number, a bigint, a function), so that
 * each caller names its own document. O(size of the value).
 */
export function canonicalJson(value: unknown, invalid: (problem: string) => Error): string {
  let out = "";
  writeCanonicalJson(value, (text) => (out += text), invalid);
  return out;
}

/**
 * The canonical JSON of `value` (see {@link canonicalJson}) handed to `write` in pieces of about 64 K characters, in
 * order (never inside a string or number): for documents too large to hold as one string.
 */
export function writeCanonicalJson(
  value: unknown,
  write: (text: string) => void,
  invalid: (problem: string) => Error,
): void {
  let out = "";
  writeValue(
    value,
    (text) => {
      out += text;
      if (out.length >= 1 << 16) {
        write(out);
        out = "";
      }
    },
    invalid,
  );
  if (out !== "") write(out);
}

function writeValue(value: unknown, emit: (text: string) => void, invalid: (problem: string) => Error): void {
  if (value === null) return emit("null");
  if (Array.isArray(value)) {
    emit("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) emit(",");
      writeValue(value[i], emit, invalid);
    }
    return emit("]");
  }
  switch (typeof value) {
    case "string":
    case "boolean":
      return emit(JSON.stringify(value));
    case "number":
      if (!Number.isFinite(value)) throw invalid(`holds the number ${value}.`);
      return emit(JSON.stringify(value));
    case "object": {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      for (let i = 0; i < keys.length; i++) {
        emit(i > 0 ? `,${JSON.stringify(keys[i])}:` : `{${JSON.stringify(keys[i])}:`);
        writeValue(record[keys[i]], emit, invalid);
      }
      return emit(keys.length > 0 ? "}" : "{}");
    }
    default:
      throw invalid(`holds a ${typeof value}, which JSON cannot.`);
  }
}
