// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {Governed} from "../../src/governance/Governed.sol";
import {IProviderRegistry} from "../../src/interfaces/IProviderRegistry.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {Resources, TrustTier} from "../../src/interfaces/ProtocolTypes.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {ProviderRegistryFixture, RecordingObserver} from "./ProviderRegistryFixture.sol";

/// @notice An observer that tries to re-enter the registry while it is being told of a change.
contract ReenteringObserver is IStakeObserver {
    ProviderRegistry internal immutable _reg;
    bytes public revertData;

    constructor(ProviderRegistry reg_) {
        _reg = reg_;
    }

    function onStakeChanged(StakeClass, address, address, uint256, uint256) external {
        try _reg.withdrawCollateral() {}
        catch (bytes memory data) {
            revertData = data;
            revert ReentrancyGuardTransient.ReentrancyGuardReentrantCall();
        }
    }
}

contract ProviderRegistryTest is ProviderRegistryFixture {
    // ------------------------------------------------------------------ construction

    function test_constructor_setsImmutablesAndDefaults() public view {
        assertEq(reg.governance(), gov);
        assertEq(address(reg.mzku()), address(token));
        assertEq(reg.nodeRegistry(), address(nodes));
        assertTrue(reg.isAuthorizedCaller(market));
        assertTrue(reg.isAuthorizedCaller(reputation));
        assertEq(reg.pMin(), 10_000 ether);
        assertEq(reg.pMax(), 1_000_000 ether);
        assertEq(reg.untrustedMinK(), 16 ether);
        assertEq(reg.scoreThreshold(), 5000);
        assertEq(reg.disqualificationPeriod(), 30 days);
        assertEq(reg.unbondingDelay(), 14 days);
        assertEq(address(reg.stakeObserver()), address(0));
        Resources memory req = reg.nodeRequirement();
        assertEq(req.cpuCores, 4);
        assertEq(req.ramGb, 16);
        assertEq(req.storageGb, 2000);
        assertEq(req.bandwidthMbps, 25);
    }

    function test_RevertWhen_constructorZeroGovernance() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new ProviderRegistry(address(0), new address[](0), token, address(1));
    }

    function test_RevertWhen_constructorZeroToken() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new ProviderRegistry(gov, new address[](0), IERC20(address(0)), address(1));
    }

    function test_RevertWhen_constructorZeroNodeRegistry() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new ProviderRegistry(gov, new address[](0), token, address(0));
    }

    // ------------------------------------------------------------------ apply

    function test_applyAsProvider_storesProviderAndEmits() public {
        vm.expectEmit(address(reg));
        emit ProviderRegistry.ProviderApplied(1, alice, BRAND, _cap(), 1000 ether, URI);
        uint256 id = _apply(alice);
        assertEq(id, 1);
        assertEq(reg.providerCount(), 1);
        assertEq(reg.providerIdOf(alice), 1);
        IProviderRegistry.Provider memory p = reg.getProvider(1);
        assertEq(p.owner, alice);
        assertEq(uint8(p.tier), uint8(TrustTier.Untrusted));
        assertFalse(p.qualified);
        assertEq(p.disqualifiedUntil, 0);
        assertEq(p.activeNodes, 0);
        assertEq(p.maxNodes, 10);
        assertEq(p.priceCap, 1000 ether);
        assertEq(p.collateral, 0);
        assertEq(p.ethShare, 16 ether);
        assertEq(p.capacity.cpuCores, 64);
        assertEq(p.capacity.ramGb, 256);
        assertEq(p.capacity.storageGb, 20_000);
        assertEq(p.capacity.bandwidthMbps, 1000);
        assertEq(p.used.cpuCores, 0);
        assertFalse(reg.isEligible(1));
    }

    function test_applyAsProvider_idsAreSequential() public {
        assertEq(_apply(alice), 1);
        assertEq(_apply(bob), 2);
        assertEq(_apply(carol), 3);
        assertEq(reg.providerIdOf(bob), 2);
        assertEq(reg.providerIdOf(stranger), 0);
    }

    function test_applyAsProvider_acceptsMaxPriceCap() public {
        vm.prank(alice);
        reg.applyAsProvider(BRAND, _cap(), type(uint96).max, "");
        assertEq(reg.getProvider(1).priceCap, type(uint96).max);
    }

    function test_RevertWhen_applyTwice() public {
        _apply(alice);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryAlreadyApplied.selector, alice, 1));
        _apply(alice);
    }

    function test_RevertWhen_applyEmptyBrandName() public {
        vm.expectRevert(ProviderRegistry.ProviderRegistryEmptyBrandName.selector);
        vm.prank(alice);
        reg.applyAsProvider("", _cap(), 1, URI);
    }

    function test_RevertWhen_applyZeroCapacity() public {
        Resources memory c = _cap();
        c.storageGb = 0;
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryZeroCapacity.selector, 64, 256, 0, 1000)
        );
        vm.prank(alice);
        reg.applyAsProvider(BRAND, c, 1, URI);
    }

    function test_RevertWhen_applyPriceCapTooHigh() public {
        uint128 cap = uint128(type(uint96).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryPriceCapTooHigh.selector, cap, uint256(type(uint96).max)
            )
        );
        vm.prank(alice);
        reg.applyAsProvider(BRAND, _cap(), cap, URI);
    }

    function test_RevertWhen_applyIdOverflowsUint32() public {
        // _providerCount is storage slot 2 (after _records, _providers; Governed's _authorized is slot 0).
        bytes32 slot = bytes32(uint256(_countSlot()));
        vm.store(address(reg), slot, bytes32(uint256(type(uint32).max)));
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 32, uint256(1) << 32));
        _apply(alice);
    }

    function _countSlot() internal returns (uint256) {
        // Find the slot holding providerCount by writing one provider and scanning the first slots.
        _apply(bob);
        for (uint256 s = 0; s < 16; ++s) {
            if (uint256(vm.load(address(reg), bytes32(s))) == 1) return s;
        }
        revert("count slot not found");
    }

    // ------------------------------------------------------------------ price cap & metadata

    function test_updatePriceCap_changesCap() public {
        uint256 id = _apply(alice);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.PriceCapUpdated(id, 5 ether);
        vm.prank(alice);
        reg.updatePriceCap(5 ether);
        assertEq(reg.getProvider(id).priceCap, 5 ether);
    }

    function test_RevertWhen_updatePriceCapTooHigh() public {
        _apply(alice);
        uint128 cap = uint128(type(uint96).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryPriceCapTooHigh.selector, cap, uint256(type(uint96).max)
            )
        );
        vm.prank(alice);
        reg.updatePriceCap(cap);
    }

    function test_RevertWhen_updatePriceCapNotProvider() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotProvider.selector, stranger));
        vm.prank(stranger);
        reg.updatePriceCap(1);
    }

    function test_updateMetadata_emits() public {
        uint256 id = _apply(alice);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.MetadataUpdated(id, "New", "ipfs://x");
        vm.prank(alice);
        reg.updateMetadata("New", "ipfs://x");
    }

    function test_RevertWhen_updateMetadataEmptyBrandName() public {
        _apply(alice);
        vm.expectRevert(ProviderRegistry.ProviderRegistryEmptyBrandName.selector);
        vm.prank(alice);
        reg.updateMetadata("", "ipfs://x");
    }

    // ------------------------------------------------------------------ qualification

    function test_qualify_addsToListAndEligibleWithCollateral() public {
        uint256 id = _apply(alice);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.ProviderQualified(id);
        vm.prank(gov);
        reg.qualify(id);
        assertTrue(reg.getProvider(id).qualified);
        assertEq(reg.qualifiedCount(), 1);
        assertEq(reg.qualifiedProviders(0, 10)[0], id);
        assertFalse(reg.isEligible(id), "no collateral yet");
        vm.prank(alice);
        reg.depositCollateral(10_000 ether);
        assertTrue(reg.isEligible(id));
    }

    function test_unqualify_swapsLastIntoGap() public {
        uint256 a = _apply(alice);
        uint256 b = _apply(bob);
        uint256 c = _apply(carol);
        vm.startPrank(gov);
        reg.qualify(a);
        reg.qualify(b);
        reg.qualify(c);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.ProviderUnqualified(a);
        reg.unqualify(a);
        vm.stopPrank();
        uint256[] memory ids = reg.qualifiedProviders(0, 10);
        assertEq(ids.length, 2);
        assertEq(ids[0], c);
        assertEq(ids[1], b);
        assertFalse(reg.getProvider(a).qualified);
        // unqualify the last one too, then requalify a
        vm.startPrank(gov);
        reg.unqualify(b);
        reg.qualify(a);
        vm.stopPrank();
        ids = reg.qualifiedProviders(0, 10);
        assertEq(ids.length, 2);
        assertEq(ids[0], c);
        assertEq(ids[1], a);
    }

    function test_qualifiedProviders_pages() public {
        uint256 a = _apply(alice);
        uint256 b = _apply(bob);
        uint256 c = _apply(carol);
        vm.startPrank(gov);
        reg.qualify(a);
        reg.qualify(b);
        reg.qualify(c);
        vm.stopPrank();
        uint256[] memory page = reg.qualifiedProviders(1, 1);
        assertEq(page.length, 1);
        assertEq(page[0], b);
        assertEq(reg.qualifiedProviders(2, 5).length, 1);
        assertEq(reg.qualifiedProviders(3, 5).length, 0);
        assertEq(reg.qualifiedProviders(0, 0).length, 0);
    }

    function test_getProviders_pages() public {
        _apply(alice);
        _apply(bob);
        _apply(carol);
        IProviderRegistry.Provider[] memory page = reg.getProviders(1, 5);
        assertEq(page.length, 2);
        assertEq(page[0].owner, bob);
        assertEq(page[1].owner, carol);
        assertEq(reg.getProviders(3, 5).length, 0);
    }

    function test_RevertWhen_qualifyTwice() public {
        uint256 id = _apply(alice);
        vm.startPrank(gov);
        reg.qualify(id);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryAlreadyQualified.selector, id));
        reg.qualify(id);
        vm.stopPrank();
    }

    function test_RevertWhen_unqualifyNotQualified() public {
        uint256 id = _apply(alice);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotQualified.selector, id));
        vm.prank(gov);
        reg.unqualify(id);
    }

    function test_RevertWhen_unknownProvider() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownProvider.selector, 7));
        vm.prank(gov);
        reg.qualify(7);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownProvider.selector, 0));
        reg.getProvider(0);
    }

    // ------------------------------------------------------------------ trust tier

    function test_setTrustTier_setsEthShare() public {
        uint256 id = _apply(alice);
        assertEq(reg.ethShareOf(id), 16 ether, "untrusted default");
        vm.startPrank(gov);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.TrustTierSet(id, TrustTier.SemiTrusted, 8 ether, 8 ether);
        reg.setTrustTier(id, TrustTier.SemiTrusted, 8 ether);
        assertEq(reg.ethShareOf(id), 8 ether);
        reg.setTrustTier(id, TrustTier.Trusted, 8 ether);
        assertEq(reg.ethShareOf(id), 0);
        reg.setTrustTier(id, TrustTier.Untrusted, 8 ether);
        assertEq(reg.ethShareOf(id), 16 ether, "untrusted never under the floor");
        reg.setTrustTier(id, TrustTier.Untrusted, 24 ether);
        assertEq(reg.ethShareOf(id), 24 ether, "a per-provider k above the floor");
        reg.setUntrustedMinK(20 ether);
        reg.setTrustTier(id, TrustTier.Untrusted, 0);
        assertEq(reg.ethShareOf(id), 20 ether);
        vm.stopPrank();
        assertEq(uint8(reg.getProvider(id).tier), uint8(TrustTier.Untrusted));
    }

    function test_RevertWhen_setTrustTierKTooHigh() public {
        uint256 id = _apply(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryEthShareTooHigh.selector, 32 ether + 1, 32 ether)
        );
        vm.prank(gov);
        reg.setTrustTier(id, TrustTier.SemiTrusted, 32 ether + 1);
    }

    function test_RevertWhen_setUntrustedMinKTooHigh() public {
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryEthShareTooHigh.selector, 33 ether, 32 ether)
        );
        vm.prank(gov);
        reg.setUntrustedMinK(33 ether);
    }

    // ------------------------------------------------------------------ collateral

    function test_depositCollateral_locksAndTracksInvestment() public {
        uint256 id = _apply(alice);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.CollateralDeposited(id, alice, 15_000 ether, 15_000 ether);
        vm.prank(alice);
        reg.depositCollateral(15_000 ether);
        assertEq(reg.getProvider(id).collateral, 15_000 ether);
        assertEq(token.balanceOf(address(reg)), 15_000 ether);
        assertEq(reg.investmentOf(id), 5000 ether);
        vm.prank(alice);
        reg.depositCollateral(985_000 ether);
        assertEq(reg.getProvider(id).collateral, 1_000_000 ether, "exactly pMax");
    }

    function test_investmentOf_zeroUnderPmin() public {
        uint256 id = _apply(alice);
        vm.prank(alice);
        reg.depositCollateral(1 ether);
        assertEq(reg.investmentOf(id), 0);
    }

    function test_depositCollateralWithPermit_locks() public {
        (address signer, uint256 pk) = makeAddrAndKey("permitter");
        token.transfer(signer, 20_000 ether);
        vm.prank(signer);
        uint256 id = reg.applyAsProvider(BRAND, _cap(), 1, URI);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = _permitDigest(signer, 20_000 ether, token.nonces(signer), deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        vm.prank(signer);
        reg.depositCollateralWithPermit(20_000 ether, deadline, v, r, s);
        assertEq(reg.getProvider(id).collateral, 20_000 ether);
        assertEq(token.balanceOf(signer), 0);
    }

    function test_depositCollateralWithPermit_usedPermitStillDeposits() public {
        (address signer, uint256 pk) = makeAddrAndKey("permitter");
        token.transfer(signer, 20_000 ether);
        vm.prank(signer);
        reg.applyAsProvider(BRAND, _cap(), 1, URI);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = _permitDigest(signer, 20_000 ether, token.nonces(signer), deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        // front-run: someone submits the permit first
        token.permit(signer, address(reg), 20_000 ether, deadline, v, r, s);
        vm.prank(signer);
        reg.depositCollateralWithPermit(20_000 ether, deadline, v, r, s);
        assertEq(token.balanceOf(address(reg)), 20_000 ether);
    }

    function _permitDigest(address owner, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(reg),
                value,
                nonce,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
    }

    function test_RevertWhen_depositZero() public {
        _apply(alice);
        vm.expectRevert(ProviderRegistry.ProviderRegistryZeroAmount.selector);
        vm.prank(alice);
        reg.depositCollateral(0);
    }

    function test_RevertWhen_depositAbovePmax() public {
        uint256 id = _apply(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryCollateralAboveMax.selector, id, 1_000_001 ether, 1_000_000 ether
            )
        );
        vm.prank(alice);
        reg.depositCollateral(1_000_001 ether);
    }

    function test_RevertWhen_depositNotProvider() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotProvider.selector, stranger));
        vm.prank(stranger);
        reg.depositCollateral(1);
    }

    function test_withdrawal_requestWaitWithdraw() public {
        uint256 id = _apply(alice);
        vm.prank(alice);
        reg.depositCollateral(30_000 ether);
        uint256 before = token.balanceOf(alice);

        uint64 readyAt = uint64(block.timestamp + 14 days);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.WithdrawalRequested(id, 10_000 ether, 10_000 ether, readyAt);
        vm.prank(alice);
        reg.requestWithdrawal(10_000 ether);
        assertEq(reg.getProvider(id).collateral, 20_000 ether);
        (uint256 amount, uint64 at) = reg.unbondingOf(id);
        assertEq(amount, 10_000 ether);
        assertEq(at, readyAt);

        vm.warp(readyAt);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.CollateralWithdrawn(id, alice, 10_000 ether);
        vm.prank(alice);
        assertEq(reg.withdrawCollateral(), 10_000 ether);
        assertEq(token.balanceOf(alice), before + 10_000 ether);
        (amount, at) = reg.unbondingOf(id);
        assertEq(amount, 0);
        assertEq(at, 0);
        assertEq(token.balanceOf(address(reg)), 20_000 ether);
    }

    function test_requestWithdrawal_secondRequestRestartsDelay() public {
        uint256 id = _apply(alice);
        vm.startPrank(alice);
        reg.depositCollateral(30_000 ether);
        reg.requestWithdrawal(10_000 ether);
        vm.warp(block.timestamp + 10 days);
        reg.requestWithdrawal(5000 ether);
        vm.stopPrank();
        (uint256 amount, uint64 at) = reg.unbondingOf(id);
        assertEq(amount, 15_000 ether);
        assertEq(at, block.timestamp + 14 days);
    }

    function test_cancelWithdrawal_returnsToCollateral() public {
        uint256 id = _apply(alice);
        vm.startPrank(alice);
        reg.depositCollateral(30_000 ether);
        reg.requestWithdrawal(10_000 ether);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.WithdrawalCancelled(id, 10_000 ether, 30_000 ether);
        reg.cancelWithdrawal();
        vm.stopPrank();
        assertEq(reg.getProvider(id).collateral, 30_000 ether);
        (uint256 amount, uint64 at) = reg.unbondingOf(id);
        assertEq(amount, 0);
        assertEq(at, 0);
    }

    function test_RevertWhen_requestWithdrawalZero() public {
        _apply(alice);
        vm.expectRevert(ProviderRegistry.ProviderRegistryZeroAmount.selector);
        vm.prank(alice);
        reg.requestWithdrawal(0);
    }

    function test_RevertWhen_requestWithdrawalMoreThanCollateral() public {
        uint256 id = _apply(alice);
        vm.prank(alice);
        reg.depositCollateral(5 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryInsufficientCollateral.selector, id, 5 ether, 6 ether
            )
        );
        vm.prank(alice);
        reg.requestWithdrawal(6 ether);
    }

    function test_RevertWhen_requestWithdrawalWithActiveNodes() public {
        uint256 id = _eligible(alice);
        _register(alice, makeAddr("sidecar"));
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryHasActiveNodes.selector, id, 1));
        vm.prank(alice);
        reg.requestWithdrawal(1 ether);
    }

    function test_RevertWhen_withdrawWithActiveNodes() public {
        uint256 id = _eligible(alice);
        vm.prank(alice);
        reg.depositCollateral(5000 ether);
        vm.prank(alice);
        reg.requestWithdrawal(5000 ether); // still 10,000 bonded: eligible
        _register(alice, makeAddr("sidecar"));
        vm.warp(block.timestamp + 14 days);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryHasActiveNodes.selector, id, 1));
        vm.prank(alice);
        reg.withdrawCollateral();
    }

    function test_withdraw_afterNodeStopped() public {
        uint256 id = _eligible(alice);
        uint256 nodeId = _register(alice, makeAddr("sidecar"));
        vm.prank(alice);
        nodes.stopNode(nodeId);
        vm.prank(alice);
        reg.requestWithdrawal(10_000 ether);
        assertFalse(reg.isEligible(id));
        vm.warp(block.timestamp + 14 days);
        vm.prank(alice);
        reg.withdrawCollateral();
        assertEq(token.balanceOf(address(reg)), 0);
    }

    function test_RevertWhen_withdrawBeforeDelay() public {
        uint256 id = _apply(alice);
        vm.startPrank(alice);
        reg.depositCollateral(1 ether);
        reg.requestWithdrawal(1 ether);
        uint64 readyAt = uint64(block.timestamp + 14 days);
        vm.warp(readyAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryUnbondingNotReady.selector, id, readyAt, uint256(readyAt - 1)
            )
        );
        reg.withdrawCollateral();
        vm.stopPrank();
    }

    function test_RevertWhen_withdrawNothingUnbonding() public {
        uint256 id = _apply(alice);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNothingUnbonding.selector, id));
        vm.prank(alice);
        reg.withdrawCollateral();
    }

    function test_RevertWhen_cancelNothingUnbonding() public {
        uint256 id = _apply(alice);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNothingUnbonding.selector, id));
        vm.prank(alice);
        reg.cancelWithdrawal();
    }

    // ------------------------------------------------------------------ slashing

    function test_slashCollateral_onlyWhatIsReserved() public {
        uint256 id = _apply(alice);
        vm.startPrank(alice);
        reg.depositCollateral(30_000 ether);
        reg.requestWithdrawal(10_000 ether);
        vm.stopPrank();
        address insurance = makeAddr("insurance");

        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryAboveReserved.selector, id, 1, 0));
        vm.prank(market);
        reg.slashCollateral(id, 1, insurance);

        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryInsufficientFreeCollateral.selector, id, 20_000 ether, 20_001 ether
            )
        );
        vm.prank(market);
        reg.reserveCollateral(id, 20_001 ether);

        vm.expectEmit(address(reg));
        emit ProviderRegistry.CollateralReserved(id, market, 15_000 ether, 15_000 ether);
        vm.prank(market);
        reg.reserveCollateral(id, 15_000 ether);
        assertEq(reg.reservedOf(id), 15_000 ether);

        vm.expectEmit(address(reg));
        emit ProviderRegistry.CollateralSlashed(id, market, insurance, 12_000 ether, 8000 ether, 3000 ether);
        vm.prank(market);
        uint256 slashed = reg.slashCollateral(id, 12_000 ether, insurance);
        assertEq(slashed, 12_000 ether);
        assertEq(token.balanceOf(insurance), 12_000 ether);
        assertEq(reg.getProvider(id).collateral, 8000 ether);
        (uint256 unbonding,) = reg.unbondingOf(id);
        assertEq(unbonding, 10_000 ether, "unbonding is never slashed");

        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryAboveReserved.selector, id, 3001 ether, 3000 ether)
        );
        vm.prank(market);
        reg.slashCollateral(id, 3001 ether, insurance);

        vm.expectEmit(address(reg));
        emit ProviderRegistry.CollateralReleased(id, market, 3000 ether, 0);
        vm.prank(market);
        reg.releaseCollateral(id, 3000 ether);
        assertEq(reg.reservedOf(id), 0);
    }

    function test_RevertWhen_withdrawingReservedCollateral() public {
        uint256 id = _apply(alice);
        vm.prank(alice);
        reg.depositCollateral(30_000 ether);
        vm.prank(market);
        reg.reserveCollateral(id, 25_000 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryInsufficientCollateral.selector, id, 5000 ether, 5001 ether
            )
        );
        vm.prank(alice);
        reg.requestWithdrawal(5001 ether);
        vm.prank(alice);
        reg.requestWithdrawal(5000 ether);
    }

    function test_isQualifiedNowAndIsEligibleFor() public {
        uint256 id = _eligible(alice);
        assertTrue(reg.isQualifiedNow(id));
        assertFalse(reg.isQualifiedNow(id + 1), "no provider");
        uint256 collateral = reg.getProvider(id).collateral;
        assertTrue(reg.isEligibleFor(id, collateral));
        vm.prank(market);
        reg.reserveCollateral(id, 1);
        assertFalse(reg.isEligibleFor(id, collateral), "one wei is reserved");
        vm.prank(reputation);
        reg.reportScore(id, 0);
        assertFalse(reg.isQualifiedNow(id), "disqualified");
        vm.warp(uint256(reg.getProvider(id).disqualifiedUntil));
        assertTrue(reg.isQualifiedNow(id), "the period ended");
        vm.prank(gov);
        reg.unqualify(id);
        assertFalse(reg.isQualifiedNow(id), "unqualified");
    }

    function test_RevertWhen_slashToZero() public {
        uint256 id = _apply(alice);
        vm.expectRevert(ProviderRegistry.ProviderRegistryZeroRecipient.selector);
        vm.prank(market);
        reg.slashCollateral(id, 1, address(0));
    }

    // ------------------------------------------------------------------ scores

    function test_reportScore_underThresholdDisqualifiesThenRequalifiesAutomatically() public {
        uint256 id = _eligible(alice);
        uint64 until = uint64(block.timestamp + 30 days);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.ScoreReported(id, 4999, 5000);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.ProviderDisqualified(id, until, 4999);
        vm.prank(reputation);
        reg.reportScore(id, 4999);
        assertFalse(reg.isEligible(id));
        assertTrue(reg.isDisqualified(id));
        assertEq(reg.getProvider(id).disqualifiedUntil, until);
        assertTrue(reg.getProvider(id).qualified, "stays on the qualified list");

        vm.warp(until - 1);
        assertFalse(reg.isEligible(id));
        vm.warp(until);
        assertTrue(reg.isEligible(id), "automatic requalification");
        assertFalse(reg.isDisqualified(id));
    }

    function test_reportScore_atThresholdKeepsProvider() public {
        uint256 id = _eligible(alice);
        vm.prank(reputation);
        reg.reportScore(id, 5000);
        assertTrue(reg.isEligible(id));
        assertEq(reg.getProvider(id).disqualifiedUntil, 0);
    }

    function test_reportScore_lowScoreWhileDisqualifiedDoesNotExtend() public {
        uint256 id = _eligible(alice);
        vm.prank(reputation);
        reg.reportScore(id, 1);
        uint64 until = reg.getProvider(id).disqualifiedUntil;
        vm.warp(block.timestamp + 10 days);
        vm.prank(reputation);
        reg.reportScore(id, 0);
        assertEq(reg.getProvider(id).disqualifiedUntil, until, "a running disqualification is never extended");
    }

    function test_reportScore_sameLowScoreAfterThePeriodDoesNotDisqualifyAgain() public {
        uint256 id = _eligible(alice);
        vm.prank(reputation);
        reg.reportScore(id, 3000);
        vm.warp(uint256(reg.getProvider(id).disqualifiedUntil) + 1);
        vm.prank(reputation);
        reg.reportScore(id, 3000);
        assertTrue(reg.isEligible(id), "served for this score");
        vm.prank(reputation);
        reg.reportScore(id, 2999);
        assertTrue(reg.isDisqualified(id), "a lower score is a new fall");
        vm.warp(uint256(reg.getProvider(id).disqualifiedUntil) + 1);
        vm.prank(reputation);
        reg.reportScore(id, 9000);
        vm.prank(reputation);
        reg.reportScore(id, 3000);
        assertTrue(reg.isDisqualified(id), "a fall after a good score disqualifies again");
    }

    function test_reportScore_neverShortensDisqualification() public {
        uint256 id = _eligible(alice);
        vm.prank(reputation);
        reg.reportScore(id, 1);
        uint64 until = uint64(block.timestamp + 30 days);
        vm.prank(gov);
        reg.setDisqualificationPeriod(1 days);
        vm.prank(reputation);
        reg.reportScore(id, 1);
        assertEq(reg.getProvider(id).disqualifiedUntil, until);
    }

    function test_liftDisqualification_restoresEligibility() public {
        uint256 id = _eligible(alice);
        vm.prank(reputation);
        reg.reportScore(id, 0);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.DisqualificationLifted(id);
        vm.prank(gov);
        reg.liftDisqualification(id);
        assertTrue(reg.isEligible(id));
    }

    function test_RevertWhen_liftNotDisqualified() public {
        uint256 id = _eligible(alice);
        vm.prank(reputation);
        reg.reportScore(id, 0);
        uint64 until = uint64(block.timestamp + 30 days);
        vm.warp(until);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotDisqualified.selector, id, until));
        vm.prank(gov);
        reg.liftDisqualification(id);
    }

    // ------------------------------------------------------------------ capacity

    function test_maxNodes_derivedFromCapacity() public {
        uint256 id = _apply(alice);
        assertEq(reg.maxNodesOf(id), 10, "bandwidth 1000/25 = 40, storage 20000/2000 = 10, ram 16, cpu 16");
        vm.prank(gov);
        reg.setNodeRequirement(Resources({cpuCores: 8, ramGb: 32, storageGb: 1000, bandwidthMbps: 100}));
        assertEq(reg.maxNodesOf(id), 8, "cpu 64/8 = 8 is now the tightest");
    }

    function test_onNodeOpened_booksAndOnNodeClosedFrees() public {
        uint256 id = _eligible(alice);
        Resources memory r = _nodeRes();
        vm.expectEmit(address(reg));
        emit ProviderRegistry.CapacityBooked(id, r, r, 1);
        vm.prank(address(nodes));
        reg.onNodeOpened(id, r);
        IProviderRegistry.Provider memory p = reg.getProvider(id);
        assertEq(p.activeNodes, 1);
        assertEq(p.used.storageGb, 2000);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.CapacityReleased(id, r, Resources(0, 0, 0, 0), 0);
        vm.prank(address(nodes));
        reg.onNodeClosed(id, r);
        assertEq(reg.getProvider(id).activeNodes, 0);
    }

    function test_hasFreeCapacity_nodeLimitAndResources() public {
        uint256 id = _eligible(alice);
        Resources memory r = _nodeRes();
        for (uint256 i = 0; i < 10; ++i) {
            assertTrue(reg.hasFreeCapacity(id, r), string.concat("room for node ", vm.toString(i)));
            vm.prank(address(nodes));
            reg.onNodeOpened(id, r);
        }
        assertFalse(reg.hasFreeCapacity(id, r), "max nodes reached");
        Resources memory small = Resources(1, 1, 1, 1);
        assertFalse(reg.hasFreeCapacity(id, small), "node limit binds even for a small node");
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryNoFreeCapacity.selector,
                id,
                small,
                Resources(40, 160, 20_000, 250),
                _cap(),
                uint32(10),
                uint32(10)
            )
        );
        vm.prank(address(nodes));
        reg.onNodeOpened(id, small);
    }

    function test_RevertWhen_onNodeOpenedResourcesExceedCapacity() public {
        uint256 id = _eligible(alice);
        Resources memory big = Resources(65, 1, 1, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryNoFreeCapacity.selector,
                id,
                big,
                Resources(0, 0, 0, 0),
                _cap(),
                uint32(0),
                uint32(10)
            )
        );
        vm.prank(address(nodes));
        reg.onNodeOpened(id, big);
    }

    function test_RevertWhen_onNodeOpenedNotEligible() public {
        uint256 id = _apply(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryNotEligible.selector, id, false, uint64(0), 0, 10_000 ether
            )
        );
        vm.prank(address(nodes));
        reg.onNodeOpened(id, _nodeRes());
    }

    function test_RevertWhen_onNodeClosedUnderflow() public {
        uint256 id = _eligible(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryUsageUnderflow.selector, id, _nodeRes(), Resources(0, 0, 0, 0), 0
            )
        );
        vm.prank(address(nodes));
        reg.onNodeClosed(id, _nodeRes());
    }

    // ------------------------------------------------------------------ parameters

    function test_setters_storeAndEmit() public {
        RecordingObserver obs = new RecordingObserver();
        vm.startPrank(gov);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.CollateralBoundsSet(1 ether, 2 ether);
        reg.setCollateralBounds(1 ether, 2 ether);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.UntrustedMinKSet(20 ether);
        reg.setUntrustedMinK(20 ether);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.NodeRequirementSet(Resources(1, 2, 3, 4));
        reg.setNodeRequirement(Resources(1, 2, 3, 4));
        vm.expectEmit(address(reg));
        emit ProviderRegistry.ScoreThresholdSet(7000);
        reg.setScoreThreshold(7000);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.DisqualificationPeriodSet(365 days);
        reg.setDisqualificationPeriod(365 days);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.UnbondingDelaySet(0);
        reg.setUnbondingDelay(0);
        vm.expectEmit(address(reg));
        emit ProviderRegistry.StakeObserverSet(address(obs));
        reg.setStakeObserver(obs);
        vm.stopPrank();
        assertEq(reg.pMin(), 1 ether);
        assertEq(reg.pMax(), 2 ether);
        assertEq(reg.untrustedMinK(), 20 ether);
        assertEq(reg.nodeRequirement().bandwidthMbps, 4);
        assertEq(reg.scoreThreshold(), 7000);
        assertEq(reg.disqualificationPeriod(), 365 days);
        assertEq(reg.unbondingDelay(), 0);
        assertEq(address(reg.stakeObserver()), address(obs));
    }

    function test_RevertWhen_collateralBoundsInverted() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInvalidCollateralBounds.selector, 2, 1));
        vm.prank(gov);
        reg.setCollateralBounds(2, 1);
    }

    function test_RevertWhen_collateralBoundsAboveUint96() public {
        uint256 big = uint256(type(uint96).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInvalidCollateralBounds.selector, 0, big)
        );
        vm.prank(gov);
        reg.setCollateralBounds(0, big);
    }

    function test_RevertWhen_nodeRequirementZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryZeroNodeRequirement.selector, 1, 0, 3, 4)
        );
        vm.prank(gov);
        reg.setNodeRequirement(Resources(1, 0, 3, 4));
    }

    function test_RevertWhen_disqualificationPeriodTooLong() public {
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryPeriodTooLong.selector, 365 days + 1, 365 days)
        );
        vm.prank(gov);
        reg.setDisqualificationPeriod(365 days + 1);
    }

    /// @notice A threshold above the highest score would disqualify every provider at its next report:
    ///         refused; the highest score itself is allowed.
    function test_RevertWhen_scoreThresholdAboveMaxScore() public {
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryScoreThresholdTooHigh.selector, 10_001, 10_000)
        );
        vm.prank(gov);
        reg.setScoreThreshold(10_001);
        vm.prank(gov);
        reg.setScoreThreshold(10_000);
        assertEq(reg.scoreThreshold(), 10_000);
    }

    function test_RevertWhen_unbondingDelayTooLong() public {
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryPeriodTooLong.selector, 365 days + 1, 365 days)
        );
        vm.prank(gov);
        reg.setUnbondingDelay(365 days + 1);
    }

    function test_raisedPmin_makesProviderIneligibleUntilTopUp() public {
        uint256 id = _eligible(alice);
        vm.prank(gov);
        reg.setCollateralBounds(20_000 ether, 1_000_000 ether);
        assertFalse(reg.isEligible(id));
        vm.prank(alice);
        reg.depositCollateral(10_000 ether);
        assertTrue(reg.isEligible(id));
    }

    // ------------------------------------------------------------------ stake observer

    function test_observer_toldOfEveryCollateralChange() public {
        RecordingObserver obs = new RecordingObserver();
        vm.prank(gov);
        reg.setStakeObserver(obs);
        uint256 id = _apply(alice);
        vm.prank(alice);
        reg.depositCollateral(30_000 ether);
        _assertLast(obs, 0, 30_000 ether);
        vm.prank(alice);
        reg.requestWithdrawal(10_000 ether);
        _assertLast(obs, 30_000 ether, 20_000 ether);
        vm.prank(alice);
        reg.cancelWithdrawal();
        _assertLast(obs, 20_000 ether, 30_000 ether);
        vm.startPrank(market);
        reg.reserveCollateral(id, 1000 ether);
        reg.slashCollateral(id, 1000 ether, market);
        vm.stopPrank();
        _assertLast(obs, 30_000 ether, 29_000 ether);
        assertEq(obs.count(), 4);
        // unsetting: nothing is called any more
        vm.prank(gov);
        reg.setStakeObserver(IStakeObserver(address(0)));
        vm.prank(alice);
        reg.depositCollateral(1 ether);
        assertEq(obs.count(), 4);
    }

    function _assertLast(RecordingObserver obs, uint256 oldAmount, uint256 newAmount) internal view {
        RecordingObserver.Call memory c = obs.last();
        assertEq(uint8(c.class), uint8(IStakeObserver.StakeClass.Provider));
        assertEq(c.account, alice);
        assertEq(c.key, address(0));
        assertEq(c.oldAmount, oldAmount);
        assertEq(c.newAmount, newAmount);
    }

    function test_RevertWhen_observerReenters() public {
        ReenteringObserver obs = new ReenteringObserver(reg);
        vm.prank(gov);
        reg.setStakeObserver(obs);
        _apply(alice);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        vm.prank(alice);
        reg.depositCollateral(1 ether);
    }

    // ------------------------------------------------------------------ access control

    function test_RevertWhen_governanceFunctionsCalledByOthers() public {
        uint256 id = _apply(alice);
        address[3] memory callers = [stranger, market, alice];
        for (uint256 i = 0; i < callers.length; ++i) {
            address c = callers[i];
            vm.startPrank(c);
            bytes memory err = abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, c);
            vm.expectRevert(err);
            reg.qualify(id);
            vm.expectRevert(err);
            reg.unqualify(id);
            vm.expectRevert(err);
            reg.setTrustTier(id, TrustTier.Trusted, 0);
            vm.expectRevert(err);
            reg.liftDisqualification(id);
            vm.expectRevert(err);
            reg.setCollateralBounds(0, 1);
            vm.expectRevert(err);
            reg.setUntrustedMinK(1);
            vm.expectRevert(err);
            reg.setNodeRequirement(Resources(1, 1, 1, 1));
            vm.expectRevert(err);
            reg.setScoreThreshold(1);
            vm.expectRevert(err);
            reg.setDisqualificationPeriod(1);
            vm.expectRevert(err);
            reg.setUnbondingDelay(1);
            vm.expectRevert(err);
            reg.setStakeObserver(IStakeObserver(address(1)));
            vm.expectRevert(err);
            reg.setAuthorizedCaller(c, true);
            vm.stopPrank();
        }
    }

    function test_RevertWhen_authorizedFunctionsCalledByOthers() public {
        uint256 id = _apply(alice);
        address[2] memory callers = [stranger, alice];
        for (uint256 i = 0; i < callers.length; ++i) {
            address c = callers[i];
            vm.startPrank(c);
            bytes memory err = abi.encodeWithSelector(Governed.GovernedUnauthorizedCaller.selector, c);
            bytes memory notProtocol = abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotProtocol.selector, c);
            vm.expectRevert(notProtocol);
            reg.slashCollateral(id, 1, c);
            vm.expectRevert(notProtocol);
            reg.reserveCollateral(id, 1);
            vm.expectRevert(notProtocol);
            reg.releaseCollateral(id, 0);
            vm.expectRevert(err);
            reg.reportScore(id, 0);
            vm.stopPrank();
        }
    }

    /// Governance reports scores but cannot reserve, release or slash collateral itself.
    function test_authorizedCallers_governanceReportsButCannotSlash() public {
        uint256 id = _apply(alice);
        vm.startPrank(gov);
        reg.reportScore(id, 0);
        bytes memory notProtocol = abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotProtocol.selector, gov);
        vm.expectRevert(notProtocol);
        reg.slashCollateral(id, 0, gov);
        vm.expectRevert(notProtocol);
        reg.reserveCollateral(id, 0);
        reg.setAuthorizedCaller(gov, true);
        vm.expectRevert(notProtocol);
        reg.slashCollateral(id, 0, gov);
        vm.stopPrank();
        assertTrue(reg.isDisqualified(id));
    }

    function test_setAuthorizedCaller_grantsAndRevokes() public {
        uint256 id = _apply(alice);
        vm.prank(gov);
        reg.setAuthorizedCaller(stranger, true);
        vm.prank(stranger);
        reg.reportScore(id, 9000);
        vm.prank(gov);
        reg.setAuthorizedCaller(market, false);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotProtocol.selector, market));
        vm.prank(market);
        reg.slashCollateral(id, 1, market);
    }

    function test_RevertWhen_setAuthorizedCallerZero() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        vm.prank(gov);
        reg.setAuthorizedCaller(address(0), true);
    }

    function test_RevertWhen_nodeHooksNotFromNodeRegistry() public {
        uint256 id = _eligible(alice);
        address[3] memory callers = [stranger, market, gov];
        for (uint256 i = 0; i < callers.length; ++i) {
            address c = callers[i];
            vm.startPrank(c);
            bytes memory err = abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotNodeRegistry.selector, c);
            vm.expectRevert(err);
            reg.onNodeOpened(id, _nodeRes());
            vm.expectRevert(err);
            reg.onNodeClosed(id, _nodeRes());
            vm.stopPrank();
        }
    }

    // ------------------------------------------------------------------ gas
    // Gas tests run in isolate mode: every top-level call is its own transaction, so a snapshot is the
    // whole-transaction gasUsed (21,000 base + calldata + execution, cold storage as on a real chain).
    // Common case: the registry already has providers and holds MZKU (counters are non-zero).

    /// forge-config: default.isolate = true
    function test_gas_applyAsProvider() public {
        _apply(carol); // warms the provider counter: alice is not the first ever to apply
        vm.prank(alice);
        reg.applyAsProvider(BRAND, _cap(), 1000 ether, URI);
        uint256 txGas = vm.snapshotGasLastCall("provider", "apply");
        bytes memory data = abi.encodeCall(reg.applyAsProvider, (BRAND, _cap(), 1000 ether, URI));
        uint256 calldataGas;
        for (uint256 i = 0; i < data.length; ++i) {
            calldataGas += data[i] == 0 ? 4 : 16;
        }
        emit log_named_uint("apply whole-tx gas", txGas);
        emit log_named_uint("  of which calldata", calldataGas);
        emit log_named_uint("  of which execution", txGas - calldataGas - 21_000);
        assertLe(txGas, 100_000, "gas.provider.apply target");
    }

    /// forge-config: default.isolate = true
    function test_gas_collateralLifecycle() public {
        _apply(carol);
        vm.prank(carol);
        reg.depositCollateral(1 ether); // the registry already holds MZKU
        _apply(alice);
        vm.prank(alice);
        reg.depositCollateral(20_000 ether);
        vm.snapshotGasLastCall("provider", "depositCollateral");
        vm.prank(alice);
        reg.depositCollateral(1000 ether);
        vm.snapshotGasLastCall("provider", "depositCollateral_topUp");
        vm.prank(alice);
        reg.requestWithdrawal(5000 ether);
        vm.snapshotGasLastCall("provider", "requestWithdrawal");
        vm.prank(alice);
        reg.cancelWithdrawal();
        vm.snapshotGasLastCall("provider", "cancelWithdrawal");
        vm.prank(alice);
        reg.requestWithdrawal(5000 ether);
        vm.warp(block.timestamp + 14 days);
        vm.prank(alice);
        reg.withdrawCollateral();
        vm.snapshotGasLastCall("provider", "withdrawCollateral");
    }

    /// forge-config: default.isolate = true
    function test_gas_depositCollateralWithPermit() public {
        (address signer, uint256 pk) = makeAddrAndKey("permitter");
        token.transfer(signer, 20_000 ether);
        _apply(carol);
        vm.prank(carol);
        reg.depositCollateral(1 ether);
        vm.prank(signer);
        reg.applyAsProvider(BRAND, _cap(), 1, URI);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, _permitDigest(signer, 20_000 ether, 0, deadline));
        vm.prank(signer);
        reg.depositCollateralWithPermit(20_000 ether, deadline, v, r, s);
        vm.snapshotGasLastCall("provider", "depositCollateralWithPermit");
    }

    /// forge-config: default.isolate = true
    function test_gas_updates() public {
        _apply(alice);
        vm.prank(alice);
        reg.updatePriceCap(2000 ether);
        vm.snapshotGasLastCall("provider", "updatePriceCap");
        vm.prank(alice);
        reg.updateMetadata(BRAND, URI);
        vm.snapshotGasLastCall("provider", "updateMetadata");
    }

    /// forge-config: default.isolate = true
    function test_gas_protocolCalls() public {
        uint256 id = _eligible(alice);
        _eligible(bob);
        vm.prank(reputation);
        reg.reportScore(id, 9000);
        vm.snapshotGasLastCall("provider", "reportScore_ok");
        vm.prank(reputation);
        reg.reportScore(id, 100);
        vm.snapshotGasLastCall("provider", "reportScore_disqualify");
        vm.prank(market);
        reg.reserveCollateral(id, 1000 ether);
        vm.snapshotGasLastCall("provider", "reserveCollateral");
        vm.prank(market);
        reg.slashCollateral(id, 1000 ether, market);
        vm.snapshotGasLastCall("provider", "slashCollateral");
        uint256 carolId = _apply(carol);
        vm.prank(gov);
        reg.qualify(carolId);
        vm.snapshotGasLastCall("provider", "qualify");
    }
}
