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

/** Converts an SDK policy into the contract's tuple. */
export function toPolicyTuple(p: DatanetPolicy): PolicyTuple {
  return { ...p, accessMode: ACCESS_MODES.indexOf(p.accessMode) };
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
  return {
    bond: BigInt(p.bond),
    quorum: Number(p.quorum),
    reviewWindow: Number(p.reviewWindow),
    accessMode: ACCESS_MODES[Number(p.accessMode)],
    maxFileBytes: BigInt(p.maxFileBytes),
    contributorDailyFiles: Number(p.contributorDailyFiles),
    contributorDailyBytes: BigInt(p.contributorDailyBytes),
    datanetDailyBytes: BigInt(p.datanetDailyBytes),
  };
}
