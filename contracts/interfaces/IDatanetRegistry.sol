// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Who may register models trained on a Datanet.
enum AccessMode {
    Open,
    Permissioned
}

/// @notice Life cycle of a contribution. `None` means "never submitted".
enum ContributionStatus {
    None,
    Pending,
    Accepted,
    Rejected,
    Expired
}

/// @notice The policy field that failed validation in {IDatanetRegistry-DatanetInvalidPolicy}.
enum PolicyField {
    Quorum,
    ReviewWindow,
    MaxFileBytes,
    ContributorDailyFiles,
    ContributorDailyBytes,
    DatanetDailyBytes
}

/// @notice Rules a Datanet applies to submissions. Limits are per UTC day (`block.timestamp / 1 days`).
/// @dev Field order packs the struct into two storage slots; the first holds everything a vote needs.
struct Policy {
    /// @dev OPEN posted with each submission on a quiet day; on a busy day it doubles (see {SurgeBondLib}). Refunded
    /// on acceptance, slashed on rejection; on expiry this bond is refunded and any surge above it kept. May be zero.
    uint96 bond;
    /// @dev Votes of one kind (accept or reject) that decide a contribution; 1 ≤ quorum ≤ validator count.
    uint8 quorum;
    /// @dev Seconds after submission during which validators may vote; afterwards the contribution expires.
    uint32 reviewWindow;
    AccessMode accessMode;
    /// @dev Largest accepted `size` of one contribution, in bytes.
    uint64 maxFileBytes;
    /// @dev Submissions one contributor may make to this Datanet per UTC day.
    uint32 contributorDailyFiles;
    /// @dev Bytes one contributor may submit to this Datanet per UTC day.
    uint64 contributorDailyBytes;
    /// @dev Bytes all contributors together submit to this Datanet on a normal UTC day. With a nonzero bond it is a
    /// priced budget (the bond doubles per eighth of it past five eighths, see {SurgeBondLib}); without a bond it is a
    /// hard limit.
    uint64 datanetDailyBytes;
}

/// @notice A contribution as {IDatanetRegistry-getContribution} returns it: the latest attempt of a content hash in a
/// Datanet. The content hash and URI are in {IDatanetRegistry-ContributionSubmitted}.
struct Contribution {
    /// @dev `contributionIdOf(datanetId, contentHash, attempt)`.
    uint256 contributionId;
    address contributor;
    uint40 submittedAt;
    /// @dev When the contributor's commitment was recorded: an earlier commitment takes a pending attempt over.
    uint40 committedAt;
    /// @dev The terms (policy + validator set) the contribution is reviewed under; later changes never apply to it.
    uint32 termsVersion;
    ContributionStatus status;
    /// @dev 1 for the first submission of this content to this Datanet; each resubmission or takeover adds one.
    uint32 attempt;
    /// @dev How many times the terms' bond doubled for this submission (see {SurgeBondLib}).
    uint8 surgeLevel;
    uint64 size;
    /// @dev The bond posted: the terms' bond doubled `surgeLevel` times.
    uint256 bond;
    /// @dev Bit i set = the validator at index i of the terms' validator list voted accept (resp. reject).
    uint32 acceptMask;
    uint32 rejectMask;
}

/// @notice What a contributor signs when it reveals a submission with {IDatanetRegistry-submit}.
struct SubmitRequest {
    uint256 datanetId;
    /// @dev sha-256 of the contribution's bytes (the digest of its IPFS CIDv1).
    bytes32 contentHash;
    /// @dev Length of the contribution in bytes.
    uint64 size;
    /// @dev The terms version the contributor read: the submission reverts if the Datanet's terms changed since.
    uint32 termsVersion;
    /// @dev The most the contributor agrees to post as bond (the bond rises on busy days; see {SurgeBondLib}).
    uint96 maxBond;
    /// @dev The secret of the contributor's earlier {IDatanetRegistry-commit}.
    bytes32 salt;
}

/// @notice A published, trustless snapshot of a Datanet's accepted contributions.
struct DatanetVersion {
    /// @dev Number of accepted contributions folded into `digest`.
    uint64 count;
    uint40 publishedAt;
    /// @dev keccak256 chain over `(contributionId, contentHash)` of every acceptance, in order.
    bytes32 digest;
}

/// @notice Per (Datanet, contributor) reputation counters.
struct Reputation {
    uint32 accepted;
    uint32 rejected;
    uint64 acceptedBytes;
}

/// @title Datanet registry
/// @notice Community-owned data sets. Each Datanet is an ERC-721 owned by its creator, who sets its policy and
/// validators. Contributors submit content hashes with an OPEN bond; listed validators vote; a quorum of accepts
/// refunds the bond and folds the contribution into the Datanet's running digest, a quorum of rejects slashes the
/// bond to the Datanet treasury, and a contribution without quorum within the review window expires and its bond
/// can be reclaimed. Every bond settles exactly once.
/// @dev Submitting takes two transactions. {commit} records `commitmentOf(contributor, datanetId, contentHash, salt)`,
/// which hides the content; {submit} reveals it in a later block. A copy of a revealed submission seen in the mempool
/// therefore cannot be mined first (its commitment would be too recent), and if the author's reveal is delayed and a
/// copy gets in, the author's earlier commitment takes the pending attempt over. The submission names the terms the
/// contributor read and the most it agrees to bond, so a Datanet owner cannot change either under it.
/// One content hash has at most one pending or accepted attempt per Datanet. An expired attempt may be submitted
/// again at once, a rejected one after {REJECTION_COOLING_OFF} past its review deadline; each attempt has its own id,
/// `contributionIdOf(datanetId, contentHash, attempt)`, so ids and version digests stay unique.
interface IDatanetRegistry {
    /* EVENTS */

    /// @notice A Datanet was created and minted to `owner`.
    event DatanetCreated(uint256 indexed datanetId, address indexed owner, string uri);

    /// @notice The metadata URI of a Datanet changed.
    event DatanetURIUpdated(uint256 indexed datanetId, string uri);

    /// @notice New terms took effect for submissions made from now on.
    /// @param termsVersion Version recorded by contributions submitted under these terms.
    event TermsUpdated(uint256 indexed datanetId, uint32 indexed termsVersion, Policy policy, address[] validators);

    /// @notice `contributor` committed to a submission it will reveal with {submit}.
    event ContributionCommitted(bytes32 indexed commitment, address indexed contributor);

    /// @notice A contribution was submitted and its bond escrowed.
    /// @param contributionId `contributionIdOf(datanetId, contentHash, attempt)`, where `attempt` is 1 for the
    /// content's first submission to this Datanet and one more for each later one (see {getContribution}).
    /// @param bond The bond posted: the terms' bond, doubled on busy days (see {SurgeBondLib}).
    /// @param fromCredit Whether a nonzero bond came out of the contributor's bond credit instead of its wallet.
    event ContributionSubmitted(
        uint256 indexed datanetId,
        uint256 indexed contributionId,
        address indexed contributor,
        bytes32 contentHash,
        uint64 size,
        string uri,
        uint32 termsVersion,
        uint96 bond,
        bool fromCredit
    );

    /// @notice A submission whose commitment is earlier took this pending contribution over; its bond was credited back
    /// to `contributor`'s bond credit.
    event ContributionSuperseded(
        uint256 indexed datanetId,
        uint256 indexed contributionId,
        address indexed contributor,
        uint96 refund
    );

    /// @notice A validator voted on a contribution.
    event VoteCast(uint256 indexed datanetId, uint256 indexed contributionId, address indexed validator, bool accept);

    /// @notice A contribution reached a quorum of accepts; its bond was credited back to the contributor.
    /// @param index 1-based position of this acceptance in the Datanet (the version count after it).
    /// @param digest The Datanet's running digest after folding this contribution in.
    event ContributionAccepted(
        uint256 indexed datanetId,
        uint256 indexed contributionId,
        address indexed contributor,
        bytes32 contentHash,
        uint64 index,
        bytes32 digest,
        uint96 refund
    );

    /// @notice A contribution reached a quorum of rejects; its bond was slashed to the Datanet treasury.
    event ContributionRejected(
        uint256 indexed datanetId,
        uint256 indexed contributionId,
        address indexed contributor,
        uint96 slashed
    );

    /// @notice A contribution's review window passed without quorum; the terms' bond was returned to the contributor
    /// and the surge part of its bond, if any, kept in the Datanet treasury.
    event ContributionExpired(
        uint256 indexed datanetId,
        uint256 indexed contributionId,
        address indexed contributor,
        uint96 refund,
        uint96 kept
    );

    /// @notice `account` withdrew bond credit to `to`.
    event BondCreditWithdrawn(address indexed account, address indexed to, uint256 amount);

    /// @notice The Datanet owner withdrew slashed bonds from the Datanet treasury.
    event TreasuryWithdrawn(uint256 indexed datanetId, address indexed to, uint256 amount);

    /// @notice A version snapshot was published.
    event VersionPublished(uint256 indexed datanetId, uint32 indexed version, uint64 count, bytes32 digest);

    /// @notice The owner of a permissioned Datanet approved or revoked `account` as a model registrant.
    event ModelAccessSet(uint256 indexed datanetId, address indexed account, bool approved);

    /* ERRORS */

    /// @notice No Datanet has this id.
    error DatanetNonexistent(uint256 datanetId);

    /// @notice Only the Datanet's owner may do this.
    error DatanetUnauthorizedOwner(uint256 datanetId, address account);

    /// @notice A policy field is out of range (zero limit, quorum outside 1..validators, zero review window).
    error DatanetInvalidPolicy(PolicyField field);

    /// @notice A Datanet needs at least one validator.
    error DatanetNoValidators();

    /// @notice More validators than {MAX_VALIDATORS}.
    error DatanetTooManyValidators(uint256 count, uint256 max);

    /// @notice The zero address cannot be a validator.
    error DatanetInvalidValidator(address validator);

    /// @notice The same validator appears twice in a list.
    error DatanetDuplicateValidator(address validator);

    /// @notice The content hash is zero.
    error DatanetInvalidContentHash();

    /// @notice A contribution must have at least one byte.
    error DatanetEmptyContribution();

    /// @notice The same content is pending or accepted in this Datanet (a pending one under an earlier commitment).
    error DatanetDuplicateContent(uint256 datanetId, bytes32 contentHash, uint256 contributionId);

    /// @notice The Datanet's terms changed since the contributor read them: nothing was submitted or bonded.
    error DatanetTermsChanged(uint256 datanetId, uint32 expected, uint32 current);

    /// @notice The bond the submission would post now exceeds the most the contributor agreed to.
    error DatanetBondAboveMax(uint256 datanetId, uint256 bond, uint256 maxBond);

    /// @notice This commitment was already recorded.
    error DatanetCommitmentExists(bytes32 commitment);

    /// @notice No commitment matches the caller, Datanet, content hash and salt of the submission.
    error DatanetUnknownCommitment(bytes32 commitment);

    /// @notice The commitment was recorded in this block; the submission must come in a later one.
    error DatanetCommitmentTooRecent(bytes32 commitment, uint256 committedAt);

    /// @notice The content was rejected; it may be submitted again from `resubmittableAt`.
    error DatanetRejectionCoolingOff(uint256 contributionId, uint256 resubmittableAt);

    /// @notice `size` exceeds the policy's `maxFileBytes`.
    error DatanetFileTooLarge(uint256 datanetId, uint256 size, uint256 maxFileBytes);

    /// @notice The contributor already made `contributorDailyFiles` submissions today.
    error DatanetContributorDailyFilesExceeded(uint256 datanetId, address contributor, uint256 limit);

    /// @notice The submission would take the contributor over `contributorDailyBytes` today.
    error DatanetContributorDailyBytesExceeded(
        uint256 datanetId,
        address contributor,
        uint256 requested,
        uint256 remaining
    );

    /// @notice The submission would take a Datanet without bond over `datanetDailyBytes` today (with a bond, the
    /// budget is priced instead: see {SurgeBondLib}).
    error DatanetDailyBytesExceeded(uint256 datanetId, uint256 requested, uint256 remaining);

    /// @notice No contribution has this id.
    error DatanetContributionNonexistent(uint256 contributionId);

    /// @notice The contribution is no longer pending.
    error DatanetContributionNotPending(uint256 contributionId, ContributionStatus status);

    /// @notice The review window closed at `deadline`; the contribution can only expire now.
    error DatanetReviewWindowClosed(uint256 contributionId, uint256 deadline);

    /// @notice The review window is still open until `deadline`.
    error DatanetReviewWindowOpen(uint256 contributionId, uint256 deadline);

    /// @notice `account` is not a validator of the terms the contribution was submitted under.
    error DatanetUnauthorizedValidator(uint256 contributionId, address account);

    /// @notice A validator may not vote on its own contribution.
    error DatanetSelfReview(uint256 contributionId, address validator);

    /// @notice The validator already voted on this contribution.
    error DatanetAlreadyVoted(uint256 contributionId, address validator);

    /// @notice No contribution was accepted since the last published version.
    error DatanetVersionUnchanged(uint256 datanetId, uint64 count);

    /// @notice No published version with this number.
    error DatanetVersionNonexistent(uint256 datanetId, uint32 version);

    /// @notice More than the available bond credit or treasury balance was requested.
    error DatanetInsufficientBalance(uint256 requested, uint256 available);

    /// @notice Tokens cannot be sent to the zero address.
    error DatanetInvalidReceiver(address receiver);

    /* CONSTANTS */

    /// @notice Largest validator set of one Datanet (votes are tracked in 32-bit masks).
    function MAX_VALIDATORS() external view returns (uint256);

    /// @notice The OPEN token bonds are posted in.
    function BOND_TOKEN() external view returns (address);

    /// @notice How long after its review deadline rejected content may be submitted again: 7 days.
    function REJECTION_COOLING_OFF() external view returns (uint256);

    /* DATANETS */

    /// @notice Creates a Datanet and mints it, as an ERC-721, to the caller.
    /// @dev Requirements: a valid policy (see {DatanetInvalidPolicy}) and 1..MAX_VALIDATORS distinct nonzero
    /// validators. Emits {DatanetCreated} and {TermsUpdated} with terms version 1.
    /// @return datanetId The new Datanet's id (sequential from 1).
    function createDatanet(
        string calldata uri,
        Policy calldata policy,
        address[] calldata validators
    ) external returns (uint256 datanetId);

    /// @notice Replaces the policy for future submissions; pending contributions keep the terms they were submitted
    /// under. Only the Datanet owner. Emits {TermsUpdated}.
    function setPolicy(uint256 datanetId, Policy calldata policy) external;

    /// @notice Replaces the validator set for future submissions; validators of older terms keep voting on the
    /// contributions submitted under them. Only the Datanet owner. Emits {TermsUpdated}.
    function setValidators(uint256 datanetId, address[] calldata validators) external;

    /// @notice Updates the Datanet's metadata URI. Only the Datanet owner. Emits {DatanetURIUpdated}.
    function setDatanetURI(uint256 datanetId, string calldata uri) external;

    /// @notice On a permissioned Datanet, approves or revokes `account` as a registrant of models trained on it.
    /// Only the Datanet owner. Emits {ModelAccessSet}.
    function setModelAccess(uint256 datanetId, address account, bool approved) external;

    /// @notice Whether `account` may register a model trained on this Datanet (always true when access is open).
    function canTrainOn(uint256 datanetId, address account) external view returns (bool);

    /// @notice Number of Datanets created so far; ids run from 1 to this number.
    function datanetCount() external view returns (uint256);

    /// @notice Current terms version of a Datanet (what a submission made now would record).
    function currentTermsVersion(uint256 datanetId) external view returns (uint32);

    /// @notice Policy of a terms version.
    function getPolicy(uint256 datanetId, uint32 termsVersion) external view returns (Policy memory);

    /// @notice Validator list of a terms version, in index order.
    function getValidators(uint256 datanetId, uint32 termsVersion) external view returns (address[] memory);

    /* CONTRIBUTIONS */

    /// @notice The id of `attempt` of `contentHash` in `datanetId`: `uint256(keccak256(abi.encode(datanetId,
    /// contentHash)))` for the first attempt, `uint256(keccak256(abi.encode(datanetId, contentHash, attempt)))` for
    /// later ones.
    function contributionIdOf(uint256 datanetId, bytes32 contentHash, uint32 attempt) external pure returns (uint256);

    /// @notice `keccak256(abi.encode(contributor, datanetId, contentHash, salt))`: what {commit} records.
    function commitmentOf(
        address contributor,
        uint256 datanetId,
        bytes32 contentHash,
        bytes32 salt
    ) external pure returns (bytes32);

    /// @notice Records a commitment to a submission (see {commitmentOf}), to be revealed with {submit} in a later
    /// block. Pick a fresh random salt: it keeps the content hidden until the reveal.
    /// @dev Reverts with {DatanetCommitmentExists} for a commitment already recorded. Emits {ContributionCommitted}.
    function commit(bytes32 commitment) external;

    /// @notice When a commitment was recorded (zero if never, or once its submission used it).
    function committedAt(bytes32 commitment) external view returns (uint256);

    /// @notice The bond a submission of `size` bytes would post now under the Datanet's current terms: the terms' bond,
    /// doubled on busy days (see {SurgeBondLib}).
    function bondFor(uint256 datanetId, uint64 size) external view returns (uint256);

    /// @notice Reveals a committed submission and escrows its bond: from the caller's bond credit when it covers the
    /// bond, otherwise pulled from the caller's wallet (needs an OPEN allowance).
    /// @param uri Where the bytes can be fetched (emitted, not stored).
    /// @dev Requirements: the Datanet exists and its current terms are `request.termsVersion`; nonzero hash and size;
    /// the caller committed to `(datanetId, contentHash, salt)` in an earlier block; the content is new to the Datanet,
    /// expired, rejected at least {REJECTION_COOLING_OFF} before its review deadline, or pending under a later
    /// commitment (which this submission takes over, crediting its bond back); size within `maxFileBytes`; the
    /// contributor's daily limits (and, without a bond, the Datanet's) not exceeded; the bond at most
    /// `request.maxBond`. Emits {ContributionSubmitted}, after {ContributionSuperseded} on a takeover.
    function submit(SubmitRequest calldata request, string calldata uri) external returns (uint256 contributionId);

    /// @notice Casts the caller's vote on the pending attempt of `contentHash`. The vote that reaches quorum settles
    /// it: accepted (bond credited back to the contributor, folded into the digest) or rejected (bond slashed to the
    /// Datanet treasury).
    /// @dev Requirements: the contribution is pending and inside its review window; the caller is a validator of
    /// its terms, is not its contributor and has not voted on it. Emits {VoteCast} and possibly
    /// {ContributionAccepted} or {ContributionRejected}.
    function vote(uint256 datanetId, bytes32 contentHash, bool accept) external;

    /// @notice Expires a pending contribution whose review window passed without quorum and sends the terms' bond to
    /// the contributor; the surge part of its bond stays in the Datanet treasury. Anyone may call; the refund always
    /// goes to the contributor. Emits {ContributionExpired}.
    function reclaimBond(uint256 datanetId, bytes32 contentHash) external;

    /// @notice The latest attempt of `contentHash` in `datanetId` (status `None` when it was never submitted).
    function getContribution(uint256 datanetId, bytes32 contentHash) external view returns (Contribution memory);

    /// @notice Unix time after which the latest attempt of `contentHash` can no longer be voted on.
    function reviewDeadline(uint256 datanetId, bytes32 contentHash) external view returns (uint256);

    /// @notice Reputation counters of `contributor` in `datanetId`.
    function reputation(uint256 datanetId, address contributor) external view returns (Reputation memory);

    /// @notice Submissions and bytes `contributor` has made to `datanetId` on the current UTC day.
    function contributorUsageToday(
        uint256 datanetId,
        address contributor
    ) external view returns (uint256 files, uint256 bytes_);

    /// @notice Bytes submitted to `datanetId` on the current UTC day.
    function datanetUsageToday(uint256 datanetId) external view returns (uint256 bytes_);

    /* BONDS AND TREASURY */

    /// @notice Bonds refunded on acceptance accumulate here; they fund later submissions or can be withdrawn.
    function bondCredit(address account) external view returns (uint256);

    /// @notice Sends `amount` of the caller's bond credit to `to`. Emits {BondCreditWithdrawn}.
    function withdrawBondCredit(address to, uint256 amount) external;

    /// @notice Slashed bonds held for a Datanet.
    function treasuryBalance(uint256 datanetId) external view returns (uint256);

    /// @notice Sends `amount` of the Datanet treasury to `to`. Only the Datanet owner. Emits {TreasuryWithdrawn}.
    function withdrawTreasury(uint256 datanetId, address to, uint256 amount) external;

    /* VERSIONS */

    /// @notice Number of accepted contributions and the running digest right now.
    function currentDigest(uint256 datanetId) external view returns (uint64 count, bytes32 digest);

    /// @notice Snapshots the current `(count, digest)` as the next version. Only the Datanet owner.
    /// @dev Reverts with {DatanetVersionUnchanged} when nothing was accepted since the last version.
    /// Emits {VersionPublished}.
    /// @return version The new version number (from 1).
    function publishVersion(uint256 datanetId) external returns (uint32 version);

    /// @notice Number of published versions of a Datanet.
    function versionCount(uint256 datanetId) external view returns (uint32);

    /// @notice A published version; reverts with {DatanetVersionNonexistent} for an unknown one.
    function getVersion(uint256 datanetId, uint32 version) external view returns (DatanetVersion memory);
}
