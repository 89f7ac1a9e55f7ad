import { expect } from "chai";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, getAddress } from "ethers";
import type { BrowserContext, Page } from "playwright-core";
import { DatanetIndexer, readEpochReport } from "../../sdk/src";
import type { EpochReport } from "../../sdk/src";
import { readDeployment } from "../../sdk/src/node";
import type { ProtocolDeploymentFile } from "../../sdk/src/node";
import { IInferenceSettlement__factory, IRewardDistributor__factory, OpenToken__factory } from "../../typechain-types";
import { APP_DIST } from "../../scripts/app";
import { open as openAmount } from "../../app/web/src/format";
import type { RecordDetail } from "../../app/server/types";
import { injectWallet, requireChromium, watchedPage } from "../helpers/chromium";
import type { WatchedPage } from "../helpers/chromium";
import { checkAppPage, tableCells } from "../helpers/appPages";
import { demoOnNode } from "../helpers/demoNode";
import type { DemoNode } from "../helpers/demoNode";
import { ROOT } from "../helpers/examples";
import { freePort } from "../helpers/hardhatNode";

/*
 * The web app as its users meet it: `npm run demo -- --network localhost` on a `hardhat node` (its traffic, its
 * epoch, the root accepted), then `npm run app` started as a child process on what the demo left, then Debian's
 * Chromium with a wallet on ada's development account (injected EIP-1193, signing through the node). The pages must
 * show the chain's and the report's numbers; a claim through the wallet must move OPEN on chain and on the page; a
 * claim that reverts must show the SDK's decoded reason. Every page is checked for accessibility (axe-core), for
 * requests off 127.0.0.1 and for console errors, and photographed into reports/screenshots/.
 */

/** Starts `npm run app`'s script on the demo's files; resolves with the URL it printed. */
function startApp(demo: DemoNode, port: number): Promise<{ app: ChildProcess; url: string; output: () => string }> {
  const app = spawn(
    "node",
    [
      ...["--import", "tsx", "scripts/app.ts", ...demo.networkArgs],
      ...["--port", String(port), "--interval", "1", "--confirmations", "0"],
    ],
    { cwd: ROOT, env: demo.env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`npm run app did not start within 120 s:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const served = /The app serves (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (served) {
        clearTimeout(timer);
        done({ app, url: served[1], output: () => output });
      }
    };
    app.stdout!.on("data", read);
    app.stderr!.on("data", read);
    app.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`npm run app exited (${code}) before serving:\n${output}`));
    });
  });
}

describe("The web app on the demo's node, in Chromium, with a wallet", function () {
  this.timeout(600_000);

  let demo: DemoNode;
  let deployment: ProtocolDeploymentFile;
  let provider: JsonRpcProvider;
  let report: EpochReport;
  let app: ChildProcess | undefined;
  let url: string;
  let dir: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let errors: string[];
  let watched: WatchedPage;
  let ada: string;
  let grace: string;

  before(async function () {
    requireChromium(this);
    if (!existsSync(join(APP_DIST, "index.html"))) throw new Error("The page is not built: run `npm run build:app`.");
    demo = await demoOnNode();
    if (demo.run.code !== 0) throw new Error(`The demo failed:\n${demo.run.stderr || demo.run.stdout.slice(-3000)}`);
    deployment = await readDeployment(join(demo.root, "deployments", "localhost.json"));
    provider = new JsonRpcProvider(demo.node.url, undefined, { staticNetwork: true });
    // The demo's contributors are the node's accounts #5 on: ada first, then grace; it left both unclaimed.
    const accounts = (await provider.send("eth_accounts", [])) as string[];
    [ada, grace] = [accounts[5].toLowerCase(), accounts[6].toLowerCase()];
    expect(demo.run.stdout).to.contain(`ada (${getAddress(accounts[5])}, account #5 of the node) has not claimed`);
    report = readEpochReport(
      await readFile(join(demo.root, "epochs", "localhost", "1", "report.json"), "utf8"),
    ) as EpochReport;
    let output: () => string;
    ({ app, url, output } = await startApp(demo, await freePort()));
    expect(output()).to.match(/Reading the report of epoch 1 \(ipfs:\/\/\w+\) into the index/);
    dir = await mkdtemp(join(tmpdir(), "app-demo-"));
    watched = await watchedPage(join(dir, "profile"));
    ({ context, page, errors } = watched);
    await injectWallet(context, ada, demo.node.url);
  });

  after(async function () {
    await context?.close();
    app?.kill("SIGTERM");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens `hash`, waits for `ready`, photographs it and checks what every page must hold. */
  async function visit(hash: string, ready: string, screenshot: string, expectedErrors: string[] = []) {
    errors.length = 0;
    await page.goto(`${url}#${hash}`);
    await page.locator(ready).first().waitFor();
    await checkAppPage(watched, hash, screenshot, expectedErrors);
  }

  const text = async (testId: string) => (await page.getByTestId(testId).textContent())?.trim();
  const cells = (table: string) => tableCells(page, table);

  /** The chain's Datanet 1, read from the registry's events by the SDK's in-memory indexer. */
  async function chainDatanet() {
    const memory = new DatanetIndexer(provider, deployment.contracts.datanets.address, {
      fromBlock: deployment.contracts.datanets.block ?? 0,
    });
    await memory.sync();
    const all = [...memory.contributions.values()].filter((c) => c.datanetId === 1n);
    const of = (status: string) => all.filter((c) => c.status === status).length;
    return { all, of };
  }

  it("lists the demo's Datanet with the counts the chain's events give", async function () {
    await visit("/datanets", "[data-testid=datanets] tbody tr", "demo-datanets");
    const { all, of } = await chainDatanet();
    const [row] = await cells("datanets");
    expect(row[0]).to.equal("#1");
    expect(row.slice(3, 8)).to.deep.equal(
      [all.length, of("Accepted"), of("Rejected"), of("Expired"), of("Pending")].map(String),
    );
  });

  it("shows the Datanet's data quality with the chain's statuses", async function () {
    await visit("/datanets/1", "[data-testid=kappa]", "demo-data-quality");
    const { of } = await chainDatanet();
    expect(await text("accepted")).to.equal(String(of("Accepted")));
    expect(await text("rejected")).to.equal(String(of("Rejected")));
    expect(await text("expired")).to.equal(String(of("Expired")));
  });

  it("shows the demo's epoch as its report and the distributor have it", async function () {
    await visit("/epochs", "[data-testid=epochs] tbody tr", "demo-epochs");
    const distributor = IRewardDistributor__factory.connect(deployment.contracts.rewards.address, provider);
    const current = await distributor.currentRoot();
    expect(current.root.toLowerCase()).to.equal(report.tree.root.toLowerCase());
    const [row] = (await cells("epochs")).filter((r) => r[0] === report.epoch);
    expect([row[4], row[5], row[6]]).to.deep.equal([
      openAmount(report.pool),
      openAmount(BigInt(report.pool) - BigInt(report.carryOver.total)),
      openAmount(report.carryOver.total),
    ]);
    expect(row[7]).to.match(/^accepted/);
    await visit(`/epochs/${report.epoch}`, "[data-testid=report-settlements] tbody tr", "demo-epoch");
    expect((await cells("report-settlements")).map((r) => [r[1], r[2], r[3], r[4]])).to.deep.equal(
      report.settlements.map((s) => [`#${s.modelId}`, s.calls, openAmount(s.pot), openAmount(s.paid)]),
    );
  });

  it("opens an inference the report credited and marks the spans it matched", async function () {
    // A record of the demo's text model (its scorer matches spans), which credited contributions.
    const textModels = new Set(report.models.filter((m) => m.scorer === undefined).map((m) => m.modelId));
    const settlement = report.settlements.find(
      (s) => textModels.has(s.modelId) && s.records.some((r) => r.top.length > 0),
    )!;
    const record = settlement.records.find((r) => r.top.length > 0)!;
    await visit(
      `/epochs/${report.epoch}/records/${settlement.id}/${encodeURIComponent(record.id)}`,
      "[data-testid=credit]",
      "demo-inference",
    );
    const detail = (await (
      await fetch(
        new URL(
          `api/epochs/${report.epoch}/records/${encodeURIComponent(settlement.id)}/${encodeURIComponent(record.id)}`,
          url,
        ),
      )
    ).json()) as RecordDetail;
    // The credits the page shows are the report's, in its order.
    expect(detail.contributions.map((c) => [c.contributionId, c.weight])).to.deep.equal(
      record.top.map((t) => [t.contribution, t.weight]),
    );
    expect(await page.getByTestId("credit").count()).to.equal(record.top.length);
    // The spans the API gives are marked on the page (in the output, and in the texts that hold them).
    const spans = detail.contributions.flatMap((c) => c.spans);
    expect(spans.length).to.be.greaterThan(0);
    expect(await page.locator("mark").count()).to.be.at.least(spans.length);
  });

  it("shows each demo model's settled calls and fees as the settlement contract totals them", async function () {
    const settlement = IInferenceSettlement__factory.connect(deployment.contracts.settlement.address, provider);
    const models = [...new Set(report.settlements.map((s) => s.modelId))];
    for (const id of models) {
      // The demo offers no model: the offering's 404, which the page expects, is in Chromium's console.
      await visit(`/models/${id}`, "[data-testid=no-offering]", `demo-model-${id}`, [
        "Failed to load resource: the server responded with a status of 404 (Not Found)",
      ]);
      const totals = await settlement.modelTotals(BigInt(id));
      expect(await text("calls")).to.equal(totals.calls.toLocaleString("en-US"));
      expect(await text("fees")).to.equal(openAmount(totals.fees));
    }
  });

  it("shows ada's reputation and what the epoch's report paid her, and her claimable OPEN", async function () {
    await visit(`/contributors/${ada}`, "[data-testid=rewards] tbody tr", "demo-contributor");
    const leaf = report.accounts.find((a) => a.account.toLowerCase() === ada)!;
    expect(await cells("rewards")).to.deep.equal([
      [
        "1",
        "accepted",
        openAmount(leaf.amount),
        openAmount(leaf.cumulative),
        String(report.contributions.filter((c) => c.contributor.toLowerCase() === ada).length),
      ],
    ]);
    expect(await text("indexed-claimable")).to.equal(openAmount(leaf.cumulative));
    expect((await cells("reputation"))[0][0]).to.equal("#1");
  });

  it("claims through the wallet: OPEN moves on chain and the page shows the new balance", async function () {
    const leaf = report.accounts.find((a) => a.account.toLowerCase() === ada)!;
    const token = OpenToken__factory.connect(deployment.contracts.open.address, provider);
    const distributor = IRewardDistributor__factory.connect(deployment.contracts.rewards.address, provider);
    const before = await token.balanceOf(ada);
    expect(await distributor.claimed(ada)).to.equal(0n);

    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByTestId("chain-claimable").waitFor();
    expect(await text("chain-claimable")).to.equal(openAmount(leaf.cumulative));
    expect(await text("chain-balance")).to.equal(openAmount(before));
    await page.getByRole("button", { name: /^Claim \d/ }).click();
    await page.getByText(/^Claimed in block \d+/).waitFor();

    const after = await token.balanceOf(ada);
    expect(after - before).to.equal(BigInt(leaf.cumulative));
    expect(await distributor.claimed(ada)).to.equal(BigInt(leaf.cumulative));
    expect(await text("chain-balance")).to.equal(openAmount(after));
    expect(await text("chain-claimable")).to.equal(openAmount(0n));
    await checkAppPage(watched, "after the claim", "demo-claimed");

    // The app's index follows the chain (every second here): a reload shows the claim from the index too.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await page.reload();
      await page.getByTestId("indexed-claimed").waitFor();
      if ((await text("indexed-claimed")) === openAmount(leaf.cumulative)) break;
      if (Date.now() > deadline) throw new Error("The app's index did not show the claim within 30 s.");
      await new Promise((done) => setTimeout(done, 1000));
    }
    expect(await text("indexed-claimable")).to.equal(openAmount(0n));
  });

  it("claims for another account in a batch, and shows the decoded reason of a claim that reverts because of it", async function () {
    const leaf = report.accounts.find((a) => a.account.toLowerCase() === grace)!;
    await visit(`/contributors/${grace}`, "[data-testid=rewards] tbody tr", "demo-contributor-grace");
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByTestId("chain-claimable").waitFor();
    expect(await text("chain-claimable")).to.equal(openAmount(leaf.cumulative));

    // Anyone may claim for others: ada, in a second tab, claims for grace with "Claim for several accounts".
    const token = OpenToken__factory.connect(deployment.contracts.open.address, provider);
    const before = await token.balanceOf(grace);
    const other = await context!.newPage();
    try {
      await other.goto(`${url}#/contributors/${ada}`);
      await other.getByRole("button", { name: "Connect wallet" }).click();
      await other.getByTestId("chain-claimable").waitFor();
      await other.getByText("Claim for several accounts").click();
      await other.getByRole("textbox", { name: "Accounts" }).fill(grace);
      await other.getByRole("button", { name: "Claim for these accounts" }).click();
      await other.getByText("Claimed for 1 accounts in 1 transaction(s).").waitFor();
      expect(await other.getByRole("progressbar", { name: "Accounts claimed" }).getAttribute("value")).to.equal("1");
    } finally {
      await other.close();
    }
    const balance = await token.balanceOf(grace);
    expect(balance - before).to.equal(BigInt(leaf.cumulative));

    await page.getByRole("button", { name: /^Claim \d/ }).click();
    await page.getByTestId("claim-error").waitFor();
    expect(await text("claim-error")).to.equal(
      `${leaf.account} has already claimed its cumulative amount of ${BigInt(leaf.cumulative).toLocaleString("en-US")}.`,
    );
    expect(await token.balanceOf(grace)).to.equal(balance);
    await checkAppPage(watched, "after the reverted claim", "demo-claim-reverted");
  });
});
