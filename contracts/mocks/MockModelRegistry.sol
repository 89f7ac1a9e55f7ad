// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IModelRegistry, ModelTerms} from "../interfaces/IModelRegistry.sol";

/// @title MockModelRegistry
/// @notice Tests only: the part of {IModelRegistry} that settlement reads. A model's terms take one slot, as in the
/// real registry, so that settlement's gas is measured against a realistic read.
contract MockModelRegistry {
    mapping(uint256 modelId => ModelTerms) private _terms;

    /// @notice Creates or updates a model. A zero recipient removes it, since a registered model always has one.
    function setTerms(uint256 modelId, uint96 pricePerCall, address revenueRecipient) external {
        _terms[modelId] = ModelTerms(pricePerCall, revenueRecipient);
    }

    /// @notice As {IModelRegistry-terms}: reverts with {IModelRegistry-ModelNonexistent} for an unknown model.
    function terms(uint256 modelId) external view returns (ModelTerms memory modelTerms) {
        modelTerms = _terms[modelId];
        if (modelTerms.revenueRecipient == address(0)) revert IModelRegistry.ModelNonexistent(modelId);
    }
}
