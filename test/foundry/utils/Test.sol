// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The forge cheatcodes the campaign uses. forge dispatches cheatcodes by selector, so every signature is
/// exactly forge's (forge-std's `Vm`); the npm `forge-std` package is an unusable old copy, hence this small one.
interface Vm {
    function warp(uint256 newTimestamp) external;

    function roll(uint256 newHeight) external;

    function prank(address msgSender) external;

    function startPrank(address msgSender) external;

    function stopPrank() external;

    function label(address account, string calldata newLabel) external;

    function addr(uint256 privateKey) external pure returns (address keyAddr);

    function assertTrue(bool condition, string calldata error) external pure;

    function assertEq(uint256 left, uint256 right, string calldata error) external pure;

    function assertLe(uint256 left, uint256 right, string calldata error) external pure;

    function assertGe(uint256 left, uint256 right, string calldata error) external pure;
}

/// @notice What forge's invariant runner reads from `targetSelectors()`: the functions of `addr` it may call.
struct FuzzSelector {
    address addr;
    bytes4[] selectors;
}

/// @notice The cheatcode handle and the input shaping every campaign contract shares.
abstract contract CheatCodes {
    /// @dev forge's cheatcode address: `address(uint160(uint256(keccak256("hevm cheat code"))))`.
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @dev `x` mapped into [min, max] (inclusive) by wrapping: every input lands on a valid value, so a shaped action
    /// never reverts for an out-of-range argument.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (min == 0 && max == type(uint256).max) return x;
        return min + (x % (max - min + 1));
    }
}

/// @notice The base of the project's forge test contracts: cheatcodes, `bound`, and the invariant hooks forge reads.
abstract contract Test is CheatCodes {
    address[] private _targetContracts;
    FuzzSelector[] private _targetSelectors;
    address[] private _excludeSenders;

    /// @dev Lets forge call only `selectors` of `target` (and no other contract the set-up deployed).
    function targetSelector(address target, bytes4[] memory selectors) internal {
        _targetContracts.push(target);
        _targetSelectors.push(FuzzSelector({addr: target, selectors: selectors}));
    }

    function excludeSender(address sender) internal {
        _excludeSenders.push(sender);
    }

    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetSelectors;
    }

    function excludeSenders() public view returns (address[] memory) {
        return _excludeSenders;
    }
}
