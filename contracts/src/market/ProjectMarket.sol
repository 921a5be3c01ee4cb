// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Governed} from "../governance/Governed.sol";
import {IDowntimePenalty} from "../interfaces/IDowntimePenalty.sol";
import {IInsurancePool} from "../interfaces/IInsurancePool.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IPricingPolicy} from "../interfaces/IPricingPolicy.sol";
import {IProjectMarket} from "../interfaces/IProjectMarket.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IRewardPool} from "../interfaces/IRewardPool.sol";
import {IStakeObserver} from "../interfaces/IStakeObserver.sol";
import {IValidatorPool} from "../interfaces/IValidatorPool.sol";
import {NodeStatus, Resources} from "../interfaces/ProtocolTypes.sol";
import {ProfitSplit} from "../libraries/ProfitSplit.sol";
import {SealedBidDraw} from "../libraries/SealedBidDraw.sol";

/// @title ProjectMarket
/// @notice Projects, their sealed-bid auctions and their lifecycle [3.4.4-3.4.7, 3.5, 3.6].
///
///         A requester opens a project by paying FP (the quote, within the governance-set limits) in
///         MZKU. Eligible providers commit keccak256(abi.encode(price, salt, bidder, projectId)) while
///         block.number < commitEndBlock, one commit per provider per auction, locking a bid bond from
///         their bond balance; they reveal while commitEndBlock ≤ block.number < revealEndBlock (the
///         bond is freed); from revealEndBlock on anyone settles. Unrevealed bonds, and the bonds of
///         revealed bids found ineligible at settlement, go to the Insurance Pool. At most 32 bids.
///
///         Settlement (the draw itself runs in the `SealedBidDraw` library, in this contract's context)
///         sorts the revealed bids by (price, keccak256(seed, index)), walks them upward,
///         checks eligibility lazily, keeps the lowest eligible bid and every eligible bid within
///         `bandBps` of it (at most `maxDrawCandidates`), and draws one with probability proportional to
///         score + 1 (the score stored at the draw block), using uint256(seed) mod Σweights.
///         seed = keccak256(abi.encode(projectId, saltMix, entropy)), where saltMix XORs the low 128
///         bits of the revealed salts and entropy = blockhash(drawBlock). The draw block is the last
///         commit block, fixed when the project opens: its hash is unknown to every committer and is
///         the same whoever settles, whenever (within 256 blocks) and however often a settlement is
///         retried. When it can no longer be read, settlement re-arms to a block not yet mined.
///
///         The winner's collateral is reserved for the assignment (`reserveBps` of FP) until the
///         project ends, its node cannot stop while the project runs, and a failure is paid from that
///         reservation (a late start only from it; a declared loss, capped at `lossCapBps` of FP, from
///         it and then from the Insurance Pool).
///
///         Invariant: the MZKU this contract holds equals Σ FP of projects in Bidding, NoWinner,
///         Assigned and Running + Σ bond balances + Σ locked (unrevealed, unsettled) bonds +
///         Σ escrowed profits. Token transfers are pushes: MZKU is a plain ERC-20 without receiver
///         hooks, so a push cannot be blocked by its receiver.
contract ProjectMarket is Governed, ReentrancyGuardTransient, IProjectMarket, IDowntimePenalty {
    using SafeERC20 for IERC20;

    // ---- errors ----

    /// @notice A zero duration or a resource-less project.
    error ProjectMarketInvalidProject(uint256 duration);
    /// @notice The quote is above what the requester accepted, or does not fit 96 bits.
    error ProjectMarketPriceAboveMax(uint256 fixedPrice, uint256 maxFixedPrice);
    /// @notice The project is not in the status the call needs.
    error ProjectMarketWrongStatus(uint256 projectId, Status status);
    /// @notice The commit window is closed.
    error ProjectMarketCommitClosed(uint256 projectId, uint256 blockNumber, uint256 commitEndBlock);
    /// @notice The auction already holds the maximum number of bids.
    error ProjectMarketTooManyBids(uint256 projectId, uint256 max);
    /// @notice The commitment is zero.
    error ProjectMarketZeroCommitment(uint256 projectId);
    /// @notice The bond balance does not cover the bond.
    error ProjectMarketBondTooLow(address bidder, uint256 balance, uint256 bond);
    /// @notice The reveal window is not open.
    error ProjectMarketRevealNotOpen(
        uint256 projectId, uint256 blockNumber, uint256 commitEndBlock, uint256 revealEndBlock
    );
    /// @notice No commit at that index.
    error ProjectMarketUnknownBid(uint256 projectId, uint256 index);
    /// @notice The bid was already revealed.
    error ProjectMarketAlreadyRevealed(uint256 projectId, uint256 index);
    /// @notice The revealed values do not hash to the commitment (wrong price, salt or sender).
    error ProjectMarketCommitmentMismatch(uint256 projectId, uint256 index);
    /// @notice The bid does not fit 96 bits.
    error ProjectMarketBidTooHigh(uint256 price);
    /// @notice The reveal window has not ended.
    error ProjectMarketSettleTooEarly(uint256 projectId, uint256 blockNumber, uint256 revealEndBlock);
    /// @notice The caller is not the one this call belongs to.
    error ProjectMarketNotAllowed(uint256 projectId, address caller);
    /// @notice The start deadline has passed (start) or not yet passed (late-start failure).
    error ProjectMarketDeadline(uint256 projectId, uint256 nowTime, uint256 startDeadline);
    /// @notice The node does not belong to the winner, is not active, or already serves a project.
    error ProjectMarketBadNode(uint256 projectId, uint256 nodeId);
    /// @notice The project has not run its duration yet.
    error ProjectMarketNotFinished(uint256 projectId, uint256 nowTime, uint256 endTime);
    /// @notice A completion was already submitted (submit) or none is pending (confirm, reject).
    error ProjectMarketCompletion(uint256 projectId, bool submitted);
    /// @notice Governance confirmed a profit that differs from the provider's report.
    error ProjectMarketProfitMismatch(uint256 projectId, uint256 reported, uint256 confirmed);
    /// @notice Zero amount, or more than the free bond balance.
    error ProjectMarketBadAmount(uint256 amount, uint256 available);
    /// @notice Only an eligible provider may commit (qualified, not disqualified, collateral ≥ Pmin).
    error ProjectMarketNotEligibleBidder(uint256 projectId, address bidder);
    /// @notice One commit per provider per auction, in project order: the bidder already committed to
    ///         this project or a later one.
    error ProjectMarketAlreadyBid(uint256 projectId, address bidder, uint256 lastProject);
    /// @notice The bond balance stays while the auction of the bidder's last project is open.
    error ProjectMarketBondLocked(address bidder, uint256 projectId);
    /// @notice The duration or the fixed price is above the governance-set limits.
    error ProjectMarketAboveLimits(uint256 duration, uint256 maxDuration, uint256 fixedPrice, uint256 maxFixedPrice);
    /// @notice A declared loss above the project's cap (`lossCapBps` of FP).
    error ProjectMarketLossAboveCap(uint256 projectId, uint256 loss, uint256 cap);
    /// @notice A validator project (type 0) and its micro-pool `pool` are not in the state the call needs
    ///         (no pool, one already attached, the deposit not yet made, the pool not completed), or a
    ///         provider reported the profit of a validator project (its pool observes X).
    error ProjectMarketValidatorPool(uint256 projectId, address pool);
    /// @notice The re-armed draw block is not mined yet.
    error ProjectMarketDrawPending(uint256 projectId, uint256 blockNumber, uint256 drawBlock);

    // ---- storage ----

    struct Project {
        // slot 0: all that commit and reveal read of the project
        uint40 commitEndBlock;
        uint8 revealBlocks; // ≤ PricingPolicy.MAX_REVEAL_BLOCKS (200)
        Status status;
        uint8 commitCount;
        uint32 revealedMask;
        uint128 saltMix;
        uint32 bidBondMzku; // the bid bond in whole MZKU (PricingPolicy requires whole MZKU)
        // slot 1: both prices, which settle writes and start reads together
        uint128 fixedPrice;
        uint128 price;
        // slot 2
        address requester;
        uint8 projectType;
        uint16 feeRateBps;
        uint16 bandBps;
        uint16 scoreThreshold;
        uint16 startPenaltyBps;
        uint8 maxDrawCandidates;
        bool vickrey;
        // slot 3: the resources (fields, not a struct, so that the escrowed profit shares their set slot)
        uint32 cpuCores;
        uint32 ramGb;
        uint32 storageGb;
        uint32 bandwidthMbps;
        uint128 pendingProfit;
        // slot 4
        uint40 drawBlock;
        uint32 startWindow;
        uint64 duration;
        uint40 startDeadline;
        uint40 startedAt;
        bool profitSubmitted;
        uint16 reserveBps;
        uint16 lossCapBps;
        // slot 5
        address winner;
        uint48 providerId;
        uint48 nodeId;
    }

    /// @notice Project type of an Ethereum validator (PricingPolicy): run by a micro-pool of the winner.
    uint8 public constant VALIDATOR_TYPE = 0;
    /// @notice Most bids one auction takes (one bit each in `revealedMask`).
    uint256 public constant MAX_BIDS = 32;
    uint256 private constant BPS = 10_000;
    uint256 private constant PRICE_MASK = (1 << 96) - 1;
    /// @dev blockhash reads the 256 most recent blocks.
    uint256 private constant BLOCKHASH_WINDOW = 256;
    uint256 private constant VALIDATOR_ETH = 32 ether;
    /// @dev MicroPool.State values the market reads.
    uint8 private constant POOL_ACTIVE = 2;
    uint8 private constant POOL_COMPLETED = 3;

    /// @notice The MZKU token.
    IERC20 public immutable token;
    /// @notice Quotes and market parameters.
    IPricingPolicy public immutable policy;
    /// @notice Providers (eligibility, capacity, price cap, collateral slashing).
    IProviderRegistry public immutable registry;
    /// @notice Nodes (the node a winner starts).
    INodeRegistry public immutable nodeRegistry;
    /// @notice Scores (the draw weights) and their inputs.
    IReputation public immutable reputation;
    /// @notice Takes (X + FP)·r of every completed project.
    IRewardPool public immutable rewardPool;
    /// @notice Takes (X + FP)·r, the forfeited bonds, and pays what collateral does not cover.
    IInsurancePool public immutable insurancePool;

    uint256 private _projectCount;
    mapping(uint256 projectId => Project) private _projects;
    mapping(uint256 projectId => bytes32[32]) private _bids;
    mapping(address bidder => SealedBidDraw.Bidder) private _bidders;
    mapping(address requester => uint256) private _requesterStake;
    mapping(uint256 projectId => address pool) private _validatorPool;

    /// @param governance_ The Governance contract (confirms completions, declares failures).
    /// @param authorizedCallers Unused by this contract's functions (common constructor shape).
    /// @param token_ MZKU.
    /// @param policy_ PricingPolicy.
    /// @param registry_ ProviderRegistry (this market must be one of its authorized callers).
    /// @param nodeRegistry_ NodeRegistry.
    /// @param reputation_ Reputation (this market must be one of its authorized callers).
    /// @param rewardPool_ RewardPool.
    /// @param insurancePool_ InsurancePool (this market must be one of its authorized callers).
    constructor(
        address governance_,
        address[] memory authorizedCallers,
        address token_,
        address policy_,
        address registry_,
        address nodeRegistry_,
        address reputation_,
        address rewardPool_,
        address insurancePool_
    ) Governed(governance_, authorizedCallers) {
        if (
            token_ == address(0) || policy_ == address(0) || registry_ == address(0) || nodeRegistry_ == address(0)
                || reputation_ == address(0) || rewardPool_ == address(0) || insurancePool_ == address(0)
        ) revert GovernedZeroAddress();
        token = IERC20(token_);
        policy = IPricingPolicy(policy_);
        registry = IProviderRegistry(registry_);
        nodeRegistry = INodeRegistry(nodeRegistry_);
        reputation = IReputation(reputation_);
        rewardPool = IRewardPool(rewardPool_);
        insurancePool = IInsurancePool(insurancePool_);
    }

    // ---- requester ----

    /// @notice Opens a project: pays the quoted FP (pulled with transferFrom) and starts its auction.
    /// @param resources What the node needs.
    /// @param duration Seconds the project runs once started.
    /// @param projectType Project type (PricingPolicy).
    /// @param maxFixedPrice The most the requester accepts to pay (guards against a policy change).
    /// @return projectId The new project's id.
    function openProject(Resources calldata resources, uint64 duration, uint8 projectType, uint256 maxFixedPrice)
        external
        nonReentrant
        returns (uint256 projectId)
    {
        return _open(resources, duration, projectType, maxFixedPrice);
    }

    /// @notice `openProject` with an EIP-2612 permit for `maxFixedPrice` signed by the caller. A
    ///         permit that fails (for example already used) is ignored if the allowance suffices.
    function openProjectWithPermit(
        Resources calldata resources,
        uint64 duration,
        uint8 projectType,
        uint256 maxFixedPrice,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 projectId) {
        try IERC20Permit(address(token)).permit(msg.sender, address(this), maxFixedPrice, deadline, v, r, s) {} catch {}
        return _open(resources, duration, projectType, maxFixedPrice);
    }

    /// @notice Cancels a project whose auction ended without an eligible bid; FP goes back. Requester only.
    function cancel(uint256 projectId) external nonReentrant {
        Project storage p = _projects[projectId];
        if (p.status != Status.NoWinner) revert ProjectMarketWrongStatus(projectId, p.status);
        if (msg.sender != p.requester) revert ProjectMarketNotAllowed(projectId, msg.sender);
        p.status = Status.Cancelled;
        uint256 refund = p.fixedPrice;
        emit ProjectCancelled(projectId, refund);
        token.safeTransfer(msg.sender, refund);
    }

    // ---- bidders ----

    /// @notice Adds `amount` MZKU (pulled with transferFrom) to the caller's bond balance, from which
    ///         commits lock their bond. Keeping bonds here keeps a commit under 65,000 gas.
    function depositBond(uint256 amount) external nonReentrant {
        if (amount == 0) revert ProjectMarketBadAmount(0, 0);
        SealedBidDraw.Bidder storage b = _bidders[msg.sender];
        uint256 next = b.bond + amount;
        if (next > type(uint128).max) revert ProjectMarketBadAmount(amount, type(uint128).max - b.bond);
        // forge-lint: disable-next-line(unsafe-typecast) -- checked just above
        b.bond = uint128(next);
        emit BondDeposited(msg.sender, amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Withdraws `amount` MZKU of the caller's bond balance, once the auction of the last
    ///         project it committed to is settled (a revealed bid found ineligible there forfeits its
    ///         bond from this balance).
    function withdrawBond(uint256 amount) external nonReentrant {
        SealedBidDraw.Bidder storage b = _bidders[msg.sender];
        uint256 bal = b.bond;
        if (amount == 0 || amount > bal) revert ProjectMarketBadAmount(amount, bal);
        uint256 last = b.lastProject;
        if (last != 0 && _projects[last].status == Status.Bidding) revert ProjectMarketBondLocked(msg.sender, last);
        unchecked {
            // amount ≤ bal < 2^128
            // forge-lint: disable-next-line(unsafe-typecast)
            b.bond = uint128(bal - amount);
        }
        emit BondWithdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @notice Commits a sealed bid and locks the project's bid bond from the caller's bond balance.
    ///         The caller must be a qualified provider not disqualified now, and may commit once per
    ///         auction, in project order (not to a project older than the last it committed to). A
    ///         bidder's first commit ever also stores its reputation score (`Reputation.refresh`).
    /// @param commitment keccak256(abi.encode(price, salt, msg.sender, projectId)).
    /// @return index The bid's slot, needed to reveal.
    function commit(uint256 projectId, bytes32 commitment) external returns (uint256 index) {
        Project storage p = _projects[projectId];
        if (p.status != Status.Bidding) revert ProjectMarketWrongStatus(projectId, p.status);
        if (block.number >= p.commitEndBlock) {
            revert ProjectMarketCommitClosed(projectId, block.number, p.commitEndBlock);
        }
        index = p.commitCount;
        if (index == MAX_BIDS) revert ProjectMarketTooManyBids(projectId, MAX_BIDS);
        if (commitment == bytes32(0)) revert ProjectMarketZeroCommitment(projectId);
        SealedBidDraw.Bidder storage b = _bidders[msg.sender];
        uint256 last = b.lastProject;
        if (last >= projectId) revert ProjectMarketAlreadyBid(projectId, msg.sender, last);
        uint256 bond = uint256(p.bidBondMzku) * 1 ether;
        uint256 bal = b.bond;
        if (bal < bond) revert ProjectMarketBondTooLow(msg.sender, bal, bond);
        uint256 pid = b.providerId;
        if (pid == 0) {
            pid = registry.providerIdOf(msg.sender);
            if (pid == 0 || pid > type(uint32).max) revert ProjectMarketNotEligibleBidder(projectId, msg.sender);
            // forge-lint: disable-next-line(unsafe-typecast) -- checked just above
            b.providerId = uint32(pid);
            // The first commit stores the provider's score, so every draw it enters weighs it with a
            // score stored before the draw block (never with one computed after the seed is known).
            reputation.refresh(pid);
        }
        if (!registry.isQualifiedNow(pid)) revert ProjectMarketNotEligibleBidder(projectId, msg.sender);
        unchecked {
            // bond ≤ bal < 2^128; index < 32; project ids fit 64 bits
            // forge-lint: disable-next-line(unsafe-typecast)
            b.bond = uint128(bal - bond);
            // forge-lint: disable-next-line(unsafe-typecast)
            b.lastProject = uint64(projectId);
            // forge-lint: disable-next-line(unsafe-typecast) -- index < MAX_BIDS = 32
            p.commitCount = uint8(index + 1);
        }
        _bids[projectId][index] = commitment;
        emit BidCommitted(projectId, msg.sender, index, commitment);
    }

    /// @notice Reveals the bid at `index`; its bond returns to the caller's bond balance.
    function reveal(uint256 projectId, uint256 index, uint256 price, bytes32 salt) external {
        Project storage p = _projects[projectId];
        if (p.status != Status.Bidding) revert ProjectMarketWrongStatus(projectId, p.status);
        uint256 commitEnd = p.commitEndBlock;
        if (block.number < commitEnd || block.number >= commitEnd + p.revealBlocks) {
            revert ProjectMarketRevealNotOpen(projectId, block.number, commitEnd, commitEnd + p.revealBlocks);
        }
        if (index >= p.commitCount) revert ProjectMarketUnknownBid(projectId, index);
        uint32 mask = p.revealedMask;
        if ((mask >> index) & 1 == 1) revert ProjectMarketAlreadyRevealed(projectId, index);
        if (_bids[projectId][index] != keccak256(abi.encode(price, salt, msg.sender, projectId))) {
            revert ProjectMarketCommitmentMismatch(projectId, index);
        }
        if (price > PRICE_MASK) revert ProjectMarketBidTooHigh(price);
        _bids[projectId][index] = bytes32((uint256(uint160(msg.sender)) << 96) | price);
        // forge-lint: disable-next-line(unsafe-typecast) -- index < 32
        p.revealedMask = mask | uint32(uint256(1) << index);
        p.saltMix ^= uint128(uint256(salt));
        // the bond commit took from this balance: the sum fits 128 bits
        _bidders[msg.sender].bond += uint128(p.bidBondMzku) * 1 ether;
        emit BidRevealed(projectId, msg.sender, index, price, salt);
    }

    /// @notice Settles the auction: filters, draws the winner, reserves its collateral, forfeits the
    ///         bonds of unrevealed and ineligible bids to the Insurance Pool. Anyone, from
    ///         revealEndBlock on. When the draw block's hash can no longer be read (more than 256
    ///         blocks later), the draw moves to the next block instead (`DrawRearmed`) and a later
    ///         `settle` completes it.
    function settle(uint256 projectId) external nonReentrant {
        Project storage p = _projects[projectId];
        if (p.status != Status.Bidding) revert ProjectMarketWrongStatus(projectId, p.status);
        uint256 revealEnd = uint256(p.commitEndBlock) + p.revealBlocks;
        if (block.number < revealEnd) revert ProjectMarketSettleTooEarly(projectId, block.number, revealEnd);
        uint256 drawBlock = p.drawBlock;
        if (block.number <= drawBlock) revert ProjectMarketDrawPending(projectId, block.number, drawBlock);
        if (block.number - drawBlock > BLOCKHASH_WINDOW) {
            uint256 next = block.number + 1;
            // forge-lint: disable-next-line(unsafe-typecast) -- block numbers fit 40 bits for millennia
            p.drawBlock = uint40(next);
            emit DrawRearmed(projectId, drawBlock, next);
            return;
        }

        uint256 entropy = uint256(blockhash(drawBlock));
        bytes32 seed = keccak256(abi.encode(projectId, p.saltMix, entropy));
        SealedBidDraw.Outcome memory o =
            SealedBidDraw.run(projectId, _bids[projectId], _bidders, _terms(p), seed, p.commitCount, p.revealedMask);
        _assign(projectId, p, o, seed, entropy);
        if (o.forfeited != 0) {
            token.forceApprove(address(insurancePool), o.forfeited);
            insurancePool.depositMzku(o.forfeited);
        }
    }

    // ---- lifecycle ----

    /// @notice The winner starts the project on its active node `nodeId` (registered in the
    ///         NodeRegistry with at least the project's resources, serving no other project) before
    ///         the start deadline.
    function startProject(uint256 projectId, uint256 nodeId) external nonReentrant {
        Project storage p = _projects[projectId];
        if (p.status != Status.Assigned) revert ProjectMarketWrongStatus(projectId, p.status);
        if (msg.sender != p.winner) revert ProjectMarketNotAllowed(projectId, msg.sender);
        if (block.timestamp > p.startDeadline) {
            revert ProjectMarketDeadline(projectId, block.timestamp, p.startDeadline);
        }
        // The NodeRegistry holds the node ↔ project pairing (the lock) and refuses a node already locked.
        // forge-lint: disable-next-line(unsafe-typecast) -- an assigned project's id ≤ the count, far below 2^64
        uint64 assignment = uint64(projectId);
        (uint256 nodeProvider, address sidecar, NodeStatus nodeStatus, Resources memory have) =
            nodeRegistry.lockNode(nodeId, assignment);
        if (
            nodeProvider != p.providerId || nodeStatus != NodeStatus.Active || nodeId > type(uint48).max
                || !_covers(have, _resourcesOf(p))
        ) revert ProjectMarketBadNode(projectId, nodeId);
        if (p.projectType == VALIDATOR_TYPE) {
            address pool = _validatorPool[projectId];
            if (pool == address(0)) revert ProjectMarketValidatorPool(projectId, pool);
            (uint8 poolState,,,) = IValidatorPool(pool).validatorStatus();
            if (poolState != POOL_ACTIVE) revert ProjectMarketValidatorPool(projectId, pool);
            nodeRegistry.setStakedEth(nodeId, uint128(VALIDATOR_ETH));
        }
        p.status = Status.Running;
        // forge-lint: disable-next-line(unsafe-typecast) -- nodeId ≤ type(uint48).max checked above
        p.nodeId = uint48(nodeId);
        p.startedAt = uint40(block.timestamp);
        emit ProjectStarted(projectId, nodeId, block.timestamp);
        reputation.recordWin(p.providerId, p.price, p.fixedPrice);
        address requester = p.requester;
        (uint256 old, uint256 next) = _moveRequesterStake(requester, p.fixedPrice, true);
        rewardPool.onProjectStartedWithStake(sidecar, requester, old, next);
    }

    /// @notice Fails a project whose winner did not start before the deadline: FP returns to the
    ///         requester and `startPenaltyBps` of FP is slashed to it from the collateral reserved for
    ///         this assignment (never from the Insurance Pool). Anyone, after the deadline.
    function failUnstarted(uint256 projectId) external nonReentrant {
        Project storage p = _projects[projectId];
        if (p.status != Status.Assigned) revert ProjectMarketWrongStatus(projectId, p.status);
        if (block.timestamp <= p.startDeadline) {
            revert ProjectMarketDeadline(projectId, block.timestamp, p.startDeadline);
        }
        _fail(projectId, p, uint256(p.fixedPrice) * p.startPenaltyBps / BPS, 0, false);
    }

    /// @notice The winner reports the profit X after the project ran its duration and transfers X
    ///         MZKU into escrow (pulled with transferFrom). Governance then confirms or rejects.
    function submitCompletion(uint256 projectId, uint256 profit) external nonReentrant {
        Project storage p = _projects[projectId];
        if (p.status != Status.Running) revert ProjectMarketWrongStatus(projectId, p.status);
        if (msg.sender != p.winner) revert ProjectMarketNotAllowed(projectId, msg.sender);
        uint256 end = uint256(p.startedAt) + p.duration;
        if (block.timestamp < end) revert ProjectMarketNotFinished(projectId, block.timestamp, end);
        if (p.profitSubmitted) revert ProjectMarketCompletion(projectId, true);
        if (p.projectType == VALIDATOR_TYPE) revert ProjectMarketValidatorPool(projectId, _validatorPool[projectId]);
        if (profit > type(uint128).max) revert ProjectMarketBadAmount(profit, type(uint128).max);
        p.profitSubmitted = true;
        // forge-lint: disable-next-line(unsafe-typecast) -- profit ≤ type(uint128).max checked above
        p.pendingProfit = uint128(profit);
        emit CompletionSubmitted(projectId, profit);
        token.safeTransferFrom(msg.sender, address(this), profit);
    }

    /// @notice Governance confirms the provider's report of `profit` and X + FP is split [3.4.7].
    function confirmCompletion(uint256 projectId, uint256 profit) external onlyGovernance nonReentrant {
        Project storage p = _projects[projectId];
        if (p.status != Status.Running) revert ProjectMarketWrongStatus(projectId, p.status);
        if (!p.profitSubmitted) revert ProjectMarketCompletion(projectId, false);
        if (profit != p.pendingProfit) revert ProjectMarketProfitMismatch(projectId, p.pendingProfit, profit);
        _complete(projectId, p, profit);
    }

    /// @dev Completes a running project and splits X + FP [3.4.7].
    function _complete(uint256 projectId, Project storage p, uint256 profit) private {
        ProfitSplit.Shares memory s = ProfitSplit.split(p.fixedPrice, p.price, profit, p.feeRateBps);
        p.status = Status.Completed;
        p.pendingProfit = 0;
        emit ProjectCompleted(projectId, profit, s.provider, s.rewardPool, s.insurancePool, s.requester);
        uint256 ran = block.timestamp - p.startedAt;
        if (s.provider != 0) token.safeTransfer(p.winner, s.provider);
        if (s.rewardPool != 0) {
            token.forceApprove(address(rewardPool), s.rewardPool);
            rewardPool.depositMzku(s.rewardPool);
        }
        if (s.insurancePool != 0) {
            token.forceApprove(address(insurancePool), s.insurancePool);
            insurancePool.depositMzku(s.insurancePool);
        }
        if (s.requester != 0) token.safeTransfer(p.requester, s.requester);
        _projectEnded(p);
        registry.releaseCollateral(p.providerId, _reserveOf(p));
        nodeRegistry.unlockNode(p.nodeId, false);
        reputation.recordFinish(p.providerId, ran, p.duration, false);
    }

    // ---- validator projects [3.2, 3.4.2, 3.4.7] ----

    /// @inheritdoc IProjectMarket
    function attachValidatorPool(uint256 projectId, address operator, address pool)
        external
        onlyProtocolContract
        nonReentrant
        returns (uint256 providerId, uint256 endTime, uint256 feeRateBps)
    {
        Project storage p = _projects[projectId];
        if (p.status != Status.Assigned) revert ProjectMarketWrongStatus(projectId, p.status);
        address attached = _validatorPool[projectId];
        if (p.projectType != VALIDATOR_TYPE || attached != address(0) || pool == address(0)) {
            revert ProjectMarketValidatorPool(projectId, attached);
        }
        if (operator != p.winner) revert ProjectMarketNotAllowed(projectId, operator);
        _validatorPool[projectId] = pool;
        emit ValidatorPoolAttached(projectId, pool);
        return (p.providerId, uint256(p.startDeadline) + p.duration, p.feeRateBps);
    }

    /// @notice Ends a running validator project from what its micro-pool observed, once the pool has
    ///         completed (the validator exited and its ETH was settled). Anyone. The pool's ETH rewards are
    ///         the project's X and were split by the pool at the project's rate; here FP is split with no
    ///         MZKU profit (provider its price, each pool ⌊FP·r⌋, the requester the rest). When the pool
    ///         lost principal or completed before the project's end time, the project fails instead:
    ///         FP returns to the requester and the penalty FP × max(loss / 32 ETH, unserved time /
    ///         duration) is paid to it from the collateral reserved for the assignment (never more, never
    ///         from the Insurance Pool, which already covered the stakers' ETH).
    function completeValidatorProject(uint256 projectId) external nonReentrant {
        Project storage p = _projects[projectId];
        if (p.status != Status.Running) revert ProjectMarketWrongStatus(projectId, p.status);
        address pool = _validatorPool[projectId];
        if (pool == address(0)) revert ProjectMarketValidatorPool(projectId, pool);
        (uint8 poolState, uint40 doneAt, uint128 rewards, uint128 loss) = IValidatorPool(pool).validatorStatus();
        if (poolState != POOL_COMPLETED) revert ProjectMarketValidatorPool(projectId, pool);
        uint256 fp = p.fixedPrice;
        uint256 start = p.startedAt;
        uint256 end = start + p.duration;
        uint256 penalty = fp * loss / VALIDATOR_ETH;
        if (doneAt < end) {
            uint256 unserved = fp * (end - doneAt) / p.duration;
            if (unserved > penalty) penalty = unserved;
        }
        emit ValidatorProjectSettled(projectId, pool, rewards, loss, penalty);
        // The pool was Active when the project started, so it completed at or after the start.
        if (penalty == 0) _complete(projectId, p, 0);
        else _fail(projectId, p, penalty, doneAt - start, false);
    }

    /// @notice Governance rejects the provider's report; the escrowed X goes back to the provider,
    ///         which may submit again.
    function rejectCompletion(uint256 projectId) external onlyGovernance nonReentrant {
        Project storage p = _projects[projectId];
        if (p.status != Status.Running) revert ProjectMarketWrongStatus(projectId, p.status);
        if (!p.profitSubmitted) revert ProjectMarketCompletion(projectId, false);
        uint256 refund = p.pendingProfit;
        p.profitSubmitted = false;
        p.pendingProfit = 0;
        emit CompletionRejected(projectId, refund);
        token.safeTransfer(p.winner, refund);
    }

    /// @notice Governance declares an assigned or running project failed [3.6]: FP returns to the
    ///         requester, `loss` (at most `lossCapBps` of FP) is paid to it from the collateral reserved
    ///         for the assignment, then from the Insurance Pool; a still-open node is marked Failed.
    function failProject(uint256 projectId, uint256 loss) external onlyGovernance nonReentrant {
        Project storage p = _projects[projectId];
        Status st = p.status;
        if (st != Status.Assigned && st != Status.Running) revert ProjectMarketWrongStatus(projectId, st);
        uint256 cap = uint256(p.fixedPrice) * p.lossCapBps / BPS;
        if (loss > cap) revert ProjectMarketLossAboveCap(projectId, loss, cap);
        uint256 ran = st == Status.Running ? block.timestamp - p.startedAt : 0;
        _fail(projectId, p, loss, ran, true);
    }

    /// @inheritdoc IDowntimePenalty
    /// @dev Authorized callers (the UptimeReports contract) and governance. The loss is the project's
    ///      governance-set cap, `lossCapBps` of FP, taken only from the collateral reserved for the
    ///      assignment (uninsured: a provider and requester colluding cannot draw on the Insurance Pool).
    function failOnDowntime(uint256 nodeId) external onlyAuthorized nonReentrant returns (uint256 projectId) {
        address holder;
        (holder, projectId) = nodeRegistry.lockOf(nodeId);
        if (holder != address(this)) return 0;
        Project storage p = _projects[projectId];
        if (p.status != Status.Running) return 0;
        _fail(projectId, p, uint256(p.fixedPrice) * p.lossCapBps / BPS, block.timestamp - p.startedAt, false);
    }

    // ---- views ----

    /// @inheritdoc IProjectMarket
    function getProject(uint256 projectId) external view returns (ProjectView memory v) {
        Project storage p = _projects[projectId];
        v.requester = p.requester;
        v.projectType = p.projectType;
        v.status = p.status;
        v.resources = _resourcesOf(p);
        v.duration = p.duration;
        v.fixedPrice = p.fixedPrice;
        v.bidBond = uint256(p.bidBondMzku) * 1 ether;
        v.commitEndBlock = p.commitEndBlock;
        v.revealEndBlock = uint64(p.commitEndBlock) + p.revealBlocks;
        v.commitCount = p.commitCount;
        v.revealedMask = p.revealedMask;
        v.saltMix = p.saltMix;
        v.feeRateBps = p.feeRateBps;
        v.bandBps = p.bandBps;
        v.scoreThreshold = p.scoreThreshold;
        v.startPenaltyBps = p.startPenaltyBps;
        v.maxDrawCandidates = p.maxDrawCandidates;
        v.vickrey = p.vickrey;
        v.drawBlock = p.drawBlock;
        v.startWindow = p.startWindow;
        v.reserveBps = p.reserveBps;
        v.lossCapBps = p.lossCapBps;
        v.winner = p.winner;
        v.providerId = p.providerId;
        v.price = p.price;
        v.startDeadline = p.startDeadline;
        v.startedAt = p.startedAt;
        v.nodeId = p.nodeId;
        v.profitSubmitted = p.profitSubmitted;
        v.pendingProfit = p.pendingProfit;
    }

    /// @inheritdoc IProjectMarket
    function projectCount() external view returns (uint256) {
        return _projectCount;
    }

    /// @inheritdoc IProjectMarket
    function bondBalanceOf(address bidder) external view returns (uint256) {
        return _bidders[bidder].bond;
    }

    /// @inheritdoc IProjectMarket
    function lastProjectOf(address bidder) external view returns (uint256) {
        return _bidders[bidder].lastProject;
    }

    /// @inheritdoc IProjectMarket
    function commitmentOf(uint256 price, bytes32 salt, address bidder, uint256 projectId)
        external
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(price, salt, bidder, projectId));
    }

    /// @inheritdoc IProjectMarket
    function bidAt(uint256 projectId, uint256 index)
        external
        view
        returns (bool revealed, bytes32 commitment, address bidder, uint256 price)
    {
        bytes32 raw = _bids[projectId][index];
        revealed = index < MAX_BIDS && (_projects[projectId].revealedMask >> index) & 1 == 1;
        if (revealed) {
            bidder = address(uint160(uint256(raw) >> 96));
            price = uint256(raw) & PRICE_MASK;
        } else {
            commitment = raw;
        }
    }

    /// @notice MZKU `requester` has paid as FP into projects running now (its Requester stake in the
    ///         Reward Pool: the 40% class it shares with providers [3.4.6]).
    function requesterStakeOf(address requester) external view returns (uint256) {
        return _requesterStake[requester];
    }

    /// @inheritdoc IProjectMarket
    function validatorPoolOf(uint256 projectId) external view returns (address) {
        return _validatorPool[projectId];
    }

    // ---- internal ----

    function _open(Resources calldata resources, uint64 duration, uint8 projectType, uint256 maxFixedPrice)
        private
        returns (uint256 projectId)
    {
        if (duration == 0) revert ProjectMarketInvalidProject(duration);
        (uint256 fp,) = policy.quote(resources, duration, projectType);
        if (fp > maxFixedPrice || fp > PRICE_MASK) revert ProjectMarketPriceAboveMax(fp, maxFixedPrice);
        if (fp == 0) revert ProjectMarketInvalidProject(duration);
        IPricingPolicy.ProjectLimits memory lim = policy.projectLimits();
        if (duration > lim.maxDuration || fp > lim.maxFixedPrice) {
            revert ProjectMarketAboveLimits(duration, lim.maxDuration, fp, lim.maxFixedPrice);
        }
        IPricingPolicy.MarketParams memory m = policy.marketParams();
        bool vickrey = policy.typeTermsOf(projectType).vickrey;
        projectId = ++_projectCount;
        Project storage p = _projects[projectId];
        uint256 commitEnd = block.number + m.commitBlocks;
        uint256 revealEnd = commitEnd + m.revealBlocks;
        // forge-lint: disable-next-line(unsafe-typecast) -- block numbers fit 40 bits for millennia
        p.commitEndBlock = uint40(commitEnd);
        // forge-lint: disable-next-line(unsafe-typecast) -- PricingPolicy: revealBlocks ≤ 200
        p.revealBlocks = uint8(m.revealBlocks);
        p.status = Status.Bidding;
        // forge-lint: disable-next-line(unsafe-typecast) -- PricingPolicy: whole MZKU, < 2^32 MZKU
        p.bidBondMzku = uint32(m.bidBond / 1 ether);
        // forge-lint: disable-next-line(unsafe-typecast) -- fp ≤ 2^96 − 1 checked above
        p.fixedPrice = uint128(fp);
        p.requester = msg.sender;
        p.projectType = projectType;
        p.feeRateBps = m.feeRateBps;
        p.bandBps = m.bandBps;
        p.scoreThreshold = m.scoreThreshold;
        p.startPenaltyBps = m.startPenaltyBps;
        p.maxDrawCandidates = m.maxDrawCandidates;
        p.vickrey = vickrey;
        (p.cpuCores, p.ramGb, p.storageGb, p.bandwidthMbps) =
        (resources.cpuCores, resources.ramGb, resources.storageGb, resources.bandwidthMbps);
        // forge-lint: disable-next-line(unsafe-typecast) -- commitEnd > block.number, fits 40 bits
        p.drawBlock = uint40(commitEnd - 1);
        p.startWindow = m.startWindow;
        p.duration = duration;
        p.reserveBps = lim.reserveBps;
        p.lossCapBps = lim.lossCapBps;
        emit ProjectOpened(projectId, msg.sender, projectType, resources, duration, fp, m.bidBond, commitEnd, revealEnd);
        _emitTerms(projectId, p);
        token.safeTransferFrom(msg.sender, address(this), fp);
    }

    /// @dev The terms the project snapshotted, for the indexer (read back from warm storage).
    function _emitTerms(uint256 projectId, Project storage p) private {
        emit ProjectTermsSet(
            projectId,
            p.feeRateBps,
            p.bandBps,
            p.scoreThreshold,
            p.startPenaltyBps,
            p.maxDrawCandidates,
            p.vickrey,
            p.drawBlock,
            p.startWindow,
            p.reserveBps,
            p.lossCapBps
        );
    }

    /// @dev Writes the draw's assignment and reserves the winner's collateral for it.
    function _assign(
        uint256 projectId,
        Project storage p,
        SealedBidDraw.Outcome memory o,
        bytes32 seed,
        uint256 entropy
    ) private {
        address winner = o.winner;
        if (winner == address(0)) {
            p.status = Status.NoWinner;
        } else {
            p.status = Status.Assigned;
            p.winner = winner;
            // forge-lint: disable-next-line(unsafe-typecast) -- the draw only admits pid ≤ type(uint48).max
            p.providerId = uint48(o.providerId);
            // forge-lint: disable-next-line(unsafe-typecast) -- price ≤ FP < 2^96
            p.price = uint128(o.price);
            p.startDeadline = uint40(block.timestamp + p.startWindow);
        }
        emit AuctionSettled(projectId, seed, entropy, o.candidates, winner, o.providerId, o.bid, o.price, o.forfeited);
        if (winner != address(0)) registry.reserveCollateral(o.providerId, _reserveOf(p));
    }

    /// @dev What the draw reads of the project and the market, once.
    function _terms(Project storage p) private view returns (SealedBidDraw.Terms memory t) {
        uint256 fp = p.fixedPrice;
        t.registry = registry;
        t.reputation = reputation;
        t.maxBid = _maxBid(fp, p.feeRateBps);
        t.reserve = _reserveOf(p);
        t.scoreThreshold = p.scoreThreshold;
        t.drawBlock = p.drawBlock;
        t.bandBps = p.bandBps;
        t.bidBond = uint256(p.bidBondMzku) * 1 ether;
        t.maxCandidates = p.maxDrawCandidates;
        t.vickrey = p.vickrey;
        t.resources = _resourcesOf(p);
    }

    /// @dev The highest bid that leaves both pool fees on FP whole: FP − 2·⌈FP·r⌉. With it the split
    ///      always pays each pool ⌊(X + FP)·r⌋, whatever X.
    function _maxBid(uint256 fp, uint256 feeRateBps) private pure returns (uint256) {
        uint256 fee = fp * feeRateBps;
        fee = fee == 0 ? 0 : (fee - 1) / BPS + 1;
        return 2 * fee < fp ? fp - 2 * fee : 0;
    }

    /// @dev Collateral reserved from the winner for the assignment.
    function _reserveOf(Project storage p) private view returns (uint256) {
        return uint256(p.fixedPrice) * p.reserveBps / BPS;
    }

    /// @dev A running project ended: the requester's FP leaves its Requester stake in the Reward Pool
    ///      and the sidecar's stakers' rewards vest.
    function _projectEnded(Project storage p) private {
        address requester = p.requester;
        (uint256 old, uint256 next) = _moveRequesterStake(requester, p.fixedPrice, false);
        rewardPool.onStakeChanged(IStakeObserver.StakeClass.Requester, requester, address(0), old, next);
        if (p.projectType == VALIDATOR_TYPE) nodeRegistry.setStakedEth(p.nodeId, 0);
        rewardPool.onProjectEnded(nodeRegistry.getNode(p.nodeId).sidecar);
    }

    /// @dev The requester's MZKU in running projects (the Reward Pool's Requester stake class) grows or
    ///      shrinks by `fp`; the caller tells the pool the old and new amounts.
    function _moveRequesterStake(address requester, uint256 fp, bool up) private returns (uint256 old, uint256 next) {
        old = _requesterStake[requester];
        next = up ? old + fp : old - fp;
        _requesterStake[requester] = next;
        emit RequesterStakeChanged(requester, old, next);
    }

    function _resourcesOf(Project storage p) private view returns (Resources memory) {
        return Resources(p.cpuCores, p.ramGb, p.storageGb, p.bandwidthMbps);
    }

    function _covers(Resources memory have, Resources memory need) private pure returns (bool) {
        return have.cpuCores >= need.cpuCores && have.ramGb >= need.ramGb && have.storageGb >= need.storageGb
            && have.bandwidthMbps >= need.bandwidthMbps;
    }

    /// @dev Fails the project: FP back to the requester, `loss` from the assignment's reservation
    ///      (the rest of it released) and, when `insured`, what the reservation does not cover from the
    ///      Insurance Pool.
    function _fail(uint256 projectId, Project storage p, uint256 loss, uint256 ran, bool insured) private {
        bool wasRunning = p.status == Status.Running;
        p.status = Status.Failed;
        uint256 escrowed = p.pendingProfit;
        p.profitSubmitted = false;
        p.pendingProfit = 0;
        uint256 pid = p.providerId;
        uint256 refund = p.fixedPrice;
        token.safeTransfer(p.requester, refund);
        if (escrowed != 0) token.safeTransfer(p.winner, escrowed);
        (uint256 slashed, uint256 compensated) = _payLoss(p, pid, loss, insured);
        emit ProjectFailed(projectId, pid, refund, loss, slashed, compensated);
        if (wasRunning) _projectEnded(p);
        // A project that started holds its node's lock: release it, failing the node if still open.
        uint256 nodeId = p.nodeId;
        if (nodeId != 0) nodeRegistry.unlockNode(nodeId, true);
        reputation.recordFinish(pid, ran, p.duration, true);
    }

    /// @dev Pays `loss` to the requester from the assignment's reservation, releases the rest of it,
    ///      and when `insured` asks the Insurance Pool for what the reservation did not cover.
    function _payLoss(Project storage p, uint256 pid, uint256 loss, bool insured)
        private
        returns (uint256 slashed, uint256 compensated)
    {
        uint256 reserve = _reserveOf(p);
        address requester = p.requester;
        slashed = loss < reserve ? loss : reserve;
        if (slashed != 0) registry.slashCollateral(pid, slashed, requester);
        if (reserve != slashed) registry.releaseCollateral(pid, reserve - slashed);
        if (insured && slashed < loss) compensated = insurancePool.compensateMzku(requester, loss - slashed);
    }
}
