import { isAddress } from "ethers";
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { IRewardDistributor__factory } from "../contracts/typechain/factories/contracts/interfaces/IRewardDistributor__factory";
import { OpenToken__factory } from "../contracts/typechain/factories/contracts/token/OpenToken__factory";
import type { IRewardDistributor, OpenToken } from "../contracts/typechain";
import type { RewardRootStructOutput } from "../contracts/typechain/contracts/interfaces/IRewardDistributor";
import { IntegrityError, InvalidInputError, withDecodedErrors } from "../errors";
import { sendFrom, signerAddressOf, throwingSdkErrors } from "./tx";

/** What the client needs of a reward tree (the SDK's `RewardTree` has it). */
export interface RewardTreeLike {
  root: string;
  total: bigint;
  proof(account: string): string[];
  amountOf(account: string): bigint;
}

/** A reward root as the distributor stores it. */
export interface RewardRootView {
  root: string;
  total: bigint;
  epoch: bigint;
  validAt: bigint;
  reportHash: string;
}

/** Parameters of {@link RewardsClient.proposeRoot}. */
export interface ProposeRootParameters {
  tree: Pick<RewardTreeLike, "root" | "total">;
  epoch: bigint;
  reportHash: string;
  reportURI: string;
}

/** Claimable and claimed amounts of one account against a tree. */
export interface ClaimStatus {
  account: string;
  cumulativeAmount: bigint;
  claimed: bigint;
  claimable: bigint;
}

/** Options of {@link RewardsClient.claimMany}. */
export interface ClaimManyOptions {
  /** Claims per transaction. Default 50. */
  batchSize?: number;
  /** Called after each batch with the number of accounts done. */
  onProgress?: (done: number, total: number) => void;
}

/** The tree's root differs from the distributor's current root: its proofs would not verify. */
export class RootMismatchError extends IntegrityError {}

function toRootView(r: RewardRootStructOutput): RewardRootView {
  return { root: r.root, total: r.total, epoch: r.epoch, validAt: r.validAt, reportHash: r.reportHash };
}

/**
 * Typed access to a RewardDistributor: roots (propose, accept, revoke), funding and claims against a reward tree.
 * Transactions wait to be mined and throw the SDK's typed errors when they revert.
 */
export class RewardsClient {
  private constructor(
    readonly distributor: IRewardDistributor,
    readonly token: OpenToken,
  ) {}

  /** Connects to the distributor at `address`; the OPEN token is read from it. */
  static async connect(address: string, runner: ContractRunner): Promise<RewardsClient> {
    if (!isAddress(address)) throw new InvalidInputError(`"${address}" is not an address.`);
    const distributor = IRewardDistributor__factory.connect(address, runner);
    const token = OpenToken__factory.connect(await distributor.REWARD_TOKEN(), runner);
    return new RewardsClient(distributor, token);
  }

  /** The same client sending from another signer. */
  connect(runner: ContractRunner): RewardsClient {
    return new RewardsClient(this.distributor.connect(runner), this.token.connect(runner));
  }

  private send(tx: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    return withDecodedErrors(() => sendFrom(this.distributor.runner, tx));
  }

  /** Adds `amount` OPEN to the pool, approving the distributor first when the allowance is short. */
  async fund(amount: bigint): Promise<ContractTransactionReceipt> {
    if (typeof amount !== "bigint" || amount <= 0n) {
      throw new InvalidInputError(`Funding must be positive (a bigint of wei), got ${String(amount)}.`);
    }
    const from = await signerAddressOf(this.distributor.runner);
    const spender = await this.distributor.getAddress();
    if ((await this.token.allowance(from, spender)) < amount) {
      await this.send(() => this.token.approve(spender, amount));
    }
    return this.send(() => this.distributor.fund(amount));
  }

  /** Proposes a tree's root for `epoch` (attestor only); claimable after the challenge window. */
  async proposeRoot(p: ProposeRootParameters): Promise<ContractTransactionReceipt> {
    return this.send(() => this.distributor.proposeRoot(p.tree.root, p.tree.total, p.epoch, p.reportHash, p.reportURI));
  }

  /** Makes the pending root current once its challenge window has passed (anyone). */
  async acceptRoot(): Promise<ContractTransactionReceipt> {
    return this.send(() => this.distributor.acceptRoot());
  }

  /** Drops the pending root (guardian only). */
  async revokePendingRoot(): Promise<ContractTransactionReceipt> {
    return this.send(() => this.distributor.revokePendingRoot());
  }

  async currentRoot(): Promise<RewardRootView> {
    return toRootView(await this.distributor.currentRoot());
  }

  async pendingRoot(): Promise<RewardRootView> {
    return toRootView(await this.distributor.pendingRoot());
  }

  /** OPEN paid to `account` so far. */
  async claimed(account: string): Promise<bigint> {
    return this.distributor.claimed(account);
  }

  /** Throws {@link RootMismatchError} unless `tree` is the distributor's current root. */
  async assertCurrent(tree: Pick<RewardTreeLike, "root">): Promise<void> {
    const current = await this.currentRoot();
    if (current.root.toLowerCase() !== tree.root.toLowerCase()) {
      throw new RootMismatchError(
        `The tree's root ${tree.root} is not the distributor's current root ${current.root}.`,
        {
          hint: "Use the tree published for the current epoch, or wait until its root is accepted.",
        },
      );
    }
  }

  /** Cumulative amount in `tree`, amount claimed on-chain and what a claim would pay now, per account. */
  async status(tree: RewardTreeLike, accounts: string[]): Promise<ClaimStatus[]> {
    return Promise.all(
      accounts.map(async (account) => {
        const cumulativeAmount = tree.amountOf(account);
        const claimed = await this.claimed(account);
        const claimable = cumulativeAmount > claimed ? cumulativeAmount - claimed : 0n;
        return { account, cumulativeAmount, claimed, claimable };
      }),
    );
  }

  /** Claims `account`'s rewards with its proof from `tree` (which must be the current root). */
  async claim(tree: RewardTreeLike, account: string): Promise<ContractTransactionReceipt> {
    await this.assertCurrent(tree);
    return this.send(() => this.distributor.claim(account, tree.amountOf(account), tree.proof(account)));
  }

  /**
   * Claims for many accounts in batches (accounts with nothing left are skipped on-chain). Returns one receipt per
   * batch; a failed batch throws after the earlier batches landed, and re-running pays only what is still owed.
   */
  async claimMany(
    tree: RewardTreeLike,
    accounts: string[],
    options: ClaimManyOptions = {},
  ): Promise<ContractTransactionReceipt[]> {
    const batchSize = options.batchSize ?? 50;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidInputError("batchSize must be at least 1.");
    await this.assertCurrent(tree);
    const receipts: ContractTransactionReceipt[] = [];
    for (let start = 0; start < accounts.length; start += batchSize) {
      const batch = accounts.slice(start, start + batchSize).map((account) => ({
        account,
        cumulativeAmount: tree.amountOf(account),
        proof: tree.proof(account),
      }));
      receipts.push(await this.send(() => this.distributor.claimMany(batch)));
      options.onProgress?.(Math.min(start + batchSize, accounts.length), accounts.length);
    }
    return receipts;
  }

  // Whatever fails below a method (an argument ethers refuses, a node down or lying) reaches the caller typed.
  static {
    throwingSdkErrors(this);
    throwingSdkErrors(this.prototype);
  }
}
