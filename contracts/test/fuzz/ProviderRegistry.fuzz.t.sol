// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProviderRegistry} from "../../src/interfaces/IProviderRegistry.sol";
import {Resources, TrustTier} from "../../src/interfaces/ProtocolTypes.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {ProviderRegistryFixture} from "../unit/ProviderRegistryFixture.sol";

contract ProviderRegistryFuzzTest is ProviderRegistryFixture {
    function _boundRes(Resources memory r, uint32 lo, uint32 hi) internal pure returns (Resources memory) {
        r.cpuCores = uint32(bound(r.cpuCores, lo, hi));
        r.ramGb = uint32(bound(r.ramGb, lo, hi));
        r.storageGb = uint32(bound(r.storageGb, lo, hi));
        r.bandwidthMbps = uint32(bound(r.bandwidthMbps, lo, hi));
        return r;
    }

    function testFuzz_applyAsProvider(Resources memory capacity, uint128 priceCap, Resources memory requirement)
        public
    {
        capacity = _boundRes(capacity, 1, type(uint32).max);
        requirement = _boundRes(requirement, 1, type(uint32).max);
        priceCap = uint128(bound(priceCap, 0, type(uint96).max));
        vm.prank(gov);
        reg.setNodeRequirement(requirement);
        vm.prank(alice);
        uint256 id = reg.applyAsProvider(BRAND, capacity, priceCap, URI);
        IProviderRegistry.Provider memory p = reg.getProvider(id);
        assertEq(p.owner, alice);
        assertEq(p.priceCap, priceCap);
        assertEq(p.capacity.cpuCores, capacity.cpuCores);
        assertEq(p.capacity.ramGb, capacity.ramGb);
        assertEq(p.capacity.storageGb, capacity.storageGb);
        assertEq(p.capacity.bandwidthMbps, capacity.bandwidthMbps);
        uint256 expected = capacity.cpuCores / requirement.cpuCores;
        expected = _min(expected, capacity.ramGb / requirement.ramGb);
        expected = _min(expected, capacity.storageGb / requirement.storageGb);
        expected = _min(expected, capacity.bandwidthMbps / requirement.bandwidthMbps);
        assertEq(p.maxNodes, expected, "max nodes = min over components of capacity / requirement");
    }

    function testFuzz_ethShareOf(uint8 tierRaw, uint128 k, uint256 minK) public {
        TrustTier tier = TrustTier(bound(tierRaw, 0, 2));
        k = uint128(bound(k, 0, 32 ether));
        minK = bound(minK, 0, 32 ether);
        uint256 id = _apply(alice);
        vm.startPrank(gov);
        reg.setUntrustedMinK(minK);
        reg.setTrustTier(id, tier, k);
        vm.stopPrank();
        uint256 share = reg.ethShareOf(id);
        if (tier == TrustTier.Trusted) assertEq(share, 0);
        else if (tier == TrustTier.SemiTrusted) assertEq(share, k);
        else assertEq(share, k > minK ? k : minK);
        assertLe(share, 32 ether);
        assertEq(reg.getProvider(id).ethShare, share);
    }

    function testFuzz_collateral_depositRequestWithdraw(uint256 deposit, uint256 request, uint256 wait) public {
        deposit = bound(deposit, 1, 1_000_000 ether);
        request = bound(request, 1, deposit);
        wait = bound(wait, 0, 30 days);
        uint256 id = _apply(alice);
        uint256 start = token.balanceOf(alice);
        vm.startPrank(alice);
        reg.depositCollateral(deposit);
        reg.requestWithdrawal(request);
        vm.warp(block.timestamp + wait);
        if (wait < 14 days) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ProviderRegistry.ProviderRegistryUnbondingNotReady.selector,
                    id,
                    uint64(1 + 14 days),
                    block.timestamp
                )
            );
            reg.withdrawCollateral();
        } else {
            assertEq(reg.withdrawCollateral(), request);
            assertEq(token.balanceOf(alice), start - deposit + request);
        }
        vm.stopPrank();
        (uint256 unbonding,) = reg.unbondingOf(id);
        assertEq(token.balanceOf(address(reg)), reg.getProvider(id).collateral + unbonding);
        assertEq(reg.getProvider(id).collateral, deposit - request);
        assertEq(reg.investmentOf(id), deposit - request > 10_000 ether ? deposit - request - 10_000 ether : 0);
    }

    function testFuzz_slashCollateral(uint256 deposit, uint256 reserve, uint256 request, uint256 amount) public {
        deposit = bound(deposit, 1, 1_000_000 ether);
        reserve = bound(reserve, 0, deposit);
        request = bound(request, 0, deposit - reserve);
        amount = bound(amount, 0, 3_000_000 ether);
        uint256 id = _apply(alice);
        vm.prank(alice);
        reg.depositCollateral(deposit);
        vm.prank(market);
        reg.reserveCollateral(id, reserve);
        if (request != 0) {
            vm.prank(alice);
            reg.requestWithdrawal(request);
        }
        address sink = makeAddr("sink");
        vm.prank(market);
        if (amount > reserve) {
            vm.expectRevert(
                abi.encodeWithSelector(ProviderRegistry.ProviderRegistryAboveReserved.selector, id, amount, reserve)
            );
            reg.slashCollateral(id, amount, sink);
            return;
        }
        uint256 slashed = reg.slashCollateral(id, amount, sink);
        assertEq(slashed, amount, "exactly the asked part of the reservation");
        assertEq(token.balanceOf(sink), slashed);
        assertEq(reg.getProvider(id).collateral, deposit - request - amount);
        assertEq(reg.reservedOf(id), reserve - amount);
        (uint256 unbonding,) = reg.unbondingOf(id);
        assertEq(unbonding, request, "unbonding untouched");
        assertEq(token.balanceOf(address(reg)), deposit - slashed);
    }

    function testFuzz_reportScore(uint256 score, uint256 threshold, uint64 period) public {
        threshold = bound(threshold, 0, 10_000);
        score = bound(score, 0, 10_000);
        period = uint64(bound(period, 0, 365 days));
        uint256 id = _eligible(alice);
        vm.startPrank(gov);
        reg.setScoreThreshold(threshold);
        reg.setDisqualificationPeriod(period);
        vm.stopPrank();
        vm.prank(reputation);
        reg.reportScore(id, score);
        bool disqualified = score < threshold && period > 0;
        assertEq(reg.isEligible(id), !disqualified);
        vm.warp(block.timestamp + period);
        assertTrue(reg.isEligible(id), "requalified when the period ends");
    }

    function testFuzz_onNodeOpened_fitsIffWithinCapacity(Resources memory node, uint8 count) public {
        node = _boundRes(node, 1, 30_000);
        count = uint8(bound(count, 1, 12));
        uint256 id = _eligible(alice);
        Resources memory cap = _cap();
        uint256 opened;
        for (uint256 i = 0; i < count; ++i) {
            bool fits = opened < 10 && (opened + 1) * node.cpuCores <= cap.cpuCores
                && (opened + 1) * node.ramGb <= cap.ramGb && (opened + 1) * node.storageGb <= cap.storageGb
                && (opened + 1) * node.bandwidthMbps <= cap.bandwidthMbps;
            assertEq(reg.hasFreeCapacity(id, node), fits, string.concat("node ", vm.toString(i)));
            if (!fits) {
                vm.expectRevert();
                vm.prank(address(nodes));
                reg.onNodeOpened(id, node);
                break;
            }
            vm.prank(address(nodes));
            reg.onNodeOpened(id, node);
            ++opened;
        }
        IProviderRegistry.Provider memory p = reg.getProvider(id);
        assertEq(p.activeNodes, opened);
        assertEq(p.used.cpuCores, opened * node.cpuCores);
        assertEq(p.used.bandwidthMbps, opened * node.bandwidthMbps);
    }

    function testFuzz_qualifiedList(uint256 seed) public {
        uint256 n = 6;
        for (uint256 i = 0; i < n; ++i) {
            _apply(address(uint160(0xA000 + i)));
        }
        bool[7] memory q;
        uint256 qualifiedCount;
        for (uint256 step = 0; step < 24; ++step) {
            uint256 id = 1 + uint256(keccak256(abi.encode(seed, step))) % n;
            vm.prank(gov);
            if (q[id]) {
                reg.unqualify(id);
                q[id] = false;
                --qualifiedCount;
            } else {
                reg.qualify(id);
                q[id] = true;
                ++qualifiedCount;
            }
        }
        uint256[] memory ids = reg.qualifiedProviders(0, 100);
        assertEq(ids.length, qualifiedCount);
        for (uint256 i = 0; i < ids.length; ++i) {
            assertTrue(q[ids[i]], string.concat("listed id ", vm.toString(ids[i]), " is qualified"));
            for (uint256 j = i + 1; j < ids.length; ++j) {
                assertTrue(ids[i] != ids[j], "no duplicates");
            }
        }
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}
