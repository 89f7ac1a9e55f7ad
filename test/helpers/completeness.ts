import * as fs from "node:fs";
import type { Interface } from "ethers";

/**
 * The custom errors and events of `iface` that the test file `file` never asserts: an error counts as asserted when
 * the file has `revertedWithCustomError(<contract>, "<Name>")`, an event when it has `.to.emit(<contract>, "<Name>")`,
 * with `<contract>` one of `contracts` (the variable names the file uses for the contract or its factory).
 */
export function unassertedErrorsAndEvents(file: string, iface: Interface, contracts: readonly string[]): string[] {
  const source = fs.readFileSync(file, "utf8");
  const names = contracts.join("|");
  // Prettier may break a matcher call across lines with a trailing comma, so allow for both.
  const asserted = (matcher: string, name: string) =>
    new RegExp(`${matcher}\\(\\s*(${names}),\\s*"${name}"\\s*,?\\s*\\)`).test(source);
  const missing: string[] = [];
  iface.forEachError((e) => {
    if (!asserted("revertedWithCustomError", e.name)) missing.push(`error ${e.name}`);
  });
  iface.forEachEvent((e) => {
    if (!asserted("\\.to\\.emit", e.name)) missing.push(`event ${e.name}`);
  });
  return missing;
}
