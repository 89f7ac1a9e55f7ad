import { isAddress } from "ethers";
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { StakingPool__factory } from "../contracts/typechain/factories/contracts/StakingPool__factory";
import { OpenToken__factory } from "../contracts/typechain/factories/contracts/token/OpenToken__factory";
import type { IStakingPool, OpenToken } from "../contracts/typechain";
import { InvalidInputError, withDecodedErrors } from "../errors";
import { sendFrom, signerAddressOf, throwingSdkErrors } from "./tx";

/** One staker's position in the pool. */
export interface StakePositionView {
  /** OPEN staked and earning. */
  staked: bigint;
  /** OPEN in cooldown: no longer earning, withdrawable from `unstakeReadyAt`. */
  unstaking: bigint;
  /** Unix time (seconds) from which the unstaking OPEN can be withdrawn; 0 when nothing is unstaking. */
  unstakeReadyAt: bigint;
}

/** The pool's reward stream: what streams now, until when, and what streams over the next period. */
export interface RewardStreamView {
  /** Rewards streaming now, in wei × 1e18 per second, shared by the stake present. */
  rate: bigint;
  /** Unix time (seconds) at which the current period ends and the queued rewards start streaming. */
  periodEnd: bigint;
  /** Rewards notified during the current period: they stream over the next one. */
  queued: bigint;
  /** Seconds per reward period. */
  period: bigint;
}

/** Options of {@link StakingClient.stake}. */
export interface StakeOptions {
  /** Approve the pool for `amount` first when the allowance is short. Default true. */
  approve?: boolean;
}

/**
 * Typed access to a StakingPool: stake OPEN, request an unstake, withdraw after the cooldown, claim fee rewards, and
 * read positions, the reward stream and the pool's accounts. Fees stream over the reward period after the one they
 * are paid in, so stake earns in proportion to stake × time. Transactions wait to be mined and throw the SDK's typed
 * errors when they revert.
 */
export class StakingClient {
  private constructor(
    readonly pool: IStakingPool,
    readonly token: OpenToken,
  ) {}

  /** Connects to the pool at `address`; the OPEN token is read from it. */
  static async connect(address: string, runner: ContractRunner): Promise<StakingClient> {
    if (!isAddress(address)) throw new InvalidInputError(`"${address}" is not an address.`);
    const pool = StakingPool__factory.connect(address, runner);
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
   * `approve` is false. The stake earns its share of the running stream from now on, nothing of what streamed before.
   */
  async stake(amount: bigint, options: StakeOptions = {}): Promise<ContractTransactionReceipt> {
    if (typeof amount !== "bigint" || amount <= 0n) {
      throw new InvalidInputError(`The amount to stake must be positive (a bigint of wei), got ${String(amount)}.`);
    }
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

  /** The longest cooldown governance may ever set, fixed at deployment. */
  async maxCooldown(): Promise<bigint> {
    return withDecodedErrors(() => this.pool.MAX_COOLDOWN());
  }

  /** The reward stream now: its rate, the end of the current period, what is queued for the next, the period. */
  async stream(): Promise<RewardStreamView> {
    const [rate, periodEnd, queued, period] = await withDecodedErrors(() =>
      Promise.all([
        this.pool.rewardRate(),
        this.pool.periodEnd(),
        this.pool.queuedRewards(),
        this.pool.REWARD_PERIOD(),
      ]),
    );
    return { rate, periodEnd, queued, period };
  }

  /** OPEN staked or unstaking in the pool, not yet withdrawn. */
  async principal(): Promise<bigint> {
    return withDecodedErrors(() => this.pool.principal());
  }

  /** Rewards notified and not yet paid or swept: queued, streaming, owed, undistributed and rounding dust. */
  async outstandingRewards(): Promise<bigint> {
    return withDecodedErrors(() => this.pool.outstandingRewards());
  }

  /** OPEN sent to the pool directly, beyond its principal and outstanding rewards, which governance may recover. */
  async excess(): Promise<bigint> {
    return withDecodedErrors(() => this.pool.excess());
  }

  /** Accumulated rewards per staked token, scaled by 1e18. */
  async rewardPerToken(): Promise<bigint> {
    return withDecodedErrors(() => this.pool.rewardPerToken());
  }

  /** Rewards streamed while nothing was staked, which governance may sweep. */
  async undistributed(): Promise<bigint> {
    return withDecodedErrors(() => this.pool.undistributed());
  }

  // Whatever fails below a method (an argument ethers refuses, a node down or lying) reaches the caller typed.
  static {
    throwingSdkErrors(this);
    throwingSdkErrors(this.prototype);
  }
}
