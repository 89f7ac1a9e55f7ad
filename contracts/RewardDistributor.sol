// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IEpochClock} from "./interfaces/IEpochClock.sol";
import {IRewardDistributor, RewardRoot, ClaimRequest} from "./interfaces/IRewardDistributor.sol";
import {MerkleLeaf} from "./libraries/MerkleLeaf.sol";

/// @title RewardDistributor
/// @notice See {IRewardDistributor}.
/// @dev Amounts are stored as uint96, so that a claim finds the current root's total and the claimed total in the one
/// slot it already reads and writes: {fund} refuses (SafeCast) to take the funded total past 2^96 − 1 (about
/// 7.9 × 10^28), every root total is at most the funded total, and the claimed total is at most the current root's
/// total (each claim checks it). OPEN's whole supply is 10^27 < 2^90, so the bound never binds for OPEN. Assumes a
/// plain ERC-20 (no fee on transfer), as OPEN is.
contract RewardDistributor is IRewardDistributor, AccessControl {
    using SafeERC20 for IERC20;

    /* TYPES */

    /// @dev One slot: everything a claim reads besides the root and the account's claimed amount, and the only
    /// slot a claim writes besides that amount.
    struct ClaimState {
        /// @dev Epoch of the current root (zero before the first acceptance).
        uint64 epoch;
        /// @dev Total of the current root: the cap on `totalClaimed`.
        uint96 currentTotal;
        uint96 totalClaimed;
    }

    /// @dev One slot: the funded total, which a proposal checks its total against, and the current root's acceptance
    /// time, which no claim needs (so it stays out of {ClaimState}).
    struct Funding {
        uint96 totalFunded;
        /// @dev When the current root was accepted.
        uint64 acceptedAt;
    }

    /// @dev Three slots that never return to zero once written: accepting or revoking only clears `validAt`, so the
    /// next proposal rewrites them (5,000 gas each) instead of creating them (22,100 each).
    struct PendingRoot {
        bytes32 root;
        uint96 total;
        uint64 epoch;
        /// @dev Zero when no root is pending.
        uint64 validAt;
        bytes32 reportHash;
    }

    /* CONSTANTS */

    /// @inheritdoc IRewardDistributor
    bytes32 public constant ATTESTOR_ROLE = keccak256("ATTESTOR_ROLE");

    /// @inheritdoc IRewardDistributor
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @dev Longest challenge window (about 136 years): keeps `now + window` far inside a uint64.
    uint256 private constant _MAX_CHALLENGE_WINDOW = type(uint32).max;

    IERC20 private immutable _REWARD_TOKEN;
    IEpochClock private immutable _CLOCK;

    /* STORAGE */

    // A claim reads `_currentRoot` and `_claimState` and writes `_claimState` and its account's `_claimed`; a proposal
    // reads `_pending`'s packed slot, `_claimState`, `_funding` and `_challengeWindow` and asks the clock for the
    // current epoch; an acceptance writes `_currentRoot`, `_claimState`, `_funding` and `_currentReportHash`.
    bytes32 private _currentRoot;
    ClaimState private _claimState;
    Funding private _funding;
    bytes32 private _currentReportHash;
    PendingRoot private _pending;
    uint64 private _challengeWindow;
    mapping(address account => uint256) private _claimed;

    /// @param token The OPEN token paid out.
    /// @param clock The protocol's epoch clock (the one settlement records fees by): roots are for epochs it ended.
    /// @param admin Holder of DEFAULT_ADMIN_ROLE: sets the challenge window and grants and revokes roles.
    /// @param attestor Holder of ATTESTOR_ROLE: proposes roots.
    /// @param guardian Holder of GUARDIAN_ROLE: revokes pending roots.
    /// @param challengeWindow_ Seconds between a proposal and its earliest acceptance.
    /// @dev Reverts with {RewardsInvalidAmount} for a zero address and {RewardsInvalidChallengeWindow} for a window
    /// of zero or above 2^32 − 1. Emits {ChallengeWindowSet} and a RoleGranted per role.
    constructor(
        IERC20 token,
        IEpochClock clock,
        address admin,
        address attestor,
        address guardian,
        uint256 challengeWindow_
    ) {
        if (
            address(token) == address(0) ||
            address(clock) == address(0) ||
            admin == address(0) ||
            attestor == address(0) ||
            guardian == address(0)
        ) {
            revert RewardsInvalidAmount();
        }
        _REWARD_TOKEN = token;
        _CLOCK = clock;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ATTESTOR_ROLE, attestor);
        _grantRole(GUARDIAN_ROLE, guardian);
        _setChallengeWindow(challengeWindow_);
        // Nonzero placeholders, so that even the first proposal rewrites the pending slots instead of creating them
        // (see {PendingRoot}). Never observable: `validAt` is zero, which means no root is pending.
        _pending = PendingRoot({
            root: bytes32(uint256(1)),
            total: 1,
            epoch: 0,
            validAt: 0,
            reportHash: bytes32(uint256(1))
        });
    }

    /* FUNDING */

    /// @inheritdoc IRewardDistributor
    function fund(uint256 amount) external {
        if (amount == 0) revert RewardsInvalidAmount();
        uint256 funded = _funding.totalFunded + amount;
        _funding.totalFunded = SafeCast.toUint96(funded);
        emit Funded(msg.sender, amount, funded);
        // A plain pull, not SafePull: settlement funds the pool on every settlement, and the balance check would push
        // settle past its gas goal. A token that delivers less than `amount` cannot make the pool promise more than it
        // holds: {proposeRoot} refuses a total beyond what was claimed plus what the pool holds.
        _REWARD_TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /* ROOTS */

    /// @inheritdoc IRewardDistributor
    function proposeRoot(
        bytes32 root,
        uint256 total,
        uint64 epoch,
        bytes32 reportHash,
        string calldata reportURI
    ) external onlyRole(ATTESTOR_ROLE) {
        PendingRoot storage pending = _pending;
        if (pending.validAt != 0) revert RewardsPendingRootExists(pending.epoch, pending.root);
        if (root == bytes32(0)) revert RewardsInvalidRoot();
        ClaimState memory state = _claimState;
        if (epoch <= state.epoch) revert RewardsEpochNotIncreasing(epoch, state.epoch);
        // Only an ended epoch: its fees are all settled, and the clock, which advances by at most one epoch an hour,
        // is never far enough ahead for an epoch near 2^64 − 1 to lock out every later proposal.
        uint64 current = _CLOCK.currentEpoch();
        if (epoch >= current) revert RewardsEpochNotEnded(epoch, current);
        // Never below the current total, so the claimed total (at most the current total) stays within the new one.
        if (total < state.currentTotal) revert RewardsTotalDecreased(total, state.currentTotal);
        uint256 funded = _funding.totalFunded;
        // What backs a root is the lower of what was funded and what was paid plus what the pool holds: a token that
        // delivered less than was funded (a fee on transfer) counts for what arrived.
        uint256 backed = state.totalClaimed + _REWARD_TOKEN.balanceOf(address(this));
        if (backed < funded) funded = backed;
        if (total > funded) revert RewardsInsufficientFunding(total, funded);

        // The window is fixed here: changing it later neither shortens nor lengthens this root's wait.
        // An hours-long window; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        uint64 validAt = uint64(block.timestamp) + _challengeWindow;
        pending.root = root;
        // Fits: total <= totalFunded, a uint96.
        pending.total = uint96(total);
        pending.epoch = epoch;
        pending.validAt = validAt;
        pending.reportHash = reportHash;
        emit RootProposed(epoch, root, total, reportHash, reportURI, validAt);
    }

    /// @inheritdoc IRewardDistributor
    function revokePendingRoot() external onlyRole(GUARDIAN_ROLE) {
        PendingRoot storage pending = _pending;
        uint64 validAt = pending.validAt;
        if (validAt == 0) revert RewardsNoPendingRoot();
        // From `validAt` on anyone may accept the root: a revocation then would race the acceptance.
        // An hours-long window; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp >= validAt) revert RewardsChallengeWindowClosed(validAt);
        pending.validAt = 0;
        emit RootRevoked(pending.epoch, pending.root, msg.sender);
    }

    /// @inheritdoc IRewardDistributor
    function acceptRoot() external {
        // An hours-long window; seconds of skew do not matter.
        // solhint-disable not-rely-on-time
        PendingRoot storage pending = _pending;
        uint64 validAt = pending.validAt;
        if (validAt == 0) revert RewardsNoPendingRoot();
        if (block.timestamp < validAt) revert RewardsRootNotYetValid(validAt);

        bytes32 root = pending.root;
        uint96 total = pending.total;
        uint64 epoch = pending.epoch;
        bytes32 reportHash = pending.reportHash;
        pending.validAt = 0;
        _currentRoot = root;
        _claimState.epoch = epoch;
        _claimState.currentTotal = total;
        _funding.acceptedAt = uint64(block.timestamp);
        _currentReportHash = reportHash;
        emit RootAccepted(epoch, root, total, reportHash);
        // solhint-enable not-rely-on-time
    }

    /// @inheritdoc IRewardDistributor
    function setChallengeWindow(uint256 window) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setChallengeWindow(window);
    }

    /// @inheritdoc IRewardDistributor
    function recoverExcess(address to) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 amount) {
        if (to == address(0)) revert RewardsInvalidReceiver(to);
        uint256 owed = _funding.totalFunded - _claimState.totalClaimed;
        uint256 held = _REWARD_TOKEN.balanceOf(address(this));
        if (held <= owed) revert RewardsNoExcess();
        // Cannot underflow: held > owed was checked above.
        unchecked {
            amount = held - owed;
        }
        emit ExcessRecovered(to, amount);
        _REWARD_TOKEN.safeTransfer(to, amount);
    }

    /* CLAIMS */

    /// @inheritdoc IRewardDistributor
    function claim(
        address account,
        uint256 cumulativeAmount,
        bytes32[] calldata proof
    ) external returns (uint256 amount) {
        bytes32 root = _currentRoot;
        if (root == bytes32(0)) revert RewardsNoRoot();
        amount = _claim(root, account, cumulativeAmount, proof);
        if (amount == 0) revert RewardsNothingToClaim(account, cumulativeAmount);
    }

    /// @inheritdoc IRewardDistributor
    function claimMany(ClaimRequest[] calldata claims) external returns (uint256 paid) {
        bytes32 root = _currentRoot;
        if (root == bytes32(0)) revert RewardsNoRoot();
        uint256 count = claims.length;
        for (uint256 i; i < count; ++i) {
            ClaimRequest calldata request = claims[i];
            paid += _claim(root, request.account, request.cumulativeAmount, request.proof);
        }
    }

    /* VIEWS */

    /// @inheritdoc IRewardDistributor
    function REWARD_TOKEN() external view returns (address) {
        return address(_REWARD_TOKEN);
    }

    /// @inheritdoc IRewardDistributor
    function CLOCK() external view returns (address) {
        return address(_CLOCK);
    }

    /// @inheritdoc IRewardDistributor
    function challengeWindow() external view returns (uint256) {
        return _challengeWindow;
    }

    /// @inheritdoc IRewardDistributor
    function currentRoot() external view returns (RewardRoot memory) {
        ClaimState memory state = _claimState;
        return RewardRoot(_currentRoot, state.currentTotal, state.epoch, _funding.acceptedAt, _currentReportHash);
    }

    /// @inheritdoc IRewardDistributor
    function pendingRoot() external view returns (RewardRoot memory root) {
        PendingRoot memory pending = _pending;
        if (pending.validAt != 0) {
            root = RewardRoot(pending.root, pending.total, pending.epoch, pending.validAt, pending.reportHash);
        }
    }

    /// @inheritdoc IRewardDistributor
    function totalFunded() external view returns (uint256) {
        return _funding.totalFunded;
    }

    /// @inheritdoc IRewardDistributor
    function totalClaimed() external view returns (uint256) {
        return _claimState.totalClaimed;
    }

    /// @inheritdoc IRewardDistributor
    function claimed(address account) external view returns (uint256) {
        return _claimed[account];
    }

    /* INTERNAL */

    /// @dev Verifies the leaf against `root` and pays what is new; returns zero (and changes nothing) when nothing is.
    /// Reverts with {RewardsRootTotalExceeded} rather than let the claimed total pass the current root's total: a root
    /// that lowers an account's amount below what it claimed, or understates its total, cannot pay out OPEN funded
    /// for later epochs.
    function _claim(
        bytes32 root,
        address account,
        uint256 cumulativeAmount,
        bytes32[] calldata proof
    ) private returns (uint256 amount) {
        if (!MerkleLeaf.verify(proof, root, account, cumulativeAmount)) {
            revert RewardsInvalidProof(account, cumulativeAmount);
        }
        uint256 already = _claimed[account];
        if (cumulativeAmount <= already) return 0;
        // Cannot underflow: cumulativeAmount > already was checked above.
        unchecked {
            amount = cumulativeAmount - already;
        }
        ClaimState storage state = _claimState;
        uint256 totalBefore = state.totalClaimed;
        uint256 rootTotal = state.currentTotal;
        // Cannot underflow: every claim keeps totalClaimed <= currentTotal, and no new root's total is lower.
        unchecked {
            if (amount > rootTotal - totalBefore) {
                revert RewardsRootTotalExceeded(Math.saturatingAdd(totalBefore, amount), rootTotal);
            }
        }
        _claimed[account] = cumulativeAmount;
        // Fits: totalBefore + amount <= rootTotal, a uint96, was checked above.
        state.totalClaimed = uint96(totalBefore + amount);
        emit Claimed(account, state.epoch, amount, cumulativeAmount);
        _REWARD_TOKEN.safeTransfer(account, amount);
    }

    function _setChallengeWindow(uint256 window) private {
        if (window == 0 || window > _MAX_CHALLENGE_WINDOW) revert RewardsInvalidChallengeWindow(window);
        // Fits: window <= 2^32 - 1 was checked above.
        _challengeWindow = uint64(window);
        emit ChallengeWindowSet(window);
    }
}
