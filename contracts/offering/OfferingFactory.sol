// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IDatanetRegistry} from "../interfaces/IDatanetRegistry.sol";
import {IInferenceSettlement} from "../interfaces/IInferenceSettlement.sol";
import {IModelController} from "../interfaces/IModelController.sol";
import {IModelOffering, Milestone, MilestoneKind, OfferingTerms} from "../interfaces/IModelOffering.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";
import {IOfferingFactory, GovernanceTerms, OfferingContracts} from "../interfaces/IOfferingFactory.sol";
import {ModelGovernor} from "./ModelGovernor.sol";
import {ModelTimelock} from "./ModelTimelock.sol";

/// @title OfferingFactory
/// @notice See {IOfferingFactory}.
/// @dev Every launch clones the same five implementations at addresses derived from the model's id, so a model's
/// offering contracts are predictable before launch.
contract OfferingFactory is IOfferingFactory, Ownable {
    /* CONSTANTS */

    /// @inheritdoc IOfferingFactory
    uint16 public constant MAX_PROTOCOL_FEE_BPS = 1_000;

    /// @notice Most milestones one offering may set.
    uint256 public constant MAX_MILESTONES = 16;

    /// @notice Longest sale, from its launch to its deadline.
    uint256 public constant MAX_SALE_DURATION = 365 days;

    /// @notice Highest end-vote quorum: a higher one, with the creator's and the treasury's shares in its base, could
    /// make the vote unwinnable.
    uint256 public constant MAX_END_VOTE_QUORUM_BPS = 5_000;

    /// @notice Shortest end vote: holders need time to settle, delegate and vote.
    uint256 public constant MIN_END_VOTE_PERIOD = 3 days;

    /// @notice Shortest governance voting period and timelock delay.
    uint256 public constant MIN_GOVERNANCE_DELAY = 1 days;

    /// @notice Lowest governance quorum, in percent of the share supply.
    uint256 public constant MIN_GOVERNANCE_QUORUM_PERCENT = 4;

    uint256 private constant _BPS = 10_000;

    address private immutable _PAYMENT_TOKEN;
    IModelRegistry private immutable _MODELS;
    IInferenceSettlement private immutable _SETTLEMENT;
    address private immutable _SHARES_IMPLEMENTATION;
    address private immutable _OFFERING_IMPLEMENTATION;
    address private immutable _CONTROLLER_IMPLEMENTATION;
    address private immutable _GOVERNOR_IMPLEMENTATION;
    address private immutable _TIMELOCK_IMPLEMENTATION;

    /* STORAGE */

    /// @dev One slot with {_protocolFeeBps}, both read at each finalize.
    address private _protocolTreasury;
    uint16 private _protocolFeeBps;
    mapping(uint256 modelId => OfferingContracts) private _offerings;

    /// @param paymentToken OPEN, in which sales are paid.
    /// @param models The model registry.
    /// @param settlement Inference settlement (fee split, per-model totals).
    /// @param implementations The implementation of each contract a launch clones (the same fields as a launch's).
    /// @param treasury Receives the protocol fee on raises.
    /// @param feeBps The initial protocol fee, at most {MAX_PROTOCOL_FEE_BPS}.
    /// @param initialOwner Sets the fee and the treasury (the protocol's timelock).
    constructor(
        address paymentToken,
        IModelRegistry models,
        IInferenceSettlement settlement,
        OfferingContracts memory implementations,
        address treasury,
        uint16 feeBps,
        address initialOwner
    ) Ownable(initialOwner) {
        _PAYMENT_TOKEN = paymentToken;
        _MODELS = models;
        _SETTLEMENT = settlement;
        _SHARES_IMPLEMENTATION = implementations.shares;
        _OFFERING_IMPLEMENTATION = implementations.offering;
        _CONTROLLER_IMPLEMENTATION = implementations.controller;
        _GOVERNOR_IMPLEMENTATION = implementations.governor;
        _TIMELOCK_IMPLEMENTATION = implementations.timelock;
        _setProtocolFee(feeBps);
        _setProtocolTreasury(treasury);
    }

    /* LAUNCH */

    /// @inheritdoc IOfferingFactory
    function launch(
        uint256 modelId,
        string calldata name,
        string calldata symbol,
        OfferingTerms calldata terms,
        GovernanceTerms calldata governance,
        bytes32 prospectusHash,
        string calldata prospectusURI
    ) external returns (OfferingContracts memory contracts) {
        if (IERC721(address(_MODELS)).ownerOf(modelId) != msg.sender) {
            revert OfferingUnauthorizedLauncher(modelId, msg.sender);
        }
        if (_offerings[modelId].offering != address(0)) {
            revert OfferingAlreadyLaunched(modelId, _offerings[modelId].offering);
        }
        _validate(terms, governance);
        _checkFakingCosts(modelId, terms);
        contracts = _clone(modelId);
        _offerings[modelId] = contracts;
        _initializeModel(contracts, modelId, name, symbol, terms, governance);
        IModelOffering(contracts.offering).initialize(
            modelId,
            msg.sender,
            contracts.shares,
            contracts.controller,
            contracts.timelock,
            terms,
            prospectusHash,
            prospectusURI
        );
        emit OfferingLaunched(modelId, msg.sender, contracts, prospectusHash, prospectusURI);
    }

    /* GOVERNANCE */

    /// @inheritdoc IOfferingFactory
    function setProtocolFee(uint16 feeBps) external onlyOwner {
        _setProtocolFee(feeBps);
    }

    /// @inheritdoc IOfferingFactory
    function setProtocolTreasury(address treasury) external onlyOwner {
        _setProtocolTreasury(treasury);
    }

    /* VIEWS */

    /// @inheritdoc IOfferingFactory
    function PAYMENT_TOKEN() external view returns (address) {
        return _PAYMENT_TOKEN;
    }

    /// @inheritdoc IOfferingFactory
    function MODELS() external view returns (address) {
        return address(_MODELS);
    }

    /// @inheritdoc IOfferingFactory
    function SETTLEMENT() external view returns (address) {
        return address(_SETTLEMENT);
    }

    /// @inheritdoc IOfferingFactory
    function protocolFeeBps() external view returns (uint16) {
        return _protocolFeeBps;
    }

    /// @inheritdoc IOfferingFactory
    function protocolTreasury() external view returns (address) {
        return _protocolTreasury;
    }

    /// @inheritdoc IOfferingFactory
    function offeringOf(uint256 modelId) external view returns (OfferingContracts memory) {
        return _offerings[modelId];
    }

    /// @inheritdoc IOfferingFactory
    /// @dev Zero for a `ModelVersion` milestone: no payment meets it, and whoever may register versions fakes it for
    /// free (see {IOfferingFactory}). A threshold whose fees would pass 2^256
    /// costs the most there is.
    function fakingCost(uint256 modelId, MilestoneKind kind, uint256 threshold) public view returns (uint256) {
        if (kind == MilestoneKind.ModelVersion) return 0;
        uint256 fees =
            kind == MilestoneKind.SettledCalls
                ? Math.saturatingMul(threshold, _MODELS.terms(modelId).pricePerCall)
                : threshold;
        // The model's share of each fee is rounded down, so of `fees` paid at most this much comes back.
        return fees - Math.mulDiv(fees, _SETTLEMENT.feeSplit().modelBps, _BPS);
    }

    /* INTERNAL */

    /// @dev Reverts with {OfferingInvalidTerms} naming the first rule `terms` or `governance` break.
    function _validate(OfferingTerms calldata terms, GovernanceTerms calldata governance) private view {
        // At least one share unit per OPEN wei: a coarser sale would round fills to whole units by deposit order.
        if (terms.split.sale < terms.sale.hardCap || _supplyOf(terms) > type(uint128).max) {
            revert OfferingInvalidTerms("split");
        }
        if (terms.split.contributors != 0 && terms.contributorsRoot == bytes32(0)) {
            revert OfferingInvalidTerms("contributorsRoot");
        }
        if (terms.sale.softCap == 0 || terms.sale.softCap > terms.sale.hardCap) revert OfferingInvalidTerms("softCap");
        uint256 deadline = terms.sale.deadline;
        // A days-long sale; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (deadline <= block.timestamp || deadline > block.timestamp + MAX_SALE_DURATION) {
            revert OfferingInvalidTerms("deadline");
        }
        if (terms.vesting.cliff > terms.vesting.duration) revert OfferingInvalidTerms("vesting");
        if (
            terms.endVote.quorumBps == 0 ||
            terms.endVote.quorumBps > MAX_END_VOTE_QUORUM_BPS ||
            terms.endVote.votingPeriod < MIN_END_VOTE_PERIOD
        ) revert OfferingInvalidTerms("endVote");
        if (
            governance.votingPeriod < MIN_GOVERNANCE_DELAY ||
            governance.timelockDelay < MIN_GOVERNANCE_DELAY ||
            governance.quorumPercent < MIN_GOVERNANCE_QUORUM_PERCENT ||
            governance.quorumPercent > 100
        ) revert OfferingInvalidTerms("governance");
        Milestone[] calldata milestones = terms.milestones;
        if (milestones.length > MAX_MILESTONES) revert OfferingInvalidTerms("milestones");
        uint256 bps = terms.sale.upfrontBps;
        for (uint256 i = 0; i < milestones.length; ++i) {
            Milestone calldata milestone = milestones[i];
            bps += milestone.trancheBps;
            if (milestone.deadline <= deadline) revert OfferingInvalidTerms("milestoneDeadline");
            bool versionKind = milestone.kind == MilestoneKind.ModelVersion;
            bool consistent =
                versionKind
                    ? milestone.datanetId != 0 && milestone.threshold == 0
                    : milestone.threshold != 0 && milestone.datanetId == 0 && milestone.datanetVersion == 0;
            if (!consistent) revert OfferingInvalidTerms("milestoneKind");
            if (versionKind) _validateVersionMilestone(terms, milestone);
        }
        if (bps != _BPS) revert OfferingInvalidTerms("tranches");
    }

    /// @dev A version milestone must name a Datanet version published after launch, and the creator must not be able
    /// to register the model version that meets it.
    function _validateVersionMilestone(OfferingTerms calldata terms, Milestone calldata milestone) private view {
        if (terms.creatorKeepsVersions) revert OfferingInvalidTerms("versionMilestone");
        IDatanetRegistry datanets = IDatanetRegistry(_MODELS.DATANETS());
        if (milestone.datanetVersion <= datanets.versionCount(milestone.datanetId)) {
            revert OfferingInvalidTerms("datanetVersion");
        }
    }

    /// @dev Reverts with {OfferingMilestoneTooCheap} for a settled-calls or settled-fees milestone that costs less to
    /// fake than its tranche at the hard cap, after the protocol fee.
    function _checkFakingCosts(uint256 modelId, OfferingTerms calldata terms) private view {
        uint256 hardCap = terms.sale.hardCap;
        uint256 net = hardCap - (hardCap * _protocolFeeBps) / _BPS;
        uint256 before = terms.sale.upfrontBps;
        for (uint256 i = 0; i < terms.milestones.length; ++i) {
            Milestone calldata milestone = terms.milestones[i];
            uint256 upTo = before + milestone.trancheBps;
            if (milestone.kind != MilestoneKind.ModelVersion) {
                uint256 tranche = (net * upTo) / _BPS - (net * before) / _BPS;
                uint256 cost = fakingCost(modelId, milestone.kind, milestone.threshold);
                if (cost < tranche) revert OfferingMilestoneTooCheap(i, cost, tranche);
            }
            before = upTo;
        }
    }

    /// @dev The five clones of `modelId`'s launch, at addresses derived from its id.
    function _clone(uint256 modelId) private returns (OfferingContracts memory) {
        bytes32 salt = bytes32(modelId);
        return
            OfferingContracts({
                offering: Clones.cloneDeterministic(_OFFERING_IMPLEMENTATION, salt),
                shares: Clones.cloneDeterministic(_SHARES_IMPLEMENTATION, salt),
                controller: Clones.cloneDeterministic(_CONTROLLER_IMPLEMENTATION, salt),
                governor: Clones.cloneDeterministic(_GOVERNOR_IMPLEMENTATION, salt),
                timelock: Clones.cloneDeterministic(_TIMELOCK_IMPLEMENTATION, salt)
            });
    }

    /// @dev Initializes the share token (the supply to the offering, burned revenue to the timelock), the model's
    /// governance and its controller, and hands the model to the controller.
    function _initializeModel(
        OfferingContracts memory contracts,
        uint256 modelId,
        string memory name,
        string memory symbol,
        OfferingTerms calldata terms,
        GovernanceTerms calldata governance
    ) private {
        IModelShares(contracts.shares).initialize(
            name,
            symbol,
            _supplyOf(terms),
            contracts.offering,
            _PAYMENT_TOKEN,
            contracts.timelock
        );
        _initializeGovernance(contracts, name, governance);
        IModelController(contracts.controller).initialize(
            address(_MODELS),
            modelId,
            contracts.offering,
            contracts.timelock,
            msg.sender,
            terms.creatorKeepsVersions
        );
        IERC721(address(_MODELS)).transferFrom(msg.sender, contracts.controller, modelId);
    }

    /// @dev Initializes the model's timelock (its Governor the only proposer and canceller, anyone executes, no
    /// admin) and its Governor.
    function _initializeGovernance(
        OfferingContracts memory contracts,
        string memory name,
        GovernanceTerms calldata governance
    ) private {
        address[] memory proposers = new address[](1);
        proposers[0] = contracts.governor;
        address[] memory executors = new address[](1);
        ModelTimelock(payable(contracts.timelock)).initialize(
            governance.timelockDelay,
            proposers,
            executors,
            address(0)
        );
        ModelGovernor(payable(contracts.governor)).initialize(
            name,
            IVotes(contracts.shares),
            ModelTimelock(payable(contracts.timelock)),
            governance.votingDelay,
            governance.votingPeriod,
            governance.proposalThreshold,
            governance.quorumPercent
        );
    }

    function _supplyOf(OfferingTerms calldata terms) private pure returns (uint256) {
        return
            uint256(terms.split.sale) +
            uint256(terms.split.creator) +
            uint256(terms.split.contributors) +
            uint256(terms.split.treasury);
    }

    function _setProtocolFee(uint16 feeBps) private {
        if (feeBps > MAX_PROTOCOL_FEE_BPS) revert OfferingFeeTooHigh(feeBps);
        _protocolFeeBps = feeBps;
        emit ProtocolFeeSet(feeBps);
    }

    function _setProtocolTreasury(address treasury) private {
        if (treasury == address(0)) revert OfferingInvalidTreasury(treasury);
        _protocolTreasury = treasury;
        emit ProtocolTreasurySet(treasury);
    }
}
