import { expect } from "chai";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidInputError, MemoryContentStore, StoredContentMismatchError, cidOfUri, contentId } from "../../sdk/src";
import type { ContentStore } from "../../sdk/src";
import { FileContentStore } from "../../sdk/src/node";
import { rejection } from "../helpers/rejection";

const TEXT = "inference log ✓";

describe("Content stores", function () {
  let dir: string;
  let folders = 0;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "content-store-"));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  const stores: [string, () => ContentStore][] = [
    ["MemoryContentStore", () => new MemoryContentStore()],
    ["FileContentStore", () => new FileContentStore(join(dir, `store-${folders++}`))],
  ];

  for (const [name, make] of stores) {
    describe(name, function () {
      it("puts content under its CID with an ipfs:// URI and gets the same bytes by URI or CID", async function () {
        const store = make();
        const stored = await store.put(TEXT);
        expect(stored).to.deep.equal({ ...contentId(TEXT), uri: `ipfs://${contentId(TEXT).cid}` });
        const bytes = new TextEncoder().encode(TEXT);
        expect(await store.get(stored.uri)).to.deep.equal(bytes);
        expect(await store.get(stored.cid)).to.deep.equal(bytes);
        expect(await store.put(bytes)).to.deep.equal(stored);
      });

      it("gets nothing for content it does not hold", async function () {
        expect(await make().get(contentId("elsewhere").cid)).to.equal(undefined);
      });

      it("refuses empty content and a URI that is not a raw sha-256 CID", async function () {
        const store = make();
        await rejection(store.put(""), InvalidInputError);
        await rejection(store.get("ipfs://not-a-cid"), InvalidInputError);
        await rejection(store.get("https://example.org/log.json"), InvalidInputError);
      });
    });
  }

  describe("FileContentStore on disk", function () {
    it("stores each content as <dir>/<cid>, leaving no temporary file", async function () {
      const folder = join(dir, "layout");
      const store = new FileContentStore(folder);
      const { cid } = await store.put(TEXT);
      await store.put("another");
      expect((await readdir(folder)).sort()).to.deep.equal([cid, contentId("another").cid].sort());
    });

    it("refuses bytes on disk that do not hash to their CID", async function () {
      const folder = join(dir, "damaged");
      const store = new FileContentStore(folder);
      const { cid, uri } = await store.put(TEXT);
      await writeFile(join(folder, cid), "tampered");
      const error = await rejection(store.get(uri), StoredContentMismatchError);
      expect(error.cid).to.equal(cid);
    });
  });

  it("reads the CID out of an ipfs:// URI", function () {
    const { cid } = contentId(TEXT);
    expect(cidOfUri(`ipfs://${cid}`)).to.equal(cid);
    expect(cidOfUri(cid)).to.equal(cid);
  });
});
