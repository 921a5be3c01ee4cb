// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {ProfitSplit} from "../../src/libraries/ProfitSplit.sol";

/// @notice Exposes the library so its reverts can be expected.
contract ProfitSplitHarness {
    function split(uint256 fp, uint256 price, uint256 profit, uint256 rateBps)
        external
        pure
        returns (ProfitSplit.Shares memory)
    {
        return ProfitSplit.split(fp, price, profit, rateBps);
    }
}

contract ProfitSplitTest is Test {
    ProfitSplitHarness internal h = new ProfitSplitHarness();

    function test_split_workedExample() public view {
        ProfitSplit.Shares memory s = h.split(100 ether, 60 ether, 300 ether, 1000);
        assertEq(s.provider, 60 ether);
        assertEq(s.rewardPool, 40 ether);
        assertEq(s.insurancePool, 40 ether);
        assertEq(s.requester, 260 ether);
    }

    function test_split_dustGoesToRequester() public view {
        // pot 333 wei, 10% = 33.3 → 33 each; requester 333 - 100 - 66 = 167
        ProfitSplit.Shares memory s = h.split(200, 100, 133, 1000);
        assertEq(s.rewardPool, 33);
        assertEq(s.insurancePool, 33);
        assertEq(s.requester, 167);
    }

    function test_split_smallProfitCapsPoolShares() public view {
        // X = 0, FP 100, price 95: pot after provider = 5 < 2·10 → pools 2 each, requester 1
        ProfitSplit.Shares memory s = h.split(100, 95, 0, 1000);
        assertEq(s.rewardPool, 2);
        assertEq(s.insurancePool, 2);
        assertEq(s.requester, 1);
        assertEq(s.provider + s.rewardPool + s.insurancePool + s.requester, 100);
    }

    function test_RevertWhen_priceAboveFixedPrice() public {
        vm.expectRevert(abi.encodeWithSelector(ProfitSplit.ProfitSplitPriceAboveFixedPrice.selector, 101, 100));
        h.split(100, 101, 0, 1000);
    }

    function test_RevertWhen_rateAboveHalf() public {
        vm.expectRevert(abi.encodeWithSelector(ProfitSplit.ProfitSplitRateTooHigh.selector, 5001));
        h.split(100, 1, 0, 5001);
    }

    function testFuzz_split_sumsExactly(uint256 fp, uint256 price, uint256 profit, uint256 rate) public view {
        fp = bound(fp, 0, type(uint128).max);
        price = bound(price, 0, fp);
        profit = bound(profit, 0, type(uint128).max);
        rate = bound(rate, 0, 5000);
        ProfitSplit.Shares memory s = h.split(fp, price, profit, rate);
        assertEq(s.provider + s.rewardPool + s.insurancePool + s.requester, fp + profit, "every wei accounted");
        assertEq(s.provider, price, "provider gets its price");
        assertEq(s.rewardPool, s.insurancePool, "both pools equal");
        assertLe(s.rewardPool, (fp + profit) * rate / 10_000, "pool share at most (X + FP)*r");
        if ((fp + profit) * rate / 10_000 * 2 <= fp + profit - price) {
            assertEq(s.rewardPool, (fp + profit) * rate / 10_000, "uncapped: exactly floor((X + FP)*r)");
        }
    }
}
