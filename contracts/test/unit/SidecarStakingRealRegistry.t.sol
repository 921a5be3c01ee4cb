// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {IProviderRegistry} from "../../src/interfaces/IProviderRegistry.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice SidecarStaking against the real ProviderRegistry and NodeRegistry (the other SidecarStaking
///         tests use the lighter NodeRegistryStub).
contract SidecarStakingRealRegistryTest is Test {
    address internal gov = makeAddr("governance");
    address internal provider = makeAddr("provider");
    address internal staker = makeAddr("staker");
    MzkuToken internal token;
    ProviderRegistry internal registry;
    NodeRegistry internal nodes;
    SidecarStaking internal staking;

    function setUp() public {
        address[] memory holders = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (holders[0], holders[1]) = (provider, staker);
        (amounts[0], amounts[1]) = (1_000_000 ether, 1_000_000 ether);
        token = new MzkuToken(holders, amounts);
        address nodesAt = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        registry = new ProviderRegistry(gov, new address[](0), token, nodesAt);
        nodes = new NodeRegistry(gov, new address[](0), IProviderRegistry(address(registry)));
        assertEq(address(nodes), nodesAt);
        staking = new SidecarStaking(gov, new address[](0), IERC20(address(token)), INodeRegistry(address(nodes)));
        vm.startPrank(provider);
        uint256 id = registry.applyAsProvider("Acme", Resources(16, 64, 8000, 100), 1 ether, "ipfs://acme");
        token.approve(address(registry), type(uint256).max);
        registry.depositCollateral(registry.pMin());
        vm.stopPrank();
        vm.prank(gov);
        registry.qualify(id);
        vm.prank(staker);
        token.approve(address(staking), type(uint256).max);
    }

    function test_stake_toRegisteredNodeSidecar() public {
        address sc = makeAddr("sidecar1");
        vm.prank(staker);
        vm.expectRevert(abi.encodeWithSelector(SidecarStaking.SidecarStakingUnknownSidecar.selector, sc));
        staking.stake(sc, 1 ether);
        vm.prank(provider);
        uint256 nodeId = nodes.registerNode(sc, Resources(4, 16, 100, 100));
        vm.prank(staker);
        staking.stake(sc, 5 ether);
        assertEq(staking.stakeOf(sc, staker), 5 ether);
        (address[] memory s, uint256[] memory ids, uint256[] memory totals) = staking.sidecars(0, 10);
        assertEq(s.length, 1);
        assertEq(s[0], sc);
        assertEq(ids[0], nodeId);
        assertEq(totals[0], 5 ether);
    }
}
