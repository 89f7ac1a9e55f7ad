// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {
    AccessMode,
    Contribution,
    ContributionStatus,
    Policy,
    SubmitRequest
} from "../../contracts/interfaces/IDatanetRegistry.sol";
import {FeeSplit} from "../../contracts/interfaces/IInferenceSettlement.sol";
import {AdapterKind, DatanetRef, ModelSpec} from "../../contracts/interfaces/IModelRegistry.sol";
import {ClaimRequest, RewardRoot} from "../../contracts/interfaces/IRewardDistributor.sol";
import {StakePosition} from "../../contracts/interfaces/IStakingPool.sol";
import {SystemDeploy} from "./SystemDeploy.sol";
import {Actors, HandlerBase} from "./HandlerBase.sol";
import {Merkle} from "./utils/Merkle.sol";

/// @title The campaign's protocol actions
/// @notice Datanets (submit, vote, expire, publishVersion), models (registerModel, addModelVersion), settlement, the
/// staking pool, reward roots and claims, governance through the timelock, time jumps, and the targeted attacks of
/// SECURITY.md on these contracts. Every input is bounded to a valid value and every actor picked among those who may
/// act, so that most calls change state; each action names the campaign's action (`i24-campaign-actions.md`).
contract SystemHandler is HandlerBase {
    /// @dev The campaign's Datanet policy: a 10 OPEN bond, two of three validators, a day's review, 64 KiB files.
    uint96 public constant BOND = 10e18;
    uint64 public constant MAX_FILE = 64 * 1024;

    struct Submitted {
        uint256 datanetId;
        bytes32 contentHash;
    }

    struct ScheduledChange {
        address target;
        bytes data;
        bytes32 salt;
        uint256 readyAt;
    }

    /* GHOSTS */

    Submitted[] internal _submitted;
    /// @notice The bonds of the pending contributions, kept by this model of the registry from what each submission
    /// posted and each vote or reclaim settled: the registry must hold exactly these, the credit and the treasuries.
    uint256 public pendingBonds;

    /// @notice The current and pending roots' cumulative amounts per user, and the root current before this one
    /// (stale proofs).
    uint256[6] public currentAmounts;
    uint256[6] internal _pendingAmounts;
    uint256[6] internal _staleAmounts;
    uint64 internal _pendingEpoch;
    uint64 internal _currentEpoch;
    uint64 internal _staleEpoch;

    /// @notice What each account staked and withdrew, and the staking rewards claimed.
    mapping(address account => uint256) public stakedIn;
    mapping(address account => uint256) public withdrawn;
    uint256 public rewardsClaimed;

    ScheduledChange[] internal _scheduled;
    uint256 internal _executed;

    constructor(SystemDeploy d, Actors memory a) HandlerBase(d, a) {}

    /* DATANETS */

    /// @notice 1. `submit`: a random contributor commits, and a block later reveals, new content of a random size to a
    /// random Datanet under its current terms, posting the bond of the moment.
    function submit(uint256 actorSeed, uint256 datanetSeed, uint256 sizeSeed) external action {
        _submitNew(actorSeed, datanetSeed, sizeSeed);
    }

    function _submitNew(uint256 actorSeed, uint256 datanetSeed, uint256 sizeSeed) internal {
        address contributor = _user(actorSeed);
        uint256 datanetId = 1 + (datanetSeed % datanets.datanetCount());
        bytes32 contentHash = keccak256(abi.encode("content", ++_nonce));
        _commit(contributor, datanetId, contentHash);
        _warp(1 + (sizeSeed % 12));
        _reveal(contributor, datanetId, contentHash, uint64(bound(sizeSeed, 1, MAX_FILE)));
    }

    /// @notice 2. `vote`: a validator of a pending contribution's terms, not its contributor and not yet voted, votes;
    /// accepts three times in four.
    function vote(uint256 contributionSeed, uint256 validatorSeed, uint256 acceptSeed) external action {
        if (!_vote(contributionSeed, validatorSeed, acceptSeed % 4 != 0)) {
            // Nothing to vote on: a contribution is submitted first.
            _submitNew(contributionSeed, validatorSeed, 1_000);
            _vote(_submitted.length - 1, validatorSeed, acceptSeed % 4 != 0);
        }
    }

    /// @dev The vote of a validator on the first votable contribution from `contributionSeed`; false if none.
    function _vote(uint256 contributionSeed, uint256 validatorSeed, bool accept) internal returns (bool) {
        uint256 n = _submitted.length;
        for (uint256 k = 0; k < n; ++k) {
            Submitted memory s = _submitted[(contributionSeed + k) % n];
            Contribution memory c = datanets.getContribution(s.datanetId, s.contentHash);
            if (c.status != ContributionStatus.Pending) continue;
            if (block.timestamp > datanets.reviewDeadline(s.datanetId, s.contentHash)) continue;
            address[] memory validators = datanets.getValidators(s.datanetId, c.termsVersion);
            for (uint256 j = 0; j < validators.length; ++j) {
                uint256 i = (validatorSeed + j) % validators.length;
                if (validators[i] == c.contributor || ((c.acceptMask | c.rejectMask) >> i) & 1 == 1) continue;
                _castVote(validators[i], s.datanetId, s.contentHash, accept);
                return true;
            }
        }
        return false;
    }

    /// @notice 3. `expire`: time passes past a pending contribution's review deadline and anyone reclaims its bond for
    /// the contributor; a second reclaim must fail and pay nothing (every bond settles once).
    function expire(uint256 contributionSeed, uint256 callerSeed) external action {
        _expire(contributionSeed, callerSeed);
    }

    function _expire(uint256 contributionSeed, uint256 callerSeed) internal {
        uint256 n = _submitted.length;
        for (uint256 k = 0; k < n; ++k) {
            Submitted memory s = _submitted[(contributionSeed + k) % n];
            if (datanets.getContribution(s.datanetId, s.contentHash).status != ContributionStatus.Pending) continue;
            _warpTo(datanets.reviewDeadline(s.datanetId, s.contentHash) + 1);
            uint256 bond = datanets.getContribution(s.datanetId, s.contentHash).bond;
            vm.prank(_user(callerSeed));
            datanets.reclaimBond(s.datanetId, s.contentHash);
            pendingBonds -= bond;
            uint256 held = open.balanceOf(address(datanets));
            try datanets.reclaimBond(s.datanetId, s.contentHash) {
                _fail("expire: a bond was reclaimed twice");
            } catch {
                if (open.balanceOf(address(datanets)) != held) _fail("expire: a failed reclaim moved OPEN");
            }
            return;
        }
        // Nothing pending: a contribution is submitted, and expires.
        _submitNew(contributionSeed, callerSeed, 1_000);
        _expire(_submitted.length - 1, callerSeed);
    }

    /// @notice 4. `publishVersion`: the owner of a Datanet with acceptances since its last version publishes one.
    function publishVersion(uint256 datanetSeed) external action {
        uint256 count = datanets.datanetCount();
        for (uint256 k = 0; k < count; ++k) {
            uint256 datanetId = 1 + ((datanetSeed + k) % count);
            (uint64 accepted, ) = datanets.currentDigest(datanetId);
            uint32 versions = datanets.versionCount(datanetId);
            if (versions != 0 && datanets.getVersion(datanetId, versions).count == accepted) continue;
            vm.prank(IERC721(address(datanets)).ownerOf(datanetId));
            datanets.publishVersion(datanetId);
            return;
        }
        // Nothing accepted since the last versions: the owner's contribution is accepted first.
        uint256 id = 1 + (datanetSeed % count);
        address owner = IERC721(address(datanets)).ownerOf(id);
        bytes32 contentHash = keccak256(abi.encode("content", ++_nonce));
        _commit(owner, id, contentHash);
        _warp(1);
        _reveal(owner, id, contentHash, 1_000);
        address[] memory validators = datanets.getValidators(id, datanets.currentTermsVersion(id));
        for (uint256 v = 0; v < datanets.getPolicy(id, datanets.currentTermsVersion(id)).quorum; ++v) {
            _castVote(validators[v], id, contentHash, true);
        }
        vm.prank(owner);
        datanets.publishVersion(id);
    }

    /* MODELS AND SETTLEMENT */

    /// @notice 5. `registerModel`: a random user registers a model trained on the latest versions of the Datanets
    /// that have one, at a random price, paid to itself.
    function registerModel(uint256 actorSeed, uint256 priceSeed) external action {
        address owner = _user(actorSeed);
        ModelSpec memory spec = _spec(priceSeed);
        vm.prank(owner);
        models.registerModel("ipfs://model", spec, uint96(bound(priceSeed, 1e12, 1e16)), owner);
    }

    /// @notice 5. `addModelVersion`: the owner of a model it still holds (not launched) records a retrain.
    function addModelVersion(uint256 modelSeed, uint256 specSeed) external action {
        (uint256 modelId, address owner) = _ownedModel(modelSeed);
        ModelSpec memory spec = _spec(specSeed);
        vm.prank(owner);
        models.addModelVersion(modelId, spec);
    }

    /// @notice 6. `settle`: a random payer pays for random calls of a random model at its price, bounded by the fee
    /// it quoted; the fee is split into treasury, model, stakers and the contributors' pot.
    function settle(uint256 payerSeed, uint256 modelSeed, uint256 callsSeed) external action {
        uint256 modelId = 1 + (modelSeed % models.modelCount());
        _settle(_user(payerSeed), modelId, uint64(bound(callsSeed, 1, 100_000)));
    }

    /* STAKING */

    /// @notice 7. `stake` a random amount.
    function stake(uint256 actorSeed, uint256 amountSeed) external action {
        _stake(_user(actorSeed), amountSeed);
    }

    function _stake(address staker, uint256 amountSeed) internal {
        uint256 amount = bound(amountSeed, 1e18, 10_000e18);
        vm.prank(staker);
        staking.stake(amount);
        stakedIn[staker] += amount;
    }

    /// @notice 7. `requestUnstake` part or all of a staker's stake.
    function requestUnstake(uint256 actorSeed, uint256 amountSeed) external action {
        for (uint256 k = 0; k < users.length; ++k) {
            address staker = _user(actorSeed + k);
            uint256 staked = staking.position(staker).staked;
            if (staked == 0) continue;
            vm.prank(staker);
            staking.requestUnstake(bound(amountSeed, 1, staked));
            return;
        }
        // Nobody staked: the user stakes first.
        address first = _user(actorSeed);
        _stake(first, amountSeed);
        // A prank applies to the next call, view calls included: every argument is read before it.
        uint256 amount = bound(amountSeed, 1, staking.position(first).staked);
        vm.prank(first);
        staking.requestUnstake(amount);
    }

    /// @notice 7. `withdraw` what a staker unstaked, once its cooldown has passed (time passes to it if needed).
    function withdraw(uint256 actorSeed) external action {
        for (uint256 k = 0; k < users.length; ++k) {
            address staker = _user(actorSeed + k);
            StakePosition memory p = staking.position(staker);
            if (p.unstaking == 0) continue;
            _warpTo(p.unstakeReadyAt);
            vm.prank(staker);
            withdrawn[staker] += staking.withdraw();
            return;
        }
        // Nothing unstaking: the user (staking first if it has nothing staked) requests an unstake and waits.
        address first = _user(actorSeed);
        if (staking.position(first).staked == 0) _stake(first, actorSeed);
        uint256 staked = staking.position(first).staked;
        vm.prank(first);
        staking.requestUnstake(staked);
        _warpTo(staking.position(first).unstakeReadyAt);
        vm.prank(first);
        withdrawn[first] += staking.withdraw();
    }

    /// @notice 7. `claimRewards`: a staker with streamed rewards claims them.
    function claimRewards(uint256 actorSeed) external action {
        for (uint256 k = 0; k < users.length; ++k) {
            address staker = _user(actorSeed + k);
            if (staking.earned(staker) == 0) continue;
            vm.prank(staker);
            rewardsClaimed += staking.claimRewards();
            return;
        }
        // Nothing earned: the user stakes, a fee is settled, and two reward periods pass for it to stream.
        address first = _user(actorSeed);
        _stake(first, actorSeed);
        _settle(_user(actorSeed + 1), 1 + (actorSeed % models.modelCount()), 10_000);
        _warp(2 * staking.REWARD_PERIOD());
        vm.prank(first);
        rewardsClaimed += staking.claimRewards();
    }

    /* REWARD ROOTS AND CLAIMS */

    /// @notice 8. `proposeRoot`: the attestor proposes, for the latest ended epoch (time passes to the next epoch if
    /// none ended since the last root), cumulative amounts that never fall and whose total stays within the funding.
    function proposeRoot(uint256 totalSeed, uint256 splitSeed) external action {
        _proposeRoot(totalSeed, splitSeed);
    }

    function _proposeRoot(uint256 totalSeed, uint256 splitSeed) internal {
        // A pending root is accepted first (time passes to its validAt).
        if (rewards.pendingRoot().validAt != 0) _accept(totalSeed);
        RewardRoot memory current = rewards.currentRoot();
        if (clock.currentEpoch() <= current.epoch + 1) _warpTo(clock.epochStart(current.epoch + 2));
        uint64 epoch = clock.currentEpoch() - 1;
        uint256 funded = rewards.totalFunded();
        // The largest seed gives every funded OPEN not yet in a root.
        uint256 extra =
            totalSeed == type(uint256).max ? funded - current.total : bound(totalSeed, 0, funded - current.total);
        uint256[6] memory amounts = currentAmounts;
        uint256 given;
        for (uint256 i = 0; i < 6; ++i) {
            uint256 part = i == 5 ? extra - given : (extra * bound(splitSeed >> (8 * i), 0, 255)) / (256 * 6);
            amounts[i] += part;
            given += part;
        }
        _pendingAmounts = amounts;
        _pendingEpoch = epoch;
        vm.prank(attestor);
        rewards.proposeRoot(_root(amounts, epoch), current.total + extra, epoch, keccak256(abi.encode(epoch)), "");
    }

    /// @notice 8. `revokePendingRoot`: the guardian revokes the pending root inside its challenge window.
    function revokePendingRoot(uint256 seed) external action {
        RewardRoot memory pending = rewards.pendingRoot();
        // Without a root in its window, the attestor proposes one first.
        if (pending.validAt == 0 || block.timestamp >= pending.validAt) _proposeRoot(seed, seed >> 64);
        vm.prank(guardian);
        rewards.revokePendingRoot();
    }

    /// @notice 8. `acceptRoot`: once the challenge window passed (time passes to it), anyone accepts the pending root.
    function acceptRoot(uint256 callerSeed) external action {
        // Without a pending root, the attestor proposes one first.
        if (rewards.pendingRoot().validAt == 0) _proposeRoot(callerSeed, callerSeed >> 64);
        _accept(callerSeed);
    }

    function _accept(uint256 callerSeed) internal {
        _warpTo(rewards.pendingRoot().validAt);
        vm.prank(_user(callerSeed));
        rewards.acceptRoot();
        _rootAccepted();
    }

    /// @dev Makes something claimable when nothing is: a fee funds the distributor if needed, and a root giving every
    /// funded OPEN is proposed and accepted.
    function _makeClaimable(uint256 seed) internal {
        if (rewards.pendingRoot().validAt != 0) _accept(seed);
        if (rewards.totalFunded() == rewards.currentRoot().total) {
            _settle(_user(seed), 1 + (seed % models.modelCount()), 10_000);
        }
        _proposeRoot(type(uint256).max, seed);
        _accept(seed);
    }

    /// @notice 9. `claim` for a user with something left to claim, after (one time in three) a claim with the proof of
    /// the root before, which must revert and pay nothing.
    function claim(uint256 actorSeed, uint256 staleSeed) external action {
        for (uint256 k = 0; k < 6; ++k) {
            uint256 i = (actorSeed + k) % 6;
            if (currentAmounts[i] <= rewards.claimed(users[i])) continue;
            if (staleSeed % 3 == 0) _claimStale(i);
            rewards.claim(users[i], currentAmounts[i], _proof(currentAmounts, _currentEpoch, i));
            return;
        }
        _makeClaimable(actorSeed);
        for (uint256 i = 0; i < 6; ++i) {
            if (currentAmounts[i] <= rewards.claimed(users[i])) continue;
            rewards.claim(users[i], currentAmounts[i], _proof(currentAmounts, _currentEpoch, i));
            return;
        }
    }

    /// @notice 9. `claimMany` for a random nonempty set of users, of which at least one has something to claim.
    function claimMany(uint256 setSeed) external action {
        uint256 mask = bound(setSeed, 1, 63);
        uint256 count;
        bool any;
        for (uint256 i = 0; i < 6; ++i) {
            if ((mask >> i) & 1 == 0) continue;
            ++count;
            if (currentAmounts[i] > rewards.claimed(users[i])) any = true;
        }
        if (!any) {
            _makeClaimable(setSeed);
            mask = 63;
            count = 6;
        }
        ClaimRequest[] memory claims = new ClaimRequest[](count);
        uint256 c;
        for (uint256 i = 0; i < 6; ++i) {
            if ((mask >> i) & 1 == 0) continue;
            claims[c++] = ClaimRequest(users[i], currentAmounts[i], _proof(currentAmounts, _currentEpoch, i));
        }
        rewards.claimMany(claims);
    }

    /* GOVERNANCE AND TIME */

    /// @notice 11. `govern`: a parameter change through the timelock. The Governor (pranked: its votes take weeks of
    /// blocks) schedules a random change (fee split, challenge window, unstake cooldown, epoch length, offering fee)
    /// with the timelock's delay; when one is scheduled, time passes to its ready time and anyone executes it.
    function govern(uint256 changeSeed, uint256 executorSeed) external action {
        if (_executed < _scheduled.length) {
            ScheduledChange memory change = _scheduled[_executed++];
            _warpTo(change.readyAt);
            vm.prank(_user(executorSeed));
            TimelockController(payable(timelock)).execute(change.target, 0, change.data, bytes32(0), change.salt);
            return;
        }
        (address target, bytes memory data) = _change(changeSeed);
        bytes32 salt = keccak256(abi.encode("change", _scheduled.length));
        uint256 delay = TimelockController(payable(timelock)).getMinDelay();
        vm.prank(governor);
        TimelockController(payable(timelock)).schedule(target, 0, data, bytes32(0), salt, delay);
        _scheduled.push(ScheduledChange(target, data, salt, block.timestamp + delay));
    }

    /// @notice 12. `warp`: time jumps biased to land on (or one second past) the next epoch boundary, UTC day
    /// boundary, the end of the challenge window or of the cooldown, or a random time up to two days.
    function warp(uint256 kindSeed, uint256 dtSeed) external action {
        uint256 kind = kindSeed % 5;
        uint256 nudge = dtSeed % 2;
        if (kind == 0) {
            _warpTo(clock.epochStart(clock.currentEpoch() + 1) + nudge);
        } else if (kind == 1) {
            _warpTo(((block.timestamp / 1 days) + 1) * 1 days + nudge);
        } else if (kind == 2) {
            _warp(rewards.challengeWindow() + nudge);
        } else if (kind == 3) {
            _warp(staking.cooldown() + nudge);
        } else {
            _warp(bound(dtSeed, 1, 2 days));
        }
    }

    /* ATTACKS (SECURITY.md, "The attacks found in review") */

    /// @notice Attack 1, settlement ledger overflow: a 1-wei model settles 2^64 − 1 calls ahead of an honest payer in
    /// the same block; the honest settlement must still go through.
    function attackSettlementLedgerOverflow(uint256 payerSeed, uint256 modelSeed) external action {
        vm.prank(attacker);
        uint256 cheap = models.registerModel("ipfs://cheap", _spec(0), 1, attacker);
        _settle(attacker, cheap, type(uint64).max);
        uint256 modelId = 1 + (modelSeed % (models.modelCount() - 1));
        try this.settleAs(_user(payerSeed), modelId, 1_000) {} catch {
            _fail("ledger overflow: an honest settlement reverted after the attacker's");
        }
    }

    /// @notice Attack 2, submit terms front-run: the Datanet owner changes the bond ahead of a contributor's reveal in
    /// the same block; the reveal must revert and post nothing. The contributor then reveals under the new terms.
    function attackSubmitTermsFrontRun(uint256 actorSeed, uint256 datanetSeed, uint256 bondSeed) external action {
        address contributor = _user(actorSeed);
        uint256 datanetId = 1 + (datanetSeed % datanets.datanetCount());
        bytes32 contentHash = keccak256(abi.encode("content", ++_nonce));
        _commit(contributor, datanetId, contentHash);
        _warp(1);
        uint32 read = datanets.currentTermsVersion(datanetId);
        Policy memory policy = datanets.getPolicy(datanetId, read);
        policy.bond = uint96(bound(bondSeed, 1, 4) * BOND);
        vm.prank(IERC721(address(datanets)).ownerOf(datanetId));
        datanets.setPolicy(datanetId, policy);
        uint256 before = open.balanceOf(contributor) + datanets.bondCredit(contributor);
        SubmitRequest memory request = SubmitRequest(datanetId, contentHash, 1_000, read, type(uint96).max, bytes32(0));
        vm.prank(contributor);
        try datanets.submit(request, "ipfs://x") {
            _fail("terms front-run: a reveal under old terms went through");
        } catch {
            if (open.balanceOf(contributor) + datanets.bondCredit(contributor) != before) {
                _fail("terms front-run: the failed reveal moved the contributor's OPEN");
            }
        }
        _reveal(contributor, datanetId, contentHash, 1_000);
    }

    /// @notice Attack 3, settle price front-run: the model's owner raises its price ahead of a payer's settlement in
    /// the same block; the settlement must revert and cost nothing. The payer then settles at the new price.
    function attackSettlePriceFrontRun(uint256 payerSeed, uint256 modelSeed, uint256 priceSeed) external action {
        (uint256 modelId, address owner) = _ownedModel(modelSeed);
        address payer = _user(payerSeed);
        uint256 quoted = uint256(models.terms(modelId).pricePerCall) * 100;
        vm.prank(owner);
        models.setPrice(modelId, uint96(bound(priceSeed, 1e12, 1e16)));
        if (uint256(models.terms(modelId).pricePerCall) * 100 > quoted) {
            uint256 before = open.balanceOf(payer);
            vm.prank(payer);
            try settlement.settle(modelId, 100, quoted, keccak256("batch"), "") {
                _fail("price front-run: a settlement paid more than its maxFee");
            } catch {
                if (open.balanceOf(payer) != before) _fail("price front-run: a refused settlement moved OPEN");
            }
        }
        _settle(payer, modelId, 100);
    }

    /// @notice Attack 4, just-in-time staking: the attacker stakes, a payer settles and the attacker requests its
    /// unstake, in one block; the stake must have earned nothing, and it leaves after its cooldown like anyone's.
    function attackStakingJustInTime(uint256 payerSeed, uint256 modelSeed, uint256 amountSeed) external action {
        uint256 amount = bound(amountSeed, 1_000e18, 100_000e18);
        uint256 earnedBefore = staking.earned(attacker);
        vm.prank(attacker);
        staking.stake(amount);
        stakedIn[attacker] += amount;
        _settle(_user(payerSeed), 1 + (modelSeed % models.modelCount()), 100_000);
        vm.prank(attacker);
        staking.requestUnstake(amount);
        if (staking.earned(attacker) != earnedBefore) _fail("just-in-time staking: a stake of no time earned");
    }

    /// @notice Attack 5, content squatting: a copier sees the author's reveal and commits and reveals the same content
    /// ahead of it in the same block; the copy must revert, and the author's reveal makes it the contributor.
    function attackContentSquatting(uint256 actorSeed, uint256 datanetSeed) external action {
        address author = _user(actorSeed);
        uint256 datanetId = 1 + (datanetSeed % datanets.datanetCount());
        bytes32 contentHash = keccak256(abi.encode("content", ++_nonce));
        _commit(author, datanetId, contentHash);
        _warp(1);
        bytes32 salt = keccak256("copier");
        bytes32 commitment = datanets.commitmentOf(attacker, datanetId, contentHash, salt);
        uint32 terms = datanets.currentTermsVersion(datanetId);
        uint96 maxBond = uint96(datanets.bondFor(datanetId, 1_000));
        vm.startPrank(attacker);
        datanets.commit(commitment);
        try datanets.submit(SubmitRequest(datanetId, contentHash, 1_000, terms, maxBond, salt), "ipfs://copy") {
            _fail("content squatting: a copy revealed in its commitment's block");
        } catch {}
        vm.stopPrank();
        _reveal(author, datanetId, contentHash, 1_000);
        if (datanets.getContribution(datanetId, contentHash).contributor != author) {
            _fail("content squatting: the copier is the contributor of record");
        }
    }

    /// @notice Attack 6, late root revocation: at the root's `validAt` the guardian's revocation must fail, and the
    /// root is accepted.
    function attackLateRootRevocation(uint256 callerSeed) external action {
        if (rewards.pendingRoot().validAt == 0) _proposeRoot(callerSeed, callerSeed >> 64);
        _warpTo(rewards.pendingRoot().validAt);
        vm.prank(guardian);
        try rewards.revokePendingRoot() {
            _fail("late revocation: the guardian revoked a root past its window");
        } catch {}
        vm.prank(_user(callerSeed));
        rewards.acceptRoot();
        _rootAccepted();
    }

    /// @notice Attack 7, root/epoch binding: the attestor proposes for the running epoch or one far ahead; both must
    /// revert. Then it proposes honestly for the ended epoch.
    function attackRootEpochBinding(uint256 epochSeed, uint256 totalSeed) external action {
        if (rewards.pendingRoot().validAt != 0) _accept(epochSeed);
        uint64 current = clock.currentEpoch();
        uint64 bad = epochSeed % 2 == 0 ? current : uint64(bound(epochSeed, current, type(uint64).max));
        uint256 total = rewards.currentRoot().total;
        vm.prank(attestor);
        try rewards.proposeRoot(keccak256("early"), total, bad, bytes32(0), "") {
            _fail("root/epoch binding: a root for an epoch not ended was proposed");
        } catch {}
        _proposeRoot(totalSeed, epochSeed);
    }

    /// @notice Attack 8, governance stake drain: a captured timelock names the attacker the reward notifier, whose
    /// notification without payment must revert; stakers' principal is untouched, and the notifier is restored.
    function attackGovernanceStakeDrain(uint256 amountSeed) external action {
        uint256 principal = staking.principal();
        vm.prank(timelock);
        staking.setRewardNotifier(attacker);
        vm.prank(attacker);
        try staking.notifyReward(bound(amountSeed, 1, principal + 1)) {
            _fail("stake drain: a notification without payment was accepted");
        } catch {}
        if (staking.principal() != principal) _fail("stake drain: the principal moved");
        vm.prank(timelock);
        staking.setRewardNotifier(address(settlement));
    }

    /// @notice Attack 9, cheap settlement: the attacker settles up to 100,000 calls of its own 1-wei model in the block
    /// of an honest payer's settlement. Each settlement's contributors' pot is its own fee's share, and what the
    /// attacker's records can ever be paid from (SDK attribution splits a pot over its settlement's records only) is
    /// at most the wei it paid; the honest settlement funds its full share.
    function attackCheapSettlement(uint256 payerSeed, uint256 modelSeed, uint256 callsSeed) external action {
        uint256 modelId = 1 + (modelSeed % models.modelCount());
        vm.prank(attacker);
        uint256 cheap = models.registerModel("ipfs://cheap", _spec(1), 1, attacker);
        uint64 calls = uint64(bound(callsSeed, 1, 100_000));
        uint256 funded = rewards.totalFunded();
        _settle(attacker, cheap, calls);
        if (rewards.totalFunded() - funded > calls) _fail("cheap settlement: a pot above the attacker's fee");
        funded = rewards.totalFunded();
        uint256 fee = uint256(models.terms(modelId).pricePerCall) * 1_000;
        _settle(_user(payerSeed), modelId, 1_000);
        if (rewards.totalFunded() - funded < (fee * settlement.feeSplit().contributorsBps) / 10_000) {
            _fail("cheap settlement: the honest pot was cut");
        }
    }

    /// @notice Attack 10, daily budget sybils: at 00:00 UTC the attacker fills a Datanet's whole daily byte budget with
    /// full files committed the day before; a newcomer who committed too still gets in by posting the bond of the
    /// moment, and the attacker's last files paid a surge above the terms' bond (kept when they expire or are rejected).
    function attackDailyBudgetSybils(uint256 actorSeed, uint256 datanetSeed) external action {
        address newcomer = _user(actorSeed);
        uint256 datanetId = 1 + (datanetSeed % datanets.datanetCount());
        uint32 terms = datanets.currentTermsVersion(datanetId);
        Policy memory policy = datanets.getPolicy(datanetId, terms);
        uint256 files = policy.datanetDailyBytes / policy.maxFileBytes;
        bytes32[] memory junk = new bytes32[](files);
        for (uint256 i = 0; i < files; ++i) {
            junk[i] = keccak256(abi.encode("junk", ++_nonce));
            _commit(attacker, datanetId, junk[i]);
        }
        bytes32 mine = keccak256(abi.encode("content", ++_nonce));
        _commit(newcomer, datanetId, mine);
        _warpTo(((block.timestamp / 1 days) + 1) * 1 days);
        for (uint256 i = 0; i < files; ++i) _reveal(attacker, datanetId, junk[i], policy.maxFileBytes);
        if (files != 0 && datanets.getContribution(datanetId, junk[files - 1]).bond <= policy.bond) {
            _fail("sybils: the daily budget filled at the terms' bond");
        }
        uint96 quote = uint96(datanets.bondFor(datanetId, 1_000));
        SubmitRequest memory request = SubmitRequest(datanetId, mine, 1_000, terms, quote, bytes32(0));
        vm.prank(newcomer);
        try datanets.submit(request, "ipfs://newcomer") {
            _submitted.push(Submitted(datanetId, mine));
            pendingBonds += datanets.getContribution(datanetId, mine).bond;
        } catch {
            _fail("sybils: a newcomer posting the quoted bond was locked out");
        }
    }

    /// @dev For the attacks that must observe a nested action's revert: only this contract calls them.
    function settleAs(address payer, uint256 modelId, uint64 calls) external {
        require(msg.sender == address(this), "internal");
        _settle(payer, modelId, calls);
    }

    /* VIEWS FOR THE INVARIANTS */

    function user(uint256 i) external view returns (address) {
        return users[i];
    }

    function submittedCount() external view returns (uint256) {
        return _submitted.length;
    }

    function submitted(uint256 i) external view returns (uint256 datanetId, bytes32 contentHash) {
        Submitted memory s = _submitted[i];
        return (s.datanetId, s.contentHash);
    }

    /* INTERNAL */

    function _commit(address contributor, uint256 datanetId, bytes32 contentHash) internal {
        bytes32 commitment = datanets.commitmentOf(contributor, datanetId, contentHash, bytes32(0));
        vm.prank(contributor);
        datanets.commit(commitment);
    }

    function _reveal(address contributor, uint256 datanetId, bytes32 contentHash, uint64 size) internal {
        SubmitRequest memory request = SubmitRequest({
            datanetId: datanetId,
            contentHash: contentHash,
            size: size,
            termsVersion: datanets.currentTermsVersion(datanetId),
            maxBond: uint96(datanets.bondFor(datanetId, size)),
            salt: bytes32(0)
        });
        vm.prank(contributor);
        datanets.submit(request, "ipfs://content");
        _submitted.push(Submitted(datanetId, contentHash));
        pendingBonds += datanets.getContribution(datanetId, contentHash).bond;
    }

    /// @dev `validator`'s vote; a vote that settles the contribution settles its bond in {pendingBonds}.
    function _castVote(address validator, uint256 datanetId, bytes32 contentHash, bool accept) internal {
        vm.prank(validator);
        datanets.vote(datanetId, contentHash, accept);
        Contribution memory c = datanets.getContribution(datanetId, contentHash);
        if (c.status != ContributionStatus.Pending) pendingBonds -= c.bond;
    }

    /// @dev Version 1 specs trained on every Datanet's latest published version.
    function _spec(uint256 seed) internal view returns (ModelSpec memory spec) {
        uint256 count = datanets.datanetCount();
        DatanetRef[] memory trainedOn = new DatanetRef[](count);
        for (uint256 i = 0; i < count; ++i) {
            trainedOn[i] = DatanetRef(uint64(i + 1), datanets.versionCount(i + 1));
        }
        spec = ModelSpec({
            baseModel: "meta-llama/Llama-3.1-8B-Instruct",
            adapterKind: AdapterKind(seed % 3),
            adapterHash: keccak256(abi.encode("adapter", seed)),
            trainingConfigHash: keccak256(abi.encode("config", seed)),
            trainedOn: trainedOn
        });
    }

    /// @dev A model its owner still holds (launched ones belong to their controller), excluding the attacker's.
    function _ownedModel(uint256 seed) internal returns (uint256 modelId, address owner) {
        uint256 count = models.modelCount();
        for (uint256 k = 0; k < count; ++k) {
            modelId = 1 + ((seed + k) % count);
            owner = IERC721(address(models)).ownerOf(modelId);
            for (uint256 i = 0; i < 6; ++i) if (users[i] == owner) return (modelId, owner);
        }
        // Every model is launched: a user registers one.
        owner = _user(seed);
        ModelSpec memory spec = _spec(seed);
        vm.prank(owner);
        modelId = models.registerModel("ipfs://model", spec, 1e15, owner);
    }

    function _claimStale(uint256 i) internal {
        if (_staleEpoch == 0 || _staleAmounts[i] <= rewards.claimed(users[i])) return;
        uint256 claimed = rewards.claimed(users[i]);
        try rewards.claim(users[i], _staleAmounts[i], _proof(_staleAmounts, _staleEpoch, i)) {
            _fail("claim: a stale proof paid");
        } catch {
            if (rewards.claimed(users[i]) != claimed) _fail("claim: a stale proof changed the claimed amount");
        }
    }

    function _rootAccepted() internal {
        _staleAmounts = currentAmounts;
        _staleEpoch = _currentEpoch;
        currentAmounts = _pendingAmounts;
        _currentEpoch = _pendingEpoch;
    }

    function _leaves(uint256[6] memory amounts, uint64 epoch) internal view returns (bytes32[8] memory leaves) {
        for (uint256 i = 0; i < 6; ++i) leaves[i] = Merkle.leaf(users[i], amounts[i]);
        // Two leaves no account can claim, naming the epoch: every root differs from the one before.
        leaves[6] = keccak256(abi.encode("epoch", epoch));
        leaves[7] = keccak256(abi.encode("filler", epoch));
    }

    function _root(uint256[6] memory amounts, uint64 epoch) internal view returns (bytes32) {
        return Merkle.root(_leaves(amounts, epoch));
    }

    function _proof(uint256[6] memory amounts, uint64 epoch, uint256 i) internal view returns (bytes32[] memory) {
        return Merkle.proof(_leaves(amounts, epoch), i);
    }

    /// @dev One of the parameter changes governance may make, each valid.
    function _change(uint256 seed) internal view returns (address target, bytes memory data) {
        uint256 kind = seed % 5;
        uint256 pick = (seed >> 8) % 4;
        if (kind == 0) {
            FeeSplit[4] memory splits = [
                FeeSplit(1_000, 2_000, 2_000, 5_000),
                FeeSplit(1_000, 3_000, 1_000, 5_000),
                FeeSplit(500, 2_000, 2_500, 5_000),
                FeeSplit(2_000, 1_000, 2_000, 5_000)
            ];
            return (address(settlement), abi.encodeCall(settlement.setFeeSplit, (splits[pick])));
        }
        if (kind == 1) {
            return (address(rewards), abi.encodeCall(rewards.setChallengeWindow, ((pick + 1) * 12 hours)));
        }
        if (kind == 2) {
            return (address(staking), abi.encodeCall(staking.setCooldown, (uint64((pick + 1) * 1 days + 1 days))));
        }
        if (kind == 3) {
            return (address(clock), abi.encodeCall(clock.setEpochLength, (uint64(pick % 2 == 0 ? 7 days : 3 days))));
        }
        return (address(factory), abi.encodeCall(factory.setProtocolFee, (uint16(pick * 100))));
    }
}
