// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketRealBase} from "../utils/MarketRealBase.sol";

/// @notice Attack: a governance majority moves everyone's money through the market's contracts: slash
///         any provider's collateral to any address, pay the Insurance Pool out without a loss, declare
///         an unbounded loss on a failed project.
contract GovernanceBoundsAttackTest is MarketRealBase {
    address internal p;
    uint256 internal pid;

    function setUp() public override {
        super.setUp();
        (p, pid) = _provider("P", 1000 ether);
        token.transfer(address(insurancePool), 500_000 ether);
    }

    function test_Attack_GovernanceMovesMoney_SlashCollateralWithoutRule() public {
        vm.prank(gov);
        vm.expectRevert();
        registry.slashCollateral(pid, 10_000 ether, gov);
        assertEq(registry.getProvider(pid).collateral, 10_000 ether);
    }

    function test_Attack_GovernanceMovesMoney_CompensateWithoutLoss() public {
        vm.startPrank(gov);
        vm.expectRevert();
        insurancePool.compensateMzku(gov, 500_000 ether);
        vm.expectRevert();
        insurancePool.compensateEth(gov, 1 ether);
        vm.stopPrank();
        assertEq(token.balanceOf(address(insurancePool)), 500_000 ether);
    }

    function test_Attack_GovernanceMovesMoney_FailedProjectLossIsCapped() public {
        uint256 id = _open();
        uint256 i = _commit(id, p, 60 ether);
        _toReveal(id);
        _reveal(id, p, i, 60 ether);
        _toSettle(id);
        market.settle(id);
        uint256 insBefore = token.balanceOf(address(insurancePool));
        uint256 reqBefore = token.balanceOf(requester);
        vm.prank(gov);
        try market.failProject(id, 400_000 ether) {} catch {}
        uint256 gain = token.balanceOf(requester) - reqBefore;
        assertLe(gain, 3 * FP, "FP back plus a loss bounded by the project's terms");
        assertGe(token.balanceOf(address(insurancePool)) + FP, insBefore, "insurance pays at most FP");
    }
}
