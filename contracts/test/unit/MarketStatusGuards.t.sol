// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {NodeStatus} from "../../src/interfaces/ProtocolTypes.sol";
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

    /// Governance failed the node itself first (it may: `NodeRegistry.failNode`); the project's failure
    /// then finds the node already failed and unlocked and leaves it so, and the requester is still made
    /// whole from the reservation.
    function test_failProject_afterGovernanceFailedTheNode() public {
        (uint256 id, uint256 nodeId) = _running();
        vm.prank(gov);
        nodes.failNode(nodeId);
        assertEq(nodes.lockedBy(nodeId), address(0), "failNode clears the lock");
        uint256 before = token.balanceOf(requester);
        vm.prank(gov);
        market.failProject(id, 50 ether);
        assertEq(uint256(market.getProject(id).status), uint256(IProjectMarket.Status.Failed));
        assertEq(uint256(nodes.getNode(nodeId).status), uint256(NodeStatus.Failed));
        assertEq(token.balanceOf(requester) - before, FP + 50 ether, "FP back and the loss from the reservation");
        assertEq(registry.reservedOf(pid), 0, "reservation released");
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
