import * as z from "zod";
import type { DedupOptions } from "../attribution/dedup";
import { EpochReportMismatchError, MalformedEpochReportError, ProtocolError } from "../errors";
import { describeZodIssue } from "../internal/zod";
import { allocate } from "../rewards/allocate";
import {
  MODEL_SCHEMA,
  OPTIONS_SCHEMA,
  PREVIOUS_SCHEMA,
  TREE_SCHEMA,
  checksummedSchema,
  countSchema,
  decimalSchema,
  hashSchema,
  idSchema,
  shareSchema,
} from "./reportSchema";
import { compare, compareBig, sumsBy } from "./order";
import { checkTreeAndHash } from "./shared";
import type { KnnShapleyScorer } from "./score";

/* epoch-report-v1, the format written before fee-weighted attribution: still read (a v1 report can be the previous
report of a v2 epoch), never written. Every inference weighed the same and the pool was split by summed weights. */

/** The `format` of the reports this SDK writes and reads. */
export const EPOCH_REPORT_V1_FORMAT = "epoch-report-v1";

/** A Datanet version of a model, with the hash of the contributions used from it. */
export interface EpochReportV1DatanetVersion {
  datanetId: string;
  version: number;
  count: number;
  digest: string;
  /**
   * keccak256 of the canonical JSON (see {@link serializeEpochReport}) of the version's contributions in index
   * order, each `{acceptedAt, contentHash, contributor, id, index}`, plus `features` and `label` for a
   * `knn-shapley` model: binds what the digest does not (ids, contributors, acceptance times, examples). The texts
   * are bound by their content hashes, which the digest binds.
   */
  contributionsHash: string;
}

/** A model with the copies found among its training contributions. */
export interface EpochReportV1Model {
  modelId: string;
  version: number;
  trainedOn: EpochReportV1DatanetVersion[];
  /** Clusters of two or more contributions, by representative id: the copies earn nothing, their cluster earns once. */
  clusters: { representative: string; copies: string[] }[];
  /** The model's scorer; absent for `spans`, so that span-attributed reports read as they always did. */
  scorer?: KnnShapleyScorer;
}

/** One contribution's share of an output: its weight, in (0, 1]; an output's weights sum to 1. */
export interface EpochReportV1Share {
  contribution: string;
  weight: number;
}

export interface EpochReportV1Inference {
  id: string;
  modelId: string;
  logRoot: string;
  /** sha-256 of the output's UTF-8 bytes. */
  outputHash: string;
  /** The heaviest `topK` contributions (cluster representatives), by weight then id; empty when nothing matched. */
  top: EpochReportV1Share[];
}

/** A contribution credited in the epoch: the sum of its weights over all inferences. */
export interface EpochReportV1Contribution {
  id: string;
  datanetId: string;
  contributor: string;
  weight: number;
}

/** An account of the reward tree. */
export interface EpochReportV1Account {
  /** EIP-55 checksummed. */
  account: string;
  /** The sum of the weights of its contributions (0 for an account carried over from earlier epochs only). */
  weight: number;
  /** Its part of this epoch's pool: `allocate(pool, weights)`. */
  amount: string;
  /** Its leaf in the reward tree: the previous cumulative amount plus `amount`. */
  cumulative: string;
}

/**
 * An epoch report: plain JSON (amounts as decimal strings, weights as numbers), every list sorted, so that one
 * input gives one sequence of bytes under {@link serializeEpochReport}.
 */
export interface EpochReportV1 {
  format: typeof EPOCH_REPORT_V1_FORMAT;
  epoch: string;
  pool: string;
  options: {
    topK: number;
    spans: { minTokens: number; maxDocumentFraction: number };
    dedup: Required<DedupOptions>;
  };
  /** By model id. */
  models: EpochReportV1Model[];
  /** By id, every input inference, matched or not. */
  inferences: EpochReportV1Inference[];
  /** By id, the contributions with a positive weight. */
  contributions: EpochReportV1Contribution[];
  /** By Datanet id, every Datanet a model was trained on, with the sum of its contributions' weights. */
  datanets: { datanetId: string; weight: number }[];
  /** By lower-cased address. */
  accounts: EpochReportV1Account[];
  /** The report whose cumulative amounts this one carries over, or null. */
  previous: { epoch: string; reportHash: string; root: string; total: string } | null;
  /** The reward tree of the cumulative amounts: its root and total go to `proposeRoot`. */
  tree: { root: string; total: string };
  /** keccak256 of the report's canonical JSON without this field: the `reportHash` of `proposeRoot`. */
  reportHash: string;
}

/* REPORT VALIDATION */

const weightSchema = z.number().min(0, "must be ≥ 0.");

const REPORT_V1_SCHEMA = z.strictObject({
  format: z.literal(EPOCH_REPORT_V1_FORMAT, { error: `must be "${EPOCH_REPORT_V1_FORMAT}".` }),
  epoch: decimalSchema,
  pool: decimalSchema,
  options: OPTIONS_SCHEMA,
  models: z.array(MODEL_SCHEMA).min(1, "must list at least one model."),
  inferences: z.array(
    z.strictObject({
      id: idSchema,
      modelId: decimalSchema,
      logRoot: hashSchema,
      outputHash: hashSchema,
      top: z.array(z.strictObject({ contribution: idSchema, weight: z.number().gt(0, "must be > 0.") })),
    }),
  ),
  contributions: z.array(
    z.strictObject({
      id: idSchema,
      datanetId: decimalSchema,
      contributor: checksummedSchema,
      weight: z.number().gt(0, "must be > 0."),
    }),
  ),
  datanets: z.array(z.strictObject({ datanetId: decimalSchema, weight: weightSchema })),
  accounts: z
    .array(
      z.strictObject({
        account: checksummedSchema,
        weight: weightSchema,
        amount: decimalSchema,
        cumulative: decimalSchema,
      }),
    )
    .min(1, "must list at least one account."),
  previous: PREVIOUS_SCHEMA,
  tree: TREE_SCHEMA,
  reportHash: hashSchema,
});

/** Sorted, unique and resolved lists: what a report made by `attributeEpoch` always has. */
function checkStructureV1(report: EpochReportV1): void {
  const malformed = (path: string, problem: string) => new MalformedEpochReportError(path, problem);
  const increasing = <T>(items: readonly T[], path: string, field: string, order: (a: T, b: T) => number) => {
    for (let i = 1; i < items.length; i++) {
      if (order(items[i - 1], items[i]) >= 0) {
        throw malformed(
          `${path}[${i}].${field}`,
          `is not after ${path}[${i - 1}].${field}; the list is sorted, no repeats.`,
        );
      }
    }
  };
  const byDecimal = (key: string) => (a: unknown, b: unknown) =>
    compareBig(BigInt((a as Record<string, string>)[key]), BigInt((b as Record<string, string>)[key]));
  increasing(report.models, "models", "modelId", byDecimal("modelId"));
  const trainedDatanets = new Set<string>();
  /** Per Datanet, how many models train on it; per contribution, how many of those models count it as a copy. */
  const modelsOn = new Map<string, number>();
  const copyIn = new Map<string, number>();
  report.models.forEach((model, m) => {
    increasing(model.trainedOn, `models[${m}].trainedOn`, "datanetId", byDecimal("datanetId"));
    model.trainedOn.forEach((v) => {
      trainedDatanets.add(v.datanetId);
      modelsOn.set(v.datanetId, (modelsOn.get(v.datanetId) ?? 0) + 1);
    });
    increasing(model.clusters, `models[${m}].clusters`, "representative", (a, b) =>
      compare(a.representative, b.representative),
    );
    model.clusters.forEach((cluster, k) => {
      for (let j = 1; j < cluster.copies.length; j++) {
        if (compare(cluster.copies[j - 1], cluster.copies[j]) >= 0) {
          throw malformed(
            `models[${m}].clusters[${k}].copies[${j}]`,
            "is not after the copy before it; copies are sorted.",
          );
        }
      }
      cluster.copies.forEach((copy) => copyIn.set(copy, (copyIn.get(copy) ?? 0) + 1));
    });
  });
  const modelIds = new Set(report.models.map((m) => m.modelId));
  increasing(report.contributions, "contributions", "id", (a, b) => compare(a.id, b.id));
  const contributionIds = new Set(report.contributions.map((c) => c.id));
  report.contributions.forEach((c, i) => {
    if (!trainedDatanets.has(c.datanetId)) {
      throw malformed(`contributions[${i}].datanetId`, `Datanet ${c.datanetId} is not one a model was trained on.`);
    }
    // A contribution may lead a cluster for one model and copy an earlier one for another that also trains on an
    // earlier Datanet; it earns nothing only when every model that could credit it counts it as a copy.
    if (copyIn.get(c.id) === modelsOn.get(c.datanetId)) {
      throw new EpochReportMismatchError(
        `contributions[${i}]`,
        `${c.id} is the copy of a cluster for every model trained on its Datanet; copies earn nothing.`,
      );
    }
  });
  increasing(report.inferences, "inferences", "id", (a, b) => compare(a.id, b.id));
  report.inferences.forEach((x, i) => {
    if (!modelIds.has(x.modelId)) throw malformed(`inferences[${i}].modelId`, `model ${x.modelId} is not in models.`);
    if (x.top.length > report.options.topK) {
      throw malformed(`inferences[${i}].top`, `lists ${x.top.length} contributions; topK is ${report.options.topK}.`);
    }
    increasing(
      x.top,
      `inferences[${i}].top`,
      "weight",
      (a, b) => b.weight - a.weight || compare(a.contribution, b.contribution),
    );
    x.top.forEach((share, k) => {
      if (!contributionIds.has(share.contribution)) {
        throw malformed(`inferences[${i}].top[${k}].contribution`, `${share.contribution} is not in contributions.`);
      }
    });
  });
  increasing(report.datanets, "datanets", "datanetId", byDecimal("datanetId"));
  const listed = report.datanets.map((d) => d.datanetId).join(",");
  const expected = [...trainedDatanets].sort((a, b) => compareBig(BigInt(a), BigInt(b))).join(",");
  if (listed !== expected) throw malformed("datanets", `lists [${listed}]; the models were trained on [${expected}].`);
  increasing(report.accounts, "accounts", "account", (a, b) =>
    compare(a.account.toLowerCase(), b.account.toLowerCase()),
  );
}

/** Sums, amounts, cumulative amounts, tree and hash, each recomputed from the fields it depends on. */
function checkConsistencyV1(report: EpochReportV1): void {
  const mismatch = (path: string, problem: string) => new EpochReportMismatchError(path, problem);
  const datanetWeights = sumsBy(report.contributions, (c) => c.datanetId);
  report.datanets.forEach((d, i) => {
    const sum = datanetWeights.get(d.datanetId) ?? 0;
    if (sum !== d.weight) throw mismatch(`datanets[${i}].weight`, `is ${d.weight}; its contributions sum to ${sum}.`);
  });
  const accountAt = new Map(report.accounts.map((a, i) => [a.account, i]));
  report.contributions.forEach((c, i) => {
    if (!accountAt.has(c.contributor)) {
      throw mismatch("accounts", `has no entry for ${c.contributor}, the contributor of contributions[${i}].`);
    }
  });
  const accountWeights = sumsBy(report.contributions, (c) => c.contributor);
  report.accounts.forEach((a, i) => {
    const sum = accountWeights.get(a.account) ?? 0;
    if (sum !== a.weight) throw mismatch(`accounts[${i}].weight`, `is ${a.weight}; its contributions sum to ${sum}.`);
  });
  let amounts: Map<string, bigint>;
  try {
    amounts = allocate(BigInt(report.pool), new Map(report.accounts.map((a) => [a.account, a.weight])));
  } catch (error) {
    if (error instanceof ProtocolError) throw mismatch("accounts", `cannot split the pool: ${error.shortMessage}`);
    throw error;
  }
  let previousTotal = 0n;
  let total = 0n;
  report.accounts.forEach((a, i) => {
    const expected = amounts.get(a.account)!;
    if (BigInt(a.amount) !== expected) {
      throw mismatch(`accounts[${i}].amount`, `is ${a.amount}; allocate(pool, weights) gives ${expected}.`);
    }
    const carried = BigInt(a.cumulative) - expected;
    if (carried < 0n || (report.previous === null && carried !== 0n)) {
      throw mismatch(
        `accounts[${i}].cumulative`,
        `is ${a.cumulative}; with ${a.amount} this epoch, that ${report.previous ? "is less than the amount" : "carries over from no previous report"}.`,
      );
    }
    previousTotal += carried;
    total += BigInt(a.cumulative);
  });
  checkTreeAndHash(report, previousTotal, total);
}

/**
 * Reads a v1 report (parsed JSON) and checks it as it was always checked: shape, order, references, weights summed,
 * amounts `allocate(pool, weights)`, cumulative amounts, tree and hash.
 */
export function readEpochReportV1(json: unknown): EpochReportV1 {
  const parsed = REPORT_V1_SCHEMA.safeParse(json);
  if (!parsed.success) {
    const [path, message] = describeZodIssue(parsed.error.issues[0], "the report");
    throw new MalformedEpochReportError(path, message);
  }
  const report = parsed.data as EpochReportV1;
  checkStructureV1(report);
  checkConsistencyV1(report);
  return report;
}
