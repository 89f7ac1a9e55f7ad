import { expect } from "chai";
import { renderBenchHtml } from "../../../sdk/src/report";
import type { BenchView } from "../../../sdk/src/report";
import { benchViewFixture } from "../../fixtures/epochView";

describe("renderBenchHtml", function () {
  const page = renderBenchHtml(benchViewFixture());

  it("writes one HTML5 document with the goals, the curve and the runs", function () {
    expect(page.startsWith("<!DOCTYPE html>")).to.equal(true);
    expect([...page.matchAll(/<h2 id="[\w-]+-title">([^<]+)<\/h2>/g)].map((m) => m[1])).to.deep.equal([
      "Goals",
      "Time against records",
      "Runs",
    ]);
    expect(page).to.contain('<span class="badge good">met</span> <strong>1M records in under 60 s</strong>');
    expect(page).to.contain('<span class="badge bad">missed</span> <strong>Peak RSS under 256 MiB</strong>');
    expect(page).to.not.match(/<script|\ssrc=/);
  });

  it("draws a line per worker count and the slope-1 reference on log–log axes", function () {
    const series = [...page.matchAll(/<g class="series"><title>([^<]+)<\/title>/g)].map((m) => m[1]);
    expect(series).to.deep.equal(["1 worker", "2 workers", "linear in records (slope 1)"]);
    expect(page).to.contain('aria-label="Time against records, log–log"');
    expect(page).to.contain(">1M</text>").and.to.contain(">1k</text>");
  });

  it("lists the runs by workers then records, with fixed decimals", function () {
    const records = [...page.matchAll(/<tr><td class="num">([\d,]+)<\/td><td class="num">(\d+)<\/td>/g)];
    expect(records.map((m) => `${m[2]}:${m[1]}`)).to.deep.equal([
      "1:1,000",
      "1:10,000",
      "1:100,000",
      "1:1,000,000",
      "2:1,000",
      "2:10,000",
      "2:100,000",
      "2:1,000,000",
    ]);
    expect(page).to.contain('<td class="num">50.050</td><td class="num">19,980</td><td class="num">320.0</td>');
  });

  it("escapes its texts and says when there is nothing to show", function () {
    const empty: BenchView = { title: "<b>bench</b>", machine: "<i>box</i>", rows: [], goals: [] };
    const html = renderBenchHtml(empty);
    expect(html).to.contain("<title>&lt;b&gt;bench&lt;/b&gt;</title>").and.to.contain("&lt;i&gt;box&lt;/i&gt;");
    expect(html).to.contain("No goal set.").and.to.contain("No run.").and.to.contain("Nothing to show");
  });

  it("gives the same bytes for the same view", function () {
    expect(renderBenchHtml(benchViewFixture())).to.equal(page);
  });
});
