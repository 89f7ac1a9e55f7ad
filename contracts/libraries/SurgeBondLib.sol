// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SurgeBondLib
/// @notice The bond a submission posts on a busy day. A Datanet's `datanetDailyBytes` is its daily byte budget: up to
/// five eighths of it a submission posts the policy's bond; from there the bond doubles with every further eighth of
/// the budget that the day's bytes (this submission included) reach: 2× from 5/8, 16× at the budget, 256× at 1.5×,
/// 4096× at twice the budget. Free addresses can no longer fill a Datanet's day for nothing: each eighth they take
/// doubles what the next one costs them, while a newcomer still gets in by posting the bond of the moment.
/// @dev Mirrored by the SDK's `surgeBond` (sdk/src/datanet/surge.ts) and tested against it.
library SurgeBondLib {
    /// @dev The budget is counted in eighths...
    uint256 internal constant STEPS_PER_BUDGET = 8;

    /// @dev ...of which the first four (up to half of the budget, and the eighth reaching past it) cost no surge.
    uint256 internal constant FREE_STEPS = 4;

    /// @dev The level saturates here: `bond << 160` is beyond any uint96 maximum a contributor can sign.
    uint256 internal constant MAX_LEVEL = 160;

    /// @notice How many times the bond doubles when the day's bytes reach `usedAfter` of a `budget`.
    /// @dev `budget` is nonzero (policies refuse a zero limit); `usedAfter` is at most 2^65, so the product fits.
    function level(uint256 usedAfter, uint256 budget) internal pure returns (uint8) {
        uint256 steps = (usedAfter * STEPS_PER_BUDGET) / budget;
        if (steps <= FREE_STEPS) return 0;
        // Cannot underflow: steps > FREE_STEPS was checked above.
        unchecked {
            uint256 doublings = steps - FREE_STEPS;
            return uint8(doublings < MAX_LEVEL ? doublings : MAX_LEVEL);
        }
    }

    /// @notice The bond `base` doubled `surgeLevel` times (at most `base << 160`, which fits in a uint256).
    function bondAt(uint256 base, uint8 surgeLevel) internal pure returns (uint256) {
        return base << surgeLevel;
    }
}
