// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafePull} from "../libraries/SafePull.sol";
import {IInferenceSettlement, ModelTotals} from "../interfaces/IInferenceSettlement.sol";
import {IModelController} from "../interfaces/IModelController.sol";
import {
    IModelOffering,
    Deposit,
    Milestone,
    MilestoneKind,
    OfferingState,
    OfferingTerms
} from "../interfaces/IModelOffering.sol";
import {IModelRegistry, ModelVersion} from "../interfaces/IModelRegistry.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";
import {IOfferingFactory} from "../interfaces/IOfferingFactory.sol";
import {MerkleLeaf} from "../libraries/MerkleLeaf.sol";

/// @title ModelOffering
/// @notice See {IModelOffering}.
/// @dev A clone (EIP-1167) of one implementation, whose immutables (OPEN, the model registry, settlement) every clone
/// shares. Gas: {buy} reads and writes one global slot ({Sale}) and creates the buyer's {Deposit}; nothing else.
/// OPEN held. Before the deadline the offering holds every deposit. After a success it holds the refunds still owed
/// (each unsettled buyer's deposit minus its fill) plus the net raise not released; after the holders ended it,
/// that unreleased part minus what the buyers redeemed. After a failure it holds the deposits not yet refunded. Each
/// of these moves only by the transfer that changes it, so `balance = refunds owed + (net − released) − redeemed` at
/// all times (the invariant test checks it after every step).
/// Shares held. The offering (the share token's escrow) holds the sale part until buyers settle, the contributors' part
/// until claimed (or swept to the treasury after the claim window) and the creator's until vested and claimed; unsold
/// shares are burned at success, the whole supply at a failure, the creator's unvested part when the offering ends.
// One offering holds a whole model's terms, sale, escrow, vesting and vote: its state is grouped into packed slots by
// the path that reads it (the buy path touches one), which is clearer than splitting it across contracts.
// solhint-disable-next-line max-states-count
contract ModelOffering is IModelOffering, Initializable {
    using SafeERC20 for IERC20;
    using SafePull for IERC20;

    /* TYPES */

    /// @dev One slot, the only global one {buy} touches.
    struct Sale {
        uint128 totalDeposits;
        uint64 deadline;
        OfferingState state;
        /// @dev The protocol fee, fixed at launch so the owner cannot change a raise buyers already committed to.
        uint16 feeBps;
    }

    /// @dev One slot: what the sale raised (`R`) and the shares it sold (`T`); set at finalize.
    struct Outcome {
        uint128 raised;
        uint128 sold;
    }

    /// @dev One slot: the raise after the protocol fee and what of it the creator received.
    struct Escrow {
        uint128 net;
        uint128 released;
    }

    /// @dev One slot: the creator's vesting clock and what it claimed. Its start also opens the contributors' claim
    /// window.
    struct Vesting {
        /// @dev The success's timestamp (0 before).
        uint64 start;
        /// @dev When the offering ended (0 while it has not): vesting stops there.
        uint64 stop;
        uint128 claimed;
    }

    /// @dev The open or last vote to end (two slots).
    struct EndVote {
        uint32 index;
        uint64 snapshot;
        uint64 voteEnd;
        bool open;
        uint128 votesFor;
        uint128 votesAgainst;
    }

    /// @dev One slot: the OPEN redeemable once ended, and what was redeemed of it.
    struct Redemption {
        uint128 unreleased;
        uint128 redeemed;
    }

    /* CONSTANTS */

    /// @inheritdoc IModelOffering
    uint256 public constant CONTRIBUTOR_CLAIM_WINDOW = 365 days;

    uint256 private constant _BPS = 10_000;

    IERC20 private immutable _PAYMENT_TOKEN;
    IModelRegistry private immutable _MODELS;
    IInferenceSettlement private immutable _SETTLEMENT;

    /* STORAGE */

    Sale private _sale;
    mapping(address buyer => Deposit) private _deposits;

    IOfferingFactory private _factory;
    uint256 private _modelId;
    address private _creator;
    address private _shares;
    address private _controller;
    address private _modelTreasury;
    OfferingTerms private _terms;
    bytes32 private _prospectusHash;
    string private _prospectusURI;
    ModelTotals private _launchTotals;
    uint32 private _launchVersionCount;
    uint96 private _launchPrice;

    Outcome private _outcome;
    Escrow private _escrow;
    /// @dev Bit `i` set once tranche `i` was released (the upfront part is bit `milestones.length`).
    uint256 private _releasedBits;
    Vesting private _vesting;
    uint256 private _contributorsClaimed;
    mapping(address account => uint256) private _contributorClaimed;

    EndVote private _endVote;
    uint256 private _endQuorum;
    /// @dev Votes opened so far: keys each vote's voters.
    uint256 private _voteCount;
    mapping(uint256 vote => mapping(address voter => bool)) private _voted;
    Redemption private _redemption;

    /// @param paymentToken OPEN, in which the sale is paid.
    /// @param models The model registry (versions for milestones).
    /// @param settlement_ Inference settlement (per-model totals for milestones).
    constructor(IERC20 paymentToken, IModelRegistry models, IInferenceSettlement settlement_) {
        _PAYMENT_TOKEN = paymentToken;
        _MODELS = models;
        _SETTLEMENT = settlement_;
        _disableInitializers();
    }

    /* INITIALIZATION */

    /// @inheritdoc IModelOffering
    function initialize(
        uint256 modelId_,
        address creator_,
        address shares_,
        address controller_,
        address modelTreasury_,
        OfferingTerms calldata terms_,
        bytes32 prospectusHash_,
        string calldata prospectusURI_
    ) external initializer {
        _factory = IOfferingFactory(msg.sender);
        _modelId = modelId_;
        _creator = creator_;
        _shares = shares_;
        _controller = controller_;
        _modelTreasury = modelTreasury_;
        _storeTerms(terms_);
        _prospectusHash = prospectusHash_;
        _prospectusURI = prospectusURI_;
        _launchTotals = _SETTLEMENT.modelTotals(modelId_);
        _launchVersionCount = _MODELS.versionCount(modelId_);
        _launchPrice = _MODELS.terms(modelId_).pricePerCall;
        _sale = Sale({
            totalDeposits: 0,
            deadline: terms_.sale.deadline,
            state: OfferingState.Sale,
            feeBps: _factory.protocolFeeBps()
        });
    }

    /* SALE */

    /// @inheritdoc IModelOffering
    function buy(uint256 amount) external {
        Sale memory sale = _sale;
        // A days-long sale; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp >= sale.deadline) revert OfferingSaleClosed(sale.deadline);
        Deposit storage deposit = _deposits[msg.sender];
        if (deposit.amount != 0) revert OfferingAlreadyBought(msg.sender);
        uint256 start = sale.totalDeposits;
        // Cannot underflow: the running total never passes 2^120 - 1 (checked here at every deposit).
        unchecked {
            if (amount == 0 || amount > type(uint120).max - start) revert OfferingInvalidAmount(amount);
        }
        // Fits: start + amount <= 2^120 - 1 was checked above.
        _sale.totalDeposits = uint128(start + amount);
        deposit.start = uint120(start);
        deposit.amount = uint120(amount);
        emit SharesBought(msg.sender, amount, start);
        _PAYMENT_TOKEN.pull(msg.sender, amount);
    }

    /// @inheritdoc IModelOffering
    function finalize() external {
        // The sale lasts days, vesting months: seconds of skew do not matter.
        // solhint-disable not-rely-on-time
        Sale memory sale = _sale;
        if (sale.state != OfferingState.Sale) revert OfferingWrongState(OfferingState.Sale, sale.state);
        if (block.timestamp < sale.deadline) revert OfferingSaleOpen(sale.deadline);
        IModelShares shares_ = IModelShares(_shares);
        if (sale.totalDeposits < _terms.sale.softCap) {
            _sale.state = OfferingState.Failed;
            emit OfferingFinalized(false, 0, 0, 0);
            shares_.burn(address(this), IERC20(address(shares_)).totalSupply());
            IModelController(_controller).returnModel(_creator);
            return;
        }
        uint256 hardCap = _terms.sale.hardCap;
        uint256 raised = sale.totalDeposits < hardCap ? sale.totalDeposits : hardCap;
        uint256 saleShares = _terms.split.sale;
        // Fits: raised <= hardCap, so sold <= the sale part, a uint128.
        uint256 sold = (raised * saleShares) / hardCap;
        uint256 fee = (raised * sale.feeBps) / _BPS;
        // Cannot underflow: the fee is at most a tenth of the raise (MAX_PROTOCOL_FEE_BPS).
        uint256 net;
        unchecked {
            net = raised - fee;
        }
        _sale.state = OfferingState.Succeeded;
        _outcome = Outcome({raised: uint128(raised), sold: uint128(sold)});
        _escrow.net = uint128(net);
        _vesting.start = uint64(block.timestamp);
        emit OfferingFinalized(true, raised, fee, sold);

        if (fee != 0) _PAYMENT_TOKEN.safeTransfer(_factory.protocolTreasury(), fee);
        // Cannot underflow: sold <= saleShares (see above).
        unchecked {
            if (saleShares != sold) shares_.burn(address(this), saleShares - sold);
        }
        uint256 treasuryShares = _terms.split.treasury;
        if (treasuryShares != 0) IERC20(address(shares_)).safeTransfer(_modelTreasury, treasuryShares);
        IModelController(_controller).setRevenueRecipient(address(shares_));
        _release(_terms.milestones.length);
        // solhint-enable not-rely-on-time
    }

    /// @inheritdoc IModelOffering
    function settle(address buyer) external returns (uint256 sharesOut, uint256 refund) {
        OfferingState state_ = _sale.state;
        if (state_ == OfferingState.Sale) revert OfferingWrongState(OfferingState.Succeeded, state_);
        Deposit storage deposit = _deposits[buyer];
        if (deposit.amount == 0 || deposit.settled) revert OfferingNothingToSettle(buyer);
        (sharesOut, refund) = _settlement(deposit.start, deposit.amount, state_);
        deposit.settled = true;
        emit BuyerSettled(buyer, sharesOut, refund);
        if (sharesOut != 0) IERC20(_shares).safeTransfer(buyer, sharesOut);
        if (refund != 0) _PAYMENT_TOKEN.safeTransfer(buyer, refund);
    }

    /* SHARES */

    /// @inheritdoc IModelOffering
    function claimContributorShares(address account, uint256 amount, bytes32[] calldata proof) external {
        _requireFunded();
        uint256 closesAt = _vesting.start + CONTRIBUTOR_CLAIM_WINDOW;
        // A days-long window; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp >= closesAt) revert OfferingClaimWindowClosed(closesAt);
        if (!MerkleLeaf.verify(proof, _terms.contributorsRoot, account, amount)) {
            revert OfferingInvalidProof(account, amount);
        }
        uint256 already = _contributorClaimed[account];
        if (amount <= already) revert OfferingNothingToClaim(account);
        uint256 pool = _terms.split.contributors;
        uint256 claimedTotal = _contributorsClaimed;
        // Cannot underflow: amount > already was checked, and every claim keeps claimedTotal <= pool.
        uint256 owed;
        uint256 remaining;
        unchecked {
            owed = amount - already;
            remaining = pool - claimedTotal;
        }
        if (owed > remaining) revert OfferingContributorPoolExceeded(owed, remaining);
        _contributorClaimed[account] = amount;
        // Cannot overflow: owed <= remaining, so the total stays at most the pool.
        unchecked {
            _contributorsClaimed = claimedTotal + owed;
        }
        emit ContributorSharesClaimed(account, owed, amount);
        IERC20(_shares).safeTransfer(account, owed);
    }

    /// @inheritdoc IModelOffering
    function sweepContributorShares() external returns (uint256 amount) {
        _requireFunded();
        uint256 closesAt = _vesting.start + CONTRIBUTOR_CLAIM_WINDOW;
        // A days-long window; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp < closesAt) revert OfferingClaimWindowOpen(closesAt);
        uint256 pool = _terms.split.contributors;
        // Cannot underflow: claims keep the claimed total at most the pool.
        unchecked {
            amount = pool - _contributorsClaimed;
        }
        _contributorsClaimed = pool;
        emit ContributorSharesSwept(amount);
        if (amount != 0) IERC20(_shares).safeTransfer(_modelTreasury, amount);
    }

    /// @inheritdoc IModelOffering
    function claimVested() external returns (uint256 amount) {
        if (msg.sender != _creator) revert OfferingUnauthorizedCreator(msg.sender);
        _requireFunded();
        Vesting memory vesting_ = _vesting;
        // Cannot underflow: claims never pass what has vested, which never falls.
        unchecked {
            // Months of vesting; skew vests seconds' worth.
            // solhint-disable-next-line not-rely-on-time
            amount = _vestedAt(vesting_, block.timestamp) - vesting_.claimed;
        }
        // Fits: the claimed total is at most the creator's part, a uint128.
        _vesting.claimed = uint128(vesting_.claimed + amount);
        emit VestedSharesClaimed(msg.sender, amount);
        if (amount != 0) IERC20(_shares).safeTransfer(msg.sender, amount);
    }

    /* MILESTONES */

    /// @inheritdoc IModelOffering
    function release(uint256 index, uint32 modelVersion) external returns (uint256 amount) {
        OfferingState state_ = _sale.state;
        if (state_ != OfferingState.Succeeded) revert OfferingWrongState(OfferingState.Succeeded, state_);
        if (index >= _terms.milestones.length) revert OfferingMilestoneNonexistent(index);
        if (_isReleased(index)) revert OfferingMilestoneReleased(index);
        if (!_isMet(_terms.milestones[index], modelVersion)) revert OfferingMilestoneNotMet(index);
        return _release(index);
    }

    /// @inheritdoc IModelOffering
    function openEndVote(uint256 index) external {
        // Milestone deadlines and end votes span days: seconds of skew do not matter. The snapshot is the previous
        // second (the shares' ERC-6372 clock is time), so shares moved in this block do not vote.
        // solhint-disable not-rely-on-time
        OfferingState state_ = _sale.state;
        if (state_ != OfferingState.Succeeded) revert OfferingWrongState(OfferingState.Succeeded, state_);
        if (index >= _terms.milestones.length) revert OfferingMilestoneNonexistent(index);
        if (_isReleased(index)) revert OfferingMilestoneReleased(index);
        Milestone memory milestone = _terms.milestones[index];
        // A version milestone is met by a version someone must name: its creator releases it rather than wait here.
        if (
            block.timestamp <= milestone.deadline ||
            (milestone.kind != MilestoneKind.ModelVersion && _isMet(milestone, 0))
        ) revert OfferingMilestoneNotOverdue(index);
        if (_endVote.open) revert OfferingEndVoteActive(true);
        IERC20 shares_ = IERC20(_shares);
        // Shares in escrow are nobody's votes yet: the quorum counts those outside it.
        uint256 quorum = (_terms.endVote.quorumBps * (shares_.totalSupply() - shares_.balanceOf(address(this)))) / _BPS;
        uint256 snapshot = block.timestamp - 1;
        uint256 voteEnd = block.timestamp + _terms.endVote.votingPeriod;
        _endVote = EndVote({
            index: uint32(index),
            snapshot: uint64(snapshot),
            voteEnd: uint64(voteEnd),
            open: true,
            votesFor: 0,
            votesAgainst: 0
        });
        _endQuorum = quorum;
        ++_voteCount;
        emit EndVoteOpened(index, snapshot, voteEnd, quorum);
        // solhint-enable not-rely-on-time
    }

    /// @inheritdoc IModelOffering
    function castEndVote(bool support) external {
        EndVote memory vote = _endVote;
        if (!vote.open) revert OfferingEndVoteActive(false);
        // A days-long vote; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp > vote.voteEnd) revert OfferingEndVoteTiming(vote.voteEnd);
        mapping(address => bool) storage voted = _voted[_voteCount];
        if (voted[msg.sender]) revert OfferingAlreadyVoted(msg.sender);
        uint256 weight = IVotes(_shares).getPastVotes(msg.sender, vote.snapshot);
        if (weight == 0) revert OfferingNoVotes(msg.sender);
        voted[msg.sender] = true;
        // Fits: votes are at most the share supply, a sum of four uint128 parts checked at launch to fit 2^128.
        if (support) _endVote.votesFor = uint128(vote.votesFor + weight);
        else _endVote.votesAgainst = uint128(vote.votesAgainst + weight);
        emit EndVoteCast(msg.sender, support, weight);
    }

    /// @inheritdoc IModelOffering
    function closeEndVote() external returns (bool ended) {
        EndVote memory vote = _endVote;
        if (!vote.open) revert OfferingEndVoteActive(false);
        // A days-long vote; seconds of skew do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp <= vote.voteEnd) revert OfferingEndVoteTiming(vote.voteEnd);
        _endVote.open = false;
        ended = vote.votesFor >= _endQuorum && vote.votesFor > vote.votesAgainst;
        if (!ended) {
            emit EndVoteFailed(vote.votesFor, vote.votesAgainst);
            return false;
        }
        _end();
    }

    /// @inheritdoc IModelOffering
    function redeem(address buyer) external returns (uint256 amount) {
        OfferingState state_ = _sale.state;
        if (state_ != OfferingState.Ended) revert OfferingWrongState(OfferingState.Ended, state_);
        Deposit storage deposit = _deposits[buyer];
        if (deposit.amount == 0 || deposit.redeemed) revert OfferingNothingToRedeem(buyer);
        Redemption memory redemption = _redemption;
        amount = _redemptionOf(deposit.start, deposit.amount, redemption.unreleased);
        deposit.redeemed = true;
        // Fits: the parts telescope to the unreleased part, a uint128.
        _redemption.redeemed = uint128(redemption.redeemed + amount);
        emit DepositRedeemed(buyer, amount);
        if (amount != 0) _PAYMENT_TOKEN.safeTransfer(buyer, amount);
    }

    /* VIEWS */

    /// @inheritdoc IModelOffering
    function state() external view returns (OfferingState) {
        return _sale.state;
    }

    /// @inheritdoc IModelOffering
    function modelId() external view returns (uint256) {
        return _modelId;
    }

    /// @inheritdoc IModelOffering
    function creator() external view returns (address) {
        return _creator;
    }

    /// @inheritdoc IModelOffering
    function shares() external view returns (address) {
        return _shares;
    }

    /// @inheritdoc IModelOffering
    function controller() external view returns (address) {
        return _controller;
    }

    /// @inheritdoc IModelOffering
    function modelTreasury() external view returns (address) {
        return _modelTreasury;
    }

    /// @inheritdoc IModelOffering
    function terms() external view returns (OfferingTerms memory) {
        return _terms;
    }

    /// @inheritdoc IModelOffering
    function prospectusHash() external view returns (bytes32) {
        return _prospectusHash;
    }

    /// @inheritdoc IModelOffering
    function prospectusURI() external view returns (string memory) {
        return _prospectusURI;
    }

    /// @inheritdoc IModelOffering
    function launchTotals() external view returns (uint256 calls, uint256 fees) {
        ModelTotals memory totals = _launchTotals;
        return (totals.calls, totals.fees);
    }

    /// @inheritdoc IModelOffering
    /// @dev Settling zeroes `amount` and keeps `start`: a settled deposit reads `(start, 0)`.
    function deposits(address buyer) external view returns (Deposit memory) {
        return _deposits[buyer];
    }

    /// @inheritdoc IModelOffering
    function totalDeposits() external view returns (uint256) {
        return _sale.totalDeposits;
    }

    /// @inheritdoc IModelOffering
    function settlement(address buyer) external view returns (uint256 sharesOut, uint256 refund) {
        OfferingState state_ = _sale.state;
        if (state_ == OfferingState.Sale) return (0, 0);
        Deposit memory deposit = _deposits[buyer];
        if (deposit.settled) return (0, 0);
        return _settlement(deposit.start, deposit.amount, state_);
    }

    /// @inheritdoc IModelOffering
    function redeemable(address buyer) external view returns (uint256) {
        if (_sale.state != OfferingState.Ended) return 0;
        Deposit memory deposit = _deposits[buyer];
        if (deposit.redeemed) return 0;
        return _redemptionOf(deposit.start, deposit.amount, _redemption.unreleased);
    }

    /// @inheritdoc IModelOffering
    function protocolFeeBps() external view returns (uint256) {
        return _sale.feeBps;
    }

    /// @inheritdoc IModelOffering
    function priceFloor() external view returns (uint256) {
        if (_sale.state != OfferingState.Succeeded) return 0;
        // Read only by the controller when governance sets a price: a loop over at most 16 milestones costs less
        // than keeping a count that every release would have to write.
        Milestone[] storage milestones = _terms.milestones;
        for (uint256 i = 0; i < milestones.length; ++i) {
            if (milestones[i].kind == MilestoneKind.SettledCalls && !_isReleased(i)) return _launchPrice;
        }
        return 0;
    }

    /// @inheritdoc IModelOffering
    function revenueLocked() external view returns (bool) {
        return _sale.state == OfferingState.Succeeded && _escrow.released != _escrow.net;
    }

    /// @inheritdoc IModelOffering
    function netRaise() external view returns (uint256) {
        return _escrow.net;
    }

    /// @inheritdoc IModelOffering
    function released() external view returns (uint256) {
        return _escrow.released;
    }

    /// @inheritdoc IModelOffering
    function trancheOf(uint256 index) external view returns (uint256) {
        if (index > _terms.milestones.length) revert OfferingMilestoneNonexistent(index);
        return _trancheOf(index, _escrow.net);
    }

    /// @inheritdoc IModelOffering
    function isReleased(uint256 index) external view returns (bool) {
        return _isReleased(index);
    }

    /// @inheritdoc IModelOffering
    function isMet(uint256 index, uint32 modelVersion) external view returns (bool) {
        if (index >= _terms.milestones.length) revert OfferingMilestoneNonexistent(index);
        return _isMet(_terms.milestones[index], modelVersion);
    }

    /// @inheritdoc IModelOffering
    function contributorClaimed(address account) external view returns (uint256) {
        return _contributorClaimed[account];
    }

    /// @inheritdoc IModelOffering
    function vesting() external view returns (uint256 vested, uint256 claimed) {
        Vesting memory vesting_ = _vesting;
        // Months of vesting; skew vests seconds' worth.
        // solhint-disable-next-line not-rely-on-time
        return (_vestedAt(vesting_, block.timestamp), vesting_.claimed);
    }

    /// @inheritdoc IModelOffering
    function endVote()
        external
        view
        returns (
            uint256 index,
            uint256 snapshot,
            uint256 voteEnd,
            uint256 quorum,
            uint256 votesFor,
            uint256 votesAgainst,
            bool open
        )
    {
        EndVote memory vote = _endVote;
        return (vote.index, vote.snapshot, vote.voteEnd, _endQuorum, vote.votesFor, vote.votesAgainst, vote.open);
    }

    /* INTERNAL */

    function _storeTerms(OfferingTerms calldata terms_) private {
        _terms.split = terms_.split;
        _terms.sale = terms_.sale;
        _terms.vesting = terms_.vesting;
        _terms.endVote = terms_.endVote;
        for (uint256 i = 0; i < terms_.milestones.length; ++i) _terms.milestones.push(terms_.milestones[i]);
        _terms.contributorsRoot = terms_.contributorsRoot;
        _terms.creatorKeepsVersions = terms_.creatorKeepsVersions;
    }

    /// @dev Reverts unless the sale succeeded (the offering may have ended since).
    function _requireFunded() private view {
        OfferingState state_ = _sale.state;
        if (state_ != OfferingState.Succeeded && state_ != OfferingState.Ended) {
            revert OfferingWrongState(OfferingState.Succeeded, state_);
        }
    }

    /// @dev A deposit `[start, start + amount)`'s shares and refund once the sale closed: the telescoping fill of
    /// {IModelOffering} after a success, the whole deposit back after a failure.
    function _settlement(
        uint256 start,
        uint256 amount,
        OfferingState state_
    ) private view returns (uint256 sharesOut, uint256 refund) {
        if (state_ == OfferingState.Failed) return (0, amount);
        uint256 deposited = _sale.totalDeposits;
        Outcome memory outcome = _outcome;
        uint256 end = start + amount;
        // Cannot underflow: each floor is monotone in its numerator, and end >= start. Cannot overflow: every factor
        // is below 2^128. The fill is at most the amount, as raised <= deposited.
        unchecked {
            uint256 fill = (end * outcome.raised) / deposited - (start * outcome.raised) / deposited;
            sharesOut = (end * outcome.sold) / deposited - (start * outcome.sold) / deposited;
            refund = amount - fill;
        }
    }

    /// @dev A deposit `[start, start + amount)`'s part of the unreleased raise `unreleased` once ended: the same
    /// telescoping as the fills, so the parts sum to `unreleased` exactly.
    function _redemptionOf(uint256 start, uint256 amount, uint256 unreleased) private view returns (uint256) {
        uint256 deposited = _sale.totalDeposits;
        // Cannot underflow: the floor is monotone and end >= start. Cannot overflow: every factor is below 2^128.
        unchecked {
            return ((start + amount) * unreleased) / deposited - (start * unreleased) / deposited;
        }
    }

    /// @dev Tranche `index` (the upfront part at `milestones.length`) of a net raise `net`: the difference of floors
    /// of the cumulative bps, so the tranches sum to `net` exactly.
    function _trancheOf(uint256 index, uint256 net) private view returns (uint256) {
        Milestone[] storage milestones = _terms.milestones;
        uint256 before = 0;
        uint256 upTo = _terms.sale.upfrontBps;
        if (index != milestones.length) {
            for (uint256 i = 0; i < index; ++i) upTo += milestones[i].trancheBps;
            before = upTo;
            upTo += milestones[index].trancheBps;
        }
        // Cannot underflow: the floor is monotone and upTo >= before. Cannot overflow: net < 2^128, bps <= 10,000.
        unchecked {
            return (net * upTo) / _BPS - (net * before) / _BPS;
        }
    }

    function _isReleased(uint256 index) private view returns (bool) {
        return index < 256 && (_releasedBits >> index) & 1 == 1;
    }

    /// @dev Marks tranche `index` released and pays it to the creator.
    function _release(uint256 index) private returns (uint256 amount) {
        Escrow memory escrow = _escrow;
        amount = _trancheOf(index, escrow.net);
        _releasedBits |= 1 << index;
        // Fits: the tranches sum to the net raise, a uint128.
        _escrow.released = uint128(escrow.released + amount);
        emit TrancheReleased(index, amount);
        if (amount != 0) _PAYMENT_TOKEN.safeTransfer(_creator, amount);
    }

    /// @dev Whether `milestone` is met now; `modelVersion` names the version for a `ModelVersion` milestone.
    function _isMet(Milestone memory milestone, uint32 modelVersion) private view returns (bool) {
        if (milestone.kind == MilestoneKind.ModelVersion) {
            if (modelVersion <= _launchVersionCount || modelVersion > _MODELS.versionCount(_modelId)) return false;
            ModelVersion memory version = _MODELS.getModelVersion(_modelId, modelVersion);
            for (uint256 i = 0; i < version.trainedOn.length; ++i) {
                if (version.trainedOn[i].datanetId == milestone.datanetId) {
                    return version.trainedOn[i].version >= milestone.datanetVersion;
                }
            }
            return false;
        }
        ModelTotals memory now_ = _SETTLEMENT.modelTotals(_modelId);
        ModelTotals memory launch = _launchTotals;
        // Cannot underflow: settlement's totals only grow.
        unchecked {
            uint256 since =
                milestone.kind == MilestoneKind.SettledCalls
                    ? uint256(now_.calls) - launch.calls
                    : uint256(now_.fees) - launch.fees;
            return since >= milestone.threshold;
        }
    }

    /// @dev What has vested at `timestamp` (vesting stops when the offering ended).
    function _vestedAt(Vesting memory vesting_, uint256 timestamp) private view returns (uint256) {
        if (vesting_.start == 0) return 0;
        if (vesting_.stop != 0 && timestamp > vesting_.stop) timestamp = vesting_.stop;
        uint256 total = _terms.split.creator;
        uint256 cliff = _terms.vesting.cliff;
        uint256 duration = _terms.vesting.duration;
        // Cannot underflow: timestamp is now or the end, both at or after the start.
        uint256 elapsed;
        unchecked {
            elapsed = timestamp - vesting_.start;
        }
        if (elapsed >= duration) return total;
        if (elapsed < cliff) return 0;
        return (total * elapsed) / duration;
    }

    /// @dev Ends the offering: vesting stops and the unvested creator shares are burned; the unreleased raise becomes
    /// redeemable by the buyers.
    function _end() private {
        // Months of vesting; skew vests seconds' worth.
        // solhint-disable not-rely-on-time
        _sale.state = OfferingState.Ended;
        Vesting memory vesting_ = _vesting;
        vesting_.stop = uint64(block.timestamp);
        _vesting.stop = vesting_.stop;
        Escrow memory escrow = _escrow;
        // Cannot underflow: released is a sum of tranches of the net raise.
        uint256 unreleased;
        unchecked {
            unreleased = escrow.net - escrow.released;
        }
        _redemption.unreleased = uint128(unreleased);
        uint256 unvested = _terms.split.creator - _vestedAt(vesting_, block.timestamp);
        emit OfferingEnded(unreleased);
        if (unvested != 0) IModelShares(_shares).burn(address(this), unvested);
        // solhint-enable not-rely-on-time
    }
}
