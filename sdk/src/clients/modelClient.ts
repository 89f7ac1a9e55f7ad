import { isAddress, isHexString } from "ethers";
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { DatanetRegistry__factory } from "../contracts/typechain/factories/contracts/DatanetRegistry__factory";
import { ModelRegistry__factory } from "../contracts/typechain/factories/contracts/ModelRegistry__factory";
import type { IDatanetRegistry, ModelRegistry } from "../contracts/typechain";
import type { ModelSpecStruct, ModelVersionStructOutput } from "../contracts/typechain/contracts/ModelRegistry";
import { InvalidInputError, withDecodedErrors } from "../errors";
import { ADAPTER_KINDS } from "../models/types";
import type { ModelSpec, ModelTermsView, ModelVersionView } from "../models/types";
import type { DatanetIndexer } from "../indexer/datanetIndexer";
import { syncedIndexer } from "../indexer/synced";
import { ProvenanceMismatchError, checkModelProvenance } from "../models/provenance";
import type { DatanetSnapshot, ModelProvenanceReport } from "../models/provenance";
import { sendFrom, signerAddressOf, throwingSdkErrors } from "./tx";

/** Parameters of {@link ModelClient.registerModel}. */
export interface RegisterModelParameters {
  /** Metadata URI, served as the model NFT's token URI. */
  uri: string;
  /** Version 1 of the model. */
  spec: ModelSpec;
  /** OPEN (wei) per inference call; may be zero (settlement refuses a zero fee until a price is set). */
  pricePerCall: bigint;
  /** Receives the model's share of every fee; defaults to the signer. */
  revenueRecipient?: string;
}

/** What a registration produced. */
export interface RegisterModelReturnType {
  modelId: bigint;
  receipt: ContractTransactionReceipt;
}

/** What a retrain produced. */
export interface AddModelVersionReturnType {
  version: number;
  receipt: ContractTransactionReceipt;
}

/** The largest price the contract stores (uint96). */
const MAX_PRICE = 2n ** 96n - 1n;

function toSpecStruct(spec: ModelSpec): ModelSpecStruct {
  const adapterKind = ADAPTER_KINDS.indexOf(spec.adapterKind);
  if (adapterKind < 0) {
    throw new InvalidInputError(`Unknown adapter kind "${spec.adapterKind}".`, {
      hint: `Use one of ${ADAPTER_KINDS.join(", ")}.`,
    });
  }
  for (const [name, hash] of [
    ["adapterHash", spec.adapterHash],
    ["trainingConfigHash", spec.trainingConfigHash],
  ]) {
    if (!isHexString(hash, 32)) throw new InvalidInputError(`${name} "${hash}" is not a 32-byte hex string.`);
  }
  return {
    baseModel: spec.baseModel,
    adapterKind,
    adapterHash: spec.adapterHash,
    trainingConfigHash: spec.trainingConfigHash,
    trainedOn: spec.trainedOn.map((r) => ({ datanetId: r.datanetId, version: r.version })),
  };
}

function toVersionView(version: number, v: ModelVersionStructOutput): ModelVersionView {
  return {
    version,
    registeredAt: Number(v.registeredAt),
    adapterKind: ADAPTER_KINDS[Number(v.adapterKind)],
    baseModelHash: v.baseModelHash,
    adapterHash: v.adapterHash,
    trainingConfigHash: v.trainingConfigHash,
    trainedOn: v.trainedOn.map((r) => ({ datanetId: r.datanetId, version: Number(r.version) })),
  };
}

function checkPrice(pricePerCall: bigint): void {
  if (pricePerCall < 0n || pricePerCall > MAX_PRICE) {
    throw new InvalidInputError(`The price per call ${pricePerCall} is outside 0..2^96 - 1.`);
  }
}

function checkRecipient(recipient: string): void {
  if (!isAddress(recipient)) throw new InvalidInputError(`Revenue recipient "${recipient}" is not an address.`);
}

/**
 * Typed access to a {@link ModelRegistry}: register models trained on Datanet versions, retrain them, set their
 * terms, and read their version history. Transactions wait to be mined and throw the SDK's typed errors when they
 * revert.
 */
export class ModelClient {
  private constructor(
    readonly registry: ModelRegistry,
    /** The Datanet registry the model registry checks Datanet versions against. */
    readonly datanets: IDatanetRegistry,
  ) {}

  /** Connects to the model registry at `address`; the Datanet registry is read from it. */
  static async connect(address: string, runner: ContractRunner): Promise<ModelClient> {
    if (!isAddress(address)) throw new InvalidInputError(`"${address}" is not an address.`);
    const registry = ModelRegistry__factory.connect(address, runner);
    const datanets = DatanetRegistry__factory.connect(await registry.DATANETS(), runner);
    return new ModelClient(registry, datanets);
  }

  /** The same client sending from another signer. */
  connect(runner: ContractRunner): ModelClient {
    return new ModelClient(this.registry.connect(runner), this.datanets.connect(runner));
  }

  private send(tx: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    return sendFrom(this.registry.runner, tx);
  }

  /** Registers a model owned by the signer, with `spec` as version 1. Returns the new model's id. */
  async registerModel(p: RegisterModelParameters): Promise<RegisterModelReturnType> {
    const spec = toSpecStruct(p.spec);
    checkPrice(p.pricePerCall);
    if (p.revenueRecipient !== undefined) checkRecipient(p.revenueRecipient);
    return withDecodedErrors(async () => {
      const recipient = p.revenueRecipient ?? (await signerAddressOf(this.registry.runner));
      const receipt = await this.send(() => this.registry.registerModel(p.uri, spec, p.pricePerCall, recipient));
      const event = receipt.logs
        .map((l) => this.registry.interface.parseLog(l))
        .find((e) => e?.name === "ModelRegistered");
      return { modelId: event!.args.modelId as bigint, receipt };
    });
  }

  /** Records a retrained version of a model (owner only); earlier versions stay. */
  async addModelVersion(modelId: bigint, spec: ModelSpec): Promise<AddModelVersionReturnType> {
    const struct = toSpecStruct(spec);
    return withDecodedErrors(async () => {
      const receipt = await this.send(() => this.registry.addModelVersion(modelId, struct));
      const event = receipt.logs
        .map((l) => this.registry.interface.parseLog(l))
        .find((e) => e?.name === "ModelVersionAdded");
      return { version: Number(event!.args.version), receipt };
    });
  }

  /** Sets the price per inference call (owner only). */
  async setPrice(modelId: bigint, pricePerCall: bigint): Promise<ContractTransactionReceipt> {
    checkPrice(pricePerCall);
    return withDecodedErrors(() => this.send(() => this.registry.setPrice(modelId, pricePerCall)));
  }

  /** Sets who receives the model's fee share (owner only). */
  async setRevenueRecipient(modelId: bigint, revenueRecipient: string): Promise<ContractTransactionReceipt> {
    checkRecipient(revenueRecipient);
    return withDecodedErrors(() => this.send(() => this.registry.setRevenueRecipient(modelId, revenueRecipient)));
  }

  /** Sets the metadata URI (owner only). */
  async setModelURI(modelId: bigint, uri: string): Promise<ContractTransactionReceipt> {
    return withDecodedErrors(() => this.send(() => this.registry.setModelURI(modelId, uri)));
  }

  /** Price per call and revenue recipient, as settlement reads them. */
  async terms(modelId: bigint): Promise<ModelTermsView> {
    const t = await withDecodedErrors(() => this.registry.terms(modelId));
    return { pricePerCall: t.pricePerCall, revenueRecipient: t.revenueRecipient };
  }

  /** The model NFT's current owner: who may retrain it and set its terms. */
  async ownerOf(modelId: bigint): Promise<string> {
    return withDecodedErrors(() => this.registry.ownerOf(modelId));
  }

  /** Number of versions of a model (its latest version). */
  async versionCount(modelId: bigint): Promise<number> {
    return Number(await withDecodedErrors(() => this.registry.versionCount(modelId)));
  }

  /** One version of a model. */
  async version(modelId: bigint, version: number): Promise<ModelVersionView> {
    return toVersionView(version, await withDecodedErrors(() => this.registry.getModelVersion(modelId, version)));
  }

  /** Every version of a model, oldest first, each with the Datanet versions it was trained on. */
  async versions(modelId: bigint): Promise<ModelVersionView[]> {
    const count = await this.versionCount(modelId);
    return Promise.all(Array.from({ length: count }, (_, i) => this.version(modelId, i + 1)));
  }

  // Whatever fails below a method (an argument ethers refuses, a node down or lying) reaches the caller typed.
  static {
    throwingSdkErrors(this);
    throwingSdkErrors(this.prototype);
  }
}

/** Parameters of {@link verifyModelProvenance}. */
export interface VerifyModelProvenanceParameters {
  modelId: bigint;
  /**
   * Where the events come from. Default: a new {@link DatanetIndexer} over the model registry's Datanet registry,
   * synced to the latest block through the client's provider. Pass one already synced to reuse its work.
   */
  indexer?: DatanetIndexer;
  /** Throw {@link ProvenanceMismatchError} instead of returning a report with mismatches. Default false. */
  assert?: boolean;
}

/**
 * Lists every version of model `modelId` with the Datanet versions it was trained on, and checks each one: the
 * `(count, digest)` the Datanet registry published must equal the digest recomputed from the acceptances in the
 * events. A model whose every check passes was trained on data anyone can rebuild from the chain, so the
 * contributors it owes are exactly the accepted ones up to each count.
 */
export async function verifyModelProvenance(
  models: ModelClient,
  p: VerifyModelProvenanceParameters,
): Promise<ModelProvenanceReport> {
  const datanetRegistry = await models.datanets.getAddress();
  const versions = await models.versions(p.modelId);
  const indexer = await syncedIndexer(models.datanets, p.indexer, "verifyModelProvenance");
  const published = new Map<string, DatanetSnapshot>();
  for (const v of versions) {
    for (const { datanetId, version } of v.trainedOn) {
      const key = `${datanetId}:${version}`;
      if (published.has(key)) continue;
      const snapshot = await withDecodedErrors(() => models.datanets.getVersion(datanetId, version));
      published.set(key, { count: Number(snapshot.count), digest: snapshot.digest });
    }
  }
  const report = checkModelProvenance({
    modelId: p.modelId,
    datanetRegistry,
    versions,
    published: (datanetId, version) => published.get(`${datanetId}:${version}`)!,
    acceptances: (datanetId) => indexer.datanets.get(datanetId)?.acceptances ?? [],
  });
  if (p.assert && !report.ok) throw new ProvenanceMismatchError(report);
  return report;
}
