import { IntegrityError, InvalidInputError } from "./base";

/**
 * An inference log (or the records given to build one) is malformed: a field of the wrong shape, a record id used
 * twice, an unknown format. `path` names the field, e.g. `records[3].calls`.
 */
export class MalformedInferenceLogError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Inference log, ${path}: ${problem}`, {
      hint: 'An inference-log-v1 file is { "format": "inference-log-v1", "records": [...] } (see the README).',
    });
    this.path = path;
  }
}

/**
 * An inference log is well-formed but is not the one a settlement committed to: its records make another root, or
 * their calls add up to another number. `path` names what differs.
 */
export class InferenceLogMismatchError extends IntegrityError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Inference log, ${path}: ${problem}`, {
      hint: "Fetch the log by the settlement's logURI again; a log whose root differs cannot be attributed.",
    });
    this.path = path;
  }
}

/** No record of an inference log has this id. */
export class UnknownInferenceRecordError extends InvalidInputError {
  readonly id: string;

  constructor(id: string) {
    super(`The inference log has no record "${id}".`);
    this.id = id;
  }
}
