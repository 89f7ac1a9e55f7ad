import { InvalidInputError } from "./base";

/** A fee split is not four integer basis points, each in [0, 10,000], summing to 10,000 (as the contract requires). */
export class InvalidFeeSplitError extends InvalidInputError {
  readonly split: unknown;

  constructor(split: unknown, problem: string) {
    super(`Invalid fee split: ${problem}`, {
      hint: "Give treasuryBps, modelBps, stakersBps and contributorsBps as integers summing to 10,000.",
    });
    this.split = split;
  }
}

/** A fee to split is not a bigint in [0, 2²⁵⁶ − 1]. */
export class InvalidFeeAmountError extends InvalidInputError {
  readonly amount: unknown;

  constructor(amount: unknown) {
    const shown = typeof amount === "bigint" ? `${amount}` : `${String(amount)} (a ${typeof amount})`;
    super(`The fee is ${shown}; it must be a bigint in [0, 2^256 - 1].`);
    this.amount = amount;
  }
}

/** An epoch schedule is empty, does not start at epoch 1, or is not in order; or a time or epoch is outside it. */
export class InvalidEpochScheduleError extends InvalidInputError {}
