// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {NodeRegistryStub} from "../utils/NodeRegistryStub.sol";

/// @notice SidecarStaking with the real RewardPool wired as its stake observer (what governance sets
///         once the protocol runs): the cost of a stake including the reward accounting.
contract SidecarStakingRewardPoolTest is Test {
    address internal gov = makeAddr("governance");
    address internal sidecarA = makeAddr("sidecarA");
    address internal alice = makeAddr("alice");
    address internal carol = makeAddr("carol");
    MzkuToken internal token;
    SidecarStaking internal staking;
    RewardPool internal pool;

    function setUp() public {
        address[] memory holders = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (holders[0], holders[1]) = (alice, carol);
        (amounts[0], amounts[1]) = (1_000_000e18, 1_000_000e18);
        token = new MzkuToken(holders, amounts);
        NodeRegistryStub nodes = new NodeRegistryStub();
        nodes.register(sidecarA);
        address poolAt = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        staking = new SidecarStaking(gov, new address[](0), IERC20(address(token)), INodeRegistry(address(nodes)));
        pool = new RewardPool(
            gov,
            new address[](0),
            IERC20(address(token)),
            makeAddr("treasury"),
            [gov, makeAddr("providerRegistry"), address(staking), makeAddr("market")],
            7 days
        );
        assertEq(address(pool), poolAt);
        vm.prank(gov);
        staking.setStakeObserver(IStakeObserver(address(pool)));
        vm.prank(alice);
        token.approve(address(staking), type(uint256).max);
    }

    /// Same scenario as `stake_new_staker` (new staker, exact approval, sidecar already staked), with
    /// the RewardPool told of the position.
    /// forge-config: default.isolate = true
    function test_stake_newStakerWithRewardPoolObserver() public {
        vm.prank(alice);
        staking.stake(sidecarA, 10e18);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(carol);
        token.approve(address(staking), 100e18);
        vm.prank(carol);
        staking.stake(sidecarA, 100e18);
        vm.snapshotGasLastCall("sidecar", "stake_new_staker_reward_pool_observer");
        assertEq(staking.stakeOf(sidecarA, carol), 100e18);
    }
}
