import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers, network } from "hardhat";
import type { BrowserContext, Page } from "playwright-core";
import type { IndexDatabase } from "../../sdk/src/node";
import { createApi } from "../../app/server/api";
import { offeringReader } from "../../app/server/chain";
import type {
  ContributorPage,
  DailyLimitsPage,
  DataQuality,
  HarmfulPage,
  DatanetDetail,
  DatanetSummary,
  LeaderboardPage,
  ModelDetail,
  ModelSummary,
  OfferingView,
  Page as ApiPage,
} from "../../app/server/types";
import { APP_DIST, appServer, listen } from "../../scripts/app";
import { bytes, day, open as openAmount, percent, short, shortId, units } from "../../app/web/src/format";
import { appFixture } from "../fixtures/app";
import { requireChromium, watchedPage } from "../helpers/chromium";
import type { WatchedPage } from "../helpers/chromium";
import { SCREENSHOTS, checkAppPage, tableCells } from "../helpers/appPages";
import { harmfulScenarioIndex } from "../helpers/harmfulIndex";
import { BACKENDS, indexInProcessChain } from "../helpers/indexDatabases";

/*
 * The web app where people use it: the page built by `npm run build:app`, served with its API by the app's server on
 * 127.0.0.1 over an index of the app fixture's chain (and its offering read from that chain), opened in Debian's
 * Chromium. Each page must show the API's numbers, make no request off 127.0.0.1, log no error and have no serious or critical accessibility violation
 * (axe-core). Screenshots go to reports/screenshots/.
 */

describe("The web app in Chromium", function () {
  this.timeout(120_000);

  let f: Awaited<ReturnType<typeof appFixture>>;
  let backend: Awaited<ReturnType<(typeof BACKENDS)[0]["start"]>>;
  let index: IndexDatabase;
  let server: Server;
  let url: string;
  let dir: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let requests: string[];
  let errors: string[];
  let watched: WatchedPage;

  before(async function () {
    requireChromium(this);
    if (!existsSync(join(APP_DIST, "index.html"))) throw new Error("The page is not built: run `npm run build:app`.");
    f = await loadFixture(appFixture);
    backend = await BACKENDS[0].start();
    index = await backend.open();
    await indexInProcessChain(index, f.contracts);
    const chain = await offeringReader(await f.offeringFactory.getAddress(), ethers.provider);
    ({ server, url } = await listen(appServer(createApi(index.db, { chain })), "127.0.0.1", 0));
    dir = await mkdtemp(join(tmpdir(), "app-browser-"));
    watched = await watchedPage(join(dir, "profile"));
    ({ context, page, requests, errors } = watched);
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

  /**
   * Opens `hash` (on the app at `base`), waits for `ready` to show, and checks what every page must hold;
   * `expectedErrors` are the console errors the page may log (Chromium logs every 4xx answer, even one the page
   * expects).
   */
  async function open(
    hash: string,
    ready: string,
    screenshot: string,
    { expectedErrors = [], base = url }: { expectedErrors?: string[]; base?: string } = {},
  ) {
    errors.length = 0;
    await page.goto(`${base}#${hash}`);
    await page.locator(ready).first().waitFor();
    await checkAppPage(watched, hash, screenshot, expectedErrors);
  }

  const cells = (table: string) => tableCells(page, table);

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
      await open("/datanets/1", "[data-testid=harmful-list] tbody tr", "harmful", { base: second.url });
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

  it("lists the models with the API's owners, prices and settled totals", async function () {
    await open("/models", "[data-testid=models] tbody tr", "models");
    const { items } = await api<ApiPage<ModelSummary>>("api/models");
    expect(await cells("models")).to.deep.equal(
      items.map((m) => [
        `#${m.modelId}`,
        m.uri,
        short(m.owner),
        String(m.latestVersion),
        openAmount(m.price),
        BigInt(m.calls).toLocaleString("en-US"),
        openAmount(m.fees),
      ]),
    );
    expect(await page.getByRole("navigation").getByRole("link", { name: "Models" }).getAttribute("href")).to.equal(
      "#/models",
    );
  });

  it("draws a model's provenance, its settled calls per day, the fee split and its offering from the chain", async function () {
    await open("/models/1", "[data-testid=milestones] tbody tr", "model");
    const m = await api<ModelDetail>("api/models/1");
    const text = async (id: string) => (await page.getByTestId(id).first().textContent())?.trim();
    expect([await text("price"), await text("calls"), await text("fees")]).to.deep.equal([
      openAmount(m.price),
      BigInt(m.calls).toLocaleString("en-US"),
      openAmount(m.fees),
    ]);
    // Each version's drawing links every Datanet version it was trained on, and its text says the same.
    for (const v of m.versions) {
      const drawing = page.getByTestId(`provenance-${v.version}`);
      const links = await drawing
        .locator("svg a")
        .evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.textContent?.trim()]));
      expect(links).to.deep.equal(
        v.trainedOn.map((t) => [`#/datanets/${t.datanetId}`, `Datanet #${t.datanetId} version ${t.datanetVersion}`]),
      );
      const words = await page.getByTestId(`provenance-text-${v.version}`).textContent();
      expect(words).to.contain(v.baseModel).and.to.contain(v.adapterHash).and.to.contain(v.adapterKindName);
    }
    expect(await cells("settled-daily")).to.deep.equal(
      m.daily.map((d) => [
        day(d.day),
        String(d.settlements),
        BigInt(d.calls).toLocaleString("en-US"),
        openAmount(d.fees),
      ]),
    );
    const chart = await page.locator(".chart canvas").first().boundingBox();
    expect(chart?.width).to.be.greaterThan(100);
    const split = await f.settlement.feeSplit();
    expect((await cells("split")).map((row) => row.slice(1))).to.deep.equal([
      [percent(Number(split.treasuryBps) / 10_000), openAmount(m.shares.treasury)],
      [percent(Number(split.modelBps) / 10_000), openAmount(m.shares.model)],
      [percent(Number(split.stakersBps) / 10_000), openAmount(m.shares.stakers)],
      [percent(Number(split.contributorsBps) / 10_000), openAmount(m.shares.contributors)],
    ]);

    // The offering as the chain has it, through the SDK.
    const status = await f.offeringClient.status(f.offering.offering);
    expect([
      await text("offering-raised"),
      await text("offering-soft-cap"),
      await text("offering-hard-cap"),
      await text("offering-released"),
      await text("offering-revenue"),
    ]).to.deep.equal([
      openAmount(status.totalDeposits),
      openAmount(status.terms.sale.softCap),
      openAmount(status.terms.sale.hardCap),
      openAmount(status.released),
      openAmount((await f.open.balanceOf(f.offering.shares)) + status.shares.revenuePaid),
    ]);
    const bar = page.locator("progress#raised");
    expect(Number(await bar.getAttribute("value")) / Number(await bar.getAttribute("max"))).to.be.closeTo(
      Number(status.totalDeposits) / Number(status.terms.sale.hardCap),
      1e-6,
    );
    expect((await cells("milestones")).map((row) => [row[0], row[4], row[5]])).to.deep.equal(
      status.milestones.map((ms) => [
        String(ms.index),
        `${openAmount(ms.tranche)} (${percent(ms.trancheBps / 10_000)})`,
        ms.released ? "released" : ms.met ? "met, not released" : "not yet",
      ]),
    );
    const offering = await api<OfferingView>("api/models/1/offering");
    expect(offering.milestones.map((ms) => ms.released)).to.deep.equal(status.milestones.map((ms) => ms.released));

    await page.getByTestId(`provenance-${m.latestVersion}`).locator("svg a").first().click();
    await page.getByTestId("kappa").waitFor();
    expect(page.url()).to.equal(`${url}#/datanets/1`);
  });

  it("says a model without an offering has none", async function () {
    // The API answers 404 for a model without an offering, which the page expects and Chromium logs.
    await open("/models/2", "[data-testid=no-offering]", "model-without-offering", {
      expectedErrors: ["Failed to load resource: the server responded with a status of 404 (Not Found)"],
    });
    expect(requests.filter((r) => r.endsWith("/api/models/2/offering"))).to.have.length.greaterThan(0);
    expect(await page.getByTestId("no-offering").textContent()).to.equal("This model has no offering.");
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

  it("claims a holder's revenue from the share token through the wallet", async function () {
    // The first buyer takes its shares out of the offering's escrow, then the model's revenue arrives (the settlement
    // pays the share token by a plain transfer).
    const [buyer] = f.buyers;
    await f.offeringClient.connect(buyer).settle(f.offering.offering, buyer.address);
    await f.open.connect(f.deployer).transfer(f.offering.shares, 1_000n * 10n ** 18n);
    const [before] = await f.offeringClient.holders(f.offering.shares, [buyer.address]);
    expect(before.accrued).to.be.greaterThan(0n);
    const openBefore = await f.open.balanceOf(buyer.address);
    // A wallet on the buyer's account, backed by the test's chain (whose accounts are unlocked).
    await page.exposeFunction("__holderRpc", (method: string, params: unknown[]) =>
      network.provider.send(method, params),
    );
    await page.addInitScript((account: string) => {
      const scope = globalThis as unknown as { __holderRpc(method: string, params: unknown[]): Promise<unknown> };
      Object.assign(globalThis, {
        ethereum: {
          request: ({ method, params }: { method: string; params?: unknown[] }) =>
            method === "eth_requestAccounts" || method === "eth_accounts"
              ? Promise.resolve([account])
              : scope.__holderRpc(method, params ?? []),
        },
      });
    }, buyer.address.toLowerCase());
    // The page has this wallet from here on (the test runs last). The init script runs in a new document: a change of
    // the hash alone would keep the page without it.
    await page.goto("about:blank");
    await open("/models/1", "[data-testid=milestones] tbody tr", "model-holder");
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByTestId("holder-accrued").waitFor();
    const text = async (id: string) => (await page.getByTestId(id).textContent())?.trim();
    expect(await text("holder-shares")).to.equal(units(before.balance));
    expect(await text("holder-accrued")).to.equal(openAmount(before.accrued));
    await page.getByRole("button", { name: "Claim revenue" }).click();
    await page.getByText(/^Claimed in block \d+/).waitFor();
    const [after] = await f.offeringClient.holders(f.offering.shares, [buyer.address]);
    expect(after.accrued).to.equal(0n);
    const openAfter = await f.open.balanceOf(buyer.address);
    expect(openAfter - openBefore).to.equal(before.accrued);
    expect(await text("holder-open")).to.equal(openAmount(openAfter));
    expect(await text("holder-accrued")).to.equal(openAmount(0n));
    await checkAppPage(watched, "after the revenue claim", "model-revenue-claimed");
  });
});
