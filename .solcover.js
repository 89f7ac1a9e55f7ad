module.exports = {
  // Instrumented bytecode costs more gas and cannot be served to a separate `hardhat node`, so the gas goals (every
  // suite named "<Contract> gas") and the HTTP integration test run only in `npm test`. Mocha matches the full title,
  // "<describe> <it>", hence the space after "gas".
  mocha: { grep: "over HTTP|^\\w+ gas ", invert: true },
};
