// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketRealBase} from "../utils/MarketRealBase.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice Attack: a requester and its own provider agree a huge FP (a very long duration); the provider
///         never starts, `failUnstarted` owes the requester startPenaltyBps of FP, and the Insurance Pool
///         pays what the provider's collateral does not.
contract SelfDealingInsuranceAttackTest is MarketRealBase {
    address internal p;
    uint256 internal pid;

    function setUp() public override {
        super.setUp();
        (p, pid) = _provider("P", type(uint96).max);
        token.transfer(address(insurancePool), 500_000 ether);
    }

    function _attack(uint64 duration) internal {
        uint256 insBefore = token.balanceOf(address(insurancePool));
        uint256 collateralBefore = registry.getProvider(pid).collateral;
        uint256 reqBefore = token.balanceOf(requester);
        vm.prank(requester);
        try market.openProject(Resources(4, 16, 100, 100), duration, T, type(uint256).max) returns (uint256 id) {
            uint256 fp = market.getProject(id).fixedPrice;
            uint256 i = _commit(id, p, fp / 2);
            _toReveal(id);
            _reveal(id, p, i, fp / 2);
            _toSettle(id);
            market.settle(id);
            if (market.getProject(id).winner != address(0)) {
                vm.warp(block.timestamp + 2 days);
                market.failUnstarted(id);
            }
        } catch {}
        assertEq(token.balanceOf(address(insurancePool)), insBefore, "the Insurance Pool pays no penalty");
        uint256 gain = token.balanceOf(requester) > reqBefore ? token.balanceOf(requester) - reqBefore : 0;
        assertLe(gain, collateralBefore - registry.getProvider(pid).collateral, "penalty <= what the provider lost");
    }

    /// 10,000 days at 100 MZKU/day: FP 1,000,000 MZKU, penalty 100,000 MZKU, collateral 10,000 MZKU.
    function test_Attack_SelfDealingInsurance_HugeDuration() public {
        _attack(10_000 days);
    }

    /// A duration inside the limits: the penalty is still paid from the collateral alone.
    function test_Attack_SelfDealingInsurance_WithinLimits() public {
        _attack(30 days);
    }
}
