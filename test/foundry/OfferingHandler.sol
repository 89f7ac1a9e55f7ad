// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {
    EndVoteTerms,
    IModelOffering,
    Milestone,
    MilestoneKind,
    OfferingState,
    OfferingTerms,
    SaleTerms,
    SupplySplit,
    VestingTerms
} from "../../contracts/interfaces/IModelOffering.sol";
import {IModelController} from "../../contracts/interfaces/IModelController.sol";
import {IModelShares} from "../../contracts/interfaces/IModelShares.sol";
import {GovernanceTerms, OfferingContracts} from "../../contracts/interfaces/IOfferingFactory.sol";
import {AdapterKind, DatanetRef, ModelSpec} from "../../contracts/interfaces/IModelRegistry.sol";
import {SystemDeploy} from "./SystemDeploy.sol";
import {Actors, HandlerBase} from "./HandlerBase.sol";
import {Merkle} from "./utils/Merkle.sol";

/// @title The campaign's offering actions
/// @notice 10. Offerings: `launch` through the factory, `buy`, `finalize`, `settleBuyer`, `release`, share
/// `transferShares`, `claimRevenue`, the holders' end vote (`openEndVote`, `castEndVote`, `closeEndVote`), `redeem`,
/// `claimContributorShares`, `claimVested`; and the attacks on offerings and shares.
contract OfferingHandler is HandlerBase {
    uint256 public constant SALE_SHARES = 600_000e18;
    uint256 public constant CONTRIBUTOR_SHARES = 150_000e18;
    /// @dev The contributors' tree: users 0 and 1 (the Datanet owners) get two thirds and one third.
    uint256 public constant CONTRIBUTOR_0 = 100_000e18;
    uint256 public constant CONTRIBUTOR_1 = 50_000e18;
    uint256 public constant HARD_CAP = 1_000e18;
    /// @dev The fees milestone: faking it costs 800 × (1 − the model's share) OPEN, at least 560 with any fee split
    /// governance picks here, above its tranche of 50% of the net raise (at most 495 OPEN).
    uint256 public constant FEES_THRESHOLD = 800e18;

    OfferingContracts[] internal _offerings;
    /// @notice Revenue claimed from each shares contract, and the users that voted in each end vote.
    mapping(address shares => uint256) public revenueClaimed;
    mapping(address offering => mapping(uint256 round => uint256 mask)) internal _voted;
    mapping(address offering => uint256) internal _rounds;

    constructor(SystemDeploy d, Actors memory a) HandlerBase(d, a) {}

    /// @notice `launch`: the owner of a model it still holds (a user registers one if none) launches its offering (a
    /// fees milestone and the upfront half) on a sale of 3 to 10 days; every user approves the offering.
    function launch(uint256 modelSeed, uint256 durationSeed) external action {
        _launch(modelSeed, durationSeed);
    }

    /// @notice `buy`: a user without a deposit deposits 100 to 600 OPEN in an open sale (one is launched if none).
    function buy(uint256 offeringSeed, uint256 buyerSeed, uint256 amountSeed) external action {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            IModelOffering offering = IModelOffering(_offerings[(offeringSeed + k) % n].offering);
            if (offering.state() != OfferingState.Sale || block.timestamp >= offering.terms().sale.deadline) continue;
            for (uint256 j = 0; j < 6; ++j) {
                address buyer = _user(buyerSeed + j);
                if (offering.deposits(buyer).amount != 0) continue;
                _buy(offering, buyer, amountSeed);
                return;
            }
        }
        _buy(IModelOffering(_launch(offeringSeed, amountSeed).offering), _user(buyerSeed), amountSeed);
    }

    /// @notice `finalize`: once a sale's deadline passed (time passes to it), anyone finalizes it (a sale with two
    /// deposits is launched first if none is open).
    function finalize(uint256 offeringSeed) external action {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            IModelOffering offering = IModelOffering(_offerings[(offeringSeed + k) % n].offering);
            if (offering.state() != OfferingState.Sale) continue;
            _finalize(offering);
            return;
        }
        _finalize(IModelOffering(_funded(offeringSeed).offering));
    }

    /// @notice `settleBuyer`: a finalized offering pays a buyer its shares and refund; the buyer delegates its votes
    /// to itself, for the end votes.
    function settleBuyer(uint256 offeringSeed, uint256 buyerSeed) external action {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            OfferingContracts memory c = _offerings[(offeringSeed + k) % n];
            if (IModelOffering(c.offering).state() == OfferingState.Sale) continue;
            for (uint256 j = 0; j < 6; ++j) {
                if (_settleBuyer(c, _user(buyerSeed + j))) return;
            }
        }
        OfferingContracts memory made = _funded(offeringSeed);
        _finalize(IModelOffering(made.offering));
        _settleBuyer(made, _user(offeringSeed));
    }

    /// @notice `release`: an offering's fees milestone is met (a payer settles the fees still missing) and its tranche
    /// released to the creator.
    function release(uint256 offeringSeed, uint256 payerSeed) external action {
        IModelOffering offering = IModelOffering(_unreleased(offeringSeed).offering);
        if (!offering.isMet(0, 0)) {
            uint256 modelId = offering.modelId();
            (, uint256 feesAtLaunch) = offering.launchTotals();
            uint256 missing = FEES_THRESHOLD - (settlement.modelTotals(modelId).fees - feesAtLaunch);
            uint256 price = models.terms(modelId).pricePerCall;
            _settle(_user(payerSeed), modelId, uint64((missing + price - 1) / price));
        }
        offering.release(0, 0);
    }

    /// @notice `transferShares`: a holder sends part of its shares to another user.
    function transferShares(
        uint256 offeringSeed,
        uint256 fromSeed,
        uint256 toSeed,
        uint256 amountSeed
    ) external action {
        (address shares, address from) = _holder(offeringSeed, fromSeed);
        address to = _user(toSeed);
        uint256 amount = bound(amountSeed, 1, IERC20(shares).balanceOf(from));
        vm.prank(from);
        IERC20(shares).transfer(to, amount);
    }

    /// @notice `claimRevenue`: a holder (a user, the attacker or a model's treasury) with accrued revenue claims it
    /// (when none has any, a payer settles calls of a launched model first).
    function claimRevenue(uint256 offeringSeed, uint256 holderSeed) external action {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            OfferingContracts memory c = _offerings[(offeringSeed + k) % n];
            for (uint256 j = 0; j < 8; ++j) {
                address holder = _holderAt(c, holderSeed + j);
                if (IModelShares(c.shares).accruedRevenue(holder) == 0) continue;
                revenueClaimed[c.shares] += IModelShares(c.shares).claimRevenue(holder);
                return;
            }
        }
        (address shares, address from) = _holder(offeringSeed, holderSeed);
        _settle(_user(holderSeed), _modelOf(shares), 10_000);
        revenueClaimed[shares] += IModelShares(shares).claimRevenue(from);
    }

    /// @notice `openEndVote`: once an unmet milestone is overdue (time passes to it), anyone opens the vote to end.
    function openEndVote(uint256 offeringSeed) external action {
        _openEndVote(offeringSeed);
    }

    /// @notice `castEndVote`: a user with share votes at the snapshot votes, for ending two times in three (a vote is
    /// opened first if none is).
    function castEndVote(uint256 offeringSeed, uint256 voterSeed, uint256 supportSeed) external action {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            if (_castEndVote(_offerings[(offeringSeed + k) % n], voterSeed, supportSeed % 3 != 0)) return;
        }
        _castEndVote(_openEndVote(offeringSeed), voterSeed, supportSeed % 3 != 0);
    }

    /// @notice `closeEndVote`: once a vote's period passed (time passes to it), anyone closes it (a vote is opened
    /// first if none is).
    function closeEndVote(uint256 offeringSeed) external action {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            IModelOffering offering = IModelOffering(_offerings[(offeringSeed + k) % n].offering);
            (, , , , , , bool isOpen) = offering.endVote();
            if (!isOpen) continue;
            _closeEndVote(offering);
            return;
        }
        _closeEndVote(IModelOffering(_openEndVote(offeringSeed).offering));
    }

    /// @notice `redeem`: a buyer of an ended offering redeems its part of the unreleased raise (when none is ended,
    /// the holders vote one to its end first: every holder with votes votes for).
    function redeem(uint256 offeringSeed, uint256 buyerSeed) external action {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            IModelOffering offering = IModelOffering(_offerings[(offeringSeed + k) % n].offering);
            if (offering.state() != OfferingState.Ended) continue;
            if (_redeem(offering, buyerSeed)) return;
        }
        OfferingContracts memory c = _openEndVote(offeringSeed);
        for (uint256 i = 0; i < 6; ++i) _castEndVote(c, i, true);
        _closeEndVote(IModelOffering(c.offering));
        if (!_redeem(IModelOffering(c.offering), buyerSeed)) revert HandlerNothingToDo();
    }

    /// @notice `claimContributorShares`: a contributor of the tree claims its shares with its proof.
    function claimContributorShares(uint256 offeringSeed, uint256 accountSeed) external action {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            IModelOffering offering = IModelOffering(_offerings[(offeringSeed + k) % n].offering);
            OfferingState state = offering.state();
            if (state != OfferingState.Succeeded && state != OfferingState.Ended) continue;
            if (_claimContributorShares(offering, accountSeed)) return;
        }
        _claimContributorShares(IModelOffering(_succeeded(offeringSeed).offering), accountSeed);
    }

    /// @notice `claimVested`: a creator claims its shares vested so far (time passes past the cliff if needed).
    function claimVested(uint256 offeringSeed) external action {
        uint256 n = _offerings.length;
        IModelOffering offering;
        for (uint256 k = 0; k < n && address(offering) == address(0); ++k) {
            IModelOffering candidate = IModelOffering(_offerings[(offeringSeed + k) % n].offering);
            if (candidate.state() != OfferingState.Succeeded) continue;
            (uint256 vested, uint256 claimed) = candidate.vesting();
            if (vested > claimed || claimed == 0) offering = candidate;
        }
        if (address(offering) == address(0)) offering = IModelOffering(_succeeded(offeringSeed).offering);
        (uint256 vestedNow, ) = offering.vesting();
        if (vestedNow == 0) _warp(offering.terms().vesting.cliff + 1);
        address creator = offering.creator();
        vm.prank(creator);
        offering.claimVested();
    }

    /* ATTACKS */

    /// @notice Revenue sniping: a payer settles a launched model's calls, and in the same block a holder sells shares
    /// to the attacker; the attacker must have earned none of the revenue that arrived before it held them.
    function attackRevenueSniping(uint256 offeringSeed, uint256 holderSeed, uint256 payerSeed) external action {
        (address shares, address from) = _holder(offeringSeed, holderSeed);
        _settle(_user(payerSeed), _modelOf(shares), 10_000);
        uint256 before = IModelShares(shares).accruedRevenue(attacker);
        uint256 amount = IERC20(shares).balanceOf(from) / 2 + 1;
        vm.prank(from);
        IERC20(shares).transfer(attacker, amount);
        if (IModelShares(shares).accruedRevenue(attacker) != before) {
            _fail("revenue sniping: shares bought after revenue earned it");
        }
    }

    /// @notice Shares escrow reentry: a credited holder sends shares back into the offering's escrow, which must be
    /// refused; the holder then sends them to a user.
    function attackSharesEscrowReentry(uint256 offeringSeed, uint256 holderSeed, uint256 toSeed) external action {
        (address shares, address from) = _holder(offeringSeed, holderSeed);
        address escrow = IModelShares(shares).escrow();
        uint256 amount = IERC20(shares).balanceOf(from);
        vm.prank(from);
        try IERC20(shares).transfer(escrow, amount) {
            _fail("escrow reentry: shares went back into the escrow");
        } catch {}
        vm.prank(from);
        IERC20(shares).transfer(_user(toSeed), amount);
    }

    /// @notice Shares late-buyer revenue: revenue reaches the shares by a plain transfer, and in the same block, before
    /// anyone syncs, a holder sells all its shares to the attacker; the attacker must earn none of it, and the seller
    /// keeps its pro-rata part.
    function attackSharesLateBuyerRevenue(uint256 offeringSeed, uint256 holderSeed, uint256 payerSeed) external action {
        (address shares, address from) = _holderAmong(offeringSeed, holderSeed, 6);
        uint256 amount = IERC20(shares).balanceOf(from);
        uint256 sellerBefore = IModelShares(shares).accruedRevenue(from);
        uint256 held = open.balanceOf(shares);
        _settle(_user(payerSeed), _modelOf(shares), 10_000);
        uint256 arrived = open.balanceOf(shares) - held;
        // What the attacker's own shares, if any, earned of the revenue that arrived.
        uint256 attackerBefore = IModelShares(shares).accruedRevenue(attacker);
        vm.prank(from);
        IERC20(shares).transfer(attacker, amount);
        if (IModelShares(shares).accruedRevenue(attacker) != attackerBefore) {
            _fail("late buyer: shares bought before a sync earned the revenue that arrived before them");
        }
        uint256 due = (arrived * amount) / IERC20(shares).totalSupply();
        if (IModelShares(shares).accruedRevenue(from) + 2 < sellerBefore + due) {
            _fail("late buyer: the seller lost the revenue its shares earned");
        }
    }

    /// @notice Milestone faking: a creator's launch with a fees milestone that costs less to fake than its tranche is
    /// refused; on a fresh offering the creator then meets the allowed milestone by paying the fees itself and releases
    /// the tranche, and must end with less OPEN than before, its shares' revenue included.
    function attackMilestoneFaking(uint256 seed, uint256 thresholdSeed) external action {
        uint256 cheap = _registerModel(attacker);
        OfferingTerms memory terms = _terms(uint64(block.timestamp + 3 days));
        // At most 400 OPEN of fees: less than the tranche, 50% of a raise of 1,000 OPEN less at most 3% of fee.
        terms.milestones[0].threshold = bound(thresholdSeed, 1, 400e18);
        vm.startPrank(attacker);
        IERC721(address(models)).approve(address(factory), cheap);
        try factory.launch(cheap, "Cheap", "C", terms, _governance(), bytes32("p"), "") {
            _fail("milestone faking: a milestone cheaper to fake than its tranche was launched");
        } catch {}
        vm.stopPrank();

        OfferingContracts memory c = _newSucceeded(seed);
        IModelOffering offering = IModelOffering(c.offering);
        address creator = offering.creator();
        _claimAll(c.shares, creator);
        uint256 before = open.balanceOf(creator);
        uint256 modelId = offering.modelId();
        (, uint256 feesAtLaunch) = offering.launchTotals();
        uint256 missing = FEES_THRESHOLD - (settlement.modelTotals(modelId).fees - feesAtLaunch);
        uint256 price = models.terms(modelId).pricePerCall;
        _settle(creator, modelId, uint64((missing + price - 1) / price));
        offering.release(0, 0);
        _claimAll(c.shares, creator);
        if (open.balanceOf(creator) >= before) _fail("milestone faking: the creator gained by paying its own fees");
    }

    /// @notice Offering creator capture: the creator, holding its model's governance alone, redirects the revenue
    /// while the raise is escrowed (refused), registers a model version itself (refused), and redeems from an ended
    /// offering it made no deposit in (refused, nothing paid).
    function attackOfferingCreatorCapture(uint256 offeringSeed) external action {
        OfferingContracts memory c = _unreleased(offeringSeed);
        IModelOffering offering = IModelOffering(c.offering);
        address creator = offering.creator();
        uint256 modelId = offering.modelId();
        vm.prank(c.timelock);
        try IModelController(c.controller).setRevenueRecipient(creator) {
            _fail("creator capture: the revenue was redirected while the raise was escrowed");
        } catch {}
        if (models.terms(modelId).revenueRecipient != c.shares) _fail("creator capture: the revenue moved");
        vm.prank(creator);
        try IModelController(c.controller).addModelVersion(_modelSpec()) {
            _fail("creator capture: the creator registered a version of a launched model");
        } catch {}
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            IModelOffering ended = IModelOffering(_offerings[(offeringSeed + k) % n].offering);
            address endedCreator = ended.creator();
            if (ended.state() != OfferingState.Ended || ended.deposits(endedCreator).amount != 0) continue;
            uint256 held = open.balanceOf(endedCreator);
            try ended.redeem(endedCreator) {
                _fail("creator capture: a creator redeemed buyers' escrow");
            } catch {}
            if (open.balanceOf(endedCreator) != held) _fail("creator capture: a refused redemption moved OPEN");
            return;
        }
    }

    /// @notice Sale bot front-run: in a new sale, the bot buys first in the block and two buyers after it, 1,300 to
    /// 2,100 OPEN for a 1,000-OPEN cap; once finalized, the bot's fill and shares per OPEN are the others' to 1e-18.
    function attackSaleBotFrontRun(uint256 seed, uint256 amountSeed) external action {
        OfferingContracts memory c = _launch(seed, seed >> 8);
        IModelOffering offering = IModelOffering(c.offering);
        uint256 botAmount = bound(amountSeed, 100e18, 900e18);
        vm.startPrank(attacker);
        open.approve(c.offering, botAmount);
        offering.buy(botAmount);
        vm.stopPrank();
        address[2] memory buyers = [_user(seed), _user(seed + 1)];
        for (uint256 i = 0; i < 2; ++i) {
            vm.prank(buyers[i]);
            offering.buy(600e18);
        }
        _finalize(offering);
        (uint256 botFill, uint256 botShares) = _perOpen(offering, attacker);
        for (uint256 i = 0; i < 2; ++i) {
            (uint256 fill, uint256 sharesPerOpen) = _perOpen(offering, buyers[i]);
            if (_apart(botFill, fill) || _apart(botShares, sharesPerOpen)) {
                _fail("sale bot: buying first filled more per OPEN");
            }
            _settleBuyer(c, buyers[i]);
        }
        offering.settle(attacker);
    }

    /* COMPOSITE STEPS: what an action needs, made when missing */

    function _launch(uint256 modelSeed, uint256 durationSeed) internal returns (OfferingContracts memory c) {
        uint256 count = models.modelCount();
        uint256 modelId;
        address owner;
        for (uint256 k = 0; k < count && modelId == 0; ++k) {
            uint256 id = 1 + ((modelSeed + k) % count);
            owner = IERC721(address(models)).ownerOf(id);
            if (_isUser(owner) && factory.offeringOf(id).offering == address(0)) modelId = id;
        }
        if (modelId == 0) modelId = _registerModel(owner = _user(modelSeed));
        uint64 deadline = uint64(block.timestamp + bound(durationSeed, 3 days, 10 days));
        OfferingTerms memory terms = _terms(deadline);
        vm.startPrank(owner);
        IERC721(address(models)).approve(address(factory), modelId);
        c = factory.launch(
            modelId,
            "Model shares",
            "MS",
            terms,
            _governance(),
            keccak256(abi.encode("prospectus", modelId)),
            "ipfs://prospectus"
        );
        vm.stopPrank();
        _offerings.push(c);
        for (uint256 i = 0; i < 6; ++i) {
            vm.prank(users[i]);
            open.approve(c.offering, type(uint256).max);
        }
    }

    function _registerModel(address owner) internal returns (uint256) {
        ModelSpec memory spec = _modelSpec();
        vm.prank(owner);
        return models.registerModel("ipfs://model", spec, 1e15, owner);
    }

    /// @dev A spec trained on every Datanet's latest version.
    function _modelSpec() internal view returns (ModelSpec memory) {
        uint256 count = datanets.datanetCount();
        DatanetRef[] memory trainedOn = new DatanetRef[](count);
        for (uint256 i = 0; i < count; ++i) trainedOn[i] = DatanetRef(uint64(i + 1), datanets.versionCount(i + 1));
        return ModelSpec("meta-llama/Llama-3.1-8B-Instruct", AdapterKind.LoRA, "a", "c", trainedOn);
    }

    function _governance() internal pure returns (GovernanceTerms memory) {
        return
            GovernanceTerms({
                votingDelay: 1 days,
                votingPeriod: 3 days,
                quorumPercent: 4,
                proposalThreshold: 0,
                timelockDelay: 2 days
            });
    }

    function _buy(IModelOffering offering, address buyer, uint256 amountSeed) internal {
        vm.prank(buyer);
        offering.buy(bound(amountSeed, 100e18, 600e18));
    }

    /// @dev A new offering with two deposits above the soft cap, its sale still open.
    function _funded(uint256 seed) internal returns (OfferingContracts memory c) {
        c = _launch(seed, seed >> 8);
        _buy(IModelOffering(c.offering), _user(seed), 300e18);
        _buy(IModelOffering(c.offering), _user(seed + 1), 300e18);
    }

    function _finalize(IModelOffering offering) internal {
        _warpTo(offering.terms().sale.deadline);
        offering.finalize();
    }

    /// @dev A succeeded offering (a new one, funded, finalized and its buyers settled, if none).
    function _succeeded(uint256 seed) internal returns (OfferingContracts memory c) {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            c = _offerings[(seed + k) % n];
            if (IModelOffering(c.offering).state() == OfferingState.Succeeded) return c;
        }
        return _newSucceeded(seed);
    }

    function _newSucceeded(uint256 seed) internal returns (OfferingContracts memory c) {
        c = _funded(seed);
        _finalize(IModelOffering(c.offering));
        _settleBuyer(c, _user(seed));
        _settleBuyer(c, _user(seed + 1));
    }

    /// @dev A succeeded offering whose milestone is not released.
    function _unreleased(uint256 seed) internal returns (OfferingContracts memory c) {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            c = _offerings[(seed + k) % n];
            IModelOffering offering = IModelOffering(c.offering);
            if (offering.state() == OfferingState.Succeeded && !offering.isReleased(0)) return c;
        }
        return _newSucceeded(seed);
    }

    function _settleBuyer(OfferingContracts memory c, address buyer) internal returns (bool) {
        IModelOffering offering = IModelOffering(c.offering);
        if (offering.deposits(buyer).amount == 0 || offering.deposits(buyer).settled) return false;
        offering.settle(buyer);
        if (offering.state() != OfferingState.Failed) {
            vm.prank(buyer);
            IVotes(c.shares).delegate(buyer);
        }
        return true;
    }

    /// @dev Opens an end vote on a succeeded offering whose milestone is unmet and unreleased, with no vote open (a
    /// new offering if none), after its deadline.
    function _openEndVote(uint256 seed) internal returns (OfferingContracts memory c) {
        uint256 n = _offerings.length;
        bool found;
        for (uint256 k = 0; k < n && !found; ++k) {
            c = _offerings[(seed + k) % n];
            IModelOffering candidate = IModelOffering(c.offering);
            if (candidate.state() != OfferingState.Succeeded || candidate.isReleased(0) || candidate.isMet(0, 0))
                continue;
            (, , , , , , bool isOpen) = candidate.endVote();
            found = !isOpen;
        }
        if (!found) c = _newSucceeded(seed);
        IModelOffering offering = IModelOffering(c.offering);
        _warpTo(offering.terms().milestones[0].deadline + 1);
        offering.openEndVote(0);
        ++_rounds[c.offering];
    }

    function _castEndVote(OfferingContracts memory c, uint256 voterSeed, bool support) internal returns (bool) {
        (, uint256 snapshot, uint256 voteEnd, , , , bool isOpen) = IModelOffering(c.offering).endVote();
        if (!isOpen || block.timestamp > voteEnd) return false;
        uint256 round = _rounds[c.offering];
        for (uint256 j = 0; j < 6; ++j) {
            uint256 i = (voterSeed + j) % 6;
            if ((_voted[c.offering][round] >> i) & 1 == 1) continue;
            if (IVotes(c.shares).getPastVotes(users[i], snapshot) == 0) continue;
            _voted[c.offering][round] |= 1 << i;
            vm.prank(users[i]);
            IModelOffering(c.offering).castEndVote(support);
            return true;
        }
        return false;
    }

    function _closeEndVote(IModelOffering offering) internal {
        (, , uint256 voteEnd, , , , ) = offering.endVote();
        _warpTo(voteEnd + 1);
        offering.closeEndVote();
    }

    function _redeem(IModelOffering offering, uint256 buyerSeed) internal returns (bool) {
        for (uint256 j = 0; j < 6; ++j) {
            address buyer = _user(buyerSeed + j);
            if (offering.deposits(buyer).amount == 0 || offering.deposits(buyer).redeemed) continue;
            offering.redeem(buyer);
            return true;
        }
        return false;
    }

    function _claimContributorShares(IModelOffering offering, uint256 accountSeed) internal returns (bool) {
        for (uint256 j = 0; j < 2; ++j) {
            uint256 i = (accountSeed + j) % 2;
            (uint256 amount, bytes32[] memory proof) = _contributorClaim(i);
            if (offering.contributorClaimed(users[i]) >= amount) continue;
            offering.claimContributorShares(users[i], amount, proof);
            return true;
        }
        return false;
    }

    /* VIEWS FOR THE INVARIANTS */

    function offeringCount() external view returns (uint256) {
        return _offerings.length;
    }

    function offeringAt(uint256 i) external view returns (OfferingContracts memory) {
        return _offerings[i];
    }

    /// @notice The accounts that may hold shares of an offering, besides its escrow: the users, the attacker and the
    /// model's treasury (its timelock, also the sink of burned escrow shares' revenue).
    function holderAt(OfferingContracts memory c, uint256 i) external view returns (address) {
        return _holderAt(c, i);
    }

    /* INTERNAL */

    /// @dev A buyer's fill and shares per OPEN of its deposit, scaled by 1e18.
    function _perOpen(IModelOffering offering, address buyer) internal view returns (uint256, uint256) {
        uint256 amount = offering.deposits(buyer).amount;
        (uint256 sharesOut, uint256 refund) = offering.settlement(buyer);
        return (((amount - refund) * 1e18) / amount, (sharesOut * 1e18) / amount);
    }

    function _apart(uint256 a, uint256 b) internal pure returns (bool) {
        return a > b + 1 || b > a + 1;
    }

    /// @dev `holder` claims what its shares accrued, if anything.
    function _claimAll(address shares, address holder) internal {
        if (IModelShares(shares).accruedRevenue(holder) == 0) return;
        revenueClaimed[shares] += IModelShares(shares).claimRevenue(holder);
    }

    function _holderAt(OfferingContracts memory c, uint256 i) internal view returns (address) {
        uint256 j = i % 8;
        if (j < 6) return users[j];
        return j == 6 ? attacker : c.timelock;
    }

    /// @dev A user or the attacker holding shares of a launched offering.
    function _holder(uint256 offeringSeed, uint256 holderSeed) internal returns (address shares, address from) {
        return _holderAmong(offeringSeed, holderSeed, 7);
    }

    /// @dev A holder of shares of a launched offering among the first `accounts` of the users then the attacker.
    function _holderAmong(
        uint256 offeringSeed,
        uint256 holderSeed,
        uint256 accounts
    ) internal returns (address shares, address from) {
        uint256 n = _offerings.length;
        for (uint256 k = 0; k < n; ++k) {
            shares = _offerings[(offeringSeed + k) % n].shares;
            for (uint256 j = 0; j < accounts; ++j) {
                from = j == 6 ? attacker : _user(holderSeed + j);
                if (IERC20(shares).balanceOf(from) != 0) return (shares, from);
            }
        }
        // Nobody holds shares: a new offering succeeds and its buyers receive theirs.
        shares = _newSucceeded(offeringSeed).shares;
        from = _user(offeringSeed);
    }

    function _modelOf(address shares) internal view returns (uint256) {
        for (uint256 i = 0; i < _offerings.length; ++i) {
            if (_offerings[i].shares == shares) return IModelOffering(_offerings[i].offering).modelId();
        }
        revert HandlerNothingToDo();
    }

    function _isUser(address account) internal view returns (bool) {
        for (uint256 i = 0; i < 6; ++i) if (users[i] == account) return true;
        return false;
    }

    function _contributorClaim(uint256 i) internal view returns (uint256 amount, bytes32[] memory proof) {
        bytes32 leaf0 = Merkle.leaf(users[0], CONTRIBUTOR_0);
        bytes32 leaf1 = Merkle.leaf(users[1], CONTRIBUTOR_1);
        proof = new bytes32[](1);
        proof[0] = i == 0 ? leaf1 : leaf0;
        amount = i == 0 ? CONTRIBUTOR_0 : CONTRIBUTOR_1;
    }

    function _terms(uint64 deadline) internal view returns (OfferingTerms memory terms) {
        Milestone[] memory milestones = new Milestone[](1);
        milestones[0] = Milestone({
            kind: MilestoneKind.SettledFees,
            trancheBps: 5_000,
            deadline: deadline + 14 days,
            datanetId: 0,
            datanetVersion: 0,
            threshold: FEES_THRESHOLD
        });
        terms = OfferingTerms({
            split: SupplySplit({
                sale: uint128(SALE_SHARES),
                creator: 200_000e18,
                contributors: uint128(CONTRIBUTOR_SHARES),
                treasury: 50_000e18
            }),
            sale: SaleTerms({softCap: 400e18, hardCap: uint128(HARD_CAP), deadline: deadline, upfrontBps: 5_000}),
            vesting: VestingTerms({cliff: 1 days, duration: 30 days}),
            endVote: EndVoteTerms({quorumBps: 2_000, votingPeriod: 3 days}),
            milestones: milestones,
            contributorsRoot: Merkle.hashPair(
                Merkle.leaf(users[0], CONTRIBUTOR_0),
                Merkle.leaf(users[1], CONTRIBUTOR_1)
            ),
            creatorKeepsVersions: false
        });
    }
}
