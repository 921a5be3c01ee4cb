// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolBase} from "../utils/MicroPoolBase.sol";
import {PlainErc20} from "../utils/MicroPoolDoubles.sol";
import {NaiveDepositTree} from "./DepositContract.t.sol";
import {DepositVector} from "../fixtures/DepositVectors.sol";

contract MicroPoolLifecycleTest is MicroPoolBase {
    event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index);

    /// The whole life of a pool: open, 8 stakers × 4 ETH, deposit, rewards, claims, an aETH transfer
    /// half-way, a slashing compensated by the Insurance Pool, completion and burn.
    function test_lifecycle_EightStakersWithSlashing() public {
        MicroPool pool = _open(provider, 0, 365 days);
        assertEq(pool.name(), "MZKU Pool 1 aETH");
        assertEq(pool.symbol(), "aETH-1");
        address[] memory s = new address[](8);
        for (uint256 i = 0; i < 8; ++i) {
            s[i] = _staker(string.concat("staker", vm.toString(i)), pool);
            uint256 before = mzku.balanceOf(s[i]);
            _stake(pool, s[i], 4 ether);
            // 4 ETH pays exactly 4/32 × FP.
            assertEq(before - mzku.balanceOf(s[i]), FP * 4 / 32);
            assertEq(pool.balanceOf(s[i]), 4 ether); // aETH at once, 1:1
        }
        assertEq(pool.totalSupply(), 32 ether);
        assertEq(mzku.balanceOf(address(pool)), FP);

        // Deposit: the event carries the pool's credentials and the expected root.
        _setDepositData(pool);
        DepositVector memory v = _vector();
        bytes32 expectedRoot = _rootFor(pool);
        bytes32 wc = bytes32((uint256(1) << 248) | uint256(uint160(address(pool))));
        assertEq(pool.withdrawalCredentials(), wc);
        vm.expectEmit(address(pool));
        emit MicroPool.Activated(expectedRoot, FP / 10, FP - FP / 10);
        vm.expectEmit(address(depositContract));
        emit DepositEvent(v.pubkey, abi.encodePacked(wc), hex"0040597307000000", v.signature, hex"0000000000000000");
        _activate(pool);
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = expectedRoot;
        assertEq(depositContract.get_deposit_root(), NaiveDepositTree.root(leaves));
        assertEq(address(depositContract).balance, 32 ether);
        assertEq(mzku.balanceOf(address(rewardPool)), FP / 10);
        assertEq(mzku.balanceOf(provider), FP - FP / 10);

        // Rewards arrive: 1 ETH → 0.1 Insurance, 0.1 Reward Pool, 0.8 / 8 = 0.1 per staker.
        _withdrawal(pool, 1 ether);
        _distribute(pool);
        assertEq(insurance.ethIn(), 0.1 ether);
        assertEq(rewardPool.ethIn(), 0.1 ether);
        for (uint256 i = 0; i < 8; ++i) {
            assertEq(pool.claimableOf(s[i]), 0.1 ether);
        }
        uint256 b0 = s[0].balance;
        vm.prank(s[0]);
        pool.claim();
        assertEq(s[0].balance - b0, 0.1 ether);

        // Half-way aETH transfer: s1 sends 2 aETH to a newcomer; earned rewards stay, future ones follow.
        address newcomer = makeAddr("newcomer");
        vm.prank(s[1]);
        pool.transfer(newcomer, 2 ether);
        _withdrawal(pool, 1 ether);
        _distribute(pool);
        assertEq(pool.claimableOf(s[1]), 0.15 ether);
        assertEq(pool.claimableOf(newcomer), 0.05 ether);
        assertEq(pool.claimableOf(s[0]), 0.1 ether);
        vm.prank(newcomer);
        pool.claim();
        assertEq(newcomer.balance, 0.05 ether);

        // Slashing: the validator exits with 31 ETH. k = 0, so the whole 1 ETH loss falls on the stakers and
        // the Insurance Pool (holding 0.2 ETH of inflows + 5 ETH of reserves) compensates it fully.
        vm.deal(address(insurance), address(insurance).balance + 5 ether);
        _withdrawal(pool, 31 ether);
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolLossNeedsGovernance.selector, 31 ether));
        pool.complete();
        vm.warp(pool.settleableAfterLoss()); // a loss is settled only once the exit had time to arrive
        vm.prank(governance);
        pool.complete();
        assertEq(insurance.ethPaid(), 1 ether);
        assertEq(pool.redemptionPot(), 32 ether);

        // Burn aETH for ETH; rewards stay claimable after the burn.
        for (uint256 i = 0; i < 8; ++i) {
            uint256 bal = pool.balanceOf(s[i]);
            uint256 ethBefore = s[i].balance;
            vm.prank(s[i]);
            pool.redeem(bal);
            assertEq(s[i].balance - ethBefore, bal);
        }
        vm.prank(newcomer);
        pool.redeem(2 ether);
        assertEq(pool.totalSupply(), 0);
        for (uint256 i = 0; i < 8; ++i) {
            uint256 c = pool.claimableOf(s[i]);
            if (c != 0) {
                vm.prank(s[i]);
                pool.claim();
            }
        }
        // Everything paid out; the pool keeps only what it still owes (nothing) — no dust here.
        assertEq(pool.reserved(), 0);
        assertEq(address(pool).balance, 0);
    }

    /// A single requester stakes 32 − k alone next to an untrusted provider's 16 ETH.
    function test_stake_SingleRequester() public {
        MicroPool pool = _open(provider16, 16 ether, 365 days);
        address requester = _staker("requester", pool);
        uint256 before = mzku.balanceOf(requester);
        _stake(pool, requester, 16 ether);
        assertEq(before - mzku.balanceOf(requester), FP / 2);
        _setDepositData(pool);
        _activate(pool);
        assertEq(uint256(pool.state()), uint256(MicroPool.State.Active));
        _withdrawal(pool, 1 ether);
        _distribute(pool);
        assertEq(pool.claimableOf(requester), 0.4 ether);
        assertEq(pool.providerClaimable(), 0.4 ether);
        // Normal exit with profit: the operator may complete; principal whole, profit split.
        _withdrawal(pool, 33 ether);
        vm.prank(provider16);
        pool.complete();
        assertEq(pool.claimableOf(requester), 0.8 ether);
        assertEq(pool.collateralToReturn(), 16 ether);
        vm.prank(requester);
        assertEq(pool.redeem(16 ether), 16 ether);
        vm.prank(provider16);
        assertEq(pool.withdrawCollateral(), 16 ether);
        vm.prank(provider16);
        assertEq(pool.claimProviderRewards(), 0.8 ether);
    }

    /// Loss larger than k: the provider's 16 ETH absorbs first, then a partly funded Insurance Pool.
    function test_complete_LossBeyondCollateralPartlyInsured() public {
        MicroPool pool = _open(provider16, 16 ether, 365 days);
        address a = _staker("a", pool);
        address b = _staker("b", pool);
        _stake(pool, a, 12 ether);
        _stake(pool, b, 4 ether);
        _setDepositData(pool);
        _activate(pool);
        vm.deal(address(insurance), 2 ether);
        _withdrawal(pool, 12 ether); // loss 20: provider 16, stakers 4, insurance pays 2
        vm.warp(pool.settleableAfterLoss()); // a loss is settled only once the exit had time to arrive
        vm.prank(governance);
        pool.complete();
        assertEq(pool.collateralToReturn(), 0);
        assertEq(pool.redemptionPot(), 14 ether);
        vm.prank(a);
        assertEq(pool.redeem(12 ether), 10.5 ether);
        vm.prank(b);
        assertEq(pool.redeem(4 ether), 3.5 ether);
        assertEq(address(pool).balance, 0);
    }

    // ---- gas (named snapshots; the common case: neither the first staker nor the first claim) ----

    function test_gas_stakeClaimTransfer() public {
        MicroPool pool = _open(provider, 0, 365 days);
        address[] memory s = new address[](8);
        for (uint256 i = 0; i < 8; ++i) {
            s[i] = _staker(string.concat("staker", vm.toString(i)), pool);
        }
        _stake(pool, s[0], 4 ether);
        _stake(pool, s[1], 4 ether);
        // A new staker (its first aETH), MZKU fee included; everything cold like a fresh transaction.
        _coolAll(pool);
        vm.prank(s[2]);
        pool.stake{value: 4 ether}();
        uint256 stakeGas = vm.snapshotGasLastCall("pool", "stake");
        vm.snapshotValue("pool", "stake_tx", stakeGas + 21_000 + 4 * 16);
        for (uint256 i = 3; i < 8; ++i) {
            _stake(pool, s[i], 4 ether);
        }
        _setDepositData(pool);
        _activate(pool);
        _withdrawal(pool, 1 ether);
        _distribute(pool);
        vm.prank(s[0]);
        pool.claim();
        _withdrawal(pool, 1 ether);
        _distribute(pool);

        _coolAll(pool);
        vm.prank(s[1]);
        pool.claim();
        uint256 claimGas = vm.snapshotGasLastCall("pool", "claim");
        vm.snapshotValue("pool", "claim_tx", claimGas + 21_000 + 4 * 16);

        // aETH transfer between two holders (both hold aETH and have accrued) vs a plain OZ ERC-20 transfer
        // between two holders.
        _coolAll(pool);
        vm.prank(s[2]);
        pool.transfer(s[3], 1 ether);
        uint256 aethGas = vm.snapshotGasLastCall("aeth", "transfer");
        PlainErc20 plain = new PlainErc20();
        plain.mint(s[2], 10 ether);
        plain.mint(s[3], 10 ether);
        vm.cool(address(plain));
        vm.prank(s[2]);
        plain.transfer(s[3], 1 ether);
        uint256 plainGas = vm.lastCallGas().gasTotalUsed;
        vm.snapshotValue("aeth", "transfer_plain_oz", plainGas);
        vm.snapshotValue("aeth", "transfer_overhead", aethGas - plainGas);

        _coolAll(pool);
        vm.prank(s[4]);
        pool.approve(s[5], 1 ether);
        vm.snapshotGasLastCall("aeth", "approve");
        _coolAll(pool);
        vm.prank(s[5]);
        pool.transferFrom(s[4], s[6], 1 ether);
        vm.snapshotGasLastCall("aeth", "transferFrom");

        _withdrawal(pool, 0.5 ether);
        _warpForRewards(pool, 0.5 ether);
        _coolAll(pool);
        pool.distribute();
        vm.snapshotGasLastCall("pool", "distribute");

        _withdrawal(pool, 32 ether);
        _coolAll(pool);
        vm.prank(provider);
        pool.complete();
        vm.snapshotGasLastCall("pool", "complete");
        _coolAll(pool);
        vm.prank(s[7]);
        pool.redeem(4 ether);
        vm.snapshotGasLastCall("aeth", "redeem");
    }

    function test_gas_openWithdrawActivate() public {
        _open(provider, 0, 365 days); // warm the factory's counters
        vm.cool(address(factory));
        vm.prank(provider16);
        MicroPool pool = MicroPool(payable(factory.openPool{value: 16 ether}(uint40(block.timestamp + 30 days))));
        vm.snapshotGasLastCall("pool", "openPool");
        address a = _staker("a", pool);
        address b = _staker("b", pool);
        _stake(pool, a, 8 ether);
        _stake(pool, b, 8 ether);
        _coolAll(pool);
        vm.prank(a);
        pool.withdraw(1 ether);
        vm.snapshotGasLastCall("pool", "withdraw");
        _stake(pool, a, 1 ether);
        DepositVector memory v = _vectorFor(pool);
        bytes32 root = _rootFor(pool);
        bytes memory co = _approveKey(address(pool), v.pubkey, root);
        _coolAll(pool);
        vm.prank(provider16);
        pool.setDepositData(v.pubkey, v.signature, root, co);
        vm.snapshotGasLastCall("pool", "setDepositData");
        bytes32 depositRoot = depositContract.get_deposit_root();
        bytes memory activation = _approveActivation(address(pool), v.pubkey, depositRoot);
        _coolAll(pool);
        pool.activate(v.pubkey, v.signature, depositRoot, activation);
        vm.snapshotGasLastCall("pool", "activate");
    }

    function test_gas_providerAndGovernanceCalls() public {
        MicroPool pool = _open(provider16, 16 ether, 365 days);
        _coolAll(pool);
        vm.prank(provider16);
        pool.addProviderEth{value: 1 ether}();
        vm.snapshotGasLastCall("pool", "addProviderEth");
        address a = _staker("a", pool);
        _stake(pool, a, 15 ether);
        _setDepositData(pool);
        _activate(pool);
        _withdrawal(pool, 1 ether);
        _distribute(pool);
        _coolAll(pool);
        vm.prank(provider16);
        pool.claimProviderRewards();
        vm.snapshotGasLastCall("pool", "claimProviderRewards");
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = _coSign(address(pool), provider2Id, deadline);
        _coolAll(pool);
        vm.cool(address(factory));
        vm.cool(address(registry));
        vm.prank(governance);
        factory.migratePool(address(pool), provider2Id, deadline, sig);
        vm.snapshotGasLastCall("pool", "migratePool");
        _withdrawal(pool, 32 ether);
        vm.prank(provider2);
        pool.complete();
        _coolAll(pool);
        vm.prank(provider16);
        pool.withdrawCollateral();
        vm.snapshotGasLastCall("pool", "withdrawCollateral");
        _withdrawal(pool, 0.1 ether);
        _coolAll(pool);
        pool.sweep();
        vm.snapshotGasLastCall("pool", "sweep");

        MicroPool other = _open(provider, 0, 30 days);
        _coolAll(other);
        vm.prank(provider);
        other.cancel();
        vm.snapshotGasLastCall("pool", "cancel");
    }

    function _coolAll(MicroPool pool) internal {
        vm.cool(address(pool));
        vm.cool(factory.implementation());
        vm.cool(address(mzku));
        vm.cool(address(insurance));
        vm.cool(address(rewardPool));
        vm.cool(address(depositContract));
    }
}
