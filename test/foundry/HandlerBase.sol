// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDatanetRegistry} from "../../contracts/interfaces/IDatanetRegistry.sol";
import {IEpochClock} from "../../contracts/interfaces/IEpochClock.sol";
import {IInferenceSettlement} from "../../contracts/interfaces/IInferenceSettlement.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {IOfferingFactory} from "../../contracts/interfaces/IOfferingFactory.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {IStakingPool} from "../../contracts/interfaces/IStakingPool.sol";
import {SystemDeploy} from "./SystemDeploy.sol";
import {CheatCodes} from "./utils/Test.sol";

/// @notice The campaign's actors: six users (contributors, validators, stakers, buyers, payers), an attacker for the
/// targeted attacks, the attestor, the guardian and the treasury (which received the OPEN supply).
struct Actors {
    address[6] users;
    address attacker;
    address attestor;
    address guardian;
    address treasury;
}

/// @notice What every handler shares: the deployed system, the actors, time travel, and the record of a broken
/// property. A handler call that reverts is undone entirely (forge counts it as a revert), so a property an action
/// checks on the way (an attack's gain is zero, a stale proof pays nothing) is recorded in {violation} without
/// reverting, and an invariant asserts that it stays empty.
abstract contract HandlerBase is CheatCodes {
    /// @notice The action found nothing to act on (forge counts the call as reverted, which it is).
    error HandlerNothingToDo();

    IERC20 internal immutable open;
    IDatanetRegistry internal immutable datanets;
    IEpochClock internal immutable clock;
    IRewardDistributor internal immutable rewards;
    IModelRegistry internal immutable models;
    IStakingPool internal immutable staking;
    IInferenceSettlement internal immutable settlement;
    IOfferingFactory internal immutable factory;
    address internal immutable timelock;
    address internal immutable governor;

    address[6] internal users;
    address internal immutable attacker;
    address internal immutable attestor;
    address internal immutable guardian;
    address internal immutable treasury;

    /// @notice The first broken property an action saw, empty while every one held.
    string public violation;
    /// @notice Calls of this handler in the current sequence that changed state (reverted calls leave no trace).
    uint256 public stateChanges;
    /// @notice The stakers' shares of the fees this handler settled.
    uint256 public stakersNotified;
    uint256 internal _nonce;

    constructor(SystemDeploy d, Actors memory a) {
        open = IERC20(d.open());
        datanets = IDatanetRegistry(d.datanets());
        clock = IEpochClock(d.clock());
        rewards = IRewardDistributor(d.rewards());
        models = IModelRegistry(d.models());
        staking = IStakingPool(d.staking());
        settlement = IInferenceSettlement(d.settlement());
        factory = IOfferingFactory(d.offeringFactory());
        timelock = d.timelock();
        governor = d.governor();
        users = a.users;
        attacker = a.attacker;
        attestor = a.attestor;
        guardian = a.guardian;
        treasury = a.treasury;
    }

    /// @dev Counts the call as state-changing; it is, since it did not revert and every action writes.
    modifier action() {
        _;
        ++stateChanges;
    }

    function _user(uint256 seed) internal view returns (address) {
        return users[seed % users.length];
    }

    /// @dev Time passes by `dt` seconds, in 12-second blocks.
    function _warp(uint256 dt) internal {
        if (dt == 0) return;
        vm.warp(block.timestamp + dt);
        vm.roll(block.number + dt / 12 + 1);
    }

    /// @dev Time passes to `at`, if it is later.
    function _warpTo(uint256 at) internal {
        if (at > block.timestamp) _warp(at - block.timestamp);
    }

    /// @dev `payer` pays for `calls` of `modelId` at its price, quoting exactly that fee.
    function _settle(address payer, uint256 modelId, uint64 calls) internal {
        uint256 fee = uint256(models.terms(modelId).pricePerCall) * calls;
        uint256 stakersBps = settlement.feeSplit().stakersBps;
        vm.prank(payer);
        settlement.settle(modelId, calls, fee, keccak256(abi.encode("log", ++_nonce)), "ipfs://log");
        stakersNotified += (fee * stakersBps) / 10_000;
    }

    function _fail(string memory what) internal {
        if (bytes(violation).length == 0) violation = what;
    }
}
