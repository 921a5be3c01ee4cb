// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {InsurancePool} from "../../src/pools/InsurancePool.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {IRewardPool} from "../../src/interfaces/IRewardPool.sol";

contract InsurancePoolFuzzTest is Test {
    address internal gov = makeAddr("governance");
    address internal market = makeAddr("market");
    MzkuToken internal token;
    InsurancePool internal pool;

    function setUp() public {
        address[] memory holders = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        holders[0] = address(this);
        amounts[0] = 1e30;
        token = new MzkuToken(holders, amounts);
        address[4] memory sources;
        RewardPool rp =
            new RewardPool(gov, new address[](0), IERC20(address(token)), makeAddr("treasury"), sources, 7 days);
        address[] memory callers = new address[](1);
        callers[0] = market;
        pool = new InsurancePool(gov, callers, IERC20(address(token)), IRewardPool(address(rp)), 1, 1);
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
