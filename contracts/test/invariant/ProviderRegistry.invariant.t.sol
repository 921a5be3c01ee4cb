// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Test} from "forge-std/Test.sol";

import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IProviderRegistry} from "../../src/interfaces/IProviderRegistry.sol";
import {NodeStatus, Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";

/// @notice Drives providers, governance, the market and the score source through both registries,
///         keeping ghost totals of MZKU in and out and of every node's resources.
contract ProviderRegistryHandler is CommonBase, StdCheats, StdUtils {
    MzkuToken internal immutable _token;
    ProviderRegistry internal immutable _reg;
    NodeRegistry internal immutable _nodes;
    address internal immutable _gov;
    address internal immutable _market;

    address[] public actors;
    address[] public sidecars;

    uint256 public ghostDeposited;
    uint256 public ghostWithdrawn;
    uint256 public ghostSlashed;
    uint256 public ghostNodesRegistered;
    mapping(uint256 providerId => uint256) public ghostOpenNodes;
    mapping(uint256 providerId => uint256[4]) internal _ghostUsed;

    constructor(MzkuToken token_, ProviderRegistry reg_, NodeRegistry nodes_, address gov_, address market_) {
        _token = token_;
        _reg = reg_;
        _nodes = nodes_;
        _gov = gov_;
        _market = market_;
        for (uint256 i = 0; i < 5; ++i) {
            address a = address(uint160(0xBEEF00 + i));
            actors.push(a);
            vm.prank(a);
            _token.approve(address(_reg), type(uint256).max);
        }
        // Three providers start eligible so that node paths run from the first call.
        for (uint256 i = 0; i < 3; ++i) {
            address a = actors[i];
            vm.startPrank(a);
            uint256 id = _reg.applyAsProvider("p", Resources(64, 256, 20_000, 1000), 1 ether, "");
            _reg.depositCollateral(20_000 ether);
            vm.stopPrank();
            ghostDeposited += 20_000 ether;
            vm.prank(_gov);
            _reg.qualify(id);
        }
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function sidecarCount() external view returns (uint256) {
        return sidecars.length;
    }

    function ghostUsed(uint256 providerId) external view returns (uint256[4] memory) {
        return _ghostUsed[providerId];
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function _providerOf(uint256 seed) internal view returns (address a, uint256 id) {
        a = _actor(seed);
        id = _reg.providerIdOf(a);
    }

    // ---- provider actions

    function applyAsProvider(uint256 actorSeed, uint32 cpu, uint32 ram, uint32 disk, uint32 bw) external {
        address a = _actor(actorSeed);
        if (_reg.providerIdOf(a) != 0) return;
        Resources memory cap = Resources(
            uint32(bound(cpu, 1, 128)),
            uint32(bound(ram, 8, 512)),
            uint32(bound(disk, 1000, 40_000)),
            uint32(bound(bw, 10, 2000))
        );
        vm.prank(a);
        _reg.applyAsProvider("p", cap, 1 ether, "");
    }

    function deposit(uint256 actorSeed, uint256 amount) external {
        (address a, uint256 id) = _providerOf(actorSeed);
        if (id == 0) return;
        uint256 room = _reg.pMax() - _reg.getProvider(id).collateral;
        if (room == 0) return;
        amount = bound(amount, 1, room < 50_000 ether ? room : 50_000 ether);
        vm.prank(a);
        _reg.depositCollateral(amount);
        ghostDeposited += amount;
    }

    function requestWithdrawal(uint256 actorSeed, uint256 amount) external {
        (address a, uint256 id) = _providerOf(actorSeed);
        if (id == 0) return;
        IProviderRegistry.Provider memory p = _reg.getProvider(id);
        uint256 free = p.collateral - _reg.reservedOf(id);
        if (free == 0 || p.activeNodes != 0) return;
        amount = bound(amount, 1, free);
        vm.prank(a);
        _reg.requestWithdrawal(amount);
    }

    function cancelWithdrawal(uint256 actorSeed) external {
        (address a, uint256 id) = _providerOf(actorSeed);
        if (id == 0) return;
        (uint256 unbonding,) = _reg.unbondingOf(id);
        if (unbonding == 0) return;
        vm.prank(a);
        _reg.cancelWithdrawal();
    }

    function withdraw(uint256 actorSeed) external {
        (address a, uint256 id) = _providerOf(actorSeed);
        if (id == 0) return;
        (uint256 unbonding, uint64 readyAt) = _reg.unbondingOf(id);
        if (unbonding == 0 || _reg.getProvider(id).activeNodes != 0) return;
        if (block.timestamp < readyAt) vm.warp(readyAt);
        vm.prank(a);
        _reg.withdrawCollateral();
        ghostWithdrawn += unbonding;
    }

    // ---- governance, score source, market

    function toggleQualified(uint256 actorSeed) external {
        (, uint256 id) = _providerOf(actorSeed);
        if (id == 0) return;
        bool qualified = _reg.getProvider(id).qualified;
        vm.prank(_gov);
        if (qualified) _reg.unqualify(id);
        else _reg.qualify(id);
    }

    function reportScore(uint256 actorSeed, uint256 score) external {
        (, uint256 id) = _providerOf(actorSeed);
        if (id == 0) return;
        vm.prank(_market);
        _reg.reportScore(id, bound(score, 3000, 10_000)); // about 3 in 10 disqualify
    }

    function reserve(uint256 actorSeed, uint256 amount) external {
        (, uint256 id) = _providerOf(actorSeed);
        if (id == 0) return;
        amount = bound(amount, 0, _reg.getProvider(id).collateral - _reg.reservedOf(id));
        vm.prank(_market);
        _reg.reserveCollateral(id, amount);
    }

    function release(uint256 actorSeed, uint256 amount) external {
        (, uint256 id) = _providerOf(actorSeed);
        if (id == 0) return;
        amount = bound(amount, 0, _reg.reservedOf(id));
        vm.prank(_market);
        _reg.releaseCollateral(id, amount);
    }

    function slash(uint256 actorSeed, uint256 amount) external {
        (, uint256 id) = _providerOf(actorSeed);
        if (id == 0) return;
        amount = bound(amount, 0, _reg.reservedOf(id));
        vm.prank(_market);
        ghostSlashed += _reg.slashCollateral(id, amount, address(0xD00D));
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 0, 20 days));
    }

    // ---- nodes

    function registerNode(uint256 actorSeed, uint32 cpu, uint32 ram, uint32 disk, uint32 bw) external {
        // Take the first eligible provider from the seed on, so that most calls register a node.
        address a;
        uint256 id;
        for (uint256 i = 0; i < actors.length; ++i) {
            (a, id) = _providerOf(actorSeed % actors.length + i);
            if (id != 0 && _reg.isEligible(id)) break;
            id = 0;
        }
        if (id == 0) return;
        Resources memory r = Resources(
            uint32(bound(cpu, 1, 16)),
            uint32(bound(ram, 1, 64)),
            uint32(bound(disk, 1, 4000)),
            uint32(bound(bw, 1, 100))
        );
        if (!_reg.hasFreeCapacity(id, r)) return;
        address sidecar = address(uint160(0x5C000000 + sidecars.length));
        vm.prank(a);
        _nodes.registerNode(sidecar, r);
        sidecars.push(sidecar);
        ++ghostNodesRegistered;
        ++ghostOpenNodes[id];
        _ghostUsed[id][0] += r.cpuCores;
        _ghostUsed[id][1] += r.ramGb;
        _ghostUsed[id][2] += r.storageGb;
        _ghostUsed[id][3] += r.bandwidthMbps;
    }

    function activateNode(uint256 nodeSeed) external {
        uint256 count = _nodes.nodeCount();
        if (count == 0) return;
        uint256 nodeId = 1 + nodeSeed % count;
        INodeRegistry.Node memory n = _nodes.getNode(nodeId);
        if (n.status != NodeStatus.Installing) return;
        vm.prank(n.sidecar);
        _nodes.activateNode(nodeId);
    }

    function closeNode(uint256 nodeSeed, bool fail) external {
        uint256 count = _nodes.nodeCount();
        if (count == 0) return;
        uint256 nodeId = 1 + nodeSeed % count;
        INodeRegistry.Node memory n = _nodes.getNode(nodeId);
        if (n.status != NodeStatus.Installing && n.status != NodeStatus.Active) return;
        if (fail) {
            vm.prank(_market);
            _nodes.failNode(nodeId);
        } else {
            vm.prank(_reg.getProvider(n.providerId).owner);
            _nodes.stopNode(nodeId);
        }
        --ghostOpenNodes[n.providerId];
        _ghostUsed[n.providerId][0] -= n.resources.cpuCores;
        _ghostUsed[n.providerId][1] -= n.resources.ramGb;
        _ghostUsed[n.providerId][2] -= n.resources.storageGb;
        _ghostUsed[n.providerId][3] -= n.resources.bandwidthMbps;
    }
}

contract ProviderRegistryInvariantTest is Test {
    MzkuToken internal token;
    ProviderRegistry internal reg;
    NodeRegistry internal nodes;
    ProviderRegistryHandler internal handler;
    address internal gov = makeAddr("governance");
    address internal market = makeAddr("market");

    function setUp() public {
        address[] memory holders = new address[](5);
        uint256[] memory amounts = new uint256[](5);
        for (uint256 i = 0; i < 5; ++i) {
            holders[i] = address(uint160(0xBEEF00 + i)); // the handler's actors
            amounts[i] = 100_000_000 ether;
        }
        token = new MzkuToken(holders, amounts);
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        address[] memory auth = new address[](1);
        auth[0] = market;
        reg = new ProviderRegistry(gov, auth, token, predicted);
        nodes = new NodeRegistry(gov, auth, reg);
        vm.prank(gov);
        reg.setDisqualificationPeriod(2 days); // so that warps requalify within a run
        handler = new ProviderRegistryHandler(token, reg, nodes, gov, market);
        targetContract(address(handler));
    }

    /// The run did exercise nodes (not a vacuous pass).
    function afterInvariant() public {
        emit log_named_uint("nodes registered", handler.ghostNodesRegistered());
        emit log_named_uint("providers", reg.providerCount());
    }

    function _ids() internal view returns (uint256) {
        return reg.providerCount();
    }

    /// Σ(collateral + unbonding) == MZKU held == deposited − withdrawn − slashed.
    function invariant_collateralIsBacked() public view {
        uint256 sum;
        for (uint256 id = 1; id <= _ids(); ++id) {
            (uint256 unbonding,) = reg.unbondingOf(id);
            sum += reg.getProvider(id).collateral + unbonding;
        }
        uint256 held = token.balanceOf(address(reg));
        assertEq(sum, held, "sum of collateral + unbonding == MZKU held");
        assertEq(held, handler.ghostDeposited() - handler.ghostWithdrawn() - handler.ghostSlashed(), "ghost flows");
    }

    /// The reservation is part of the bonded collateral: it can neither be withdrawn nor exceed it.
    function invariant_reservedWithinCollateral() public view {
        for (uint256 id = 1; id <= _ids(); ++id) {
            assertLe(reg.reservedOf(id), reg.getProvider(id).collateral, "reserved <= collateral");
        }
    }

    /// used ≤ capacity; activeNodes ≤ maxNodes; both equal the sums over the provider's open nodes.
    function invariant_capacityAccounting() public view {
        for (uint256 id = 1; id <= _ids(); ++id) {
            IProviderRegistry.Provider memory p = reg.getProvider(id);
            string memory tag = string.concat("provider ", vm.toString(id));
            assertLe(p.used.cpuCores, p.capacity.cpuCores, tag);
            assertLe(p.used.ramGb, p.capacity.ramGb, tag);
            assertLe(p.used.storageGb, p.capacity.storageGb, tag);
            assertLe(p.used.bandwidthMbps, p.capacity.bandwidthMbps, tag);
            assertLe(p.activeNodes, p.maxNodes, tag);
            assertEq(p.activeNodes, handler.ghostOpenNodes(id), tag);
            uint256[4] memory g = handler.ghostUsed(id);
            assertEq(p.used.cpuCores, g[0], tag);
            assertEq(p.used.ramGb, g[1], tag);
            assertEq(p.used.storageGb, g[2], tag);
            assertEq(p.used.bandwidthMbps, g[3], tag);
        }
    }

    /// One sidecar ↔ one node: every node's sidecar maps back to it, and no two nodes share one.
    function invariant_sidecarBijection() public view {
        uint256 count = nodes.nodeCount();
        assertEq(count, handler.ghostNodesRegistered());
        assertEq(count, handler.sidecarCount());
        for (uint256 i = 1; i <= count; ++i) {
            address sidecar = nodes.getNode(i).sidecar;
            assertTrue(sidecar != address(0), string.concat("node ", vm.toString(i)));
            assertEq(nodes.nodeIdOfSidecar(sidecar), i, string.concat("node ", vm.toString(i)));
            assertEq(handler.sidecars(i - 1), sidecar);
        }
    }

    /// The qualified list holds exactly the qualified providers, once each.
    function invariant_qualifiedList() public view {
        uint256 qualified;
        for (uint256 id = 1; id <= _ids(); ++id) {
            if (reg.getProvider(id).qualified) ++qualified;
        }
        uint256[] memory ids = reg.qualifiedProviders(0, type(uint256).max);
        assertEq(ids.length, qualified);
        assertEq(reg.qualifiedCount(), qualified);
        for (uint256 i = 0; i < ids.length; ++i) {
            assertTrue(reg.getProvider(ids[i]).qualified, string.concat("listed ", vm.toString(ids[i])));
        }
    }
}
