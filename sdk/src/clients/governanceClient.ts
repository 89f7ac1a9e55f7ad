import { isAddress, isHexString } from "ethers";
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { TimelockController__factory } from "../contracts/typechain/factories/@openzeppelin/contracts/governance/TimelockController__factory";
import type { TimelockController } from "../contracts/typechain";
import { InvalidInputError, withDecodedErrors } from "../errors";
import { OPERATION_STATES } from "../errors/reverts/governance";
import { resolveTimelockCall, timelockOperationId } from "../governance/operation";
import type { TimelockCall } from "../governance/operation";
import { sendFrom, throwingSdkErrors } from "./tx";

/** TimelockController's state of an operation: never scheduled, waiting out its delay, executable, executed. */
export type OperationState = (typeof OPERATION_STATES)[number];

/** Parameters of {@link GovernanceClient.scheduleCall}. */
export interface ScheduleCallParameters extends TimelockCall {
  /** Seconds before the call may run; defaults to the timelock's minimum delay (a shorter one is refused). */
  delay?: bigint;
}

/** What {@link GovernanceClient.scheduleCall} returns. */
export interface ScheduleCallReturnType {
  /** The timelock's id of the operation (see {@link timelockOperationId}). */
  operationId: string;
  /** Unix time from which {@link GovernanceClient.executeCall} can run it. */
  readyAt: bigint;
  receipt: ContractTransactionReceipt;
}

/**
 * Typed access to the TimelockController that owns the protocol's parameters: schedule a call (proposers), execute it
 * once its delay has passed (executors), and read where an operation stands. Transactions wait to be mined and throw
 * the SDK's typed errors when they revert (e.g. an early execution throws an `OperationStateError`).
 */
export class GovernanceClient {
  private constructor(readonly timelock: TimelockController) {}

  /** Connects to the timelock at `address`. */
  static async connect(address: string, runner: ContractRunner): Promise<GovernanceClient> {
    if (!isAddress(address)) throw new InvalidInputError(`"${address}" is not an address.`);
    return new GovernanceClient(TimelockController__factory.connect(address, runner));
  }

  /** The same client sending from another signer. */
  connect(runner: ContractRunner): GovernanceClient {
    return new GovernanceClient(this.timelock.connect(runner));
  }

  private send(tx: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    return withDecodedErrors(() => sendFrom(this.timelock.runner, tx));
  }

  /** Seconds every scheduled call must wait, at least. */
  async minDelay(): Promise<bigint> {
    return this.timelock.getMinDelay();
  }

  /** The operation id of `call` (computed locally, as the timelock's `hashOperation` does). */
  operationId(call: TimelockCall): string {
    return timelockOperationId(call);
  }

  /** Where the operation with id `operationId`, or of `call`, stands. */
  async operationState(operation: string | TimelockCall): Promise<OperationState> {
    const id = this.idOf(operation);
    return OPERATION_STATES[Number(await this.timelock.getOperationState(id))];
  }

  /** Schedules `call` to run after `delay` seconds (proposers only); returns its id and when it becomes ready. */
  async scheduleCall(p: ScheduleCallParameters): Promise<ScheduleCallReturnType> {
    const c = resolveTimelockCall(p);
    const delay = p.delay ?? (await this.minDelay());
    const receipt = await this.send(() =>
      this.timelock.schedule(c.target, c.value, c.data, c.predecessor, c.salt, delay),
    );
    const operationId = timelockOperationId(c);
    return { operationId, readyAt: await this.timelock.getTimestamp(operationId), receipt };
  }

  /** Runs a scheduled `call` whose delay has passed (executors only), sending its value along. */
  async executeCall(call: TimelockCall): Promise<ContractTransactionReceipt> {
    const c = resolveTimelockCall(call);
    return this.send(() => this.timelock.execute(c.target, c.value, c.data, c.predecessor, c.salt, { value: c.value }));
  }

  private idOf(operation: string | TimelockCall): string {
    if (typeof operation !== "string") return timelockOperationId(operation);
    if (!isHexString(operation, 32)) throw new InvalidInputError(`"${operation}" is not a 32-byte operation id.`);
    return operation;
  }

  // Whatever fails below a method (an argument ethers refuses, a node down or lying) reaches the caller typed.
  static {
    throwingSdkErrors(this);
    throwingSdkErrors(this.prototype);
  }
}
