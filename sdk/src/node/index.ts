/*
 * The Node-only part of the SDK: what reads files or starts threads. Everything in the package's main entry works
 * here too; import it from there. `buildRewardTree` here is the main entry's with a helper thread.
 */
export * from "./files";
export * from "./rewardTree";
export * from "./treeHelper";
export * from "./epochThreads";
export * from "./fileContentStore";
export * from "./contentServer";
export * from "./deployment";
export * from "./epochInput";
export * from "./indexer";
