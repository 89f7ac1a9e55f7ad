import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import type { Page } from "../../server/types";
import { useApi } from "./useApi";
import type { Loaded } from "./useApi";

/** Renders `state`'s data with `render`, or a loading line, or the error's message in an alert. */
export function Show<T>({ state, render }: { state: Loaded<T>; render: (data: T) => ComponentChildren }) {
  if (state.status === "loading") return <p aria-busy="true">Loading…</p>;
  if (state.status === "error") {
    return (
      <p role="alert" class="error">
        {state.message}
      </p>
    );
  }
  return <>{render(state.data)}</>;
}

/** A labelled figure: a big number with what it means. */
export function Stat({ label, value, testId }: { label: string; value: ComponentChildren; testId?: string }) {
  return (
    <div class="stat">
      <div class="value" data-testid={testId}>
        {value}
      </div>
      <div class="label">{label}</div>
    </div>
  );
}

/** A list's first page from `path` (up to 200 rows) and a box searching it by URI or owner. */
export function useSearchedList<T>(path: string): { state: Loaded<Page<T>>; searchBox: JSX.Element } {
  const [search, setSearch] = useState("");
  const state = useApi<Page<T>>(`${path}?limit=200${search ? `&search=${encodeURIComponent(search)}` : ""}`);
  const searchBox = (
    <label>
      Search by URI or owner{" "}
      <input type="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
    </label>
  );
  return { state, searchBox };
}

/** The button that fetches a list's next page (none on the last), and the error of the last try. */
export function More({ more, failure, label }: { more?: () => void; failure?: string; label: string }) {
  return (
    <>
      {more && (
        <button type="button" onClick={more}>
          {label}
        </button>
      )}
      {failure && (
        <p role="alert" class="error">
          {failure}
        </p>
      )}
    </>
  );
}
