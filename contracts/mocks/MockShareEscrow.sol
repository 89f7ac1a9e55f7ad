// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";

/// @title MockShareEscrow
/// @notice Tests only: plays a model offering towards its {IModelShares}, which mints the supply to it: it releases
/// shares to accounts and burns its own or a holder's.
contract MockShareEscrow {
    IModelShares public shares;

    function setShares(IModelShares shares_) external {
        shares = shares_;
    }

    function release(address to, uint256 amount) external {
        IERC20(address(shares)).transfer(to, amount);
    }

    function burn(address from, uint256 amount) external {
        shares.burn(from, amount);
    }
}
