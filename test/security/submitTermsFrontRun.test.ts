import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { contentHash, datanetFixture, defaultPolicy } from "../fixtures/protocol";
import { ORDINARY_FEES, expectMinedRevert, mineInOneBlock, outbid } from "../helpers/blocks";
import { commitSubmission, submitContribution } from "../helpers/submission";

/*
 * Attack: a Datanet owner watches the mempool for a contributor's submission, and front-runs it in the same block with
 * new terms (a bond as large as the contributor's protocol-wide bond credit, himself as the only validators), then
 * rejects the submission and withdraws the slashed bond from the Datanet treasury. The submission carries the terms
 * version the contributor read and the most it agrees to bond, so it reverts instead.
 */

const BOND = ethers.parseEther("1");
const GAS = { gasLimit: 1_000_000n };

/** The victim, alice, holds 20 OPEN of bond credit from 20 accepted contributions, and commits to a 21st. */
async function victimFixture() {
  const f = await loadFixture(datanetFixture);
  const { datanets, alice, v1, v2 } = f;
  for (let n = 0; n < 20; n++) await submitContribution(datanets, alice, 1n, contentHash(n));
  for (let n = 0; n < 20; n++) {
    await datanets.connect(v1).vote(1n, contentHash(n), true);
    await datanets.connect(v2).vote(1n, contentHash(n), true);
  }
  expect(await datanets.bondCredit(alice.address)).to.equal(20n * BOND);
  const pending = await commitSubmission(datanets, alice, 1n, contentHash("victim"), { size: 1_000 });
  const terms = await datanets.currentTermsVersion(1n);
  return { ...f, pending, terms };
}

describe("Security: front-running submit with new terms", function () {
  it("refuses the submission when the owner raised the bond and made himself the only validators in the same block", async function () {
    const { datanets, owner, outsider, alice, pending, terms } = await victimFixture();
    const treasury = await datanets.treasuryBalance(1n);
    // The owner sees alice's reveal pending and outbids it with new terms.
    const { queued, hashes } = await mineInOneBlock(async () => {
      const reveal = await pending.reveal({ termsVersion: terms, maxBond: BOND, ...GAS, ...ORDINARY_FEES });
      const fees = { ...GAS, ...outbid(reveal) };
      const policy = await datanets.connect(owner).setPolicy(1n, defaultPolicy({ bond: 20n * BOND, quorum: 1 }), fees);
      const validators = await datanets.connect(owner).setValidators(1n, [owner.address, outsider.address], fees);
      return { reveal, policy, validators };
    });
    expect(hashes).to.deep.equal([queued.policy.hash, queued.validators.hash, queued.reveal.hash]);
    await expectMinedRevert(queued.reveal, datanets.interface, "DatanetTermsChanged", [1n, terms, terms + 2n]);
    expect(await datanets.bondCredit(alice.address)).to.equal(20n * BOND);
    expect((await datanets.getContribution(1n, contentHash("victim"))).status).to.equal(0n);
    // Nothing is pending for the owner to reject: the treasury cannot grow from this.
    await expect(datanets.connect(owner).vote(1n, contentHash("victim"), false))
      .to.be.revertedWithCustomError(datanets, "DatanetContributionNonexistent")
      .withArgs(await datanets.contributionIdOf(1n, contentHash("victim"), 1));
    expect(await datanets.treasuryBalance(1n)).to.equal(treasury);
  });

  it("refuses it when only the validators changed, which a maximum bond alone would let through", async function () {
    const { datanets, owner, outsider, alice, pending, terms } = await victimFixture();
    const { queued, hashes } = await mineInOneBlock(async () => {
      const reveal = await pending.reveal({ termsVersion: terms, maxBond: BOND, ...GAS, ...ORDINARY_FEES });
      const validators = await datanets
        .connect(owner)
        .setValidators(1n, [owner.address, outsider.address], { ...GAS, ...outbid(reveal) });
      return { reveal, validators };
    });
    expect(hashes).to.deep.equal([queued.validators.hash, queued.reveal.hash]);
    await expectMinedRevert(queued.reveal, datanets.interface, "DatanetTermsChanged", [1n, terms, terms + 1n]);
    expect(await datanets.bondCredit(alice.address)).to.equal(20n * BOND);
    expect((await datanets.getContribution(1n, contentHash("victim"))).status).to.equal(0n);
  });

  it("lets the contributor submit, with the same commitment, once it agrees to the new terms", async function () {
    const { datanets, owner, outsider, alice, pending, terms } = await victimFixture();
    await mineInOneBlock(async () => {
      const reveal = await pending.reveal({ termsVersion: terms, maxBond: BOND, ...GAS, ...ORDINARY_FEES });
      await datanets.connect(owner).setValidators(1n, [owner.address, outsider.address], { ...GAS, ...outbid(reveal) });
    });
    await expect(pending.reveal({ termsVersion: terms + 1n, maxBond: BOND }))
      .to.emit(datanets, "ContributionSubmitted")
      .withArgs(
        1n,
        await datanets.contributionIdOf(1n, contentHash("victim"), 1),
        alice.address,
        contentHash("victim"),
        1_000n,
        `ipfs://${contentHash("victim")}`,
        terms + 1n,
        BOND,
        true,
      );
  });
});
