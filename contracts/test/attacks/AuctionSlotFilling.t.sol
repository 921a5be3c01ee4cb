// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketRealBase} from "../utils/MarketRealBase.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice Attack: fill every bid slot of an auction for gas only, so that the attacker is the only
///         bidder (and wins at its price) or nobody can bid.
contract AuctionSlotFillingAttackTest is MarketRealBase {
    /// Anyone with a bond balance used to take a slot; revealed junk got its bond back.
    function test_Attack_AuctionSlotFilling_NonProviderCannotTakeASlot() public {
        uint256 id = _open();
        address junk = makeAddr("junk");
        token.transfer(junk, 1000 ether);
        vm.startPrank(junk);
        token.approve(address(market), type(uint256).max);
        market.depositBond(1000 ether);
        bytes32 c = market.commitmentOf(1 ether, bytes32(0), junk, id);
        vm.expectRevert();
        market.commit(id, c);
        vm.stopPrank();
        assertEq(market.getProject(id).commitCount, 0, "no slot taken");
    }

    /// An applied but unqualified provider (free to create) takes no slot either.
    function test_Attack_AuctionSlotFilling_UnqualifiedSybilCannotTakeASlot() public {
        uint256 id = _open();
        address sybil = makeAddr("sybil");
        token.transfer(sybil, 1000 ether);
        vm.startPrank(sybil);
        registry.applyAsProvider("sybil", Resources(16, 64, 8000, 100), 1000 ether, "");
        token.approve(address(market), type(uint256).max);
        market.depositBond(1000 ether);
        bytes32 c = market.commitmentOf(1 ether, bytes32(0), sybil, id);
        vm.expectRevert();
        market.commit(id, c);
        vm.stopPrank();
    }

    /// One eligible provider filling all 32 slots with its own bids.
    function test_Attack_AuctionSlotFilling_OneCommitPerProvider() public {
        (address p,) = _provider("P", 1000 ether);
        uint256 id = _open();
        vm.startPrank(p);
        market.commit(id, market.commitmentOf(60 ether, bytes32(uint256(1)), p, id));
        bytes32 second = market.commitmentOf(61 ether, bytes32(uint256(2)), p, id);
        vm.expectRevert();
        market.commit(id, second);
        vm.stopPrank();
        assertEq(market.getProject(id).commitCount, 1, "the provider holds one slot");
    }
}
