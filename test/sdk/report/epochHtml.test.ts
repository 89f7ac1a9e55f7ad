import { expect } from "chai";
import { renderEpochHtml } from "../../../sdk/src/report";
import type { EpochView } from "../../../sdk/src/report";
import { INJECTED_IMAGE, INJECTED_SCRIPT, epochViewFixture } from "../../fixtures/epochView";

const HEADINGS = [
  "Summary",
  "Contributors&#39; rewards",
  "Rewards per model and Datanet",
  "Settlements",
  "Carried over",
  "Data value",
  "Sample attributions",
];

/** Every string of `value`, at any depth, replaced by `replace(string)`. */
function mapStrings<T>(value: T, replace: (text: string) => string): T {
  if (typeof value === "string") return replace(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, replace)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, replace)])) as T;
  }
  return value;
}

describe("renderEpochHtml", function () {
  const page = renderEpochHtml(epochViewFixture());

  it("writes one HTML5 document with its styles inline and nothing to fetch or run", function () {
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">')).to.equal(true);
    expect(page.trimEnd().endsWith("</html>")).to.equal(true);
    expect(page).to.contain("<style>").and.to.contain('<meta charset="utf-8">');
    expect(page).to.not.match(/<script|<img|<iframe|<link rel="stylesheet"|@import|url\(/i);
    expect(page).to.not.match(/<[a-z][^<>]*\s(src|srcset)=/i);
    const links = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(links.filter((href) => !href.startsWith("#"))).to.deep.equal(["data:,"]);
    expect(page).to.contain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it("has every section, in order, each with its heading", function () {
    const headings = [...page.matchAll(/<h2 id="([\w-]+)-title">([^<]+)<\/h2>/g)];
    expect(headings.map((m) => m[2])).to.deep.equal(HEADINGS);
    for (const [, id] of headings) expect(page).to.contain(`<section id="${id}" aria-labelledby="${id}-title">`);
    for (const [, id] of headings) expect(page).to.contain(`<a href="#${id}">`);
  });

  it("draws the contributors' bars, the stacked bars per model and Datanet and the data-value chart", function () {
    const charts = [...page.matchAll(/<svg [^>]*aria-label="([^"]+)"/g)].map((m) => m[1]);
    expect(charts).to.deep.equal([
      "Rewards per contributor this epoch, in OPEN",
      "Rewards per model, in OPEN",
      "Rewards per Datanet, in OPEN",
      "Data value of Spam filter (classifier)&#39;s training contributions",
    ]);
    expect((page.match(/<g class="bar harmful">/g) ?? []).length).to.equal(2);
    expect(page).to.contain("<title>Harmful below -0.020</title>");
  });

  it("lists contributors by amount, with OPEN amounts cut to four decimals and separated by thousands", function () {
    const rows = [...page.matchAll(/<tr><td>(\w+)<\/td><td><code class="hex" title="0x[\da-fA-F]{40}">/g)];
    expect(rows.map((m) => m[1])).to.deep.equal(["alice", "bob", "carol", "dave", "erin", "frank"]);
    expect(page).to.contain('<td class="num">301.2345 OPEN</td><td class="num">31.5%</td>');
    expect(page).to.contain('<td class="num">421.2345 OPEN</td>');
    expect(page).to.contain('<td class="num">&lt;0.0001 OPEN</td>');
    expect(page).to.contain('<div class="value">1,050 OPEN</div>');
    expect(page).to.contain('<td class="num">1,350</td>');
  });

  it("shows the excluded settlement muted, with its reason and its log root shortened, whole in the tooltip", function () {
    const excluded = page.match(/<tr class="muted">.*<\/tr>/)![0];
    expect(excluded).to.contain('<span class="badge bad">excluded</span>');
    expect(excluded).to.contain("the inference log&#39;s root is not the root settled on chain");
    const root = epochViewFixture().settlements[2].logRoot;
    expect(excluded).to.contain(`<code class="hex" title="${root}">${root.slice(0, 8)}…${root.slice(-4)}</code>`);
    expect(page).to.contain("<strong>92.5 OPEN</strong> carried over");
  });

  it("lists the flagged contributions per Datanet, the harmful ones first", function () {
    const dataValue = page.slice(page.indexOf('<section id="data-value"'), page.indexOf('<section id="samples"'));
    expect([...dataValue.matchAll(/<h4>([^<]+)<\/h4>/g)].map((m) => m[1])).to.deep.equal([
      "Customer support emails",
      "Spam and ham mail",
    ]);
    const spam = dataValue.slice(dataValue.indexOf("<h4>Spam and ham mail"));
    const ids = [...spam.matchAll(/<td><code>([\w-]+)<\/code><\/td>/g)].map((m) => m[1]);
    expect(ids.slice(0, 2)).to.deep.equal(["spam-047", "spam-048"]);
    expect(spam).to.contain('<span class="badge bad">harmful</span>');
    expect(dataValue).to.contain("48 contributions: 2 harmful (value below -0.020), 3 of low value.");
  });

  it("shows each sample's output with its credits, and says when nothing was credited", function () {
    const samples = page.slice(page.indexOf('<section id="samples"'));
    expect(samples).to.contain('<blockquote class="output">spam (p = 0.97)</blockquote>');
    expect(samples).to.contain("72.0% of the output&#39;s words in spans matched from 3 contributions");
    expect(samples).to.contain('<span style="width:50.0%"></span></span>50.0%</td><td class="num">0.2447 OPEN</td>');
    expect(samples).to.contain("No contribution was credited for this output.");
  });

  it("escapes the hostile texts of the fixture: they are shown, never markup", function () {
    expect(page).to.not.contain(INJECTED_SCRIPT).and.to.not.contain(INJECTED_IMAGE);
    expect(page).to.contain("quoting &lt;script&gt;window.__injected = true&lt;/script&gt;");
    expect(page).to.contain("&lt;img src=&quot;https://attacker.example/x.png&quot; onerror=");
  });

  it("escapes every text of the view, in the page and in the charts", function () {
    const payload = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`;
    const hostile = mapStrings(epochViewFixture(), (text) => `${text}${payload}`);
    const escaped = renderEpochHtml(hostile);
    expect(escaped).to.not.match(/<script|<img|onerror=alert\(2\)>/i);
    expect(escaped).to.not.contain(payload);
    const occurrences = escaped.split("&lt;script&gt;alert(1)&lt;/script&gt;").length - 1;
    expect(occurrences).to.be.greaterThan(100);
    expect(escaped).to.not.match(/=""'>/);
  });

  it("gives the same bytes for the same view, and for a copy of it", function () {
    expect(renderEpochHtml(epochViewFixture())).to.equal(page);
    const copy = structuredClone(epochViewFixture());
    expect(renderEpochHtml(copy)).to.equal(page);
  });

  it("reads well without data values, samples or any payment", function () {
    const bare: EpochView = {
      ...epochViewFixture(),
      generatedBy: undefined,
      accounts: [],
      models: [],
      datanets: [],
      settlements: [],
      carryOver: { amount: 0n, lines: [] },
      dataValue: undefined,
      samples: [],
    };
    for (const view of [bare, { ...bare, dataValue: [] }]) {
      const html = renderEpochHtml(view);
      expect([...html.matchAll(/<h2 id="[\w-]+-title">([^<]+)<\/h2>/g)].map((m) => m[1])).to.deep.equal(HEADINGS);
      expect(html).to.contain("No classifier model was attributed this epoch.");
      expect(html).to.contain("No sample attribution.");
      expect(html).to.contain("No account was paid this epoch.");
      expect(html).to.contain("Nothing is carried over");
      expect(html).to.not.contain("<svg");
      expect(html).to.not.contain("generated by");
    }
  });

  it("says when a classifier flagged nothing", function () {
    const view = epochViewFixture();
    const clean = view.dataValue![0].contributions.filter((c) => c.status === "ok");
    const html = renderEpochHtml({ ...view, dataValue: [{ ...view.dataValue![0], contributions: clean }] });
    expect(html).to.contain("No contribution is harmful or of low value.");
    expect(html).to.not.contain("<h4>");
  });
});
