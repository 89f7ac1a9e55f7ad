import { MaxUint256 } from "ethers";
import { InvalidFeeAmountError, InvalidFeeSplitError } from "../errors";

/** The basis points a fee split sums to, as `InferenceSettlement.BPS`. */
export const BPS = 10_000;

/** How a fee is shared, in basis points summing to {@link BPS}: `InferenceSettlement.feeSplit()`. */
export interface FeeSplitBps {
  treasuryBps: number;
  modelBps: number;
  stakersBps: number;
  contributorsBps: number;
}

/** What each party receives of one fee, in wei; the four sum to the fee. */
export interface FeeShares {
  treasury: bigint;
  model: bigint;
  stakers: bigint;
  contributors: bigint;
}

const PARTS = ["treasuryBps", "modelBps", "stakersBps", "contributorsBps"] as const;

/**
 * Splits `amount` exactly as `InferenceSettlement.settle` pays a fee: the treasury, the model and the stakers get
 * `amount × bps / 10,000` rounded down, and the contributors get the rest, so the shares sum to `amount` and the
 * rounding dust (under 3 wei) goes to the contributors.
 *
 * @throws InvalidFeeAmountError when `amount` is not a bigint in [0, 2²⁵⁶ − 1].
 * @throws InvalidFeeSplitError when a part of `bps` is not an integer in [0, 10,000] or the parts do not sum to 10,000.
 */
export function splitFee(amount: bigint, bps: FeeSplitBps): FeeShares {
  if (typeof amount !== "bigint" || amount < 0n || amount > MaxUint256) throw new InvalidFeeAmountError(amount);
  assertFeeSplit(bps);
  const treasury = (amount * BigInt(bps.treasuryBps)) / BigInt(BPS);
  const model = (amount * BigInt(bps.modelBps)) / BigInt(BPS);
  const stakers = (amount * BigInt(bps.stakersBps)) / BigInt(BPS);
  return { treasury, model, stakers, contributors: amount - treasury - model - stakers };
}

/**
 * Throws {@link InvalidFeeSplitError} unless `bps` is a split the contract accepts: four integers in [0, 10,000]
 * summing to 10,000.
 */
export function assertFeeSplit(bps: FeeSplitBps): void {
  if (bps === null || typeof bps !== "object") throw new InvalidFeeSplitError(bps, `${String(bps)} is not an object.`);
  let sum = 0;
  for (const part of PARTS) {
    const value: unknown = bps[part];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > BPS) {
      throw new InvalidFeeSplitError(bps, `${part} is ${String(value)}; it must be an integer in [0, 10,000].`);
    }
    sum += value;
  }
  if (sum !== BPS) throw new InvalidFeeSplitError(bps, `the parts sum to ${sum} basis points instead of 10,000.`);
}
