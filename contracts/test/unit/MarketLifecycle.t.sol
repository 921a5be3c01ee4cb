// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketBase} from "../utils/MarketBase.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {Governed} from "../../src/governance/Governed.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {NodeStatus} from "../../src/interfaces/ProtocolTypes.sol";
import {MarketHostilePool} from "../utils/MarketDoubles.sol";

contract MarketLifecycleTest is MarketBase {
    address internal p1;
    address internal p2;
    address internal p3;
    uint256 internal id1;
    uint256 internal id2;
    uint256 internal id3;

    function setUp() public override {
        super.setUp();
        (p1, id1) = _provider("P1", 1000 ether);
        (p2, id2) = _provider("P2", 1000 ether);
        (p3, id3) = _provider("P3", 1000 ether);
    }

    function _seedAuction() internal returns (uint256 id) {
        address[] memory b = new address[](3);
        uint256[] memory pr = new uint256[](3);
        (b[0], b[1], b[2]) = (p1, p2, p3);
        (pr[0], pr[1], pr[2]) = (60 ether, 70 ether, 75 ether);
        id = _auction(b, pr);
    }

    function _running() internal returns (uint256 id, uint256 nodeId) {
        id = _seedAuction();
        nodeId = _node(id1);
        vm.prank(p1);
        market.startProject(id, nodeId);
    }

    function _submit(uint256 id, uint256 profit) internal {
        vm.warp(block.timestamp + DAY);
        vm.prank(p1);
        market.submitCompletion(id, profit);
    }

    /// The seed's worked example [3.4.7, 3.5]: FP 100, bids 60/70/75, X 300 → 60 / 40 / 40 / 260.
    function test_workedExample_splitsToTheWei() public {
        uint256 reqBefore = token.balanceOf(requester);
        (uint256 id,) = _running();
        assertEq(market.getProject(id).winner, p1, "P1 wins");
        assertEq(market.getProject(id).price, 60 ether, "paid its bid");
        uint256 p1Before = token.balanceOf(p1);
        _submit(id, 300 ether);
        vm.prank(gov);
        vm.expectEmit(address(market));
        emit IProjectMarket.ProjectCompleted(id, 300 ether, 60 ether, 40 ether, 40 ether, 260 ether);
        market.confirmCompletion(id, 300 ether);
        assertEq(token.balanceOf(p1), p1Before - 300 ether + 60 ether, "provider 60 (after paying X in)");
        assertEq(token.balanceOf(address(rewardPool)), 40 ether, "reward pool 40");
        assertEq(token.balanceOf(address(insurancePool)), 40 ether, "insurance pool 40");
        assertEq(token.balanceOf(requester), reqBefore - 100 ether + 260 ether, "requester 260");
        assertEq(token.balanceOf(address(market)), 300 ether, "only the three bidders' free bonds remain");
        assertEq(uint8(market.getProject(id).status), uint8(IProjectMarket.Status.Completed));
        (address holder,) = nodes.lockOf(1);
        assertEq(holder, address(0), "node freed");
        assertEq(reputation.statsOf(id1).finished, 1);
    }

    function test_requesterStakeAndSidecarProjects_followTheLifecycle() public {
        (uint256 id, uint256 nodeId) = _running();
        address sidecar = nodes.getNode(nodeId).sidecar;
        assertEq(market.requesterStakeOf(requester), FP, "FP counts as Requester stake while running");
        assertEq(rewardPool.requesterStake(requester), FP, "reported to the Reward Pool");
        assertEq(rewardPool.activeProjects(sidecar), 1, "sidecar marked busy");
        uint256 second = _seedAuction();
        uint256 node2 = _node(id1);
        vm.prank(p1);
        market.startProject(second, node2);
        assertEq(rewardPool.requesterStake(requester), 2 * FP);
        _submit(id, 300 ether);
        vm.prank(gov);
        market.confirmCompletion(id, 300 ether);
        assertEq(rewardPool.requesterStake(requester), FP, "completed project leaves the stake");
        assertEq(rewardPool.activeProjects(sidecar), 0, "sidecar's project ended");
        vm.prank(gov);
        market.failProject(second, 0);
        assertEq(rewardPool.requesterStake(requester), 0, "failed project leaves the stake");
        assertEq(market.requesterStakeOf(requester), 0);
        assertEq(rewardPool.activeProjects(nodes.getNode(node2).sidecar), 0);
    }

    function test_failUnstarted_touchesNoStake() public {
        uint256 id = _seedAuction();
        vm.warp(market.getProject(id).startDeadline + 1);
        market.failUnstarted(id);
        assertEq(rewardPool.requesterStake(requester), 0);
    }

    function test_startProject_runs() public {
        (uint256 id, uint256 nodeId) = _running();
        IProjectMarket.ProjectView memory v = market.getProject(id);
        assertEq(uint8(v.status), uint8(IProjectMarket.Status.Running));
        assertEq(v.nodeId, nodeId);
        assertEq(v.startedAt, block.timestamp);
        (address holder, uint256 assignment) = nodes.lockOf(nodeId);
        assertEq(holder, address(market));
        assertEq(assignment, id, "the node is paired with the project");
    }

    function test_RevertWhen_startByNonWinner() public {
        uint256 id = _seedAuction();
        uint256 nodeId = _node(id2);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketNotAllowed.selector, id, p2));
        vm.prank(p2);
        market.startProject(id, nodeId);
    }

    function test_RevertWhen_startAfterDeadline() public {
        uint256 id = _seedAuction();
        uint256 nodeId = _node(id1);
        uint256 deadline = market.getProject(id).startDeadline;
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketDeadline.selector, id, deadline + 1, deadline)
        );
        vm.prank(p1);
        market.startProject(id, nodeId);
    }

    function test_RevertWhen_startOnOthersOrInactiveOrBusyNode() public {
        uint256 id = _seedAuction();
        uint256 other = _node(id2);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketBadNode.selector, id, other));
        vm.prank(p1);
        market.startProject(id, other);
        uint256 stopped = nodes.add(id1, makeAddr("sc-stopped"), NodeStatus.Installing);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketBadNode.selector, id, stopped));
        vm.prank(p1);
        market.startProject(id, stopped);
        // a node already serving a project
        uint256 good = _node(id1);
        vm.prank(p1);
        market.startProject(id, good);
        uint256 id2nd = _seedAuction();
        vm.expectRevert(bytes("locked")); // the NodeRegistry's lock refuses it (MarketStatusGuards: the real one)
        vm.prank(p1);
        market.startProject(id2nd, good);
    }

    function test_failUnstarted_slashesPenaltyAndRefunds() public {
        uint256 reqBefore = token.balanceOf(requester);
        uint256 id = _seedAuction();
        vm.warp(market.getProject(id).startDeadline + 1);
        vm.expectEmit(address(market));
        emit IProjectMarket.ProjectFailed(id, id1, FP, 10 ether, 10 ether, 0);
        market.failUnstarted(id); // anyone
        assertEq(token.balanceOf(requester), reqBefore + 10 ether, "FP back plus 10% of FP from collateral");
        assertEq(registry.getProvider(id1).collateral, 10_000 ether - 10 ether);
        assertEq(reputation.statsOf(id1).failures, 1);
        assertLt(reputation.scoreOf(id1), reputation.scoreOf(id2), "failure lowers the score");
    }

    function test_RevertWhen_failUnstartedBeforeDeadline() public {
        uint256 id = _seedAuction();
        uint256 deadline = market.getProject(id).startDeadline;
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketDeadline.selector, id, block.timestamp, deadline)
        );
        market.failUnstarted(id);
    }

    function test_failProject_collateralThenInsurance() public {
        token.transfer(address(insurancePool), 50_000 ether);
        (uint256 id,) = _running();
        _submit(id, 5 ether); // escrowed profit goes back to the provider on failure
        uint256 reqBefore = token.balanceOf(requester);
        uint256 p1Before = token.balanceOf(p1);
        vm.prank(gov);
        market.failProject(id, 150 ether);
        assertEq(token.balanceOf(requester), reqBefore + FP + 150 ether, "FP + full loss");
        assertEq(registry.getProvider(id1).collateral, 10_000 ether - FP, "the reservation (FP) pays first");
        assertEq(registry.reservedOf(id1), 0, "nothing stays reserved");
        assertEq(insurancePool.compensatedMzku(), 50 ether, "insurance pays the rest");
        assertEq(token.balanceOf(p1), p1Before + 5 ether, "escrowed X returned");
        assertEq(uint8(market.getProject(id).status), uint8(IProjectMarket.Status.Failed));
    }

    function test_RevertWhen_failProjectLossAboveCap() public {
        (uint256 id,) = _running();
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketLossAboveCap.selector, id, 2 * FP + 1, 2 * FP)
        );
        vm.prank(gov);
        market.failProject(id, 2 * FP + 1);
    }

    function test_failProject_smallLossReleasesTheRestOfTheReservation() public {
        (uint256 id,) = _running();
        vm.prank(gov);
        market.failProject(id, 30 ether);
        assertEq(registry.getProvider(id1).collateral, 10_000 ether - 30 ether);
        assertEq(registry.reservedOf(id1), 0);
        assertEq(insurancePool.compensatedMzku(), 0, "the reservation covered it");
    }

    function test_completion_releasesReservationAndNode() public {
        (uint256 id, uint256 nodeId) = _running();
        assertEq(registry.reservedOf(id1), FP);
        (address holder,) = nodes.lockOf(nodeId);
        assertEq(holder, address(market), "the node cannot stop while the project runs");
        _submit(id, 5 ether);
        vm.prank(gov);
        market.confirmCompletion(id, 5 ether);
        assertEq(registry.reservedOf(id1), 0);
        (holder,) = nodes.lockOf(nodeId);
        assertEq(holder, address(0));
    }

    function test_failProject_belowThresholdDisqualifies() public {
        registry.setDisqualifyBelow(3900);
        (uint256 id,) = _running();
        vm.prank(gov);
        market.failProject(id, 1 ether);
        assertFalse(registry.isEligible(id1), "disqualified by reportScore");
    }

    function test_rejectCompletion_refundsAndAllowsResubmit() public {
        (uint256 id,) = _running();
        _submit(id, 300 ether);
        uint256 before = token.balanceOf(p1);
        vm.prank(gov);
        market.rejectCompletion(id);
        assertEq(token.balanceOf(p1), before + 300 ether);
        vm.prank(p1);
        market.submitCompletion(id, 250 ether);
        vm.prank(gov);
        market.confirmCompletion(id, 250 ether);
        assertEq(uint8(market.getProject(id).status), uint8(IProjectMarket.Status.Completed));
    }

    function test_RevertWhen_completionTooEarly() public {
        (uint256 id,) = _running();
        uint256 end = block.timestamp + DAY;
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketNotFinished.selector, id, block.timestamp, end)
        );
        vm.prank(p1);
        market.submitCompletion(id, 1);
    }

    function test_RevertWhen_completionTwiceOrNonePending() public {
        (uint256 id,) = _running();
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketCompletion.selector, id, false));
        vm.prank(gov);
        market.confirmCompletion(id, 0);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketCompletion.selector, id, false));
        vm.prank(gov);
        market.rejectCompletion(id);
        _submit(id, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketCompletion.selector, id, true));
        vm.prank(p1);
        market.submitCompletion(id, 1 ether);
    }

    function test_RevertWhen_profitMismatch() public {
        (uint256 id,) = _running();
        _submit(id, 300 ether);
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketProfitMismatch.selector, id, 300 ether, 301 ether)
        );
        vm.prank(gov);
        market.confirmCompletion(id, 301 ether);
    }

    function test_RevertWhen_profitDoesNotFit128Bits() public {
        (uint256 id,) = _running();
        vm.warp(block.timestamp + DAY);
        uint256 big = uint256(type(uint128).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketBadAmount.selector, big, type(uint128).max));
        vm.prank(p1);
        market.submitCompletion(id, big);
    }

    function test_RevertWhen_requesterWithdrawsAfterStart() public {
        (uint256 id,) = _running();
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketWrongStatus.selector, id, IProjectMarket.Status.Running)
        );
        vm.prank(requester);
        market.cancel(id);
    }

    function test_RevertWhen_failProjectWrongStatus() public {
        uint256 id = _open();
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketWrongStatus.selector, id, IProjectMarket.Status.Bidding)
        );
        vm.prank(gov);
        market.failProject(id, 0);
    }

    // ---- access control: every privileged function ----

    function test_RevertWhen_nonGovernanceConfirmsRejectsOrFails() public {
        (uint256 id,) = _running();
        _submit(id, 1 ether);
        vm.startPrank(p1);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, p1));
        market.confirmCompletion(id, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, p1));
        market.rejectCompletion(id);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, p1));
        market.failProject(id, 0);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, p1));
        market.setAuthorizedCaller(p1, true);
        vm.stopPrank();
    }

    function test_RevertWhen_nonWinnerSubmits() public {
        (uint256 id,) = _running();
        vm.warp(block.timestamp + DAY);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketNotAllowed.selector, id, requester));
        vm.prank(requester);
        market.submitCompletion(id, 0);
    }

    // ---- reentrancy through hostile pools ----

    function test_confirmCompletion_hostileRewardPoolCannotReenter() public {
        MarketHostilePool hostile = new MarketHostilePool(token);
        ProjectMarket m2 = new ProjectMarket(
            gov,
            noCallers,
            address(token),
            address(policy),
            address(registry),
            address(nodes),
            address(reputation),
            address(hostile),
            address(insurancePool)
        );
        vm.prank(gov);
        reputation.setAuthorizedCaller(address(m2), true);
        registry.setAuthorized(address(m2), true);
        vm.prank(requester);
        token.approve(address(m2), type(uint256).max);
        vm.prank(requester);
        uint256 id = m2.openProject(_res(), DAY, T, FP);
        vm.startPrank(p1);
        token.approve(address(m2), type(uint256).max);
        m2.depositBond(BOND);
        m2.commit(id, m2.commitmentOf(60 ether, _salt(p1), p1, id));
        vm.roll(m2.getProject(id).commitEndBlock);
        m2.reveal(id, 0, 60 ether, _salt(p1));
        vm.roll(m2.getProject(id).revealEndBlock);
        m2.settle(id);
        m2.startProject(id, _node(id1));
        vm.warp(block.timestamp + DAY);
        m2.submitCompletion(id, 300 ether);
        vm.stopPrank();
        // the pool tries to fail the project (as if it were governance it can't) and to cancel/settle again
        hostile.arm(address(m2), abi.encodeCall(ProjectMarket.settle, (id)));
        vm.prank(gov);
        m2.confirmCompletion(id, 300 ether);
        assertFalse(hostile.reentered(), "re-entry blocked");
        assertEq(
            bytes4(hostile.revertData()), bytes4(keccak256("ReentrancyGuardReentrantCall()")), "by the reentrancy guard"
        );
        assertEq(token.balanceOf(address(hostile)), 40 ether);
        assertEq(token.balanceOf(address(m2)), BOND, "only the free bond remains");
    }

    function test_settle_hostileInsurancePoolCannotReenter() public {
        MarketHostilePool hostile = new MarketHostilePool(token);
        ProjectMarket m2 = new ProjectMarket(
            gov,
            noCallers,
            address(token),
            address(policy),
            address(registry),
            address(nodes),
            address(reputation),
            address(rewardPool),
            address(hostile)
        );
        vm.prank(gov);
        reputation.setAuthorizedCaller(address(m2), true);
        vm.prank(requester);
        token.approve(address(m2), type(uint256).max);
        vm.prank(requester);
        uint256 id = m2.openProject(_res(), DAY, T, FP);
        vm.startPrank(p1);
        token.approve(address(m2), type(uint256).max);
        m2.depositBond(BOND);
        m2.commit(id, m2.commitmentOf(60 ether, _salt(p1), p1, id)); // never revealed: bond forfeited
        vm.stopPrank();
        vm.roll(m2.getProject(id).revealEndBlock);
        hostile.arm(address(m2), abi.encodeCall(ProjectMarket.settle, (id)));
        m2.settle(id);
        assertFalse(hostile.reentered());
        assertEq(token.balanceOf(address(hostile)), BOND, "forfeited bond in the insurance pool");
        assertEq(uint8(m2.getProject(id).status), uint8(IProjectMarket.Status.NoWinner));
    }
}
