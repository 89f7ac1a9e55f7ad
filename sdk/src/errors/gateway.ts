import { InvalidInputError } from "./base";

/** The inference gateway serves no model with this id: call `serve` first. */
export class UnknownServedModelError extends InvalidInputError {
  readonly modelId: bigint;

  constructor(modelId: bigint) {
    super(`The gateway serves no model ${modelId}.`, { hint: "Serve it first with gateway.serve(modelId, …)." });
    this.modelId = modelId;
  }
}

/** A query asked a model for what it does not do: a completion from a classifier, or a label from a generator. */
export class ServedModelKindError extends InvalidInputError {
  readonly modelId: bigint;

  constructor(modelId: bigint, served: string, asked: string) {
    super(`Model ${modelId} is a ${served}; it cannot ${asked}.`);
    this.modelId = modelId;
  }
}
