/**
 * The operator's content folder: `serve` it read-only over HTTP with a gateway's `/ipfs/<cid>` paths, so that
 * verifiers elsewhere fetch with CONTENT_GATEWAY, and `publish` files into it (--help for every option).
 *
 *   npm run content -- serve   [--dir data/content] [--port 8080] [--host 127.0.0.1]
 *   npm run content -- publish [--dir data/content] <file...>
 */
import { readFile, stat } from "node:fs/promises";
import * as z from "zod";
// The modules themselves rather than the entries: this command starts in a fraction of the time.
import { DEFAULT_CONTENT_DIR, FileContentStore } from "../sdk/src/node/fileContentStore";
import { serveContentFolder } from "../sdk/src/node/contentServer";
import { CommandError, UsageError, exitWithGroup, opt } from "./lib/cli";
import type { Command, CommandGroup, OptionSpec } from "./lib/cli";

const DIR_OPTION: OptionSpec = {
  type: "string",
  value: "<dir>",
  description: "the content folder, files named by their CIDs",
  example: `--dir ${DEFAULT_CONTENT_DIR}`,
  default: DEFAULT_CONTENT_DIR,
};

const SERVE_SCHEMA = z.object({
  dir: opt.string("dir"),
  port: opt.port("port"),
  host: opt.string("host"),
});

/** `npm run content -- serve`: see --help. */
export const serveCommand: Command<z.output<typeof SERVE_SCHEMA>> = {
  name: "content serve",
  summary:
    "Serves the content folder read-only over HTTP, as an IPFS gateway would: GET or HEAD /ipfs/<cid>. Every file is\n" +
    "checked against its CID before it is sent: a damaged one is answered 500 and logged, never served. Verifiers\n" +
    "read it with CONTENT_GATEWAY=http://<host>:<port>. Stops on Ctrl-C.",
  options: {
    dir: DIR_OPTION,
    port: {
      type: "string",
      value: "<port>",
      description: "TCP port; 0 takes a free one and prints it",
      example: "--port 8080",
      default: "8080",
    },
    host: {
      type: "string",
      value: "<address>",
      description: "address to listen on: 127.0.0.1 is this machine only, 0.0.0.0 every interface",
      example: "--host 0.0.0.0",
      default: "127.0.0.1",
    },
  },
  examples: ["npm run content -- serve --port 8080 --host 0.0.0.0"],
  schema: SERVE_SCHEMA,
  async run(o) {
    if (!(await stat(o.dir).catch(() => undefined))?.isDirectory()) {
      throw new UsageError(`the content folder "${o.dir}" does not exist (publish to it first, or give --dir).`);
    }
    let server;
    try {
      server = await serveContentFolder({
        dir: o.dir,
        port: o.port,
        host: o.host,
        onDamaged: (error) => console.error(`content: ${error.shortMessage} Answered 500.`),
      });
    } catch (error) {
      throw new CommandError(`cannot listen on ${o.host}:${o.port}: ${(error as Error).message}`);
    }
    console.log(`content: serving ${o.dir} read-only at ${server.url}/ipfs/<cid> (Ctrl-C stops)`);
    await new Promise<void>((stop) => {
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
  },
};

const PUBLISH_SCHEMA = z.object({
  dir: opt.string("dir"),
  positionals: z.array(z.string()).min(1, "publish needs at least one file (see --help)."),
});

/** `npm run content -- publish`: see --help. */
export const publishCommand: Command<z.output<typeof PUBLISH_SCHEMA>> = {
  name: "content publish",
  summary:
    "Stores files in the content folder under their CIDs (created when missing) and prints, for each, its CID, its\n" +
    "ipfs:// URI and the file. Publishing the same bytes again is harmless.",
  options: { dir: DIR_OPTION },
  positionals: { value: "<file...>", description: "the files to publish, each at least one byte" },
  examples: ["npm run content -- publish reports/epoch-3.json"],
  schema: PUBLISH_SCHEMA,
  async run(o) {
    const files = o.positionals;
    const contents: Uint8Array[] = [];
    for (const file of files) {
      const bytes = await readFile(file).catch(() => {
        throw new UsageError(`cannot read "${file}".`);
      });
      if (bytes.length === 0) throw new UsageError(`"${file}" is empty; content needs at least one byte.`);
      contents.push(bytes);
    }
    const store = new FileContentStore(o.dir);
    for (const [i, content] of contents.entries()) {
      const { cid, uri } = await store.put(content);
      console.log(`${cid}\t${uri}\t${files[i]}`);
    }
  },
};

/** `npm run content`: the content folder's commands. */
export const contentCommands: CommandGroup = {
  name: "content",
  summary: `The operator's content-addressed folder (<dir>/<cid>, default ${DEFAULT_CONTENT_DIR}).`,
  commands: { serve: serveCommand as Command<never>, publish: publishCommand as Command<never> },
};

if (require.main === module) exitWithGroup(contentCommands);
