import {
  InsufficientFundsError,
  InvalidConfigurationError,
  NothingToClaimError,
  UnauthorizedError,
} from "../contractErrors";
import type { RevertTable } from "../revert";
import { date, n } from "../format";

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
  StakingInvalidCooldown: [
    InvalidConfigurationError,
    (a) => [`A cooldown of ${n(a.cooldown)} seconds is outside (0, 90 days].`],
  ],
  StakingInvalidReceiver: [InvalidConfigurationError, () => ["The zero address cannot be used here."]],
};
