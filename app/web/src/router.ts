import { useEffect, useState } from "preact/hooks";

/** The page's routes, in the URL's hash so that any static host serves them. */
export type Route =
  | { page: "datanets" }
  | { page: "datanet"; id: string }
  | { page: "leaderboard"; id: string }
  | { page: "contributor"; address: string }
  | { page: "epochs" }
  | { page: "epoch"; epoch: string }
  | { page: "records"; epoch: string }
  | { page: "record"; epoch: string; settlement: string; record: string }
  | { page: "models" }
  | { page: "model"; id: string }
  | { page: "missing"; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  let m: RegExpMatchArray | null;
  if (path === "/" || path === "/datanets") return { page: "datanets" };
  if ((m = path.match(/^\/datanets\/(\d+)$/))) return { page: "datanet", id: m[1] };
  if ((m = path.match(/^\/datanets\/(\d+)\/leaderboard$/))) return { page: "leaderboard", id: m[1] };
  if (path === "/models") return { page: "models" };
  if ((m = path.match(/^\/models\/(\d+)$/))) return { page: "model", id: m[1] };
  if ((m = path.match(/^\/contributors\/(0x[0-9a-fA-F]{40})$/))) return { page: "contributor", address: m[1] };
  if (path === "/epochs") return { page: "epochs" };
  if ((m = path.match(/^\/epochs\/(\d+)$/))) return { page: "epoch", epoch: m[1] };
  if ((m = path.match(/^\/epochs\/(\d+)\/records$/))) return { page: "records", epoch: m[1] };
  if ((m = path.match(/^\/epochs\/(\d+)\/records\/(0x[0-9a-fA-F]{64}:\d+)\/(.+)$/))) {
    return { page: "record", epoch: m[1], settlement: m[2], record: decodeURIComponent(m[3]) };
  }
  return { page: "missing", path };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}
