import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { contentHash, datanetFixture } from "../fixtures/protocol";
import { gasOf, gasTable } from "../helpers/gas";
import { commitSubmission } from "../helpers/submission";

/**
 * Goals from the foundation and security issues: steady-state submissions (the reveal) and review votes, and the
 * commitment that precedes each submission.
 */
const SUBMIT_GOAL = 120_000n;
const COMMIT_GOAL = 50_000n;
const VOTE_GOAL = 70_000n;

describe("DatanetRegistry gas", function () {
  const measured = gasTable();

  async function scenario() {
    const f = await loadFixture(datanetFixture);
    const { datanets, alice, v1, v2, datanetId } = f;
    const commits: bigint[] = [];
    const submit = async (n: number) => {
      const pending = await commitSubmission(datanets, alice, datanetId, contentHash(n), {
        size: 4_096,
        uri: `ipfs://c${n}`,
      });
      commits.push(pending.commitReceipt.gasUsed);
      return gasOf(pending.reveal());
    };
    const vote = (n: number, validator = v1, accept = true) =>
      gasOf(datanets.connect(validator).vote(datanetId, contentHash(n), accept));
    return { ...f, submit, vote, commits };
  }

  it("keeps a steady-state submission within 120,000 gas, from the wallet and from bond credit", async function () {
    const { submit, vote, v2, commits } = await scenario();
    measured.push(["submit: first in this Datanet (new counters slot)", await submit(0)]);
    const fromWallet = await submit(1);
    measured.push(["submit: bond pulled from the wallet", fromWallet]);
    await vote(0);
    await vote(0, v2); // accepted: the bond becomes credit
    const fromCredit = await submit(2);
    measured.push(["submit: bond paid from bond credit", fromCredit]);
    measured.push(["commit (every submission's first transaction)", commits[1]]);
    expect(fromWallet).to.be.lessThanOrEqual(SUBMIT_GOAL);
    expect(fromCredit).to.be.lessThanOrEqual(SUBMIT_GOAL);
    for (const gas of commits) expect(gas).to.be.lessThanOrEqual(COMMIT_GOAL);
  });

  it("keeps a review vote within 70,000 gas, deciding or not", async function () {
    const { submit, vote, v2 } = await scenario();
    for (let n = 0; n < 5; n++) await submit(n);
    const first = await vote(0);
    measured.push(["vote: not deciding", first]);
    measured.push(["vote: deciding accept, Datanet's first digest and first credit", await vote(0, v2)]);
    await vote(1);
    const decidingAccept = await vote(1, v2);
    measured.push(["vote: deciding accept", decidingAccept]);
    await vote(2, undefined, false);
    measured.push(["vote: deciding reject, Datanet's first slash", await vote(2, v2, false)]);
    await vote(3, undefined, false);
    const decidingReject = await vote(3, v2, false);
    measured.push(["vote: deciding reject (bond slashed to the treasury)", decidingReject]);
    expect(first).to.be.lessThanOrEqual(VOTE_GOAL);
    expect(decidingAccept).to.be.lessThanOrEqual(VOTE_GOAL);
    expect(decidingReject).to.be.lessThanOrEqual(VOTE_GOAL);
  });
});
