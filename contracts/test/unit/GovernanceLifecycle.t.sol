// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../src/governance/Governance.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";

/// @notice The whole governance life in one walk: Initialization (invited founders seat themselves and
///         govern) -> Transition election (candidates backed by delegated sidecar stake) -> a governor
///         slashed and unseated for 3 consecutive missed votes -> Automated re-election of the whole
///         list. The sdk integration test on anvil repeats the same steps.
contract GovernanceLifecycleTest is GovernanceFixture {
    function test_lifecycle_initializationTransitionAutomatedWithSlash() public {
        // --- Initialization: n+1 = 3 invited founders lock the minimum and take their seats.
        assertEq(uint8(gov.phase()), uint8(Governance.Phase.Initialization));
        _seatFounders();
        assertEq(gov.governorCount(), 3);
        // They govern already: raise the slash through a proposal.
        _pass(address(gov), abi.encodeCall(Governance.setParam, (Governance.Param.MissedVoteSlash, 2000e18)));
        assertEq(gov.missedVoteSlash(), 2000e18);

        // --- Transition: candidates apply; sidecar stakers delegate their votes.
        _toTransition();
        assertEq(uint8(gov.phase()), uint8(Governance.Phase.Transition));
        _apply(people[0], MIN_STAKE); // backed by delegation: wins
        _apply(people[1], MIN_STAKE * 2); // wins on own stake
        _apply(people[2], MIN_STAKE + 1); // loses, stays candidate
        vm.startPrank(people[6]);
        staking.stake(sidecar, MIN_STAKE * 5);
        staking.delegate(people[0]);
        vm.stopPrank();
        _runDueElection();
        assertEq(uint8(gov.phase()), uint8(Governance.Phase.Automated));
        assertEq(gov.governorCount(), 5);
        assertTrue(gov.isGovernor(people[0]));
        assertTrue(gov.isGovernor(people[1]));
        assertTrue(gov.isCandidate(people[2]));

        // --- founders[2] misses 3 consecutive proposals and is slashed; under the minimum it loses its seat.
        address absentee = founders[2];
        address[] memory g = gov.governors();
        uint256 first;
        for (uint256 k = 0; k < 3; ++k) {
            // One open proposal per governor: the three come from three governors.
            uint256 id = _propose(
                g[k] == absentee ? g[3] : g[k],
                address(gov),
                abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 6000))
            );
            if (k == 0) first = id;
            for (uint256 i = 0; i < g.length; ++i) {
                if (g[i] == absentee) continue;
                vm.prank(g[i]);
                gov.castVote(id, 1);
            }
            vm.warp(block.timestamp + 1 hours);
        }
        vm.warp(block.timestamp + VOTING);
        uint256 insuranceBefore = token.balanceOf(insurance);
        gov.slashAbsentee(absentee, first);
        assertEq(token.balanceOf(insurance) - insuranceBefore, 2000e18);
        assertFalse(gov.isGovernor(absentee));
        assertEq(gov.governorCount(), 4);

        // --- Automated: the whole list is re-elected; a strong newcomer and the waiting candidate fill
        //     the 5 seats with the best of the seated governors. The slashed founder (under the minimum)
        //     is not ranked.
        _apply(people[3], MIN_STAKE * 3);
        _runDueElection();
        assertEq(gov.electionCount(), 2);
        assertEq(gov.governorCount(), 5);
        assertTrue(gov.isGovernor(people[3]));
        assertTrue(gov.isGovernor(people[0]));
        assertTrue(gov.isGovernor(people[1]));
        assertTrue(gov.isGovernor(people[2]));
        assertFalse(gov.isGovernor(absentee));
        // The two founders at the minimum tie: the lower address keeps the 5th seat.
        address low = founders[0] < founders[1] ? founders[0] : founders[1];
        address high = low == founders[0] ? founders[1] : founders[0];
        assertTrue(gov.isGovernor(low));
        assertFalse(gov.isGovernor(high));
        assertTrue(gov.isCandidate(high));

        // The slashed founder takes its remaining stake out after the delay.
        vm.startPrank(absentee);
        gov.requestWithdrawal(gov.lockedStake(absentee));
        vm.warp(block.timestamp + WITHDRAWAL);
        gov.withdraw();
        vm.stopPrank();
        assertEq(token.balanceOf(absentee), HOLDING - 2000e18);
    }
}
