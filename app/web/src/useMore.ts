import { useState } from "preact/hooks";
import type { Page } from "../../server/types";
import { getJson } from "./api";

/** A list's first page and the pages after it, fetched on demand through `pathOf(cursor)`. */
export function useMore<T>(first: Page<T>, pathOf: (cursor: string) => string) {
  const [items, setItems] = useState<T[]>(first.items);
  const [next, setNext] = useState(first.next);
  const [failure, setFailure] = useState<string>();
  const more = async () => {
    try {
      const page = await getJson<Page<T>>(pathOf(next!));
      setItems([...items, ...page.items]);
      setNext(page.next);
    } catch (error) {
      setFailure((error as Error).message);
    }
  };
  return { items, more: next === null ? undefined : more, failure };
}
