import { getAddress, id as keccakText, keccak256, toUtf8Bytes } from "ethers";
import * as z from "zod";
import { MalformedProspectusError } from "../errors";
import { checksummedSchema, decimalSchema, hashSchema } from "../epoch/reportSchema";
import { canonicalJson } from "../internal/canonicalJson";
import { checkBytes32, checkObject } from "../internal/check";
import { describeZodIssue } from "../internal/zod";
import { ADAPTER_KINDS } from "../models/types";
import type { AdapterKindName } from "../models/types";
import { buildRewardTree } from "../rewards/rewardTree";
import { fakingCost, pricePerShare, trancheAmounts } from "./math";
import { epochReportHash } from "../epoch/shared";
import type { EpochReport } from "../epoch/report";
import type { EpochReportV1 } from "../epoch/reportV1";
import { contributorShareTree } from "./shareTree";
import type { AcceptedBytesInput, ContributorRule, ContributorShareTree } from "./shareTree";
import { MILESTONE_KINDS, OFFERING_BPS, totalSupplyOf } from "./terms";
import type { GovernanceTerms, MilestoneKindName, OfferingTerms } from "./terms";

/** The `format` of the prospectuses this SDK writes. */
export const PROSPECTUS_FORMAT = "prospectus-v1";

/** A Datanet version a model version was trained on, with what the registry published for it. */
export interface ProspectusDatanetVersion {
  datanetId: string;
  version: number;
  count: number;
  digest: string;
}

/** A model version: what it was made from. */
export interface ProspectusModelVersion {
  version: number;
  /** The base model's identifier; the registry stores its keccak256, `baseModelHash`. */
  baseModel: string;
  baseModelHash: string;
  adapterKind: AdapterKindName;
  adapterHash: string;
  trainingConfigHash: string;
  trainedOn: ProspectusDatanetVersion[];
}

/** A milestone with what it releases and what faking it would cost. */
export interface ProspectusMilestone {
  kind: MilestoneKindName;
  trancheBps: number;
  deadline: number;
  datanetId: string;
  datanetVersion: number;
  threshold: string;
  /** Its tranche at the hard cap, after the protocol fee: the most it can release. */
  maxTranche: string;
  /** What buying the milestone through the creator's own model would cost it; null for `ModelVersion`. */
  fakingCost: string | null;
}

/**
 * A prospectus (`prospectus-v1`): plain JSON, amounts as decimal strings, addresses EIP-55, lists in a fixed order,
 * so that {@link prospectusHash} of its canonical JSON is what the offering records at launch.
 */
export interface Prospectus {
  format: typeof PROSPECTUS_FORMAT;
  modelId: string;
  name: string;
  symbol: string;
  creator: string;
  /** Every model version registered at launch, by version. */
  provenance: ProspectusModelVersion[];
  /** The settlement's `modelTotals` for the model when the prospectus was built: settled milestones count from them. */
  settled: { calls: string; fees: string };
  /** The model's price and its share of every fee when built: what the faking costs are computed from. */
  pricing: { pricePerCall: string; modelBps: number };
  supply: { total: string; sale: string; creator: string; contributors: string; treasury: string };
  sale: { softCap: string; hardCap: string; deadline: number; upfrontBps: number; pricePerShare: string };
  /** The protocol fee on the raise, in bps, when built (governed: the factory's fee at finalize applies). */
  protocolFeeBps: number;
  vesting: { cliff: number; duration: number };
  milestones: ProspectusMilestone[];
  endVote: { quorumBps: number; votingPeriod: number };
  governance: {
    votingDelay: number;
    votingPeriod: number;
    quorumPercent: number;
    proposalThreshold: string;
    timelockDelay: number;
    creatorKeepsVersions: boolean;
  };
  contributors: {
    rule: ContributorRule;
    /** The accepted reports the attribution rule summed, by epoch. */
    reports: { epoch: string; reportHash: string }[];
    root: string;
    total: string;
    /** By lower-cased address: each account's weight (attributed OPEN or accepted bytes) and shares. */
    shares: { account: string; weight: string; shares: string }[];
  };
}

/** What {@link buildProspectus} takes: what the chain and the reports say at launch, and the launch's terms. */
export interface ProspectusInput {
  modelId: bigint;
  name: string;
  symbol: string;
  creator: string;
  versions: readonly {
    version: number;
    baseModel: string;
    adapterKind: AdapterKindName;
    adapterHash: string;
    trainingConfigHash: string;
    trainedOn: readonly { datanetId: bigint; version: number; count: number; digest: string }[];
  }[];
  settled: { calls: bigint; fees: bigint };
  pricePerCall: bigint;
  modelBps: number;
  protocolFeeBps: number;
  terms: OfferingTerms;
  governance: GovernanceTerms;
  contributors: ContributorShareTree;
  reports: readonly { epoch: string; reportHash: string }[];
}

/**
 * Builds the prospectus of a launch. Each milestone gets its largest tranche (at the hard cap, after the protocol
 * fee) and its faking cost (see `fakingCost`), so a buyer sees whether the launch would refuse it.
 *
 * @throws MalformedProspectusError when the terms' contributors root is not the share tree's, or the tree gives out
 *   more than the contributors' part.
 * @throws InvalidOfferingTermsError when the tranches do not sum to 10,000 bps.
 */
export function buildProspectus(input: ProspectusInput): Prospectus {
  checkObject(input, "input");
  const { terms, contributors } = input;
  checkBytes32(terms?.contributorsRoot, "terms.contributorsRoot");
  checkBytes32(contributors?.root, "contributors.root");
  if (terms.contributorsRoot.toLowerCase() !== contributors.root.toLowerCase()) {
    throw new MalformedProspectusError("contributors.root", "is not the terms' contributorsRoot.");
  }
  if (contributors.total > terms.split.contributors) {
    throw new MalformedProspectusError("contributors.total", "exceeds the contributors' part of the supply.");
  }
  const maxNet = terms.sale.hardCap - (terms.sale.hardCap * BigInt(input.protocolFeeBps)) / BigInt(OFFERING_BPS);
  const maxTranches = trancheAmounts(maxNet, terms.sale.upfrontBps, terms.milestones).milestones;
  const doc: Prospectus = {
    format: PROSPECTUS_FORMAT,
    modelId: input.modelId.toString(),
    name: input.name,
    symbol: input.symbol,
    creator: getAddress(input.creator),
    provenance: [...input.versions]
      .sort((a, b) => a.version - b.version)
      .map((v) => ({
        version: v.version,
        baseModel: v.baseModel,
        baseModelHash: keccakText(v.baseModel),
        adapterKind: v.adapterKind,
        adapterHash: v.adapterHash.toLowerCase(),
        trainingConfigHash: v.trainingConfigHash.toLowerCase(),
        trainedOn: v.trainedOn.map((d) => ({
          datanetId: d.datanetId.toString(),
          version: d.version,
          count: d.count,
          digest: d.digest.toLowerCase(),
        })),
      })),
    settled: { calls: input.settled.calls.toString(), fees: input.settled.fees.toString() },
    pricing: { pricePerCall: input.pricePerCall.toString(), modelBps: input.modelBps },
    supply: {
      total: totalSupplyOf(terms.split).toString(),
      sale: terms.split.sale.toString(),
      creator: terms.split.creator.toString(),
      contributors: terms.split.contributors.toString(),
      treasury: terms.split.treasury.toString(),
    },
    sale: {
      softCap: terms.sale.softCap.toString(),
      hardCap: terms.sale.hardCap.toString(),
      deadline: terms.sale.deadline,
      upfrontBps: terms.sale.upfrontBps,
      pricePerShare: pricePerShare(terms.sale.hardCap, terms.split.sale).toString(),
    },
    protocolFeeBps: input.protocolFeeBps,
    vesting: { cliff: terms.vesting.cliff, duration: terms.vesting.duration },
    milestones: terms.milestones.map((m, i) => {
      const cost = fakingCost(m.kind, m.threshold, input.pricePerCall, input.modelBps);
      return {
        kind: m.kind,
        trancheBps: m.trancheBps,
        deadline: m.deadline,
        datanetId: m.datanetId.toString(),
        datanetVersion: m.datanetVersion,
        threshold: m.threshold.toString(),
        maxTranche: maxTranches[i].toString(),
        fakingCost: cost === null ? null : cost.toString(),
      };
    }),
    endVote: { quorumBps: terms.endVote.quorumBps, votingPeriod: terms.endVote.votingPeriod },
    governance: {
      votingDelay: input.governance.votingDelay,
      votingPeriod: input.governance.votingPeriod,
      quorumPercent: input.governance.quorumPercent,
      proposalThreshold: input.governance.proposalThreshold.toString(),
      timelockDelay: input.governance.timelockDelay,
      creatorKeepsVersions: terms.creatorKeepsVersions,
    },
    contributors: {
      rule: contributors.rule,
      reports: [...input.reports]
        .sort((a, b) => (BigInt(a.epoch) < BigInt(b.epoch) ? -1 : 1))
        .map((r) => ({ epoch: r.epoch, reportHash: r.reportHash })),
      root: contributors.root,
      total: contributors.total.toString(),
      shares: contributors.entries.map((e) => ({
        account: e.account,
        weight: e.weight.toString(),
        shares: e.shares.toString(),
      })),
    },
  };
  return readProspectus(doc);
}

/** The prospectus as canonical JSON (keys sorted at every level, no whitespace): the bytes published and hashed. */
export function serializeProspectus(doc: Prospectus): string {
  checkShape(doc);
  return canonicalJson(doc, (problem) => new MalformedProspectusError("the prospectus", problem));
}

/** keccak256 of the prospectus's canonical JSON bytes: the `prospectusHash` a launch records. */
export function prospectusHash(doc: Prospectus): string {
  return keccak256(toUtf8Bytes(serializeProspectus(doc)));
}

const bpsSchema = z.number().int("must be an integer.").min(0, "must be ≥ 0.").max(OFFERING_BPS, "must be ≤ 10,000.");
const secondsSchema = z.number().int("must be an integer.").min(0, "must be ≥ 0.");
const versionSchema = z.number().int("must be an integer.").min(1, "must be ≥ 1.");

const PROSPECTUS_SCHEMA = z.strictObject({
  format: z.literal(PROSPECTUS_FORMAT, { error: `must be "${PROSPECTUS_FORMAT}".` }),
  modelId: decimalSchema,
  name: z.string().min(1, "must not be empty."),
  symbol: z.string().min(1, "must not be empty."),
  creator: checksummedSchema,
  provenance: z
    .array(
      z.strictObject({
        version: versionSchema,
        baseModel: z.string(),
        baseModelHash: hashSchema,
        adapterKind: z.enum(ADAPTER_KINDS),
        adapterHash: hashSchema,
        trainingConfigHash: hashSchema,
        trainedOn: z
          .array(
            z.strictObject({
              datanetId: decimalSchema,
              version: versionSchema,
              count: versionSchema,
              digest: hashSchema,
            }),
          )
          .min(1, "must list at least one Datanet version."),
      }),
    )
    .min(1, "must list at least one model version."),
  settled: z.strictObject({ calls: decimalSchema, fees: decimalSchema }),
  pricing: z.strictObject({ pricePerCall: decimalSchema, modelBps: bpsSchema }),
  supply: z.strictObject({
    total: decimalSchema,
    sale: decimalSchema,
    creator: decimalSchema,
    contributors: decimalSchema,
    treasury: decimalSchema,
  }),
  sale: z.strictObject({
    softCap: decimalSchema,
    hardCap: decimalSchema,
    deadline: secondsSchema,
    upfrontBps: bpsSchema,
    pricePerShare: decimalSchema,
  }),
  protocolFeeBps: bpsSchema,
  vesting: z.strictObject({ cliff: secondsSchema, duration: secondsSchema }),
  milestones: z.array(
    z.strictObject({
      kind: z.enum(MILESTONE_KINDS),
      trancheBps: bpsSchema,
      deadline: secondsSchema,
      datanetId: decimalSchema,
      datanetVersion: secondsSchema,
      threshold: decimalSchema,
      maxTranche: decimalSchema,
      fakingCost: decimalSchema.nullable(),
    }),
  ),
  endVote: z.strictObject({ quorumBps: bpsSchema, votingPeriod: secondsSchema }),
  governance: z.strictObject({
    votingDelay: secondsSchema,
    votingPeriod: secondsSchema,
    quorumPercent: z.number().int("must be an integer.").min(0, "must be ≥ 0.").max(100, "must be ≤ 100."),
    proposalThreshold: decimalSchema,
    timelockDelay: secondsSchema,
    creatorKeepsVersions: z.boolean(),
  }),
  contributors: z.strictObject({
    rule: z.enum(["attribution", "accepted-bytes"]),
    reports: z.array(z.strictObject({ epoch: decimalSchema, reportHash: hashSchema })),
    root: hashSchema,
    total: decimalSchema,
    shares: z.array(z.strictObject({ account: checksummedSchema, weight: decimalSchema, shares: decimalSchema })),
  }),
});

/** `value` if it has a prospectus's shape (every field, of its type), whatever its consistency. */
function checkShape(value: unknown): Prospectus {
  const parsed = PROSPECTUS_SCHEMA.safeParse(value);
  if (!parsed.success) {
    const [path, message] = describeZodIssue(parsed.error.issues[0], "the prospectus");
    throw new MalformedProspectusError(path, message);
  }
  return parsed.data as Prospectus;
}

/**
 * Reads a prospectus (its bytes, JSON text, or the parsed value) and checks it: the shape (strict: an unknown key is
 * refused), the supply the sum of its parts, the price the hard cap over the sale part, the tranches summing to
 * 10,000 bps, the contributors sorted by address with shares summing to `total` (at most their part) and rebuilding
 * `root`.
 *
 * @throws MalformedProspectusError naming the first field found wrong.
 */
export function readProspectus(input: unknown): Prospectus {
  const doc = checkShape(parseJson(input));
  const wrong = (path: string, problem: string) => new MalformedProspectusError(path, problem);
  const s = doc.supply;
  if (BigInt(s.sale) + BigInt(s.creator) + BigInt(s.contributors) + BigInt(s.treasury) !== BigInt(s.total)) {
    throw wrong("supply.total", "is not the sum of sale, creator, contributors and treasury.");
  }
  if (pricePerShare(BigInt(doc.sale.hardCap), BigInt(s.sale)).toString() !== doc.sale.pricePerShare) {
    throw wrong("sale.pricePerShare", "is not hardCap × 10^18 / supply.sale.");
  }
  const bps = doc.milestones.reduce((sum, m) => sum + m.trancheBps, doc.sale.upfrontBps);
  if (bps !== OFFERING_BPS) throw wrong("milestones", `upfrontBps and the tranches sum to ${bps} bps, not 10,000.`);
  doc.provenance.forEach((v, i) => {
    if (i > 0 && doc.provenance[i - 1].version >= v.version) {
      throw wrong(`provenance[${i}].version`, "is not after the version before it; the list is sorted.");
    }
    if (keccakText(v.baseModel) !== v.baseModelHash)
      throw wrong(`provenance[${i}].baseModelHash`, "is not keccak256(baseModel).");
  });
  const shares = doc.contributors.shares;
  let total = 0n;
  shares.forEach((entry, i) => {
    if (i > 0 && shares[i - 1].account.toLowerCase() >= entry.account.toLowerCase()) {
      throw wrong(`contributors.shares[${i}].account`, "is not after the account before it; the list is sorted.");
    }
    total += BigInt(entry.shares);
  });
  if (total !== BigInt(doc.contributors.total)) throw wrong("contributors.total", "is not the sum of the shares.");
  if (total > BigInt(s.contributors)) throw wrong("contributors.total", "exceeds supply.contributors.");
  const leaves = shares.filter((e) => e.shares !== "0").map((e) => ({ account: e.account, amount: BigInt(e.shares) }));
  if (leaves.length === 0 || buildRewardTree(leaves).root !== doc.contributors.root) {
    throw wrong("contributors.root", "is not the root of the shares' tree.");
  }
  return doc;
}

function parseJson(input: unknown): unknown {
  const text = input instanceof Uint8Array ? new TextDecoder().decode(input) : input;
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedProspectusError("the prospectus", `is not JSON (${(error as Error).message}).`);
  }
}

/** A claim of a prospectus that the chain contradicts. */
export interface ProspectusMismatch {
  path: string;
  prospectus: string;
  chain: string;
}

/** What the chain says about a launched offering, as `OfferingClient.chainView` reads it. */
export interface ProspectusChainView {
  modelId: bigint;
  name: string;
  symbol: string;
  creator: string;
  terms: OfferingTerms;
  prospectusHash: string;
  /** The offering's `launchTotals`. */
  launchTotals: { calls: bigint; fees: bigint };
  /** The model's versions, by version. */
  versions: readonly {
    version: number;
    baseModelHash: string;
    adapterKind: AdapterKindName;
    adapterHash: string;
    trainingConfigHash: string;
    trainedOn: readonly { datanetId: bigint; version: number }[];
  }[];
  /** Each Datanet version the prospectus names, as the registry published it (absent if unpublished). */
  datanetVersions: readonly { datanetId: bigint; version: number; count: number; digest: string }[];
  /** The model's Governor and timelock, when read. */
  governance?: GovernanceTerms;
}

/**
 * Checks each claim of `doc` against the chain: its hash against the recorded one, the model and the creator, every
 * term (split, sale, vesting, end vote, milestones, contributors' root, who keeps versions), the governance when
 * given, each model version and each Datanet version's count and digest, and the settled totals against the launch's.
 * Returns every mismatch (none: the buyer gets what the prospectus says).
 */
export function verifyProspectus(doc: Prospectus, chain: ProspectusChainView): ProspectusMismatch[] {
  checkShape(doc);
  checkObject(chain, "chain");
  const out: ProspectusMismatch[] = [];
  const check = (path: string, prospectus: unknown, onChain: unknown) => {
    const [a, b] = [String(prospectus), String(onChain)];
    if (a.toLowerCase() !== b.toLowerCase()) out.push({ path, prospectus: a, chain: b });
  };
  check("prospectusHash", prospectusHash(doc), chain.prospectusHash);
  check("modelId", doc.modelId, chain.modelId);
  check("name", doc.name, chain.name);
  check("symbol", doc.symbol, chain.symbol);
  check("creator", doc.creator, chain.creator);
  const t = chain.terms;
  for (const part of ["sale", "creator", "contributors", "treasury"] as const) {
    check(`supply.${part}`, doc.supply[part], t.split[part]);
  }
  check("sale.softCap", doc.sale.softCap, t.sale.softCap);
  check("sale.hardCap", doc.sale.hardCap, t.sale.hardCap);
  check("sale.deadline", doc.sale.deadline, t.sale.deadline);
  check("sale.upfrontBps", doc.sale.upfrontBps, t.sale.upfrontBps);
  check("vesting.cliff", doc.vesting.cliff, t.vesting.cliff);
  check("vesting.duration", doc.vesting.duration, t.vesting.duration);
  check("endVote.quorumBps", doc.endVote.quorumBps, t.endVote.quorumBps);
  check("endVote.votingPeriod", doc.endVote.votingPeriod, t.endVote.votingPeriod);
  check("milestones.length", doc.milestones.length, t.milestones.length);
  doc.milestones.forEach((m, i) => {
    const c = t.milestones[i];
    if (!c) return;
    for (const field of ["kind", "trancheBps", "deadline", "datanetId", "datanetVersion", "threshold"] as const) {
      check(`milestones[${i}].${field}`, m[field], c[field]);
    }
  });
  check("contributors.root", doc.contributors.root, t.contributorsRoot);
  check("governance.creatorKeepsVersions", doc.governance.creatorKeepsVersions, t.creatorKeepsVersions);
  if (chain.governance) {
    for (const field of [
      "votingDelay",
      "votingPeriod",
      "quorumPercent",
      "proposalThreshold",
      "timelockDelay",
    ] as const) {
      check(`governance.${field}`, doc.governance[field], chain.governance[field]);
    }
  }
  check("settled.calls", doc.settled.calls, chain.launchTotals.calls);
  check("settled.fees", doc.settled.fees, chain.launchTotals.fees);
  const versions = new Map(chain.versions.map((v) => [v.version, v]));
  const published = new Map(chain.datanetVersions.map((d) => [`${d.datanetId}:${d.version}`, d]));
  doc.provenance.forEach((v, i) => {
    const path = `provenance[${i}]`;
    const c = versions.get(v.version);
    if (!c) return out.push({ path: `${path}.version`, prospectus: String(v.version), chain: "none" });
    check(`${path}.baseModelHash`, keccakText(v.baseModel), c.baseModelHash);
    check(`${path}.adapterKind`, v.adapterKind, c.adapterKind);
    check(`${path}.adapterHash`, v.adapterHash, c.adapterHash);
    check(`${path}.trainingConfigHash`, v.trainingConfigHash, c.trainingConfigHash);
    const named = (refs: readonly { datanetId: unknown; version: number }[]) =>
      refs.map((d) => `${d.datanetId}@${d.version}`).join(",");
    check(`${path}.trainedOn`, named(v.trainedOn), named(c.trainedOn));
    v.trainedOn.forEach((d, j) => {
      const p = published.get(`${d.datanetId}:${d.version}`);
      if (!p) return out.push({ path: `${path}.trainedOn[${j}]`, prospectus: "published", chain: "none" });
      check(`${path}.trainedOn[${j}].count`, d.count, p.count);
      check(`${path}.trainedOn[${j}].digest`, d.digest, p.digest);
    });
  });
  return out;
}

/** What {@link verifyContributorShares} recomputes the contributors' part from. */
export interface ContributorSharesEvidence {
  /**
   * Every epoch report accepted on-chain up to the launch (each read at its root's URI and checked against the root's
   * report hash, as `previousReportFromChain` does): the prospectus must list exactly these.
   */
  reports: readonly (EpochReport | EpochReportV1)[];
  /** The model's Datanet contributions, needed when the prospectus used the `accepted-bytes` rule. */
  fallback?: AcceptedBytesInput;
}

/**
 * Recomputes the contributors' part from the evidence and lists where the prospectus differs: the reports it names
 * (epoch and hash) against the accepted ones, its rule, root and every account's shares. A creator cannot leave a
 * report out, or give a contributor's shares to another account, without a mismatch here; together with
 * {@link verifyProspectus} (whose root check ties the document to the chain) the buyer has checked every share.
 */
export function verifyContributorShares(doc: Prospectus, evidence: ContributorSharesEvidence): ProspectusMismatch[] {
  checkShape(doc);
  checkObject(evidence, "evidence");
  const out: ProspectusMismatch[] = [];
  const listed = (reports: readonly { epoch: string; reportHash: string }[]) =>
    reports
      .map((r) => `${r.epoch}:${r.reportHash.toLowerCase()}`)
      .sort()
      .join(",");
  const accepted = evidence.reports.map((r) => ({ epoch: String(r.epoch), reportHash: epochReportHash(r) }));
  if (listed(doc.contributors.reports) !== listed(accepted)) {
    out.push({ path: "contributors.reports", prospectus: listed(doc.contributors.reports), chain: listed(accepted) });
  }
  if (doc.contributors.rule === "accepted-bytes" && !evidence.fallback) {
    out.push({ path: "contributors.rule", prospectus: "accepted-bytes", chain: "no contributions given to check it" });
    return out;
  }
  let tree: ContributorShareTree;
  try {
    tree = contributorShareTree({
      reports: evidence.reports,
      modelId: BigInt(doc.modelId),
      sharesForContributors: BigInt(doc.supply.contributors),
      fallback: evidence.fallback,
    });
  } catch (error) {
    out.push({ path: "contributors", prospectus: doc.contributors.rule, chain: (error as Error).message });
    return out;
  }
  if (tree.rule !== doc.contributors.rule) {
    out.push({ path: "contributors.rule", prospectus: doc.contributors.rule, chain: tree.rule });
  }
  if (tree.root !== doc.contributors.root) {
    out.push({ path: "contributors.root", prospectus: doc.contributors.root, chain: tree.root });
  }
  const stated = new Map(doc.contributors.shares.map((e) => [e.account.toLowerCase(), e.shares]));
  const recomputed = new Map(tree.entries.map((e) => [e.account.toLowerCase(), e.shares.toString()]));
  for (const account of new Set([...stated.keys(), ...recomputed.keys()])) {
    const [a, b] = [stated.get(account) ?? "0", recomputed.get(account) ?? "0"];
    if (a !== b) out.push({ path: `contributors.shares[${getAddress(account)}]`, prospectus: a, chain: b });
  }
  return out;
}
