import { IntegrityError, InvalidInputError } from "./base";

/** A prospectus is not a well-formed `prospectus-v1` document. `path` names the field, e.g. `milestones[1].kind`. */
export class MalformedProspectusError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Prospectus, ${path}: ${problem}`, {
      hint: "Rebuild it with buildProspectus, or fetch the document whose hash the offering records.",
    });
    this.path = path;
  }
}

/**
 * Offering terms or deposits the SDK refuses before anything is sent: a split that is not the supply, tranches
 * that do not sum to 10,000 bps, deposits out of order. `path` names the field.
 */
export class InvalidOfferingTermsError extends InvalidInputError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Offering terms, ${path}: ${problem}`);
    this.path = path;
  }
}

/** A model has no offering: the factory's `offeringOf` is all zero. */
export class OfferingNotFoundError extends InvalidInputError {
  readonly modelId: bigint;

  constructor(modelId: bigint) {
    super(`Model ${modelId} has no offering.`, { hint: "Launch one first, or check the model id." });
    this.modelId = modelId;
  }
}

/** The chain contradicts a prospectus: each mismatch names the claim and both values. */
export class ProspectusMismatchError extends IntegrityError {
  readonly mismatches: readonly { path: string; prospectus: string; chain: string }[];

  constructor(mismatches: readonly { path: string; prospectus: string; chain: string }[]) {
    super(`The prospectus contradicts the chain in ${mismatches.length} place(s), first ${mismatches[0]?.path}.`, {
      details: mismatches.map((m) => `${m.path}: prospectus ${m.prospectus}, chain ${m.chain}`).join("; "),
    });
    this.mismatches = mismatches;
  }
}
