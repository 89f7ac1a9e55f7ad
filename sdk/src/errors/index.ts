export * from "./base";
export * from "./revert";
export * from "./rewards";
export * from "./settlement";
export * from "./attributionValuation";
export * from "./attributionSpans";
export * from "./attributionDedup";
export * from "./epoch";
