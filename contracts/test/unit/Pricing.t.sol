// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketBase} from "../utils/MarketBase.sol";
import {PricingPolicy} from "../../src/market/PricingPolicy.sol";
import {Governed} from "../../src/governance/Governed.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

contract PricingPolicyTest is MarketBase {
    function test_quote_validatorDefaults() public view {
        Resources memory r = Resources(4, 16, 2000, 100);
        (uint256 fp, uint256 profit) = policy.quote(r, 30 days, 0);
        // per day: 1 + 4·0.1 + 16·0.02 + 2000·0.001 + 100·0.001 = 3.82 MZKU; 30 days = 114.6
        assertEq(fp, 114.6 ether);
        // 32 ETH · 3.5% · 30/365 · 1000 MZKU/ETH
        assertEq(profit, uint256(32 ether) * 350 * 30 days / (10_000 * 365 days) * 1000 ether / 1 ether);
    }

    function test_quote_executionNodeHasNoExpectedProfit() public view {
        (uint256 fp, uint256 profit) = policy.quote(Resources(1, 1, 1, 1), 1 days, 1);
        assertEq(fp, 0.5 ether + 0.1 ether + 0.02 ether + 0.001 ether + 0.001 ether);
        assertEq(profit, 0);
    }

    function testFuzz_quote_linearInDuration(uint32 cpu, uint32 ram, uint64 d) public view {
        d = uint64(bound(d, 1, 3650 days));
        Resources memory r = Resources(uint32(bound(cpu, 0, 1024)), uint32(bound(ram, 0, 4096)), 0, 0);
        (uint256 fp,) = policy.quote(r, d, 0);
        uint256 perDay = 1 ether + uint256(r.cpuCores) * 0.1 ether + uint256(r.ramGb) * 0.02 ether;
        assertEq(fp, perDay * d / 1 days);
    }

    function test_setters_emitAndApply() public {
        vm.startPrank(gov);
        policy.setUnitPrices(5, IPricingPolicy.UnitPrices(1, 2, 3, 4, 5));
        policy.setTypeTerms(5, IPricingPolicy.TypeTerms(true, true, 500, 32 ether));
        policy.setMzkuPerEth(2000 ether);
        IPricingPolicy.MarketParams memory m = policy.marketParams();
        m.feeRateBps = 2000;
        policy.setMarketParams(m);
        vm.stopPrank();
        assertEq(policy.unitPricesOf(5).perBandwidthMbpsDay, 5);
        assertTrue(policy.typeTermsOf(5).vickrey);
        assertEq(policy.mzkuPerEth(), 2000 ether);
        assertEq(policy.marketParams().feeRateBps, 2000);
    }

    function test_listProviders_pagedOverQualified() public {
        (address a, uint256 ida) = _provider("LA", 80 ether);
        (, uint256 idb) = _provider("LB", 1000 ether);
        (, uint256 idc) = _provider("LC", 1000 ether);
        registry.setQualified(idb, false);
        registry.setDisqualifiedUntil(idc, uint64(block.timestamp + 1 days));
        IPricingPolicy.ProviderView[] memory rows = policy.listProviders(0, 2, _res(), DAY, T);
        assertEq(rows.length, 2);
        assertEq(rows[0].providerId, ida);
        assertEq(rows[1].providerId, idc, "the unqualified provider is not listed");
        assertEq(rows[0].owner, a);
        assertTrue(rows[0].eligible);
        assertFalse(rows[1].eligible, "disqualified now");
        assertTrue(rows[0].hasCapacity);
        assertEq(rows[0].priceCap, 80 ether);
        assertEq(rows[0].collateral, 10_000 ether);
        assertEq(rows[0].reputationScore, 5500);
        assertEq(rows[0].performanceScore, 7000);
        // X = 0 for type T: requester gets FP - min(cap, FP) - pools
        assertEq(rows[0].expectedReturn, 100 ether - 80 ether - 2 * 10 ether);
        assertEq(rows[1].expectedReturn, 0, "cap above FP: bid = FP, nothing left");
        assertEq(policy.listProviders(1, 10, _res(), DAY, T).length, 1);
        assertEq(policy.listProviders(2, 10, _res(), DAY, T).length, 0);
    }

    function test_listProviders_showsRecentWinningBids() public {
        (address a, uint256 ida) = _provider("WA", 1000 ether);
        for (uint256 k = 0; k < 2; ++k) {
            uint256 id = _open();
            _commit(id, a, 60 ether + k * 1 ether);
            _toReveal(id);
            _reveal(id, a, 0, 60 ether + k * 1 ether);
            _toSettle(id);
            market.settle(id);
            uint256 nodeId = _node(ida);
            vm.prank(a);
            market.startProject(id, nodeId); // the win is recorded when the project starts
        }
        IPricingPolicy.ProviderView[] memory rows = policy.listProviders(0, 1, _res(), DAY, T);
        assertEq(rows[0].providerId, ida);
        assertEq(rows[0].recentWinningBids[0], 61 ether);
        assertEq(rows[0].recentWinningBids[1], 60 ether);
    }

    function test_RevertWhen_typeDisabled() public {
        vm.expectRevert(abi.encodeWithSelector(PricingPolicy.PricingPolicyTypeDisabled.selector, 9));
        policy.quote(_res(), DAY, 9);
    }

    function test_RevertWhen_zeroDuration() public {
        vm.expectRevert(PricingPolicy.PricingPolicyZeroDuration.selector);
        policy.quote(_res(), 0, 0);
    }

    function test_RevertWhen_zeroRate() public {
        vm.expectRevert(PricingPolicy.PricingPolicyZeroRate.selector);
        vm.prank(gov);
        policy.setMzkuPerEth(0);
    }

    function test_RevertWhen_aprAbove100Percent() public {
        vm.expectRevert(
            abi.encodeWithSelector(PricingPolicy.PricingPolicyInvalidParam.selector, "expectedAprBps", 10_001)
        );
        vm.prank(gov);
        policy.setTypeTerms(0, IPricingPolicy.TypeTerms(true, false, 10_001, 32 ether));
    }

    function _badParam(IPricingPolicy.MarketParams memory m, string memory name, uint256 v) internal {
        vm.expectRevert(abi.encodeWithSelector(PricingPolicy.PricingPolicyInvalidParam.selector, name, v));
        vm.prank(gov);
        policy.setMarketParams(m);
    }

    function test_RevertWhen_marketParamOutOfRange() public {
        IPricingPolicy.MarketParams memory ok = policy.marketParams();
        IPricingPolicy.MarketParams memory m = ok;
        m.feeRateBps = 5001;
        _badParam(m, "feeRateBps", 5001);
        m = policy.marketParams();
        m.bandBps = 10_001;
        _badParam(m, "bandBps", 10_001);
        m = policy.marketParams();
        m.scoreThreshold = 10_001;
        _badParam(m, "scoreThreshold", 10_001);
        m = policy.marketParams();
        m.startPenaltyBps = 10_001;
        _badParam(m, "startPenaltyBps", 10_001);
        m = policy.marketParams();
        m.maxDrawCandidates = 0;
        _badParam(m, "maxDrawCandidates", 0);
        m = policy.marketParams();
        m.maxDrawCandidates = 33;
        _badParam(m, "maxDrawCandidates", 33);
        m = policy.marketParams();
        m.commitBlocks = 0;
        _badParam(m, "commitBlocks", 0);
        m = policy.marketParams();
        m.revealBlocks = 0;
        _badParam(m, "revealBlocks", 0);
        m = policy.marketParams();
        m.startWindow = 0;
        _badParam(m, "startWindow", 0);
        m = policy.marketParams();
        m.revealBlocks = 201;
        _badParam(m, "revealBlocks", 201);
        m = policy.marketParams();
        m.bidBond = 10 ether + 1;
        _badParam(m, "bidBond", 10 ether + 1);
        m = policy.marketParams();
        m.bidBond = uint128(uint256(type(uint32).max) + 1) * 1 ether;
        _badParam(m, "bidBond", m.bidBond);
    }

    function _badLimits(IPricingPolicy.ProjectLimits memory l, string memory name, uint256 v) internal {
        vm.expectRevert(abi.encodeWithSelector(PricingPolicy.PricingPolicyInvalidParam.selector, name, v));
        vm.prank(gov);
        policy.setProjectLimits(l);
    }

    function test_projectLimits_defaultsAndRanges() public {
        IPricingPolicy.ProjectLimits memory l = policy.projectLimits();
        assertEq(l.maxDuration, 365 days);
        assertEq(l.maxFixedPrice, 100_000 ether);
        assertEq(l.reserveBps, 10_000);
        assertEq(l.lossCapBps, 20_000);
        _badLimits(IPricingPolicy.ProjectLimits(0, 1 ether, 1000, 0), "maxDuration", 0);
        _badLimits(IPricingPolicy.ProjectLimits(5 * 365 days + 1, 1 ether, 1000, 0), "maxDuration", 5 * 365 days + 1);
        _badLimits(IPricingPolicy.ProjectLimits(1 days, 0, 1000, 0), "maxFixedPrice", 0);
        _badLimits(IPricingPolicy.ProjectLimits(1 days, 1 << 96, 1000, 0), "maxFixedPrice", 1 << 96);
        // the reservation must cover the start penalty (1000 bps by default)
        _badLimits(IPricingPolicy.ProjectLimits(1 days, 1 ether, 999, 0), "reserveBps", 999);
        _badLimits(IPricingPolicy.ProjectLimits(1 days, 1 ether, 50_001, 0), "reserveBps", 50_001);
        _badLimits(IPricingPolicy.ProjectLimits(1 days, 1 ether, 1000, 50_001), "lossCapBps", 50_001);
        l = IPricingPolicy.ProjectLimits(30 days, 5000 ether, 1000, 3000);
        vm.expectEmit(address(policy));
        emit IPricingPolicy.PricingPolicyProjectLimitsSet(l);
        vm.prank(gov);
        policy.setProjectLimits(l);
        assertEq(policy.projectLimits().maxFixedPrice, 5000 ether);
        // and a start penalty above the reservation is refused
        IPricingPolicy.MarketParams memory m = policy.marketParams();
        m.startPenaltyBps = 1001;
        _badParam(m, "startPenaltyBps", 1001);
    }

    function test_RevertWhen_nonGovernanceSets() public {
        address x = makeAddr("x");
        IPricingPolicy.MarketParams memory m = policy.marketParams();
        vm.startPrank(x);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, x));
        policy.setUnitPrices(0, IPricingPolicy.UnitPrices(0, 0, 0, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, x));
        policy.setTypeTerms(0, IPricingPolicy.TypeTerms(false, false, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, x));
        policy.setMarketParams(m);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, x));
        policy.setMzkuPerEth(1);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, x));
        policy.setProjectLimits(IPricingPolicy.ProjectLimits(1 days, 1 ether, 1000, 0));
        vm.stopPrank();
    }

    function test_RevertWhen_constructorZeroAddress() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new PricingPolicy(gov, noCallers, address(0), address(reputation));
    }
}
