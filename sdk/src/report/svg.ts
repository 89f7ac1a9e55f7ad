import { BAR_CHART, DIVERGING_CHART, LINE_CHART, STACKED_BAR, checkChart } from "./check";
import { escapeHtml, formatCompact, formatNumber, formatPercent } from "./format";

/* Small SVG charts for the HTML reports: data in, markup out, no DOM, so they give the same bytes in Node and in a
browser. Each chart is an `<svg role="img">` with an aria-label and a `<title>`; each mark carries a `<title>` of its
own (a tooltip, and what assistive technology can reach). Text widths are estimated, not measured: there is no DOM.
Each chart throws InvalidInputError, naming the field, for data or options not of their types (a NaN, a missing label). */

/** The reports' colours: one meaning, one colour, in the charts and in the page's badges alike. */
export const CHART_COLORS = {
  bar: "#2563eb",
  positive: "#2563eb",
  negative: "#f59e0b",
  harmful: "#dc2626",
  axis: "#475569",
  grid: "#e2e8f0",
  text: "#0f172a",
  muted: "#64748b",
  reference: "#94a3b8",
} as const;

/** Colours of the series of a line chart and of the parts of a stacked bar, in order. */
export const SERIES_COLORS = ["#2563eb", "#f97316", "#16a34a", "#9333ea", "#0891b2", "#db2777", "#ca8a04", "#475569"];

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const FONT_SIZE = 12;

/** A coordinate with at most one decimal, so that the markup stays short and does not depend on float noise. */
const c = (value: number) => String(Math.round(value * 10) / 10);

/** Roughly how wide `text` is at the charts' font size: the average advance of a sans-serif face. */
function textWidth(text: string, size = FONT_SIZE): number {
  return [...text].length * size * 0.58;
}

/** `text` cut to about `width` pixels, with an ellipsis when cut. */
function fit(text: string, width: number): string {
  const chars = [...text];
  const max = Math.max(1, Math.floor(width / (FONT_SIZE * 0.58)));
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

function svg(title: string, width: number, height: number, body: string): string {
  const label = escapeHtml(title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${label}" ` +
    `viewBox="0 0 ${c(width)} ${c(height)}" width="${c(width)}" height="${c(height)}" ` +
    `font-family="${FONT}" font-size="${FONT_SIZE}" fill="${CHART_COLORS.text}"><title>${label}</title>${body}</svg>`
  );
}

function text(x: number, y: number, content: string, attributes = ""): string {
  return `<text x="${c(x)}" y="${c(y)}" dy="0.35em"${attributes ? ` ${attributes}` : ""}>${escapeHtml(content)}</text>`;
}

/** An empty chart that says so, rather than an empty box. */
function emptyChart(title: string, width: number, message: string): string {
  return svg(title, width, 40, text(width / 2, 20, message, `text-anchor="middle" fill="${CHART_COLORS.muted}"`));
}

/** A horizontal line across x1..x2 at height y; `attributes` add its stroke's width or dashes. */
const hline = (x1: number, x2: number, y: number, stroke: string, attributes = "") =>
  `<line x1="${c(x1)}" x2="${c(x2)}" y1="${c(y)}" y2="${c(y)}" stroke="${stroke}"${attributes}/>`;

/** Legend swatches, drawn around (0, 0): a square for bars, a line for lines. */
const box = (color: string) => `<rect x="0" y="-6" width="12" height="12" rx="2" fill="${color}"/>`;
const dash = (color: string, dashed: boolean) =>
  hline(0, 14, 0, color, ` stroke-width="2"${dashed ? ' stroke-dasharray="4 3"' : ""}`);

/** Legend items (label and swatch) laid out left to right from (x, y). */
function legendRow(x: number, y: number, items: [string, string][]): string {
  let at = x;
  const marks = items.map(([label, swatch]) => {
    const placed = `<g transform="translate(${c(at)} ${c(y)})">${swatch}${text(18, 0, label)}</g>`;
    at += 34 + textWidth(label);
    return placed;
  });
  return `<g class="legend">${marks.join("")}</g>`;
}

/* ---------------------------------------------------------------- horizontal bars */

export interface BarDatum {
  label: string;
  /** The bar's length; a negative value is drawn as an empty bar. */
  value: number;
  /** Written after the bar; `formatNumber(value)` when absent. */
  valueLabel?: string;
  /** The bar's tooltip; `label: valueLabel` when absent. */
  title?: string;
  color?: string;
  className?: string;
}

export interface BarChartOptions {
  title: string;
  width?: number;
  barHeight?: number;
  /** The colour of the bars without one of their own. */
  color?: string;
}

/** A horizontal bar chart: one row per datum, its label on the left and its value after the bar. */
export function barChartSvg(bars: readonly BarDatum[], options: BarChartOptions): string {
  checkChart(BAR_CHART, bars, options, "bar chart");
  const width = options.width ?? 720;
  if (bars.length === 0) return emptyChart(options.title, width, "Nothing to show");
  const barHeight = options.barHeight ?? 22;
  const gap = 8;
  const valueLabels = bars.map((bar) => bar.valueLabel ?? formatNumber(bar.value));
  const labelWidth = Math.min(width * 0.3, Math.max(...bars.map((bar) => textWidth(bar.label)))) + 10;
  const valueWidth = Math.max(...valueLabels.map((label) => textWidth(label))) + 10;
  const plot = Math.max(width - labelWidth - valueWidth, 40);
  const max = Math.max(...bars.map((bar) => bar.value), 0) || 1;
  const marks = bars.map((bar, i) => {
    const y = 4 + i * (barHeight + gap);
    const length = (Math.max(bar.value, 0) / max) * plot;
    const visible = bar.value > 0 ? Math.max(length, 1) : 0;
    const tooltip = bar.title ?? `${bar.label}: ${valueLabels[i]}`;
    return (
      `<g class="bar${bar.className ? ` ${escapeHtml(bar.className)}` : ""}"><title>${escapeHtml(tooltip)}</title>` +
      text(labelWidth - 10, y + barHeight / 2, fit(bar.label, labelWidth - 10), 'text-anchor="end"') +
      `<rect x="${c(labelWidth)}" y="${c(y)}" width="${c(visible)}" height="${c(barHeight)}" rx="3" ` +
      `fill="${escapeHtml(bar.color ?? options.color ?? CHART_COLORS.bar)}"/>` +
      text(labelWidth + visible + 6, y + barHeight / 2, valueLabels[i], `fill="${CHART_COLORS.muted}"`) +
      "</g>"
    );
  });
  return svg(options.title, width, 8 + bars.length * (barHeight + gap) - gap, marks.join(""));
}

/* ---------------------------------------------------------------- scales */

interface Scale {
  map(value: number): number;
  ticks: number[];
}

/** About five round ticks (steps of 1, 2 or 5 times a power of ten) that cover [lo, hi]. */
function niceTicks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks: number[] = [];
  for (let i = Math.floor(lo / step); i * step < hi + step * 1e-9 || ticks.length < 2; i++) {
    ticks.push(Number((i * step).toFixed(decimals)));
  }
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toFixed(decimals)));
  return ticks;
}

function linearScale(lo: number, hi: number, from: number, to: number): Scale {
  const ticks = niceTicks(lo, hi === lo ? lo + 1 : hi);
  const [first, last] = [ticks[0], ticks[ticks.length - 1]];
  return { ticks, map: (value) => from + ((value - first) / (last - first)) * (to - from) };
}

/** A log10 scale over whole decades, ticked at each power of ten (and at 2 and 5 times it over two decades or less). */
function logScale(lo: number, hi: number, from: number, to: number): Scale {
  const first = Math.floor(Math.log10(lo));
  const last = Math.max(Math.ceil(Math.log10(hi)), first + 1);
  const ticks: number[] = [];
  for (let d = first; d <= last; d++) {
    for (const m of last - first <= 2 ? [1, 2, 5] : [1]) {
      if (m === 1 || d < last) ticks.push(Number((m * 10 ** d).toPrecision(3)));
    }
  }
  return { ticks, map: (value) => from + ((Math.log10(value) - first) / (last - first)) * (to - from) };
}

/* ---------------------------------------------------------------- diverging bars (data value) */

export interface DivergingDatum {
  label: string;
  value: number;
  /** `harmful` is drawn in red and marked, `low` as a negative value; `ok` by its sign. */
  status?: "harmful" | "low" | "ok";
  /** The bar's tooltip; `label: value` when absent. */
  title?: string;
}

export interface DivergingChartOptions {
  title: string;
  /** A value below which a datum counts as harmful, drawn as a dashed line. */
  threshold?: number;
  width?: number;
  height?: number;
  /** Decimals of the values in the tooltips and the axis. */
  decimals?: number;
}

/**
 * A column per datum, in the given order, rising from zero for a positive value and falling below it for a negative
 * one: positive values blue, negative and low ones amber, harmful ones red with a dot under the column, and the
 * threshold as a dashed line. Made for hundreds of data: the columns get thinner, the chart no wider.
 */
export function divergingChartSvg(data: readonly DivergingDatum[], options: DivergingChartOptions): string {
  checkChart(DIVERGING_CHART, data, options, "diverging chart");
  const width = options.width ?? 720;
  if (data.length === 0) return emptyChart(options.title, width, "Nothing to show");
  const height = options.height ?? 240;
  const decimals = options.decimals ?? 3;
  const margin = { top: 30, right: 12, bottom: 24, left: 56 };
  const values = data.map((d) => d.value);
  const lo = Math.min(0, ...values, options.threshold ?? 0);
  const hi = Math.max(0, ...values);
  const y = linearScale(lo, hi === lo ? lo + 1 : hi, height - margin.bottom, margin.top);
  const plotWidth = width - margin.left - margin.right;
  const step = plotWidth / data.length;
  const barWidth = step >= 3 ? step * 0.8 : step;
  const parts: string[] = [];

  for (const tick of y.ticks) {
    parts.push(
      hline(margin.left, width - margin.right, y.map(tick), CHART_COLORS.grid),
      text(margin.left - 6, y.map(tick), formatNumber(tick, tickDecimals(y.ticks)), 'text-anchor="end" fill="#475569"'),
    );
  }
  data.forEach((d, i) => {
    const x = margin.left + i * step + (step - barWidth) / 2;
    const top = y.map(Math.max(d.value, 0));
    const bottom = y.map(Math.min(d.value, 0));
    const harmful = d.status === "harmful";
    const color = harmful
      ? CHART_COLORS.harmful
      : d.value < 0 || d.status === "low"
        ? CHART_COLORS.negative
        : CHART_COLORS.positive;
    const tooltip = d.title ?? `${d.label}: ${formatNumber(d.value, decimals)}`;
    parts.push(
      `<g class="bar${harmful ? " harmful" : ""}"><title>${escapeHtml(tooltip)}</title>` +
        `<rect x="${c(x)}" y="${c(top)}" width="${c(barWidth)}" height="${c(Math.max(bottom - top, 0.5))}" ` +
        `fill="${color}"/>` +
        (harmful
          ? `<circle cx="${c(x + barWidth / 2)}" cy="${c(bottom + 6)}" r="3.5" fill="${CHART_COLORS.harmful}"/>`
          : "") +
        "</g>",
    );
  });
  parts.push(hline(margin.left, width - margin.right, y.map(0), CHART_COLORS.axis));
  const legend: [string, string][] = [
    ["positive", box(CHART_COLORS.positive)],
    ["negative or low", box(CHART_COLORS.negative)],
    ["harmful", box(CHART_COLORS.harmful)],
  ];
  if (options.threshold !== undefined) {
    const ty = y.map(options.threshold);
    const label = `threshold ${formatNumber(options.threshold, decimals)}`;
    parts.push(
      `<g class="threshold"><title>${escapeHtml(`Harmful below ${formatNumber(options.threshold, decimals)}`)}</title>` +
        hline(
          margin.left,
          width - margin.right,
          ty,
          CHART_COLORS.harmful,
          ' stroke-width="1.5" stroke-dasharray="6 4"',
        ) +
        text(width - margin.right - 4, ty - 9, label, `text-anchor="end" fill="${CHART_COLORS.harmful}"`) +
        "</g>",
    );
    legend.push(["threshold", dash(CHART_COLORS.harmful, true)]);
  }
  parts.push(legendRow(margin.left, 10, legend));
  parts.push(
    text(
      margin.left + plotWidth / 2,
      height - 8,
      `${data.length} contributions, by value`,
      'text-anchor="middle" fill="#64748b"',
    ),
  );
  return svg(options.title, width, height, parts.join(""));
}

/** Enough decimals to tell the ticks apart. */
function tickDecimals(ticks: number[]): number {
  const step = Math.abs(ticks[1] - ticks[0]) || 1;
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/* ---------------------------------------------------------------- lines */

export interface LinePoint {
  x: number;
  y: number;
  /** The point's tooltip; `series: x, y` when absent. */
  title?: string;
}

export interface LineSeries {
  name: string;
  points: LinePoint[];
  color?: string;
  /** A reference drawn dashed and without points. */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Both axes in log10, ticked at powers of ten; points with x or y ≤ 0 are left out. */
  log?: boolean;
  width?: number;
  height?: number;
}

/** Lines through points, with axes, grid, tick labels, axis titles and a legend; points sorted by x. */
export function lineChartSvg(series: readonly LineSeries[], options: LineChartOptions): string {
  checkChart(LINE_CHART, series, options, "line chart");
  const width = options.width ?? 720;
  const height = options.height ?? 360;
  const plotted = series.map((s) => ({
    ...s,
    points: s.points.filter((p) => !options.log || (p.x > 0 && p.y > 0)).sort((a, b) => a.x - b.x),
  }));
  const all = plotted.flatMap((s) => s.points);
  if (all.length === 0) return emptyChart(options.title, width, "Nothing to show");
  const margin = { top: 34, right: 20, bottom: 46, left: 64 };
  const [xs, ys] = [all.map((p) => p.x), all.map((p) => p.y)];
  const scale = options.log ? logScale : linearScale;
  const x = scale(Math.min(...xs), Math.max(...xs), margin.left, width - margin.right);
  const y = scale(
    options.log ? Math.min(...ys) : Math.min(0, ...ys),
    Math.max(...ys),
    height - margin.bottom,
    margin.top,
  );
  const parts: string[] = [];
  const [left, right, top, bottom] = [margin.left, width - margin.right, margin.top, height - margin.bottom];

  for (const tick of x.ticks) {
    parts.push(
      `<line x1="${c(x.map(tick))}" x2="${c(x.map(tick))}" y1="${c(top)}" y2="${c(bottom)}" stroke="${CHART_COLORS.grid}"/>`,
      text(x.map(tick), bottom + 12, formatCompact(tick), `text-anchor="middle" fill="${CHART_COLORS.axis}"`),
    );
  }
  for (const tick of y.ticks) {
    parts.push(
      hline(left, right, y.map(tick), CHART_COLORS.grid),
      text(left - 8, y.map(tick), formatCompact(tick), `text-anchor="end" fill="${CHART_COLORS.axis}"`),
    );
  }
  parts.push(
    `<path d="M${c(left)} ${c(top)}V${c(bottom)}H${c(right)}" fill="none" stroke="${CHART_COLORS.axis}"/>`,
    text((left + right) / 2, height - 10, options.xLabel, `text-anchor="middle" fill="${CHART_COLORS.axis}"`),
    text(
      16,
      (top + bottom) / 2,
      options.yLabel,
      `text-anchor="middle" fill="${CHART_COLORS.axis}" transform="rotate(-90 16 ${c((top + bottom) / 2)})"`,
    ),
  );
  const legend: [string, string][] = [];
  plotted.forEach((s, i) => {
    const color = s.color ?? SERIES_COLORS[i % SERIES_COLORS.length];
    const d = s.points.map((p, j) => `${j === 0 ? "M" : "L"}${c(x.map(p.x))} ${c(y.map(p.y))}`).join("");
    const points = s.dashed
      ? ""
      : s.points
          .map(
            (p) =>
              `<circle cx="${c(x.map(p.x))}" cy="${c(y.map(p.y))}" r="3.5" fill="${escapeHtml(color)}">` +
              `<title>${escapeHtml(p.title ?? `${s.name}: ${formatNumber(p.x, 0)}, ${formatNumber(p.y, 3)}`)}</title></circle>`,
          )
          .join("");
    parts.push(
      `<g class="series"><title>${escapeHtml(s.name)}</title><path d="${d}" fill="none" stroke="${escapeHtml(color)}" ` +
        `stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>${points}</g>`,
    );
    legend.push([s.name, dash(escapeHtml(color), s.dashed ?? false)]);
  });
  parts.push(legendRow(left, 12, legend));
  return svg(options.title, width, height, parts.join(""));
}

/* ---------------------------------------------------------------- stacked bar */

export interface StackPart {
  label: string;
  value: number;
  /** Written in the legend; `formatNumber(value)` when absent. */
  valueLabel?: string;
  color?: string;
}

export interface StackedBarOptions {
  title: string;
  width?: number;
}

/** One bar split into its parts (each a share of the total), with a legend row per part below it. */
export function stackedBarSvg(parts: readonly StackPart[], options: StackedBarOptions): string {
  checkChart(STACKED_BAR, parts, options, "stacked bar");
  const width = options.width ?? 720;
  const total = parts.reduce((sum, part) => sum + Math.max(part.value, 0), 0);
  if (total <= 0) return emptyChart(options.title, width, "Nothing to show");
  const barHeight = 30;
  const marks: string[] = [];
  let at = 0;
  parts.forEach((part, i) => {
    const share = Math.max(part.value, 0) / total;
    const color = escapeHtml(part.color ?? SERIES_COLORS[i % SERIES_COLORS.length]);
    const valueLabel = part.valueLabel ?? formatNumber(part.value);
    const segment = share * width;
    const percent = formatPercent(share);
    marks.push(
      `<g class="part"><title>${escapeHtml(`${part.label}: ${valueLabel} (${percent})`)}</title>` +
        `<rect x="${c(at)}" y="0" width="${c(segment)}" height="${barHeight}" fill="${color}"/>` +
        (segment > textWidth(percent) + 10
          ? text(at + segment / 2, barHeight / 2, percent, 'text-anchor="middle" fill="#ffffff" font-weight="600"')
          : "") +
        "</g>",
    );
    at += segment;
    const row = barHeight + 20 + i * 22;
    marks.push(
      `<g class="legend-item" transform="translate(0 ${c(row)})">${box(color)}${text(18, 0, part.label)}` +
        text(width, 0, `${valueLabel} · ${percent}`, `text-anchor="end" fill="${CHART_COLORS.muted}"`) +
        "</g>",
    );
  });
  return svg(options.title, width, barHeight + 20 + parts.length * 22, marks.join(""));
}
