import * as z from "zod";
import { keccak256, toUtf8Bytes } from "ethers";
import { MalformedModelFileError } from "../errors";
import { canonicalJson } from "../internal/canonicalJson";
import { NGRAM_FORMAT, checkNgramModel } from "./ngram";
import type { NgramModel } from "./ngram";
import { TEXT_CLASSIFIER_FORMAT, checkTextClassifier } from "./textClassifier";
import type { TextClassifierModel } from "./textClassifier";

/** A model the SDK trains, runs and stores as a file: a text classifier or an n-gram text generator. */
export type ModelFile = TextClassifierModel | NgramModel;

const FORMAT_SCHEMA = z.looseObject({
  format: z.enum([TEXT_CLASSIFIER_FORMAT, NGRAM_FORMAT], {
    error: `must be "${TEXT_CLASSIFIER_FORMAT}" or "${NGRAM_FORMAT}".`,
  }),
});

/**
 * The model's file: its canonical JSON (keys sorted at every level, no whitespace, numbers in JavaScript's shortest
 * round-trip form), so that one model always gives the same bytes and the same {@link modelFileHash}.
 * @throws MalformedModelFileError when `model` is not a well-formed model.
 */
export function serializeModelFile(model: ModelFile): string {
  return canonicalJson(checkModelFile(model), (problem) => new MalformedModelFileError("the model", problem));
}

/**
 * keccak256 of the model file's bytes ({@link serializeModelFile}, UTF-8): what a model version registers as its
 * weights (adapter) hash, so that anyone holding the file can check it is the registered model.
 */
export function modelFileHash(model: ModelFile): string {
  return keccak256(toUtf8Bytes(serializeModelFile(model)));
}

/**
 * Reads a model file, as text or parsed JSON, and checks it against its format.
 * @throws MalformedModelFileError naming the first bad field.
 */
export function readModelFile(file: unknown): ModelFile {
  let json = file;
  if (typeof file === "string") {
    try {
      json = JSON.parse(file);
    } catch (cause) {
      throw new MalformedModelFileError("the file", `is not JSON (${(cause as Error).message}).`);
    }
  }
  return checkModelFile(json);
}

function checkModelFile(model: unknown): ModelFile {
  const parsed = FORMAT_SCHEMA.safeParse(model);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedModelFileError(issue.path.length === 0 ? "the model" : "format", issue.message);
  }
  return parsed.data.format === TEXT_CLASSIFIER_FORMAT ? checkTextClassifier(model) : checkNgramModel(model);
}
