import type { ComponentChildren } from "preact";
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
