import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DatanetIndexer, contributionIdOf, foldDigest } from "../../sdk/src";
import { contentHash, datanetFixture } from "../fixtures/protocol";
import { ORDINARY_FEES, expectMinedRevert, mineInOneBlock, outbid } from "../helpers/blocks";
import { commitSubmission, freshSalt } from "../helpers/submission";

/*
 * Attacks on who owns a piece of content in a Datanet:
 * (a) a copier takes a submission seen in the mempool and gets it mined first, to become the contributor of record
 *     (reputation, the bond credit, every later attribution reward);
 * (b) a squatter submits someone else's content under a junk URI so that it is rejected, or the content expires while
 *     the validators are offline, and then the content could never enter the Datanet again.
 */

const BOND = ethers.parseEther("1");
const GAS = { gasLimit: 1_000_000n };
const WINDOW = 24n * 3600n;
const AUTHORS = contentHash("the author's e-mail");

/** Alice, the author, committed to her content in an earlier block; mallory is the copier. */
async function authorFixture() {
  const f = await loadFixture(datanetFixture);
  const mallory = f.bob;
  const authors = await commitSubmission(f.datanets, f.alice, 1n, AUTHORS, { size: 2_000, uri: "ipfs://author" });
  return { ...f, mallory, authors };
}

/** What a copier sees in the author's reveal: everything, the salt included. Its own commitment binds its address. */
function copyRequest(salt: string) {
  return { datanetId: 1n, contentHash: AUTHORS, size: 2_000, termsVersion: 1, maxBond: BOND, salt };
}

describe("Security: squatting content", function () {
  describe("(a) a copy of a submission seen in the mempool", function () {
    it("cannot be mined before the author's reveal: a commitment must be older than its reveal's block", async function () {
      const { datanets, alice, mallory, authors } = await authorFixture();
      const salt = freshSalt();
      const copied = await datanets.commitmentOf(mallory.address, 1n, AUTHORS, salt);
      // The copier sees the author's reveal pending and outbids it with a commitment and a reveal of its own.
      const { queued, hashes } = await mineInOneBlock(async () => {
        const original = await authors.reveal({ ...GAS, ...ORDINARY_FEES });
        const fees = { ...GAS, ...outbid(original) };
        const commit = await datanets.connect(mallory).commit(copied, fees);
        const copy = await datanets.connect(mallory).submit(copyRequest(salt), "ipfs://junk", fees);
        return { original, commit, copy };
      });
      expect(hashes).to.deep.equal([queued.commit.hash, queued.copy.hash, queued.original.hash]);
      const block = (await ethers.provider.getBlock((await queued.commit.wait())!.blockNumber))!;
      await expectMinedRevert(queued.copy, datanets.interface, "DatanetCommitmentTooRecent", [
        copied,
        BigInt(block.timestamp),
      ]);
      expect((await queued.original.wait())!.status).to.equal(1);
      const c = await datanets.getContribution(1n, AUTHORS);
      expect([c.contributor, c.attempt]).to.deep.equal([alice.address, 1n]);
      // The copier's later reveal only finds the author's contribution in its way.
      await expect(datanets.connect(mallory).submit(copyRequest(salt), "ipfs://junk"))
        .to.be.revertedWithCustomError(datanets, "DatanetDuplicateContent")
        .withArgs(1n, AUTHORS, contributionIdOf(1n, AUTHORS));
    });

    it("that gets in while the author's reveal is held back loses the contribution to the earlier commitment", async function () {
      const { datanets, alice, mallory, authors, v1, v2 } = await authorFixture();
      // The copier learnt the content (say from a reveal that failed on an allowance) and got its own copy in first.
      const copy = await commitSubmission(datanets, mallory, 1n, AUTHORS, { size: 2_000, uri: "ipfs://junk" });
      await copy.reveal();
      expect((await datanets.getContribution(1n, AUTHORS)).contributor).to.equal(mallory.address);

      await expect(authors.reveal())
        .to.emit(datanets, "ContributionSuperseded")
        .withArgs(1n, contributionIdOf(1n, AUTHORS), mallory.address, BOND);
      await datanets.connect(v1).vote(1n, AUTHORS, true);
      await datanets.connect(v2).vote(1n, AUTHORS, true);

      // Everything the contribution earns is the author's: reputation, the refunded bond, and the indexer's record,
      // which is what attribution credits.
      expect(await datanets.reputation(1n, alice.address)).to.deep.equal([1n, 0n, 2_000n]);
      expect(await datanets.reputation(1n, mallory.address)).to.deep.equal([0n, 0n, 0n]);
      expect(await datanets.bondCredit(alice.address)).to.equal(BOND);
      const indexer = new DatanetIndexer(ethers.provider, await datanets.getAddress());
      await indexer.sync();
      const accepted = indexer.datanet(1n).acceptances;
      expect(accepted).to.have.length(1);
      expect(indexer.contributions.get(accepted[0].contributionId)!.contributor).to.equal(alice.address);
      // The copier is refunded in full: copying gained it nothing and cost it only gas.
      expect(await datanets.bondCredit(mallory.address)).to.equal(BOND);
    });
  });

  describe("(b) content rejected after a squat, or expired while validators were offline", function () {
    it("can be submitted again by its author once the rejection cooled off, under a new id", async function () {
      const { datanets, alice, mallory, v1, v2 } = await authorFixture();
      const squat = await commitSubmission(datanets, mallory, 1n, contentHash("popular"), { uri: "ipfs://junk" });
      await squat.reveal();
      const deadline = await datanets.reviewDeadline(1n, contentHash("popular"));
      // The validators cannot fetch the junk URI and reject.
      await datanets.connect(v1).vote(1n, contentHash("popular"), false);
      await datanets.connect(v2).vote(1n, contentHash("popular"), false);

      const author = await commitSubmission(datanets, alice, 1n, contentHash("popular"), { uri: "ipfs://real" });
      const cooledOff = deadline + (await datanets.REJECTION_COOLING_OFF());
      await expect(author.reveal())
        .to.be.revertedWithCustomError(datanets, "DatanetRejectionCoolingOff")
        .withArgs(contributionIdOf(1n, contentHash("popular")), cooledOff);
      await time.increaseTo(cooledOff);
      const second = contributionIdOf(1n, contentHash("popular"), 2);
      await expect(author.reveal()).to.emit(datanets, "ContributionSubmitted");
      await datanets.connect(v1).vote(1n, contentHash("popular"), true);
      await expect(datanets.connect(v2).vote(1n, contentHash("popular"), true))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(
          1n,
          second,
          alice.address,
          contentHash("popular"),
          1n,
          foldDigest(ethers.ZeroHash, second, contentHash("popular")),
          BOND,
        );
      expect(second).to.not.equal(contributionIdOf(1n, contentHash("popular")));
    });

    it("can be submitted again at once after it expired, and the version digest stays reproducible", async function () {
      const { datanets, owner, alice, mallory, v1, v2 } = await authorFixture();
      const squat = await commitSubmission(datanets, mallory, 1n, contentHash("unreviewed"));
      await squat.reveal();
      await time.increase(WINDOW + 1n);
      await datanets.reclaimBond(1n, contentHash("unreviewed"));

      const author = await commitSubmission(datanets, alice, 1n, contentHash("unreviewed"));
      await author.reveal();
      await datanets.connect(v1).vote(1n, contentHash("unreviewed"), true);
      await datanets.connect(v2).vote(1n, contentHash("unreviewed"), true);
      await datanets.connect(owner).publishVersion(1n);
      const indexer = new DatanetIndexer(ethers.provider, await datanets.getAddress());
      await indexer.sync();
      const [version] = indexer.datanet(1n).versions;
      expect(version.recomputedDigest).to.equal(version.digest);
      expect(indexer.datanet(1n).acceptances).to.deep.equal([
        { contributionId: contributionIdOf(1n, contentHash("unreviewed"), 2), contentHash: contentHash("unreviewed") },
      ]);
    });
  });
});
