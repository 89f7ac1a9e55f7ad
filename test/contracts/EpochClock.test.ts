import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { EpochClock__factory, IEpochClock__factory } from "../../typechain-types";
import type { EpochClock } from "../../typechain-types";
import { DEFAULT_EPOCH_LENGTH, deployEpochClock } from "../../deploy/settlement";
import { unassertedErrorsAndEvents } from "../helpers/completeness";

const HOUR = 3_600n;
const DAY = 86_400n;
const MIN = HOUR;
const MAX = 365n * DAY;

/** One run of equal epochs, as a reference model of the schedule computes it independently of the contract. */
interface Segment {
  firstEpoch: bigint;
  startsAt: bigint;
  length: bigint;
}

/** The epoch of `t` under `schedule` (segments in order, the first at epoch 1), or undefined before genesis. */
function modelEpochAt(schedule: Segment[], t: bigint): bigint | undefined {
  if (t < schedule[0].startsAt) return undefined;
  const s = schedule.filter((x) => x.startsAt <= t).at(-1)!;
  return s.firstEpoch + (t - s.startsAt) / s.length;
}

/** The first second of `epoch` under `schedule`. */
function modelEpochStart(schedule: Segment[], epoch: bigint): bigint {
  const s = schedule.filter((x) => x.firstEpoch <= epoch).at(-1)!;
  return s.startsAt + (epoch - s.firstEpoch) * s.length;
}

/** A length change at time `now` applied to the model: from the next boundary, or replacing a change not begun. */
function modelSchedule(schedule: Segment[], now: bigint, length: bigint): Segment {
  const last = schedule.at(-1)!;
  if (now < last.startsAt) {
    last.length = length;
    return last;
  }
  const next = modelEpochAt(schedule, now)! + 1n;
  const segment = { firstEpoch: next, startsAt: modelEpochStart(schedule, next), length };
  schedule.push(segment);
  return segment;
}

/** A clock whose epoch 1 (one day long) starts 1,000 seconds after deployment, owned by `owner`. */
async function clockFixture() {
  const [deployer, owner, outsider] = await ethers.getSigners();
  const genesis = BigInt(await time.latest()) + 1_000n;
  const clock = await deployEpochClock(deployer, { genesis, length: DAY, owner: owner.address });
  return { clock, genesis, deployer, owner, outsider };
}

/** {@link clockFixture} at the first second of epoch 1. */
async function startedFixture() {
  const f = await clockFixture();
  await time.increaseTo(f.genesis);
  return f;
}

/** Mines a block at `t` and returns the clock's current epoch then. */
async function epochWhen(clock: EpochClock, t: bigint): Promise<bigint> {
  await time.increaseTo(t);
  return clock.currentEpoch();
}

/** Sends `setEpochLength(length)` in a block mined at `t`. */
async function setLengthAt(clock: EpochClock, owner: { address: string }, t: bigint, length: bigint) {
  await time.setNextBlockTimestamp(t);
  return clock.connect(await ethers.getSigner(owner.address)).setEpochLength(length);
}

describe("EpochClock", function () {
  describe("deployment", function () {
    it("starts epoch 1 at genesis with the given length and owner, and emits the first segment", async function () {
      const { clock, genesis, owner } = await loadFixture(clockFixture);
      expect(await clock.GENESIS()).to.equal(genesis);
      expect(await clock.epochLength()).to.equal(DAY);
      expect(await clock.owner()).to.equal(owner.address);
      expect(await clock.epochStart(1n)).to.equal(genesis);
      await expect(clock.deploymentTransaction()).to.emit(clock, "EpochLengthScheduled").withArgs(1n, genesis, DAY);
    });

    it("exposes the length bounds: one hour and 365 days", async function () {
      const { clock } = await loadFixture(clockFixture);
      expect(await clock.MIN_EPOCH_LENGTH()).to.equal(MIN);
      expect(await clock.MAX_EPOCH_LENGTH()).to.equal(MAX);
    });

    it("accepts the bounds themselves and refuses a length just outside them with EpochInvalidLength", async function () {
      const [deployer] = await ethers.getSigners();
      const factory = new EpochClock__factory(deployer);
      for (const length of [MIN, MAX, DEFAULT_EPOCH_LENGTH]) {
        const clock = await factory.deploy(1_000n, length, deployer.address);
        expect(await clock.epochLength()).to.equal(length);
      }
      for (const length of [0n, MIN - 1n, MAX + 1n, 2n ** 64n - 1n]) {
        await expect(factory.deploy(1_000n, length, deployer.address))
          .to.be.revertedWithCustomError(factory, "EpochInvalidLength")
          .withArgs(length);
      }
    });

    it("refuses the zero owner", async function () {
      const [deployer] = await ethers.getSigners();
      const factory = new EpochClock__factory(deployer);
      await expect(factory.deploy(1_000n, DAY, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, "OwnableInvalidOwner")
        .withArgs(ethers.ZeroAddress);
    });

    it("accepts a genesis in the past, whose epochs are already running", async function () {
      const [deployer] = await ethers.getSigners();
      const now = BigInt(await time.latest());
      const clock = await deployEpochClock(deployer, { genesis: now - 10n * DAY - 5n, length: DAY });
      expect(await clock.currentEpoch()).to.equal(11n);
      expect(await clock.owner()).to.equal(deployer.address);
    });
  });

  describe("currentEpoch", function () {
    it("reverts with EpochBeforeGenesis until genesis", async function () {
      const { clock, genesis } = await loadFixture(clockFixture);
      const now = BigInt(await time.latest());
      await expect(clock.currentEpoch())
        .to.be.revertedWithCustomError(clock, "EpochBeforeGenesis")
        .withArgs(now, genesis);
      await time.increaseTo(genesis - 1n);
      await expect(clock.currentEpoch())
        .to.be.revertedWithCustomError(clock, "EpochBeforeGenesis")
        .withArgs(genesis - 1n, genesis);
    });

    it("changes epoch exactly at each boundary, to the second", async function () {
      const { clock, genesis } = await loadFixture(clockFixture);
      expect(await epochWhen(clock, genesis)).to.equal(1n);
      expect(await epochWhen(clock, genesis + DAY - 1n)).to.equal(1n);
      expect(await epochWhen(clock, genesis + DAY)).to.equal(2n);
      expect(await epochWhen(clock, genesis + 2n * DAY - 1n)).to.equal(2n);
      expect(await epochWhen(clock, genesis + 2n * DAY)).to.equal(3n);
      expect(await epochWhen(clock, genesis + 1_000n * DAY + 7n)).to.equal(1_001n);
    });
  });

  describe("epochAt", function () {
    it("maps timestamps to epochs, boundaries included, and refuses those before genesis", async function () {
      const { clock, genesis } = await loadFixture(clockFixture);
      expect(await clock.epochAt(genesis)).to.equal(1n);
      expect(await clock.epochAt(genesis + DAY - 1n)).to.equal(1n);
      expect(await clock.epochAt(genesis + DAY)).to.equal(2n);
      expect(await clock.epochAt(genesis + 365n * DAY)).to.equal(366n);
      await expect(clock.epochAt(genesis - 1n))
        .to.be.revertedWithCustomError(clock, "EpochBeforeGenesis")
        .withArgs(genesis - 1n, genesis);
      await expect(clock.epochAt(0n)).to.be.revertedWithCustomError(clock, "EpochBeforeGenesis").withArgs(0n, genesis);
    });

    it("refuses a timestamp whose epoch would not fit a uint64", async function () {
      const { clock } = await loadFixture(clockFixture);
      await expect(clock.epochAt(ethers.MaxUint256))
        .to.be.revertedWithCustomError(clock, "SafeCastOverflowedUintDowncast")
        .withArgs(64, (ethers.MaxUint256 - (await clock.GENESIS())) / DAY + 1n);
    });
  });

  describe("epochStart", function () {
    it("gives the first second of each epoch, whose end is the next one's start", async function () {
      const { clock, genesis } = await loadFixture(clockFixture);
      for (const epoch of [1n, 2n, 3n, 100n]) {
        expect(await clock.epochStart(epoch)).to.equal(genesis + (epoch - 1n) * DAY);
        expect(await clock.epochAt(await clock.epochStart(epoch))).to.equal(epoch);
        expect(await clock.epochAt((await clock.epochStart(epoch + 1n)) - 1n)).to.equal(epoch);
      }
    });

    it("reverts with EpochNonexistent for epoch 0", async function () {
      const { clock } = await loadFixture(clockFixture);
      await expect(clock.epochStart(0n)).to.be.revertedWithCustomError(clock, "EpochNonexistent").withArgs(0n);
    });
  });

  describe("setEpochLength", function () {
    it("refuses anyone but the owner with OwnableUnauthorizedAccount", async function () {
      const { clock, outsider, deployer } = await loadFixture(startedFixture);
      for (const account of [outsider, deployer]) {
        await expect(clock.connect(account).setEpochLength(HOUR))
          .to.be.revertedWithCustomError(clock, "OwnableUnauthorizedAccount")
          .withArgs(account.address);
      }
    });

    it("refuses a length outside the bounds with EpochInvalidLength and accepts the bounds", async function () {
      const { clock, owner } = await loadFixture(startedFixture);
      for (const length of [0n, MIN - 1n, MAX + 1n]) {
        await expect(clock.connect(owner).setEpochLength(length))
          .to.be.revertedWithCustomError(clock, "EpochInvalidLength")
          .withArgs(length);
      }
      await expect(clock.connect(owner).setEpochLength(MIN)).to.emit(clock, "EpochLengthScheduled");
      await expect(clock.connect(owner).setEpochLength(MAX)).to.emit(clock, "EpochLengthScheduled");
    });

    it("takes effect at the next boundary mid-epoch, leaving past epochs and the running one unchanged", async function () {
      const { clock, owner, genesis } = await loadFixture(startedFixture);
      const samples = [genesis, genesis + DAY - 1n, genesis + DAY, genesis + 2n * DAY + 1n, genesis + 3n * DAY - 1n];
      const before = await Promise.all(samples.map((t) => clock.epochAt(t)));
      const changeAt = genesis + 2n * DAY + 12n * HOUR; // the middle of epoch 3

      await time.increaseTo(changeAt);
      expect(await clock.connect(owner).setEpochLength.staticCall(6n * HOUR)).to.equal(4n);
      await expect(clock.connect(owner).setEpochLength(6n * HOUR))
        .to.emit(clock, "EpochLengthScheduled")
        .withArgs(4n, genesis + 3n * DAY, 6n * HOUR);

      expect(await Promise.all(samples.map((t) => clock.epochAt(t)))).to.deep.equal(before);
      expect(await clock.epochStart(3n)).to.equal(genesis + 2n * DAY);
      expect(await clock.epochStart(4n)).to.equal(genesis + 3n * DAY);
      expect(await clock.epochStart(5n)).to.equal(genesis + 3n * DAY + 6n * HOUR);
      expect(await clock.epochAt(genesis + 3n * DAY + 6n * HOUR - 1n)).to.equal(4n);
      expect(await clock.epochAt(genesis + 3n * DAY + 6n * HOUR)).to.equal(5n);

      // The running epoch keeps its length and end.
      expect(await clock.epochLength()).to.equal(DAY);
      expect(await epochWhen(clock, genesis + 3n * DAY - 1n)).to.equal(3n);
      expect(await clock.epochLength()).to.equal(DAY);
      expect(await epochWhen(clock, genesis + 3n * DAY)).to.equal(4n);
      expect(await clock.epochLength()).to.equal(6n * HOUR);
      expect(await epochWhen(clock, genesis + 3n * DAY + 6n * HOUR - 1n)).to.equal(4n);
      expect(await epochWhen(clock, genesis + 3n * DAY + 6n * HOUR)).to.equal(5n);
      expect(await Promise.all(samples.map((t) => clock.epochAt(t)))).to.deep.equal(before);
    });

    it("replaces a change that has not taken effect yet, keeping its first epoch and start", async function () {
      const { clock, owner, genesis } = await loadFixture(startedFixture);
      await setLengthAt(clock, owner, genesis + 10n, 6n * HOUR);
      await expect(setLengthAt(clock, owner, genesis + DAY - 1n, 2n * DAY))
        .to.emit(clock, "EpochLengthScheduled")
        .withArgs(2n, genesis + DAY, 2n * DAY);
      expect(await clock.epochLength()).to.equal(DAY);
      expect(await clock.epochStart(3n)).to.equal(genesis + 3n * DAY);
      expect(await clock.epochAt(genesis + 3n * DAY - 1n)).to.equal(2n);
      expect(await epochWhen(clock, genesis + DAY)).to.equal(2n);
      expect(await clock.epochLength()).to.equal(2n * DAY);
    });

    it("schedules from the epoch after the one that begins in the same second", async function () {
      const { clock, owner, genesis } = await loadFixture(startedFixture);
      await expect(setLengthAt(clock, owner, genesis + DAY, HOUR))
        .to.emit(clock, "EpochLengthScheduled")
        .withArgs(3n, genesis + 2n * DAY, HOUR);
      expect(await clock.epochLength()).to.equal(DAY);
    });

    it("before genesis, replaces the length of epoch 1", async function () {
      const { clock, owner, genesis } = await loadFixture(clockFixture);
      await expect(clock.connect(owner).setEpochLength(2n * HOUR))
        .to.emit(clock, "EpochLengthScheduled")
        .withArgs(1n, genesis, 2n * HOUR);
      expect(await clock.epochLength()).to.equal(2n * HOUR);
      expect(await clock.epochStart(2n)).to.equal(genesis + 2n * HOUR);
      await expect(clock.epochAt(genesis - 1n))
        .to.be.revertedWithCustomError(clock, "EpochBeforeGenesis")
        .withArgs(genesis - 1n, genesis);
    });

    it("keeps the running epoch's length in view while a change is pending across several segments", async function () {
      const { clock, owner, genesis } = await loadFixture(startedFixture);
      await setLengthAt(clock, owner, genesis + 1n, 2n * HOUR); // from epoch 2, at genesis + 1 day
      await time.increaseTo(genesis + DAY + 3n * HOUR); // epoch 3 (2 hours long) is running
      await clock.connect(owner).setEpochLength(5n * HOUR); // from epoch 4, at genesis + 1 day + 4 hours
      expect(await clock.epochLength()).to.equal(2n * HOUR);
      expect(await clock.currentEpoch()).to.equal(3n);
      expect(await clock.epochStart(4n)).to.equal(genesis + DAY + 4n * HOUR);
      expect(await clock.epochStart(2n)).to.equal(genesis + DAY);
      expect(await clock.epochAt(genesis + DAY + 2n * HOUR - 1n)).to.equal(2n);
    });

    it("agrees with a reference model over random schedules (fast-check, seeded)", async function () {
      const { clock, owner, genesis } = await loadFixture(startedFixture);
      // Each step waits up to three days and then sets a random length; the model replays the same steps.
      const steps = fc.array(
        fc.record({ wait: fc.bigInt({ min: 1n, max: 3n * DAY }), length: fc.bigInt({ min: MIN, max: 3n * DAY }) }),
        { minLength: 1, maxLength: 8 },
      );
      const probes = fc.array(fc.bigInt({ min: 0n, max: 40n * DAY }), { minLength: 5, maxLength: 10 });
      await fc.assert(
        fc.asyncProperty(steps, probes, async (plan, offsets) => {
          const id = await ethers.provider.send("evm_snapshot", []);
          try {
            const schedule: Segment[] = [{ firstEpoch: 1n, startsAt: genesis, length: DAY }];
            let now = BigInt(await time.latest());
            for (const { wait, length } of plan) {
              now += wait;
              const expected = modelSchedule(schedule, now, length);
              await expect(setLengthAt(clock, owner, now, length))
                .to.emit(clock, "EpochLengthScheduled")
                .withArgs(expected.firstEpoch, expected.startsAt, length);
              expect(await clock.currentEpoch()).to.equal(modelEpochAt(schedule, now));
              expect(await clock.epochLength()).to.equal(schedule.filter((s) => s.startsAt <= now).at(-1)!.length);
            }
            for (const offset of offsets) {
              const t = genesis + offset;
              const epoch = modelEpochAt(schedule, t)!;
              expect(await clock.epochAt(t)).to.equal(epoch);
              expect(await clock.epochStart(epoch)).to.equal(modelEpochStart(schedule, epoch));
            }
          } finally {
            await ethers.provider.send("evm_revert", [id]);
          }
        }),
        { seed: 4_242, numRuns: 25 },
      );
    });
  });

  describe("test coverage of the interface", function () {
    it("asserts every custom error and event of IEpochClock somewhere in this file", async function () {
      expect(
        unassertedErrorsAndEvents(__filename, IEpochClock__factory.createInterface(), ["clock", "factory"]),
      ).to.deep.equal([]);
    });
  });
});
