/*
 * Every protocol contract's ABI `as const` (viem and wagmi infer typed contracts from them through abitype), and the
 * TypeChain ethers-v6 bindings: `X__factory.connect(address, runner)` gives a typed ethers contract.
 */
export * from "../contracts/abis";
export * from "../contracts/typechain";
