import { IntegrityError, InvalidInputError } from "./base";

/* EPOCH INPUT */

/**
 * The input of `attributeEpoch` is malformed or contradicts itself: a field of the wrong shape, an id used twice,
 * an inference of a model that is not in the input. `path` names the field, e.g. `contributions[3].contributor`.
 */
export class InvalidEpochInputError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Epoch input, ${path}: ${problem}`);
    this.path = path;
  }
}

/** A contribution's text does not hash (sha-256 of its UTF-8 bytes) to its on-chain content hash. */
export class ContributionContentMismatchError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Epoch input, ${path}: ${problem}`, {
      hint: "Give each contribution the exact text whose sha-256 was submitted; re-fetch it by its CID.",
    });
    this.path = path;
  }
}

/**
 * The contributions given for a Datanet version are not that version: indices 1..count are not all there, or they
 * do not fold into the version's digest. `path` names the version's field, e.g. `models[0].trainedOn[1].digest`.
 */
export class DatanetVersionMismatchError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Epoch input, ${path}: ${problem}`, {
      hint: "Read the accepted contributions from the registry's events (DatanetIndexer) up to the version's count.",
    });
    this.path = path;
  }
}

/**
 * No inference of the epoch drew on any eligible contribution, so a nonzero pool has nobody to go to (or there is
 * no account at all to put in a reward tree).
 */
export class EpochNothingAttributedError extends InvalidInputError {}

/* EPOCH REPORT */

/** An epoch report is not well-formed: wrong shape, an unknown key, an unsorted list. `path` names the field. */
export class MalformedEpochReportError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Epoch report, ${path}: ${problem}`);
    this.path = path;
  }
}

/**
 * A well-formed epoch report contradicts itself: a total that is not the sum of its parts, an amount that is not
 * what `allocate` gives for the weights, a root that the cumulative amounts do not make, a `reportHash` that is not
 * the report's hash; or it is not the report its input makes (`verifyEpochReport`). `path` is the first such field.
 */
export class EpochReportMismatchError extends IntegrityError {
  readonly path: string;
  /** What `verifyEpochReport` expected at `path` (recomputed from the input, or described), when it threw this. */
  readonly expected?: unknown;
  /** What the report has at `path`, when `verifyEpochReport` threw this. */
  readonly actual?: unknown;

  constructor(path: string, problem: string, compared?: { expected: unknown; actual: unknown }) {
    super(`Epoch report, ${path}: ${problem}`, {
      hint: "The report was edited or damaged; recompute it from its input with attributeEpoch.",
    });
    this.path = path;
    this.expected = compared?.expected;
    this.actual = compared?.actual;
  }
}

/* PUBLISHED REPORTS */

/**
 * The report a root's proposal published cannot be used: the content store does not have it, it is not a v2 report
 * that checks out, or its hash, root, total or epoch is not the root's. `item` names the report, `reason` says why.
 */
export class PublishedReportError extends IntegrityError {
  readonly item: string;
  readonly reason: string;

  constructor(item: string, reason: string) {
    super(`${item}: ${reason}`);
    this.item = item;
    this.reason = reason;
  }
}
