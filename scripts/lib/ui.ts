import Table from "cli-table3";
import { SingleBar, Presets } from "cli-progress";
import { formatUnits } from "ethers";

/** Prints a table with a title line; cells are stringified. */
export function printTable(
  title: string,
  head: string[],
  rows: (string | number | bigint)[][],
  alignRight: number[] = [],
): void {
  const table = new Table({
    head,
    // Colour codes only help a terminal; in a log file they are noise.
    style: process.stdout.isTTY ? { head: ["cyan"], border: ["grey"] } : { head: [], border: [] },
    colAligns: head.map((_, i) => (alignRight.includes(i) ? "right" : "left")),
  });
  for (const row of rows) table.push(row.map(String));
  console.log(`\n${title}`);
  console.log(table.toString());
}

/** A progress bar on stderr for `total` steps of long work; silent when stderr is not a terminal. */
export function progress(label: string, total: number): SingleBar {
  const bar = new SingleBar(
    {
      format: `${label.padEnd(22)} [{bar}] {value}/{total}  {duration_formatted}`,
      hideCursor: true,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** An OPEN amount for people: at most 4 decimals, thousands separated. */
export function open(amount: bigint): string {
  const [whole, frac = ""] = formatUnits(amount, 18).split(".");
  const f = frac.replace(/0+$/, "").slice(0, 4);
  return `${BigInt(whole).toLocaleString("en-US")}${f ? "." + f : ""} OPEN`;
}

/** A span of seconds for people: "2 h 5 min", "40 s". */
export function duration(seconds: bigint | number): string {
  const s = Number(seconds);
  if (s < 60) return `${Math.max(0, Math.ceil(s))} s`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ""}`;
}

/** A chain timestamp (seconds) as an ISO date. */
export function when(timestamp: bigint | number): string {
  return new Date(Number(timestamp) * 1000).toISOString().replace(".000Z", "Z");
}

/** A progress bar per stage of long work, each made on its stage's first report: `onProgress`, then `stop`. */
export function stagedProgress(label: (stage: string) => string) {
  const bars = new Map<string, SingleBar>();
  return {
    onProgress(stage: string, done: number, total: number) {
      let bar = bars.get(stage);
      if (!bar) bars.set(stage, (bar = progress(label(stage), total)));
      bar.update(done);
    },
    stop() {
      for (const bar of bars.values()) bar.stop();
    },
  };
}
