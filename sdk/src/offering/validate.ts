import { ZeroHash } from "ethers";
import { InvalidOfferingTermsError } from "../errors";
import { fakingCost, trancheAmounts } from "./math";
import { MILESTONE_KINDS, OFFERING_BPS, totalSupplyOf } from "./terms";
import type { GovernanceTerms, OfferingTerms } from "./terms";

/** The factory's limits (OfferingFactory's constants). */
export const MAX_MILESTONES = 16;
export const MAX_SALE_DURATION = 365 * 86_400;

const MAX_UINT128 = 2n ** 128n - 1n;

/** What the factory reads at launch besides the terms: the time, its fee, the model's price and fee split. */
export interface LaunchCheckContext {
  /** The latest block's time; the launch's block is later. */
  now: number;
  protocolFeeBps: number;
  pricePerCall: bigint;
  modelBps: number;
}

/**
 * Refuses the terms the offering factory's launch would refuse, in the factory's order and with its reason as the
 * error's path ("split", "softCap", "deadline", "milestones[1]"…): so that nothing is sent for terms that would revert.
 * The faking-cost rule is the factory's `OfferingMilestoneTooCheap`: a settled-calls or settled-fees milestone must
 * cost more to fake than its largest tranche (at the hard cap, after the protocol fee).
 *
 * @throws InvalidOfferingTermsError naming the first rule broken.
 */
export function validateOfferingTerms(
  terms: OfferingTerms,
  governance: GovernanceTerms,
  context: LaunchCheckContext,
): void {
  const refuse = (path: string, problem: string) => {
    throw new InvalidOfferingTermsError(path, problem);
  };
  const { split, sale } = terms;
  if (split.sale <= 0n) refuse("split", "the sale's part must be positive.");
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
  if (quorumBps <= 0 || quorumBps > OFFERING_BPS || votingPeriod <= 0) {
    refuse("endVote", "needs a quorum in 1..10,000 bps and a positive voting period.");
  }
  if (governance.votingPeriod <= 0 || governance.quorumPercent > 100) {
    refuse("governance", "needs a positive voting period and a quorum of at most 100 percent.");
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
