import { useEffect, useState } from "preact/hooks";
import { ApiRequestError, getJson } from "./api";

/** The state of one API read: loading, its data, or its error's message and HTTP status (0: no answer). */
export type Loaded<T> =
  { status: "loading" } | { status: "ok"; data: T } | { status: "error"; message: string; code: number };

/** Reads `path` (again whenever it changes). */
export function useApi<T>(path: string): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  useEffect(() => {
    let live = true;
    setState({ status: "loading" });
    getJson<T>(path).then(
      (data) => live && setState({ status: "ok", data }),
      (error: Error) =>
        live &&
        setState({
          status: "error",
          message: error.message,
          code: error instanceof ApiRequestError ? error.status : 0,
        }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return state;
}
