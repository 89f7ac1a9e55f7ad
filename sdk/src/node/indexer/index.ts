export * from "./database";
export * from "./derived";
export * from "./protocolIndexer";
export * from "./quality";
export { INDEXED_CONTRACTS } from "./rows";
export type { IndexedContractName } from "./rows";
export * from "./schema";
