import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { IndexDatabase } from "../../sdk/src/node";
import { createApi } from "../../app/server/api";
import type { EpochDetail, EpochsPage, RecordDetail } from "../../app/server/types";
import { APP_DIST, appServer, listen } from "../../scripts/app";
import { open as openAmount } from "../../app/web/src/format";
import { requireChromium, watchedPage } from "../helpers/chromium";
import type { WatchedPage } from "../helpers/chromium";
import { checkAppPage, tableCells } from "../helpers/appPages";
import { writeAttributedEpoch } from "../helpers/epochIndex";
import type { AttributedEpoch } from "../helpers/epochIndex";
import { BACKENDS } from "../helpers/indexDatabases";

/*
 * The Epochs pages and the inference explorer in Debian's Chromium, over an index holding an epoch the SDK really
 * attributed (see writeAttributedEpoch) and the content store its texts and log are in. As for the other pages: the
 * API's numbers on the page, no request off 127.0.0.1, no console error, no serious or critical axe-core violation,
 * a screenshot in reports/screenshots/.
 */

describe("The Epochs pages in Chromium", function () {
  this.timeout(120_000);

  let backend: Awaited<ReturnType<(typeof BACKENDS)[0]["start"]>>;
  let index: IndexDatabase;
  let epoch: AttributedEpoch;
  let server: Server;
  let url: string;
  let dir: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let errors: string[];
  let watched: WatchedPage;

  before(async function () {
    requireChromium(this);
    if (!existsSync(join(APP_DIST, "index.html"))) throw new Error("The page is not built: run `npm run build:app`.");
    dir = await mkdtemp(join(tmpdir(), "app-epochs-browser-"));
    backend = await BACKENDS[0].start();
    index = await backend.open();
    epoch = await writeAttributedEpoch(index.db, join(dir, "store"));
    ({ server, url } = await listen(appServer(createApi(index.db, { store: epoch.store })), "127.0.0.1", 0));
    watched = await watchedPage(join(dir, "profile"));
    ({ context, page, errors } = watched);
  });

  after(async function () {
    await context?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    await index?.close();
    backend?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function api<T>(path: string): Promise<T> {
    return (await (await fetch(new URL(path, url))).json()) as T;
  }

  /** Checks what every page must hold, after a screenshot. */
  async function check(what: string, screenshot: string) {
    await checkAppPage(watched, what, screenshot);
  }

  const cells = (table: string) => tableCells(page, table);

  it("lists the epochs with the API's fees and pool, and counts down a pending root's window", async function () {
    errors.length = 0;
    await page.goto(`${url}#/epochs`);
    await page.getByTestId("countdown-1").waitFor();
    await check("#/epochs", "epochs");
    const list = await api<EpochsPage>("api/epochs");
    const rows = await cells("epochs");
    expect(rows.map((r) => [r[0], r[3], r[4]])).to.deep.equal(
      list.items.map((e) => [String(e.epoch), openAmount(e.fees), e.report?.loaded ? openAmount(e.report.pool) : "–"]),
    );
    // Three hours of the chain's clock left: the browser's own clock does not matter.
    expect(await page.getByTestId("countdown-1").textContent()).to.match(/^(3\.0|2\.9) h left to challenge$/);
  });

  it("shows an epoch's report, the figure of where the pool went and its settlements", async function () {
    errors.length = 0;
    await page.locator("[data-testid=epochs] a", { hasText: "1" }).first().click();
    await page.getByTestId("epoch-pool").waitFor();
    const detail = await api<EpochDetail>("api/epochs/1");
    const loaded = detail.report as { pool: string; paid: string; carriedOver: string };
    expect(await page.getByTestId("epoch-pool").textContent()).to.equal(openAmount(loaded.pool));
    expect(await page.getByTestId("epoch-paid").textContent()).to.equal(openAmount(loaded.paid));
    expect(await page.getByTestId("epoch-carried").textContent()).to.equal(openAmount(loaded.carriedOver));
    expect((await cells("report-settlements")).map((r) => r[6])).to.deep.equal(
      detail.reportSettlements.map((s) => (s.exclusion === null ? s.status : `excluded (${s.exclusion})`)),
    );
    expect(await page.locator("figure svg[role=img]").count()).to.equal(1);
    await check("#/epochs/1", "epoch");
  });

  it("finds a record in the explorer and shows the credited spans marked in both texts", async function () {
    errors.length = 0;
    await page.getByRole("link", { name: /Explore its/ }).click();
    await page.locator("[data-testid=records] tbody tr").first().waitFor();
    await page.getByRole("searchbox").fill("record-3");
    await page.getByRole("button", { name: "Find" }).click();
    // Runs in the page.
    await page.waitForFunction('document.querySelectorAll("[data-testid=records] tbody tr").length === 1');
    await page.getByRole("link", { name: "record-3" }).click();
    await page.locator("mark").first().waitFor();
    const record = await api<RecordDetail>(`api/epochs/1/records/${epoch.attributed}/record-3`);
    const credits = page.getByTestId("credit");
    expect(await credits.count()).to.equal(record.contributions.length);
    for (let i = 0; i < record.contributions.length; i++) {
      const c = record.contributions[i];
      const credit = credits.nth(i);
      const [outputMarks, contributionMarks] = await Promise.all(
        [0, 1].map((side) => credit.locator(".side-by-side > div").nth(side).locator("mark").allTextContents()),
      );
      expect(outputMarks).to.deep.equal(
        c.spans.map((s) => record.output.kind === "text" && record.output.text.slice(s.output.start, s.output.end)),
      );
      expect(contributionMarks).to.deep.equal(
        c.spans.flatMap((s) => s.contribution.map((r) => c.text!.slice(r.start, r.end))),
      );
      expect(await credit.getByTestId("span-count").textContent()).to.equal(
        `, ${c.spans.length} matched span${c.spans.length === 1 ? "" : "s"}`,
      );
    }
    expect(record.contributions.flatMap((c) => c.spans).length).to.be.greaterThan(0);
    await check("record-3", "inference");
  });
});
