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
/// @notice Stakers lock OPEN and earn the stakers' share of inference fees pro rata to stake × time. Notified rewards
/// are not credited at once: time is cut into reward periods of `REWARD_PERIOD` seconds (ends at deployment time
/// + k × `REWARD_PERIOD`), and what is notified during one period streams at a constant rate over the next one. At
/// every instant the running stream is shared by the stake present then, so stake present for one second earns one
/// second's worth of it, and stake that arrives after a notification earns nothing of what streamed before it.
/// Rewards can be claimed at any time; stake leaves through a cooldown, during which it earns nothing.
/// @dev Accounting. `principal` is all OPEN staked or unstaking and not yet withdrawn; `outstanding` is every reward
/// notified and not yet paid or swept (queued, streaming, owed to stakers, undistributed, and the rounding dust).
/// {notifyReward} only accepts an amount the pool holds beyond `principal + outstanding`, so a notifier can never
/// promise rewards out of the stakers' principal, and {recoverExcess} sends only what lies beyond both.
/// Laziness. The reward-per-token accumulator (1e18 scale) is brought up to date before every change of stake, every
/// claim and every sweep, not at notifications: a period whose end has passed starts streaming what was queued at that
/// next update, from the period's end on. No stake changed in between, so the same stake receives it whatever the
/// order, and a notification made after a stake changed always streams in a later period than that change.
/// Rounding. The rate of a period is `queued × 1e18 / REWARD_PERIOD` with the division's remainder carried into the
/// next period; what streams between two updates is divided by the total stake with the remainder carried into the
/// next update; so nothing is lost there. Each account's earnings round down, so the pool may keep less than one wei
/// per account per change as dust. What streams while nothing is staked is kept as undistributed, which the owner
/// (governance) may sweep.
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

    /// @notice A fee share of `amount`, received by the pool, was queued: it streams over the reward period after the
    /// current one.
    event RewardNotified(uint256 amount);

    /// @notice `amount` of queued rewards started streaming at `rate` (wei × 1e18 per second) over the period that
    /// ends at `periodEnd`. Emitted by the first update after the previous period ended, which may be later.
    event RewardPeriodStarted(uint64 periodEnd, uint256 amount, uint256 rate);

    /// @notice The owner swept undistributed rewards.
    event UndistributedSwept(address indexed to, uint256 amount);

    /// @notice The owner recovered OPEN sent to the pool outside staking and notifications.
    event ExcessRecovered(address indexed to, uint256 amount);

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

    /// @notice A notified `amount` exceeds the OPEN the pool holds beyond its principal and outstanding rewards
    /// (`available`): the tokens were not sent first.
    error StakingRewardNotReceived(uint256 amount, uint256 available);

    /// @notice The pool holds no OPEN beyond its principal and outstanding rewards.
    error StakingNothingToRecover();

    /// @notice A cooldown outside (0, `MAX_COOLDOWN`].
    error StakingInvalidCooldown(uint256 cooldown);

    /// @notice A maximum cooldown outside (0, 90 days].
    error StakingInvalidMaxCooldown(uint256 maxCooldown);

    /// @notice A reward period outside [1 hour, 30 days].
    error StakingInvalidRewardPeriod(uint256 period);

    /// @notice A zero address where an account is needed.
    error StakingInvalidReceiver(address receiver);

    /* CONSTANTS */

    /// @notice The staked (and reward) token: OPEN.
    function STAKE_TOKEN() external view returns (address);

    /// @notice Longest cooldown governance may ever set, fixed at deployment (at most 90 days), so that a governance
    /// delay longer than it lets every staker leave before a scheduled change runs.
    function MAX_COOLDOWN() external view returns (uint64);

    /// @notice Seconds per reward period, fixed at deployment (1 hour to 30 days): what is notified during a period
    /// streams over the next one.
    function REWARD_PERIOD() external view returns (uint64);

    /* STAKING */

    /// @notice Stakes `amount` OPEN from the caller (approved beforehand); it earns from now on a share of the running
    /// stream. Requirements: `amount` > 0.
    function stake(uint256 amount) external;

    /// @notice Moves `amount` of the caller's stake into cooldown; it stops earning now. A new request restarts the
    /// cooldown of everything still unstaking. Requirements: 0 < `amount` ≤ staked.
    function requestUnstake(uint256 amount) external;

    /// @notice Sends the caller's unstaking OPEN back once its cooldown has passed.
    function withdraw() external returns (uint256 amount);

    /// @notice Pays the caller's earned rewards to the caller.
    function claimRewards() external returns (uint256 amount);

    /// @notice Queues `amount` of OPEN, already transferred to the pool, to stream over the next reward period.
    /// Requirements: the caller is the reward notifier (the settlement contract); the pool holds at least `amount`
    /// beyond its principal and outstanding rewards.
    function notifyReward(uint256 amount) external;

    /* VIEWS */

    function totalStaked() external view returns (uint256);

    function position(address account) external view returns (StakePosition memory);

    /// @notice Rewards `account` could claim now.
    function earned(address account) external view returns (uint256);

    /// @notice Accumulated rewards per staked token up to now, scaled by 1e18 (wrapping modulo 2^160: only its
    /// differences mean anything, and they are exact).
    function rewardPerToken() external view returns (uint256);

    /// @notice Rewards streamed while nothing was staked, not yet swept.
    function undistributed() external view returns (uint256);

    /// @notice What streams now: wei × 1e18 per second, shared by the current stake.
    function rewardRate() external view returns (uint256);

    /// @notice The end of the current reward period, when the queued rewards start streaming.
    function periodEnd() external view returns (uint64);

    /// @notice Rewards notified during the current period: they stream over the next one.
    function queuedRewards() external view returns (uint256);

    /// @notice OPEN staked or unstaking, not yet withdrawn.
    function principal() external view returns (uint256);

    /// @notice Rewards notified and not yet paid or swept: queued, streaming, owed, undistributed and dust.
    function outstandingRewards() external view returns (uint256);

    /// @notice OPEN the pool holds beyond its principal and outstanding rewards: what {recoverExcess} would send.
    function excess() external view returns (uint256);

    /// @notice Seconds between an unstake request and its withdrawal.
    function cooldown() external view returns (uint64);

    /// @notice The contract allowed to call {notifyReward}.
    function rewardNotifier() external view returns (address);

    /* GOVERNANCE (owner) */

    /// @notice Sets the cooldown of later requests (earlier requests keep theirs).
    /// Requirements: 0 < cooldown ≤ `MAX_COOLDOWN`.
    function setCooldown(uint64 cooldown) external;

    /// @notice Sets the reward notifier. Requirements: not zero.
    function setRewardNotifier(address notifier) external;

    /// @notice Sends the undistributed rewards (streamed up to now while nothing was staked) to `to`.
    /// Requirements: `to` is not zero.
    function sweepUndistributed(address to) external returns (uint256 amount);

    /// @notice Sends `to` the OPEN held beyond the principal and the outstanding rewards (tokens sent to the pool
    /// directly). Requirements: `to` is not zero; there is something to recover.
    function recoverExcess(address to) external returns (uint256 amount);
}
