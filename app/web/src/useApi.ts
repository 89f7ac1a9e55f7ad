import { useEffect, useState } from "preact/hooks";
import { getJson } from "./api";

/** The state of one API read: loading, its data, or its error's message. */
export type Loaded<T> = { status: "loading" } | { status: "ok"; data: T } | { status: "error"; message: string };

/** Reads `path` (again whenever it changes). */
export function useApi<T>(path: string): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  useEffect(() => {
    let live = true;
    setState({ status: "loading" });
    getJson<T>(path).then(
      (data) => live && setState({ status: "ok", data }),
      (error: Error) => live && setState({ status: "error", message: error.message }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return state;
}
