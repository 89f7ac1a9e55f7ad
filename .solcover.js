module.exports = {
  skipFiles: ["mocks/"],
  // The SDK's HTTP test starts its own `hardhat node`, which coverage's instrumented network cannot serve.
  mocha: { grep: "over HTTP", invert: true },
};
