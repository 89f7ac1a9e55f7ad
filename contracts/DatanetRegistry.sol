// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {
    IDatanetRegistry,
    AccessMode,
    Contribution,
    ContributionStatus,
    DatanetVersion,
    Policy,
    PolicyField,
    Reputation
} from "./interfaces/IDatanetRegistry.sol";

/// @title DatanetRegistry
/// @notice See {IDatanetRegistry}.
contract DatanetRegistry is IDatanetRegistry, ERC721 {
    using SafeERC20 for IERC20;

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

    /* CONSTANTS */

    /// @inheritdoc IDatanetRegistry
    uint256 public constant MAX_VALIDATORS = 32;

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
    mapping(uint256 contributionId => Contribution) private _contributions;
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
    function contributionIdOf(uint256 datanetId, bytes32 contentHash) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(datanetId, contentHash)));
    }

    /// @inheritdoc IDatanetRegistry
    function submit(
        uint256 datanetId,
        bytes32 contentHash,
        uint64 size,
        string calldata uri
    ) external returns (uint256 contributionId) {
        DatanetState storage state = _datanets[datanetId];
        uint32 terms = state.termsVersion;
        if (terms == 0) revert DatanetNonexistent(datanetId);
        if (contentHash == bytes32(0)) revert DatanetInvalidContentHash();
        if (size == 0) revert DatanetEmptyContribution();
        contributionId = contributionIdOf(datanetId, contentHash);
        Contribution storage contribution = _contributions[contributionId];
        if (contribution.status != ContributionStatus.None) {
            revert DatanetDuplicateContent(datanetId, contentHash, contributionId);
        }
        Policy storage policy = _policies[datanetId][terms];
        if (size > policy.maxFileBytes) revert DatanetFileTooLarge(datanetId, size, policy.maxFileBytes);

        uint32 today = uint32(block.timestamp / 1 days);
        _chargeContributor(datanetId, policy, size, today);
        _chargeDatanet(datanetId, state, policy.datanetDailyBytes, size, today);

        _contributions[contributionId] = Contribution({
            contributor: msg.sender,
            submittedAt: uint40(block.timestamp),
            termsVersion: terms,
            status: ContributionStatus.Pending,
            datanetId: uint64(datanetId),
            size: size,
            acceptMask: 0,
            rejectMask: 0
        });
        uint96 bond = policy.bond;
        bool fromCredit = _debitBondCredit(msg.sender, bond);
        emit ContributionSubmitted(
            datanetId,
            contributionId,
            msg.sender,
            contentHash,
            size,
            uri,
            terms,
            bond,
            fromCredit
        );
        if (!fromCredit && bond != 0) _BOND_TOKEN.safeTransferFrom(msg.sender, address(this), bond);
    }

    /// @inheritdoc IDatanetRegistry
    function vote(uint256 datanetId, bytes32 contentHash, bool accept) external {
        uint256 contributionId = contributionIdOf(datanetId, contentHash);
        Contribution storage contribution = _requirePending(contributionId);
        uint32 terms = contribution.termsVersion;
        Policy storage policy = _policies[datanetId][terms];
        uint256 deadline = uint256(contribution.submittedAt) + policy.reviewWindow;
        if (block.timestamp > deadline) revert DatanetReviewWindowClosed(contributionId, deadline);
        uint256 slot = _validatorSlots[datanetId][terms][msg.sender];
        if (slot == 0) revert DatanetUnauthorizedValidator(contributionId, msg.sender);
        address contributor = contribution.contributor;
        if (contributor == msg.sender) revert DatanetSelfReview(contributionId, msg.sender);

        uint32 bit = uint32(1 << (slot - 1));
        uint32 acceptMask = contribution.acceptMask;
        uint32 rejectMask = contribution.rejectMask;
        if ((acceptMask | rejectMask) & bit != 0) revert DatanetAlreadyVoted(contributionId, msg.sender);
        if (accept) {
            acceptMask |= bit;
            contribution.acceptMask = acceptMask;
        } else {
            rejectMask |= bit;
            contribution.rejectMask = rejectMask;
        }
        emit VoteCast(datanetId, contributionId, msg.sender, accept);

        uint256 votes = _popcount(accept ? acceptMask : rejectMask);
        if (votes < policy.quorum) return;
        if (accept) {
            _accept(datanetId, contentHash, contributionId, contribution, contributor, policy.bond);
        } else {
            _reject(datanetId, contributionId, contribution, contributor, policy.bond);
        }
    }

    /// @inheritdoc IDatanetRegistry
    function reclaimBond(uint256 datanetId, bytes32 contentHash) external {
        uint256 contributionId = contributionIdOf(datanetId, contentHash);
        Contribution storage contribution = _requirePending(contributionId);
        Policy storage policy = _policies[datanetId][contribution.termsVersion];
        uint256 deadline = uint256(contribution.submittedAt) + policy.reviewWindow;
        if (block.timestamp <= deadline) revert DatanetReviewWindowOpen(contributionId, deadline);
        contribution.status = ContributionStatus.Expired;
        address contributor = contribution.contributor;
        uint96 bond = policy.bond;
        emit ContributionExpired(datanetId, contributionId, contributor, bond);
        if (bond != 0) _BOND_TOKEN.safeTransfer(contributor, bond);
    }

    /// @inheritdoc IDatanetRegistry
    function getContribution(uint256 contributionId) external view returns (Contribution memory) {
        return _contributions[contributionId];
    }

    /// @inheritdoc IDatanetRegistry
    function reviewDeadline(uint256 contributionId) external view returns (uint256) {
        Contribution storage contribution = _contributions[contributionId];
        if (contribution.status == ContributionStatus.None) revert DatanetContributionNonexistent(contributionId);
        return
            uint256(contribution.submittedAt) +
            _policies[contribution.datanetId][contribution.termsVersion].reviewWindow;
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
        if (account.day == block.timestamp / 1 days) return (account.filesToday, account.bytesToday);
    }

    /// @inheritdoc IDatanetRegistry
    function datanetUsageToday(uint256 datanetId) external view returns (uint256 bytes_) {
        DatanetState storage state = _datanets[datanetId];
        if (state.day == block.timestamp / 1 days) return state.bytesToday;
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
        uint32 files;
        uint64 used;
        if (account.day == today) {
            files = account.filesToday;
            used = account.bytesToday;
        }
        uint32 fileLimit = policy.contributorDailyFiles;
        if (files >= fileLimit) revert DatanetContributorDailyFilesExceeded(datanetId, msg.sender, fileLimit);
        uint64 byteLimit = policy.contributorDailyBytes;
        uint64 remaining = byteLimit > used ? byteLimit - used : 0;
        if (size > remaining) revert DatanetContributorDailyBytesExceeded(datanetId, msg.sender, size, remaining);
        account.day = today;
        account.filesToday = files + 1;
        account.bytesToday = used + size;
    }

    function _chargeDatanet(
        uint256 datanetId,
        DatanetState storage state,
        uint64 limit,
        uint64 size,
        uint32 today
    ) private {
        uint64 used = state.day == today ? state.bytesToday : 0;
        uint64 remaining = limit > used ? limit - used : 0;
        if (size > remaining) revert DatanetDailyBytesExceeded(datanetId, size, remaining);
        state.day = today;
        state.bytesToday = used + size;
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
        Contribution storage contribution,
        address contributor,
        uint96 bond
    ) private {
        contribution.status = ContributionStatus.Accepted;
        DatanetState storage state = _datanets[datanetId];
        uint64 index = state.acceptedCount + 1;
        state.acceptedCount = index;
        bytes32 digest = keccak256(abi.encode(_digests[datanetId], contributionId, contentHash));
        _digests[datanetId] = digest;
        ContributorAccount storage account = _accounts[datanetId][contributor];
        account.accepted += 1;
        account.acceptedBytes += contribution.size;
        if (bond != 0) _bondCredits[contributor] = _creditOf(contributor) + bond + 1;
        emit ContributionAccepted(datanetId, contributionId, contributor, contentHash, index, digest, bond);
    }

    function _reject(
        uint256 datanetId,
        uint256 contributionId,
        Contribution storage contribution,
        address contributor,
        uint96 bond
    ) private {
        contribution.status = ContributionStatus.Rejected;
        _accounts[datanetId][contributor].rejected += 1;
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

    function _requirePending(uint256 contributionId) private view returns (Contribution storage contribution) {
        contribution = _contributions[contributionId];
        ContributionStatus status = contribution.status;
        if (status == ContributionStatus.None) revert DatanetContributionNonexistent(contributionId);
        if (status != ContributionStatus.Pending) revert DatanetContributionNotPending(contributionId, status);
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
