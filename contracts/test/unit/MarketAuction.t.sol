// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {MarketBase} from "../utils/MarketBase.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {Governed} from "../../src/governance/Governed.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {NodeStatus} from "../../src/interfaces/ProtocolTypes.sol";

contract MarketAuctionTest is MarketBase {
    address[] internal provs;
    uint256[] internal pids;

    function setUp() public override {
        super.setUp();
        for (uint256 i = 0; i < 4; ++i) {
            (address o, uint256 id) = _provider(string(abi.encodePacked("P", vm.toString(i))), 1000 ether);
            provs.push(o);
            pids.push(id);
        }
    }

    function _pair(address a, address b, uint256 pa, uint256 pb)
        internal
        pure
        returns (address[] memory bs, uint256[] memory ps)
    {
        bs = new address[](2);
        ps = new uint256[](2);
        (bs[0], bs[1], ps[0], ps[1]) = (a, b, pa, pb);
    }

    function _status(uint256 id) internal view returns (IProjectMarket.Status) {
        return market.getProject(id).status;
    }

    // ---- opening ----

    function test_openProject_escrowsFixedPrice() public {
        uint256 before = token.balanceOf(address(market));
        vm.expectEmit(address(market));
        emit IProjectMarket.ProjectTermsSet(
            1, 1000, 500, 5000, 1000, 4, false, uint64(block.number + 149), 1 days, 10_000, 20_000
        );
        uint256 id = _open();
        IProjectMarket.ProjectView memory v = market.getProject(id);
        assertEq(token.balanceOf(address(market)), before + FP);
        assertEq(v.fixedPrice, FP);
        assertEq(v.requester, requester);
        assertEq(v.commitEndBlock, block.number + 150);
        assertEq(v.revealEndBlock, block.number + 300);
        assertEq(v.drawBlock, block.number + 149, "the last commit block");
        assertEq(v.feeRateBps, 1000);
        assertEq(v.bidBond, BOND);
        assertEq(uint8(v.status), uint8(IProjectMarket.Status.Bidding));
    }

    function test_openProjectWithPermit_pullsWithSignature() public {
        (address signer, uint256 key) = makeAddrAndKey("permit-requester");
        token.transfer(signer, FP);
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                token.DOMAIN_SEPARATOR(),
                keccak256(
                    abi.encode(
                        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                        signer,
                        address(market),
                        FP,
                        token.nonces(signer),
                        block.timestamp
                    )
                )
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        vm.prank(signer);
        uint256 id = market.openProjectWithPermit(_res(), DAY, T, FP, block.timestamp, v, r, s);
        assertEq(market.getProject(id).requester, signer);
        assertEq(token.balanceOf(signer), 0);
    }

    function test_RevertWhen_openWithZeroDuration() public {
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketInvalidProject.selector, 0));
        vm.prank(requester);
        market.openProject(_res(), 0, T, FP);
    }

    function test_RevertWhen_openWithZeroPrice() public {
        vm.prank(gov);
        policy.setUnitPrices(3, IPricingPolicy.UnitPrices(0, 0, 0, 0, 0));
        vm.prank(gov);
        policy.setTypeTerms(3, IPricingPolicy.TypeTerms(true, false, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketInvalidProject.selector, DAY));
        vm.prank(requester);
        market.openProject(_res(), DAY, 3, FP);
    }

    function test_RevertWhen_quoteAboveMax() public {
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketPriceAboveMax.selector, FP, FP - 1));
        vm.prank(requester);
        market.openProject(_res(), DAY, T, FP - 1);
    }

    // ---- bonds ----

    function test_bonds_depositAndWithdraw() public {
        address a = provs[0];
        assertEq(market.bondBalanceOf(a), 100 ether);
        vm.prank(a);
        market.withdrawBond(40 ether);
        assertEq(market.bondBalanceOf(a), 60 ether);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketBadAmount.selector, 61 ether, 60 ether));
        vm.prank(a);
        market.withdrawBond(61 ether);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketBadAmount.selector, 0, 0));
        vm.prank(a);
        market.depositBond(0);
    }

    function test_RevertWhen_bondTooLow() public {
        uint256 id = _open();
        address poor = makeAddr("poor");
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketBondTooLow.selector, poor, 0, BOND));
        vm.prank(poor);
        market.commit(id, bytes32(uint256(1)));
    }

    // ---- commit / reveal errors ----

    function test_RevertWhen_commitToUnknownProject() public {
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketWrongStatus.selector, 99, IProjectMarket.Status.None)
        );
        vm.prank(provs[0]);
        market.commit(99, bytes32(uint256(1)));
    }

    function test_RevertWhen_commitAfterWindow() public {
        uint256 id = _open();
        uint256 end = market.getProject(id).commitEndBlock;
        vm.roll(end);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketCommitClosed.selector, id, end, end));
        vm.prank(provs[0]);
        market.commit(id, bytes32(uint256(1)));
    }

    function test_RevertWhen_zeroCommitment() public {
        uint256 id = _open();
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketZeroCommitment.selector, id));
        vm.prank(provs[0]);
        market.commit(id, 0);
    }

    function test_RevertWhen_moreThan32Bids() public {
        uint256 id = _open();
        for (uint256 i = 0; i < 32; ++i) {
            (address a,) = _provider(string(abi.encodePacked("slot", vm.toString(i))), 1000 ether);
            vm.prank(a);
            market.commit(id, bytes32(i + 1));
        }
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketTooManyBids.selector, id, 32));
        vm.prank(provs[0]);
        market.commit(id, bytes32(uint256(99)));
    }

    function test_RevertWhen_openAboveLimits() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ProjectMarket.ProjectMarketAboveLimits.selector, 366 days, 365 days, 36_600 ether, 100_000 ether
            )
        );
        vm.prank(requester);
        market.openProject(_res(), 366 days, T, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProjectMarket.ProjectMarketAboveLimits.selector, 1001 days, 365 days, 100_100 ether, 100_000 ether
            )
        );
        vm.prank(requester);
        market.openProject(_res(), 1001 days, T, type(uint256).max);
    }

    function test_settle_rearmsWhenTheDrawBlockIsTooOld() public {
        uint256 id = _open();
        _commit(id, provs[0], 60 ether);
        _toReveal(id);
        _reveal(id, provs[0], 0, 60 ether);
        uint256 drawBlock = market.getProject(id).drawBlock;
        vm.roll(drawBlock + 257);
        vm.expectEmit(address(market));
        emit IProjectMarket.DrawRearmed(id, drawBlock, drawBlock + 258);
        market.settle(id);
        assertEq(market.getProject(id).drawBlock, drawBlock + 258);
        assertEq(uint8(_status(id)), uint8(IProjectMarket.Status.Bidding));
        vm.expectRevert(
            abi.encodeWithSelector(
                ProjectMarket.ProjectMarketDrawPending.selector, id, drawBlock + 257, drawBlock + 258
            )
        );
        market.settle(id);
        vm.roll(drawBlock + 259);
        vm.setBlockhash(drawBlock + 258, keccak256("rearmed"));
        market.settle(id);
        assertEq(market.getProject(id).winner, provs[0]);
    }

    function test_RevertWhen_commitByNonProviderOrIneligible() public {
        uint256 id = _open();
        address stranger = makeAddr("stranger");
        token.transfer(stranger, 100 ether);
        vm.startPrank(stranger);
        token.approve(address(market), type(uint256).max);
        market.depositBond(BOND);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketNotEligibleBidder.selector, id, stranger));
        market.commit(id, bytes32(uint256(1)));
        vm.stopPrank();
        registry.setQualified(pids[0], false);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketNotEligibleBidder.selector, id, provs[0]));
        vm.prank(provs[0]);
        market.commit(id, bytes32(uint256(1)));
    }

    function test_RevertWhen_secondCommitOrOlderProject() public {
        uint256 first = _open();
        uint256 second = _open();
        vm.startPrank(provs[0]);
        market.commit(second, bytes32(uint256(1)));
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketAlreadyBid.selector, second, provs[0], second)
        );
        market.commit(second, bytes32(uint256(2)));
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketAlreadyBid.selector, first, provs[0], second));
        market.commit(first, bytes32(uint256(3)));
        vm.stopPrank();
        assertEq(market.lastProjectOf(provs[0]), second);
    }

    function test_RevertWhen_withdrawBondWhileLastAuctionOpen() public {
        uint256 id = _open();
        _commit(id, provs[0], 60 ether);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketBondLocked.selector, provs[0], id));
        vm.prank(provs[0]);
        market.withdrawBond(1 ether);
        _toSettle(id);
        market.settle(id);
        vm.prank(provs[0]);
        market.withdrawBond(1 ether);
    }

    function test_RevertWhen_revealBeforeWindow() public {
        uint256 id = _open();
        uint256 idx = _commit(id, provs[0], 60 ether);
        IProjectMarket.ProjectView memory v = market.getProject(id);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProjectMarket.ProjectMarketRevealNotOpen.selector, id, block.number, v.commitEndBlock, v.revealEndBlock
            )
        );
        _reveal(id, provs[0], idx, 60 ether);
    }

    function test_RevertWhen_lateReveal() public {
        uint256 id = _open();
        uint256 idx = _commit(id, provs[0], 60 ether);
        IProjectMarket.ProjectView memory v = market.getProject(id);
        vm.roll(v.revealEndBlock);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProjectMarket.ProjectMarketRevealNotOpen.selector,
                id,
                v.revealEndBlock,
                v.commitEndBlock,
                v.revealEndBlock
            )
        );
        _reveal(id, provs[0], idx, 60 ether);
    }

    function test_RevertWhen_wrongSalt() public {
        uint256 id = _open();
        uint256 idx = _commit(id, provs[0], 60 ether);
        _toReveal(id);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketCommitmentMismatch.selector, id, idx));
        vm.prank(provs[0]);
        market.reveal(id, idx, 60 ether, bytes32(uint256(123)));
    }

    function test_RevertWhen_revealOfAnotherBidder() public {
        uint256 id = _open();
        uint256 idx = _commit(id, provs[0], 60 ether);
        _toReveal(id);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketCommitmentMismatch.selector, id, idx));
        vm.prank(provs[1]);
        market.reveal(id, idx, 60 ether, _salt(provs[0]));
    }

    function test_RevertWhen_revealUnknownIndexOrTwice() public {
        uint256 id = _open();
        uint256 idx = _commit(id, provs[0], 60 ether);
        _toReveal(id);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketUnknownBid.selector, id, 1));
        _reveal(id, provs[0], 1, 60 ether);
        _reveal(id, provs[0], idx, 60 ether);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketAlreadyRevealed.selector, id, idx));
        _reveal(id, provs[0], idx, 60 ether);
    }

    function test_RevertWhen_bidDoesNotFit96Bits() public {
        uint256 id = _open();
        uint256 big = 1 << 96;
        uint256 idx = _commit(id, provs[0], big);
        _toReveal(id);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketBidTooHigh.selector, big));
        _reveal(id, provs[0], idx, big);
    }

    function test_RevertWhen_settleTooEarlyOrTwice() public {
        uint256 id = _open();
        uint256 end = market.getProject(id).revealEndBlock;
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketSettleTooEarly.selector, id, block.number, end)
        );
        market.settle(id);
        vm.roll(end);
        market.settle(id);
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketWrongStatus.selector, id, IProjectMarket.Status.NoWinner)
        );
        market.settle(id);
    }

    function test_reveal_freesBondAndMixesSalt() public {
        uint256 id = _open();
        uint256 idx = _commit(id, provs[0], 60 ether);
        assertEq(market.bondBalanceOf(provs[0]), 90 ether, "bond locked");
        (bool revealed, bytes32 c,,) = market.bidAt(id, idx);
        assertFalse(revealed);
        assertEq(c, market.commitmentOf(60 ether, _salt(provs[0]), provs[0], id));
        _toReveal(id);
        _reveal(id, provs[0], idx, 60 ether);
        assertEq(market.bondBalanceOf(provs[0]), 100 ether, "bond freed");
        address bidder;
        uint256 price;
        (revealed,, bidder, price) = market.bidAt(id, idx);
        assertTrue(revealed);
        assertEq(bidder, provs[0]);
        assertEq(price, 60 ether);
        assertEq(market.getProject(id).saltMix, uint128(uint256(_salt(provs[0]))));
    }

    // ---- edge cases ----

    function test_settle_noBids_requesterCancels() public {
        uint256 before = token.balanceOf(requester);
        uint256 id = _open();
        _toSettle(id);
        market.settle(id);
        assertEq(uint8(_status(id)), uint8(IProjectMarket.Status.NoWinner));
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketNotAllowed.selector, id, provs[0]));
        vm.prank(provs[0]);
        market.cancel(id);
        vm.prank(requester);
        market.cancel(id);
        assertEq(token.balanceOf(requester), before);
        assertEq(uint8(_status(id)), uint8(IProjectMarket.Status.Cancelled));
    }

    function test_RevertWhen_cancelWhileBidding() public {
        uint256 id = _open();
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketWrongStatus.selector, id, IProjectMarket.Status.Bidding)
        );
        vm.prank(requester);
        market.cancel(id);
    }

    function test_settle_oneBid_winsAtItsBidEvenWithVickrey() public {
        vm.prank(gov);
        policy.setTypeTerms(T, IPricingPolicy.TypeTerms(true, true, 0, 0));
        address[] memory b = new address[](1);
        uint256[] memory p = new uint256[](1);
        (b[0], p[0]) = (provs[2], 80 ether);
        uint256 id = _auction(b, p);
        assertEq(market.getProject(id).winner, provs[2]);
        assertEq(market.getProject(id).price, 80 ether);
        assertEq(uint8(_status(id)), uint8(IProjectMarket.Status.Assigned));
        assertEq(reputation.recentWinningBids(pids[2])[0], 0, "a win is recorded at start, not at settlement");
        uint256 nodeId = _node(pids[2]);
        vm.prank(provs[2]);
        market.startProject(id, nodeId);
        assertEq(reputation.recentWinningBids(pids[2])[0], 80 ether, "recent bid recorded");
        assertEq(reputation.statsOf(pids[2]).wins, 1);
    }

    function test_settle_vickreyPaysSecondLowest() public {
        vm.prank(gov);
        policy.setTypeTerms(T, IPricingPolicy.TypeTerms(true, true, 0, 0));
        (address[] memory b, uint256[] memory p) = _pair(provs[0], provs[1], 60 ether, 70 ether);
        uint256 id = _auction(b, p);
        assertEq(market.getProject(id).winner, provs[0]);
        assertEq(market.getProject(id).price, 70 ether, "second-lowest eligible price");
    }

    function test_settle_vickreyFindsSecondPastIneligible() public {
        vm.prank(gov);
        policy.setTypeTerms(T, IPricingPolicy.TypeTerms(true, true, 0, 0));
        uint256 id = _open();
        _commit(id, provs[0], 60 ether);
        _commit(id, provs[1], 70 ether);
        _commit(id, provs[2], 80 ether);
        _toReveal(id);
        _reveal(id, provs[0], 0, 60 ether);
        _reveal(id, provs[1], 1, 70 ether);
        _reveal(id, provs[2], 2, 80 ether);
        registry.setQualified(pids[1], false); // drops out after its reveal
        _toSettle(id);
        market.settle(id);
        assertEq(market.getProject(id).winner, provs[0]);
        assertEq(market.getProject(id).price, 80 ether, "P1 is not eligible, P2 sets the price");
    }

    function test_settle_noReveal_bondToInsurance() public {
        uint256 id = _open();
        _commit(id, provs[0], 60 ether);
        _commit(id, provs[1], 70 ether);
        _toReveal(id);
        _reveal(id, provs[1], 1, 70 ether);
        _toSettle(id);
        market.settle(id);
        assertEq(token.balanceOf(address(insurancePool)), BOND, "P0's unrevealed bond");
        assertEq(market.bondBalanceOf(provs[0]), 90 ether);
        assertEq(market.getProject(id).winner, provs[1]);
    }

    function test_settle_allEqual_drawAmongAll() public {
        address[] memory b = new address[](4);
        uint256[] memory p = new uint256[](4);
        for (uint256 i = 0; i < 4; ++i) {
            (b[i], p[i]) = (provs[i], 50 ether);
        }
        bool[4] memory won;
        for (uint256 r = 0; r < 16; ++r) {
            vm.prevrandao(bytes32(r * 7919 + 1));
            uint256 id = _auction(b, p);
            address w = market.getProject(id).winner;
            for (uint256 i = 0; i < 4; ++i) {
                if (w == provs[i]) won[i] = true;
            }
        }
        uint256 distinct;
        for (uint256 i = 0; i < 4; ++i) {
            if (won[i]) ++distinct;
        }
        assertGt(distinct, 1, "the draw is not constant");
    }

    function test_settle_overCapacityIsSkipped() public {
        registry.setUsed(pids[0], Resources(14, 0, 0, 0), 1); // 4 more cores do not fit
        (address[] memory b, uint256[] memory p) = _pair(provs[0], provs[1], 60 ether, 70 ether);
        vm.recordLogs();
        uint256 id = _auction(b, p);
        assertEq(market.getProject(id).winner, provs[1]);
    }

    function test_settle_disqualifiedMidAuctionIsSkipped() public {
        uint256 id = _open();
        uint256 i0 = _commit(id, provs[0], 60 ether);
        uint256 i1 = _commit(id, provs[1], 70 ether);
        _toReveal(id);
        _reveal(id, provs[0], i0, 60 ether);
        _reveal(id, provs[1], i1, 70 ether);
        registry.setDisqualifiedUntil(pids[0], uint64(block.timestamp + 30 days));
        _toSettle(id);
        market.settle(id);
        assertEq(market.getProject(id).winner, provs[1]);
    }

    function test_settle_aboveCapAboveMaxBidLowScoreSkippedAndForfeited() public {
        registry.setPriceCap(pids[0], 50 ether);
        IPricingPolicy.MarketParams memory m = policy.marketParams();
        m.scoreThreshold = 5501; // fresh providers score 5500
        vm.prank(gov);
        policy.setMarketParams(m);
        uint256 id = _open();
        _commit(id, provs[0], 60 ether); // above its cap
        _commit(id, provs[1], 81 ether); // above FP − 2·⌈FP·r⌉ = 80
        _commit(id, provs[2], 70 ether); // score under the threshold
        _toReveal(id);
        _reveal(id, provs[0], 0, 60 ether);
        _reveal(id, provs[1], 1, 81 ether);
        _reveal(id, provs[2], 2, 70 ether);
        _toSettle(id);
        uint256 before = market.bondBalanceOf(provs[1]);
        market.settle(id);
        assertEq(uint8(_status(id)), uint8(IProjectMarket.Status.NoWinner));
        assertEq(market.bondBalanceOf(provs[1]), before - BOND, "a revealed ineligible bid forfeits its bond");
        assertEq(insurancePool.depositedMzku(), 3 * BOND, "three bonds to the Insurance Pool");
    }

    function test_settle_reservesTheWinnersCollateral() public {
        address[] memory b = new address[](1);
        uint256[] memory p = new uint256[](1);
        (b[0], p[0]) = (provs[0], 60 ether);
        vm.recordLogs();
        uint256 id = _auction(b, p);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 evaluated;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].topics[0] == IProjectMarket.BidEvaluated.selector) ++evaluated;
        }
        assertEq(evaluated, 1);
        assertEq(market.getProject(id).winner, provs[0]);
        assertEq(registry.reservedOf(pids[0]), FP, "reserveBps 10000: FP reserved");
    }

    function test_settle_afterGraceUsesNoPrevrandao() public {
        (address[] memory b, uint256[] memory p) = _pair(provs[0], provs[1], 60 ether, 60 ether);
        uint256 id = _open();
        _commit(id, b[0], p[0]);
        _commit(id, b[1], p[1]);
        _toReveal(id);
        _reveal(id, b[0], 0, p[0]);
        _reveal(id, b[1], 1, p[1]);
        vm.roll(market.getProject(id).revealEndBlock + 5);
        vm.prevrandao(bytes32(uint256(42)));
        market.settle(id);
        bytes32 expected = keccak256(abi.encode(id, market.getProject(id).saltMix, uint256(0)));
        // winner follows the prevrandao-free seed
        assertTrue(market.getProject(id).winner == b[0] || market.getProject(id).winner == b[1]);
        assertEq(expected, keccak256(abi.encode(id, uint128(uint256(_salt(b[0])) ^ uint256(_salt(b[1]))), uint256(0))));
    }

    function test_RevertWhen_constructorZeroAddress() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new ProjectMarket(
            gov,
            noCallers,
            address(0),
            address(policy),
            address(registry),
            address(nodes),
            address(reputation),
            address(rewardPool),
            address(insurancePool)
        );
    }
}
