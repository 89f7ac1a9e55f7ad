import { InvalidInputError, MalformedLabelledMailError } from "../errors";

/*
 * The contribution format of the demo's mail Datanet: the label travels in the content, so a version's accepted
 * contributions are a labelled training set on their own, and the content hash commits to the label too.
 */

/** What a mail is labelled: unsolicited bulk mail, or wanted mail. */
export type MailLabel = "spam" | "ham";

/** A mail with its label, as {@link parseLabelled} reads a contribution. */
export interface LabelledMail {
  label: MailLabel;
  /** The mail itself, headers and body, exactly as contributed. */
  mail: string;
}

const PATTERN = /^Label: (spam|ham)\n\n/;

/**
 * The contribution for a labelled mail: `Label: spam` or `Label: ham`, a blank line, then the mail unchanged (no
 * newline normalization, so the mail's bytes are the contribution's bytes after the first two lines).
 * @throws InvalidInputError when the label is neither "spam" nor "ham" or the mail is not a string.
 */
export function formatLabelled(labelled: LabelledMail): string {
  if (typeof labelled !== "object" || labelled === null) {
    throw new InvalidInputError("formatLabelled takes { label, mail }.");
  }
  const { label, mail } = labelled;
  checkLabel(label);
  if (typeof mail !== "string") throw new InvalidInputError(`The mail is a ${typeof mail}, not a string.`);
  return `Label: ${label}\n\n${mail}`;
}

/**
 * Reads a contribution written by {@link formatLabelled}. Strict: the first line is exactly `Label: spam` or
 * `Label: ham` (case, spacing and a `\n` line end as written), followed by an empty line.
 * @throws MalformedLabelledMailError otherwise.
 */
export function parseLabelled(text: string): LabelledMail {
  if (typeof text !== "string") throw new MalformedLabelledMailError(`the contribution is a ${typeof text}.`);
  const match = PATTERN.exec(text);
  if (!match) {
    const firstLine = text.split("\n", 1)[0];
    const problem = /^Label: (spam|ham)$/.test(firstLine)
      ? "the label line is not followed by a blank line."
      : `the first line is ${JSON.stringify(firstLine.slice(0, 40))}, not "Label: spam" or "Label: ham".`;
    throw new MalformedLabelledMailError(problem);
  }
  return { label: match[1] as MailLabel, mail: text.slice(match[0].length) };
}

/**
 * The classifier's target for a label: 1 for spam, 0 for ham.
 * @throws InvalidInputError for any other label.
 */
export function spamBit(label: MailLabel): 0 | 1 {
  return checkLabel(label) === "spam" ? 1 : 0;
}

function checkLabel(label: MailLabel): MailLabel {
  if (label !== "spam" && label !== "ham") {
    throw new InvalidInputError(`A mail is labelled "spam" or "ham", not ${JSON.stringify(label)}.`);
  }
  return label;
}

/**
 * A mail's body: what follows its header block (the first empty line, `\n\n` or `\r\n\r\n`); the whole text when it
 * has no header block. Header lines (routing, dates, message ids) are nearly all machine-made, so a text generator
 * learns prose from bodies only.
 * @throws InvalidInputError when `mail` is not a string.
 */
export function mailBody(mail: string): string {
  if (typeof mail !== "string") throw new InvalidInputError(`The mail is a ${typeof mail}, not a string.`);
  const match = /\r?\n\r?\n/.exec(mail);
  return match ? mail.slice(match.index + match[0].length) : mail;
}
