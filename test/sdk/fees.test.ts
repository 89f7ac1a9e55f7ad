import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  InvalidFeeAmountError,
  InvalidFeeSplitError,
  InvalidInputError,
  assertFeeSplit,
  splitFee,
} from "../../sdk/src";
import type { FeeSplitBps } from "../../sdk/src";
import { DEFAULT_FEE_SPLIT } from "../../deploy/settlement";
import { settlementFixture } from "../fixtures/settlement";

const MAX_UINT256 = 2n ** 256n - 1n;

/** Any split the contract accepts: three cut points in [0, 10,000], plus the splits that round the most. */
const splitArb: fc.Arbitrary<FeeSplitBps> = fc.oneof(
  fc.tuple(fc.nat(10_000), fc.nat(10_000), fc.nat(10_000)).map(([a, b, c]) => {
    const [x, y, z] = [a, b, c].sort((p, q) => p - q);
    return { treasuryBps: x, modelBps: y - x, stakersBps: z - y, contributorsBps: 10_000 - z };
  }),
  fc.constantFrom<FeeSplitBps>(
    DEFAULT_FEE_SPLIT,
    { treasuryBps: 3_333, modelBps: 3_333, stakersBps: 3_333, contributorsBps: 1 },
    { treasuryBps: 9_999, modelBps: 0, stakersBps: 0, contributorsBps: 1 },
    { treasuryBps: 0, modelBps: 0, stakersBps: 0, contributorsBps: 10_000 },
  ),
);

describe("splitFee", function () {
  it("splits by the default 10/20/20/50", function () {
    expect(splitFee(1_000n, DEFAULT_FEE_SPLIT)).to.deep.equal({
      treasury: 100n,
      model: 200n,
      stakers: 200n,
      contributors: 500n,
    });
    expect(splitFee(0n, DEFAULT_FEE_SPLIT)).to.deep.equal({ treasury: 0n, model: 0n, stakers: 0n, contributors: 0n });
  });

  it("rounds the first three down and gives the dust to the contributors, up to 3 wei above their floor", function () {
    expect(splitFee(1n, DEFAULT_FEE_SPLIT)).to.deep.equal({ treasury: 0n, model: 0n, stakers: 0n, contributors: 1n });
    expect(splitFee(9n, DEFAULT_FEE_SPLIT)).to.deep.equal({ treasury: 0n, model: 1n, stakers: 1n, contributors: 7n });
    // 1,871,002 × 3,333 / 10,000 = 623,604.96…: each of three parts loses 0.96, the contributors' 187.1 becomes 190.
    const split = { treasuryBps: 3_333, modelBps: 3_333, stakersBps: 3_333, contributorsBps: 1 };
    expect(splitFee(1_871_002n, split)).to.deep.equal({
      treasury: 623_604n,
      model: 623_604n,
      stakers: 623_604n,
      contributors: 190n,
    });
  });

  it("always sums to the amount, with each share within 3 wei of its exact value (fast-check, seeded)", function () {
    const amountArb = fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.bigInt({ min: 0n, max: MAX_UINT256 }));
    fc.assert(
      fc.property(amountArb, splitArb, (amount, split) => {
        const s = splitFee(amount, split);
        expect(s.treasury + s.model + s.stakers + s.contributors).to.equal(amount);
        for (const [share, bps] of [
          [s.treasury, split.treasuryBps],
          [s.model, split.modelBps],
          [s.stakers, split.stakersBps],
        ] as const) {
          expect(share).to.equal((amount * BigInt(bps)) / 10_000n);
        }
        const dust = s.contributors * 10_000n - amount * BigInt(split.contributorsBps);
        expect(dust >= 0n && dust < 30_000n, `dust × 10,000 = ${dust}`).to.equal(true);
      }),
      { seed: 31_337, numRuns: 500 },
    );
  });

  it("refuses an amount that is negative, not a bigint or above 2^256 - 1 with InvalidFeeAmountError", function () {
    for (const amount of [-1n, MAX_UINT256 + 1n, 5, "5", null]) {
      let error: unknown;
      try {
        splitFee(amount as bigint, DEFAULT_FEE_SPLIT);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(InvalidFeeAmountError).and.instanceOf(InvalidInputError);
      expect((error as InvalidFeeAmountError).amount).to.equal(amount);
    }
    expect(() => splitFee(-1n, DEFAULT_FEE_SPLIT)).to.throw("The fee is -1; it must be a bigint in [0, 2^256 - 1].");
    expect(() => splitFee(5 as unknown as bigint, DEFAULT_FEE_SPLIT)).to.throw("The fee is 5 (a number)");
  });

  it("refuses a split the contract would refuse with InvalidFeeSplitError", function () {
    const cases: [unknown, string][] = [
      [{ ...DEFAULT_FEE_SPLIT, contributorsBps: 4_999 }, "the parts sum to 9999 basis points instead of 10,000."],
      [{ ...DEFAULT_FEE_SPLIT, treasuryBps: -1000, contributorsBps: 7_000 }, "treasuryBps is -1000"],
      [{ ...DEFAULT_FEE_SPLIT, modelBps: 1_999.5, stakersBps: 2_000.5 }, "modelBps is 1999.5"],
      [{ ...DEFAULT_FEE_SPLIT, stakersBps: NaN }, "stakersBps is NaN"],
      [{ treasuryBps: 10_001, modelBps: 0, stakersBps: 0, contributorsBps: -1 }, "treasuryBps is 10001"],
      [{ treasuryBps: 1000, modelBps: 2000, stakersBps: 2000 }, "contributorsBps is undefined"],
      [{ ...DEFAULT_FEE_SPLIT, modelBps: 2000n }, "modelBps is 2000"],
      [null, "null is not an object"],
    ];
    for (const [split, message] of cases) {
      expect(() => splitFee(1n, split as FeeSplitBps))
        .to.throw(InvalidFeeSplitError, message)
        .with.property("split", split);
      expect(() => assertFeeSplit(split as FeeSplitBps)).to.throw(InvalidFeeSplitError, message);
    }
    expect(() =>
      assertFeeSplit({ treasuryBps: 10_000, modelBps: 0, stakersBps: 0, contributorsBps: 0 }),
    ).not.to.throw();
  });

  it("pays exactly what InferenceSettlement pays, over random fees and splits (differential, fast-check, seeded)", async function () {
    const { settlement, models, open, owner, deployer, developer } = await loadFixture(settlementFixture);
    // The deployer holds most of OPEN's supply, so fees up to 10^26 wei can really be paid.
    await open.connect(deployer).approve(await settlement.getAddress(), ethers.MaxUint256);
    const priceArb = fc.oneof(fc.bigInt({ min: 1n, max: 10_000n }), fc.bigInt({ min: 1n, max: 10n ** 26n }));
    const callsArb = fc.oneof(fc.constant(1n), fc.bigInt({ min: 1n, max: 1_000n }));
    await fc.assert(
      fc.asyncProperty(priceArb, callsArb, splitArb, async (price, calls, split) => {
        fc.pre(price * calls <= 10n ** 26n);
        const id = await ethers.provider.send("evm_snapshot", []);
        try {
          await settlement.connect(owner).setFeeSplit(split);
          await models.setTerms(9n, price, developer.address);
          const receipt = (await (
            await settlement.connect(deployer).settle(9n, calls, price * calls, ethers.id("logs"), "ipfs://logs")
          ).wait())!;
          const event = settlement.interface.parseLog(receipt.logs.find((l) => l.address === settlement.target)!)!;
          const { fee, treasuryShare, modelShare, stakersShare, contributorsShare } = event.args;
          expect(fee).to.equal(price * calls);
          expect(splitFee(fee, split)).to.deep.equal({
            treasury: treasuryShare,
            model: modelShare,
            stakers: stakersShare,
            contributors: contributorsShare,
          });
        } finally {
          await ethers.provider.send("evm_revert", [id]);
        }
      }),
      { seed: 2_024, numRuns: 60 },
    );
  });
});
