import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import * as fs from "fs";
import { ZeroAddress, ZeroHash } from "ethers";
import type { BytesLike } from "ethers";
import {
  BLOCK_NUMBER_CLOCK_MODE,
  DEFAULT_ADMIN_ROLE,
  DEFAULT_GOVERNOR_SETTINGS,
  DEFAULT_TIMELOCK_DELAY,
  HandoverError,
  deployGovernance,
  handOverToTimelock,
} from "../../deploy/governance";
import { DEFAULT_CHALLENGE_WINDOW, deployProtocol } from "../../deploy/protocol";
import { GOVERNANCE_REVERTS } from "../../sdk/src/errors/reverts/governance";
import { MockOwnableParam__factory, MockTimestampVotes__factory, OpenGovernor__factory } from "../../typechain-types";
import {
  GOVERNOR_SETTINGS,
  TIMELOCK_DELAY,
  governanceFixture,
  governorFixture,
  timelockFixture,
} from "../fixtures/governance";
import { rejection } from "../helpers/rejection";

/** TimelockController's OperationState. */
enum Operation {
  Unset,
  Waiting,
  Ready,
  Done,
}

/** Governor's ProposalState. */
enum Proposal {
  Pending,
  Active,
  Canceled,
  Defeated,
  Succeeded,
  Queued,
  Expired,
  Executed,
}

enum Vote {
  Against,
  For,
  Abstain,
}

/** OpenZeppelin's state bitmap: bit i set for each expected state i. */
function bitmap(...states: number[]): string {
  return ethers.toBeHex(
    states.reduce((bits, s) => bits | (1n << BigInt(s)), 0n),
    32,
  );
}

const ONE_HOUR = 3_600n;

describe("Governance", function () {
  describe("deployGovernance", function () {
    it("without a Governor, lets the given proposers schedule and cancel and the executors execute; the timelock administers itself", async function () {
      const { timelock, deployer, proposer, executor } = await loadFixture(governanceFixture);
      const [proposerRole, cancellerRole, executorRole] = await Promise.all([
        timelock.PROPOSER_ROLE(),
        timelock.CANCELLER_ROLE(),
        timelock.EXECUTOR_ROLE(),
      ]);
      expect(await timelock.getMinDelay()).to.equal(TIMELOCK_DELAY);
      expect(await timelock.hasRole(proposerRole, proposer.address)).to.equal(true);
      expect(await timelock.hasRole(cancellerRole, proposer.address)).to.equal(true);
      expect(await timelock.hasRole(executorRole, executor.address)).to.equal(true);
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, await timelock.getAddress())).to.equal(true);
      for (const role of [DEFAULT_ADMIN_ROLE, proposerRole, cancellerRole, executorRole]) {
        expect(await timelock.hasRole(role, deployer.address)).to.equal(false);
      }
      expect(await timelock.hasRole(executorRole, ZeroAddress)).to.equal(false);
    });

    it("defaults the delay to nine days (a week's longest unstake cooldown plus a two-day margin) and the proposer and executor to the deployer", async function () {
      const [deployer] = await ethers.getSigners();
      const { open } = await deployProtocol(deployer, { allowSameKey: true });
      const { timelock, governor } = await deployGovernance(deployer, { openToken: await open.getAddress() });
      expect(governor).to.equal(undefined);
      expect(DEFAULT_TIMELOCK_DELAY).to.equal(777_600n);
      expect(await timelock.getMinDelay()).to.equal(DEFAULT_TIMELOCK_DELAY);
      expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), deployer.address)).to.equal(true);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), deployer.address)).to.equal(true);
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(false);
    });

    it("with a Governor, makes it the only proposer and canceller, lets anyone execute and leaves the deployer no role", async function () {
      const { timelock, governor, deployer } = await loadFixture(governorFixture);
      const governorAddress = await governor.getAddress();
      const [proposerRole, cancellerRole, executorRole] = await Promise.all([
        timelock.PROPOSER_ROLE(),
        timelock.CANCELLER_ROLE(),
        timelock.EXECUTOR_ROLE(),
      ]);
      expect(await timelock.hasRole(proposerRole, governorAddress)).to.equal(true);
      expect(await timelock.hasRole(cancellerRole, governorAddress)).to.equal(true);
      expect(await timelock.hasRole(executorRole, ZeroAddress)).to.equal(true);
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, await timelock.getAddress())).to.equal(true);
      for (const role of [DEFAULT_ADMIN_ROLE, proposerRole, cancellerRole, executorRole]) {
        expect(await timelock.hasRole(role, deployer.address)).to.equal(false);
      }
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, governorAddress)).to.equal(false);
    });

    it("configures the Governor with the given settings, the OPEN token and the timelock", async function () {
      const { open, timelock, governor } = await loadFixture(governorFixture);
      expect(await governor.name()).to.equal("OpenGovernor");
      expect(await governor.token()).to.equal(await open.getAddress());
      expect(await governor.timelock()).to.equal(await timelock.getAddress());
      expect(await governor.votingDelay()).to.equal(GOVERNOR_SETTINGS.votingDelay);
      expect(await governor.votingPeriod()).to.equal(GOVERNOR_SETTINGS.votingPeriod);
      expect(await governor.proposalThreshold()).to.equal(GOVERNOR_SETTINGS.proposalThreshold);
      expect(await governor["quorumNumerator()"]()).to.equal(GOVERNOR_SETTINGS.quorumPercent);
      expect(await governor.quorumDenominator()).to.equal(100n);
    });

    it("counts votes on OPEN's block-number clock", async function () {
      const { open, governor } = await loadFixture(governorFixture);
      expect(await open.CLOCK_MODE()).to.equal(BLOCK_NUMBER_CLOCK_MODE);
      expect(await governor.CLOCK_MODE()).to.equal(BLOCK_NUMBER_CLOCK_MODE);
      expect(await governor.clock()).to.equal(await ethers.provider.getBlockNumber());
    });

    it("defaults the Governor to a day's notice, a week's vote in blocks, a 1,000,000 OPEN threshold and a 4% quorum", async function () {
      const [deployer] = await ethers.getSigners();
      const { open } = await deployProtocol(deployer, { allowSameKey: true });
      const { governor } = await deployGovernance(deployer, { openToken: await open.getAddress(), governor: {} });
      expect(DEFAULT_GOVERNOR_SETTINGS).to.deep.equal({
        votingDelay: 7_200,
        votingPeriod: 50_400,
        proposalThreshold: ethers.parseEther("1000000"),
        quorumPercent: 4,
      });
      expect(await governor!.votingDelay()).to.equal(7_200n);
      expect(await governor!.votingPeriod()).to.equal(50_400n);
      expect(await governor!.proposalThreshold()).to.equal(ethers.parseEther("1000000"));
      expect(await governor!["quorumNumerator()"]()).to.equal(4n);
    });

    it("takes a custom delay, and executors with a Governor", async function () {
      const [deployer, executor] = await ethers.getSigners();
      const { open } = await deployProtocol(deployer, { allowSameKey: true });
      const { timelock } = await deployGovernance(deployer, {
        openToken: await open.getAddress(),
        minDelay: ONE_HOUR,
        executors: [executor.address],
        governor: GOVERNOR_SETTINGS,
      });
      expect(await timelock.getMinDelay()).to.equal(ONE_HOUR);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), executor.address)).to.equal(true);
      expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), ZeroAddress)).to.equal(false);
    });

    it("refuses proposers alongside a Governor", async function () {
      const [deployer, proposer] = await ethers.getSigners();
      const { open } = await deployProtocol(deployer, { allowSameKey: true });
      const error = await rejection(
        deployGovernance(deployer, {
          openToken: await open.getAddress(),
          proposers: [proposer.address],
          governor: GOVERNOR_SETTINGS,
        }),
        Error,
      );
      expect(error.message).to.match(/proposers cannot be given with a governor/);
    });

    it("refuses the block-count defaults for a token on a timestamp clock, and takes explicit settings", async function () {
      const [deployer] = await ethers.getSigners();
      const token = await (await new MockTimestampVotes__factory(deployer).deploy()).waitForDeployment();
      const openToken = await token.getAddress();
      for (const governor of [{}, { votingDelay: 86_400 }, { votingPeriod: 604_800 }]) {
        const error = await rejection(deployGovernance(deployer, { openToken, governor }), Error);
        expect(error.message).to.match(/clock is "mode=timestamp"/);
      }
      const { governor } = await deployGovernance(deployer, {
        openToken,
        governor: { votingDelay: 86_400, votingPeriod: 604_800 },
      });
      expect(await governor!.CLOCK_MODE()).to.equal("mode=timestamp");
      expect(await governor!.votingPeriod()).to.equal(604_800n);
    });

    it("lets the Governor's constructor refuse a zero voting period or a quorum above 100%", async function () {
      const [deployer] = await ethers.getSigners();
      const { open } = await deployProtocol(deployer, { allowSameKey: true });
      const openToken = await open.getAddress();
      const governor = new OpenGovernor__factory();
      await expect(deployGovernance(deployer, { openToken, governor: { ...GOVERNOR_SETTINGS, votingPeriod: 0 } }))
        .to.be.revertedWithCustomError(governor, "GovernorInvalidVotingPeriod")
        .withArgs(0);
      await expect(deployGovernance(deployer, { openToken, governor: { ...GOVERNOR_SETTINGS, quorumPercent: 101 } }))
        .to.be.revertedWithCustomError(governor, "GovernorInvalidQuorumFraction")
        .withArgs(101, 100);
    });
  });

  describe("handOverToTimelock", function () {
    it("moves the distributor's admin role to the timelock and leaves the deployer none; attestor and guardian keep theirs", async function () {
      const { rewards, timelock, deployer, attestor, guardian } = await loadFixture(governanceFixture);
      const timelockAddress = await timelock.getAddress();
      expect(await rewards.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(true);
      await handOverToTimelock(deployer, timelock, { accessControlled: [{ contract: rewards }] });
      expect(await rewards.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(false);
      expect(await rewards.hasRole(DEFAULT_ADMIN_ROLE, timelockAddress)).to.equal(true);
      expect(await rewards.hasRole(await rewards.ATTESTOR_ROLE(), attestor.address)).to.equal(true);
      expect(await rewards.hasRole(await rewards.GUARDIAN_ROLE(), guardian.address)).to.equal(true);
      expect(await rewards.hasRole(await rewards.ATTESTOR_ROLE(), timelockAddress)).to.equal(false);
      expect(await rewards.hasRole(await rewards.GUARDIAN_ROLE(), timelockAddress)).to.equal(false);
      // The timelock's own admin is the timelock: nobody else can re-grant the deployer anything without its delay.
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(false);
    });

    it("transfers Ownable ownership to the timelock", async function () {
      const { param, timelock, deployer } = await loadFixture(governanceFixture);
      await handOverToTimelock(deployer, await timelock.getAddress(), { ownables: [await param.getAddress()] });
      expect(await param.owner()).to.equal(await timelock.getAddress());
    });

    it("moves exactly the listed roles", async function () {
      const [deployer, attestor] = await ethers.getSigners();
      const { rewards } = await deployProtocol(deployer, { attestor: attestor.address });
      const { timelock } = await deployGovernance(deployer, { openToken: await rewards.REWARD_TOKEN() });
      const GUARDIAN_ROLE = await rewards.GUARDIAN_ROLE();
      await handOverToTimelock(deployer, timelock, {
        accessControlled: [{ contract: rewards, roles: [DEFAULT_ADMIN_ROLE, GUARDIAN_ROLE] }],
      });
      for (const role of [DEFAULT_ADMIN_ROLE, GUARDIAN_ROLE]) {
        expect(await rewards.hasRole(role, await timelock.getAddress())).to.equal(true);
        expect(await rewards.hasRole(role, deployer.address)).to.equal(false);
      }
      expect(await rewards.hasRole(await rewards.ATTESTOR_ROLE(), attestor.address)).to.equal(true);
    });

    it("sends nothing and names every problem when the deployer lacks what it would hand over", async function () {
      const { rewards, param, timelock, deployer, outsider } = await loadFixture(governanceFixture);
      const foreign = await (
        await new MockOwnableParam__factory(deployer).deploy(outsider.address)
      ).waitForDeployment();
      const ATTESTOR_ROLE = await rewards.ATTESTOR_ROLE();
      const nonce = await ethers.provider.getTransactionCount(deployer.address);
      const error = await rejection(
        handOverToTimelock(deployer, timelock, {
          ownables: [param, foreign, rewards],
          accessControlled: [{ contract: rewards, roles: [DEFAULT_ADMIN_ROLE, ATTESTOR_ROLE] }, { contract: param }],
        }),
        HandoverError,
      );
      expect(error.sent).to.equal(false);
      expect(error.problems).to.deep.equal([
        `${await foreign.getAddress()}: owner() is ${outsider.address}, not the deployer`,
        `${await rewards.getAddress()}: owner() is not readable (not Ownable?), not the deployer`,
        `${await rewards.getAddress()}: the deployer lacks role ${ATTESTOR_ROLE}`,
        `${await param.getAddress()}: the deployer cannot be checked (not AccessControl?) for role ${DEFAULT_ADMIN_ROLE}`,
      ]);
      expect(error.message).to.match(/^Nothing was handed over to the timelock \(no transaction sent\):\n {2}- /);
      expect(await ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
      expect(await param.owner()).to.equal(deployer.address);
      expect(await rewards.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(true);
    });

    it("refuses the deployer itself as the timelock", async function () {
      const { rewards, deployer } = await loadFixture(governanceFixture);
      const error = await rejection(
        handOverToTimelock(deployer, deployer.address.toLowerCase(), { accessControlled: [{ contract: rewards }] }),
        HandoverError,
      );
      expect(error.problems).to.deep.equal(["the timelock is the deployer itself"]);
    });

    it("throws when the ownership did not move, as with a two-step Ownable, which only nominates the timelock", async function () {
      const { twoStep, timelock, deployer, proposer, executor } = await loadFixture(governanceFixture);
      const timelockAddress = await timelock.getAddress();
      const error = await rejection(handOverToTimelock(deployer, timelock, { ownables: [twoStep] }), HandoverError);
      expect(error.sent).to.equal(true);
      expect(error.problems).to.have.length(1);
      expect(error.problems[0]).to.contain(`owner() is ${deployer.address}, not the timelock ${timelockAddress}`);
      expect(error.problems[0]).to.contain("acceptOwnership()");
      expect(error.message).to.match(/^The handover to the timelock did not take:/);
      expect(await twoStep.pendingOwner()).to.equal(timelockAddress);
      // The remedy: the timelock accepts through its own delay.
      const data = twoStep.interface.encodeFunctionData("acceptOwnership");
      const target = await twoStep.getAddress();
      await timelock.connect(proposer).schedule(target, 0, data, ZeroHash, ZeroHash, TIMELOCK_DELAY);
      await time.increase(TIMELOCK_DELAY);
      await expect(timelock.connect(executor).execute(target, 0, data, ZeroHash, ZeroHash))
        .to.emit(twoStep, "OwnershipTransferred")
        .withArgs(deployer.address, timelockAddress);
    });
  });

  describe("a timelock owning the protocol", function () {
    async function deploy() {
      const f = await loadFixture(timelockFixture);
      const { timelock, proposer, executor } = f;

      /** Schedules `target.call(data)` from the proposer, with `predecessor` and the given delay; returns its id. */
      async function schedule(
        target: { getAddress(): Promise<string> },
        data: string,
        predecessor: BytesLike = ZeroHash,
        delay = TIMELOCK_DELAY,
      ) {
        const address = await target.getAddress();
        await timelock.connect(proposer).schedule(address, 0, data, predecessor, ZeroHash, delay);
        return timelock.hashOperation(address, 0, data, predecessor, ZeroHash);
      }
      async function execute(
        target: { getAddress(): Promise<string> },
        data: string,
        predecessor: BytesLike = ZeroHash,
      ) {
        return timelock.connect(executor).execute(await target.getAddress(), 0, data, predecessor, ZeroHash);
      }
      const setWindow = (window: bigint) => f.rewards.interface.encodeFunctionData("setChallengeWindow", [window]);
      return { ...f, schedule, execute, setWindow };
    }

    it("refuses the former admin's direct setChallengeWindow and grantRole", async function () {
      const { rewards, deployer, outsider } = await deploy();
      await expect(rewards.connect(deployer).setChallengeWindow(ONE_HOUR))
        .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, DEFAULT_ADMIN_ROLE);
      await expect(rewards.connect(deployer).grantRole(await rewards.GUARDIAN_ROLE(), outsider.address))
        .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, DEFAULT_ADMIN_ROLE);
      expect(await rewards.challengeWindow()).to.equal(DEFAULT_CHALLENGE_WINDOW);
    });

    it("refuses the former owner's direct call of an Ownable setter", async function () {
      const { param, deployer } = await deploy();
      await expect(param.connect(deployer).setParam(7n))
        .to.be.revertedWithCustomError(param, "OwnableUnauthorizedAccount")
        .withArgs(deployer.address);
    });

    it("runs a scheduled setChallengeWindow once the delay has passed and not before", async function () {
      const { rewards, timelock, proposer, execute, setWindow } = await deploy();
      const target = await rewards.getAddress();
      const data = setWindow(ONE_HOUR);
      const id = await timelock.hashOperation(target, 0, data, ZeroHash, ZeroHash);
      await expect(timelock.connect(proposer).schedule(target, 0, data, ZeroHash, ZeroHash, TIMELOCK_DELAY))
        .to.emit(timelock, "CallScheduled")
        .withArgs(id, 0, target, 0, data, ZeroHash, TIMELOCK_DELAY);
      const readyAt = BigInt(await time.latest()) + TIMELOCK_DELAY;
      expect(await timelock.getTimestamp(id)).to.equal(readyAt);
      expect(await timelock.getOperationState(id)).to.equal(Operation.Waiting);

      await expect(execute(rewards, data))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(id, bitmap(Operation.Ready));
      await time.setNextBlockTimestamp(readyAt - 1n);
      await expect(execute(rewards, data))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(id, bitmap(Operation.Ready));
      expect(await rewards.challengeWindow()).to.equal(DEFAULT_CHALLENGE_WINDOW);

      await time.setNextBlockTimestamp(readyAt);
      await expect(execute(rewards, data))
        .to.emit(rewards, "ChallengeWindowSet")
        .withArgs(ONE_HOUR)
        .and.to.emit(timelock, "CallExecuted")
        .withArgs(id, 0, target, 0, data);
      expect(await rewards.challengeWindow()).to.equal(ONE_HOUR);
      expect(await timelock.getOperationState(id)).to.equal(Operation.Done);
      await expect(execute(rewards, data))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(id, bitmap(Operation.Ready));
    });

    it("grants an operational role through the timelock", async function () {
      const { rewards, timelock, outsider, schedule, execute } = await deploy();
      const GUARDIAN_ROLE = await rewards.GUARDIAN_ROLE();
      const data = rewards.interface.encodeFunctionData("grantRole", [GUARDIAN_ROLE, outsider.address]);
      await schedule(rewards, data);
      await time.increase(TIMELOCK_DELAY);
      await expect(execute(rewards, data))
        .to.emit(rewards, "RoleGranted")
        .withArgs(GUARDIAN_ROLE, outsider.address, await timelock.getAddress());
      expect(await rewards.hasRole(GUARDIAN_ROLE, outsider.address)).to.equal(true);
    });

    it("runs an Ownable setter through the timelock", async function () {
      const { param, schedule, execute } = await deploy();
      const data = param.interface.encodeFunctionData("setParam", [42n]);
      await schedule(param, data);
      await time.increase(TIMELOCK_DELAY);
      await expect(execute(param, data)).to.emit(param, "ParamSet").withArgs(42n);
      expect(await param.param()).to.equal(42n);
    });

    it("passes on the governed contract's revert", async function () {
      const { param, schedule, execute } = await deploy();
      const data = param.interface.encodeFunctionData("transferOwnership", [ZeroAddress]);
      await schedule(param, data);
      await time.increase(TIMELOCK_DELAY);
      await expect(execute(param, data))
        .to.be.revertedWithCustomError(param, "OwnableInvalidOwner")
        .withArgs(ZeroAddress);
    });

    it("refuses a delay below its minimum", async function () {
      const { rewards, timelock, schedule, setWindow } = await deploy();
      await expect(schedule(rewards, setWindow(ONE_HOUR), ZeroHash, TIMELOCK_DELAY - 1n))
        .to.be.revertedWithCustomError(timelock, "TimelockInsufficientDelay")
        .withArgs(TIMELOCK_DELAY - 1n, TIMELOCK_DELAY);
    });

    it("lets only its proposers schedule, its cancellers cancel and its executors execute", async function () {
      const { rewards, timelock, proposer, outsider, schedule, setWindow } = await deploy();
      const target = await rewards.getAddress();
      const data = setWindow(ONE_HOUR);
      const [proposerRole, cancellerRole, executorRole] = await Promise.all([
        timelock.PROPOSER_ROLE(),
        timelock.CANCELLER_ROLE(),
        timelock.EXECUTOR_ROLE(),
      ]);
      await expect(timelock.connect(outsider).schedule(target, 0, data, ZeroHash, ZeroHash, TIMELOCK_DELAY))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, proposerRole);
      const id = await schedule(rewards, data);
      await expect(timelock.connect(outsider).cancel(id))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, cancellerRole);
      await time.increase(TIMELOCK_DELAY);
      await expect(timelock.connect(outsider).execute(target, 0, data, ZeroHash, ZeroHash))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, executorRole);
      await expect(timelock.connect(proposer).cancel(id)).to.emit(timelock, "Cancelled").withArgs(id);
      expect(await timelock.getOperationState(id)).to.equal(Operation.Unset);
    });

    it("changes its own settings only through itself", async function () {
      const { timelock, outsider, schedule, execute } = await deploy();
      await expect(timelock.connect(outsider).updateDelay(1n))
        .to.be.revertedWithCustomError(timelock, "TimelockUnauthorizedCaller")
        .withArgs(outsider.address);
      const data = timelock.interface.encodeFunctionData("updateDelay", [4n * 86_400n]);
      await schedule(timelock, data);
      await time.increase(TIMELOCK_DELAY);
      await expect(execute(timelock, data))
        .to.emit(timelock, "MinDelayChange")
        .withArgs(TIMELOCK_DELAY, 4n * 86_400n);
    });

    it("runs an operation only after its predecessor", async function () {
      const { rewards, param, timelock, schedule, execute, setWindow } = await deploy();
      const first = await schedule(rewards, setWindow(ONE_HOUR));
      const second = param.interface.encodeFunctionData("setParam", [1n]);
      await schedule(param, second, first);
      await time.increase(TIMELOCK_DELAY);
      await expect(execute(param, second, first))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexecutedPredecessor")
        .withArgs(first);
      await execute(rewards, setWindow(ONE_HOUR));
      await expect(execute(param, second, first))
        .to.emit(param, "ParamSet")
        .withArgs(1n);
    });

    it("refuses a batch whose targets, payloads and values differ in number", async function () {
      const { rewards, timelock, proposer, setWindow } = await deploy();
      const target = await rewards.getAddress();
      await expect(
        timelock
          .connect(proposer)
          .scheduleBatch([target], [0, 0], [setWindow(ONE_HOUR)], ZeroHash, ZeroHash, TIMELOCK_DELAY),
      )
        .to.be.revertedWithCustomError(timelock, "TimelockInvalidOperationLength")
        .withArgs(1, 1, 2);
    });
  });

  describe("OpenGovernor", function () {
    async function deploy() {
      const f = await loadFixture(governorFixture);
      const { rewards, governor, timelock } = f;
      const target = await rewards.getAddress();

      /** A proposal to set the distributor's challenge window, by its proposal id and queue/execute arguments. */
      function windowProposal(window: bigint, description = `Set the challenge window to ${window} s`) {
        const calldata = rewards.interface.encodeFunctionData("setChallengeWindow", [window]);
        const args: [string[], bigint[], string[], string] = [[target], [0n], [calldata], ethers.id(description)];
        return { calldata, description, args, id: governor.hashProposal(...args) };
      }
      async function propose(who: typeof f.alice, window: bigint, description?: string) {
        const p = windowProposal(window, description);
        await governor.connect(who).propose([target], [0n], [p.calldata], p.description);
        return { ...p, id: await p.id };
      }
      /** The timelock's id for a queued proposal: OpenZeppelin salts it with the Governor's address. */
      async function timelockId(args: ReturnType<typeof windowProposal>["args"]) {
        const salt = ethers.toBeHex((BigInt(await governor.getAddress()) << 96n) ^ BigInt(args[3]), 32);
        return timelock.hashOperationBatch(args[0], args[1], args[2], ZeroHash, salt);
      }
      return { ...f, windowProposal, propose, timelockId };
    }

    it("passes a proposal by OPEN votes, queues it in the timelock and executes it after the delay", async function () {
      const { open, rewards, governor, timelock, alice, bob, outsider, propose, timelockId } = await deploy();
      await expect(open.connect(alice).delegate(alice.address))
        .to.emit(open, "DelegateChanged")
        .withArgs(alice.address, ZeroAddress, alice.address);
      await open.connect(bob).delegate(bob.address);
      const p = await propose(alice, ONE_HOUR);
      expect(await governor.state(p.id)).to.equal(Proposal.Pending);
      await mine(GOVERNOR_SETTINGS.votingDelay + 1);
      expect(await governor.state(p.id)).to.equal(Proposal.Active);

      const aliceVotes = ethers.parseEther("50000000");
      await expect(governor.connect(alice).castVote(p.id, Vote.For))
        .to.emit(governor, "VoteCast")
        .withArgs(alice.address, p.id, Vote.For, aliceVotes, "");
      await governor.connect(bob).castVote(p.id, Vote.Against);
      await mine(GOVERNOR_SETTINGS.votingPeriod);
      expect(await governor.state(p.id)).to.equal(Proposal.Succeeded);

      await expect(governor.connect(outsider).queue(...p.args)).to.emit(governor, "ProposalQueued");
      expect(await governor.state(p.id)).to.equal(Proposal.Queued);
      const operationId = await timelockId(p.args);
      await expect(governor.connect(outsider).execute(...p.args))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(operationId, bitmap(Operation.Ready));

      await time.increase(TIMELOCK_DELAY);
      await expect(governor.connect(outsider).execute(...p.args))
        .to.emit(rewards, "ChallengeWindowSet")
        .withArgs(ONE_HOUR)
        .and.to.emit(governor, "ProposalExecuted")
        .withArgs(p.id);
      expect(await rewards.challengeWindow()).to.equal(ONE_HOUR);
      expect(await governor.state(p.id)).to.equal(Proposal.Executed);
    });

    it("defeats a proposal without quorum, which then cannot be queued", async function () {
      const { open, rewards, governor, bob, propose } = await deploy();
      await open.connect(bob).delegate(bob.address);
      const p = await propose(bob, ONE_HOUR);
      await mine(GOVERNOR_SETTINGS.votingDelay + 1);
      await governor.connect(bob).castVote(p.id, Vote.For);
      await mine(GOVERNOR_SETTINGS.votingPeriod);
      expect(await governor.quorum((await governor.proposalSnapshot(p.id)) as bigint)).to.equal(
        ethers.parseEther("40000000"),
      );
      expect(await governor.state(p.id)).to.equal(Proposal.Defeated);
      await expect(governor.queue(...p.args))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(p.id, Proposal.Defeated, bitmap(Proposal.Succeeded));
      expect(await rewards.challengeWindow()).to.equal(DEFAULT_CHALLENGE_WINDOW);
    });

    it("counts only votes delegated by the proposal's snapshot", async function () {
      const { open, governor, alice, bob, propose } = await deploy();
      await open.connect(bob).delegate(bob.address);
      const p = await propose(bob, ONE_HOUR);
      await mine(GOVERNOR_SETTINGS.votingDelay);
      expect(await ethers.provider.getBlockNumber()).to.equal(await governor.proposalSnapshot(p.id));
      await open.connect(alice).delegate(alice.address);
      await expect(governor.connect(alice).castVote(p.id, Vote.For))
        .to.emit(governor, "VoteCast")
        .withArgs(alice.address, p.id, Vote.For, 0n, "");
    });

    it("refuses a proposer below the threshold", async function () {
      const { open, rewards, governor, carol, windowProposal } = await deploy();
      await open.connect(carol).delegate(carol.address);
      const p = windowProposal(ONE_HOUR);
      await expect(governor.connect(carol).propose([await rewards.getAddress()], [0n], [p.calldata], p.description))
        .to.be.revertedWithCustomError(governor, "GovernorInsufficientProposerVotes")
        .withArgs(carol.address, ethers.parseEther("1000"), GOVERNOR_SETTINGS.proposalThreshold);
    });

    it("refuses a proposal whose targets, values and calldatas differ in number", async function () {
      const { open, rewards, governor, alice, windowProposal } = await deploy();
      await open.connect(alice).delegate(alice.address);
      const p = windowProposal(ONE_HOUR);
      await expect(governor.connect(alice).propose([await rewards.getAddress()], [], [p.calldata], p.description))
        .to.be.revertedWithCustomError(governor, "GovernorInvalidProposalLength")
        .withArgs(1, 1, 0);
    });

    it("refuses a proposal whose description names another proposer", async function () {
      const { rewards, governor, alice, bob, windowProposal } = await deploy();
      const p = windowProposal(ONE_HOUR);
      const description = `${p.description}#proposer=${bob.address}`;
      await expect(governor.connect(alice).propose([await rewards.getAddress()], [0n], [p.calldata], description))
        .to.be.revertedWithCustomError(governor, "GovernorRestrictedProposer")
        .withArgs(alice.address);
    });

    it("takes votes only while the vote is open, once per voter, of a known type", async function () {
      const { open, governor, alice, propose } = await deploy();
      await open.connect(alice).delegate(alice.address);
      const p = await propose(alice, ONE_HOUR);
      await expect(governor.connect(alice).castVote(p.id, Vote.For))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(p.id, Proposal.Pending, bitmap(Proposal.Active));
      await mine(GOVERNOR_SETTINGS.votingDelay + 1);
      await expect(governor.connect(alice).castVote(p.id, 3)).to.be.revertedWithCustomError(
        governor,
        "GovernorInvalidVoteType",
      );
      await governor.connect(alice).castVote(p.id, Vote.Abstain);
      await expect(governor.connect(alice).castVote(p.id, Vote.For))
        .to.be.revertedWithCustomError(governor, "GovernorAlreadyCastVote")
        .withArgs(alice.address);
      await mine(GOVERNOR_SETTINGS.votingPeriod);
      await expect(governor.connect(alice).castVote(p.id, Vote.For))
        .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
        .withArgs(p.id, Proposal.Defeated, bitmap(Proposal.Active));
    });

    it("lets only the proposer cancel, and only before voting starts", async function () {
      const { open, governor, alice, bob, propose } = await deploy();
      await open.connect(alice).delegate(alice.address);
      const p = await propose(alice, ONE_HOUR);
      await expect(governor.connect(bob).cancel(...p.args))
        .to.be.revertedWithCustomError(governor, "GovernorUnableToCancel")
        .withArgs(p.id, bob.address);
      await expect(governor.connect(alice).cancel(...p.args))
        .to.emit(governor, "ProposalCanceled")
        .withArgs(p.id);
      expect(await governor.state(p.id)).to.equal(Proposal.Canceled);

      const late = await propose(alice, 2n * ONE_HOUR);
      await mine(GOVERNOR_SETTINGS.votingDelay + 1);
      await expect(governor.connect(alice).cancel(...late.args))
        .to.be.revertedWithCustomError(governor, "GovernorUnableToCancel")
        .withArgs(late.id, alice.address);
    });

    it("reverts for an unknown proposal", async function () {
      const { governor } = await deploy();
      await expect(governor.state(123n))
        .to.be.revertedWithCustomError(governor, "GovernorNonexistentProposal")
        .withArgs(123n);
    });

    it("changes its own settings only through a passed proposal", async function () {
      const { governor, alice } = await deploy();
      await expect(governor.connect(alice).setVotingPeriod(5))
        .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
        .withArgs(alice.address);
      expect(await governor.votingPeriod()).to.equal(GOVERNOR_SETTINGS.votingPeriod);
    });

    it("leaves the deployer no way to schedule on the timelock directly", async function () {
      const { rewards, timelock, deployer } = await deploy();
      const data = rewards.interface.encodeFunctionData("setChallengeWindow", [ONE_HOUR]);
      await expect(
        timelock.connect(deployer).schedule(await rewards.getAddress(), 0, data, ZeroHash, ZeroHash, TIMELOCK_DELAY),
      )
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, await timelock.PROPOSER_ROLE());
      await expect(rewards.connect(deployer).setChallengeWindow(ONE_HOUR))
        .to.be.revertedWithCustomError(rewards, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, DEFAULT_ADMIN_ROLE);
    });
  });

  describe("test coverage of the governance errors and the mock's events", function () {
    it("asserts every error the SDK's governance revert table decodes, and every MockOwnableParam event", async function () {
      const source = fs.readFileSync(__filename, "utf8");
      const missing: string[] = [];
      // Prettier may break a matcher call across lines with a trailing comma, so allow for both.
      const asserted = (matcher: string, name: string) =>
        new RegExp(`${matcher}\\(\\s*\\w+,\\s*"${name}"\\s*,?\\s*\\)`).test(source);
      for (const name of Object.keys(GOVERNANCE_REVERTS)) {
        if (!asserted("revertedWithCustomError", name)) missing.push(`error ${name}`);
      }
      MockOwnableParam__factory.createInterface().forEachEvent((e) => {
        if (!asserted("\\.to\\.emit", e.name)) missing.push(`event ${e.name}`);
      });
      expect(missing).to.deep.equal([]);
    });
  });
});
