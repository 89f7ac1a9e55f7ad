import type { ModelClient } from "../clients/modelClient";
import { digestOf } from "../datanet/digest";
import { IntegrityError, InvalidInputError, withDecodedErrors } from "../errors";
import { DatanetIndexer } from "../indexer/datanetIndexer";

/** A Datanet version's accepted-contribution count and running digest. */
export interface DatanetSnapshot {
  count: number;
  digest: string;
}

/**
 * One Datanet version a model version names. `expected` is the snapshot the Datanet registry published on-chain;
 * `actual` is what the events yield: the digest of the first `expected.count` acceptances (or of all of them, and
 * their number, when the events hold fewer).
 */
export interface DatanetRefCheck {
  datanetId: bigint;
  version: number;
  status: "ok" | "mismatch";
  expected: DatanetSnapshot;
  actual: DatanetSnapshot;
}

/** The Datanet versions of one model version and how each checked. */
export interface ModelVersionProvenance {
  version: number;
  ok: boolean;
  datanets: DatanetRefCheck[];
}

/** Every version of a model with its Datanet versions checked against the events. */
export interface ModelProvenanceReport {
  modelId: bigint;
  /** The Datanet registry whose published versions were read. */
  datanetRegistry: string;
  ok: boolean;
  versions: ModelVersionProvenance[];
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

/** A Datanet version a model names is not what the events reproduce. `report` has every check. */
export class ProvenanceMismatchError extends IntegrityError {
  readonly report: ModelProvenanceReport;
  readonly mismatches: (DatanetRefCheck & { modelVersion: number })[];

  constructor(report: ModelProvenanceReport) {
    const mismatches = report.versions.flatMap((v) =>
      v.datanets.filter((d) => d.status === "mismatch").map((d) => ({ ...d, modelVersion: v.version })),
    );
    const lines = mismatches.map(
      (m) =>
        `model version ${m.modelVersion}, Datanet ${m.datanetId} version ${m.version}: published ` +
        `(${m.expected.count}, ${m.expected.digest}), events give (${m.actual.count}, ${m.actual.digest})`,
    );
    super(
      `Model ${report.modelId}: ${mismatches.length} Datanet version(s) do not match the events of ${report.datanetRegistry}.`,
      {
        details: lines.join("; "),
        hint: "Check that the indexer reads the model registry's Datanet registry and is synced to the latest block.",
      },
    );
    this.report = report;
    this.mismatches = mismatches;
  }
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
  let indexer = p.indexer;
  if (!indexer) {
    const provider = models.registry.runner?.provider;
    if (!provider) throw new InvalidInputError("verifyModelProvenance needs a client connected to a provider.");
    indexer = new DatanetIndexer(provider, datanetRegistry);
    await indexer.sync();
  }

  const published = new Map<string, Promise<DatanetSnapshot>>();
  const snapshotOf = (datanetId: bigint, version: number) => {
    const key = `${datanetId}:${version}`;
    if (!published.has(key)) {
      published.set(
        key,
        withDecodedErrors(() => models.datanets.getVersion(datanetId, version)).then((v) => ({
          count: Number(v.count),
          digest: v.digest,
        })),
      );
    }
    return published.get(key)!;
  };

  const checked: ModelVersionProvenance[] = [];
  for (const v of versions) {
    const datanets: DatanetRefCheck[] = [];
    for (const { datanetId, version } of v.trainedOn) {
      const expected = await snapshotOf(datanetId, version);
      const acceptances = indexer.datanets.get(datanetId)?.acceptances ?? [];
      const included = acceptances.slice(0, expected.count);
      const actual = { count: included.length, digest: digestOf(included) };
      const ok = actual.count === expected.count && actual.digest === expected.digest;
      datanets.push({ datanetId, version, status: ok ? "ok" : "mismatch", expected, actual });
    }
    checked.push({ version: v.version, ok: datanets.every((d) => d.status === "ok"), datanets });
  }
  const report = { modelId: p.modelId, datanetRegistry, ok: checked.every((v) => v.ok), versions: checked };
  if (p.assert && !report.ok) throw new ProvenanceMismatchError(report);
  return report;
}
