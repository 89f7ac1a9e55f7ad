import hre from "hardhat";

// .solcover.js is CommonJS, for solidity-coverage: the slowdown it scales Hardhat's timeout by is defined there.
const { SLOWDOWN } = require("../../.solcover.js") as { SLOWDOWN: number };

/** Whether solidity-coverage runs the tests: the contracts are instrumented, bigger and several times slower. */
export const UNDER_COVERAGE = (hre as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;

/**
 * A timeout for a test that sets its own (`this.timeout(timeout(600_000))`): `ms` when the tests run plain, scaled by
 * the instrumented slowdown under coverage, as .solcover.js scales Hardhat's default.
 */
export function timeout(ms: number): number {
  return UNDER_COVERAGE ? ms * SLOWDOWN : ms;
}
