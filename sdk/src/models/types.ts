/** Adapter kinds, as in the contract's `AdapterKind`. */
export const ADAPTER_KINDS = ["Full", "LoRA", "QLoRA"] as const;
export type AdapterKindName = (typeof ADAPTER_KINDS)[number];

/** A published Datanet version a model version was trained on. */
export interface DatanetVersionRef {
  datanetId: bigint;
  version: number;
}

/** What a model version was made from. See `ModelSpec` in IModelRegistry.sol for each field. */
export interface ModelSpec {
  /** The base model's identifier, e.g. a Hugging Face repository id; the contract stores its keccak256. */
  baseModel: string;
  adapterKind: AdapterKindName;
  /** Hash (bytes32) of the adapter or full weights file. */
  adapterHash: string;
  /** Hash (bytes32) of the training configuration. */
  trainingConfigHash: string;
  /** Every Datanet version trained on: at least one, no Datanet twice. */
  trainedOn: DatanetVersionRef[];
}

/** A model version read from the chain. */
export interface ModelVersionView {
  version: number;
  /** Unix time of the registration or retrain. */
  registeredAt: number;
  adapterKind: AdapterKindName;
  /** keccak256 of the base model's identifier (the full string is in the ModelVersionAdded event). */
  baseModelHash: string;
  adapterHash: string;
  trainingConfigHash: string;
  trainedOn: DatanetVersionRef[];
}

/** What settlement reads for a model. */
export interface ModelTermsView {
  /** OPEN (wei) per inference call. */
  pricePerCall: bigint;
  revenueRecipient: string;
}
