// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStakingPool} from "../interfaces/IStakingPool.sol";

/// @title MockStakingPool
/// @notice Tests only: the part of {IStakingPool} that settlement calls. {notifyReward} does what a real pool's does,
/// with a real pool's storage: it checks the notifier, then reads and rewrites two slots, the reward-per-token
/// accumulator with the total stake, and the notifier with the division's carried remainder (or adds to the
/// undistributed total when nothing is staked), so that settlement's gas is measured against a realistic call. Stake
/// is set directly instead of staked.
contract MockStakingPool {
    /// @dev One slot.
    struct Pool {
        uint160 rewardPerToken;
        uint96 totalStaked;
    }

    /// @dev One slot.
    struct Notification {
        address notifier;
        /// @dev What the last division left over, scaled by 1e18: carried into the next notification.
        uint96 remainder;
    }

    Pool private _pool;
    Notification private _notification;
    uint256 private _undistributed;

    /// @notice As {IStakingPool-setRewardNotifier}, but unrestricted.
    function setRewardNotifier(address notifier) external {
        _notification.notifier = notifier;
    }

    /// @notice Sets the total stake the next notifications are shared among.
    function setTotalStaked(uint96 totalStaked_) external {
        _pool.totalStaked = totalStaked_;
    }

    /// @notice As {IStakingPool-notifyReward}.
    function notifyReward(uint256 amount) external {
        Notification memory notification = _notification;
        if (msg.sender != notification.notifier) revert IStakingPool.StakingUnauthorizedNotifier(msg.sender);
        Pool memory pool = _pool;
        if (pool.totalStaked == 0) {
            _undistributed += amount;
        } else {
            uint256 scaled = amount * 1e18 + notification.remainder;
            pool.rewardPerToken += uint160(scaled / pool.totalStaked);
            _pool = pool;
            _notification = Notification(notification.notifier, uint96(scaled % pool.totalStaked));
        }
        emit IStakingPool.RewardNotified(amount, pool.totalStaked, pool.rewardPerToken);
    }

    function rewardNotifier() external view returns (address) {
        return _notification.notifier;
    }

    function totalStaked() external view returns (uint256) {
        return _pool.totalStaked;
    }

    function rewardPerToken() external view returns (uint256) {
        return _pool.rewardPerToken;
    }

    function undistributed() external view returns (uint256) {
        return _undistributed;
    }
}
