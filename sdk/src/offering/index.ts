export * from "./terms";
export * from "./math";
export * from "./shareTree";
export * from "./prospectus";
export * from "./validate";
