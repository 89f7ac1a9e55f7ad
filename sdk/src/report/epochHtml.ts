import { EPOCH_VIEW, checkShape } from "./check";
import { formatNumber, formatOpen, formatPercent, openToNumber } from "./format";
import { badge, empty, hex, htmlDocument, markup, meter, raw, section, table } from "./html";
import type { HtmlPart, SafeHtml } from "./html";
import { barChartSvg, divergingChartSvg, stackedBarSvg } from "./svg";

/* An epoch's report as one HTML page that opens from `file://`: what the pool paid to whom, per model and Datanet,
which settlements were left out and why, the data value of the classifiers' training contributions with the harmful
ones marked, and sample outputs with the contributions they were credited to. */

/** What the HTML epoch report shows; amounts are bigint wei of OPEN (18 decimals). */
export interface EpochView {
  /** e.g. "Epoch 1 — Proof of Attribution" */
  title: string;
  epoch: string;
  /** e.g. "npm run demo"; no timestamps (the page must be reproducible byte for byte) */
  generatedBy?: string;
  /** Key figures: pool, paid, carried over, root, report hash … */
  summary: { label: string; value: string }[];
  accounts: { name: string; account: string; amount: bigint; cumulative: bigint }[];
  models: { name: string; modelId: string; amount: bigint; settlements: number; records: number }[];
  datanets: { name: string; datanetId: string; amount: bigint }[];
  settlements: {
    id: string;
    model: string;
    pot: bigint;
    paid: bigint;
    carried: bigint;
    status: "attributed" | "excluded";
    reason?: string;
    logRoot: string;
    records: number;
  }[];
  carryOver: { amount: bigint; lines: { label: string; amount: bigint }[] };
  /** Per classifier model. */
  dataValue?: {
    model: string;
    /** margin below which a contribution is flagged harmful (negative number). */
    threshold: number;
    contributions: {
      id: string;
      contributor: string;
      datanet: string;
      value: number;
      status: "harmful" | "low" | "ok";
      /** e.g. "labelled ham, is spam" */
      note?: string;
    }[];
  }[];
  samples: {
    /** e.g. "Generator: completion of 'Hi all, …'" */
    title: string;
    model: string;
    /** the output text (or "spam (p = 0.97)" for the classifier) */
    output: string;
    /** share of output words in matched spans */
    coverage?: { share: number; contributions: number };
    credits: { contribution: string; contributor: string; weight: number; amount: bigint; why: string }[];
  }[];
}

type DataValue = NonNullable<EpochView["dataValue"]>[number];
type Contribution = DataValue["contributions"][number];
type Sample = EpochView["samples"][number];

const SECTIONS = {
  summary: "Summary",
  contributors: "Contributors' rewards",
  "models-datanets": "Rewards per model and Datanet",
  settlements: "Settlements",
  "carry-over": "Carried over",
  "data-value": "Data value",
  samples: "Sample attributions",
} as const;

const part = (id: keyof typeof SECTIONS, body: HtmlPart) => section(id, SECTIONS[id], body);

/** The charts' width: a section's inner width on a desktop screen; narrower screens scale them down. */
const WIDE = 960;

/** `1 contribution`, `2 contributions`. */
const count = (n: number, noun: string) => `${formatNumber(n, 0)} ${noun}${n === 1 ? "" : "s"}`;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Largest amount first, then by name: the order a reader scans a leaderboard in, and the same on every run. */
function byAmount<T extends { amount: bigint; name: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (a.amount === b.amount ? compare(a.name, b.name) : a.amount > b.amount ? -1 : 1));
}

/** `part / whole` for bigints, as a number in [0, 1] (0 when `whole` is 0). */
const share = (part: bigint, whole: bigint) => (whole === 0n ? 0 : Number((part * 1_000_000n) / whole) / 1_000_000);

const sum = (amounts: bigint[]) => amounts.reduce((a, b) => a + b, 0n);

/** A bar or a part of a stacked bar for each row, measured in OPEN. */
const inOpen = (rows: { name: string; amount: bigint }[]) =>
  rows.map((r) => ({ label: r.name, value: openToNumber(r.amount), valueLabel: formatOpen(r.amount) }));

function summary(view: EpochView): SafeHtml {
  if (view.summary.length === 0) return empty("No figures.");
  const cards = view.summary.map(
    ({ label, value }) =>
      markup`<div class="card${/^0x[0-9a-f]{16,}$/i.test(value) ? " wide" : ""}"><div class="label">${label}</div><div class="value">${value}</div></div>
`,
  );
  return markup`<div class="cards">
${cards}</div>`;
}

function contributors(view: EpochView): SafeHtml {
  if (view.accounts.length === 0) return empty("No account was paid this epoch.");
  const accounts = byAmount(view.accounts);
  const total = sum(accounts.map((a) => a.amount));
  const chart = barChartSvg(inOpen(accounts), { title: "Rewards per contributor this epoch, in OPEN", width: WIDE });
  const rows = table(
    [
      { head: "Contributor", cell: (a) => a.name },
      { head: "Account", cell: (a) => hex(a.account) },
      { head: "This epoch", cell: (a) => formatOpen(a.amount), numeric: true },
      { head: "Share", cell: (a) => formatPercent(share(a.amount, total)), numeric: true },
      { head: "Cumulative", cell: (a) => formatOpen(a.cumulative), numeric: true },
    ],
    accounts,
  );
  return markup`${raw(chart)}
${rows}<p class="note">Cumulative: the account's leaf in the reward tree, all epochs so far; a claim pays what it adds.</p>`;
}

function modelsAndDatanets(view: EpochView): SafeHtml {
  const models = byAmount(view.models);
  const datanets = byAmount(view.datanets);
  const modelTotal = sum(models.map((m) => m.amount));
  const datanetTotal = sum(datanets.map((d) => d.amount));
  const modelChart = stackedBarSvg(inOpen(models), { title: "Rewards per model, in OPEN", width: WIDE });
  const datanetChart = stackedBarSvg(inOpen(datanets), { title: "Rewards per Datanet, in OPEN", width: WIDE });
  const modelRows = table(
    [
      { head: "Model", cell: (m) => m.name },
      { head: "Id", cell: (m) => hex(m.modelId) },
      { head: "Settlements", cell: (m) => m.settlements, numeric: true },
      { head: "Records", cell: (m) => formatNumber(m.records, 0), numeric: true },
      { head: "Rewards", cell: (m) => formatOpen(m.amount), numeric: true },
      { head: "Share", cell: (m) => formatPercent(share(m.amount, modelTotal)), numeric: true },
    ],
    models,
  );
  const datanetRows = table(
    [
      { head: "Datanet", cell: (d) => d.name },
      { head: "Id", cell: (d) => hex(d.datanetId) },
      { head: "Rewards", cell: (d) => formatOpen(d.amount), numeric: true },
      { head: "Share", cell: (d) => formatPercent(share(d.amount, datanetTotal)), numeric: true },
    ],
    datanets,
  );
  return markup`<h3>Models</h3>
${
  models.length === 0
    ? empty("No model was paid.")
    : markup`${raw(modelChart)}
${modelRows}`
}
<h3>Datanets</h3>
${
  datanets.length === 0
    ? empty("No Datanet was paid.")
    : markup`${raw(datanetChart)}
${datanetRows}`
}`;
}

function settlements(view: EpochView): SafeHtml {
  if (view.settlements.length === 0) return empty("No settlement this epoch.");
  const excluded = view.settlements.filter((s) => s.status === "excluded").length;
  const rows = table(
    [
      { head: "Settlement", cell: (s) => s.id },
      { head: "Model", cell: (s) => s.model },
      { head: "Records", cell: (s) => formatNumber(s.records, 0), numeric: true },
      { head: "Pot", cell: (s) => formatOpen(s.pot), numeric: true },
      { head: "Paid", cell: (s) => formatOpen(s.paid), numeric: true },
      { head: "Carried", cell: (s) => formatOpen(s.carried), numeric: true },
      { head: "Status", cell: (s) => badge(s.status, s.status === "attributed" ? "good" : "bad") },
      { head: "Reason", cell: (s) => s.reason ?? "" },
      { head: "Log root", cell: (s) => hex(s.logRoot) },
    ],
    view.settlements,
    (s) => (s.status === "excluded" ? "muted" : ""),
  );
  return markup`<p class="note">${count(view.settlements.length, "settlement")}, ${excluded} excluded: an excluded settlement's pot is carried over to the next epoch.</p>
${rows}`;
}

function carryOver(view: EpochView): SafeHtml {
  const { amount, lines } = view.carryOver;
  if (amount === 0n && lines.length === 0) return empty("Nothing is carried over: the whole pool was paid.");
  const rows = table(
    [
      { head: "What", cell: (l) => l.label },
      { head: "Amount", cell: (l) => formatOpen(l.amount), numeric: true },
    ],
    lines,
  );
  return markup`<p><strong>${formatOpen(amount)}</strong> carried over to the next epoch's pool.</p>
${lines.length === 0 ? null : rows}`;
}

const STATUS_BADGE = { harmful: "bad", low: "warn", ok: "good" } as const;

const flaggedTable = (contributions: Contribution[]) =>
  table(
    [
      { head: "Contribution", cell: (c) => markup`<code>${c.id}</code>` },
      { head: "Contributor", cell: (c) => c.contributor },
      { head: "Value", cell: (c) => formatNumber(c.value, 3), numeric: true },
      { head: "Status", cell: (c) => badge(c.status, STATUS_BADGE[c.status]) },
      { head: "Note", cell: (c) => c.note ?? "" },
    ],
    contributions,
  );

function dataValueOf(model: DataValue): SafeHtml {
  const contributions = [...model.contributions].sort((a, b) => a.value - b.value || compare(a.id, b.id));
  const harmful = contributions.filter((c) => c.status === "harmful").length;
  const flagged = contributions.filter((c) => c.status !== "ok");
  const datanets = [...new Set(flagged.map((c) => c.datanet))].sort(compare);
  const chart = divergingChartSvg(
    contributions.map((c) => ({
      label: c.id,
      value: c.value,
      status: c.status,
      title:
        `${c.id} by ${c.contributor} (${c.datanet}): ${formatNumber(c.value, 3)}, ${c.status}` +
        (c.note ? ` (${c.note})` : ""),
    })),
    { title: `Data value of ${model.model}'s training contributions`, threshold: model.threshold, width: WIDE },
  );
  const perDatanet = datanets.map(
    (datanet) => markup`<h4>${datanet}</h4>
${flaggedTable(flagged.filter((c) => c.datanet === datanet))}`,
  );
  return markup`<article>
<h3>${model.model}</h3>
<p class="note">${count(contributions.length, "contribution")}: ${harmful} harmful (value below ${formatNumber(model.threshold, 3)}), ${flagged.length - harmful} of low value. A contribution's value is how much it moves the model's margin on held-out examples; the harmful ones push it the wrong way.</p>
${raw(chart)}
${flagged.length === 0 ? empty("No contribution is harmful or of low value.") : perDatanet}</article>
`;
}

function sampleOf(sample: Sample): SafeHtml {
  const coverage = sample.coverage
    ? ` · ${formatPercent(sample.coverage.share)} of the output's words in spans matched from ${count(sample.coverage.contributions, "contribution")}`
    : "";
  const credits = table(
    [
      { head: "Contribution", cell: (c) => markup`<code>${c.contribution}</code>` },
      { head: "Contributor", cell: (c) => c.contributor },
      { head: "Weight", cell: (c) => markup`${meter(c.weight)}${formatPercent(c.weight)}`, numeric: true },
      { head: "Amount", cell: (c) => formatOpen(c.amount), numeric: true },
      { head: "Why", cell: (c) => c.why },
    ],
    sample.credits,
  );
  // The output is shown as written (white-space: pre-wrap): nothing else may stand inside its blockquote.
  return markup`<article class="sample">
<h3>${sample.title}</h3>
<p class="note">Model: ${sample.model}${coverage}</p>
<blockquote class="output">${sample.output}</blockquote>
${sample.credits.length === 0 ? empty("No contribution was credited for this output.") : credits}</article>
`;
}

/**
 * The epoch's report as a self-contained HTML5 document: inline CSS and SVG charts, no script, nothing fetched, so
 * it opens from `file://` without a server. Every text of the view is escaped; the same view gives the same bytes.
 * @throws InvalidInputError naming the first field of `view` that is not of its type.
 */
export function renderEpochHtml(view: EpochView): string {
  checkShape(EPOCH_VIEW, view, "The epoch view");
  const dataValue = view.dataValue ?? [];
  const generatedBy = view.generatedBy ? markup` · generated by <code>${view.generatedBy}</code>` : null;
  const toc = Object.entries(SECTIONS).map(([id, title]) => markup`<a href="#${id}">${title}</a>`);
  const sections = [
    part("summary", summary(view)),
    part("contributors", contributors(view)),
    part("models-datanets", modelsAndDatanets(view)),
    part("settlements", settlements(view)),
    part("carry-over", carryOver(view)),
    part(
      "data-value",
      dataValue.length === 0 ? empty("No classifier model was attributed this epoch.") : dataValue.map(dataValueOf),
    ),
    part("samples", view.samples.length === 0 ? empty("No sample attribution.") : view.samples.map(sampleOf)),
  ];
  const body = markup`<header class="top">
<h1>${view.title}</h1>
<p class="meta">Epoch ${view.epoch}${generatedBy}</p>
</header>
<nav class="toc" aria-label="Sections">${toc}</nav>
<main>
${sections}</main>
<footer>Amounts in OPEN, cut (not rounded) to four decimals. In the charts, <span class="positive">blue</span> is positive, <span class="negative">amber</span> negative or of low value, <span class="harmful">red</span> harmful.</footer>`;
  return htmlDocument(view.title, body);
}
