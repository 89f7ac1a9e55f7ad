// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title OPEN
/// @notice The protocol token: bonds, inference fees, staking and rewards are all paid in OPEN. ERC-20 with
/// EIP-2612 permits and ERC20Votes checkpoints (for the Governor). The whole fixed supply is minted once, at
/// deployment, to the treasury.
contract OpenToken is ERC20, ERC20Permit, ERC20Votes {
    /// @notice Fixed supply: one billion OPEN with 18 decimals.
    uint256 public constant TOTAL_SUPPLY = 1_000_000_000 ether;

    /// @notice The treasury address cannot be zero.
    error OpenInvalidTreasury(address treasury);

    constructor(address treasury) ERC20("OPEN", "OPEN") ERC20Permit("OPEN") {
        if (treasury == address(0)) revert OpenInvalidTreasury(treasury);
        _mint(treasury, TOTAL_SUPPLY);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
