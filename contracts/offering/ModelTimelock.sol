// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// solhint-disable-next-line max-line-length
import {TimelockControllerUpgradeable} from "@openzeppelin/contracts-upgradeable/governance/TimelockControllerUpgradeable.sol";

/// @title ModelTimelock
/// @notice A launched model's timelock: OpenZeppelin's TimelockController as a minimal-proxy clone, set up with
/// {TimelockControllerUpgradeable-initialize}. It owns the model's decisions through its {IModelController} and holds
/// the model's treasury shares.
/// @dev Only adds a constructor that locks the implementation, which OpenZeppelin's leaves initializable.
contract ModelTimelock is TimelockControllerUpgradeable {
    constructor() {
        _disableInitializers();
    }
}
