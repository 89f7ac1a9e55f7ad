/*
 * The tests of `npm test`, in two phases that run each test file once (scripts/lib/testPhases.ts): the plain phase
 * (`hardhat test`: the SDK, integration, app and example tests, and the gas and code size tests, which measure
 * uninstrumented bytecode), then the coverage phase (`hardhat coverage`: the contract, invariant and security tests,
 * whose run is also what the coverage gate reads), then the gate (scripts/lib/coverageGate.ts).
 *
 * The forge campaign (scripts/foundry/campaign.ts) runs beside the coverage phase: it builds into out/ and
 * cache_forge/, apart from Hardhat's build, and takes the second core while mocha takes one. Not beside the plain
 * phase, whose tests time child processes and threads. Its output is printed when it ends, not interleaved.
 *
 * solidity-coverage compiles its instrumented contracts where Hardhat keeps the plain ones (artifacts/, cache/ and
 * the TypeChain factories, which embed the bytecode the tests deploy), so the coverage phase moves the plain build
 * aside (.coverage_plain/) and puts it back afterwards, even when interrupted, instead of compiling it again.
 *
 * Usage: npm test | npm run coverage | ts-node scripts/testSuite.ts [--phase plain|coverage|forge] [--list]
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import { UsageError, parseStrict, runMain } from "./lib/cli";
import { coverageGate, gateReport } from "./lib/coverageGate";
import type { IstanbulReport } from "./lib/coverageGate";
import { partitionProblems, testPhases } from "./lib/testPhases";

const ROOT = path.resolve(__dirname, "..");
const HARDHAT = path.join(ROOT, "node_modules", ".bin", "hardhat");
/** Where the plain build waits while the coverage phase compiles the instrumented one in its place. */
const PLAIN_BUILD = path.join(ROOT, ".coverage_plain");
const BUILD_DIRECTORIES = ["artifacts", "cache", "typechain-types"];

const HELP = `Usage: ts-node scripts/testSuite.ts [--phase plain|coverage|forge] [--list]

Runs every test file once: the plain phase (hardhat test), then the coverage phase (hardhat coverage over the
contract, invariant and security tests) and the coverage gate (lines >= 98%, branches >= 95% of contracts/, mocks
left out), with the forge invariant campaign (npm run test:forge) beside it. Fails when a test fails, when the gate
or the campaign fails, or when the phases do not split test/**/*.test.ts.
  --phase <name>  run one phase only (coverage includes the gate; forge is the campaign)
  --list          print each phase's files and exit`;

type Phase = "plain" | "coverage" | "forge";
const PHASES: readonly Phase[] = ["plain", "coverage", "forge"];

/** Runs `args` with Hardhat, output to this terminal; resolves to its exit code. Signals reach it through the group. */
function hardhat(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(HARDHAT, args, { cwd: ROOT, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * Starts the forge campaign with its output kept (it would interleave with mocha's); resolves, once it ends, to
 * whether it passed and its output.
 */
function forgeCampaign(): Promise<{ passed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts/foundry/campaign.ts")],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ passed: code === 0, output }));
  });
}

/** Puts the plain build back where Hardhat looks for it, over whatever the coverage phase compiled there. */
function restorePlainBuild(): void {
  if (!existsSync(PLAIN_BUILD)) return;
  for (const directory of BUILD_DIRECTORIES) {
    const saved = path.join(PLAIN_BUILD, directory);
    if (!existsSync(saved)) continue;
    rmSync(path.join(ROOT, directory), { recursive: true, force: true });
    renameSync(saved, path.join(ROOT, directory));
  }
  rmSync(PLAIN_BUILD, { recursive: true, force: true });
}

function setPlainBuildAside(): void {
  mkdirSync(PLAIN_BUILD);
  for (const directory of BUILD_DIRECTORIES) {
    if (existsSync(path.join(ROOT, directory)))
      renameSync(path.join(ROOT, directory), path.join(PLAIN_BUILD, directory));
  }
}

/** The coverage phase: instrumented tests, then the gate. Resolves to whether both passed. */
async function coveragePhase(files: string[]): Promise<boolean> {
  // A run cut short (killed outright) left the plain build aside and the instrumented one in its place.
  restorePlainBuild();
  setPlainBuildAside();
  // Ctrl-C reaches Hardhat too, which stops; this process waits for it and then restores the build.
  const ignore = () => undefined;
  process.on("SIGINT", ignore).on("SIGTERM", ignore);
  let code: number;
  try {
    // solidity-coverage expands one glob (no shell is involved): a brace list of the files.
    code = await hardhat(["coverage", "--testfiles", files.length === 1 ? files[0] : `{${files.join(",")}}`]);
  } finally {
    restorePlainBuild();
    process.off("SIGINT", ignore).off("SIGTERM", ignore);
  }
  const reportFile = path.join(ROOT, "coverage.json");
  if (!existsSync(reportFile)) {
    console.error("The coverage phase wrote no coverage.json: no coverage figures to gate.");
    return false;
  }
  const solcover = require(path.join(ROOT, ".solcover.js")) as { skipFiles?: string[] };
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as IstanbulReport;
  const result = coverageGate(ROOT, report, solcover.skipFiles ?? []);
  console.log("\nCoverage gate");
  for (const line of gateReport(result)) console.log(line);
  for (const failure of result.failures) console.error(`Coverage gate failed: ${failure}`);
  if (result.failures.length === 0) console.log("Coverage gate passed.");
  return code === 0 && result.failures.length === 0;
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
  const results: { phase: Phase; what: string; passed: boolean; seconds: number }[] = [];
  const started = (phase: Phase, what: string) => {
    const at = Date.now();
    return (passed: boolean) => results.push({ phase, what, passed, seconds: (Date.now() - at) / 1000 });
  };
  if (only === undefined || only === "plain") {
    console.log(`\nPlain phase: ${phases.plain.length} test files`);
    started("plain", `${phases.plain.length} files`)((await hardhat(["test", ...phases.plain])) === 0);
  }
  const runForge = only === undefined || only === "forge";
  let forge: Promise<void> = Promise.resolve();
  if (runForge) {
    console.log("\nForge campaign: started beside the coverage phase; its report follows when it ends.");
    const done = started("forge", "the system campaign");
    forge = forgeCampaign().then(({ passed, output }) => {
      console.log(`\nForge campaign (npm run test:forge):\n${output}`);
      done(passed);
    });
  }
  if (only === undefined || only === "coverage") {
    console.log(`\nCoverage phase: ${phases.coverage.length} test files`);
    started("coverage", `${phases.coverage.length} files`)(await coveragePhase(phases.coverage));
  }
  await forge;
  console.log("");
  for (const r of results) {
    console.log(`${r.phase} phase: ${r.what}, ${r.passed ? "passed" : "FAILED"} in ${r.seconds.toFixed(0)} s`);
  }
  return results.every((r) => r.passed) ? 0 : 1;
}

if (require.main === module) {
  // Exits outright: the phases' child processes are done, and nothing else should keep it.
  void runMain("test", testSuiteMain).then((code) => process.exit(code));
}
