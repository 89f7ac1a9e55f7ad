// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A root that passed its challenge window (or is waiting for it).
struct RewardRoot {
    /// @dev Merkle root over leaves `keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))))`.
    bytes32 root;
    /// @dev Sum of every leaf's cumulative amount.
    uint256 total;
    /// @dev Attribution epoch the root pays up to; strictly increasing from root to root, and ended when proposed.
    uint64 epoch;
    /// @dev For a pending root: the time from which `acceptRoot` succeeds. For the current root: when it was accepted.
    uint64 validAt;
    /// @dev keccak256 of the epoch report the root was computed from (its URI is in {RootProposed}).
    bytes32 reportHash;
}

/// @notice One claim of a {IRewardDistributor-claimMany} batch.
struct ClaimRequest {
    address account;
    uint256 cumulativeAmount;
    bytes32[] proof;
}

/// @title Reward distributor
/// @notice Pays contributors their Proof-of-Attribution rewards in OPEN against cumulative Merkle roots, in the manner
/// of Morpho's Universal Rewards Distributor. An attestor proposes a root; it becomes claimable after a challenge
/// window during which a guardian may revoke it. Leaves carry each account's cumulative amount, so a claim pays the
/// difference to what the account already claimed and an account never needs old proofs.
/// @dev Leaves and tree layout are OpenZeppelin's StandardMerkleTree for `["address", "uint256"]`; proofs are checked
/// with OpenZeppelin's `MerkleProof`.
interface IRewardDistributor {
    /* EVENTS */

    /// @notice OPEN was added to the pool.
    event Funded(address indexed from, uint256 amount, uint256 totalFunded);

    /// @notice The attestor proposed a root; it can be accepted from `validAt`.
    event RootProposed(
        uint64 indexed epoch,
        bytes32 indexed root,
        uint256 total,
        bytes32 reportHash,
        string reportURI,
        uint64 validAt
    );

    /// @notice The guardian revoked the pending root.
    event RootRevoked(uint64 indexed epoch, bytes32 indexed root, address indexed guardian);

    /// @notice The pending root became the current root.
    event RootAccepted(uint64 indexed epoch, bytes32 indexed root, uint256 total, bytes32 reportHash);

    /// @notice `account` was paid `amount`, bringing what it claimed to `cumulativeAmount`.
    event Claimed(address indexed account, uint64 indexed epoch, uint256 amount, uint256 cumulativeAmount);

    /// @notice The challenge window for future proposals changed.
    event ChallengeWindowSet(uint256 window);

    /// @notice OPEN that no funding accounts for (sent to the distributor directly) was sent to `to`.
    event ExcessRecovered(address indexed to, uint256 amount);

    /* ERRORS */

    /// @notice A root is already pending; it must be accepted or revoked first.
    error RewardsPendingRootExists(uint64 epoch, bytes32 root);

    /// @notice There is no pending root.
    error RewardsNoPendingRoot();

    /// @notice The pending root cannot be accepted before `validAt`.
    error RewardsRootNotYetValid(uint64 validAt);

    /// @notice The root is zero.
    error RewardsInvalidRoot();

    /// @notice The epoch must exceed the last one proposed and accepted.
    error RewardsEpochNotIncreasing(uint64 epoch, uint64 previous);

    /// @notice A root pays for an epoch that has ended: `epoch` must be below the clock's `current` epoch, so that
    /// every fee settled in it is in the root.
    error RewardsEpochNotEnded(uint64 epoch, uint64 current);

    /// @notice The guardian can revoke the pending root only during its challenge window, which closed at `validAt`.
    error RewardsChallengeWindowClosed(uint64 validAt);

    /// @notice A root's total cannot be below the current root's total.
    error RewardsTotalDecreased(uint256 total, uint256 previous);

    /// @notice A root's total cannot exceed the OPEN funded to the pool; `funded` is {totalFunded}, or less when the
    /// pool holds less than was funded and not yet claimed (a token that takes a fee on transfer).
    error RewardsInsufficientFunding(uint256 total, uint256 funded);

    /// @notice The proof does not place `(account, cumulativeAmount)` in the current root.
    error RewardsInvalidProof(address account, uint256 cumulativeAmount);

    /// @notice The account already claimed its whole cumulative amount.
    error RewardsNothingToClaim(address account, uint256 cumulativeAmount);

    /// @notice The claim would take the total claimed to `totalClaimed`, above the current root's total `rootTotal`:
    /// the root gives some account less than it already claimed, or states a total below the sum of its leaves.
    /// @dev `totalClaimed` is what was claimed before this claim plus its amount (2^256 − 1 if that sum overflows).
    error RewardsRootTotalExceeded(uint256 totalClaimed, uint256 rootTotal);

    /// @notice No root was accepted yet.
    error RewardsNoRoot();

    /// @notice A challenge window of zero would let a root through unchallenged; one above 2^32 − 1 seconds (about 136
    /// years) is refused too, so that `validAt` always fits its uint64.
    error RewardsInvalidChallengeWindow(uint256 window);

    /// @notice Zero amount or zero address.
    error RewardsInvalidAmount();

    /// @notice Recovered OPEN cannot go to the zero address.
    error RewardsInvalidReceiver(address receiver);

    /// @notice The distributor holds no OPEN beyond what was funded and not yet claimed.
    error RewardsNoExcess();

    /* VIEWS */

    /// @notice The OPEN token paid out.
    function REWARD_TOKEN() external view returns (address);

    /// @notice The protocol's epoch clock, which says which epochs have ended.
    function CLOCK() external view returns (address);

    /// @notice Role allowed to propose roots.
    function ATTESTOR_ROLE() external view returns (bytes32);

    /// @notice Role allowed to revoke a pending root.
    function GUARDIAN_ROLE() external view returns (bytes32);

    /// @notice Seconds between a proposal and the earliest acceptance of it.
    function challengeWindow() external view returns (uint256);

    /// @notice The claimable root (zero root before the first acceptance).
    function currentRoot() external view returns (RewardRoot memory);

    /// @notice The root waiting for its challenge window (zero root when none).
    function pendingRoot() external view returns (RewardRoot memory);

    /// @notice OPEN funded to the pool so far.
    function totalFunded() external view returns (uint256);

    /// @notice OPEN paid out so far; never above the current root's total.
    function totalClaimed() external view returns (uint256);

    /// @notice What `account` has been paid so far (its cumulative amount at its last claim).
    function claimed(address account) external view returns (uint256);

    /* ACTIONS */

    /// @notice Pulls `amount` OPEN from the caller into the pool. Emits {Funded}.
    /// @dev Reverts with SafeCast's `SafeCastOverflowedUintDowncast` if {totalFunded} would pass 2^96 − 1 (amounts
    /// are stored as uint96; OPEN's whole supply, 10^27, is below 2^90).
    function fund(uint256 amount) external;

    /// @notice Proposes the next root. Only the attestor.
    /// @dev Requirements: no pending root; nonzero root; `epoch` above the current and every earlier root's, and
    /// below the clock's current epoch ({RewardsEpochNotEnded}: the epoch has ended, so no fee settled after the
    /// root can belong to it, and no epoch beyond the clock's can lock out later proposals; before genesis the clock's
    /// `EpochBeforeGenesis`); `total` ≥ the current root's total, ≤ {totalFunded} and ≤ {totalClaimed} plus the
    /// pool's OPEN balance, so that no root promises OPEN that did not arrive. Emits {RootProposed}.
    function proposeRoot(
        bytes32 root,
        uint256 total,
        uint64 epoch,
        bytes32 reportHash,
        string calldata reportURI
    ) external;

    /// @notice Drops the pending root. Only the guardian, and only during the root's challenge window: from `validAt`
    /// on the root can be accepted, and the guardian can no longer take it back ({RewardsChallengeWindowClosed}).
    /// Emits {RootRevoked}.
    function revokePendingRoot() external;

    /// @notice Makes the pending root current once its challenge window has passed. Anyone may call.
    /// Emits {RootAccepted}.
    function acceptRoot() external;

    /// @notice Sets the challenge window for future proposals; a pending root keeps its `validAt`. Only the admin.
    /// @dev Requirements: 0 < `window` ≤ 2^32 − 1. Emits {ChallengeWindowSet}.
    function setChallengeWindow(uint256 window) external;

    /// @notice Sends `to` the OPEN the distributor holds beyond what it owes: its balance minus ({totalFunded} −
    /// {totalClaimed}), which is OPEN sent to it directly instead of through {fund}. Only the admin. Emits
    /// {ExcessRecovered}.
    /// @dev Requirements: `to` is not zero ({RewardsInvalidReceiver}); there is an excess ({RewardsNoExcess}).
    /// @return amount The OPEN sent.
    function recoverExcess(address to) external returns (uint256 amount);

    /// @notice Pays `account` its cumulative amount in the current root minus what it already claimed. Anyone may
    /// call; the tokens always go to `account`. Emits {Claimed}.
    /// @dev Reverts with {RewardsRootTotalExceeded} if the payment would take {totalClaimed} above the current root's
    /// total, so that a root lowering an account's amount below what it claimed (or understating its total) cannot
    /// pay out OPEN funded for later epochs.
    /// @return amount The OPEN paid.
    function claim(
        address account,
        uint256 cumulativeAmount,
        bytes32[] calldata proof
    ) external returns (uint256 amount);

    /// @notice Claims for several accounts; accounts with nothing left to claim are skipped (no revert), an invalid
    /// proof reverts the batch, and so does a payment that would take {totalClaimed} above the current root's total
    /// ({RewardsRootTotalExceeded}).
    /// @return paid The total OPEN paid.
    function claimMany(ClaimRequest[] calldata claims) external returns (uint256 paid);
}
