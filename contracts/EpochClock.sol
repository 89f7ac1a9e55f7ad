// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IEpochClock} from "./interfaces/IEpochClock.sol";

/// @title EpochClock
/// @notice See {IEpochClock}.
/// @dev The schedule is a list of segments, each a run of equal epochs from `firstEpoch`, which starts at `startsAt`.
/// A length change appends a segment starting at the next boundary, or rewrites the last segment's length while that
/// segment has not begun, so a segment's start and first epoch never change once written. The last segment lives in
/// `_head` together with its index; the earlier ones live in `_segments` and are searched by bisection.
contract EpochClock is IEpochClock, Ownable {
    /* TYPES */

    /// @dev One slot.
    struct Segment {
        uint64 firstEpoch;
        uint64 startsAt;
        uint64 length;
    }

    /// @dev One slot: the last segment, and its index, which is the number of segments before it. Only this segment
    /// or the one before it can contain the present, so {currentEpoch} reads this slot and at most one more.
    struct Head {
        uint64 firstEpoch;
        uint64 startsAt;
        uint64 length;
        uint64 index;
    }

    /* CONSTANTS */

    /// @inheritdoc IEpochClock
    uint64 public constant MIN_EPOCH_LENGTH = 1 hours;

    /// @inheritdoc IEpochClock
    uint64 public constant MAX_EPOCH_LENGTH = 365 days;

    /// @inheritdoc IEpochClock
    uint64 public immutable GENESIS;

    /* STORAGE */

    Head private _head;
    mapping(uint256 index => Segment) private _segments;

    /// @param genesis When epoch 1 starts; may be in the past or the future.
    /// @param length The length of epoch 1 and the epochs after it until a change.
    /// @param initialOwner May change the epoch length (the governance timelock).
    /// @dev Reverts with {EpochInvalidLength} for a length out of bounds. Emits {EpochLengthScheduled} for epoch 1.
    constructor(uint64 genesis, uint64 length, address initialOwner) Ownable(initialOwner) {
        _checkLength(length);
        GENESIS = genesis;
        _head = Head({firstEpoch: 1, startsAt: genesis, length: length, index: 0});
        emit EpochLengthScheduled(1, genesis, length);
    }

    /* VIEWS */

    /// @inheritdoc IEpochClock
    function epochLength() external view returns (uint64) {
        Head memory head = _head;
        // Days-long epochs; skew only shifts a boundary call.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp >= head.startsAt || head.index == 0) return head.length;
        return _segments[head.index - 1].length;
    }

    /// @inheritdoc IEpochClock
    function currentEpoch() external view returns (uint64) {
        // Days-long epochs; skew only shifts a boundary call.
        // solhint-disable not-rely-on-time
        Head memory head = _head;
        if (block.timestamp >= head.startsAt) {
            return _epochIn(head.firstEpoch, head.startsAt, head.length, block.timestamp);
        }
        if (head.index == 0) revert EpochBeforeGenesis(block.timestamp, GENESIS);
        // A segment after the first is scheduled at the end of the epoch running then, so the segment before a head
        // that has not begun contains the present.
        Segment memory running = _segments[head.index - 1];
        return _epochIn(running.firstEpoch, running.startsAt, running.length, block.timestamp);
        // solhint-enable not-rely-on-time
    }

    /// @inheritdoc IEpochClock
    function epochAt(uint256 timestamp) external view returns (uint64) {
        Head memory head = _head;
        if (timestamp >= head.startsAt) return _epochIn(head.firstEpoch, head.startsAt, head.length, timestamp);
        if (timestamp < GENESIS) revert EpochBeforeGenesis(timestamp, GENESIS);
        Segment memory s = _search(head.index, timestamp, false);
        return _epochIn(s.firstEpoch, s.startsAt, s.length, timestamp);
    }

    /// @inheritdoc IEpochClock
    function epochStart(uint64 epoch) external view returns (uint64) {
        if (epoch == 0) revert EpochNonexistent(epoch);
        Head memory head = _head;
        if (epoch >= head.firstEpoch) return _startOf(head.firstEpoch, head.startsAt, head.length, epoch);
        Segment memory s = _search(head.index, epoch, true);
        return _startOf(s.firstEpoch, s.startsAt, s.length, epoch);
    }

    /* GOVERNANCE */

    /// @inheritdoc IEpochClock
    function setEpochLength(uint64 length) external onlyOwner returns (uint64 fromEpoch) {
        // Days-long epochs; skew only shifts a boundary call.
        // solhint-disable not-rely-on-time
        _checkLength(length);
        Head memory head = _head;
        uint64 startsAt;
        if (block.timestamp < head.startsAt) {
            // The last segment has not begun (a change is scheduled, or genesis is ahead): its start is the end of the
            // running epoch, or genesis, which stays; only its length is replaced.
            fromEpoch = head.firstEpoch;
            startsAt = head.startsAt;
            _head.length = length;
        } else {
            // Cannot underflow: block.timestamp >= head.startsAt was checked above.
            uint256 completed;
            unchecked {
                completed = (block.timestamp - head.startsAt) / head.length;
            }
            fromEpoch = SafeCast.toUint64(head.firstEpoch + completed + 1);
            startsAt = SafeCast.toUint64(head.startsAt + (completed + 1) * head.length);
            _segments[head.index] = Segment(head.firstEpoch, head.startsAt, head.length);
            _head = Head({firstEpoch: fromEpoch, startsAt: startsAt, length: length, index: head.index + 1});
        }
        emit EpochLengthScheduled(fromEpoch, startsAt, length);
        // solhint-enable not-rely-on-time
    }

    /* INTERNAL */

    function _checkLength(uint64 length) private pure {
        if (length < MIN_EPOCH_LENGTH || length > MAX_EPOCH_LENGTH) revert EpochInvalidLength(length);
    }

    /// @dev The last segment before the head whose first epoch (`byEpoch`) or start is at most `key`. Callers pass a
    /// key below the head's and at least segment 0's (epoch 1, `GENESIS`), so the answer is among the `count`.
    function _search(uint256 count, uint256 key, bool byEpoch) private view returns (Segment memory) {
        // Invariant: segment `low` is at most `key` and segment `high` (the head when `high == count`) is above it.
        uint256 low;
        uint256 high = count;
        while (high - low > 1) {
            uint256 mid = (low + high) / 2;
            Segment memory s = _segments[mid];
            if ((byEpoch ? s.firstEpoch : s.startsAt) <= key) low = mid;
            else high = mid;
        }
        return _segments[low];
    }

    /// @dev The epoch of `timestamp` in the segment given, with `timestamp` at or after its start.
    function _epochIn(
        uint256 firstEpoch,
        uint256 startsAt,
        uint256 length,
        uint256 timestamp
    ) private pure returns (uint64) {
        return SafeCast.toUint64(firstEpoch + (timestamp - startsAt) / length);
    }

    /// @dev The start of `epoch` in the segment given, with `epoch` at or after its first epoch.
    function _startOf(
        uint256 firstEpoch,
        uint256 startsAt,
        uint256 length,
        uint256 epoch
    ) private pure returns (uint64) {
        return SafeCast.toUint64(startsAt + (epoch - firstEpoch) * length);
    }
}
