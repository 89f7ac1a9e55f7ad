/**
 * The web app: the page built into app/dist and its API over the operator's index database, on localhost. The index
 * follows the chain while the app runs.
 *
 *   npm run app -- --network localhost [--port 8080]   (--help for every option)
 */
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import * as z from "zod";
import { createApi } from "../app/server/api";
import { offeringReader } from "../app/server/chain";
import { loadEpochReports, refreshQualityViews } from "../sdk/src/node";
import type { IndexDatabase } from "../sdk/src/node";
import type { ContentStore } from "../sdk/src";
import { CommandError, exitWith, opt } from "./lib/cli";
import type { Command } from "./lib/cli";
import { NETWORK_ENVIRONMENT, NETWORK_OPTIONS, NETWORK_SCHEMA, ROOT, openNetwork } from "./lib/operator";

/** Where `npm run build:app` writes the page. */
export const APP_DIST = join(ROOT, "app", "dist");

/** The API and, when built, the page from `dist`: what `npm run app` serves. */
export function appServer(api: Hono, dist: string = APP_DIST): Hono {
  if (existsSync(join(dist, "index.html"))) {
    api.use("/*", serveStatic({ root: relative(process.cwd(), dist) }));
  }
  return api;
}

/** Starts `app` on `host:port` (port 0 picks a free one); resolves once it listens. */
export function listen(app: Hono, host: string, port: number): Promise<{ server: Server; url: string }> {
  return new Promise((done, fail) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) =>
      done({ server: server as Server, url: `http://${host}:${info.port}/` }),
    ) as Server;
    server.once("error", fail);
  });
}

/**
 * What the pages read beside the events: the quality views refreshed, and the report of every proposed root read
 * from the content store (one line for each that cannot be used; it is tried again at the next sync).
 */
export async function prepareIndex(
  index: IndexDatabase,
  store: ContentStore,
  info: (line: string) => void,
): Promise<void> {
  await refreshQualityViews(index.db);
  const reports = await loadEpochReports(index.db, store, {
    onReport: (epoch, uri) => info(`Reading the report of epoch ${epoch} (${uri}) into the index…`),
  });
  for (const failed of reports.failed)
    info(`The report of epoch ${failed.epoch} is not in the index: ${failed.reason}`);
}

const APP_SCHEMA = z.object({
  ...NETWORK_SCHEMA,
  port: opt.port("port"),
  host: z.enum(["127.0.0.1", "localhost"], { error: "--host must be 127.0.0.1 or localhost: the app serves locally." }),
  interval: opt.integer("interval"),
});

/** `npm run app`: see --help. */
export const appCommand: Command<z.output<typeof APP_SCHEMA>> = {
  name: "app",
  summary:
    "Serves the web app on localhost: the page (built by npm run build:app into app/dist) and its API over the\n" +
    "network's index database, which it syncs first and then every --interval seconds while it runs. Datanets,\n" +
    "their data quality, leaderboards and contributors, and models (provenance, price, settled calls and fees,\n" +
    "fee split) as the index has them; a model's offering as the chain has it.",
  options: {
    ...NETWORK_OPTIONS,
    port: {
      type: "string",
      value: "<n>",
      description: "port to serve on (0: any free one)",
      example: "--port 8080",
      default: "8080",
    },
    host: {
      type: "string",
      value: "<host>",
      description: "127.0.0.1 or localhost",
      example: "--host 127.0.0.1",
      default: "127.0.0.1",
    },
    interval: {
      type: "string",
      value: "<seconds>",
      description: "seconds between index syncs",
      example: "--interval 15",
      default: "15",
    },
  },
  environment: NETWORK_ENVIRONMENT,
  examples: ["npm run app -- --network localhost", "npm run app -- --network localhost --port 3000"],
  schema: APP_SCHEMA,
  async run(o, context) {
    if (!existsSync(join(APP_DIST, "index.html"))) {
      throw new CommandError("the page is not built: run `npm run build:app` first (the API alone would be served).");
    }
    const network = await openNetwork(context, o);
    let timer: NodeJS.Timeout | undefined;
    try {
      await network.sync();
      await prepareIndex(network.index, network.store, (line) => context.info(line));
      // Offerings are not indexed: the API reads them from the node, through the deployment's offering factory.
      const factory = network.deployment.contracts.offeringFactory;
      const chain = factory ? await offeringReader(factory.address, network.connection.provider) : undefined;
      const { server, url } = await listen(
        appServer(createApi(network.index.db, { store: network.store, chain })),
        o.host,
        o.port,
      );
      context.info(`The app serves ${url} (Ctrl-C stops it); its index follows ${network.name} every ${o.interval} s.`);
      const follow = async () => {
        try {
          // The views too, so that no visitor waits for their refresh.
          await network.indexer.sync();
          await prepareIndex(network.index, network.store, (line) => context.info(line));
        } catch (error) {
          context.info(`Index sync failed, retrying in ${o.interval} s: ${(error as Error).message}`);
        }
        timer = setTimeout(follow, o.interval * 1000);
      };
      timer = setTimeout(follow, o.interval * 1000);
      await new Promise<void>((done) => {
        const stop = () => server.close(() => done());
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    } finally {
      clearTimeout(timer);
      await network.close();
    }
  },
};

if (require.main === module) exitWith(appCommand);
