// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ModelSpec} from "./IModelRegistry.sol";

/// @title Model controller
/// @notice Holds a launched model's NFT and exposes its decisions: price, revenue recipient and URI belong to the
/// model's timelock (its holders' Governor); adding versions belongs to the timelock, and to the creator too when the
/// launch terms left it that right. The offering alone may point the revenue at the share token (at a successful
/// sale) or hand the model back to its creator (at a failed one). While the offering escrows part of the raise,
/// governance can neither cut the price below the launch price (if a settled-calls milestone is pending) nor move the
/// revenue away from the holders ({IModelOffering-priceFloor}, {IModelOffering-revenueLocked}).
/// @dev A permissioned Datanet must approve this contract ({IDatanetRegistry-setModelAccess}) before it can add a
/// version trained on it.
interface IModelController {
    /// @notice The model NFT was sent to `to` after a failed sale.
    event ModelReturned(address indexed to);

    /// @notice The caller may not make this decision.
    error ControllerUnauthorized(address caller);

    /// @notice `price` is below the offering's floor `floor` while a settled-calls milestone is pending.
    error ControllerPriceBelowFloor(uint256 price, uint256 floor);

    /// @notice The revenue stays with the share token while the offering escrows part of the raise.
    error ControllerRevenueLocked();

    /// @notice Sets up a clone (by the factory).
    function initialize(
        address models,
        uint256 modelId,
        address offering,
        address timelock,
        address creator,
        bool creatorKeepsVersions
    ) external;

    function setPrice(uint96 pricePerCall) external;

    function setRevenueRecipient(address recipient) external;

    function setModelURI(string calldata uri) external;

    function addModelVersion(ModelSpec calldata spec) external returns (uint32 version);

    /// @notice Sends the model NFT to `to` (the offering, after a failed sale).
    function returnModel(address to) external;

    /// @notice The model registry and the model's id.
    function model() external view returns (address models, uint256 modelId);

    function offering() external view returns (address);

    function timelock() external view returns (address);

    function creator() external view returns (address);

    function creatorKeepsVersions() external view returns (bool);
}
