import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash } from "ethers";
import type { ParamType } from "ethers";
import {
  ContractRevertError,
  GovernanceClient,
  InsufficientFundsError,
  InvalidConfigurationError,
  InvalidInputError,
  OperationStateError,
  UnauthorizedError,
  decodeRevert,
  resolveTimelockCall,
  timelockOperationId,
  withDecodedErrors,
} from "../../sdk/src";
import { GOVERNANCE_INTERFACES, GOVERNANCE_REVERTS } from "../../sdk/src/errors/reverts/governance";
import { GOVERNOR_SETTINGS, TIMELOCK_DELAY, governorFixture, timelockFixture } from "../fixtures/governance";
import { rejection } from "../helpers/rejection";

const ONE_HOUR = 3_600n;

async function clientFixture() {
  const f = await timelockFixture();
  const address = await f.timelock.getAddress();
  const proposer = await GovernanceClient.connect(address, f.proposer);
  const target = await f.rewards.getAddress();
  const call = { target, data: f.rewards.interface.encodeFunctionData("setChallengeWindow", [ONE_HOUR]) };
  return {
    ...f,
    address,
    call,
    clients: { proposer, executor: proposer.connect(f.executor), outsider: proposer.connect(f.outsider) },
  };
}

/** A value of Solidity type `param`, for encoding an error with made-up arguments. */
function sample(param: ParamType): unknown {
  if (param.type === "address") return "0x00000000000000000000000000000000000000AA";
  if (param.type.startsWith("bytes")) return ethers.toBeHex(6n, 32);
  return 3n;
}

describe("GovernanceClient", function () {
  describe("operation ids", function () {
    it("computes the timelock's hashOperation locally, with and without the optional fields", async function () {
      const { timelock, call } = await loadFixture(clientFixture);
      expect(timelockOperationId(call)).to.equal(
        await timelock.hashOperation(call.target, 0, call.data, ZeroHash, ZeroHash),
      );
      const full = { ...call, value: 5n, predecessor: ethers.id("before"), salt: ethers.id("salt") };
      expect(timelockOperationId(full)).to.equal(
        await timelock.hashOperation(call.target, 5n, call.data, full.predecessor, full.salt),
      );
    });

    it("normalizes the target's case and fills in the defaults", function () {
      const target = "0x00000000000000000000000000000000000000aa";
      expect(resolveTimelockCall({ target, data: new Uint8Array([1, 2]) })).to.deep.equal({
        target: "0x00000000000000000000000000000000000000AA",
        data: "0x0102",
        value: 0n,
        predecessor: ZeroHash,
        salt: ZeroHash,
      });
      expect(timelockOperationId({ target, data: "0x0102" })).to.equal(
        timelockOperationId({ target: ethers.getAddress(target), data: "0x0102", value: 0n, salt: ZeroHash }),
      );
    });
  });

  describe("scheduleCall and executeCall", function () {
    it("schedules a parameter change, refuses to run it early and runs it once ready", async function () {
      const { rewards, call, clients } = await loadFixture(clientFixture);
      expect(await clients.proposer.minDelay()).to.equal(TIMELOCK_DELAY);
      expect(await clients.proposer.operationState(call)).to.equal("Unset");

      const { operationId, readyAt, receipt } = await clients.proposer.scheduleCall(call);
      expect(operationId).to.equal(clients.proposer.operationId(call));
      expect(readyAt).to.equal(
        BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp) + TIMELOCK_DELAY,
      );
      expect(await clients.proposer.operationState(operationId)).to.equal("Waiting");

      const early = await rejection(clients.executor.executeCall(call), OperationStateError);
      expect(early.errorName).to.equal("TimelockUnexpectedOperationState");
      expect(early.shortMessage).to.equal(`Timelock operation ${operationId} is not Ready.`);
      expect(early.hint).to.match(/GovernanceClient\.operationState/);

      await time.increaseTo(readyAt);
      expect(await clients.executor.operationState(call)).to.equal("Ready");
      await clients.executor.executeCall(call);
      expect(await rewards.challengeWindow()).to.equal(ONE_HOUR);
      expect(await clients.executor.operationState(call)).to.equal("Done");
    });

    it("schedules with a longer delay than the minimum", async function () {
      const { call, clients } = await loadFixture(clientFixture);
      const { receipt, readyAt } = await clients.proposer.scheduleCall({ ...call, delay: TIMELOCK_DELAY + ONE_HOUR });
      const minedAt = BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
      expect(readyAt).to.equal(minedAt + TIMELOCK_DELAY + ONE_HOUR);
    });

    it("turns the timelock's refusals into typed errors", async function () {
      const { call, clients, outsider, timelock } = await loadFixture(clientFixture);
      const short = await rejection(
        clients.proposer.scheduleCall({ ...call, delay: TIMELOCK_DELAY - 1n }),
        InvalidConfigurationError,
      );
      expect(short.shortMessage).to.equal("A delay of 777,599 s is below the timelock's minimum of 777,600 s.");

      const stranger = await rejection(clients.outsider.scheduleCall(call), UnauthorizedError);
      expect(stranger.args).to.deep.equal({ account: outsider.address, neededRole: await timelock.PROPOSER_ROLE() });

      await clients.proposer.scheduleCall(call);
      await time.increase(TIMELOCK_DELAY);
      const notExecutor = await rejection(clients.outsider.executeCall(call), UnauthorizedError);
      expect(notExecutor.args.neededRole).to.equal(await timelock.EXECUTOR_ROLE());
    });

    it("names a predecessor that has not run", async function () {
      const { param, call, clients } = await loadFixture(clientFixture);
      const first = await clients.proposer.scheduleCall(call);
      const second = {
        target: await param.getAddress(),
        data: param.interface.encodeFunctionData("setParam", [9n]),
        predecessor: first.operationId,
      };
      await clients.proposer.scheduleCall(second);
      await time.increase(TIMELOCK_DELAY);
      const error = await rejection(clients.executor.executeCall(second), OperationStateError);
      expect(error.shortMessage).to.equal(`The predecessor operation ${first.operationId} has not been executed.`);
      await clients.executor.executeCall(call);
      await clients.executor.executeCall(second);
      expect(await param.param()).to.equal(9n);
    });

    it("refuses to send without a signer, a malformed address and a malformed operation id", async function () {
      const { address, call, clients } = await loadFixture(clientFixture);
      const reader = await GovernanceClient.connect(address, ethers.provider);
      await rejection(reader.scheduleCall(call), InvalidInputError);
      await rejection(GovernanceClient.connect("0x1234", ethers.provider), InvalidInputError);
      await rejection(clients.proposer.operationState("0x1234"), InvalidInputError);
      expect(await reader.operationState(ethers.id("never scheduled"))).to.equal("Unset");
    });
  });

  describe("revert decoding of governed contracts", function () {
    it("tells the former owner or admin that the timelock owns the parameter now", async function () {
      const { rewards, param, deployer } = await loadFixture(clientFixture);
      const owner = await rejection(
        withDecodedErrors(() => param.connect(deployer).setParam(1n)),
        UnauthorizedError,
      );
      expect(owner.shortMessage).to.equal(`${deployer.address} is not the owner.`);
      expect(owner.hint).to.match(/scheduleCall/);
      await rejection(
        withDecodedErrors(() => rewards.connect(deployer).setChallengeWindow(1n)),
        UnauthorizedError,
      );
    });

    it("explains the Governor's refusals", async function () {
      const { open, rewards, governor, alice, carol } = await loadFixture(governorFixture);
      const targets = [await rewards.getAddress()];
      const calldatas = [rewards.interface.encodeFunctionData("setChallengeWindow", [ONE_HOUR])];
      await open.connect(carol).delegate(carol.address);
      const poor = await rejection(
        withDecodedErrors(() => governor.connect(carol).propose(targets, [0n], calldatas, "too small")),
        InsufficientFundsError,
      );
      expect(poor.shortMessage).to.equal(`${carol.address} has 1,000 OPEN of votes but proposing needs 10,000 OPEN.`);

      await open.connect(alice).delegate(alice.address);
      await governor.connect(alice).propose(targets, [0n], calldatas, "early vote");
      const id = await governor.hashProposal(targets, [0n], calldatas, ethers.id("early vote"));
      const early = await rejection(
        withDecodedErrors(() => governor.connect(alice).castVote(id, 1)),
        OperationStateError,
      );
      expect(early.shortMessage).to.match(/^Proposal 0x[0-9a-f]{8}…[0-9a-f]{4} is Pending, not Active\.$/);
      await mine(GOVERNOR_SETTINGS.votingDelay + 1);
      await governor.connect(alice).castVote(id, 1);
      const twice = await rejection(
        withDecodedErrors(() => governor.connect(alice).castVote(id, 1)),
        OperationStateError,
      );
      expect(twice.shortMessage).to.equal(`${alice.address} has already voted on this proposal.`);
    });

    it("decodes every error of the governance table into its class with a complete message", function () {
      for (const [name, [Class]] of Object.entries(GOVERNANCE_REVERTS)) {
        const iface = GOVERNANCE_INTERFACES.find((i) => i.getError(name));
        expect(iface, `${name} is in no governance interface`).to.not.equal(undefined);
        const fragment = iface!.getError(name)!;
        const data = iface!.encodeErrorResult(fragment, fragment.inputs.map(sample));
        const error = decodeRevert({ data }) as ContractRevertError;
        expect(error, name).to.be.instanceOf(Class);
        expect(error.errorName).to.equal(name);
        expect(error.message, name).to.not.match(/undefined|NaN|\[object/);
      }
    });

    it("names every expected state of a bitmap", function () {
      const [iface] = GOVERNANCE_INTERFACES;
      const decode = (expected: bigint) =>
        (
          decodeRevert({
            data: iface.encodeErrorResult("TimelockUnexpectedOperationState", [ZeroHash, ethers.toBeHex(expected, 32)]),
          }) as ContractRevertError
        ).shortMessage;
      expect(decode(0b0110n)).to.equal(`Timelock operation ${ZeroHash} is not Waiting or Ready.`);
      expect(decode(0n)).to.equal(`Timelock operation ${ZeroHash} is not in an expected state.`);
    });
  });
});
