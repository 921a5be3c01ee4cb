// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {NodeStatus, Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {ProviderRegistryFixture} from "../unit/ProviderRegistryFixture.sol";

contract NodeRegistryFuzzTest is ProviderRegistryFixture {
    function testFuzz_registerNode(address sidecar, Resources memory r) public {
        vm.assume(sidecar != address(0));
        r.cpuCores = uint32(bound(r.cpuCores, 1, 64));
        r.ramGb = uint32(bound(r.ramGb, 1, 256));
        r.storageGb = uint32(bound(r.storageGb, 1, 20_000));
        r.bandwidthMbps = uint32(bound(r.bandwidthMbps, 1, 1000));
        uint256 pid = _eligible(alice);
        vm.prank(alice);
        uint256 nodeId = nodes.registerNode(sidecar, r);
        INodeRegistry.Node memory n = nodes.getNode(nodeId);
        assertEq(n.sidecar, sidecar);
        assertEq(n.providerId, pid);
        assertEq(n.resources.storageGb, r.storageGb);
        assertEq(nodes.nodeIdOfSidecar(sidecar), nodeId);
        assertEq(reg.getProvider(pid).used.ramGb, r.ramGb);
    }

    /// A random walk over one node's status; only the allowed transitions succeed.
    function testFuzz_statusMachine(uint256 seed) public {
        uint256 pid = _eligible(alice);
        address sidecar = makeAddr("sc");
        uint256 nodeId = _register(alice, sidecar);
        NodeStatus s = NodeStatus.Installing;
        for (uint256 step = 0; step < 6; ++step) {
            uint256 action = uint256(keccak256(abi.encode(seed, step))) % 3;
            bool open = s == NodeStatus.Installing || s == NodeStatus.Active;
            if (action == 0) {
                if (s != NodeStatus.Installing) {
                    vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, nodeId, s));
                }
                vm.prank(sidecar);
                nodes.activateNode(nodeId);
                if (s == NodeStatus.Installing) s = NodeStatus.Active;
            } else if (action == 1) {
                if (!open) {
                    vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, nodeId, s));
                }
                vm.prank(alice);
                nodes.stopNode(nodeId);
                if (open) s = NodeStatus.Stopped;
            } else {
                if (!open) {
                    vm.expectRevert(abi.encodeWithSelector(NodeRegistry.NodeRegistryInvalidStatus.selector, nodeId, s));
                }
                vm.prank(market);
                nodes.failNode(nodeId);
                if (open) s = NodeStatus.Failed;
            }
            assertEq(uint8(nodes.getNode(nodeId).status), uint8(s));
            bool nowOpen = s == NodeStatus.Installing || s == NodeStatus.Active;
            assertEq(reg.getProvider(pid).activeNodes, nowOpen ? 1 : 0);
        }
    }
}
