// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title MockOwnable2Step
/// @notice Tests only: a two-step owner, whose `transferOwnership` only nominates the new owner, so that the handover's
/// read-back check is seen to catch an ownership that did not move.
contract MockOwnable2Step is Ownable2Step {
    constructor(address initialOwner) Ownable(initialOwner) {}
}
