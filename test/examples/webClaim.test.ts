import { expect } from "chai";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { parseEther } from "ethers";
import type { BrowserContext, Page } from "playwright-core";
import { RewardsClient, buildRewardTree } from "../../sdk/src";
import type { RewardTree } from "../../sdk/src";
import { publishRoot } from "../../scripts/seedExamples";
import type { ExampleDeployment } from "../../scripts/seedExamples";
import { expectedLeaderboard, requireBuiltSdk, runCommand, startExampleNode } from "../helpers/examples";
import { injectWallet, launchChromium, requireChromium } from "../helpers/chromium";
import type { HardhatNode } from "../helpers/hardhatNode";

/*
 * examples/web-claim where its users run it: built by `vite build` (the package's build script, tsc first), served
 * as static files on 127.0.0.1 and opened in Debian's Chromium through playwright-core. The wallet is a stand-in for a
 * browser extension: an EIP-1193 `window.ethereum` injected before the page loads, whose requests go to a `hardhat
 * node` over HTTP, which signs `eth_sendTransaction` for carol's unlocked development account. The page never sees a
 * key. The node holds the examples' deployment (scripts/seedExamples.ts).
 */

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
};

/** Serves `folder` on 127.0.0.1 as a static host would; resolves with the server and its base URL. */
function serve(folder: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname));
    const file = join(folder, path.endsWith("/") ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      response.writeHead(200, { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((done) =>
    server.listen(0, "127.0.0.1", () =>
      done({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }),
    ),
  );
}

describe("The web example (examples/web-claim) built by Vite, in Chromium", function () {
  this.timeout(120_000);

  let node: HardhatNode;
  let deployment: ExampleDeployment;
  let dir: string;
  let server: Server | undefined;
  let pageUrl: string;
  let context: BrowserContext | undefined;
  let page: Page;
  let carol: string;
  let rewards: RewardsClient;
  let epoch2: RewardTree;
  /** What the page threw or logged as an error, shown when a step fails. */
  const pageErrors: string[] = [];

  before(async function () {
    requireChromium(this);
    requireBuiltSdk();
    dir = await mkdtemp(join(tmpdir(), "web-claim-"));
    const site = join(dir, "site");
    const build = runCommand("npm", ["run", "build", "-w", "examples/web-claim", "--", "--outDir", site], {
      timeout: 90_000,
    });
    ({ node, deployment } = await startExampleNode());
    const built = await build;
    expect(built.code, `${built.stdout}${built.stderr}`).to.equal(0);

    carol = deployment.contributors.carol;
    rewards = await RewardsClient.connect(deployment.distributor, node.provider);
    await mkdir(join(site, "trees"));
    await writeFile(join(site, "trees", "epoch-1.json"), JSON.stringify(deployment.tree.toJSON()));
    let url: string;
    ({ server, url } = await serve(site));
    const query = new URLSearchParams({
      registry: deployment.registry,
      distributor: deployment.distributor,
      datanet: "1",
      tree: "trees/epoch-1.json",
    });
    pageUrl = `${url}?${query}`;

    context = await launchChromium(join(dir, "profile"));
    await injectWallet(context, carol, node.url);
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => message.type() === "error" && pageErrors.push(message.text()));
  });

  after(async function () {
    await context?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    await node?.stop();
    if (dir && !process.env.KEEP_EXAMPLE_ARTIFACTS) await rm(dir, { recursive: true, force: true });
  });

  const text = async (selector: string) => ((await page.textContent(selector)) ?? "").trim();

  /** Waits for `selector` to contain `expected`, and says what the page showed otherwise. */
  async function waitForText(selector: string, expected: string): Promise<void> {
    try {
      await page.locator(selector, { hasText: expected }).waitFor({ timeout: 30_000 });
    } catch {
      throw new Error(
        `${selector} never showed "${expected}". Status: "${await text("#status")}", error: "${await text("#error")}", ` +
          `page errors: ${JSON.stringify(pageErrors)}`,
      );
    }
  }

  it("shows the Datanet's leaderboard and carol's claimable OPEN from the tree at the page's URL", async function () {
    await page.goto(pageUrl);
    await page.click("#load");
    await waitForText("#status", "Loaded at block");
    const rows = (await page.locator("#board-rows tr").allInnerTexts()).map((row) => row.split("\t"));
    expect(rows.map((r) => r.slice(0, 6))).to.deep.equal(expectedLeaderboard(deployment));
    expect(await text("#account")).to.equal(carol);
    expect(await text("#root")).to.equal(deployment.tree.root);
    expect(await text("#claimable")).to.equal("12.5 OPEN");
    expect(await page.isEnabled("#claim")).to.equal(true);
    expect(pageErrors).to.deep.equal([]);
  });

  it("shows the typed error when the root moved on before the claim, and claims nothing", async function () {
    // Epoch 2's root is accepted while the page still holds epoch 1's tree.
    const { alice, bob } = deployment.contributors;
    epoch2 = buildRewardTree([
      { account: alice, amount: parseEther("30") },
      { account: bob, amount: parseEther("25") },
      { account: carol, amount: parseEther("20") },
    ]);
    await publishRoot(
      node.provider,
      await RewardsClient.connect(deployment.distributor, await node.provider.getSigner(0)),
      epoch2,
      2n,
    );
    await page.click("#claim");
    await waitForText("#error", "is not the distributor's current root");
    expect(await text("#error")).to.equal(
      `The tree's root ${deployment.tree.root} is not the distributor's current root ${epoch2.root}. ` +
        "Use the tree published for the current epoch, or wait until its root is accepted.",
    );
    expect(await rewards.claimed(carol)).to.equal(0n);
  });

  it("loads the new tree from a file and reports a claim rejected in the wallet", async function () {
    const file = join(dir, "epoch-2.json");
    await writeFile(file, JSON.stringify(epoch2.toJSON()));
    await page.setInputFiles('input[name="treeFile"]', file);
    await page.click("#load");
    await waitForText("#root", epoch2.root);
    await waitForText("#status", "Loaded at block");
    expect(await text("#claimable")).to.equal("20.0 OPEN");

    await page.evaluate("window.walletRejects = true");
    await page.click("#claim");
    await waitForText("#error", "rejected");
    expect(await text("#error")).to.equal(
      "The wallet's owner rejected the request; nothing was sent. Approve it in the wallet to go on.",
    );
    expect(await rewards.claimed(carol)).to.equal(0n);
  });

  it("claims through the wallet and shows the claim done", async function () {
    const balance = await rewards.token.balanceOf(carol);
    await page.evaluate("window.walletRejects = false");
    await page.click("#claim");
    await waitForText("#status", "Claimed 20.0 OPEN in transaction");
    const hash = (await text("#status")).match(/transaction (0x[0-9a-f]{64})/)![1];
    const receipt = await node.provider.getTransactionReceipt(hash);
    expect(receipt?.status).to.equal(1);
    expect(receipt?.from).to.equal(carol);
    expect(await rewards.claimed(carol)).to.equal(parseEther("20"));
    expect((await rewards.token.balanceOf(carol)) - balance).to.equal(parseEther("20"));
    expect(await text("#claimed")).to.equal("20.0 OPEN");
    expect(await text("#claimable")).to.equal("0.0 OPEN");
    await page.locator("#claim:disabled").waitFor({ timeout: 10_000 });
    expect(await page.isHidden("#error")).to.equal(true);
    await page.screenshot({ path: join(dir, "claimed.png"), fullPage: true });
    expect(pageErrors).to.deep.equal([]);
  });
});
