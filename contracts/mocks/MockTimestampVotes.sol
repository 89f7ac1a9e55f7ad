// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

/// @title MockTimestampVotes
/// @notice Tests only: a votes token on a timestamp clock (OPEN counts blocks), so that the governance deployment is
/// seen to refuse voting periods in blocks for it; also the plain ERC20Votes transfer a model's share transfer (which
/// adds the revenue accumulator) is measured against.
contract MockTimestampVotes is ERC20, ERC20Votes {
    constructor() ERC20("Timestamp votes", "TSV") EIP712("Timestamp votes", "1") {
        _mint(msg.sender, 1_000_000 ether);
    }

    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
