// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockFeeOnTransferToken
/// @notice Tests only: an ERC-20 that burns `feeBps` of every transfer between accounts (transfer and transferFrom),
/// so the receiver gets less than was sent. The fee can be changed at any time, as some real tokens allow.
contract MockFeeOnTransferToken is ERC20 {
    uint256 public feeBps;

    constructor(address holder, uint256 supply, uint256 feeBps_) ERC20("Fee on transfer", "FOT") {
        feeBps = feeBps_;
        _mint(holder, supply);
    }

    function setFeeBps(uint256 feeBps_) external {
        feeBps = feeBps_;
    }

    function _update(address from, address to, uint256 value) internal override {
        uint256 fee = from == address(0) || to == address(0) ? 0 : (value * feeBps) / 10_000;
        if (fee != 0) super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
