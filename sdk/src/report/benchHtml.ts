import { BENCH_VIEW, checkShape } from "./check";
import { formatNumber } from "./format";
import { badge, empty, htmlDocument, markup, raw, section, table } from "./html";
import { CHART_COLORS, lineChartSvg } from "./svg";
import type { LineSeries } from "./svg";

/* The epoch benchmark as one HTML page: its goals, the time against the number of records on log–log axes (one line
per worker count, against a dashed line of slope 1, which a cost linear in records follows), and the runs' table. */

/** One run of the benchmark. */
export interface BenchRow {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssMiB: number;
  workers: number;
}

/** A goal of the benchmark and whether the runs met it, e.g. "1M records in under 60 s". */
export interface BenchGoal {
  label: string;
  met: boolean;
  detail: string;
}

/** What the HTML bench report shows. */
export interface BenchView {
  title: string;
  /** The machine the runs were made on, e.g. "2 vCPU, 4 GiB, Node 20.19". */
  machine: string;
  rows: BenchRow[];
  goals: BenchGoal[];
}

/**
 * The time of each worker count's runs against their records, and a line of slope 1 through the smallest run: on
 * log–log axes, a cost linear in records is a line parallel to it.
 */
function curves(rows: readonly BenchRow[]): LineSeries[] {
  const workers = [...new Set(rows.map((r) => r.workers))].sort((a, b) => a - b);
  const series: LineSeries[] = workers.map((count) => ({
    name: `${count} worker${count === 1 ? "" : "s"}`,
    points: rows
      .filter((r) => r.workers === count)
      .map((r) => ({
        x: r.records,
        y: r.seconds,
        title: `${formatNumber(r.records, 0)} records, ${count} workers: ${formatNumber(r.seconds, 3)} s`,
      })),
  }));
  const measured = rows.filter((r) => r.records > 0 && r.seconds > 0);
  if (measured.length < 2) return series;
  const smallest = measured.reduce((a, b) => (b.records < a.records ? b : a));
  const largest = Math.max(...measured.map((r) => r.records));
  const perRecord = smallest.seconds / smallest.records;
  series.push({
    name: "linear in records (slope 1)",
    color: CHART_COLORS.reference,
    dashed: true,
    points: [
      { x: smallest.records, y: smallest.seconds },
      { x: largest, y: largest * perRecord },
    ],
  });
  return series;
}

/**
 * The benchmark's report as a self-contained HTML5 document, like {@link renderEpochHtml}'s.
 * @throws InvalidInputError naming the first field of `view` that is not of its type.
 */
export function renderBenchHtml(view: BenchView): string {
  checkShape(BENCH_VIEW, view, "The bench view");
  const rows = [...view.rows].sort((a, b) => a.workers - b.workers || a.records - b.records);
  const chart = lineChartSvg(curves(rows), {
    title: "Time against records, log–log",
    xLabel: "records",
    yLabel: "seconds",
    log: true,
    width: 860,
  });
  const goals = view.goals.map(
    (goal) =>
      markup`<li>${badge(goal.met ? "met" : "missed", goal.met ? "good" : "bad")} <strong>${goal.label}</strong> — ${goal.detail}</li>
`,
  );
  const runs = table(
    [
      { head: "Records", cell: (r) => formatNumber(r.records, 0), numeric: true },
      { head: "Workers", cell: (r) => r.workers, numeric: true },
      { head: "Seconds", cell: (r) => formatNumber(r.seconds, 3), numeric: true },
      { head: "Records / s", cell: (r) => formatNumber(r.recordsPerSecond, 0), numeric: true },
      { head: "Peak RSS (MiB)", cell: (r) => formatNumber(r.peakRssMiB, 1), numeric: true },
    ],
    rows,
  );
  const curve = markup`<p class="note">Both axes are logarithmic: a cost linear in records runs parallel to the dashed line.</p>
${raw(chart)}`;
  const sections = [
    section("goals", "Goals", goals.length === 0 ? empty("No goal set.") : markup`<ul class="goals">\n${goals}</ul>`),
    section("curve", "Time against records", curve),
    section("runs", "Runs", rows.length === 0 ? empty("No run.") : runs),
  ];
  const body = markup`<header class="top">
<h1>${view.title}</h1>
<p class="meta">${view.machine}</p>
</header>
<main>
${sections}</main>`;
  return htmlDocument(view.title, body);
}
