import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { SUPPLY, sharesFixture } from "../fixtures/shares";
import { Q } from "../helpers/rational";

/*
 * Random sequences of revenue arrivals (plain OPEN transfers to the shares, of a few wei or of many OPEN), transfers
 * between holders (any part, to oneself, or back to the escrow, which must revert), releases from the escrow, burns of
 * the escrow's own shares and of holders' shares (redemptions), claims (for oneself or anyone, with or without
 * anything to claim) and syncs, by four holders (the sink among them), against a model in exact rationals.
 *
 * The model: OPEN that arrives while `S` shares exist is owed to the holders as they hold at that moment (every
 * balance change syncs first, so the contract shares it before any balance moves): `R × balance / S` to each holder,
 * and `R / S` per share to the escrow's shares, which carry it to whoever receives them (or to the sink when burned).
 * The supply stays above one share (10^18), so every sync accounts exactly what arrived (the contract's scale is
 * 10^27) and the accumulator stays far from its bound.
 *
 * After every step:
 * - OPEN is conserved: the shares hold what arrived less what was claimed; revenueReceived is what arrived and
 *   revenuePaid what was claimed;
 * - Σ claimed + Σ accrued (all holders) + what the escrow's shares carry ≤ revenueReceived, short of it by less than
 *   the number of steps plus holders (one wei per rounded credit at most);
 * - a transfer between holders, a holder's burn and a claim leave Σ accrued + Σ claimed + carried unchanged to the
 *   wei; a release or a burn from the escrow within one wei (the carried part is rounded down on both sides);
 * - each holder's claimed + accrued lies in (exact − touches − 2, exact], with `exact` the model's rational
 *   entitlement and `touches` the steps that settled it.
 */

const E18 = 10n ** 18n;
const HOLDERS = 4;
const SCALE = 10n ** 27n;

type Step =
  | { kind: "pay"; amount: bigint }
  | { kind: "transfer"; from: number; to: number; part: bigint }
  | { kind: "toEscrow"; from: number }
  | { kind: "release"; to: number; part: bigint }
  | { kind: "burnEscrow"; part: bigint }
  | { kind: "burnHolder"; who: number; part: bigint }
  | { kind: "claim"; who: number }
  | { kind: "sync" };

const who = fc.nat(HOLDERS - 1);
/** A part of a balance, in thousandths: none, some, or all of it. */
const part = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0n) },
  { weight: 6, arbitrary: fc.bigInt(1n, 999n) },
  { weight: 2, arbitrary: fc.constant(1_000n) },
);
const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("pay" as const),
      amount: fc.oneof(fc.bigInt(1n, 1_000n), fc.bigInt(1n, 1_000_000n * E18)),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("transfer" as const), from: who, to: who, part }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("toEscrow" as const), from: who }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("release" as const), to: who, part }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("burnEscrow" as const), part }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("burnHolder" as const), who, part }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("claim" as const), who }) },
  { weight: 1, arbitrary: fc.constant({ kind: "sync" as const }) },
);

describe("ModelShares property", function () {
  it("conserves OPEN and owes every holder its exact share, rounded down by at most a wei per credit (fast-check, seeded)", async function () {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 30 }), async (steps) => {
        const f = await loadFixture(sharesFixture);
        const { shares, open, escrow, pay, payer } = f;
        const holders = [f.alice, f.bob, f.carol, f.sink];
        const escrowAddress = await escrow.getAddress();

        const exact = holders.map(() => Q.ZERO);
        const touches = holders.map(() => 0n);
        const claimed = holders.map(() => 0n);
        let perEscrowShare = Q.ZERO;
        let arrived = 0n;

        const balances = () => Promise.all(holders.map((h) => shares.balanceOf(h.address)));
        /** Σ accrued (views, counting unsynced OPEN) + Σ claimed + what the escrow's shares carry, exactly as paid. */
        const owed = async () => {
          const accrued = await Promise.all(holders.map((h) => shares.accruedRevenue(h.address)));
          const escrowBalance = await shares.balanceOf(escrowAddress);
          const perShare = await shares.revenuePerShare();
          // The carried part as the contract computes it, with OPEN not yet synced counted as a sync would.
          const pending = (await open.balanceOf(await shares.getAddress())) - (await shares.revenueReceived());
          const unsynced = pending + (await shares.revenuePaid());
          const supply = await shares.totalSupply();
          const syncedPerShare = perShare + (unsynced * SCALE) / supply;
          const carried = (escrowBalance * syncedPerShare) / SCALE;
          return { accrued, carried, total: accrued.reduce((a, b) => a + b, 0n) + carried };
        };

        for (const [index, step] of steps.entries()) {
          const supply = await shares.totalSupply();
          const held = await balances();
          const escrowBalance = await shares.balanceOf(escrowAddress);
          const before = await owed();
          const claimedBefore = claimed.reduce((a, b) => a + b, 0n);
          let tolerance = 0n;
          switch (step.kind) {
            case "pay": {
              await pay(step.amount);
              arrived += step.amount;
              for (let i = 0; i < HOLDERS; i++) exact[i] = exact[i].add(Q.of(step.amount * held[i], supply));
              perEscrowShare = perEscrowShare.add(Q.of(step.amount, supply));
              break;
            }
            case "transfer": {
              const amount = (held[step.from] * step.part) / 1_000n;
              await shares.connect(holders[step.from]).transfer(holders[step.to].address, amount);
              touches[step.from]++;
              touches[step.to]++;
              break;
            }
            case "toEscrow": {
              await expect(shares.connect(holders[step.from]).transfer(escrowAddress, held[step.from]))
                .to.be.revertedWithCustomError(shares, "SharesEscrowReceive")
                .withArgs(holders[step.from].address);
              break;
            }
            case "release": {
              const amount = (escrowBalance * step.part) / 1_000n;
              await escrow.release(holders[step.to].address, amount);
              exact[step.to] = exact[step.to].add(perEscrowShare.mul(Q.of(amount)));
              touches[step.to]++;
              tolerance = 1n;
              break;
            }
            case "burnEscrow": {
              const burnable = escrowBalance < supply - E18 ? escrowBalance : supply - E18;
              const amount = (burnable * step.part) / 1_000n;
              await escrow.burn(escrowAddress, amount);
              exact[3] = exact[3].add(perEscrowShare.mul(Q.of(amount)));
              touches[3]++;
              tolerance = 1n;
              break;
            }
            case "burnHolder": {
              const burnable = held[step.who] < supply - E18 ? held[step.who] : supply - E18;
              await escrow.burn(holders[step.who].address, (burnable * step.part) / 1_000n);
              touches[step.who]++;
              break;
            }
            case "claim": {
              const account = holders[step.who].address;
              const due = before.accrued[step.who];
              if (due === 0n) {
                await expect(shares.claimRevenue(account))
                  .to.be.revertedWithCustomError(shares, "SharesNothingToClaim")
                  .withArgs(account);
              } else {
                await expect(shares.connect(payer).claimRevenue(account))
                  .to.emit(open, "Transfer")
                  .withArgs(await shares.getAddress(), account, due);
                claimed[step.who] += due;
              }
              touches[step.who]++;
              break;
            }
            case "sync":
              await shares.syncRevenue();
              break;
          }

          const after = await owed();
          const totalClaimed = claimed.reduce((a, b) => a + b, 0n);
          const sum = after.total + totalClaimed;
          const received = await shares.revenueReceived();
          const unsynced = (await open.balanceOf(await shares.getAddress())) + totalClaimed - received;
          // Conservation: what arrived is held, claimed, or (until the next sync) not yet received.
          expect(received + unsynced, `step ${index}`).to.equal(arrived);
          expect(await shares.revenuePaid(), `step ${index}`).to.equal(totalClaimed);
          expect(sum, `step ${index}: owed + claimed vs arrived`).to.be.lessThanOrEqual(arrived);
          expect(arrived - sum, `step ${index}: dust`).to.be.lessThan(BigInt(index + 1 + HOLDERS));
          // Moving shares or revenue moves no revenue into or out of existence (pays add what arrived).
          if (step.kind !== "pay") {
            const change = after.total + totalClaimed - (before.total + claimedBefore);
            expect(change, `step ${index}: ${step.kind} changed what is owed`).to.be.within(-tolerance, 0n);
          }
          for (let i = 0; i < HOLDERS; i++) {
            const got = after.accrued[i] + claimed[i];
            const entitled = exact[i].floor();
            expect(got, `step ${index}: holder ${i} above its exact share`).to.be.lessThanOrEqual(entitled);
            expect(entitled - got, `step ${index}: holder ${i} dust`).to.be.lessThan(touches[i] + 2n);
          }
        }
        expect(await shares.totalSupply()).to.be.greaterThanOrEqual(E18);
        expect(await shares.totalSupply()).to.be.lessThanOrEqual(SUPPLY);
      }),
      { seed: 20_260_522, numRuns: 100 },
    );
  });
});
