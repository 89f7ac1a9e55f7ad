import { Interface, isError } from "ethers";
import type { Result } from "ethers";
import { DatanetRegistry__factory } from "../contracts/typechain/factories/contracts/DatanetRegistry__factory";
import { IRewardDistributor__factory } from "../contracts/typechain/factories/contracts/interfaces/IRewardDistributor__factory";
import { OpenToken__factory } from "../contracts/typechain/factories/contracts/token/OpenToken__factory";
import { StakingPool__factory } from "../contracts/typechain/factories/contracts/StakingPool__factory";
import { InvalidInputError, ProtocolError, UserRejectedError } from "./base";
import { ContractRevertError, UnknownRevertError } from "./contractErrors";
import { RpcResponseError, RpcUnreachableError } from "./rpc";
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
  // The model registry's errors as signatures, not IModelRegistry's ABI, which the main entry would carry only for
  // them (see OFFERING_INTERFACES); test/sdk/modelClient.test.ts decodes every error of the full ABI.
  new Interface([
    "error ModelDatanetAccessDenied(uint256 datanetId, address account)",
    "error ModelDatanetVersionNonexistent(uint256 datanetId, uint32 version)",
    "error ModelDuplicateDatanet(uint256 datanetId)",
    "error ModelInvalidRevenueRecipient(address recipient)",
    "error ModelNonexistent(uint256 modelId)",
    "error ModelNoTrainingData()",
    "error ModelTooManyTrainingSets(uint256 count, uint256 max)",
    "error ModelUnauthorizedOwner(uint256 modelId, address account)",
    "error ModelVersionNonexistent(uint256 modelId, uint32 version)",
  ]),
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

/** Node's codes of a connection that failed before any answer. */
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "EPIPE"]);

/** The first line of an error's message, which is all a person needs of it (ethers appends its JSON). */
const firstLine = (error: { shortMessage?: unknown; message?: unknown }) =>
  String(typeof error.shortMessage === "string" ? error.shortMessage : error.message).split("\n")[0];

/**
 * {@link decodeRevert}, and what an argument, the transport or the node got wrong as the SDK's typed errors too: an
 * argument ethers cannot encode (a string or a negative number for a uint256, a float, a value past 2^256, an
 * address whose checksum is wrong) is an {@link InvalidInputError}; a call that came back empty (no contract at the
 * address on this chain) an {@link InvalidInputError}; a node that cannot be reached an {@link RpcUnreachableError};
 * an answer that cannot be one an {@link RpcResponseError}. Anything else is returned as is.
 */
export function toSdkError(error: unknown): unknown {
  const decoded = decodeRevert(error);
  if (decoded !== error || error === null || typeof error !== "object") return decoded;
  const e = error as { code?: unknown; value?: unknown; cause?: { code?: unknown } };
  if (isError(error, "INVALID_ARGUMENT") || isError(error, "NUMERIC_FAULT")) {
    const shown = typeof e.value === "string" || typeof e.value === "number" || typeof e.value === "bigint";
    const value = shown ? ` ${JSON.stringify(String(e.value)).slice(0, 80)}` : "";
    return new InvalidInputError(`Invalid argument${value}: ${firstLine(error)}.`, { cause: error });
  }
  if (isError(error, "UNSUPPORTED_OPERATION")) {
    return new InvalidInputError(
      error.operation === "getEnsAddress"
        ? "An address argument is not an address (0x + 40 hex digits), and the node's chain has no ENS names."
        : `Unsupported: ${firstLine(error)}.`,
      { cause: error },
    );
  }
  if (error instanceof TypeError && /BigInt|Cannot convert/.test(error.message)) {
    return new InvalidInputError(`Invalid argument: ${firstLine(error)}.`, { cause: error });
  }
  if (isError(error, "BAD_DATA") && e.value === "0x") {
    return new InvalidInputError(
      "The call returned no data: there is no such contract at this address on the node's chain.",
      { hint: "Check the address and that the provider is on the chain it was deployed on.", cause: error },
    );
  }
  if (isError(error, "CALL_EXCEPTION")) {
    return new UnknownRevertError(
      "The call reverted without a reason: the contract has no such function, or refused without saying why.",
      undefined,
      error,
    );
  }
  if (isError(error, "BAD_DATA") || isError(error, "UNKNOWN_ERROR")) {
    return new RpcResponseError(`The node's answer is not valid: ${firstLine(error)}.`, { cause: error });
  }
  const code = [e.code, e.cause?.code].find((c) => typeof c === "string" && CONNECTION_CODES.has(c));
  if (code !== undefined || isError(error, "TIMEOUT") || isError(error, "NETWORK_ERROR")) {
    return new RpcUnreachableError(`The JSON-RPC node cannot be reached (${code ?? String(e.code)}).`, {
      cause: error,
    });
  }
  if (isError(error, "SERVER_ERROR")) {
    return new RpcResponseError(`The node failed to answer: ${firstLine(error)}.`, { cause: error });
  }
  return error;
}

/** Runs `action` and rethrows any revert, bad argument or node failure as a typed SDK error (see {@link toSdkError}). */
export async function withDecodedErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw toSdkError(error);
  }
}
