// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice How a fee is shared, in basis points; the four always sum to 10,000.
struct FeeSplit {
    uint16 treasuryBps;
    uint16 modelBps;
    uint16 stakersBps;
    uint16 contributorsBps;
}

/// @notice What settlement recorded for one epoch.
struct EpochLedger {
    /// @dev Inference calls settled.
    uint64 calls;
    /// @dev Number of `settle` calls.
    uint32 settlements;
    /// @dev OPEN paid in fees.
    uint128 fees;
    /// @dev keccak256 chain over every settlement's `(modelId, calls, fee, logRoot)` in order:
    /// `logDigest = keccak256(abi.encode(logDigest, modelId, calls, fee, logRoot))`, starting from zero. It commits to
    /// the inference logs the attestor must attribute for the epoch, and is reproducible from {InferenceSettled}.
    bytes32 logDigest;
}

/// @title Inference settlement
/// @notice Payers (or gateways) pay for inferences of a model in OPEN. `settle` pulls `pricePerCall × calls` and splits
/// it in basis points between the protocol treasury, the model's revenue recipient, the staking pool and the reward
/// distributor's contributor pool, and records the calls, fees and inference-log root in the current epoch's ledger.
/// @dev Shares are `fee × bps / 10,000` rounded down for the treasury, the model and the stakers; the contributors'
/// pool receives the rest, so the rounding dust (under 3 wei per settlement) goes to contributors and the four
/// payouts always sum to the fee exactly. When nothing is staked, the staking pool keeps the stakers' share as
/// undistributed (see {IStakingPool}). Gas does not depend on `calls`.
interface IInferenceSettlement {
    /* EVENTS */

    /// @notice `payer` paid `fee` for `calls` inferences of `modelId`, shared as listed.
    event InferenceSettled(
        uint64 indexed epoch,
        uint256 indexed modelId,
        address indexed payer,
        uint64 calls,
        uint256 fee,
        uint256 treasuryShare,
        uint256 modelShare,
        uint256 stakersShare,
        uint256 contributorsShare,
        bytes32 logRoot,
        string logURI
    );

    /// @notice The fee split for settlements from now on.
    event FeeSplitSet(FeeSplit split);

    /// @notice The protocol treasury changed.
    event TreasurySet(address indexed treasury);

    /* ERRORS */

    /// @notice `calls` must be positive.
    error SettlementZeroCalls();

    /// @notice The model's price is zero, so there is no fee to settle.
    error SettlementZeroFee(uint256 modelId);

    /// @notice The log root must commit to something.
    error SettlementInvalidLogRoot();

    /// @notice The basis points do not sum to 10,000.
    error SettlementInvalidSplit(uint256 sum);

    /// @notice A zero address where the treasury is needed.
    error SettlementInvalidTreasury(address treasury);

    /* CONSTANTS */

    /// @notice 10,000: the basis points a split sums to.
    function BPS() external view returns (uint16);

    function PAYMENT_TOKEN() external view returns (address);

    function MODELS() external view returns (address);

    function CLOCK() external view returns (address);

    function STAKING() external view returns (address);

    function REWARDS() external view returns (address);

    /* SETTLEMENT */

    /// @notice Pays for `calls` inferences of `modelId` from the caller's OPEN (approved beforehand) and records them
    /// in the current epoch.
    /// Requirements: the model exists; `calls` > 0; the price is not zero; `logRoot` is not zero; the epoch has begun.
    function settle(
        uint256 modelId,
        uint64 calls,
        bytes32 logRoot,
        string calldata logURI
    ) external returns (uint64 epoch, uint256 fee);

    /* VIEWS */

    function feeSplit() external view returns (FeeSplit memory);

    function treasury() external view returns (address);

    function epochLedger(uint64 epoch) external view returns (EpochLedger memory);

    /* GOVERNANCE (owner) */

    /// @notice Sets the split of later settlements. Requirements: the four parts sum to `BPS`.
    function setFeeSplit(FeeSplit calldata split) external;

    /// @notice Sets the treasury. Requirements: not zero.
    function setTreasury(address treasury) external;
}
