/**
 * The operator's content folder: `serve` it read-only over HTTP with a gateway's `/ipfs/<cid>` paths, so that
 * verifiers elsewhere fetch with CONTENT_GATEWAY, and `publish` files into it.
 */
import { readFile, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
// The modules themselves rather than the entries: this command starts in a fraction of the time.
import { ProtocolError } from "../sdk/src/errors/base";
import { DEFAULT_CONTENT_DIR, FileContentStore } from "../sdk/src/node/fileContentStore";
import { serveContentFolder } from "../sdk/src/node/contentServer";

const HELP = `The operator's content-addressed folder (<dir>/<cid>).

  npm run content -- serve   [--dir ${DEFAULT_CONTENT_DIR}] [--port 8080] [--host 127.0.0.1]
  npm run content -- publish [--dir ${DEFAULT_CONTENT_DIR}] <file...>

  serve     serves the folder read-only over HTTP at /ipfs/<cid> (see: npm run content -- serve --help)
  publish   stores files in the folder and prints each CID and ipfs:// URI (see: npm run content -- publish --help)

Exit codes: 0 done, 1 failed, 2 bad usage.`;

const SERVE_HELP = `Serves the content folder read-only over HTTP, as an IPFS gateway would: GET or HEAD /ipfs/<cid>.

  npm run content -- serve [--dir ${DEFAULT_CONTENT_DIR}] [--port 8080] [--host 127.0.0.1]

  --dir    the content folder (default ${DEFAULT_CONTENT_DIR})
  --port   TCP port (default 8080; 0 takes a free one and prints it)
  --host   address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for every interface)

Every file is checked against its CID before it is sent: a damaged one is answered 500 and logged, never served.
Verifiers read it with CONTENT_GATEWAY=http://<host>:<port>. Example:
  npm run content -- serve --port 8080 --host 0.0.0.0
Stops on Ctrl-C. Exit codes: 0 stopped, 1 could not listen, 2 bad usage.`;

const PUBLISH_HELP = `Stores files in the content folder under their CIDs and prints, for each, its CID, its ipfs:// URI and the file.

  npm run content -- publish [--dir ${DEFAULT_CONTENT_DIR}] <file...>

  --dir    the content folder (default ${DEFAULT_CONTENT_DIR}; created when missing)

Publishing the same bytes again is harmless. Example:
  npm run content -- publish reports/epoch-3.json
Exit codes: 0 done, 1 failed to write, 2 bad usage (no file, an unreadable or empty file).`;

/** Bad usage: a one-line message and exit code 2. */
class UsageError extends Error {}

const COMMON = {
  dir: { type: "string", default: DEFAULT_CONTENT_DIR },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** What `parseArgs` returns, its complaints (unknown option, missing value…) turned into bad usage. */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function port(value: string): number {
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`--port must be a port number from 0 to 65535, not "${value}".`);
  }
  return Number(value);
}

async function serve(args: string[]): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({
      args,
      options: { ...COMMON, port: { type: "string", default: "8080" }, host: { type: "string", default: "127.0.0.1" } },
      strict: true,
    }),
  );
  if (values.help) return help(SERVE_HELP);
  const listenPort = port(values.port);
  if (!(await stat(values.dir).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`the content folder "${values.dir}" does not exist (publish to it first, or give --dir).`);
  }
  let server;
  try {
    server = await serveContentFolder({
      dir: values.dir,
      port: listenPort,
      host: values.host,
      onDamaged: (error) => console.error(`content: ${error.shortMessage} Answered 500.`),
    });
  } catch (error) {
    console.error(`content: cannot listen on ${values.host}:${listenPort}: ${(error as Error).message}`);
    return 1;
  }
  console.log(`content: serving ${values.dir} read-only at ${server.url}/ipfs/<cid> (Ctrl-C stops)`);
  await new Promise<void>((stop) => {
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return 0;
}

async function publish(args: string[]): Promise<number> {
  const { values, positionals: files } = parsed(() =>
    parseArgs({ args, options: COMMON, allowPositionals: true, strict: true }),
  );
  if (values.help) return help(PUBLISH_HELP);
  if (files.length === 0) throw new UsageError("publish needs at least one file (see --help).");
  const contents: Uint8Array[] = [];
  for (const file of files) {
    const bytes = await readFile(file).catch(() => {
      throw new UsageError(`cannot read "${file}".`);
    });
    if (bytes.length === 0) throw new UsageError(`"${file}" is empty; content needs at least one byte.`);
    contents.push(bytes);
  }
  const store = new FileContentStore(values.dir);
  for (const [i, content] of contents.entries()) {
    const { cid, uri } = await store.put(content);
    console.log(`${cid}\t${uri}\t${files[i]}`);
  }
  return 0;
}

function help(text: string): number {
  console.log(text);
  return 0;
}

/** Runs `npm run content -- <argv>` and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "serve") return await serve(rest);
    if (command === "publish") return await publish(rest);
    if (command === "--help" || command === "-h") return help(HELP);
    if (command === undefined) throw new UsageError("say serve or publish (see --help).");
    throw new UsageError(`unknown command "${command}": say serve or publish (see --help).`);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`content: ${error.message}`);
      return 2;
    }
    console.error(`content: ${error instanceof ProtocolError ? error.shortMessage : (error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
