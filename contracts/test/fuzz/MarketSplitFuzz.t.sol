// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketBase} from "../utils/MarketBase.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";

/// @notice Random FP, bids, X and r through the whole market: every wei of X + FP lands somewhere.
contract MarketSplitFuzzTest is MarketBase {
    address internal a;
    address internal b;
    uint256 internal ida;

    function _configure(uint256 fp, uint16 rate) internal {
        vm.startPrank(gov);
        policy.setUnitPrices(T, IPricingPolicy.UnitPrices(uint128(fp), 0, 0, 0, 0));
        IPricingPolicy.MarketParams memory m = policy.marketParams();
        m.feeRateBps = rate;
        m.scoreThreshold = 0;
        m.startPenaltyBps = 0;
        policy.setMarketParams(m);
        // FP up to 1e26 wei: no collateral is reserved (the split is what is tested here)
        policy.setProjectLimits(IPricingPolicy.ProjectLimits(365 days, type(uint96).max, 0, 0));
        vm.stopPrank();
        (a, ida) = _provider("FA", type(uint96).max);
        (b,) = _provider("FB", type(uint96).max);
    }

    function _auctionAndStart(uint256 fp, uint256 bidA, uint256 bidB) internal returns (uint256 id, address w) {
        vm.prank(requester);
        id = market.openProject(_res(), DAY, T, fp);
        _commit(id, a, bidA);
        _commit(id, b, bidB);
        _toReveal(id);
        _reveal(id, a, 0, bidA);
        _reveal(id, b, 1, bidB);
        _toSettle(id);
        market.settle(id);
        w = market.getProject(id).winner;
        assertEq(market.getProject(id).price, w == a ? bidA : bidB, "paid its bid");
        uint256 nodeId = _node(w == a ? ida : ida + 1);
        vm.prank(w);
        market.startProject(id, nodeId);
        vm.warp(block.timestamp + DAY);
    }

    /// FP − 2·⌈FP·r⌉: the highest bid the market accepts.
    function _maxBid(uint256 fp, uint256 rate) internal pure returns (uint256) {
        uint256 fees = 2 * ((fp * rate + 9999) / 10_000);
        return fees < fp ? fp - fees : 0;
    }

    function _assertFees(uint256 toPools, uint256 pot, uint256 rate) internal pure {
        assertEq(toPools, 2 * (pot * rate / 10_000), "each pool takes (X + FP) r whatever the bid");
    }

    function testFuzz_completion_splitsExactly(uint96 fp, uint96 bidA, uint96 bidB, uint128 profit, uint16 rate)
        public
    {
        fp = uint96(bound(fp, 1, 1e26));
        rate = uint16(bound(rate, 0, 5000));
        bidA = uint96(bound(bidA, 0, _maxBid(fp, rate)));
        bidB = uint96(bound(bidB, 0, _maxBid(fp, rate)));
        profit = uint128(bound(profit, 0, 1e26));
        _configure(fp, rate);
        uint256 reqBefore = token.balanceOf(requester);
        (uint256 id, address w) = _auctionAndStart(fp, bidA, bidB);
        token.transfer(w, profit);
        uint256 wBefore = token.balanceOf(w);
        vm.prank(w);
        market.submitCompletion(id, profit);
        vm.prank(gov);
        market.confirmCompletion(id, profit);

        uint256 toPools = token.balanceOf(address(rewardPool)) + token.balanceOf(address(insurancePool));
        uint256 toProvider = token.balanceOf(w) + profit - wBefore;
        uint256 toRequester = token.balanceOf(requester) + fp - reqBefore;
        assertEq(toProvider, market.getProject(id).price, "provider");
        assertEq(token.balanceOf(address(rewardPool)), token.balanceOf(address(insurancePool)), "pools equal");
        assertEq(toProvider + toPools + toRequester, uint256(fp) + profit, "X + FP exactly");
        _assertFees(toPools, uint256(fp) + profit, rate);
        assertEq(token.balanceOf(address(market)), 200 ether, "only the free bonds remain");
    }
}
