// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RewardPoolBase} from "./RewardPoolBase.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";

/// forge-config: default.isolate = true
contract RewardPoolGasTest is RewardPoolBase {
    function test_gasProbe() public {
        address a = makeAddr("a");
        address b = makeAddr("b");
        _stake(IStakeObserver.StakeClass.Governor, a, address(0), 100 ether);
        _stake(IStakeObserver.StakeClass.Governor, b, address(0), 100 ether);
        vm.prank(funder);
        token.transfer(a, 1 ether);
        vm.deal(a, 1 ether);
        _depositM(1000 ether);
        _depositE(10 ether);
        _toNextPeriod(1 days);
        vm.prank(b);
        pool.claim(IStakeObserver.StakeClass.Governor, address(0));
        vm.warp(block.timestamp + 1 hours);
        vm.prank(a);
        pool.claimMzku(IStakeObserver.StakeClass.Governor, address(0));
        emit log_uint(vm.snapshotGasLastCall("rewards", "probeM"));
        vm.warp(block.timestamp + 1 hours);
        vm.prank(a);
        pool.claimEth(IStakeObserver.StakeClass.Governor, address(0));
        emit log_uint(vm.snapshotGasLastCall("rewards", "probeE"));
        vm.warp(block.timestamp + 1 hours);
        vm.prank(a);
        pool.claim(IStakeObserver.StakeClass.Governor, address(0));
        emit log_uint(vm.snapshotGasLastCall("rewards", "probeBoth"));
    }
}
