// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../src/governance/Governance.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {PricingPolicy} from "../../src/market/PricingPolicy.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {DeployedProtocol} from "../utils/DeployedProtocol.sol";

/// @notice A sidecar stake can always be taken back: `SidecarStaking.unstake` (which tells the Reward
///         Pool, `onStakeChanged`: sync of the sidecar, vesting, forfeit) must not revert for a staker
///         holding the amount, whatever happened just before it in the same block or since the last
///         touch — the orders a devnet's sidecars and clock produce: the node's project failed on
///         downtime, a period boundary nobody synced, node resources set by the sidecar, a project
///         starting, a forfeit of unvested rewards, the last staker leaving. On the protocol as
///         Deploy.s.sol wires it (stake observers on the Reward Pool, rewards streaming). Written for
///         the `unstake` seen reverting once when mined in `packages/cli/src/roles.test.ts`.
contract UnstakeAnyStateTest is DeployedProtocol {
    uint256 internal constant E = 1 ether;
    Resources internal nodeResources = Resources({cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 100});

    address internal provider = makeAddr("provider");
    address internal requester = makeAddr("requester");
    address internal funder = makeAddr("funder");
    address internal s1 = makeAddr("sidecar1");
    address internal s2 = makeAddr("sidecar2");
    address[3] internal stakers = [makeAddr("staker0"), makeAddr("staker1"), makeAddr("staker2")];
    uint256 internal node1;
    uint256 internal node2;
    uint256 internal running; // the project running on node1, 0 = none

    function setUp() public {
        _deployProtocol("forge-test-unstake-any-state");
        _seatGovernors();
        address[] memory t = new address[](6);
        uint256[] memory v = new uint256[](6);
        bytes[] memory c = new bytes[](6);
        (t[0], t[1], t[2]) = (address(governance), address(registry), address(staking));
        c[0] = abi.encodeCall(Governance.setStakeObserver, (rewardPool));
        c[1] = abi.encodeCall(ProviderRegistry.setStakeObserver, (rewardPool));
        c[2] = abi.encodeCall(SidecarStaking.setStakeObserver, (rewardPool));
        _fundMzku(provider, 500_000 * E);
        vm.startPrank(provider);
        uint256 id = registry.applyAsProvider("P", Resources(16, 64, 8000, 1000), uint128(1000 * E), "ipfs://p");
        token.approve(address(registry), type(uint256).max);
        token.approve(address(market), type(uint256).max);
        vm.stopPrank();
        (t[3], t[4], t[5]) = (address(registry), address(pricing), address(pricing));
        c[3] = abi.encodeCall(ProviderRegistry.qualify, (id));
        c[4] = abi.encodeCall(PricingPolicy.setUnitPrices, (2, IPricingPolicy.UnitPrices(100 ether, 0, 0, 0, 0)));
        c[5] = abi.encodeCall(PricingPolicy.setTypeTerms, (2, IPricingPolicy.TypeTerms(true, false, 0, 0)));
        governance.execute(_pass(t, v, c), t, v, c);
        vm.startPrank(provider);
        registry.depositCollateral(10_000 * E);
        market.depositBond(1000 * E);
        node1 = nodes.registerNode(s1, nodeResources);
        nodes.activateNode(node1);
        node2 = nodes.registerNode(s2, nodeResources);
        nodes.activateNode(node2);
        vm.stopPrank();
        _fundMzku(requester, 1_000_000 * E);
        vm.prank(requester);
        token.approve(address(market), type(uint256).max);
        _fundMzku(funder, 1_000_000 * E);
        vm.deal(funder, 1000 ether);
        vm.prank(funder);
        token.approve(address(rewardPool), type(uint256).max);
        for (uint256 i = 0; i < stakers.length; ++i) {
            _fundMzku(stakers[i], 100_000 * E);
            vm.prank(stakers[i]);
            token.approve(address(staking), type(uint256).max);
        }
        // Rewards stream: period 0's inflow streams in period 1, which has begun.
        _deposit(10_000 * E, 10 ether);
        (, uint256 start, uint256 length,) = rewardPool.period();
        vm.warp(start + length + 1 hours);
        rewardPool.sync();
        _deposit(10_000 * E, 10 ether);
    }

    // ------------------------------------------------------------------------------ the orders

    /// The node's project fails on downtime (UptimeReports' penalty) in the block of the unstake, with
    /// unvested rewards accrued during the project.
    function test_unstake_inTheBlockTheProjectFailedOnDowntime() public {
        _stake(0, s1, 1000 * E);
        _stake(1, s1, 500 * E);
        _startProject();
        vm.warp(block.timestamp + 6 hours);
        _failOnDowntime();
        _unstake(0, s1, 400 * E);
        _unstake(0, s1, 600 * E);
        _unstake(1, s1, 500 * E);
        _claimAll(s1);
    }

    /// Unstaking during the project forfeits the unvested part to the stakers who stay; the last one to
    /// leave forfeits to the treasury; then the project fails on downtime with nobody staked.
    function test_unstake_forfeitsDuringAProject_lastStakerLeaves() public {
        _stake(0, s1, 1000 * E);
        _stake(1, s1, 3 * E);
        _startProject();
        vm.warp(block.timestamp + 1 days);
        _unstake(0, s1, 400 * E); // partial: a part of its unvested rewards goes to the others
        vm.warp(block.timestamp + 1 hours);
        _unstake(0, s1, 600 * E);
        _unstake(1, s1, 2.5 ether); // the sidecar keeps 0.5 MZKU: under MIN_ACTIVE_STAKE
        vm.warp(block.timestamp + 1 hours);
        _unstake(1, s1, 0.5 ether);
        _failOnDowntime();
        _stake(2, s1, 10 * E);
        _unstake(2, s1, 10 * E);
        _claimAll(s1);
    }

    /// Period boundaries nobody synced: one second after, a period later, several periods later; with
    /// a project running and with inflows queued.
    function test_unstake_afterPeriodBoundariesWithoutSync() public {
        _stake(0, s1, 1000 * E);
        _stake(1, s1, 1000 * E);
        _startProject();
        (, uint256 start, uint256 length,) = rewardPool.period();
        vm.warp(start + length); // the boundary itself
        _unstake(0, s1, 100 * E);
        vm.warp(start + length + 1);
        _unstake(0, s1, 100 * E);
        vm.warp(start + 2 * length + 30);
        _unstake(1, s1, 300 * E);
        _failOnDowntime();
        vm.warp(start + 5 * length + 7);
        _unstake(0, s1, 800 * E);
        _unstake(1, s1, 700 * E);
        _claimAll(s1);
    }

    /// The sidecar sets its node's resources, then a project starts on the node, in the unstake's block.
    function test_unstake_afterNodeResourcesAndAProjectStart() public {
        _stake(0, s1, 1000 * E);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(s1);
        nodes.setNodeResources(node1, Resources(8, 32, 4000, 200));
        _startProject();
        _unstake(0, s1, 1000 * E);
        _stake(0, s1, 5 * E);
        vm.warp(block.timestamp + 1 days);
        _unstake(0, s1, 1 * E);
        _claimAll(s1);
    }

    /// Random orders of everything above, on two sidecars: every unstake of a stake held succeeds and
    /// pays exactly the amount; at the end every staker takes everything back and claims.
    function testFuzz_unstakeNeverReverts(uint256 seed) public {
        for (uint256 step = 0; step < 40; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 op = r % 9;
            uint256 who = (r >> 8) % stakers.length;
            address sc = (r >> 16) % 3 == 0 ? s2 : s1;
            if (op == 0) {
                vm.warp(block.timestamp + (r >> 24) % 3 days);
            } else if (op == 1) {
                _stake(who, sc, 1 + (r >> 24) % (2000 * E));
            } else if (op == 2 || op == 3) {
                uint256 held = staking.stakeOf(sc, stakers[who]);
                if (held != 0) _unstake(who, sc, op == 2 ? held : 1 + (r >> 24) % held);
            } else if (op == 4) {
                if (running == 0) {
                    _forgive();
                    _startProject();
                }
            } else if (op == 5) {
                if (running != 0) _failOnDowntime();
            } else if (op == 6) {
                _deposit(1 + (r >> 24) % (1000 * E), (r >> 128) % 5 ether);
            } else if (op == 7) {
                rewardPool.sync();
            } else {
                vm.prank(stakers[who]);
                try rewardPool.claim(IStakeObserver.StakeClass.Sidecar, sc) {} catch {}
            }
        }
        vm.warp(block.timestamp + (seed % 20) * 1 days);
        for (uint256 i = 0; i < stakers.length; ++i) {
            for (uint256 k = 0; k < 2; ++k) {
                address sc = k == 0 ? s1 : s2;
                uint256 held = staking.stakeOf(sc, stakers[i]);
                if (held != 0) _unstake(i, sc, held);
            }
        }
        _claimAll(s1);
        _claimAll(s2);
    }

    // ------------------------------------------------------------------------------ helpers

    function _stake(uint256 who, address sidecar, uint256 amount) internal {
        vm.prank(stakers[who]);
        staking.stake(sidecar, amount);
    }

    /// Unstakes and checks it succeeded and paid exactly `amount`; a revert fails with its data.
    function _unstake(uint256 who, address sidecar, uint256 amount) internal {
        address s = stakers[who];
        uint256 before = token.balanceOf(s);
        vm.prank(s);
        try staking.unstake(sidecar, amount) {}
        catch (bytes memory why) {
            emit log_named_bytes("unstake reverted", why);
            fail();
        }
        assertEq(token.balanceOf(s), before + amount, "unstake pays the amount");
    }

    /// Every staker's sidecar rewards and credits are paid, and the pool holds what that takes.
    function _claimAll(address sidecar) internal {
        for (uint256 i = 0; i < stakers.length; ++i) {
            vm.startPrank(stakers[i]);
            try rewardPool.claim(IStakeObserver.StakeClass.Sidecar, sidecar) {}
            catch (bytes memory why) {
                assertEq(bytes4(why), bytes4(keccak256("RewardPoolNothingToClaim(address)")), "claim");
            }
            (uint256 m, uint256 e) = rewardPool.owedOf(stakers[i]);
            if (m != 0 || e != 0) rewardPool.claimOwed();
            vm.stopPrank();
        }
    }

    function _deposit(uint256 mzku, uint256 eth) internal {
        vm.startPrank(funder);
        rewardPool.depositMzku(mzku);
        if (eth != 0) rewardPool.depositEth{value: eth}();
        vm.stopPrank();
    }

    /// The provider wins a new 30-day project (the only bidder) and starts it on node1 (in a fuzzed
    /// sequence, a provider the market no longer finds eligible, after downtimes, wins nothing).
    function _startProject() internal {
        vm.prank(requester);
        uint256 projectId = market.openProject(Resources(4, 16, 100, 100), 30 days, 2, 10_000 * E);
        bytes32 salt = keccak256(abi.encode(projectId));
        bytes32 commitment = market.commitmentOf(60 * E, salt, provider, projectId);
        vm.prank(provider);
        market.commit(projectId, commitment);
        ProjectMarket.ProjectView memory p = market.getProject(projectId);
        vm.roll(p.commitEndBlock);
        vm.prank(provider);
        market.reveal(projectId, 0, 60 * E, salt);
        vm.roll(p.revealEndBlock);
        market.settle(projectId);
        if (market.getProject(projectId).winner != provider) return;
        vm.prank(provider);
        market.startProject(projectId, node1);
        running = projectId;
    }

    /// UptimeReports applies the downtime penalty to node1's running project.
    function _failOnDowntime() internal {
        vm.prank(a.uptimeReports);
        assertEq(market.failOnDowntime(node1), running, "the running project failed");
        running = 0;
    }

    /// What governance does for a provider it forgives: the disqualification a downtime brought ends,
    /// so the fuzzed sequence can start more projects on node1.
    function _forgive() internal {
        uint256 id = registry.providerIdOf(provider);
        if (!registry.isDisqualified(id)) return;
        vm.prank(address(governance));
        registry.liftDisqualification(id);
    }
}
