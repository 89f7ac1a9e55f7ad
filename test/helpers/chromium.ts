import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";

/* Debian's Chromium driven by playwright-core, as the browser tests use it: headless, no sandbox (the CI container
runs as root), and none of the background traffic (updates, sync, QUIC probes) that would show up as network
requests the page did not make. */

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Chromium is missing: in CI (`CI` set, as `.ci/run` sets it) the test fails with how to install it, since a browser
 * test that skips there would prove nothing; elsewhere it skips, printing why.
 */
export function requireChromium(test: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  const reason =
    `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does), ` +
    "or set CHROMIUM_PATH to a Chromium or Chrome binary.";
  if (process.env.CI) throw new Error(reason);
  console.log(`    Skipped: ${reason}`);
  test.skip();
}

/** A Chromium with a fresh profile in `profile` (a folder of the test's own). */
export function launchChromium(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** A Chromium page at 1280×900 whose every request URL and every logged or thrown error a test can check. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Every URL the browser asked for. */
  requests: string[];
  /** Every error the page threw or logged to its console. */
  errors: string[];
}

/** {@link launchChromium} with its first page watched (see {@link WatchedPage}). */
export async function watchedPage(profile: string): Promise<WatchedPage> {
  const context = await launchChromium(profile);
  const requests: string[] = [];
  const errors: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await page.setViewportSize({ width: 1280, height: 900 });
  return { context, page, requests, errors };
}

/**
 * The injected wallet, a stand-in for a browser extension: an EIP-1193 `window.ethereum` defined before any page
 * loads, which answers the account requests with `account` and forwards everything else to the node at `rpcUrl`
 * (through a function the test exposes), turning JSON-RPC errors into EIP-1193 errors (an object with `code`,
 * `message` and `data`). The node signs `eth_sendTransaction` for its unlocked development accounts; the page never
 * sees a key. `window.walletRejects = true` makes it refuse transactions as a person clicking "Reject" would (EIP-1193
 * code 4001).
 */
export async function injectWallet(context: BrowserContext, account: string, rpcUrl: string): Promise<void> {
  await context.exposeFunction("hardhatRpc", async (method: string, params: unknown[]) => {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return response.json();
  });
  await context.addInitScript(`(() => {
  const account = ${JSON.stringify(account)};
  window.ethereum = {
    async request({ method, params = [] }) {
      if (method === "eth_requestAccounts" || method === "eth_accounts") return [account];
      if (method === "eth_sendTransaction" && window.walletRejects) {
        throw Object.assign(new Error("User rejected the request."), { code: 4001 });
      }
      const body = await window.hardhatRpc(method, params);
      if (body.error) throw Object.assign(new Error(body.error.message), body.error);
      return body.result;
    },
    on() {},
    removeListener() {},
  };
})();`);
}
