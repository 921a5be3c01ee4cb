// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {DeployedProtocol} from "../utils/DeployedProtocol.sol";

/// @notice Collateral locked before governance wires the Reward Pool as the ProviderRegistry's stake
///         observer: the pool was never told of it, so it must not stay out of the 40% class for good
///         (it backs assignments like any other collateral). `reportCollateral` (permissionless) tells
///         the observer; once told, the position earns exactly like one opened by a deposit.
contract CollateralBeforeObserverTest is DeployedProtocol {
    uint256 internal constant E = 1 ether;
    IStakeObserver.StakeClass internal constant PROVIDER = IStakeObserver.StakeClass.Provider;

    address internal early = makeAddr("earlyProvider"); // locks before the bootstrap proposal
    address internal late = makeAddr("lateProvider"); // locks after it
    uint256 internal earlyId;
    uint256 internal lateId;

    function setUp() public {
        _deployProtocol("forge-test-collateral-before-observer");
        _seatGovernors();
        earlyId = _provider(early, "Early Nodes");
        _passBootstrap(); // every stake source reports to the Reward Pool from now on
        lateId = _provider(late, "Late Nodes");
    }

    function _provider(address owner, string memory brand) internal returns (uint256 id) {
        _fundMzku(owner, 10_000 * E);
        vm.startPrank(owner);
        id = registry.applyAsProvider(brand, Resources(16, 64, 8000, 1000), uint128(1000 * E), "ipfs://x");
        token.approve(address(registry), 10_000 * E);
        registry.depositCollateral(10_000 * E);
        vm.stopPrank();
    }

    /// The attack as it was: collateral locked before the wiring stays out of the class and never earns,
    /// while the same collateral locked a block later earns the whole class share.
    function test_Attack_collateralLockedBeforeObserverEarns() public {
        assertEq(rewardPool.stakeOf(PROVIDER, early, address(0)), 0, "the pool was never told");
        // Anyone may tell the observer (here: someone unrelated to the provider).
        vm.prank(makeAddr("anyone"));
        registry.reportCollateral(earlyId);
        assertEq(rewardPool.stakeOf(PROVIDER, early, address(0)), 10_000 * E);
        assertEq(rewardPool.classTotal(1), 20_000 * E);

        _streamOnePeriod();
        (uint256 earlyM,) = rewardPool.claimable(PROVIDER, early, address(0));
        (uint256 lateM,) = rewardPool.claimable(PROVIDER, late, address(0));
        assertEq(earlyM, lateM, "equal collateral over the same time earns the same");
        assertEq(earlyM + lateM, 400 * E, "the class share, to the wei");
    }

    /// Reporting again (or after a deposit told the pool) changes nothing: no double counting.
    function test_reportCollateral_isIdempotent() public {
        registry.reportCollateral(earlyId);
        registry.reportCollateral(earlyId);
        registry.reportCollateral(lateId);
        assertEq(rewardPool.stakeOf(PROVIDER, early, address(0)), 10_000 * E);
        assertEq(rewardPool.stakeOf(PROVIDER, late, address(0)), 10_000 * E);
        assertEq(rewardPool.classTotal(1), 20_000 * E);
    }

    function test_RevertWhen_reportCollateralUnknownProvider() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownProvider.selector, 99));
        registry.reportCollateral(99);
    }

    function test_RevertWhen_reportCollateralWithoutObserver() public {
        _govern(address(registry), abi.encodeWithSignature("setStakeObserver(address)", address(0)));
        vm.expectRevert(ProviderRegistry.ProviderRegistryNoStakeObserver.selector);
        registry.reportCollateral(earlyId);
    }
}
