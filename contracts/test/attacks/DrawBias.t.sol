// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {MarketRealBase} from "../utils/MarketRealBase.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice Attacks on the draw: the settler picks the block (hence the prevrandao) or waits for the
///         public salts-only fallback; a failed settle is retried in another block; a revealed bidder
///         changes its eligibility or its weight once it can compute the seed.
contract DrawBiasAttackTest is MarketRealBase {
    address[] internal provs;
    uint256[] internal pids;

    function setUp() public override {
        super.setUp();
        for (uint256 i = 0; i < 4; ++i) {
            (address o, uint256 id) = _provider(string(abi.encodePacked("D", vm.toString(i))), 1000 ether);
            provs.push(o);
            pids.push(id);
        }
    }

    /// Four equal bids revealed; every block of the auction gets a distinct hash.
    function _revealed() internal returns (uint256 id) {
        id = _open();
        for (uint256 i = 0; i < provs.length; ++i) {
            _commit(id, provs[i], 60 ether);
        }
        _toReveal(id);
        for (uint256 i = 0; i < provs.length; ++i) {
            _reveal(id, provs[i], i, 60 ether);
        }
        _toSettle(id);
        _hashes();
    }

    /// Gives every past block since the auction opened a distinct hash.
    function _hashes() internal {
        uint256 from = block.number > 700 ? block.number - 700 : 0;
        for (uint256 b = from; b < block.number; ++b) {
            vm.setBlockhash(b, keccak256(abi.encode("block", b)));
        }
    }

    function _settleAt(uint256 id, uint256 blockNumber, uint256 randao) internal returns (address winner) {
        vm.roll(blockNumber);
        _hashes();
        vm.prevrandao(randao);
        market.settle(id);
        winner = market.getProject(id).winner;
    }

    /// The settler tries every block of the old grace window with the prevrandao it sees coming.
    function test_Attack_BiasingTheDraw_SettlerPicksTheBlock() public {
        uint256 id = _revealed();
        uint256 revealEnd = market.getProject(id).revealEndBlock;
        uint256 snap = vm.snapshotState();
        address first = _settleAt(id, revealEnd, 1);
        for (uint256 k = 1; k < 12; ++k) {
            vm.revertToState(snap);
            address w = _settleAt(id, revealEnd + k % 3, uint256(keccak256(abi.encode(k))));
            assertEq(w, first, "the settlement block does not change the winner");
        }
    }

    /// A settlement too late to read the entropy does not fall back to a public seed.
    function test_Attack_BiasingTheDraw_NoPublicFallback() public {
        uint256 id = _revealed();
        uint256 revealEnd = market.getProject(id).revealEndBlock;
        _settleAt(id, revealEnd + 400, 7);
        assertEq(uint8(market.getProject(id).status), uint8(IProjectMarket.Status.Bidding), "re-armed, not settled");
        vm.roll(block.number + 2);
        _hashes();
        market.settle(id);
        assertEq(uint8(market.getProject(id).status), uint8(IProjectMarket.Status.Assigned), "settled later");
    }

    /// A settlement that ran out of gas is retried in a later block with another prevrandao.
    function test_Attack_BiasingTheDraw_RetryAfterOutOfGas() public {
        uint256 id = _revealed();
        uint256 revealEnd = market.getProject(id).revealEndBlock;
        uint256 snap = vm.snapshotState();
        address expected = _settleAt(id, revealEnd, 11);
        vm.revertToState(snap);
        vm.roll(revealEnd);
        _hashes();
        vm.prevrandao(uint256(12));
        (bool ok,) = address(market).call{gas: 60_000}(abi.encodeCall(market.settle, (id)));
        assertFalse(ok, "out of gas");
        address retried = _settleAt(id, revealEnd + 1, 13);
        assertEq(retried, expected, "the retry draws the same winner");
    }

    /// A revealed bidder lowers its price cap once the seed is known: dropping out is not free.
    function test_Attack_BiasingTheDraw_DropOutAfterReveal() public {
        uint256 id = _revealed();
        uint256 bondBefore = market.bondBalanceOf(provs[0]);
        vm.prank(provs[0]);
        registry.updatePriceCap(1 ether);
        uint256 insBefore = token.balanceOf(address(insurancePool));
        market.settle(id);
        assertTrue(market.getProject(id).winner != provs[0]);
        uint256 bond = market.getProject(id).bidBond;
        assertEq(market.bondBalanceOf(provs[0]), bondBefore - bond, "its bond is forfeited");
        assertEq(token.balanceOf(address(insurancePool)), insBefore + bond, "to the Insurance Pool");
    }

    /// A provider whose score was never stored (nobody called `refresh`) raises its stake once the
    /// seed is known, without refreshing: its weight is still the score stored at its first commit.
    function test_Attack_BiasingTheDraw_RaiseWeightWithoutStoredScore() public {
        address fresh = makeAddr("fresh");
        token.transfer(fresh, 1_000_000 ether);
        vm.startPrank(fresh);
        uint256 pid = registry.applyAsProvider("fresh", Resources(16, 64, 8000, 100), 1000 ether, "");
        token.approve(address(registry), type(uint256).max);
        registry.depositCollateral(10_000 ether);
        token.approve(address(market), type(uint256).max);
        market.depositBond(100 ether);
        vm.stopPrank();
        vm.prank(gov);
        registry.qualify(pid);
        uint256 id = _open();
        _commit(id, fresh, 60 ether);
        _commit(id, provs[0], 60 ether);
        uint256 scoreAtCommit = reputation.scoreOf(pid);
        _toReveal(id);
        _reveal(id, fresh, 0, 60 ether);
        _reveal(id, provs[0], 1, 60 ether);
        _toSettle(id);
        vm.prank(fresh);
        registry.depositCollateral(90_000 ether);
        assertGt(reputation.computeScore(pid), scoreAtCommit, "the formula would give more now");
        vm.recordLogs();
        market.settle(id);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].topics[0] != IProjectMarket.BidEvaluated.selector || uint256(logs[i].topics[2]) != 0) continue;
            (,,, uint256 weight) = abi.decode(logs[i].data, (uint256, uint256, bool, uint256));
            assertEq(weight, scoreAtCommit + 1, "weight from the score stored at the first commit");
        }
    }

    /// A revealed bidder raises its stake and refreshes its score once the seed is known: its draw
    /// weight is the score it had before anyone could know the seed.
    function test_Attack_BiasingTheDraw_RaiseWeightAfterReveal() public {
        uint256 id = _revealed();
        uint256 scoreBefore = reputation.scoreOf(pids[0]);
        vm.prank(provs[0]);
        registry.depositCollateral(90_000 ether);
        reputation.refresh(pids[0]);
        assertGt(reputation.scoreOf(pids[0]), scoreBefore, "the score rose");
        vm.recordLogs();
        market.settle(id);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bool seen;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].topics[0] != IProjectMarket.BidEvaluated.selector || uint256(logs[i].topics[2]) != 0) continue;
            (,,, uint256 weight) = abi.decode(logs[i].data, (uint256, uint256, bool, uint256));
            assertEq(weight, scoreBefore + 1, "weight from the score before the seed was known");
            seen = true;
        }
        assertTrue(seen, "bid 0 evaluated");
    }
}
