import { checkObject, refuseUnless } from "../internal/check";

/** Status names of a contribution, as in the contract's `ContributionStatus`. */
export const CONTRIBUTION_STATUSES = ["None", "Pending", "Accepted", "Rejected", "Expired"] as const;
export type ContributionStatusName = (typeof CONTRIBUTION_STATUSES)[number];

/** Access modes, as in the contract's `AccessMode`. */
export const ACCESS_MODES = ["Open", "Permissioned"] as const;
export type AccessModeName = (typeof ACCESS_MODES)[number];

/** A Datanet policy with SDK-friendly types. See `Policy` in IDatanetRegistry.sol for each field. */
export interface DatanetPolicy {
  bond: bigint;
  quorum: number;
  reviewWindow: number;
  accessMode: AccessModeName;
  maxFileBytes: bigint;
  contributorDailyFiles: number;
  contributorDailyBytes: bigint;
  datanetDailyBytes: bigint;
}

/** The tuple the contract takes for a policy. */
export interface PolicyTuple {
  bond: bigint;
  quorum: number;
  reviewWindow: number;
  accessMode: number;
  maxFileBytes: bigint;
  contributorDailyFiles: number;
  contributorDailyBytes: bigint;
  datanetDailyBytes: bigint;
}

/** The width in bits of each integer field of the contract's `Policy`. */
const POLICY_BITS = {
  bond: 96,
  quorum: 8,
  reviewWindow: 32,
  maxFileBytes: 64,
  contributorDailyFiles: 32,
  contributorDailyBytes: 64,
  datanetDailyBytes: 64,
} as const;
type PolicyInts = Record<keyof typeof POLICY_BITS, bigint>;

/** The integer fields of `p` as bigints, each checked to fit its field of the contract's `Policy`. */
function policyInts(p: unknown): PolicyInts {
  checkObject(p, "policy");
  const ints = {} as PolicyInts;
  for (const [field, bits] of Object.entries(POLICY_BITS) as [keyof PolicyInts, number][]) {
    const v = p[field];
    const n = typeof v === "bigint" ? v : Number.isSafeInteger(v) ? BigInt(v as number) : -1n;
    refuseUnless(n >= 0n && n >> BigInt(bits) === 0n, v, `policy.${field}`, `a uint${bits}`);
    ints[field] = n;
  }
  return ints;
}

function accessModeIndex(mode: unknown): number {
  const index = typeof mode === "string" ? ACCESS_MODES.indexOf(mode as AccessModeName) : Number(mode);
  refuseUnless(index in ACCESS_MODES, mode, "policy.accessMode", ACCESS_MODES.join(" or "));
  return index;
}

/** Converts an SDK policy into the contract's tuple, every field checked to fit the contract's. */
export function toPolicyTuple(p: DatanetPolicy): PolicyTuple {
  policyInts(p);
  return { ...p, accessMode: accessModeIndex(p.accessMode) };
}

/** Converts a policy read from the contract or an event into the SDK form. */
export function fromPolicyTuple(p: {
  bond: bigint;
  quorum: bigint | number;
  reviewWindow: bigint | number;
  accessMode: bigint | number;
  maxFileBytes: bigint;
  contributorDailyFiles: bigint | number;
  contributorDailyBytes: bigint;
  datanetDailyBytes: bigint;
}): DatanetPolicy {
  const ints = policyInts(p);
  return {
    bond: ints.bond,
    quorum: Number(ints.quorum),
    reviewWindow: Number(ints.reviewWindow),
    accessMode: ACCESS_MODES[accessModeIndex(p.accessMode)],
    maxFileBytes: ints.maxFileBytes,
    contributorDailyFiles: Number(ints.contributorDailyFiles),
    contributorDailyBytes: ints.contributorDailyBytes,
    datanetDailyBytes: ints.datanetDailyBytes,
  };
}
