import { expect } from "chai";
import { time, loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { InvalidOfferingTermsError, validateOfferingTerms } from "../../../sdk/src";
import type { GovernanceTerms, OfferingTerms } from "../../../sdk/src";
import { OfferingClient, fromTermsOutput, toOfferingTermsStruct } from "../../../sdk/src/clients/offeringClient";
import { IModelOffering__factory } from "../../../typechain-types";
import { GOVERNANCE, PROSPECTUS_HASH, SALE_DURATION, launchableFixture, offeringTerms } from "../../fixtures/offering";

/*
 * validateOfferingTerms against the factory it mirrors: for terms breaking each of the factory's rules, both refuse,
 * the SDK naming the rule's path and the factory its reason; for terms at each bound, both accept (the launch is
 * simulated with staticCall, so nothing is launched).
 */

const DAY = 86_400;

/** The fixture's terms (through their ABI encoding, as a contract returns them) and governance in the SDK's shapes. */
function sdkTerms(deadline: bigint, root: string): { terms: OfferingTerms; governance: GovernanceTerms } {
  const abi = IModelOffering__factory.createInterface();
  const encoded = abi.encodeFunctionResult("terms", [offeringTerms(deadline, root)]);
  return {
    terms: fromTermsOutput(abi.decodeFunctionResult("terms", encoded)[0]),
    governance: {
      votingDelay: Number(GOVERNANCE.votingDelay),
      votingPeriod: Number(GOVERNANCE.votingPeriod),
      quorumPercent: Number(GOVERNANCE.quorumPercent),
      proposalThreshold: BigInt(GOVERNANCE.proposalThreshold),
      timelockDelay: Number(GOVERNANCE.timelockDelay),
    },
  };
}

type Change = (t: OfferingTerms, g: GovernanceTerms) => void;

/** [what, the change, the SDK's path, the factory's error and its reason (for OfferingInvalidTerms)]. */
const REFUSED: [string, Change, string, string, string?][] = [
  [
    "fewer sale share units than OPEN wei",
    (t) => (t.split.sale = t.sale.hardCap - 1n),
    "split",
    "OfferingInvalidTerms",
    "split",
  ],
  [
    "a contributors' part without a root",
    (t) => (t.contributorsRoot = `0x${"0".repeat(64)}`),
    "contributorsRoot",
    "OfferingInvalidTerms",
    "contributorsRoot",
  ],
  [
    "a soft cap above the hard cap",
    (t) => (t.sale.softCap = t.sale.hardCap + 1n),
    "softCap",
    "OfferingInvalidTerms",
    "softCap",
  ],
  [
    "a cliff past the vesting's end",
    (t) => (t.vesting.cliff = t.vesting.duration + 1),
    "vesting",
    "OfferingInvalidTerms",
    "vesting",
  ],
  ["an end-vote quorum above 50%", (t) => (t.endVote.quorumBps = 5_001), "endVote", "OfferingInvalidTerms", "endVote"],
  [
    "an end vote under three days",
    (t) => (t.endVote.votingPeriod = 3 * DAY - 1),
    "endVote",
    "OfferingInvalidTerms",
    "endVote",
  ],
  [
    "a governance vote under a day",
    (_, g) => (g.votingPeriod = DAY - 1),
    "governance",
    "OfferingInvalidTerms",
    "governance",
  ],
  [
    "a timelock delay under a day",
    (_, g) => (g.timelockDelay = DAY - 1),
    "governance",
    "OfferingInvalidTerms",
    "governance",
  ],
  ["a governance quorum under 4%", (_, g) => (g.quorumPercent = 3), "governance", "OfferingInvalidTerms", "governance"],
  [
    "a milestone due before the sale closes",
    (t) => (t.milestones[0].deadline = t.sale.deadline),
    "milestones[0].deadline",
    "OfferingInvalidTerms",
    "milestoneDeadline",
  ],
  [
    "a version milestone the creator could register",
    (t) => (t.creatorKeepsVersions = true),
    "milestones[1]",
    "OfferingInvalidTerms",
    "versionMilestone",
  ],
  [
    "a version milestone on a published Datanet version",
    (t) => (t.milestones[1].datanetVersion = 1),
    "milestones[1].datanetVersion",
    "OfferingInvalidTerms",
    "datanetVersion",
  ],
  ["tranches summing below 100%", (t) => (t.sale.upfrontBps -= 1), "milestones", "OfferingInvalidTerms", "tranches"],
  [
    "a calls milestone cheaper to fake than its tranche",
    (t) => (t.milestones[0].threshold = 1_000n),
    "milestones[0]",
    "OfferingMilestoneTooCheap",
  ],
];

/** Terms at each bound the factory sets, which both must accept. */
const ACCEPTED: [string, Change][] = [
  ["the fixture's terms", () => undefined],
  ["one sale share unit per OPEN wei", (t) => (t.split.sale = t.sale.hardCap)],
  [
    "an end-vote quorum of 50% over exactly three days",
    (t) => ((t.endVote.quorumBps = 5_000), (t.endVote.votingPeriod = 3 * DAY)),
  ],
  ["governance at its minimums", (_, g) => ((g.votingPeriod = DAY), (g.timelockDelay = DAY), (g.quorumPercent = 4))],
  [
    "the creator keeping versions without a version milestone",
    (t) => {
      t.creatorKeepsVersions = true;
      t.sale.upfrontBps += t.milestones[1].trancheBps;
      t.milestones.splice(1, 1);
    },
  ],
];

describe("SDK validateOfferingTerms against the offering factory", function () {
  async function setup(change: Change) {
    const f = await loadFixture(launchableFixture);
    const deadline = BigInt(await time.latest()) + SALE_DURATION;
    const { terms, governance } = sdkTerms(deadline, f.tree.root);
    change(terms, governance);
    const client = await OfferingClient.connect(await f.offeringFactory.getAddress(), f.developer);
    const context = await client.launchContext(1n, terms.milestones);
    // The launch's block comes one second later than the latest; the SDK checks against the latest.
    const launch = () =>
      f.offeringFactory
        .connect(f.developer)
        .launch.staticCall(1n, "n", "s", toOfferingTermsStruct(terms), governance, PROSPECTUS_HASH, "");
    return { f, terms, governance, context, launch };
  }

  for (const [what, change, path, error, reason] of REFUSED) {
    it(`both refuse ${what}`, async function () {
      const { f, terms, governance, context, launch } = await setup(change);
      let refused: unknown;
      try {
        validateOfferingTerms(terms, governance, context);
      } catch (e) {
        refused = e;
      }
      expect(refused).to.be.instanceOf(InvalidOfferingTermsError);
      expect((refused as InvalidOfferingTermsError).path).to.equal(path);
      const reverted = expect(launch()).to.be.revertedWithCustomError(f.offeringFactory, error);
      if (reason !== undefined) await reverted.withArgs(reason);
      else await reverted;
    });
  }

  for (const [what, change] of ACCEPTED) {
    it(`both accept ${what}`, async function () {
      const { terms, governance, context, launch } = await setup(change);
      expect(() => validateOfferingTerms(terms, governance, context)).to.not.throw();
      await launch();
    });
  }
});
