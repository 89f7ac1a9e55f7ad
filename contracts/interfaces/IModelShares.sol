// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Model shares
/// @notice A tokenized model's shares: ERC-20 with Permit and Votes (timestamp clock), a fixed supply minted once to
/// the model's offering, and a revenue vault. After a successful sale the model's revenue recipient is this contract:
/// every OPEN it receives (settlement pushes the model's share with a plain transfer) is paid to holders pro rata to
/// the shares they held when it arrived.
/// @dev Revenue accumulator: `revenuePerShare` (scaled by {REVENUE_SCALE}) rises by `received × SCALE / supply` when
/// OPEN arrives (measured as the balance above what is already owed, on every transfer, mint, burn, claim and
/// {syncRevenue}); each account keeps the `revenuePerShare` it was last settled at and what it has accrued, and every
/// balance change settles both sides first. So buying after revenue arrived earns none of it, selling keeps what was
/// earned, and no transfer creates or destroys accrued revenue. The rounding remainder of each sync stays unaccounted
/// and joins the next one, so it is never lost.
///
/// The escrow (the offering, which receives the whole supply at mint) is special: shares it holds do not accrue to it
/// but carry their revenue with them. When the escrow transfers shares to an account, that account is credited what
/// those shares earned since the mint (`amount × revenuePerShare / SCALE`); when the escrow burns shares (unsold, or
/// a creator's unvested part of an ended offering), what they earned is credited to the {revenueSink} (the model's
/// treasury). Shares waiting in escrow for a buyer, a contributor or the creator are therefore accounted, never lost.
interface IModelShares {
    /* EVENTS */

    /// @notice `amount` of newly arrived OPEN was shared among holders; `revenuePerShare` is the new accumulator.
    event RevenueSynced(uint256 amount, uint256 revenuePerShare);

    /* ERRORS */

    /// @notice Only the escrow (the offering) may call this.
    error SharesUnauthorizedEscrow(address caller);

    /// @notice A zero address was given where an account, escrow, token or sink is needed, the revenue token is not
    /// the implementation's (OPEN), or the sink is the escrow.
    error SharesInvalidAddress();

    /// @notice The supply must be nonzero.
    error SharesZeroSupply();

    /// @notice `account` has no revenue to claim.
    error SharesNothingToClaim(address account);

    /// @notice Shares cannot be sent to the escrow after the mint: its shares carry the revenue they earned since the
    /// mint (a baseline of zero), which shares coming back from a holder would break.
    error SharesEscrowReceive(address from);

    /* INITIALIZATION */

    /// @notice Sets up a clone: mints `supply` to `escrow_`, which alone may {burn}; revenue is paid in
    /// `revenueToken_`, which must be the token the implementation was deployed with (OPEN); carried revenue of burned
    /// escrow shares goes to `revenueSink_`. Once (the implementation is locked).
    function initialize(
        string calldata name_,
        string calldata symbol_,
        uint256 supply,
        address escrow_,
        address revenueToken_,
        address revenueSink_
    ) external;

    /* REVENUE */

    /// @notice Shares the OPEN that arrived since the last sync among holders. Anyone may call it.
    function syncRevenue() external;

    /// @notice Pays `account` its accrued revenue (to `account`, whoever calls). Reverts with {SharesNothingToClaim}.
    /// @dev Recorded by the revenue token's `Transfer(this, account, amount)`: claims are the only way OPEN leaves the
    /// share token, so an indexer reads them there (this contract emits no event of its own, to keep a claim within
    /// 60,000 gas on the clone).
    function claimRevenue(address account) external returns (uint256 amount);

    /// @notice Burns `amount` of `from`'s shares (the offering burns its own: unsold, unvested, all at a failure).
    /// `from` keeps the revenue it accrued. Only the escrow.
    function burn(address from, uint256 amount) external;

    /* VIEWS */

    /// @notice Scale of {revenuePerShare}.
    function REVENUE_SCALE() external view returns (uint256);

    /// @notice The revenue token (OPEN).
    function revenueToken() external view returns (address);

    /// @notice The offering that holds the unsold, unclaimed and unvested shares.
    function escrow() external view returns (address);

    /// @notice Receives the revenue carried by escrow shares that are burned.
    function revenueSink() external view returns (address);

    /// @notice OPEN per share (× {REVENUE_SCALE}) earned since the mint, as of the last sync.
    function revenuePerShare() external view returns (uint256);

    /// @notice What `account` could claim now, counting OPEN that arrived since the last sync. The escrow accrues
    /// nothing: its shares carry their revenue (see above).
    function accruedRevenue(address account) external view returns (uint256);

    /// @notice All OPEN ever shared among holders (synced).
    function revenueReceived() external view returns (uint256);

    /// @notice All OPEN ever paid out by {claimRevenue}.
    function revenuePaid() external view returns (uint256);
}
