// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice How the fixed share supply is divided at launch (share units, 18 decimals). The supply is their sum.
struct SupplySplit {
    /// @dev Offered in the sale, for `hardCap` OPEN in all.
    uint128 sale;
    /// @dev The creator's, vested linearly with a cliff from the sale's success.
    uint128 creator;
    /// @dev The Datanet contributors', claimable against `contributorsRoot`.
    uint128 contributors;
    /// @dev The model's treasury (its timelock), sent at the sale's success.
    uint128 treasury;
}

/// @notice The sale: a fixed price of `hardCap / split.sale` OPEN per share (at most 1 OPEN per share, so every wei of
/// a deposit buys at least one share unit). Every buyer deposits once; after the
/// deadline an undersubscribed sale (deposits below `softCap`) refunds everyone in full, a sale between the caps
/// fills every deposit, and an oversubscribed one fills every deposit pro rata to exactly `hardCap` and refunds the
/// rest. No one gains by buying early or by splitting across addresses.
struct SaleTerms {
    /// @dev OPEN the sale must reach to succeed; nonzero, at most `hardCap`.
    uint128 softCap;
    /// @dev OPEN raised at most, for the whole sale part.
    uint128 hardCap;
    /// @dev Deposits are taken until this time (unix seconds), exclusive.
    uint64 deadline;
    /// @dev Part of the net raise (after the protocol fee) paid to the creator at success, in bps; the milestones'
    /// tranches are the rest, so `upfrontBps + Σ trancheBps = 10,000`.
    uint16 upfrontBps;
}

/// @notice The creator's shares vest linearly from the sale's success: none before `cliff` seconds, all after
/// `duration` seconds (`cliff ≤ duration`; `duration` 0 vests everything at success).
struct VestingTerms {
    uint64 cliff;
    uint64 duration;
}

/// @notice What a milestone measures, from the protocol's own records.
enum MilestoneKind {
    /// @dev A model version registered after launch that was trained on Datanet `datanetId` at `datanetVersion`
    /// (or a later version of it). The Datanet version must be one not yet published at launch, and the creator may
    /// not keep the right to add versions: the holders' governance registers the version that meets it.
    ModelVersion,
    /// @dev Calls of the model settled since launch reach `threshold`.
    SettledCalls,
    /// @dev Fees (OPEN) of the model settled since launch reach `threshold`.
    SettledFees
}

/// @notice A tranche of the net raise, released to the creator once its milestone is met. If `deadline` passes
/// unmet, holders may vote to end the offering.
struct Milestone {
    MilestoneKind kind;
    /// @dev Share of the net raise, in bps.
    uint16 trancheBps;
    uint64 deadline;
    /// @dev `ModelVersion` only.
    uint64 datanetId;
    /// @dev `ModelVersion` only.
    uint32 datanetVersion;
    /// @dev `SettledCalls` and `SettledFees` only: calls or OPEN since launch.
    uint256 threshold;
}

/// @notice The holders' vote to end an offering whose milestone is overdue.
struct EndVoteTerms {
    /// @dev Votes for, as bps of the circulating supply (all shares outside escrow) when the vote opens, needed to end;
    /// at most 5,000.
    uint16 quorumBps;
    /// @dev Seconds a vote lasts; at least three days.
    uint32 votingPeriod;
}

/// @notice Where an offering stands.
enum OfferingState {
    /// @dev Taking deposits until the deadline (then awaiting {IModelOffering-finalize}).
    Sale,
    /// @dev Under the soft cap: every buyer is refunded in full; the model went back to its creator.
    Failed,
    /// @dev Funded: shares are claimable, tranches are released as milestones are met.
    Succeeded,
    /// @dev Ended by the holders' vote: no more tranches; each buyer redeems its part of the unreleased raise.
    Ended
}

/// @notice Everything fixed at launch, given to {IOfferingFactory-launch}.
struct OfferingTerms {
    SupplySplit split;
    SaleTerms sale;
    VestingTerms vesting;
    EndVoteTerms endVote;
    Milestone[] milestones;
    /// @dev Root of the contributors' share tree: leaves `keccak256(bytes.concat(keccak256(abi.encode(account,
    /// amount))))`, the reward tree's encoding, summing to at most `split.contributors`.
    bytes32 contributorsRoot;
    /// @dev Whether the creator keeps the right to add model versions (everything else goes to governance).
    bool creatorKeepsVersions;
}

/// @notice One buyer's deposit: its place in the order of deposits, which makes the pro-rata fill exact, and what was
/// paid out against it.
struct Deposit {
    /// @dev Total deposits before this one.
    uint120 start;
    uint120 amount;
    /// @dev The buyer received its shares and refund ({IModelOffering-settle}).
    bool settled;
    /// @dev The buyer received its part of the unreleased raise ({IModelOffering-redeem}).
    bool redeemed;
}

/// @title Model offering
/// @notice One model's Initial AI Offering, a clone made by the {IOfferingFactory}: the sale, the buyers' settlement,
/// the contributors' share claims, the creator's vesting, the milestone escrow of the raise, and the holders' vote to
/// end an offering whose milestone is overdue, after which every buyer redeems its part of the unreleased raise.
/// @dev Fills are exact: with `D` deposited and `R = min(D, hardCap)` raised, a deposit `[start, start + amount)` fills
/// `⌊(start + amount) R / D⌋ − ⌊start R / D⌋` and gets `⌊(start + amount) T / D⌋ − ⌊start T / D⌋` shares, where
/// `T = ⌊R × sale / hardCap⌋` are the shares sold; these telescope, so fills sum to `R` and shares to `T` exactly.
/// Tranche `i` (the upfront part first, then the milestones in order) is `⌊net × c_i / 10,000⌋ − ⌊net × c_{i−1} /
/// 10,000⌋` with `c_i` the cumulative bps, so the tranches sum to the net raise exactly. After an end the unreleased
/// raise `U` goes back to the people who paid it, by deposit: `⌊(start + amount) U / D⌋ − ⌊start U / D⌋`, which
/// telescopes to `U` and is each buyer's fill times `U / R` (fills are pro rata to deposits). Shares that no one paid
/// OPEN for (the creator's, the contributors', the treasury's) take none of it, so ending pays the creator nothing.
/// Buyers keep their shares, which keep earning the model's revenue.
interface IModelOffering {
    /* EVENTS */

    /// @notice `buyer` deposited `amount` OPEN, after `start` OPEN of earlier deposits.
    event SharesBought(address indexed buyer, uint256 amount, uint256 start);

    /// @notice The sale closed: `raised` OPEN (0 if it failed), `protocolFee` of it to the protocol treasury, `sold`
    /// shares to buyers.
    event OfferingFinalized(bool succeeded, uint256 raised, uint256 protocolFee, uint256 sold);

    /// @notice `buyer` received `shares` and `refund` OPEN; once per buyer.
    event BuyerSettled(address indexed buyer, uint256 shares, uint256 refund);

    /// @notice `account` claimed `amount` contributor shares (cumulative `total`).
    event ContributorSharesClaimed(address indexed account, uint256 amount, uint256 total);

    /// @notice The creator received `amount` vested shares.
    event VestedSharesClaimed(address indexed creator, uint256 amount);

    /// @notice `amount` OPEN of the raise was released to the creator: milestone `index`, or the upfront part when
    /// `index` equals the number of milestones.
    event TrancheReleased(uint256 indexed index, uint256 amount);

    /// @notice A vote to end the offering opened (milestone `index` is overdue): votes count as of `snapshot`, until
    /// `voteEnd`; `quorum` votes for are needed.
    event EndVoteOpened(uint256 indexed index, uint256 snapshot, uint256 voteEnd, uint256 quorum);

    /// @notice `voter` voted with `weight`.
    event EndVoteCast(address indexed voter, bool support, uint256 weight);

    /// @notice The vote closed without ending the offering.
    event EndVoteFailed(uint256 votesFor, uint256 votesAgainst);

    /// @notice The holders ended the offering: `unreleased` OPEN goes back to the buyers, pro rata to their deposits.
    event OfferingEnded(uint256 unreleased);

    /// @notice `buyer` received `amount` OPEN, its part of the unreleased raise.
    event DepositRedeemed(address indexed buyer, uint256 amount);

    /// @notice The contributors' claim window closed: `amount` unclaimed contributor shares went to the model's
    /// treasury.
    event ContributorSharesSwept(uint256 amount);

    /* ERRORS */

    /// @notice The call needs the offering in `expected`; it is in `actual`.
    error OfferingWrongState(OfferingState expected, OfferingState actual);

    /// @notice The sale is closed (deadline passed).
    error OfferingSaleClosed(uint256 deadline);

    /// @notice The sale is still open until `deadline`.
    error OfferingSaleOpen(uint256 deadline);

    /// @notice A deposit must be nonzero and the deposits at most 2^120 − 1 in total.
    error OfferingInvalidAmount(uint256 amount);

    /// @notice `buyer` already deposited; every buyer deposits once.
    error OfferingAlreadyBought(address buyer);

    /// @notice `buyer` has no deposit to settle, or settled already.
    error OfferingNothingToSettle(address buyer);

    /// @notice The proof does not show `amount` for `account` under the contributors' root.
    error OfferingInvalidProof(address account, uint256 amount);

    /// @notice `account` has already claimed its `amount` of contributor shares.
    error OfferingNothingToClaim(address account);

    /// @notice Claims would exceed the contributors' part of the supply.
    error OfferingContributorPoolExceeded(uint256 requested, uint256 remaining);

    /// @notice Only the creator may call this.
    error OfferingUnauthorizedCreator(address caller);

    /// @notice No milestone `index`.
    error OfferingMilestoneNonexistent(uint256 index);

    /// @notice Milestone `index` was already released.
    error OfferingMilestoneReleased(uint256 index);

    /// @notice Milestone `index` is not met.
    error OfferingMilestoneNotMet(uint256 index);

    /// @notice Milestone `index`'s deadline has not passed, or it was met: no vote to end on it.
    error OfferingMilestoneNotOverdue(uint256 index);

    /// @notice A vote to end is already open, or none is.
    error OfferingEndVoteActive(bool active);

    /// @notice The vote is still running (until `voteEnd`), or has ended.
    error OfferingEndVoteTiming(uint256 voteEnd);

    /// @notice `voter` already voted in this vote.
    error OfferingAlreadyVoted(address voter);

    /// @notice `voter` had no votes at the snapshot.
    error OfferingNoVotes(address voter);

    /// @notice `buyer` has no deposit, or redeemed it already.
    error OfferingNothingToRedeem(address buyer);

    /// @notice The contributors' claim window is open until `closesAt`: nothing to sweep yet.
    error OfferingClaimWindowOpen(uint256 closesAt);

    /// @notice The contributors' claim window closed at `closedAt`.
    error OfferingClaimWindowClosed(uint256 closedAt);

    /* INITIALIZATION */

    /// @notice Sets up a clone (called by the factory in the launch transaction): holds the whole share supply,
    /// sells the sale part, and routes the model through `controller`.
    function initialize(
        uint256 modelId,
        address creator,
        address shares,
        address controller,
        address modelTreasury,
        OfferingTerms calldata terms,
        bytes32 prospectusHash,
        string calldata prospectusURI
    ) external;

    /* SALE */

    /// @notice Deposits `amount` OPEN (pulled from the caller, who must have approved it) before the deadline. Once
    /// per buyer.
    function buy(uint256 amount) external;

    /// @notice After the deadline, anyone: closes the sale. A success pays the protocol fee, burns the unsold shares,
    /// sends the treasury part to the model's treasury, makes the share token the model's revenue recipient, hands the
    /// model to governance and releases the upfront part. A failure returns the model to its creator and burns the
    /// supply; every buyer is then refunded by {settle}.
    function finalize() external;

    /// @notice Settles `buyer` (anyone may call; proceeds go to `buyer`): its shares and refund after a success, or
    /// its whole deposit after a failure. Once per buyer.
    function settle(address buyer) external returns (uint256 shares, uint256 refund);

    /* SHARES */

    /// @notice Sends `account` its contributor shares: `amount` is its leaf's amount, of which what it has not
    /// claimed yet is sent. After a success, within {CONTRIBUTOR_CLAIM_WINDOW} of it.
    function claimContributorShares(address account, uint256 amount, bytes32[] calldata proof) external;

    /// @notice After the contributors' claim window: sends the unclaimed contributor shares (with the revenue they
    /// earned in escrow) to the model's treasury, so no part of the supply stays locked for good (anyone may call).
    function sweepContributorShares() external returns (uint256 amount);

    /// @notice Sends the creator its vested, unclaimed shares. Only the creator; after a success.
    function claimVested() external returns (uint256 amount);

    /* MILESTONES */

    /// @notice Releases milestone `index`'s tranche to the creator once met (anyone may call). For a `ModelVersion`
    /// milestone, `modelVersion` names the version that meets it; otherwise it is ignored.
    function release(uint256 index, uint32 modelVersion) external returns (uint256 amount);

    /// @notice Opens the holders' vote to end the offering, milestone `index` being overdue (anyone may call).
    function openEndVote(uint256 index) external;

    /// @notice Votes with the caller's share votes (delegated to it at the snapshot).
    function castEndVote(bool support) external;

    /// @notice After the vote's period: ends the offering if the votes for reach the quorum and outnumber those
    /// against, else closes the vote.
    function closeEndVote() external returns (bool ended);

    /// @notice After the offering ended: pays `buyer` (anyone may call) its part of the unreleased raise, pro rata to
    /// its deposit. Once per buyer; the buyer keeps its shares.
    function redeem(address buyer) external returns (uint256 amount);

    /* VIEWS */

    /// @notice How long after a success contributors may claim their shares: one year.
    function CONTRIBUTOR_CLAIM_WINDOW() external view returns (uint256);

    function state() external view returns (OfferingState);

    function modelId() external view returns (uint256);

    function creator() external view returns (address);

    function shares() external view returns (address);

    function controller() external view returns (address);

    function modelTreasury() external view returns (address);

    function terms() external view returns (OfferingTerms memory);

    function prospectusHash() external view returns (bytes32);

    function prospectusURI() external view returns (string memory);

    /// @notice The model's settled (calls, fees) when it launched; settled milestones count from them.
    function launchTotals() external view returns (uint256 calls, uint256 fees);

    function deposits(address buyer) external view returns (Deposit memory);

    function totalDeposits() external view returns (uint256);

    /// @notice What `buyer` would receive from {settle} now (zero before finalize or once settled).
    function settlement(address buyer) external view returns (uint256 shares, uint256 refund);

    /// @notice What `buyer` would receive from {redeem} now (zero unless ended, or once redeemed).
    function redeemable(address buyer) external view returns (uint256 amount);

    /// @notice The protocol fee on the raise, in bps, fixed at launch.
    function protocolFeeBps() external view returns (uint256);

    /// @notice The lowest price per call governance may set now: the launch price while a settled-calls milestone
    /// waits for release (a cheaper call would make it cheaper to fake than the launch checked), else zero.
    function priceFloor() external view returns (uint256);

    /// @notice Whether the model's revenue must stay with the share token: while tranches wait for release, so
    /// neither governance nor the creator can take the holders' revenue before the milestones are settled.
    function revenueLocked() external view returns (bool);

    /// @notice The raise after the protocol fee (zero until a success).
    function netRaise() external view returns (uint256);

    /// @notice OPEN of the net raise released to the creator so far.
    function released() external view returns (uint256);

    /// @notice Milestone `index`'s tranche in OPEN (zero until a success).
    function trancheOf(uint256 index) external view returns (uint256);

    function isReleased(uint256 index) external view returns (bool);

    /// @notice Whether milestone `index` is met now (`modelVersion` as for {release}).
    function isMet(uint256 index, uint32 modelVersion) external view returns (bool);

    /// @notice Contributor shares `account` has claimed.
    function contributorClaimed(address account) external view returns (uint256);

    /// @notice Creator shares vested by now, and claimed so far.
    function vesting() external view returns (uint256 vested, uint256 claimed);

    /// @notice The open or last vote to end: its milestone, snapshot, end, quorum, votes for and against, whether open.
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
        );
}
