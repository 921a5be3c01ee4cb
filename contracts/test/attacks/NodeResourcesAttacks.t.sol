// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProviderRegistry} from "../../src/interfaces/IProviderRegistry.sol";
import {NodeStatus, Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {ProviderRegistryFixture} from "../unit/ProviderRegistryFixture.sol";

/// @notice `NodeRegistry.setNodeResources`: a node's capacity reported by its provider or its sidecar,
///         bounded by the provider's declared capacity and, while the node serves a project, by its
///         current resources. The provider's booked usage must always equal the sum over its open nodes.
contract NodeResourcesAttacksTest is ProviderRegistryFixture {
    uint256 internal pid;
    uint256 internal nodeId;

    function setUp() public override {
        super.setUp();
        pid = _eligible(alice);
        nodeId = _register(alice, sidecar1);
    }

    function _res(uint32 cpu, uint32 ram, uint32 storage_, uint32 bw) internal pure returns (Resources memory) {
        return Resources({cpuCores: cpu, ramGb: ram, storageGb: storage_, bandwidthMbps: bw});
    }

    function _assertUsed(Resources memory want, uint32 activeNodes) internal view {
        IProviderRegistry.Provider memory p = reg.getProvider(pid);
        assertEq(p.used.cpuCores, want.cpuCores, "used cpu");
        assertEq(p.used.ramGb, want.ramGb, "used ram");
        assertEq(p.used.storageGb, want.storageGb, "used storage");
        assertEq(p.used.bandwidthMbps, want.bandwidthMbps, "used bandwidth");
        assertEq(p.activeNodes, activeNodes, "active nodes");
    }

    // ------------------------------------------------------------------ what works

    function test_sidecarReportsMeasuredCapacity() public {
        Resources memory measured = _res(8, 32, 1800, 25);
        vm.expectEmit(address(nodes));
        emit NodeRegistry.NodeResourcesSet(nodeId, sidecar1, measured);
        vm.prank(sidecar1);
        nodes.setNodeResources(nodeId, measured);
        Resources memory r = nodes.getNode(nodeId).resources;
        assertEq(r.cpuCores, 8);
        assertEq(r.ramGb, 32);
        assertEq(r.storageGb, 1800);
        assertEq(r.bandwidthMbps, 25);
        _assertUsed(measured, 1);
        // Stopping frees exactly what is booked now, not what was registered.
        vm.prank(alice);
        nodes.stopNode(nodeId);
        _assertUsed(_res(0, 0, 0, 0), 0);
    }

    function test_providerOwnerSetsCapacityOfAnActiveNode() public {
        vm.prank(alice);
        nodes.activateNode(nodeId);
        vm.prank(alice);
        nodes.setNodeResources(nodeId, _res(2, 8, 500, 10));
        _assertUsed(_res(2, 8, 500, 10), 1);
        assertEq(uint8(nodes.getNode(nodeId).status), uint8(NodeStatus.Active));
    }

    function test_lockedNodeMayGrow() public {
        vm.prank(market);
        nodes.lockNode(nodeId, 1);
        vm.prank(sidecar1);
        nodes.setNodeResources(nodeId, _res(4, 32, 2000, 25));
        _assertUsed(_res(4, 32, 2000, 25), 1);
    }

    // ------------------------------------------------------------------ attacks

    function test_RevertWhen_strangerOrOtherProviderOrOtherSidecar() public {
        _eligible(bob);
        uint256 bobNode = _register(bob, sidecar2);
        address[3] memory callers = [stranger, bob, sidecar2];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(NodeRegistry.NodeRegistryUnauthorizedNodeCaller.selector, nodeId, callers[i])
            );
            vm.prank(callers[i]);
            nodes.setNodeResources(nodeId, _res(1, 1, 1, 1));
        }
        // and alice's sidecar cannot touch bob's node
        vm.expectRevert(
            abi.encodeWithSelector(NodeRegistry.NodeRegistryUnauthorizedNodeCaller.selector, bobNode, sidecar1)
        );
        vm.prank(sidecar1);
        nodes.setNodeResources(bobNode, _res(1, 1, 1, 1));
    }

    function test_RevertWhen_exceedingTheProvidersDeclaredCapacity() public {
        _register(alice, sidecar2); // 4/16/2000/25 booked by the second node
        // 61 + 4 = 65 cores > the 64 declared
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryNoFreeCapacity.selector,
                pid,
                _res(61, 16, 2000, 25),
                _res(4, 16, 2000, 25),
                _cap(),
                uint32(1),
                uint32(10)
            )
        );
        vm.prank(sidecar1);
        nodes.setNodeResources(nodeId, _res(61, 16, 2000, 25));
        _assertUsed(_res(8, 32, 4000, 50), 2); // unchanged by the failed attempt
        vm.prank(sidecar1);
        nodes.setNodeResources(nodeId, _res(60, 16, 2000, 25)); // exactly full
        _assertUsed(_res(64, 32, 4000, 50), 2);
    }

    function test_RevertWhen_shrinkingBelowARunningAssignment() public {
        vm.prank(market);
        nodes.lockNode(nodeId, 1);
        Resources memory current = _nodeRes();
        Resources memory smaller = _res(8, 8, 4000, 25); // more cores, less RAM
        vm.expectRevert(
            abi.encodeWithSelector(NodeRegistry.NodeRegistryResourcesBelowAssignment.selector, nodeId, current, smaller)
        );
        vm.prank(sidecar1);
        nodes.setNodeResources(nodeId, smaller);
        // once the assignment ends, the node may shrink
        vm.prank(market);
        nodes.unlockNode(nodeId, false);
        vm.prank(sidecar1);
        nodes.setNodeResources(nodeId, smaller);
        _assertUsed(smaller, 1);
    }

    function test_RevertWhen_closedNode() public {
        vm.prank(alice);
        nodes.stopNode(nodeId);
        // a closed node holds nothing: releasing its resources again would corrupt the provider's usage
        vm.expectRevert(
            abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, nodeId, NodeStatus.Stopped)
        );
        vm.prank(sidecar1);
        nodes.setNodeResources(nodeId, _res(1, 1, 1, 1));
        uint256 other = _register(alice, sidecar2);
        vm.prank(market);
        nodes.failNode(other);
        vm.expectRevert(
            abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, other, NodeStatus.Failed)
        );
        vm.prank(sidecar2);
        nodes.setNodeResources(other, _res(1, 1, 1, 1));
        _assertUsed(_res(0, 0, 0, 0), 0);
    }

    function test_RevertWhen_zeroComponentOrUnchangedOrUnknownNode() public {
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryZeroResources.selector, 4, 16, 0, 25));
        vm.prank(sidecar1);
        nodes.setNodeResources(nodeId, _res(4, 16, 0, 25));
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryResourcesUnchanged.selector, nodeId));
        vm.prank(sidecar1);
        nodes.setNodeResources(nodeId, _nodeRes());
        vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryUnknownNode.selector, 99));
        vm.prank(sidecar1);
        nodes.setNodeResources(99, _res(1, 1, 1, 1));
    }

    function test_RevertWhen_providerDisqualified() public {
        _disqualify(pid);
        vm.expectRevert(_disqualifiedError(pid));
        vm.prank(sidecar1);
        nodes.setNodeResources(nodeId, _res(8, 16, 2000, 25));
        _assertUsed(_nodeRes(), 1);
    }

    /// Any sequence of reports keeps the provider's booked usage equal to the node's resources.
    function testFuzz_usageFollowsTheNode(uint32[4][4] memory steps) public {
        Resources memory current = _nodeRes();
        for (uint256 i = 0; i < steps.length; ++i) {
            Resources memory r = _res(
                uint32(bound(steps[i][0], 1, 70)),
                uint32(bound(steps[i][1], 1, 300)),
                uint32(bound(steps[i][2], 1, 21_000)),
                uint32(bound(steps[i][3], 1, 1100))
            );
            vm.prank(sidecar1);
            try nodes.setNodeResources(nodeId, r) {
                current = r;
            } catch {}
            _assertUsed(current, 1);
        }
        vm.prank(alice);
        nodes.stopNode(nodeId);
        _assertUsed(_res(0, 0, 0, 0), 0);
    }
}
