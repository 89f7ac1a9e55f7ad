// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IInferenceSettlement} from "../interfaces/IInferenceSettlement.sol";

/// @title MockBatchSettler
/// @notice Benchmarks only: settles many one-call inferences of a model in one transaction, so that a local node emits
/// thousands of protocol events a block for the indexer's bench (`npm run bench -- indexer`). Pays with the OPEN it
/// holds.
contract MockBatchSettler {
    using SafeERC20 for IERC20;

    IInferenceSettlement private immutable _SETTLEMENT;

    /// @param settlement The settlement contract to pay.
    /// @param token The OPEN token, approved to settlement once and for all.
    constructor(IInferenceSettlement settlement, IERC20 token) {
        _SETTLEMENT = settlement;
        token.forceApprove(address(settlement), type(uint256).max);
    }

    /// @notice Settles `count` single calls of `modelId`, each with its own log root.
    function settleMany(uint256 modelId, uint256 count, uint256 maxFee) external {
        for (uint256 i = 0; i < count; ++i) {
            _SETTLEMENT.settle(modelId, 1, maxFee, keccak256(abi.encode(block.number, i)), "ipfs://bench");
        }
    }
}
