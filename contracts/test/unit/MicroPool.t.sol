// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Governed} from "../../src/governance/Governed.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolFactory} from "../../src/pools/micro/MicroPoolFactory.sol";
import {MicroPoolBase} from "../utils/MicroPoolBase.sol";
import {DepositVector, DepositVectors} from "../fixtures/DepositVectors.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @dev Takes part in a pool and, when paid, tries to re-enter it.
contract HostileReceiver {
    MicroPool public pool;
    bytes public reentryCall;
    bool public reentered;
    bool public reentrySucceeded;
    bytes public reentryError;

    function setPool(MicroPool pool_) external {
        pool = pool_;
    }

    function setReentry(bytes calldata data) external {
        reentryCall = data;
    }

    function approveMzku(address token) external {
        (bool ok,) = token.call(abi.encodeWithSignature("approve(address,uint256)", address(pool), type(uint256).max));
        require(ok);
    }

    function act(bytes calldata data) external payable {
        (bool ok, bytes memory ret) = address(pool).call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    receive() external payable {
        if (!reentered && reentryCall.length != 0) {
            reentered = true;
            (bool ok, bytes memory err) = address(pool).call(reentryCall);
            reentrySucceeded = ok;
            reentryError = err;
        }
    }
}

/// @dev Stands in for the EIP-7002 request contract: fee of 1 wei, records the last request.
contract WithdrawalRequestDouble {
    bytes public lastInput;
    address public lastSender;

    fallback() external payable {
        require(msg.value >= 1, "fee");
        lastInput = msg.data;
        lastSender = msg.sender;
    }
}

/// @dev Refuses ETH.
contract EthRefuser {
    function act(MicroPool pool, bytes calldata data) external payable {
        (bool ok, bytes memory ret) = address(pool).call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function approveMzku(address token, address spender) external {
        (bool ok,) = token.call(abi.encodeWithSignature("approve(address,uint256)", spender, type(uint256).max));
        require(ok);
    }
}

contract MicroPoolTest is MicroPoolBase {
    MicroPool internal pool;
    address internal alice;
    address internal bob;
    address internal stranger = makeAddr("stranger");

    function setUp() public override {
        super.setUp();
        pool = _open(provider16, 16 ether, 365 days);
        alice = _staker("alice", pool);
        bob = _staker("bob", pool);
    }

    function _fillAndActivate() internal {
        _stake(pool, alice, 12 ether);
        _stake(pool, bob, 4 ether);
        _setDepositData(pool);
        _activate(pool);
    }

    // ---------------- opening ----------------

    function test_openPool_RecordsPool() public view {
        assertTrue(factory.isPool(address(pool)));
        assertEq(factory.poolCount(), 1);
        assertEq(factory.getPools(0, 10)[0], address(pool));
        assertEq(factory.getPools(5, 10).length, 0);
        assertEq(pool.providerEth(), 16 ether);
        assertEq(pool.fixedPrice(), FP);
        assertEq(pool.minStake(), 0.1 ether);
        assertEq(pool.operator(), provider16);
        assertEq(pool.collateralOwner(), provider16);
        assertEq(pool.providerId(), provider16Id);
        assertEq(pool.decimals(), 18);
        assertEq(uint256(pool.state()), uint256(MicroPool.State.Open));
    }

    function test_RevertWhen_OpenByUnknownProvider() public {
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryProviderNotEligible.selector, stranger, 0)
        );
        factory.openPool(uint40(block.timestamp + 1 days));
    }

    function test_RevertWhen_OpenByIneligibleProvider() public {
        registry.setEligible(providerId, false);
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryProviderNotEligible.selector, provider, providerId)
        );
        factory.openPool(uint40(block.timestamp + 1 days));
    }

    function test_RevertWhen_OpenCollateralUnderK() public {
        vm.prank(provider16);
        vm.expectRevert(
            abi.encodeWithSelector(
                MicroPoolFactory.MicroPoolFactoryCollateralTooLow.selector, provider16Id, 15 ether, 16 ether
            )
        );
        factory.openPool{value: 15 ether}(uint40(block.timestamp + 1 days));
    }

    function test_RevertWhen_OpenCollateralOver32() public {
        vm.deal(provider, 40 ether);
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryCollateralTooHigh.selector, 33 ether));
        factory.openPool{value: 33 ether}(uint40(block.timestamp + 1 days));
    }

    function test_RevertWhen_OpenEndTimeNotFuture() public {
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryBadEndTime.selector, uint40(block.timestamp))
        );
        factory.openPool(uint40(block.timestamp));
    }

    function test_RevertWhen_OpenFeeOver128Bits() public {
        quote.set(uint256(type(uint128).max) + 1);
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryFeeTooHigh.selector, uint256(type(uint128).max) + 1)
        );
        factory.openPool(uint40(block.timestamp + 1 days));
    }

    function test_RevertWhen_InitializeNotFactory() public {
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolOnlyFactory.selector, address(this)));
        pool.initialize(1, 1, address(this), 1, 1, 1, 1, 1);
    }

    function test_RevertWhen_InitializeTwice() public {
        vm.prank(address(factory));
        vm.expectRevert(MicroPool.MicroPoolAlreadyInitialized.selector);
        pool.initialize(1, 1, address(this), 1, 1, 1, 1, 1);
    }

    // ---------------- staking ----------------

    function test_stake_PaysCeilFeeAndMints() public {
        vm.prank(alice);
        pool.stake{value: 0.1 ether + 1}();
        assertEq(pool.balanceOf(alice), 0.1 ether + 1);
        // ceil((0.1 ETH + 1) × 800 / 32) = 2.5 MZKU + 25 wei rounded up
        assertEq(MZKU_PER_USER - mzku.balanceOf(alice), 2.5 ether + 25);
    }

    function test_stakeWithPermit_NoPriorApproval() public {
        uint256 key = 0xA11CE2;
        address signer = vm.addr(key);
        vm.deal(signer, 10 ether);
        mzku.transfer(signer, 1000 ether);
        uint256 fee = FP * 2 / 32;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                signer,
                address(pool),
                fee,
                mzku.nonces(signer),
                block.timestamp
            )
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked("\x19\x01", mzku.DOMAIN_SEPARATOR(), structHash)));
        vm.prank(signer);
        pool.stakeWithPermit{value: 2 ether}(fee, block.timestamp, v, r, s);
        assertEq(pool.balanceOf(signer), 2 ether);
        assertEq(mzku.balanceOf(signer), 1000 ether - fee);
    }

    function test_stake_LastPieceMayBeUnderMinimum() public {
        _stake(pool, alice, 16 ether - 0.05 ether);
        _stake(pool, bob, 0.05 ether);
        assertEq(pool.totalSupply(), 16 ether);
    }

    function test_RevertWhen_StakeUnderMinimum() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolStakeTooLow.selector, 0.05 ether, 0.1 ether));
        pool.stake{value: 0.05 ether}();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolStakeTooLow.selector, 0, 0.1 ether));
        pool.stake();
    }

    function test_RevertWhen_StakeOverRoom() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolStakeTooHigh.selector, 17 ether, 16 ether));
        pool.stake{value: 17 ether}();
    }

    function test_RevertWhen_StakeAfterEnd() public {
        vm.warp(pool.endTime());
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolEnded.selector, block.timestamp, block.timestamp));
        pool.stake{value: 1 ether}();
    }

    function test_RevertWhen_StakeWhenActive() public {
        _fillAndActivate();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolWrongState.selector, MicroPool.State.Active));
        pool.stake{value: 1 ether}();
    }

    function test_withdraw_BeforeStartRefundsEthAndFee() public {
        _stake(pool, alice, 4 ether);
        uint256 eth0 = alice.balance;
        vm.prank(alice);
        pool.withdraw(1 ether);
        assertEq(alice.balance - eth0, 1 ether);
        assertEq(MZKU_PER_USER - mzku.balanceOf(alice), FP * 3 / 32);
        assertEq(pool.balanceOf(alice), 3 ether);
        assertEq(pool.totalSupply(), 3 ether);
    }

    function test_RevertWhen_WithdrawAfterStart() public {
        _fillAndActivate();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolWrongState.selector, MicroPool.State.Active));
        pool.withdraw(1 ether);
    }

    function test_RevertWhen_WithdrawZeroOrTooMuch() public {
        _stake(pool, alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolNothingToClaim.selector, alice));
        pool.withdraw(0);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPool.MicroPoolInsufficientBalance.selector, alice, 1 ether, 2 ether)
        );
        pool.withdraw(2 ether);
    }

    function test_RevertWhen_EthTransferRefused() public {
        EthRefuser r = new EthRefuser();
        _fund(address(r), pool);
        r.approveMzku(address(mzku), address(pool));
        r.act{value: 1 ether}(pool, abi.encodeCall(MicroPool.stake, ()));
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolEthTransferFailed.selector, address(r), 1 ether));
        r.act(pool, abi.encodeCall(MicroPool.withdraw, (1 ether)));
    }

    // ---------------- provider ETH, deposit data, activation ----------------

    function test_addProviderEth_IncreasesShare() public {
        vm.prank(provider16);
        pool.addProviderEth{value: 2 ether}();
        assertEq(pool.providerEth(), 18 ether);
    }

    function test_RevertWhen_AddProviderEthNotOwner() public {
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolOnlyCollateralOwner.selector, stranger));
        pool.addProviderEth{value: 1 ether}();
    }

    function test_RevertWhen_AddProviderEthOverRoom() public {
        vm.deal(provider16, 100 ether);
        vm.prank(provider16);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolStakeTooHigh.selector, 17 ether, 16 ether));
        pool.addProviderEth{value: 17 ether}();
    }

    function test_setDepositData_AcceptsVectorAtVectorAddress() public {
        // The vectors' 0x01 credentials point at this address: a pool living there must accept the
        // vector's own deposit_data_root unchanged.
        DepositVectors.all();
        DepositVector memory v;
        DepositVector[] memory all = DepositVectors.all();
        for (uint256 i = 0; i < all.length; ++i) {
            if (all[i].withdrawalCredentials[0] == 0x01) {
                v = all[i];
                break;
            }
        }
        address at = 0x0f51bb10119727a7e5eA3538074fb341F56B09Ad;
        vm.etch(at, Clones.clone(factory.implementation()).code);
        MicroPool p = MicroPool(payable(at));
        vm.prank(address(factory));
        p.initialize(9, providerId, provider, uint40(block.timestamp + 1 days), 0, 0.1 ether, 1000, 1000);
        assertEq(abi.encodePacked(p.withdrawalCredentials()), v.withdrawalCredentials);
        bytes memory co = _approveKey(at, v.pubkey, v.depositDataRoot);
        // The etched clone is not one of the factory's pools: answer its key claim.
        vm.mockCall(address(factory), abi.encodeCall(MicroPoolFactory.claimDepositKey, (keccak256(v.pubkey))), "");
        vm.prank(provider);
        p.setDepositData(v.pubkey, v.signature, v.depositDataRoot, co);
        assertEq(p.depositDataRoot(), v.depositDataRoot);
    }

    function test_RevertWhen_SetDepositDataNotOperator() public {
        DepositVector memory v = _vector();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolOnlyOperator.selector, stranger));
        pool.setDepositData(v.pubkey, v.signature, bytes32(0), "");
    }

    function test_RevertWhen_SetDepositDataBadLength() public {
        DepositVector memory v = _vector();
        vm.prank(provider16);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolBadDepositDataLength.selector, 48, 95));
        pool.setDepositData(v.pubkey, new bytes(95), bytes32(0), "");
    }

    function test_RevertWhen_SetDepositDataRootMismatch() public {
        DepositVector memory v = _vector();
        bytes32 computed = _rootFor(pool);
        vm.prank(provider16);
        // The vector's own root is for other credentials: refused.
        vm.expectRevert(
            abi.encodeWithSelector(MicroPool.MicroPoolDepositDataRootMismatch.selector, v.depositDataRoot, computed)
        );
        pool.setDepositData(v.pubkey, v.signature, v.depositDataRoot, "");
    }

    function test_RevertWhen_DepositKeyNotApprovedByCoSigner() public {
        DepositVector memory v = _vector();
        bytes32 root = _rootFor(pool);
        // Approved for another pool: refused here.
        bytes memory co = _approveKey(address(0xB0B), v.pubkey, root);
        vm.prank(provider16);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolDepositKeyNotApproved.selector, keccak256(v.pubkey)));
        pool.setDepositData(v.pubkey, v.signature, root, co);
    }

    function test_RevertWhen_ActivateWithoutDepositData() public {
        _stake(pool, alice, 16 ether);
        DepositVector memory v = _vector();
        bytes32 h = keccak256(abi.encodePacked(v.pubkey, v.signature));
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolDepositDataUnknown.selector, h));
        pool.activate(v.pubkey, v.signature, bytes32(0), "");
    }

    function test_RevertWhen_ActivateWithOtherKey() public {
        _stake(pool, alice, 16 ether);
        _setDepositData(pool);
        DepositVector memory w = DepositVectors.all()[2];
        bytes32 h = keccak256(abi.encodePacked(w.pubkey, w.signature));
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolDepositDataUnknown.selector, h));
        pool.activate(w.pubkey, w.signature, bytes32(0), "");
    }

    function test_RevertWhen_ActivateNotFull() public {
        _stake(pool, alice, 15 ether);
        _setDepositData(pool);
        DepositVector memory v = _vector();
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolNotFull.selector, 31 ether));
        pool.activate(v.pubkey, v.signature, bytes32(0), "");
    }

    function test_RevertWhen_ActivateAfterEnd() public {
        _stake(pool, alice, 16 ether);
        _setDepositData(pool);
        uint256 end = pool.endTime();
        vm.warp(end);
        DepositVector memory v = _vector();
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolEnded.selector, end, end));
        pool.activate(v.pubkey, v.signature, bytes32(0), "");
    }

    // ---------------- cancellation ----------------

    function test_cancel_EveryoneGetsBackEverything() public {
        _stake(pool, alice, 4 ether + 1);
        _stake(pool, bob, 4 ether + 3);
        vm.warp(pool.endTime());
        vm.prank(stranger);
        pool.cancel();
        vm.prank(alice);
        pool.withdraw(4 ether + 1);
        vm.prank(bob);
        pool.withdraw(4 ether + 3);
        // fees rounded up, refunds down: the remainder went to the Reward Pool when the last aETH left.
        assertEq(mzku.balanceOf(address(pool)), 0);
        assertEq(MZKU_PER_USER * 2 - mzku.balanceOf(alice) - mzku.balanceOf(bob), mzku.balanceOf(address(rewardPool)));
        vm.prank(provider16);
        assertEq(pool.withdrawCollateral(), 16 ether);
        assertEq(address(pool).balance, 0);
    }

    function test_cancel_EmptyPoolForwardsFeeRemainder() public {
        quote.set(1 ether + 1); // FP not a multiple of 32: fees round
        MicroPool p = _open(provider, 0, 1 days);
        _fund(alice, p);
        _stake(p, alice, 0.1 ether);
        vm.prank(alice);
        p.withdraw(0.1 ether);
        assertEq(mzku.balanceOf(address(p)), 1); // ceil − floor
        vm.prank(provider);
        p.cancel();
        assertEq(mzku.balanceOf(address(p)), 0);
        assertEq(rewardPool.mzkuIn(), 1);
    }

    function test_RevertWhen_CancelByStrangerBeforeEnd() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolUnauthorized.selector, stranger));
        pool.cancel();
    }

    function test_cancel_ByGovernance() public {
        vm.prank(governance);
        pool.cancel();
        assertEq(uint256(pool.state()), uint256(MicroPool.State.Cancelled));
    }

    function test_RevertWhen_WithdrawCollateralBeforeCompletion() public {
        vm.prank(provider16);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolWrongState.selector, MicroPool.State.Open));
        pool.withdrawCollateral();
        _fillAndActivate();
        vm.prank(provider16);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolWrongState.selector, MicroPool.State.Active));
        pool.withdrawCollateral();
    }

    function test_RevertWhen_WithdrawCollateralNotOwnerOrTwice() public {
        vm.prank(provider16);
        pool.cancel();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolOnlyCollateralOwner.selector, stranger));
        pool.withdrawCollateral();
        vm.prank(provider16);
        pool.withdrawCollateral();
        vm.prank(provider16);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolNothingToClaim.selector, provider16));
        pool.withdrawCollateral();
    }

    // ---------------- rewards ----------------

    function test_RevertWhen_DistributeNothing() public {
        _fillAndActivate();
        vm.expectRevert(MicroPool.MicroPoolNothingToDistribute.selector);
        pool.distribute();
    }

    function test_RevertWhen_DistributeLooksLikeExit() public {
        _fillAndActivate();
        _withdrawal(pool, 8 ether);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolLooksLikeExit.selector, 8 ether));
        pool.distribute();
    }

    function test_distribute_DustGoesToInsurance() public {
        _fillAndActivate();
        _withdrawal(pool, 1 ether + 7); // 80% part = 0.8 ETH + 5.6 → toHolders 0.8 ETH + 7 - 0 - 0 ...
        _distribute(pool);
        uint256 credited = pool.reserved();
        assertEq(credited % 32, 0);
        assertEq(insurance.ethIn() + rewardPool.ethIn() + credited, 1 ether + 7);
    }

    function test_RevertWhen_ClaimNothing() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolNothingToClaim.selector, alice));
        pool.claim();
    }

    function test_claimProviderRewards_OnlyOwner() public {
        _fillAndActivate();
        _withdrawal(pool, 1 ether);
        _distribute(pool);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolOnlyCollateralOwner.selector, stranger));
        pool.claimProviderRewards();
        vm.prank(provider16);
        assertEq(pool.claimProviderRewards(), 0.4 ether);
        vm.prank(provider16);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolNothingToClaim.selector, provider16));
        pool.claimProviderRewards();
    }

    // ---------------- EIP-7002 exit ----------------

    function test_requestExit_AfterEndCallsWithdrawalRequestContract() public {
        _fillAndActivate();
        WithdrawalRequestDouble wr = new WithdrawalRequestDouble();
        vm.etch(pool.WITHDRAWAL_REQUEST_CONTRACT(), address(wr).code);
        DepositVector memory v = _vector();
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolUnauthorized.selector, stranger));
        pool.requestExit{value: 1}(v.pubkey, v.signature);
        vm.warp(pool.endTime());
        vm.prank(stranger);
        pool.requestExit{value: 1}(v.pubkey, v.signature);
        WithdrawalRequestDouble at = WithdrawalRequestDouble(payable(pool.WITHDRAWAL_REQUEST_CONTRACT()));
        assertEq(at.lastInput(), abi.encodePacked(v.pubkey, uint64(0)));
        assertEq(at.lastSender(), address(pool));
        assertEq(address(at).balance, 1);
    }

    function test_RevertWhen_RequestExitFails() public {
        _fillAndActivate();
        DepositVector memory v = _vector();
        // No request contract on this chain (Cancun).
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolExitRequestFailed.selector, 0));
        pool.requestExit(v.pubkey, v.signature);
        // Fee too low.
        WithdrawalRequestDouble wr = new WithdrawalRequestDouble();
        vm.etch(pool.WITHDRAWAL_REQUEST_CONTRACT(), address(wr).code);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolExitRequestFailed.selector, 0));
        pool.requestExit(v.pubkey, v.signature);
        // Unknown key.
        vm.prank(governance);
        bytes32 h = keccak256(abi.encodePacked(v.pubkey, new bytes(96)));
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolDepositDataUnknown.selector, h));
        pool.requestExit(v.pubkey, new bytes(96));
    }

    // ---------------- completion ----------------

    function test_RevertWhen_CompleteByStranger() public {
        _fillAndActivate();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolUnauthorized.selector, stranger));
        pool.complete();
    }

    function test_RevertWhen_CompleteWithLossByOperator() public {
        _fillAndActivate();
        _withdrawal(pool, 30 ether);
        vm.prank(provider16);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolLossNeedsGovernance.selector, 30 ether));
        pool.complete();
    }

    function test_complete_LossWithinCollateral() public {
        _fillAndActivate();
        _withdrawal(pool, 30 ether);
        vm.warp(pool.settleableAfterLoss()); // a loss is settled only once the exit had time to arrive
        vm.prank(governance);
        pool.complete();
        assertEq(pool.collateralToReturn(), 14 ether);
        assertEq(pool.redemptionPot(), 16 ether);
        assertEq(insurance.ethPaid(), 0);
    }

    function test_RevertWhen_RedeemBeforeCompletionOrZero() public {
        _fillAndActivate();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolWrongState.selector, MicroPool.State.Active));
        pool.redeem(1 ether);
        _withdrawal(pool, 32 ether);
        vm.prank(provider16);
        pool.complete();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolNothingToClaim.selector, alice));
        pool.redeem(0);
    }

    function test_sweep_LateEthToInsurance() public {
        _fillAndActivate();
        _withdrawal(pool, 32 ether);
        vm.prank(provider16);
        pool.complete();
        vm.expectRevert(MicroPool.MicroPoolNothingToDistribute.selector);
        pool.sweep();
        _withdrawal(pool, 0.3 ether);
        pool.sweep();
        assertEq(insurance.ethIn(), 0.3 ether);
    }

    // ---------------- aETH ----------------

    function test_transferFrom_SpendsAllowance() public {
        _stake(pool, alice, 4 ether);
        vm.prank(alice);
        pool.approve(bob, 3 ether);
        vm.prank(bob);
        pool.transferFrom(alice, stranger, 1 ether);
        assertEq(pool.allowance(alice, bob), 2 ether);
        vm.prank(alice);
        pool.approve(bob, type(uint256).max);
        vm.prank(bob);
        pool.transferFrom(alice, stranger, 1 ether);
        assertEq(pool.allowance(alice, bob), type(uint256).max);
        assertEq(pool.balanceOf(stranger), 2 ether);
    }

    function test_RevertWhen_TransferFromOverAllowance() public {
        _stake(pool, alice, 4 ether);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolInsufficientAllowance.selector, bob, 0, 1 ether));
        pool.transferFrom(alice, bob, 1 ether);
    }

    function test_RevertWhen_TransferOverBalance() public {
        _stake(pool, alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPool.MicroPoolInsufficientBalance.selector, alice, 1 ether, 2 ether)
        );
        pool.transfer(bob, 2 ether);
    }

    function test_RevertWhen_TransferOrApproveZeroAddress() public {
        _stake(pool, alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(MicroPool.MicroPoolZeroAddress.selector);
        pool.transfer(address(0), 1);
        vm.prank(alice);
        vm.expectRevert(MicroPool.MicroPoolZeroAddress.selector);
        pool.approve(address(0), 1);
    }

    // ---------------- migration (governance + co-signer) ----------------

    function test_migratePool_ChangesOperatorKeepsCollateral() public {
        _fillAndActivate();
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = _coSign(address(pool), provider2Id, deadline);
        vm.prank(governance);
        factory.migratePool(address(pool), provider2Id, deadline, sig);
        assertEq(pool.operator(), provider2);
        assertEq(pool.providerId(), provider2Id);
        assertEq(pool.collateralOwner(), provider16);
        assertEq(factory.migrationNonce(address(pool)), 1);
        // The new operator completes; the old provider still owns its ETH.
        _withdrawal(pool, 32 ether);
        vm.prank(provider2);
        pool.complete();
        vm.prank(provider16);
        assertEq(pool.withdrawCollateral(), 16 ether);
    }

    function test_migratePool_OpenPoolClearsDepositData() public {
        _setDepositData(pool);
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = _coSign(address(pool), provider2Id, deadline);
        vm.prank(governance);
        factory.migratePool(address(pool), provider2Id, deadline, sig);
        assertEq(pool.depositDataRoot(), bytes32(0));
    }

    function test_RevertWhen_MigrateWithoutGovernance() public {
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = _coSign(address(pool), provider2Id, deadline);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, stranger));
        factory.migratePool(address(pool), provider2Id, deadline, sig);
    }

    function test_RevertWhen_MigrateWithoutCoSigner() public {
        uint256 deadline = block.timestamp + 1 days;
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(0xBAD, factory.migrationDigest(address(pool), provider2Id, 0, deadline));
        vm.prank(governance);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryBadCoSignature.selector, address(pool), coSigner)
        );
        factory.migratePool(address(pool), provider2Id, deadline, abi.encodePacked(r, s, v));
    }

    function test_RevertWhen_MigrateSignatureReplayed() public {
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = _coSign(address(pool), provider2Id, deadline);
        vm.prank(governance);
        factory.migratePool(address(pool), provider2Id, deadline, sig);
        vm.prank(governance);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryBadCoSignature.selector, address(pool), coSigner)
        );
        factory.migratePool(address(pool), provider2Id, deadline, sig);
    }

    function test_RevertWhen_MigrateExpired() public {
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = _coSign(address(pool), provider2Id, deadline);
        vm.warp(deadline + 1);
        vm.prank(governance);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryExpired.selector, deadline, deadline + 1)
        );
        factory.migratePool(address(pool), provider2Id, deadline, sig);
    }

    function test_RevertWhen_MigrateToIneligible() public {
        registry.setEligible(provider2Id, false);
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = _coSign(address(pool), provider2Id, deadline);
        vm.prank(governance);
        vm.expectRevert(
            abi.encodeWithSelector(
                MicroPoolFactory.MicroPoolFactoryProviderNotEligible.selector, address(0), provider2Id
            )
        );
        factory.migratePool(address(pool), provider2Id, deadline, sig);
    }

    function test_RevertWhen_MigrateNotPool() public {
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryNotPool.selector, stranger));
        factory.migratePool(stranger, provider2Id, block.timestamp, "");
    }

    function test_RevertWhen_MigrateCompletedPool() public {
        _fillAndActivate();
        _withdrawal(pool, 32 ether);
        vm.prank(provider16);
        pool.complete();
        uint256 deadline = block.timestamp + 1 days;
        bytes memory sig = _coSign(address(pool), provider2Id, deadline);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolWrongState.selector, MicroPool.State.Completed));
        factory.migratePool(address(pool), provider2Id, deadline, sig);
    }

    function test_RevertWhen_MigrateOperatorNotFactory() public {
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolOnlyFactory.selector, governance));
        pool.migrateOperator(provider2Id, provider2);
    }

    // ---------------- factory parameters and access control ----------------

    function test_RevertWhen_CompensateNotPool() public {
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryNotPool.selector, address(this)));
        factory.compensate(1 ether);
    }

    function test_setParameters_ByGovernance() public {
        vm.startPrank(governance);
        factory.setMinStake(0.5 ether);
        factory.setSplit(500, 1500);
        factory.setCoSigner(stranger, block.timestamp, _consent(stranger));
        factory.setValidatorResources(Resources(8, 32, 4000, 50));
        vm.stopPrank();
        (uint32 cores,,,) = factory.validatorResources();
        assertEq(cores, 8);
        assertEq(factory.minStake(), 0.5 ether);
        assertEq(factory.insuranceBps(), 500);
        assertEq(factory.rewardBps(), 1500);
        assertEq(factory.coSigner(), stranger);
        MicroPool p = _open(provider, 0, 1 days);
        assertEq(p.minStake(), 0.5 ether);
        assertEq(p.insuranceBps(), 500);
        assertEq(pool.minStake(), 0.1 ether); // existing pools keep their terms
    }

    function test_RevertWhen_ParametersOutOfRange() public {
        vm.startPrank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryBadParameter.selector, 0));
        factory.setMinStake(0);
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryBadParameter.selector, 33 ether));
        factory.setMinStake(33 ether);
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryBadParameter.selector, 5001));
        factory.setSplit(5001, 0);
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryBadParameter.selector, 5001));
        factory.setSplit(0, 5001);
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        factory.setCoSigner(address(0), block.timestamp, "");
        vm.stopPrank();
    }

    function test_RevertWhen_ParametersNotGovernance() public {
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, stranger));
        factory.setMinStake(1 ether);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, stranger));
        factory.setSplit(1, 1);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, stranger));
        factory.setCoSigner(stranger, block.timestamp, "");
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, stranger));
        factory.scheduleCoSigner(stranger);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, stranger));
        factory.setValidatorResources(Resources(1, 1, 1, 1));
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, stranger));
        factory.setAuthorizedCaller(stranger, true);
        vm.stopPrank();
    }

    function test_RevertWhen_FactoryZeroAddress() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new MicroPoolFactory(
            governance,
            new address[](0),
            registry,
            mzku,
            depositContract,
            rewardPool,
            insurance,
            FeeQuoteDoubleZero.zero(),
            coSigner,
            IProjectMarket(makeAddr("market"))
        );
    }

    // ---------------- reentrancy through hostile ETH receivers ----------------

    function _hostile() internal returns (HostileReceiver h) {
        h = new HostileReceiver();
        h.setPool(pool);
        _fund(address(h), pool);
        h.approveMzku(address(mzku));
    }

    function test_reentrancy_WithdrawCannotReenter() public {
        HostileReceiver h = _hostile();
        h.act{value: 4 ether}(abi.encodeCall(MicroPool.stake, ()));
        h.setReentry(abi.encodeCall(MicroPool.withdraw, (1 ether)));
        h.act(abi.encodeCall(MicroPool.withdraw, (1 ether)));
        assertTrue(h.reentered());
        assertFalse(h.reentrySucceeded());
        assertEq(bytes4(h.reentryError()), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        assertEq(pool.balanceOf(address(h)), 3 ether);
    }

    function test_reentrancy_ClaimCannotReenter() public {
        HostileReceiver h = _hostile();
        h.act{value: 4 ether}(abi.encodeCall(MicroPool.stake, ()));
        _stake(pool, alice, 12 ether);
        _setDepositData(pool);
        _activate(pool);
        _withdrawal(pool, 1 ether);
        _distribute(pool);
        h.setReentry(abi.encodeCall(MicroPool.claim, ()));
        uint256 before = address(h).balance;
        h.act(abi.encodeCall(MicroPool.claim, ()));
        assertFalse(h.reentrySucceeded());
        assertEq(address(h).balance - before, 0.1 ether);
        assertEq(pool.claimableOf(address(h)), 0);
    }

    function test_reentrancy_RedeemCannotReenterOrClaimTwice() public {
        HostileReceiver h = _hostile();
        h.act{value: 4 ether}(abi.encodeCall(MicroPool.stake, ()));
        _stake(pool, alice, 12 ether);
        _setDepositData(pool);
        _activate(pool);
        _withdrawal(pool, 33 ether);
        vm.prank(provider16);
        pool.complete();
        h.setReentry(abi.encodeCall(MicroPool.redeem, (1 ether)));
        uint256 before = address(h).balance;
        h.act(abi.encodeCall(MicroPool.redeem, (2 ether)));
        assertFalse(h.reentrySucceeded());
        assertEq(address(h).balance - before, 2 ether);
        assertEq(pool.balanceOf(address(h)), 2 ether);
    }
}

library FeeQuoteDoubleZero {
    function zero() internal pure returns (IPricingPolicy) {
        return IPricingPolicy(address(0));
    }
}

contract MicroPoolFactoryEthTest is MicroPoolBase {
    function test_RevertWhen_FactoryGetsEthFromStranger() public {
        vm.deal(address(this), 1 ether);
        (bool ok, bytes memory err) = address(factory).call{value: 1 ether}("");
        assertFalse(ok);
        assertEq(err, abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryUnexpectedEth.selector, address(this)));
    }

    function test_RevertWhen_CompensationForwardFails() public {
        // A "pool" that refuses ETH: registered in the factory's isPool slot by hand.
        EthRefuser refuser = new EthRefuser();
        vm.store(address(factory), keccak256(abi.encode(address(refuser), uint256(_isPoolSlot()))), bytes32(uint256(1)));
        assertTrue(factory.isPool(address(refuser)));
        vm.deal(address(insurance), 1 ether);
        vm.prank(address(refuser));
        vm.expectRevert(
            abi.encodeWithSelector(
                MicroPoolFactory.MicroPoolFactoryEthTransferFailed.selector, address(refuser), 1 ether
            )
        );
        factory.compensate(1 ether);
    }

    function _isPoolSlot() internal returns (uint256 slot) {
        // Find the mapping slot: try the first slots until isPool reads back true.
        address probe = address(0xBEEF);
        for (slot = 0; slot < 20; ++slot) {
            bytes32 key = keccak256(abi.encode(probe, slot));
            bytes32 old = vm.load(address(factory), key);
            vm.store(address(factory), key, bytes32(uint256(1)));
            bool hit = factory.isPool(probe);
            vm.store(address(factory), key, old);
            if (hit) return slot;
        }
        revert("slot not found");
    }
}
