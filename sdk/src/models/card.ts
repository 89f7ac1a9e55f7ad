import * as z from "zod";
import { MalformedModelCardError } from "../errors";
import { BYTES32 } from "../internal/check";
import { describeZodIssue } from "../internal/zod";

/** The format tag of a model card. */
export const MODEL_CARD_FORMAT = "model-card-v1";

/**
 * How each training contribution's text becomes a classifier's (features, label): `labelled-mail` is a text in the
 * SDK's `formatLabelled` shape, its label `spamBit` (spam 1, ham 0) and its features the hashed bag-of-words of the
 * mail in `dimension` buckets (`denseOf(hashedFeatures(mail, { dimension }), dimension)`).
 */
export interface ExampleEncoding {
  kind: "labelled-mail";
  features: "hashed-words";
  dimension: number;
}

/** How a model's inferences are attributed, as its card states it; the epoch's scorer is made from it. */
export type ModelCardAttribution =
  | { kind: "spans" }
  | { kind: "knn-shapley"; k: number; examples: ExampleEncoding }
  | {
      kind: "logistic-influence";
      l2: number;
      /** `ipfs://<cid>` of the validation set, JSON `{ "features": number[][], "labels": (0|1)[] }`. */
      validationURI: string;
      /** `validationSetHash` of that set, as the registration's training configuration committed to it. */
      validationHash: string;
      examples: ExampleEncoding;
    };

/**
 * A model's card: the JSON a registered model's `uri` names by CID (`ipfs://<cid>`), so that anyone who reads the
 * chain and the content store knows how the model's inferences are attributed. A model without a card is attributed
 * by spans.
 */
export interface ModelCard {
  format: typeof MODEL_CARD_FORMAT;
  name: string;
  description?: string;
  attribution: ModelCardAttribution;
}

const EXAMPLES = z.strictObject({
  kind: z.literal("labelled-mail"),
  features: z.literal("hashed-words"),
  dimension: z
    .number()
    .int("must be an integer.")
    .refine((d) => d >= 2 && d <= 2 ** 24 && (d & (d - 1)) === 0, "must be a power of two from 2 to 2^24."),
});

const CARD_SCHEMA = z.strictObject({
  format: z.literal(MODEL_CARD_FORMAT, { error: `must be "${MODEL_CARD_FORMAT}".` }),
  name: z.string().min(1, "must not be empty."),
  description: z.string().optional(),
  attribution: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("spans") }),
    z.strictObject({
      kind: z.literal("knn-shapley"),
      k: z.number().int("must be an integer.").min(1, "must be ≥ 1."),
      examples: EXAMPLES,
    }),
    z.strictObject({
      kind: z.literal("logistic-influence"),
      l2: z.number().gt(0, "must be > 0.").finite(),
      validationURI: z.string().startsWith("ipfs://", "must be an ipfs:// URI of the validation set."),
      validationHash: z
        .string()
        .regex(BYTES32, "must be 0x and 64 hex digits.")
        .transform((h) => h.toLowerCase()),
      examples: EXAMPLES,
    }),
  ]),
});

/**
 * Checks a model card: its text, or its parsed JSON.
 * @throws MalformedModelCardError naming the field when it is not JSON or not a `model-card-v1`.
 */
export function readModelCard(value: unknown): ModelCard {
  let json = value;
  if (typeof value === "string") {
    try {
      json = JSON.parse(value);
    } catch {
      throw new MalformedModelCardError("(the card)", "is not JSON.");
    }
  }
  const parsed = CARD_SCHEMA.safeParse(json);
  if (!parsed.success) {
    const [path, problem] = describeZodIssue(parsed.error.issues[0], "the card");
    throw new MalformedModelCardError(path, problem);
  }
  return parsed.data;
}

/** The card as the JSON text to publish (keys in the order of {@link ModelCard}, two-space indent). */
export function serializeModelCard(card: ModelCard): string {
  return JSON.stringify(readModelCard(card), null, 2);
}
