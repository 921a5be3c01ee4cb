// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governed} from "../governance/Governed.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {NodeStatus, Resources} from "../interfaces/ProtocolTypes.sol";

/// @title NodeRegistry
/// @notice MZKU nodes [3.1 MZKU Node and Sidecar, 3.2]: a provider registers a node with its resources
///         and the address of the sidecar beside it; the provider or the sidecar reports it active;
///         the provider stops it; authorized protocol contracts (the market) mark it failed. Every
///         open node (installing or active) holds its resources in the ProviderRegistry.
/// @dev Invariants an extension must keep: a sidecar address belongs to at most one node, forever
///      (`nodeIdOfSidecar(getNode(i).sidecar) == i`); a node is "open" exactly while Installing or
///      Active, and the ProviderRegistry's activeNodes/used of a provider equal the sum over its open
///      nodes. Status moves only Installing → Active → {Stopped, Failed} or Installing → {Stopped, Failed}.
contract NodeRegistry is INodeRegistry, Governed {
    // ------------------------------------------------------------------ errors

    /// @notice `caller` holds no provider in the ProviderRegistry.
    error NodeRegistryNotProvider(address caller);
    /// @notice The sidecar address is zero.
    error NodeRegistryZeroSidecar();
    /// @notice The sidecar already belongs to node `nodeId` (a sidecar address serves one node, forever).
    error NodeRegistrySidecarTaken(address sidecar, uint256 nodeId);
    /// @notice A resource component of the node is zero.
    error NodeRegistryZeroResources(uint32 cpuCores, uint32 ramGb, uint32 storageGb, uint32 bandwidthMbps);
    /// @notice No node has id `nodeId`.
    error NodeRegistryUnknownNode(uint256 nodeId);
    /// @notice `caller` may not change node `nodeId` (not its provider's owner, nor its sidecar where allowed).
    error NodeRegistryUnauthorizedNodeCaller(uint256 nodeId, address caller);
    /// @notice The node's status does not allow this transition.
    error NodeRegistryInvalidStatus(uint256 nodeId, NodeStatus status);
    /// @notice The node serves an assignment (a market project): it cannot stop until the assignment ends.
    error NodeRegistryNodeLocked(uint256 nodeId, address lockedBy);
    /// @notice Only protocol contracts (authorized callers, not governance itself) lock and unlock nodes.
    error NodeRegistryNotProtocol(address caller);
    /// @notice `setNodeResources` with the node's current resources: nothing to report.
    error NodeRegistryResourcesUnchanged(uint256 nodeId);
    /// @notice The node serves an assignment (`lockedBy`), which was matched against its current
    ///         resources: while it runs, a component may grow but not shrink.
    error NodeRegistryResourcesBelowAssignment(uint256 nodeId, Resources current, Resources requested);

    // ------------------------------------------------------------------ events

    /// @notice Provider `providerId` registered node `nodeId` beside `sidecar`; it is Installing.
    event NodeRegistered(
        uint256 indexed nodeId, uint256 indexed providerId, address indexed sidecar, Resources resources
    );
    /// @notice The node is Active since `startedAt`; `by` is the provider owner or the sidecar.
    event NodeActivated(uint256 indexed nodeId, address indexed by, uint64 startedAt);
    /// @notice The provider stopped the node at `finishedAt`; its resources are freed.
    event NodeStopped(uint256 indexed nodeId, uint64 finishedAt);
    /// @notice An authorized contract marked the node failed at `finishedAt`; its resources are freed.
    event NodeFailed(uint256 indexed nodeId, address indexed by, uint64 finishedAt);
    /// @notice ETH staked on the node set (micro-pool contracts).
    event NodeStakedEthSet(uint256 indexed nodeId, uint128 amount);
    /// @notice MZKU staked on the node set (market contracts).
    event NodeStakedMzkuSet(uint256 indexed nodeId, uint128 amount);
    /// @notice Rewards collected by the node set (pool contracts).
    event NodeCollectedRewardsSet(uint256 indexed nodeId, uint128 amount);
    /// @notice A protocol contract locked the node to an assignment (`by`) or released it (`by` = 0).
    event NodeLockSet(uint256 indexed nodeId, address indexed by);
    /// @notice The node's resources (its capacity) are now `resources`; `by` is the provider owner or
    ///         the sidecar (which reports what it measured).
    event NodeResourcesSet(uint256 indexed nodeId, address indexed by, Resources resources);

    // ------------------------------------------------------------------ storage

    struct NodeState {
        // slot 0
        address sidecar;
        NodeStatus status;
        uint32 providerId;
        uint48 startedAt;
        // slot 1
        uint32 cpuCores;
        uint32 ramGb;
        uint32 storageGb;
        uint32 bandwidthMbps;
        uint48 finishedAt;
        // slot 2
        uint128 stakedEth;
        uint128 stakedMzku;
        // slot 3
        uint128 collectedRewards;
    }

    /// @notice The ProviderRegistry (precomputed address; it references this contract too).
    IProviderRegistry public immutable providerRegistry;

    mapping(uint256 nodeId => NodeState) private _nodes;
    mapping(address sidecar => uint256 nodeId) private _nodeOfSidecar;
    mapping(uint256 providerId => uint256[] nodeIds) private _providerNodes;
    uint256 private _nodeCount;
    /// @dev The node's lock: `LOCK_SLOT_USED | assignment << 160 | holder`. Written at registration and
    ///      never cleared to zero (a free node holds `LOCK_SLOT_USED`), so a lock costs an update of a
    ///      set slot (5,000 gas cold), not a new slot (22,100), at every start.
    mapping(uint256 nodeId => uint256 lock) private _locks;

    uint256 private constant LOCK_SLOT_USED = 1 << 255;

    // ------------------------------------------------------------------ constructor

    /// @param governance_ The Governance contract.
    /// @param authorizedCallers Protocol contracts allowed to fail nodes and fill the stake fields.
    /// @param providerRegistry_ The ProviderRegistry.
    constructor(address governance_, address[] memory authorizedCallers, IProviderRegistry providerRegistry_)
        Governed(governance_, authorizedCallers)
    {
        if (address(providerRegistry_) == address(0)) revert GovernedZeroAddress();
        providerRegistry = providerRegistry_;
    }

    // ------------------------------------------------------------------ provider and sidecar

    /// @notice Registers a node of the caller's provider beside `sidecar`. The provider must be eligible
    ///         and have room for `resources` (checked and booked by the ProviderRegistry).
    /// @return nodeId The new id (ids start at 1).
    function registerNode(address sidecar, Resources calldata resources) external returns (uint256 nodeId) {
        uint256 providerId = providerRegistry.providerIdOf(msg.sender);
        if (providerId == 0) revert NodeRegistryNotProvider(msg.sender);
        if (sidecar == address(0)) revert NodeRegistryZeroSidecar();
        uint256 taken = _nodeOfSidecar[sidecar];
        if (taken != 0) revert NodeRegistrySidecarTaken(sidecar, taken);
        if (resources.cpuCores == 0 || resources.ramGb == 0 || resources.storageGb == 0 || resources.bandwidthMbps == 0)
        {
            revert NodeRegistryZeroResources(
                resources.cpuCores, resources.ramGb, resources.storageGb, resources.bandwidthMbps
            );
        }

        nodeId = _nodeCount + 1;
        _nodeCount = nodeId;
        NodeState storage n = _nodes[nodeId];
        n.sidecar = sidecar;
        n.status = NodeStatus.Installing;
        // Cast: provider ids are uint32 in the ProviderRegistry.
        // forge-lint: disable-next-line(unsafe-typecast)
        n.providerId = uint32(providerId);
        n.cpuCores = resources.cpuCores;
        n.ramGb = resources.ramGb;
        n.storageGb = resources.storageGb;
        n.bandwidthMbps = resources.bandwidthMbps;
        _nodeOfSidecar[sidecar] = nodeId;
        _locks[nodeId] = LOCK_SLOT_USED;
        _providerNodes[providerId].push(nodeId);
        emit NodeRegistered(nodeId, providerId, sidecar, resources);
        // Reverts (whole registration) unless the provider is eligible and the node fits.
        providerRegistry.onNodeOpened(providerId, resources);
    }

    /// @notice Marks an installing node Active; by the provider's owner or the node's sidecar.
    function activateNode(uint256 nodeId) external {
        NodeState storage n = _nodeOf(nodeId);
        if (msg.sender != n.sidecar && !_isProviderOwner(n, msg.sender)) {
            revert NodeRegistryUnauthorizedNodeCaller(nodeId, msg.sender);
        }
        if (n.status != NodeStatus.Installing) revert NodeRegistryInvalidStatus(nodeId, n.status);
        n.status = NodeStatus.Active;
        n.startedAt = uint48(block.timestamp);
        emit NodeActivated(nodeId, msg.sender, uint64(block.timestamp));
    }

    /// @notice Stops an open node (installing or active) that serves no assignment; by the provider's
    ///         owner. Frees its resources.
    function stopNode(uint256 nodeId) external {
        NodeState storage n = _nodeOf(nodeId);
        if (!_isProviderOwner(n, msg.sender)) revert NodeRegistryUnauthorizedNodeCaller(nodeId, msg.sender);
        address holder = address(uint160(_locks[nodeId]));
        if (holder != address(0)) revert NodeRegistryNodeLocked(nodeId, holder);
        _close(nodeId, n, NodeStatus.Stopped);
        emit NodeStopped(nodeId, uint64(block.timestamp));
        providerRegistry.onNodeClosed(n.providerId, _resources(n));
    }

    /// @notice Reports the node's capacity (what it can serve); by the provider's owner or the node's
    ///         sidecar, while the node is open (Installing or Active). Bounds: every component non-zero;
    ///         the provider's open nodes together stay within its declared capacity (the ProviderRegistry
    ///         releases the old resources and books the new ones, which needs an eligible provider, as a
    ///         registration does); while the node serves an assignment no component may shrink (the
    ///         project was matched against them). Reverts when nothing changes.
    function setNodeResources(uint256 nodeId, Resources calldata resources) external {
        NodeState storage n = _nodeOf(nodeId);
        if (msg.sender != n.sidecar && !_isProviderOwner(n, msg.sender)) {
            revert NodeRegistryUnauthorizedNodeCaller(nodeId, msg.sender);
        }
        if (n.status != NodeStatus.Installing && n.status != NodeStatus.Active) {
            revert NodeRegistryInvalidStatus(nodeId, n.status);
        }
        if (resources.cpuCores == 0 || resources.ramGb == 0 || resources.storageGb == 0 || resources.bandwidthMbps == 0)
        {
            revert NodeRegistryZeroResources(
                resources.cpuCores, resources.ramGb, resources.storageGb, resources.bandwidthMbps
            );
        }
        Resources memory current = _resources(n);
        if (
            resources.cpuCores == current.cpuCores && resources.ramGb == current.ramGb
                && resources.storageGb == current.storageGb && resources.bandwidthMbps == current.bandwidthMbps
        ) revert NodeRegistryResourcesUnchanged(nodeId);
        if (
            address(uint160(_locks[nodeId])) != address(0)
                && (resources.cpuCores < current.cpuCores
                    || resources.ramGb < current.ramGb
                    || resources.storageGb < current.storageGb
                    || resources.bandwidthMbps < current.bandwidthMbps)
        ) revert NodeRegistryResourcesBelowAssignment(nodeId, current, resources);
        n.cpuCores = resources.cpuCores;
        n.ramGb = resources.ramGb;
        n.storageGb = resources.storageGb;
        n.bandwidthMbps = resources.bandwidthMbps;
        emit NodeResourcesSet(nodeId, msg.sender, resources);
        uint256 providerId = n.providerId;
        providerRegistry.onNodeClosed(providerId, current);
        // Reverts (whole update) unless the provider is eligible and the new resources fit.
        providerRegistry.onNodeOpened(providerId, resources);
    }

    // ------------------------------------------------------------------ protocol contracts

    /// @inheritdoc INodeRegistry
    /// @dev Authorized protocol contracts (market) and governance. A lock stays: its holder releases it
    ///      when the assignment ends (the market pairs the failed node with its project until then).
    function failNode(uint256 nodeId) external onlyAuthorized {
        _fail(nodeId, _nodeOf(nodeId));
    }

    /// @inheritdoc INodeRegistry
    /// @dev Protocol contracts only. The node must be open and not locked.
    function lockNode(uint256 nodeId, uint64 assignment)
        external
        returns (uint256 providerId, address sidecar, NodeStatus status, Resources memory resources)
    {
        if (msg.sender == governance || !isAuthorizedCaller(msg.sender)) {
            revert NodeRegistryNotProtocol(msg.sender);
        }
        NodeState storage n = _nodeOf(nodeId);
        status = n.status;
        if (status != NodeStatus.Installing && status != NodeStatus.Active) {
            revert NodeRegistryInvalidStatus(nodeId, status);
        }
        address holder = address(uint160(_locks[nodeId]));
        if (holder != address(0)) revert NodeRegistryNodeLocked(nodeId, holder);
        _locks[nodeId] = LOCK_SLOT_USED | (uint256(assignment) << 160) | uint160(msg.sender);
        emit NodeLockSet(nodeId, msg.sender);
        return (n.providerId, n.sidecar, status, _resources(n));
    }

    /// @inheritdoc INodeRegistry
    /// @dev Only the contract that locked the node.
    function unlockNode(uint256 nodeId, bool fail) external {
        address holder = address(uint160(_locks[nodeId]));
        if (holder != msg.sender) revert NodeRegistryNodeLocked(nodeId, holder);
        _locks[nodeId] = LOCK_SLOT_USED;
        emit NodeLockSet(nodeId, address(0));
        if (fail) {
            NodeState storage n = _nodes[nodeId];
            NodeStatus status = n.status;
            if (status == NodeStatus.Installing || status == NodeStatus.Active) _fail(nodeId, n);
        }
    }

    /// @inheritdoc INodeRegistry
    function setStakedEth(uint256 nodeId, uint128 amount) external onlyAuthorized {
        _nodeOf(nodeId).stakedEth = amount;
        emit NodeStakedEthSet(nodeId, amount);
    }

    /// @inheritdoc INodeRegistry
    function setStakedMzku(uint256 nodeId, uint128 amount) external onlyAuthorized {
        _nodeOf(nodeId).stakedMzku = amount;
        emit NodeStakedMzkuSet(nodeId, amount);
    }

    /// @inheritdoc INodeRegistry
    function setCollectedRewards(uint256 nodeId, uint128 amount) external onlyAuthorized {
        _nodeOf(nodeId).collectedRewards = amount;
        emit NodeCollectedRewardsSet(nodeId, amount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc INodeRegistry
    function getNode(uint256 nodeId) public view returns (Node memory) {
        NodeState storage n = _nodeOf(nodeId);
        return Node({
            providerId: n.providerId,
            sidecar: n.sidecar,
            status: n.status,
            startedAt: n.startedAt,
            finishedAt: n.finishedAt,
            resources: _resources(n),
            stakedEth: n.stakedEth,
            stakedMzku: n.stakedMzku,
            collectedRewards: n.collectedRewards
        });
    }

    /// @notice Nodes with ids offset+1 .. offset+limit (fewer at the end).
    function getNodes(uint256 offset, uint256 limit) external view returns (Node[] memory nodes) {
        uint256 count = _nodeCount;
        uint256 len = offset >= count ? 0 : _min(limit, count - offset);
        nodes = new Node[](len);
        for (uint256 i = 0; i < len; ++i) {
            nodes[i] = getNode(offset + i + 1);
        }
    }

    /// @notice Ids of the provider's nodes (every status), in registration order, positions offset ..
    ///         offset+limit-1.
    function nodesOfProvider(uint256 providerId, uint256 offset, uint256 limit)
        external
        view
        returns (uint256[] memory ids)
    {
        uint256[] storage all = _providerNodes[providerId];
        uint256 count = all.length;
        uint256 len = offset >= count ? 0 : _min(limit, count - offset);
        ids = new uint256[](len);
        for (uint256 i = 0; i < len; ++i) {
            ids[i] = all[offset + i];
        }
    }

    /// @notice Number of nodes the provider ever registered.
    function nodeCountOfProvider(uint256 providerId) external view returns (uint256) {
        return _providerNodes[providerId].length;
    }

    /// @inheritdoc INodeRegistry
    function lockOf(uint256 nodeId) external view returns (address holder, uint256 assignment) {
        uint256 lock = _locks[nodeId];
        // forge-lint: disable-next-line(unsafe-typecast) -- the holder is the low 160 bits on purpose
        holder = address(uint160(lock));
        // forge-lint: disable-next-line(unsafe-typecast) -- the assignment is the 64 bits above the holder
        assignment = holder == address(0) ? 0 : uint64(lock >> 160);
    }

    /// @inheritdoc INodeRegistry
    function nodeIdOfSidecar(address sidecar) external view returns (uint256) {
        return _nodeOfSidecar[sidecar];
    }

    /// @inheritdoc INodeRegistry
    function nodeCount() external view returns (uint256) {
        return _nodeCount;
    }

    // ------------------------------------------------------------------ internals

    function _fail(uint256 nodeId, NodeState storage n) private {
        _close(nodeId, n, NodeStatus.Failed);
        emit NodeFailed(nodeId, msg.sender, uint64(block.timestamp));
        providerRegistry.onNodeClosed(n.providerId, _resources(n));
    }

    function _close(uint256 nodeId, NodeState storage n, NodeStatus to) private {
        NodeStatus status = n.status;
        if (status != NodeStatus.Installing && status != NodeStatus.Active) {
            revert NodeRegistryInvalidStatus(nodeId, status);
        }
        n.status = to;
        n.finishedAt = uint48(block.timestamp);
    }

    function _isProviderOwner(NodeState storage n, address caller) private view returns (bool) {
        return providerRegistry.providerIdOf(caller) == n.providerId;
    }

    function _nodeOf(uint256 nodeId) private view returns (NodeState storage n) {
        n = _nodes[nodeId];
        if (n.sidecar == address(0)) revert NodeRegistryUnknownNode(nodeId);
    }

    function _resources(NodeState storage n) private view returns (Resources memory) {
        return Resources(n.cpuCores, n.ramGb, n.storageGb, n.bandwidthMbps);
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
