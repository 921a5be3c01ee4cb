// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RewardPoolBase} from "../unit/RewardPoolBase.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";

contract RewardPoolFuzzTest is RewardPoolBase {
    IStakeObserver.StakeClass internal constant GOV = IStakeObserver.StakeClass.Governor;
    IStakeObserver.StakeClass internal constant PROV = IStakeObserver.StakeClass.Provider;
    IStakeObserver.StakeClass internal constant SIDE = IStakeObserver.StakeClass.Sidecar;
    IStakeObserver.StakeClass internal constant REQ = IStakeObserver.StakeClass.Requester;

    address internal a1 = makeAddr("a1");
    address internal a2 = makeAddr("a2");
    address internal a3 = makeAddr("a3");
    address internal a4 = makeAddr("a4");
    address internal sc = makeAddr("sidecar");

    function _claimAll(IStakeObserver.StakeClass c, address who, address key) internal returns (uint256 m, uint256 e) {
        (uint256 cm, uint256 ce) = pool.claimable(c, who, key);
        (uint256 om, uint256 oe) = pool.owedOf(who);
        if (cm + ce + om + oe == 0) return (0, 0);
        vm.prank(who);
        (m, e) = pool.claim(c, key);
        if (om + oe != 0) {
            (uint256 rm, uint256 re) = pool.owedOf(who);
            if (rm + re != 0) {
                vm.prank(who);
                (uint256 xm, uint256 xe) = pool.claimOwed();
                (m, e) = (m + xm, e + xe);
            }
        }
    }

    /// @notice Random stakes, inflows and times: after the streams end, what was paid plus what is
    ///         still credited or carried equals what came in, up to a few wei of rounding dust.
    function testFuzz_streamedTotalsAreExact(
        uint256 inM,
        uint256 inE,
        uint256 s1,
        uint256 s2,
        uint256 s3,
        uint256 s4,
        uint256 t1,
        uint256 t2,
        uint256 newS1
    ) public {
        inM = bound(inM, 1, 1e27);
        inE = bound(inE, 1, 1e24);
        s1 = bound(s1, 1e18, 1e27);
        s2 = bound(s2, 1, 1e27);
        s3 = bound(s3, 1, 1e27);
        s4 = bound(s4, 0, 1e27);
        newS1 = bound(newS1, 0, 1e27);
        t1 = bound(t1, 0, 3 * PERIOD);
        t2 = bound(t2, 0, 3 * PERIOD);
        _stake(GOV, a1, address(0), s1);
        _stake(PROV, a2, address(0), s2);
        _stake(SIDE, a3, sc, s3);
        _stake(REQ, a4, address(0), s4);
        _depositM(inM);
        vm.warp(block.timestamp + t1);
        _depositE(inE);
        _stake(GOV, a1, address(0), newS1);
        vm.warp(block.timestamp + t2);
        vm.warp(block.timestamp + 3 * PERIOD); // every stream is out
        pool.sync();
        pool.syncSidecar(sc);
        _claimInto(GOV, a1, address(0));
        _claimInto(PROV, a2, address(0));
        _claimInto(SIDE, a3, sc);
        _claimInto(REQ, a4, address(0));
        _checkExact(inM, inE);
    }

    uint256 internal _paidM;
    uint256 internal _paidE;

    function _claimInto(IStakeObserver.StakeClass c, address who, address key) internal {
        (uint256 m, uint256 e) = _claimAll(c, who, key);
        _paidM += m;
        _paidE += e;
    }

    function _checkExact(uint256 inM, uint256 inE) internal view {
        (uint256 tm, uint256 te) = pool.owedOf(treasury);
        (uint256 cm, uint256 ce) = pool.sidecarCarry(sc);
        uint256 keptM = tm + cm + pool.undistributed(0);
        uint256 keptE = te + ce + pool.undistributed(1);
        assertEq(token.balanceOf(address(pool)), inM - _paidM, "balance == in - paid (MZKU)");
        assertEq(address(pool).balance, inE - _paidE, "balance == in - paid (ETH)");
        assertLe(_paidM + keptM, inM, "never more than came in (MZKU)");
        assertLe(_paidE + keptE, inE, "never more than came in (ETH)");
        assertLe(inM - _paidM - keptM, 16, "rounding dust (MZKU)");
        assertLe(inE - _paidE - keptE, 16, "rounding dust (ETH)");
    }

    /// @notice The split of one period's inflow: the three class shares and the treasury's part sum to
    ///         the inflow exactly, and the treasury gets at least its 10%.
    function testFuzz_splitSumsExactly(uint256 amount) public {
        amount = bound(amount, 1, pool.MAX_PERIOD_INFLOW());
        vm.deal(funder, amount);
        _depositE(amount);
        vm.warp(block.timestamp + PERIOD);
        pool.sync();
        (uint256 cur,) = pool.streamOf(1);
        assertEq(cur, amount);
        (, uint256 te) = pool.owedOf(treasury);
        uint256 g = amount * 3000 / 10_000;
        uint256 p = amount * 4000 / 10_000;
        uint256 s = amount * 2000 / 10_000;
        assertEq(g + p + s + te, amount, "every wei has a class or the treasury");
        assertGe(te, amount * 1000 / 10_000, "treasury gets at least 10%");
        assertLe(te, amount * 1000 / 10_000 + 3, "and at most 3 wei of split dust more");
    }

    /// @notice Claims never depend on how often the accumulators are sampled (beyond dust).
    function testFuzz_claimIndependentOfSampling(uint256 inM, uint256 samples, uint256 seed) public {
        inM = bound(inM, 1e6, 1e27);
        samples = bound(samples, 0, 20);
        _stake(GOV, a1, address(0), 7e18);
        _stake(GOV, a2, address(0), 13e18);
        _depositM(inM);
        vm.warp(block.timestamp + PERIOD);
        for (uint256 i = 0; i < samples; ++i) {
            vm.warp(block.timestamp + bound(uint256(keccak256(abi.encode(seed, i))), 1, PERIOD / 20));
            pool.sync();
        }
        vm.warp(block.timestamp + 2 * PERIOD);
        (uint256 m1,) = pool.claimable(GOV, a1, address(0));
        (uint256 m2,) = pool.claimable(GOV, a2, address(0));
        uint256 share = inM * 3000 / 10_000;
        assertApproxEqAbs(m1, share * 7 / 20, 2 * samples + 30, "a1 7/20 (carry < 21 wei, floors)");
        assertApproxEqAbs(m2, share * 13 / 20, 2 * samples + 30, "a2 13/20");
        assertLe(m1 + m2, share);
    }

    /// @notice A claim or stake change after a period's end that nobody has started yet (the period is
    ///         started by `sync` or a deposit, never by a user's call) accrues exactly what it would have
    ///         accrued had the period been started first, and the accounting identity holds in between:
    ///         Σ claimable + unvested + credited + carried + undistributed stays within dust of the balance.
    function testFuzz_unstartedPeriodAccruesAsIfStarted(
        uint256 inM,
        uint256 inE,
        uint256 s1,
        uint256 s3,
        uint256 t,
        uint256 newS3,
        uint256 nextLength
    ) public {
        s3 = bound(s3, 1e18, 1e27);
        newS3 = bound(newS3, 0, 1e27);
        _dueUnstarted(bound(inM, 1, 1e26), bound(inE, 1, 1e23), bound(s1, 1e18, 1e27), s3, t, nextLength);

        uint256 snap = vm.snapshotState();
        pool.sync();
        uint256[4] memory started = _claimAndChange(s3, newS3);
        vm.revertToState(snap);
        uint256[4] memory lazy = _claimAndChange(s3, newS3);
        for (uint256 i = 0; i < 4; ++i) {
            assertEq(lazy[i], started[i], "as if the period had started");
        }
        (uint64 index,,,) = pool.period();
        assertEq(index, 1, "users' calls start no period");
        _assertIdentity(lazy[2], lazy[3]);
    }

    function _dueUnstarted(uint256 inM, uint256 inE, uint256 s1, uint256 s3, uint256 t, uint256 nextLength) internal {
        vm.prank(gov);
        pool.setPeriodLength(bound(nextLength, 1 hours, 2 * PERIOD));
        _stake(GOV, a1, address(0), s1);
        _stake(SIDE, a3, sc, s3);
        _depositM(inM);
        _depositE(inE);
        _toNextPeriod(1);
        pool.sync();
        _depositM(inM / 2 + 1); // queued: feeds the period after
        _depositE(inE / 2 + 1);
        (, uint256 start, uint256 length,) = pool.period();
        vm.warp(start + length + bound(t, 0, 3 * PERIOD)); // due, not started
    }

    /// @dev The governor claims; the sidecar staker's stake changes. Returns (governor M, E, staker's
    ///      credited M, E).
    function _claimAndChange(uint256 s3, uint256 newS3) internal returns (uint256[4] memory r) {
        (r[0], r[1]) = _claimAll(GOV, a1, address(0));
        vm.prank(sidecarSource);
        pool.onStakeChanged(SIDE, a3, sc, s3, newS3);
        (r[2], r[3]) = pool.owedOf(a3);
    }

    /// @dev The classes with stake were touched in this block; the provider class has none (its stream
    ///      is undistributed until the rollover orphans it to the treasury).
    function _assertIdentity(uint256 owedM, uint256 owedE) internal {
        pool.syncSidecar(sc); // the sidecar's own accumulator up to its class
        uint256[2] memory liab = [owedM + pool.undistributed(0), owedE + pool.undistributed(1)];
        (uint256 m, uint256 e) = pool.claimable(SIDE, a3, sc);
        (liab[0], liab[1]) = (liab[0] + m, liab[1] + e);
        (m, e) = pool.unvested(a3, sc);
        (liab[0], liab[1]) = (liab[0] + m, liab[1] + e);
        (m, e) = pool.claimable(GOV, a1, address(0));
        (liab[0], liab[1]) = (liab[0] + m, liab[1] + e);
        (m, e) = pool.owedOf(treasury);
        (liab[0], liab[1]) = (liab[0] + m, liab[1] + e);
        (m, e) = pool.sidecarCarry(sc);
        (liab[0], liab[1]) = (liab[0] + m, liab[1] + e);
        assertLe(liab[0], token.balanceOf(address(pool)), "MZKU liabilities <= balance");
        assertLe(liab[1], address(pool).balance, "ETH liabilities <= balance");
        assertLe(token.balanceOf(address(pool)) - liab[0], 40, "MZKU dust");
        assertLe(address(pool).balance - liab[1], 40, "ETH dust");
    }
}
