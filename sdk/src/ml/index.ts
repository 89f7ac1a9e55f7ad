/* The package's "./ml" entry: models trained and served by the SDK (a spam classifier on hashed words, an n-gram
text generator, their files), the labelled-mail format of the demo's Datanet, and the gateway that serves models and
settles their inference logs. Browser-safe, but kept out of the main entry so that a dApp's bundle does not carry
them. */
export * from "./labelledMail";
export * from "./textClassifier";
export * from "./ngram";
export * from "./spanCoverage";
export * from "./modelFile";
export * from "./examples";
export * from "../gateway/gateway";
