// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DailyQuotaLib
/// @notice Counters of a quota that resets at 00:00 UTC. A counter is stored with the UTC day it was last written
/// (`block.timestamp / 1 days`) and never cleared: read on that day it counts what was used, read on any later day it
/// counts nothing, so a new day starts every quota from zero without a write.
/// @dev The Datanet registry keeps a Datanet's bytes and a contributor's files and bytes this way.
library DailyQuotaLib {
    /// @notice The UTC day of the current block: the day every counter written now is stored with.
    /// @dev A uint32 of days lasts until the year 11,761,191.
    function today() internal view returns (uint32) {
        // UTC-day quotas; skew only shifts a midnight call.
        // solhint-disable-next-line not-rely-on-time
        return uint32(block.timestamp / 1 days);
    }

    /// @notice What a counter of bytes stored on `day` counts on `today_`: itself that day, zero on a later one.
    function used(uint32 day, uint64 counter, uint32 today_) internal pure returns (uint64) {
        return day == today_ ? counter : 0;
    }

    /// @notice What a counter of files and a counter of bytes stored on `day` count on `today_`: themselves that
    /// day, zero on a later one.
    function used(uint32 day, uint32 files, uint64 bytes_, uint32 today_) internal pure returns (uint32, uint64) {
        return day == today_ ? (files, bytes_) : (0, 0);
    }

    /// @notice What is left of a daily `limit` of which `used_` is used: zero once the limit is reached (a limit
    /// lowered during the day may be below what was used already).
    function remaining(uint64 limit, uint64 used_) internal pure returns (uint64) {
        // Cannot underflow: limit > used_ was checked.
        unchecked {
            return limit > used_ ? limit - used_ : 0;
        }
    }
}
