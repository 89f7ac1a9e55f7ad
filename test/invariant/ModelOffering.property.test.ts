import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { HARD_CAP, SPLIT, offeringFixture } from "../fixtures/offering";
import { fillsOf } from "../helpers/offering";

/*
 * The offering's arithmetic, by the interface's formulas in a bigint reference (fast, many runs) and against the
 * contract (a handful of runs): fills sum to the raise, shares to the shares sold, refunds and fills to the deposits,
 * tranches to the net raise and redemptions to the unreleased raise, all exactly.
 */

const E18 = 10n ** 18n;
const BPS = 10_000n;
const SEED = 20_261_206;

/** The tranches of `net` for cumulative bps `cumulative` (ending at 10,000). */
function tranches(net: bigint, cumulative: bigint[]): bigint[] {
  return cumulative.map((c, i) => (net * c) / BPS - (i === 0 ? 0n : (net * cumulative[i - 1]) / BPS));
}

/** Redemptions of `holdings` (in order) from `unreleased` over a supply equal to their sum. */
function redemptions(holdings: bigint[], unreleased: bigint): bigint[] {
  let supply = holdings.reduce((a, b) => a + b, 0n);
  let left = unreleased;
  return holdings.map((h) => {
    const amount = (h * left) / supply;
    left -= amount;
    supply -= h;
    return amount;
  });
}

const deposit = fc.bigInt({ min: 1n, max: 10n ** 24n });

describe("ModelOffering properties", function () {
  it("fills sum to min(deposits, hard cap), shares to those sold, and refunds plus fills to the deposits", function () {
    fc.assert(
      fc.property(
        fc.array(deposit, { minLength: 1, maxLength: 40 }),
        fc.bigInt({ min: 1n, max: 10n ** 24n }),
        fc.bigInt({ min: 1n, max: 10n ** 27n }),
        (deposits, hardCap, sale) => {
          const total = deposits.reduce((a, b) => a + b, 0n);
          const raised = total < hardCap ? total : hardCap;
          const fills = fillsOf(deposits, hardCap, sale);
          expect(fills.reduce((a, f) => a + f.fill, 0n)).to.equal(raised);
          expect(fills.reduce((a, f) => a + f.shares, 0n)).to.equal((raised * sale) / hardCap);
          fills.forEach((f, i) => {
            expect(f.fill + f.refund).to.equal(deposits[i]);
            expect(f.refund >= 0n).to.equal(true);
          });
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("tranches sum to the net raise, and redemptions to the unreleased raise with the last taking the rest", function () {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 0, maxLength: 16 }),
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 27n }), { minLength: 1, maxLength: 30 }),
        (net, bps, holdings) => {
          const used = bps.reduce((a, b) => a + b, 0);
          fc.pre(used <= 10_000);
          let c = BigInt(10_000 - used);
          const cumulative = [c, ...bps.map((b) => (c += BigInt(b)))];
          expect(tranches(net, cumulative).reduce((a, b) => a + b, 0n)).to.equal(net);
          const unreleased = net / 2n;
          expect(redemptions(holdings, unreleased).reduce((a, b) => a + b, 0n)).to.equal(unreleased);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("settles random oversubscribed and undersubscribed sales on-chain exactly as the formulas say", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 1n, max: 20_000n }), { minLength: 1, maxLength: 4 }),
        fc.bigInt({ min: 0n, max: E18 - 1n }),
        async (whole, dust) => {
          const f = await loadFixture(offeringFixture);
          const deposits = whole.map((w, i) => w * E18 - (i === 0 ? dust : 0n));
          for (const [i, amount] of deposits.entries()) await f.offering.connect(f.buyers[i]).buy(amount);
          await time.increaseTo(f.deadline);
          await f.offering.finalize();
          const succeeded = (await f.offering.state()) === 2n;
          const expected = succeeded
            ? fillsOf(deposits, HARD_CAP, SPLIT.sale)
            : deposits.map((d) => ({ fill: 0n, shares: 0n, refund: d }));
          let refunds = 0n;
          for (const [i, e] of expected.entries()) {
            const [shares, refund] = await f.offering.settle.staticCall(f.buyers[i].address);
            expect([shares, refund]).to.deep.equal([e.shares, e.refund]);
            await f.offering.settle(f.buyers[i].address);
            refunds += refund;
          }
          const total = deposits.reduce((a, b) => a + b, 0n);
          expect(total - refunds).to.equal(succeeded ? (total < HARD_CAP ? total : HARD_CAP) : 0n);
        },
      ),
      { seed: SEED, numRuns: 6 },
    );
  });
});
