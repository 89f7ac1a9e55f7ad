import { expect } from "chai";
import { createHash } from "node:crypto";
import { CID } from "multiformats/cid";
import { base58btc } from "multiformats/bases/base58";
import * as raw from "multiformats/codecs/raw";
import { identity } from "multiformats/hashes/identity";
import { sha256 as multiformatsSha256 } from "multiformats/hashes/sha2";
import { InvalidInputError, cidFromContentHash, contentHashFromCid, contentId, sha256Hex } from "../../sdk/src";
import type { ContentInput } from "../../sdk/src";
import { loadEmails } from "../helpers/corpus";
import type { Email } from "../helpers/corpus";
import { seededRandom } from "../helpers/random";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("Content hashing", function () {
  describe("sha256Hex", function () {
    // FIPS 180-2, appendix B, plus the well-known digest of the empty message.
    const VECTORS: [name: string, input: string, digest: string][] = [
      ["the empty message", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
      ['"abc" (FIPS 180-2 B.1)', "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
      [
        "the 448-bit message (FIPS 180-2 B.2)",
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
      ],
      [
        'one million "a" (FIPS 180-2 B.3)',
        "a".repeat(1_000_000),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
      ],
    ];
    for (const [name, input, digest] of VECTORS) {
      it(`hashes ${name} to the published digest`, function () {
        expect(sha256Hex(input)).to.equal(`0x${digest}`);
        expect(sha256Hex(utf8(input))).to.equal(`0x${digest}`);
      });
    }

    it("encodes a string as UTF-8 before hashing", function () {
      const text = "Grüße, 世界 🌍";
      expect(utf8(text).length).to.be.greaterThan(text.length);
      expect(sha256Hex(text)).to.equal("0x" + createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex"));
    });

    it("refuses input that is neither bytes nor a string", function () {
      expect(() => sha256Hex(42 as unknown as ContentInput)).to.throw(InvalidInputError, "Uint8Array or a string");
      expect(() => contentId([1, 2, 3] as unknown as ContentInput)).to.throw(InvalidInputError);
    });
  });

  describe("contentId", function () {
    it('gives "hello" the IPFS raw CIDv1 bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq', function () {
      expect(contentId("hello")).to.deep.equal({
        contentHash: "0x2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        cid: "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq",
        size: 5,
      });
    });

    it("gives the same identity to a string and to its UTF-8 bytes", function () {
      expect(contentId(utf8("naïve café"))).to.deep.equal(contentId("naïve café"));
      expect(contentId("naïve café").size).to.equal(12);
    });

    it("refuses empty content", function () {
      expect(() => contentId("")).to.throw(InvalidInputError, "Content is empty");
      expect(() => contentId(new Uint8Array(0))).to.throw(InvalidInputError, "Content is empty");
    });
  });

  describe("cidFromContentHash and contentHashFromCid", function () {
    it('turn the CID of "hello" into its sha-256 and back', function () {
      const hash = contentHashFromCid("bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq");
      expect(hash).to.equal(sha256Hex("hello"));
      expect(cidFromContentHash(hash)).to.equal("bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq");
    });

    it("round-trip seeded random hashes, in either case of hex", function () {
      const random = seededRandom(180_2);
      for (let i = 0; i < 50; i++) {
        const hex = Array.from({ length: 32 }, () =>
          Math.floor(random() * 256)
            .toString(16)
            .padStart(2, "0"),
        ).join("");
        const cid = cidFromContentHash(`0x${hex.toUpperCase()}`);
        expect(cid).to.match(/^bafkrei[a-z2-7]{52}$/);
        expect(contentHashFromCid(cid)).to.equal(`0x${hex}`);
      }
    });

    it("read the hash out of the same CID written in base58btc", function () {
      const cid = CID.parse("bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq");
      const base58 = cid.toString(base58btc);
      expect(base58).to.match(/^z/);
      expect(contentHashFromCid(base58)).to.equal(sha256Hex("hello"));
    });

    const BAD_HASHES: [string, string][] = [
      ["31 bytes", "0x" + "ab".repeat(31)],
      ["33 bytes", "0x" + "ab".repeat(33)],
      ["no bytes", "0x"],
      ["non-hex characters", "0x" + "zz".repeat(32)],
      ["an odd number of hex digits", "0x" + "a".repeat(63)],
      ["no 0x prefix", "ab".repeat(32)],
      ["a CID", "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq"],
    ];
    for (const [what, hash] of BAD_HASHES) {
      it(`refuse a content hash of ${what} with InvalidInputError`, function () {
        expect(() => cidFromContentHash(hash)).to.throw(InvalidInputError);
      });
    }

    it("name the byte count of a hash of the wrong length", function () {
      expect(() => cidFromContentHash("0x" + "00".repeat(20))).to.throw(InvalidInputError, "got 20");
    });

    it("refuse a CID that is not hashed with sha2-256", function () {
      const identityCid = CID.createV1(raw.code, identity.digest(utf8("hello"))).toString();
      expect(() => contentHashFromCid(identityCid))
        .to.throw(InvalidInputError)
        .with.property("message")
        .that.contains("multihash code 0x0");
    });

    it("refuse a dag-pb CID, whose digest is not the sha-256 of the file's bytes", function () {
      const dagPb = CID.createV1(0x70, CID.parse(contentId("hello").cid).multihash).toString();
      expect(() => contentHashFromCid(dagPb))
        .to.throw(InvalidInputError)
        .with.property("message")
        .that.contains("not a raw-codec CID");
    });

    const GARBAGE = [
      "not a cid",
      "",
      "bafkrei",
      "Qm!!!",
      "0x2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    ];
    for (const garbage of GARBAGE) {
      it(`refuse the string ${JSON.stringify(garbage)} as a CID`, function () {
        expect(() => contentHashFromCid(garbage))
          .to.throw(InvalidInputError)
          .with.property("message")
          .that.contains("is not a CID");
      });
    }
  });

  describe("real e-mails from the SpamAssassin corpus", function () {
    let emails: Email[];
    let nonAscii: Email[];
    let sample: Email[];

    before(function () {
      emails = loadEmails();
      const random = seededRandom(2024);
      // 24 e-mails picked by the seeded PRNG, plus 6 whose text has non-ASCII characters (multi-byte in UTF-8).
      nonAscii = emails.filter((e) => Buffer.byteLength(e.text, "utf8") !== e.text.length);
      sample = [
        ...Array.from({ length: 24 }, () => emails[Math.floor(random() * emails.length)]),
        ...Array.from({ length: 6 }, () => nonAscii[Math.floor(random() * nonAscii.length)]),
      ];
    });

    it("loads the whole corpus with both ham and spam", function () {
      expect(emails.length).to.equal(6046);
      expect(emails.some((e) => e.spam)).to.equal(true);
      expect(emails.some((e) => !e.spam)).to.equal(true);
      expect(nonAscii.length).to.be.greaterThan(6);
    });

    it("hash to what node:crypto computes over their UTF-8 bytes", function () {
      for (const email of sample) {
        const bytes = Buffer.from(email.text, "utf8");
        const expected = "0x" + createHash("sha256").update(bytes).digest("hex");
        const id = contentId(email.text);
        expect(id.contentHash, email.id).to.equal(expected);
        expect(id.size, email.id).to.equal(bytes.length);
        expect(sha256Hex(new Uint8Array(bytes)), email.id).to.equal(expected);
      }
    });

    it("get the CID that multiformats' own sha-256 hasher builds, which maps back to the hash", async function () {
      for (const email of sample) {
        const digest = await multiformatsSha256.digest(utf8(email.text));
        const expected = CID.createV1(raw.code, digest).toString();
        const id = contentId(email.text);
        expect(id.cid, email.id).to.equal(expected);
        expect(contentHashFromCid(id.cid), email.id).to.equal(id.contentHash);
      }
    });

    it("get distinct hashes for distinct texts", function () {
      const texts = new Set(sample.map((e) => e.text));
      const hashes = new Set([...texts].map((t) => sha256Hex(t)));
      expect(hashes.size).to.equal(texts.size);
      expect(texts.size).to.be.greaterThan(20);
    });
  });
});
