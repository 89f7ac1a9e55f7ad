/* The shape of a revert table, here and not in the decoder (revert.ts): the decoder imports the tables, so a table
that imported the decoder would close an import cycle. */
import type { ContractRevertError } from "../contractErrors";

/** A {@link ContractRevertError} subclass, as a revert table names it. */
export type ErrorClass = new (
  errorName: string,
  args: Record<string, unknown>,
  shortMessage: string,
  hint?: string,
  cause?: unknown,
) => ContractRevertError;
/** The message and optional hint for a decoded error's arguments. */
export type Describe = (a: Record<string, any>) => [message: string, hint?: string];
/** How each custom error of a contract becomes a typed SDK error, by error name. */
export type RevertTable = Record<string, [ErrorClass, Describe]>;
