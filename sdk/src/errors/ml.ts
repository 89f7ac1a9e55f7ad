import { InvalidInputError } from "./base";

/**
 * A contribution of the demo's mail Datanet is not a labelled mail: its first line is not `Label: spam` or
 * `Label: ham`, or no blank line follows it.
 */
export class MalformedLabelledMailError extends InvalidInputError {
  constructor(problem: string) {
    super(`Labelled mail: ${problem}`, {
      hint: 'A labelled mail is "Label: spam" or "Label: ham", a blank line, then the mail (see formatLabelled).',
    });
  }
}

/**
 * A model file (a text classifier or an n-gram model) is malformed: unknown format, a field of the wrong shape or
 * size, a value out of range. `path` names the field, e.g. `weights[12]`.
 */
export class MalformedModelFileError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Model file, ${path}: ${problem}`, {
      hint: 'A model file is the JSON serializeModelFile writes, with "format" "text-classifier-v1" or "ngram-v1".',
    });
    this.path = path;
  }
}
