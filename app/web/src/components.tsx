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
