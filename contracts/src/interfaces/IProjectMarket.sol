// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Resources} from "./ProtocolTypes.sol";

/// @title IProjectMarket
/// @notice Projects and their sealed-bid auctions [3.4.4-3.4.5, 3.5, 3.6]. See docs/marketplace.md.
interface IProjectMarket {
    /// @notice Lifecycle of a project.
    enum Status {
        None,
        Bidding, // commit window, then reveal window, then waiting for `settle`
        NoWinner, // settled without an eligible bid: the requester may cancel
        Cancelled, // FP returned to the requester
        Assigned, // a winner must start a node before the start deadline
        Running, // the node runs; completion is reported by the provider and confirmed by governance
        Completed, // X + FP split
        Failed // FP returned, the requester's loss paid from collateral (then the Insurance Pool)
    }

    /// @notice A project as the contract stores it.
    struct ProjectView {
        address requester;
        uint8 projectType;
        Status status;
        Resources resources;
        uint64 duration; // seconds
        uint256 fixedPrice; // FP, MZKU wei
        uint256 bidBond;
        uint64 commitEndBlock; // commits while block.number < commitEndBlock
        uint64 revealEndBlock; // reveals while commitEndBlock ≤ block.number < revealEndBlock
        uint8 commitCount;
        uint32 revealedMask; // bit i = commit i revealed
        uint128 saltMix; // XOR of the low 128 bits of the revealed salts
        uint16 feeRateBps;
        uint16 bandBps;
        uint16 scoreThreshold;
        uint16 startPenaltyBps;
        uint8 maxDrawCandidates;
        bool vickrey;
        uint64 drawBlock; // the block whose hash is the draw's entropy (the last commit block, or a re-armed one)
        uint32 startWindow;
        uint16 reserveBps; // collateral reserved from the winner, share of FP
        uint16 lossCapBps; // most a declared failure loss may be, share of FP
        address winner;
        uint256 providerId;
        uint256 price; // what the provider is paid (its bid or the Vickrey price)
        uint64 startDeadline;
        uint64 startedAt;
        uint256 nodeId;
        bool profitSubmitted;
        uint256 pendingProfit; // X escrowed by the provider, waiting for governance
    }

    /// @notice A project was opened and FP paid.
    event ProjectOpened(
        uint256 indexed projectId,
        address indexed requester,
        uint8 projectType,
        Resources resources,
        uint256 duration,
        uint256 fixedPrice,
        uint256 bidBond,
        uint256 commitEndBlock,
        uint256 revealEndBlock
    );
    /// @notice The policy terms the project snapshotted when it opened (what the settlement and the
    ///         split will use).
    event ProjectTermsSet(
        uint256 indexed projectId,
        uint16 feeRateBps,
        uint16 bandBps,
        uint16 scoreThreshold,
        uint16 startPenaltyBps,
        uint8 maxDrawCandidates,
        bool vickrey,
        uint64 drawBlock,
        uint32 startWindow,
        uint16 reserveBps,
        uint16 lossCapBps
    );
    /// @notice The draw block's hash could no longer be read (settlement more than 256 blocks later):
    ///         the draw moved to block `drawBlock`, not yet mined.
    event DrawRearmed(uint256 indexed projectId, uint256 previousDrawBlock, uint256 drawBlock);
    /// @notice A revealed bid was found ineligible at settlement: `amount` of the bidder's bond balance
    ///         went to the Insurance Pool.
    event BondForfeited(uint256 indexed projectId, address indexed bidder, uint256 index, uint256 amount);
    /// @notice MZKU was deposited to the caller's bond balance.
    event BondDeposited(address indexed bidder, uint256 amount);
    /// @notice MZKU was withdrawn from the caller's free bond balance.
    event BondWithdrawn(address indexed bidder, uint256 amount);
    /// @notice A sealed bid was committed (its bond locked) at slot `index`.
    event BidCommitted(uint256 indexed projectId, address indexed bidder, uint256 index, bytes32 commitment);
    /// @notice A bid was revealed (its bond freed).
    event BidRevealed(uint256 indexed projectId, address indexed bidder, uint256 index, uint256 price, bytes32 salt);
    /// @notice A revealed bid was checked at settlement; `weight` is score + 1 when eligible, else 0.
    event BidEvaluated(
        uint256 indexed projectId,
        uint256 indexed index,
        uint256 providerId,
        uint256 price,
        bool eligible,
        uint256 weight
    );
    /// @notice The auction was settled. `entropy` is the hash of the draw block mixed into the seed;
    ///         `winner` is zero when no bid was eligible; `forfeitedBonds` counts unrevealed and
    ///         ineligible bids' bonds.
    event AuctionSettled(
        uint256 indexed projectId,
        bytes32 seed,
        uint256 entropy,
        uint256 candidates,
        address winner,
        uint256 providerId,
        uint256 winningBid,
        uint256 price,
        uint256 forfeitedBonds
    );
    /// @notice The requester cancelled a project without a winner; FP was returned.
    event ProjectCancelled(uint256 indexed projectId, uint256 refund);
    /// @notice The winner started node `nodeId` for the project.
    event ProjectStarted(uint256 indexed projectId, uint256 indexed nodeId, uint256 startedAt);
    /// @notice The provider reported profit `profit` and escrowed it.
    event CompletionSubmitted(uint256 indexed projectId, uint256 profit);
    /// @notice Governance rejected the provider's report; the escrowed profit went back to it.
    event CompletionRejected(uint256 indexed projectId, uint256 refunded);
    /// @notice The requester's MZKU in running projects changed (reported to the Reward Pool as its
    ///         Requester stake).
    event RequesterStakeChanged(address indexed requester, uint256 oldAmount, uint256 newAmount);
    /// @notice The project completed and X + FP was split [3.4.7].
    event ProjectCompleted(
        uint256 indexed projectId,
        uint256 profit,
        uint256 toProvider,
        uint256 toRewardPool,
        uint256 toInsurancePool,
        uint256 toRequester
    );
    /// @notice The project failed: FP returned, `loss` owed to the requester, `slashed` taken from the
    ///         provider's collateral and `compensated` from the Insurance Pool.
    event ProjectFailed(
        uint256 indexed projectId,
        uint256 providerId,
        uint256 refund,
        uint256 loss,
        uint256 slashed,
        uint256 compensated
    );

    /// @notice The micro-pool of validator project `projectId` opened (its winner's k ETH; the requester's
    ///         32 − k or micro-investors fill it).
    event ValidatorPoolAttached(uint256 indexed projectId, address indexed pool);
    /// @notice A validator project ended from what its pool observed: `ethRewards` (the pool's X, split
    ///         by the pool), `ethLoss` (principal lost) and `penalty` (MZKU owed to the requester from the
    ///         reserved collateral: 0 when the validator ran its duration without loss).
    event ValidatorProjectSettled(
        uint256 indexed projectId, address indexed pool, uint256 ethRewards, uint256 ethLoss, uint256 penalty
    );

    /// @notice The micro-pool factory opens the pool of validator project `projectId` (Assigned, type 0)
    ///         for its winner `operator`. Returns what the pool copies: the winner's provider id, the
    ///         pool's end time (start deadline + duration) and the project's fee rate. Authorized
    ///         protocol contracts only (never governance itself, which could attach a fake pool); once
    ///         per project.
    function attachValidatorPool(uint256 projectId, address operator, address pool)
        external
        returns (uint256 providerId, uint256 endTime, uint256 feeRateBps);

    /// @notice The micro-pool of validator project `projectId` (0 if none).
    function validatorPoolOf(uint256 projectId) external view returns (address);

    /// @notice The project with id `projectId` (ids start at 1).
    function getProject(uint256 projectId) external view returns (ProjectView memory);

    /// @notice Number of projects ever opened.
    function projectCount() external view returns (uint256);

    /// @notice The bidder's bond balance (locked bonds of unrevealed bids excluded).
    function bondBalanceOf(address bidder) external view returns (uint256);

    /// @notice The last project the bidder committed to: it may only commit to later ones, and may not
    ///         withdraw its bond balance while that project's auction is open.
    function lastProjectOf(address bidder) external view returns (uint256);

    /// @notice The commitment a bidder must send: keccak256(abi.encode(price, salt, bidder, projectId)).
    function commitmentOf(uint256 price, bytes32 salt, address bidder, uint256 projectId)
        external
        pure
        returns (bytes32);

    /// @notice The bid stored at slot `index`: the commitment before the reveal, then the bidder and price.
    function bidAt(uint256 projectId, uint256 index)
        external
        view
        returns (bool revealed, bytes32 commitment, address bidder, uint256 price);
}
