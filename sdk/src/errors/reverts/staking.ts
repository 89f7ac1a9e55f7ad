import {
  InsufficientFundsError,
  InvalidConfigurationError,
  NothingToClaimError,
  UnauthorizedError,
} from "../contractErrors";
import type { RevertTable } from "./table";
import { date, n } from "./format";

/**
 * How each custom error of the staking pool becomes a typed SDK error.
 */
export const STAKING_REVERTS: RevertTable = {
  StakingZeroAmount: [InvalidConfigurationError, () => ["The amount to stake or unstake must be positive."]],
  StakingInsufficientStake: [
    InsufficientFundsError,
    (a) => [
      `${n(a.requested)} requested to unstake but only ${n(a.staked)} is staked.`,
      "OPEN already unstaking is no longer staked: see the position's `staked`.",
    ],
  ],
  StakingCooldownActive: [
    InsufficientFundsError,
    (a) => [
      `Nothing is withdrawable yet: the unstaking OPEN is in its cooldown until ${date(a.readyAt)}.`,
      "Withdraw from then on; a new unstake request restarts the cooldown of everything unstaking.",
    ],
  ],
  StakingNothingToWithdraw: [
    InsufficientFundsError,
    (a) => [`${a.account} has no unstaking OPEN to withdraw.`, "Request an unstake first, then wait the cooldown."],
  ],
  StakingNothingToClaim: [NothingToClaimError, (a) => [`${a.account} has no staking rewards to claim.`]],
  StakingUnauthorizedNotifier: [
    UnauthorizedError,
    (a) => [`${a.account} is not the staking pool's reward notifier.`, "Rewards arrive through inference settlement."],
  ],
  StakingRewardNotReceived: [
    InsufficientFundsError,
    (a) => [
      `${n(a.amount)} notified as rewards, but the pool holds only ${n(a.available)} beyond its principal and outstanding rewards.`,
      "Transfer the reward to the pool before notifying it, as settlement does; stake and owed rewards cannot back it.",
    ],
  ],
  StakingNothingToRecover: [
    InsufficientFundsError,
    () => [
      "The staking pool holds no OPEN beyond its principal and outstanding rewards: there is no excess to recover.",
      "Only OPEN sent to the pool directly can be recovered; see the pool's `excess()`.",
    ],
  ],
  StakingInvalidCooldown: [
    InvalidConfigurationError,
    (a) => [
      `A cooldown of ${n(a.cooldown)} seconds is outside (0, MAX_COOLDOWN].`,
      "The pool's MAX_COOLDOWN() is fixed at deployment, so that the governance delay can always outlast it.",
    ],
  ],
  StakingInvalidMaxCooldown: [
    InvalidConfigurationError,
    (a) => [`A maximum cooldown of ${n(a.maxCooldown)} seconds is outside (0, 90 days].`],
  ],
  StakingInvalidRewardPeriod: [
    InvalidConfigurationError,
    (a) => [`A reward period of ${n(a.period)} seconds is outside [1 hour, 30 days].`],
  ],
  StakingInvalidReceiver: [InvalidConfigurationError, () => ["The zero address cannot be used here."]],
};
