// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {InsurancePoolFixture} from "../utils/InsurancePoolFixture.sol";

contract InsurancePoolFuzzTest is InsurancePoolFixture {
    function setUp() public {
        _deployInsurancePool(address(this), 1e30, 1, 1);
        token.approve(address(pool), type(uint256).max);
    }

    function testFuzz_compensate_paysMinOfAskAndBalance(uint256 inM, uint256 inE, uint256 askM, uint256 askE) public {
        inM = bound(inM, 1, 1e27);
        inE = bound(inE, 1, 1e24);
        askM = bound(askM, 0, 2e27);
        askE = bound(askE, 0, 2e24);
        pool.depositMzku(inM);
        vm.deal(address(this), inE);
        pool.depositEth{value: inE}();
        address victim = makeAddr("victim");
        vm.startPrank(market);
        uint256 pm = pool.compensateMzku(victim, askM);
        uint256 pe = pool.compensateEth(victim, askE);
        vm.stopPrank();
        assertEq(pm, askM < inM ? askM : inM);
        assertEq(pe, askE < inE ? askE : inE);
        assertEq(token.balanceOf(victim) + token.balanceOf(address(pool)), inM, "MZKU exact");
        assertEq(victim.balance, pe, "pushed to the victim");
        uint256 free = address(pool).balance - pool.ethReserved();
        uint256 kept = free < pool.thresholdEth() ? free : pool.thresholdEth(); // the 1-wei floor
        assertEq(pool.excessEth() + kept + pool.ethReserved(), address(pool).balance, "ETH exact");
    }

    function testFuzz_excess_respectsThreshold(uint256 inM, uint256 threshold, uint256 burnAmount) public {
        inM = bound(inM, 1, 1e27);
        threshold = bound(threshold, 1, 1e27);
        pool.depositMzku(inM);
        vm.prank(gov);
        pool.setThresholds(threshold, 1);
        uint256 excess = inM > threshold ? inM - threshold : 0;
        assertEq(pool.excessMzku(), excess);
        burnAmount = bound(burnAmount, 0, excess);
        vm.prank(gov);
        pool.burnExcessMzku(burnAmount);
        assertEq(token.balanceOf(address(pool)), inM - burnAmount);
        assertGe(token.balanceOf(address(pool)), threshold < inM ? threshold : inM, "never below the threshold");
    }
}
