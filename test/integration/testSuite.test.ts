import { expect } from "chai";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { THRESHOLDS, coverageGate, fileCoverage, gateReport, noticeOf } from "../../scripts/lib/coverageGate";
import type { IstanbulFile } from "../../scripts/lib/coverageGate";
import { partitionProblems, phaseOf, testPhases } from "../../scripts/lib/testPhases";

const ROOT = path.resolve(__dirname, "../..");
const solcover = require("../../.solcover.js") as { skipFiles: string[]; UNINSTRUMENTED: RegExp };

/** A file's coverage entry: `lines` maps a line to its hits, `branches` a line to the hits of its two paths. */
function entry(lines: Record<number, number>, branches: Record<number, [number, number]> = {}): IstanbulFile {
  const ids = Object.keys(branches);
  return {
    l: Object.fromEntries(Object.entries(lines)),
    b: Object.fromEntries(ids.map((line, i) => [String(i + 1), branches[Number(line)]])),
    branchMap: Object.fromEntries(ids.map((line, i) => [String(i + 1), { line: Number(line), type: "if" }])),
  };
}

/** A repository with `files` (path → content) in a temporary folder; removed by the caller. */
function repository(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "test-suite-"));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

describe("The test suite's phases and coverage gate (scripts/testSuite.ts)", function () {
  describe("phases", function () {
    it("splits every test/**/*.test.ts of the repository between the two phases, each file once", function () {
      const phases = testPhases(ROOT);
      const everyTest = readdirSync(path.join(ROOT, "test"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".test.ts"))
        .map((f) => `test/${f.split(path.sep).join("/")}`)
        .sort();
      expect([...phases.coverage, ...phases.plain].sort()).to.deep.equal(everyTest);
      expect(phases.coverage.filter((f) => phases.plain.includes(f))).to.deep.equal([]);
      expect(partitionProblems(ROOT, phases)).to.deep.equal([]);
      expect(phases.coverage).to.include("test/contracts/StakingPool.test.ts");
      expect(phases.plain).to.include("test/contracts/StakingPool.gas.test.ts");
    });

    it("runs the contract, invariant and security tests under coverage, the rest, the bytecode measures and the Hardhat campaign plain", function () {
      for (const file of [
        "test/contracts/New.test.ts",
        "test/invariant/deeper/System.invariant.test.ts",
        "test/security/newAttack.test.ts",
      ]) {
        expect(phaseOf(file), file).to.equal("coverage");
      }
      for (const file of [
        "test/contracts/New.gas.test.ts",
        "test/contracts/codeSize.bytecode.test.ts",
        "test/invariant/System.campaign.test.ts",
        "test/sdk/new.test.ts",
        "test/integration/newScript.test.ts",
        "test/app/new.browser.test.ts",
        "test/examples/new.test.ts",
        "test/newDirectory/new.test.ts",
      ]) {
        expect(phaseOf(file), file).to.equal("plain");
      }
    });

    it("names a test file in both phases or in none, and tests declared outside a *.test.ts file", function () {
      const root = repository({
        "test/contracts/A.test.ts": "",
        "test/sdk/b.test.ts": "",
        "test/sdk/c.test.ts": "",
        "test/helpers/stray.ts": 'import { expect } from "chai";\n\ndescribe("a suite no phase runs", () => {});\n',
        "test/helpers/quiet.ts": "// describe( in a comment is no test\nexport const x = 1;\n",
      });
      try {
        expect(
          partitionProblems(root, {
            coverage: ["test/contracts/A.test.ts", "test/sdk/b.test.ts"],
            plain: ["test/sdk/b.test.ts"],
          }),
        ).to.deep.equal([
          "test/sdk/b.test.ts runs in both phases",
          "test/sdk/c.test.ts runs in no phase",
          "test/helpers/stray.ts declares tests but is not named *.test.ts, so no phase runs it",
        ]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it("marks the tests that measure uninstrumented bytecode by their titles", function () {
      for (const title of [
        "StakingPool gas stays within its goals for stake",
        "The SDK over HTTP against a hardhat node reads a version",
        "Contracts' bytecode keeps every contract within the 24,576-byte code size limit",
      ]) {
        expect(solcover.UNINSTRUMENTED.test(title), title).to.equal(true);
      }
      expect(solcover.UNINSTRUMENTED.test("StakingPool stake pulls the gas token")).to.equal(false);
    });
  });

  describe("coverage gate", function () {
    const contracts = {
      "contracts/A.sol": "contract A {}",
      "contracts/interfaces/IA.sol": "interface IA {}",
      "contracts/mocks/MockA.sol":
        "/// @title MockA\n/// @notice Tests only: plays A. It does\n/// little.\ncontract MockA {}",
    };

    it("counts lines and branch paths over the contracts, mocks left out with their reason, interfaces as no code", function () {
      const root = repository(contracts);
      try {
        const lines = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i + 1, 1]));
        const result = coverageGate(
          root,
          { "contracts/A.sol": entry(lines, { 10: [1, 1] }), "contracts/interfaces/IA.sol": entry({}) },
          ["mocks/"],
        );
        expect(result.failures).to.deep.equal([]);
        expect(result.lines).to.deep.equal({ covered: 100, total: 100 });
        expect(result.branches).to.deep.equal({ covered: 2, total: 2 });
        expect(result.skipped).to.deep.equal([{ file: "contracts/mocks/MockA.sol", reason: "Tests only: plays A." }]);
        const report = gateReport(result);
        expect(report).to.include("contracts/interfaces/IA.sol  no code                 no code");
        expect(report).to.include("  contracts/mocks/MockA.sol: Tests only: plays A.");
        expect(report).to.include("Every line and branch path ran.");
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it("fails below the thresholds, listing every line and branch path not covered as file:line", function () {
      const root = repository(contracts);
      try {
        // 97 of 100 lines (below 98%) and 18 of 20 branch paths (90%, below 95%).
        const lines = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i + 1, i < 97 ? 2 : 0]));
        const branches = Object.fromEntries(
          Array.from({ length: 10 }, (_, i) => [i + 1, (i < 2 ? [1, 0] : [3, 1]) as [number, number]]),
        );
        const result = coverageGate(
          root,
          { "contracts/A.sol": entry(lines, branches), "contracts/interfaces/IA.sol": entry({}) },
          ["mocks/"],
        );
        expect(result.failures).to.deep.equal([
          `lines: 97.00% (97/100) of the contracts' lines ran, below ${THRESHOLDS.lines}%`,
          `branches: 90.00% (18/20) of the contracts' branch paths were taken, below ${THRESHOLDS.branches}%`,
        ]);
        const report = gateReport(result);
        expect(report).to.include.members([
          "Not covered:",
          "  contracts/A.sol:98  line",
          "  contracts/A.sol:99  line",
          "  contracts/A.sol:100  line",
          "  contracts/A.sol:1  branch (if false)",
          "  contracts/A.sol:2  branch (if false)",
        ]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it("fails for a contract missing from the report and for skipping anything but test doubles", function () {
      const root = repository(contracts);
      try {
        const result = coverageGate(root, { "contracts/interfaces/IA.sol": entry({}) }, ["mocks/", "A.sol"]);
        expect(result.failures).to.deep.equal([
          ".solcover.js skips A.sol, but only test doubles (contracts/mocks/) may be left out of coverage",
        ]);
        expect(coverageGate(root, { "contracts/interfaces/IA.sol": entry({}) }, ["mocks/"]).failures).to.deep.equal([
          "contracts/A.sol is not in the coverage report: it was not instrumented",
        ]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it("leaves out of the repository's coverage only its test doubles, each with the reason its @notice gives", function () {
      const result = coverageGate(ROOT, {}, solcover.skipFiles);
      const mocks = readdirSync(path.join(ROOT, "contracts/mocks"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".sol"))
        .map((f) => `contracts/mocks/${f.split(path.sep).join("/")}`)
        .sort();
      expect(result.skipped.map((s) => s.file)).to.deep.equal(mocks);
      for (const { file, reason } of result.skipped) expect(reason, file).to.not.equal("(no @notice)");
    });

    it("reads a branch's paths by its kind, and a @notice's first sentence across its lines", function () {
      const covered = fileCoverage("contracts/A.sol", {
        l: { "3": 1 },
        b: { "1": [0, 1], "2": [1, 0], "3": [0, 0, 1] },
        branchMap: {
          "1": { line: 3, type: "cond-expr" },
          "2": { line: 4, type: "if" },
          "3": { line: 5, type: "switch" },
        },
      });
      expect(covered.uncoveredBranches).to.deep.equal([
        { line: 3, path: "cond-expr || left true" },
        { line: 4, path: "if false" },
        { line: 5, path: "switch path 1 of 3" },
        { line: 5, path: "switch path 2 of 3" },
      ]);
      expect(noticeOf("/// @notice One line.\ncontract X {}")).to.equal("One line.");
      expect(noticeOf("/// @notice Spans {IA.b}\n/// two lines. Then more.\n/// @dev x")).to.equal(
        "Spans {IA.b} two lines.",
      );
      expect(noticeOf("contract X {}")).to.equal("(no @notice)");
    });
  });
});
