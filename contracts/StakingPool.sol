// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafePull} from "./libraries/SafePull.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IStakingPool, StakePosition} from "./interfaces/IStakingPool.sol";

/// @title StakingPool
/// @notice See {IStakingPool}.
/// @dev Gas. Slots are packed by who reads them, not by topic. {notifyReward}, run by every inference settlement, reads
/// two slots ({Notification}, {Ledger}) and the pool's OPEN balance and writes one: it never touches the stream, which
/// the next update brings up to date. An update reads four global slots and writes three ({Pool}, {Carry}, {Ledger},
/// which a stake, an unstake request or a claim changes anyway); it writes {Stream} and reads the notified total only
/// at the first update of a period.
/// Bounds. Assumes a plain ERC-20 (no fee on transfer, no rebasing) whose supply is below 2^96 (OPEN's whole supply is
/// 10^27 < 2^90). Every OPEN amount the pool accounts (principal, outstanding, each account's stake, unstaking and
/// owed rewards, undistributed) is then below 2^96: {notifyReward} only accepts tokens that arrived, so the
/// principal plus the outstanding rewards never exceed the balance. `notified` and `released` are wrapping uint96
/// counters whose difference is exact while the true outstanding amount is below 2^96 (as Uniswap's fee growth). A
/// rate is below `2^96 × 1e18 / 1 hour` < 2^144. The accumulator wraps modulo 2^160 by design: only an account's
/// difference since its checkpoint is used, and `staked × difference / 1e18` is what the account earned, part of the
/// outstanding rewards, so the difference stays below 2^157. No update can therefore revert on a bound, which would
/// lock the stakers' principal.
contract StakingPool is IStakingPool, Ownable {
    using SafeERC20 for IERC20;
    using SafePull for IERC20;

    /* TYPES */

    /// @dev One slot: the accumulator and the stake it is shared by.
    struct Pool {
        /// @dev Rewards per staked token, scaled by 1e18, plus `_ACCUMULATOR_BASE`, wrapping.
        uint160 rewardPerToken;
        uint96 totalStaked;
    }

    /// @dev One slot: the running stream, which changes once per period, and the cooldown, which an unstake request
    /// reads after the update has read the stream.
    struct Stream {
        /// @dev Wei × 1e18 per second until `periodEnd`.
        uint144 rate;
        uint40 periodEnd;
        /// @dev What the last division of a period's queued amount by its length left, in wei × 1e18; below the period.
        uint32 rateCarry;
        /// @dev At most 90 days.
        uint32 cooldown;
    }

    /// @dev One slot: what an update carries over.
    struct Carry {
        /// @dev Streamed wei × 1e18 not yet divided by the stake: below the total staked (or 1e18 while none is).
        uint96 remainder;
        /// @dev `notified` when the current period started: what was notified since is queued.
        uint96 notifiedAtRoll;
    }

    /// @dev One slot, written by {notifyReward}.
    struct Notification {
        address notifier;
        /// @dev Every reward ever notified, plus `_COUNTER_BASE`, wrapping.
        uint96 notified;
    }

    /// @dev One slot, read by {notifyReward} and written by every update.
    struct Ledger {
        /// @dev Every reward ever paid or swept, plus `_COUNTER_BASE`, wrapping.
        uint96 released;
        /// @dev OPEN staked or unstaking, not yet withdrawn.
        uint96 principal;
        /// @dev When the accumulator was last brought up to date; always in [periodEnd − REWARD_PERIOD, periodEnd).
        uint40 updatedAt;
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

    /// @dev The stream brought up to now, in memory: {_accrue} stores it, the views read it.
    struct Accrual {
        Pool pool;
        Stream stream;
        Carry carry;
        /// @dev Whether a period started, changing the stream.
        bool rolled;
        /// @dev Wei streamed while nothing was staked, to add to `_undistributed`.
        uint256 undistributed;
        /// @dev Queued rewards that started streaming (zero: none), at `startedRate` until `startedEnd`.
        uint256 started;
        uint256 startedRate;
        uint256 startedEnd;
    }

    /* CONSTANTS */

    uint256 private constant _PRECISION = 1e18;
    uint64 private constant _COOLDOWN_LIMIT = 90 days;
    uint64 private constant _MIN_REWARD_PERIOD = 1 hours;
    uint64 private constant _MAX_REWARD_PERIOD = 30 days;

    /// @dev Where the stored accumulator starts, so that the pool's slot is never zero and the first stake rewrites it
    /// (5,000 gas) instead of creating it (22,100). Only differences of the accumulator are paid out; the view
    /// subtracts the base.
    uint160 private constant _ACCUMULATOR_BASE = 1;

    /// @dev Where `notified`, `released` and `notifiedAtRoll` start, so that the {Carry} slot is never zero either;
    /// only their differences are used.
    uint96 private constant _COUNTER_BASE = 1;

    IERC20 private immutable _STAKE_TOKEN;
    uint64 private immutable _MAX_COOLDOWN;
    uint64 private immutable _REWARD_PERIOD;

    /* STORAGE */

    Pool private _pool;
    Stream private _stream;
    Carry private _carry;
    Notification private _notification;
    Ledger private _ledger;
    uint96 private _undistributed;
    mapping(address account => Earning) private _earnings;
    mapping(address account => Owed) private _owed;

    /// @param stakeToken The OPEN token, staked and paid as rewards.
    /// @param initialOwner Sets the cooldown and the reward notifier, sweeps undistributed rewards and recovers excess
    /// OPEN (governance).
    /// @param cooldown_ Seconds between an unstake request and its withdrawal.
    /// @param maxCooldown The longest cooldown the owner may ever set.
    /// @param rewardPeriod Seconds per reward period; the first period starts now.
    /// @dev Reverts with {StakingInvalidReceiver} for a zero token, OwnableInvalidOwner for a zero owner,
    /// {StakingInvalidMaxCooldown} for a maximum outside (0, 90 days], {StakingInvalidRewardPeriod} for a period
    /// outside [1 hour, 30 days] and {StakingInvalidCooldown} for a cooldown outside (0, `maxCooldown`]. Emits
    /// {CooldownSet}. The reward notifier (the settlement contract, deployed after the pool) is set with
    /// {setRewardNotifier}.
    constructor(
        IERC20 stakeToken,
        address initialOwner,
        uint64 cooldown_,
        uint64 maxCooldown,
        uint64 rewardPeriod
    ) Ownable(initialOwner) {
        // Rewards accrue per second; skew moves seconds' worth.
        // solhint-disable not-rely-on-time
        if (address(stakeToken) == address(0)) revert StakingInvalidReceiver(address(0));
        if (maxCooldown == 0 || maxCooldown > _COOLDOWN_LIMIT) revert StakingInvalidMaxCooldown(maxCooldown);
        if (rewardPeriod < _MIN_REWARD_PERIOD || rewardPeriod > _MAX_REWARD_PERIOD) {
            revert StakingInvalidRewardPeriod(rewardPeriod);
        }
        _STAKE_TOKEN = stakeToken;
        _MAX_COOLDOWN = maxCooldown;
        _REWARD_PERIOD = rewardPeriod;
        _pool.rewardPerToken = _ACCUMULATOR_BASE;
        _stream.periodEnd = uint40(block.timestamp + rewardPeriod);
        _carry.notifiedAtRoll = _COUNTER_BASE;
        _notification.notified = _COUNTER_BASE;
        _ledger = Ledger(_COUNTER_BASE, 0, uint40(block.timestamp));
        _setCooldown(cooldown_);
        // solhint-enable not-rely-on-time
    }

    /* STAKING */

    /// @inheritdoc IStakingPool
    function stake(uint256 amount) external {
        if (amount == 0) revert StakingZeroAmount();
        (Pool memory pool, Ledger memory ledger) = _accrue();
        Earning memory earning = _earnings[msg.sender];
        _credit(msg.sender, earning, pool.rewardPerToken);
        ledger.principal = SafeCast.toUint96(ledger.principal + amount);
        _ledger = ledger;
        uint96 total;
        // Fits: the account's stake and the total stake are part of the principal, which was just checked to fit.
        unchecked {
            total = pool.totalStaked + uint96(amount);
            _earnings[msg.sender] = Earning(earning.staked + uint96(amount), pool.rewardPerToken);
        }
        _pool = Pool(pool.rewardPerToken, total);
        emit Staked(msg.sender, amount, total);
        _STAKE_TOKEN.pull(msg.sender, amount);
    }

    /// @inheritdoc IStakingPool
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert StakingZeroAmount();
        Earning memory earning = _earnings[msg.sender];
        if (amount > earning.staked) revert StakingInsufficientStake(amount, earning.staked);
        (Pool memory pool, Ledger memory ledger) = _accrue();
        _ledger = ledger;
        Owed memory owed = _owed[msg.sender];
        owed.rewards = SafeCast.toUint96(owed.rewards + _pending(earning, pool.rewardPerToken));
        owed.unstaking = SafeCast.toUint96(owed.unstaking + amount);
        // Cannot overflow: a timestamp plus at most 90 days stays far inside a uint64.
        unchecked {
            // A cooldown of days; seconds of skew do not matter.
            // solhint-disable-next-line not-rely-on-time
            owed.unstakeReadyAt = uint64(block.timestamp) + _stream.cooldown;
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
        // A cooldown of days; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp < readyAt) revert StakingCooldownActive(readyAt);
        owed.unstaking = 0;
        owed.unstakeReadyAt = 0;
        // Cannot underflow: unstaking OPEN is part of the principal until it is withdrawn here.
        unchecked {
            _ledger.principal -= uint96(amount);
        }
        emit Withdrawn(msg.sender, amount);
        _STAKE_TOKEN.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IStakingPool
    function claimRewards() external returns (uint256 amount) {
        (Pool memory pool, Ledger memory ledger) = _accrue();
        _pool = pool;
        Earning memory earning = _earnings[msg.sender];
        Owed storage owed = _owed[msg.sender];
        amount = owed.rewards + _pending(earning, pool.rewardPerToken);
        if (amount == 0) revert StakingNothingToClaim(msg.sender);
        if (earning.rewardPerTokenPaid != pool.rewardPerToken) {
            _earnings[msg.sender].rewardPerTokenPaid = pool.rewardPerToken;
        }
        owed.rewards = 0;
        _ledger = _released(ledger, amount);
        emit RewardClaimed(msg.sender, amount);
        _STAKE_TOKEN.safeTransfer(msg.sender, amount);
    }

    /* REWARDS */

    /// @inheritdoc IStakingPool
    function notifyReward(uint256 amount) external {
        Notification memory notification = _notification;
        if (msg.sender != notification.notifier) revert StakingUnauthorizedNotifier(msg.sender);
        uint256 accounted = _accounted(notification.notified);
        uint256 balance = _STAKE_TOKEN.balanceOf(address(this));
        if (balance < accounted + amount) {
            revert StakingRewardNotReceived(amount, balance > accounted ? balance - accounted : 0);
        }
        // Wraps by design (see the contract's bounds); the truncation keeps all of `amount`, which the pool holds
        // beyond what it accounts and so is below the token's supply, below 2^96.
        unchecked {
            _notification = Notification(notification.notifier, notification.notified + uint96(amount));
        }
        emit RewardNotified(amount);
    }

    /* VIEWS */

    /// @inheritdoc IStakingPool
    function STAKE_TOKEN() external view returns (address) {
        return address(_STAKE_TOKEN);
    }

    /// @inheritdoc IStakingPool
    function MAX_COOLDOWN() external view returns (uint64) {
        return _MAX_COOLDOWN;
    }

    /// @inheritdoc IStakingPool
    function REWARD_PERIOD() external view returns (uint64) {
        return _REWARD_PERIOD;
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
        return _owed[account].rewards + _pending(_earnings[account], _accrued().pool.rewardPerToken);
    }

    /// @inheritdoc IStakingPool
    function rewardPerToken() external view returns (uint256) {
        // Wraps by design, as the accumulator.
        unchecked {
            return _accrued().pool.rewardPerToken - _ACCUMULATOR_BASE;
        }
    }

    /// @inheritdoc IStakingPool
    function undistributed() external view returns (uint256) {
        return _undistributed + _accrued().undistributed;
    }

    /// @inheritdoc IStakingPool
    function rewardRate() external view returns (uint256) {
        return _accrued().stream.rate;
    }

    /// @inheritdoc IStakingPool
    function periodEnd() external view returns (uint64) {
        return _accrued().stream.periodEnd;
    }

    /// @inheritdoc IStakingPool
    function queuedRewards() external view returns (uint256) {
        // Wraps by design (see the contract's bounds).
        unchecked {
            return _notification.notified - _accrued().carry.notifiedAtRoll;
        }
    }

    /// @inheritdoc IStakingPool
    function principal() external view returns (uint256) {
        return _ledger.principal;
    }

    /// @inheritdoc IStakingPool
    function outstandingRewards() external view returns (uint256) {
        return _accounted(_notification.notified) - _ledger.principal;
    }

    /// @inheritdoc IStakingPool
    function excess() external view returns (uint256) {
        return _excess();
    }

    /// @inheritdoc IStakingPool
    function cooldown() external view returns (uint64) {
        return _stream.cooldown;
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
        (Pool memory pool, Ledger memory ledger) = _accrue();
        _pool = pool;
        amount = _undistributed;
        _undistributed = 0;
        _ledger = _released(ledger, amount);
        emit UndistributedSwept(to, amount);
        _STAKE_TOKEN.safeTransfer(to, amount);
    }

    /// @inheritdoc IStakingPool
    function recoverExcess(address to) external onlyOwner returns (uint256 amount) {
        if (to == address(0)) revert StakingInvalidReceiver(to);
        amount = _excess();
        if (amount == 0) revert StakingNothingToRecover();
        emit ExcessRecovered(to, amount);
        _STAKE_TOKEN.safeTransfer(to, amount);
    }

    /* INTERNAL */

    /// @dev Brings the stream and the accumulator up to now and stores them, except the pool's and the ledger's slots,
    /// which the caller stores with its own changes. Emits {RewardPeriodStarted} when queued rewards start streaming.
    function _accrue() private returns (Pool memory pool, Ledger memory ledger) {
        // Rewards accrue per second; skew moves seconds' worth.
        // solhint-disable not-rely-on-time
        ledger = _ledger;
        pool = _pool;
        // Already up to date (an earlier update in this block): the period's end lies ahead, nothing streamed since.
        if (ledger.updatedAt == block.timestamp) return (pool, ledger);
        Accrual memory accrual = _advance(pool, _stream, _carry, ledger.updatedAt);
        ledger.updatedAt = uint40(block.timestamp);
        if (accrual.rolled) _stream = accrual.stream;
        _carry = accrual.carry;
        if (accrual.undistributed != 0) {
            // Fits: the undistributed rewards are part of the outstanding ones, below 2^96 (see the contract's bounds).
            _undistributed += uint96(accrual.undistributed);
        }
        if (accrual.started != 0) {
            emit RewardPeriodStarted(uint64(accrual.startedEnd), accrual.started, accrual.startedRate);
        }
        // solhint-enable not-rely-on-time
    }

    /// @dev The stream and the accumulator as an update now would leave them.
    function _accrued() private view returns (Accrual memory accrual) {
        uint256 updatedAt = _ledger.updatedAt;
        (accrual.pool, accrual.stream, accrual.carry) = (_pool, _stream, _carry);
        // As {_accrue}: an update in this block leaves its remainder for the next second.
        // Rewards accrue per second; skew moves seconds' worth.
        // solhint-disable-next-line not-rely-on-time
        if (updatedAt != block.timestamp) accrual = _advance(accrual.pool, accrual.stream, accrual.carry, updatedAt);
    }

    /// @dev Streams from `updatedAt` to now at the running rate, starting the next period if the current one ended;
    /// divides what streamed by the total stake into the accumulator (or into the undistributed rewards while nothing
    /// is staked) and carries what the division leaves. Works on the memory copies it is given.
    function _advance(
        Pool memory pool,
        Stream memory stream,
        Carry memory carry,
        uint256 updatedAt
    ) private view returns (Accrual memory accrual) {
        // Rewards accrue per second; skew moves seconds' worth.
        // solhint-disable not-rely-on-time
        uint256 end = stream.periodEnd;
        // Wei × 1e18: below 2 × 2^96 × 1e18 + 2^96, as a period streams at most what was queued for it.
        uint256 streamed = carry.remainder;
        if (block.timestamp < end) {
            streamed += (block.timestamp - updatedAt) * stream.rate;
        } else {
            streamed += (end - updatedAt) * stream.rate;
            streamed += _roll(accrual, stream, carry);
        }
        uint256 staked = pool.totalStaked;
        if (staked == 0) {
            accrual.undistributed = streamed / _PRECISION;
            // Fits: below 1e18.
            carry.remainder = uint96(streamed % _PRECISION);
        } else {
            // Fits: below 2^158; the accumulator wraps by design (see the contract's bounds).
            unchecked {
                pool.rewardPerToken += uint160(streamed / staked);
            }
            // Fits: below the total staked.
            carry.remainder = uint96(streamed % staked);
        }
        (accrual.pool, accrual.stream, accrual.carry) = (pool, stream, carry);
        // solhint-enable not-rely-on-time
    }

    /// @dev Starts the period after the one that ended at `stream.periodEnd` with what was queued, from that end on,
    /// and returns what it streamed up to now; if that period is over too, leaves nothing streaming until the end of
    /// the period containing now. Records the start in `accrual`.
    function _roll(
        Accrual memory accrual,
        Stream memory stream,
        Carry memory carry
    ) private view returns (uint256 streamed) {
        // Rewards accrue per second; skew moves seconds' worth.
        // solhint-disable not-rely-on-time
        uint256 period = _REWARD_PERIOD;
        uint256 end = stream.periodEnd;
        uint96 notified = _notification.notified;
        uint96 queued;
        // Wraps by design (see the contract's bounds).
        unchecked {
            queued = notified - carry.notifiedAtRoll;
        }
        carry.notifiedAtRoll = notified;
        uint256 scaled = uint256(queued) * _PRECISION + stream.rateCarry;
        uint256 rate = scaled / period;
        // Fits: below the period, at most 30 days.
        stream.rateCarry = uint32(scaled % period);
        if (block.timestamp < end + period) {
            streamed = (block.timestamp - end) * rate;
            // Fits: below 2^96 × 1e18 / 1 hour + 1 < 2^144.
            stream.rate = uint144(rate);
        } else {
            streamed = period * rate;
            stream.rate = 0;
        }
        // The end of the period containing now: the next one, or a later one when it is over too. Fits: a timestamp
        // plus at most 30 days.
        stream.periodEnd = uint40(end + period * ((block.timestamp - end) / period + 1));
        accrual.rolled = true;
        if (queued != 0) (accrual.started, accrual.startedRate, accrual.startedEnd) = (queued, rate, end + period);
        // solhint-enable not-rely-on-time
    }

    /// @dev Rewards of `earning`'s stake since its checkpoint, rounded down: the account loses less than one wei.
    function _pending(Earning memory earning, uint160 perToken) private pure returns (uint256) {
        // The accumulator's difference wraps by design and is below 2^157 (see the contract's bounds); a uint96 times
        // a uint160 cannot overflow.
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

    /// @dev `ledger` with `amount` more rewards counted as paid or swept.
    function _released(Ledger memory ledger, uint256 amount) private pure returns (Ledger memory) {
        // Wraps by design; the truncation keeps all of `amount`, part of the outstanding rewards (below 2^96).
        unchecked {
            ledger.released += uint96(amount);
        }
        return ledger;
    }

    /// @dev The principal plus the outstanding rewards, given the notified counter.
    function _accounted(uint96 notified) private view returns (uint256) {
        Ledger memory ledger = _ledger;
        // The counters' difference wraps by design (see the contract's bounds).
        unchecked {
            return uint256(ledger.principal) + (notified - ledger.released);
        }
    }

    function _excess() private view returns (uint256) {
        uint256 accounted = _accounted(_notification.notified);
        uint256 balance = _STAKE_TOKEN.balanceOf(address(this));
        // Cannot underflow: checked just before.
        unchecked {
            return balance > accounted ? balance - accounted : 0;
        }
    }

    function _setCooldown(uint64 cooldown_) private {
        if (cooldown_ == 0 || cooldown_ > _MAX_COOLDOWN) revert StakingInvalidCooldown(cooldown_);
        // Fits: at most 90 days.
        _stream.cooldown = uint32(cooldown_);
        emit CooldownSet(cooldown_);
    }
}
