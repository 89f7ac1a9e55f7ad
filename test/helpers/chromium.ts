import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { BrowserContext } from "playwright-core";

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

/** Fails with how to install Chromium when it is missing: a browser test that skips would prove nothing. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does), ` +
        "or set CHROMIUM_PATH to a Chromium or Chrome binary.",
    );
  }
}

/** A Chromium with a fresh profile in `profile` (a folder of the test's own). */
export function launchChromium(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
