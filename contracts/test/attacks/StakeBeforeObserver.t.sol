// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {DeployedProtocol} from "../utils/DeployedProtocol.sol";

/// @notice MZKU staked to a sidecar before governance wires the Reward Pool as SidecarStaking's stake
///         observer: the pool was never told of it, so it earned nothing until the staker changed its
///         stake, while the same stake made a block after the wiring took the whole sidecar share.
///         `reportStake(staker, sidecar)` (permissionless) tells the observer; once told, the position
///         earns exactly like one opened by a stake.
contract StakeBeforeObserverTest is DeployedProtocol {
    uint256 internal constant E = 1 ether;
    IStakeObserver.StakeClass internal constant SIDECAR = IStakeObserver.StakeClass.Sidecar;

    address internal provider = makeAddr("provider");
    address internal sidecar = makeAddr("sidecar");
    address internal early = makeAddr("earlyStaker"); // stakes before the bootstrap proposal
    address internal late = makeAddr("lateStaker"); // stakes after it

    function setUp() public {
        _deployProtocol("forge-test-stake-before-observer");
        _seatGovernors();
        _fundMzku(provider, 10_000 * E);
        vm.startPrank(provider);
        uint256 id = registry.applyAsProvider("Early Nodes", Resources(16, 64, 8000, 1000), uint128(1000 * E), "x");
        token.approve(address(registry), 10_000 * E);
        registry.depositCollateral(10_000 * E);
        vm.stopPrank();
        _govern(address(registry), abi.encodeWithSignature("qualify(uint256)", id));
        vm.startPrank(provider);
        uint256 nodeId = nodes.registerNode(sidecar, Resources(4, 16, 2000, 100));
        nodes.activateNode(nodeId);
        vm.stopPrank();
        _stake(early);
        _passBootstrap(); // every stake source reports to the Reward Pool from now on
        _stake(late);
    }

    function _stake(address staker) internal {
        _fundMzku(staker, 100 * E);
        vm.startPrank(staker);
        token.approve(address(staking), 100 * E);
        staking.stake(sidecar, 100 * E);
        vm.stopPrank();
    }

    /// The attack as it was: a stake made before the wiring stays out of the class and never earns,
    /// while the same stake made a block later earns the whole share.
    function test_Attack_stakeMadeBeforeObserverEarns() public {
        assertEq(rewardPool.stakeOf(SIDECAR, early, sidecar), 0, "the pool was never told");
        (uint256 total,,) = rewardPool.sidecarInfo(sidecar);
        assertEq(total, 100 * E);
        // Anyone may tell the observer (here: someone unrelated to the staker).
        vm.prank(makeAddr("anyone"));
        staking.reportStake(early, sidecar);
        assertEq(rewardPool.stakeOf(SIDECAR, early, sidecar), 100 * E);
        (total,,) = rewardPool.sidecarInfo(sidecar);
        assertEq(total, 200 * E);
        assertEq(rewardPool.classTotal(2), 200 * E);

        _streamOnePeriod();
        (uint256 earlyM,) = rewardPool.claimable(SIDECAR, early, sidecar);
        (uint256 lateM,) = rewardPool.claimable(SIDECAR, late, sidecar);
        assertEq(earlyM, lateM, "equal stakes over the same time earn the same");
        assertEq(earlyM + lateM, 200 * E, "the class share, to the wei");
    }

    /// Reporting again (or a stake the pool already knows) changes nothing: no double counting, and a
    /// third party's report during a project forfeits nothing of the staker's.
    function test_reportStake_isIdempotentAndForfeitsNothing() public {
        staking.reportStake(early, sidecar);
        staking.reportStake(early, sidecar);
        staking.reportStake(late, sidecar);
        assertEq(rewardPool.stakeOf(SIDECAR, early, sidecar), 100 * E);
        assertEq(rewardPool.stakeOf(SIDECAR, late, sidecar), 100 * E);
        assertEq(rewardPool.classTotal(2), 200 * E);
        vm.prank(address(market)); // a project starts on the node: what accrues from now is unvested
        rewardPool.onProjectStarted(sidecar);
        _streamOnePeriod();
        staking.reportStake(late, sidecar);
        (uint256 unvestedM,) = rewardPool.unvested(late, sidecar);
        assertEq(unvestedM, 100 * E, "half the share, still there after the report");
    }

    /// A report for someone with no stake at the sidecar opens nothing.
    function test_reportStake_withoutStakeOpensNothing() public {
        staking.reportStake(makeAddr("nobody"), sidecar);
        assertEq(rewardPool.stakeOf(SIDECAR, makeAddr("nobody"), sidecar), 0);
        (uint256 total,,) = rewardPool.sidecarInfo(sidecar);
        assertEq(total, 100 * E);
    }

    function test_RevertWhen_reportStakeWithoutObserver() public {
        _govern(address(staking), abi.encodeWithSignature("setStakeObserver(address)", address(0)));
        vm.expectRevert(SidecarStaking.SidecarStakingNoStakeObserver.selector);
        staking.reportStake(early, sidecar);
    }
}
