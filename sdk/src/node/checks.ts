import type { ContentStore } from "../content/store";
import { InvalidInputError } from "../errors";

/* Argument checks the Node entry's functions share; not exported from the entry. */

/** `store`, checked to have a content store's `get` and `put`. @throws InvalidInputError otherwise. */
export function checkContentStore(store: ContentStore, what = "The content store"): ContentStore {
  if (typeof store?.get !== "function" || typeof store.put !== "function") {
    throw new InvalidInputError(`${what} is not a content store (an object with get and put).`);
  }
  return store;
}

/** `value`, checked to be a non-null object (not an array): an options or settings argument. */
export function checkOptions<T>(value: T, what: string): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidInputError(`${what} must be an object, not ${value === null ? "null" : typeof value}.`);
  }
  return value;
}
