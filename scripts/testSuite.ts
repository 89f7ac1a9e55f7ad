/*
 * The tests of `npm test`, in two phases that run each test file once (scripts/lib/testPhases.ts), side by side: the
 * plain phase (`hardhat test`: the SDK, integration, app and example tests, the Hardhat campaign and the gas and code
 * size tests, which measure uninstrumented bytecode), and the coverage phase (`hardhat coverage`: the contract,
 * invariant and security tests, whose run is also what the coverage gate reads, scripts/lib/coverageGate.ts), with
 * the forge campaign (scripts/foundry/campaign.ts) beside them.
 *
 * They share two cores. The plain phase keeps its priority: its tests time child processes, servers and a browser.
 * The coverage phase and forge run at a lower one and take what it leaves, and their output is printed when they end,
 * not interleaved with the plain phase's.
 *
 * solidity-coverage compiles its instrumented contracts where Hardhat keeps the plain ones (artifacts/, cache/ and
 * the TypeChain factories, which embed the bytecode the tests deploy), so the coverage phase runs in a copy of the
 * repository in a temporary folder (node_modules linked, not copied) and brings back its reports (coverage/,
 * coverage.json). forge builds into out/ and cache_forge/, apart from both.
 *
 * Each phase writes the wall time of each of its files, and the run ends with the slowest: where the half-hour goes.
 *
 * Usage: npm test | npm run coverage | tsx scripts/testSuite.ts [--phase plain|coverage|forge] [--list]
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import * as path from "node:path";
import { UsageError, parseStrict, runMain } from "./lib/cli";
import { coverageGate, gateReport } from "./lib/coverageGate";
import type { IstanbulReport } from "./lib/coverageGate";
import { partitionProblems, testPhases } from "./lib/testPhases";

const ROOT = path.resolve(__dirname, "..");
/** What the coverage phase's copy of the repository leaves out: dependencies (linked instead) and build output. */
const NOT_COPIED = new Set([
  "node_modules",
  ".git",
  "artifacts",
  "cache",
  "typechain-types",
  "coverage",
  "coverage.json",
  "out",
  "cache_forge",
  "dist",
]);
/** The reports the coverage phase brings back from its copy. */
const COVERAGE_REPORTS = ["coverage", "coverage.json"];
/** Niceness of the coverage phase and of forge, below the plain phase's timed tests. */
const BACKGROUND_NICENESS = { coverage: 5, forge: 10 } as const;
/** How many of the slowest files the run ends with, per phase. */
const SLOWEST = 8;

const HELP = `Usage: tsx scripts/testSuite.ts [--phase plain|coverage|forge] [--list]

Runs every test file once, in two phases side by side: the plain phase (hardhat test), and the coverage phase
(hardhat coverage over the contract, invariant and security tests, in a copy of the repository) with the coverage gate
(lines >= 98%, branches >= 95% of contracts/, mocks left out); the forge invariant campaign (npm run test:forge)
runs beside them. Fails when a test fails, when the gate or the campaign fails, or when the phases do not split
test/**/*.test.ts. Ends with each phase's time and its slowest files.
  --phase <name>  run one phase only (coverage includes the gate; forge is the campaign)
  --list          print each phase's files and exit`;

type Phase = "plain" | "coverage" | "forge";
const PHASES: readonly Phase[] = ["plain", "coverage", "forge"];

/** A child's end: its exit code (1 when a signal ended it) and, when it was kept, its output. */
interface Ended {
  code: number;
  output: string;
}

/**
 * Runs `command` in `cwd`. With `keep`, its output is collected and returned instead of printed (it would interleave
 * with the plain phase's); otherwise it goes to this terminal. Signals reach it through the process group.
 */
function run(
  command: string,
  args: string[],
  options: { cwd: string; keep: boolean; niceness?: number; env?: NodeJS.ProcessEnv },
): { child: ChildProcess; ended: Promise<Ended> } {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: options.keep ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  // Set before the child starts its own children (Hardhat's workers, forge), which inherit it.
  if (options.niceness !== undefined && child.pid !== undefined) setPriority(child.pid, options.niceness);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const ended = new Promise<Ended>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
  return { child, ended };
}

/** Hardhat's binary for a repository at `root` (the coverage copy links the same node_modules). */
const hardhatIn = (root: string) => path.join(root, "node_modules", ".bin", "hardhat");

/** A copy of the repository to run the coverage phase in, without its build output; node_modules is linked. */
function coverageCopy(): string {
  const copy = mkdtempSync(path.join(tmpdir(), "oap-coverage-"));
  cpSync(ROOT, copy, {
    recursive: true,
    filter: (source) => {
      const parts = path.relative(ROOT, source).split(path.sep);
      return !parts.some((part) => NOT_COPIED.has(part) || part.startsWith(".coverage_"));
    },
  });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
  return copy;
}

/** Reads the seconds per file a phase's reporter (scripts/lib/fileTimings.ts) wrote; empty when it wrote none. */
function readTimings(file: string): Record<string, number> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, number>) : {};
}

/** The coverage phase in a copy: instrumented tests, then the gate over their run. Resolves to whether both passed. */
async function coveragePhase(
  files: string[],
  timings: string,
  keep: boolean,
): Promise<{ passed: boolean; output: string }> {
  const copy = coverageCopy();
  const lines: string[] = [];
  try {
    // solidity-coverage expands one glob (no shell is involved): a brace list of the files.
    const testfiles = files.length === 1 ? files[0] : `{${files.join(",")}}`;
    const { ended } = run(hardhatIn(copy), ["coverage", "--testfiles", testfiles], {
      cwd: copy,
      keep,
      niceness: keep ? BACKGROUND_NICENESS.coverage : undefined,
      env: { TEST_TIMINGS: timings },
    });
    const { code, output } = await ended;
    if (output) lines.push(output);
    for (const report of COVERAGE_REPORTS) {
      rmSync(path.join(ROOT, report), { recursive: true, force: true });
      if (existsSync(path.join(copy, report)))
        cpSync(path.join(copy, report), path.join(ROOT, report), { recursive: true });
    }
    const reportFile = path.join(ROOT, "coverage.json");
    if (!existsSync(reportFile)) {
      lines.push("The coverage phase wrote no coverage.json: no coverage figures to gate.");
      return { passed: false, output: lines.join("\n") };
    }
    const solcover = require(path.join(ROOT, ".solcover.js")) as { skipFiles?: string[] };
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as IstanbulReport;
    const result = coverageGate(ROOT, report, solcover.skipFiles ?? []);
    lines.push("\nCoverage gate", ...gateReport(result));
    for (const failure of result.failures) lines.push(`Coverage gate failed: ${failure}`);
    if (result.failures.length === 0) lines.push("Coverage gate passed.");
    return { passed: code === 0 && result.failures.length === 0, output: lines.join("\n") };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** `npm test`'s tests and `npm run coverage`: see HELP. */
export async function testSuiteMain(argv: string[]): Promise<number> {
  // Strict: a misspelt option or a --phase without its name would otherwise run the whole 40-minute suite.
  const { values } = parseStrict(argv, {
    phase: { type: "string" },
    list: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const only = values.phase as Phase | undefined;
  if (only !== undefined && !PHASES.includes(only)) {
    throw new UsageError(`unknown phase "${only}": give plain, coverage or forge (see --help).`);
  }
  const phases = testPhases(ROOT);
  const problems = partitionProblems(ROOT, phases);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`Test phases: ${problem}`);
    return 1;
  }
  if (values.list) {
    for (const phase of ["plain", "coverage"] as const) console.log(`${phase}:\n  ${phases[phase].join("\n  ")}`);
    return 0;
  }
  const timings = mkdtempSync(path.join(tmpdir(), "oap-timings-"));
  // Ctrl-C reaches the children too, which stop; this process waits for them, then removes the coverage copy.
  const ignore = () => undefined;
  process.on("SIGINT", ignore).on("SIGTERM", ignore);
  try {
    const selected = (phase: Phase) => only === undefined || only === phase;
    // Alone, a background phase prints as it goes.
    const keep = only === undefined;
    const jobs: Promise<{ phase: Phase; what: string; passed: boolean; seconds: number; output: string }>[] = [];
    const timed = async (phase: Phase, what: string, job: Promise<{ passed: boolean; output: string }>) => {
      const at = Date.now();
      const { passed, output } = await job;
      return { phase, what, passed, seconds: (Date.now() - at) / 1000, output };
    };
    if (selected("coverage")) {
      if (keep) console.log(`Coverage phase: ${phases.coverage.length} test files, in the background`);
      const job = coveragePhase(phases.coverage, path.join(timings, "coverage.json"), keep);
      jobs.push(timed("coverage", `${phases.coverage.length} files`, job));
    }
    if (selected("forge")) {
      if (keep) console.log("Forge campaign: in the background");
      const { ended } = run(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/foundry/campaign.ts")], {
        cwd: ROOT,
        keep,
        niceness: keep ? BACKGROUND_NICENESS.forge : undefined,
      });
      jobs.push(
        timed(
          "forge",
          "the system campaign",
          ended.then(({ code, output }) => ({
            passed: code === 0,
            output: output && `Forge campaign (npm run test:forge):\n${output}`,
          })),
        ),
      );
    }
    if (selected("plain")) {
      console.log(`\nPlain phase: ${phases.plain.length} test files`);
      const { ended } = run(hardhatIn(ROOT), ["test", ...phases.plain], {
        cwd: ROOT,
        keep: false,
        env: { TEST_TIMINGS: path.join(timings, "plain.json") },
      });
      jobs.unshift(
        timed(
          "plain",
          `${phases.plain.length} files`,
          ended.then(({ code }) => ({ passed: code === 0, output: "" })),
        ),
      );
    }
    const results = [];
    for (const job of jobs) {
      const result = await job;
      if (result.output) console.log(`\n${result.output}`);
      results.push(result);
    }
    console.log("");
    for (const r of results) {
      console.log(`${r.phase} phase: ${r.what}, ${r.passed ? "passed" : "FAILED"} in ${r.seconds.toFixed(0)} s`);
    }
    for (const phase of ["plain", "coverage"] as const) {
      const seconds = Object.entries(readTimings(path.join(timings, `${phase}.json`))).sort((a, b) => b[1] - a[1]);
      if (seconds.length === 0) continue;
      console.log(`\nSlowest files of the ${phase} phase:`);
      for (const [file, s] of seconds.slice(0, SLOWEST)) console.log(`  ${s.toFixed(1).padStart(7)} s  ${file}`);
    }
    return results.every((r) => r.passed) ? 0 : 1;
  } finally {
    rmSync(timings, { recursive: true, force: true });
    process.off("SIGINT", ignore).off("SIGTERM", ignore);
  }
}

if (require.main === module) {
  // Exits outright: the phases' child processes are done, and nothing else should keep it.
  void runMain("test", testSuiteMain).then((code) => process.exit(code));
}
