// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketRealBase} from "../utils/MarketRealBase.sol";

/// @notice Attack: win a project, then stop the node and take the collateral out while the project is
///         assigned or running, so that a later failure is paid by the Insurance Pool alone.
contract CollateralWithdrawnMidProjectAttackTest is MarketRealBase {
    address internal p;
    uint256 internal pid;

    function setUp() public override {
        super.setUp();
        (p, pid) = _provider("P", 1000 ether);
    }

    function _win() internal returns (uint256 id) {
        id = _open();
        uint256 i = _commit(id, p, 60 ether);
        _toReveal(id);
        _reveal(id, p, i, 60 ether);
        _toSettle(id);
        market.settle(id);
        assertEq(market.getProject(id).winner, p);
    }

    function test_Attack_CollateralWithdrawnMidProject_NodeWithProjectCannotStop() public {
        uint256 id = _win();
        uint256 nodeId = _node(p, "sc");
        vm.prank(p);
        market.startProject(id, nodeId);
        vm.prank(p);
        vm.expectRevert();
        nodes.stopNode(nodeId);
    }

    function test_Attack_CollateralWithdrawnMidProject_AssignedCollateralCannotLeave() public {
        uint256 id = _win();
        // No node open yet: the old registry let the whole collateral go into unbonding.
        uint256 collateral = registry.getProvider(pid).collateral;
        vm.prank(p);
        vm.expectRevert();
        registry.requestWithdrawal(collateral);
        // The start penalty is still paid from the provider's collateral, not by insurance.
        vm.warp(block.timestamp + 2 days);
        token.transfer(address(insurancePool), 1000 ether);
        uint256 insBefore = token.balanceOf(address(insurancePool));
        market.failUnstarted(id);
        assertEq(token.balanceOf(address(insurancePool)), insBefore, "insurance untouched");
    }
}
