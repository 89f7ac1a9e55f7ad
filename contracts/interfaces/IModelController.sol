// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ModelSpec} from "./IModelRegistry.sol";

/// @title Model controller
/// @notice Holds a launched model's NFT and exposes its decisions: price, revenue recipient and URI belong to the
/// model's timelock (its holders' Governor); adding versions belongs to the timelock, and to the creator too when the
/// launch terms left it that right. The offering alone may point the revenue at the share token (at a successful
/// sale) or hand the model back to its creator (at a failed one).
/// @dev A permissioned Datanet must approve this contract ({IDatanetRegistry-setModelAccess}) before it can add a
/// version trained on it.
interface IModelController {
    /// @notice The model NFT was sent to `to` after a failed sale.
    event ModelReturned(address indexed to);

    /// @notice The caller may not make this decision.
    error ControllerUnauthorized(address caller);

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
