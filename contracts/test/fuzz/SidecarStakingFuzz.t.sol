// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {NodeRegistryStub} from "../utils/NodeRegistryStub.sol";

contract SidecarStakingFuzzTest is Test {
    MzkuToken internal token;
    SidecarStaking internal staking;
    address internal a = makeAddr("sidecarA");
    address internal b = makeAddr("sidecarB");
    address internal staker = makeAddr("staker");
    address internal candidate = makeAddr("candidate");
    uint256 internal constant SUPPLY = 100_000_000_000e18;

    function setUp() public {
        address[] memory holders = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        (holders[0], amounts[0]) = (staker, SUPPLY);
        token = new MzkuToken(holders, amounts);
        NodeRegistryStub nodes = new NodeRegistryStub();
        nodes.register(a);
        nodes.register(b);
        staking =
            new SidecarStaking(makeAddr("gov"), new address[](0), IERC20(address(token)), INodeRegistry(address(nodes)));
        vm.prank(staker);
        token.approve(address(staking), type(uint256).max);
    }

    function testFuzz_stake_unstake_conserves(uint256 x, uint256 y, uint256 outA, uint256 outB) public {
        x = bound(x, 1, 1e28);
        y = bound(y, 1, 1e28);
        outA = bound(outA, 0, x);
        outB = bound(outB, 0, y);
        vm.startPrank(staker);
        staking.delegate(candidate);
        staking.stake(a, x);
        staking.stake(b, y);
        if (outA != 0) staking.unstake(a, outA);
        if (outB != 0) staking.unstake(b, outB);
        vm.stopPrank();
        assertEq(staking.stakeOf(a, staker), x - outA);
        assertEq(staking.stakeOf(b, staker), y - outB);
        assertEq(staking.totalStakeOf(staker), x + y - outA - outB);
        assertEq(staking.delegatedVotes(candidate), x + y - outA - outB);
        assertEq(token.balanceOf(address(staking)), x + y - outA - outB);
        assertEq(token.balanceOf(staker), SUPPLY - (x + y - outA - outB));
    }

    function testFuzz_stake_overMaxReverts(uint256 amount) public {
        uint256 max = staking.MAX_ACCOUNT_STAKE();
        amount = bound(amount, max + 1, SUPPLY);
        vm.expectRevert(abi.encodeWithSelector(SidecarStaking.SidecarStakingStakeTooLarge.selector, amount, max));
        vm.prank(staker);
        staking.stake(a, amount);
    }

    function testFuzz_delegatedVotesAt_matchesHistory(uint256 x, uint256 y, uint256 dt) public {
        x = bound(x, 1, 1e28);
        y = bound(y, 1, 1e28);
        dt = bound(dt, 1, 365 days);
        uint256 t0 = block.timestamp;
        vm.startPrank(staker);
        staking.stake(a, x);
        staking.delegate(candidate);
        vm.warp(t0 + dt);
        staking.stake(b, y);
        vm.stopPrank();
        vm.warp(t0 + dt + 1);
        assertEq(staking.delegatedVotesAt(candidate, t0), x);
        assertEq(staking.delegatedVotesAt(candidate, t0 + dt - 1), x);
        assertEq(staking.delegatedVotesAt(candidate, t0 + dt), x + y);
    }
}
