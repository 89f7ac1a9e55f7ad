/*
 * solidity-coverage's settings. `npm test` runs the contract, invariant and security tests once, here, instrumented
 * (scripts/testSuite.ts: the coverage phase), and the gate (scripts/lib/coverageGate.ts) reads what they cover.
 */

/**
 * Tests that measure uninstrumented bytecode (gas goals, code size, a `hardhat node` served over HTTP) carry one of
 * these in their full title ("<describe> <it>"): the gas suites are named "<Contract> gas". They belong to the plain
 * phase; under coverage they are not run, and the run fails naming them, so none is lost by sitting in a covered file.
 */
const UNINSTRUMENTED = /over HTTP|^\w+ gas |code size/;

/**
 * Instrumented bytecode runs several times slower, so tests get this many times their plain timeout (tests that set
 * their own scale it with test/helpers/coverage.ts).
 */
const SLOWDOWN = 6;

/** Hardhat's timeout for a test (hardhat.config.ts), in milliseconds. */
const PLAIN_TIMEOUT = 120_000;

let timedOut;
const misplaced = [];
let notRun = 0;

module.exports = {
  // Left out of coverage: the test doubles, deployed only by tests and benchmarks (each file's @notice says what it
  // plays). The gate prints them with that reason, and refuses anything else here.
  skipFiles: ["mocks/"],
  SLOWDOWN,
  UNINSTRUMENTED,
  mocha: {
    timeout: PLAIN_TIMEOUT * SLOWDOWN,
    rootHooks: {
      beforeEach() {
        const title = this.currentTest.fullTitle();
        if (UNINSTRUMENTED.test(title)) {
          misplaced.push(title);
          this.skip();
        }
        // Mocha cannot stop a test that timed out: its body goes on sending transactions and reverting snapshots on
        // the same chain, so whatever runs after it could fail (or pass) for its sake.
        if (timedOut !== undefined) {
          notRun++;
          this.skip();
        }
      },
      afterEach() {
        if (this.currentTest.timedOut && timedOut === undefined) timedOut = this.currentTest.fullTitle();
      },
      afterAll() {
        const problems = [];
        if (misplaced.length > 0) {
          problems.push(
            `${misplaced.length} test(s) measure uninstrumented bytecode but sit in a file of the coverage phase; ` +
              `move them to a *.gas.test.ts or *.bytecode.test.ts file:\n${misplaced.map((t) => `  - ${t}`).join("\n")}`,
          );
        }
        if (timedOut !== undefined) {
          problems.push(
            `"${timedOut}" timed out and may still be running, so the ${notRun} test(s) after it were not run.`,
          );
        }
        if (problems.length > 0) throw new Error(problems.join("\n"));
      },
    },
  },
};
