export * from "./base";
export * from "./revert";
