import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { IModelOffering__factory } from "../../typechain-types";
import { DEFAULT_OFFERING_FEE_BPS } from "../../deploy/offering";
import {
  CALLS_THRESHOLD,
  CONTRIBUTOR_SHARES,
  END_VOTE,
  FEES_THRESHOLD,
  GOVERNANCE,
  HARD_CAP,
  OfferingState,
  PROSPECTUS_HASH,
  PROSPECTUS_URI,
  SOFT_CAP,
  SPLIT,
  SUPPLY,
  UPFRONT_BPS,
  VESTING,
  launchableFixture,
  offeringFixture,
  offeringTerms,
  versionSpec,
} from "../fixtures/offering";
import type { OfferingTermsStruct } from "../../typechain-types/contracts/interfaces/IOfferingFactory";
import { MODEL_PRICE } from "../fixtures/economy";
import { feeOnTransferFixture, launchOver, signerActor } from "../fixtures/hostile";
import { unassertedErrorsAndEvents } from "../helpers/completeness";
import { fillsOf } from "../helpers/offering";
import { entryOf, rewardTree } from "../helpers/rewards";

const E18 = 10n ** 18n;
const BPS = 10_000n;
const DAY = 86_400n;
const FEE_BPS = BigInt(DEFAULT_OFFERING_FEE_BPS);
/** Tranche bps of the fixture's terms: the upfront part, then milestones 0, 1, 2. */
const CUMULATIVE_BPS = [UPFRONT_BPS, UPFRONT_BPS + 4_000, UPFRONT_BPS + 6_000, 10_000].map(BigInt);

/** Tranche `index` of `net` (the upfront part at 3) under the fixture's terms. */
function trancheOf(index: number, net: bigint): bigint {
  const upTo = index === 3 ? CUMULATIVE_BPS[0] : CUMULATIVE_BPS[index + 1];
  const before = index === 3 ? 0n : CUMULATIVE_BPS[index];
  return (net * upTo) / BPS - (net * before) / BPS;
}

/** Launches model 1 with the fixture's terms but milestones `milestones(deadline)`, the upfront part taking the rest. */
async function launchWith(
  f: Awaited<ReturnType<typeof launchableFixture>>,
  milestones: (deadline: bigint) => OfferingTermsStruct["milestones"],
) {
  return f.launch((deadline) => {
    const list = milestones(deadline);
    const upfrontBps = 10_000 - list.reduce((sum, m) => sum + Number(m.trancheBps), 0);
    return { milestones: list, sale: { softCap: SOFT_CAP, hardCap: HARD_CAP, deadline, upfrontBps } };
  });
}

/**
 * Whether the only milestone of an offering, naming version `datanetVersion` of Datanet `datanetId`, is met by model
 * version 2, which governance registers trained on Datanet 1 version 2 (published after launch).
 */
async function versionMilestoneMet(datanetId: bigint, datanetVersion: bigint): Promise<boolean> {
  const f = await loadFixture(launchableFixture);
  const { offering, controller } = await launchWith(f, (deadline) => [
    { kind: 0, trancheBps: 8_000, deadline: deadline + 30n * DAY, datanetId, datanetVersion, threshold: 0n },
  ]);
  await f.growDatanet();
  await f.registerVersion(controller, 2, 2n);
  expect((await f.models.getModelVersion(1n, 2n)).trainedOn).to.deep.equal([[1n, 2n]]);
  return offering.isMet(0, 2);
}

async function deploy() {
  const f = await loadFixture(offeringFixture);
  let batch = 0;
  /** Settles `calls` inference calls of model 1 from the payer. */
  const settleCalls = async (calls: bigint) => {
    batch++;
    const { pricePerCall } = await f.models.terms(1n);
    return f.settlement
      .connect(f.payer)
      .settle(1n, calls, pricePerCall * calls, ethers.id(`log ${batch}`), `ipfs://log-${batch}`);
  };
  /** Each of the first buyers deposits its amount, in order. */
  const buyAll = async (amounts: bigint[]) => {
    for (const [i, amount] of amounts.entries()) await f.offering.connect(f.buyers[i]).buy(amount);
  };
  /** Buys `amounts`, closes the sale and finalizes it. */
  const sell = async (amounts: bigint[]) => {
    await buyAll(amounts);
    await time.increaseTo(f.deadline);
    return f.offering.finalize();
  };
  /** {@link sell}, then settles every buyer, each of which delegates its votes to itself. */
  const succeed = async (amounts: bigint[]) => {
    await sell(amounts);
    for (const buyer of f.buyers.slice(0, amounts.length)) {
      await f.offering.settle(buyer.address);
      await f.shares.connect(buyer).delegate(buyer.address);
    }
  };
  const net = (raised: bigint) => raised - (raised * FEE_BPS) / BPS;
  return { ...f, settleCalls, buyAll, sell, succeed, net };
}

describe("ModelOffering", function () {
  describe("launch state", function () {
    it("records the model, the creator, the contracts, the terms and the prospectus", async function () {
      const { offering, shares, controller, modelTimelock, developer, terms } = await deploy();
      expect(await offering.modelId()).to.equal(1n);
      expect(await offering.creator()).to.equal(developer.address);
      expect(await offering.shares()).to.equal(await shares.getAddress());
      expect(await offering.controller()).to.equal(await controller.getAddress());
      expect(await offering.modelTreasury()).to.equal(await modelTimelock.getAddress());
      expect(await offering.prospectusHash()).to.equal(PROSPECTUS_HASH);
      expect(await offering.prospectusURI()).to.equal(PROSPECTUS_URI);
      expect(await offering.state()).to.equal(OfferingState.Sale);
      const stored = await offering.terms();
      expect(stored.split.sale).to.equal(SPLIT.sale);
      expect(stored.sale.hardCap).to.equal(HARD_CAP);
      expect(stored.milestones).to.have.length(3);
      expect(stored.milestones[0].threshold).to.equal(CALLS_THRESHOLD);
      expect(stored.contributorsRoot).to.equal(terms.contributorsRoot);
      expect(stored.creatorKeepsVersions).to.equal(false);
      expect(await offering.protocolFeeBps()).to.equal(DEFAULT_OFFERING_FEE_BPS);
      expect(await offering.CONTRIBUTOR_CLAIM_WINDOW()).to.equal(365n * DAY);
      expect(await shares.totalSupply()).to.equal(SUPPLY);
      expect(await shares.balanceOf(await offering.getAddress())).to.equal(SUPPLY);
      expect(await offering.netRaise()).to.equal(0n);
      expect(await offering.trancheOf(3)).to.equal(0n);
    });

    it("counts settled milestones from the model's totals at launch", async function () {
      const f = await loadFixture(launchableFixture);
      await f.settlement.connect(f.payer).settle(1n, 1_000n, ethers.parseEther("10"), ethers.id("early"), "ipfs://e");
      const { offering } = await f.launch();
      expect(await offering.launchTotals()).to.deep.equal([1_000n, ethers.parseEther("10")]);
    });

    it("cannot be initialized again", async function () {
      const { offering, developer, shares, terms } = await deploy();
      const a = developer.address;
      await expect(
        offering.initialize(1n, a, await shares.getAddress(), a, a, terms, PROSPECTUS_HASH, ""),
      ).to.be.revertedWithCustomError(offering, "InvalidInitialization");
    });
  });

  describe("sale", function () {
    it("refuses a deposit that arrives short (OPEN taking a fee on transfer) with TokenTransferShortfall", async function () {
      const f = await loadFixture(feeOnTransferFixture);
      const { offering, buyers } = await launchOver(f, signerActor(f.signers[9]), f.alice.address);
      await f.token.setFeeBps(100n);
      await expect(offering.connect(buyers[0]).buy(100n * E18))
        .to.be.revertedWithCustomError(offering, "TokenTransferShortfall")
        .withArgs(100n * E18, 99n * E18);
      expect(await offering.totalDeposits()).to.equal(0n);
    });

    it("takes one deposit per buyer, placed after every earlier one", async function () {
      const { offering, open, buyers } = await deploy();
      const address = await offering.getAddress();
      await expect(offering.connect(buyers[0]).buy(3_000n * E18))
        .to.emit(offering, "SharesBought")
        .withArgs(buyers[0].address, 3_000n * E18, 0n);
      await expect(offering.connect(buyers[1]).buy(2_000n * E18))
        .to.emit(offering, "SharesBought")
        .withArgs(buyers[1].address, 2_000n * E18, 3_000n * E18);
      expect(await offering.deposits(buyers[1].address)).to.deep.equal([3_000n * E18, 2_000n * E18, false, false]);
      expect(await offering.totalDeposits()).to.equal(5_000n * E18);
      expect(await open.balanceOf(address)).to.equal(5_000n * E18);
      expect(await offering.settlement(buyers[0].address)).to.deep.equal([0n, 0n]);
    });

    it("refuses a second deposit, a zero one and one past 2^120 − 1 in total", async function () {
      const { offering, buyers } = await deploy();
      await offering.connect(buyers[0]).buy(E18);
      await expect(offering.connect(buyers[0]).buy(E18))
        .to.be.revertedWithCustomError(offering, "OfferingAlreadyBought")
        .withArgs(buyers[0].address);
      await expect(offering.connect(buyers[1]).buy(0n))
        .to.be.revertedWithCustomError(offering, "OfferingInvalidAmount")
        .withArgs(0n);
      const tooMuch = 2n ** 120n - E18;
      await expect(offering.connect(buyers[1]).buy(tooMuch))
        .to.be.revertedWithCustomError(offering, "OfferingInvalidAmount")
        .withArgs(tooMuch);
      await expect(offering.connect(buyers[1]).buy(ethers.MaxUint256))
        .to.be.revertedWithCustomError(offering, "OfferingInvalidAmount")
        .withArgs(ethers.MaxUint256);
    });

    it("closes at the deadline: no deposit then, and no finalize before", async function () {
      const { offering, buyers, deadline } = await deploy();
      await expect(offering.finalize()).to.be.revertedWithCustomError(offering, "OfferingSaleOpen").withArgs(deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(offering.connect(buyers[0]).buy(E18))
        .to.be.revertedWithCustomError(offering, "OfferingSaleClosed")
        .withArgs(deadline);
    });

    it("settles nobody and releases nothing before the sale closes", async function () {
      const { offering, buyers, developer, alice } = await deploy();
      await offering.connect(buyers[0]).buy(E18);
      await expect(offering.settle(buyers[0].address))
        .to.be.revertedWithCustomError(offering, "OfferingWrongState")
        .withArgs(OfferingState.Succeeded, OfferingState.Sale);
      await expect(offering.release(0, 0))
        .to.be.revertedWithCustomError(offering, "OfferingWrongState")
        .withArgs(OfferingState.Succeeded, OfferingState.Sale);
      await expect(offering.openEndVote(0))
        .to.be.revertedWithCustomError(offering, "OfferingWrongState")
        .withArgs(OfferingState.Succeeded, OfferingState.Sale);
      await expect(offering.connect(developer).claimVested())
        .to.be.revertedWithCustomError(offering, "OfferingWrongState")
        .withArgs(OfferingState.Succeeded, OfferingState.Sale);
      await expect(offering.claimContributorShares(alice.address, CONTRIBUTOR_SHARES.alice, []))
        .to.be.revertedWithCustomError(offering, "OfferingWrongState")
        .withArgs(OfferingState.Succeeded, OfferingState.Sale);
      await expect(offering.redeem(buyers[0].address))
        .to.be.revertedWithCustomError(offering, "OfferingWrongState")
        .withArgs(OfferingState.Ended, OfferingState.Sale);
      expect(await offering.redeemable(buyers[0].address)).to.equal(0n);
      await expect(offering.sweepContributorShares())
        .to.be.revertedWithCustomError(offering, "OfferingWrongState")
        .withArgs(OfferingState.Succeeded, OfferingState.Sale);
    });
  });

  describe("finalize under the soft cap", function () {
    it("refunds every buyer in full, burns the supply and returns the model to its creator", async function () {
      const { offering, open, shares, models, buyers, developer, sell } = await deploy();
      const amounts = [1_000n * E18, 2_500n * E18];
      await expect(sell(amounts)).to.emit(offering, "OfferingFinalized").withArgs(false, 0n, 0n, 0n);
      expect(await offering.state()).to.equal(OfferingState.Failed);
      expect(await shares.totalSupply()).to.equal(0n);
      expect(await models.ownerOf(1n)).to.equal(developer.address);
      expect((await models.terms(1n)).revenueRecipient).to.equal(developer.address);
      for (const [i, amount] of amounts.entries()) {
        expect(await offering.settlement(buyers[i].address)).to.deep.equal([0n, amount]);
        const before = await open.balanceOf(buyers[i].address);
        await expect(offering.settle(buyers[i].address))
          .to.emit(offering, "BuyerSettled")
          .withArgs(buyers[i].address, 0n, amount);
        expect((await open.balanceOf(buyers[i].address)) - before).to.equal(amount);
      }
      expect(await open.balanceOf(await offering.getAddress())).to.equal(0n);
      await expect(offering.finalize())
        .to.be.revertedWithCustomError(offering, "OfferingWrongState")
        .withArgs(OfferingState.Sale, OfferingState.Failed);
    });

    it("settles each buyer once, and nobody who did not buy", async function () {
      const { offering, buyers, outsider, sell } = await deploy();
      await sell([E18]);
      await offering.settle(buyers[0].address);
      expect(await offering.deposits(buyers[0].address)).to.deep.equal([0n, E18, true, false]);
      await expect(offering.settle(buyers[0].address))
        .to.be.revertedWithCustomError(offering, "OfferingNothingToSettle")
        .withArgs(buyers[0].address);
      await expect(offering.settle(outsider.address))
        .to.be.revertedWithCustomError(offering, "OfferingNothingToSettle")
        .withArgs(outsider.address);
    });
  });

  describe("finalize at or above the soft cap", function () {
    it("between the caps fills every deposit at the sale price, with no refund", async function () {
      const { offering, shares, open, buyers, deployer, developer, modelTimelock, models, sell, net } = await deploy();
      const amounts = [SOFT_CAP, 1_000n * E18];
      const raised = SOFT_CAP + 1_000n * E18;
      const sold = (raised * SPLIT.sale) / HARD_CAP;
      const fee = (raised * FEE_BPS) / BPS;
      const treasuryBefore = await open.balanceOf(deployer.address);
      const creatorBefore = await open.balanceOf(developer.address);
      const finalized = sell(amounts);
      await expect(finalized).to.emit(offering, "OfferingFinalized").withArgs(true, raised, fee, sold);
      await expect(finalized)
        .to.emit(offering, "TrancheReleased")
        .withArgs(3n, trancheOf(3, net(raised)));
      expect(await offering.state()).to.equal(OfferingState.Succeeded);
      expect(await offering.netRaise()).to.equal(net(raised));
      expect(await offering.released()).to.equal(trancheOf(3, net(raised)));
      expect(await offering.isReleased(3)).to.equal(true);
      expect((await open.balanceOf(deployer.address)) - treasuryBefore).to.equal(fee);
      expect((await open.balanceOf(developer.address)) - creatorBefore).to.equal(trancheOf(3, net(raised)));
      // Unsold shares burned, the treasury part sent.
      expect(await shares.totalSupply()).to.equal(SUPPLY - (SPLIT.sale - sold));
      expect(await shares.balanceOf(await modelTimelock.getAddress())).to.equal(SPLIT.treasury);
      expect((await models.terms(1n)).revenueRecipient).to.equal(await shares.getAddress());
      for (const [i, amount] of amounts.entries()) {
        const expected = (amount * SPLIT.sale) / HARD_CAP;
        await expect(offering.settle(buyers[i].address))
          .to.emit(offering, "BuyerSettled")
          .withArgs(buyers[i].address, expected, 0n);
        expect(await shares.balanceOf(buyers[i].address)).to.equal(expected);
      }
    });

    it("moves no fee, no treasury shares and no upfront payment when the terms and the factory leave them at zero", async function () {
      const f = await loadFixture(launchableFixture);
      const { open, deployer, developer, buyers, offeringFactory } = f;
      await offeringFactory.connect(deployer).setProtocolFee(0);
      const { offering, shares, modelTimelock } = await f.launch((deadline) => {
        const defaults = offeringTerms(deadline, f.tree.root);
        // The upfront part and the treasury's shares go to the version milestone and the creator.
        const milestones = defaults.milestones.map((m) =>
          m.kind === 0 ? { ...m, trancheBps: BigInt(m.trancheBps) + BigInt(UPFRONT_BPS) } : m,
        );
        return {
          split: { ...SPLIT, creator: SPLIT.creator + SPLIT.treasury, treasury: 0n },
          sale: { ...defaults.sale, upfrontBps: 0 },
          milestones,
        };
      });
      await open.connect(buyers[0]).approve(await offering.getAddress(), HARD_CAP);
      await offering.connect(buyers[0]).buy(HARD_CAP);
      await time.increaseTo((await offering.terms()).sale.deadline);
      const finalized = offering.finalize();
      await expect(finalized).to.emit(offering, "OfferingFinalized").withArgs(true, HARD_CAP, 0n, SPLIT.sale);
      await expect(finalized).to.emit(offering, "TrancheReleased").withArgs(3n, 0n);
      await expect(finalized).to.changeTokenBalances(open, [offering, deployer, developer], [0n, 0n, 0n]);
      expect(await shares.balanceOf(await modelTimelock.getAddress())).to.equal(0n);
      expect(await shares.balanceOf(await offering.getAddress())).to.equal(SUPPLY);
      expect(await offering.netRaise()).to.equal(HARD_CAP);
    });

    it("oversubscribed fills every deposit pro rata to exactly the hard cap and refunds the excess", async function () {
      const { offering, shares, open, buyers, sell } = await deploy();
      const amounts = [6_000n * E18 + 7n, 5_000n * E18 + 3n, 4_000n * E18 + 1n, 5_000n * E18 + 11n];
      const expected = fillsOf(amounts, HARD_CAP, SPLIT.sale);
      const total = amounts.reduce((a, b) => a + b, 0n);
      await expect(sell(amounts))
        .to.emit(offering, "OfferingFinalized")
        .withArgs(true, HARD_CAP, (HARD_CAP * FEE_BPS) / BPS, SPLIT.sale);
      let fills = 0n;
      let sold = 0n;
      for (const [i, buyer] of buyers.entries()) {
        const { shares: s, refund } = expected[i];
        expect(await offering.settlement(buyer.address)).to.deep.equal([s, refund]);
        const before = await open.balanceOf(buyer.address);
        await expect(offering.settle(buyer.address))
          .to.emit(offering, "BuyerSettled")
          .withArgs(buyer.address, s, refund);
        expect((await open.balanceOf(buyer.address)) - before).to.equal(refund);
        expect(await shares.balanceOf(buyer.address)).to.equal(s);
        fills += amounts[i] - refund;
        sold += s;
      }
      expect(fills).to.equal(HARD_CAP);
      expect(sold).to.equal(SPLIT.sale);
      expect(total - fills).to.equal(expected.reduce((a, e) => a + e.refund, 0n));
      // Every share per OPEN filled is the same, whoever bought first.
      for (const e of expected) expect(e.shares / 10n ** 6n).to.be.closeTo((e.fill * 60n) / 10n ** 6n, 1n);
    });

    it("pays the holders the model's revenue through the share token", async function () {
      const { offering, shares, open, buyers, settleCalls, succeed, modelTimelock } = await deploy();
      await succeed([6_000n * E18, 4_000n * E18]);
      const vault = await shares.getAddress();
      const before = await open.balanceOf(vault);
      await settleCalls(1_000n);
      // The model's 20% of 10 OPEN.
      expect((await open.balanceOf(vault)) - before).to.equal(2n * E18);
      await shares.syncRevenue();
      const perShare = await shares.revenuePerShare();
      const scale = await shares.REVENUE_SCALE();
      const held = await shares.balanceOf(buyers[0].address);
      expect(await shares.accruedRevenue(buyers[0].address)).to.equal((held * perShare) / scale);
      const paid = await open.balanceOf(buyers[0].address);
      await shares.claimRevenue(buyers[0].address);
      expect((await open.balanceOf(buyers[0].address)) - paid).to.equal((held * perShare) / scale);
      expect(await shares.accruedRevenue(await modelTimelock.getAddress())).to.equal(
        (SPLIT.treasury * perShare) / scale,
      );
      // The escrow accrues nothing: its shares carry what they earn to whoever they go to.
      expect(await shares.accruedRevenue(await offering.getAddress())).to.equal(0n);
    });
  });

  describe("contributor shares", function () {
    it("sends each contributor its attributed shares once", async function () {
      const { offering, shares, tree, alice, bob, succeed } = await deploy();
      await succeed([HARD_CAP]);
      for (const [who, amount] of [
        [alice, CONTRIBUTOR_SHARES.alice],
        [bob, CONTRIBUTOR_SHARES.bob],
      ] as const) {
        const { proof } = entryOf(tree, who.address);
        await expect(offering.claimContributorShares(who.address, amount, proof))
          .to.emit(offering, "ContributorSharesClaimed")
          .withArgs(who.address, amount, amount);
        expect(await shares.balanceOf(who.address)).to.equal(amount);
        expect(await offering.contributorClaimed(who.address)).to.equal(amount);
        await expect(offering.claimContributorShares(who.address, amount, proof))
          .to.be.revertedWithCustomError(offering, "OfferingNothingToClaim")
          .withArgs(who.address);
      }
    });

    it("refuses a proof that does not show the amount", async function () {
      const { offering, tree, alice, succeed } = await deploy();
      await succeed([HARD_CAP]);
      const { proof } = entryOf(tree, alice.address);
      await expect(offering.claimContributorShares(alice.address, CONTRIBUTOR_SHARES.bob, proof))
        .to.be.revertedWithCustomError(offering, "OfferingInvalidProof")
        .withArgs(alice.address, CONTRIBUTOR_SHARES.bob);
    });

    it("never pays out more than the contributors' part, whatever the root says", async function () {
      const f = await loadFixture(launchableFixture);
      const greedy = rewardTree([
        [f.alice.address, 100_000n * E18],
        [f.bob.address, 100_000n * E18],
      ]);
      const { offering, deadline } = await f.launch({ contributorsRoot: greedy.root });
      await f.open.connect(f.buyers[0]).approve(await offering.getAddress(), HARD_CAP);
      await offering.connect(f.buyers[0]).buy(HARD_CAP);
      await time.increaseTo(deadline);
      await offering.finalize();
      await offering.claimContributorShares(f.alice.address, 100_000n * E18, entryOf(greedy, f.alice.address).proof);
      await expect(offering.claimContributorShares(f.bob.address, 100_000n * E18, entryOf(greedy, f.bob.address).proof))
        .to.be.revertedWithCustomError(offering, "OfferingContributorPoolExceeded")
        .withArgs(100_000n * E18, 50_000n * E18);
    });
  });

  describe("vesting", function () {
    it("vests nothing before the cliff, linearly after it and everything at the end, to the creator only", async function () {
      const { offering, shares, developer, outsider, sell } = await deploy();
      await sell([HARD_CAP]);
      const start = BigInt(await time.latest());
      await expect(offering.connect(outsider).claimVested())
        .to.be.revertedWithCustomError(offering, "OfferingUnauthorizedCreator")
        .withArgs(outsider.address);
      await time.setNextBlockTimestamp(start + VESTING.cliff - 1n);
      await expect(offering.connect(developer).claimVested())
        .to.emit(offering, "VestedSharesClaimed")
        .withArgs(developer.address, 0n);
      const half = start + VESTING.duration / 2n;
      await time.setNextBlockTimestamp(half);
      await expect(offering.connect(developer).claimVested())
        .to.emit(offering, "VestedSharesClaimed")
        .withArgs(developer.address, SPLIT.creator / 2n);
      expect(await offering.vesting()).to.deep.equal([SPLIT.creator / 2n, SPLIT.creator / 2n]);
      await time.setNextBlockTimestamp(start + VESTING.duration);
      await offering.connect(developer).claimVested();
      expect(await shares.balanceOf(developer.address)).to.equal(SPLIT.creator);
      await time.increase(DAY);
      await expect(offering.connect(developer).claimVested())
        .to.emit(offering, "VestedSharesClaimed")
        .withArgs(developer.address, 0n);
    });
  });

  describe("milestones", function () {
    it("releases a settled-calls tranche once the model's calls since launch reach the threshold, once", async function () {
      const { offering, open, developer, settleCalls, succeed, net } = await deploy();
      await succeed([HARD_CAP]);
      await settleCalls(CALLS_THRESHOLD - 1n);
      expect(await offering.isMet(0, 0)).to.equal(false);
      await expect(offering.release(0, 0))
        .to.be.revertedWithCustomError(offering, "OfferingMilestoneNotMet")
        .withArgs(0);
      await settleCalls(1n);
      expect(await offering.isMet(0, 0)).to.equal(true);
      const tranche = trancheOf(0, net(HARD_CAP));
      expect(await offering.trancheOf(0)).to.equal(tranche);
      const before = await open.balanceOf(developer.address);
      await expect(offering.release(0, 0)).to.emit(offering, "TrancheReleased").withArgs(0n, tranche);
      expect((await open.balanceOf(developer.address)) - before).to.equal(tranche);
      await expect(offering.release(0, 0))
        .to.be.revertedWithCustomError(offering, "OfferingMilestoneReleased")
        .withArgs(0);
    });

    it("releases a settled-fees tranche once the model's fees since launch reach the threshold", async function () {
      const { offering, settleCalls, succeed, net } = await deploy();
      await succeed([HARD_CAP]);
      // 0.01 OPEN a call.
      await settleCalls(FEES_THRESHOLD / 10n ** 16n - 1n);
      await expect(offering.release(2, 0))
        .to.be.revertedWithCustomError(offering, "OfferingMilestoneNotMet")
        .withArgs(2);
      await settleCalls(1n);
      await expect(offering.release(2, 0))
        .to.emit(offering, "TrancheReleased")
        .withArgs(2n, trancheOf(2, net(HARD_CAP)));
    });

    it("releases a version tranche for a version governance adds after the named Datanet version", async function () {
      const { offering, controller, succeed, net, growDatanet, registerVersion } = await deploy();
      await succeed([HARD_CAP]);
      // Model version 1 was there at launch; model version 2 is trained on Datanet 1 version 1, not the 2 it names.
      expect(await offering.isMet(1, 1)).to.equal(false);
      await registerVersion(controller, 2, 1n);
      expect(await offering.isMet(1, 2)).to.equal(false);
      await growDatanet();
      await registerVersion(controller, 3, 2n);
      expect(await offering.isMet(1, 3)).to.equal(true);
      // Not registered (yet): a version past the model's last meets nothing.
      expect(await offering.isMet(1, 4)).to.equal(false);
      await expect(offering.release(1, 2))
        .to.be.revertedWithCustomError(offering, "OfferingMilestoneNotMet")
        .withArgs(1);
      await expect(offering.release(1, 3))
        .to.emit(offering, "TrancheReleased")
        .withArgs(1n, trancheOf(1, net(HARD_CAP)));
    });

    it("refuses a version trained on an earlier Datanet version than the milestone names", async function () {
      expect(await versionMilestoneMet(1n, 3n)).to.equal(false);
    });

    it("refuses a version not trained on the Datanet the milestone names, which meets one naming its own", async function () {
      // Datanet 2 has no version yet, so the terms may name its first.
      expect(await versionMilestoneMet(2n, 1n)).to.equal(false);
      expect(await versionMilestoneMet(1n, 2n)).to.equal(true);
    });

    it("names no milestone past the last (the upfront part is index 3 for tranches only)", async function () {
      const { offering, succeed } = await deploy();
      await succeed([HARD_CAP]);
      await expect(offering.release(3, 0))
        .to.be.revertedWithCustomError(offering, "OfferingMilestoneNonexistent")
        .withArgs(3);
      await expect(offering.isMet(3, 0))
        .to.be.revertedWithCustomError(offering, "OfferingMilestoneNonexistent")
        .withArgs(3);
      await expect(offering.trancheOf(4))
        .to.be.revertedWithCustomError(offering, "OfferingMilestoneNonexistent")
        .withArgs(4);
      await expect(offering.openEndVote(3))
        .to.be.revertedWithCustomError(offering, "OfferingMilestoneNonexistent")
        .withArgs(3);
    });

    it("releases a met milestone after its deadline while the offering has not ended", async function () {
      const { offering, settleCalls, succeed, terms } = await deploy();
      await succeed([HARD_CAP]);
      await time.increaseTo(BigInt(terms.milestones[0].deadline) + DAY);
      await settleCalls(CALLS_THRESHOLD);
      await expect(offering.release(0, 0)).to.emit(offering, "TrancheReleased");
    });
  });

  describe("the holders' vote to end", function () {
    /** A succeeded sale (two buyers, 6,000 and 4,000 OPEN) with milestone 0 overdue. */
    async function overdue() {
      const f = await deploy();
      await f.succeed([6_000n * E18, 4_000n * E18]);
      await time.increaseTo(BigInt(f.terms.milestones[0].deadline) + 1n);
      return f;
    }

    it("opens only on an overdue, unmet, unreleased milestone, one vote at a time", async function () {
      const f = await deploy();
      await f.succeed([HARD_CAP]);
      await expect(f.offering.openEndVote(0))
        .to.be.revertedWithCustomError(f.offering, "OfferingMilestoneNotOverdue")
        .withArgs(0);
      await time.increaseTo(BigInt(f.terms.milestones[0].deadline) + 1n);
      await f.settleCalls(CALLS_THRESHOLD);
      await expect(f.offering.openEndVote(0))
        .to.be.revertedWithCustomError(f.offering, "OfferingMilestoneNotOverdue")
        .withArgs(0);
      await f.offering.release(0, 0);
      await expect(f.offering.openEndVote(0))
        .to.be.revertedWithCustomError(f.offering, "OfferingMilestoneReleased")
        .withArgs(0);
      await time.increaseTo(BigInt(f.terms.milestones[1].deadline) + 1n);
      const circulating = (await f.shares.totalSupply()) - (await f.shares.balanceOf(await f.offering.getAddress()));
      const quorum = (BigInt(END_VOTE.quorumBps) * circulating) / BPS;
      const opened = f.offering.openEndVote(1);
      const now = BigInt(await time.latest()) + 1n;
      await expect(opened)
        .to.emit(f.offering, "EndVoteOpened")
        .withArgs(1n, now - 1n, now + END_VOTE.votingPeriod, quorum);
      await expect(f.offering.openEndVote(1))
        .to.be.revertedWithCustomError(f.offering, "OfferingEndVoteActive")
        .withArgs(true);
    });

    it("counts each holder's delegated votes at the snapshot, once", async function () {
      const { offering, shares, buyers, outsider } = await overdue();
      await expect(offering.connect(buyers[0]).castEndVote(true))
        .to.be.revertedWithCustomError(offering, "OfferingEndVoteActive")
        .withArgs(false);
      await offering.openEndVote(0);
      const weight = await shares.balanceOf(buyers[0].address);
      await expect(offering.connect(buyers[0]).castEndVote(true))
        .to.emit(offering, "EndVoteCast")
        .withArgs(buyers[0].address, true, weight);
      await expect(offering.connect(buyers[0]).castEndVote(false))
        .to.be.revertedWithCustomError(offering, "OfferingAlreadyVoted")
        .withArgs(buyers[0].address);
      await expect(offering.connect(outsider).castEndVote(true))
        .to.be.revertedWithCustomError(offering, "OfferingNoVotes")
        .withArgs(outsider.address);
      // Shares moved after the snapshot vote with their old holder, not the new one.
      await shares.connect(buyers[1]).transfer(outsider.address, 1n);
      await shares.connect(outsider).delegate(outsider.address);
      await expect(offering.connect(outsider).castEndVote(true)).to.be.revertedWithCustomError(
        offering,
        "OfferingNoVotes",
      );
    });

    it("closes only after the vote's period, and takes no votes after it", async function () {
      const { offering, buyers } = await overdue();
      await expect(offering.closeEndVote())
        .to.be.revertedWithCustomError(offering, "OfferingEndVoteActive")
        .withArgs(false);
      await offering.openEndVote(0);
      const [, , voteEnd] = await offering.endVote();
      await expect(offering.closeEndVote())
        .to.be.revertedWithCustomError(offering, "OfferingEndVoteTiming")
        .withArgs(voteEnd);
      await time.increaseTo(voteEnd + 1n);
      await expect(offering.connect(buyers[0]).castEndVote(true))
        .to.be.revertedWithCustomError(offering, "OfferingEndVoteTiming")
        .withArgs(voteEnd);
    });

    it("fails when the votes for miss the quorum", async function () {
      const { offering, shares, buyers, outsider } = await overdue();
      // 1,000 shares to an outsider: far below the 20% quorum.
      await shares.connect(buyers[1]).transfer(outsider.address, 1_000n * E18);
      await shares.connect(outsider).delegate(outsider.address);
      await offering.openEndVote(0);
      await offering.connect(outsider).castEndVote(true);
      const [, , voteEnd] = await offering.endVote();
      await time.increaseTo(voteEnd + 1n);
      await expect(offering.closeEndVote())
        .to.emit(offering, "EndVoteFailed")
        .withArgs(1_000n * E18, 0n);
      expect(await offering.state()).to.equal(OfferingState.Succeeded);
      // A new vote may open.
      await expect(offering.openEndVote(0)).to.emit(offering, "EndVoteOpened");
    });

    it("fails when the votes against outnumber those for", async function () {
      const { offering, shares, buyers } = await overdue();
      await offering.openEndVote(0);
      await offering.connect(buyers[1]).castEndVote(true);
      await offering.connect(buyers[0]).castEndVote(false);
      const [, , voteEnd] = await offering.endVote();
      await time.increaseTo(voteEnd + 1n);
      await expect(offering.closeEndVote())
        .to.emit(offering, "EndVoteFailed")
        .withArgs(await shares.balanceOf(buyers[1].address), await shares.balanceOf(buyers[0].address));
      expect((await offering.endVote())[6]).to.equal(false);
    });

    it("ends the offering: unvested creator shares burn, and every buyer redeems its part of the unreleased raise", async function () {
      const f = await overdue();
      const { offering, shares, open, buyers, developer, alice, outsider, net } = f;
      await offering.openEndVote(0);
      await offering.connect(buyers[0]).castEndVote(true);
      const [, , voteEnd] = await offering.endVote();
      await time.increaseTo(voteEnd + 1n);
      expect((await offering.vesting())[0]).to.be.greaterThan(0n);
      const unreleased = net(HARD_CAP) - trancheOf(3, net(HARD_CAP));
      const closed = offering.closeEndVote();
      await expect(closed).to.emit(offering, "OfferingEnded").withArgs(unreleased);
      expect(await offering.state()).to.equal(OfferingState.Ended);
      const [vested] = await offering.vesting();
      expect(await shares.totalSupply()).to.equal(SUPPLY - (SPLIT.creator - vested));
      // Vesting stopped: what vested stays claimable, nothing more.
      await time.increase(30n * DAY);
      expect((await offering.vesting())[0]).to.equal(vested);
      await expect(offering.release(1, 0))
        .to.be.revertedWithCustomError(offering, "OfferingWrongState")
        .withArgs(OfferingState.Succeeded, OfferingState.Ended);
      expect(await offering.revenueLocked()).to.equal(false);
      expect(await offering.priceFloor()).to.equal(0n);

      // The unreleased raise goes back by deposit (6,000 then 4,000 OPEN of 10,000): the parts sum to it exactly,
      // anyone may send a buyer its part, and the buyers keep their shares.
      await offering.connect(developer).claimVested();
      await offering.claimContributorShares(
        alice.address,
        CONTRIBUTOR_SHARES.alice,
        entryOf(f.tree, alice.address).proof,
      );
      const deposited = 10_000n * E18;
      let paid = 0n;
      for (const [buyer, start, amount] of [
        [buyers[0], 0n, 6_000n * E18],
        [buyers[1], 6_000n * E18, 4_000n * E18],
      ] as const) {
        const expected = ((start + amount) * unreleased) / deposited - (start * unreleased) / deposited;
        expect(await offering.redeemable(buyer.address)).to.equal(expected);
        const [held, before] = await Promise.all([shares.balanceOf(buyer.address), open.balanceOf(buyer.address)]);
        await expect(offering.connect(outsider).redeem(buyer.address))
          .to.emit(offering, "DepositRedeemed")
          .withArgs(buyer.address, expected);
        expect((await open.balanceOf(buyer.address)) - before).to.equal(expected);
        expect(await shares.balanceOf(buyer.address)).to.equal(held);
        expect(await offering.redeemable(buyer.address)).to.equal(0n);
        expect((await offering.deposits(buyer.address)).redeemed).to.equal(true);
        paid += expected;
      }
      expect(paid).to.equal(unreleased);
      expect(await open.balanceOf(await offering.getAddress())).to.equal(0n);

      // Shares no one paid for redeem nothing; nor does a deposit twice.
      for (const who of [developer, alice, buyers[0], outsider]) {
        await expect(offering.redeem(who.address))
          .to.be.revertedWithCustomError(offering, "OfferingNothingToRedeem")
          .withArgs(who.address);
      }
    });

    it("lets a buyer who never settled settle after the end, and redeem before or after settling", async function () {
      const f = await deploy();
      await f.sell([6_000n * E18, 4_000n * E18]);
      await f.offering.settle(f.buyers[0].address);
      await f.shares.connect(f.buyers[0]).delegate(f.buyers[0].address);
      await time.increaseTo(BigInt(f.terms.milestones[0].deadline) + 1n);
      await f.offering.openEndVote(0);
      await f.offering.connect(f.buyers[0]).castEndVote(true);
      await time.increaseTo((await f.offering.endVote())[2] + 1n);
      await f.offering.closeEndVote();
      const part = await f.offering.redeemable(f.buyers[1].address);
      expect(part).to.be.greaterThan(0n);
      await expect(f.offering.redeem(f.buyers[1].address))
        .to.emit(f.offering, "DepositRedeemed")
        .withArgs(f.buyers[1].address, part);
      const [s] = await f.offering.settlement(f.buyers[1].address);
      await expect(f.offering.settle(f.buyers[1].address))
        .to.emit(f.offering, "BuyerSettled")
        .withArgs(f.buyers[1].address, s, 0n);
      expect(await f.offering.deposits(f.buyers[1].address)).to.deep.equal([6_000n * E18, 4_000n * E18, true, true]);
    });
  });

  describe("the contributors' claim window", function () {
    it("closes a year after the success; then anyone sweeps the unclaimed shares to the model's treasury", async function () {
      const { offering, shares, modelTimelock, alice, bob, tree, succeed } = await deploy();
      await succeed([HARD_CAP]);
      const [finalized] = await offering.queryFilter(offering.filters.OfferingFinalized());
      const closesAt = BigInt((await finalized.getBlock()).timestamp) + 365n * DAY;
      await offering.claimContributorShares(
        alice.address,
        CONTRIBUTOR_SHARES.alice,
        entryOf(tree, alice.address).proof,
      );
      await expect(offering.sweepContributorShares())
        .to.be.revertedWithCustomError(offering, "OfferingClaimWindowOpen")
        .withArgs(closesAt);
      await time.increaseTo(closesAt);
      await expect(
        offering.claimContributorShares(bob.address, CONTRIBUTOR_SHARES.bob, entryOf(tree, bob.address).proof),
      )
        .to.be.revertedWithCustomError(offering, "OfferingClaimWindowClosed")
        .withArgs(closesAt);
      const treasury = await modelTimelock.getAddress();
      const before = await shares.balanceOf(treasury);
      await expect(offering.sweepContributorShares())
        .to.emit(offering, "ContributorSharesSwept")
        .withArgs(CONTRIBUTOR_SHARES.bob);
      expect((await shares.balanceOf(treasury)) - before).to.equal(CONTRIBUTOR_SHARES.bob);
      await expect(offering.sweepContributorShares()).to.emit(offering, "ContributorSharesSwept").withArgs(0n);
    });
  });

  describe("guards on the model's governance while the raise is escrowed", function () {
    it("holds the price at the launch price until the settled-calls milestone is released", async function () {
      const { offering, succeed, settleCalls } = await deploy();
      expect(await offering.priceFloor()).to.equal(0n);
      await succeed([HARD_CAP]);
      expect(await offering.priceFloor()).to.equal(MODEL_PRICE);
      await settleCalls(CALLS_THRESHOLD);
      await offering.release(0, 0);
      expect(await offering.priceFloor()).to.equal(0n);
    });

    it("locks the revenue with the share token until every tranche is released", async function () {
      const { offering, controller, succeed, settleCalls, growDatanet, registerVersion } = await deploy();
      expect(await offering.revenueLocked()).to.equal(false);
      await succeed([HARD_CAP]);
      expect(await offering.revenueLocked()).to.equal(true);
      await settleCalls(CALLS_THRESHOLD);
      await offering.release(0, 0);
      await settleCalls(FEES_THRESHOLD / MODEL_PRICE);
      await offering.release(2, 0);
      expect(await offering.revenueLocked()).to.equal(true);
      await growDatanet();
      await registerVersion(controller, 2);
      await offering.release(1, 2);
      expect(await offering.revenueLocked()).to.equal(false);
    });
  });

  describe("governance of the model", function () {
    it("lets the holders change the model's price through their Governor and timelock", async function () {
      const { governor, controller, models, buyers, succeed } = await deploy();
      await succeed([6_000n * E18, 4_000n * E18]);
      const target = await controller.getAddress();
      const data = controller.interface.encodeFunctionData("setPrice", [ethers.parseEther("0.02")]);
      const description = "Double the price";
      await governor.connect(buyers[0]).propose([target], [0n], [data], description);
      const id = await governor.hashProposal([target], [0n], [data], ethers.id(description));
      await time.increase(BigInt(GOVERNANCE.votingDelay) + 1n);
      await governor.connect(buyers[0]).castVote(id, 1);
      await time.increase(BigInt(GOVERNANCE.votingPeriod) + 1n);
      await governor.queue([target], [0n], [data], ethers.id(description));
      await time.increase(BigInt(GOVERNANCE.timelockDelay) + 1n);
      await governor.execute([target], [0n], [data], ethers.id(description));
      expect((await models.terms(1n)).pricePerCall).to.equal(ethers.parseEther("0.02"));
    });

    it("lets the creator add a version only when the launch terms left it that right", async function () {
      const f = await loadFixture(launchableFixture);
      const { controller } = await f.launch({ creatorKeepsVersions: false });
      const spec = versionSpec(2);
      await expect(controller.connect(f.developer).addModelVersion(spec))
        .to.be.revertedWithCustomError(controller, "ControllerUnauthorized")
        .withArgs(f.developer.address);
      await expect(controller.connect(f.developer).setPrice(1n)).to.be.revertedWithCustomError(
        controller,
        "ControllerUnauthorized",
      );
    });
  });

  describe("test coverage of the interface", function () {
    it("asserts every custom error and event of IModelOffering somewhere in this file", async function () {
      expect(
        unassertedErrorsAndEvents(__filename, IModelOffering__factory.createInterface(), ["offering", "f.offering"]),
      ).to.deep.equal([]);
    });
  });
});
