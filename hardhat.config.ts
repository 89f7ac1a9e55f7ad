import "@nomicfoundation/hardhat-toolbox";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
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
  },
};

export default config;
