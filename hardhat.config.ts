import "@nomicfoundation/hardhat-toolbox";
import { subtask } from "hardhat/config";
import {
  TASK_COMPILE_SOLIDITY_CHECK_ERRORS,
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
} from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import { HardhatPluginError } from "hardhat/plugins";
import * as fs from "fs";
import * as path from "path";

/** The compiler version the contracts are written for; it must equal the pinned npm package `solc`. */
export const SOLC_VERSION = "0.8.28";

// Hardhat would download a compiler; this machine has no network, so compile with the solc-js build that ships
// in the pinned npm package instead. Failing here, with the fix, beats a download error deep in the compile task.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  let compilerPath: string;
  let installed: string;
  try {
    compilerPath = require.resolve("solc/soljson.js");
    installed = JSON.parse(fs.readFileSync(path.join(path.dirname(compilerPath), "package.json"), "utf8")).version;
  } catch {
    throw new Error(`The Solidity compiler is missing: run \`npm ci\` (package.json pins solc ${SOLC_VERSION}).`);
  }
  if (installed !== args.solcVersion) {
    throw new Error(
      `Solidity ${args.solcVersion} is requested but the npm package solc is ${installed}: ` +
        `run \`npm install --save-exact solc@${args.solcVersion}\` or set SOLC_VERSION in hardhat.config.ts to ${installed}.`,
    );
  }
  return { compilerPath, isSolcJs: true, version: installed, longVersion: installed };
});

/** One line per warning solc reported for the project's own contracts (`contracts/**`), as `file:line:column: message`. */
export function contractWarnings(output: {
  errors?: { severity: string; formattedMessage: string; message: string; errorCode?: string }[];
}): string[] {
  const lines: string[] = [];
  for (const error of output.errors ?? []) {
    if (error.severity !== "warning") continue;
    const at = /--> (contracts\/\S+?):(\d+):(\d+):/.exec(error.formattedMessage);
    if (at) lines.push(`${at[1]}:${at[2]}:${at[3]}: warning ${error.errorCode ?? ""}: ${error.message}`);
  }
  return lines;
}

// Compiler warnings are errors for the project's contracts: a warning there fails the compile (and so `npm run lint`)
// with one line each. Failing here, before the artifacts are written, makes every later compile report it again.
// solidity-coverage compiles instrumented copies, whose warnings are the instrumentation's, so it is left alone.
subtask(
  TASK_COMPILE_SOLIDITY_CHECK_ERRORS,
  async (args: { output: Parameters<typeof contractWarnings>[0] }, hre, runSuper) => {
    await runSuper(args);
    if ((hre as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING) return;
    const warnings = contractWarnings(args.output);
    if (warnings.length === 0) return;
    for (const line of warnings) console.error(line);
    throw new HardhatPluginError(
      "compiler warnings",
      `solc reported ${warnings.length} warning(s) in contracts/: compiler warnings are errors here.`,
    );
  },
);

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "cancun",
    },
  },
  networks: {
    localhost: { url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
  },
  paths: {
    sources: "./contracts",
    tests: "./test",
    cache: "./cache",
    artifacts: "./artifacts",
  },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "1",
    currency: "USD",
    offline: true,
    outputJSONFile: process.env.REPORT_GAS === "1" ? "gas-report.json" : undefined,
    outputJSON: process.env.REPORT_GAS === "1",
  },
  mocha: {
    timeout: 120_000,
    // npm test (scripts/testSuite.ts) asks for each file's time, to print where the run's time goes.
    ...(process.env.TEST_TIMINGS ? { reporter: path.join(__dirname, "scripts/lib/fileTimings.ts") } : {}),
  },
};

export default config;
