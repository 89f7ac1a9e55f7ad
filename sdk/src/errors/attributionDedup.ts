import { InvalidInputError } from "./base";

/* DEDUPLICATION */

/** A contribution given to `clusterContributions` is malformed; `path` names the field, e.g. `[3].contentHash`. */
export class InvalidDedupContributionError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Dedup input, ${path}: ${problem}`, {
      hint: "Each contribution is {id: string; contentHash: 0x + 64 hex; text: string; acceptedAt: number}, ids unique.",
    });
    this.path = path;
  }
}

/** An option of `clusterContributions` is out of range. */
export class InvalidDedupOptionsError extends InvalidInputError {
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`Dedup option \`${option}\`: ${problem}`);
    this.option = option;
  }
}
