// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IEpochClock} from "./interfaces/IEpochClock.sol";
import {IInferenceSettlement, EpochLedger, FeeSplit, ModelTotals} from "./interfaces/IInferenceSettlement.sol";
import {IModelRegistry, ModelTerms} from "./interfaces/IModelRegistry.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {IStakingPool} from "./interfaces/IStakingPool.sol";

/// @title InferenceSettlement
/// @notice See {IInferenceSettlement}.
/// @dev Besides the epoch's ledger (two slots, read and written once), a settlement reads two slots of its own,
/// {Config} and {EpochCache}, and asks the clock only when a new epoch has begun. The fee passes through this contract,
/// which holds no OPEN between settlements. The contributors' share goes
/// through {IRewardDistributor-fund}, which pulls it with the allowance given once at construction. Assumes a plain
/// ERC-20 (no fee on transfer), as OPEN is.
contract InferenceSettlement is IInferenceSettlement, Ownable {
    using SafeERC20 for IERC20;

    /* TYPES */

    /// @dev One slot: the split and the treasury, read together by every settlement. Flat rather than a nested
    /// {FeeSplit}, which would take a slot of its own.
    struct Config {
        uint16 treasuryBps;
        uint16 modelBps;
        uint16 stakersBps;
        uint16 contributorsBps;
        address treasury;
    }

    /// @dev One slot: the running epoch as the clock gave it, and its end. The clock never moves the end of the running
    /// epoch (a length change takes effect at the next boundary), so settlements before `endsAt` need not ask it.
    struct EpochCache {
        uint64 epoch;
        uint64 endsAt;
    }

    /// @dev A fee's four shares (in memory only: as locals they would not fit the stack).
    struct Shares {
        uint256 treasury;
        uint256 model;
        uint256 stakers;
        uint256 contributors;
    }

    /* CONSTANTS */

    /// @inheritdoc IInferenceSettlement
    uint16 public constant BPS = 10_000;

    IERC20 private immutable _PAYMENT_TOKEN;
    IModelRegistry private immutable _MODELS;
    IEpochClock private immutable _CLOCK;
    IStakingPool private immutable _STAKING;
    IRewardDistributor private immutable _REWARDS;

    /* STORAGE */

    Config private _config;
    EpochCache private _epochCache;
    mapping(uint64 epoch => EpochLedger) private _ledgers;
    mapping(uint256 modelId => ModelTotals) private _modelTotals;

    /// @param paymentToken OPEN, in which fees are paid.
    /// @param models The model registry that prices models and names their revenue recipients.
    /// @param clock The protocol's epoch clock.
    /// @param staking The staking pool, which must accept this contract as its reward notifier.
    /// @param rewards The reward distributor funded with the contributors' share; it must pay in `paymentToken`.
    /// @param treasury_ The protocol treasury.
    /// @param split The initial fee split.
    /// @param initialOwner Sets the split and the treasury (the governance timelock).
    /// @dev Reverts with {SettlementInvalidSplit} or {SettlementInvalidTreasury}. Emits {FeeSplitSet}, {TreasurySet}.
    constructor(
        IERC20 paymentToken,
        IModelRegistry models,
        IEpochClock clock,
        IStakingPool staking,
        IRewardDistributor rewards,
        address treasury_,
        FeeSplit memory split,
        address initialOwner
    ) Ownable(initialOwner) {
        _PAYMENT_TOKEN = paymentToken;
        _MODELS = models;
        _CLOCK = clock;
        _STAKING = staking;
        _REWARDS = rewards;
        _setFeeSplit(split);
        _setTreasury(treasury_);
        // A nonzero placeholder, so that the first settlement rewrites the slot instead of creating it. An end of 1 is
        // always past, so that settlement asks the clock.
        _epochCache = EpochCache({epoch: 0, endsAt: 1});
        // Once, so that no settlement pays for an approval: the distributor pulls each contributors' share itself.
        paymentToken.forceApprove(address(rewards), type(uint256).max);
    }

    /* SETTLEMENT */

    /// @inheritdoc IInferenceSettlement
    function settle(
        uint256 modelId,
        uint64 calls,
        uint256 maxFee,
        bytes32 logRoot,
        string calldata logURI
    ) external returns (uint64 epoch, uint256 fee) {
        if (calls == 0) revert SettlementZeroCalls();
        if (logRoot == bytes32(0)) revert SettlementInvalidLogRoot();
        ModelTerms memory terms = _MODELS.terms(modelId);
        // Cannot overflow: a uint96 price times a uint64 count is below 2^160.
        unchecked {
            fee = uint256(terms.pricePerCall) * calls;
        }
        if (fee == 0) revert SettlementZeroFee(modelId);
        if (fee > maxFee) revert SettlementFeeAboveMax(modelId, fee, maxFee);
        epoch = _currentEpoch();
        Config memory config = _config;

        Shares memory shares;
        // Cannot overflow: fee < 2^160 and every bps <= 10,000. Cannot underflow: the three shares are rounded down
        // and their bps sum to at most 10,000, so together they are at most the fee.
        unchecked {
            shares.treasury = (fee * config.treasuryBps) / BPS;
            shares.model = (fee * config.modelBps) / BPS;
            shares.stakers = (fee * config.stakersBps) / BPS;
            shares.contributors = fee - shares.treasury - shares.model - shares.stakers;
        }

        _record(epoch, modelId, calls, fee, shares, logRoot, logURI);

        // A plain pull, not SafePull: settlement credits nothing of its own. Whatever the token delivers less is caught
        // where the shares are credited (the distributor's SafePull, the pool's balance check in notifyReward), and a
        // token without either share only pays the treasury and the model less. Checking here too would cost 940 gas.
        _PAYMENT_TOKEN.safeTransferFrom(msg.sender, address(this), fee);
        if (shares.treasury != 0) _PAYMENT_TOKEN.safeTransfer(config.treasury, shares.treasury);
        if (shares.model != 0) _PAYMENT_TOKEN.safeTransfer(terms.revenueRecipient, shares.model);
        if (shares.stakers != 0) {
            _PAYMENT_TOKEN.safeTransfer(address(_STAKING), shares.stakers);
            _STAKING.notifyReward(shares.stakers);
        }
        if (shares.contributors != 0) _REWARDS.fund(shares.contributors);
    }

    /* VIEWS */

    /// @inheritdoc IInferenceSettlement
    function PAYMENT_TOKEN() external view returns (address) {
        return address(_PAYMENT_TOKEN);
    }

    /// @inheritdoc IInferenceSettlement
    function MODELS() external view returns (address) {
        return address(_MODELS);
    }

    /// @inheritdoc IInferenceSettlement
    function CLOCK() external view returns (address) {
        return address(_CLOCK);
    }

    /// @inheritdoc IInferenceSettlement
    function STAKING() external view returns (address) {
        return address(_STAKING);
    }

    /// @inheritdoc IInferenceSettlement
    function REWARDS() external view returns (address) {
        return address(_REWARDS);
    }

    /// @inheritdoc IInferenceSettlement
    function feeSplit() external view returns (FeeSplit memory) {
        Config memory config = _config;
        return FeeSplit(config.treasuryBps, config.modelBps, config.stakersBps, config.contributorsBps);
    }

    /// @inheritdoc IInferenceSettlement
    function treasury() external view returns (address) {
        return _config.treasury;
    }

    /// @inheritdoc IInferenceSettlement
    function epochLedger(uint64 epoch) external view returns (EpochLedger memory) {
        return _ledgers[epoch];
    }

    /// @inheritdoc IInferenceSettlement
    function modelTotals(uint256 modelId) external view returns (ModelTotals memory) {
        return _modelTotals[modelId];
    }

    /* GOVERNANCE */

    /// @inheritdoc IInferenceSettlement
    function setFeeSplit(FeeSplit calldata split) external onlyOwner {
        _setFeeSplit(split);
    }

    /// @inheritdoc IInferenceSettlement
    function setTreasury(address newTreasury) external onlyOwner {
        _setTreasury(newTreasury);
    }

    /// @inheritdoc IInferenceSettlement
    function recoverExcess(address to) external onlyOwner returns (uint256 amount) {
        if (to == address(0)) revert SettlementInvalidReceiver(to);
        amount = _PAYMENT_TOKEN.balanceOf(address(this));
        if (amount == 0) revert SettlementNoExcess();
        emit ExcessRecovered(to, amount);
        _PAYMENT_TOKEN.safeTransfer(to, amount);
    }

    /* INTERNAL */

    /// @dev The clock's current epoch, asked of the clock (twice: the epoch and its end) only once per epoch.
    function _currentEpoch() private returns (uint64 epoch) {
        EpochCache memory cache = _epochCache;
        // Days-long epochs; skew only shifts a boundary call.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp < cache.endsAt) return cache.epoch;
        epoch = _CLOCK.currentEpoch();
        _epochCache = EpochCache({epoch: epoch, endsAt: _CLOCK.epochStart(epoch + 1)});
    }

    /// @dev Adds one settlement to the epoch's ledger, both of whose slots are read once and written once, and to the
    /// model's totals (one slot), and emits {InferenceSettled}.
    function _record(
        uint64 epoch,
        uint256 modelId,
        uint64 calls,
        uint256 fee,
        Shares memory shares,
        bytes32 logRoot,
        string calldata logURI
    ) private {
        EpochLedger memory ledger = _ledgers[epoch];
        ledger.calls += calls;
        ledger.settlements += 1;
        ledger.fees = SafeCast.toUint128(ledger.fees + fee);
        ledger.logDigest = keccak256(abi.encode(ledger.logDigest, modelId, calls, fee, logRoot));
        _ledgers[epoch] = ledger;
        ModelTotals memory totals = _modelTotals[modelId];
        totals.calls += calls;
        totals.fees = SafeCast.toUint160(totals.fees + fee);
        _modelTotals[modelId] = totals;
        emit InferenceSettled(
            epoch,
            modelId,
            msg.sender,
            calls,
            fee,
            shares.treasury,
            shares.model,
            shares.stakers,
            shares.contributors,
            logRoot,
            logURI
        );
    }

    function _setFeeSplit(FeeSplit memory split) private {
        uint256 sum = uint256(split.treasuryBps) + split.modelBps + split.stakersBps + split.contributorsBps;
        if (sum != BPS) revert SettlementInvalidSplit(sum);
        _config.treasuryBps = split.treasuryBps;
        _config.modelBps = split.modelBps;
        _config.stakersBps = split.stakersBps;
        _config.contributorsBps = split.contributorsBps;
        emit FeeSplitSet(split);
    }

    function _setTreasury(address newTreasury) private {
        if (newTreasury == address(0)) revert SettlementInvalidTreasury(newTreasury);
        _config.treasury = newTreasury;
        emit TreasurySet(newTreasury);
    }
}
