import { InvalidConfigurationError, NotFoundError, UnauthorizedError } from "../contractErrors";
import type { RevertTable } from "./table";

/**
 * How each custom error of the model registry becomes a typed SDK error.
 */
export const MODEL_REVERTS: RevertTable = {
  ModelNonexistent: [NotFoundError, (a) => [`Model ${a.modelId} does not exist.`]],
  ModelUnauthorizedOwner: [
    UnauthorizedError,
    (a) => [`${a.account} is not the owner of model ${a.modelId}.`, "Send this from the model owner's account."],
  ],
  ModelNoTrainingData: [
    InvalidConfigurationError,
    () => ["A model version must name at least one Datanet version it was trained on."],
  ],
  ModelTooManyTrainingSets: [
    InvalidConfigurationError,
    (a) => [`${a.count} Datanet versions given; a model version can name at most ${a.max}.`],
  ],
  ModelDuplicateDatanet: [
    InvalidConfigurationError,
    (a) => [
      `Datanet ${a.datanetId} is named twice in one model version.`,
      "Name each Datanet once, with the version the model was trained on.",
    ],
  ],
  ModelDatanetVersionNonexistent: [
    NotFoundError,
    (a) => [
      `Datanet ${a.datanetId} has no published version ${a.version}.`,
      "A model can only name published Datanet versions (DatanetClient.publishVersion).",
    ],
  ],
  ModelDatanetAccessDenied: [
    UnauthorizedError,
    (a) => [
      `Datanet ${a.datanetId} is permissioned and has not approved ${a.account} to train on it.`,
      "Ask the Datanet owner to approve this account (DatanetClient.setModelAccess).",
    ],
  ],
  ModelInvalidRevenueRecipient: [
    InvalidConfigurationError,
    () => ["The revenue recipient cannot be the zero address."],
  ],
  ModelVersionNonexistent: [NotFoundError, (a) => [`Model ${a.modelId} has no version ${a.version}.`]],
};
