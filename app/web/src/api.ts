import type { ApiError } from "../../server/types";

/** The API answered with an error (its one-line message), or could not be reached. */
export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** GETs `path` of the app's API (same origin) as JSON of type `T`. */
export async function getJson<T>(path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: "application/json" } });
  } catch {
    throw new ApiRequestError("The app's server cannot be reached: is `npm run app` running?", 0);
  }
  const body = (await response.json()) as T | ApiError;
  if (!response.ok) throw new ApiRequestError((body as ApiError).error ?? response.statusText, response.status);
  return body as T;
}
