/**
 * Deploys the protocol to the embedded Hardhat chain, a `hardhat node` or any JSON-RPC URL, one recorded transaction
 * at a time: `deployments/<network>.json` is rewritten (atomically) after each, so that a run that stopped resumes
 * where it was and a complete deployment is never deployed twice. `--dry-run` prints the plan with the gas each
 * transaction took on a simulation of the whole plan (on the embedded chain, from the deployer's address and nonce)
 * and its cost at the node's gas price.
 *
 *   npm run deploy -- --network localhost --account-index 0 --guardian 0x… [--governance] [--dry-run]
 *   RPC_URL=https://… PRIVATE_KEY=0x… npm run deploy -- --network sepolia --chain-id 11155111 --guardian 0x…
 *
 * (--help for every option.)
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BrowserProvider, formatEther, formatUnits, getCreateAddress, keccak256, toUtf8Bytes } from "ethers";
import type { Signer } from "ethers";
import * as z from "zod";
import { DEFAULT_TIMELOCK_DELAY } from "../deploy/governance";
import { connectProtocol, givenAddresses, protocolSteps, resolveProtocolOptions } from "../deploy/protocol";
import type { DeployProtocolOptions, ResolvedProtocolOptions } from "../deploy/protocol";
import { runSteps } from "../deploy/steps";
import type { Addresses, DeployStep, StepRecord } from "../deploy/steps";
import { DEPLOYMENT_FILE_FORMAT, parseDeployment, readDeployment } from "../sdk/src/node";
import type { ProtocolDeploymentFile } from "../sdk/src/node";
import { OpenToken__factory } from "../typechain-types";
import {
  CommandError,
  NODE_OPTIONS,
  SIGNER_ENVIRONMENT,
  SIGNER_OPTIONS,
  SIGNER_SCHEMA,
  UsageError,
  exitWith,
  expectContract,
  opt,
  signerChoice,
} from "./lib/cli";
import type { Command, Connection } from "./lib/cli";
import { printTable } from "./lib/ui";

const ROOT = join(__dirname, "..");

/** The embedded chain's name, and the default URL of `localhost`. */
const EMBEDDED = "hardhat";
const LOCALHOST_URL = "http://127.0.0.1:8545";

/** Kills the run after this many recorded steps, as a crash would: for the tests of resuming. */
const EXIT_AFTER_STEPS = "DEPLOY_EXIT_AFTER_STEPS";

/** The keccak256 of an ABI as its artifact writes it (JSON). */
const abiHash = (abi: readonly unknown[]) => keccak256(toUtf8Bytes(JSON.stringify(abi)));

/** "1000,2000,2000,5000": basis points of treasury, model, stakers and contributors, summing to 10,000. */
const feeSplit = opt.string("fee-split").transform((value, ctx) => {
  const parts = value.split(",").map((p) => p.trim());
  const bps = parts.map(Number);
  if (parts.length !== 4 || !parts.every((p) => /^[0-9]+$/.test(p)) || bps.reduce((a, b) => a + b, 0) !== 10_000) {
    ctx.addIssue({
      code: "custom",
      message: `--fee-split must be four basis points (treasury,model,stakers,contributors) summing to 10000, not "${value}".`,
    });
    return z.NEVER;
  }
  const [treasuryBps, modelBps, stakersBps, contributorsBps] = bps;
  return { treasuryBps, modelBps, stakersBps, contributorsBps };
});

const DEPLOY_SCHEMA = z
  .object({
    network: opt.string("network"),
    rpc: opt.rpcUrl("rpc").optional(),
    timeout: opt.integer("timeout"),
    "chain-id": opt.bigint("chain-id").optional(),
    ...SIGNER_SCHEMA,
    "open-token": opt.address("open-token").optional(),
    treasury: opt.address("treasury").optional(),
    admin: opt.address("admin").optional(),
    attestor: opt.address("attestor").optional(),
    guardian: opt.address("guardian").optional(),
    genesis: opt.bigint("genesis").optional(),
    "epoch-length": opt.bigint("epoch-length").optional(),
    "challenge-window": opt.bigint("challenge-window").optional(),
    "fee-split": feeSplit.optional(),
    governance: opt.flag(),
    "timelock-delay": opt.bigint("timelock-delay").optional(),
    governor: opt.flag(),
    deployment: opt.outputFile("deployment").optional(),
    "dry-run": opt.flag(),
  })
  .refine((o) => /^[A-Za-z0-9_-]+$/.test(o.network), {
    message: "--network must be a name (letters, digits, - and _): hardhat, localhost, or yours with RPC_URL.",
  })
  .refine((o) => o.attestor === undefined || o.attestor !== o.guardian, {
    message:
      "--attestor and --guardian are the same key: the guardian is the check on the attestor's reward roots; give two keys.",
  });

type DeployOptions = z.output<typeof DEPLOY_SCHEMA>;

/** The protocol options the command line asks for. */
function protocolOptions(o: DeployOptions): DeployProtocolOptions {
  const governance = o.governance || o.governor || o["timelock-delay"] !== undefined;
  return {
    ...(o["open-token"] && { openToken: o["open-token"] }),
    ...(o.treasury && { treasury: o.treasury }),
    ...(o.admin && { admin: o.admin }),
    ...(o.attestor && { attestor: o.attestor }),
    ...(o.guardian && { guardian: o.guardian }),
    ...(o.genesis !== undefined && { genesis: o.genesis }),
    ...(o["epoch-length"] !== undefined && { epochLength: o["epoch-length"] }),
    ...(o["challenge-window"] !== undefined && { challengeWindow: o["challenge-window"] }),
    ...(o["fee-split"] && { feeSplit: o["fee-split"] }),
    ...(governance && {
      governance: { minDelay: o["timelock-delay"] ?? DEFAULT_TIMELOCK_DELAY, governor: o.governor && {} },
    }),
  };
}

/** What a deployment file says of its parameters and roles, for `o` (whose genesis is resolved). */
function recordedSettings(o: ResolvedProtocolOptions): Pick<ProtocolDeploymentFile, "parameters" | "roles"> {
  const split = o.feeSplit;
  return {
    parameters: {
      genesis: o.genesis!.toString(),
      epochLength: o.epochLength.toString(),
      challengeWindow: o.challengeWindow.toString(),
      feeSplit: {
        treasuryBps: Number(split.treasuryBps),
        modelBps: Number(split.modelBps),
        stakersBps: Number(split.stakersBps),
        contributorsBps: Number(split.contributorsBps),
      },
      unstakeCooldown: o.unstakeCooldown.toString(),
      maxUnstakeCooldown: o.maxUnstakeCooldown.toString(),
      stakingRewardPeriod: o.stakingRewardPeriod.toString(),
      governance: o.governance
        ? { minDelay: (o.governance.minDelay ?? DEFAULT_TIMELOCK_DELAY).toString(), governor: !!o.governance.governor }
        : null,
    },
    roles: { attestor: o.attestor, guardian: o.guardian, admin: o.admin, treasury: o.treasury, timelock: null },
  };
}

/** The first field where two JSON values differ, as a path, or undefined. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) {
    return JSON.stringify(a) === JSON.stringify(b) ? undefined : path;
  }
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const found = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (found) return found;
  }
  return undefined;
}

const valueAt = (value: unknown, path: string) =>
  path
    .split(".")
    .slice(1)
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);

/** Writes `file` to `path` whole or not at all: a temporary file beside it, then a rename. */
async function writeAtomically(path: string, file: ProtocolDeploymentFile): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(parseDeployment(file, path), null, 2) + "\n");
  await rename(temporary, path);
}

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return "unknown";
  }
}

/**
 * Hardhat's runtime environment, loaded on first use, once HARDHAT_NETWORK is set. Required, not imported: under tsx,
 * `import()` of a CommonJS package gives its namespace object, without the environment's fields.
 */
function hardhat(): typeof import("hardhat") {
  return require("hardhat") as typeof import("hardhat");
}

/** The embedded Hardhat chain of this process (loaded on first use). */
async function embeddedChain(): Promise<{
  connection: Connection;
  send: (method: string, params: unknown[]) => Promise<unknown>;
}> {
  process.env.HARDHAT_NETWORK = EMBEDDED;
  const hre = hardhat();
  const provider = new BrowserProvider(hre.network.provider);
  const { chainId } = await provider.getNetwork();
  return {
    connection: { provider, url: "the embedded Hardhat chain", chainId },
    send: (method, params) => hre.network.provider.send(method, params),
  };
}

/**
 * Refuses to resume `file` with this run's chain, deployer and settings, or when the code at a recorded address is
 * not what was deployed there; completes a step whose transaction was sent but not recorded as mined.
 */
async function checkResumable(
  file: ProtocolDeploymentFile,
  path: string,
  connection: Connection,
  deployer: string,
  settings: Pick<ProtocolDeploymentFile, "parameters" | "roles">,
  steps: DeployStep[],
): Promise<void> {
  if (BigInt(file.chainId) !== connection.chainId) {
    throw new UsageError(
      `${path} is a deployment on chain ${file.chainId}, but ${connection.url} is chain ${connection.chainId}: ` +
        "give another --deployment file or the right node.",
    );
  }
  if (file.deployer !== deployer) {
    throw new UsageError(`${path} was deployed by ${file.deployer}, not by this signer (${deployer}).`);
  }
  const recorded = { parameters: file.parameters, roles: { ...file.roles, timelock: null } };
  const differs = firstDifference(recorded, settings, "");
  if (differs) {
    throw new UsageError(
      `${path} was started with ${differs.slice(1)} ${JSON.stringify(valueAt(recorded, differs))}, this run asks for ` +
        `${JSON.stringify(valueAt(settings, differs))}: run with the same options, or give another --deployment file.`,
    );
  }
  const planned = steps.map((s) => s.name);
  file.steps.forEach((step, k) => {
    if (planned[k] !== step.name) {
      throw new UsageError(`${path} step ${k + 1} is ${step.name}, but this plan's is ${planned[k] ?? "none"}.`);
    }
  });
  for (const [name, contract] of Object.entries(file.contracts)) {
    const code = await connection.provider.getCode(contract.address);
    if (code === "0x" || keccak256(code) !== contract.codeHash) {
      throw new CommandError(
        `${path}: the code at contracts.${name}.address ${contract.address} is ${code === "0x" ? "missing" : "not the recorded code"} ` +
          `on ${connection.url}: the file is not this chain's deployment.`,
      );
    }
  }
  const last = file.steps[file.steps.length - 1];
  if (last?.status === "sent") {
    const receipt = await connection.provider.waitForTransaction(last.txHash, 1, 60_000).catch(() => null);
    if (receipt === null || receipt.status !== 1) {
      throw new CommandError(
        `${path}: step ${last.name}'s transaction ${last.txHash} was sent but is not mined ${receipt === null ? "(after 60 s)" : "(it reverted)"}; ` +
          "check it on the node, then remove that step from the file to send it again.",
      );
    }
    await recordMined(file, steps, connection, {
      name: last.name,
      txHash: last.txHash,
      block: receipt.blockNumber,
      gasUsed: receipt.gasUsed,
      ...(receipt.contractAddress !== null && { address: receipt.contractAddress }),
    });
  }
}

/** Records a mined step in `file`: the step, and the contract a creation deployed. */
async function recordMined(
  file: ProtocolDeploymentFile,
  steps: DeployStep[],
  connection: Connection,
  record: StepRecord,
): Promise<void> {
  const step = steps.find((s) => s.name === record.name)!;
  file.steps[file.steps.length - 1] = {
    name: record.name,
    txHash: record.txHash,
    status: "mined",
    block: record.block,
    ...(record.address !== undefined && { address: record.address }),
  };
  if (step.contract !== undefined && record.address !== undefined) {
    file.contracts[step.name] = {
      contract: step.contract,
      address: record.address,
      block: record.block,
      txHash: record.txHash,
      abiHash: abiHash(step.abi!),
      codeHash: keccak256(await connection.provider.getCode(record.address)),
    };
  }
}

/** A value of a step's arguments as the plan prints it. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shown).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${shown(v)}`)
      .join(", ")}}`;
  }
  return String(value);
}

/**
 * Runs the whole plan on the embedded chain from `deployer`'s address at `nonce` (so that the addresses are those
 * the node will give), with the existing OPEN token's code copied, and returns each step's arguments and gas. Leaves
 * the embedded chain as it was.
 */
async function simulate(
  steps: DeployStep[],
  o: ResolvedProtocolOptions,
  deployer: string,
  nonce: number,
  target: Connection,
): Promise<{ args: readonly unknown[]; gas: bigint }[]> {
  const { send } = await embeddedChain();
  const snapshot = await send("evm_snapshot", []);
  try {
    await send("hardhat_impersonateAccount", [deployer]);
    await send("hardhat_setBalance", [deployer, "0xffffffffffffffffffffffffffffff"]);
    const simulated = Number(await send("eth_getTransactionCount", [deployer, "latest"]));
    if (simulated !== nonce) await send("hardhat_setNonce", [deployer, `0x${nonce.toString(16)}`]);
    if (o.openToken) await send("hardhat_setCode", [o.openToken, await target.provider.getCode(o.openToken)]);
    const hre = hardhat();
    const signer = await hre.ethers.getImpersonatedSigner(deployer);
    const rows: { args: readonly unknown[]; gas: bigint }[] = [];
    let addresses: Addresses = givenAddresses(o);
    let k = 0;
    await runSteps(signer, steps, {
      addresses,
      onSent: async (step) => {
        rows.push({ args: await step.args(addresses, signer), gas: 0n });
      },
      onMined: (record) => {
        rows[k++].gas = record.gasUsed;
        if (record.address) addresses = { ...addresses, [record.name]: record.address };
      },
    });
    return rows;
  } finally {
    await send("evm_revert", [snapshot]);
  }
}

/** Prints the plan of the steps not done yet, their gas on a simulation and the cost at the node's gas price. */
async function printPlan(
  connection: Connection,
  steps: DeployStep[],
  done: number,
  o: ResolvedProtocolOptions,
  deployer: Signer,
): Promise<void> {
  const address = await deployer.getAddress();
  const nonce = await connection.provider.getTransactionCount(address, "pending");
  const simulation = await simulate(steps, o, address, nonce - done, connection);
  const feeData = await connection.provider.getFeeData();
  const price = feeData.maxFeePerGas ?? feeData.gasPrice ?? 0n;
  const rows = steps.slice(done).map((step, k) => {
    const { args, gas } = simulation[done + k];
    const what = step.contract
      ? `deploy ${step.contract}${step.name === "open" ? "" : ` (${step.name})`} at ${getCreateAddress({ from: address, nonce: nonce + k })}`
      : `call ${step.call!.target}.${step.call!.method}`;
    return [done + k + 1, what, shown(args), gas];
  });
  const total = simulation.slice(done).reduce((sum, r) => sum + r.gas, 0n);
  printTable(
    `Plan: ${rows.length} transaction(s) from ${address} on chain ${connection.chainId}` +
      (done > 0 ? ` (resuming after step ${done})` : ""),
    ["#", "Transaction", "Arguments", "Gas"],
    rows,
    [0, 3],
  );
  printTable(
    "Roles",
    ["Role", "Account"],
    [
      ["attestor (proposes reward roots)", o.attestor],
      ["guardian (revokes pending roots)", o.guardian],
      ["distributor admin", o.governance ? "the timelock (handed over)" : o.admin],
      ["treasury", o.treasury],
      ["owner of clock, staking, settlement, offering factory", o.governance ? "the timelock (handed over)" : address],
    ],
  );
  console.log(
    `Total: ${total} gas (simulated), ${formatEther(total * price)} in the chain's currency at ` +
      `${formatUnits(price, "gwei")} gwei (the node's current maximum fee per gas).`,
  );
}

/** Where {@link deployTo} deploys, and how it reports. */
export interface DeployTarget {
  /** The network's name, recorded in the file. */
  network: string;
  connection: Connection;
  signer: Signer;
  /** The deployment file to write, or to resume when `resume`. */
  path: string;
  /** Resume (or leave alone) the file at `path` when there is one; false: start afresh (the embedded chain). */
  resume: boolean;
  info: (line: string) => void;
}

/**
 * Deploys the protocol with `asked`'s options to `target`, one recorded step at a time (what `npm run deploy` does
 * once it has its node and signer): resumes an incomplete file, does nothing to a complete one, and returns the
 * file as it is at the end (undefined on a dry run, which prints the plan and sends nothing).
 */
export async function deployTo(
  target: DeployTarget,
  asked: DeployProtocolOptions,
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<ProtocolDeploymentFile | undefined> {
  const { connection, signer, path } = target;
  const deployerAddress = await signer.getAddress();
  const existing = target.resume && existsSync(path) ? await readDeployment(path) : undefined;
  if (asked.governance && asked.admin !== undefined && asked.admin !== deployerAddress) {
    throw new UsageError(
      `--admin ${asked.admin} with --governance: the signer holds the admin role until it hands it to the timelock; leave --admin out.`,
    );
  }
  const genesis =
    asked.genesis ??
    (existing
      ? BigInt(existing.parameters.genesis)
      : BigInt((await connection.provider.getBlock("latest"))!.timestamp));
  let resolved: ResolvedProtocolOptions;
  try {
    resolved = resolveProtocolOptions(deployerAddress, { ...asked, genesis });
  } catch (error) {
    const message = (error as Error).message.replace(/^deployProtocol: /, "");
    throw new UsageError(
      message.includes("same key")
        ? `the attestor and the guardian would be one key (${asked.attestor ?? deployerAddress}): give --guardian ` +
            "(and --attestor) as two keys; both default to the signer."
        : message.split(". ")[0] + ".",
    );
  }
  const settings = recordedSettings(resolved);
  const steps = protocolSteps(resolved);
  if (existing) await checkResumable(existing, path, connection, deployerAddress, settings, steps);
  if (existing?.completedAt) {
    console.log(`Nothing to do: ${path} is complete (${existing.steps.length} transactions, ${existing.completedAt}).`);
    return existing;
  }
  const done = existing?.steps.length ?? 0;
  if (dryRun) {
    await printPlan(connection, steps, done, resolved, signer);
    console.log("Dry run: nothing was sent.");
    return undefined;
  }

  const file: ProtocolDeploymentFile = existing ?? {
    format: DEPLOYMENT_FILE_FORMAT,
    network: target.network,
    chainId: Number(connection.chainId),
    deployer: deployerAddress,
    gitCommit: gitCommit(),
    startedAt: new Date().toISOString(),
    completedAt: null,
    ...settings,
    contracts: {},
    steps: [],
  };
  if (resolved.openToken && !file.contracts.open) {
    const code = await connection.provider.getCode(resolved.openToken);
    file.contracts.open = {
      contract: "OpenToken",
      address: resolved.openToken,
      block: null,
      txHash: null,
      abiHash: abiHash(OpenToken__factory.abi),
      codeHash: keccak256(code),
    };
  }
  await mkdir(dirname(path), { recursive: true });
  target.info(done > 0 ? `Resuming ${path} after step ${done} of ${steps.length}.` : `Recording to ${path}.`);
  const exitAfter = Number(process.env[EXIT_AFTER_STEPS] ?? Infinity);
  const addresses = await runSteps(signer, steps, {
    addresses: Object.fromEntries(Object.entries(file.contracts).map(([name, c]) => [name, c.address])),
    done,
    onSent: async (step, txHash) => {
      file.steps.push({ name: step.name, txHash, status: "sent" });
      await writeAtomically(path, file);
    },
    onMined: async (record) => {
      await recordMined(file, steps, connection, record);
      await writeAtomically(path, file);
      target.info(
        `${file.steps.length}/${steps.length} ${record.name}${record.address ? ` ${record.address}` : ""} (block ${record.block})`,
      );
      if (file.steps.length >= exitAfter) process.kill(process.pid, "SIGKILL");
    },
  });
  await connectProtocol(signer, addresses, resolved);
  file.roles.timelock = addresses.timelock ?? null;
  file.completedAt = new Date().toISOString();
  await writeAtomically(path, file);
  printTable(
    `Deployed on chain ${connection.chainId}, recorded in ${path}`,
    ["Contract", "Address", "Block"],
    Object.entries(file.contracts).map(([name, c]) => [`${name} (${c.contract})`, c.address, c.block ?? "given"]),
    [2],
  );
  return file;
}

/** `npm run deploy`: see --help. */
export const deployCommand: Command<DeployOptions> = {
  name: "deploy",
  summary:
    "Deploys the protocol (OPEN unless --open-token, the Datanet and model registries, the epoch clock, the reward\n" +
    "distributor, the staking pool, inference settlement and the offering factory with the implementations its\n" +
    "launches clone; with --governance the timelock that then owns every\n" +
    "parameter) one transaction at a time, recording each in the deployment file. Re-running with the same file\n" +
    "resumes after its last step, or does nothing when it is complete. On the embedded chain (--network hardhat)\n" +
    "every run starts afresh. Attestor and guardian must be two keys; both default to the signer, so give one.",
  options: {
    network: {
      type: "string",
      value: "<name>",
      description: `${EMBEDDED} (embedded chain), localhost (${LOCALHOST_URL}), or a name of yours with --rpc / RPC_URL`,
      example: "--network localhost",
    },
    rpc: { ...NODE_OPTIONS.rpc, default: undefined, description: `JSON-RPC endpoint (localhost: ${LOCALHOST_URL})` },
    timeout: NODE_OPTIONS.timeout,
    "chain-id": {
      type: "string",
      value: "<n>",
      description: "refuse to deploy unless the node's chain id is this",
      example: "--chain-id 31337",
    },
    ...SIGNER_OPTIONS,
    "open-token": {
      type: "string",
      value: "<address>",
      description: "use this deployed OPEN token (an ERC-20 with decimals()) instead of deploying one",
      example: "--open-token 0x5FbDB2315678afecb367f032d93F642f64180aa3",
    },
    treasury: {
      type: "string",
      value: "<address>",
      description: "receives a new token's supply and the treasury's fee share (default: the signer)",
      example: "--treasury 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    },
    admin: {
      type: "string",
      value: "<address>",
      description: "the reward distributor's admin (default: the signer; the timelock with --governance)",
      example: "--admin 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    },
    attestor: {
      type: "string",
      value: "<address>",
      description: "proposes reward roots (default: the signer)",
      example: "--attestor 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    },
    guardian: {
      type: "string",
      value: "<address>",
      description: "revokes a wrong pending root; not the attestor (default: the signer)",
      example: "--guardian 0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    },
    genesis: {
      type: "string",
      value: "<unix seconds>",
      description: "when epoch 1 starts (default: the latest block's time)",
      example: "--genesis 1767225600",
    },
    "epoch-length": {
      type: "string",
      value: "<seconds>",
      description: "seconds per epoch (default a week)",
      example: "--epoch-length 86400",
    },
    "challenge-window": {
      type: "string",
      value: "<seconds>",
      description: "from a root's proposal to its earliest acceptance (default a day)",
      example: "--challenge-window 3600",
    },
    "fee-split": {
      type: "string",
      value: "<bps,bps,bps,bps>",
      description: "treasury, model, stakers, contributors in basis points (default 1000,2000,2000,5000)",
      example: "--fee-split 1000,2000,2000,5000",
    },
    governance: {
      type: "boolean",
      description: "hand every parameter to a TimelockController (the deployer keeps none)",
      example: "--governance",
    },
    "timelock-delay": {
      type: "string",
      value: "<seconds>",
      description: "the timelock's delay, at least the longest unstake cooldown + 2 days (default 9 days)",
      example: "--timelock-delay 777600",
    },
    governor: {
      type: "boolean",
      description: "also deploy an OPEN-votes Governor, the timelock's only proposer",
      example: "--governor",
    },
    deployment: {
      type: "string",
      value: "<file>",
      description: "the deployment file to write or resume (default deployments/<network>.json)",
      example: "--deployment deployments/staging.json",
    },
    "dry-run": {
      type: "boolean",
      description: "print the plan (contracts, arguments, roles, simulated gas and cost); send nothing",
      example: "--dry-run",
    },
  },
  environment: { RPC_URL: "the node's URL for --network other than hardhat", ...SIGNER_ENVIRONMENT },
  examples: [
    "npm run deploy -- --network localhost --account-index 0 --guardian 0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "RPC_URL=https://rpc.example PRIVATE_KEY=0x… npm run deploy -- --network staging --chain-id 11155111 \\\n" +
      "    --guardian 0x… --open-token 0x… --governance --dry-run",
  ],
  schema: DEPLOY_SCHEMA,
  async run(o, context) {
    const embedded = o.network === EMBEDDED;
    const url = o.rpc ?? (o.network === "localhost" ? LOCALHOST_URL : undefined);
    if (!embedded && url === undefined) {
      throw new UsageError(`--network ${o.network} needs the node's URL: give --rpc <url> or RPC_URL.`);
    }
    const connection = embedded ? (await embeddedChain()).connection : await context.connect(url!, o.timeout);
    if (o["chain-id"] !== undefined && o["chain-id"] !== connection.chainId) {
      throw new UsageError(
        `--chain-id ${o["chain-id"]} does not match ${connection.url}, which is chain ${connection.chainId}.`,
      );
    }
    const choice = signerChoice(o);
    // The embedded chain's first development account, unless another signer is given.
    if (embedded && !choice.privateKey && choice.keystore === undefined) choice.accountIndex ??= 0;
    const signer = await context.signer(connection, choice);
    const deployerAddress = await signer.getAddress();
    if (o["open-token"]) await expectContract(connection, o["open-token"], "ERC-20 token", "--open-token");

    await deployTo(
      {
        network: o.network,
        connection,
        signer,
        path: o.deployment ?? join(ROOT, "deployments", `${o.network}.json`),
        resume: !embedded,
        info: (line) => context.info(line),
      },
      protocolOptions(o),
      { dryRun: o["dry-run"] },
    );
  },
};

if (require.main === module) exitWith(deployCommand);
