import { InvalidInputError } from "../errors/base";
import { checkObject, checkUint, shown } from "../internal/check";

/**
 * The surge bond, as `SurgeBondLib.sol`: a Datanet's `datanetDailyBytes` is its daily byte budget. Up to five eighths of
 * it a submission posts the policy's bond; from there the bond doubles with every further eighth that the day's bytes
 * (the submission included) reach: 2× from 5/8, 16× at the budget, 256× at 1.5×, 4096× at twice the budget. A Datanet
 * without a bond keeps the budget as a hard limit instead.
 */

/** The budget is counted in eighths. */
export const SURGE_STEPS_PER_BUDGET = 8n;
/** The first four eighths cost no surge. */
export const SURGE_FREE_STEPS = 4n;
/** The level saturates here, far beyond any bond a contributor can sign for. */
export const MAX_SURGE_LEVEL = 160;

/** How many times the bond doubles when the day's bytes reach `usedAfter` of a nonzero `budget`. */
export function surgeLevel(usedAfter: bigint, budget: bigint): number {
  checkUint(usedAfter, "usedAfter");
  if (typeof budget !== "bigint" || budget <= 0n) {
    throw new InvalidInputError(`The daily budget must be positive, got ${shown(budget)}.`);
  }
  const steps = (usedAfter * SURGE_STEPS_PER_BUDGET) / budget;
  if (steps <= SURGE_FREE_STEPS) return 0;
  const doublings = steps - SURGE_FREE_STEPS;
  return doublings < BigInt(MAX_SURGE_LEVEL) ? Number(doublings) : MAX_SURGE_LEVEL;
}

/** What the policy asks of a submission's bond: its base bond and its daily byte budget. */
export interface SurgePolicy {
  bond: bigint;
  datanetDailyBytes: bigint;
}

/** The bond a submission of `size` bytes posts when `usedToday` bytes were submitted to the Datanet today. */
export function surgeBond(policy: SurgePolicy, usedToday: bigint, size: bigint): bigint {
  checkObject(policy, "policy");
  checkUint(usedToday, "usedToday");
  checkUint(size, "size");
  if (policy.bond === 0n) return 0n;
  return policy.bond << BigInt(surgeLevel(usedToday + size, policy.datanetDailyBytes));
}
