import * as os from "node:os";

/** Wall-clock and CPU milliseconds of one run. CPU time is what this process got, so other load skews it less. */
export interface Timing {
  wall: number;
  cpu: number;
}

/** `global.gc` when Node runs with --expose-gc (as `npm run bench` does). */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/**
 * Times `run` and returns the timing and what `run` returned. The heap is collected first, so that no run pays for
 * the garbage an earlier one (often another library's) left behind.
 */
export function time<T>(run: () => T): [Timing, T] {
  collectGarbage?.();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const result = run();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return [{ wall, cpu: (cpu.user + cpu.system) / 1000 }, result];
}

/** Prints the machine and its load: benchmark figures mean little without them. */
export function printMachine(): void {
  const cpu = os.cpus();
  console.log(`Machine: ${cpu[0].model}, ${cpu.length} cores, Node ${process.version}, ${os.type()} ${os.release()}`);
  console.log(
    `Load average: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (other work skews timings)`,
  );
}

/** A duration for a table: whole milliseconds below a second, seconds with two decimals above. */
export function duration(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
