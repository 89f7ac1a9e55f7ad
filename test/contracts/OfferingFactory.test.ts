import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { IOfferingFactory__factory, OfferingFactory__factory } from "../../typechain-types";
import type { OfferingTermsStruct } from "../../typechain-types/contracts/interfaces/IOfferingFactory";
import { DEFAULT_OFFERING_FEE_BPS, OFFERING_IMPLEMENTATIONS } from "../../deploy/offering";
import {
  CALLS_THRESHOLD,
  FEES_THRESHOLD,
  GOVERNANCE,
  HARD_CAP,
  MilestoneKind,
  PROSPECTUS_HASH,
  PROSPECTUS_URI,
  SALE_DURATION,
  SOFT_CAP,
  SPLIT,
  SUPPLY,
  UPFRONT_BPS,
  connectOffering,
  launchableFixture,
  offeringTerms,
} from "../fixtures/offering";
import { unassertedErrorsAndEvents } from "../helpers/completeness";

const E18 = 10n ** 18n;
const BPS = 10_000n;
const DAY = 86_400n;
const MODEL_PRICE = ethers.parseEther("0.01");
/** The model's share of each fee under the default split. */
const MODEL_BPS = 2_000n;

describe("OfferingFactory", function () {
  describe("deployment", function () {
    it("stores its collaborators, the fee and the treasury, and emits them", async function () {
      const { offeringFactory, open, models, settlement, deployer } = await loadFixture(launchableFixture);
      expect(await offeringFactory.PAYMENT_TOKEN()).to.equal(await open.getAddress());
      expect(await offeringFactory.MODELS()).to.equal(await models.getAddress());
      expect(await offeringFactory.SETTLEMENT()).to.equal(await settlement.getAddress());
      expect(await offeringFactory.MAX_PROTOCOL_FEE_BPS()).to.equal(1_000n);
      expect(await offeringFactory.protocolFeeBps()).to.equal(BigInt(DEFAULT_OFFERING_FEE_BPS));
      expect(await offeringFactory.protocolTreasury()).to.equal(deployer.address);
      expect(await offeringFactory.owner()).to.equal(deployer.address);
    });

    it("refuses a fee above the maximum and a zero treasury at construction", async function () {
      const { open, models, settlement, deployer } = await loadFixture(launchableFixture);
      const factory = new OfferingFactory__factory(deployer);
      const a = deployer.address;
      const impls = { offering: a, shares: a, controller: a, governor: a, timelock: a };
      const args = [await open.getAddress(), await models.getAddress(), await settlement.getAddress(), impls] as const;
      await expect(factory.deploy(...args, a, 1_001, a))
        .to.be.revertedWithCustomError(factory, "OfferingFeeTooHigh")
        .withArgs(1_001);
      await expect(factory.deploy(...args, ethers.ZeroAddress, 100, a))
        .to.be.revertedWithCustomError(factory, "OfferingInvalidTreasury")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("governance", function () {
    it("lets the owner alone set the fee (at most 10%) and the treasury", async function () {
      const { offeringFactory, deployer, outsider } = await loadFixture(launchableFixture);
      await expect(offeringFactory.connect(outsider).setProtocolFee(50))
        .to.be.revertedWithCustomError(offeringFactory, "OwnableUnauthorizedAccount")
        .withArgs(outsider.address);
      await expect(offeringFactory.connect(outsider).setProtocolTreasury(outsider.address))
        .to.be.revertedWithCustomError(offeringFactory, "OwnableUnauthorizedAccount")
        .withArgs(outsider.address);
      await expect(offeringFactory.connect(deployer).setProtocolFee(1_000))
        .to.emit(offeringFactory, "ProtocolFeeSet")
        .withArgs(1_000);
      await expect(offeringFactory.connect(deployer).setProtocolFee(1_001))
        .to.be.revertedWithCustomError(offeringFactory, "OfferingFeeTooHigh")
        .withArgs(1_001);
      await expect(offeringFactory.connect(deployer).setProtocolTreasury(outsider.address))
        .to.emit(offeringFactory, "ProtocolTreasurySet")
        .withArgs(outsider.address);
      await expect(offeringFactory.connect(deployer).setProtocolTreasury(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(offeringFactory, "OfferingInvalidTreasury")
        .withArgs(ethers.ZeroAddress);
      expect(await offeringFactory.protocolTreasury()).to.equal(outsider.address);
    });
  });

  describe("launch", function () {
    it("clones the five contracts, takes the model into the controller and records the prospectus", async function () {
      const f = await loadFixture(launchableFixture);
      const terms = offeringTerms(BigInt(await time.latest()) + SALE_DURATION, f.tree.root);
      const args = [1n, "Ham filter shares", "HAM", terms, GOVERNANCE, PROSPECTUS_HASH, PROSPECTUS_URI] as const;
      const contracts = await f.offeringFactory.connect(f.developer).launch.staticCall(...args);
      await expect(f.offeringFactory.connect(f.developer).launch(...args))
        .to.emit(f.offeringFactory, "OfferingLaunched")
        .withArgs(1n, f.developer.address, [...contracts], PROSPECTUS_HASH, PROSPECTUS_URI);
      const { offering, shares, controller, governor, modelTimelock } = connectOffering(contracts, f.developer);
      expect(await f.offeringFactory.offeringOf(1n)).to.deep.equal([
        contracts.offering,
        contracts.shares,
        contracts.controller,
        contracts.governor,
        contracts.timelock,
      ]);
      expect(await f.offeringFactory.offeringOf(2n)).to.deep.equal(Array(5).fill(ethers.ZeroAddress));
      expect(await f.models.ownerOf(1n)).to.equal(await controller.getAddress());
      expect(await shares.totalSupply()).to.equal(SUPPLY);
      expect(await shares.escrow()).to.equal(await offering.getAddress());
      expect(await shares.revenueSink()).to.equal(await modelTimelock.getAddress());
      expect(await shares.name()).to.equal("Ham filter shares");
      expect(await shares.symbol()).to.equal("HAM");
      expect(await controller.timelock()).to.equal(await modelTimelock.getAddress());
      expect(await controller.creator()).to.equal(f.developer.address);
      expect(await governor.timelock()).to.equal(await modelTimelock.getAddress());
      expect(await governor.token()).to.equal(await shares.getAddress());
      expect(await governor.votingPeriod()).to.equal(BigInt(GOVERNANCE.votingPeriod));
      const proposer = await modelTimelock.PROPOSER_ROLE();
      expect(await modelTimelock.hasRole(proposer, await governor.getAddress())).to.equal(true);
      expect(await modelTimelock.hasRole(await modelTimelock.EXECUTOR_ROLE(), ethers.ZeroAddress)).to.equal(true);
      expect(await modelTimelock.hasRole(await modelTimelock.DEFAULT_ADMIN_ROLE(), f.developer.address)).to.equal(
        false,
      );
      expect(await modelTimelock.getMinDelay()).to.equal(BigInt(GOVERNANCE.timelockDelay));
      // The clones cannot be set up again, nor the implementations at all.
      await expect(
        shares.initialize("x", "x", 1n, f.developer.address, f.developer.address, f.developer.address),
      ).to.be.revertedWithCustomError(shares, "InvalidInitialization");
      const implementation = await ethers.getContractAt("ModelOffering", await implementationOf(f, "offering"));
      await expect(
        implementation.initialize(
          1n,
          f.developer.address,
          f.developer.address,
          f.developer.address,
          f.developer.address,
          offeringTerms(1n, ethers.ZeroHash),
          ethers.ZeroHash,
          "",
        ),
      ).to.be.revertedWithCustomError(implementation, "InvalidInitialization");
    });

    it("is the model owner's alone, and once per model", async function () {
      const f = await loadFixture(launchableFixture);
      const deadline = BigInt(await time.latest()) + SALE_DURATION;
      const terms = offeringTerms(deadline, f.tree.root);
      const args = [1n, "n", "s", terms, GOVERNANCE, PROSPECTUS_HASH, PROSPECTUS_URI] as const;
      await expect(f.offeringFactory.connect(f.outsider).launch(...args))
        .to.be.revertedWithCustomError(f.offeringFactory, "OfferingUnauthorizedLauncher")
        .withArgs(1n, f.outsider.address);
      const { offering } = await f.launch();
      // A failed sale returns the model to its creator, who still cannot launch it again.
      await time.increaseTo((await offering.terms()).sale.deadline);
      await offering.finalize();
      expect(await f.models.ownerOf(1n)).to.equal(f.developer.address);
      await f.models.connect(f.developer).approve(await f.offeringFactory.getAddress(), 1n);
      const again = offeringTerms(BigInt(await time.latest()) + SALE_DURATION, f.tree.root);
      await expect(f.offeringFactory.connect(f.developer).launch(1n, "n", "s", again, GOVERNANCE, PROSPECTUS_HASH, ""))
        .to.be.revertedWithCustomError(f.offeringFactory, "OfferingAlreadyLaunched")
        .withArgs(1n, await offering.getAddress());
    });

    describe("refuses terms that break a rule, naming it", function () {
      const cases: [string, string, (deadline: bigint, root: string) => Partial<OfferingTermsStruct>][] = [
        ["no sale part", "split", () => ({ split: { ...SPLIT, sale: 0n } })],
        ["a supply above 2^128 − 1", "split", () => ({ split: { ...SPLIT, creator: 2n ** 128n - 1n } })],
        [
          "fewer sale share units than OPEN wei at the hard cap (fills would round by deposit order)",
          "split",
          () => ({ split: { ...SPLIT, sale: HARD_CAP - 1n } }),
        ],
        ["a contributors' part without a root", "contributorsRoot", () => ({ contributorsRoot: ethers.ZeroHash })],
        [
          "a zero soft cap",
          "softCap",
          (d) => ({ sale: { softCap: 0n, hardCap: HARD_CAP, deadline: d, upfrontBps: UPFRONT_BPS } }),
        ],
        [
          "a soft cap above the hard cap",
          "softCap",
          (d) => ({ sale: { softCap: HARD_CAP + 1n, hardCap: HARD_CAP, deadline: d, upfrontBps: UPFRONT_BPS } }),
        ],
        [
          "a deadline already passed",
          "deadline",
          (d) => ({
            sale: { softCap: SOFT_CAP, hardCap: HARD_CAP, deadline: d - SALE_DURATION - 10n, upfrontBps: UPFRONT_BPS },
          }),
        ],
        [
          "a deadline more than a year ahead",
          "deadline",
          (d) => ({
            sale: { softCap: SOFT_CAP, hardCap: HARD_CAP, deadline: d + 366n * DAY, upfrontBps: UPFRONT_BPS },
          }),
        ],
        ["a cliff past the vesting's end", "vesting", () => ({ vesting: { cliff: 2n * DAY, duration: DAY } })],
        ["a zero end-vote quorum", "endVote", () => ({ endVote: { quorumBps: 0, votingPeriod: 3n * DAY } })],
        [
          "an end-vote quorum above 50% (the creator's and the treasury's shares could make it unwinnable)",
          "endVote",
          () => ({ endVote: { quorumBps: 5_001, votingPeriod: 3n * DAY } }),
        ],
        [
          "an end vote shorter than three days (holders need time to settle, delegate and vote)",
          "endVote",
          () => ({ endVote: { quorumBps: 2_000, votingPeriod: 3n * DAY - 1n } }),
        ],
        [
          "more than 16 milestones",
          "milestones",
          (d) => ({
            sale: { softCap: SOFT_CAP, hardCap: HARD_CAP, deadline: d, upfrontBps: 10_000 - 17 * 100 },
            milestones: Array.from({ length: 17 }, () => versionMilestone(d, 100)),
          }),
        ],
        ["tranches summing below 100%", "tranches", (d) => ({ milestones: [versionMilestone(d, 7_000)] })],
        [
          "a milestone due before the sale closes",
          "milestoneDeadline",
          (d) => ({ milestones: [{ ...versionMilestone(d, 8_000), deadline: d }] }),
        ],
        [
          "a version milestone without a Datanet",
          "milestoneKind",
          (d) => ({ milestones: [{ ...versionMilestone(d, 8_000), datanetId: 0n }] }),
        ],
        [
          "a version milestone with a threshold",
          "milestoneKind",
          (d) => ({ milestones: [{ ...versionMilestone(d, 8_000), threshold: 1n }] }),
        ],
        [
          "a version milestone while the creator keeps the right to add versions (it would meet it for free)",
          "versionMilestone",
          () => ({ creatorKeepsVersions: true }),
        ],
        [
          "a version milestone on a Datanet version already published at launch",
          "datanetVersion",
          (d) => ({ milestones: [{ ...versionMilestone(d, 8_000), datanetVersion: 1n }] }),
        ],
        [
          "a version milestone on Datanet version 0",
          "datanetVersion",
          (d) => ({ milestones: [{ ...versionMilestone(d, 8_000), datanetVersion: 0n }] }),
        ],
        [
          "a calls milestone without a threshold",
          "milestoneKind",
          (d) => ({ milestones: [{ ...callsMilestone(d, 8_000, 0n) }] }),
        ],
        [
          "a fees milestone naming a Datanet",
          "milestoneKind",
          (d) => ({
            milestones: [
              { ...callsMilestone(d, 8_000, FEES_THRESHOLD), kind: MilestoneKind.SettledFees, datanetId: 1n },
            ],
          }),
        ],
      ];
      for (const [what, reason, overrides] of cases) {
        it(`${what}: "${reason}"`, async function () {
          const f = await loadFixture(launchableFixture);
          const deadline = BigInt(await time.latest()) + SALE_DURATION;
          const terms = offeringTerms(deadline, f.tree.root, overrides(deadline, f.tree.root));
          await expect(
            f.offeringFactory.connect(f.developer).launch(1n, "n", "s", terms, GOVERNANCE, PROSPECTUS_HASH, ""),
          )
            .to.be.revertedWithCustomError(f.offeringFactory, "OfferingInvalidTerms")
            .withArgs(reason);
        });
      }

      it(`governance terms under a day to vote or to wait, or a quorum outside 4–100%: "governance"`, async function () {
        const f = await loadFixture(launchableFixture);
        const terms = offeringTerms(BigInt(await time.latest()) + SALE_DURATION, f.tree.root);
        for (const governance of [
          { ...GOVERNANCE, votingPeriod: DAY - 1n },
          { ...GOVERNANCE, timelockDelay: DAY - 1n },
          { ...GOVERNANCE, quorumPercent: 3 },
          { ...GOVERNANCE, quorumPercent: 101 },
        ]) {
          await expect(
            f.offeringFactory.connect(f.developer).launch(1n, "n", "s", terms, governance, PROSPECTUS_HASH, ""),
          )
            .to.be.revertedWithCustomError(f.offeringFactory, "OfferingInvalidTerms")
            .withArgs("governance");
        }
      });
    });

    it("states what faking a settled milestone would cost the creator", async function () {
      const { offeringFactory } = await loadFixture(launchableFixture);
      const calls = CALLS_THRESHOLD * MODEL_PRICE;
      expect(await offeringFactory.fakingCost(1n, MilestoneKind.SettledCalls, CALLS_THRESHOLD)).to.equal(
        calls - (calls * MODEL_BPS) / BPS,
      );
      expect(await offeringFactory.fakingCost(1n, MilestoneKind.SettledFees, FEES_THRESHOLD)).to.equal(
        FEES_THRESHOLD - (FEES_THRESHOLD * MODEL_BPS) / BPS,
      );
      expect(await offeringFactory.fakingCost(1n, MilestoneKind.ModelVersion, 0n)).to.equal(0n);
      // A threshold whose fees pass 2^256 costs the most there is, rather than reverting.
      expect(await offeringFactory.fakingCost(1n, MilestoneKind.SettledCalls, ethers.MaxUint256)).to.equal(
        ethers.MaxUint256 - (ethers.MaxUint256 * MODEL_BPS) / BPS,
      );
    });

    it("refuses a settled milestone cheaper to fake than its largest tranche", async function () {
      const f = await loadFixture(launchableFixture);
      const net = HARD_CAP - (HARD_CAP * BigInt(DEFAULT_OFFERING_FEE_BPS)) / BPS;
      // 40% of the net raise at the hard cap: 3,960 OPEN. 494,999 calls cost 4,949.99 OPEN, 3,959.992 once the model's
      // 20% comes back.
      const tranche = (net * 6_000n) / BPS - (net * 2_000n) / BPS;
      const cheap = 494_999n;
      const cost = cheap * MODEL_PRICE - (cheap * MODEL_PRICE * MODEL_BPS) / BPS;
      expect(cost).to.be.lessThan(tranche);
      const deadline = BigInt(await time.latest()) + SALE_DURATION;
      const terms = offeringTerms(deadline, f.tree.root);
      const milestones = [{ ...terms.milestones[0], threshold: cheap }, terms.milestones[1], terms.milestones[2]];
      await expect(
        f.offeringFactory
          .connect(f.developer)
          .launch(1n, "n", "s", { ...terms, milestones }, GOVERNANCE, PROSPECTUS_HASH, ""),
      )
        .to.be.revertedWithCustomError(f.offeringFactory, "OfferingMilestoneTooCheap")
        .withArgs(0n, cost, tranche);
      // A fees milestone likewise: milestone 2's tranche is 1,980 OPEN.
      const fees = { ...terms.milestones[2], threshold: 2_474n * E18 };
      const feesCost = fees.threshold - (fees.threshold * MODEL_BPS) / BPS;
      await expect(
        f.offeringFactory
          .connect(f.developer)
          .launch(
            1n,
            "n",
            "s",
            { ...terms, milestones: [terms.milestones[0], terms.milestones[1], fees] },
            GOVERNANCE,
            PROSPECTUS_HASH,
            "",
          ),
      )
        .to.be.revertedWithCustomError(f.offeringFactory, "OfferingMilestoneTooCheap")
        .withArgs(2n, feesCost, (net * 10_000n) / BPS - (net * 8_000n) / BPS);
      // 495,000 calls cost exactly the tranche: allowed.
      await expect(f.launch()).to.not.be.reverted;
    });
  });

  describe("test coverage of the interface", function () {
    it("asserts every custom error and event of IOfferingFactory somewhere in this file", async function () {
      expect(
        unassertedErrorsAndEvents(__filename, IOfferingFactory__factory.createInterface(), [
          "offeringFactory",
          "f.offeringFactory",
          "factory",
        ]),
      ).to.deep.equal([]);
    });
  });
});

/** A version milestone of `trancheBps` due a month after the sale's deadline `deadline`. */
function versionMilestone(deadline: bigint, trancheBps: number) {
  return {
    kind: MilestoneKind.ModelVersion,
    trancheBps,
    deadline: deadline + 30n * DAY,
    datanetId: 1n,
    datanetVersion: 2n,
    threshold: 0n,
  };
}

/** A settled-calls milestone of `trancheBps` and `threshold` due a month after the sale's deadline. */
function callsMilestone(deadline: bigint, trancheBps: number, threshold: bigint) {
  return {
    kind: MilestoneKind.SettledCalls,
    trancheBps,
    deadline: deadline + 30n * DAY,
    datanetId: 0n,
    datanetVersion: 0n,
    threshold,
  };
}

/** The address of the implementation `field` the deployment's factory clones. */
async function implementationOf(
  f: Awaited<ReturnType<typeof launchableFixture>>,
  field: keyof typeof OFFERING_IMPLEMENTATIONS,
): Promise<string> {
  // The factory keeps its implementations private; the clones' EIP-1167 code names them.
  const code = await ethers.provider.getCode((await f.offeringFactory.offeringOf(1n))[field]);
  return ethers.getAddress("0x" + code.slice(22, 62));
}
