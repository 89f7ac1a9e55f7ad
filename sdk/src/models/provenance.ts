import { digestOf } from "../datanet/digest";
import type { Acceptance } from "../datanet/digest";
import { IntegrityError } from "../errors";
import type { ModelVersionView } from "./types";

/* A model's provenance, pure: what a check of its Datanet versions reports, and the check itself. Reading the chain
for it is the client's part (verifyModelProvenance, in clients/modelClient.ts). */

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

/** What {@link checkModelProvenance} checks, already read from the chain. */
export interface ModelProvenanceInput {
  modelId: bigint;
  /** The Datanet registry whose published versions were read. */
  datanetRegistry: string;
  /** Every version of the model, oldest first. */
  versions: readonly ModelVersionView[];
  /** The `(count, digest)` the registry published for a Datanet version the model names. */
  published: (datanetId: bigint, version: number) => DatanetSnapshot;
  /** A Datanet's acceptances from the events, in order. */
  acceptances: (datanetId: bigint) => readonly Acceptance[];
}

/**
 * Checks every Datanet version each model version names: the published `(count, digest)` must equal the digest of
 * the first `count` acceptances in the events (and there must be that many). O(acceptances used).
 */
export function checkModelProvenance(p: ModelProvenanceInput): ModelProvenanceReport {
  const checked: ModelVersionProvenance[] = [];
  for (const v of p.versions) {
    const datanets: DatanetRefCheck[] = [];
    for (const { datanetId, version } of v.trainedOn) {
      const expected = p.published(datanetId, version);
      const included = p.acceptances(datanetId).slice(0, expected.count);
      const actual = { count: included.length, digest: digestOf(included) };
      const ok = actual.count === expected.count && actual.digest === expected.digest;
      datanets.push({ datanetId, version, status: ok ? "ok" : "mismatch", expected, actual });
    }
    checked.push({ version: v.version, ok: datanets.every((d) => d.status === "ok"), datanets });
  }
  return {
    modelId: p.modelId,
    datanetRegistry: p.datanetRegistry,
    ok: checked.every((v) => v.ok),
    versions: checked,
  };
}
