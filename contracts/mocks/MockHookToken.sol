// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice The hooks a {MockHookToken} calls, in the manner of ERC-777's `tokensToSend` and `tokensReceived`.
interface ITokenHooks {
    function tokensToSend(address from, address to, uint256 value) external;

    function tokensReceived(address from, address to, uint256 value) external;
}

/// @title MockHookToken
/// @notice Tests only: an ERC-20 that, like ERC-777, calls the sender's registered hook before every balance change
/// (transfer, transferFrom, mint, burn) and the receiver's after it. An account registers its own hook.
contract MockHookToken is ERC20 {
    mapping(address account => ITokenHooks) public hooks;

    constructor(address holder, uint256 supply) ERC20("Hooked", "HOOK") {
        _mint(holder, supply);
    }

    function setHook(ITokenHooks hook) external {
        hooks[msg.sender] = hook;
    }

    function _update(address from, address to, uint256 value) internal override {
        ITokenHooks fromHook = hooks[from];
        if (address(fromHook) != address(0)) fromHook.tokensToSend(from, to, value);
        super._update(from, to, value);
        ITokenHooks toHook = hooks[to];
        if (address(toHook) != address(0)) toHook.tokensReceived(from, to, value);
    }
}
