// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {ValidatorFlowBase} from "../utils/ValidatorFlowBase.sol";

/// @notice The seed's one validator flow [3.2, 3.4.2, 3.4.7] on the deployed protocol: request → auction →
///         the winner's pool (k + the requester's 32 − k) → deposit → start on the winner's node → rewards
///         observed by the pool → completion with X from the pool; and the failures that reach collateral.
contract ValidatorFlowTest is ValidatorFlowBase {
    function _name() internal pure override returns (string memory) {
        return "validator-flow";
    }

    function test_flow_requestToCompletion_XFromThePool() public {
        _requestAndAssign();
        MicroPool pool = _openPool();
        IProjectMarket.ProjectView memory v = market.getProject(projectId);
        assertEq(market.validatorPoolOf(projectId), address(pool), "the market records the project's pool");
        assertEq(pool.providerEth(), K, "the winner's k");
        assertEq(pool.fixedPrice(), 0, "FP was paid in the market: stakers pay no MZKU fee");
        assertEq(pool.insuranceBps(), v.feeRateBps, "the pool splits ETH at the project's rate");
        assertEq(pool.rewardBps(), v.feeRateBps);
        assertEq(pool.endTime(), v.startDeadline + DURATION, "the pool runs past the project's end");
        assertEq(pool.providerId(), providerId);

        _fillDepositStart(pool);
        assertEq(pool.balanceOf(requester), 32 ether - K, "the requester holds 32 - k aETH");
        assertEq(address(depositContract).balance, 32 ether, "the deposit went out");
        assertEq(uint8(market.getProject(projectId).status), uint8(IProjectMarket.Status.Running));
        assertEq(nodes.getNode(nodeId).stakedEth, 32 ether, "the pool is tied to the winner's node");

        // Rewards arrive and are split by the pool; the pool records them.
        vm.warp(block.timestamp + 10 days);
        _arrive(pool, 0.05 ether);
        pool.distribute();
        assertEq(pool.observedRewards(), 0.05 ether);
        // The project's end, then the validator's exit after the pool's end time: 32 ETH + a last skim.
        vm.warp(pool.endTime() + 1 days);
        _arrive(pool, 32 ether + 0.01 ether);
        vm.prank(winner);
        pool.complete();

        uint256 winnerBefore = token.balanceOf(winner);
        uint256 requesterBefore = token.balanceOf(requester);
        uint256 rewardBefore = token.balanceOf(address(rewardPool));
        uint256 insuranceBefore = token.balanceOf(address(insurance));
        vm.expectEmit(address(market));
        emit IProjectMarket.ValidatorProjectSettled(projectId, address(pool), 0.06 ether, 0, 0);
        vm.prank(stranger); // anyone: the outcome is the pool's, not the caller's
        market.completeValidatorProject(projectId);
        v = market.getProject(projectId);
        assertEq(uint8(v.status), uint8(IProjectMarket.Status.Completed));
        uint256 fee = fp * v.feeRateBps / 10_000;
        assertEq(token.balanceOf(winner) - winnerBefore, v.price, "the provider gets its price");
        assertEq(token.balanceOf(address(rewardPool)) - rewardBefore, fee, "Reward Pool FP x r");
        assertEq(token.balanceOf(address(insurance)) - insuranceBefore, fee, "Insurance Pool FP x r");
        assertEq(token.balanceOf(requester) - requesterBefore, fp - v.price - 2 * fee, "the requester the rest");
        assertEq(registry.reservedOf(providerId), 0, "the reservation is released");
        assertEq(nodes.getNode(nodeId).stakedEth, 0, "the node no longer carries the pool's ETH");
        (address holder,) = nodes.lockOf(nodeId);
        assertEq(holder, address(0), "the node may stop");
        // The stakers' ETH: each aETH redeems 1 ETH, the rewards are claimable.
        vm.prank(requester);
        assertEq(pool.redeem(32 ether - K), 32 ether - K);
        assertGt(pool.claimableOf(requester), 0);
    }

    function test_flow_earlyExit_penaltyFromReservedCollateral() public {
        _requestAndAssign();
        MicroPool pool = _openPool();
        _fillDepositStart(pool);
        uint256 startedAt = market.getProject(projectId).startedAt;
        // Half-way the validator is exited and its 32 ETH come back: the operator completes the pool.
        vm.warp(startedAt + DURATION / 2);
        _arrive(pool, 32 ether);
        vm.prank(winner);
        pool.complete();

        uint256 collateralBefore = registry.getProvider(providerId).collateral;
        uint256 requesterBefore = token.balanceOf(requester);
        uint256 insuranceBefore = token.balanceOf(address(insurance));
        uint256 penalty = fp * (DURATION / 2) / DURATION;
        vm.expectEmit(address(market));
        emit IProjectMarket.ValidatorProjectSettled(projectId, address(pool), 0, 0, penalty);
        market.completeValidatorProject(projectId);
        assertEq(uint8(market.getProject(projectId).status), uint8(IProjectMarket.Status.Failed));
        assertEq(token.balanceOf(requester) - requesterBefore, fp + penalty, "FP back + the penalty");
        assertEq(collateralBefore - registry.getProvider(providerId).collateral, penalty, "from the collateral");
        assertEq(registry.reservedOf(providerId), 0, "the rest of the reservation is released");
        assertEq(token.balanceOf(address(insurance)), insuranceBefore, "never from the Insurance Pool");
    }

    function test_flow_slashedValidator_lossReachesCollateral() public {
        _requestAndAssign();
        MicroPool pool = _openPool();
        _fillDepositStart(pool);
        // The validator was slashed: 31 ETH come back after the end time; governance settles the loss
        // (the provider's k absorbs it first), 30 days after the exit became expected.
        vm.warp(pool.endTime());
        _arrive(pool, 31 ether);
        vm.warp(pool.settleableAfterLoss());
        _govern(address(pool), abi.encodeCall(pool.complete, ()));
        assertEq(pool.observedLoss(), 1 ether);
        assertEq(pool.collateralToReturn(), K - 1 ether, "the winner's ETH took the loss");

        uint256 collateralBefore = registry.getProvider(providerId).collateral;
        uint256 requesterBefore = token.balanceOf(requester);
        market.completeValidatorProject(projectId);
        uint256 penalty = fp * 1 ether / 32 ether;
        assertEq(uint8(market.getProject(projectId).status), uint8(IProjectMarket.Status.Failed));
        assertEq(collateralBefore - registry.getProvider(providerId).collateral, penalty, "loss / 32 of FP");
        assertEq(token.balanceOf(requester) - requesterBefore, fp + penalty);
    }

    function test_flow_neverDeposited_failUnstartedSlashesTheReservation() public {
        _requestAndAssign();
        MicroPool pool = _openPool();
        vm.prank(requester);
        pool.stake{value: 32 ether - K}();
        // No deposit before the start deadline: anyone fails the project; the start penalty comes from the
        // reserved collateral, and the requester takes its ETH back from the still-Open pool.
        vm.warp(market.getProject(projectId).startDeadline + 1);
        uint256 collateralBefore = registry.getProvider(providerId).collateral;
        market.failUnstarted(projectId);
        IProjectMarket.ProjectView memory v = market.getProject(projectId);
        assertEq(collateralBefore - registry.getProvider(providerId).collateral, fp * v.startPenaltyBps / 10_000);
        uint256 ethBefore = requester.balance;
        vm.prank(requester);
        pool.withdraw(32 ether - K);
        assertEq(requester.balance - ethBefore, 32 ether - K, "the requester's ETH is never stuck");
    }
}
