// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice One staker's position.
struct StakePosition {
    /// @dev OPEN staked and earning.
    uint128 staked;
    /// @dev OPEN in cooldown: no longer earning, withdrawable from `unstakeReadyAt`.
    uint128 unstaking;
    uint64 unstakeReadyAt;
}

/// @title Staking pool
/// @notice Stakers lock OPEN and earn the stakers' share of inference fees, pro rata to stake over time: each fee
/// is shared among the stake present when it is notified (a reward-per-token accumulator), so stake that arrives
/// later gets nothing of it. Rewards can be claimed at any time; stake leaves through a cooldown, during which it
/// earns nothing.
/// @dev Rounding: a notified amount is spread as `amount × 1e18 / totalStaked` per token with the division's
/// remainder carried into the next notification, so nothing is lost there; each account's earnings round down, so
/// the pool may keep less than one wei per account per change as dust. A fee notified while nothing is staked is
/// kept as undistributed, which the owner (governance) may sweep.
interface IStakingPool {
    /* EVENTS */

    /// @notice `account` staked `amount`.
    event Staked(address indexed account, uint256 amount, uint256 totalStaked);

    /// @notice `account` moved `amount` of its stake into cooldown; all its unstaking OPEN is withdrawable from
    /// `readyAt`.
    event UnstakeRequested(address indexed account, uint256 amount, uint256 unstaking, uint64 readyAt);

    /// @notice `account` withdrew its unstaked OPEN after the cooldown.
    event Withdrawn(address indexed account, uint256 amount);

    /// @notice `account` claimed `amount` of fee rewards.
    event RewardClaimed(address indexed account, uint256 amount);

    /// @notice A fee share of `amount` was credited to the current stake (or kept as undistributed when none).
    event RewardNotified(uint256 amount, uint256 totalStaked, uint256 rewardPerToken);

    /// @notice The owner swept undistributed rewards.
    event UndistributedSwept(address indexed to, uint256 amount);

    /// @notice The cooldown for requests from now on changed.
    event CooldownSet(uint64 cooldown);

    /// @notice The contract allowed to notify rewards changed.
    event RewardNotifierSet(address indexed notifier);

    /* ERRORS */

    /// @notice Amounts must be positive.
    error StakingZeroAmount();

    /// @notice Unstaking more than is staked.
    error StakingInsufficientStake(uint256 requested, uint256 staked);

    /// @notice The cooldown has not passed yet.
    error StakingCooldownActive(uint64 readyAt);

    /// @notice No unstaking OPEN to withdraw.
    error StakingNothingToWithdraw(address account);

    /// @notice No rewards to claim.
    error StakingNothingToClaim(address account);

    /// @notice Only the reward notifier may notify rewards.
    error StakingUnauthorizedNotifier(address account);

    /// @notice A cooldown outside (0, `MAX_COOLDOWN`].
    error StakingInvalidCooldown(uint256 cooldown);

    /// @notice A zero address where an account is needed.
    error StakingInvalidReceiver(address receiver);

    /* CONSTANTS */

    /// @notice The staked (and reward) token: OPEN.
    function STAKE_TOKEN() external view returns (address);

    /// @notice Longest cooldown governance may set: 90 days.
    function MAX_COOLDOWN() external view returns (uint64);

    /* STAKING */

    /// @notice Stakes `amount` OPEN from the caller (approved beforehand). Requirements: `amount` > 0.
    function stake(uint256 amount) external;

    /// @notice Moves `amount` of the caller's stake into cooldown; it stops earning now. A new request restarts the
    /// cooldown of everything still unstaking. Requirements: 0 < `amount` ≤ staked.
    function requestUnstake(uint256 amount) external;

    /// @notice Sends the caller's unstaking OPEN back once its cooldown has passed.
    function withdraw() external returns (uint256 amount);

    /// @notice Pays the caller's earned rewards to the caller.
    function claimRewards() external returns (uint256 amount);

    /// @notice Credits `amount` of OPEN, already transferred to the pool, to the current stake.
    /// Requirements: the caller is the reward notifier (the settlement contract).
    function notifyReward(uint256 amount) external;

    /* VIEWS */

    function totalStaked() external view returns (uint256);

    function position(address account) external view returns (StakePosition memory);

    /// @notice Rewards `account` could claim now.
    function earned(address account) external view returns (uint256);

    /// @notice Accumulated rewards per staked token, scaled by 1e18.
    function rewardPerToken() external view returns (uint256);

    /// @notice Rewards notified while nothing was staked, not yet swept.
    function undistributed() external view returns (uint256);

    /// @notice Seconds between an unstake request and its withdrawal.
    function cooldown() external view returns (uint64);

    /// @notice The contract allowed to call {notifyReward}.
    function rewardNotifier() external view returns (address);

    /* GOVERNANCE (owner) */

    /// @notice Sets the cooldown of later requests (earlier requests keep theirs). Requirements: 0 < cooldown ≤ max.
    function setCooldown(uint64 cooldown) external;

    /// @notice Sets the reward notifier. Requirements: not zero.
    function setRewardNotifier(address notifier) external;

    /// @notice Sends the undistributed rewards to `to`. Requirements: `to` is not zero.
    function sweepUndistributed(address to) external returns (uint256 amount);
}
