// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governed} from "../governance/Governed.sol";
import {IPricingPolicy} from "../interfaces/IPricingPolicy.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {Resources} from "../interfaces/ProtocolTypes.sol";
import {ProfitSplit} from "../libraries/ProfitSplit.sol";

/// @title PricingPolicy
/// @notice Governance-set prices and market policy [3.4.4-3.4.5].
///
///         FP             = (base + cpu·pCpu + ram·pRam + storage·pStorage + bandwidth·pBandwidth)
///                          · duration / 86400                                    (floor, MZKU wei)
///         expectedProfit = principalWei · expectedAprBps · duration / (10000 · 365 days)
///                          · mzkuPerEth / 1e18                                   (floor, MZKU wei)
///
///         For a validator (type 0) the principal is 32 ETH and the APR the governance-set expected
///         staking APR; the ETH profit is converted at the governance-set MZKU/ETH rate.
contract PricingPolicy is Governed, IPricingPolicy {
    /// @notice The project type is not enabled.
    error PricingPolicyTypeDisabled(uint8 projectType);
    /// @notice The duration is zero.
    error PricingPolicyZeroDuration();
    /// @notice A market parameter is out of its range.
    error PricingPolicyInvalidParam(string name, uint256 value);
    /// @notice The MZKU/ETH rate is zero.
    error PricingPolicyZeroRate();

    uint256 private constant BPS = 10_000;
    uint256 private constant DAY = 1 days;
    uint256 private constant YEAR = 365 days;

    /// @notice Where providers are read.
    IProviderRegistry public immutable registry;
    /// @notice Where scores are read.
    IReputation public immutable reputation;

    mapping(uint8 projectType => UnitPrices) private _prices;
    mapping(uint8 projectType => TypeTerms) private _terms;
    MarketParams private _params;
    uint256 private _mzkuPerEth;
    ProjectLimits private _limits;

    /// @notice Longest reveal window: the draw block (the last commit block) must still be among the
    ///         256 whose hash the EVM can read when the reveal window closes, with room to settle.
    uint32 public constant MAX_REVEAL_BLOCKS = 200;
    /// @notice Longest project duration governance may allow.
    uint64 public constant MAX_DURATION = 5 * 365 days;
    /// @notice Largest share of FP a reservation or a loss cap may be.
    uint16 public constant MAX_LIMIT_BPS = 50_000;

    /// @param governance_ The Governance contract.
    /// @param authorizedCallers Unused by this contract's functions (kept for the common constructor shape).
    /// @param registry_ The ProviderRegistry.
    /// @param reputation_ The Reputation contract.
    constructor(address governance_, address[] memory authorizedCallers, address registry_, address reputation_)
        Governed(governance_, authorizedCallers)
    {
        if (registry_ == address(0) || reputation_ == address(0)) revert GovernedZeroAddress();
        registry = IProviderRegistry(registry_);
        reputation = IReputation(reputation_);
        // Defaults (docs/marketplace.md): type 0 = Ethereum validator, type 1 = execution node.
        _setUnitPrices(0, UnitPrices(1 ether, 0.1 ether, 0.02 ether, 0.001 ether, 0.001 ether));
        _setTypeTerms(0, TypeTerms(true, false, 350, 32 ether));
        _setUnitPrices(1, UnitPrices(0.5 ether, 0.1 ether, 0.02 ether, 0.001 ether, 0.001 ether));
        _setTypeTerms(1, TypeTerms(true, false, 0, 0));
        _setMarketParams(
            MarketParams({
                feeRateBps: 1000,
                bandBps: 500,
                scoreThreshold: 5000,
                startPenaltyBps: 1000,
                maxDrawCandidates: 4,
                commitBlocks: 150,
                revealBlocks: 150,
                startWindow: 1 days,
                bidBond: 10 ether
            })
        );
        _setProjectLimits(
            ProjectLimits({maxDuration: 365 days, maxFixedPrice: 100_000 ether, reserveBps: 10_000, lossCapBps: 20_000})
        );
        _setMzkuPerEth(1000 ether);
    }

    // ---- governance ----

    /// @notice Sets the unit prices of `projectType`. Governance only.
    function setUnitPrices(uint8 projectType, UnitPrices calldata prices) external onlyGovernance {
        _setUnitPrices(projectType, prices);
    }

    /// @notice Sets the terms of `projectType` (enabled, Vickrey, APR, principal). Governance only.
    function setTypeTerms(uint8 projectType, TypeTerms calldata terms) external onlyGovernance {
        if (terms.expectedAprBps > BPS) revert PricingPolicyInvalidParam("expectedAprBps", terms.expectedAprBps);
        _setTypeTerms(projectType, terms);
    }

    /// @notice Sets the market parameters (checked ranges in docs/marketplace.md). Governance only.
    function setMarketParams(MarketParams calldata params) external onlyGovernance {
        _setMarketParams(params);
    }

    /// @notice Sets the project limits (duration, FP, collateral reserved per assignment, loss cap).
    ///         Governance only; the reservation must cover the start penalty.
    function setProjectLimits(ProjectLimits calldata limits) external onlyGovernance {
        _setProjectLimits(limits);
    }

    /// @notice Sets the MZKU wei paid for 1 ETH in expected-profit conversions. Governance only.
    function setMzkuPerEth(uint256 rate) external onlyGovernance {
        _setMzkuPerEth(rate);
    }

    // ---- views ----

    /// @inheritdoc IPricingPolicy
    function quote(Resources calldata resources, uint256 duration, uint8 projectType)
        public
        view
        returns (uint256 fp, uint256 expectedProfit)
    {
        TypeTerms memory t = _terms[projectType];
        if (!t.enabled) revert PricingPolicyTypeDisabled(projectType);
        if (duration == 0) revert PricingPolicyZeroDuration();
        UnitPrices memory p = _prices[projectType];
        uint256 perDay = p.basePerDay + resources.cpuCores * uint256(p.perCpuCoreDay) + resources.ramGb
            * uint256(p.perRamGbDay) + resources.storageGb * uint256(p.perStorageGbDay) + resources.bandwidthMbps
            * uint256(p.perBandwidthMbpsDay);
        fp = perDay * duration / DAY;
        expectedProfit = uint256(t.principalWei) * t.expectedAprBps * duration / (BPS * YEAR) * _mzkuPerEth / 1 ether;
    }

    /// @inheritdoc IPricingPolicy
    function unitPricesOf(uint8 projectType) external view returns (UnitPrices memory) {
        return _prices[projectType];
    }

    /// @inheritdoc IPricingPolicy
    function typeTermsOf(uint8 projectType) external view returns (TypeTerms memory) {
        return _terms[projectType];
    }

    /// @inheritdoc IPricingPolicy
    function marketParams() external view returns (MarketParams memory) {
        return _params;
    }

    /// @inheritdoc IPricingPolicy
    function mzkuPerEth() external view returns (uint256) {
        return _mzkuPerEth;
    }

    /// @inheritdoc IPricingPolicy
    function projectLimits() external view returns (ProjectLimits memory) {
        return _limits;
    }

    /// @inheritdoc IPricingPolicy
    function listProviders(
        uint256 offset,
        uint256 limit,
        Resources calldata resources,
        uint256 duration,
        uint8 projectType
    ) external view returns (ProviderView[] memory rows) {
        uint256[] memory ids = registry.qualifiedProviders(offset, limit);
        uint256 n = ids.length;
        rows = new ProviderView[](n);
        (uint256 fp, uint256 expectedProfit) = quote(resources, duration, projectType);
        for (uint256 i = 0; i < n; ++i) {
            rows[i] = _row(ids[i], resources, fp, expectedProfit);
        }
    }

    // ---- internal ----

    function _row(uint256 id, Resources calldata resources, uint256 fp, uint256 expectedProfit)
        private
        view
        returns (ProviderView memory v)
    {
        IProviderRegistry.Provider memory p = registry.getProvider(id);
        v.providerId = id;
        v.owner = p.owner;
        v.reputationScore = reputation.scoreOf(id);
        v.eligible = registry.isEligible(id) && v.reputationScore >= _params.scoreThreshold;
        v.hasCapacity = registry.hasFreeCapacity(id, resources);
        v.capacity = p.capacity;
        v.used = p.used;
        v.priceCap = p.priceCap;
        v.collateral = p.collateral;
        v.recentWinningBids = reputation.recentWinningBids(id);
        v.performanceScore = reputation.performanceOf(id);
        uint256 fees = 2 * _ceilDiv(fp * _params.feeRateBps, BPS);
        uint256 maxBid = fees < fp ? fp - fees : 0;
        uint256 bid = p.priceCap < maxBid ? p.priceCap : maxBid;
        v.expectedReturn = ProfitSplit.split(fp, bid, expectedProfit, _params.feeRateBps).requester;
    }

    function _setUnitPrices(uint8 projectType, UnitPrices memory prices) private {
        _prices[projectType] = prices;
        emit PricingPolicyUnitPricesSet(projectType, prices);
    }

    function _setTypeTerms(uint8 projectType, TypeTerms memory terms) private {
        _terms[projectType] = terms;
        emit PricingPolicyTypeTermsSet(projectType, terms);
    }

    function _setMarketParams(MarketParams memory p) private {
        if (p.feeRateBps > BPS / 2) revert PricingPolicyInvalidParam("feeRateBps", p.feeRateBps);
        if (p.bandBps > BPS) revert PricingPolicyInvalidParam("bandBps", p.bandBps);
        if (p.scoreThreshold > BPS) revert PricingPolicyInvalidParam("scoreThreshold", p.scoreThreshold);
        if (p.startPenaltyBps > BPS) revert PricingPolicyInvalidParam("startPenaltyBps", p.startPenaltyBps);
        if (p.maxDrawCandidates == 0 || p.maxDrawCandidates > 32) {
            revert PricingPolicyInvalidParam("maxDrawCandidates", p.maxDrawCandidates);
        }
        if (p.commitBlocks == 0) revert PricingPolicyInvalidParam("commitBlocks", p.commitBlocks);
        if (p.revealBlocks == 0 || p.revealBlocks > MAX_REVEAL_BLOCKS) {
            revert PricingPolicyInvalidParam("revealBlocks", p.revealBlocks);
        }
        if (p.startPenaltyBps > _limits.reserveBps && _limits.maxDuration != 0) {
            revert PricingPolicyInvalidParam("startPenaltyBps", p.startPenaltyBps);
        }
        if (p.startWindow == 0) revert PricingPolicyInvalidParam("startWindow", p.startWindow);
        // the market keeps the bond in 32 bits of whole MZKU beside the commit state
        if (p.bidBond % 1 ether != 0 || p.bidBond / 1 ether > type(uint32).max) {
            revert PricingPolicyInvalidParam("bidBond", p.bidBond);
        }
        _params = p;
        emit PricingPolicyMarketParamsSet(p);
    }

    function _setProjectLimits(ProjectLimits memory l) private {
        if (l.maxDuration == 0 || l.maxDuration > MAX_DURATION) {
            revert PricingPolicyInvalidParam("maxDuration", l.maxDuration);
        }
        if (l.maxFixedPrice == 0 || l.maxFixedPrice >= 1 << 96) {
            revert PricingPolicyInvalidParam("maxFixedPrice", l.maxFixedPrice);
        }
        if (l.reserveBps < _params.startPenaltyBps || l.reserveBps > MAX_LIMIT_BPS) {
            revert PricingPolicyInvalidParam("reserveBps", l.reserveBps);
        }
        if (l.lossCapBps > MAX_LIMIT_BPS) revert PricingPolicyInvalidParam("lossCapBps", l.lossCapBps);
        _limits = l;
        emit PricingPolicyProjectLimitsSet(l);
    }

    function _ceilDiv(uint256 a, uint256 b) private pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }

    function _setMzkuPerEth(uint256 rate) private {
        if (rate == 0) revert PricingPolicyZeroRate();
        _mzkuPerEth = rate;
        emit PricingPolicyMzkuPerEthSet(rate);
    }
}
