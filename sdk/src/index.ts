export * from "./errors";
export * from "./content/hash";
export * from "./datanet/digest";
export * from "./datanet/types";
export * from "./reputation/leaderboard";
export * from "./indexer/datanetIndexer";
export * from "./clients/datanetClient";
