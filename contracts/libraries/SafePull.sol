// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @notice A pull of `expected` token units into a protocol contract delivered only `received`: the token takes a fee
/// on transfer (or otherwise delivers less than asked). Refused, so that no contract ever credits more OPEN than
/// arrived.
/// @param expected The amount pulled, which the caller was about to credit.
/// @param received What the contract's balance grew by (zero when it shrank).
error TokenTransferShortfall(uint256 expected, uint256 received);

/// @title SafePull
/// @notice Pulls tokens with {SafeERC20} and checks that the contract's balance grew by the whole amount.
/// @dev A balance that grew by more (a token hook that paid in through another function, itself credited there) is
/// accepted: each call credits only its own amount, so nothing is counted twice.
library SafePull {
    using SafeERC20 for IERC20;

    /// @dev Pulls `amount` of `token` from `from` into this contract; reverts with {TokenTransferShortfall} unless the
    /// balance grew by at least `amount`.
    function pull(IERC20 token, address from, uint256 amount) internal {
        uint256 before = _balanceOfThis(token);
        token.safeTransferFrom(from, address(this), amount);
        uint256 balance = _balanceOfThis(token);
        // Cannot underflow: the subtraction runs only when balance > before.
        unchecked {
            uint256 received = balance > before ? balance - before : 0;
            if (received < amount) revert TokenTransferShortfall(amount, received);
        }
    }

    /// @dev `token.balanceOf(address(this))` in scratch space: about 600 gas cheaper a read than the high-level call,
    /// which keeps settle and submit within their gas goals. Bubbles a revert; a short answer reverts with
    /// SafeERC20FailedOperation, as SafeERC20 does for a transfer.
    function _balanceOfThis(IERC20 token) private view returns (uint256 held) {
        bytes4 selector = IERC20.balanceOf.selector;
        bool answered;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0, selector)
            mstore(4, address())
            let ok := staticcall(gas(), token, 0, 0x24, 0, 0x20)
            if iszero(ok) {
                let data := mload(0x40)
                returndatacopy(data, 0, returndatasize())
                revert(data, returndatasize())
            }
            answered := gt(returndatasize(), 0x1f)
            held := mload(0)
        }
        if (!answered) revert SafeERC20.SafeERC20FailedOperation(address(token));
    }
}
