import { escapeHtml, shortHex } from "./format";

/* The pages' building blocks. Markup is written with the `markup` template tag, which escapes every value put into it
unless it is already markup (a `SafeHtml`): escaping is what happens when nobody thinks of it, so a contribution's text
or a contributor's name can hold `<script>` and still be only text. */

/** Markup that is already safe: made by {@link markup} or, for the charts' SVG, by {@link raw}. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Markup the caller vouches for (the SVG builders escape their own text). */
export const raw = (markup: string) => new SafeHtml(markup);

/** What a template takes: markup as is, anything else escaped, arrays joined, `null`/`undefined`/booleans dropped. */
export type HtmlPart = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlPart[];

function render(part: HtmlPart): string {
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join("");
  if (part === null || part === undefined || part === false || part === true) return "";
  return escapeHtml(String(part));
}

/** A template tag: the literal parts are markup, the values are escaped (arrays joined, `null`/booleans dropped). */
export function markup(strings: TemplateStringsArray, ...values: HtmlPart[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, literal, i) => out + render(values[i - 1]) + literal));
}

export interface Column<T> {
  head: string;
  cell: (row: T) => HtmlPart;
  /** Right-aligned, in tabular figures. */
  numeric?: boolean;
}

/** ` class="…"`, or nothing for no class. */
const classOf = (name: string | false | undefined) => (name ? markup` class="${name}"` : null);

/** A table with a header row; `rowClass` gives a row a class (e.g. to mute an excluded settlement). */
export function table<T>(columns: Column<T>[], rows: readonly T[], rowClass?: (row: T) => string): SafeHtml {
  const head = columns.map((col) => markup`<th scope="col"${classOf(col.numeric && "num")}>${col.head}</th>`);
  const body = rows.map(
    (row) =>
      markup`<tr${classOf(rowClass?.(row))}>${columns.map(
        (col) => markup`<td${classOf(col.numeric && "num")}>${col.cell(row)}</td>`,
      )}</tr>\n`,
  );
  return markup`<div class="table-wrap"><table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}</tbody>
</table></div>
`;
}

/** A section of a page: its heading, which names it for assistive technology, then `body`. */
export const section = (id: string, title: string, body: HtmlPart) =>
  markup`<section id="${id}" aria-labelledby="${id}-title">
<h2 id="${id}-title">${title}</h2>
${body}
</section>
`;

/** What a section or a table shows when it has nothing to show. */
export const empty = (text: string) => markup`<p class="empty">${text}</p>`;

/** A pill with a word on it, coloured by `kind`. */
export const badge = (label: string, kind: "good" | "bad" | "warn") =>
  markup`<span class="badge ${kind}">${label}</span>`;

/** An id, a root or an address in monospace; a long hex value is shortened, whole in its tooltip. */
export function hex(value: string): SafeHtml {
  const short = shortHex(value);
  return short === value
    ? markup`<code class="hex">${value}</code>`
    : markup`<code class="hex" title="${value}">${short}</code>`;
}

/** A horizontal meter for a share in [0, 1], drawn in CSS. */
export const meter = (share: number) =>
  markup`<span class="meter" aria-hidden="true"><span style="width:${(Math.min(Math.max(share, 0), 1) * 100).toFixed(1)}%"></span></span>`;

/**
 * The shared stylesheet. Colours match the charts' (`CHART_COLORS`); figures are tabular so that columns of amounts
 * line up; the page prints without its backgrounds.
 */
const CSS = `
:root{color-scheme:light;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--soft:#f8fafc;--accent:#2563eb;--bad:#dc2626;--warn:#b45309;--good:#15803d}
*{box-sizing:border-box}
body{margin:0;background:#f1f5f9;color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.page{max-width:1120px;margin:0 auto;padding:32px 24px 48px}
header.top{margin-bottom:20px}
h1{font-size:28px;line-height:1.2;margin:0 0 6px;letter-spacing:-.01em}
h2{font-size:20px;margin:0 0 14px;letter-spacing:-.005em}
h3{font-size:16px;margin:20px 0 8px}
h4{font-size:14px;margin:16px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
p{margin:0 0 10px}
.meta,.note{color:var(--muted);font-size:14px}
nav.toc{display:flex;flex-wrap:wrap;gap:6px 16px;margin:0 0 20px;font-size:14px}
nav.toc a{color:var(--accent);text-decoration:none}
section{background:#fff;border:1px solid var(--line);border-radius:12px;padding:22px 24px;margin:0 0 20px;box-shadow:0 1px 2px rgba(15,23,42,.04)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:12px}
.card{background:var(--soft);border:1px solid var(--line);border-radius:10px;padding:12px 14px;min-width:0}
.card.wide{grid-column:span 2}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.card .value{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.card.wide .value{font:500 13px/1.45 var(--mono);padding-top:4px}
.chart{display:block;max-width:100%;height:auto;margin:6px 0 14px}
.table-wrap{overflow-x:auto;margin:0 0 8px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:7px 10px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
th{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;font-weight:600;background:var(--soft)}
tbody tr:nth-child(even){background:#fbfdff}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.muted td{color:var(--muted)}
code{font:13px var(--mono)}
.hex{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 4px;white-space:nowrap}
.hex[title]{cursor:help}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.good{background:#dcfce7;color:var(--good)}
.badge.bad{background:#fee2e2;color:var(--bad)}
.badge.warn{background:#fef3c7;color:var(--warn)}
.meter{display:inline-block;width:64px;height:8px;background:var(--line);border-radius:4px;margin-right:8px;vertical-align:middle;overflow:hidden}
.meter>span{display:block;height:100%;background:var(--accent)}
article{border-top:1px solid var(--line);padding-top:6px;margin-top:18px}
article:first-of-type{border-top:0;margin-top:0;padding-top:0}
blockquote.output{margin:8px 0 12px;padding:12px 16px;background:var(--soft);border-left:4px solid var(--accent);border-radius:0 8px 8px 0;white-space:pre-wrap;overflow-wrap:anywhere}
.empty{color:var(--muted);font-style:italic}
.positive{color:#2563eb}.negative{color:#b45309}.harmful{color:var(--bad)}
ul.goals{list-style:none;margin:0;padding:0}
ul.goals li{padding:6px 0;border-bottom:1px solid var(--line)}
ul.goals li:last-child{border-bottom:0}
footer{color:var(--muted);font-size:13px;text-align:center;margin-top:24px}
@media (max-width:600px){.page{padding:16px 10px 32px}section{padding:16px 14px}.card.wide{grid-column:auto}}
@media print{body{background:#fff}section{box-shadow:none;break-inside:avoid-page}nav.toc{display:none}}
`;

/**
 * A whole HTML5 document: inline CSS, no script, nothing fetched (its Content-Security-Policy forbids it, so even a
 * mistake in escaping could not run a script or load anything), readable from `file://`.
 */
export function htmlDocument(title: string, body: SafeHtml): string {
  return markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>
${raw(CSS.trim())}
</style>
</head>
<body>
<div class="page">
${body}
</div>
</body>
</html>
`.value;
}
