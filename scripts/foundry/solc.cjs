#!/usr/bin/env node
// The Solidity compiler forge runs (foundry.toml `solc`): there is no native solc on these machines and forge cannot
// download one offline, so this answers forge's two questions with the solc-js build of the pinned npm `solc`, the
// compiler Hardhat uses too.
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const args = process.argv.slice(2);

if (args.includes("--version")) {
  // forge parses the line "Version: 0.8.28+commit.7893614a.Emscripten.clang".
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
} else if (args.includes("--standard-json")) {
  const input = fs.readFileSync(0, "utf8");
  const roots = [
    process.cwd(),
    ...args.filter((a, i) => args[i - 1] === "--base-path" || args[i - 1] === "--include-path"),
  ];
  // forge inlines every source in the JSON; the callback only serves an import it left out.
  const findImports = (file) => {
    for (const root of roots) {
      const candidate = path.resolve(root, file);
      if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
    }
    return { error: `File not found: ${file}` };
  };
  // Never process.exit() after this write: stdout is a pipe, and exiting would cut the JSON at 64 KiB.
  process.stdout.write(solc.compile(input, { import: findImports }));
} else {
  process.stderr.write("scripts/foundry/solc.cjs answers only --version and --standard-json (forge's calls).\n");
  process.exitCode = 2;
}
