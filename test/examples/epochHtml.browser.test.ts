import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { renderBenchHtml, renderEpochHtml } from "../../sdk/src/report";
import { INJECTED_IMAGE, INJECTED_SCRIPT, benchViewFixture, epochViewFixture } from "../fixtures/epochView";
import { requireChromium, watchedPage } from "../helpers/chromium";

/*
 * The HTML reports where their readers open them: written to a folder and opened from file:// in Debian's Chromium,
 * with no server. The page must render with no request beyond its own file, no console error, its charts laid out,
 * and the fixture's hostile contribution texts shown as text rather than run.
 */

describe("The HTML reports opened from file:// in Chromium", function () {
  this.timeout(60_000);

  let dir: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let requests: string[];
  let errors: string[];

  before(async function () {
    requireChromium(this);
    dir = await mkdtemp(join(tmpdir(), "epoch-html-"));
    await writeFile(join(dir, "epoch-1.html"), renderEpochHtml(epochViewFixture()));
    await writeFile(join(dir, "bench.html"), renderBenchHtml(benchViewFixture()));
    ({ context, page, requests, errors } = await watchedPage(join(dir, "profile")));
  });

  after(async function () {
    await context?.close();
    if (dir && !process.env.KEEP_EXAMPLE_ARTIFACTS) await rm(dir, { recursive: true, force: true });
  });

  /** Opens `file` and waits until it has loaded; returns its URL. */
  async function open(file: string): Promise<string> {
    const url = pathToFileURL(join(dir, file)).href;
    requests.length = 0;
    await page.goto(url, { waitUntil: "load" });
    return url;
  }

  /** The width and height of each chart as laid out. */
  const chartBoxes = () =>
    page.locator("svg.chart").evaluateAll((svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return { label: svg.getAttribute("aria-label"), width: box.width, height: box.height };
      }),
    );

  it("opens the epoch report without a request beyond its file and without an error", async function () {
    const url = await open("epoch-1.html");
    expect(requests).to.deep.equal([url]);
    expect(errors).to.deep.equal([]);
    expect(await page.title()).to.equal("Epoch 1 — Proof of Attribution");
  });

  it("shows every section's heading", async function () {
    expect(await page.locator("h2").allInnerTexts()).to.deep.equal([
      "Summary",
      "Contributors' rewards",
      "Rewards per model and Datanet",
      "Settlements",
      "Carried over",
      "Data value",
      "Sample attributions",
    ]);
  });

  it("lays out every chart with a size, and their bars", async function () {
    const boxes = await chartBoxes();
    expect(boxes.map((b) => b.label)).to.deep.equal([
      "Rewards per contributor this epoch, in OPEN",
      "Rewards per model, in OPEN",
      "Rewards per Datanet, in OPEN",
      "Data value of Spam filter (classifier)'s training contributions",
    ]);
    for (const box of boxes) expect(box.width * box.height, box.label!).to.be.greaterThan(100 * 40);
    const bars = await page
      .locator("#contributors svg rect")
      .evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().width));
    expect(bars.filter((width) => width > 50)).to.have.length(5);
    const harmful = await page
      .locator("#data-value g.bar.harmful rect")
      .evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().height));
    expect(harmful).to.have.length(2);
    for (const height of harmful) expect(height).to.be.greaterThan(10);
  });

  it("shows the hostile contribution texts as text and runs none of them", async function () {
    expect(await page.evaluate(() => (globalThis as { __injected?: boolean }).__injected)).to.equal(undefined);
    expect(await page.locator("script, img, iframe").count()).to.equal(0);
    expect(await page.locator("#samples").innerText()).to.contain(INJECTED_SCRIPT);
    expect(await page.locator("#data-value").innerText()).to.contain(INJECTED_IMAGE);
    expect(requests.filter((url) => !url.startsWith("file:"))).to.deep.equal([]);
    await page.screenshot({ path: join(dir, "epoch-1.png"), fullPage: true });
  });

  it("opens the bench report with its log–log curve", async function () {
    const url = await open("bench.html");
    expect(requests).to.deep.equal([url]);
    expect(errors).to.deep.equal([]);
    const [curve] = await chartBoxes();
    expect(curve.label).to.equal("Time against records, log–log");
    expect(curve.width).to.be.greaterThan(400);
    expect(await page.locator("svg.chart g.series").count()).to.equal(3);
    expect(await page.locator("#runs tbody tr").count()).to.equal(8);
    await page.screenshot({ path: join(dir, "bench.png"), fullPage: true });
  });
});
