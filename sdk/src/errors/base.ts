/** Fields every SDK error carries besides its one-line message. */
export interface ProtocolErrorOptions {
  /** Longer explanation: the values involved. */
  details?: string;
  /** What to do about it. */
  hint?: string;
  cause?: unknown;
}

/**
 * Base of every error the SDK throws. `shortMessage` is one line for a person; `message` adds details and a hint.
 * Catch a subclass to handle one kind of failure.
 */
export class ProtocolError extends Error {
  readonly shortMessage: string;
  readonly details?: string;
  readonly hint?: string;

  constructor(shortMessage: string, options: ProtocolErrorOptions = {}) {
    const lines = [shortMessage];
    if (options.details) lines.push(`Details: ${options.details}`);
    if (options.hint) lines.push(`Hint: ${options.hint}`);
    super(lines.join("\n"), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.hint = options.hint;
  }
}

/** An argument given to the SDK is malformed (bad address, empty data, unreadable file...). Nothing was sent. */
export class InvalidInputError extends ProtocolError {}

/** A value recomputed from events differs from the value on-chain (or from a claimed value). */
export class IntegrityError extends ProtocolError {}

/** The wallet's owner rejected a request (a transaction or a signature) in the wallet: nothing was sent. */
export class UserRejectedError extends ProtocolError {}
