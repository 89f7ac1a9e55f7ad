// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Epoch clock
/// @notice The protocol's one source of epochs. Epoch 1 starts at `GENESIS`; epochs are consecutive, each
/// `epochLength` seconds long. Settlement records fees per epoch and the attestor proposes reward roots per epoch,
/// so every contract asks this clock rather than computing epochs itself.
/// @dev A length change (by the owner, the governance timelock) takes effect at the next epoch boundary, so the epoch
/// of any past timestamp and the bounds of the running epoch never change. The clock keeps every length it has had as
/// a schedule of segments; only the last two can contain the present, so {currentEpoch} costs at most two reads.
interface IEpochClock {
    /* EVENTS */

    /// @notice From epoch `fromEpoch` (starting at `startsAt`) on, epochs last `length` seconds.
    /// @dev Emitted at construction for epoch 1 and on every {setEpochLength}; a later call before `startsAt`
    /// replaces the scheduled change (the new event carries the same `fromEpoch`).
    event EpochLengthScheduled(uint64 indexed fromEpoch, uint64 startsAt, uint64 length);

    /* ERRORS */

    /// @notice `timestamp` is before the first epoch.
    error EpochBeforeGenesis(uint256 timestamp, uint256 genesis);

    /// @notice An epoch length outside [`MIN_EPOCH_LENGTH`, `MAX_EPOCH_LENGTH`].
    error EpochInvalidLength(uint256 length);

    /// @notice Epoch 0 does not exist; epochs start at 1.
    error EpochNonexistent(uint64 epoch);

    /* CONSTANTS */

    /// @notice Shortest epoch length accepted: one hour.
    function MIN_EPOCH_LENGTH() external view returns (uint64);

    /// @notice Longest epoch length accepted: 365 days.
    function MAX_EPOCH_LENGTH() external view returns (uint64);

    /// @notice When epoch 1 starts.
    function GENESIS() external view returns (uint64);

    /* VIEWS */

    /// @notice The length of the running epoch (a scheduled change is not yet in effect).
    function epochLength() external view returns (uint64);

    /// @notice The epoch `block.timestamp` falls in.
    /// @dev Reverts with {EpochBeforeGenesis} before `GENESIS`.
    function currentEpoch() external view returns (uint64);

    /// @notice The epoch `timestamp` falls in.
    /// @dev Reverts with {EpochBeforeGenesis} before `GENESIS`.
    function epochAt(uint256 timestamp) external view returns (uint64);

    /// @notice The first second of `epoch` (its end is the start of `epoch + 1`).
    /// @dev Reverts with {EpochNonexistent} for epoch 0.
    function epochStart(uint64 epoch) external view returns (uint64);

    /* GOVERNANCE */

    /// @notice Sets the epoch length from the next epoch boundary on.
    /// Requirements: the caller is the owner; `MIN_EPOCH_LENGTH` ≤ `length` ≤ `MAX_EPOCH_LENGTH`.
    /// @return fromEpoch The first epoch with the new length.
    function setEpochLength(uint64 length) external returns (uint64 fromEpoch);
}
