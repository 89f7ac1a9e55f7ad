import { createRequire } from "node:module";
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/* Where a thread's module file is, and how to start it: shared by the reward tree's and the epoch's threads. */

/**
 * The built ES module's own URL: tsup defines it as `import.meta.url` in the ESM output only, since CommonJS (and so
 * the sources under ts-node) cannot even parse `import.meta`. Undeclared, hence undefined, everywhere else.
 */
declare const __ESM_MODULE_URL__: string | undefined;

/** This module's URL: a chunk in `dist`, a bundle, or `src/node/workerModule.ts`. */
function ownUrl(): string | undefined {
  if (typeof __ESM_MODULE_URL__ === "string") return __ESM_MODULE_URL__;
  return typeof __filename === "string" ? pathToFileURL(__filename).href : undefined;
}

/** Module `name` next to this one, with its extension (`dist/<name>.mjs`, `src/node/<name>.ts`, …). */
export function siblingModule(name: string): URL | undefined {
  const own = ownUrl();
  return own === undefined ? undefined : new URL(`./${name}${extname(fileURLToPath(own))}`, own);
}

/**
 * The flags a worker thread needs to load `worker`: none for JavaScript, and none inherited (a `-r ts-node/register`
 * would cost the thread a second of start-up for nothing). TypeScript (the SDK run from its sources) needs the
 * loader this process runs under, registered through CommonJS, as ESM loader hooks (`--import tsx`) do not reach
 * worker threads in Node 20: ts-node where it is registered (Hardhat and ts-node's CLI do), else tsx.
 */
export function loaderFlags(worker: URL): string[] {
  if (!worker.pathname.endsWith(".ts")) return [];
  const tsNode = (process as unknown as Record<symbol, unknown>)[Symbol.for("ts-node.register.instance")];
  const require = createRequire(worker);
  return ["--require", require.resolve(tsNode === undefined ? "tsx/cjs" : "ts-node/register/transpile-only")];
}
