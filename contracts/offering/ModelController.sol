// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IModelController} from "../interfaces/IModelController.sol";
import {IModelOffering} from "../interfaces/IModelOffering.sol";
import {IModelRegistry, ModelSpec} from "../interfaces/IModelRegistry.sol";

/// @title ModelController
/// @notice See {IModelController}. A minimal-proxy clone per launched model; the implementation itself is locked.
/// @dev The registry's own events record every decision made through it; this contract adds only {ModelReturned}.
contract ModelController is IModelController, IERC721Receiver, Initializable {
    IModelRegistry private _models;
    uint256 private _modelId;
    address private _offering;
    address private _timelock;
    address private _creator;
    bool private _creatorKeepsVersions;

    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc IModelController
    function initialize(
        address models,
        uint256 modelId,
        address offering_,
        address timelock_,
        address creator_,
        bool creatorKeepsVersions_
    ) external initializer {
        _models = IModelRegistry(models);
        _modelId = modelId;
        _offering = offering_;
        _timelock = timelock_;
        _creator = creator_;
        _creatorKeepsVersions = creatorKeepsVersions_;
    }

    /* DECISIONS */

    /// @inheritdoc IModelController
    function setPrice(uint96 pricePerCall) external {
        _onlyTimelock();
        uint256 floor = IModelOffering(_offering).priceFloor();
        if (pricePerCall < floor) revert ControllerPriceBelowFloor(pricePerCall, floor);
        _models.setPrice(_modelId, pricePerCall);
    }

    /// @inheritdoc IModelController
    function setRevenueRecipient(address recipient) external {
        if (msg.sender != _offering) {
            if (msg.sender != _timelock) revert ControllerUnauthorized(msg.sender);
            if (IModelOffering(_offering).revenueLocked()) revert ControllerRevenueLocked();
        }
        _models.setRevenueRecipient(_modelId, recipient);
    }

    /// @inheritdoc IModelController
    function setModelURI(string calldata uri) external {
        _onlyTimelock();
        _models.setModelURI(_modelId, uri);
    }

    /// @inheritdoc IModelController
    function addModelVersion(ModelSpec calldata spec) external returns (uint32 version) {
        if (msg.sender != _timelock && !(_creatorKeepsVersions && msg.sender == _creator)) {
            revert ControllerUnauthorized(msg.sender);
        }
        return _models.addModelVersion(_modelId, spec);
    }

    /// @inheritdoc IModelController
    function returnModel(address to) external {
        if (msg.sender != _offering) revert ControllerUnauthorized(msg.sender);
        // A plain transfer: a receiver that rejects NFTs must not block the failed sale's refunds.
        IERC721(address(_models)).transferFrom(address(this), to, _modelId);
        emit ModelReturned(to);
    }

    /// @notice Accepts the model NFT when it is sent with `safeTransferFrom`.
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }

    /* VIEWS */

    /// @inheritdoc IModelController
    function model() external view returns (address models, uint256 modelId) {
        return (address(_models), _modelId);
    }

    /// @inheritdoc IModelController
    function offering() external view returns (address) {
        return _offering;
    }

    /// @inheritdoc IModelController
    function timelock() external view returns (address) {
        return _timelock;
    }

    /// @inheritdoc IModelController
    function creator() external view returns (address) {
        return _creator;
    }

    /// @inheritdoc IModelController
    function creatorKeepsVersions() external view returns (bool) {
        return _creatorKeepsVersions;
    }

    function _onlyTimelock() private view {
        if (msg.sender != _timelock) revert ControllerUnauthorized(msg.sender);
    }
}
