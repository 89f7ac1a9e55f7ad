module.exports = {
  // Instrumented bytecode costs more gas and cannot be served to a separate `hardhat node`, so the gas goals and the
  // HTTP integration test run only in `npm test`.
  mocha: { grep: "over HTTP|DatanetRegistry gas", invert: true },
};
