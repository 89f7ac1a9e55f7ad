import { InvalidInputError } from "../errors";
import type { ExampleEncoding } from "../models/card";
import { denseOf, hashedFeatures } from "./features";
import { parseLabelled, spamBit } from "./labelledMail";

/** A training example as a classifier's scorer reads it. */
export interface EncodedExample {
  features: number[];
  label: 0 | 1;
}

/**
 * The (features, label) a model card's `examples` encoding makes of a contribution's text: for `labelled-mail`, the
 * label of {@link parseLabelled} as {@link spamBit} and the mail's hashed words, dense, in `dimension` buckets.
 * @throws MalformedLabelledMailError when the text is not a labelled mail; InvalidInputError for a bad encoding.
 */
export function exampleOf(text: string, encoding: ExampleEncoding): EncodedExample {
  const { label, mail } = parseLabelled(text);
  if (typeof encoding !== "object" || encoding === null) {
    throw new InvalidInputError("An example encoding is { kind, features, dimension }.");
  }
  return { features: denseOf(hashedFeatures(mail, encoding), encoding.dimension), label: spamBit(label) };
}
