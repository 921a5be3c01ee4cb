// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolFactory} from "../../src/pools/micro/MicroPoolFactory.sol";
import {DepositDataRoot} from "../../src/deposit/DepositDataRoot.sol";
import {MicroPoolBase} from "../utils/MicroPoolBase.sol";
import {DepositVector} from "../fixtures/DepositVectors.sol";

/// @notice Attacks on micro-pools: deposit front-running, a co-signer swapped by governance alone, and an
///         exit taken as rewards; each performed and shown to fail.
contract MicroPoolAttacksTest is MicroPoolBase {
    address internal rogue;
    uint256 internal rogueKey = 0xBAD;

    function setUp() public override {
        super.setUp();
        rogue = vm.addr(rogueKey);
    }

    // ------------------------------------------------------------ 10. deposit front-running

    /// @dev The same threshold key approved for two pools: the second registration is refused, so the
    ///      second pool's 32 ETH can never go to the first pool's validator.
    function test_Attack_DepositFrontRun_KeyApprovedForTwoPools() public {
        MicroPool first = _full(_open(provider, 0, 365 days));
        MicroPool second = _full(_open(provider, 0, 365 days));
        DepositVector memory v = _vectorFor(first);
        _register(first, v);
        bytes32 root = this.computeRoot(v.pubkey, second.withdrawalCredentials(), v.signature);
        bytes memory co = _approveKey(address(second), v.pubkey, root); // the co-signer errs
        vm.prank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(
                MicroPoolFactory.MicroPoolFactoryDepositKeyUsed.selector, keccak256(v.pubkey), address(first)
            )
        );
        second.setDepositData(v.pubkey, v.signature, root, co);
        assertEq(factory.depositKeyPool(keccak256(v.pubkey)), address(first));
    }

    /// @dev The co-signer checked the key at the deposit contract's current root; someone (the operator
    ///      holding the key alone, in the attack) deposits 1 ETH for the key with its own credentials
    ///      first. The root moved, so the pool's 32 ETH do not follow.
    function test_Attack_DepositFrontRun_DepositBeforeActivation() public {
        MicroPool pool = _full(_open(provider, 0, 365 days));
        DepositVector memory v = _vectorFor(pool);
        _register(pool, v);
        bytes32 checkedRoot = depositContract.get_deposit_root();
        bytes memory approval = _approveActivation(address(pool), v.pubkey, checkedRoot);

        // Front-run: 1 ETH for the same key, the attacker's withdrawal credentials.
        address attacker = makeAddr("attacker");
        bytes32 wc = bytes32((uint256(1) << 248) | uint256(uint160(attacker)));
        bytes32 frontRoot = this.computeRootAmount(v.pubkey, wc, 1e9, v.signature);
        vm.deal(attacker, 1 ether);
        vm.prank(attacker);
        depositContract.deposit{value: 1 ether}(v.pubkey, abi.encodePacked(wc), v.signature, frontRoot);

        bytes32 nowRoot = depositContract.get_deposit_root();
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolDepositRootChanged.selector, checkedRoot, nowRoot));
        pool.activate(v.pubkey, v.signature, checkedRoot, approval);
        // Nor can the stale approval be replayed at the new root.
        vm.expectRevert(
            abi.encodeWithSelector(MicroPool.MicroPoolActivationNotApproved.selector, keccak256(v.pubkey), nowRoot)
        );
        pool.activate(v.pubkey, v.signature, nowRoot, approval);
        assertEq(uint256(pool.state()), uint256(MicroPool.State.Open));
        assertEq(address(pool).balance, 32 ether, "the 32 ETH stay in the pool");
    }

    function test_RevertWhen_ActivateWithoutCoSignerApproval() public {
        MicroPool pool = _full(_open(provider, 0, 365 days));
        DepositVector memory v = _vectorFor(pool);
        _register(pool, v);
        bytes32 root = depositContract.get_deposit_root();
        (uint8 sv, bytes32 sr, bytes32 ss) =
            vm.sign(rogueKey, factory.activationDigest(address(pool), keccak256(v.pubkey), root));
        vm.expectRevert(
            abi.encodeWithSelector(MicroPool.MicroPoolActivationNotApproved.selector, keccak256(v.pubkey), root)
        );
        pool.activate(v.pubkey, v.signature, root, abi.encodePacked(sr, ss, sv));
    }

    // ------------------------------------------------------------ 9. co-signer replaced by governance alone

    /// @dev A governance majority installs its own co-signer to approve its own deposit key. Without the
    ///      current co-signer's consent the change waits 30 days, during which stakers leave.
    function test_Attack_CoSignerReplacedByGovernance_NeedsConsentOrDelay() public {
        MicroPool pool = _open(provider, 0, 365 days);
        address victim = _staker("victim", pool);
        _stake(pool, victim, 8 ether);

        // No consent: refused.
        bytes32 digest = factory.coSignerChangeDigest(rogue, 0, block.timestamp);
        (uint8 sv, bytes32 sr, bytes32 ss) = vm.sign(rogueKey, digest);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryBadConsent.selector, coSigner, rogue));
        factory.setCoSigner(rogue, block.timestamp, abi.encodePacked(sr, ss, sv));

        // Scheduled instead: nothing changes for 30 days.
        vm.prank(governance);
        factory.scheduleCoSigner(rogue);
        assertEq(factory.coSigner(), coSigner);
        vm.expectRevert(
            abi.encodeWithSelector(
                MicroPoolFactory.MicroPoolFactoryCoSignerChangeNotDue.selector,
                rogue,
                block.timestamp + factory.CO_SIGNER_CHANGE_DELAY()
            )
        );
        factory.applyCoSigner();
        DepositVector memory v = _vectorFor(pool);
        bytes32 root = this.computeRoot(v.pubkey, pool.withdrawalCredentials(), v.signature);
        (sv, sr, ss) = vm.sign(rogueKey, factory.depositKeyDigest(address(pool), keccak256(v.pubkey), root));
        vm.prank(provider);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolDepositKeyNotApproved.selector, keccak256(v.pubkey)));
        pool.setDepositData(v.pubkey, v.signature, root, abi.encodePacked(sr, ss, sv));

        // The staker sees the schedule and leaves with everything.
        uint256 before = victim.balance;
        vm.prank(victim);
        pool.withdraw(8 ether);
        assertEq(victim.balance - before, 8 ether);

        vm.warp(block.timestamp + factory.CO_SIGNER_CHANGE_DELAY());
        factory.applyCoSigner();
        assertEq(factory.coSigner(), rogue);
    }

    /// @dev With the current co-signer's consent the change is immediate, and the consent works once.
    function test_setCoSigner_withConsentOnce() public {
        bytes memory consent = _consent(rogue);
        uint256 deadline = block.timestamp;
        vm.prank(governance);
        factory.setCoSigner(rogue, deadline, consent);
        assertEq(factory.coSigner(), rogue);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryBadConsent.selector, rogue, rogue));
        factory.setCoSigner(rogue, deadline, consent);
        vm.warp(deadline + 1);
        vm.prank(governance);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryExpired.selector, deadline, deadline + 1)
        );
        factory.setCoSigner(rogue, deadline, consent);
    }

    // ------------------------------------------------------------ 11. an exit taken as rewards

    /// @dev A catastrophic slashing: 5 ETH (under EXIT_THRESHOLD) come back ten days after activation.
    ///      `distribute` takes only what the validator could have earned in ten days; governance then
    ///      settles the loss with the provider's ETH first.
    function test_Attack_DistributeTakesExitBelowThreshold() public {
        MicroPool pool = _open(provider16, 16 ether, 365 days);
        address staker = _staker("staker", pool);
        _stake(pool, staker, 16 ether);
        _setDepositData(pool);
        _activate(pool);
        vm.warp(block.timestamp + 10 days);
        _withdrawal(pool, 5 ether);
        pool.distribute();
        uint256 taken = 10 days * pool.MAX_REWARD_PER_SECOND();
        assertEq(address(pool).balance - pool.reserved(), 5 ether - taken, "the exit stays for completion");
        assertLt(taken, 0.09 ether);
        vm.expectRevert(MicroPool.MicroPoolNothingToDistribute.selector);
        pool.distribute(); // nothing more in the same second

        vm.warp(pool.settleableAfterLoss()); // a loss is settled only once the exit had time to arrive
        vm.prank(governance);
        pool.complete();
        // Loss 27 ETH + what was taken: the provider's 16 first, the staker the rest.
        assertEq(pool.collateralToReturn(), 0);
        // The staker gets what came back (plus what the Insurance Pool could pay), not 80% of it.
        assertGe(pool.redemptionPot(), 5 ether - taken);
    }

    /// @dev A governance majority declares a loss while the validator is still running (or its exit is
    ///      on the way): the principal that arrives later would be swept to the Insurance Pool. Refused
    ///      until LOSS_SETTLEMENT_DELAY after the exit became expected; by then the principal is back and
    ///      the stakers are paid in full.
    function test_Attack_GovernanceDeclaresLossEarly() public {
        MicroPool pool = _open(provider16, 16 ether, 365 days);
        address staker = _staker("earlyLossStaker", pool);
        _stake(pool, staker, 16 ether);
        _setDepositData(pool);
        _activate(pool);
        uint256 settleableAt = pool.endTime() + pool.LOSS_SETTLEMENT_DELAY();
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolLossTooEarly.selector, 0, settleableAt));
        pool.complete();
        vm.warp(pool.endTime() + 1 days);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolLossTooEarly.selector, 0, settleableAt));
        pool.complete();
        // The exit arrives within the delay: a whole principal, no loss.
        _withdrawal(pool, 32 ether);
        vm.prank(governance);
        pool.complete();
        assertEq(pool.redemptionPot(), 16 ether);
        assertEq(pool.collateralToReturn(), 16 ether);
    }

    function test_RevertWhen_DistributeAfterEndOrExitRequest() public {
        MicroPool pool = _full(_open(provider, 0, 365 days));
        _setDepositData(pool);
        _activate(pool);
        _withdrawal(pool, 0.01 ether);
        DepositVector memory v = _vectorFor(pool);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolExitRequestFailed.selector, 0));
        pool.requestExit(v.pubkey, v.signature); // no EIP-7002 contract on this chain: reverts, nothing set
        vm.warp(pool.endTime());
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolExitExpected.selector, pool.endTime(), false));
        pool.distribute();
    }

    // ------------------------------------------------------------ helpers

    function _full(MicroPool pool) internal returns (MicroPool) {
        address s = _staker(string.concat("filler", vm.toString(address(pool))), pool);
        _stake(pool, s, 32 ether - pool.providerEth());
        return pool;
    }

    function _register(MicroPool pool, DepositVector memory v) internal {
        bytes32 root = this.computeRoot(v.pubkey, pool.withdrawalCredentials(), v.signature);
        bytes memory co = _approveKey(address(pool), v.pubkey, root);
        vm.prank(pool.operator());
        pool.setDepositData(v.pubkey, v.signature, root, co);
    }

    function computeRootAmount(bytes calldata pubkey, bytes32 wc, uint64 amountGwei, bytes calldata signature)
        external
        pure
        returns (bytes32)
    {
        return DepositDataRoot.compute(pubkey, wc, amountGwei, signature);
    }
}
