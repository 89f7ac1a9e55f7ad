import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { InvalidEpochScheduleError, InvalidInputError, epochAt, epochStart, scheduleOf } from "../../sdk/src";
import type { EpochSegment } from "../../sdk/src";
import { deployEpochClock } from "../../deploy/settlement";
import type { EpochClock } from "../../typechain-types";

const HOUR = 3_600n;
const DAY = 86_400n;
const GENESIS = 1_000_000n;
/** Daily epochs from {@link GENESIS}; from epoch 4, six-hour epochs; from epoch 10, weekly ones. */
const SCHEDULE: EpochSegment[] = [
  { fromEpoch: 1n, startsAt: GENESIS, length: DAY },
  { fromEpoch: 4n, startsAt: GENESIS + 3n * DAY, length: 6n * HOUR },
  { fromEpoch: 10n, startsAt: GENESIS + 3n * DAY + 36n * HOUR, length: 7n * DAY },
];

/** The clock's `EpochLengthScheduled` events, in order, as segments. */
async function eventsOf(clock: EpochClock): Promise<EpochSegment[]> {
  return (await clock.queryFilter(clock.filters.EpochLengthScheduled())).map((e) => {
    const [fromEpoch, startsAt, length] = e.args as unknown as [bigint, bigint, bigint];
    return { fromEpoch, startsAt, length };
  });
}

async function clockFixture() {
  const [deployer] = await ethers.getSigners();
  const genesis = BigInt(await time.latest()) + 100n;
  const clock = await deployEpochClock(deployer, { genesis, length: DAY });
  return { clock, genesis };
}

describe("epoch schedule helpers", function () {
  describe("epochAt and epochStart", function () {
    it("map times to epochs and epochs to their first second across segments", function () {
      expect(epochAt(SCHEDULE, GENESIS)).to.equal(1n);
      expect(epochAt(SCHEDULE, GENESIS + DAY - 1n)).to.equal(1n);
      expect(epochAt(SCHEDULE, GENESIS + 3n * DAY - 1n)).to.equal(3n);
      expect(epochAt(SCHEDULE, GENESIS + 3n * DAY)).to.equal(4n);
      expect(epochAt(SCHEDULE, GENESIS + 3n * DAY + 6n * HOUR)).to.equal(5n);
      expect(epochAt(SCHEDULE, GENESIS + 3n * DAY + 36n * HOUR - 1n)).to.equal(9n);
      expect(epochAt(SCHEDULE, GENESIS + 3n * DAY + 36n * HOUR)).to.equal(10n);
      expect(epochAt(SCHEDULE, GENESIS + 3n * DAY + 36n * HOUR + 14n * DAY)).to.equal(12n);
      for (const epoch of [1n, 2n, 3n, 4n, 9n, 10n, 11n, 500n]) {
        expect(epochAt(SCHEDULE, epochStart(SCHEDULE, epoch))).to.equal(epoch);
        expect(epochAt(SCHEDULE, epochStart(SCHEDULE, epoch + 1n) - 1n)).to.equal(epoch);
      }
      expect(epochStart(SCHEDULE, 4n)).to.equal(GENESIS + 3n * DAY);
    });

    it("refuse a time before genesis, epoch 0 and malformed schedules with InvalidEpochScheduleError", function () {
      expect(() => epochAt(SCHEDULE, GENESIS - 1n)).to.throw(InvalidEpochScheduleError, "is before genesis");
      expect(() => epochStart(SCHEDULE, 0n)).to.throw(InvalidEpochScheduleError, "Epoch 0 does not exist");
      expect(() => epochAt([], GENESIS)).to.throw(InvalidEpochScheduleError, "empty");
      expect(() => epochStart([{ ...SCHEDULE[0], fromEpoch: 2n }], 3n)).to.throw(InvalidEpochScheduleError, "not 1");
      expect(() => epochAt([SCHEDULE[0], { ...SCHEDULE[1], startsAt: GENESIS + 3n * DAY + 1n }], GENESIS)).to.throw(
        InvalidEpochScheduleError,
        "does not follow",
      );
      expect(() => epochAt([{ ...SCHEDULE[0], length: 0n }], GENESIS)).to.throw(InvalidEpochScheduleError, "length 0");
      expect(() => epochAt([], GENESIS)).to.throw(InvalidInputError);
    });
  });

  describe("scheduleOf", function () {
    it("lets a later event for the same epoch replace the earlier one, as the clock does", function () {
      const events = [
        SCHEDULE[0],
        { fromEpoch: 4n, startsAt: GENESIS + 3n * DAY, length: HOUR },
        SCHEDULE[1],
        SCHEDULE[2],
      ];
      expect(scheduleOf(events)).to.deep.equal(SCHEDULE);
      expect(scheduleOf([SCHEDULE[0], { ...SCHEDULE[0], length: 2n * DAY }])).to.deep.equal([
        { ...SCHEDULE[0], length: 2n * DAY },
      ]);
    });

    it("refuses events that go back in epochs", function () {
      expect(() => scheduleOf([SCHEDULE[0], SCHEDULE[2], SCHEDULE[1]])).to.throw(
        InvalidEpochScheduleError,
        "Event 2 schedules epoch 4, before epoch 10.",
      );
    });
  });

  it("agree with EpochClock over random schedules built from its events (differential, fast-check, seeded)", async function () {
    const { clock, genesis } = await loadFixture(clockFixture);
    const [, owner] = await ethers.getSigners();
    await clock.transferOwnership(owner.address);
    const steps = fc.array(
      fc.record({ wait: fc.bigInt({ min: 1n, max: 2n * DAY }), length: fc.bigInt({ min: HOUR, max: 2n * DAY }) }),
      { maxLength: 6 },
    );
    const offsets = fc.array(fc.bigInt({ min: 0n, max: 30n * DAY }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(steps, offsets, async (plan, probes) => {
        const id = await ethers.provider.send("evm_snapshot", []);
        try {
          for (const { wait, length } of plan) {
            await time.increase(wait);
            await clock.connect(owner).setEpochLength(length);
          }
          const schedule = scheduleOf(await eventsOf(clock));
          for (const offset of probes) {
            const epoch = await clock.epochAt(genesis + offset);
            expect(epochAt(schedule, genesis + offset)).to.equal(epoch);
            expect(epochStart(schedule, epoch)).to.equal(await clock.epochStart(epoch));
            expect(epochStart(schedule, epoch + 7n)).to.equal(await clock.epochStart(epoch + 7n));
          }
        } finally {
          await ethers.provider.send("evm_revert", [id]);
        }
      }),
      { seed: 99, numRuns: 25 },
    );
  });
});
