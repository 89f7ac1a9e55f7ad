// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafePull} from "./libraries/SafePull.sol";
import {
    IDatanetRegistry,
    AccessMode,
    Contribution,
    ContributionStatus,
    DatanetVersion,
    Policy,
    PolicyField,
    Reputation,
    SubmitRequest
} from "./interfaces/IDatanetRegistry.sol";
import {DailyQuotaLib} from "./libraries/DailyQuotaLib.sol";
import {SurgeBondLib} from "./libraries/SurgeBondLib.sol";

/// @title DatanetRegistry
/// @notice See {IDatanetRegistry}.
contract DatanetRegistry is IDatanetRegistry, ERC721 {
    using SafeERC20 for IERC20;
    using SafePull for IERC20;

    /* TYPES */

    /// @dev One storage slot: what a submission and a settlement touch on the Datanet.
    struct DatanetState {
        uint32 termsVersion;
        uint32 versionCount;
        uint64 acceptedCount;
        uint32 day;
        uint64 bytesToday;
    }

    /// @dev One storage slot: daily usage and reputation of a contributor in one Datanet.
    struct ContributorAccount {
        uint32 day;
        uint32 filesToday;
        uint64 bytesToday;
        uint32 accepted;
        uint32 rejected;
        uint64 acceptedBytes;
    }

    /// @dev The latest attempt of a content hash in a Datanet, in two slots: everything a vote needs.
    struct ContributionRecord {
        address contributor;
        uint40 submittedAt;
        uint32 termsVersion;
        ContributionStatus status;
        uint8 surgeLevel;
        uint64 size;
        uint32 acceptMask;
        uint32 rejectMask;
        uint40 committedAt;
        uint32 attempt;
    }

    /* CONSTANTS */

    /// @inheritdoc IDatanetRegistry
    uint256 public constant MAX_VALIDATORS = 32;

    /// @inheritdoc IDatanetRegistry
    uint256 public constant REJECTION_COOLING_OFF = 7 days;

    IERC20 private immutable _BOND_TOKEN;

    /* STORAGE */

    uint256 private _datanetCount;
    mapping(uint256 datanetId => DatanetState) private _datanets;
    mapping(uint256 datanetId => bytes32) private _digests;
    mapping(uint256 datanetId => string) private _uris;
    mapping(uint256 datanetId => uint256) private _treasuries;
    mapping(uint256 datanetId => mapping(uint32 termsVersion => Policy)) private _policies;
    mapping(uint256 datanetId => mapping(uint32 termsVersion => address[])) private _validators;
    /// @dev Index of the validator in its terms' list, plus one (zero = not a validator).
    mapping(uint256 datanetId => mapping(uint32 termsVersion => mapping(address => uint256))) private _validatorSlots;
    /// @dev Keyed by the id of the content's first attempt (see {contributionIdOf}); holds its latest attempt.
    mapping(uint256 firstContributionId => ContributionRecord) private _contributions;
    mapping(bytes32 commitment => uint256 committedAt) private _commitments;
    mapping(uint256 datanetId => mapping(address contributor => ContributorAccount)) private _accounts;
    /// @dev Credit plus one once an account has held credit: the slot never returns to zero, so refunding a bond
    /// to an account that spent its credit costs a 2,900-gas rewrite instead of a 20,000-gas fresh slot.
    mapping(address account => uint256) private _bondCredits;
    mapping(uint256 datanetId => mapping(uint32 version => DatanetVersion)) private _versions;
    mapping(uint256 datanetId => mapping(address account => bool)) private _modelAccess;

    constructor(IERC20 bondToken) ERC721("Datanet", "DATANET") {
        _BOND_TOKEN = bondToken;
    }

    /* DATANETS */

    /// @inheritdoc IDatanetRegistry
    function createDatanet(
        string calldata uri,
        Policy calldata policy,
        address[] calldata validators
    ) external returns (uint256 datanetId) {
        datanetId = ++_datanetCount;
        _uris[datanetId] = uri;
        _mint(msg.sender, datanetId);
        emit DatanetCreated(datanetId, msg.sender, uri);
        _setTerms(datanetId, policy, validators);
    }

    /// @inheritdoc IDatanetRegistry
    function setPolicy(uint256 datanetId, Policy calldata policy) external {
        _requireDatanetOwner(datanetId);
        _setTerms(datanetId, policy, _validators[datanetId][_datanets[datanetId].termsVersion]);
    }

    /// @inheritdoc IDatanetRegistry
    function setValidators(uint256 datanetId, address[] calldata validators) external {
        _requireDatanetOwner(datanetId);
        _setTerms(datanetId, _policies[datanetId][_datanets[datanetId].termsVersion], validators);
    }

    /// @inheritdoc IDatanetRegistry
    function setDatanetURI(uint256 datanetId, string calldata uri) external {
        _requireDatanetOwner(datanetId);
        _uris[datanetId] = uri;
        emit DatanetURIUpdated(datanetId, uri);
    }

    /// @inheritdoc IDatanetRegistry
    function setModelAccess(uint256 datanetId, address account, bool approved) external {
        _requireDatanetOwner(datanetId);
        _modelAccess[datanetId][account] = approved;
        emit ModelAccessSet(datanetId, account, approved);
    }

    /// @inheritdoc IDatanetRegistry
    function canTrainOn(uint256 datanetId, address account) external view returns (bool) {
        uint32 terms = _existingTerms(datanetId);
        return _policies[datanetId][terms].accessMode == AccessMode.Open || _modelAccess[datanetId][account];
    }

    /// @inheritdoc IDatanetRegistry
    function datanetCount() external view returns (uint256) {
        return _datanetCount;
    }

    /// @inheritdoc IDatanetRegistry
    function currentTermsVersion(uint256 datanetId) external view returns (uint32) {
        return _existingTerms(datanetId);
    }

    /// @inheritdoc IDatanetRegistry
    function getPolicy(uint256 datanetId, uint32 termsVersion) external view returns (Policy memory) {
        return _policies[datanetId][termsVersion];
    }

    /// @inheritdoc IDatanetRegistry
    function getValidators(uint256 datanetId, uint32 termsVersion) external view returns (address[] memory) {
        return _validators[datanetId][termsVersion];
    }

    /// @notice The Datanet's metadata URI.
    function tokenURI(uint256 datanetId) public view override returns (string memory) {
        _requireOwned(datanetId);
        return _uris[datanetId];
    }

    /* CONTRIBUTIONS */

    /// @inheritdoc IDatanetRegistry
    function contributionIdOf(uint256 datanetId, bytes32 contentHash, uint32 attempt) external pure returns (uint256) {
        return _idOfAttempt(datanetId, contentHash, _firstIdOf(datanetId, contentHash), attempt);
    }

    /// @inheritdoc IDatanetRegistry
    function commitmentOf(
        address contributor,
        uint256 datanetId,
        bytes32 contentHash,
        bytes32 salt
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(contributor, datanetId, contentHash, salt));
    }

    /// @inheritdoc IDatanetRegistry
    function commit(bytes32 commitment) external {
        if (_commitments[commitment] != 0) revert DatanetCommitmentExists(commitment);
        // Tells a later block from the commitment's.
        // solhint-disable-next-line not-rely-on-time
        _commitments[commitment] = block.timestamp;
        emit ContributionCommitted(commitment, msg.sender);
    }

    /// @inheritdoc IDatanetRegistry
    function committedAt(bytes32 commitment) external view returns (uint256) {
        return _commitments[commitment];
    }

    /// @inheritdoc IDatanetRegistry
    function bondFor(uint256 datanetId, uint64 size) external view returns (uint256) {
        DatanetState storage state = _datanets[datanetId];
        uint32 terms = _existingTerms(datanetId);
        Policy storage policy = _policies[datanetId][terms];
        uint96 base = policy.bond;
        if (base == 0) return 0;
        uint256 used = DailyQuotaLib.used(state.day, state.bytesToday, DailyQuotaLib.today());
        return SurgeBondLib.bondAt(base, SurgeBondLib.level(used + size, policy.datanetDailyBytes));
    }

    /// @inheritdoc IDatanetRegistry
    /// @dev The request is decoded into memory once: its fields are read several times, and each calldata read of a
    /// narrow field would be validated again (measured: about 430 gas more per submission).
    // solhint-disable-next-line gas-calldata-parameters
    function submit(SubmitRequest memory request, string calldata uri) external returns (uint256 contributionId) {
        uint32 terms = _checkRequest(request);
        uint40 committed = _useCommitment(request.datanetId, request.contentHash, request.salt);
        uint256 key = _firstIdOf(request.datanetId, request.contentHash);
        uint32 attempt = _nextAttempt(request.datanetId, request.contentHash, key, committed);
        contributionId = attempt == 1 ? key : _laterIdOf(request.datanetId, request.contentHash, attempt);
        (uint8 surgeLevel, uint96 bond) = _charge(request, terms);
        _contributions[key] = ContributionRecord({
            contributor: msg.sender,
            // An hours-long window; seconds of skew do not matter.
            // solhint-disable-next-line not-rely-on-time
            submittedAt: uint40(block.timestamp),
            termsVersion: terms,
            status: ContributionStatus.Pending,
            surgeLevel: surgeLevel,
            size: request.size,
            acceptMask: 0,
            rejectMask: 0,
            committedAt: committed,
            attempt: attempt
        });
        bool fromCredit = _debitBondCredit(msg.sender, bond);
        emit ContributionSubmitted(
            request.datanetId,
            contributionId,
            msg.sender,
            request.contentHash,
            request.size,
            uri,
            terms,
            bond,
            fromCredit
        );
        if (!fromCredit && bond != 0) _BOND_TOKEN.pull(msg.sender, bond);
    }

    /// @inheritdoc IDatanetRegistry
    function vote(uint256 datanetId, bytes32 contentHash, bool accept) external {
        uint256 key = _firstIdOf(datanetId, contentHash);
        ContributionRecord storage record = _requirePending(datanetId, contentHash, key);
        uint256 contributionId = _idOfAttempt(datanetId, contentHash, key, record.attempt);
        Policy storage policy = _policies[datanetId][record.termsVersion];
        uint32 bit = _voterBit(datanetId, contributionId, record, policy);
        uint32 mask;
        if (accept) {
            mask = record.acceptMask | bit;
            record.acceptMask = mask;
        } else {
            mask = record.rejectMask | bit;
            record.rejectMask = mask;
        }
        emit VoteCast(datanetId, contributionId, msg.sender, accept);

        if (_popcount(mask) < policy.quorum) return;
        if (accept) _accept(datanetId, contentHash, contributionId, record, policy);
        else _reject(datanetId, contributionId, record, policy);
    }

    /// @inheritdoc IDatanetRegistry
    function reclaimBond(uint256 datanetId, bytes32 contentHash) external {
        uint256 key = _firstIdOf(datanetId, contentHash);
        ContributionRecord storage record = _requirePending(datanetId, contentHash, key);
        uint256 contributionId = _idOfAttempt(datanetId, contentHash, key, record.attempt);
        Policy storage policy = _policies[datanetId][record.termsVersion];
        uint256 deadline = uint256(record.submittedAt) + policy.reviewWindow;
        // An hours-long window; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp <= deadline) revert DatanetReviewWindowOpen(contributionId, deadline);
        record.status = ContributionStatus.Expired;
        address contributor = record.contributor;
        uint96 refund = policy.bond;
        uint96 kept = _bondOf(record, policy) - refund;
        if (kept != 0) _treasuries[datanetId] += kept;
        emit ContributionExpired(datanetId, contributionId, contributor, refund, kept);
        if (refund != 0) _BOND_TOKEN.safeTransfer(contributor, refund);
    }

    /// @inheritdoc IDatanetRegistry
    function getContribution(uint256 datanetId, bytes32 contentHash) external view returns (Contribution memory c) {
        uint256 key = _firstIdOf(datanetId, contentHash);
        ContributionRecord memory record = _contributions[key];
        if (record.status == ContributionStatus.None) return c;
        c = Contribution({
            contributionId: _idOfAttempt(datanetId, contentHash, key, record.attempt),
            contributor: record.contributor,
            submittedAt: record.submittedAt,
            committedAt: record.committedAt,
            termsVersion: record.termsVersion,
            status: record.status,
            attempt: record.attempt,
            surgeLevel: record.surgeLevel,
            size: record.size,
            bond: SurgeBondLib.bondAt(_policies[datanetId][record.termsVersion].bond, record.surgeLevel),
            acceptMask: record.acceptMask,
            rejectMask: record.rejectMask
        });
    }

    /// @inheritdoc IDatanetRegistry
    function reviewDeadline(uint256 datanetId, bytes32 contentHash) external view returns (uint256) {
        uint256 key = _firstIdOf(datanetId, contentHash);
        ContributionRecord storage record = _contributions[key];
        if (record.status == ContributionStatus.None) revert DatanetContributionNonexistent(key);
        return uint256(record.submittedAt) + _policies[datanetId][record.termsVersion].reviewWindow;
    }

    /// @inheritdoc IDatanetRegistry
    function reputation(uint256 datanetId, address contributor) external view returns (Reputation memory) {
        ContributorAccount storage account = _accounts[datanetId][contributor];
        return Reputation(account.accepted, account.rejected, account.acceptedBytes);
    }

    /// @inheritdoc IDatanetRegistry
    function contributorUsageToday(
        uint256 datanetId,
        address contributor
    ) external view returns (uint256 files, uint256 bytes_) {
        ContributorAccount storage account = _accounts[datanetId][contributor];
        (files, bytes_) = DailyQuotaLib.used(
            account.day,
            account.filesToday,
            account.bytesToday,
            DailyQuotaLib.today()
        );
    }

    /// @inheritdoc IDatanetRegistry
    function datanetUsageToday(uint256 datanetId) external view returns (uint256 bytes_) {
        DatanetState storage state = _datanets[datanetId];
        return DailyQuotaLib.used(state.day, state.bytesToday, DailyQuotaLib.today());
    }

    /* BONDS AND TREASURY */

    /// @inheritdoc IDatanetRegistry
    function BOND_TOKEN() external view returns (address) {
        return address(_BOND_TOKEN);
    }

    /// @inheritdoc IDatanetRegistry
    function bondCredit(address account) external view returns (uint256) {
        return _creditOf(account);
    }

    /// @inheritdoc IDatanetRegistry
    function withdrawBondCredit(address to, uint256 amount) external {
        if (to == address(0)) revert DatanetInvalidReceiver(to);
        uint256 credit = _creditOf(msg.sender);
        if (amount > credit) revert DatanetInsufficientBalance(amount, credit);
        // Cannot underflow: amount <= credit was checked above; the stored value keeps its +1.
        unchecked {
            _bondCredits[msg.sender] = credit - amount + 1;
        }
        emit BondCreditWithdrawn(msg.sender, to, amount);
        _BOND_TOKEN.safeTransfer(to, amount);
    }

    /// @inheritdoc IDatanetRegistry
    function treasuryBalance(uint256 datanetId) external view returns (uint256) {
        return _treasuries[datanetId];
    }

    /// @inheritdoc IDatanetRegistry
    function withdrawTreasury(uint256 datanetId, address to, uint256 amount) external {
        _requireDatanetOwner(datanetId);
        if (to == address(0)) revert DatanetInvalidReceiver(to);
        uint256 balance = _treasuries[datanetId];
        if (amount > balance) revert DatanetInsufficientBalance(amount, balance);
        // Cannot underflow: amount <= balance was checked above.
        unchecked {
            _treasuries[datanetId] = balance - amount;
        }
        emit TreasuryWithdrawn(datanetId, to, amount);
        _BOND_TOKEN.safeTransfer(to, amount);
    }

    /* VERSIONS */

    /// @inheritdoc IDatanetRegistry
    function currentDigest(uint256 datanetId) external view returns (uint64 count, bytes32 digest) {
        _existingTerms(datanetId);
        return (_datanets[datanetId].acceptedCount, _digests[datanetId]);
    }

    /// @inheritdoc IDatanetRegistry
    function publishVersion(uint256 datanetId) external returns (uint32 version) {
        _requireDatanetOwner(datanetId);
        DatanetState storage state = _datanets[datanetId];
        uint64 count = state.acceptedCount;
        uint32 previous = state.versionCount;
        if (count == (previous == 0 ? 0 : _versions[datanetId][previous].count)) {
            revert DatanetVersionUnchanged(datanetId, count);
        }
        version = previous + 1;
        state.versionCount = version;
        bytes32 digest = _digests[datanetId];
        // Recorded for readers; nothing depends on it.
        // solhint-disable-next-line not-rely-on-time
        _versions[datanetId][version] = DatanetVersion(count, uint40(block.timestamp), digest);
        emit VersionPublished(datanetId, version, count, digest);
    }

    /// @inheritdoc IDatanetRegistry
    function versionCount(uint256 datanetId) external view returns (uint32) {
        return _datanets[datanetId].versionCount;
    }

    /// @inheritdoc IDatanetRegistry
    function getVersion(uint256 datanetId, uint32 version) external view returns (DatanetVersion memory) {
        if (version == 0 || version > _datanets[datanetId].versionCount) {
            revert DatanetVersionNonexistent(datanetId, version);
        }
        return _versions[datanetId][version];
    }

    /* INTERNAL */

    function _setTerms(uint256 datanetId, Policy memory policy, address[] memory validators) private {
        uint256 count = validators.length;
        if (count == 0) revert DatanetNoValidators();
        if (count > MAX_VALIDATORS) revert DatanetTooManyValidators(count, MAX_VALIDATORS);
        if (policy.quorum == 0 || policy.quorum > count) revert DatanetInvalidPolicy(PolicyField.Quorum);
        if (policy.reviewWindow == 0) revert DatanetInvalidPolicy(PolicyField.ReviewWindow);
        if (policy.maxFileBytes == 0) revert DatanetInvalidPolicy(PolicyField.MaxFileBytes);
        if (policy.contributorDailyFiles == 0) revert DatanetInvalidPolicy(PolicyField.ContributorDailyFiles);
        if (policy.contributorDailyBytes == 0) revert DatanetInvalidPolicy(PolicyField.ContributorDailyBytes);
        if (policy.datanetDailyBytes == 0) revert DatanetInvalidPolicy(PolicyField.DatanetDailyBytes);

        DatanetState storage state = _datanets[datanetId];
        uint32 terms = state.termsVersion + 1;
        state.termsVersion = terms;
        _policies[datanetId][terms] = policy;
        mapping(address => uint256) storage slots = _validatorSlots[datanetId][terms];
        address[] storage list = _validators[datanetId][terms];
        for (uint256 i; i < count; ++i) {
            address validator = validators[i];
            if (validator == address(0)) revert DatanetInvalidValidator(validator);
            if (slots[validator] != 0) revert DatanetDuplicateValidator(validator);
            slots[validator] = i + 1;
            list.push(validator);
        }
        emit TermsUpdated(datanetId, terms, policy, validators);
    }

    function _chargeContributor(uint256 datanetId, Policy storage policy, uint64 size, uint32 today) private {
        ContributorAccount storage account = _accounts[datanetId][msg.sender];
        (uint32 files, uint64 used) = DailyQuotaLib.used(account.day, account.filesToday, account.bytesToday, today);
        uint32 fileLimit = policy.contributorDailyFiles;
        if (files >= fileLimit) revert DatanetContributorDailyFilesExceeded(datanetId, msg.sender, fileLimit);
        uint64 remaining = DailyQuotaLib.remaining(policy.contributorDailyBytes, used);
        if (size > remaining) revert DatanetContributorDailyBytesExceeded(datanetId, msg.sender, size, remaining);
        account.day = today;
        // Cannot overflow: files < fileLimit, a uint32, and used + size <= contributorDailyBytes, a uint64, were
        // checked above.
        unchecked {
            account.filesToday = files + 1;
            account.bytesToday = used + size;
        }
    }

    /// @dev Adds `size` to the Datanet's bytes today and returns the submission's surge level. Without a bond the
    /// budget is a hard limit; with one it is priced (see {SurgeBondLib}), so that nobody is ever locked out.
    function _chargeDatanet(
        uint256 datanetId,
        DatanetState storage state,
        uint96 bond,
        uint64 budget,
        uint64 size,
        uint32 today
    ) private returns (uint8 surgeLevel) {
        uint64 used = DailyQuotaLib.used(state.day, state.bytesToday, today);
        uint256 usedAfter = uint256(used) + size;
        if (bond == 0) {
            uint64 remaining = DailyQuotaLib.remaining(budget, used);
            if (size > remaining) revert DatanetDailyBytesExceeded(datanetId, size, remaining);
        } else {
            surgeLevel = SurgeBondLib.level(usedAfter, budget);
        }
        state.day = today;
        // Saturates rather than reverts: a priced budget has no hard limit, and the level saturates long before.
        state.bytesToday = usedAfter > type(uint64).max ? type(uint64).max : uint64(usedAfter);
    }

    /// @dev Checks what a submission can be refused for before anything is read of the content; returns the terms.
    function _checkRequest(SubmitRequest memory request) private view returns (uint32 terms) {
        uint256 datanetId = request.datanetId;
        terms = _datanets[datanetId].termsVersion;
        if (terms == 0) revert DatanetNonexistent(datanetId);
        if (request.termsVersion != terms) revert DatanetTermsChanged(datanetId, request.termsVersion, terms);
        if (request.contentHash == bytes32(0)) revert DatanetInvalidContentHash();
        if (request.size == 0) revert DatanetEmptyContribution();
    }

    /// @dev Applies the file and daily limits and returns the surge level and the bond, within the contributor's
    /// maximum.
    function _charge(SubmitRequest memory request, uint32 terms) private returns (uint8 surgeLevel, uint96 bond) {
        uint256 datanetId = request.datanetId;
        uint64 size = request.size;
        Policy storage policy = _policies[datanetId][terms];
        if (size > policy.maxFileBytes) revert DatanetFileTooLarge(datanetId, size, policy.maxFileBytes);
        uint32 today = DailyQuotaLib.today();
        _chargeContributor(datanetId, policy, size, today);
        uint96 base = policy.bond;
        surgeLevel = _chargeDatanet(datanetId, _datanets[datanetId], base, policy.datanetDailyBytes, size, today);
        uint256 amount = SurgeBondLib.bondAt(base, surgeLevel);
        if (amount > request.maxBond) revert DatanetBondAboveMax(datanetId, amount, request.maxBond);
        // Fits: amount <= request.maxBond, a uint96, was checked above.
        bond = uint96(amount);
    }

    /// @dev Checks and consumes the caller's commitment to this submission; returns when it was recorded.
    function _useCommitment(uint256 datanetId, bytes32 contentHash, bytes32 salt) private returns (uint40) {
        bytes32 commitment = commitmentOf(msg.sender, datanetId, contentHash, salt);
        uint256 at = _commitments[commitment];
        if (at == 0) revert DatanetUnknownCommitment(commitment);
        // Tells a later block from the commitment's.
        // solhint-disable-next-line not-rely-on-time
        if (at >= block.timestamp) revert DatanetCommitmentTooRecent(commitment, at);
        delete _commitments[commitment];
        // Fits: a block timestamp.
        return uint40(at);
    }

    /// @dev The attempt number a new submission of this content gets, after checking that the content may be
    /// submitted: new, expired, rejected and cooled off, or pending under a later commitment (which it supersedes).
    function _nextAttempt(
        uint256 datanetId,
        bytes32 contentHash,
        uint256 key,
        uint40 committed
    ) private returns (uint32) {
        ContributionRecord storage record = _contributions[key];
        ContributionStatus status = record.status;
        if (status == ContributionStatus.None) return 1;
        uint32 previous = record.attempt;
        uint256 previousId = _idOfAttempt(datanetId, contentHash, key, previous);
        if (status == ContributionStatus.Pending) {
            if (record.committedAt <= committed) revert DatanetDuplicateContent(datanetId, contentHash, previousId);
            _supersede(datanetId, previousId, record);
        } else if (status == ContributionStatus.Accepted) {
            revert DatanetDuplicateContent(datanetId, contentHash, previousId);
        } else if (status == ContributionStatus.Rejected) {
            uint256 at =
                uint256(record.submittedAt) +
                    _policies[datanetId][record.termsVersion].reviewWindow +
                    REJECTION_COOLING_OFF;
            // Hours of cooling-off; seconds of skew do not matter.
            // solhint-disable-next-line not-rely-on-time
            if (block.timestamp < at) revert DatanetRejectionCoolingOff(previousId, at);
        }
        return previous + 1;
    }

    /// @dev Credits a pending attempt's whole bond back to its contributor, whose copy lost to an earlier commitment.
    function _supersede(uint256 datanetId, uint256 contributionId, ContributionRecord storage record) private {
        address contributor = record.contributor;
        uint96 refund = _bondOf(record, _policies[datanetId][record.termsVersion]);
        if (refund != 0) _bondCredits[contributor] = _creditOf(contributor) + refund + 1;
        emit ContributionSuperseded(datanetId, contributionId, contributor, refund);
    }

    /// @dev The caller's bit in the vote masks, after checking that it may vote on `record` now.
    function _voterBit(
        uint256 datanetId,
        uint256 contributionId,
        ContributionRecord storage record,
        Policy storage policy
    ) private view returns (uint32 bit) {
        uint256 deadline = uint256(record.submittedAt) + policy.reviewWindow;
        // An hours-long window; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp > deadline) revert DatanetReviewWindowClosed(contributionId, deadline);
        uint256 slot = _validatorSlots[datanetId][record.termsVersion][msg.sender];
        if (slot == 0) revert DatanetUnauthorizedValidator(contributionId, msg.sender);
        if (record.contributor == msg.sender) revert DatanetSelfReview(contributionId, msg.sender);
        bit = uint32(1 << (slot - 1));
        if ((record.acceptMask | record.rejectMask) & bit != 0) revert DatanetAlreadyVoted(contributionId, msg.sender);
    }

    /// @dev The bond `record` posted under `policy`, its terms.
    function _bondOf(ContributionRecord storage record, Policy storage policy) private view returns (uint96) {
        // Fits: a bond is stored only once it is at most the contributor's uint96 maximum.
        return uint96(SurgeBondLib.bondAt(policy.bond, record.surgeLevel));
    }

    /// @dev Pays a nonzero bond from the contributor's credit when the credit covers it; returns whether it did.
    function _debitBondCredit(address contributor, uint96 bond) private returns (bool) {
        if (bond == 0) return false;
        uint256 credit = _creditOf(contributor);
        if (credit < bond) return false;
        // Cannot underflow: credit >= bond was checked above; the stored value keeps its +1.
        unchecked {
            _bondCredits[contributor] = credit - bond + 1;
        }
        return true;
    }

    function _accept(
        uint256 datanetId,
        bytes32 contentHash,
        uint256 contributionId,
        ContributionRecord storage record,
        Policy storage policy
    ) private {
        record.status = ContributionStatus.Accepted;
        DatanetState storage state = _datanets[datanetId];
        uint64 index = state.acceptedCount + 1;
        state.acceptedCount = index;
        bytes32 digest = keccak256(abi.encode(_digests[datanetId], contributionId, contentHash));
        _digests[datanetId] = digest;
        address contributor = record.contributor;
        ContributorAccount storage account = _accounts[datanetId][contributor];
        account.accepted += 1;
        account.acceptedBytes += record.size;
        uint96 bond = _bondOf(record, policy);
        if (bond != 0) _bondCredits[contributor] = _creditOf(contributor) + bond + 1;
        emit ContributionAccepted(datanetId, contributionId, contributor, contentHash, index, digest, bond);
    }

    function _reject(
        uint256 datanetId,
        uint256 contributionId,
        ContributionRecord storage record,
        Policy storage policy
    ) private {
        record.status = ContributionStatus.Rejected;
        address contributor = record.contributor;
        _accounts[datanetId][contributor].rejected += 1;
        uint96 bond = _bondOf(record, policy);
        if (bond != 0) _treasuries[datanetId] += bond;
        emit ContributionRejected(datanetId, contributionId, contributor, bond);
    }

    function _creditOf(address account) private view returns (uint256) {
        uint256 stored = _bondCredits[account];
        // Cannot underflow: a nonzero stored value is credit + 1.
        unchecked {
            return stored == 0 ? 0 : stored - 1;
        }
    }

    /// @dev The latest attempt of `contentHash`, stored under `key` (its first attempt's id), which must be pending.
    function _requirePending(
        uint256 datanetId,
        bytes32 contentHash,
        uint256 key
    ) private view returns (ContributionRecord storage record) {
        record = _contributions[key];
        ContributionStatus status = record.status;
        if (status == ContributionStatus.None) revert DatanetContributionNonexistent(key);
        if (status != ContributionStatus.Pending) {
            revert DatanetContributionNotPending(_idOfAttempt(datanetId, contentHash, key, record.attempt), status);
        }
    }

    function _firstIdOf(uint256 datanetId, bytes32 contentHash) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(datanetId, contentHash)));
    }

    /// @dev A 96-byte preimage: never equal to a first attempt's id, whose preimage has 64 bytes.
    function _laterIdOf(uint256 datanetId, bytes32 contentHash, uint32 attempt) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(datanetId, contentHash, attempt)));
    }

    /// @dev {contributionIdOf} when the first attempt's id, `key`, is at hand already.
    function _idOfAttempt(
        uint256 datanetId,
        bytes32 contentHash,
        uint256 key,
        uint32 attempt
    ) private pure returns (uint256) {
        return attempt == 1 ? key : _laterIdOf(datanetId, contentHash, attempt);
    }

    function _requireDatanetOwner(uint256 datanetId) private view {
        address owner = _ownerOf(datanetId);
        if (owner == address(0)) revert DatanetNonexistent(datanetId);
        if (owner != msg.sender) revert DatanetUnauthorizedOwner(datanetId, msg.sender);
    }

    function _existingTerms(uint256 datanetId) private view returns (uint32 terms) {
        terms = _datanets[datanetId].termsVersion;
        if (terms == 0) revert DatanetNonexistent(datanetId);
    }

    /// @dev Number of set bits of a vote mask (SWAR popcount).
    function _popcount(uint256 x) private pure returns (uint256) {
        x -= (x >> 1) & 0x55555555;
        x = (x & 0x33333333) + ((x >> 2) & 0x33333333);
        x = (x + (x >> 4)) & 0x0F0F0F0F;
        return ((x * 0x01010101) & 0xFFFFFFFF) >> 24;
    }
}
