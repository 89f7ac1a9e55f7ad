import { readFile } from "node:fs/promises";
import { z } from "zod";
import { DeploymentFileError } from "../errors";
import { describeZodIssue } from "../internal/zod";

/** The format tag of a deployment file. */
export const DEPLOYMENT_FILE_FORMAT = "open-protocol-deployment-v1";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "is not an address.");
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "is not a 32-byte hex hash.");
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, "is not a decimal integer.");
const block = z.number().int().nonnegative();

const CONTRACT_SCHEMA = z.strictObject({
  /** The contract's name, as its artifact ("RewardDistributor"). */
  contract: z.string().min(1),
  address,
  /** Null for a contract given rather than deployed (an existing OPEN token). */
  block: block.nullable(),
  txHash: hash.nullable(),
  /** keccak256 of the artifact's ABI as JSON. */
  abiHash: hash,
  /** keccak256 of the code at the address once deployed: what a resumed deployment checks. */
  codeHash: hash,
});

const STEP_SCHEMA = z.strictObject({
  name: z.string().min(1),
  txHash: hash,
  /** "sent": the transaction is out but its receipt was not recorded yet. */
  status: z.enum(["sent", "mined"]),
  block: block.optional(),
  address: address.optional(),
});

const FILE_SCHEMA = z.strictObject({
  format: z.literal(DEPLOYMENT_FILE_FORMAT),
  network: z.string().min(1),
  chainId: z.number().int().positive(),
  deployer: address,
  /** `git rev-parse HEAD` of the deploying checkout, "unknown" outside one. */
  gitCommit: z.string().min(1),
  /** ISO 8601 times of the first step and of the last (null until the deployment is complete). */
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  parameters: z.strictObject({
    genesis: decimal,
    epochLength: decimal,
    challengeWindow: decimal,
    feeSplit: z.strictObject({
      treasuryBps: z.number().int().nonnegative(),
      modelBps: z.number().int().nonnegative(),
      stakersBps: z.number().int().nonnegative(),
      contributorsBps: z.number().int().nonnegative(),
    }),
    unstakeCooldown: decimal,
    maxUnstakeCooldown: decimal,
    stakingRewardPeriod: decimal,
    /** Null: the deployer keeps the parameters. */
    governance: z.strictObject({ minDelay: decimal, governor: z.boolean() }).nullable(),
  }),
  roles: z.strictObject({
    attestor: address,
    guardian: address,
    admin: address,
    treasury: address,
    /** Owns the parameters when governance was deployed. */
    timelock: address.nullable(),
  }),
  /** By name: open, datanets, clock, rewards, models, staking, settlement, and timelock, governor with governance. */
  contracts: z.record(z.string(), CONTRACT_SCHEMA),
  /** Every transaction in order; a deployment resumes after the last. */
  steps: z.array(STEP_SCHEMA),
});

/** A protocol deployment as `npm run deploy` records it in `deployments/<network>.json`; seconds as decimal strings. */
export type ProtocolDeploymentFile = z.output<typeof FILE_SCHEMA>;
/** One contract of a {@link ProtocolDeploymentFile}. */
export type DeployedContract = ProtocolDeploymentFile["contracts"][string];
/** One transaction of a {@link ProtocolDeploymentFile}. */
export type DeploymentStep = ProtocolDeploymentFile["steps"][number];

/** Checks a parsed deployment file; `path` names it in errors. Throws {@link DeploymentFileError} naming the bad field. */
export function parseDeployment(value: unknown, path: string): ProtocolDeploymentFile {
  const parsed = FILE_SCHEMA.safeParse(value);
  if (!parsed.success) {
    const [field, problem] = describeZodIssue(parsed.error.issues[0], "the file");
    throw new DeploymentFileError(path, problem, field);
  }
  return parsed.data;
}

/**
 * Reads and checks a deployment file written by `npm run deploy`. Throws {@link DeploymentFileError} when it cannot
 * be read, is not JSON or a field is wrong (naming the field).
 */
export async function readDeployment(path: string): Promise<ProtocolDeploymentFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DeploymentFileError(path, "cannot be read.", undefined, error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DeploymentFileError(path, "is not JSON.", undefined, error);
  }
  return parseDeployment(value, path);
}
