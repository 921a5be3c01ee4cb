// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Resources} from "./ProtocolTypes.sol";

/// @title IPricingPolicy
/// @notice The governance-set pricing and market policy [3.4.4-3.4.5]: unit prices per resource per
///         day for each project type, the quote (fixed price FP and expected profit), the auction and
///         split parameters the market snapshots when a project opens, and a paged provider list.
interface IPricingPolicy {
    /// @notice MZKU wei per unit per day (a day is 86,400 s) for one project type.
    struct UnitPrices {
        uint128 basePerDay; // flat part, whatever the resources
        uint128 perCpuCoreDay;
        uint128 perRamGbDay;
        uint128 perStorageGbDay;
        uint128 perBandwidthMbpsDay;
    }

    /// @notice What a project type is and how it is auctioned.
    struct TypeTerms {
        bool enabled; // projects of this type may be opened
        bool vickrey; // the winner is paid the second-lowest eligible price
        uint16 expectedAprBps; // expected yearly return on `principalWei` (validators: ~3.5%)
        uint128 principalWei; // ETH at work for the project (32 ETH for a validator, 0 otherwise)
    }

    /// @notice Auction, split and penalty parameters (snapshotted by the market when a project opens).
    struct MarketParams {
        uint16 feeRateBps; // r: Reward Pool and Insurance Pool each take (X + FP)·r
        uint16 bandBps; // bids ≤ lowest·(1 + band) enter the draw
        uint16 scoreThreshold; // minimum reputation score (bps) to be eligible
        uint16 startPenaltyBps; // collateral slashed to the requester (share of FP) for a late start
        uint8 maxDrawCandidates; // at most this many bids enter the weighted draw (1..32)
        uint32 commitBlocks; // commit window length, in blocks
        uint32 revealBlocks; // reveal window length, in blocks (≤ 200: the draw block's hash stays readable)
        uint32 startWindow; // seconds the winner has to start its node
        uint128 bidBond; // MZKU wei locked per commit: whole MZKU, at most 2^32 − 1 MZKU
    }

    /// @notice Bounds on what a project may ask and on what its failure may cost (snapshotted by the
    ///         market when a project opens).
    struct ProjectLimits {
        uint64 maxDuration; // seconds a project may run
        uint128 maxFixedPrice; // most FP a project may cost (MZKU wei)
        uint16 reserveBps; // collateral reserved from the winner per assignment, share of FP (≥ start penalty)
        uint16 lossCapBps; // most a declared failure loss may be, share of FP
    }

    /// @notice One row of the provider list a requester decides on.
    struct ProviderView {
        uint256 providerId;
        address owner;
        bool eligible; // qualified, not disqualified, collateral ≥ Pmin, score ≥ threshold
        bool hasCapacity; // one more node with the asked resources fits
        Resources capacity;
        Resources used;
        uint256 priceCap;
        uint256 collateral;
        uint256[2] recentWinningBids; // most recent first, 0 = none
        uint256 reputationScore; // bps
        uint256 performanceScore; // bps (running time and uptime)
        uint256 expectedReturn; // requester's share (ProfitSplit) with X = expected profit, bid = min(cap, highest eligible bid FP − 2·⌈FP·r⌉)
    }

    /// @notice Unit prices of `projectType` changed.
    event PricingPolicyUnitPricesSet(uint8 indexed projectType, UnitPrices prices);
    /// @notice Terms of `projectType` changed.
    event PricingPolicyTypeTermsSet(uint8 indexed projectType, TypeTerms terms);
    /// @notice The market parameters changed.
    event PricingPolicyMarketParamsSet(MarketParams params);
    /// @notice The project limits changed.
    event PricingPolicyProjectLimitsSet(ProjectLimits limits);
    /// @notice The MZKU/ETH rate used for expected profits changed (MZKU wei per 1 ETH).
    event PricingPolicyMzkuPerEthSet(uint256 mzkuPerEth);

    /// @notice Fixed price FP (MZKU wei) and expected profit (MZKU wei) of a project.
    /// @param resources What the node needs.
    /// @param duration Seconds the project runs.
    /// @param projectType Index of the project type (0 = Ethereum validator, 1 = execution node).
    function quote(Resources calldata resources, uint256 duration, uint8 projectType)
        external
        view
        returns (uint256 fp, uint256 expectedProfit);

    /// @notice Unit prices of `projectType`.
    function unitPricesOf(uint8 projectType) external view returns (UnitPrices memory);

    /// @notice Terms of `projectType`.
    function typeTermsOf(uint8 projectType) external view returns (TypeTerms memory);

    /// @notice Current market parameters.
    function marketParams() external view returns (MarketParams memory);

    /// @notice MZKU wei per 1 ETH.
    function mzkuPerEth() external view returns (uint256);

    /// @notice Current project limits.
    function projectLimits() external view returns (ProjectLimits memory);

    /// @notice The qualified providers at positions `offset .. offset + limit` of the registry's
    ///         qualified list (`IProviderRegistry.qualifiedProviders`), as a requester asking
    ///         `resources` for `duration` seconds of `projectType` would see them. A qualified provider
    ///         may still be ineligible now (disqualified, collateral under Pmin, score under threshold).
    function listProviders(
        uint256 offset,
        uint256 limit,
        Resources calldata resources,
        uint256 duration,
        uint8 projectType
    ) external view returns (ProviderView[] memory rows);
}
