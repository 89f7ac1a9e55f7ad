export * from "./database";
export * from "./derived";
export * from "./protocolIndexer";
export * from "./quality";
export * from "./reports";
export { INDEXED_CONTRACTS } from "./rows";
export type { IndexedContractName } from "./rows";
export * from "./schema";
