// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {MarketRealBase} from "../utils/MarketRealBase.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {NodeStatus} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice The market against the real ProviderRegistry and NodeRegistry: the worked example, a
///         failure with a real slash and node failure, and the `auction` gas snapshots.
contract MarketRealRegistryTest is MarketRealBase {
    address[] internal provs;
    uint256[] internal pids;

    function _providers(uint256 n) internal {
        for (uint256 i = 0; i < n; ++i) {
            (address o, uint256 id) = _provider(string(abi.encodePacked("R", vm.toString(i))), 1000 ether);
            provs.push(o);
            pids.push(id);
        }
    }

    function _seedAuction() internal returns (uint256 id) {
        id = _open();
        _commit(id, provs[0], 60 ether);
        _commit(id, provs[1], 70 ether);
        _commit(id, provs[2], 75 ether);
        _toReveal(id);
        _reveal(id, provs[0], 0, 60 ether);
        _reveal(id, provs[1], 1, 70 ether);
        _reveal(id, provs[2], 2, 75 ether);
        _toSettle(id);
        market.settle(id);
    }

    /// FP 100, bids 60/70/75, X 300 → P1 60, Reward Pool 40, Insurance Pool 40, requester 260.
    function test_workedExample_realRegistries() public {
        _providers(3);
        assertEq(reputation.scoreOf(pids[0]), 5500, "fresh provider score");
        assertEq(policy.listProviders(0, 10, _res(), DAY, T).length, 3, "the qualified list, paged");
        assertTrue(policy.listProviders(0, 10, _res(), DAY, T)[2].eligible);
        uint256 reqBefore = token.balanceOf(requester);
        uint256 id = _seedAuction();
        assertEq(market.getProject(id).winner, provs[0]);
        uint256 nodeId = _node(provs[0], "sc0");
        vm.prank(provs[0]);
        market.startProject(id, nodeId);
        vm.warp(block.timestamp + DAY);
        uint256 p1Before = token.balanceOf(provs[0]);
        vm.prank(provs[0]);
        market.submitCompletion(id, 300 ether);
        vm.prank(gov);
        market.confirmCompletion(id, 300 ether);
        assertEq(token.balanceOf(provs[0]), p1Before - 300 ether + 60 ether, "provider 60");
        assertEq(token.balanceOf(address(rewardPool)), 40 ether, "reward pool 40");
        assertEq(token.balanceOf(address(insurancePool)), 40 ether, "insurance pool 40");
        assertEq(token.balanceOf(requester), reqBefore - 100 ether + 260 ether, "requester 260");
    }

    function test_failProject_realSlashAndNodeFailed() public {
        _providers(3);
        uint256 id = _seedAuction();
        uint256 nodeId = _node(provs[0], "sc0");
        vm.prank(provs[0]);
        market.startProject(id, nodeId);
        token.transfer(address(insurancePool), 1000 ether);
        uint256 reqBefore = token.balanceOf(requester);
        assertEq(registry.reservedOf(pids[0]), FP, "FP reserved at assignment");
        vm.prank(gov);
        market.failProject(id, 2 * FP);
        assertEq(token.balanceOf(requester), reqBefore + FP + 2 * FP, "FP back and the whole loss (the cap)");
        assertEq(registry.getProvider(pids[0]).collateral, 10_000 ether - FP, "the reservation first");
        assertEq(registry.reservedOf(pids[0]), 0);
        assertEq(token.balanceOf(address(insurancePool)), 1000 ether - FP, "then the Insurance Pool");
        assertEq(market.requesterStakeOf(requester), 0);
        assertEq(uint8(nodes.getNode(nodeId).status), uint8(NodeStatus.Failed), "node failed");
        assertEq(registry.getProvider(pids[0]).activeNodes, 0, "capacity released");
        assertTrue(registry.isDisqualified(pids[0]), "score under the registry threshold");
        assertFalse(registry.isEligible(pids[0]));
    }

    function _calldataCost(bytes memory data) internal pure returns (uint256 g) {
        for (uint256 i = 0; i < data.length; ++i) {
            g += data[i] == 0 ? 4 : 16;
        }
    }

    function _coolAll() internal {
        vm.cool(address(market));
        vm.cool(address(token));
        vm.cool(address(registry));
        vm.cool(address(reputation));
        vm.cool(address(insurancePool));
    }

    function _snap(string memory name, bytes memory data) internal {
        uint256 g = vm.snapshotGasLastCall("auction", name);
        uint256 txGas = g + 21_000 + _calldataCost(data);
        vm.snapshotValue("auction", string.concat(name, "_tx"), txGas);
        console.log(name, txGas);
    }

    /// 32 bids at distinct prices 60..91 MZKU committed in a shuffled order, all revealed, real
    /// registries. Snapshots: real_commit, real_reveal, real_settle_32 (+ `_tx` whole-transaction estimates).
    function test_gas_auctionRealRegistries() public {
        _providers(32);
        uint256 earlier = _open();
        uint256 id = _open();
        uint256[] memory price = new uint256[](32);
        for (uint256 i = 0; i < 32; ++i) {
            price[i] = 60 ether + ((i * 13) % 32) * 1 ether; // a permutation of 60..91
        }
        // a bidder's first commit ever also stores its score: measured apart
        bytes32 c = market.commitmentOf(price[2], _salt(provs[2]), provs[2], earlier);
        _coolAll();
        vm.prank(provs[2]);
        market.commit(earlier, c);
        _snap("real_commit_first", abi.encodeCall(market.commit, (earlier, c)));
        // the common case: a bidder that has committed before
        _commit(earlier, provs[1], price[1]);
        _commit(id, provs[0], price[0]);
        c = market.commitmentOf(price[1], _salt(provs[1]), provs[1], id);
        _coolAll();
        vm.prank(provs[1]);
        market.commit(id, c);
        _snap("real_commit", abi.encodeCall(market.commit, (id, c)));
        for (uint256 i = 2; i < 32; ++i) {
            _commit(id, provs[i], price[i]);
        }
        _toReveal(id);
        _reveal(id, provs[0], 0, price[0]);
        _coolAll();
        _reveal(id, provs[1], 1, price[1]);
        _snap("real_reveal", abi.encodeCall(market.reveal, (id, 1, price[1], _salt(provs[1]))));
        for (uint256 i = 2; i < 32; ++i) {
            _reveal(id, provs[i], i, price[i]);
        }
        _toSettle(id);
        _coolAll();
        market.settle(id);
        _snap("real_settle_32", abi.encodeCall(market.settle, (id)));
        assertEq(market.getProject(id).price <= 63 ether, true, "winner in the 5% band of 60");
    }

    /// Worst case with the default cap: 32 equal eligible bids (the draw takes 4 in the seed order).
    function test_gas_auctionRealRegistriesAllEqual() public {
        _providers(32);
        _open();
        uint256 id = _open();
        for (uint256 i = 0; i < 32; ++i) {
            _commit(id, provs[i], 60 ether);
        }
        _toReveal(id);
        for (uint256 i = 0; i < 32; ++i) {
            _reveal(id, provs[i], i, 60 ether);
        }
        _toSettle(id);
        _coolAll();
        market.settle(id);
        _snap("real_settle_32_all_equal", abi.encodeCall(market.settle, (id)));
        assertEq(market.getProject(id).price, 60 ether);
    }
}
