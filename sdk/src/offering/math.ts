import { InvalidOfferingTermsError } from "../errors";
import { checkArray, checkObject, shown } from "../internal/check";
import { checkBigints } from "./check";
import { MILESTONE_KINDS, OFFERING_BPS } from "./terms";
import type { MilestoneKindName } from "./terms";

/* The offering's arithmetic, exactly as ModelOffering and OfferingFactory compute it (IModelOffering's NatSpec): a
preview for the CLI and a reference for tests, no I/O. */

const BPS = BigInt(OFFERING_BPS);

/** One buyer's deposit: `[start, start + amount)` in the order of deposits. */
export interface SaleDeposit {
  buyer: string;
  /** Total deposits before this one. */
  start: bigint;
  amount: bigint;
}

/** What {@link saleFills} needs of the terms. */
export interface SaleFillTerms {
  softCap: bigint;
  hardCap: bigint;
  /** Shares offered in the sale (`split.sale`). */
  sale: bigint;
  /** The protocol fee on the raise, in bps (0 if left out). */
  protocolFeeBps?: number;
}

/** One buyer's settlement: `fill` OPEN bought `shares`; `refund` = `amount − fill` comes back. */
export interface SaleFill extends SaleDeposit {
  fill: bigint;
  shares: bigint;
  refund: bigint;
}

/** A sale's outcome: every buyer's fill and the totals. */
export interface SaleOutcome {
  /** Deposits reached the soft cap. */
  succeeded: boolean;
  /** `D`, every deposit. */
  deposited: bigint;
  /** `R = min(D, hardCap)` on success, else 0. */
  raised: bigint;
  /** `T = ⌊R × sale / hardCap⌋`, the shares sold. */
  sold: bigint;
  /** `D − R`: every refund. */
  refunded: bigint;
  /** `⌊R × feeBps / 10,000⌋`, to the protocol treasury. */
  protocolFee: bigint;
  /** `R` after the fee: the escrowed raise. */
  netRaise: bigint;
  fills: SaleFill[];
}

/**
 * Every buyer's fill, shares and refund, and the totals. With `D` deposited and `R = min(D, hardCap)` raised, a
 * deposit `[s, s + a)` fills `⌊(s + a)R/D⌋ − ⌊sR/D⌋` and gets `⌊(s + a)T/D⌋ − ⌊sT/D⌋` shares: the floors telescope, so
 * fills sum to `R` and shares to `T` exactly, and a buyer's fill does not depend on when it bought beyond rounding.
 * Under the soft cap every deposit is refunded in full.
 *
 * @throws InvalidOfferingTermsError when a cap or amount is negative, the caps are out of order, or the deposits,
 *   ordered by `start`, do not each start where the one before ends (from 0).
 */
export function saleFills(deposits: readonly SaleDeposit[], terms: SaleFillTerms): SaleOutcome {
  checkObject(terms, "terms");
  checkArray(deposits, "deposits");
  const { softCap, hardCap, sale } = terms;
  checkBigints({ "sale.softCap": softCap, "sale.hardCap": hardCap, "split.sale": sale });
  deposits.forEach((d, i) =>
    checkBigints({ [`deposits[${i}].start`]: d?.start, [`deposits[${i}].amount`]: d?.amount }),
  );
  if (softCap <= 0n || hardCap < softCap) {
    throw new InvalidOfferingTermsError("sale", `needs 0 < softCap ≤ hardCap; got ${softCap} and ${hardCap}.`);
  }
  if (sale <= 0n) throw new InvalidOfferingTermsError("split.sale", `must be positive; got ${sale}.`);
  const feeBps = checkBps(terms.protocolFeeBps ?? 0, "protocolFeeBps");
  const ordered = [...deposits].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let deposited = 0n;
  ordered.forEach((d, i) => {
    if (d.amount <= 0n) throw new InvalidOfferingTermsError(`deposits[${i}].amount`, "must be positive.");
    if (d.start !== deposited) {
      throw new InvalidOfferingTermsError(
        `deposits[${i}].start`,
        `is ${d.start}; the deposits before it end at ${deposited}.`,
      );
    }
    deposited += d.amount;
  });
  const succeeded = deposited >= softCap;
  const raised = succeeded ? (deposited < hardCap ? deposited : hardCap) : 0n;
  const sold = (raised * sale) / hardCap;
  const part = (end: bigint, of: bigint) => (succeeded ? (end * of) / deposited : 0n);
  const fills = ordered.map((d) => {
    const end = d.start + d.amount;
    const fill = part(end, raised) - part(d.start, raised);
    return { ...d, fill, shares: part(end, sold) - part(d.start, sold), refund: d.amount - fill };
  });
  const protocolFee = (raised * BigInt(feeBps)) / BPS;
  return {
    succeeded,
    deposited,
    raised,
    sold,
    refunded: deposited - raised,
    protocolFee,
    netRaise: raised - protocolFee,
    fills,
  };
}

/** The raise's tranches: the upfront part, paid at success, and one per milestone. */
export interface TrancheAmounts {
  upfront: bigint;
  milestones: bigint[];
}

/**
 * Splits the net raise into tranches: with `c_i` the cumulative bps (the upfront part first, then the milestones in
 * order), tranche `i` is `⌊net × c_i / 10,000⌋ − ⌊net × c_{i−1} / 10,000⌋`, so they sum to `net` exactly.
 *
 * @throws InvalidOfferingTermsError when a bps is not an integer in [0, 10,000] or they do not sum to 10,000.
 */
export function trancheAmounts(
  net: bigint,
  upfrontBps: number,
  milestones: readonly { trancheBps: number }[],
): TrancheAmounts {
  checkBigints({ net });
  checkArray(milestones, "milestones");
  let cumulative = checkBps(upfrontBps, "sale.upfrontBps");
  const upfront = (net * BigInt(cumulative)) / BPS;
  let before = upfront;
  const amounts = milestones.map((m, i) => {
    cumulative += checkBps(m.trancheBps, `milestones[${i}].trancheBps`);
    const upTo = (net * BigInt(cumulative)) / BPS;
    const amount = upTo - before;
    before = upTo;
    return amount;
  });
  if (cumulative !== OFFERING_BPS) {
    throw new InvalidOfferingTermsError(
      "milestones",
      `upfrontBps and the tranches sum to ${cumulative} bps, not 10,000.`,
    );
  }
  return { upfront, milestones: amounts };
}

/**
 * What a buyer's deposit redeems after the holders ended an offering: its part of the unreleased raise `unreleased`,
 * `⌊(start + amount) U / D⌋ − ⌊start U / D⌋` with `D` all deposits. The parts telescope to `U` exactly and are each
 * buyer's fill times `U / raised` (fills are pro rata to deposits); shares no one paid OPEN for redeem nothing.
 *
 * @throws InvalidOfferingTermsError when the deposit does not lie within `[0, totalDeposits]` or `unreleased` < 0.
 */
export function redemptionOf(
  deposit: Pick<SaleDeposit, "start" | "amount">,
  unreleased: bigint,
  totalDeposits: bigint,
): bigint {
  checkObject(deposit, "deposit");
  const { start, amount } = deposit;
  checkBigints({ "deposit.start": start, "deposit.amount": amount, unreleased, totalDeposits });
  if (start < 0n || amount < 0n || start + amount > totalDeposits) {
    throw new InvalidOfferingTermsError(
      "deposit",
      `must lie within the ${totalDeposits} deposited; got [${start}, ${start + amount}).`,
    );
  }
  if (unreleased < 0n) throw new InvalidOfferingTermsError("unreleased", `must be ≥ 0; got ${unreleased}.`);
  if (totalDeposits === 0n) return 0n;
  return ((start + amount) * unreleased) / totalDeposits - (start * unreleased) / totalDeposits;
}

/**
 * The creator's shares vested at time `t` (unix seconds) of a linear vesting of `total` from `start` (the sale's
 * success): none before `start + cliff`, all from `start + duration`, `⌊total × (t − start) / duration⌋` between.
 * A `duration` of 0 vests everything at `start`.
 */
export function vestedAt(t: number, start: number, cliff: number, duration: number, total: bigint): bigint {
  for (const [path, value] of Object.entries({ t, start, cliff, duration })) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidOfferingTermsError(path, `must be whole seconds ≥ 0; got ${shown(value)}.`);
    }
  }
  checkBigints({ total });
  if (t < start) return 0n;
  const elapsed = t - start;
  if (elapsed >= duration) return total;
  if (elapsed < cliff) return 0n;
  return (total * BigInt(elapsed)) / BigInt(duration);
}

/**
 * The least a creator pays to fake a `SettledCalls` or `SettledFees` milestone by paying its own model: fees `F`
 * (`threshold × pricePerCall` for calls, `threshold` for fees) less the model's share of them, `⌊F × modelBps /
 * 10,000⌋`, which would come back to it (as if it held every share). `null` for `ModelVersion`, which no payment
 * meets.
 */
export function fakingCost(
  kind: MilestoneKindName,
  threshold: bigint,
  pricePerCall: bigint,
  modelBps: number,
): bigint | null {
  if (!MILESTONE_KINDS.includes(kind))
    throw new InvalidOfferingTermsError("kind", `is ${shown(kind)}; no such milestone.`);
  if (kind === "ModelVersion") return null;
  checkBigints({ threshold, pricePerCall });
  const fees = kind === "SettledCalls" ? threshold * pricePerCall : threshold;
  return fees - (fees * BigInt(checkBps(modelBps, "modelBps"))) / BPS;
}

/** OPEN (wei) per whole share (10¹⁸ units) of a sale, rounded down: `hardCap × 10¹⁸ / sale`. */
export function pricePerShare(hardCap: bigint, sale: bigint): bigint {
  checkBigints({ hardCap, sale });
  if (sale <= 0n) throw new InvalidOfferingTermsError("split.sale", `must be positive; got ${sale}.`);
  return (hardCap * 10n ** 18n) / sale;
}

function checkBps(bps: number, path: string): number {
  if (!Number.isInteger(bps) || bps < 0 || bps > OFFERING_BPS) {
    throw new InvalidOfferingTermsError(path, `must be an integer in [0, 10,000]; got ${bps}.`);
  }
  return bps;
}
