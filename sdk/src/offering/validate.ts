import { ZeroHash } from "ethers";
import { InvalidOfferingTermsError } from "../errors";
import { checkArray, checkObject } from "../internal/check";
import { fakingCost, trancheAmounts } from "./math";
import { MILESTONE_KINDS, OFFERING_BPS, totalSupplyOf } from "./terms";
import type { GovernanceTerms, OfferingTerms } from "./terms";

/** The factory's limits (OfferingFactory's constants). */
export const MAX_MILESTONES = 16;
export const MAX_SALE_DURATION = 365 * 86_400;
/** Highest end-vote quorum, in bps: a higher one could make the vote unwinnable. */
export const MAX_END_VOTE_QUORUM_BPS = 5_000;
/** Shortest end vote, in seconds: holders need time to settle, delegate and vote. */
export const MIN_END_VOTE_PERIOD = 3 * 86_400;
/** Shortest governance voting period and timelock delay, in seconds. */
export const MIN_GOVERNANCE_DELAY = 86_400;
/** Lowest governance quorum, in percent of the share supply. */
export const MIN_GOVERNANCE_QUORUM_PERCENT = 4;

const MAX_UINT128 = 2n ** 128n - 1n;

/**
 * What the factory reads at launch besides the terms: the time, its fee, the model's price and fee split, and the
 * published version count of each Datanet a version milestone names.
 */
export interface LaunchCheckContext {
  /** The latest block's time; the launch's block is later. */
  now: number;
  protocolFeeBps: number;
  pricePerCall: bigint;
  modelBps: number;
  /** Versions published so far, by Datanet id (a Datanet left out counts as none). */
  datanetVersionCounts: ReadonlyMap<bigint, number>;
}

/**
 * Refuses the terms the offering factory's launch would refuse, in the factory's order and with its reason as the
 * error's path ("split", "softCap", "deadline", "milestones[1]"…): so that nothing is sent for terms that would revert.
 * The faking-cost rule is the factory's `OfferingMilestoneTooCheap`: a settled-calls or settled-fees milestone must
 * cost more to fake than its largest tranche (at the hard cap, after the protocol fee). A `ModelVersion` milestone
 * costs nothing to fake for whoever may register versions, so it needs `creatorKeepsVersions` false and a Datanet
 * version not yet published.
 *
 * @throws InvalidOfferingTermsError naming the first rule broken.
 */
export function validateOfferingTerms(
  terms: OfferingTerms,
  governance: GovernanceTerms,
  context: LaunchCheckContext,
): void {
  checkObject(terms, "terms");
  for (const part of ["split", "sale", "vesting", "endVote"] as const) checkObject(terms[part], `terms.${part}`);
  checkArray(terms.milestones, "terms.milestones");
  checkObject(governance, "governance");
  checkObject(context, "context");
  const refuse = (path: string, problem: string) => {
    throw new InvalidOfferingTermsError(path, problem);
  };
  const { split, sale } = terms;
  if (split.sale <= 0n || split.sale < sale.hardCap) {
    refuse("split", "the sale's part needs at least one share unit per OPEN wei of the hard cap.");
  }
  if (Object.values(split).some((part) => part < 0n) || totalSupplyOf(split) > MAX_UINT128) {
    refuse("split", "every part must be ≥ 0 and the supply at most 2^128 − 1 units.");
  }
  if (split.contributors !== 0n && terms.contributorsRoot === ZeroHash) {
    refuse("contributorsRoot", "the contributors have a part, so their share tree needs a root.");
  }
  if (sale.softCap <= 0n || sale.softCap > sale.hardCap || sale.hardCap > MAX_UINT128) {
    refuse("softCap", `needs 0 < softCap ≤ hardCap < 2^128; got ${sale.softCap} and ${sale.hardCap}.`);
  }
  if (sale.deadline <= context.now || sale.deadline > context.now + MAX_SALE_DURATION) {
    refuse("deadline", `must be after now (${context.now}) and at most 365 days from it; got ${sale.deadline}.`);
  }
  if (terms.vesting.cliff > terms.vesting.duration)
    refuse("vesting", "the cliff must not be longer than the duration.");
  const { quorumBps, votingPeriod } = terms.endVote;
  if (quorumBps <= 0 || quorumBps > MAX_END_VOTE_QUORUM_BPS || votingPeriod < MIN_END_VOTE_PERIOD) {
    refuse(
      "endVote",
      `needs a quorum in 1..${MAX_END_VOTE_QUORUM_BPS} bps and a voting period of at least ${MIN_END_VOTE_PERIOD} s.`,
    );
  }
  if (
    governance.votingPeriod < MIN_GOVERNANCE_DELAY ||
    governance.timelockDelay < MIN_GOVERNANCE_DELAY ||
    governance.quorumPercent < MIN_GOVERNANCE_QUORUM_PERCENT ||
    governance.quorumPercent > 100
  ) {
    refuse(
      "governance",
      `needs a voting period and a timelock delay of at least ${MIN_GOVERNANCE_DELAY} s and a quorum of ` +
        `${MIN_GOVERNANCE_QUORUM_PERCENT}..100 percent.`,
    );
  }
  if (terms.milestones.length > MAX_MILESTONES) refuse("milestones", `at most ${MAX_MILESTONES} milestones.`);
  terms.milestones.forEach((m, i) => {
    if (!MILESTONE_KINDS.includes(m.kind))
      refuse(`milestones[${i}].kind`, `must be one of ${MILESTONE_KINDS.join(", ")}.`);
    if (m.deadline <= sale.deadline) refuse(`milestones[${i}].deadline`, "must be after the sale's deadline.");
    const consistent =
      m.kind === "ModelVersion"
        ? m.datanetId !== 0n && m.threshold === 0n
        : m.threshold !== 0n && m.datanetId === 0n && m.datanetVersion === 0;
    if (!consistent) {
      refuse(
        `milestones[${i}]`,
        m.kind === "ModelVersion"
          ? "a ModelVersion milestone names a Datanet (datanetId ≠ 0) and no threshold."
          : `a ${m.kind} milestone has a threshold (≠ 0) and no Datanet.`,
      );
    }
    if (m.kind === "ModelVersion") {
      if (terms.creatorKeepsVersions) {
        refuse(
          `milestones[${i}]`,
          "a ModelVersion milestone needs creatorKeepsVersions false: the creator would meet it for free.",
        );
      }
      const published = context.datanetVersionCounts.get(m.datanetId) ?? 0;
      if (m.datanetVersion <= published) {
        refuse(
          `milestones[${i}].datanetVersion`,
          `Datanet ${m.datanetId} has ${published} versions already; name a later one.`,
        );
      }
    }
  });
  const net = sale.hardCap - (sale.hardCap * BigInt(context.protocolFeeBps)) / BigInt(OFFERING_BPS);
  const tranches = trancheAmounts(net, sale.upfrontBps, terms.milestones).milestones;
  terms.milestones.forEach((m, i) => {
    const cost = fakingCost(m.kind, m.threshold, context.pricePerCall, context.modelBps);
    if (cost !== null && cost < tranches[i]) {
      refuse(
        `milestones[${i}]`,
        `faking it costs ${cost} wei of OPEN, less than its tranche of up to ${tranches[i]}: raise its threshold.`,
      );
    }
  });
}
