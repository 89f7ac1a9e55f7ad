import * as z from "zod";
import type { DedupOptions } from "../attribution/dedup";
import { EpochReportMismatchError, MalformedEpochReportError } from "../errors";
import { describeZodIssue } from "../internal/zod";
import { canonicalJson, checkReportFormat, writeJson } from "./canonical";
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
import { compare, compareBig } from "./order";
import { readEpochReportV1 } from "./reportV1";
import type { EpochReportV1 } from "./reportV1";
import type { KnnShapleyScorer } from "./score";
import { checkTreeAndHash } from "./shared";

/* What an epoch yields: the report (epoch-report-v2), its serialization, and the reading of a report that checks it
is well-formed and consistent with itself. v1 reports are read by reportV1.ts. */

/** The `format` of the reports this SDK writes. */
export const EPOCH_REPORT_FORMAT = "epoch-report-v2";

/** A Datanet version of a model, with the hash of the contributions used from it. */
export interface EpochReportDatanetVersion {
  datanetId: string;
  version: number;
  count: number;
  digest: string;
  /**
   * keccak256 of the canonical JSON (see {@link serializeEpochReport}) of the version's contributions in index
   * order, each `{acceptedAt, contentHash, contributor, id, index}` (plus `attempt` when not 1), plus `features` and
   * `label` for a `knn-shapley` model: binds what the digest does not (ids, contributors, acceptance times,
   * examples). The texts are bound by their content hashes, which the digest binds.
   */
  contributionsHash: string;
}

/** A model with the copies found among its training contributions. */
export interface EpochReportModel {
  modelId: string;
  version: number;
  trainedOn: EpochReportDatanetVersion[];
  /** Clusters of two or more contributions, by representative id: the copies earn nothing, their cluster earns once. */
  clusters: { representative: string; copies: string[] }[];
  /** The model's scorer (its validation set by hash); absent for `spans`. */
  scorer?: KnnShapleyScorer | { kind: "logistic-influence"; l2: number; validationHash: string };
  /**
   * A `logistic-influence` model's data value: each eligible contribution's influence on the validation set's mean
   * log-loss (by id; positive helped), the harmful ones (flagged beyond `threshold` by {@link detectHarmful}: they
   * earn nothing from this model) and those of low value (negative, not flagged, not penalised).
   */
  dataValue?: {
    threshold: number;
    harmful: string[];
    lowValue: string[];
    values: { contribution: string; value: number }[];
  };
}

/** One contribution's share of a record's output: its weight, in (0, 1]; a record's weights sum to 1. */
export interface EpochReportShare {
  contribution: string;
  weight: number;
}

/** A record of a settlement's log, with the fields of its leaf that are not the settlement's. */
export interface EpochReportRecord {
  id: string;
  calls: string;
  queryHash: string;
  /** keccak256 of the output's canonical JSON, as the log's leaf holds it. */
  outputHash: string;
  /**
   * The heaviest `topK` contributions (cluster representatives) the output drew on, by weight then id; empty when it
   * matched nothing, and its calls were paid by the unmatched rule.
   */
  top: EpochReportShare[];
}

/** Why a settlement was not attributed. */
export type EpochExclusionCode =
  /** The log could not be fetched from `logURI`. */
  | "log-unavailable"
  /** The file is not an `inference-log-v1` log. */
  | "log-malformed"
  /** Its records make another root than `logRoot`, or add up to other calls than the settlement paid for. */
  | "log-mismatch"
  /** A record names another model, or another version than the one the epoch attributes. */
  | "record-model-mismatch"
  /** A record's output is not what the model's scorer reads (text for spans, features and label for classifiers). */
  | "record-output-mismatch";

/** What a settlement paid one account. */
export interface EpochReportPayout {
  account: string;
  amount: string;
}

/** A settlement of the epoch and where its pot went. */
export interface EpochReportSettlement {
  id: string;
  modelId: string;
  calls: string;
  /** Its `contributorsShare`. */
  pot: string;
  /** Its part of what came in without a settlement (the previous carry-over and funding), pro rata to pots. */
  share: string;
  logRoot: string;
  logURI: string;
  status: "attributed" | "excluded";
  /** Only when excluded. */
  exclusion?: { code: EpochExclusionCode; message: string };
  /** Calls of its records that matched nothing, paid by the unmatched rule. */
  unmatchedCalls: string;
  /** What went to accounts; `paid + carried = pot + share`. */
  paid: string;
  /** What is carried over to the next epoch: the whole pot when excluded. */
  carried: string;
  /** By lower-cased account, each account it paid. */
  payouts: EpochReportPayout[];
  /** By id, every record of its log; none when excluded. */
  records: EpochReportRecord[];
}

/** A contribution credited in the epoch, and what it earned over all settlements. */
export interface EpochReportContribution {
  id: string;
  datanetId: string;
  contributor: string;
  amount: string;
}

/** An account of the reward tree. */
export interface EpochReportAccount {
  /** EIP-55 checksummed. */
  account: string;
  /** What it earned this epoch: the sum of its payouts, and of its contributions' amounts. */
  amount: string;
  /** Its leaf in the reward tree: the previous cumulative amount plus `amount`. */
  cumulative: string;
}

/** One line of what the epoch carries over. */
export interface EpochReportCarryLine {
  /**
   * `excluded`: an excluded settlement's pot; `unmatched`: the unmatched part of a settlement whose model has no
   * contribution left to pay it to; `no-settlement`: the previous carry-over and funding, when no settlement was
   * attributed to share them.
   */
  kind: "excluded" | "unmatched" | "no-settlement";
  /** The settlement, for `excluded` and `unmatched`. */
  settlement?: string;
  amount: string;
}

/**
 * An epoch report: plain JSON (amounts as decimal strings, weights as numbers), every list sorted, so that one
 * input gives one sequence of bytes under {@link serializeEpochReport}.
 */
export interface EpochReport {
  format: typeof EPOCH_REPORT_FORMAT;
  epoch: string;
  /** Everything the epoch distributes: the sum of `income`, equal to the accounts' amounts plus the carry-over. */
  pool: string;
  income: {
    /** The settlements' pots. */
    settlements: string;
    /** The previous report's carry-over. */
    previous: string;
    funding: string;
  };
  options: {
    topK: number;
    spans: { minTokens: number; maxDocumentFraction: number };
    dedup: Required<DedupOptions>;
  };
  /** By model id. */
  models: EpochReportModel[];
  /** By id, every settlement of the epoch. */
  settlements: EpochReportSettlement[];
  /** By id, the contributions credited (amounts may round to 0). */
  contributions: EpochReportContribution[];
  /**
   * By id, the contributions of the models' Datanet versions whose content could not be fetched: they scored nothing
   * this epoch. Left out when there is none.
   */
  unavailable?: { id: string; reason: string }[];
  /**
   * By Datanet id, every Datanet a model was trained on, with what its contributions earned and, when a classifier
   * flagged any, its harmful contributions (by id).
   */
  datanets: { datanetId: string; amount: string; harmful?: string[] }[];
  /** By lower-cased address. */
  accounts: EpochReportAccount[];
  /** Lines by kind then settlement id; `total` is their sum. */
  carryOver: { total: string; lines: EpochReportCarryLine[] };
  /** The report whose cumulative amounts this one carries over, or null. */
  previous: { epoch: string; reportHash: string; root: string; total: string } | null;
  /** The reward tree of the cumulative amounts: its root and total go to `proposeRoot`. */
  tree: { root: string; total: string };
  /** keccak256 of the report's canonical JSON without this field: the `reportHash` of `proposeRoot`. */
  reportHash: string;
}

export type { EpochReportV1 } from "./reportV1";
export { epochReportHash, epochRewardTree } from "./shared";

/**
 * The report as canonical JSON: object keys sorted by UTF-16 code units at every level, no whitespace, strings and
 * numbers as `JSON.stringify` writes them (numbers in ECMAScript's shortest round-trip form). The lists are already
 * in their defined order, so one report has exactly one serialization. O(size of the report).
 */
export function serializeEpochReport(report: EpochReport | EpochReportV1): string {
  checkReportFormat(report);
  return canonicalJson(report);
}

/**
 * {@link serializeEpochReport} handed to `write` piece by piece (pieces of a few bytes to a few kilobytes), in
 * order: for a report too large to hold as one string (a million records make some 250 MB), written to a file or a
 * hash as it goes.
 */
export function writeEpochReport(report: EpochReport | EpochReportV1, write: (text: string) => void): void {
  checkReportFormat(report);
  writeJson(report, write);
}

/**
 * Reads an epoch report (JSON text or the parsed value) and checks that it is well-formed and consistent with
 * itself. A v2 report: the shape (strict: an unknown key is refused), every list sorted and unique, every reference
 * resolved; each settlement's `paid + carried = pot + share`, its payouts summing to `paid`, its records' calls to
 * its `calls`, an excluded one paying nothing and carrying its pot; the shares summing to the carry-in; the income
 * summing to the pool, and the pool equal to the accounts' amounts plus the carry-over; each account's amount the sum
 * of its payouts and of its contributions' amounts; each Datanet's amount the sum of its contributions'; the
 * cumulative amounts the previous ones plus these; the root and total those of the cumulative amounts' reward tree;
 * `reportHash` the report's hash. It cannot check the weights nor the input hashes: {@link verifyEpochReport}
 * recomputes those from the input. An `epoch-report-v1` report is read and checked as v1 always was.
 *
 * Complexity: O(report size), plus one reward tree build.
 * @throws MalformedEpochReportError when the report is not well-formed; `path` names the field.
 * @throws EpochReportMismatchError when it contradicts itself; `path` names the first field found wrong.
 */
export function readEpochReport(json: unknown): EpochReport | EpochReportV1 {
  const value = parseReportJson(json);
  if ((value as { format?: unknown } | null)?.format === "epoch-report-v1") return readEpochReportV1(value);
  const parsed = REPORT_SCHEMA.safeParse(value);
  if (!parsed.success) {
    const [path, message] = describeZodIssue(parsed.error.issues[0], "the report");
    throw new MalformedEpochReportError(path, message);
  }
  const report = parsed.data as EpochReport;
  checkStructure(report);
  checkConsistency(report);
  return report;
}

/**
 * A report given as JSON text parsed, or the value as given.
 * @throws MalformedEpochReportError when it is a string that is not JSON.
 */
export function parseReportJson(json: unknown): unknown {
  if (typeof json !== "string") return json;
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new MalformedEpochReportError("the report", `is not JSON (${(error as Error).message}).`);
  }
}

/** What a previous report (either format) carried over into the next epoch. */
export function carriedOverBy(report: EpochReport | EpochReportV1): bigint {
  return report.format === EPOCH_REPORT_FORMAT ? BigInt(report.carryOver.total) : 0n;
}

/* REPORT VALIDATION */

const EXCLUSION_CODES = [
  "log-unavailable",
  "log-malformed",
  "log-mismatch",
  "record-model-mismatch",
  "record-output-mismatch",
] as const;

const REPORT_SCHEMA = z.strictObject({
  format: z.literal(EPOCH_REPORT_FORMAT, { error: `must be "${EPOCH_REPORT_FORMAT}" or "epoch-report-v1".` }),
  epoch: decimalSchema,
  pool: decimalSchema,
  income: z.strictObject({ settlements: decimalSchema, previous: decimalSchema, funding: decimalSchema }),
  options: OPTIONS_SCHEMA,
  models: z
    .array(
      MODEL_SCHEMA.extend({
        scorer: z
          .discriminatedUnion("kind", [
            z.strictObject({ kind: z.literal("knn-shapley"), k: countSchema }),
            z.strictObject({
              kind: z.literal("logistic-influence"),
              l2: z.number().gt(0, "must be > 0."),
              validationHash: hashSchema,
            }),
          ])
          .optional(),
        dataValue: z
          .strictObject({
            threshold: z.number().max(0, "must be ≤ 0."),
            harmful: z.array(idSchema),
            lowValue: z.array(idSchema),
            values: z.array(z.strictObject({ contribution: idSchema, value: z.number() })),
          })
          .optional(),
      }),
    )
    .min(1, "must list at least one model."),
  settlements: z.array(
    z.strictObject({
      id: idSchema,
      modelId: decimalSchema,
      calls: decimalSchema,
      pot: decimalSchema,
      share: decimalSchema,
      logRoot: hashSchema,
      logURI: z.string(),
      status: z.enum(["attributed", "excluded"], { error: 'must be "attributed" or "excluded".' }),
      exclusion: z.strictObject({ code: z.enum(EXCLUSION_CODES), message: z.string() }).optional(),
      unmatchedCalls: decimalSchema,
      paid: decimalSchema,
      carried: decimalSchema,
      payouts: z.array(z.strictObject({ account: checksummedSchema, amount: decimalSchema })),
      records: z.array(
        z.strictObject({
          id: idSchema,
          calls: decimalSchema,
          queryHash: hashSchema,
          outputHash: hashSchema,
          top: z.array(shareSchema),
        }),
      ),
    }),
  ),
  contributions: z.array(
    z.strictObject({ id: idSchema, datanetId: decimalSchema, contributor: checksummedSchema, amount: decimalSchema }),
  ),
  unavailable: z
    .array(z.strictObject({ id: idSchema, reason: z.string().min(1, "must say why.") }))
    .min(1, "is left out when empty.")
    .optional(),
  datanets: z.array(
    z.strictObject({
      datanetId: decimalSchema,
      amount: decimalSchema,
      harmful: z.array(idSchema).min(1, "is left out when empty.").optional(),
    }),
  ),
  accounts: z
    .array(z.strictObject({ account: checksummedSchema, amount: decimalSchema, cumulative: decimalSchema }))
    .min(1, "must list at least one account."),
  carryOver: z.strictObject({
    total: decimalSchema,
    lines: z.array(
      z.strictObject({
        kind: z.enum(["excluded", "unmatched", "no-settlement"]),
        settlement: idSchema.optional(),
        amount: decimalSchema,
      }),
    ),
  }),
  previous: PREVIOUS_SCHEMA,
  tree: TREE_SCHEMA,
  reportHash: hashSchema,
});

const malformed = (path: string, problem: string) => new MalformedEpochReportError(path, problem);
const mismatch = (path: string, problem: string) => new EpochReportMismatchError(path, problem);

/** Fails unless `items` is strictly increasing under `order`. */
function increasing<T>(items: readonly T[], path: string, field: string, order: (a: T, b: T) => number): void {
  for (let i = 1; i < items.length; i++) {
    if (order(items[i - 1], items[i]) >= 0) {
      throw malformed(
        `${path}[${i}].${field}`,
        `is not after ${path}[${i - 1}].${field}; the list is sorted, no repeats.`,
      );
    }
  }
}

const byDecimal =
  <K extends string>(key: K) =>
  (a: Record<K, string>, b: Record<K, string>) =>
    compareBig(BigInt(a[key]), BigInt(b[key]));
const byAccount = (a: { account: string }, b: { account: string }) =>
  compare(a.account.toLowerCase(), b.account.toLowerCase());

/** Sorted, unique and resolved lists: what a report made by `attributeEpoch` always has. */
function checkStructure(report: EpochReport): void {
  increasing(report.models, "models", "modelId", byDecimal("modelId"));
  const trainedDatanets = new Set<string>();
  const modelIds = new Set<string>();
  /** Per Datanet, how many models train on it; per contribution, how many of those models count it as a copy. */
  const modelsOn = new Map<string, number>();
  const copyIn = new Map<string, number>();
  /** Per model, the copies of its clusters and its harmful contributions: never credited by its records. */
  const copiesOf = new Map<string, Set<string>>();
  report.models.forEach((model, m) => {
    modelIds.add(model.modelId);
    increasing(model.trainedOn, `models[${m}].trainedOn`, "datanetId", byDecimal("datanetId"));
    model.trainedOn.forEach((v) => {
      trainedDatanets.add(v.datanetId);
      modelsOn.set(v.datanetId, (modelsOn.get(v.datanetId) ?? 0) + 1);
    });
    const copies = new Set([
      ...model.clusters.flatMap((cluster) => cluster.copies),
      ...(model.dataValue?.harmful ?? []),
    ]);
    copiesOf.set(model.modelId, copies);
    for (const copy of copies) copyIn.set(copy, (copyIn.get(copy) ?? 0) + 1);
    increasing(model.clusters, `models[${m}].clusters`, "representative", (a, b) =>
      compare(a.representative, b.representative),
    );
    model.clusters.forEach((cluster, k) =>
      increasing(
        cluster.copies.map((id) => ({ id })),
        `models[${m}].clusters[${k}].copies`,
        "id",
        (a, b) => compare(a.id, b.id),
      ),
    );
  });
  increasing(report.settlements, "settlements", "id", (a, b) => compare(a.id, b.id));
  report.settlements.forEach((s, i) => {
    const path = `settlements[${i}]`;
    if (!modelIds.has(s.modelId)) throw malformed(`${path}.modelId`, `model ${s.modelId} is not in models.`);
    if ((s.status === "excluded") !== (s.exclusion !== undefined)) {
      throw malformed(`${path}.exclusion`, "is given exactly when the settlement is excluded.");
    }
    increasing(s.payouts, `${path}.payouts`, "account", byAccount);
    increasing(s.records, `${path}.records`, "id", (a, b) => compare(a.id, b.id));
    s.records.forEach((r, k) => {
      if (r.top.length > report.options.topK) {
        throw malformed(
          `${path}.records[${k}].top`,
          `lists ${r.top.length} contributions; topK is ${report.options.topK}.`,
        );
      }
      increasing(
        r.top,
        `${path}.records[${k}].top`,
        "weight",
        (a, b) => b.weight - a.weight || compare(a.contribution, b.contribution),
      );
      r.top.forEach((share, t) => {
        if (copiesOf.get(s.modelId)?.has(share.contribution)) {
          throw mismatch(
            `${path}.records[${k}].top[${t}].contribution`,
            `${share.contribution} is a copy of a cluster of model ${s.modelId}, or harmful to it; it earns nothing from it.`,
          );
        }
      });
    });
  });
  increasing(report.contributions, "contributions", "id", (a, b) => compare(a.id, b.id));
  report.contributions.forEach((c, i) => {
    if (!trainedDatanets.has(c.datanetId)) {
      throw malformed(`contributions[${i}].datanetId`, `Datanet ${c.datanetId} is not one a model was trained on.`);
    }
    // A contribution may lead a cluster for one model and copy an earlier one for another that also trains on an
    // earlier Datanet; it earns nothing only when every model that could credit it counts it as a copy.
    if (copyIn.get(c.id) === modelsOn.get(c.datanetId)) {
      throw mismatch(
        `contributions[${i}]`,
        `${c.id} is the copy of a cluster for every model trained on its Datanet; copies earn nothing.`,
      );
    }
  });
  increasing(report.datanets, "datanets", "datanetId", byDecimal("datanetId"));
  increasing(report.unavailable ?? [], "unavailable", "id", (a, b) => compare(a.id, b.id));
  const listed = report.datanets.map((d) => d.datanetId).join(",");
  const expected = [...trainedDatanets].sort((a, b) => compareBig(BigInt(a), BigInt(b))).join(",");
  if (listed !== expected) throw malformed("datanets", `lists [${listed}]; the models were trained on [${expected}].`);
  increasing(report.accounts, "accounts", "account", byAccount);
  const kinds = ["excluded", "unmatched", "no-settlement"];
  increasing(
    report.carryOver.lines,
    "carryOver.lines",
    "kind",
    (a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || compare(a.settlement ?? "", b.settlement ?? ""),
  );
}

/** Every sum and amount, each recomputed from the fields it depends on. */
function checkConsistency(report: EpochReport): void {
  const sum = (values: readonly string[]) => values.reduce((total, v) => total + BigInt(v), 0n);
  const income = report.income;
  const settled = sum(report.settlements.map((s) => s.pot));
  if (BigInt(income.settlements) !== settled) {
    throw mismatch("income.settlements", `is ${income.settlements}; the settlements' pots sum to ${settled}.`);
  }
  const pool = BigInt(income.settlements) + BigInt(income.previous) + BigInt(income.funding);
  if (BigInt(report.pool) !== pool) throw mismatch("pool", `is ${report.pool}; the income sums to ${pool}.`);

  const carryLines = new Map(report.carryOver.lines.map((line) => [`${line.kind}/${line.settlement ?? ""}`, line]));
  const paidTo = new Map<string, bigint>();
  let shares = 0n;
  let attributed = 0;
  report.settlements.forEach((s, i) => {
    const path = `settlements[${i}]`;
    shares += BigInt(s.share);
    if (s.status === "excluded") {
      if (s.share !== "0" || s.paid !== "0" || s.carried !== s.pot || s.payouts.length > 0 || s.records.length > 0) {
        throw mismatch(path, "is excluded, so it shares, pays and records nothing and carries its whole pot.");
      }
      if (carryLines.get(`excluded/${s.id}`)?.amount !== s.pot) {
        throw mismatch("carryOver.lines", `has no "excluded" line of ${s.pot} for ${s.id}.`);
      }
      return;
    }
    if (s.pot !== "0") attributed++;
    if (BigInt(s.paid) + BigInt(s.carried) !== BigInt(s.pot) + BigInt(s.share)) {
      throw mismatch(`${path}.paid`, `is ${s.paid}; with ${s.carried} carried it is not pot + share.`);
    }
    const payouts = sum(s.payouts.map((p) => p.amount));
    if (payouts !== BigInt(s.paid)) throw mismatch(`${path}.payouts`, `sum to ${payouts}; it paid ${s.paid}.`);
    for (const p of s.payouts) paidTo.set(p.account, (paidTo.get(p.account) ?? 0n) + BigInt(p.amount));
    const calls = sum(s.records.map((r) => r.calls));
    if (calls !== BigInt(s.calls)) throw mismatch(`${path}.records`, `hold ${calls} calls; it paid for ${s.calls}.`);
    const unmatched = sum(s.records.filter((r) => r.top.length === 0).map((r) => r.calls));
    if (unmatched !== BigInt(s.unmatchedCalls)) {
      throw mismatch(
        `${path}.unmatchedCalls`,
        `is ${s.unmatchedCalls}; its unmatched records hold ${unmatched} calls.`,
      );
    }
    if (s.carried !== "0" && carryLines.get(`unmatched/${s.id}`)?.amount !== s.carried) {
      throw mismatch("carryOver.lines", `has no "unmatched" line of ${s.carried} for ${s.id}.`);
    }
  });
  const carryIn = BigInt(income.previous) + BigInt(income.funding);
  const noSettlement = carryLines.get("no-settlement/")?.amount ?? "0";
  const expectedShares = attributed > 0 ? carryIn : 0n;
  if (shares !== expectedShares || BigInt(noSettlement) !== carryIn - expectedShares) {
    throw mismatch(
      "settlements",
      `share ${shares} of the ${carryIn} carried in, with ${noSettlement} carried again; ` +
        `it is all shared when a settlement with a pot is attributed, else all carried.`,
    );
  }
  const lineTotal = sum(report.carryOver.lines.map((line) => line.amount));
  const carriedBySettlements = sum(report.settlements.map((s) => s.carried));
  if (lineTotal !== BigInt(report.carryOver.total) || lineTotal !== carriedBySettlements + BigInt(noSettlement)) {
    throw mismatch(
      "carryOver.total",
      `is ${report.carryOver.total}; its lines sum to ${lineTotal} and the settlements carry ${carriedBySettlements}.`,
    );
  }
  report.carryOver.lines.forEach((line, k) => {
    const known =
      line.kind === "no-settlement"
        ? line.settlement === undefined
        : report.settlements.some((s) => s.id === line.settlement);
    if (!known) throw mismatch(`carryOver.lines[${k}].settlement`, "does not name a settlement of the report.");
  });

  const accountAt = new Map(report.accounts.map((a) => [a.account, a]));
  const fromContributions = new Map<string, bigint>();
  const datanetAmounts = new Map<string, bigint>();
  report.contributions.forEach((c, i) => {
    if (!accountAt.has(c.contributor)) {
      throw mismatch("accounts", `has no entry for ${c.contributor}, the contributor of contributions[${i}].`);
    }
    fromContributions.set(c.contributor, (fromContributions.get(c.contributor) ?? 0n) + BigInt(c.amount));
    datanetAmounts.set(c.datanetId, (datanetAmounts.get(c.datanetId) ?? 0n) + BigInt(c.amount));
  });
  report.datanets.forEach((d, i) => {
    const expected = datanetAmounts.get(d.datanetId) ?? 0n;
    if (BigInt(d.amount) !== expected) {
      throw mismatch(`datanets[${i}].amount`, `is ${d.amount}; its contributions earned ${expected}.`);
    }
  });
  let paid = 0n;
  let previousTotal = 0n;
  let total = 0n;
  report.accounts.forEach((a, i) => {
    const amount = BigInt(a.amount);
    for (const [what, expected] of [
      ["payouts", paidTo.get(a.account) ?? 0n],
      ["contributions", fromContributions.get(a.account) ?? 0n],
    ] as const) {
      if (amount !== expected)
        throw mismatch(`accounts[${i}].amount`, `is ${a.amount}; its ${what} sum to ${expected}.`);
    }
    const carried = BigInt(a.cumulative) - amount;
    if (carried < 0n || (report.previous === null && carried !== 0n)) {
      throw mismatch(
        `accounts[${i}].cumulative`,
        `is ${a.cumulative}; with ${a.amount} this epoch, that ${report.previous ? "is less than the amount" : "carries over from no previous report"}.`,
      );
    }
    paid += amount;
    previousTotal += carried;
    total += BigInt(a.cumulative);
  });
  for (const account of paidTo.keys()) {
    if (!accountAt.has(account)) throw mismatch("accounts", `has no entry for ${account}, paid by a settlement.`);
  }
  if (paid + lineTotal !== pool) {
    throw mismatch("accounts", `are paid ${paid} and ${lineTotal} is carried over; the pool is ${pool}.`);
  }
  if (report.previous === null && income.previous !== "0") {
    throw mismatch("income.previous", `is ${income.previous}, but there is no previous report.`);
  }
  checkTreeAndHash(report, previousTotal, total);
}
