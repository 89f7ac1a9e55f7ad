import { InvalidInputError } from "./base";

/** A deployment file (`deployments/<network>.json`) cannot be read, is not JSON, or has a field that is wrong. */
export class DeploymentFileError extends InvalidInputError {
  /** The file. */
  readonly path: string;
  /** The bad field as code writes it (`contracts.rewards.address`); undefined when the file itself is the problem. */
  readonly field?: string;

  constructor(path: string, problem: string, field?: string, cause?: unknown) {
    super(field === undefined ? `${path}: ${problem}` : `${path}: ${field} ${problem}`, {
      hint: "Deployment files are written by `npm run deploy`; deploy again rather than editing one by hand.",
      cause,
    });
    this.path = path;
    this.field = field;
  }
}
