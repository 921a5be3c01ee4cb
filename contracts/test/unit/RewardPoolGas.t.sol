// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {RewardPoolBase} from "./RewardPoolBase.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";

/// @notice Named gas snapshots (group "rewards") of every user-facing Reward Pool call, in the common
///         case: the caller is not the first to touch the pool, holds MZKU and ETH already, and has
///         claimed before. Each call runs as its own transaction (isolate), so the numbers are whole
///         transactions including the 21,000 base and calldata.
/// forge-config: default.isolate = true
contract RewardPoolGasTest is RewardPoolBase {
    IStakeObserver.StakeClass internal constant GOV = IStakeObserver.StakeClass.Governor;
    IStakeObserver.StakeClass internal constant SIDE = IStakeObserver.StakeClass.Sidecar;

    address internal sidecarX = makeAddr("sidecarX");

    function _account(uint256 i) internal pure returns (address) {
        return address(uint160(0x10000 + i));
    }

    /// @dev `n` governors and `n` stakers at sidecarX, inflows, then mid-stream of the next period with
    ///      every class and account warmed (each of the first two has claimed once).
    function _scenario(RewardPool p, uint256 n) internal {
        for (uint256 i = 0; i < n; ++i) {
            vm.prank(govSource);
            p.onStakeChanged(GOV, _account(i), address(0), 0, 100 ether + i);
        }
        for (uint256 i = 0; i < 2; ++i) {
            vm.prank(sidecarSource);
            p.onStakeChanged(SIDE, _account(i), sidecarX, 0, 50 ether);
            vm.prank(funder);
            token.transfer(_account(i), 1 ether);
            vm.deal(_account(i), 1 ether);
        }
        vm.startPrank(funder);
        token.approve(address(p), type(uint256).max);
        p.depositMzku(1000 ether);
        p.depositEth{value: 10 ether}();
        vm.stopPrank();
        vm.warp(block.timestamp + PERIOD + 1 days);
        p.sync();
        for (uint256 i = 0; i < 2; ++i) {
            vm.prank(_account(i));
            p.claim(GOV, address(0));
            vm.prank(_account(i));
            p.claim(SIDE, sidecarX);
        }
        vm.warp(block.timestamp + 1 hours);
    }

    function test_gas_claims() public {
        _scenario(pool, 10);
        address a = _account(1);
        vm.prank(a);
        pool.claimMzku(GOV, address(0));
        vm.snapshotGasLastCall("rewards", "claim");
        vm.warp(block.timestamp + 1 hours);
        vm.prank(a);
        pool.claimEth(GOV, address(0));
        vm.snapshotGasLastCall("rewards", "claim_eth");
        vm.warp(block.timestamp + 1 hours);
        vm.prank(a);
        pool.claim(GOV, address(0));
        vm.snapshotGasLastCall("rewards", "claim_mzku_and_eth");
        vm.warp(block.timestamp + 1 hours);
        vm.prank(a);
        pool.claim(SIDE, sidecarX);
        vm.snapshotGasLastCall("rewards", "claim_sidecar");
        vm.warp(block.timestamp + 1 hours);
        pool.sync();
        vm.snapshotGasLastCall("rewards", "sync");
        vm.warp(block.timestamp + 1 hours);
        pool.syncSidecar(sidecarX);
        vm.snapshotGasLastCall("rewards", "sync_sidecar");
        vm.prank(treasury);
        pool.claimOwed();
        vm.snapshotGasLastCall("rewards", "claim_owed");
    }

    function test_gas_deposits() public {
        _scenario(pool, 10);
        vm.prank(funder);
        pool.depositMzku(10 ether);
        vm.snapshotGasLastCall("rewards", "deposit_mzku");
        vm.prank(funder);
        pool.depositEth{value: 1 ether}();
        vm.snapshotGasLastCall("rewards", "deposit_eth");
    }

    function test_gas_stakeReportsAndProjects() public {
        _scenario(pool, 10);
        vm.prank(govSource);
        pool.onStakeChanged(GOV, _account(1), address(0), 100 ether + 1, 150 ether);
        vm.snapshotGasLastCall("rewards", "on_stake_changed_governor");
        vm.warp(block.timestamp + 1 hours);
        vm.prank(sidecarSource);
        pool.onStakeChanged(SIDE, _account(1), sidecarX, 50 ether, 60 ether);
        vm.snapshotGasLastCall("rewards", "on_stake_changed_sidecar");
        vm.warp(block.timestamp + 1 hours);
        vm.prank(market);
        pool.onProjectStarted(sidecarX);
        vm.snapshotGasLastCall("rewards", "on_project_started");
        vm.warp(block.timestamp + 1 hours);
        vm.prank(sidecarSource);
        pool.onStakeChanged(SIDE, _account(1), sidecarX, 60 ether, 10 ether);
        vm.snapshotGasLastCall("rewards", "on_stake_changed_sidecar_forfeit");
        vm.warp(block.timestamp + 1 hours);
        vm.prank(market);
        pool.onProjectEnded(sidecarX);
        vm.snapshotGasLastCall("rewards", "on_project_ended");
    }

    /// @notice gas.rewards.claim_ratio_10k_vs_10: the same claim with 10,000 and with 10 stakers.
    function test_gas_claimRatio10kVs10() public {
        RewardPool small = pool;
        _scenario(small, 10);
        vm.prank(_account(1));
        small.claimMzku(GOV, address(0));
        uint256 g10 = vm.snapshotGasLastCall("rewards", "claim_10_stakers");

        RewardPool big = _newPool(IERC20(address(token)));
        _scenario(big, 10_000);
        vm.prank(_account(1));
        big.claimMzku(GOV, address(0));
        uint256 g10k = vm.snapshotGasLastCall("rewards", "claim_10000_stakers");

        assertLe(g10k * 100, g10 * 101, "claim gas with 10,000 stakers within 1% of 10");
        assertLe(g10, 60_000, "gas.rewards.claim target");
    }
}
