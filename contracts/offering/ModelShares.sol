// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
// solhint-disable-next-line max-line-length
import {ERC20PermitUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
// solhint-disable-next-line max-line-length
import {ERC20VotesUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20VotesUpgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IModelShares} from "../interfaces/IModelShares.sol";

/// @title ModelShares
/// @notice See {IModelShares}. A minimal-proxy clone per model; the implementation itself is locked.
/// @dev Storage bounds, so that the packed fields never overflow:
/// - `accounted` (synced OPEN not yet claimed) is at most this contract's OPEN balance, so below OPEN's fixed supply
///   (10^27 < 2^90), and every account's `accrued` is part of it: both fit a uint96.
/// - `revenuePerShare` rises by `arrived × SCALE / supply` per sync, so it stays below `received × 10^27 / supply`
///   for the smallest supply it was shared among. A sync that would take it to 2^160 or past is skipped, leaving that
///   OPEN unaccounted rather than blocking transfers and claims: for a supply that stayed above 10^-3 shares (10^15)
///   it takes over 10^36 wei of revenue, beyond any chain's gas even recycling all of OPEN. Only a supply burned down
///   to below about 10^-6 shares could stall syncing, and only its own revenue.
/// - `balance × (revenuePerShare − paidPerShare)` is at most `SCALE` times the revenue synced while the account held
///   that balance (at each sync its balance was at most the supply), far below 2^256.
/// Rounding: each sync raises the accumulator by `⌊arrived × SCALE / supply⌋` and accounts `⌈increase × supply /
/// SCALE⌉ ≤ arrived` of the OPEN, so what is accounted never falls short of what the accumulator promises; the rest
/// stays unaccounted and joins the next sync. With `SCALE = 10^27` that rest is zero for any supply up to 10^27
/// (a billion shares): every sync accounts exactly what arrived, so a later claim finds nothing to sync and need not
/// read the supply. Every credit (an account's settlement, escrow-carried revenue) rounds down, so Σ accrued +
/// Σ claimed + what escrow shares carry ≤ {revenueReceived}; the dust (under one wei per credit) stays in this
/// contract, accounted but owed to no one.
contract ModelShares is IModelShares, ERC20Upgradeable, ERC20PermitUpgradeable, ERC20VotesUpgradeable {
    using SafeERC20 for IERC20;

    /* TYPES */

    /// @dev One slot, read by every transfer: the accumulator and the synced OPEN still owed.
    struct Pool {
        uint160 revenuePerShare;
        uint96 accounted;
    }

    /// @dev One slot per account: the accumulator it was last settled at and what it has accrued since its last claim.
    /// The escrow's slot holds {ESCROW_MARK} as `accrued`, which no real account reaches (what an account accrued is
    /// below 2^90), so that a transfer recognises the escrow from the slot it reads anyway.
    struct Account {
        uint160 paidPerShare;
        uint96 accrued;
    }

    /* CONSTANTS */

    /// @inheritdoc IModelShares
    uint256 public constant REVENUE_SCALE = 1e27;

    uint96 private constant ESCROW_MARK = type(uint96).max;

    /// @dev The revenue token is the protocol's OPEN for every model, so the implementation holds it as an immutable,
    /// which its clones read from its code: a transfer and a claim save a storage read.
    IERC20 private immutable _REVENUE_TOKEN;

    /* STORAGE */

    Pool private _pool;
    address private _escrow;
    address private _revenueSink;
    /// @dev Written by syncs only, so that a claim writes one slot of the pool's instead of two.
    uint256 private _revenueReceived;
    mapping(address account => Account) private _accounts;

    /// @param revenueToken_ OPEN, in which every model's revenue arrives; each clone's {initialize} must name it.
    constructor(IERC20 revenueToken_) {
        _REVENUE_TOKEN = revenueToken_;
        _disableInitializers();
    }

    /* INITIALIZATION */

    /// @inheritdoc IModelShares
    function initialize(
        string calldata name_,
        string calldata symbol_,
        uint256 supply,
        address escrow_,
        address revenueToken_,
        address revenueSink_
    ) external initializer {
        // The sink must be an account that can claim: the escrow accrues nothing.
        if (
            escrow_ == address(0) ||
            revenueToken_ != address(_REVENUE_TOKEN) ||
            revenueSink_ == address(0) ||
            revenueSink_ == escrow_
        ) {
            revert SharesInvalidAddress();
        }
        if (supply == 0) revert SharesZeroSupply();
        __ERC20_init(name_, symbol_);
        __ERC20Permit_init(name_);
        __ERC20Votes_init();
        _escrow = escrow_;
        _revenueSink = revenueSink_;
        _accounts[escrow_].accrued = ESCROW_MARK;
        _mint(escrow_, supply);
    }

    /* REVENUE */

    /// @inheritdoc IModelShares
    function syncRevenue() external {
        _syncRevenue();
    }

    /// @inheritdoc IModelShares
    function claimRevenue(address account) external returns (uint256 amount) {
        Pool memory pool = _syncRevenue();
        Account memory state = _accounts[account];
        if (state.accrued == ESCROW_MARK) revert SharesNothingToClaim(account);
        amount = state.accrued + _pending(balanceOf(account), pool.revenuePerShare, state.paidPerShare);
        if (amount == 0) revert SharesNothingToClaim(account);
        _accounts[account] = Account({paidPerShare: pool.revenuePerShare, accrued: 0});
        // Cannot underflow: what an account accrued is part of the OPEN accounted and not yet claimed.
        unchecked {
            pool.accounted -= uint96(amount);
        }
        _pool = pool;
        // OPEN's Transfer from this token is the claim's record: no other path moves OPEN out of it.
        _REVENUE_TOKEN.safeTransfer(account, amount);
    }

    /// @inheritdoc IModelShares
    function burn(address from, uint256 amount) external {
        if (msg.sender != _escrow) revert SharesUnauthorizedEscrow(msg.sender);
        _burn(from, amount);
    }

    /* VOTES CLOCK */

    /// @notice Votes are counted by timestamp, so a model's Governor measures its delays and periods in seconds.
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /* VIEWS */

    /// @inheritdoc IModelShares
    function revenueToken() external view returns (address) {
        return address(_REVENUE_TOKEN);
    }

    /// @inheritdoc IModelShares
    function escrow() external view returns (address) {
        return _escrow;
    }

    /// @inheritdoc IModelShares
    function revenueSink() external view returns (address) {
        return _revenueSink;
    }

    /// @inheritdoc IModelShares
    function revenuePerShare() external view returns (uint256) {
        return _pool.revenuePerShare;
    }

    /// @inheritdoc IModelShares
    function accruedRevenue(address account) external view returns (uint256) {
        Account memory state = _accounts[account];
        if (state.accrued == ESCROW_MARK) return 0;
        (uint256 revenuePerShare_, ) = _pendingSync(_pool);
        return state.accrued + _pending(balanceOf(account), revenuePerShare_, state.paidPerShare);
    }

    /// @inheritdoc IModelShares
    function revenueReceived() external view returns (uint256) {
        return _revenueReceived;
    }

    /// @inheritdoc IModelShares
    function revenuePaid() external view returns (uint256) {
        // What was shared and is no longer owed was claimed.
        return _revenueReceived - _pool.accounted;
    }

    /// @inheritdoc ERC20PermitUpgradeable
    function nonces(address owner) public view override(ERC20PermitUpgradeable, NoncesUpgradeable) returns (uint256) {
        return super.nonces(owner);
    }

    /* INTERNAL */

    /// @dev Every balance change first shares the OPEN that arrived (with the supply before the change), then settles
    /// both sides at the accumulator, so the move itself carries no revenue; shares leaving the escrow carry theirs to
    /// the receiver, or to the sink when burned.
    function _update(
        address from,
        address to,
        uint256 value
    ) internal override(ERC20Upgradeable, ERC20VotesUpgradeable) {
        uint256 revenuePerShare_ = _syncRevenue().revenuePerShare;
        uint256 carried;
        if (from != address(0)) {
            Account memory state = _accounts[from];
            if (state.accrued == ESCROW_MARK) {
                // The escrow's baseline is zero, so its shares carry all they earned since the mint.
                carried = (value * revenuePerShare_) / REVENUE_SCALE;
            } else {
                _settle(from, state, balanceOf(from), revenuePerShare_, 0);
            }
        }
        if (to != address(0)) {
            // Read after the sender's settlement, which may be the same account.
            Account memory state = _accounts[to];
            if (state.accrued == ESCROW_MARK) {
                if (from != address(0)) revert SharesEscrowReceive(from);
            } else {
                _settle(to, state, balanceOf(to), revenuePerShare_, carried);
            }
        } else if (carried != 0) {
            // Adding to what the sink accrued needs no settlement: its balance does not change.
            _accounts[_revenueSink].accrued += uint96(carried);
        }
        super._update(from, to, value);
    }

    /// @dev Shares the OPEN that arrived since the last sync and returns the pool as it now is.
    function _syncRevenue() private returns (Pool memory pool) {
        pool = _pool;
        (uint256 revenuePerShare_, uint256 shared) = _pendingSync(pool);
        if (shared != 0) {
            pool.revenuePerShare = uint160(revenuePerShare_);
            // `accounted + shared` is at most this contract's OPEN balance, below 2^90; the cast only guards against a
            // revenue token with a larger supply than OPEN's.
            pool.accounted = SafeCast.toUint96(pool.accounted + shared);
            _pool = pool;
            _revenueReceived += shared;
            emit RevenueSynced(shared, revenuePerShare_);
        }
    }

    /// @dev The accumulator after sharing what arrived, and the OPEN that sharing accounts (zero when there is
    /// nothing to share, no supply to share it among, or the accumulator would not fit).
    function _pendingSync(Pool memory pool) private view returns (uint256 revenuePerShare_, uint256 shared) {
        revenuePerShare_ = pool.revenuePerShare;
        uint256 balance = _REVENUE_TOKEN.balanceOf(address(this));
        if (balance <= pool.accounted) return (revenuePerShare_, 0);
        uint256 supply = totalSupply();
        if (supply == 0) return (revenuePerShare_, 0);
        uint256 increase = ((balance - pool.accounted) * REVENUE_SCALE) / supply;
        uint256 next = revenuePerShare_ + increase;
        if (increase == 0 || next > type(uint160).max) return (revenuePerShare_, 0);
        return (next, Math.ceilDiv(increase * supply, REVENUE_SCALE));
    }

    /// @dev Credits `account` what its `balance` earned since it was last settled, plus `carried`, and baselines it at
    /// `revenuePerShare_`; writes nothing when nothing changes.
    function _settle(
        address account,
        Account memory state,
        uint256 balance,
        uint256 revenuePerShare_,
        uint256 carried
    ) private {
        if (state.paidPerShare == revenuePerShare_ && carried == 0) return;
        uint256 accrued = state.accrued + _pending(balance, revenuePerShare_, state.paidPerShare) + carried;
        // Cannot truncate: what an account accrued is part of the OPEN accounted (see the contract's bounds).
        _accounts[account] = Account({paidPerShare: uint160(revenuePerShare_), accrued: uint96(accrued)});
    }

    /// @dev What `balance` earned from `paidPerShare` to `revenuePerShare_`, rounded down.
    function _pending(uint256 balance, uint256 revenuePerShare_, uint256 paidPerShare) private pure returns (uint256) {
        // Cannot underflow: the accumulator never decreases and an account is settled at its current value. Cannot
        // overflow: the product is at most SCALE times the revenue synced meanwhile (see the contract's bounds).
        unchecked {
            return (balance * (revenuePerShare_ - paidPerShare)) / REVENUE_SCALE;
        }
    }
}
