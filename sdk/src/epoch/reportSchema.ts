import { MaxUint256, getAddress, isAddress } from "ethers";
import * as z from "zod";
import { DECIMAL } from "./canonical";

/* The parts of a report's schema that both formats (v1, read only, and v2) share. */

export const decimalSchema = z
  .string()
  .regex(DECIMAL, { error: "must be a decimal string without sign or leading zeros.", abort: true })
  .refine((amount) => BigInt(amount) <= MaxUint256, "must be below 2^256.");
export const hashSchema = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x and 64 lower-case hex digits.");
export const checksummedSchema = z
  .string()
  .refine((a) => isAddress(a) && getAddress(a) === a, "must be an EIP-55 checksummed address.");
export const idSchema = z.string().min(1, "must not be empty.");
export const countSchema = z.number().int("must be an integer.").min(1, "must be ≥ 1.");
export const shareSchema = z.strictObject({ contribution: idSchema, weight: z.number().gt(0, "must be > 0.") });

/** The options a report was computed with. */
export const OPTIONS_SCHEMA = z.strictObject({
  topK: countSchema,
  spans: z.strictObject({
    minTokens: countSchema,
    maxDocumentFraction: z.number().gt(0, "must be in (0, 1].").max(1, "must be in (0, 1]."),
  }),
  dedup: z.strictObject({
    shingleWords: countSchema,
    hashes: countSchema,
    bands: countSchema,
    threshold: z.number().gt(0, "must be in (0, 1].").max(1, "must be in (0, 1]."),
    seed: z.number().int("must be an integer.").min(0, "must be ≥ 0."),
  }),
});

/** A model a report attributes, with its Datanet versions and clusters (v1's scorers). */
export const MODEL_SCHEMA = z.strictObject({
  modelId: decimalSchema,
  version: countSchema,
  trainedOn: z
    .array(
      z.strictObject({
        datanetId: decimalSchema,
        version: countSchema,
        count: countSchema,
        digest: hashSchema,
        contributionsHash: hashSchema,
      }),
    )
    .min(1, "must list at least one Datanet version."),
  clusters: z.array(
    z.strictObject({ representative: idSchema, copies: z.array(idSchema).min(1, "must not be empty.") }),
  ),
  scorer: z
    .strictObject({ kind: z.literal("knn-shapley", { error: 'must be "knn-shapley".' }), k: countSchema })
    .optional(),
});

/** The previous report and the tree, as both formats record them. */
export const PREVIOUS_SCHEMA = z.nullable(
  z.strictObject({ epoch: decimalSchema, reportHash: hashSchema, root: hashSchema, total: decimalSchema }),
);
export const TREE_SCHEMA = z.strictObject({ root: hashSchema, total: decimalSchema });
