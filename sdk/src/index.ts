export * from "./errors";
export * from "./content/hash";
export * from "./datanet/digest";
export * from "./datanet/commitment";
export * from "./datanet/surge";
export * from "./datanet/types";
export * from "./reputation/leaderboard";
export * from "./reputation/agreement";
export * from "./indexer/datanetIndexer";
export * from "./clients/datanetClient";
export * from "./clients/rewardsClient";
export * from "./clients/stakingClient";
export * from "./rewards/allocate";
export * from "./rewards/rewardTree";
export * from "./models/types";
export * from "./models/card";
export { ProvenanceMismatchError } from "./models/provenance";
export type {
  DatanetRefCheck,
  DatanetSnapshot,
  ModelProvenanceReport,
  ModelVersionProvenance,
} from "./models/provenance";
export * from "./clients/modelClient";
export * from "./clients/governanceClient";
export * from "./governance/operation";
export * from "./clients/settlementClient";
export * from "./settlement/epochs";
export * from "./settlement/fees";
export * from "./settlement/ledger";
export type { FeatureMatrix, FlatMatrix, SparseMatrix } from "./attribution/matrix";
export { checkSparseMatrix, sparseMatrix } from "./attribution/matrix";
export * from "./attribution/logistic";
export * from "./attribution/dataValue";
export * from "./attribution/knnShapley";
export * from "./attribution/tokenize";
export * from "./attribution/suffixArray";
export * from "./attribution/spans";
export * from "./attribution/dedup";
export * from "./epoch";
export * from "./inference/log";
export * from "./ml/features";
export * from "./content/store";
export * from "./content/gateway";
export * from "./content/items";
export * from "./offering";
