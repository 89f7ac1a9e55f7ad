// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IStakingPool, StakePosition} from "./interfaces/IStakingPool.sol";

/// @title StakingPool
/// @notice See {IStakingPool}.
/// @dev Amounts are stored as uint96 and the reward-per-token accumulator as uint160, so that {notifyReward} (run by
/// every inference settlement) touches two slots and {stake} one global slot. Stake is bounded by SafeCast on entry
/// (2^96 − 1, about 7.9 × 10^28; OPEN's whole supply is 10^27 < 2^90). The accumulator grows by at most
/// `amount × 1e18` per notification (at least one wei is staked), so it reaches 2^160 only after about 1.46 × 10^30
/// wei of fees, 1,460 times OPEN's supply, even if a single wei were staked all along; SafeCast guards it anyway.
/// The remainder a notification carries (below `totalStaked / 1e18` wei) is shared by the stake present at the next
/// notification, which may include stake that arrived in between. Assumes a plain ERC-20 (no fee on transfer), as OPEN
/// is, and a notifier that transfers before it notifies.
contract StakingPool is IStakingPool, Ownable {
    using SafeERC20 for IERC20;

    /* TYPES */

    /// @dev One slot, the only global one that {stake} and {requestUnstake} read and write.
    struct Pool {
        /// @dev Rewards per staked token, scaled by 1e18, plus `_ACCUMULATOR_BASE`.
        uint160 rewardPerToken;
        uint96 totalStaked;
    }

    /// @dev One slot: with {Pool}, all that {notifyReward} reads and writes.
    struct Notification {
        address notifier;
        /// @dev What the last division by the total stake left over, in wei × 1e18; below the total staked then.
        uint96 remainder;
    }

    /// @dev The slot of an account that {stake} always writes.
    struct Earning {
        uint96 staked;
        /// @dev The accumulator when `staked` was last changed or its rewards were last credited.
        uint160 rewardPerTokenPaid;
    }

    /// @dev The slot of an account that holds what the pool owes it besides its stake.
    struct Owed {
        /// @dev Rewards credited at earlier checkpoints and not yet claimed.
        uint96 rewards;
        uint96 unstaking;
        uint64 unstakeReadyAt;
    }

    /* CONSTANTS */

    /// @inheritdoc IStakingPool
    uint64 public constant MAX_COOLDOWN = 90 days;

    uint256 private constant _PRECISION = 1e18;

    /// @dev Where the stored accumulator starts, so that the pool's slot is never zero and the first stake rewrites it
    /// (5,000 gas) instead of creating it (22,100). Only differences of the accumulator are paid out; the views and
    /// events subtract the base.
    uint160 private constant _ACCUMULATOR_BASE = 1;

    IERC20 private immutable _STAKE_TOKEN;

    /* STORAGE */

    Pool private _pool;
    Notification private _notification;
    uint64 private _cooldown;
    uint96 private _undistributed;
    mapping(address account => Earning) private _earnings;
    mapping(address account => Owed) private _owed;

    /// @param stakeToken The OPEN token, staked and paid as rewards.
    /// @param initialOwner Sets the cooldown and the reward notifier and sweeps undistributed rewards (governance).
    /// @param cooldown_ Seconds between an unstake request and its withdrawal.
    /// @dev Reverts with {StakingInvalidReceiver} for a zero token, OwnableInvalidOwner for a zero owner and
    /// {StakingInvalidCooldown} for a cooldown outside (0, `MAX_COOLDOWN`]. Emits {CooldownSet}. The reward notifier
    /// (the settlement contract, deployed after the pool) is set with {setRewardNotifier}.
    constructor(IERC20 stakeToken, address initialOwner, uint64 cooldown_) Ownable(initialOwner) {
        if (address(stakeToken) == address(0)) revert StakingInvalidReceiver(address(0));
        _STAKE_TOKEN = stakeToken;
        _pool.rewardPerToken = _ACCUMULATOR_BASE;
        _setCooldown(cooldown_);
    }

    /* STAKING */

    /// @inheritdoc IStakingPool
    function stake(uint256 amount) external {
        if (amount == 0) revert StakingZeroAmount();
        Pool memory pool = _pool;
        Earning memory earning = _earnings[msg.sender];
        _credit(msg.sender, earning, pool.rewardPerToken);
        uint96 total = SafeCast.toUint96(pool.totalStaked + amount);
        _pool = Pool(pool.rewardPerToken, total);
        // Fits: the account's stake is part of the total, which was just checked to fit.
        _earnings[msg.sender] = Earning(uint96(earning.staked + amount), pool.rewardPerToken);
        emit Staked(msg.sender, amount, total);
        _STAKE_TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IStakingPool
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert StakingZeroAmount();
        Earning memory earning = _earnings[msg.sender];
        if (amount > earning.staked) revert StakingInsufficientStake(amount, earning.staked);
        Pool memory pool = _pool;
        Owed memory owed = _owed[msg.sender];
        owed.rewards = SafeCast.toUint96(owed.rewards + _pending(earning, pool.rewardPerToken));
        owed.unstaking = SafeCast.toUint96(owed.unstaking + amount);
        // Cannot overflow: a timestamp plus at most MAX_COOLDOWN stays far inside a uint64.
        unchecked {
            owed.unstakeReadyAt = uint64(block.timestamp) + _cooldown;
        }
        // Cannot underflow: amount <= the account's stake <= the total stake, both checked or kept so.
        unchecked {
            _pool = Pool(pool.rewardPerToken, pool.totalStaked - uint96(amount));
            _earnings[msg.sender] = Earning(earning.staked - uint96(amount), pool.rewardPerToken);
        }
        _owed[msg.sender] = owed;
        emit UnstakeRequested(msg.sender, amount, owed.unstaking, owed.unstakeReadyAt);
    }

    /// @inheritdoc IStakingPool
    function withdraw() external returns (uint256 amount) {
        Owed storage owed = _owed[msg.sender];
        amount = owed.unstaking;
        if (amount == 0) revert StakingNothingToWithdraw(msg.sender);
        uint64 readyAt = owed.unstakeReadyAt;
        if (block.timestamp < readyAt) revert StakingCooldownActive(readyAt);
        owed.unstaking = 0;
        owed.unstakeReadyAt = 0;
        emit Withdrawn(msg.sender, amount);
        _STAKE_TOKEN.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IStakingPool
    function claimRewards() external returns (uint256 amount) {
        Earning memory earning = _earnings[msg.sender];
        uint160 perToken = _pool.rewardPerToken;
        Owed storage owed = _owed[msg.sender];
        amount = owed.rewards + _pending(earning, perToken);
        if (amount == 0) revert StakingNothingToClaim(msg.sender);
        if (earning.rewardPerTokenPaid != perToken) _earnings[msg.sender].rewardPerTokenPaid = perToken;
        owed.rewards = 0;
        emit RewardClaimed(msg.sender, amount);
        _STAKE_TOKEN.safeTransfer(msg.sender, amount);
    }

    /* REWARDS */

    /// @inheritdoc IStakingPool
    function notifyReward(uint256 amount) external {
        Notification memory notification = _notification;
        if (msg.sender != notification.notifier) revert StakingUnauthorizedNotifier(msg.sender);
        Pool memory pool = _pool;
        if (pool.totalStaked == 0) {
            _undistributed = SafeCast.toUint96(_undistributed + amount);
            emit RewardNotified(amount, 0, _withoutBase(pool.rewardPerToken));
            return;
        }
        uint256 scaled = amount * _PRECISION + notification.remainder;
        uint160 perToken = SafeCast.toUint160(pool.rewardPerToken + scaled / pool.totalStaked);
        _pool = Pool(perToken, pool.totalStaked);
        // Fits: the remainder is below the total staked, a uint96.
        _notification = Notification(notification.notifier, uint96(scaled % pool.totalStaked));
        emit RewardNotified(amount, pool.totalStaked, _withoutBase(perToken));
    }

    /* VIEWS */

    /// @inheritdoc IStakingPool
    function STAKE_TOKEN() external view returns (address) {
        return address(_STAKE_TOKEN);
    }

    /// @inheritdoc IStakingPool
    function totalStaked() external view returns (uint256) {
        return _pool.totalStaked;
    }

    /// @inheritdoc IStakingPool
    function position(address account) external view returns (StakePosition memory) {
        Owed memory owed = _owed[account];
        return StakePosition(_earnings[account].staked, owed.unstaking, owed.unstakeReadyAt);
    }

    /// @inheritdoc IStakingPool
    function earned(address account) external view returns (uint256) {
        return _owed[account].rewards + _pending(_earnings[account], _pool.rewardPerToken);
    }

    /// @inheritdoc IStakingPool
    function rewardPerToken() external view returns (uint256) {
        return _withoutBase(_pool.rewardPerToken);
    }

    /// @inheritdoc IStakingPool
    function undistributed() external view returns (uint256) {
        return _undistributed;
    }

    /// @inheritdoc IStakingPool
    function cooldown() external view returns (uint64) {
        return _cooldown;
    }

    /// @inheritdoc IStakingPool
    function rewardNotifier() external view returns (address) {
        return _notification.notifier;
    }

    /* GOVERNANCE */

    /// @inheritdoc IStakingPool
    function setCooldown(uint64 cooldown_) external onlyOwner {
        _setCooldown(cooldown_);
    }

    /// @inheritdoc IStakingPool
    function setRewardNotifier(address notifier) external onlyOwner {
        if (notifier == address(0)) revert StakingInvalidReceiver(notifier);
        _notification.notifier = notifier;
        emit RewardNotifierSet(notifier);
    }

    /// @inheritdoc IStakingPool
    function sweepUndistributed(address to) external onlyOwner returns (uint256 amount) {
        if (to == address(0)) revert StakingInvalidReceiver(to);
        amount = _undistributed;
        _undistributed = 0;
        emit UndistributedSwept(to, amount);
        _STAKE_TOKEN.safeTransfer(to, amount);
    }

    /* INTERNAL */

    /// @dev Rewards of `earning`'s stake since its checkpoint, rounded down: the account loses less than one wei.
    function _pending(Earning memory earning, uint160 perToken) private pure returns (uint256) {
        // Cannot underflow (the accumulator only grows and a checkpoint copies it) nor overflow (uint96 × uint160).
        unchecked {
            return (uint256(earning.staked) * (perToken - earning.rewardPerTokenPaid)) / _PRECISION;
        }
    }

    /// @dev Adds the rewards of `account`'s stake since its checkpoint to its owed rewards, before the stake changes.
    /// The caller moves the checkpoint to `perToken`.
    function _credit(address account, Earning memory earning, uint160 perToken) private {
        uint256 pending = _pending(earning, perToken);
        if (pending != 0) {
            Owed storage owed = _owed[account];
            owed.rewards = SafeCast.toUint96(owed.rewards + pending);
        }
    }

    function _withoutBase(uint160 perToken) private pure returns (uint256) {
        // Cannot underflow: the stored accumulator starts at the base and only grows.
        unchecked {
            return perToken - _ACCUMULATOR_BASE;
        }
    }

    function _setCooldown(uint64 cooldown_) private {
        if (cooldown_ == 0 || cooldown_ > MAX_COOLDOWN) revert StakingInvalidCooldown(cooldown_);
        _cooldown = cooldown_;
        emit CooldownSet(cooldown_);
    }
}
