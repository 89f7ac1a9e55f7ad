// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {FeeSplit} from "../../contracts/interfaces/IInferenceSettlement.sol";
import {OfferingContracts} from "../../contracts/interfaces/IOfferingFactory.sol";
import {StakingPool} from "../../contracts/StakingPool.sol";

/// @notice The accounts `deployProtocol`'s options name: `treasury` receives the OPEN supply and the fees, the
/// attestor proposes roots, the guardian revokes them. The deployer is this contract.
struct Roles {
    address treasury;
    address attestor;
    address guardian;
}

/// @title The protocol's deployment, in Solidity
/// @notice Mirrors `deployProtocol(deployer, { treasury, attestor, guardian, governance: { governor: {} } })` of
/// `deploy/protocol.ts` step for step, with every default: the same constructor arguments, the staking pool's notifier,
/// the offering implementations and factory (`deploy/offering.ts`), the timelock and OpenGovernor
/// (`deploy/governance.ts`) and the handover of every parameter to the timelock. This contract is the deployer.
/// `test/integration/forgeWiring.test.ts` deploys both and checks that they are wired alike.
/// Each step takes the creation code of what it deploys (forge's `type(X).creationCode`, or the `bytecode` of forge's
/// artifacts in `out/` from TypeScript) and appends the constructor arguments, as the deploy steps do.
/// @dev Six calls, each under a transaction's gas cap (2^24 since EIP-7825): {deployRegistries},
/// {deploySettlement}, {deployOfferingImplementations}, {deployOfferingFactory}, {deployGovernance}, {handOver}. Only
/// the account that deployed this contract may call them, once each, in order.
contract SystemDeploy {
    /// @dev deploy/settlement.ts DEFAULT_EPOCH_LENGTH: a week.
    uint64 public constant EPOCH_LENGTH = 7 days;
    /// @dev deploy/protocol.ts DEFAULT_CHALLENGE_WINDOW: a day.
    uint256 public constant CHALLENGE_WINDOW = 1 days;
    /// @dev deploy/staking.ts DEFAULT_UNSTAKE_COOLDOWN and DEFAULT_MAX_UNSTAKE_COOLDOWN: a week.
    uint64 public constant UNSTAKE_COOLDOWN = 7 days;
    uint64 public constant MAX_UNSTAKE_COOLDOWN = 7 days;
    /// @dev deploy/staking.ts DEFAULT_REWARD_PERIOD: a day.
    uint64 public constant REWARD_PERIOD = 1 days;
    /// @dev deploy/offering.ts DEFAULT_OFFERING_FEE_BPS: 1%.
    uint16 public constant OFFERING_FEE_BPS = 100;
    /// @dev deploy/governance.ts DEFAULT_TIMELOCK_DELAY: nine days.
    uint256 public constant TIMELOCK_DELAY = 9 days;
    /// @dev deploy/governance.ts DEFAULT_GOVERNOR_SETTINGS.
    uint48 public constant VOTING_DELAY = 7_200;
    uint32 public constant VOTING_PERIOD = 50_400;
    uint256 public constant PROPOSAL_THRESHOLD = 1_000_000e18;
    uint256 public constant QUORUM_PERCENT = 4;

    bytes32 private constant _DEFAULT_ADMIN_ROLE = 0x00;
    bytes32 private constant _PROPOSER_ROLE = keccak256("PROPOSER_ROLE");
    bytes32 private constant _CANCELLER_ROLE = keccak256("CANCELLER_ROLE");

    error SystemDeployUnauthorized(address caller);
    error SystemDeployOutOfOrder();
    error SystemDeployCreationFailed();

    address public immutable operator;
    address public immutable treasury;
    address public immutable attestor;
    address public immutable guardian;

    address public open;
    address public datanets;
    address public clock;
    address public rewards;
    address public models;
    address public staking;
    address public settlement;
    OfferingContracts internal _implementations;
    address public offeringFactory;
    address public timelock;
    address public governor;
    bool public handedOver;

    constructor(Roles memory roles) {
        operator = msg.sender;
        treasury = roles.treasury;
        attestor = roles.attestor;
        guardian = roles.guardian;
    }

    modifier step(bool ready) {
        if (msg.sender != operator) revert SystemDeployUnauthorized(msg.sender);
        if (!ready) revert SystemDeployOutOfOrder();
        _;
    }

    /// @notice protocolSteps "open", "datanets", "clock", "rewards": the clock's genesis is this block's timestamp, as
    /// `deployProtocol`'s default (the latest block's).
    function deployRegistries(
        bytes calldata openCode,
        bytes calldata datanetsCode,
        bytes calldata clockCode,
        bytes calldata rewardsCode
    ) external step(open == address(0)) {
        address self = address(this);
        open = _create(openCode, abi.encode(treasury));
        datanets = _create(datanetsCode, abi.encode(open));
        clock = _create(clockCode, abi.encode(uint64(block.timestamp), EPOCH_LENGTH, self));
        rewards = _create(rewardsCode, abi.encode(open, clock, self, attestor, guardian, CHALLENGE_WINDOW));
    }

    /// @notice protocolSteps "models", "staking", "settlement" and "staking.setRewardNotifier".
    function deploySettlement(
        bytes calldata modelsCode,
        bytes calldata stakingCode,
        bytes calldata settlementCode
    ) external step(rewards != address(0) && models == address(0)) {
        address self = address(this);
        models = _create(modelsCode, abi.encode(datanets));
        staking = _create(stakingCode, abi.encode(open, self, UNSTAKE_COOLDOWN, MAX_UNSTAKE_COOLDOWN, REWARD_PERIOD));
        // deploy/settlement.ts DEFAULT_FEE_SPLIT: 10% treasury, 20% model, 20% stakers, 50% contributors.
        FeeSplit memory split = FeeSplit({
            treasuryBps: 1_000,
            modelBps: 2_000,
            stakersBps: 2_000,
            contributorsBps: 5_000
        });
        settlement = _create(settlementCode, abi.encode(open, models, clock, staking, rewards, treasury, split, self));
        StakingPool(staking).setRewardNotifier(settlement);
    }

    /// @notice offeringSteps: the offering, shares and controller implementations a launch clones.
    function deployOfferingImplementations(
        bytes calldata offeringCode,
        bytes calldata sharesCode,
        bytes calldata controllerCode
    ) external step(settlement != address(0) && _implementations.offering == address(0)) {
        _implementations.offering = _create(offeringCode, abi.encode(open, models, settlement));
        _implementations.shares = _create(sharesCode, abi.encode(open));
        _implementations.controller = _create(controllerCode, "");
    }

    /// @notice offeringSteps: the governor and timelock implementations, then the factory.
    function deployOfferingFactory(
        bytes calldata governorCode,
        bytes calldata timelockCode,
        bytes calldata factoryCode
    ) external step(_implementations.offering != address(0) && offeringFactory == address(0)) {
        _implementations.governor = _create(governorCode, "");
        _implementations.timelock = _create(timelockCode, "");
        offeringFactory = _create(
            factoryCode,
            abi.encode(open, models, settlement, _implementations, treasury, OFFERING_FEE_BPS, address(this))
        );
    }

    /// @notice governanceSteps with a Governor: the timelock (this contract its admin until the Governor exists), the
    /// Governor, the Governor as the only proposer and canceller, anyone as executor, and this contract leaving.
    function deployGovernance(
        bytes calldata timelockCode,
        bytes calldata governorCode
    ) external step(offeringFactory != address(0) && timelock == address(0)) {
        address[] memory proposers = new address[](0);
        address[] memory executors = new address[](1);
        timelock = _create(timelockCode, abi.encode(TIMELOCK_DELAY, proposers, executors, address(this)));
        governor = _create(
            governorCode,
            abi.encode(open, timelock, VOTING_DELAY, VOTING_PERIOD, PROPOSAL_THRESHOLD, QUORUM_PERCENT)
        );
        TimelockController(payable(timelock)).grantRole(_PROPOSER_ROLE, governor);
        TimelockController(payable(timelock)).grantRole(_CANCELLER_ROLE, governor);
        TimelockController(payable(timelock)).renounceRole(_DEFAULT_ADMIN_ROLE, address(this));
    }

    /// @notice handoverSteps: the clock, the pool, settlement and the offering factory to the timelock, then the
    /// distributor's admin role granted to it before this contract renounces its own.
    function handOver() external step(timelock != address(0) && !handedOver) {
        handedOver = true;
        Ownable(clock).transferOwnership(timelock);
        Ownable(staking).transferOwnership(timelock);
        Ownable(settlement).transferOwnership(timelock);
        Ownable(offeringFactory).transferOwnership(timelock);
        IAccessControl(rewards).grantRole(_DEFAULT_ADMIN_ROLE, timelock);
        IAccessControl(rewards).renounceRole(_DEFAULT_ADMIN_ROLE, address(this));
    }

    /// @notice The offering implementations the factory clones.
    function implementations() external view returns (OfferingContracts memory) {
        return _implementations;
    }

    function _create(bytes calldata code, bytes memory args) private returns (address deployed) {
        bytes memory initCode = bytes.concat(code, args);
        assembly ("memory-safe") {
            deployed := create(0, add(initCode, 0x20), mload(initCode))
        }
        if (deployed == address(0)) revert SystemDeployCreationFailed();
    }
}
