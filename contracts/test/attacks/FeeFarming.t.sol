// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketRealBase} from "../utils/MarketRealBase.sol";

/// @notice Attack: a requester and its own provider bid FP with X = 0, so both pool fees are 0 while FP
///         counts as Requester stake in the Reward Pool's 40% class for the whole project.
contract FeeFarmingAttackTest is MarketRealBase {
    function test_Attack_FeeFarming_PoolFeesChargedOnFP() public {
        (address p,) = _provider("P", 1000 ether);
        uint256 id = _open();
        // the colluding provider bids the whole budget
        uint256 i = _commit(id, p, FP);
        _toReveal(id);
        _reveal(id, p, i, FP);
        _toSettle(id);
        market.settle(id);
        if (market.getProject(id).winner == address(0)) return; // a bid leaving no room for the fees is refused
        uint256 nodeId = _node(p, "sc");
        vm.prank(p);
        market.startProject(id, nodeId);
        vm.warp(block.timestamp + DAY);
        vm.prank(p);
        market.submitCompletion(id, 0);
        vm.prank(gov);
        market.confirmCompletion(id, 0);
        uint256 fee = FP * 1000 / 10_000;
        assertGe(token.balanceOf(address(rewardPool)), fee, "reward pool paid r of FP");
        assertGe(token.balanceOf(address(insurancePool)), fee, "insurance pool paid r of FP");
    }

    function test_Attack_FeeFarming_HighestAllowedBidStillPaysFees() public {
        (address p,) = _provider("P", 1000 ether);
        uint256 id = _open();
        uint256 bid = FP - 2 * (FP * 1000 / 10_000);
        uint256 i = _commit(id, p, bid);
        _toReveal(id);
        _reveal(id, p, i, bid);
        _toSettle(id);
        market.settle(id);
        assertEq(market.getProject(id).winner, p, "FP - 2 FP r is the highest eligible bid");
        uint256 nodeId = _node(p, "sc");
        vm.prank(p);
        market.startProject(id, nodeId);
        vm.warp(block.timestamp + DAY);
        vm.prank(p);
        market.submitCompletion(id, 0);
        vm.prank(gov);
        market.confirmCompletion(id, 0);
        assertEq(token.balanceOf(address(rewardPool)), 10 ether);
        assertEq(token.balanceOf(address(insurancePool)), 10 ether);
    }
}
