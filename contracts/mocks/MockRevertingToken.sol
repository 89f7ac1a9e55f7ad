// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockRevertingToken
/// @notice Tests only: an ERC-20 whose transfer, transferFrom, approve and balanceOf can each be switched to revert,
/// and whose transfer, transferFrom and approve can each be switched to return false without moving anything.
contract MockRevertingToken is ERC20 {
    enum Failure {
        None,
        Revert,
        ReturnFalse
    }

    mapping(bytes4 selector => Failure) public failures;

    error MockTokenFailure(bytes4 selector);

    constructor(address holder, uint256 supply) ERC20("Reverting", "REV") {
        _mint(holder, supply);
    }

    function setFailure(bytes4 selector, Failure failure) external {
        failures[selector] = failure;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (_fails(this.transfer.selector)) return false;
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (_fails(this.transferFrom.selector)) return false;
        return super.transferFrom(from, to, value);
    }

    function approve(address spender, uint256 value) public override returns (bool) {
        if (_fails(this.approve.selector)) return false;
        return super.approve(spender, value);
    }

    function balanceOf(address account) public view override returns (uint256) {
        if (failures[this.balanceOf.selector] == Failure.Revert) revert MockTokenFailure(this.balanceOf.selector);
        return super.balanceOf(account);
    }

    /// @dev Reverts when `selector` is set to revert; true when it is set to return false.
    function _fails(bytes4 selector) private view returns (bool) {
        Failure failure = failures[selector];
        if (failure == Failure.Revert) revert MockTokenFailure(selector);
        return failure == Failure.ReturnFalse;
    }
}
