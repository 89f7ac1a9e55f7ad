// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ITokenHooks, MockHookToken} from "./MockHookToken.sol";

/// @title MockReentrant
/// @notice Tests only: an account that acts through {execute} and, when a {MockHookToken} calls its hook, re-enters
/// the call it was armed with, once. It records whether the re-entry succeeded and what it returned (the revert data
/// when it failed), without reverting itself, so that a test can show that the re-entry failed or gained nothing.
contract MockReentrant is ITokenHooks {
    struct Reentry {
        address target;
        bytes data;
        bool onSend;
        bool onReceive;
    }

    Reentry public armed;
    bool public reentered;
    bool public reentrySucceeded;
    bytes public reentryResult;

    function register(MockHookToken token) external {
        token.setHook(this);
    }

    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        return Address.functionCall(target, data);
    }

    /// @dev Re-enters `target` with `data` at the next hook of the kinds asked for.
    function arm(address target, bytes calldata data, bool onSend, bool onReceive) external {
        armed = Reentry(target, data, onSend, onReceive);
        reentered = false;
        reentrySucceeded = false;
        delete reentryResult;
    }

    function tokensToSend(address, address, uint256) external {
        if (armed.onSend) _reenter();
    }

    function tokensReceived(address, address, uint256) external {
        if (armed.onReceive) _reenter();
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }

    function _reenter() private {
        Reentry memory reentry = armed;
        delete armed;
        reentered = true;
        // A low-level call on purpose: the re-entry's failure is recorded for the test, not bubbled.
        // solhint-disable-next-line avoid-low-level-calls
        (reentrySucceeded, reentryResult) = reentry.target.call(reentry.data);
    }
}
