// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MilestoneKind, OfferingTerms} from "./IModelOffering.sol";

/// @notice The per-model governance a launch sets up: a Governor over the model's share votes (timestamp clock, so
/// delays and periods are in seconds) and a timelock that owns the model's decisions. The bounds give holders time to
/// see a proposal, vote against it and leave before it runs.
struct GovernanceTerms {
    uint32 votingDelay;
    /// @dev At least one day.
    uint32 votingPeriod;
    /// @dev Percent of the share supply at a vote's start that must vote for or abstain; from 4 to 100.
    uint8 quorumPercent;
    /// @dev Share votes needed to propose.
    uint128 proposalThreshold;
    /// @dev Seconds between a passed proposal and its execution; at least one day.
    uint32 timelockDelay;
}

/// @notice The contracts one launch made.
struct OfferingContracts {
    address offering;
    address shares;
    address controller;
    address governor;
    address timelock;
}

/// @title Offering factory
/// @notice Launches a model's Initial AI Offering: only the model's owner, once per model. A launch clones (EIP-1167
/// minimal proxies of one implementation each, never upgraded) the share token, the offering, the model's
/// controller, Governor and timelock; takes the model NFT into the controller (approve the factory first); and
/// records the prospectus's hash and URI, so a buyer checks what it buys against the chain.
/// @dev A `SettledCalls` or `SettledFees` milestone could be bought by the creator paying its own model. Paying `F`
/// of fees returns it at most the model's share `F × modelBps / 10,000` (as if it held every share), so faking costs
/// at least `F − F × modelBps / 10,000`, with `F = threshold × pricePerCall` (the price at launch) for calls. A launch
/// refuses a milestone whose faking cost is below its largest possible tranche (at the hard cap, after the protocol
/// fee): {OfferingMilestoneTooCheap}. While such a milestone waits, the model's governance cannot cut the price below
/// the launch price ({IModelController-setPrice}); the protocol's fee split can still change by protocol governance.
/// A `ModelVersion` milestone costs nothing to fake for whoever may register model versions, so a launch refuses it
/// when the creator keeps that right, and requires a Datanet version not yet published at launch: the version that
/// meets it is registered by the holders' governance after the Datanet grew. Nothing on chain proves that training
/// happened; the holders' vote stands for that.
interface IOfferingFactory {
    /* EVENTS */

    /// @notice `creator` launched `modelId`'s offering.
    event OfferingLaunched(
        uint256 indexed modelId,
        address indexed creator,
        OfferingContracts contracts,
        bytes32 prospectusHash,
        string prospectusURI
    );

    /// @notice The protocol fee on raises, from now on.
    event ProtocolFeeSet(uint16 feeBps);

    /// @notice The protocol treasury that receives the fee, from now on.
    event ProtocolTreasurySet(address indexed treasury);

    /* ERRORS */

    /// @notice `modelId` already has an offering.
    error OfferingAlreadyLaunched(uint256 modelId, address offering);

    /// @notice Only the model's owner may launch it.
    error OfferingUnauthorizedLauncher(uint256 modelId, address caller);

    /// @notice The terms break a rule; `reason` names it (e.g. "softCap", "split", "tranches", "deadline",
    /// "endVote", "governance", "milestoneKind", "versionMilestone", "datanetVersion").
    error OfferingInvalidTerms(string reason);

    /// @notice Milestone `index` could be faked for `fakingCost` OPEN, less than its tranche of up to `tranche`.
    error OfferingMilestoneTooCheap(uint256 index, uint256 fakingCost, uint256 tranche);

    /// @notice The protocol fee is at most {MAX_PROTOCOL_FEE_BPS}.
    error OfferingFeeTooHigh(uint256 feeBps);

    /// @notice A zero address was given for the treasury.
    error OfferingInvalidTreasury(address treasury);

    /* LAUNCH */

    /// @notice Launches `modelId`'s offering with `terms` and `governance`, recording the prospectus; the caller must
    /// own the model and have approved the factory for it.
    function launch(
        uint256 modelId,
        string calldata name,
        string calldata symbol,
        OfferingTerms calldata terms,
        GovernanceTerms calldata governance,
        bytes32 prospectusHash,
        string calldata prospectusURI
    ) external returns (OfferingContracts memory contracts);

    /* GOVERNANCE */

    /// @notice Sets the protocol fee on raises (owner: the protocol's timelock).
    function setProtocolFee(uint16 feeBps) external;

    /// @notice Sets the protocol treasury (owner).
    function setProtocolTreasury(address treasury) external;

    /* VIEWS */

    /// @notice Largest protocol fee, in bps.
    function MAX_PROTOCOL_FEE_BPS() external view returns (uint16);

    function PAYMENT_TOKEN() external view returns (address);

    function MODELS() external view returns (address);

    function SETTLEMENT() external view returns (address);

    function protocolFeeBps() external view returns (uint16);

    function protocolTreasury() external view returns (address);

    /// @notice The contracts of `modelId`'s offering (all zero if none).
    function offeringOf(uint256 modelId) external view returns (OfferingContracts memory);

    /// @notice The least a creator would pay to fake milestone `threshold` of `kind` for `modelId` now.
    function fakingCost(uint256 modelId, MilestoneKind kind, uint256 threshold) external view returns (uint256);
}
