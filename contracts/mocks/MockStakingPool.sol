// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStakingPool} from "../interfaces/IStakingPool.sol";

/// @title MockStakingPool
/// @notice Tests only: the part of {IStakingPool} that settlement calls. {notifyReward} does what a real pool's does,
/// with a real pool's storage: it checks the notifier, reads the slot of the principal and the released rewards and
/// the pool's OPEN balance, refuses an amount that did not arrive, and rewrites the notifier's slot with the new
/// notified total, so that settlement's gas is measured against a realistic call. Nothing is staked or streamed.
contract MockStakingPool {
    /// @dev One slot.
    struct Notification {
        address notifier;
        uint96 notified;
    }

    /// @dev One slot.
    struct Ledger {
        uint96 released;
        uint96 principal;
        uint64 cooldown;
    }

    IERC20 private immutable _TOKEN;
    Notification private _notification;
    Ledger private _ledger;

    /// @param token The token settlement pays the stakers' share in.
    constructor(IERC20 token) {
        _TOKEN = token;
        _ledger.cooldown = 7 days;
    }

    /// @notice As {IStakingPool-setRewardNotifier}, but unrestricted.
    function setRewardNotifier(address notifier) external {
        _notification.notifier = notifier;
    }

    /// @notice As {IStakingPool-notifyReward}.
    function notifyReward(uint256 amount) external {
        Notification memory notification = _notification;
        if (msg.sender != notification.notifier) revert IStakingPool.StakingUnauthorizedNotifier(msg.sender);
        Ledger memory ledger = _ledger;
        uint256 accounted = uint256(ledger.principal) + notification.notified - ledger.released;
        uint256 balance = _TOKEN.balanceOf(address(this));
        if (balance < accounted + amount) {
            revert IStakingPool.StakingRewardNotReceived(amount, balance > accounted ? balance - accounted : 0);
        }
        _notification = Notification(notification.notifier, notification.notified + uint96(amount));
        emit IStakingPool.RewardNotified(amount);
    }

    function rewardNotifier() external view returns (address) {
        return _notification.notifier;
    }

    /// @notice As {IStakingPool-outstandingRewards}: here, everything notified.
    function outstandingRewards() external view returns (uint256) {
        return _notification.notified - _ledger.released;
    }
}
