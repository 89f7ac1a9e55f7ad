import { expect } from "chai";
import fc from "fast-check";
import {
  InvalidOfferingTermsError,
  fakingCost,
  pricePerShare,
  redemptionOf,
  saleFills,
  trancheAmounts,
  vestedAt,
} from "../../../sdk/src";
import type { SaleDeposit } from "../../../sdk/src";

/** fast-check settings shared by every property: fixed seed, so a failure reproduces. */
const RUNS = { seed: 20_261_206, numRuns: 300 };
const E18 = 10n ** 18n;

/** Deposits of `amounts` in that order, each starting where the one before ends. */
function depositsOf(amounts: readonly bigint[]): SaleDeposit[] {
  let start = 0n;
  return amounts.map((amount, i) => {
    const deposit = { buyer: `buyer${i}`, start, amount };
    start += amount;
    return deposit;
  });
}

describe("offering math", function () {
  describe("saleFills", function () {
    it("fills every deposit in full between the caps and sells shares at the fixed price", function () {
      const outcome = saleFills(depositsOf([300n * E18, 200n * E18]), {
        softCap: 400n * E18,
        hardCap: 1_000n * E18,
        sale: 2_000n * E18,
        protocolFeeBps: 250,
      });
      expect(outcome.succeeded).to.equal(true);
      expect(outcome.raised).to.equal(500n * E18);
      expect(outcome.sold).to.equal(1_000n * E18);
      expect(outcome.fills.map((f) => [f.fill, f.shares, f.refund])).to.deep.equal([
        [300n * E18, 600n * E18, 0n],
        [200n * E18, 400n * E18, 0n],
      ]);
      expect(outcome.protocolFee).to.equal(12_500_000_000_000_000_000n);
      expect(outcome.netRaise).to.equal(487_500_000_000_000_000_000n);
    });

    it("fills an oversubscribed sale pro rata to exactly the hard cap and refunds the rest, by hand", function () {
      // D = 3, R = 2, T = 2 × 7 / 2 = 7: fills ⌊2/3⌋ − 0, ⌊4/3⌋ − ⌊2/3⌋, ⌊6/3⌋ − ⌊4/3⌋ = 0, 1, 1.
      const outcome = saleFills(depositsOf([1n, 1n, 1n]), { softCap: 1n, hardCap: 2n, sale: 7n });
      expect(outcome.fills.map((f) => f.fill)).to.deep.equal([0n, 1n, 1n]);
      expect(outcome.fills.map((f) => f.refund)).to.deep.equal([1n, 0n, 0n]);
      // Shares ⌊7/3⌋, ⌊14/3⌋ − ⌊7/3⌋, 7 − ⌊14/3⌋ = 2, 2, 3.
      expect(outcome.fills.map((f) => f.shares)).to.deep.equal([2n, 2n, 3n]);
      expect([outcome.raised, outcome.sold, outcome.refunded]).to.deep.equal([2n, 7n, 1n]);
    });

    it("refunds every buyer in full under the soft cap", function () {
      const outcome = saleFills(depositsOf([5n, 4n]), { softCap: 10n, hardCap: 20n, sale: 40n, protocolFeeBps: 100 });
      expect(outcome.succeeded).to.equal(false);
      expect(outcome.fills.map((f) => [f.fill, f.shares, f.refund])).to.deep.equal([
        [0n, 0n, 5n],
        [0n, 0n, 4n],
      ]);
      expect([outcome.raised, outcome.sold, outcome.protocolFee, outcome.refunded]).to.deep.equal([0n, 0n, 0n, 9n]);
    });

    it("orders deposits by start and refuses gaps, overlaps, zero amounts and bad caps", function () {
      const [a, b] = depositsOf([3n, 4n]);
      expect(saleFills([b, a], { softCap: 1n, hardCap: 7n, sale: 7n }).fills.map((f) => f.buyer)).to.deep.equal([
        "buyer0",
        "buyer1",
      ]);
      const terms = { softCap: 1n, hardCap: 7n, sale: 7n };
      expect(() => saleFills([a, { ...b, start: 4n }], terms)).to.throw(InvalidOfferingTermsError, "deposits[1].start");
      expect(() => saleFills([{ ...a, amount: 0n }], terms)).to.throw(InvalidOfferingTermsError, "amount");
      expect(() => saleFills([a], { ...terms, softCap: 8n })).to.throw(InvalidOfferingTermsError, "softCap");
      expect(() => saleFills([a], { ...terms, protocolFeeBps: 10_001 })).to.throw(InvalidOfferingTermsError);
    });

    it("fills sum to min(deposits, hard cap), shares to the shares sold, and refunds to the excess (property)", function () {
      fc.assert(
        fc.property(
          fc.array(fc.bigInt({ min: 1n, max: 10n ** 24n }), { minLength: 1, maxLength: 30 }),
          fc.bigInt({ min: 1n, max: 10n ** 25n }),
          fc.bigInt({ min: 1n, max: 10n ** 27n }),
          (amounts, hardCap, sale) => {
            const outcome = saleFills(depositsOf(amounts), { softCap: 1n, hardCap, sale });
            const sum = (pick: (f: (typeof outcome.fills)[number]) => bigint) =>
              outcome.fills.reduce((s, f) => s + pick(f), 0n);
            const deposited = amounts.reduce((s, x) => s + x, 0n);
            expect(sum((f) => f.fill)).to.equal(deposited < hardCap ? deposited : hardCap);
            expect(sum((f) => f.shares)).to.equal(outcome.sold);
            expect(sum((f) => f.refund)).to.equal(outcome.refunded);
            expect(outcome.raised + outcome.refunded).to.equal(deposited);
            for (const f of outcome.fills) expect(f.fill <= f.amount).to.equal(true);
          },
        ),
        RUNS,
      );
    });
  });

  describe("trancheAmounts", function () {
    it("splits the net raise by cumulative bps, so the tranches sum to it exactly", function () {
      // c = 3,333, 6,666, 10,000 of 100: ⌊33.33⌋ = 33, ⌊66.66⌋ − 33 = 33, 100 − 66 = 34.
      expect(trancheAmounts(100n, 3_333, [{ trancheBps: 3_333 }, { trancheBps: 3_334 }])).to.deep.equal({
        upfront: 33n,
        milestones: [33n, 34n],
      });
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: 10n ** 30n }),
          fc.array(fc.integer({ min: 0, max: 2_000 }), { maxLength: 5 }),
          (net, bps) => {
            const upfront = 10_000 - bps.reduce((s, x) => s + x, 0);
            const t = trancheAmounts(
              net,
              upfront,
              bps.map((trancheBps) => ({ trancheBps })),
            );
            expect(t.milestones.reduce((s, x) => s + x, t.upfront)).to.equal(net);
          },
        ),
        RUNS,
      );
    });

    it("refuses bps that do not sum to 10,000", function () {
      expect(() => trancheAmounts(100n, 5_000, [{ trancheBps: 4_000 }])).to.throw(InvalidOfferingTermsError, "9000");
      expect(() => trancheAmounts(100n, 1.5, [])).to.throw(InvalidOfferingTermsError, "upfrontBps");
    });
  });

  describe("redemptionOf", function () {
    it("returns the unreleased raise to the deposits pro rata, summing to it exactly (property)", function () {
      fc.assert(
        fc.property(
          fc.array(fc.bigInt({ min: 1n, max: 10n ** 24n }), { minLength: 1, maxLength: 20 }),
          fc.bigInt({ min: 0n, max: 10n ** 24n }),
          (amounts, unreleased) => {
            const total = amounts.reduce((s, x) => s + x, 0n);
            let start = 0n;
            let paid = 0n;
            for (const amount of amounts) {
              const part = redemptionOf({ start, amount }, unreleased, total);
              // Within one wei of the exact pro-rata part.
              expect(part * total).to.be.within(amount * unreleased - total, amount * unreleased + total);
              paid += part;
              start += amount;
            }
            expect(paid).to.equal(unreleased);
          },
        ),
        RUNS,
      );
      expect(redemptionOf({ start: 1n, amount: 1n }, 10n, 3n)).to.equal(3n);
      expect(() => redemptionOf({ start: 2n, amount: 2n }, 10n, 3n)).to.throw(InvalidOfferingTermsError, "deposit");
      expect(() => redemptionOf({ start: 0n, amount: 1n }, -1n, 3n)).to.throw(InvalidOfferingTermsError, "unreleased");
    });
  });

  describe("vestedAt", function () {
    it("vests nothing before the cliff, linearly after it and everything at the end", function () {
      const total = 1_000n;
      expect(vestedAt(99, 100, 10, 100, total)).to.equal(0n);
      expect(vestedAt(109, 100, 10, 100, total)).to.equal(0n);
      expect(vestedAt(110, 100, 10, 100, total)).to.equal(100n);
      expect(vestedAt(133, 100, 10, 100, total)).to.equal(330n);
      expect(vestedAt(200, 100, 10, 100, total)).to.equal(total);
      expect(vestedAt(100, 100, 0, 0, total)).to.equal(total);
    });
  });

  describe("fakingCost", function () {
    it("is the fees less the model's rounded-down share, and null for a model version", function () {
      // 1,000 calls at 3 wei: F = 3,000; the model's 15 % is 450 back.
      expect(fakingCost("SettledCalls", 1_000n, 3n, 1_500)).to.equal(2_550n);
      // F = 7 at 15 %: ⌊1.05⌋ = 1 back.
      expect(fakingCost("SettledFees", 7n, 999n, 1_500)).to.equal(6n);
      expect(fakingCost("ModelVersion", 7n, 3n, 1_500)).to.equal(null);
    });
  });

  it("prices a whole share at hardCap × 10^18 / sale, rounded down", function () {
    expect(pricePerShare(1_000n * E18, 4_000n * E18)).to.equal(E18 / 4n);
    expect(pricePerShare(1n, 3n * E18)).to.equal(0n);
  });
});
