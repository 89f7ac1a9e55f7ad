import * as fs from "node:fs";
import * as path from "node:path";
import { artifacts } from "hardhat";
import { Interface } from "ethers";

const LIBRARIES = path.join(__dirname, "..", "..", "contracts", "libraries");

/** The custom errors the project's libraries declare at file level (e.g. SafePull's TokenTransferShortfall). */
function libraryErrors(): Set<string> {
  const names = new Set<string>();
  for (const file of fs.readdirSync(LIBRARIES)) {
    const source = fs.readFileSync(path.join(LIBRARIES, file), "utf8");
    for (const match of source.matchAll(/^error (\w+)\(/gm)) names.add(match[1]);
  }
  return names;
}

/**
 * The custom errors and events of `iface` that the test file `file` never asserts: an error counts as asserted when
 * the file has `revertedWithCustomError(<contract>, "<Name>")`, an event when it has `.to.emit(<contract>, "<Name>")`,
 * with `<contract>` one of `contracts` (the variable names the file uses for the contract or its factory). The errors
 * of the project's libraries that the contract the file is named after can raise (they are in its compiled ABI, not
 * in its interface) count too.
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
  const implementation = new Interface(artifacts.readArtifactSync(path.basename(file).split(".")[0]).abi);
  const fromLibraries = libraryErrors();
  implementation.forEachError((e) => {
    if (fromLibraries.has(e.name) && !asserted("revertedWithCustomError", e.name)) missing.push(`error ${e.name}`);
  });
  return missing;
}
