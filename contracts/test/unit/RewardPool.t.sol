// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {RewardPoolBase, HostileReceiver, HostileToken} from "./RewardPoolBase.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {Governed} from "../../src/governance/Governed.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";

contract RewardPoolTest is RewardPoolBase {
    IStakeObserver.StakeClass internal constant GOV = IStakeObserver.StakeClass.Governor;
    IStakeObserver.StakeClass internal constant PROV = IStakeObserver.StakeClass.Provider;
    IStakeObserver.StakeClass internal constant SIDE = IStakeObserver.StakeClass.Sidecar;
    IStakeObserver.StakeClass internal constant REQ = IStakeObserver.StakeClass.Requester;

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal sidecarX = makeAddr("sidecarX");

    function _claim(address who, IStakeObserver.StakeClass c, address key) internal returns (uint256 m, uint256 e) {
        vm.prank(who);
        return pool.claim(c, key);
    }

    function _claimOwed(address who) internal returns (uint256 m, uint256 e) {
        vm.prank(who);
        return pool.claimOwed();
    }

    // ---------------------------------------------------------------- construction

    function test_constructor_setsParameters() public view {
        assertEq(address(pool.mzku()), address(token));
        assertEq(pool.treasury(), treasury);
        assertEq(pool.governance(), gov);
        assertTrue(pool.isAuthorizedCaller(market));
        assertEq(pool.stakeSource(GOV), govSource);
        assertEq(pool.stakeSource(REQ), requesterSource);
        (uint64 index,, uint256 length, uint256 nextLength) = pool.period();
        assertEq(index, 0);
        assertEq(length, PERIOD);
        assertEq(nextLength, PERIOD);
    }

    function test_RevertWhen_constructorZeroToken() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new RewardPool(gov, new address[](0), IERC20(address(0)), treasury, _sources(), PERIOD);
    }

    function test_RevertWhen_constructorZeroTreasury() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new RewardPool(gov, new address[](0), IERC20(address(token)), address(0), _sources(), PERIOD);
    }

    function test_RevertWhen_constructorPeriodTooShort() public {
        vm.expectRevert(
            abi.encodeWithSelector(RewardPool.RewardPoolInvalidPeriodLength.selector, 60, 1 hours, 180 days)
        );
        new RewardPool(gov, new address[](0), IERC20(address(token)), treasury, _sources(), 60);
    }

    // ---------------------------------------------------------------- the split

    function test_claim_paysTheSplitExactly() public {
        _stake(GOV, alice, address(0), 100 ether);
        _stake(PROV, bob, address(0), 100 ether);
        _stake(SIDE, carol, sidecarX, 100 ether);
        _depositM(1000 ether);
        _depositE(10 ether);
        _toNextPeriod(0);
        _toNextPeriod(0); // the whole stream of period 1 is out
        (uint256 m, uint256 e) = _claim(alice, GOV, address(0));
        assertEq(m, 300 ether, "governors 30% MZKU");
        assertEq(e, 3 ether, "governors 30% ETH");
        (m, e) = _claim(bob, PROV, address(0));
        assertEq(m, 400 ether, "providers 40% MZKU");
        assertEq(e, 4 ether, "providers 40% ETH");
        (m, e) = _claim(carol, SIDE, sidecarX);
        assertEq(m, 200 ether, "sidecar stakers 20% MZKU");
        assertEq(e, 2 ether, "sidecar stakers 20% ETH");
        (m, e) = _claimOwed(treasury);
        assertEq(m, 100 ether, "treasury 10% MZKU");
        assertEq(e, 1 ether, "treasury 10% ETH");
        assertEq(token.balanceOf(address(pool)), 0);
        assertEq(address(pool).balance, 0);
    }

    function test_depositMzku_streamsOnlyInTheNextPeriod() public {
        _stake(GOV, alice, address(0), 100 ether);
        _depositM(1000 ether);
        vm.warp(block.timestamp + PERIOD / 2);
        (uint256 m,) = pool.claimable(GOV, alice, address(0));
        assertEq(m, 0, "nothing streams in the deposit's own period");
        _toNextPeriod(PERIOD / 2);
        (m,) = pool.claimable(GOV, alice, address(0));
        assertEq(m, 150 ether, "half of the 30% after half of the next period");
        (uint256 cm,) = _claim(alice, GOV, address(0));
        assertEq(cm, m, "claim pays what claimable showed");
    }

    function test_claim_weightsByTimeStaked() public {
        _stake(GOV, alice, address(0), 100 ether);
        _depositM(1000 ether);
        _toNextPeriod(PERIOD / 2);
        _stake(GOV, bob, address(0), 100 ether); // joins half-way through the stream
        _toNextPeriod(0);
        (uint256 a,) = _claim(alice, GOV, address(0));
        (uint256 b,) = _claim(bob, GOV, address(0));
        assertEq(a, 225 ether, "alone for half, shared for half");
        assertEq(b, 75 ether, "shared for half");
    }

    function test_claim_weightsByAmount() public {
        _stake(PROV, alice, address(0), 100 ether);
        _stake(REQ, bob, address(0), 300 ether);
        _depositM(1000 ether);
        _toNextPeriod(0);
        _toNextPeriod(0);
        (uint256 a,) = _claim(alice, PROV, address(0));
        (uint256 b,) = _claim(bob, REQ, address(0));
        assertEq(a, 100 ether, "provider: 1/4 of 40%");
        assertEq(b, 300 ether, "requester: 3/4 of 40%");
    }

    function test_sync_creditsEmptyClassesToTreasury() public {
        _stake(GOV, alice, address(0), 100 ether);
        _depositM(1000 ether);
        _toNextPeriod(0);
        _toNextPeriod(0);
        pool.sync();
        (uint256 m,) = pool.owedOf(treasury);
        assertEq(m, 700 ether, "10% + the 40% and 20% of classes without stake");
    }

    function test_onStakeChanged_creditsAccruedAndClaimPaysIt() public {
        _stake(GOV, alice, address(0), 100 ether);
        _depositM(1000 ether);
        _toNextPeriod(PERIOD / 2);
        _stake(GOV, alice, address(0), 300 ether);
        (uint256 owedM,) = pool.owedOf(alice);
        assertEq(owedM, 150 ether);
        _toNextPeriod(0);
        (uint256 m,) = _claim(alice, GOV, address(0));
        assertEq(m, 300 ether, "credited part plus the rest");
        (owedM,) = pool.owedOf(alice);
        assertEq(owedM, 0);
    }

    function test_claimMzku_andClaimEth_paySeparately() public {
        _stake(GOV, alice, address(0), 100 ether);
        _depositM(1000 ether);
        _depositE(10 ether);
        _toNextPeriod(0);
        _toNextPeriod(0);
        vm.prank(alice);
        uint256 m = pool.claimMzku(GOV, address(0));
        assertEq(m, 300 ether);
        (uint256 cm, uint256 ce) = pool.claimable(GOV, alice, address(0));
        assertEq(cm, 0);
        assertEq(ce, 3 ether);
        uint256 before = alice.balance;
        vm.prank(alice);
        uint256 e = pool.claimEth(GOV, address(0));
        assertEq(e, 3 ether);
        assertEq(alice.balance - before, 3 ether);
    }

    /// @dev Regression (fuzz): 1 MZKU of governor stake receiving 3e26 wei once wrapped a uint88 accumulator.
    function test_claim_largeRewardPerStakeIsExact() public {
        _stake(GOV, alice, address(0), 1 ether);
        _depositM(SUPPLY);
        _toNextPeriod(0);
        _toNextPeriod(0);
        (uint256 m,) = _claim(alice, GOV, address(0));
        assertEq(m, SUPPLY * 3 / 10);
    }

    function test_claim_skipsManyEmptyPeriods() public {
        _stake(GOV, alice, address(0), 100 ether);
        _depositM(1000 ether);
        vm.warp(block.timestamp + 100 * PERIOD + 5);
        (uint256 m,) = _claim(alice, GOV, address(0));
        assertEq(m, 300 ether);
        // A claim accrues through the due periods but does not start them: `sync` does.
        (uint64 index,,,) = pool.period();
        assertEq(index, 0);
        pool.sync();
        uint256 start;
        uint256 length;
        (index, start, length,) = pool.period();
        assertEq(index, 100);
        assertLe(start, block.timestamp);
        assertGt(start + length, block.timestamp);
    }

    function test_claim_twoQueuedStreamsAcrossSkippedPeriods() public {
        _stake(GOV, alice, address(0), 100 ether);
        _depositM(1000 ether); // streams in period 1
        _toNextPeriod(10);
        _depositM(500 ether); // streams in period 2
        vm.warp(block.timestamp + 5 * PERIOD); // one transaction walks through both streams
        (uint256 m,) = _claim(alice, GOV, address(0));
        assertEq(m, 450 ether, "30% of both inflows");
        pool.sync(); // the rollover (not the claim) credits the treasury
        (uint256 tm,) = pool.owedOf(treasury);
        assertEq(tm, 150 ether + 900 ether, "10% of both plus the empty classes' 60%");
    }

    function test_onStakeChanged_poolRecordIsTheTruth() public {
        vm.expectEmit(address(pool));
        emit RewardPool.RewardPoolStakeChanged(GOV, alice, address(0), 0, 5 ether, 7 ether);
        vm.prank(govSource);
        pool.onStakeChanged(GOV, alice, address(0), 7 ether, 5 ether); // a source reporting a stale old
        assertEq(pool.stakeOf(GOV, alice, address(0)), 5 ether);
        assertEq(pool.classTotal(0), 5 ether);
    }

    function test_setPeriodLength_appliesFromNextPeriod() public {
        vm.prank(gov);
        pool.setPeriodLength(1 days);
        (,, uint256 length, uint256 nextLength) = pool.period();
        assertEq(length, PERIOD);
        assertEq(nextLength, 1 days);
        _toNextPeriod(0);
        pool.sync();
        (,, length,) = pool.period();
        assertEq(length, 1 days);
    }

    function test_setTreasury_redirectsLaterCredits() public {
        address t2 = makeAddr("treasury2");
        vm.prank(gov);
        pool.setTreasury(t2);
        assertEq(pool.treasury(), t2);
        _depositM(1000 ether);
        _toNextPeriod(0);
        pool.sync();
        (uint256 m,) = pool.owedOf(t2);
        assertEq(m, 100 ether);
    }

    function test_setStakeSource_changesWhoReports() public {
        address newSource = makeAddr("newSource");
        vm.prank(gov);
        pool.setStakeSource(GOV, newSource);
        vm.prank(newSource);
        pool.onStakeChanged(GOV, alice, address(0), 0, 1 ether);
        assertEq(pool.stakeOf(GOV, alice, address(0)), 1 ether);
    }

    // ---------------------------------------------------------------- sidecars and forfeiture

    function test_sidecar_idleRewardsVestAtOnce() public {
        _stake(SIDE, alice, sidecarX, 100 ether);
        _depositM(1000 ether);
        _toNextPeriod(0);
        _toNextPeriod(0);
        (uint256 m,) = _claim(alice, SIDE, sidecarX);
        assertEq(m, 200 ether);
    }

    function test_sidecar_leaverForfeitsToRemainingStakers() public {
        _stake(SIDE, alice, sidecarX, 100 ether);
        _stake(SIDE, bob, sidecarX, 100 ether);
        _depositM(1000 ether);
        _toNextPeriod(0);
        vm.prank(market);
        pool.onProjectStarted(sidecarX);
        vm.warp(block.timestamp + PERIOD / 2);
        (,, uint256 um,) = _unvested(alice);
        assertEq(um, 50 ether, "alice accrued half of 100");
        _stake(SIDE, alice, sidecarX, 0); // leaves before the project ends
        _toNextPeriod(0);
        (uint256 cm,) = pool.claimable(SIDE, bob, sidecarX);
        assertEq(cm, 0, "nothing vests before the project ends");
        vm.prank(market);
        pool.onProjectEnded(sidecarX);
        (uint256 m,) = _claim(bob, SIDE, sidecarX);
        assertEq(m, 200 ether, "bob: his half, alice's forfeit, and all of the second half");
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolNothingToClaim.selector, alice));
        _claim(alice, SIDE, sidecarX);
    }

    function _unvested(address who) internal view returns (uint256, uint256, uint256, uint256) {
        (uint256 um, uint256 ue) = pool.unvested(who, sidecarX);
        return (0, 0, um, ue);
    }

    function test_sidecar_partialWithdrawalForfeitsTheWithdrawnFraction() public {
        _stake(SIDE, alice, sidecarX, 100 ether);
        _stake(SIDE, bob, sidecarX, 100 ether);
        _depositM(1000 ether);
        _toNextPeriod(0);
        vm.prank(market);
        pool.onProjectStarted(sidecarX);
        vm.warp(block.timestamp + PERIOD / 2);
        _stake(SIDE, alice, sidecarX, 50 ether); // forfeits 25 of her 50 unvested
        _toNextPeriod(0);
        vm.prank(market);
        pool.onProjectEnded(sidecarX);
        (uint256 a,) = _claim(alice, SIDE, sidecarX);
        (uint256 b,) = _claim(bob, SIDE, sidecarX);
        // alice: 25 kept + 25 * 50/150 of the forfeit + 100 * 50/150 of the second half
        // carried remainders are < total / 1e18 + 1 = 151 wei per accumulator
        assertApproxEqAbs(a, 25 ether + uint256(25 ether) / 3 + uint256(100 ether) / 3, 302);
        assertApproxEqAbs(b, 50 ether + uint256(50 ether) / 3 + uint256(200 ether) / 3, 302);
        assertLe(a + b, 200 ether, "never more than streamed");
        assertGe(a + b, 200 ether - 604, "only carried remainders are left");
    }

    function test_sidecar_rewardsBeforeProjectStartStayVested() public {
        _stake(SIDE, alice, sidecarX, 100 ether);
        _depositM(1000 ether);
        _toNextPeriod(PERIOD / 2); // 100 accrued while idle
        vm.prank(market);
        pool.onProjectStarted(sidecarX);
        vm.warp(block.timestamp + PERIOD / 4);
        pool.sync();
        (uint256 tBefore,) = pool.owedOf(treasury);
        _stake(SIDE, alice, sidecarX, 0); // leaves: forfeits 50, no one remains -> treasury
        (uint256 owedM,) = pool.owedOf(alice);
        assertEq(owedM, 100 ether, "idle part vested and credited");
        (uint256 tAfter,) = pool.owedOf(treasury);
        assertEq(tAfter - tBefore, 50 ether, "the forfeit without remaining stakers");
    }

    function test_sidecar_claimMzkuCreditsTheVestedEth() public {
        _stake(SIDE, alice, sidecarX, 100 ether);
        _depositM(1000 ether);
        _depositE(10 ether);
        _toNextPeriod(0);
        _toNextPeriod(0);
        vm.prank(alice);
        uint256 m = pool.claimMzku(SIDE, sidecarX);
        assertEq(m, 200 ether);
        (, uint256 owedE) = pool.owedOf(alice);
        assertEq(owedE, 2 ether, "ETH vested with the MZKU is credited");
        vm.prank(alice);
        uint256 e = pool.claimEth(SIDE, sidecarX);
        assertEq(e, 2 ether, "and paid by the next ETH claim of the position");
    }

    function test_sidecar_unvestedReportedDuringProject() public {
        _stake(SIDE, alice, sidecarX, 100 ether);
        _depositE(10 ether);
        _toNextPeriod(0);
        vm.prank(market);
        pool.onProjectStarted(sidecarX);
        vm.warp(block.timestamp + PERIOD / 2);
        (uint256 cm, uint256 ce) = pool.claimable(SIDE, alice, sidecarX);
        (uint256 um, uint256 ue) = pool.unvested(alice, sidecarX);
        assertEq(cm + ce + um, 0);
        assertEq(ue, 1 ether, "half of the 20% of 10 ETH, unvested");
        vm.prank(market);
        pool.onProjectEnded(sidecarX);
        (, ce) = pool.claimable(SIDE, alice, sidecarX);
        assertEq(ce, 1 ether, "vested at the end");
    }

    function test_onProjectStarted_nestedProjectsVestAtEachEnd() public {
        vm.startPrank(market);
        pool.onProjectStarted(sidecarX);
        pool.onProjectStarted(sidecarX);
        (, uint32 epoch, uint16 active) = pool.sidecarInfo(sidecarX);
        assertEq(epoch, 1);
        assertEq(active, 2);
        pool.onProjectEnded(sidecarX);
        pool.onProjectEnded(sidecarX);
        vm.stopPrank();
        (, epoch, active) = pool.sidecarInfo(sidecarX);
        assertEq(epoch, 3);
        assertEq(active, 0);
    }

    /// @dev A project that starts while the sidecar has no stake records no vesting boundary values (no
    ///      position could need them): a staker who joins during the project still vests exactly what it
    ///      accrued, at the project's end.
    function test_sidecar_projectOnAnUnstakedSidecarVestsLaterStakersExactly() public {
        _depositM(1000 ether);
        _toNextPeriod(0); // 200 MZKU stream to the sidecar class over this period
        vm.prank(market);
        pool.onProjectStarted(sidecarX);
        vm.warp(block.timestamp + PERIOD / 4);
        _stake(SIDE, alice, sidecarX, 100 ether);
        vm.warp(block.timestamp + PERIOD / 4);
        (uint256 um,) = pool.unvested(alice, sidecarX);
        assertEq(um, 50 ether, "a quarter of 200, unvested");
        (uint256 cm,) = pool.claimable(SIDE, alice, sidecarX);
        assertEq(cm, 0);
        vm.prank(market);
        pool.onProjectEnded(sidecarX);
        (uint256 m,) = _claim(alice, SIDE, sidecarX);
        assertEq(m, 50 ether, "vested at the end, to the wei");
    }

    /// @dev A sidecar emptied after a project keeps that project's boundary values; a later project on
    ///      the empty sidecar does not overwrite them. A staker who joins during it must vest against
    ///      its own project's end, never against the stale values.
    function test_sidecar_staleBoundaryOfAnEmptiedSidecarIsNeverUsed() public {
        _stake(SIDE, alice, sidecarX, 100 ether);
        _depositM(1000 ether);
        _depositE(10 ether);
        _toNextPeriod(0);
        vm.startPrank(market);
        pool.onProjectStarted(sidecarX);
        vm.warp(block.timestamp + PERIOD / 8);
        pool.onProjectEnded(sidecarX);
        vm.stopPrank();
        _stake(SIDE, alice, sidecarX, 0); // everything vested: credited to alice
        (uint256 owedM, uint256 owedE) = pool.owedOf(alice);
        assertEq(owedM, 25 ether);
        assertEq(owedE, 0.25 ether);
        vm.prank(market);
        pool.onProjectStarted(sidecarX); // no stake: no boundary values written
        vm.warp(block.timestamp + PERIOD / 8);
        _stake(SIDE, bob, sidecarX, 100 ether);
        vm.warp(block.timestamp + PERIOD / 4);
        vm.prank(market);
        pool.onProjectEnded(sidecarX);
        vm.warp(block.timestamp + PERIOD / 4);
        (uint256 m, uint256 e) = _claim(bob, SIDE, sidecarX);
        assertEq(m, 100 ether, "half of 200: a quarter in the project, a quarter after");
        assertEq(e, 1 ether);
        (m, e) = _claim(alice, SIDE, sidecarX);
        assertEq(m, 25 ether, "alice: only what she had when she left");
        assertEq(e, 0.25 ether);
    }

    // ---------------------------------------------------------------- reverts (one per custom error)

    function test_RevertWhen_onStakeChangedFromWrongSource() public {
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolUnauthorizedSource.selector, GOV, providerSource));
        vm.prank(providerSource);
        pool.onStakeChanged(GOV, alice, address(0), 0, 1);
    }

    function test_RevertWhen_stakeTooLarge() public {
        uint256 max = pool.MAX_STAKE();
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolStakeTooLarge.selector, max + 1, max));
        vm.prank(govSource);
        pool.onStakeChanged(GOV, alice, address(0), 0, max + 1);
    }

    function test_RevertWhen_classTotalTooLarge() public {
        uint256 max = pool.MAX_STAKE();
        _stake(GOV, alice, address(0), max);
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolStakeTooLarge.selector, max + 1, max));
        vm.prank(govSource);
        pool.onStakeChanged(GOV, bob, address(0), 0, 1);
    }

    /// A sidecar's total is capped through its class's total (the sum of all sidecars' totals): one
    /// more wei at the same sidecar or at another one is refused, with the class total named.
    function test_RevertWhen_sidecarTotalTooLarge() public {
        uint256 max = pool.MAX_STAKE();
        _stake(SIDE, alice, sidecarX, max);
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolStakeTooLarge.selector, max + 1, max));
        vm.prank(sidecarSource);
        pool.onStakeChanged(SIDE, bob, sidecarX, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolStakeTooLarge.selector, max + 1, max));
        vm.prank(sidecarSource);
        pool.onStakeChanged(SIDE, bob, makeAddr("sidecarY"), 0, 1);
        (uint256 total,,) = pool.sidecarInfo(sidecarX);
        assertEq(total, max);
    }

    function test_RevertWhen_depositMzkuZero() public {
        vm.expectRevert(RewardPool.RewardPoolZeroDeposit.selector);
        _depositM(0);
    }

    function test_RevertWhen_depositEthZero() public {
        vm.expectRevert(RewardPool.RewardPoolZeroDeposit.selector);
        _depositE(0);
    }

    function test_RevertWhen_depositTooLarge() public {
        uint256 max = pool.MAX_PERIOD_INFLOW();
        vm.deal(funder, max + 1);
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolDepositTooLarge.selector, 0, max + 1));
        _depositE(max + 1);
    }

    function test_RevertWhen_nothingToClaim() public {
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolNothingToClaim.selector, alice));
        _claim(alice, GOV, address(0));
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolNothingToClaim.selector, alice));
        _claimOwed(alice);
    }

    function test_RevertWhen_setPeriodLengthTooLong() public {
        vm.expectRevert(
            abi.encodeWithSelector(RewardPool.RewardPoolInvalidPeriodLength.selector, 181 days, 1 hours, 180 days)
        );
        vm.prank(gov);
        pool.setPeriodLength(181 days);
    }

    function test_RevertWhen_projectEndedWithoutProject() public {
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolNoActiveProject.selector, sidecarX));
        vm.prank(market);
        pool.onProjectEnded(sidecarX);
    }

    function test_RevertWhen_sidecarZero() public {
        vm.expectRevert(RewardPool.RewardPoolZeroSidecar.selector);
        vm.prank(sidecarSource);
        pool.onStakeChanged(SIDE, alice, address(0), 0, 1 ether);
        vm.expectRevert(RewardPool.RewardPoolZeroSidecar.selector);
        vm.prank(market);
        pool.onProjectStarted(address(0));
    }

    function test_RevertWhen_ethTransferFails() public {
        HostileReceiver r = new HostileReceiver(pool);
        r.setRefuse(true);
        _stake(GOV, address(r), address(0), 100 ether);
        _depositE(10 ether);
        _toNextPeriod(0);
        _toNextPeriod(0);
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolEthTransferFailed.selector, address(r), 3 ether));
        r.claim(GOV, address(0));
    }

    function test_RevertWhen_setTreasuryZero() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        vm.prank(gov);
        pool.setTreasury(address(0));
    }

    // ---------------------------------------------------------------- access control

    function test_RevertWhen_setTreasuryNotGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, alice));
        vm.prank(alice);
        pool.setTreasury(alice);
    }

    function test_RevertWhen_setPeriodLengthNotGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, market));
        vm.prank(market);
        pool.setPeriodLength(1 days);
    }

    function test_RevertWhen_setStakeSourceNotGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, alice));
        vm.prank(alice);
        pool.setStakeSource(GOV, alice);
    }

    function test_RevertWhen_setAuthorizedCallerNotGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, alice));
        vm.prank(alice);
        pool.setAuthorizedCaller(alice, true);
    }

    function test_RevertWhen_onProjectStartedUnauthorized() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorizedCaller.selector, alice));
        vm.prank(alice);
        pool.onProjectStarted(sidecarX);
    }

    function test_RevertWhen_onProjectEndedUnauthorized() public {
        vm.prank(market);
        pool.onProjectStarted(sidecarX);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorizedCaller.selector, alice));
        vm.prank(alice);
        pool.onProjectEnded(sidecarX);
    }

    function test_onProjectStarted_byGovernance() public {
        vm.prank(gov);
        pool.onProjectStarted(sidecarX);
        (,, uint16 active) = pool.sidecarInfo(sidecarX);
        assertEq(active, 1);
    }

    /// @dev Only the Requester stake source may report a requester's stake with a project start: an
    ///      authorized caller that is not the source (here the market double's address) may not.
    function test_RevertWhen_onProjectStartedWithStakeNotRequesterSource() public {
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolUnauthorizedSource.selector, REQ, market));
        vm.prank(market);
        pool.onProjectStartedWithStake(sidecarX, alice, 0, 100 ether);
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolUnauthorizedSource.selector, REQ, gov));
        vm.prank(gov);
        pool.onProjectStartedWithStake(sidecarX, alice, 0, 100 ether);
    }

    /// @dev The combined call leaves exactly the state of `onStakeChanged` + `onProjectStarted`: same
    ///      stakes, same vesting boundary, and later the same amounts to the wei for everyone.
    function test_onProjectStartedWithStake_equalsTheTwoCalls() public {
        _stake(SIDE, bob, sidecarX, 100 ether);
        _stake(REQ, alice, address(0), 50 ether);
        _depositM(1000 ether);
        _depositE(10 ether);
        _toNextPeriod(PERIOD / 3);
        uint256 before = vm.snapshotState();
        vm.prank(requesterSource);
        pool.onStakeChanged(REQ, alice, address(0), 50 ether, 80 ether);
        vm.prank(market);
        pool.onProjectStarted(sidecarX);
        uint256[8] memory two = _afterStart();
        vm.revertToState(before);
        vm.prank(requesterSource);
        pool.onProjectStartedWithStake(sidecarX, alice, 50 ether, 80 ether);
        uint256[8] memory one = _afterStart();
        for (uint256 i = 0; i < 8; ++i) {
            assertEq(one[i], two[i], vm.toString(i));
        }
        assertEq(two[0], 80 ether);
        assertGt(two[3], 0, "alice earned in between");
    }

    /// @dev What a project start decides, measured half a period later and after the project's end.
    function _afterStart() internal returns (uint256[8] memory r) {
        r[0] = pool.stakeOf(REQ, alice, address(0));
        (, uint32 epoch, uint16 active) = pool.sidecarInfo(sidecarX);
        (r[1], r[2]) = (epoch, active);
        (r[3],) = pool.owedOf(alice); // her rewards up to the start, credited by the stake change
        vm.warp(block.timestamp + PERIOD / 2);
        (r[4],) = pool.unvested(bob, sidecarX);
        vm.prank(market);
        pool.onProjectEnded(sidecarX);
        (r[5], r[6]) = _claim(bob, SIDE, sidecarX);
        (r[7],) = _claim(alice, REQ, address(0));
    }

    // ---------------------------------------------------------------- reentrancy

    function test_claim_hostileEthReceiverCannotReenter() public {
        HostileReceiver r = new HostileReceiver(pool);
        _stake(GOV, address(r), address(0), 100 ether);
        _depositE(10 ether);
        _toNextPeriod(0);
        _toNextPeriod(0);
        (, uint256 e) = r.claim(GOV, address(0));
        assertEq(e, 3 ether);
        assertTrue(r.reentered(), "the receiver tried");
        assertFalse(r.reentrySucceeded(), "the guard stopped it");
        assertEq(address(r).balance, 3 ether, "paid once");
    }

    function test_claim_hostileTokenCannotReenter() public {
        HostileToken ht = new HostileToken();
        RewardPool p2 = _newPool(IERC20(address(ht)));
        ht.setPool(p2);
        vm.prank(govSource);
        p2.onStakeChanged(GOV, alice, address(0), 0, 100 ether);
        ht.approve(address(p2), type(uint256).max);
        p2.depositMzku(1000 ether);
        vm.warp(block.timestamp + 2 * PERIOD);
        vm.prank(alice);
        (uint256 m,) = p2.claim(GOV, address(0));
        assertEq(m, 300 ether);
        assertTrue(ht.reentered());
        assertFalse(ht.reentrySucceeded());
        assertEq(ht.balanceOf(alice), 300 ether);
    }

    function test_reentrancyGuard_selectorIsTheOneReported() public pure {
        // documents which error a re-entering call meets
        assertEq(
            ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector,
            bytes4(keccak256("ReentrancyGuardReentrantCall()"))
        );
    }
}
