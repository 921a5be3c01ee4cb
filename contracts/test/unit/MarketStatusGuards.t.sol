// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {NodeStatus, Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {MarketRealBase} from "../utils/MarketRealBase.sol";

/// @notice What a requester, a provider or governance sees when it acts on a project in the wrong state:
///         a `ProjectMarketWrongStatus` naming the project and its status, and nothing moves. Also a bond
///         deposit that would overflow the bond's 128 bits, and a failure declared after governance
///         already failed the node.
contract MarketStatusGuardsTest is MarketRealBase {
    address internal p;
    uint256 internal pid;

    function setUp() public override {
        super.setUp();
        (p, pid) = _provider("P", 1000 ether);
    }

    /// A project in Bidding: the provider cannot start it, nobody can fail it as unstarted, the provider
    /// cannot report completion and governance cannot confirm or reject one.
    function test_RevertWhen_lifecycleCallsOnBiddingProject() public {
        uint256 id = _open();
        uint256 nodeId = _node(p, "sc");
        uint256 held = token.balanceOf(address(market));
        _expectWrongStatus(id, IProjectMarket.Status.Bidding);
        vm.prank(p);
        market.startProject(id, nodeId);
        _expectWrongStatus(id, IProjectMarket.Status.Bidding);
        market.failUnstarted(id);
        _expectWrongStatus(id, IProjectMarket.Status.Bidding);
        vm.prank(p);
        market.submitCompletion(id, 1 ether);
        vm.startPrank(gov);
        _expectWrongStatus(id, IProjectMarket.Status.Bidding);
        market.confirmCompletion(id, 0);
        _expectWrongStatus(id, IProjectMarket.Status.Bidding);
        market.rejectCompletion(id);
        vm.stopPrank();
        assertEq(uint256(market.getProject(id).status), uint256(IProjectMarket.Status.Bidding), "unchanged");
        assertEq(token.balanceOf(address(market)), held, "nothing moved");
    }

    /// A running project is past `Assigned`: a second start or a late-start failure is refused.
    function test_RevertWhen_startOrFailUnstartedOnRunningProject() public {
        (uint256 id, uint256 nodeId) = _running();
        _expectWrongStatus(id, IProjectMarket.Status.Running);
        vm.prank(p);
        market.startProject(id, nodeId);
        vm.warp(block.timestamp + 2 days);
        _expectWrongStatus(id, IProjectMarket.Status.Running);
        market.failUnstarted(id);
        assertEq(uint256(market.getProject(id).status), uint256(IProjectMarket.Status.Running));
    }

    /// A failed project cannot be completed afterwards.
    function test_RevertWhen_completionCallsOnFailedProject() public {
        (uint256 id,) = _running();
        vm.prank(gov);
        market.failProject(id, 0);
        vm.warp(block.timestamp + DAY);
        _expectWrongStatus(id, IProjectMarket.Status.Failed);
        vm.prank(p);
        market.submitCompletion(id, 0);
        vm.startPrank(gov);
        _expectWrongStatus(id, IProjectMarket.Status.Failed);
        market.confirmCompletion(id, 0);
        _expectWrongStatus(id, IProjectMarket.Status.Failed);
        market.rejectCompletion(id);
        vm.stopPrank();
    }

    /// The node ↔ project pairing has one owner, the NodeRegistry's lock: a node that runs a project
    /// refuses a second one (the lock, not a market-side record, says so), also when the provider has
    /// won it and the node fits; once the first project ends the node takes the next.
    function test_RevertWhen_secondProjectOnABusyNode() public {
        // a provider with room for two nodes (the setUp one has bandwidth for one)
        address q = makeAddr("Q");
        token.transfer(q, 1_000_000 ether);
        vm.startPrank(q);
        uint256 qid = registry.applyAsProvider("Q", Resources(16, 64, 8000, 1000), 1000 ether, "ipfs://q");
        token.approve(address(registry), type(uint256).max);
        registry.depositCollateral(20_000 ether);
        token.approve(address(market), type(uint256).max);
        market.depositBond(100 ether);
        vm.stopPrank();
        vm.prank(gov);
        registry.qualify(qid);
        reputation.refresh(qid);
        uint256 first = _won(q);
        uint256 nodeId = _node(q, "q-sc");
        vm.prank(q);
        market.startProject(first, nodeId);
        (address holder, uint256 assignment) = nodes.lockOf(nodeId);
        assertEq(holder, address(market), "locked to the market");
        assertEq(assignment, first, "for the first project");

        uint256 second = _won(q);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNodeLocked.selector, nodeId, address(market)));
        vm.prank(q);
        market.startProject(second, nodeId);
        assertEq(uint256(market.getProject(second).status), uint256(IProjectMarket.Status.Assigned));
        (holder, assignment) = nodes.lockOf(nodeId);
        assertEq(assignment, first, "still the first project's");

        uint256 fresh = _node(q, "q-sc-fresh");
        // the first ends (failed by governance): the lock is released and the node, now failed, is refused
        vm.prank(gov);
        market.failProject(first, 0);
        (holder, assignment) = nodes.lockOf(nodeId);
        assertEq(holder, address(0), "released");
        assertEq(assignment, 0);
        vm.expectRevert(
            abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, nodeId, NodeStatus.Failed)
        );
        vm.prank(q);
        market.startProject(second, nodeId);
        // a free node takes it, and is paired with it
        vm.prank(q);
        market.startProject(second, fresh);
        (holder, assignment) = nodes.lockOf(fresh);
        assertEq(assignment, second);
    }

    function _won(address bidder) internal returns (uint256 id) {
        id = _open();
        uint256 i = _commit(id, bidder, 60 ether);
        _toReveal(id);
        _reveal(id, bidder, i, 60 ether);
        _toSettle(id);
        market.settle(id);
        assertEq(market.getProject(id).winner, bidder);
    }

    /// Governance failed the node itself first (it may: `NodeRegistry.failNode`); the node keeps its lock
    /// (the pairing with the project) until the market ends the project, which releases it, and the
    /// requester is still made whole from the reservation.
    function test_failProject_afterGovernanceFailedTheNode() public {
        (uint256 id, uint256 nodeId) = _running();
        vm.prank(gov);
        nodes.failNode(nodeId);
        (address holder, uint256 assignment) = nodes.lockOf(nodeId);
        assertEq(holder, address(market), "failNode keeps the pairing");
        assertEq(assignment, id);
        uint256 before = token.balanceOf(requester);
        vm.prank(gov);
        market.failProject(id, 50 ether);
        assertEq(uint256(market.getProject(id).status), uint256(IProjectMarket.Status.Failed));
        assertEq(uint256(nodes.getNode(nodeId).status), uint256(NodeStatus.Failed));
        assertEq(token.balanceOf(requester) - before, FP + 50 ether, "FP back and the loss from the reservation");
        assertEq(registry.reservedOf(pid), 0, "reservation released");
        (holder,) = nodes.lockOf(nodeId);
        assertEq(holder, address(0), "lock released with the project");
    }

    /// A downtime penalty finds the project through the node's lock even after governance failed the node.
    function test_failOnDowntime_afterGovernanceFailedTheNode() public {
        (uint256 id, uint256 nodeId) = _running();
        vm.prank(gov);
        nodes.failNode(nodeId);
        vm.prank(gov);
        assertEq(market.failOnDowntime(nodeId), id, "the lock pairs the node with its project");
        assertEq(uint256(market.getProject(id).status), uint256(IProjectMarket.Status.Failed));
        vm.prank(gov);
        assertEq(market.failOnDowntime(nodeId), 0, "no project any more");
    }

    /// A bond balance is 128 bits: a deposit that would pass it is refused with the room left.
    function test_RevertWhen_depositBondOverflows() public {
        address whale = makeAddr("whale");
        uint256 max = type(uint128).max;
        deal(address(token), whale, max + 1 ether);
        vm.startPrank(whale);
        token.approve(address(market), type(uint256).max);
        market.depositBond(max - 5);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketBadAmount.selector, 6, 5));
        market.depositBond(6);
        market.depositBond(5);
        vm.stopPrank();
        assertEq(market.bondBalanceOf(whale), max, "filled to the last wei, not past it");
    }

    function _expectWrongStatus(uint256 id, IProjectMarket.Status s) internal {
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketWrongStatus.selector, id, s));
    }

    /// A project won by `p` (the only bidder) and started on a fresh node.
    function _running() internal returns (uint256 id, uint256 nodeId) {
        id = _open();
        uint256 i = _commit(id, p, 60 ether);
        _toReveal(id);
        _reveal(id, p, i, 60 ether);
        _toSettle(id);
        market.settle(id);
        assertEq(uint256(market.getProject(id).status), uint256(IProjectMarket.Status.Assigned));
        nodeId = _node(p, "sc");
        vm.prank(p);
        market.startProject(id, nodeId);
    }
}
