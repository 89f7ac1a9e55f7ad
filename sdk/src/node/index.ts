/*
 * The Node-only part of the SDK: what reads files or starts threads. Everything in the package's main entry works
 * here too; import it from there.
 */
export * from "./files";
