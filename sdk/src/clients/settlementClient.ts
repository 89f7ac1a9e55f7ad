import { isAddress, isHexString, MaxUint256, ZeroHash } from "ethers";
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { IEpochClock__factory } from "../contracts/typechain/factories/contracts/interfaces/IEpochClock__factory";
import { IInferenceSettlement__factory } from "../contracts/typechain/factories/contracts/interfaces/IInferenceSettlement__factory";
import { ModelRegistry__factory } from "../contracts/typechain/factories/contracts/ModelRegistry__factory";
import { OpenToken__factory } from "../contracts/typechain/factories/contracts/token/OpenToken__factory";
import type { IEpochClock, IInferenceSettlement, IModelRegistry, OpenToken } from "../contracts/typechain";
import type { InferenceSettledEvent } from "../contracts/typechain/contracts/interfaces/IInferenceSettlement";
import { IntegrityError, InvalidInputError, withDecodedErrors } from "../errors";
import { scheduleOf } from "../settlement/epochs";
import type { EpochSegment } from "../settlement/epochs";
import { splitFee } from "../settlement/fees";
import type { FeeShares, FeeSplitBps } from "../settlement/fees";
import { ledgerOf } from "../settlement/ledger";
import type { EpochLedgerView } from "../settlement/ledger";
import type { EpochSettlement } from "../epoch/input";
import type { InferenceLog } from "../inference/log";
import { checkUint } from "../internal/check";
import { eventsOf } from "../internal/logs";
import { sendFrom, signerAddressOf, throwingSdkErrors } from "./tx";

/** Parameters of {@link SettlementClient.settle}. */
export interface SettleParameters {
  modelId: bigint;
  /** Inference calls paid for: at least 1, at most 2⁶⁴ − 1. */
  calls: bigint;
  /** Nonzero 32-byte root committing to the inference logs (the attestor attributes them). */
  logRoot: string;
  /** Where the inference logs can be fetched. */
  logURI: string;
  /**
   * The most the payer will pay (wei of OPEN). Default: the fee quoted at the model's price just before sending, so
   * a price raised after the quote (even in the same block, ahead of this transaction) makes the settlement revert
   * with `TermsChangedError` instead of charging more.
   */
  maxFee?: bigint;
  /** Approve settlement for `maxFee` when the allowance falls short. Default true. */
  approve?: boolean;
}

/** Parameters of {@link SettlementClient.settleLog}. */
export interface SettleLogParameters {
  modelId: bigint;
  log: InferenceLog;
  /** Where the log's file is stored. Default `ipfs://<CID of log.serialize()>`. */
  logURI?: string;
  /** As in {@link SettleParameters}: by default the fee quoted just before sending. */
  maxFee?: bigint;
  approve?: boolean;
}

/** What a fee for `calls` inferences of a model would be now, and how it would be shared. */
export interface SettlementQuote {
  modelId: bigint;
  calls: bigint;
  pricePerCall: bigint;
  revenueRecipient: string;
  fee: bigint;
  shares: FeeShares;
}

/** One settlement, as its `InferenceSettled` event records it. */
export interface SettlementRecord {
  epoch: bigint;
  modelId: bigint;
  payer: string;
  calls: bigint;
  fee: bigint;
  shares: FeeShares;
  logRoot: string;
  logURI: string;
  blockNumber: number;
  transactionHash: string;
  /** The event's index in its block. */
  logIndex: number;
  /** `<transactionHash>:<logIndex>`: the settlement's id in an epoch's input and report. */
  id: string;
}

/** What {@link SettlementClient.settle} did. */
export interface SettleReturnType extends Omit<
  SettlementRecord,
  "blockNumber" | "transactionHash" | "logIndex" | "id"
> {
  receipt: ContractTransactionReceipt;
}

/** An epoch's ledger on-chain and as recomputed from the settlements' events. */
export interface LedgerCheck {
  epoch: bigint;
  onchain: EpochLedgerView;
  recomputed: EpochLedgerView;
  valid: boolean;
}

const MAX_CALLS = 2n ** 64n - 1n;

function settledOf(
  a: InferenceSettledEvent.OutputObject,
): Omit<SettlementRecord, "blockNumber" | "transactionHash" | "logIndex" | "id"> {
  return {
    epoch: a.epoch,
    modelId: a.modelId,
    payer: a.payer,
    calls: a.calls,
    fee: a.fee,
    shares: {
      treasury: a.treasuryShare,
      model: a.modelShare,
      stakers: a.stakersShare,
      contributors: a.contributorsShare,
    },
    logRoot: a.logRoot,
    logURI: a.logURI,
  };
}

/**
 * Typed access to InferenceSettlement and the epoch clock it uses: quotes, settlements (approving the fee when
 * needed), the fee split and the epoch ledgers. Transactions wait to be mined and throw the SDK's typed errors when
 * they revert.
 */
export class SettlementClient {
  private constructor(
    readonly settlement: IInferenceSettlement,
    readonly token: OpenToken,
    readonly models: IModelRegistry,
    readonly clock: IEpochClock,
  ) {}

  /** Connects to settlement at `address`; the token, the model registry and the clock are read from it. */
  static async connect(address: string, runner: ContractRunner): Promise<SettlementClient> {
    if (!isAddress(address)) throw new InvalidInputError(`"${address}" is not an address.`);
    const settlement = IInferenceSettlement__factory.connect(address, runner);
    const [token, models, clock] = await withDecodedErrors(() =>
      Promise.all([settlement.PAYMENT_TOKEN(), settlement.MODELS(), settlement.CLOCK()]),
    );
    return new SettlementClient(
      settlement,
      OpenToken__factory.connect(token, runner),
      ModelRegistry__factory.connect(models, runner),
      IEpochClock__factory.connect(clock, runner),
    );
  }

  /** The same client sending from another signer. */
  connect(runner: ContractRunner): SettlementClient {
    return new SettlementClient(
      this.settlement.connect(runner),
      this.token.connect(runner),
      this.models.connect(runner),
      this.clock.connect(runner),
    );
  }

  private send(tx: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    return sendFrom(this.settlement.runner, tx);
  }

  /** The current fee split. */
  async feeSplit(): Promise<FeeSplitBps> {
    const s = await withDecodedErrors(() => this.settlement.feeSplit());
    return {
      treasuryBps: Number(s.treasuryBps),
      modelBps: Number(s.modelBps),
      stakersBps: Number(s.stakersBps),
      contributorsBps: Number(s.contributorsBps),
    };
  }

  /** The protocol treasury, which receives the treasury's share. */
  async treasury(): Promise<string> {
    return withDecodedErrors(() => this.settlement.treasury());
  }

  /** The fee and its shares for `calls` inferences of `modelId` at the model's current price and the current split. */
  async quote(modelId: bigint, calls: bigint): Promise<SettlementQuote> {
    checkCalls(calls);
    const [terms, split] = await Promise.all([withDecodedErrors(() => this.models.terms(modelId)), this.feeSplit()]);
    const fee = terms.pricePerCall * calls;
    return {
      modelId,
      calls,
      pricePerCall: terms.pricePerCall,
      revenueRecipient: terms.revenueRecipient,
      fee,
      shares: splitFee(fee, split),
    };
  }

  /**
   * Pays for `calls` inferences of a model from the signer's OPEN and records them in the current epoch, paying at
   * most `maxFee` (by default the fee quoted now). Unless `approve` is false, first approves settlement for `maxFee`
   * when the allowance is short.
   *
   * @throws `TermsChangedError` when the model's price rose above `maxFee` before the settlement was mined.
   */
  async settle(p: SettleParameters): Promise<SettleReturnType> {
    checkCalls(p.calls);
    if (!isHexString(p.logRoot, 32) || p.logRoot === ZeroHash) {
      throw new InvalidInputError(`The log root must be a nonzero 32-byte hex string, got "${p.logRoot}".`);
    }
    if (p.maxFee !== undefined && (typeof p.maxFee !== "bigint" || p.maxFee < 0n || p.maxFee > MaxUint256)) {
      throw new InvalidInputError(`maxFee must be a bigint in [0, 2^256 - 1], got ${String(p.maxFee)}.`);
    }
    return withDecodedErrors(async () => {
      const maxFee = p.maxFee ?? (await this.quote(p.modelId, p.calls)).fee;
      if (p.approve !== false) {
        const payer = await signerAddressOf(this.settlement.runner);
        const spender = await this.settlement.getAddress();
        if ((await this.token.allowance(payer, spender)) < maxFee) {
          await this.send(() => this.token.approve(spender, maxFee));
        }
      }
      const receipt = await this.send(() => this.settlement.settle(p.modelId, p.calls, maxFee, p.logRoot, p.logURI));
      const event = receipt.logs
        .map((l) => this.settlement.interface.parseLog(l))
        .find((e) => e?.name === "InferenceSettled");
      if (!event) throw new IntegrityError("The settlement was mined without an InferenceSettled event.");
      return { ...settledOf(event.args as unknown as InferenceSettledEvent.OutputObject), receipt };
    });
  }

  /** The ledger of `epoch` (zeros for an epoch without settlements). */
  async ledger(epoch: bigint): Promise<EpochLedgerView> {
    checkUint(epoch, "epoch");
    const l = await withDecodedErrors(() => this.settlement.epochLedger(epoch));
    return { calls: l.calls, settlements: l.settlements, fees: l.fees, logDigest: l.logDigest };
  }

  /** Every settlement of `epoch` in order, read from `InferenceSettled` events from block `fromBlock` on. */
  async settlements(epoch: bigint, fromBlock = 0): Promise<SettlementRecord[]> {
    checkUint(epoch, "epoch");
    const events = await eventsOf(() =>
      this.settlement.queryFilter(this.settlement.filters.InferenceSettled(epoch), fromBlock),
    );
    return events.map((e) => ({
      ...settledOf(e.args),
      blockNumber: e.blockNumber,
      transactionHash: e.transactionHash,
      logIndex: e.index,
      id: `${e.transactionHash}:${e.index}`,
    }));
  }

  /**
   * Settles one inference log: `calls` is the sum of its records' calls, `logRoot` its root, `logURI` where it is
   * stored (by default `ipfs://<its CID>`: store the bytes of `log.serialize()` there before or right after). Every
   * record must be of `modelId`. Paying at most `maxFee`, as {@link settle} does.
   *
   * @throws InvalidInputError when a record is of another model.
   */
  async settleLog(p: SettleLogParameters): Promise<SettleReturnType> {
    const other = p.log.records.find((r) => r.modelId !== p.modelId);
    if (other) {
      throw new InvalidInputError(`Record "${other.id}" of the log is of model ${other.modelId}, not ${p.modelId}.`);
    }
    return this.settle({
      modelId: p.modelId,
      calls: p.log.calls,
      logRoot: p.log.root,
      logURI: p.logURI ?? `ipfs://${p.log.contentId().cid}`,
      maxFee: p.maxFee,
      approve: p.approve,
    });
  }

  /**
   * The settlements of `epoch` as an epoch's input takes them: each with its pot (the contributors' share) and its
   * log, fetched by `fetchLog(logURI)`. A log that cannot be fetched (`fetchLog` returns undefined or throws) is left
   * out with the reason, and the epoch will carry that settlement's pot over.
   */
  async epochSettlements(
    epoch: bigint,
    fetchLog: (logURI: string) => Promise<unknown>,
    fromBlock = 0,
  ): Promise<EpochSettlement[]> {
    const settled = await this.settlements(epoch, fromBlock);
    return Promise.all(
      settled.map(async (s) => {
        const base = { id: s.id, modelId: s.modelId, calls: s.calls, pot: s.shares.contributors, logRoot: s.logRoot };
        try {
          const log = await fetchLog(s.logURI);
          if (log !== undefined) return { ...base, logURI: s.logURI, log };
          return { ...base, logURI: s.logURI, fetchError: `Nothing is stored at ${s.logURI}.` };
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          return { ...base, logURI: s.logURI, fetchError: `Fetching ${s.logURI} failed: ${reason}` };
        }
      }),
    );
  }

  /**
   * Recomputes the ledger of `epoch` (calls, settlements, fees and log digest) from its settlements' events and
   * compares it with the ledger on-chain: the check an attestor makes before attributing the epoch's logs.
   */
  async verifyLedger(epoch: bigint, fromBlock = 0): Promise<LedgerCheck> {
    const [onchain, settled] = await Promise.all([this.ledger(epoch), this.settlements(epoch, fromBlock)]);
    const recomputed = ledgerOf(settled);
    const valid =
      onchain.calls === recomputed.calls &&
      onchain.settlements === recomputed.settlements &&
      onchain.fees === recomputed.fees &&
      onchain.logDigest === recomputed.logDigest;
    return { epoch, onchain, recomputed, valid };
  }

  /** The epoch now, by the clock. Throws when epoch 1 has not begun. */
  async currentEpoch(): Promise<bigint> {
    return withDecodedErrors(() => this.clock.currentEpoch());
  }

  /** The first second of `epoch` (its end is the start of `epoch + 1`). */
  async epochStart(epoch: bigint): Promise<bigint> {
    return withDecodedErrors(() => this.clock.epochStart(epoch));
  }

  /** The length of the running epoch, in seconds. */
  async epochLength(): Promise<bigint> {
    return withDecodedErrors(() => this.clock.epochLength());
  }

  /** The clock's whole schedule from its `EpochLengthScheduled` events, for the pure `epochAt` and `epochStart`. */
  async epochSchedule(fromBlock = 0): Promise<EpochSegment[]> {
    const events = await eventsOf(() => this.clock.queryFilter(this.clock.filters.EpochLengthScheduled(), fromBlock));
    return scheduleOf(
      events.map((e) => {
        // By position: the event's `length` field collides with the array's in TypeChain's type of the arguments.
        const [fromEpoch, startsAt, length] = e.args as unknown as [bigint, bigint, bigint];
        return { fromEpoch, startsAt, length };
      }),
    );
  }

  // Whatever fails below a method (an argument ethers refuses, a node down or lying) reaches the caller typed.
  static {
    throwingSdkErrors(this);
    throwingSdkErrors(this.prototype);
  }
}

function checkCalls(calls: bigint): void {
  if (typeof calls !== "bigint" || calls < 1n || calls > MAX_CALLS) {
    throw new InvalidInputError(`calls must be a bigint in [1, 2^64 - 1], got ${String(calls)}.`);
  }
}
