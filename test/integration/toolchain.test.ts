import { exec } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import hre from "hardhat";
import {
  TASK_COMPILE_SOLIDITY_CHECK_ERRORS,
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
} from "hardhat/builtin-tasks/task-names";
import { SOLC_VERSION, contractWarnings } from "../../hardhat.config";

const ROOT = path.resolve(__dirname, "../..");

describe("Offline compiler", function () {
  it("uses the solc-js build of the pinned npm package", async function () {
    const build = await hre.run(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, { quiet: true, solcVersion: SOLC_VERSION });
    expect(build.isSolcJs).to.equal(true);
    expect(build.compilerPath).to.equal(require.resolve("solc/soljson.js"));
    expect(build.version).to.equal(SOLC_VERSION);
    expect(require("solc/package.json").version).to.equal(SOLC_VERSION);
  });

  it("names the fix when the requested version is not the installed one", async function () {
    await hre.run(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, { quiet: true, solcVersion: "0.8.20" }).then(
      () => expect.fail("a mismatched compiler was accepted"),
      (error: Error) => {
        expect(error.message).to.contain("Solidity 0.8.20 is requested but the npm package solc is 0.8.28");
        expect(error.message).to.contain("npm install --save-exact solc@0.8.20");
      },
    );
  });
});

describe("Static analysis gates", function () {
  it("fails solhint, as npm run lint runs it, on a contract with security findings", async function () {
    // Inside the project (its ignored cache folder): solhint lints only files under the working directory.
    const dir = mkdtempSync(path.join(ROOT, "cache", "solhint-"));
    try {
      const file = path.join(dir, "Insecure.sol");
      writeFileSync(
        file,
        [
          "// SPDX-License-Identifier: MIT",
          "pragma solidity ^0.8.24;",
          "",
          "contract Insecure {",
          "    function owner() external view returns (bool) {",
          "        return tx.origin == msg.sender && block.timestamp > 0;",
          "    }",
          "}",
          "",
        ].join("\n"),
      );
      // The same command and flags as the lint script, pointed at the one file.
      const script: string = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts["lint:sol"];
      const command = script.replace('"contracts/**/*.sol"', JSON.stringify(file));
      expect(command).to.not.equal(script);
      const failure = await promisify(exec)(command, { cwd: ROOT }).then(
        () => expect.fail("solhint passed a contract with security findings"),
        (error: { code: number; stdout: string }) => error,
      );
      expect(failure.code).to.not.equal(0);
      expect(failure.stdout).to.contain("avoid-tx-origin");
      expect(failure.stdout).to.contain("not-rely-on-time");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails the compile on a solc warning in contracts/, printing it on one line", async function () {
    const solc = require("solc");
    const source = [
      "// SPDX-License-Identifier: MIT",
      "pragma solidity ^0.8.24;",
      "",
      "contract Warned {",
      "    function one() external pure returns (uint256) {",
      "        uint256 unused;",
      "        return 1;",
      "    }",
      "}",
      "",
    ].join("\n");
    const compile = (file: string) =>
      JSON.parse(
        solc.compile(
          JSON.stringify({
            language: "Solidity",
            sources: { [file]: { content: source } },
            settings: { outputSelection: { "*": { "*": [] } } },
          }),
        ),
      );
    const output = compile("contracts/Warned.sol");
    expect(contractWarnings(output)).to.deep.equal(["contracts/Warned.sol:6:9: warning 2072: Unused local variable."]);
    // Hardhat prints each warning and the gate its lines: not this test's output.
    const { error: errors, warn } = console;
    console.error = console.warn = () => undefined;
    try {
      await hre.run(TASK_COMPILE_SOLIDITY_CHECK_ERRORS, { output, quiet: true }).then(
        () => expect.fail("a compiler warning passed"),
        (error: Error) => expect(error.message).to.contain("solc reported 1 warning(s) in contracts/"),
      );
      // Outside contracts/ (a dependency's warning) the gate does not apply.
      await hre.run(TASK_COMPILE_SOLIDITY_CHECK_ERRORS, { output: compile("lib/Warned.sol"), quiet: true });
    } finally {
      console.error = errors;
      console.warn = warn;
    }
  });
});
