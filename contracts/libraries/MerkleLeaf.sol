// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title MerkleLeaf
/// @notice The leaves of the protocol's `(account, amount)` Merkle trees (reward roots, an offering's contributor
/// shares), as OpenZeppelin's StandardMerkleTree builds them.
library MerkleLeaf {
    /// @notice Whether `proof` shows the leaf `(account, amount)` under `root`.
    /// @dev Double hashing: a leaf is the hash of 32 bytes and an internal node the hash of 64, so no internal node
    /// (the hash of two 32-byte children, just like abi.encode(account, amount)) can pass for a leaf.
    function verify(
        bytes32[] calldata proof,
        bytes32 root,
        address account,
        uint256 amount
    ) internal pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, keccak256(bytes.concat(keccak256(abi.encode(account, amount)))));
    }
}
