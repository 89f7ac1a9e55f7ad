/**
 * The runtimes a user may load the SDK under, for the runtime bench and tests: one program, scripts/bench/treeChild.ts,
 * run from the TypeScript sources under ts-node and tsx, and against the built package as CommonJS, as ESM and
 * bundled by esbuild with the package's helper thread emitted next to the bundle (as the README tells bundler users).
 *
 * The package is built afresh into node_modules/.cache (tsup with the package's own config, declarations skipped)
 * and laid out as npm installs it, so what runs is the current source, and `sdk/dist` is left alone.
 */
import { spawn } from "node:child_process";
import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import * as path from "node:path";
import { build as esbuild } from "esbuild";
import type { BuildOptions, Plugin } from "esbuild";
import { build as tsup } from "tsup";
import type { Options } from "tsup";
import tsupConfig from "../../sdk/tsup.config";

const ROOT = path.join(__dirname, "../..");
const SDK = path.join(ROOT, "sdk");
const CHILD = path.join(ROOT, "scripts/bench/treeChild.ts");
const WORK = path.join(ROOT, "node_modules/.cache/open-attribution-runtimes");
const PACKAGE = "@open-attribution/sdk";

export interface Runtime {
  name: string;
  /** The command that runs the child program; its arguments follow. */
  command: string[];
}

const NODE = [process.execPath, "--expose-gc"];

/** How to run the child program under each runtime, once {@link prepareRuntimes} built what they run. */
export const RUNTIMES: readonly Runtime[] = [
  { name: "ts-node (sources)", command: [...NODE, "-r", "ts-node/register/transpile-only", CHILD] },
  { name: "tsx (sources)", command: [path.join(ROOT, "node_modules/.bin/tsx"), "--expose-gc", CHILD] },
  { name: "node, built CJS", command: [...NODE, path.join(WORK, "child.cjs")] },
  { name: "node, built ESM", command: [...NODE, path.join(WORK, "child.mjs")] },
  { name: "esbuild bundle, ESM", command: [...NODE, path.join(WORK, "bundle-esm/child.mjs")] },
  { name: "esbuild bundle, CJS", command: [...NODE, path.join(WORK, "bundle-cjs/child.js")] },
];

/** Builds the package and the child program's variants that {@link RUNTIMES} run. */
export async function prepareRuntimes(): Promise<void> {
  await rm(WORK, { recursive: true, force: true });
  const installed = path.join(WORK, "node_modules", PACKAGE);
  await mkdir(installed, { recursive: true });
  await copyFile(path.join(SDK, "package.json"), path.join(installed, "package.json"));
  const config = tsupConfig as Options;
  // tsup leaves a package's dependencies external, reading them from the package.json where it runs: here, the root.
  const manifest = JSON.parse(await readFile(path.join(SDK, "package.json"), "utf8"));
  await tsup({
    ...config,
    external: [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)],
    entry: Object.fromEntries(
      Object.entries(config.entry as Record<string, string>).map(([k, v]) => [k, path.join(SDK, v)]),
    ),
    tsconfig: path.join(SDK, config.tsconfig as string),
    outDir: path.join(installed, "dist"),
    dts: false,
    sourcemap: false,
    silent: true,
    config: false,
  });

  const compiled: BuildOptions = {
    entryPoints: [CHILD],
    bundle: true,
    packages: "external",
    platform: "node",
    logLevel: "error",
  };
  await esbuild({ ...compiled, format: "cjs", outfile: path.join(WORK, "child.cjs"), plugins: [sdkFromPackage(true)] });
  await esbuild({ ...compiled, format: "esm", outfile: path.join(WORK, "child.mjs"), plugins: [sdkFromPackage(true)] });
  for (const format of ["esm", "cjs"] as const) {
    await esbuild({
      entryPoints: { child: CHILD, treeWorker: `${PACKAGE}/tree-worker` },
      bundle: true,
      platform: "node",
      format,
      outdir: path.join(WORK, `bundle-${format}`),
      outExtension: { ".js": format === "esm" ? ".mjs" : ".js" },
      absWorkingDir: WORK,
      plugins: [sdkFromPackage(false)],
      logLevel: "error",
    });
  }
}

/**
 * Resolves the child's import of the SDK's Node entry to the installed package, as a user's program imports it:
 * left to Node (`external`) or bundled.
 */
function sdkFromPackage(external: boolean): Plugin {
  return {
    name: "sdk-from-package",
    setup(build) {
      build.onResolve({ filter: /sdk\/src\/node$/ }, async ({ kind }) => {
        if (external) return { path: `${PACKAGE}/node`, external: true };
        const resolved = await build.resolve(`${PACKAGE}/node`, { kind, resolveDir: WORK });
        return { path: resolved.path, sideEffects: resolved.sideEffects };
      });
    },
  };
}

/** Runs the child program under `runtime` with `args` and returns its RESULT line, parsed; stderr is passed on. */
export function runChild<T>(runtime: Runtime, args: string[]): Promise<T> {
  const [command, ...rest] = runtime.command;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...rest, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = output.split("\n").find((l) => l.startsWith("RESULT "));
      if (code === 0 && line) resolve(JSON.parse(line.slice("RESULT ".length)) as T);
      else reject(new Error(`${runtime.name} exited with code ${code}:\n${output}`));
    });
  });
}
