// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketBase} from "../utils/MarketBase.sol";
import {Reputation} from "../../src/market/Reputation.sol";
import {GovernedUptimeFeed} from "../../src/market/GovernedUptimeFeed.sol";
import {Governed} from "../../src/governance/Governed.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

contract ReputationTest is MarketBase {
    uint256 internal id;
    address internal mkt;

    function setUp() public override {
        super.setUp();
        (, id) = _provider("RP", 1000 ether);
        mkt = address(market);
    }

    function test_refresh_freshProvider() public {
        // collateral 10,000 of a 100,000 target → 1000; three neutral components at 7000
        assertEq(reputation.refresh(id), (1000 + 7000 * 3) / 4);
        assertEq(registry.lastScore(id), 5500, "reported to the registry");
    }

    function test_score_fullFormula() public {
        vm.prank(gov);
        feed.setUptime(id, 9900, 12);
        vm.startPrank(mkt);
        reputation.recordWin(id, 60 ether, 100 ether); // 6000 bps
        reputation.recordWin(id, 80 ether, 100 ether); // 8000 bps → avg 7000 → sPrice 3000
        reputation.recordFinish(id, 1 days, 1 days, false); // 10000
        reputation.recordFinish(id, 12 hours, 1 days, true); // 5000 → avg 7500, 1 failure
        vm.stopPrank();
        vm.prank(gov);
        reputation.setWeights(1, 2, 3, 4);
        uint256 base = (1 * 1000 + 2 * 3000 + 3 * 7500 + 4 * 9900) / 10;
        assertEq(reputation.computeScore(id), base - 1000);
        assertEq(reputation.refresh(id), base - 1000);
        assertEq(reputation.scoreOf(id), base - 1000);
        assertEq(reputation.performanceOf(id), (7500 + 9900) / 2);
        uint256[2] memory recent = reputation.recentWinningBids(id);
        assertEq(recent[0], 80 ether);
        assertEq(recent[1], 60 ether);
    }

    /// A win writes one slot (count, Σ price bps and the two recent prices together); at 2^24 − 1 wins
    /// the count and the sum stop (the price component keeps its average) while the recent prices move on.
    function test_recordWin_oneSlot_saturatesTheCount() public {
        vm.record();
        vm.prank(mkt);
        reputation.recordWin(id, 60 ether, 100 ether);
        (, bytes32[] memory writes) = vm.accesses(address(reputation));
        assertEq(writes.length, 1, "one slot per win");
        uint256 max = type(uint24).max;
        // wins = max, Σ = max · 6000 bps, last price 60 MZKU
        vm.store(address(reputation), writes[0], bytes32(max | (max * 6000) << 24 | uint256(60 ether) << 64));
        vm.prank(mkt);
        reputation.recordWin(id, 90 ether, 100 ether);
        assertEq(reputation.statsOf(id).wins, max, "saturated");
        assertEq(reputation.statsOf(id).sumPriceBps, max * 6000, "the average is kept");
        uint256[2] memory recent = reputation.recentWinningBids(id);
        assertEq(recent[0], 90 ether);
        assertEq(recent[1], 60 ether);
    }

    function test_score_failuresFloorAtZero() public {
        vm.startPrank(mkt);
        for (uint256 i = 0; i < 12; ++i) {
            reputation.recordFinish(id, 0, 1 days, true);
        }
        vm.stopPrank();
        assertEq(reputation.scoreOf(id), 0);
    }

    function test_score_stakeCapsAtTarget() public {
        vm.prank(gov);
        reputation.setStakeTarget(5000 ether);
        assertEq(reputation.refresh(id), (10_000 + 7000 * 3) / 4);
    }

    function test_score_noFeedIsNeutral() public {
        vm.prank(gov);
        reputation.setUptimeFeed(address(0));
        vm.prank(gov);
        reputation.setDefaults(6000, 500);
        assertEq(reputation.refresh(id), (1000 + 6000 * 3) / 4);
    }

    function test_RevertWhen_zeroWeights() public {
        vm.expectRevert(Reputation.ReputationZeroWeights.selector);
        vm.prank(gov);
        reputation.setWeights(0, 0, 0, 0);
    }

    function test_RevertWhen_bpsTooHigh() public {
        vm.expectRevert(abi.encodeWithSelector(Reputation.ReputationBpsTooHigh.selector, 10_001));
        vm.prank(gov);
        reputation.setDefaults(10_001, 0);
        vm.expectRevert(abi.encodeWithSelector(Reputation.ReputationBpsTooHigh.selector, 10_001));
        vm.prank(gov);
        reputation.setDefaults(0, 10_001);
    }

    function test_RevertWhen_zeroStakeTarget() public {
        vm.expectRevert(Reputation.ReputationZeroStakeTarget.selector);
        vm.prank(gov);
        reputation.setStakeTarget(0);
    }

    function test_RevertWhen_zeroDenominator() public {
        vm.startPrank(mkt);
        vm.expectRevert(Reputation.ReputationZeroDenominator.selector);
        reputation.recordWin(id, 1, 0);
        vm.expectRevert(Reputation.ReputationZeroDenominator.selector);
        reputation.recordFinish(id, 1, 0, false);
        vm.stopPrank();
    }

    function test_RevertWhen_uptimeAbove100Percent() public {
        vm.expectRevert(abi.encodeWithSelector(GovernedUptimeFeed.GovernedUptimeFeedUptimeTooHigh.selector, id, 10_001));
        vm.prank(gov);
        feed.setUptime(id, 10_001, 1);
    }

    function test_feed_authorizedReporter() public {
        address reporter = makeAddr("reporter");
        vm.prank(gov);
        feed.setAuthorizedCaller(reporter, true);
        vm.prank(reporter);
        feed.setUptime(id, 5000, 3);
        (uint16 up, uint32 periods) = feed.uptimeOf(id);
        assertEq(up, 5000);
        assertEq(periods, 3);
    }

    function test_RevertWhen_unauthorizedCalls() public {
        address x = makeAddr("x");
        vm.startPrank(x);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, x));
        reputation.setWeights(1, 1, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, x));
        reputation.setStakeTarget(1);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, x));
        reputation.setDefaults(1, 1);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, x));
        reputation.setUptimeFeed(x);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorizedCaller.selector, x));
        reputation.recordWin(id, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorizedCaller.selector, x));
        reputation.recordFinish(id, 1, 1, false);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorizedCaller.selector, x));
        feed.setUptime(id, 1, 1);
        vm.stopPrank();
    }

    function test_RevertWhen_constructorZeroAddress() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new Reputation(gov, noCallers, address(0), address(0));
    }

    function testFuzz_score_boundedAndMatchesFormula(uint16 up, uint8 wins, uint8 fins, uint16 w1, uint16 w2) public {
        up = uint16(bound(up, 0, 10_000));
        wins = uint8(bound(wins, 0, 20));
        fins = uint8(bound(fins, 0, 20));
        vm.assume(uint256(w1) + w2 > 0);
        vm.prank(gov);
        reputation.setWeights(w1, w2, w1, w2);
        vm.prank(gov);
        feed.setUptime(id, up, 1);
        uint256 sumP;
        uint256 sumR;
        uint256 fails;
        vm.startPrank(mkt);
        for (uint256 i = 0; i < wins; ++i) {
            uint256 price = (i * 7 + 3) % 101;
            reputation.recordWin(id, price, 100);
            sumP += price * 10_000 / 100;
        }
        for (uint256 i = 0; i < fins; ++i) {
            bool failed = i % 5 == 4;
            uint256 ran = (i * 11) % 120;
            reputation.recordFinish(id, ran, 100, failed);
            sumR += ran >= 100 ? 10_000 : ran * 10_000 / 100;
            if (failed) ++fails;
        }
        vm.stopPrank();
        uint256 sP = wins == 0 ? 7000 : 10_000 - sumP / wins;
        uint256 sR = fins == 0 ? 7000 : sumR / fins;
        uint256 base = (uint256(w1) * 1000 + uint256(w2) * sP + uint256(w1) * sR + uint256(w2) * up)
            / (2 * uint256(w1) + 2 * uint256(w2));
        uint256 expected = fails * 1000 >= base ? 0 : base - fails * 1000;
        uint256 s = reputation.refresh(id);
        assertEq(s, expected);
        assertLe(s, 10_000);
    }
}
