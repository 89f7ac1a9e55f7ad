import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { seededRandom } from "./random";

/** Options of {@link startRpcProxy}. */
export interface RpcProxyOptions {
  /** The node's JSON-RPC URL the proxy forwards to. */
  target: string;
  seed: number;
  /** Share of requests whose connection is destroyed before any answer (the request is not forwarded). */
  dropRate: number;
  /** Share of the other requests answered only after a pause of up to `maxDelayMs`. */
  delayRate: number;
  maxDelayMs: number;
  /** Drops in a row at most, so that a client retrying more often than this always gets through. */
  maxDropsInARow: number;
  /** Drops in all at most; after them every request is forwarded (delays go on). */
  maxDrops: number;
  /**
   * A lying node: the result to answer a call of `method` with instead of the node's, or undefined to forward it. A
   * request with any call answered this way is answered whole by the proxy (its other calls forwarded one by one).
   */
  answer?: (method: string) => unknown;
}

/** What the proxy did, for the test's assertions. */
export interface RpcProxyStats {
  requests: number;
  dropped: number;
  delayed: number;
  /** Calls by JSON-RPC method (each call of a batch counted). */
  methods: Record<string, number>;
  /** Calls dropped, by method. */
  droppedMethods: Record<string, number>;
}

/** An HTTP proxy in front of a JSON-RPC node on 127.0.0.1 that drops and delays requests, seeded. */
export interface RpcProxy {
  url: string;
  stats: RpcProxyStats;
  close(): Promise<void>;
}

interface JsonRpcCall {
  id?: unknown;
  method?: string;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Starts a {@link RpcProxy} on a free loopback port. */
export async function startRpcProxy(options: RpcProxyOptions): Promise<RpcProxy> {
  const random = seededRandom(options.seed);
  const stats: RpcProxyStats = { requests: 0, dropped: 0, delayed: 0, methods: {}, droppedMethods: {} };
  let inARow = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      stats.requests++;
      const body = Buffer.concat(chunks);
      let methods: string[] = [];
      try {
        const parsed = JSON.parse(body.toString()) as { method?: string } | { method?: string }[];
        methods = (Array.isArray(parsed) ? parsed : [parsed]).map((call) => call.method ?? "?");
      } catch {
        // Not JSON: forwarded as it is, for the node to answer.
      }
      const count = (into: Record<string, number>) => methods.forEach((m) => (into[m] = (into[m] ?? 0) + 1));
      count(stats.methods);
      // Every request draws both numbers, so that the choices depend only on the seed and the request's rank.
      const drop = random() < options.dropRate;
      const delay = random() < options.delayRate ? Math.floor(random() * options.maxDelayMs) : 0;
      if (drop && inARow < options.maxDropsInARow && stats.dropped < options.maxDrops) {
        inARow++;
        stats.dropped++;
        count(stats.droppedMethods);
        request.socket.destroy();
        return;
      }
      inARow = 0;
      if (delay > 0) {
        stats.delayed++;
        await sleep(delay);
      }
      const calls = (() => {
        try {
          const parsed = JSON.parse(body.toString()) as JsonRpcCall | JsonRpcCall[];
          return Array.isArray(parsed) ? parsed : [parsed];
        } catch {
          return [];
        }
      })();
      const lie = options.answer;
      if (lie && calls.some((call) => lie(call.method ?? "") !== undefined)) {
        const results = await Promise.all(
          calls.map(async (call) => {
            const result = lie(call.method ?? "");
            if (result !== undefined) return { jsonrpc: "2.0", id: call.id, result };
            const forwarded = await fetch(options.target, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(call),
            });
            return (await forwarded.json()) as unknown;
          }),
        );
        const text = Buffer.from(JSON.stringify(Array.isArray(JSON.parse(body.toString())) ? results : results[0]));
        response.writeHead(200, { "content-type": "application/json", "content-length": text.length });
        response.end(text);
        return;
      }
      try {
        const answer = await fetch(options.target, {
          method: "POST",
          headers: { "content-type": request.headers["content-type"] ?? "application/json" },
          body,
        });
        const text = Buffer.from(await answer.arrayBuffer());
        response.writeHead(answer.status, { "content-type": "application/json", "content-length": text.length });
        response.end(text);
      } catch (error) {
        response.writeHead(502, { "content-type": "text/plain" });
        response.end(`proxy: ${(error as Error).message}`);
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A JSON-RPC node that lies and does nothing else: `answer` gives a call's result, or undefined to forward it to `target`. */
export function startLyingNode(target: string, answer: (method: string) => unknown): Promise<RpcProxy> {
  return startRpcProxy({
    target,
    seed: 1,
    dropRate: 0,
    delayRate: 0,
    maxDelayMs: 0,
    maxDropsInARow: 0,
    maxDrops: 0,
    answer,
  });
}
