// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../src/governance/Governance.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";

contract GovernanceFuzzTest is GovernanceFixture {
    function testFuzz_acceptInvitation(uint256 amount) public {
        amount = bound(amount, MIN_STAKE, HOLDING);
        vm.prank(founders[0]);
        gov.acceptInvitation(amount);
        assertEq(gov.lockedStake(founders[0]), amount);
        assertEq(token.balanceOf(address(gov.stakeVault())), amount);
    }

    function testFuzz_requestWithdrawal(uint256 locked, uint256 amount) public {
        _toTransition();
        locked = bound(locked, MIN_STAKE, HOLDING);
        amount = bound(amount, 1, locked);
        _apply(people[0], locked);
        vm.prank(people[0]);
        gov.requestWithdrawal(amount);
        assertEq(gov.lockedStake(people[0]), locked - amount);
        assertEq(gov.isCandidate(people[0]), locked - amount >= MIN_STAKE);
        vm.warp(block.timestamp + WITHDRAWAL);
        vm.prank(people[0]);
        gov.withdraw();
        assertEq(token.balanceOf(people[0]), HOLDING - locked + amount);
        assertEq(token.balanceOf(address(gov.stakeVault())), locked - amount);
    }

    function testFuzz_slashAbsentee(uint256 extra, uint256 slash) public {
        extra = bound(extra, 0, 100_000e18);
        slash = bound(slash, 0, 200_000e18);
        vm.prank(address(gov));
        gov.setParam(Governance.Param.MissedVoteSlash, slash);
        _seatFounders();
        vm.prank(founders[2]);
        gov.addStake(extra + 1);
        uint256 locked = MIN_STAKE + extra + 1;
        for (uint256 k = 0; k < 3; ++k) {
            _propose(founders[k], address(gov), ""); // one open proposal per governor
        }
        vm.warp(block.timestamp + VOTING + 1);
        gov.slashAbsentee(founders[2], 1);
        uint256 taken = slash > locked ? locked : slash;
        assertEq(token.balanceOf(insurance), taken);
        assertEq(gov.lockedStake(founders[2]), locked - taken);
        assertEq(gov.isGovernor(founders[2]), locked - taken >= MIN_STAKE);
    }

    /// A proposal passes iff at least quorum governors voted and For is more than half of the eligible.
    function testFuzz_state_matchesRule(uint8 forVotes, uint8 againstVotes, uint256 quorumBps) public {
        quorumBps = bound(quorumBps, 1, 10_000);
        vm.prank(address(gov));
        gov.setParam(Governance.Param.QuorumBps, quorumBps);
        _fullyElected(); // 5 governors
        forVotes = uint8(bound(forVotes, 0, 5));
        againstVotes = uint8(bound(againstVotes, 0, 5 - forVotes));
        uint256 id = _propose(founders[0], address(gov), "");
        address[] memory g = gov.governors();
        for (uint256 i = 0; i < forVotes + againstVotes; ++i) {
            vm.prank(g[i]);
            gov.castVote(id, i < forVotes ? 1 : 0);
        }
        vm.warp(block.timestamp + VOTING + DELAY + 1);
        uint256 quorum = (5 * quorumBps + 9999) / 10_000;
        bool passes = forVotes + againstVotes >= quorum && uint256(forVotes) * 2 > 5;
        assertEq(
            uint8(gov.state(id)),
            uint8(passes ? Governance.ProposalState.Executable : Governance.ProposalState.Defeated)
        );
    }

    /// The Transition election seats exactly the top candidates by (votes, own stake, address).
    function testFuzz_runElection_seatsTop(uint256[6] memory stakes, uint256[6] memory delegated) public {
        _seatFounders();
        _toTransition();
        uint256[6] memory votes;
        for (uint256 i = 0; i < 6; ++i) {
            stakes[i] = bound(stakes[i], MIN_STAKE, MIN_STAKE + 10);
            delegated[i] = bound(delegated[i], 0, 3);
            _apply(people[i], stakes[i]);
            if (delegated[i] != 0) {
                vm.prank(people[7]);
                staking.stake(sidecar, delegated[i]);
                // Each candidate gets its own delegator stake: use a fresh staker per candidate.
                vm.prank(people[7]);
                staking.unstake(sidecar, delegated[i]);
                address d = makeAddr(string.concat("delegator", vm.toString(i)));
                vm.prank(people[7]);
                token.transfer(d, delegated[i]);
                vm.startPrank(d);
                token.approve(address(staking), delegated[i]);
                staking.stake(sidecar, delegated[i]);
                staking.delegate(people[i]);
                vm.stopPrank();
            }
            votes[i] = stakes[i] + delegated[i];
        }
        _runDueElection();
        // Count how many candidates rank above each one; the 2 free seats go to rank 0 and 1.
        for (uint256 i = 0; i < 6; ++i) {
            uint256 above;
            for (uint256 j = 0; j < 6; ++j) {
                if (j == i) continue;
                bool jAbove = votes[j] != votes[i]
                    ? votes[j] > votes[i]
                    : (stakes[j] != stakes[i] ? stakes[j] > stakes[i] : people[j] < people[i]);
                if (jAbove) ++above;
            }
            assertEq(gov.isGovernor(people[i]), above < 2, vm.toString(i));
        }
    }
}
