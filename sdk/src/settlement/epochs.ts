import { InvalidEpochScheduleError } from "../errors";

/**
 * A run of equal epochs, as an EpochClock's `EpochLengthScheduled` event states it: from epoch `fromEpoch`, which
 * starts at `startsAt` (unix seconds), epochs last `length` seconds.
 */
export interface EpochSegment {
  fromEpoch: bigint;
  startsAt: bigint;
  length: bigint;
}

/**
 * The schedule an EpochClock's `EpochLengthScheduled` events describe, given in the order they were emitted: a later
 * event with the same `fromEpoch` replaces the earlier one (a change replaced before it took effect), as the clock
 * does. The result is what {@link epochAt} and {@link epochStart} take.
 *
 * @throws InvalidEpochScheduleError when the events are not a clock's: the first is not for epoch 1, or a segment
 * does not start where the one before it places its first epoch.
 */
export function scheduleOf(events: readonly EpochSegment[]): EpochSegment[] {
  const schedule: EpochSegment[] = [];
  for (const [i, e] of events.entries()) {
    const last = schedule.at(-1);
    if (last && e.fromEpoch === last.fromEpoch && e.startsAt === last.startsAt) schedule[schedule.length - 1] = e;
    else if (last && e.fromEpoch < last.fromEpoch) {
      throw new InvalidEpochScheduleError(`Event ${i} schedules epoch ${e.fromEpoch}, before epoch ${last.fromEpoch}.`);
    } else schedule.push(e);
  }
  checkSchedule(schedule);
  return schedule.map((s) => ({ ...s }));
}

/**
 * The epoch `timestamp` falls in under `schedule`, as `EpochClock.epochAt`.
 *
 * @throws InvalidEpochScheduleError when `timestamp` is before genesis or `schedule` is not a clock's.
 */
export function epochAt(schedule: readonly EpochSegment[], timestamp: bigint): bigint {
  checkSchedule(schedule);
  if (timestamp < schedule[0].startsAt) {
    throw new InvalidEpochScheduleError(`${timestamp} is before genesis (${schedule[0].startsAt}); it has no epoch.`);
  }
  const s = findLast(schedule, (x) => x.startsAt <= timestamp);
  return s.fromEpoch + (timestamp - s.startsAt) / s.length;
}

/**
 * The first second of `epoch` under `schedule`, as `EpochClock.epochStart`; the epoch ends where `epoch + 1` starts.
 *
 * @throws InvalidEpochScheduleError when `epoch` is below 1 or `schedule` is not a clock's.
 */
export function epochStart(schedule: readonly EpochSegment[], epoch: bigint): bigint {
  checkSchedule(schedule);
  if (epoch < 1n) throw new InvalidEpochScheduleError(`Epoch ${epoch} does not exist; epochs start at 1.`);
  const s = findLast(schedule, (x) => x.fromEpoch <= epoch);
  return s.startsAt + (epoch - s.fromEpoch) * s.length;
}

function findLast(schedule: readonly EpochSegment[], test: (s: EpochSegment) => boolean): EpochSegment {
  for (let i = schedule.length - 1; i > 0; i--) if (test(schedule[i])) return schedule[i];
  return schedule[0];
}

/** A clock's schedule starts at epoch 1 and each segment starts at the boundary the one before it places there. */
function checkSchedule(schedule: readonly EpochSegment[]): void {
  if (schedule.length === 0) throw new InvalidEpochScheduleError("The epoch schedule is empty.");
  if (schedule[0].fromEpoch !== 1n) {
    throw new InvalidEpochScheduleError(`The epoch schedule starts at epoch ${schedule[0].fromEpoch}, not 1.`);
  }
  for (let i = 0; i < schedule.length; i++) {
    const s = schedule[i];
    if (s.length <= 0n) throw new InvalidEpochScheduleError(`Segment ${i} has length ${s.length}.`);
    if (i === 0) continue;
    const p = schedule[i - 1];
    if (s.fromEpoch <= p.fromEpoch || s.startsAt !== p.startsAt + (s.fromEpoch - p.fromEpoch) * p.length) {
      throw new InvalidEpochScheduleError(
        `Segment ${i} (epoch ${s.fromEpoch} at ${s.startsAt}) does not follow segment ${i - 1} ` +
          `(epoch ${p.fromEpoch} at ${p.startsAt}, ${p.length} s each).`,
      );
    }
  }
}
