// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Reward trees of eight leaves for the campaign, in the distributor's encoding (OpenZeppelin's
/// StandardMerkleTree leaf `keccak256(bytes.concat(keccak256(abi.encode(account, amount))))`, sorted-pair hashing), so
/// that proofs verify with OpenZeppelin's `MerkleProof` as the distributor's do.
library Merkle {
    uint256 internal constant WIDTH = 8;

    function leaf(address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function root(bytes32[WIDTH] memory leaves) internal pure returns (bytes32) {
        bytes32[4] memory l1;
        for (uint256 i = 0; i < 4; ++i) l1[i] = hashPair(leaves[2 * i], leaves[2 * i + 1]);
        return hashPair(hashPair(l1[0], l1[1]), hashPair(l1[2], l1[3]));
    }

    function proof(bytes32[WIDTH] memory leaves, uint256 index) internal pure returns (bytes32[] memory p) {
        bytes32[4] memory l1;
        for (uint256 i = 0; i < 4; ++i) l1[i] = hashPair(leaves[2 * i], leaves[2 * i + 1]);
        p = new bytes32[](3);
        p[0] = leaves[index ^ 1];
        p[1] = l1[(index / 2) ^ 1];
        uint256 half = index / 4;
        p[2] = half == 0 ? hashPair(l1[2], l1[3]) : hashPair(l1[0], l1[1]);
    }
}
