/*
 * The two phases of `npm test`'s tests (scripts/testSuite.ts): the contract, invariant and security tests run once,
 * under solidity-coverage, and that run is both their test run and what the coverage gate reads; every other test
 * runs plain (`hardhat test`), with the tests that measure uninstrumented bytecode and the Hardhat campaign. A test
 * file lands in its phase by its directory and name, so a new file needs no list to be edited.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** The directories under test/ whose tests exercise the contracts: their run is the coverage run. */
export const COVERAGE_DIRECTORIES = ["contracts", "invariant", "security"] as const;

/**
 * Test files, in those directories, that run plain. The gas goals (`*.gas.test.ts`) and the code size limit
 * (`*.bytecode.test.ts`) measure uninstrumented bytecode: instrumentation makes it larger and dearer. The Hardhat
 * campaign (`*.campaign.test.ts`) is a depth test over the deployment code: instrumented, its steps run six times
 * slower, past its time budget, while the unit tests of the same contracts already give the coverage.
 */
export const PLAIN_NAMES = /\.(gas|bytecode|campaign)\.test\.ts$/;

export interface TestPhases {
  /** Test files run under solidity-coverage, relative to the repository, with forward slashes, sorted. */
  coverage: string[];
  /** Test files run by `hardhat test`, likewise. */
  plain: string[];
}

/** Every file under `directory` (recursively), relative to `root`, with forward slashes, sorted. */
export function filesUnder(root: string, directory: string): string[] {
  return readdirSync(path.join(root, directory), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

/** The phase a test file (relative to the repository, forward slashes) runs in. */
export function phaseOf(file: string): keyof TestPhases {
  const [top, directory] = file.split("/");
  const covered = top === "test" && (COVERAGE_DIRECTORIES as readonly string[]).includes(directory);
  return covered && !PLAIN_NAMES.test(file) ? "coverage" : "plain";
}

/** The test files (`test/**\/*.test.ts`) of the repository at `root`, by phase. */
export function testPhases(root: string): TestPhases {
  const phases: TestPhases = { coverage: [], plain: [] };
  for (const file of filesUnder(root, "test").filter((f) => f.endsWith(".test.ts"))) phases[phaseOf(file)].push(file);
  return phases;
}

/** A line declaring a mocha suite or test. */
const DECLARES_TESTS = /^\s*(describe|it)(\.only|\.skip)?\(/m;

/**
 * What is wrong with `phases` as a split of the test files under `root`: a file in both phases or in neither, or a
 * file that is not named `*.test.ts` but declares tests (`hardhat test` with no arguments would run it, the phases
 * would not). Empty when each test file runs exactly once.
 */
export function partitionProblems(root: string, phases: TestPhases): string[] {
  const problems: string[] = [];
  const files = filesUnder(root, "test");
  const tests = files.filter((f) => f.endsWith(".test.ts"));
  const coverage = new Set(phases.coverage);
  const plain = new Set(phases.plain);
  for (const file of tests) {
    if (coverage.has(file) && plain.has(file)) problems.push(`${file} runs in both phases`);
    if (!coverage.has(file) && !plain.has(file)) problems.push(`${file} runs in no phase`);
  }
  for (const file of [...coverage, ...plain]) {
    if (!tests.includes(file)) problems.push(`${file} is in a phase but is no test file under test/`);
  }
  for (const file of files) {
    if (!file.endsWith(".test.ts") && /\.[cm]?[jt]s$/.test(file)) {
      if (DECLARES_TESTS.test(readFileSync(path.join(root, file), "utf8"))) {
        problems.push(`${file} declares tests but is not named *.test.ts, so no phase runs it`);
      }
    }
  }
  return problems;
}
