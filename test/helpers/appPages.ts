import { expect } from "chai";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { WatchedPage } from "./chromium";
import { ROOT } from "./examples";

/* What every page of the web app must hold in the browser tests, and how they read its tables. */

const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
/** Where the browser tests photograph the pages (the README links the ones it shows from docs/screenshots). */
export const SCREENSHOTS = join(ROOT, "reports", "screenshots");

/**
 * Photographs the page into `reports/screenshots/<screenshot>.png`, then checks it: no serious or critical axe-core
 * violation, no console error but `expectedErrors` (Chromium logs every 4xx answer, even one the page expects), and
 * no request off 127.0.0.1 since the page was opened. `what` names the page in failures.
 */
export async function checkAppPage(
  { page, errors, requests }: WatchedPage,
  what: string,
  screenshot: string,
  expectedErrors: string[] = [],
): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${screenshot}.png`), fullPage: true });
  await page.addScriptTag({ content: AXE });
  // Runs in the page, where axe-core's script defined `axe`.
  const violations = (await page.evaluate(
    "axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))",
  )) as { id: string; impact: string }[];
  expect(
    violations.filter((v) => v.impact === "serious" || v.impact === "critical"),
    what,
  ).to.deep.equal([]);
  expect(errors, what).to.deep.equal(expectedErrors);
  expect(
    requests.filter((r) => !r.startsWith("http://127.0.0.1:")),
    what,
  ).to.deep.equal([]);
}

/** The cells' texts of the rows of the table `data-testid=<table>`. */
export function tableCells(page: Page, table: string): Promise<string[][]> {
  return page
    .locator(`[data-testid=${table}] tbody tr`)
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "")),
    );
}
