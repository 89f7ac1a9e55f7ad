/*
 * A mocha reporter for `npm test` (scripts/testSuite.ts): mocha's spec output, plus the wall time of each test file
 * (its top-level suites, hooks included) written as JSON to the file TEST_TIMINGS names. The suite prints the slowest
 * files from it, so the half-hour budget of `npm test` shows where it goes.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import type * as MochaTypes from "mocha";

// Hardhat's own mocha (nested in its package), whose runner this reporter listens to.
const Mocha = require(
  require.resolve("mocha", { paths: [path.dirname(require.resolve("hardhat/package.json"))] }),
) as typeof MochaTypes;

const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;

const ROOT = path.resolve(__dirname, "..", "..");

class FileTimingReporter extends Mocha.reporters.Spec {
  constructor(runner: MochaTypes.Runner, options?: MochaTypes.MochaOptions) {
    super(runner, options);
    const started = new Map<MochaTypes.Suite, number>();
    /** Seconds per test file, relative to the repository, with forward slashes. */
    const seconds: Record<string, number> = {};
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (suite.parent?.root && suite.file) started.set(suite, Date.now());
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const at = started.get(suite);
      if (at === undefined || !suite.file) return;
      const file = path.relative(ROOT, suite.file).split(path.sep).join("/");
      seconds[file] = (seconds[file] ?? 0) + (Date.now() - at) / 1000;
    });
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.TEST_TIMINGS;
      if (out) writeFileSync(out, JSON.stringify(seconds, null, 2) + "\n");
    });
  }
}

export = FileTimingReporter;
