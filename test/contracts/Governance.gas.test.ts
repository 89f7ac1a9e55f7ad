import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash } from "ethers";
import { deployGovernance, handOverToTimelock } from "../../deploy/governance";
import { deployProtocol } from "../../deploy/protocol";
import { GOVERNOR_SETTINGS, TIMELOCK_DELAY, governorFixture, timelockFixture } from "../fixtures/governance";
import { gasOf, gasTable } from "../helpers/gas";

/**
 * Ceilings on what OPEN holders and the timelock's proposer and executor pay per action, so that a heavier Governor
 * extension or a costlier setter shows up here. The execution measured runs RewardDistributor.setChallengeWindow.
 */
const CAST_VOTE_GOAL = 90_000n;
const SCHEDULE_GOAL = 60_000n;
const EXECUTE_GOAL = 55_000n;

const ONE_HOUR = 3_600n;

/** Gas of every transaction `signer` sends during `action` (deployments included): deploy code returns no receipts. */
async function gasOfAll(signer: { address: string }, action: () => Promise<unknown>): Promise<bigint> {
  const startBlock = await ethers.provider.getBlockNumber();
  await action();
  let total = 0n;
  for (let b = startBlock + 1; b <= (await ethers.provider.getBlockNumber()); b++) {
    const block = await ethers.provider.getBlock(b, true);
    for (const tx of block!.prefetchedTransactions) {
      if (tx.from === signer.address) total += (await tx.wait())!.gasUsed;
    }
  }
  return total;
}

describe("Governance gas", function () {
  const measured = gasTable();

  it("measures deploying and wiring the governance", async function () {
    const [deployer] = await ethers.getSigners();
    const { open, rewards } = await deployProtocol(deployer, { allowSameKey: true });
    const openToken = await open.getAddress();
    measured.push([
      "deployGovernance: timelock only",
      await gasOfAll(deployer, () => deployGovernance(deployer, { openToken })),
    ]);
    let timelock = "";
    measured.push([
      "deployGovernance: timelock + Governor, wired (5 txs)",
      await gasOfAll(deployer, async () => {
        timelock = await (
          await deployGovernance(deployer, { openToken, governor: GOVERNOR_SETTINGS })
        ).timelock.getAddress();
      }),
    ]);
    measured.push([
      "handOverToTimelock: one AccessControl (grant + renounce)",
      await gasOfAll(deployer, () =>
        handOverToTimelock(deployer, timelock, { accessControlled: [{ contract: rewards }] }),
      ),
    ]);
  });

  it("keeps a timelocked parameter change cheap", async function () {
    const { rewards, timelock, proposer, executor } = await loadFixture(timelockFixture);
    const target = await rewards.getAddress();
    const data = rewards.interface.encodeFunctionData("setChallengeWindow", [ONE_HOUR]);
    const schedule = await gasOf(
      timelock.connect(proposer).schedule(target, 0, data, ZeroHash, ZeroHash, TIMELOCK_DELAY),
    );
    await time.increase(TIMELOCK_DELAY);
    const execute = await gasOf(timelock.connect(executor).execute(target, 0, data, ZeroHash, ZeroHash));
    measured.push(["timelock schedule: setChallengeWindow", schedule]);
    measured.push(["timelock execute: setChallengeWindow", execute]);
    expect(schedule).to.be.lessThanOrEqual(SCHEDULE_GOAL);
    expect(execute).to.be.lessThanOrEqual(EXECUTE_GOAL);
  });

  it("keeps a vote cheap, and measures a proposal's whole way", async function () {
    const { open, rewards, governor, alice, bob, outsider } = await loadFixture(governorFixture);
    measured.push(["OPEN delegate to self", await gasOf(open.connect(alice).delegate(alice.address))]);
    await open.connect(bob).delegate(bob.address);
    const targets = [await rewards.getAddress()];
    const calldatas = [rewards.interface.encodeFunctionData("setChallengeWindow", [ONE_HOUR])];
    const description = "Set the challenge window to one hour";
    const args = [targets, [0n], calldatas, ethers.id(description)] as [string[], bigint[], string[], string];
    measured.push([
      "Governor propose: setChallengeWindow",
      await gasOf(governor.connect(alice).propose(targets, [0n], calldatas, description)),
    ]);
    const id = await governor.hashProposal(...args);
    await mine(GOVERNOR_SETTINGS.votingDelay + 1);
    const firstVote = await gasOf(governor.connect(alice).castVote(id, 1));
    const secondVote = await gasOf(governor.connect(bob).castVote(id, 0));
    measured.push(["Governor castVote: first vote", firstVote]);
    measured.push(["Governor castVote: second vote", secondVote]);
    await mine(GOVERNOR_SETTINGS.votingPeriod);
    measured.push(["Governor queue", await gasOf(governor.connect(outsider).queue(...args))]);
    await time.increase(TIMELOCK_DELAY);
    measured.push(["Governor execute: setChallengeWindow", await gasOf(governor.connect(outsider).execute(...args))]);
    expect(firstVote).to.be.lessThanOrEqual(CAST_VOTE_GOAL);
    expect(secondVote).to.be.lessThanOrEqual(CAST_VOTE_GOAL);
  });
});
