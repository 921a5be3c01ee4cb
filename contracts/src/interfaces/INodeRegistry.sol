// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {NodeStatus, Resources} from "./ProtocolTypes.sol";

/// @title INodeRegistry
/// @notice MZKU nodes [3.1, 3.2]: one sidecar per node and one node per sidecar.
interface INodeRegistry {
    struct Node {
        uint256 providerId;
        address sidecar;
        NodeStatus status;
        uint64 startedAt;
        uint64 finishedAt;
        Resources resources;
        uint128 stakedEth; // filled by the micro-pool contracts
        uint128 stakedMzku; // filled by the market contracts
        uint128 collectedRewards; // filled by the pool contracts
    }

    /// @notice The node with id `nodeId`; reverts if unknown.
    function getNode(uint256 nodeId) external view returns (Node memory);

    /// @notice Node id run beside `sidecar` (0 if none; ids start at 1).
    function nodeIdOfSidecar(address sidecar) external view returns (uint256);

    /// @notice Number of nodes ever registered.
    function nodeCount() external view returns (uint256);

    /// @notice The protocol contract the node is locked to and the assignment it serves there (the
    ///         market: its project id); (0, 0) if the node is free.
    function lockOf(uint256 nodeId) external view returns (address holder, uint256 assignment);

    // ---- restricted to authorized protocol contracts (and governance) ----

    /// @notice Marks an open (installing or active) node Failed and frees its provider's capacity. A lock
    ///         on it stays until its holder releases it.
    function failNode(uint256 nodeId) external;

    /// @notice Locks an open node to the calling protocol contract for `assignment` (the market: a
    ///         project id): it cannot stop, nor be locked again, until unlocked. The node must be free.
    ///         Returns what the caller checks of the node (its provider, sidecar, status, resources),
    ///         so that locking is one call.
    function lockNode(uint256 nodeId, uint64 assignment)
        external
        returns (uint256 providerId, address sidecar, NodeStatus status, Resources memory resources);

    /// @notice Releases the caller's lock on the node; with `fail`, also marks it Failed if it is still
    ///         open (the assignment failed on it).
    function unlockNode(uint256 nodeId, bool fail) external;

    /// @notice Sets the ETH staked on the node (micro-pool contracts).
    function setStakedEth(uint256 nodeId, uint128 amount) external;

    /// @notice Sets the MZKU staked on the node (market contracts).
    function setStakedMzku(uint256 nodeId, uint128 amount) external;

    /// @notice Sets the rewards the node has collected (pool contracts).
    function setCollectedRewards(uint256 nodeId, uint128 amount) external;
}
