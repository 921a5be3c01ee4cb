// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolBase} from "../utils/MicroPoolBase.sol";

contract MicroPoolFuzzTest is MicroPoolBase {
    /// The fee is ceil(stake × FP / 32 ETH); refunds are floors, so the pool can always refund everyone.
    function testFuzz_stake_FeeCeilRefundFloor(uint256 fp, uint256 a, uint256 b, uint256 w) public {
        fp = bound(fp, 0, 1e25);
        quote.set(fp);
        MicroPool pool = _open(provider, 0, 1 days);
        address x = _staker("x", pool);
        address y = _staker("y", pool);
        mzku.transfer(x, 1e25);
        mzku.transfer(y, 1e25);
        a = bound(a, 0.1 ether, 16 ether);
        b = bound(b, 0.1 ether, 16 ether);
        _stake(pool, x, a);
        _stake(pool, y, b);
        assertEq(mzku.balanceOf(address(pool)), _ceil(a * fp, 32 ether) + _ceil(b * fp, 32 ether));
        // y hands part of its aETH to x; both withdraw everything: the pool never runs short of MZKU.
        w = bound(w, 0, b);
        vm.prank(y);
        pool.transfer(x, w);
        vm.prank(x);
        pool.withdraw(a + w);
        if (b - w != 0) {
            vm.prank(y);
            pool.withdraw(b - w);
        }
        // < 1 wei of rounding per stake and per withdrawal stays (forwarded at activation or cancellation).
        assertLe(mzku.balanceOf(address(pool)), 4);
        assertEq(address(pool).balance, 0);
    }

    /// Every reward split sums to the wei: insurance + reward pool + credited == amount, dust < 32 wei.
    function testFuzz_distribute_SplitExact(uint256 amount, uint16 insBps, uint16 rewBps) public {
        insBps = uint16(bound(insBps, 0, 5000));
        rewBps = uint16(bound(rewBps, 0, 5000));
        vm.prank(governance);
        factory.setSplit(insBps, rewBps);
        (MicroPool pool, address[] memory s) = _activePool8();
        amount = bound(amount, 1, 1 ether); // one distribution takes at most MAX_DISTRIBUTION
        _withdrawal(pool, amount);
        _distribute(pool);
        uint256 credited = pool.rewardPerShare() * 32;
        assertEq(insurance.ethIn() + rewardPool.ethIn() + credited, amount);
        assertEq(rewardPool.ethIn(), amount * rewBps / 10_000);
        assertLt(insurance.ethIn() - amount * insBps / 10_000, 32);
        uint256 sum;
        for (uint256 i = 0; i < 8; ++i) {
            sum += pool.claimableOf(s[i]);
        }
        assertEq(sum, credited); // 8 × 4 ETH: every share is a whole multiple, no per-account dust
    }

    /// Rewards follow aETH across transfers: the sender keeps what it earned, never more in total.
    function testFuzz_transfer_RewardsFollowTokens(uint256 r1, uint256 r2, uint256 moved) public {
        (MicroPool pool, address[] memory s) = _activePool8();
        r1 = bound(r1, 32, 1 ether);
        r2 = bound(r2, 32, 1 ether);
        moved = bound(moved, 0, 4 ether);
        _withdrawal(pool, r1);
        _distribute(pool);
        uint256 ps1 = pool.rewardPerShare();
        vm.prank(s[0]);
        pool.transfer(s[1], moved);
        _withdrawal(pool, r2);
        _distribute(pool);
        uint256 ps2 = pool.rewardPerShare() - ps1;
        assertEq(pool.claimableOf(s[0]), (ps1 * 4 ether + ps2 * (4 ether - moved)) / 1 ether);
        assertEq(pool.claimableOf(s[1]), (ps1 * 4 ether + ps2 * (4 ether + moved)) / 1 ether);
    }

    /// Loss waterfall: k first, then the Insurance Pool, then the stakers; every wei is paid out exactly.
    function testFuzz_complete_LossWaterfall(uint256 k, uint256 finalBalance, uint256 fund, uint256 split) public {
        k = bound(k, 0, 31 ether);
        finalBalance = bound(finalBalance, 0, 40 ether);
        fund = bound(fund, 0, 40 ether);
        address p = makeAddr("p");
        registry.add(p, k, true);
        vm.deal(p, k);
        MicroPool pool = _open(p, k, 30 days);
        address x = _staker("x", pool);
        address y = _staker("y", pool);
        uint256 room = 32 ether - k;
        split = bound(split, 0, room);
        if (split != 0) _stake(pool, x, split < 0.1 ether && split != room ? 0.1 ether : split);
        uint256 rest = 32 ether - k - pool.totalSupply();
        if (rest != 0) _stake(pool, y, rest);
        _setDepositData(pool);
        _activate(pool);
        vm.deal(address(insurance), fund);
        _withdrawal(pool, finalBalance);
        vm.warp(pool.settleableAfterLoss()); // a loss is settled only once the exit had time to arrive
        vm.prank(governance);
        pool.complete();

        _checkWaterfall(pool, k, finalBalance, fund);
        uint256 paid = _payEveryone(pool, p, x, y);
        // Everything owed was paid; at most 1 wei per account of rounding remains.
        assertLe(pool.reserved(), 3);
        assertEq(address(pool).balance, pool.reserved());
        uint256 comp = insurance.ethPaid();
        assertEq(paid + insurance.ethIn() + rewardPool.ethIn() + pool.reserved(), finalBalance + comp);
    }

    function _checkWaterfall(MicroPool pool, uint256 k, uint256 finalBalance, uint256 fund) internal view {
        uint256 loss = finalBalance >= 32 ether ? 0 : 32 ether - finalBalance;
        uint256 pLoss = loss < k ? loss : k;
        uint256 sLoss = loss - pLoss;
        uint256 comp = sLoss < fund ? sLoss : fund;
        assertEq(insurance.ethPaid(), comp);
        assertEq(pool.collateralToReturn(), k - pLoss);
        assertEq(pool.redemptionPot(), 32 ether - k - sLoss + comp);
    }

    function _payEveryone(MicroPool pool, address p, address x, address y) internal returns (uint256 paid) {
        address[2] memory hs = [x, y];
        for (uint256 i = 0; i < 2; ++i) {
            uint256 bal = pool.balanceOf(hs[i]);
            if (bal != 0) {
                vm.prank(hs[i]);
                paid += pool.redeem(bal);
            }
            if (pool.claimableOf(hs[i]) != 0) {
                vm.prank(hs[i]);
                paid += pool.claim();
            }
        }
        if (pool.collateralToReturn() != 0) {
            vm.prank(p);
            paid += pool.withdrawCollateral();
        }
        if (pool.providerClaimable() != 0) {
            vm.prank(p);
            paid += pool.claimProviderRewards();
        }
    }

    function _ceil(uint256 x, uint256 d) internal pure returns (uint256) {
        return x == 0 ? 0 : (x - 1) / d + 1;
    }
}
