// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {MarketBase} from "../utils/MarketBase.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";

/// @notice Named gas snapshots (groups `auction` and `market`). Each measured call runs with the
///         touched contracts' storage cooled (`vm.cool`), as in a fresh transaction, by a user who is
///         not the first to touch the contract. `*_tx` values add the 21,000 base and the calldata
///         cost (16 gas per non-zero byte, 4 per zero byte) to estimate the whole transaction.
contract MarketGasTest is MarketBase {
    address[] internal provs;

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
        vm.cool(address(policy));
        vm.cool(address(insurancePool));
        vm.cool(address(rewardPool));
        vm.cool(address(nodes));
    }

    function _snap(string memory group, string memory name, bytes memory data) internal {
        uint256 g = vm.snapshotGasLastCall(group, name);
        uint256 txGas = g + 21_000 + _calldataCost(data);
        vm.snapshotValue(group, string.concat(name, "_tx"), txGas);
        console.log(name, txGas);
    }

    function _providers(uint256 n, bool distinct) internal returns (uint256[] memory prices) {
        prices = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            (address o,) = _provider(string(abi.encodePacked("G", vm.toString(i))), 1000 ether);
            provs.push(o);
            prices[i] = distinct ? 60 ether + i * 1 ether : 60 ether;
        }
    }

    /// commit, reveal and settle with 32 bids at distinct prices 60, 61, ..., 91 MZKU (band 5%:
    /// the draw set is 60..63), all revealed.
    function test_gas_auction() public {
        uint256[] memory prices = _providers(32, true);
        uint256 earlier = _open(); // warm the project counter: the measured project is not the first
        uint256 id = _open();
        _commit(id, provs[0], prices[0]);
        // commit: the second bidder of the project, which has committed before (its provider id and
        // score are stored at its first commit)
        _commit(earlier, provs[1], prices[1]);
        bytes32 c = market.commitmentOf(prices[1], _salt(provs[1]), provs[1], id);
        _coolAll();
        vm.prank(provs[1]);
        market.commit(id, c);
        _snap("auction", "commit", abi.encodeCall(market.commit, (id, c)));
        for (uint256 i = 2; i < 32; ++i) {
            _commit(id, provs[i], prices[i]);
        }
        _toReveal(id);
        _reveal(id, provs[0], 0, prices[0]);
        _coolAll();
        _reveal(id, provs[1], 1, prices[1]);
        _snap("auction", "reveal", abi.encodeCall(market.reveal, (id, 1, prices[1], _salt(provs[1]))));
        for (uint256 i = 2; i < 32; ++i) {
            _reveal(id, provs[i], i, prices[i]);
        }
        _toSettle(id);
        _coolAll();
        market.settle(id);
        _snap("auction", "settle_32", abi.encodeCall(market.settle, (id)));
    }

    /// Worst case: 32 revealed bids all at the same price, every one eligible: the draw takes the
    /// first `maxDrawCandidates` (4) in the seed order.
    function test_gas_auctionAllEqual() public {
        uint256[] memory prices = _providers(32, false);
        _open();
        uint256 id = _open();
        for (uint256 i = 0; i < 32; ++i) {
            _commit(id, provs[i], prices[i]);
        }
        _toReveal(id);
        for (uint256 i = 0; i < 32; ++i) {
            _reveal(id, provs[i], i, prices[i]);
        }
        _toSettle(id);
        _coolAll();
        market.settle(id);
        _snap("auction", "settle_32_all_equal", abi.encodeCall(market.settle, (id)));
    }

    /// Worst case for candidates: maxDrawCandidates = 32, 32 equal eligible bids.
    function test_gas_auctionAllEqualMaxCandidates() public {
        IPricingPolicy.MarketParams memory m = policy.marketParams();
        m.maxDrawCandidates = 32;
        vm.prank(gov);
        policy.setMarketParams(m);
        uint256[] memory prices = _providers(32, false);
        _open();
        uint256 id = _open();
        for (uint256 i = 0; i < 32; ++i) {
            _commit(id, provs[i], prices[i]);
        }
        _toReveal(id);
        for (uint256 i = 0; i < 32; ++i) {
            _reveal(id, provs[i], i, prices[i]);
        }
        _toSettle(id);
        _coolAll();
        market.settle(id);
        _snap("auction", "settle_32_all_equal_32_candidates", abi.encodeCall(market.settle, (id)));
    }

    /// The rest of the lifecycle, group `market`.
    function test_gas_lifecycle() public {
        _providers(2, true);
        _open();
        uint256 id = _open();
        {
            bytes memory data = abi.encodeCall(market.openProject, (_res(), DAY, T, FP));
            _coolAll();
            vm.prank(requester);
            market.openProject(_res(), DAY, T, FP);
            _snap("market", "openProject", data);
        }
        _coolAll();
        vm.prank(provs[0]);
        market.depositBond(1 ether);
        _snap("market", "depositBond", abi.encodeCall(market.depositBond, (1 ether)));
        _coolAll();
        vm.prank(provs[0]);
        market.withdrawBond(1 ether);
        _snap("market", "withdrawBond", abi.encodeCall(market.withdrawBond, (1 ether)));
        _commit(id, provs[0], 60 ether);
        _toReveal(id);
        _reveal(id, provs[0], 0, 60 ether);
        _toSettle(id);
        market.settle(id);
        uint256 nodeId = _node(1);
        _coolAll();
        vm.prank(provs[0]);
        market.startProject(id, nodeId);
        _snap("market", "startProject", abi.encodeCall(market.startProject, (id, nodeId)));
        vm.warp(block.timestamp + DAY);
        _coolAll();
        vm.prank(provs[0]);
        market.submitCompletion(id, 300 ether);
        _snap("market", "submitCompletion", abi.encodeCall(market.submitCompletion, (id, 300 ether)));
        _coolAll();
        vm.prank(gov);
        market.confirmCompletion(id, 300 ether);
        _snap("market", "confirmCompletion", abi.encodeCall(market.confirmCompletion, (id, 300 ether)));
        // a project without bids, cancelled
        uint256 id3 = 3;
        _toSettle(id3);
        market.settle(id3);
        _coolAll();
        vm.prank(requester);
        market.cancel(id3);
        _snap("market", "cancel", abi.encodeCall(market.cancel, (id3)));
    }
}
