// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MockOfferingGuards
/// @notice Tests only: plays a model offering towards its {IModelController}, which asks it for the price floor and
/// whether the revenue is locked; tests set both.
contract MockOfferingGuards {
    uint256 public priceFloor;
    bool public revenueLocked;

    function setGuards(uint256 priceFloor_, bool revenueLocked_) external {
        priceFloor = priceFloor_;
        revenueLocked = revenueLocked_;
    }
}
