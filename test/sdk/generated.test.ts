import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { generate } from "../../sdk/scripts/generate";

const SDK_SRC = join(__dirname, "..", "..", "sdk", "src");

describe("SDK generated sources", function () {
  this.timeout(120_000);

  it("are what sdk/scripts/generate.ts makes from the compiled contracts and hash-wasm, byte for byte", async function () {
    const out = mkdtempSync(join(tmpdir(), "sdk-generated-"));
    try {
      const files = await generate(out);
      expect(files.length).to.be.greaterThan(40);
      const drifted = files
        .map((file) => relative(out, file))
        .filter((path) => {
          let committed: string;
          try {
            committed = readFileSync(join(SDK_SRC, path), "utf8");
          } catch {
            return true;
          }
          return committed !== readFileSync(join(out, path), "utf8");
        });
      expect(drifted, "regenerate with `npm run generate -w sdk` and commit").to.deep.equal([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
