import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, MaxUint256, ZeroHash, keccak256 } from "ethers";
import { contributionIdOf, digestOf, foldDigest, sha256Hex } from "../../sdk/src";
import type { Acceptance } from "../../sdk/src";
import { seededRandom } from "../helpers/random";
import { sdkFixture, sdkPolicy } from "../fixtures/sdk";

/**
 * {@link sdkFixture} plus six contributions to Datanet 1, four accepted in an order unlike the submission order,
 * one rejected and one left pending, and a second Datanet with one acceptance of content also accepted in Datanet 1.
 */
async function acceptancesFixture() {
  const f = await sdkFixture();
  const { clients, datanetId, v1, v2, v3 } = f;
  const texts = ["first", "second", "third", "fourth", "fifth", "sixth"].map((w) => `The ${w} contribution.`);
  const by = [clients.alice, clients.bob, clients.carol, clients.alice, clients.bob, clients.carol];
  const hashes: string[] = [];
  for (const [i, text] of texts.entries()) hashes.push((await by[i].submit({ datanetId, content: text })).contentHash);
  // Accept 4, 1, 6, 2 (in that order); reject 3; leave 5 pending with a single accept.
  const accepted = [3, 0, 5, 1];
  for (const i of accepted) {
    await clients.v1.vote(datanetId, hashes[i], true);
    await clients.v3.vote(datanetId, hashes[i], true);
  }
  await clients.v2.vote(datanetId, hashes[2], false);
  await clients.v3.vote(datanetId, hashes[2], false);
  await clients.v2.vote(datanetId, hashes[4], true);

  const { datanetId: otherId } = await clients.bob.createDatanet({
    uri: "ipfs://other",
    policy: sdkPolicy({ quorum: 1 }),
    validators: [v1.address, v2.address, v3.address],
  });
  await clients.alice.submit({ datanetId: otherId, content: texts[3] });
  await clients.v2.vote(otherId, hashes[3], true);
  return { ...f, texts, hashes, accepted, otherId };
}

describe("Datanet digests", function () {
  describe("contributionIdOf", function () {
    it("matches the registry's contributionIdOf for edge-case and seeded random inputs", async function () {
      const { datanets } = await loadFixture(acceptancesFixture);
      const random = seededRandom(99);
      const randomHash = () => ethers.hexlify(Uint8Array.from({ length: 32 }, () => Math.floor(random() * 256)));
      const cases: [bigint, string, number][] = [
        [0n, ZeroHash, 1],
        [1n, sha256Hex("hello"), 2],
        [2n ** 64n - 1n, ethers.toBeHex(MaxUint256, 32), 2 ** 32 - 1],
        [MaxUint256, sha256Hex("abc"), 1],
      ];
      for (let i = 0; i < 20; i++) {
        cases.push([BigInt(Math.floor(random() * 1e9)), randomHash(), 1 + Math.floor(random() * 4)]);
      }
      for (const [datanetId, hash, attempt] of cases) {
        expect(contributionIdOf(datanetId, hash, attempt), `${datanetId} ${hash} ${attempt}`).to.equal(
          await datanets.contributionIdOf(datanetId, hash, attempt),
        );
      }
    });

    it("gives each attempt of the same content its own id, the first one by default", function () {
      const hash = sha256Hex("resubmitted bytes");
      const ids = [1, 2, 3].map((attempt) => contributionIdOf(1n, hash, attempt));
      expect(new Set(ids).size).to.equal(3);
      expect(contributionIdOf(1n, hash)).to.equal(ids[0]);
    });

    it("differs between Datanets for the same content", function () {
      const hash = sha256Hex("same bytes");
      expect(contributionIdOf(1n, hash)).to.not.equal(contributionIdOf(2n, hash));
    });

    it("is the id the registry stores the submitted contribution under", async function () {
      const { datanets, datanetId, hashes, alice } = await loadFixture(acceptancesFixture);
      const stored = await datanets.getContribution(datanetId, hashes[0]);
      expect(stored.contributor).to.equal(alice.address);
      expect(stored.contributionId).to.equal(contributionIdOf(datanetId, hashes[0]));
    });
  });

  describe("foldDigest and digestOf", function () {
    it("digestOf of no acceptances is the zero hash, as a Datanet without acceptances", async function () {
      const { datanets, client, v1 } = await loadFixture(acceptancesFixture);
      expect(digestOf([])).to.equal(ZeroHash);
      const { datanetId } = await client.createDatanet({
        uri: "",
        policy: sdkPolicy({ quorum: 1 }),
        validators: [v1.address],
      });
      expect(await datanets.currentDigest(datanetId)).to.deep.equal([0n, ZeroHash]);
    });

    it("foldDigest is keccak256(abi.encode(previous, contributionId, contentHash))", function () {
      const previous = keccak256("0x01");
      const hash = sha256Hex("x");
      const expected = keccak256(
        AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256", "bytes32"], [previous, 7n, hash]),
      );
      expect(foldDigest(previous, 7n, hash)).to.equal(expected);
    });

    it("equals ethers' ABI encoding and keccak256 for seeded random and mixed-case inputs", function () {
      const random = seededRandom(123);
      const word = () => ethers.hexlify(Uint8Array.from({ length: 32 }, () => Math.floor(random() * 256)));
      const coder = AbiCoder.defaultAbiCoder();
      for (let i = 0; i < 200; i++) {
        const previous = i % 2 === 0 ? word() : word().toUpperCase().replace("0X", "0x");
        const id = i === 0 ? MaxUint256 : BigInt(word());
        const hash = word();
        expect(foldDigest(previous, id, hash), `case ${i}`).to.equal(
          keccak256(coder.encode(["bytes32", "uint256", "bytes32"], [previous, id, hash])),
        );
        expect(contributionIdOf(id, hash, 1 + (i % 3)), `id ${i}`).to.equal(
          BigInt(
            keccak256(
              i % 3 === 0
                ? coder.encode(["uint256", "bytes32"], [id, hash])
                : coder.encode(["uint256", "bytes32", "uint32"], [id, hash, 1 + (i % 3)]),
            ),
          ),
        );
      }
    });

    it("rejects what the ABI cannot encode, as ethers' coder does", function () {
      expect(() => foldDigest("0x1234", 1n, ZeroHash)).to.throw();
      expect(() => foldDigest(ZeroHash, -1n, ZeroHash)).to.throw();
      expect(() => foldDigest(ZeroHash, MaxUint256 + 1n, ZeroHash)).to.throw();
      expect(() => contributionIdOf(1n, "0xzz")).to.throw();
      expect(() => contributionIdOf(1n, ZeroHash, 2 ** 32)).to.throw();
      expect(() => contributionIdOf(1n, ZeroHash, -1)).to.throw();
    });

    it("reproduces every digest the registry emitted on acceptance", async function () {
      const { datanets, datanetId, hashes, accepted } = await loadFixture(acceptancesFixture);
      const events = await datanets.queryFilter(datanets.filters.ContributionAccepted(datanetId));
      expect(events.map((e) => e.args.contentHash)).to.deep.equal(accepted.map((i) => hashes[i]));
      let digest = ZeroHash;
      for (const [k, e] of events.entries()) {
        digest = foldDigest(digest, contributionIdOf(datanetId, e.args.contentHash), e.args.contentHash);
        expect(e.args.index).to.equal(BigInt(k + 1));
        expect(e.args.digest, `acceptance ${k + 1}`).to.equal(digest);
      }
    });

    it("digestOf the acceptances in order equals the registry's currentDigest", async function () {
      const { datanets, datanetId, hashes, accepted } = await loadFixture(acceptancesFixture);
      const acceptances: Acceptance[] = accepted.map((i) => ({
        contributionId: contributionIdOf(datanetId, hashes[i]),
        contentHash: hashes[i],
      }));
      const [count, digest] = await datanets.currentDigest(datanetId);
      expect(count).to.equal(4n);
      expect(digestOf(acceptances)).to.equal(digest);
      expect(digest).to.not.equal(ZeroHash);
    });

    it("depends on the order of acceptance and leaves out rejected and pending contributions", async function () {
      const { datanets, datanetId, hashes, accepted } = await loadFixture(acceptancesFixture);
      const [, digest] = await datanets.currentDigest(datanetId);
      const of = (indexes: number[]) =>
        digestOf(
          indexes.map((i) => ({ contributionId: contributionIdOf(datanetId, hashes[i]), contentHash: hashes[i] })),
        );
      expect(of([...accepted].sort())).to.not.equal(digest);
      expect(of([...accepted].reverse())).to.not.equal(digest);
      expect(of([...accepted, 2])).to.not.equal(digest);
      expect(of([...accepted, 4])).to.not.equal(digest);
      expect(of(accepted)).to.equal(digest);
    });

    it("matches the registry for each Datanet separately", async function () {
      const { datanets, otherId, hashes } = await loadFixture(acceptancesFixture);
      const [count, digest] = await datanets.currentDigest(otherId);
      expect(count).to.equal(1n);
      expect(digest).to.equal(foldDigest(ZeroHash, contributionIdOf(otherId, hashes[3]), hashes[3]));
    });

    it("equals the digest of a version published through the client", async function () {
      const { datanets, client, datanetId, hashes, accepted } = await loadFixture(acceptancesFixture);
      const published = await client.publishVersion(datanetId);
      const version = await datanets.getVersion(datanetId, published.version);
      const expected = digestOf(
        accepted.map((i) => ({ contributionId: contributionIdOf(datanetId, hashes[i]), contentHash: hashes[i] })),
      );
      expect(version.digest).to.equal(expected);
      expect(published.digest).to.equal(expected);
      expect(version.count).to.equal(BigInt(accepted.length));
    });
  });
});
