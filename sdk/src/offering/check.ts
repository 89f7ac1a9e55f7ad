import { InvalidOfferingTermsError } from "../errors/offering";
import { shown } from "../internal/check";

/** Refuses a value that is not a bigint before arithmetic mixes it with bigints (a TypeError). */
export function checkBigints(values: Record<string, unknown>): void {
  for (const [path, value] of Object.entries(values)) {
    if (typeof value !== "bigint") throw new InvalidOfferingTermsError(path, `must be a bigint; got ${shown(value)}.`);
  }
}
