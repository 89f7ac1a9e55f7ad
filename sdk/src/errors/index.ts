export * from "./base";
export * from "./revert";
export * from "./rewards";
export * from "./attributionSpans";
