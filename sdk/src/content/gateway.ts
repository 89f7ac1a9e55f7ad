import { ContentStoreReadOnlyError, ContentUnavailableError, InvalidInputError } from "../errors";
import type { ContentInput } from "./hash";
import { checkStoredContent, cidOfUri } from "./store";
import type { ContentStore, StoredContent } from "./store";

/** Settings of a {@link GatewayContentStore}; every one has a default. */
export interface GatewayContentStoreOptions {
  /** Milliseconds one request may take, the body included (default 10,000). */
  timeoutMs?: number;
  /** Further attempts after a timeout, a dropped connection, a 429 or a 5xx answer (default 2). */
  retries?: number;
  /** Milliseconds before the first retry, doubled before each next one (default 250). */
  retryDelayMs?: number;
  /** Where `put` stores content; without it `put` throws {@link ContentStoreReadOnlyError}. */
  writeTo?: ContentStore;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
}

/** What one request came to: the bytes, a 404, or a failure that is worth (`retry`) or not worth retrying. */
type Attempt =
  { kind: "bytes"; bytes: Uint8Array } | { kind: "missing" } | { kind: "retry" | "refused"; problem: string };

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** The reason under fetch's own "fetch failed": the system's error code (ECONNRESET, ECONNREFUSED…) when it gives one. */
function transportProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const detail = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : "";
  const message = error instanceof Error ? error.message : String(error);
  return detail ? `${message} (${detail})` : message;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidInputError(`${name} must be a whole number ≥ 0.`);
  return value;
}

/**
 * A read-only {@link ContentStore} over an IPFS HTTP gateway (or `npm run content -- serve`): `get` reads
 * `<gateway>/ipfs/<cid>` with a timeout and bounded retries and checks every byte against the CID, so a gateway
 * need not be trusted. Browser-safe: it uses `fetch` only.
 *
 * A 404 is undefined (the gateway does not have it); bytes that do not hash to the CID are a
 * `StoredContentMismatchError`; timeouts, dropped connections and 5xx answers, once the retries are spent, and other
 * refusals at once, are a `ContentUnavailableError` (`reason: "unreachable"`) that names the URL.
 */
export class GatewayContentStore implements ContentStore {
  /** The gateway's base URL, without a trailing slash. */
  readonly gateway: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly writeTo?: ContentStore;
  private readonly fetch: typeof fetch;

  /** @throws InvalidInputError when `gateway` is not an http(s) URL or an option is out of range. */
  constructor(gateway: string, options: GatewayContentStoreOptions = {}) {
    let url: URL;
    try {
      url = new URL(gateway);
    } catch {
      throw new InvalidInputError(`The content gateway "${gateway}" is not a URL.`, {
        hint: "Give its base URL, e.g. http://127.0.0.1:8080 (content is read from <gateway>/ipfs/<cid>).",
      });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new InvalidInputError(`The content gateway "${gateway}" is not an http(s) URL.`);
    }
    this.gateway = gateway.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 10_000;
    if (!(this.timeoutMs > 0 && Number.isFinite(this.timeoutMs))) {
      throw new InvalidInputError("timeoutMs must be a positive number of milliseconds.");
    }
    this.retries = nonNegativeInteger(options.retries ?? 2, "retries");
    this.retryDelayMs = nonNegativeInteger(options.retryDelayMs ?? 250, "retryDelayMs");
    this.writeTo = options.writeTo;
    // Called through a closure: a browser's fetch throws when called as a method of another object.
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** The URL the content is read from: `<gateway>/ipfs/<cid>`. */
  urlOf(uriOrCid: string): string {
    return `${this.gateway}/ipfs/${cidOfUri(uriOrCid)}`;
  }

  /** Stores `content` in the writable store the gateway was given. */
  async put(content: ContentInput): Promise<StoredContent> {
    if (!this.writeTo) throw new ContentStoreReadOnlyError(this.gateway);
    return this.writeTo.put(content);
  }

  async get(uriOrCid: string): Promise<Uint8Array | undefined> {
    const cid = cidOfUri(uriOrCid);
    const url = `${this.gateway}/ipfs/${cid}`;
    let problem = "";
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) await sleep(this.retryDelayMs * 2 ** (attempt - 1));
      const answer = await this.request(url);
      if (answer.kind === "bytes") return checkStoredContent(cid, answer.bytes, { url });
      if (answer.kind === "missing") return undefined;
      if (answer.kind === "refused") {
        throw new ContentUnavailableError(cid, "unreachable", `${url} refused: ${answer.problem}.`, { url });
      }
      problem = answer.problem;
    }
    const attempts = this.retries + 1;
    throw new ContentUnavailableError(
      cid,
      "unreachable",
      `${url} could not be fetched: ${problem} (${attempts} attempt${attempts === 1 ? "" : "s"}).`,
      { url },
    );
  }

  private async request(url: string): Promise<Attempt> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await this.fetch(url, { signal: controller.signal });
      if (response.ok) return { kind: "bytes", bytes: new Uint8Array(await response.arrayBuffer()) };
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 404) return { kind: "missing" };
      const problem = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
      return { kind: response.status === 429 || response.status >= 500 ? "retry" : "refused", problem };
    } catch (error) {
      const problem = controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : transportProblem(error);
      return { kind: "retry", problem };
    } finally {
      clearTimeout(timer);
    }
  }
}
