/* The package's "./offering" entry: the client of the offering factory and its offerings. Browser-safe, but kept out of
the main entry, whose bundle would carry the offering contracts' ABIs; the offering math, share tree and prospectus are
in the main entry. */
import { ZeroAddress, isAddress } from "ethers";
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { DatanetRegistry__factory } from "../contracts/typechain/factories/contracts/DatanetRegistry__factory";
import { IInferenceSettlement__factory } from "../contracts/typechain/factories/contracts/interfaces/IInferenceSettlement__factory";
import { IModelOffering__factory } from "../contracts/typechain/factories/contracts/interfaces/IModelOffering__factory";
import { IModelShares__factory } from "../contracts/typechain/factories/contracts/interfaces/IModelShares__factory";
import { IOfferingFactory__factory } from "../contracts/typechain/factories/contracts/interfaces/IOfferingFactory__factory";
import { ModelRegistry__factory } from "../contracts/typechain/factories/contracts/ModelRegistry__factory";
import { OpenToken__factory } from "../contracts/typechain/factories/contracts/token/OpenToken__factory";
import type {
  IInferenceSettlement,
  IModelOffering,
  IModelShares,
  IOfferingFactory,
  ModelRegistry,
  OpenToken,
} from "../contracts/typechain";
import type { OfferingTermsStruct } from "../contracts/typechain/contracts/interfaces/IModelOffering";
import { InvalidInputError, OfferingNotFoundError, withDecodedErrors } from "../errors";
import { ADAPTER_KINDS } from "../models/types";
import type { ProspectusChainView } from "../offering/prospectus";
import { MILESTONE_KINDS, OFFERING_STATES } from "../offering/terms";
import type { MilestoneKindName } from "../offering/terms";
import { validateOfferingTerms } from "../offering/validate";
import type { LaunchCheckContext } from "../offering/validate";
import type {
  GovernanceTerms,
  Milestone,
  OfferingContracts,
  OfferingStateName,
  OfferingTerms,
} from "../offering/terms";
import { checkArray, checkUint } from "../internal/check";
import { sendFrom, signerAddressOf, throwingSdkErrors } from "./tx";

/** What the client needs of the contributors' share tree (the SDK's `RewardTree` has it). */
export interface ShareTreeLike {
  proof(account: string): string[];
  amountOf(account: string): bigint;
}

/** Parameters of {@link OfferingClient.launch}. */
export interface LaunchOfferingParameters {
  modelId: bigint;
  name: string;
  symbol: string;
  terms: OfferingTerms;
  governance: GovernanceTerms;
  prospectusHash: string;
  prospectusURI: string;
}

/** What a launch made. */
export interface LaunchOfferingReturnType {
  contracts: OfferingContracts;
  receipt: ContractTransactionReceipt;
}

/** One milestone's standing. */
export interface MilestoneStatus extends Milestone {
  index: number;
  /** Its tranche of the net raise (0 until a success). */
  tranche: bigint;
  released: boolean;
  /** Met now (a `ModelVersion` milestone checked against the model's latest version). */
  met: boolean;
  /** Calls or fees settled since launch, for `SettledCalls` and `SettledFees`. */
  progress?: bigint;
}

/** Everything a status table shows of an offering. */
export interface OfferingStatus {
  offering: string;
  modelId: bigint;
  state: OfferingStateName;
  /** The latest block's time. */
  now: number;
  creator: string;
  contracts: OfferingContracts;
  modelTreasury: string;
  terms: OfferingTerms;
  prospectusHash: string;
  prospectusURI: string;
  launchTotals: { calls: bigint; fees: bigint };
  /** The settlement's totals for the model now. */
  totals: { calls: bigint; fees: bigint };
  totalDeposits: bigint;
  netRaise: bigint;
  released: bigint;
  milestones: MilestoneStatus[];
  vesting: { vested: bigint; claimed: bigint };
  endVote: {
    index: bigint;
    snapshot: bigint;
    voteEnd: bigint;
    quorum: bigint;
    votesFor: bigint;
    votesAgainst: bigint;
    open: boolean;
  };
  shares: { totalSupply: bigint; revenueReceived: bigint; revenuePaid: bigint; revenuePerShare: bigint };
}

/** One buyer's deposit and what it is owed (see {@link OfferingClient.buyers}). */
export interface BuyerStatus {
  buyer: string;
  start: bigint;
  amount: bigint;
  settled: boolean;
  redeemed: boolean;
  /** What `settle` would pay now. */
  shares: bigint;
  refund: bigint;
  /** What `redeem` would pay now (after an end). */
  redeemable: bigint;
}

/** A holder's shares, votes and revenue. */
export interface HolderRevenue {
  account: string;
  balance: bigint;
  votes: bigint;
  /** What it could claim now. */
  accrued: bigint;
}

/** The largest amount a deposit (and the deposits' total) may reach: uint120. */
const MAX_DEPOSIT = 2n ** 120n - 1n;

/** Terms as the contract's struct: enum names to their indices. */
export function toOfferingTermsStruct(terms: OfferingTerms): OfferingTermsStruct {
  if (typeof terms !== "object" || terms === null || !Array.isArray(terms.milestones)) {
    throw new InvalidInputError("Offering terms are an object with a list of milestones.", {
      hint: "Build them with validateOfferingTerms or read them with fromTermsOutput.",
    });
  }
  return {
    ...terms,
    milestones: terms.milestones.map((m, i) => {
      const kind = MILESTONE_KINDS.indexOf(m.kind);
      if (kind < 0) {
        throw new InvalidInputError(`Milestone ${i} has the unknown kind "${m.kind}".`, {
          hint: `Use one of ${MILESTONE_KINDS.join(", ")}.`,
        });
      }
      return { ...m, kind };
    }),
  };
}

/** Terms as the contract returns them, with bigints where the SDK keeps bigints and numbers elsewhere. */
export function fromTermsOutput(t: Awaited<ReturnType<IModelOffering["terms"]>>): OfferingTerms {
  const groups = ["split", "sale", "vesting", "endVote"] as const;
  if (
    typeof t !== "object" ||
    t === null ||
    groups.some((g) => typeof t[g] !== "object") ||
    !Array.isArray(t.milestones)
  ) {
    throw new InvalidInputError("Not an offering's terms as the contract returns them.", {
      hint: `Pass what ModelOffering.terms() returns: ${groups.join(", ")} and milestones.`,
    });
  }
  return {
    split: {
      sale: t.split.sale,
      creator: t.split.creator,
      contributors: t.split.contributors,
      treasury: t.split.treasury,
    },
    sale: {
      softCap: t.sale.softCap,
      hardCap: t.sale.hardCap,
      deadline: Number(t.sale.deadline),
      upfrontBps: Number(t.sale.upfrontBps),
    },
    vesting: { cliff: Number(t.vesting.cliff), duration: Number(t.vesting.duration) },
    endVote: { quorumBps: Number(t.endVote.quorumBps), votingPeriod: Number(t.endVote.votingPeriod) },
    milestones: t.milestones.map((m, i) => ({
      kind: milestoneKind(m.kind, i),
      trancheBps: Number(m.trancheBps),
      deadline: Number(m.deadline),
      datanetId: m.datanetId,
      datanetVersion: Number(m.datanetVersion),
      threshold: m.threshold,
    })),
    contributorsRoot: t.contributorsRoot,
    creatorKeepsVersions: t.creatorKeepsVersions,
  };
}

/** The name of the contract's milestone kind `kind`. @throws InvalidInputError for a kind the SDK does not know. */
function milestoneKind(kind: bigint, i: number): MilestoneKindName {
  const name = MILESTONE_KINDS[Number(kind)];
  if (name === undefined) throw new InvalidInputError(`Milestone ${i} has the unknown kind ${String(kind)}.`);
  return name;
}

function checkAddress(what: string, address: string): void {
  if (!isAddress(address)) throw new InvalidInputError(`${what} "${address}" is not an address.`);
}

/**
 * Typed access to the offering factory and the offerings it launched: launch a model's Initial AI Offering, buy,
 * finalize, settle buyers, claim contributor and vested shares, release tranches, vote to end an overdue offering,
 * redeem, delegate share votes and claim revenue; read an offering's status and what a prospectus is checked against.
 * Offerings are named by address (see {@link OfferingClient.offeringOf}). Transactions wait to be mined and throw the
 * SDK's typed errors when they revert; bad arguments are refused before anything is sent.
 */
export class OfferingClient {
  private constructor(
    readonly factory: IOfferingFactory,
    readonly token: OpenToken,
    readonly models: ModelRegistry,
    readonly settlement: IInferenceSettlement,
  ) {}

  /** Connects to the factory at `address`; the OPEN token, the model registry and settlement are read from it. */
  static async connect(address: string, runner: ContractRunner): Promise<OfferingClient> {
    checkAddress("The offering factory", address);
    const factory = IOfferingFactory__factory.connect(address, runner);
    const [token, models, settlement] = await Promise.all([
      factory.PAYMENT_TOKEN(),
      factory.MODELS(),
      factory.SETTLEMENT(),
    ]);
    return new OfferingClient(
      factory,
      OpenToken__factory.connect(token, runner),
      ModelRegistry__factory.connect(models, runner),
      IInferenceSettlement__factory.connect(settlement, runner),
    );
  }

  /** The same client sending from another signer. */
  connect(runner: ContractRunner): OfferingClient {
    return new OfferingClient(
      this.factory.connect(runner),
      this.token.connect(runner),
      this.models.connect(runner),
      this.settlement.connect(runner),
    );
  }

  private get runner(): ContractRunner | null {
    return this.factory.runner;
  }

  private send(tx: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    return withDecodedErrors(() => sendFrom(this.runner, tx));
  }

  /** The offering contract at `address`, sending from this client's signer. */
  offering(address: string): IModelOffering {
    checkAddress("The offering", address);
    return IModelOffering__factory.connect(address, this.runner);
  }

  /**
   * Throws unless a contract is at `address`: a call to a wallet succeeds without doing anything, so a transaction
   * sent to one would spend gas and report success.
   */
  private async expectCode(what: string, address: string): Promise<void> {
    checkAddress(what, address);
    const code = await this.factory.runner?.provider?.getCode(address);
    if (code === "0x") throw new InvalidInputError(`${what} ${address} is not a contract on this chain (no code).`);
  }

  /** The share token at `address` as an ERC-20 with votes (OpenToken has the same ERC20Votes functions). */
  private sharesToken(address: string): OpenToken {
    checkAddress("The share token", address);
    return OpenToken__factory.connect(address, this.runner);
  }

  private sharesVault(address: string): IModelShares {
    checkAddress("The share token", address);
    return IModelShares__factory.connect(address, this.runner);
  }

  /** The contracts of `modelId`'s offering. @throws OfferingNotFoundError when it has none. */
  async offeringOf(modelId: bigint): Promise<OfferingContracts> {
    const c = await withDecodedErrors(() => this.factory.offeringOf(modelId));
    if (c.offering === ZeroAddress) throw new OfferingNotFoundError(modelId);
    return {
      offering: c.offering,
      shares: c.shares,
      controller: c.controller,
      governor: c.governor,
      timelock: c.timelock,
    };
  }

  /**
   * Launches `modelId`'s offering from its owner: checks the terms as the factory would (against the latest block's
   * time, the factory's fee, the model's price and the fee split), approves the factory for the model NFT when it is
   * not yet, then launches. Returns the contracts made.
   *
   * @throws InvalidOfferingTermsError for terms the factory would refuse, before anything is sent.
   */
  async launch(p: LaunchOfferingParameters): Promise<LaunchOfferingReturnType> {
    checkUint(p.modelId, "modelId");
    checkArray(p.terms?.milestones, "terms.milestones");
    const terms = toOfferingTermsStruct(p.terms);
    if (p.name.length === 0 || p.symbol.length === 0)
      throw new InvalidInputError("An offering needs a name and a symbol.");
    validateOfferingTerms(p.terms, p.governance, await this.launchContext(p.modelId, p.terms.milestones));
    const spender = await this.factory.getAddress();
    const from = await signerAddressOf(this.runner);
    const [approved, operator] = await Promise.all([
      withDecodedErrors(() => this.models.getApproved(p.modelId)),
      this.models.isApprovedForAll(from, spender),
    ]);
    if (approved !== spender && !operator) await this.send(() => this.models.approve(spender, p.modelId));
    const receipt = await this.send(() =>
      this.factory.launch(p.modelId, p.name, p.symbol, terms, p.governance, p.prospectusHash, p.prospectusURI),
    );
    return { contracts: await this.offeringOf(p.modelId), receipt };
  }

  /**
   * What the factory reads at `modelId`'s launch besides the terms (see {@link validateOfferingTerms}): the latest
   * block's time, the factory's fee, the model's price, the fee split and the published versions of every Datanet a
   * `ModelVersion` milestone of `milestones` names.
   */
  async launchContext(modelId: bigint, milestones: readonly Milestone[]): Promise<LaunchCheckContext> {
    const datanetIds = [...new Set(milestones.filter((m) => m.kind === "ModelVersion").map((m) => m.datanetId))];
    const [feeBps, modelTerms, split, latest, datanetRegistry] = await Promise.all([
      this.factory.protocolFeeBps(),
      withDecodedErrors(() => this.models.terms(modelId)),
      this.settlement.feeSplit(),
      this.factory.runner?.provider?.getBlock("latest"),
      this.models.DATANETS(),
    ]);
    const registry = DatanetRegistry__factory.connect(datanetRegistry, this.runner);
    const counts = await Promise.all(datanetIds.map((id) => registry.versionCount(id)));
    return {
      now: latest?.timestamp ?? Math.floor(Date.now() / 1000),
      protocolFeeBps: Number(feeBps),
      pricePerCall: modelTerms.pricePerCall,
      modelBps: Number(split.modelBps),
      datanetVersionCounts: new Map(datanetIds.map((id, i) => [id, Number(counts[i])])),
    };
  }

  /** Deposits `amount` OPEN in the sale, approving the offering first when the allowance is short. Once per buyer. */
  async buy(offering: string, amount: bigint): Promise<ContractTransactionReceipt> {
    if (amount <= 0n || amount > MAX_DEPOSIT) {
      throw new InvalidInputError(`A deposit must be in 1..2^120 - 1 wei, got ${amount}.`);
    }
    const contract = this.offering(offering);
    await this.expectCode("The offering", offering);
    const from = await signerAddressOf(this.runner);
    if ((await this.token.allowance(from, offering)) < amount) {
      await this.send(() => this.token.approve(offering, amount));
    }
    return this.send(() => contract.buy(amount));
  }

  /** Closes the sale after its deadline (anyone). */
  async finalize(offering: string): Promise<ContractTransactionReceipt> {
    await this.expectCode("The offering", offering);
    return this.send(() => this.offering(offering).finalize());
  }

  /** Settles `buyer`: its shares and refund after a success, its whole deposit after a failure (anyone may call). */
  async settle(offering: string, buyer: string): Promise<ContractTransactionReceipt> {
    checkAddress("The buyer", buyer);
    await this.expectCode("The offering", offering);
    return this.send(() => this.offering(offering).settle(buyer));
  }

  /** Claims `account`'s contributor shares with its leaf and proof from the share tree (anyone may call). */
  async claimContributorShares(
    offering: string,
    account: string,
    tree: ShareTreeLike,
  ): Promise<ContractTransactionReceipt> {
    checkAddress("The account", account);
    const amount = tree.amountOf(account);
    const proof = tree.proof(account);
    await this.expectCode("The offering", offering);
    return this.send(() => this.offering(offering).claimContributorShares(account, amount, proof));
  }

  /** Claims the creator's vested shares (the creator only). */
  async claimVested(offering: string): Promise<ContractTransactionReceipt> {
    await this.expectCode("The offering", offering);
    return this.send(() => this.offering(offering).claimVested());
  }

  /** Releases milestone `index`'s tranche once met; `modelVersion` names the version meeting a `ModelVersion` one. */
  async release(offering: string, index: number, modelVersion = 0): Promise<ContractTransactionReceipt> {
    await this.expectCode("The offering", offering);
    return this.send(() => this.offering(offering).release(index, modelVersion));
  }

  async openEndVote(offering: string, index: number): Promise<ContractTransactionReceipt> {
    await this.expectCode("The offering", offering);
    return this.send(() => this.offering(offering).openEndVote(index));
  }

  async castEndVote(offering: string, support: boolean): Promise<ContractTransactionReceipt> {
    await this.expectCode("The offering", offering);
    return this.send(() => this.offering(offering).castEndVote(support));
  }

  async closeEndVote(offering: string): Promise<ContractTransactionReceipt> {
    await this.expectCode("The offering", offering);
    return this.send(() => this.offering(offering).closeEndVote());
  }

  /**
   * Pays `buyer` (the signer by default; anyone may send it) its part of the unreleased raise, pro rata to its
   * deposit, after the holders ended the offering. The buyer keeps its shares.
   */
  async redeem(offering: string, buyer?: string): Promise<ContractTransactionReceipt> {
    const to = buyer ?? (await signerAddressOf(this.runner));
    checkAddress("The buyer", to);
    await this.expectCode("The offering", offering);
    return this.send(() => this.offering(offering).redeem(to));
  }

  /** After the contributors' claim window (a year from the success): sends the unclaimed shares to the treasury. */
  async sweepContributorShares(offering: string): Promise<ContractTransactionReceipt> {
    await this.expectCode("The offering", offering);
    return this.send(() => this.offering(offering).sweepContributorShares());
  }

  /** Delegates the signer's share votes (to itself by default): votes count only once delegated. */
  async delegate(shares: string, delegatee?: string): Promise<ContractTransactionReceipt> {
    const to = delegatee ?? (await signerAddressOf(this.runner));
    checkAddress("The delegatee", to);
    await this.expectCode("The share token", shares);
    return this.send(() => this.sharesToken(shares).delegate(to));
  }

  /** Pays `account` (the signer by default) its accrued revenue from the share token. */
  async claimRevenue(shares: string, account?: string): Promise<ContractTransactionReceipt> {
    const to = account ?? (await signerAddressOf(this.runner));
    checkAddress("The account", to);
    await this.expectCode("The share token", shares);
    return this.send(() => this.sharesVault(shares).claimRevenue(to));
  }

  /** Each account's shares, votes and claimable revenue. */
  async holders(shares: string, accounts: readonly string[]): Promise<HolderRevenue[]> {
    const token = this.sharesToken(shares);
    const vault = this.sharesVault(shares);
    return Promise.all(
      accounts.map(async (account) => {
        const [balance, votes, accrued] = await Promise.all([
          token.balanceOf(account),
          token.getVotes(account),
          vault.accruedRevenue(account),
        ]);
        return { account, balance, votes, accrued };
      }),
    );
  }

  /** What each buyer deposited, whether it settled and redeemed, and what `settle` and `redeem` would pay it now. */
  async buyers(offering: string, buyers: readonly string[]): Promise<BuyerStatus[]> {
    const contract = this.offering(offering);
    return Promise.all(
      buyers.map(async (buyer) => {
        const [deposit, settlement, redeemable] = await Promise.all([
          contract.deposits(buyer),
          contract.settlement(buyer),
          contract.redeemable(buyer),
        ]);
        return {
          buyer,
          start: deposit.start,
          amount: deposit.amount,
          settled: deposit.settled,
          redeemed: deposit.redeemed,
          shares: settlement[0],
          refund: settlement[1],
          redeemable,
        };
      }),
    );
  }

  /** Everything a status table shows: the sale, the raise and its tranches, vesting, the end vote, the revenue. */
  async status(offering: string): Promise<OfferingStatus> {
    const c = this.offering(offering);
    const modelId = await withDecodedErrors(() => c.modelId());
    const [state, creator, sharesAddress, controller, modelTreasury, terms, hash, uri, launch, deposits] =
      await Promise.all([
        c.state(),
        c.creator(),
        c.shares(),
        c.controller(),
        c.modelTreasury(),
        c.terms(),
        c.prospectusHash(),
        c.prospectusURI(),
        c.launchTotals(),
        c.totalDeposits(),
      ]);
    const vault = this.sharesVault(sharesAddress);
    const [netRaise, released, vesting, endVote, totals, versionCount, block, contracts] = await Promise.all([
      c.netRaise(),
      c.released(),
      c.vesting(),
      c.endVote(),
      this.settlement.modelTotals(modelId),
      this.models.versionCount(modelId),
      c.runner?.provider?.getBlock("latest"),
      this.offeringOf(modelId),
    ]);
    const [totalSupply, revenueReceived, revenuePaid, revenuePerShare] = await Promise.all([
      this.sharesToken(sharesAddress).totalSupply(),
      vault.revenueReceived(),
      vault.revenuePaid(),
      vault.revenuePerShare(),
    ]);
    const parsed = fromTermsOutput(terms);
    const launchTotals = { calls: launch[0], fees: launch[1] };
    const milestones = await Promise.all(
      parsed.milestones.map(async (m, index): Promise<MilestoneStatus> => {
        const [tranche, isReleased, met] = await Promise.all([
          c.trancheOf(index),
          c.isReleased(index),
          c.isMet(index, versionCount),
        ]);
        const progress =
          m.kind === "SettledCalls"
            ? totals.calls - launchTotals.calls
            : m.kind === "SettledFees"
              ? totals.fees - launchTotals.fees
              : undefined;
        return { ...m, index, tranche, released: isReleased, met, progress };
      }),
    );
    return {
      offering,
      modelId,
      state: OFFERING_STATES[Number(state)],
      now: block?.timestamp ?? 0,
      creator,
      contracts,
      modelTreasury,
      terms: parsed,
      prospectusHash: hash,
      prospectusURI: uri,
      launchTotals,
      totals: { calls: totals.calls, fees: totals.fees },
      totalDeposits: deposits,
      netRaise,
      released,
      milestones,
      vesting: { vested: vesting[0], claimed: vesting[1] },
      endVote: {
        index: endVote[0],
        snapshot: endVote[1],
        voteEnd: endVote[2],
        quorum: endVote[3],
        votesFor: endVote[4],
        votesAgainst: endVote[5],
        open: endVote[6],
      },
      shares: { totalSupply, revenueReceived, revenuePaid, revenuePerShare },
    };
  }

  /**
   * What the chain says about an offering, for `verifyProspectus`: its terms and recorded hash, the share token's
   * name and symbol, the launch totals, the model's versions and every Datanet version they name.
   */
  async chainView(offering: string): Promise<ProspectusChainView> {
    const c = this.offering(offering);
    const [modelId, creator, sharesAddress, terms, hash, launch] = await withDecodedErrors(() =>
      Promise.all([c.modelId(), c.creator(), c.shares(), c.terms(), c.prospectusHash(), c.launchTotals()]),
    );
    const token = this.sharesToken(sharesAddress);
    const [name, symbol, count, datanetRegistry] = await Promise.all([
      token.name(),
      token.symbol(),
      this.models.versionCount(modelId),
      this.models.DATANETS(),
    ]);
    const versions = await Promise.all(
      Array.from({ length: Number(count) }, async (_, i) => {
        const v = await this.models.getModelVersion(modelId, i + 1);
        return {
          version: i + 1,
          baseModelHash: v.baseModelHash,
          adapterKind: ADAPTER_KINDS[Number(v.adapterKind)],
          adapterHash: v.adapterHash,
          trainingConfigHash: v.trainingConfigHash,
          trainedOn: v.trainedOn.map((r) => ({ datanetId: r.datanetId, version: Number(r.version) })),
        };
      }),
    );
    const registry = DatanetRegistry__factory.connect(datanetRegistry, this.runner);
    const refs = new Map(versions.flatMap((v) => v.trainedOn).map((r) => [`${r.datanetId}:${r.version}`, r]));
    const datanetVersions = await Promise.all(
      [...refs.values()].map(async (r) => {
        const published = await registry.getVersion(r.datanetId, r.version);
        return { ...r, count: Number(published.count), digest: published.digest };
      }),
    );
    return {
      modelId,
      name,
      symbol,
      creator,
      terms: fromTermsOutput(terms),
      prospectusHash: hash,
      launchTotals: { calls: launch[0], fees: launch[1] },
      versions,
      datanetVersions,
    };
  }

  // Whatever fails below a method (an argument ethers refuses, a node down or lying) reaches the caller typed.
  static {
    throwingSdkErrors(this);
    throwingSdkErrors(this.prototype);
  }
}
