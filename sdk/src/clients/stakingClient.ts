import { isAddress } from "ethers";
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { IStakingPool__factory, OpenToken__factory } from "../../../typechain-types";
import type { IStakingPool, OpenToken } from "../../../typechain-types";
import { InvalidInputError, withDecodedErrors } from "../errors";
import { sendFrom, signerAddressOf } from "./tx";

/** One staker's position in the pool. */
export interface StakePositionView {
  /** OPEN staked and earning. */
  staked: bigint;
  /** OPEN in cooldown: no longer earning, withdrawable from `unstakeReadyAt`. */
  unstaking: bigint;
  /** Unix time (seconds) from which the unstaking OPEN can be withdrawn; 0 when nothing is unstaking. */
  unstakeReadyAt: bigint;
}

/** Options of {@link StakingClient.stake}. */
export interface StakeOptions {
  /** Approve the pool for `amount` first when the allowance is short. Default true. */
  approve?: boolean;
}

/**
 * Typed access to a StakingPool: stake OPEN, request an unstake, withdraw after the cooldown, claim fee rewards, and
 * read positions and pool state. Transactions wait to be mined and throw the SDK's typed errors when they revert.
 */
export class StakingClient {
  private constructor(
    readonly pool: IStakingPool,
    readonly token: OpenToken,
  ) {}

  /** Connects to the pool at `address`; the OPEN token is read from it. */
  static async connect(address: string, runner: ContractRunner): Promise<StakingClient> {
    if (!isAddress(address)) throw new InvalidInputError(`"${address}" is not an address.`);
    const pool = IStakingPool__factory.connect(address, runner);
    const token = OpenToken__factory.connect(await withDecodedErrors(() => pool.STAKE_TOKEN()), runner);
    return new StakingClient(pool, token);
  }

  /** The same client sending from another signer. */
  connect(runner: ContractRunner): StakingClient {
    return new StakingClient(this.pool.connect(runner), this.token.connect(runner));
  }

  private send(tx: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
    return withDecodedErrors(() => sendFrom(this.pool.runner, tx));
  }

  /**
   * Stakes `amount` OPEN from the signer. Approves the pool for `amount` first when the allowance is short, unless
   * `approve` is false. The stake earns from the next fee notification on.
   */
  async stake(amount: bigint, options: StakeOptions = {}): Promise<ContractTransactionReceipt> {
    if (amount <= 0n) throw new InvalidInputError(`The amount to stake must be positive, got ${amount}.`);
    if (options.approve !== false) {
      const from = await signerAddressOf(this.pool.runner);
      const spender = await this.pool.getAddress();
      if ((await this.token.allowance(from, spender)) < amount) {
        await this.send(() => this.token.approve(spender, amount));
      }
    }
    return this.send(() => this.pool.stake(amount));
  }

  /**
   * Moves `amount` of the signer's stake into cooldown: it stops earning now and is withdrawable after the cooldown.
   * A new request restarts the cooldown of everything still unstaking.
   */
  async requestUnstake(amount: bigint): Promise<ContractTransactionReceipt> {
    return this.send(() => this.pool.requestUnstake(amount));
  }

  /** Sends the signer's unstaking OPEN back once its cooldown has passed. */
  async withdraw(): Promise<ContractTransactionReceipt> {
    return this.send(() => this.pool.withdraw());
  }

  /** Pays the signer's earned fee rewards to the signer. */
  async claimRewards(): Promise<ContractTransactionReceipt> {
    return this.send(() => this.pool.claimRewards());
  }

  async position(account: string): Promise<StakePositionView> {
    const p = await withDecodedErrors(() => this.pool.position(account));
    return { staked: p.staked, unstaking: p.unstaking, unstakeReadyAt: p.unstakeReadyAt };
  }

  /** Rewards `account` could claim now. */
  async earned(account: string): Promise<bigint> {
    return withDecodedErrors(() => this.pool.earned(account));
  }

  async totalStaked(): Promise<bigint> {
    return withDecodedErrors(() => this.pool.totalStaked());
  }

  /** Seconds between an unstake request and its withdrawal, for requests made now. */
  async cooldown(): Promise<bigint> {
    return withDecodedErrors(() => this.pool.cooldown());
  }

  /** Accumulated rewards per staked token, scaled by 1e18. */
  async rewardPerToken(): Promise<bigint> {
    return withDecodedErrors(() => this.pool.rewardPerToken());
  }

  /** Fees notified while nothing was staked, which governance may sweep. */
  async undistributed(): Promise<bigint> {
    return withDecodedErrors(() => this.pool.undistributed());
  }
}
