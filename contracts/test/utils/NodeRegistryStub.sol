// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {NodeStatus, Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice Minimal INodeRegistry test double (until the real NodeRegistry lands on main): registers
///         sidecars with sequential node ids.
contract NodeRegistryStub is INodeRegistry {
    // INodeRegistry setters this stub does not exercise (the real NodeRegistry implements them).
    function failNode(uint256 nodeId) external {
        _nodes[nodeId].status = NodeStatus.Failed;
    }

    function setStakedEth(uint256, uint128) external {}

    function setStakedMzku(uint256, uint128) external {}

    function setCollectedRewards(uint256, uint128) external {}

    function lockNode(uint256 nodeId, uint64) external view returns (uint256, address, NodeStatus, Resources memory) {
        Node memory n = _nodes[nodeId];
        return (n.providerId, n.sidecar, n.status, n.resources);
    }

    function unlockNode(uint256, bool) external {}

    function lockOf(uint256) external pure returns (address, uint256) {
        return (address(0), 0);
    }

    error NodeRegistryStubUnknownNode(uint256 nodeId);

    mapping(uint256 nodeId => Node) private _nodes;
    mapping(address sidecar => uint256 nodeId) public nodeIdOfSidecar;
    uint256 public nodeCount;

    function register(address sidecar) external returns (uint256 id) {
        id = ++nodeCount;
        Node storage n = _nodes[id];
        n.providerId = 1;
        n.sidecar = sidecar;
        n.status = NodeStatus.Active;
        n.startedAt = uint64(block.timestamp);
        n.resources = Resources(4, 16, 500, 1000);
        nodeIdOfSidecar[sidecar] = id;
    }

    function getNode(uint256 nodeId) external view returns (Node memory) {
        if (nodeId == 0 || nodeId > nodeCount) revert NodeRegistryStubUnknownNode(nodeId);
        return _nodes[nodeId];
    }
}
