import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { network } from "hardhat";
import type { BrowserContext, Page } from "playwright-core";
import type { IndexDatabase } from "../../sdk/src/node";
import { createApi } from "../../app/server/api";
import type {
  ContributorPage,
  DailyLimitsPage,
  DataQuality,
  HarmfulPage,
  DatanetDetail,
  DatanetSummary,
  LeaderboardPage,
  Page as ApiPage,
} from "../../app/server/types";
import { APP_DIST, appServer, listen } from "../../scripts/app";
import { bytes, day, percent, short, shortId } from "../../app/web/src/format";
import { indexerFixture } from "../fixtures/indexer";
import { requireChromium, watchedPage } from "../helpers/chromium";
import { harmfulScenarioIndex } from "../helpers/harmfulIndex";
import { ROOT } from "../helpers/examples";
import { BACKENDS, indexInProcessChain } from "../helpers/indexDatabases";

/*
 * The web app where people use it: the page built by `npm run build:app`, served with its API by the app's server on
 * 127.0.0.1 over an index of the indexer fixture's chain, opened in Debian's Chromium. Each page must show the API's
 * numbers, make no request off 127.0.0.1, log no error and have no serious or critical accessibility violation
 * (axe-core). Screenshots go to reports/screenshots/.
 */

const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const SCREENSHOTS = join(ROOT, "reports", "screenshots");

describe("The web app in Chromium", function () {
  this.timeout(120_000);

  let f: Awaited<ReturnType<typeof indexerFixture>>;
  let backend: Awaited<ReturnType<(typeof BACKENDS)[0]["start"]>>;
  let index: IndexDatabase;
  let server: Server;
  let url: string;
  let dir: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let requests: string[];
  let errors: string[];

  before(async function () {
    requireChromium();
    if (!existsSync(join(APP_DIST, "index.html"))) throw new Error("The page is not built: run `npm run build:app`.");
    f = await loadFixture(indexerFixture);
    backend = await BACKENDS[0].start();
    index = await backend.open();
    await indexInProcessChain(index, f.contracts);
    ({ server, url } = await listen(appServer(createApi(index.db)), "127.0.0.1", 0));
    dir = await mkdtemp(join(tmpdir(), "app-browser-"));
    await mkdir(SCREENSHOTS, { recursive: true });
    ({ context, page, requests, errors } = await watchedPage(join(dir, "profile")));
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

  /** Opens `hash`, waits for `ready` to show, and checks what every page must hold. */
  async function open(hash: string, ready: string, screenshot: string, base = url) {
    errors.length = 0;
    await page.goto(`${base}#${hash}`);
    await page.locator(ready).first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, `${screenshot}.png`), fullPage: true });
    await page.addScriptTag({ content: AXE });
    // Runs in the page, where axe-core's script defined `axe`.
    const violations = (await page.evaluate(
      "axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))",
    )) as { id: string; impact: string }[];
    expect(
      violations.filter((v) => v.impact === "serious" || v.impact === "critical"),
      hash,
    ).to.deep.equal([]);
    expect(errors, hash).to.deep.equal([]);
    expect(
      requests.filter((r) => !r.startsWith("http://127.0.0.1:")),
      hash,
    ).to.deep.equal([]);
  }

  const cells = (table: string) =>
    page
      .locator(`[data-testid=${table}] tbody tr`)
      .evaluateAll((rows) =>
        rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "")),
      );

  it("lists the Datanets with the API's counts", async function () {
    await open("/datanets", "[data-testid=datanets] tbody tr", "datanets");
    const [d] = (await api<ApiPage<DatanetSummary>>("api/datanets")).items;
    expect(await cells("datanets")).to.deep.equal([
      [
        `#${d.datanetId}`,
        d.uri,
        `${d.owner.slice(0, 6)}…${d.owner.slice(-4)}`,
        String(d.contributions),
        String(d.accepted),
        String(d.rejected),
        String(d.expired),
        String(d.pending),
        String(d.latestVersion),
      ],
    ]);
  });

  it("shows a Datanet's data quality: outcomes, latency, kappa, the chart and each validator", async function () {
    await open("/datanets/1", "[data-testid=kappa]", "data-quality");
    const q = await api<DataQuality>("api/datanets/1/quality");
    const text = async (id: string) => (await page.getByTestId(id).textContent())?.trim();
    expect(await text("accepted")).to.equal(String(q.statuses.Accepted));
    expect(await text("rejected")).to.equal(String(q.statuses.Rejected));
    expect(await text("expired")).to.equal(String(q.statuses.Expired));
    expect(await text("kappa")).to.equal(q.kappa.kappa === null ? "–" : q.kappa.kappa.toFixed(3));
    expect(await cells("daily")).to.deep.equal(
      q.daily.map((d) => [
        new Date(d.day * 1000).toISOString().slice(0, 10),
        String(d.accepted),
        String(d.rejected),
        String(d.expired),
      ]),
    );
    const validators = await cells("validators");
    expect(validators.map((row) => row.slice(1, 4))).to.deep.equal(
      q.validators.map((v) => [String(v.votes), String(v.accepts), String(v.decided)]),
    );
    const chart = await page.locator(".chart canvas").first().boundingBox();
    expect(chart?.width).to.be.greaterThan(100);
    expect(chart?.height).to.be.greaterThan(100);
    expect((await cells("versions")).every((row) => row[3] === "✓ matches the events")).to.equal(true);
  });

  it("shows how close each day came to the Datanet's daily limits, as a chart and a table", async function () {
    await open("/datanets/1", "[data-testid=limits] tbody tr", "daily-limits");
    const limits = await api<DailyLimitsPage>("api/datanets/1/limits");
    expect(limits.items.length).to.be.greaterThan(0);
    expect(await cells("limits")).to.deep.equal(
      limits.items.map((d) => [
        day(d.day),
        String(d.termsVersion),
        String(d.submissions),
        String(d.contributors),
        bytes(d.datanetBytes),
        percent(d.datanetBytesOfLimit),
        `${d.busiestByFiles.files} by ${short(d.busiestByFiles.account)}`,
        percent(d.busiestByFiles.ofLimit),
        `${bytes(d.busiestByBytes.bytes)} by ${short(d.busiestByBytes.account)}`,
        percent(d.busiestByBytes.ofLimit),
      ]),
    );
    const text = async (id: string) => (await page.getByTestId(id).textContent())?.trim();
    expect(await text("limit-files")).to.equal(String(limits.limits.contributorDailyFiles));
    const files = limits.peak.contributorFiles!;
    expect(await text("peak-files")).to.equal(`${percent(files.ofLimit)} on ${day(files.day)}`);
    const chart = await page.locator("[data-testid=limits-chart] canvas").boundingBox();
    expect(chart?.width).to.be.greaterThan(100);
    expect(chart?.height).to.be.greaterThan(100);
  });

  it("lists the contributions the epoch reports flagged harmful, with what that means", async function () {
    await open("/datanets/1", "#harmful", "datanet-no-harmful");
    expect(await page.getByText("No contribution of this Datanet has been flagged harmful.").count()).to.equal(1);

    // The mislabelled-spam epoch in an index of its own, served by a second app.
    const scenarioIndex = await backend.open();
    const folder = await mkdtemp(join(tmpdir(), "app-harmful-"));
    const second = await listen(appServer(createApi(scenarioIndex.db)), "127.0.0.1", 0);
    try {
      await harmfulScenarioIndex(scenarioIndex.db, folder);
      await open("/datanets/1", "[data-testid=harmful-list] tbody tr", "harmful", second.url);
      const harmful = (await (await fetch(new URL("api/datanets/1/harmful", second.url))).json()) as HarmfulPage;
      expect(harmful.items.length).to.be.greaterThan(5);
      expect(await cells("harmful-list")).to.deep.equal(
        harmful.items.map((h) => [
          `#${shortId(h.contributionId)}`,
          short(h.contributor),
          String(h.epoch),
          `#${h.modelId}`,
          h.value.toPrecision(3),
          h.threshold.toPrecision(3),
        ]),
      );
      expect((await page.getByTestId("harmful-count").textContent())?.trim()).to.equal(String(harmful.flagged));
    } finally {
      await new Promise((done) => second.server.close(done));
      await scenarioIndex.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("ranks the contributors as the API does and links each to its page", async function () {
    await open("/datanets/1/leaderboard", "[data-testid=leaderboard] tbody tr", "leaderboard");
    const board = await api<LeaderboardPage>("api/datanets/1/leaderboard?limit=200");
    expect((await cells("leaderboard")).map((r) => [r[0], r[1], r[5]])).to.deep.equal(
      board.items.map((r) => [String(r.rank), r.account, r.score.toFixed(3)]),
    );
    await page.locator("[data-testid=leaderboard] tbody tr a").first().click();
    await page.getByTestId("contributor-accepted").waitFor();
    expect(page.url()).to.equal(`${url}#/contributors/${board.items[0].account}`);
  });

  it("shows a contributor's contributions with their status and votes", async function () {
    const address = f.alice.address.toLowerCase();
    await open(`/contributors/${address}`, "[data-testid=contributions] tbody tr", "contributor");
    const mine = await api<ContributorPage>(`api/contributors/${address}`);
    expect((await cells("contributions")).map((r) => [r[0], r[2], r[3]])).to.deep.equal(
      mine.items.map((c) => [`#${shortId(c.contributionId)}`, c.status, `${c.votesFor} / ${c.votesAgainst}`]),
    );
  });

  it("recomputes each version's digest in the browser from the index's events, and catches a tampered content hash", async function () {
    await open("/datanets/1", "[data-testid=versions] tbody tr", "datanet");
    const detail = await api<DatanetDetail>("api/datanets/1");
    expect(detail.versions.length).to.be.greaterThan(0);
    expect(await page.getByText("The events come from this app's index").count()).to.equal(1);
    const verify = async (version: number, outcome: RegExp) => {
      await page
        .locator("[data-testid=versions] tbody tr")
        .nth(version - 1)
        .getByRole("button")
        .click();
      const result = page.getByTestId(`verify-${version}`);
      await result.getByText(outcome).waitFor();
      return (await result.textContent())?.trim();
    };
    for (const v of detail.versions) {
      expect(await verify(v.version, /matches|differs/)).to.equal(`✓ matches: ${v.count} acceptances folded`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, "datanet-verified.png"), fullPage: true });

    // One content hash changed in the index: the stored check still says it matched when indexed, the fold now differs.
    const [first] = await index.db
      .selectFrom("contributions")
      .select("content_hash")
      .where("datanet_id", "=", "1")
      .where("accepted_index", "=", 1)
      .execute();
    const tamper = (contentHash: string) =>
      index.db
        .updateTable("contributions")
        .set({ content_hash: contentHash })
        .where("datanet_id", "=", "1")
        .where("accepted_index", "=", 1)
        .execute();
    await tamper(`0x${"e".repeat(64)}`);
    try {
      const last = detail.versions[detail.versions.length - 1];
      expect(await verify(last.version, /matches|differs/)).to.match(
        new RegExp(`^✗ differs: ${last.count} of ${last.count} acceptances folded to 0x`),
      );

      // With a wallet, the page can read the chain's own logs instead: they still match.
      await page.exposeFunction("__rpc", (method: string, params: unknown[]) => network.provider.send(method, params));
      // An EIP-1193 provider in the page, backed by the test's chain; the init script runs on the reload.
      await page.addInitScript(() => {
        const page = globalThis as unknown as { __rpc(method: string, params: unknown[]): Promise<unknown> };
        Object.assign(globalThis, {
          ethereum: {
            request: ({ method, params }: { method: string; params?: unknown[] }) => page.__rpc(method, params ?? []),
          },
        });
      });
      await page.reload();
      await open("/datanets/1", "[data-testid=versions] tbody tr", "datanet-wallet");
      await page.getByRole("combobox", { name: /^Events from/ }).selectOption("chain");
      expect(await verify(last.version, /matches|differs/)).to.equal(`✓ matches: ${last.count} acceptances folded`);
      expect(errors).to.deep.equal([]);
    } finally {
      await tamper(first.content_hash);
    }
  });

  it("says plainly what went wrong for a Datanet the index does not have", async function () {
    await page.goto(`${url}#/datanets/99`);
    const alert = page.getByRole("alert").first();
    await alert.waitFor();
    expect(await alert.textContent()).to.equal("Datanet 99 is not indexed.");
  });
});
