// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketRealBase} from "../utils/MarketRealBase.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice Attacks on scores: a new provider that nobody refreshed cannot win; anyone's `refresh` keeps
///         a provider disqualified for ever.
contract ReputationAttackTest is MarketRealBase {
    function _fresh(string memory name) internal returns (address owner, uint256 id) {
        owner = makeAddr(name);
        token.transfer(owner, 1_000_000 ether);
        vm.startPrank(owner);
        id = registry.applyAsProvider(name, Resources(16, 64, 8000, 100), 1000 ether, "");
        token.approve(address(registry), type(uint256).max);
        registry.depositCollateral(10_000 ether);
        token.approve(address(market), type(uint256).max);
        market.depositBond(100 ether);
        vm.stopPrank();
        vm.prank(gov);
        registry.qualify(id);
    }

    /// Nobody called `refresh`: the provider still scores what its inputs give and can win.
    function test_Attack_NewProviderScoresZero_WithoutRefresh() public {
        (address owner, uint256 id) = _fresh("New");
        assertEq(reputation.scoreOf(id), reputation.computeScore(id), "score without refresh");
        assertGt(reputation.scoreOf(id), 0);
        uint256 pj = _open();
        uint256 i = _commit(pj, owner, 60 ether);
        _toReveal(pj);
        _reveal(pj, owner, i, 60 ether);
        _toSettle(pj);
        market.settle(pj);
        assertEq(market.getProject(pj).winner, owner, "the new provider wins");
    }

    /// A disqualified provider: further refreshes by anyone do not push the end further.
    function test_Attack_RefreshExtendsDisqualification() public {
        (, uint256 id) = _fresh("Low");
        vm.prank(gov);
        reputation.setDefaults(0, 1000); // score: stake part only, 10,000/100,000 → 250 < 5000
        reputation.refresh(id);
        uint64 until = registry.getProvider(id).disqualifiedUntil;
        assertGt(until, block.timestamp, "disqualified");
        vm.warp(block.timestamp + 10 days);
        reputation.refresh(id);
        assertEq(registry.getProvider(id).disqualifiedUntil, until, "a refresh does not extend it");
    }

    /// Three failures used to keep the score under the threshold for ever, so every refresh
    /// disqualified again: the provider comes back after its disqualification.
    function test_Attack_RefreshExtendsDisqualification_NotPermanentAfterThreeFailures() public {
        (address owner, uint256 id) = _fresh("Failing");
        vm.prank(owner);
        registry.depositCollateral(10_000 ether); // room for three start penalties above Pmin
        IPricingPolicy.MarketParams memory m = policy.marketParams();
        m.scoreThreshold = 0; // the market takes any score: only the registry's disqualification binds
        vm.prank(gov);
        policy.setMarketParams(m);
        uint256 failures;
        for (uint256 k = 0; k < 3; ++k) {
            uint256 pj = _open();
            uint256 i = _commit(pj, owner, 60 ether);
            _toReveal(pj);
            _reveal(pj, owner, i, 60 ether);
            _toSettle(pj);
            market.settle(pj);
            if (market.getProject(pj).winner != owner) break;
            vm.warp(block.timestamp + 2 days);
            market.failUnstarted(pj);
            ++failures;
            vm.warp(uint256(registry.getProvider(id).disqualifiedUntil) + 1);
        }
        assertEq(failures, 3, "three failures recorded");
        vm.warp(block.timestamp + 400 days);
        reputation.refresh(id);
        vm.warp(block.timestamp + 400 days);
        reputation.refresh(id);
        assertTrue(registry.isEligible(id), "eligible again once the disqualifications are served");
    }
}
