// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governed} from "../../src/governance/Governed.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IProviderRegistry} from "../../src/interfaces/IProviderRegistry.sol";
import {NodeStatus, Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {ProviderRegistryFixture} from "./ProviderRegistryFixture.sol";

contract NodeRegistryTest is ProviderRegistryFixture {
    // ------------------------------------------------------------------ construction

    function test_constructor_setsImmutables() public view {
        assertEq(nodes.governance(), gov);
        assertEq(address(nodes.providerRegistry()), address(reg));
        assertTrue(nodes.isAuthorizedCaller(market));
        assertEq(nodes.nodeCount(), 0);
    }

    function test_RevertWhen_constructorZeroProviderRegistry() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new NodeRegistry(gov, new address[](0), IProviderRegistry(address(0)));
    }

    // ------------------------------------------------------------------ register

    function test_registerNode_storesAndBooksCapacity() public {
        uint256 pid = _eligible(alice);
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeRegistered(1, pid, sidecar1, _nodeRes());
        uint256 nodeId = _register(alice, sidecar1);
        assertEq(nodeId, 1);
        assertEq(nodes.nodeCount(), 1);
        assertEq(nodes.nodeIdOfSidecar(sidecar1), 1);
        INodeRegistry.Node memory n = nodes.getNode(1);
        assertEq(n.providerId, pid);
        assertEq(n.sidecar, sidecar1);
        assertEq(uint8(n.status), uint8(NodeStatus.Installing));
        assertEq(n.startedAt, 0);
        assertEq(n.finishedAt, 0);
        assertEq(n.resources.cpuCores, 4);
        assertEq(n.resources.ramGb, 16);
        assertEq(n.resources.storageGb, 2000);
        assertEq(n.resources.bandwidthMbps, 25);
        assertEq(n.stakedEth, 0);
        assertEq(n.stakedMzku, 0);
        assertEq(n.collectedRewards, 0);
        IProviderRegistry.Provider memory p = reg.getProvider(pid);
        assertEq(p.activeNodes, 1);
        assertEq(p.used.cpuCores, 4);
        assertEq(nodes.nodeCountOfProvider(pid), 1);
        assertEq(nodes.nodesOfProvider(pid, 0, 10)[0], 1);
    }

    function test_registerNode_upToMaxNodes() public {
        uint256 pid = _eligible(alice);
        for (uint256 i = 0; i < 10; ++i) {
            _register(alice, address(uint160(0x1000 + i)));
        }
        assertEq(reg.getProvider(pid).activeNodes, 10);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryNoFreeCapacity.selector,
                pid,
                _nodeRes(),
                Resources(40, 160, 20_000, 250),
                _cap(),
                uint32(10),
                uint32(10)
            )
        );
        _register(alice, address(0x2000));
    }

    function test_RevertWhen_registerNodeProviderNotEligible() public {
        uint256 pid = _apply(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryNotEligible.selector, pid, false, uint64(0), 0, 10_000 ether
            )
        );
        _register(alice, sidecar1);
    }

    function test_RevertWhen_registerNodeProviderDisqualified() public {
        uint256 pid = _eligible(alice);
        _disqualify(pid);
        vm.expectRevert(_disqualifiedError(pid));
        _register(alice, sidecar1);
    }

    function test_RevertWhen_registerNodeNotProvider() public {
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNotProvider.selector, stranger));
        _register(stranger, sidecar1);
    }

    function test_RevertWhen_registerNodeZeroSidecar() public {
        _eligible(alice);
        vm.expectRevert(NodeRegistry.NodeRegistryZeroSidecar.selector);
        _register(alice, address(0));
    }

    function test_RevertWhen_registerNodeSidecarTaken() public {
        _eligible(alice);
        _eligible(bob);
        _register(alice, sidecar1);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistrySidecarTaken.selector, sidecar1, 1));
        _register(bob, sidecar1);
    }

    function test_RevertWhen_registerNodeSidecarOfClosedNode() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.prank(alice);
        nodes.stopNode(nodeId);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistrySidecarTaken.selector, sidecar1, nodeId));
        _register(alice, sidecar1);
    }

    function test_RevertWhen_registerNodeZeroResources() public {
        _eligible(alice);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryZeroResources.selector, 4, 16, 2000, 0));
        vm.prank(alice);
        nodes.registerNode(sidecar1, Resources(4, 16, 2000, 0));
    }

    // ------------------------------------------------------------------ lifecycle

    function test_activateNode_byProviderOwner() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.warp(1000);
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeActivated(nodeId, alice, 1000);
        vm.prank(alice);
        nodes.activateNode(nodeId);
        INodeRegistry.Node memory n = nodes.getNode(nodeId);
        assertEq(uint8(n.status), uint8(NodeStatus.Active));
        assertEq(n.startedAt, 1000);
    }

    function test_activateNode_bySidecar() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.prank(sidecar1);
        nodes.activateNode(nodeId);
        assertEq(uint8(nodes.getNode(nodeId).status), uint8(NodeStatus.Active));
    }

    function test_RevertWhen_activateNodeByOther() public {
        _eligible(alice);
        _eligible(bob);
        uint256 nodeId = _register(alice, sidecar1);
        _register(bob, sidecar2);
        address[3] memory callers = [bob, sidecar2, stranger];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(NodeRegistry.NodeRegistryUnauthorizedNodeCaller.selector, nodeId, callers[i])
            );
            vm.prank(callers[i]);
            nodes.activateNode(nodeId);
        }
    }

    function test_RevertWhen_activateNodeTwice() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.startPrank(alice);
        nodes.activateNode(nodeId);
        vm.expectRevert(
            abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, nodeId, NodeStatus.Active)
        );
        nodes.activateNode(nodeId);
        vm.stopPrank();
    }

    function test_stopNode_freesCapacity() public {
        uint256 pid = _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.prank(sidecar1);
        nodes.activateNode(nodeId);
        vm.warp(5000);
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeStopped(nodeId, 5000);
        vm.prank(alice);
        nodes.stopNode(nodeId);
        INodeRegistry.Node memory n = nodes.getNode(nodeId);
        assertEq(uint8(n.status), uint8(NodeStatus.Stopped));
        assertEq(n.finishedAt, 5000);
        IProviderRegistry.Provider memory p = reg.getProvider(pid);
        assertEq(p.activeNodes, 0);
        assertEq(p.used.cpuCores, 0);
    }

    function test_stopNode_whileInstalling() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.prank(alice);
        nodes.stopNode(nodeId);
        assertEq(uint8(nodes.getNode(nodeId).status), uint8(NodeStatus.Stopped));
        assertEq(nodes.getNode(nodeId).startedAt, 0, "never active");
    }

    function test_RevertWhen_stoppingALockedNode() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeLockSet(nodeId, market);
        vm.prank(market);
        (uint256 providerId, address sidecar, NodeStatus status, Resources memory r) = nodes.lockNode(nodeId, 7);
        assertEq(providerId, nodes.getNode(nodeId).providerId, "what the locker checks");
        assertEq(sidecar, sidecar1);
        assertEq(uint8(status), uint8(NodeStatus.Installing));
        assertEq(r.storageGb, nodes.getNode(nodeId).resources.storageGb);
        (address holder, uint256 assignment) = nodes.lockOf(nodeId);
        assertEq(holder, market);
        assertEq(assignment, 7);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNodeLocked.selector, nodeId, market));
        vm.prank(alice);
        nodes.stopNode(nodeId);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNodeLocked.selector, nodeId, market));
        vm.prank(market);
        nodes.lockNode(nodeId, 8);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNodeLocked.selector, nodeId, market));
        vm.prank(alice);
        nodes.unlockNode(nodeId, false);
        vm.prank(market);
        nodes.unlockNode(nodeId, false);
        (holder, assignment) = nodes.lockOf(nodeId);
        assertEq(holder, address(0));
        assertEq(assignment, 0);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNodeLocked.selector, nodeId, address(0)));
        vm.prank(market);
        nodes.unlockNode(nodeId, false);
        vm.prank(alice);
        nodes.stopNode(nodeId);
        assertEq(uint8(nodes.getNode(nodeId).status), uint8(NodeStatus.Stopped));
    }

    /// A free node's lock slot is never zero (written at registration, reset to the "free" marker on
    /// unlock): locking it again updates a set slot instead of paying for a new one.
    function test_lockSlot_neverClearedToZero() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.startPrank(market);
        nodes.lockNode(nodeId, 1);
        nodes.unlockNode(nodeId, false);
        vm.stopPrank();
        vm.record();
        vm.prank(market);
        nodes.lockNode(nodeId, 2);
        (, bytes32[] memory writes) = vm.accesses(address(nodes));
        assertEq(writes.length, 1, "one slot written");
        uint256 lock = uint256(vm.load(address(nodes), writes[0]));
        assertEq(lock >> 255, 1, "the marker bit");
        assertEq(address(uint160(lock)), market);
        vm.prank(market);
        nodes.unlockNode(nodeId, false);
        assertEq(uint256(vm.load(address(nodes), writes[0])), 1 << 255, "free, not zero");
    }

    function test_RevertWhen_lockByGovernanceOrStranger() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNotProtocol.selector, gov));
        vm.prank(gov);
        nodes.lockNode(nodeId, 1);
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryNotProtocol.selector, alice));
        vm.prank(alice);
        nodes.lockNode(nodeId, 1);
    }

    /// Failing a locked node keeps the lock (the holder still pairs it with its assignment) until the
    /// holder releases it; a failed node cannot be locked again.
    function test_failNode_keepsTheLockUntilReleased() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.prank(market);
        nodes.lockNode(nodeId, 3);
        vm.prank(gov);
        nodes.failNode(nodeId);
        (address holder, uint256 assignment) = nodes.lockOf(nodeId);
        assertEq(holder, market);
        assertEq(assignment, 3);
        vm.prank(market);
        nodes.unlockNode(nodeId, true); // already failed: only the lock goes
        (holder,) = nodes.lockOf(nodeId);
        assertEq(holder, address(0));
        vm.expectRevert(
            abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, nodeId, NodeStatus.Failed)
        );
        vm.prank(market);
        nodes.lockNode(nodeId, 4);
    }

    /// The holder releasing its lock with `fail` fails a still-open node and frees its capacity.
    function test_unlockNode_withFail_failsAnOpenNode() public {
        uint256 pid = _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.prank(market);
        nodes.lockNode(nodeId, 5);
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeLockSet(nodeId, address(0));
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeFailed(nodeId, market, uint64(block.timestamp));
        vm.prank(market);
        nodes.unlockNode(nodeId, true);
        assertEq(uint8(nodes.getNode(nodeId).status), uint8(NodeStatus.Failed));
        assertEq(reg.getProvider(pid).activeNodes, 0, "capacity freed");
    }

    function test_stopNode_ofUnqualifiedProvider() public {
        uint256 pid = _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.prank(gov);
        reg.unqualify(pid);
        vm.prank(alice);
        nodes.stopNode(nodeId);
        assertEq(reg.getProvider(pid).activeNodes, 0);
    }

    function test_RevertWhen_stopNodeBySidecarOrOther() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        address[3] memory callers = [sidecar1, stranger, market];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(NodeRegistry.NodeRegistryUnauthorizedNodeCaller.selector, nodeId, callers[i])
            );
            vm.prank(callers[i]);
            nodes.stopNode(nodeId);
        }
    }

    function test_RevertWhen_stopNodeTwice() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.startPrank(alice);
        nodes.stopNode(nodeId);
        vm.expectRevert(
            abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, nodeId, NodeStatus.Stopped)
        );
        nodes.stopNode(nodeId);
        vm.expectRevert(
            abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, nodeId, NodeStatus.Stopped)
        );
        nodes.activateNode(nodeId);
        vm.stopPrank();
    }

    function test_failNode_byMarket() public {
        uint256 pid = _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.prank(alice);
        nodes.activateNode(nodeId);
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeFailed(nodeId, market, uint64(block.timestamp));
        vm.prank(market);
        nodes.failNode(nodeId);
        assertEq(uint8(nodes.getNode(nodeId).status), uint8(NodeStatus.Failed));
        assertEq(reg.getProvider(pid).activeNodes, 0);
        vm.expectRevert(
            abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, nodeId, NodeStatus.Failed)
        );
        vm.prank(alice);
        nodes.stopNode(nodeId);
    }

    function test_RevertWhen_unknownNode() public {
        bytes memory err = abi.encodeWithSelector(NodeRegistry.NodeRegistryUnknownNode.selector, 9);
        vm.expectRevert(err);
        nodes.getNode(9);
        vm.expectRevert(err);
        nodes.activateNode(9);
        vm.expectRevert(err);
        nodes.stopNode(9);
        vm.expectRevert(err);
        vm.prank(market);
        nodes.failNode(9);
        vm.expectRevert(err);
        vm.prank(market);
        nodes.setStakedEth(9, 1);
    }

    // ------------------------------------------------------------------ stake fields

    function test_stakeFields_setByAuthorized() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.startPrank(market);
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeStakedEthSet(nodeId, 16 ether);
        nodes.setStakedEth(nodeId, 16 ether);
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeStakedMzkuSet(nodeId, 500 ether);
        nodes.setStakedMzku(nodeId, 500 ether);
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeCollectedRewardsSet(nodeId, 1 ether);
        nodes.setCollectedRewards(nodeId, 1 ether);
        vm.stopPrank();
        INodeRegistry.Node memory n = nodes.getNode(nodeId);
        assertEq(n.stakedEth, 16 ether);
        assertEq(n.stakedMzku, 500 ether);
        assertEq(n.collectedRewards, 1 ether);
    }

    // ------------------------------------------------------------------ listing

    function test_getNodes_andNodesOfProvider_page() public {
        uint256 a = _eligible(alice);
        uint256 b = _eligible(bob);
        _register(alice, address(0x101));
        _register(bob, address(0x102));
        _register(alice, address(0x103));
        INodeRegistry.Node[] memory page = nodes.getNodes(1, 10);
        assertEq(page.length, 2);
        assertEq(page[0].sidecar, address(0x102));
        assertEq(page[1].sidecar, address(0x103));
        assertEq(nodes.getNodes(3, 1).length, 0);
        uint256[] memory ids = nodes.nodesOfProvider(a, 0, 10);
        assertEq(ids.length, 2);
        assertEq(ids[0], 1);
        assertEq(ids[1], 3);
        ids = nodes.nodesOfProvider(a, 1, 1);
        assertEq(ids.length, 1);
        assertEq(ids[0], 3);
        assertEq(nodes.nodesOfProvider(b, 1, 10).length, 0);
        assertEq(nodes.nodeCountOfProvider(b), 1);
    }

    // ------------------------------------------------------------------ access control

    function test_RevertWhen_authorizedFunctionsCalledByOthers() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        address[3] memory callers = [stranger, alice, sidecar1];
        for (uint256 i = 0; i < callers.length; ++i) {
            address c = callers[i];
            bytes memory err = abi.encodeWithSelector(Governed.GovernedUnauthorizedCaller.selector, c);
            vm.startPrank(c);
            vm.expectRevert(err);
            nodes.failNode(nodeId);
            vm.expectRevert(err);
            nodes.setStakedEth(nodeId, 1);
            vm.expectRevert(err);
            nodes.setStakedMzku(nodeId, 1);
            vm.expectRevert(err);
            nodes.setCollectedRewards(nodeId, 1);
            vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, c));
            nodes.setAuthorizedCaller(c, true);
            vm.stopPrank();
        }
    }

    function test_governance_canFailNodeAndGrantCallers() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        address pools = makeAddr("pools");
        vm.startPrank(gov);
        nodes.setAuthorizedCaller(pools, true);
        nodes.failNode(nodeId);
        vm.stopPrank();
        vm.prank(pools);
        nodes.setCollectedRewards(nodeId, 7);
        assertEq(nodes.getNode(nodeId).collectedRewards, 7);
    }

    // ------------------------------------------------------------------ gas
    // Isolate mode: each snapshot is a whole transaction's gasUsed (see ProviderRegistry.t.sol).

    /// forge-config: default.isolate = true
    function test_gas_nodeLifecycle() public {
        _eligible(bob);
        _register(bob, sidecar2); // not the first node ever
        _eligible(alice);
        vm.prank(alice);
        uint256 nodeId = nodes.registerNode(sidecar1, _nodeRes());
        vm.snapshotGasLastCall("node", "registerNode");
        vm.prank(sidecar1);
        nodes.activateNode(nodeId);
        vm.snapshotGasLastCall("node", "activateNode");
        vm.prank(alice);
        nodes.stopNode(nodeId);
        vm.snapshotGasLastCall("node", "stopNode");
    }

    /// forge-config: default.isolate = true
    function test_gas_protocolCalls() public {
        _eligible(alice);
        uint256 nodeId = _register(alice, sidecar1);
        vm.prank(market);
        nodes.setStakedEth(nodeId, 16 ether);
        vm.snapshotGasLastCall("node", "setStakedEth");
        vm.prank(market);
        nodes.failNode(nodeId);
        vm.snapshotGasLastCall("node", "failNode");
    }
}
