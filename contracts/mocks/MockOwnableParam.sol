// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title MockOwnableParam
/// @notice Tests only: the shape of a governed contract, one `onlyOwner` parameter setter, so that the timelock
/// handover of `Ownable` contracts is tested without depending on a particular protocol contract.
contract MockOwnableParam is Ownable {
    uint256 public param;

    event ParamSet(uint256 param);

    constructor(address initialOwner) Ownable(initialOwner) {}

    function setParam(uint256 newParam) external onlyOwner {
        param = newParam;
        emit ParamSet(newParam);
    }
}
