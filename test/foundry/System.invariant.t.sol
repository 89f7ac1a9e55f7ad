// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {DatanetRegistry} from "../../contracts/DatanetRegistry.sol";
import {EpochClock} from "../../contracts/EpochClock.sol";
import {InferenceSettlement} from "../../contracts/InferenceSettlement.sol";
import {ModelRegistry} from "../../contracts/ModelRegistry.sol";
import {RewardDistributor} from "../../contracts/RewardDistributor.sol";
import {StakingPool} from "../../contracts/StakingPool.sol";
import {OpenGovernor} from "../../contracts/governance/OpenGovernor.sol";
import {AccessMode, Policy, SubmitRequest} from "../../contracts/interfaces/IDatanetRegistry.sol";
import {AdapterKind, DatanetRef, ModelSpec} from "../../contracts/interfaces/IModelRegistry.sol";
import {OfferingState} from "../../contracts/interfaces/IModelOffering.sol";
import {IModelShares} from "../../contracts/interfaces/IModelShares.sol";
import {OfferingContracts} from "../../contracts/interfaces/IOfferingFactory.sol";
import {ModelController} from "../../contracts/offering/ModelController.sol";
import {ModelGovernor} from "../../contracts/offering/ModelGovernor.sol";
import {ModelOffering} from "../../contracts/offering/ModelOffering.sol";
import {ModelShares} from "../../contracts/offering/ModelShares.sol";
import {ModelTimelock} from "../../contracts/offering/ModelTimelock.sol";
import {OfferingFactory} from "../../contracts/offering/OfferingFactory.sol";
import {OpenToken} from "../../contracts/token/OpenToken.sol";
import {Actors} from "./HandlerBase.sol";
import {OfferingHandler} from "./OfferingHandler.sol";
import {SystemHandler} from "./SystemHandler.sol";
import {Roles, SystemDeploy} from "./SystemDeploy.sol";
import {Test} from "./utils/Test.sol";

/// @title The system-wide invariant campaign
/// @notice The protocol as `deployProtocol` deploys it with governance (see {SystemDeploy}), six users, an attacker,
/// the attestor and the guardian; forge calls random actions of {SystemHandler} and {OfferingHandler} in sequences of
/// the profile's depth and checks every `invariant_` function after each call. `afterInvariant` asserts that each
/// sequence made at least {MIN_STATE_CHANGES} calls that changed state.
contract SystemInvariantTest is Test {
    uint256 public constant MIN_STATE_CHANGES = 50;
    uint256 public constant USER_FUNDS = 1_000_000e18;
    uint256 public constant ATTACKER_FUNDS = 10_000_000e18;

    SystemDeploy internal d;
    SystemHandler internal system;
    OfferingHandler internal offerings;
    Actors internal actors;
    IERC20 internal open;
    address[] internal _fixedAccounts;

    function setUp() public {
        vm.warp(1_767_225_600); // 2026-01-01T00:00:00Z: UTC days and epochs start on round numbers.
        vm.roll(1_000);
        for (uint256 i = 0; i < 6; ++i) actors.users[i] = address(uint160(0xA11CE0 + i));
        actors.attacker = address(0xBAD);
        actors.attestor = address(0xA77E57);
        actors.guardian = address(0x6A4D);
        actors.treasury = address(0x7EA5);

        d = new SystemDeploy(Roles(actors.treasury, actors.attestor, actors.guardian));
        d.deployRegistries(
            type(OpenToken).creationCode,
            type(DatanetRegistry).creationCode,
            type(EpochClock).creationCode,
            type(RewardDistributor).creationCode
        );
        d.deploySettlement(
            type(ModelRegistry).creationCode,
            type(StakingPool).creationCode,
            type(InferenceSettlement).creationCode
        );
        d.deployOfferingImplementations(
            type(ModelOffering).creationCode,
            type(ModelShares).creationCode,
            type(ModelController).creationCode
        );
        d.deployOfferingFactory(
            type(ModelGovernor).creationCode,
            type(ModelTimelock).creationCode,
            type(OfferingFactory).creationCode
        );
        d.deployGovernance(type(TimelockController).creationCode, type(OpenGovernor).creationCode);
        d.handOver();
        open = IERC20(d.open());
        _seed();

        system = new SystemHandler(d, actors);
        offerings = new OfferingHandler(d, actors);
        _fixedAccounts = [
            d.open(),
            d.datanets(),
            d.clock(),
            d.rewards(),
            d.models(),
            d.staking(),
            d.settlement(),
            d.offeringFactory(),
            d.timelock(),
            d.governor(),
            address(d),
            address(this),
            address(system),
            address(offerings),
            actors.attacker,
            actors.attestor,
            actors.guardian,
            actors.treasury
        ];
        OfferingContracts memory implementations = d.implementations();
        _fixedAccounts.push(implementations.offering);
        _fixedAccounts.push(implementations.shares);
        _fixedAccounts.push(implementations.controller);
        _fixedAccounts.push(implementations.governor);
        _fixedAccounts.push(implementations.timelock);
        for (uint256 i = 0; i < 6; ++i) _fixedAccounts.push(actors.users[i]);

        bytes4[] memory core = new bytes4[](28);
        core[0] = SystemHandler.submit.selector;
        core[1] = SystemHandler.vote.selector;
        core[2] = SystemHandler.expire.selector;
        core[3] = SystemHandler.publishVersion.selector;
        core[4] = SystemHandler.registerModel.selector;
        core[5] = SystemHandler.addModelVersion.selector;
        core[6] = SystemHandler.settle.selector;
        core[7] = SystemHandler.stake.selector;
        core[8] = SystemHandler.requestUnstake.selector;
        core[9] = SystemHandler.withdraw.selector;
        core[10] = SystemHandler.claimRewards.selector;
        core[11] = SystemHandler.proposeRoot.selector;
        core[12] = SystemHandler.revokePendingRoot.selector;
        core[13] = SystemHandler.acceptRoot.selector;
        core[14] = SystemHandler.claim.selector;
        core[15] = SystemHandler.claimMany.selector;
        core[16] = SystemHandler.govern.selector;
        core[17] = SystemHandler.warp.selector;
        core[18] = SystemHandler.attackSettlementLedgerOverflow.selector;
        core[19] = SystemHandler.attackSubmitTermsFrontRun.selector;
        core[20] = SystemHandler.attackSettlePriceFrontRun.selector;
        core[21] = SystemHandler.attackStakingJustInTime.selector;
        core[22] = SystemHandler.attackContentSquatting.selector;
        core[23] = SystemHandler.attackLateRootRevocation.selector;
        core[24] = SystemHandler.attackRootEpochBinding.selector;
        core[25] = SystemHandler.attackGovernanceStakeDrain.selector;
        core[26] = SystemHandler.attackCheapSettlement.selector;
        core[27] = SystemHandler.attackDailyBudgetSybils.selector;
        targetSelector(address(system), core);

        bytes4[] memory offering = new bytes4[](19);
        offering[0] = OfferingHandler.launch.selector;
        offering[1] = OfferingHandler.buy.selector;
        offering[2] = OfferingHandler.finalize.selector;
        offering[3] = OfferingHandler.settleBuyer.selector;
        offering[4] = OfferingHandler.release.selector;
        offering[5] = OfferingHandler.transferShares.selector;
        offering[6] = OfferingHandler.claimRevenue.selector;
        offering[7] = OfferingHandler.openEndVote.selector;
        offering[8] = OfferingHandler.castEndVote.selector;
        offering[9] = OfferingHandler.closeEndVote.selector;
        offering[10] = OfferingHandler.redeem.selector;
        offering[11] = OfferingHandler.claimContributorShares.selector;
        offering[12] = OfferingHandler.claimVested.selector;
        offering[13] = OfferingHandler.attackRevenueSniping.selector;
        offering[14] = OfferingHandler.attackSharesEscrowReentry.selector;
        offering[15] = OfferingHandler.attackMilestoneFaking.selector;
        offering[16] = OfferingHandler.attackOfferingCreatorCapture.selector;
        offering[17] = OfferingHandler.attackSaleBotFrontRun.selector;
        offering[18] = OfferingHandler.attackSharesLateBuyerRevenue.selector;
        targetSelector(address(offerings), offering);
    }

    /* INVARIANTS */

    /// @notice Every invariant, after every call. One function, so that forge runs one campaign (it runs one per
    /// `invariant_` function) and the failing sequence names the property that broke.
    function invariant_system() public view {
        _noActionSawABrokenProperty();
        _openConserved();
        _distributorSolvent();
        _stakingPoolSolvent();
        _bondsAccounted();
        _shareRevenueConserved();
    }

    /// @notice No action broke a property it checks on the way (an attack's gain, a stale proof, a second reclaim).
    function _noActionSawABrokenProperty() internal view {
        vm.assertEq(bytes(system.violation()).length, 0, system.violation());
        vm.assertEq(bytes(offerings.violation()).length, 0, offerings.violation());
    }

    /// @notice OPEN conserved: every contract of the system, every offering clone and every actor hold the supply.
    function _openConserved() internal view {
        uint256 sum;
        for (uint256 i = 0; i < _fixedAccounts.length; ++i) sum += open.balanceOf(_fixedAccounts[i]);
        uint256 n = offerings.offeringCount();
        for (uint256 i = 0; i < n; ++i) {
            OfferingContracts memory c = offerings.offeringAt(i);
            sum +=
                open.balanceOf(c.offering) +
                open.balanceOf(c.shares) +
                open.balanceOf(c.controller) +
                open.balanceOf(c.governor) +
                open.balanceOf(c.timelock);
        }
        vm.assertEq(sum, open.totalSupply(), "OPEN held by the system and the actors != total supply");
        vm.assertEq(open.balanceOf(d.settlement()), 0, "settlement kept OPEN between settlements");
    }

    /// @notice The distributor: no account claimed more than the current root gives it, the claimed total stays within
    /// the root's total and the root's within the funding, and the distributor holds what it owes.
    function _distributorSolvent() internal view {
        RewardDistributor rewards = RewardDistributor(d.rewards());
        uint256 funded = rewards.totalFunded();
        uint256 totalClaimed = rewards.totalClaimed();
        uint256 rootTotal = rewards.currentRoot().total;
        vm.assertLe(totalClaimed, rootTotal, "distributor: claimed more than the current root's total");
        vm.assertLe(rootTotal, funded, "distributor: the current root's total exceeds the funding");
        vm.assertGe(open.balanceOf(address(rewards)), funded - totalClaimed, "distributor: insolvent");
        for (uint256 i = 0; i < 6; ++i) {
            vm.assertLe(
                rewards.claimed(actors.users[i]),
                system.currentAmounts(i),
                "distributor: an account claimed more than its cumulative amount"
            );
        }
    }

    /// @notice The staking pool: it holds every principal and reward it owes; its principal and total stake are the
    /// positions' sums; nobody withdrew more than it staked; rewards paid stay within the stakers' shares notified.
    function _stakingPoolSolvent() internal view {
        StakingPool staking = StakingPool(d.staking());
        vm.assertGe(
            open.balanceOf(address(staking)),
            staking.principal() + staking.outstandingRewards(),
            "staking pool: insolvent"
        );
        uint256 staked;
        uint256 principal;
        for (uint256 i = 0; i < 7; ++i) {
            address account = i == 6 ? actors.attacker : actors.users[i];
            (uint128 s, uint128 u, ) = _position(staking, account);
            staked += s;
            principal += uint256(s) + u;
            vm.assertLe(system.withdrawn(account), system.stakedIn(account), "staking: withdrew more than staked");
        }
        vm.assertEq(staking.totalStaked(), staked, "staking: total stake != the positions' sum");
        vm.assertEq(staking.principal(), principal, "staking: principal != staked + unstaking");
        vm.assertLe(
            system.rewardsClaimed(),
            system.stakersNotified() + offerings.stakersNotified(),
            "staking: paid more rewards than notified"
        );
    }

    /// @notice Every bond settled once: the registry holds exactly the pending contributions' bonds (as the handler's
    /// model of the registry counts them: posted at submission, settled once by the deciding vote or the reclaim), the
    /// bond credit owed and the Datanets' treasuries.
    function _bondsAccounted() internal view {
        DatanetRegistry datanets = DatanetRegistry(d.datanets());
        uint256 held = system.pendingBonds();
        for (uint256 i = 0; i < 7; ++i) {
            held += datanets.bondCredit(i == 6 ? actors.attacker : actors.users[i]);
        }
        for (uint256 id = 1; id <= 2; ++id) held += datanets.treasuryBalance(id);
        vm.assertEq(
            open.balanceOf(address(datanets)),
            held,
            "datanets: OPEN held != pending bonds + credit + treasuries"
        );
    }

    /// @notice Share revenue is never created or destroyed: what holders claimed is what the shares paid, and what they
    /// (and the escrow's shares) are owed is what the shares hold, less rounding dust bounded by the actions taken.
    function _shareRevenueConserved() internal view {
        uint256 n = offerings.offeringCount();
        for (uint256 i = 0; i < n; ++i) {
            OfferingContracts memory c = offerings.offeringAt(i);
            // Revenue reaches the shares only once the sale succeeded.
            OfferingState state = ModelOffering(c.offering).state();
            if (state != OfferingState.Succeeded && state != OfferingState.Ended) continue;
            IModelShares shares = IModelShares(c.shares);
            vm.assertEq(shares.revenuePaid(), offerings.revenueClaimed(c.shares), "shares: paid != claimed");
            uint256 owed = _escrowCarry(c);
            for (uint256 h = 0; h < 8; ++h) owed += shares.accruedRevenue(offerings.holderAt(c, h));
            uint256 balance = open.balanceOf(c.shares);
            vm.assertLe(owed, balance, "shares: owe holders more revenue than they hold");
            vm.assertLe(balance - owed, 10 + 2 * offerings.stateChanges(), "shares: revenue lost beyond rounding");
        }
    }

    /// @notice Every sequence made at least {MIN_STATE_CHANGES} calls that changed state.
    function afterInvariant() public view {
        vm.assertGe(
            system.stateChanges() + offerings.stateChanges(),
            MIN_STATE_CHANGES,
            "the sequence made too few state-changing calls"
        );
    }

    /* SET-UP */

    /// @dev Funds and approvals; two Datanets (users 0 and 1 own them; three validators each, two of them decide),
    /// each with one accepted contribution and version 1; models 1 and 2 (users 2 and 3) trained on both.
    function _seed() internal {
        address[6] memory users = actors.users;
        vm.startPrank(actors.treasury);
        for (uint256 i = 0; i < 6; ++i) open.transfer(users[i], USER_FUNDS);
        open.transfer(actors.attacker, ATTACKER_FUNDS);
        vm.stopPrank();
        for (uint256 i = 0; i < 7; ++i) {
            address account = i == 6 ? actors.attacker : users[i];
            vm.startPrank(account);
            open.approve(d.datanets(), type(uint256).max);
            open.approve(d.settlement(), type(uint256).max);
            open.approve(d.staking(), type(uint256).max);
            vm.stopPrank();
        }
        DatanetRegistry datanets = DatanetRegistry(d.datanets());
        Policy memory policy = Policy({
            bond: 10e18,
            quorum: 2,
            reviewWindow: 1 days,
            accessMode: AccessMode.Open,
            maxFileBytes: 64 * 1024,
            contributorDailyFiles: 50,
            contributorDailyBytes: 50 * 64 * 1024,
            datanetDailyBytes: 1024 * 1024
        });
        for (uint256 id = 1; id <= 2; ++id) {
            address[] memory validators = new address[](3);
            for (uint256 v = 0; v < 3; ++v) validators[v] = users[id + 1 + v];
            vm.prank(users[id - 1]);
            datanets.createDatanet("ipfs://datanet", policy, validators);
            bytes32 contentHash = keccak256(abi.encode("seed", id));
            address contributor = users[(id + 4) % 6];
            // A prank applies to the next call, view calls included: every argument is read before it.
            bytes32 commitment = datanets.commitmentOf(contributor, id, contentHash, bytes32(0));
            vm.prank(contributor);
            datanets.commit(commitment);
            vm.warp(block.timestamp + 12);
            vm.roll(block.number + 1);
            vm.prank(contributor);
            datanets.submit(SubmitRequest(id, contentHash, 1_000, 1, 10e18, bytes32(0)), "ipfs://seed");
            vm.prank(validators[0]);
            datanets.vote(id, contentHash, true);
            vm.prank(validators[1]);
            datanets.vote(id, contentHash, true);
            vm.prank(users[id - 1]);
            datanets.publishVersion(id);
        }
        DatanetRef[] memory trainedOn = new DatanetRef[](2);
        trainedOn[0] = DatanetRef(1, 1);
        trainedOn[1] = DatanetRef(2, 1);
        ModelSpec memory spec = ModelSpec("meta-llama/Llama-3.1-8B-Instruct", AdapterKind.LoRA, "a", "c", trainedOn);
        ModelRegistry models = ModelRegistry(d.models());
        for (uint256 m = 0; m < 2; ++m) {
            vm.prank(users[2 + m]);
            models.registerModel("ipfs://model", spec, 1e15, users[2 + m]);
        }
    }

    function _position(StakingPool staking, address account) internal view returns (uint128, uint128, uint64) {
        return (staking.position(account).staked, staking.position(account).unstaking, 0);
    }

    /// @dev What the escrow's shares carry: their balance times the accumulator as a sync now would set it.
    function _escrowCarry(OfferingContracts memory c) internal view returns (uint256) {
        IModelShares shares = IModelShares(c.shares);
        uint256 supply = IERC20(c.shares).totalSupply();
        if (supply == 0) return 0;
        uint256 rps = shares.revenuePerShare();
        uint256 accounted = shares.revenueReceived() - shares.revenuePaid();
        uint256 balance = open.balanceOf(c.shares);
        if (balance > accounted) rps += ((balance - accounted) * shares.REVENUE_SCALE()) / supply;
        return (IERC20(c.shares).balanceOf(c.offering) * rps) / shares.REVENUE_SCALE();
    }
}
