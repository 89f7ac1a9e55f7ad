import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DatanetClient,
  DatanetIndexer,
  IntegrityError,
  InvalidInputError,
  TermsChangedError,
  commitmentOf,
  contentId,
  contributionIdOf,
  fromPolicyTuple,
  sha256Hex,
} from "../../sdk/src";
import type { ProtocolError } from "../../sdk/src";
import type { ContractTransactionReceipt } from "ethers";
import { submitFile } from "../../sdk/src/node";
import { seededRandom } from "../helpers/random";
import { DAY, sdkFixture, sdkPolicy } from "../fixtures/sdk";
import { rejection } from "../helpers/rejection";

const BOND = ethers.parseEther("1");

const nonce = (address: string) => ethers.provider.getTransactionCount(address);

/** The salt a failed reveal's hint gives back, to retry without a new commitment. */
const saltOf = (error: ProtocolError) => /salt: "(0x[0-9a-f]{64})"/.exec(error.hint!)![1];

/** Accepts a contribution of Datanet 1 with validators v1 and v2 (quorum 2). */
async function accept(f: Awaited<ReturnType<typeof sdkFixture>>, contentHash: string, datanetId = f.datanetId) {
  await f.clients.v1.vote(datanetId, contentHash, true);
  await f.clients.v2.vote(datanetId, contentHash, true);
}

function eventsOf(f: Awaited<ReturnType<typeof sdkFixture>>, receipt: ContractTransactionReceipt, name: string) {
  return receipt.logs
    .filter((l) => l.address === f.registry)
    .map((l) => f.datanets.interface.parseLog(l))
    .filter((e) => e?.name === name)
    .map((e) => e!.args);
}

describe("DatanetClient", function () {
  describe("connect", function () {
    it("reads the bond token from the registry", async function () {
      const { datanets, open, registry, owner } = await loadFixture(sdkFixture);
      const client = await DatanetClient.connect(registry, owner);
      expect(await client.token.getAddress()).to.equal(await open.getAddress());
      expect(await client.registry.getAddress()).to.equal(await datanets.getAddress());
    });

    it("refuses a string that is not an address", async function () {
      const { owner } = await loadFixture(sdkFixture);
      const error = await rejection(DatanetClient.connect("0x1234", owner), InvalidInputError);
      expect(error.message).to.equal('"0x1234" is not an address.');
    });

    it("gives a client that sends from the signer it is connected to", async function () {
      const { client, datanetId, bob } = await loadFixture(sdkFixture);
      const r = await client.connect(bob).submit({ datanetId, content: "from bob" });
      expect((await client.contribution({ datanetId, contentHash: r.contentHash })).contributor).to.equal(bob.address);
      expect(r.receipt.from).to.equal(bob.address);
    });
  });

  describe("createDatanet", function () {
    it("returns the id of the new Datanet, minted to the signer with the given terms", async function () {
      const { clients, datanets, alice, v1, v3 } = await loadFixture(sdkFixture);
      const policy = sdkPolicy({ bond: 5n, quorum: 1, reviewWindow: 3600, accessMode: "Permissioned" });
      const { datanetId, receipt } = await clients.alice.createDatanet({
        uri: "ipfs://alice-set",
        policy,
        validators: [v3.address, v1.address],
      });
      expect(datanetId).to.equal(2n);
      expect(await datanets.datanetCount()).to.equal(2n);
      expect(receipt.status).to.equal(1);
      expect(await datanets.ownerOf(datanetId)).to.equal(alice.address);
      expect(await datanets.tokenURI(datanetId)).to.equal("ipfs://alice-set");
      expect(fromPolicyTuple(await datanets.getPolicy(datanetId, 1))).to.deep.equal(policy);
      expect(await datanets.getValidators(datanetId, 1)).to.deep.equal([v3.address, v1.address]);
    });

    it("refuses a validator that is not an address without sending anything", async function () {
      const { client, owner, v1 } = await loadFixture(sdkFixture);
      const before = await nonce(owner.address);
      const error = await rejection(
        client.createDatanet({ uri: "", policy: sdkPolicy(), validators: [v1.address, "validator-2"] }),
        InvalidInputError,
      );
      expect(error.message).to.equal('Validator "validator-2" is not an address.');
      expect(await nonce(owner.address)).to.equal(before);
    });
  });

  describe("submit", function () {
    it("returns the contribution id, sha-256, CID, byte size and an ipfs:// uri", async function () {
      const f = await loadFixture(sdkFixture);
      const { clients, datanets, datanetId, alice } = f;
      const text = "Grüße aus Zürich — a contribution with multi-byte characters.";
      const r = await clients.alice.submit({ datanetId, content: text });
      const expected = contentId(text);
      expect(r.contentHash).to.equal("0x" + createHash("sha256").update(text, "utf8").digest("hex"));
      expect(r.contributionId).to.equal(await datanets.contributionIdOf(datanetId, r.contentHash, 1));
      expect(r.cid).to.equal(expected.cid);
      expect(r.size).to.equal(Buffer.byteLength(text, "utf8"));
      expect(r.uri).to.equal(`ipfs://${expected.cid}`);
      const [event] = eventsOf(f, r.receipt, "ContributionSubmitted");
      expect(event.contributor).to.equal(alice.address);
      expect(event.contentHash).to.equal(r.contentHash);
      expect(event.size).to.equal(BigInt(r.size));
      expect(event.uri).to.equal(r.uri);
      expect(event.bond).to.equal(BOND);
      expect(event.fromCredit).to.equal(false);
      expect((await datanets.getContribution(datanetId, r.contentHash)).status).to.equal(1n);
    });

    it("emits the uri it is given instead of the default", async function () {
      const f = await loadFixture(sdkFixture);
      const r = await f.clients.alice.submit({
        datanetId: f.datanetId,
        content: "mirrored",
        uri: "https://example.org/m",
      });
      expect(r.uri).to.equal("https://example.org/m");
      expect(eventsOf(f, r.receipt, "ContributionSubmitted")[0].uri).to.equal("https://example.org/m");
    });

    it("approves the bond first when the allowance is short", async function () {
      const f = await loadFixture(sdkFixture);
      const { clients, datanetId, dave, open, registry } = f;
      const [balance, held, count] = [
        await open.balanceOf(dave),
        await open.balanceOf(registry),
        await nonce(dave.address),
      ];
      await clients.dave.submit({ datanetId, content: "dave's first" });
      // The commitment, the approval and the reveal.
      expect(await nonce(dave.address)).to.equal(count + 3);
      const approvals = await open.queryFilter(open.filters.Approval(dave.address, registry));
      expect(approvals.map((e) => e.args.value)).to.deep.equal([BOND]);
      expect(await open.allowance(dave, registry)).to.equal(0n);
      expect(await open.balanceOf(dave)).to.equal(balance - BOND);
      expect(await open.balanceOf(registry)).to.equal(held + BOND);
    });

    it("sends only the submission when the allowance covers the bond", async function () {
      const { clients, datanetId, alice, open, registry } = await loadFixture(sdkFixture);
      const [balance, count] = [await open.balanceOf(alice), await nonce(alice.address)];
      await clients.alice.submit({ datanetId, content: "alice pays" });
      expect(await nonce(alice.address)).to.equal(count + 2);
      expect(await open.balanceOf(alice)).to.equal(balance - BOND);
      expect(await open.allowance(alice, registry)).to.equal(ethers.MaxUint256);
    });

    it("does not approve when approve is false and uses the allowance given by hand", async function () {
      const { clients, datanetId, dave, open, registry } = await loadFixture(sdkFixture);
      await (await open.connect(dave).approve(registry, BOND)).wait();
      const count = await nonce(dave.address);
      await clients.dave.submit({ datanetId, content: "approved by hand", approve: false });
      expect(await nonce(dave.address)).to.equal(count + 2);
      expect(await open.allowance(dave, registry)).to.equal(0n);
    });

    it("pays the bond from bond credit when there is enough, leaving the wallet untouched", async function () {
      const f = await loadFixture(sdkFixture);
      const { clients, datanetId, alice, open, registry, datanets } = f;
      const first = await clients.alice.submit({ datanetId, content: "accepted first" });
      await accept(f, first.contentHash);
      expect(await clients.alice.bondCredit(alice.address)).to.equal(BOND);
      const [balance, held] = [await open.balanceOf(alice), await open.balanceOf(registry)];
      const second = await clients.alice.submit({ datanetId, content: "paid from credit" });
      expect(eventsOf(f, second.receipt, "ContributionSubmitted")[0].fromCredit).to.equal(true);
      expect(await open.balanceOf(alice)).to.equal(balance);
      expect(await open.balanceOf(registry)).to.equal(held);
      expect(await datanets.bondCredit(alice.address)).to.equal(0n);
    });

    it("does not approve when bond credit covers the bond, even without allowance", async function () {
      const f = await loadFixture(sdkFixture);
      const { clients, datanetId, dave, open, registry } = f;
      const first = await clients.dave.submit({ datanetId, content: "dave accepted" });
      await accept(f, first.contentHash);
      expect(await open.allowance(dave, registry)).to.equal(0n);
      const [balance, count] = [await open.balanceOf(dave), await nonce(dave.address)];
      await clients.dave.submit({ datanetId, content: "dave from credit" });
      expect(await nonce(dave.address)).to.equal(count + 2);
      expect(await open.balanceOf(dave)).to.equal(balance);
    });

    it("does not approve anything for a Datanet without bond", async function () {
      const { client, clients, dave, v1, open } = await loadFixture(sdkFixture);
      const { datanetId } = await client.createDatanet({
        uri: "",
        policy: sdkPolicy({ bond: 0n, quorum: 1 }),
        validators: [v1.address],
      });
      const [balance, count] = [await open.balanceOf(dave), await nonce(dave.address)];
      await clients.dave.submit({ datanetId, content: "free" });
      expect(await nonce(dave.address)).to.equal(count + 2);
      expect(await open.balanceOf(dave)).to.equal(balance);
    });

    it("commits first and reveals in a later block, returning the commitment, salt, terms and bond", async function () {
      const f = await loadFixture(sdkFixture);
      const { clients, datanets, datanetId, alice } = f;
      const r = await clients.alice.submit({ datanetId, content: "two steps" });
      const [committed] = await datanets.queryFilter(datanets.filters.ContributionCommitted(r.commitment));
      expect(committed.args.contributor).to.equal(alice.address);
      expect(committed.blockNumber).to.be.lessThan(r.receipt.blockNumber);
      expect(r.commitment).to.equal(commitmentOf(alice.address, datanetId, r.contentHash, r.salt));
      expect(await datanets.committedAt(r.commitment)).to.equal(0n);
      expect([r.termsVersion, r.bond]).to.deep.equal([1, BOND]);
    });

    it("sends the terms it is given, and nothing is bonded when they are no longer current", async function () {
      const { client, clients, datanetId, alice, open } = await loadFixture(sdkFixture);
      await client.setPolicy(datanetId, sdkPolicy({ bond: 2n * BOND }));
      const balance = await open.balanceOf(alice);
      const error = await rejection(
        clients.alice.submit({ datanetId, content: "read under terms 1", termsVersion: 1 }),
        TermsChangedError,
      );
      expect(error.errorName).to.equal("DatanetTermsChanged");
      expect(error.args).to.deep.equal({ datanetId, expected: 1n, current: 2n });
      expect(error.shortMessage).to.equal(
        "Datanet 1's terms changed from version 1 to 2 before the submission was mined; nothing was submitted.",
      );
      expect(await open.balanceOf(alice)).to.equal(balance);
      const r = await clients.alice.submit({ datanetId, content: "read under terms 2" });
      expect([r.termsVersion, r.bond]).to.deep.equal([2, 2n * BOND]);
    });

    it("quotes the surge bond, approves it and refuses to post more than maxBond", async function () {
      const { client, clients, v1, v2, v3, datanets } = await loadFixture(sdkFixture);
      const { datanetId } = await client.createDatanet({
        uri: "",
        policy: sdkPolicy({ datanetDailyBytes: 8_000n }),
        validators: [v1.address, v2.address, v3.address],
      });
      await clients.alice.submit({ datanetId, content: "x".repeat(6_000) });
      expect(await clients.dave.bondFor(datanetId, 1_000)).to.equal(BOND << 3n);
      const error = await rejection(
        clients.dave.submit({ datanetId, content: "y".repeat(1_000), maxBond: 4n * BOND }),
        TermsChangedError,
      );
      expect(error.errorName).to.equal("DatanetBondAboveMax");
      expect(error.args).to.deep.equal({ datanetId, bond: 8n * BOND, maxBond: 4n * BOND });
      expect(error.hint).to.contain("raise maxBond, or submit after 00:00 UTC");
      const r = await clients.dave.submit({ datanetId, content: "y".repeat(1_000), salt: saltOf(error) });
      expect(r.bond).to.equal(8n * BOND);
      expect((await datanets.getContribution(datanetId, r.contentHash)).surgeLevel).to.equal(3n);
    });

    it("expires a pending attempt past its review deadline first, then submits the content again", async function () {
      const { clients, datanetId, datanets, alice, bob, open } = await loadFixture(sdkFixture);
      const first = await clients.alice.submit({ datanetId, content: "left unreviewed" });
      await time.increase(DAY + 1);
      const balance = await open.balanceOf(alice);
      const again = await clients.bob.submit({ datanetId, content: "left unreviewed" });
      expect(await open.balanceOf(alice)).to.equal(balance + BOND);
      expect(again.contributionId).to.equal(contributionIdOf(datanetId, first.contentHash, 2));
      const view = await clients.bob.contribution({ datanetId, contentHash: first.contentHash });
      expect([view.attempt, view.contributor, view.status]).to.deep.equal([2, bob.address, "Pending"]);
      expect((await datanets.queryFilter(datanets.filters.ContributionExpired())).length).to.equal(1);
    });

    it("refuses empty content without sending anything", async function () {
      const { clients, datanetId, alice } = await loadFixture(sdkFixture);
      const count = await nonce(alice.address);
      await rejection(clients.alice.submit({ datanetId, content: "" }), InvalidInputError);
      expect(await nonce(alice.address)).to.equal(count);
    });
  });

  describe("submitFile", function () {
    let dir: string;
    before(async function () {
      dir = await mkdtemp(join(tmpdir(), "datanet-client-"));
    });
    after(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    it("submits the bytes of a file", async function () {
      const { clients, datanetId, datanets } = await loadFixture(sdkFixture);
      const random = seededRandom(4096);
      const content = Buffer.from(Array.from({ length: 2048 }, () => Math.floor(random() * 256)));
      const path = join(dir, "sample.bin");
      await writeFile(path, content);
      const r = await submitFile(clients.alice, { datanetId, path, uri: "ipfs://sample" });
      expect(r.contentHash).to.equal("0x" + createHash("sha256").update(content).digest("hex"));
      expect(r.size).to.equal(2048);
      expect(r.uri).to.equal("ipfs://sample");
      expect((await datanets.getContribution(datanetId, r.contentHash)).size).to.equal(2048n);
    });

    it("throws InvalidInputError naming a file that cannot be read", async function () {
      const { clients, datanetId } = await loadFixture(sdkFixture);
      const path = join(dir, "missing.eml");
      const error = await rejection(submitFile(clients.alice, { datanetId, path }), InvalidInputError);
      expect(error.message).to.equal(`Cannot read "${path}".`);
      expect((error.cause as NodeJS.ErrnoException).code).to.equal("ENOENT");
    });
  });

  describe("vote", function () {
    it("accepts a contribution at quorum and counts the votes", async function () {
      const f = await loadFixture(sdkFixture);
      const { clients, datanetId, v1 } = f;
      const r = await clients.alice.submit({ datanetId, content: "good" });
      const receipt = await clients.v1.vote(datanetId, r.contentHash, true);
      expect(eventsOf(f, receipt, "VoteCast")[0].validator).to.equal(v1.address);
      expect((await clients.alice.contribution({ datanetId, contentHash: r.contentHash })).status).to.equal("Pending");
      const last = await clients.v2.vote(datanetId, r.contentHash, true);
      expect(eventsOf(f, last, "ContributionAccepted")).to.have.length(1);
      const view = await clients.alice.contribution({ datanetId, contentHash: r.contentHash });
      expect([view.status, view.accepts, view.rejects]).to.deep.equal(["Accepted", 2, 0]);
    });

    it("rejects a contribution at quorum and slashes the bond to the treasury", async function () {
      const { clients, datanetId, datanets } = await loadFixture(sdkFixture);
      const r = await clients.alice.submit({ datanetId, content: "bad" });
      await clients.v1.vote(datanetId, r.contentHash, true);
      await clients.v2.vote(datanetId, r.contentHash, false);
      await clients.v3.vote(datanetId, r.contentHash, false);
      const view = await clients.alice.contribution({ datanetId, contentHash: r.contentHash });
      expect([view.status, view.accepts, view.rejects]).to.deep.equal(["Rejected", 1, 2]);
      expect(await datanets.treasuryBalance(datanetId)).to.equal(BOND);
    });
  });

  describe("reclaimBond", function () {
    it("expires a contribution after its review window and returns the bond to the wallet", async function () {
      const { clients, datanetId, alice, open } = await loadFixture(sdkFixture);
      const balance = await open.balanceOf(alice);
      const r = await clients.alice.submit({ datanetId, content: "ignored" });
      await time.increase(DAY + 1);
      await clients.bob.reclaimBond(datanetId, r.contentHash);
      expect((await clients.alice.contribution({ datanetId, contentHash: r.contentHash })).status).to.equal("Expired");
      expect(await open.balanceOf(alice)).to.equal(balance);
      expect(await clients.alice.bondCredit(alice.address)).to.equal(0n);
    });
  });

  describe("withdrawBondCredit and bondCredit", function () {
    it("withdraws credit to the signer by default and to another address when given", async function () {
      const f = await loadFixture(sdkFixture);
      const { clients, datanetId, alice, carol, open } = f;
      for (const text of ["credit one", "credit two"]) {
        await accept(f, (await clients.alice.submit({ datanetId, content: text })).contentHash);
      }
      // The second bond was paid from the first refund, so one bond of credit is left.
      expect(await clients.alice.bondCredit(alice.address)).to.equal(BOND);
      const [aliceBalance, carolBalance] = [await open.balanceOf(alice), await open.balanceOf(carol)];
      await clients.alice.withdrawBondCredit(BOND / 4n);
      expect(await open.balanceOf(alice)).to.equal(aliceBalance + BOND / 4n);
      expect(await clients.bob.bondCredit(alice.address)).to.equal((3n * BOND) / 4n);
      await clients.alice.withdrawBondCredit((3n * BOND) / 4n, carol.address);
      expect(await open.balanceOf(carol)).to.equal(carolBalance + (3n * BOND) / 4n);
      expect(await open.balanceOf(alice)).to.equal(aliceBalance + BOND / 4n);
      expect(await clients.alice.bondCredit(alice.address)).to.equal(0n);
    });
  });

  describe("contribution", function () {
    it("reads the latest attempt of a content hash in a Datanet", async function () {
      const { clients, datanetId, alice } = await loadFixture(sdkFixture);
      const r = await clients.alice.submit({ datanetId, content: "look me up" });
      await clients.v1.vote(datanetId, r.contentHash, true);
      await clients.v2.vote(datanetId, r.contentHash, false);
      const block = await ethers.provider.getBlock(r.receipt.blockNumber);
      const commitBlock = await ethers.provider.getBlock(r.receipt.blockNumber - 1);
      expect(await clients.bob.contribution({ datanetId, contentHash: r.contentHash })).to.deep.equal({
        id: r.contributionId,
        datanetId,
        contentHash: r.contentHash,
        contributor: alice.address,
        status: "Pending",
        attempt: 1,
        size: BigInt(r.size),
        submittedAt: block!.timestamp,
        committedAt: commitBlock!.timestamp,
        termsVersion: 1,
        bond: BOND,
        surgeLevel: 0,
        accepts: 1,
        rejects: 1,
      });
    });

    it("names every status a contribution reaches", async function () {
      const f = await loadFixture(sdkFixture);
      const { clients, datanetId } = f;
      const status = async (hash: string) =>
        (await clients.owner.contribution({ datanetId, contentHash: hash })).status;
      const [pending, accepted, rejected, expired] = ["pending", "accepted", "rejected", "expired"].map(sha256Hex);
      for (const s of ["expired", "pending", "accepted", "rejected"]) {
        await clients.alice.submit({ datanetId, content: s });
        if (s === "expired") await time.increase(DAY + 1);
      }
      await accept(f, accepted);
      await clients.v1.vote(datanetId, rejected, false);
      await clients.v3.vote(datanetId, rejected, false);
      await clients.owner.reclaimBond(datanetId, expired);
      expect([
        await status(pending),
        await status(accepted),
        await status(rejected),
        await status(expired),
      ]).to.deep.equal(["Pending", "Accepted", "Rejected", "Expired"]);
    });

    it("throws InvalidInputError for a contribution that does not exist", async function () {
      const { client, datanetId } = await loadFixture(sdkFixture);
      const missing = await rejection(
        client.contribution({ datanetId, contentHash: sha256Hex("missing") }),
        InvalidInputError,
      );
      expect(missing.shortMessage).to.contain("was never submitted to Datanet 1");
      expect(missing.hint).to.equal("Check the Datanet id and content hash.");
    });
  });

  describe("reputation", function () {
    it("returns the accepted and rejected counts and the accepted bytes", async function () {
      const f = await loadFixture(sdkFixture);
      const { clients, datanetId, alice, datanets } = f;
      const texts = ["1234567890", "abcde", "rejected one"];
      const hashes = [];
      for (const t of texts) hashes.push((await clients.alice.submit({ datanetId, content: t })).contentHash);
      await accept(f, hashes[0]);
      await accept(f, hashes[1]);
      await clients.v1.vote(datanetId, hashes[2], false);
      await clients.v2.vote(datanetId, hashes[2], false);
      const rep = await clients.bob.reputation(datanetId, alice.address);
      expect(rep).to.deep.equal({ accepted: 2, rejected: 1, acceptedBytes: 15n });
      const onchain = await datanets.reputation(datanetId, alice.address);
      expect([onchain.accepted, onchain.rejected, onchain.acceptedBytes]).to.deep.equal([2n, 1n, 15n]);
      expect(await clients.bob.reputation(datanetId, f.bob.address)).to.deep.equal({
        accepted: 0,
        rejected: 0,
        acceptedBytes: 0n,
      });
    });
  });

  describe("policy, setPolicy, setValidators and setModelAccess", function () {
    it("policy returns the policy the Datanet was created with", async function () {
      const { client, datanetId } = await loadFixture(sdkFixture);
      expect(await client.policy(datanetId)).to.deep.equal(sdkPolicy());
    });

    it("setPolicy changes the policy for new submissions only", async function () {
      const { client, clients, datanetId, datanets } = await loadFixture(sdkFixture);
      const before = await clients.alice.submit({ datanetId, content: "under terms 1" });
      const next = sdkPolicy({ bond: 3n, maxFileBytes: 2048n, reviewWindow: 7 * DAY });
      await client.setPolicy(datanetId, next);
      expect(await client.policy(datanetId)).to.deep.equal(next);
      expect(await datanets.currentTermsVersion(datanetId)).to.equal(2n);
      const after = await clients.alice.submit({ datanetId, content: "under terms 2" });
      expect((await client.contribution({ datanetId, contentHash: before.contentHash })).termsVersion).to.equal(1);
      expect((await client.contribution({ datanetId, contentHash: after.contentHash })).termsVersion).to.equal(2);
    });

    it("setValidators replaces who reviews new submissions", async function () {
      const { client, clients, datanetId, datanets, v2, v3, outsider } = await loadFixture(sdkFixture);
      const old = await clients.alice.submit({ datanetId, content: "old terms" });
      await client.setValidators(datanetId, [v2.address, v3.address, outsider.address]);
      expect(await datanets.getValidators(datanetId, 2)).to.deep.equal([v2.address, v3.address, outsider.address]);
      expect(await client.policy(datanetId)).to.deep.equal(sdkPolicy());
      const fresh = await clients.alice.submit({ datanetId, content: "new terms" });
      await clients.outsider.vote(datanetId, fresh.contentHash, true);
      await clients.v2.vote(datanetId, fresh.contentHash, true);
      await clients.v1.vote(datanetId, old.contentHash, true);
      expect((await client.contribution({ datanetId, contentHash: fresh.contentHash })).status).to.equal("Accepted");
      expect((await client.contribution({ datanetId, contentHash: old.contentHash })).accepts).to.equal(1);
    });

    it("setModelAccess approves and revokes a model registrant on a permissioned Datanet", async function () {
      const { client, datanetId, datanets, outsider } = await loadFixture(sdkFixture);
      expect(await datanets.canTrainOn(datanetId, outsider.address)).to.equal(true);
      await client.setPolicy(datanetId, sdkPolicy({ accessMode: "Permissioned" }));
      expect((await client.policy(datanetId)).accessMode).to.equal("Permissioned");
      expect(await datanets.canTrainOn(datanetId, outsider.address)).to.equal(false);
      const receipt = await client.setModelAccess(datanetId, outsider.address, true);
      expect(receipt.status).to.equal(1);
      expect(await datanets.canTrainOn(datanetId, outsider.address)).to.equal(true);
      await client.setModelAccess(datanetId, outsider.address, false);
      expect(await datanets.canTrainOn(datanetId, outsider.address)).to.equal(false);
    });
  });

  describe("publishVersion and verifyVersion", function () {
    async function acceptSome(f: Awaited<ReturnType<typeof sdkFixture>>, texts: string[]) {
      for (const t of texts)
        await accept(f, (await f.clients.alice.submit({ datanetId: f.datanetId, content: t })).contentHash);
    }

    it("publishVersion returns the version number, count and digest stored on-chain", async function () {
      const f = await loadFixture(sdkFixture);
      const { client, datanetId, datanets } = f;
      await acceptSome(f, ["v1 a", "v1 b"]);
      const first = await client.publishVersion(datanetId);
      const [count, digest] = await datanets.currentDigest(datanetId);
      expect([first.version, first.count, first.digest]).to.deep.equal([1, 2, digest]);
      expect(count).to.equal(2n);
      await acceptSome(f, ["v2 c"]);
      const second = await client.publishVersion(datanetId);
      const stored = await datanets.getVersion(datanetId, 2);
      expect([second.version, second.count, second.digest]).to.deep.equal([2, 3, stored.digest]);
      expect(second.digest).to.not.equal(first.digest);
      expect(second.receipt.status).to.equal(1);
    });

    it("verifyVersion recomputes each version from events alone and finds it valid", async function () {
      const f = await loadFixture(sdkFixture);
      const { client, datanetId, datanets } = f;
      await acceptSome(f, ["x", "y"]);
      await client.publishVersion(datanetId);
      await acceptSome(f, ["z"]);
      await client.publishVersion(datanetId);
      for (const version of [1, 2]) {
        const check = await client.verifyVersion(datanetId, version);
        const stored = await datanets.getVersion(datanetId, version);
        expect(check).to.deep.equal({
          version,
          count: Number(stored.count),
          onchainDigest: stored.digest,
          recomputedDigest: stored.digest,
          valid: true,
        });
      }
    });

    it("verifyVersion reuses a synced indexer", async function () {
      const f = await loadFixture(sdkFixture);
      const { client, datanetId, registry } = f;
      await acceptSome(f, ["only"]);
      const { digest } = await client.publishVersion(datanetId);
      const indexer = new DatanetIndexer(ethers.provider, registry);
      await indexer.sync();
      const check = await client.verifyVersion(datanetId, 1, indexer);
      expect([check.valid, check.count, check.recomputedDigest]).to.deep.equal([true, 1, digest]);
    });

    it("verifyVersion throws IntegrityError with an indexer synced before the version's acceptances", async function () {
      const f = await loadFixture(sdkFixture);
      const { client, datanetId, registry } = f;
      const stale = new DatanetIndexer(ethers.provider, registry);
      await stale.sync();
      await acceptSome(f, ["late"]);
      await client.publishVersion(datanetId);
      const error = await rejection(client.verifyVersion(datanetId, 1, stale), IntegrityError);
      expect(error.shortMessage).to.equal("The events hold 0 acceptances but version 1 counts 1.");
      expect(error.hint).to.equal("Sync the indexer to the latest block.");
    });
  });

  describe("without a signer", function () {
    it("refuses every transaction with InvalidInputError before sending", async function () {
      const { registry, datanetId, v1, alice } = await loadFixture(sdkFixture);
      const readOnly = await DatanetClient.connect(registry, ethers.provider);
      const hash = sha256Hex("anything");
      const attempts: [string, () => Promise<unknown>][] = [
        ["createDatanet", () => readOnly.createDatanet({ uri: "", policy: sdkPolicy(), validators: [v1.address] })],
        ["setPolicy", () => readOnly.setPolicy(datanetId, sdkPolicy())],
        ["setValidators", () => readOnly.setValidators(datanetId, [v1.address])],
        ["setModelAccess", () => readOnly.setModelAccess(datanetId, v1.address, true)],
        ["submit", () => readOnly.submit({ datanetId, content: "x" })],
        ["submit without approving", () => readOnly.submit({ datanetId, content: "x", approve: false })],
        ["vote", () => readOnly.vote(datanetId, hash, true)],
        ["reclaimBond", () => readOnly.reclaimBond(datanetId, hash)],
        ["withdrawBondCredit", () => readOnly.withdrawBondCredit(1n)],
        ["withdrawBondCredit to an address", () => readOnly.withdrawBondCredit(1n, alice.address)],
        ["publishVersion", () => readOnly.publishVersion(datanetId)],
      ];
      for (const [name, attempt] of attempts) {
        let error: unknown;
        await attempt().catch((e) => (error = e));
        expect(error, name).to.be.instanceOf(InvalidInputError);
        expect((error as Error).message, name).to.contain("no signer");
      }
    });

    it("still reads policies, credits and contributions", async function () {
      const { registry, datanetId, clients, alice } = await loadFixture(sdkFixture);
      const r = await clients.alice.submit({ datanetId, content: "readable" });
      const readOnly = await DatanetClient.connect(registry, ethers.provider);
      expect(await readOnly.policy(datanetId)).to.deep.equal(sdkPolicy());
      expect(await readOnly.bondCredit(alice.address)).to.equal(0n);
      expect((await readOnly.contribution({ datanetId, contentHash: r.contentHash })).contributor).to.equal(
        alice.address,
      );
    });
  });
});
