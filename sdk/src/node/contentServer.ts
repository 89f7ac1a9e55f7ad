import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { cidFromContentHash, contentHashFromCid } from "../content/hash";
import { InvalidInputError, StoredContentMismatchError } from "../errors";
import { checkOptions } from "./checks";
import { FileContentStore } from "./fileContentStore";

/** Where and what {@link serveContentFolder} serves. */
export interface ContentServerOptions {
  /** The content folder (`<dir>/<cid>`, as `FileContentStore` writes it). */
  dir: string;
  /** Default 8080; 0 takes any free port (the returned `url` says which). */
  port?: number;
  /** Default 127.0.0.1: only this machine. */
  host?: string;
  /** Told of each damaged file a request found (it is answered 500, not served). */
  onDamaged?: (error: StoredContentMismatchError) => void;
}

/** A running content server. */
export interface ContentServer {
  /** Its base URL, e.g. `http://127.0.0.1:8080`: a `CONTENT_GATEWAY` for `GatewayContentStore`. */
  url: string;
  server: Server;
  /** Stops listening and waits for open connections to end. */
  close(): Promise<void>;
}

function answer(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers });
  response.end(`${message}\n`);
}

/** The canonical CID (base32 CIDv1) `/ipfs/<cid>` asks for; undefined when the segment is not a raw sha-256 CID. */
function requestedCid(segment: string): string | undefined {
  try {
    // Re-encoding from the digest makes the file name base32 whatever encoding was asked, so it cannot leave the folder.
    return cidFromContentHash(contentHashFromCid(segment));
  } catch {
    return undefined;
  }
}

/**
 * A request listener that serves a content folder read-only with a gateway's path shape: `GET|HEAD /ipfs/<cid>` is
 * 200 with the bytes (checked against the CID first: a damaged file is 500, never sent), 404 when the folder does not
 * hold it, 400 when the segment is not a raw sha-256 CID; any other path is 404 and any other method 405.
 */
export function contentRequestListener(
  dir: string,
  onDamaged: (error: StoredContentMismatchError) => void = () => undefined,
): RequestListener {
  const folder = new FileContentStore(dir);
  if (typeof onDamaged !== "function") throw new InvalidInputError("onDamaged must be a function.");
  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return answer(response, 405, "Only GET and HEAD: the content is read-only.", { Allow: "GET, HEAD" });
    }
    const path = (request.url ?? "/").split("?")[0];
    const match = /^\/ipfs\/([^/]*)$/.exec(path);
    if (!match) return answer(response, 404, "Not found: content is served at /ipfs/<cid>.");
    const cid = requestedCid(match[1]);
    if (!cid) return answer(response, 400, "Not a raw sha-256 CID (bafkrei…).");
    let bytes: Uint8Array | undefined;
    try {
      bytes = await folder.get(cid);
    } catch (error) {
      if (error instanceof StoredContentMismatchError) {
        onDamaged(error);
        return answer(response, 500, `The stored copy of ${cid} is damaged; it is not served.`);
      }
      return answer(response, 500, `${cid} could not be read.`);
    }
    if (!bytes) return answer(response, 404, `${cid} is not here.`);
    response.writeHead(200, {
      "Content-Type": "application/octet-stream",
      "Content-Length": String(bytes.byteLength),
      "Cache-Control": "public, max-age=31536000, immutable",
      ETag: `"${cid}"`,
      "X-Content-Type-Options": "nosniff",
    });
    response.end(request.method === "HEAD" ? undefined : bytes);
  };
  return (request, response) => {
    serve(request, response).catch(() => response.destroy());
  };
}

/**
 * Serves the content folder `dir` over HTTP (see {@link contentRequestListener}) until `close()`.
 * @throws InvalidInputError for a folder that is a file, a port out of range, or one it cannot listen on.
 */
export async function serveContentFolder(options: ContentServerOptions): Promise<ContentServer> {
  checkOptions(options, "The content server's options");
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidInputError(`The port must be an integer from 0 to 65535, not ${String(port)}.`);
  }
  const listener = contentRequestListener(options.dir, options.onDamaged);
  // A folder that does not exist yet is served as empty; a file in its place would answer every request with 500.
  const found = await stat(options.dir).catch(() => undefined);
  if (found && !found.isDirectory()) throw new InvalidInputError(`The content folder ${options.dir} is not a folder.`);
  const server = createServer(listener);
  await new Promise<void>((listening, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      fail(
        new InvalidInputError(`Cannot serve content on ${host}:${port}: ${error.code ?? error.message}.`, {
          hint: error.code === "EADDRINUSE" ? "Another program listens there: choose another port." : undefined,
          cause: error,
        }),
      ),
    );
    server.listen(port, host, () => {
      server.removeAllListeners("error");
      listening();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}`,
    server,
    close: () =>
      new Promise<void>((closed, fail) => {
        server.close((error) => (error ? fail(error) : closed()));
        server.closeAllConnections();
      }),
  };
}
