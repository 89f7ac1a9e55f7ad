import { Interface, isError } from "ethers";
import type { Result } from "ethers";
import {
  DatanetRegistry__factory,
  IModelRegistry__factory,
  IRewardDistributor__factory,
  OpenToken__factory,
  StakingPool__factory,
} from "../contracts/typechain";
import { ProtocolError, UserRejectedError } from "./base";
import { ContractRevertError, UnknownRevertError } from "./contractErrors";
import { DATANET_REVERTS } from "./reverts/datanet";
import { TOKEN_REVERTS } from "./reverts/token";
import { REWARDS_REVERTS } from "./reverts/rewards";
import { MODEL_REVERTS } from "./reverts/models";
import { STAKING_REVERTS } from "./reverts/staking";
import { GOVERNANCE_INTERFACES, GOVERNANCE_REVERTS } from "./reverts/governance";
import { SETTLEMENT_INTERFACES, SETTLEMENT_REVERTS } from "./reverts/settlement";
import { OFFERING_INTERFACES, OFFERING_REVERTS } from "./reverts/offering";
import { SHARES_INTERFACES, SHARES_REVERTS } from "./reverts/shares";
import type { RevertTable } from "./reverts/table";

export * from "./contractErrors";

export type { Describe, ErrorClass, RevertTable } from "./reverts/table";

/** How each known custom error becomes a typed SDK error with a readable message. */
const KNOWN: RevertTable = {
  ...DATANET_REVERTS,
  ...TOKEN_REVERTS,
  ...REWARDS_REVERTS,
  ...MODEL_REVERTS,
  ...STAKING_REVERTS,
  ...GOVERNANCE_REVERTS,
  ...SETTLEMENT_REVERTS,
  ...OFFERING_REVERTS,
  ...SHARES_REVERTS,
};

/** Solidity's panic codes (docs: "Panic via assert and Error via require"). */
const PANICS: Record<number, string> = {
  0x01: "an assertion failed",
  0x11: "arithmetic overflow or underflow",
  0x12: "division or modulo by zero",
  0x21: "an invalid enum value",
  0x31: "pop on an empty array",
  0x32: "an array index out of bounds",
  0x41: "out of memory",
  0x51: "a call to an uninitialized function",
};

const INTERFACES = [
  new Interface(DatanetRegistry__factory.abi),
  new Interface(OpenToken__factory.abi),
  new Interface(IRewardDistributor__factory.abi),
  new Interface(["error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)"]),
  new Interface(IModelRegistry__factory.abi),
  new Interface(StakingPool__factory.abi),
  ...GOVERNANCE_INTERFACES,
  ...SETTLEMENT_INTERFACES,
  ...OFFERING_INTERFACES,
  ...SHARES_INTERFACES,
];

/** Finds revert data in whatever an ethers provider or Hardhat threw (the field differs between transports). */
export function findRevertData(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== "object" || depth > 6) return undefined;
  const e = error as Record<string, unknown>;
  for (const key of ["data", "revertData"]) {
    const v = e[key];
    if (typeof v === "string" && /^0x[0-9a-fA-F]{8}/.test(v)) return v;
    if (v && typeof v === "object") {
      const nested = findRevertData(v, depth + 1);
      if (nested) return nested;
    }
  }
  for (const key of ["error", "info", "cause", "payload"]) {
    const nested = findRevertData(e[key], depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

function toRecord(result: Result, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => (out[name || `arg${i}`] = result[i]));
  return out;
}

/**
 * Turns a thrown provider/contract error into the SDK's typed error: a known custom error becomes its subclass of
 * {@link ContractRevertError}; other reverts become {@link UnknownRevertError}; non-revert errors are returned as is.
 */
export function decodeRevert(error: unknown): unknown {
  if (error instanceof ProtocolError) return error;
  if (isError(error, "ACTION_REJECTED")) {
    return new UserRejectedError("The wallet's owner rejected the request; nothing was sent.", {
      hint: "Approve it in the wallet to go on.",
      cause: error,
    });
  }
  const data = findRevertData(error);
  if (!data) return error;
  for (const iface of INTERFACES) {
    const parsed = iface.parseError(data);
    if (!parsed) continue;
    const args = toRecord(
      parsed.args,
      parsed.fragment.inputs.map((p) => p.name),
    );
    if (parsed.name === "Error" && parsed.signature === "Error(string)") {
      return new ContractRevertError(
        "Error",
        args,
        `The contract reverted: ${String(parsed.args[0])}`,
        undefined,
        error,
      );
    }
    if (parsed.name === "Panic" && parsed.signature === "Panic(uint256)") {
      const code = Number(parsed.args[0]);
      const what = PANICS[code] ?? "an unknown panic";
      return new ContractRevertError(
        "Panic",
        args,
        `The contract panicked: ${what} (code 0x${code.toString(16)}).`,
        undefined,
        error,
      );
    }
    const known = KNOWN[parsed.name];
    if (!known)
      return new ContractRevertError(parsed.name, args, `The contract reverted with ${parsed.name}.`, undefined, error);
    const [Class, describe] = known;
    const [message, hint] = describe(args);
    return new Class(parsed.name, args, message, hint, error);
  }
  return new UnknownRevertError("The transaction reverted with an unknown error.", data, error);
}

/** Runs `action` and rethrows any revert as a typed SDK error. */
export async function withDecodedErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw decodeRevert(error);
  }
}
