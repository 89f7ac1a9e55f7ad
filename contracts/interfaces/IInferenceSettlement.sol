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
/// @dev The first three fields share one slot. The counters are checked, yet no payer can bring one to its bound and so
/// block the epoch's other settlements:
/// - `calls`: every call costs at least 1 wei, so 2^96 calls would cost about 7.9 × 10^28 wei, 79 times OPEN's whole
///   supply; and a settlement pays for at most 2^64 − 1 calls, so fewer than 2^32 settlements stay below 2^96 − 1.
/// - `settlements`: each costs over 100,000 gas; 2^32 of them in one epoch (a year at most) is beyond any chain's gas.
/// - `fees`: a fee is paid from the payer's OPEN, at most the supply (10^27 < 2^90), so fewer than 2^32 fees stay
///   below 2^122, however often a payer recycles what comes back to it (with the default split, the treasury's and
///   contributors' 60% of every fee leave its hands for good).
struct EpochLedger {
    /// @dev Inference calls settled.
    uint96 calls;
    /// @dev Number of `settle` calls.
    uint32 settlements;
    /// @dev OPEN paid in fees.
    uint128 fees;
    /// @dev keccak256 chain over every settlement's `(modelId, calls, fee, logRoot)` in order:
    /// `logDigest = keccak256(abi.encode(logDigest, modelId, calls, fee, logRoot))`, starting from zero. It commits to
    /// the inference logs the attestor must attribute for the epoch, and is reproducible from {InferenceSettled}.
    bytes32 logDigest;
}

/// @notice What settlement recorded for one model over all time, in one slot. Both counters are checked, yet no payer
/// can bring one to its bound and so block the model's settlements:
/// - `fees`: a fee is paid from the payer's OPEN, at most the supply (10^27 < 2^90), so reaching 2^160 takes over 2^70
///   settlements, each over 100,000 gas: beyond any chain, however often a payer recycles what comes back to it.
/// - `calls`: every call costs at least 1 wei, so 2^96 calls cost at least 2^96 wei (7.9 × 10^28), 79 times OPEN's
///   whole supply, of which the treasury's share leaves the payer for good at every settlement; and a settlement pays
///   for at most 2^64 − 1 calls, so it also takes over 2^32 settlements (4 × 10^14 gas).
struct ModelTotals {
    /// @dev Inference calls of the model settled.
    uint96 calls;
    /// @dev OPEN paid in fees for the model.
    uint160 fees;
}

/// @title Inference settlement
/// @notice Payers (or gateways) pay for inferences of a model in OPEN. `settle` pulls `pricePerCall × calls` and splits
/// it in basis points between the protocol treasury, the model's revenue recipient, the staking pool and the reward
/// distributor's contributor pool, and records the calls, fees and inference-log root in the current epoch's ledger
/// and the calls and fees in the model's totals (which an offering's milestones read).
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

    /// @notice OPEN that no settlement accounts for (sent to this contract directly) was sent to `to`.
    event ExcessRecovered(address indexed to, uint256 amount);

    /* ERRORS */

    /// @notice `calls` must be positive.
    error SettlementZeroCalls();

    /// @notice The model's price is zero, so there is no fee to settle.
    error SettlementZeroFee(uint256 modelId);

    /// @notice The fee at the model's current price, `fee`, exceeds the most the payer agreed to pay, `maxFee`: the
    /// price changed after the payer's quote (a model owner front-running the settlement, say).
    error SettlementFeeAboveMax(uint256 modelId, uint256 fee, uint256 maxFee);

    /// @notice The log root must commit to something.
    error SettlementInvalidLogRoot();

    /// @notice The basis points do not sum to 10,000.
    error SettlementInvalidSplit(uint256 sum);

    /// @notice A zero address where the treasury is needed.
    error SettlementInvalidTreasury(address treasury);

    /// @notice Recovered OPEN cannot go to the zero address.
    error SettlementInvalidReceiver(address receiver);

    /// @notice This contract holds no OPEN to recover.
    error SettlementNoExcess();

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
    /// in the current epoch. The fee is the model's price when the transaction runs times `calls`; `maxFee` bounds
    /// it, so that a price raised between the payer's quote and its settlement (even in the same block, ahead of it)
    /// costs the payer nothing but a reverted transaction.
    /// Requirements: the model exists; `calls` > 0; the price is not zero; `pricePerCall × calls` ≤ `maxFee`
    /// ({SettlementFeeAboveMax}, checked before any token moves); `logRoot` is not zero; the epoch has begun.
    function settle(
        uint256 modelId,
        uint64 calls,
        uint256 maxFee,
        bytes32 logRoot,
        string calldata logURI
    ) external returns (uint64 epoch, uint256 fee);

    /* VIEWS */

    function feeSplit() external view returns (FeeSplit memory);

    function treasury() external view returns (address);

    function epochLedger(uint64 epoch) external view returns (EpochLedger memory);

    /// @notice Calls and fees of `modelId` settled since the protocol began (zero for a model never settled).
    function modelTotals(uint256 modelId) external view returns (ModelTotals memory);

    /* GOVERNANCE (owner) */

    /// @notice Sets the split of later settlements. Requirements: the four parts sum to `BPS`.
    function setFeeSplit(FeeSplit calldata split) external;

    /// @notice Sets the treasury. Requirements: not zero.
    function setTreasury(address treasury) external;

    /// @notice Sends `to` the OPEN this contract holds. A settlement passes every fee through and keeps nothing, so
    /// all it holds between settlements was sent to it directly, outside any settlement. Emits {ExcessRecovered}.
    /// Requirements: the caller is the owner; `to` is not zero ({SettlementInvalidReceiver}); there is OPEN to
    /// recover ({SettlementNoExcess}).
    /// @return amount The OPEN sent.
    function recoverExcess(address to) external returns (uint256 amount);
}
