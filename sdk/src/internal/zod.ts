import type { z } from "zod";

/** A zod issue path as code writes it, `accounts[2].amount`; `root` when that is empty (the value itself). */
export function zodPath(path: readonly PropertyKey[], root: string): string {
  const written = path
    .map((key, k) => (typeof key === "number" ? `[${key}]` : k === 0 ? String(key) : `.${String(key)}`))
    .join("");
  return written === "" ? root : written;
}

/** A zod issue as `[path, message]`, the path as {@link zodPath} writes it, an unknown key included. */
export function describeZodIssue(issue: z.core.$ZodIssue, root: string): [string, string] {
  const keys = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
  const message = issue.code === "unrecognized_keys" ? "is not a known field." : issue.message;
  return [zodPath(keys, root), message];
}
