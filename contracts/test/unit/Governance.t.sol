// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {Governance} from "../../src/governance/Governance.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {ISidecarStaking} from "../../src/interfaces/ISidecarStaking.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";
import {StakeObserverRecorder} from "../utils/StakeObserverRecorder.sol";

contract GovernanceTest is GovernanceFixture {
    // ------------------------------------------------------------ constructor

    function test_constructor_setsParamsAndInvites() public view {
        assertEq(gov.seatsN(), N);
        assertEq(gov.minGovernorStake(), MIN_STAKE);
        assertEq(gov.missedVoteSlash(), SLASH);
        assertEq(gov.param(Governance.Param.VotingPeriod), VOTING);
        assertEq(gov.firstElectionAt(), transitionStart + CANDIDACY);
        assertEq(gov.nextElectionAt(), transitionStart + CANDIDACY);
        assertEq(uint8(gov.phase()), uint8(Governance.Phase.Initialization));
        assertTrue(gov.member(founders[0]).invited);
        assertEq(gov.governorCount(), 0);
        assertEq(gov.slashReceiver(), insurance);
    }

    function test_RevertWhen_ConstructorZeroAddress() public {
        vm.expectRevert(Governance.GovernanceZeroAddress.selector);
        new Governance(
            IERC20(address(token)), ISidecarStaking(address(staking)), address(0), founders, 0, defaultConfig()
        );
        founders[1] = address(0);
        vm.expectRevert(Governance.GovernanceZeroAddress.selector);
        new Governance(
            IERC20(address(token)), ISidecarStaking(address(staking)), insurance, founders, 0, defaultConfig()
        );
    }

    function test_RevertWhen_InvalidInvitations() public {
        founders.pop();
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceInvalidInvitations.selector, 2, 3));
        new Governance(
            IERC20(address(token)), ISidecarStaking(address(staking)), insurance, founders, 0, defaultConfig()
        );
    }

    function test_RevertWhen_DuplicateInvitation() public {
        founders[2] = founders[0];
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceDuplicateInvitation.selector, founders[0]));
        new Governance(
            IERC20(address(token)), ISidecarStaking(address(staking)), insurance, founders, 0, defaultConfig()
        );
    }

    function test_RevertWhen_ConstructorParamOutOfRange() public {
        Governance.Config memory c = defaultConfig();
        c.votingPeriod = 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                Governance.GovernanceParamOutOfRange.selector, Governance.Param.VotingPeriod, 1, 1 hours, 30 days
            )
        );
        new Governance(IERC20(address(token)), ISidecarStaking(address(staking)), insurance, founders, 0, c);
    }

    function test_RevertWhen_InvalidCandidacyPeriod() public {
        Governance.Config memory c = defaultConfig();
        c.candidacyPeriod = 0;
        vm.expectRevert(
            abi.encodeWithSelector(Governance.GovernanceInvalidCandidacyPeriod.selector, 0, 1 hours, 365 days)
        );
        new Governance(IERC20(address(token)), ISidecarStaking(address(staking)), insurance, founders, 0, c);
    }

    // ------------------------------------------------------------ invitations

    /// forge-config: default.isolate = true
    function test_acceptInvitation_seatsGovernor() public {
        vm.prank(founders[0]);
        gov.acceptInvitation(MIN_STAKE);
        vm.prank(founders[1]);
        vm.expectEmit(address(gov));
        emit Governance.GovernorSeated(founders[1], 2);
        gov.acceptInvitation(MIN_STAKE + 5);
        vm.snapshotGasLastCall("governance", "accept_invitation");
        assertTrue(gov.isGovernor(founders[1]));
        assertEq(gov.lockedStake(founders[1]), MIN_STAKE + 5);
        assertEq(gov.governorCount(), 2);
        assertFalse(gov.member(founders[1]).invited);
        assertEq(token.balanceOf(address(gov.stakeVault())), 2 * MIN_STAKE + 5);
        assertEq(token.balanceOf(address(gov)), 0);
    }

    /// forge-config: default.isolate = true
    function test_acceptInvitationWithPermit_seatsGovernor() public {
        (address signer, uint256 pk) = makeAddrAndKey("permitFounder");
        founders[0] = signer;
        Governance g = new Governance(
            IERC20(address(token)),
            ISidecarStaking(address(staking)),
            insurance,
            founders,
            transitionStart,
            defaultConfig()
        );
        vm.prank(people[0]);
        token.transfer(signer, MIN_STAKE);
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(pk, signer, address(g), MIN_STAKE, block.timestamp);
        vm.prank(signer);
        g.acceptInvitationWithPermit(MIN_STAKE, block.timestamp, v, r, s);
        vm.snapshotGasLastCall("governance", "accept_invitation_with_permit");
        assertTrue(g.isGovernor(signer));
    }

    function test_RevertWhen_AcceptInvitationAfterInitialization() public {
        _toTransition();
        vm.expectRevert(
            abi.encodeWithSelector(
                Governance.GovernanceWrongPhase.selector, Governance.Phase.Transition, Governance.Phase.Initialization
            )
        );
        vm.prank(founders[0]);
        gov.acceptInvitation(MIN_STAKE);
    }

    function test_RevertWhen_NotInvited() public {
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotInvited.selector, people[0]));
        vm.prank(people[0]);
        gov.acceptInvitation(MIN_STAKE);
        _seatFounders();
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotInvited.selector, founders[0]));
        vm.prank(founders[0]);
        gov.acceptInvitation(MIN_STAKE);
    }

    function test_RevertWhen_StakeTooLow() public {
        vm.expectRevert(
            abi.encodeWithSelector(Governance.GovernanceStakeTooLow.selector, founders[0], MIN_STAKE - 1, MIN_STAKE)
        );
        vm.prank(founders[0]);
        gov.acceptInvitation(MIN_STAKE - 1);
    }

    // ------------------------------------------------------------ candidates and stake

    /// forge-config: default.isolate = true
    function test_applyAsCandidate_joinsList() public {
        _seatFounders();
        _toTransition();
        _apply(people[0], MIN_STAKE);
        vm.prank(people[1]);
        vm.expectEmit(address(gov));
        emit Governance.CandidateApplied(people[1], MIN_STAKE);
        gov.applyAsCandidate(MIN_STAKE);
        vm.snapshotGasLastCall("governance", "apply_as_candidate");
        assertTrue(gov.isCandidate(people[1]));
        assertEq(gov.candidateCount(), 2);
        address[] memory page = gov.candidates(1, 10);
        assertEq(page.length, 1);
        assertEq(page[0], people[1]);
        assertEq(gov.candidates(5, 10).length, 0);
        assertEq(uint8(gov.phase()), uint8(Governance.Phase.Transition));
    }

    /// forge-config: default.isolate = true
    function test_applyAsCandidateWithPermit_joinsList() public {
        (address signer, uint256 pk) = makeAddrAndKey("permitCandidate");
        vm.prank(people[0]);
        token.transfer(signer, MIN_STAKE);
        _toTransition();
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(pk, signer, address(gov), MIN_STAKE, block.timestamp);
        vm.prank(signer);
        gov.applyAsCandidateWithPermit(MIN_STAKE, block.timestamp, v, r, s);
        vm.snapshotGasLastCall("governance", "apply_as_candidate_with_permit");
        assertTrue(gov.isCandidate(signer));
    }

    function test_applyAsCandidate_fullListEvictsWeakest() public {
        _toTransition();
        vm.prank(address(gov));
        gov.setParam(Governance.Param.MaxCandidates, 2);
        _apply(people[0], MIN_STAKE + 10);
        _apply(people[1], MIN_STAKE + 1);
        vm.warp(block.timestamp + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                Governance.GovernanceCandidateListFull.selector, people[3], MIN_STAKE, people[1], MIN_STAKE + 1
            )
        );
        _apply(people[3], MIN_STAKE);
        vm.expectEmit(address(gov));
        emit Governance.CandidateRemoved(people[1], Governance.CandidateExit.Evicted);
        _apply(people[2], MIN_STAKE + 2);
        assertFalse(gov.isCandidate(people[1]));
        assertTrue(gov.isCandidate(people[2]));
        assertEq(gov.candidateCount(), 2);
        assertEq(gov.lockedStake(people[1]), MIN_STAKE + 1); // still locked, withdrawable on request
    }

    function test_RevertWhen_CandidateListFull() public {
        _toTransition();
        vm.prank(address(gov));
        gov.setParam(Governance.Param.MaxCandidates, 1);
        _apply(people[0], MIN_STAKE * 2);
        vm.warp(block.timestamp + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                Governance.GovernanceCandidateListFull.selector, people[1], MIN_STAKE, people[0], MIN_STAKE * 2
            )
        );
        _apply(people[1], MIN_STAKE);
    }

    function test_RevertWhen_ApplyBeforeTransition() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                Governance.GovernanceWrongPhase.selector, Governance.Phase.Initialization, Governance.Phase.Transition
            )
        );
        _apply(people[0], MIN_STAKE);
    }

    function test_RevertWhen_ApplyWhileSeated() public {
        _seatFounders();
        _toTransition();
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceAlreadyGovernor.selector, founders[0]));
        _apply(founders[0], 0);
    }

    function test_RevertWhen_AlreadyCandidate() public {
        _toTransition();
        _apply(people[0], MIN_STAKE);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceAlreadyCandidate.selector, people[0]));
        _apply(people[0], 1);
    }

    /// forge-config: default.isolate = true
    function test_addStake_increasesLocked() public {
        _seatFounders();
        vm.prank(founders[0]);
        gov.addStake(5e18);
        vm.snapshotGasLastCall("governance", "add_stake");
        assertEq(gov.lockedStake(founders[0]), MIN_STAKE + 5e18);
    }

    /// forge-config: default.isolate = true
    function test_addStakeWithPermit_increasesLocked() public {
        (address signer, uint256 pk) = makeAddrAndKey("permitCandidate");
        vm.prank(people[0]);
        token.transfer(signer, MIN_STAKE * 2);
        _toTransition();
        vm.prank(signer);
        token.approve(address(gov), MIN_STAKE);
        vm.prank(signer);
        gov.applyAsCandidate(MIN_STAKE);
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(pk, signer, address(gov), 7, block.timestamp);
        vm.prank(signer);
        gov.addStakeWithPermit(7, block.timestamp, v, r, s);
        vm.snapshotGasLastCall("governance", "add_stake_with_permit");
        assertEq(gov.lockedStake(signer), MIN_STAKE + 7);
    }

    function test_RevertWhen_AddStakeNotMember() public {
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotMember.selector, people[0]));
        vm.prank(people[0]);
        gov.addStake(1);
    }

    function test_RevertWhen_AddStakeZeroAmount() public {
        _seatFounders();
        vm.expectRevert(Governance.GovernanceZeroAmount.selector);
        vm.prank(founders[0]);
        gov.addStake(0);
    }

    /// forge-config: default.isolate = true
    function test_requestWithdrawal_andWithdrawAfterDelay() public {
        _toTransition();
        _apply(people[0], MIN_STAKE + 100);
        vm.prank(people[0]);
        gov.requestWithdrawal(100);
        vm.snapshotGasLastCall("governance", "request_withdrawal");
        assertTrue(gov.isCandidate(people[0])); // still at the minimum
        assertEq(gov.exitOf(people[0]).pending, 100);
        vm.warp(block.timestamp + WITHDRAWAL);
        uint256 before = token.balanceOf(people[0]);
        vm.prank(people[0]);
        gov.withdraw();
        vm.snapshotGasLastCall("governance", "withdraw");
        assertEq(token.balanceOf(people[0]), before + 100);
        assertEq(gov.lockedStake(people[0]), MIN_STAKE);
    }

    function test_requestWithdrawal_underMinimumLeavesCandidacy() public {
        _toTransition();
        _apply(people[0], MIN_STAKE);
        vm.expectEmit(address(gov));
        emit Governance.CandidateRemoved(people[0], Governance.CandidateExit.Withdrawn);
        vm.prank(people[0]);
        gov.requestWithdrawal(1);
        assertFalse(gov.isCandidate(people[0]));
    }

    function test_RevertWhen_RequestWithdrawalWhileSeated() public {
        _seatFounders();
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceAlreadyGovernor.selector, founders[0]));
        vm.prank(founders[0]);
        gov.requestWithdrawal(1);
    }

    function test_RevertWhen_RequestWithdrawalZero() public {
        vm.expectRevert(Governance.GovernanceZeroAmount.selector);
        vm.prank(people[0]);
        gov.requestWithdrawal(0);
    }

    function test_RevertWhen_InsufficientStake() public {
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceInsufficientStake.selector, people[0], 0, 1));
        vm.prank(people[0]);
        gov.requestWithdrawal(1);
    }

    function test_RevertWhen_NothingToWithdraw() public {
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNothingToWithdraw.selector, people[0]));
        vm.prank(people[0]);
        gov.withdraw();
    }

    function test_RevertWhen_WithdrawalLocked() public {
        _toTransition();
        _apply(people[0], MIN_STAKE);
        vm.prank(people[0]);
        gov.requestWithdrawal(MIN_STAKE);
        vm.expectRevert(
            abi.encodeWithSelector(
                Governance.GovernanceWithdrawalLocked.selector, people[0], block.timestamp + WITHDRAWAL
            )
        );
        vm.prank(people[0]);
        gov.withdraw();
    }

    /// forge-config: default.isolate = true
    function test_resign_unseats() public {
        _seatFounders();
        vm.prank(founders[1]);
        vm.expectEmit(address(gov));
        emit Governance.GovernorUnseated(founders[1], Governance.UnseatReason.Resigned);
        gov.resign();
        vm.snapshotGasLastCall("governance", "resign");
        assertFalse(gov.isGovernor(founders[1]));
        assertEq(gov.governorCount(), 2);
        vm.prank(founders[1]);
        gov.requestWithdrawal(MIN_STAKE); // allowed once unseated
    }

    function test_RevertWhen_ResignNotGovernor() public {
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotGovernor.selector, people[0]));
        vm.prank(people[0]);
        gov.resign();
    }

    function test_lock_notifiesObserverWithGovernorClass() public {
        StakeObserverRecorder obs = new StakeObserverRecorder();
        vm.prank(address(gov));
        gov.setStakeObserver(IStakeObserver(address(obs)));
        vm.prank(founders[0]);
        gov.acceptInvitation(MIN_STAKE);
        assertEq(obs.calls(), 1);
        assertEq(uint8(obs.lastClass()), uint8(IStakeObserver.StakeClass.Governor));
        assertEq(obs.lastAccount(), founders[0]);
        assertEq(obs.lastKey(), address(0));
        assertEq(obs.lastNew(), MIN_STAKE);
    }

    function test_withdraw_hostileObserverCannotReenter() public {
        StakeObserverRecorder obs = new StakeObserverRecorder();
        vm.prank(address(gov));
        gov.setStakeObserver(IStakeObserver(address(obs)));
        obs.setReenter(address(gov), abi.encodeCall(Governance.withdraw, ()));
        vm.prank(founders[0]);
        gov.acceptInvitation(MIN_STAKE);
        assertFalse(obs.reenterOk());
        assertEq(bytes4(obs.reenterRet()), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
    }

    // ------------------------------------------------------------ elections

    /// forge-config: default.isolate = true
    function test_runElection_transitionFillsFreeSeats() public {
        _seatFounders();
        _toTransition();
        for (uint256 i = 0; i < 4; ++i) {
            _apply(people[i], MIN_STAKE + i);
        }
        vm.warp(gov.nextElectionAt() + 1);
        gov.runElection();
        vm.snapshotGasLastCall("governance", "run_election_transition_4_candidates");
        assertEq(gov.governorCount(), 5);
        assertTrue(gov.isGovernor(people[3]));
        assertTrue(gov.isGovernor(people[2]));
        assertFalse(gov.isGovernor(people[1]));
        assertTrue(gov.isCandidate(people[1]));
        assertFalse(gov.isCandidate(people[3]));
        assertEq(uint8(gov.phase()), uint8(Governance.Phase.Automated));
        assertEq(gov.electionCount(), 1);
        assertEq(gov.nextElectionAt(), block.timestamp + ELECTION);
    }

    function test_runElection_delegatedVotesDecide() public {
        _seatFounders();
        _toTransition();
        _apply(people[0], MIN_STAKE * 2);
        _apply(people[1], MIN_STAKE);
        _apply(people[2], MIN_STAKE);
        // people[5] stakes to a sidecar and delegates to people[2].
        vm.startPrank(people[5]);
        staking.stake(sidecar, MIN_STAKE * 3);
        staking.delegate(people[2]);
        vm.stopPrank();
        _runDueElection();
        assertTrue(gov.isGovernor(people[2]));
        assertTrue(gov.isGovernor(people[0]));
        assertFalse(gov.isGovernor(people[1]));
        assertEq(gov.electionVotes(people[2]), MIN_STAKE * 4);
    }

    function test_runElection_ignoresVotesMovedAfterSnapshot() public {
        _seatFounders();
        _toTransition();
        _apply(people[0], MIN_STAKE * 2);
        _apply(people[1], MIN_STAKE);
        _apply(people[2], MIN_STAKE + 1);
        vm.warp(gov.nextElectionAt() + 1);
        vm.startPrank(people[5]); // a last-second (flash) delegation to people[1] does not count
        staking.stake(sidecar, MIN_STAKE * 3);
        staking.delegate(people[1]);
        vm.stopPrank();
        gov.runElection();
        assertFalse(gov.isGovernor(people[1]));
        assertTrue(gov.isGovernor(people[2]));
    }

    function test_runElection_tieBreakOwnStakeThenAddress() public {
        _seatFounders();
        _toTransition();
        // 2 free seats. people[4] leads; people[0] and people[1] tie on votes (MIN + 1), people[1]
        // has more own stake and wins.
        _apply(people[4], MIN_STAKE + 2);
        _apply(people[0], MIN_STAKE);
        _apply(people[1], MIN_STAKE + 1);
        vm.prank(people[6]);
        staking.stake(sidecar, 1);
        vm.prank(people[6]);
        staking.delegate(people[0]);
        _apply(people[2], MIN_STAKE);
        _apply(people[3], MIN_STAKE);
        _runDueElection();
        assertTrue(gov.isGovernor(people[4]));
        assertTrue(gov.isGovernor(people[1]));
        assertFalse(gov.isGovernor(people[0]));
        // 7 seats: p4, p1, p0 and 4 of the 5 accounts at exactly MIN votes and MIN own stake
        // (3 founders, people[2], people[3]): the highest address is left out.
        vm.prank(address(gov));
        gov.setParam(Governance.Param.SeatsN, 3);
        _runDueElection();
        assertTrue(gov.isGovernor(people[0]));
        address[5] memory tied = [founders[0], founders[1], founders[2], people[2], people[3]];
        address highest = tied[0];
        for (uint256 i = 1; i < 5; ++i) {
            if (tied[i] > highest) highest = tied[i];
        }
        for (uint256 i = 0; i < 5; ++i) {
            assertEq(gov.isGovernor(tied[i]), tied[i] != highest, vm.toString(tied[i]));
        }
        assertEq(gov.governorCount(), 7);
    }

    /// forge-config: default.isolate = true
    function test_runElection_automatedReelectsWholeList() public {
        _fullyElected();
        // Two strong newcomers and the founders adding stake push out the three elected governors.
        _apply(people[4], MIN_STAKE * 5);
        _apply(people[5], MIN_STAKE * 5);
        vm.prank(founders[0]);
        gov.addStake(MIN_STAKE * 3);
        vm.prank(founders[1]);
        gov.addStake(MIN_STAKE * 3);
        vm.prank(founders[2]);
        gov.addStake(MIN_STAKE * 3);
        vm.warp(gov.nextElectionAt() + 1);
        gov.runElection();
        vm.snapshotGasLastCall("governance", "run_election_automated_7_pool");
        assertEq(gov.governorCount(), 5);
        assertTrue(gov.isGovernor(people[4]));
        assertTrue(gov.isGovernor(people[5]));
        assertTrue(gov.isGovernor(founders[0]));
        assertTrue(gov.isGovernor(founders[1]));
        assertTrue(gov.isGovernor(founders[2]));
        assertFalse(gov.isGovernor(people[0]));
        assertFalse(gov.isGovernor(people[2]));
        assertTrue(gov.isCandidate(people[0])); // losers become candidates again
        assertEq(gov.electionCount(), 2);
    }

    /// Worst case at the default cap: 5 seats + 64 candidates ranked (every candidate has a delegator).
    /// forge-config: default.isolate = true
    function test_runElection_fullCandidateList() public {
        _fullyElected();
        for (uint256 i = 0; i < 64; ++i) {
            address c = makeAddr(string.concat("bulkCandidate", vm.toString(i)));
            address d = makeAddr(string.concat("bulkDelegator", vm.toString(i)));
            deal(address(token), c, MIN_STAKE + i);
            deal(address(token), d, 1 + i);
            vm.startPrank(c);
            token.approve(address(gov), type(uint256).max);
            gov.applyAsCandidate(MIN_STAKE + i);
            vm.stopPrank();
            vm.startPrank(d);
            token.approve(address(staking), type(uint256).max);
            staking.stake(sidecar, 1 + i);
            staking.delegate(c);
            vm.stopPrank();
        }
        assertEq(gov.candidateCount(), 64);
        vm.warp(gov.nextElectionAt() + 1);
        gov.runElection();
        vm.snapshotGasLastCall("governance", "run_election_automated_64_candidates");
        assertEq(gov.governorCount(), 5);
        assertTrue(gov.isGovernor(makeAddr("bulkCandidate63")));
    }

    function test_runElection_skipsUnderMinimum() public {
        _fullyElected();
        vm.prank(address(gov));
        gov.setParam(Governance.Param.MinGovernorStake, MIN_STAKE + 2);
        _runDueElection();
        // people[0] (MIN+3) stays; founders and people[2] (MIN+1) fall under the new minimum.
        assertEq(gov.governorCount(), 2);
        assertTrue(gov.isGovernor(people[0]));
        assertTrue(gov.isGovernor(people[1]));
        assertFalse(gov.isCandidate(founders[0]));
    }

    function test_RevertWhen_ElectionNotDue() public {
        vm.expectRevert(
            abi.encodeWithSelector(Governance.GovernanceElectionNotDue.selector, block.timestamp, gov.nextElectionAt())
        );
        gov.runElection();
    }

    // ------------------------------------------------------------ proposals

    /// forge-config: default.isolate = true
    function test_propose_createsProposal() public {
        _seatFounders();
        _propose(founders[0], address(gov), abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 5000)));
        (address[] memory t, uint256[] memory v, bytes[] memory c) =
            _single(address(gov), abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 7000)));
        vm.prank(founders[1]);
        uint256 id = gov.propose(t, v, c, "Raise quorum to 70%");
        vm.snapshotGasLastCall("governance", "propose");
        assertEq(id, 2);
        Governance.Proposal memory p = gov.proposal(id);
        assertEq(p.proposer, founders[1]);
        assertEq(p.eligible, 3);
        assertEq(p.quorum, 2);
        assertEq(p.voteEnd, block.timestamp + VOTING);
        assertEq(p.eta, block.timestamp + VOTING + DELAY);
        assertEq(p.expiresAt, block.timestamp + VOTING + DELAY + WINDOW);
        assertEq(uint8(gov.state(id)), uint8(Governance.ProposalState.Active));
    }

    function test_RevertWhen_ProposeNotGovernor() public {
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _single(address(gov), "");
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotGovernor.selector, people[0]));
        vm.prank(people[0]);
        gov.propose(t, v, c, "");
    }

    function test_RevertWhen_InvalidActions() public {
        _seatFounders();
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceInvalidActions.selector, 0, 0, 0));
        vm.prank(founders[0]);
        gov.propose(new address[](0), new uint256[](0), new bytes[](0), "");
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceInvalidActions.selector, 1, 2, 1));
        vm.prank(founders[0]);
        gov.propose(new address[](1), new uint256[](2), new bytes[](1), "");
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceInvalidActions.selector, 17, 17, 17));
        vm.prank(founders[0]);
        gov.propose(new address[](17), new uint256[](17), new bytes[](17), "");
    }

    /// forge-config: default.isolate = true
    function test_castVote_recordsOneVote() public {
        _seatFounders();
        uint256 id = _propose(
            founders[0], address(gov), abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 5000))
        );
        vm.prank(founders[0]);
        gov.castVote(id, 1);
        vm.prank(founders[1]);
        vm.expectEmit(address(gov));
        emit Governance.VoteCast(id, founders[1], Governance.Support.Against);
        gov.castVote(id, 0);
        vm.snapshotGasLastCall("governance", "cast_vote");
        assertEq(gov.receipt(id, founders[1]), 1);
        assertEq(gov.member(founders[1]).votesCast, 1);
        Governance.Proposal memory p = gov.proposal(id);
        assertEq(p.forVotes, 1);
        assertEq(p.againstVotes, 1);
    }

    function test_RevertWhen_InvalidSupport() public {
        _seatFounders();
        uint256 id = _propose(founders[0], address(gov), "");
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceInvalidSupport.selector, 3));
        vm.prank(founders[0]);
        gov.castVote(id, 3);
    }

    function test_RevertWhen_UnknownProposal() public {
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceUnknownProposal.selector, 1));
        gov.state(1);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceUnknownProposal.selector, 0));
        gov.castVote(0, 1);
    }

    function test_RevertWhen_VotingClosed() public {
        _seatFounders();
        uint256 id = _propose(founders[0], address(gov), "");
        vm.warp(block.timestamp + VOTING + 1);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceVotingClosed.selector, id, block.timestamp - 1));
        vm.prank(founders[0]);
        gov.castVote(id, 1);
    }

    function test_RevertWhen_NotEligible_removedOrLateGovernor() public {
        _seatFounders();
        uint256 id = _propose(founders[0], address(gov), "");
        vm.prank(founders[2]);
        gov.resign();
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotEligible.selector, id, founders[2]));
        vm.prank(founders[2]);
        gov.castVote(id, 1);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotEligible.selector, id, people[0]));
        vm.prank(people[0]);
        gov.castVote(id, 1);
    }

    function test_RevertWhen_AlreadyVoted() public {
        _seatFounders();
        uint256 id = _propose(founders[0], address(gov), "");
        vm.prank(founders[0]);
        gov.castVote(id, 1);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceAlreadyVoted.selector, id, founders[0]));
        vm.prank(founders[0]);
        gov.castVote(id, 2);
    }

    /// forge-config: default.isolate = true
    function test_execute_runsCallsAfterDelay() public {
        _seatFounders();
        bytes memory data = abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 5000));
        uint256 id = _propose(founders[0], address(gov), data);
        vm.prank(founders[0]);
        gov.castVote(id, 1);
        vm.prank(founders[1]);
        gov.castVote(id, 1);
        vm.warp(block.timestamp + VOTING + 1);
        assertEq(uint8(gov.state(id)), uint8(Governance.ProposalState.Queued));
        vm.warp(block.timestamp + DELAY);
        assertEq(uint8(gov.state(id)), uint8(Governance.ProposalState.Executable));
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _single(address(gov), data);
        gov.execute(id, t, v, c);
        vm.snapshotGasLastCall("governance", "execute_set_param");
        assertEq(gov.param(Governance.Param.QuorumBps), 5000);
        assertEq(uint8(gov.state(id)), uint8(Governance.ProposalState.Executed));
    }

    function test_execute_administersGovernedContract() public {
        _seatFounders();
        StakeObserverRecorder obs = new StakeObserverRecorder();
        _pass(address(staking), abi.encodeCall(SidecarStaking.setStakeObserver, (IStakeObserver(address(obs)))));
        assertEq(address(staking.stakeObserver()), address(obs));
    }

    function test_execute_sendsEth() public {
        _seatFounders();
        vm.deal(address(gov), 1 ether);
        address payable to = payable(makeAddr("grantee"));
        address[] memory g = gov.governors();
        address[] memory t = new address[](1);
        uint256[] memory v = new uint256[](1);
        bytes[] memory c = new bytes[](1);
        (t[0], v[0]) = (to, 1 ether);
        vm.prank(g[0]);
        uint256 id = gov.propose(t, v, c, "grant");
        for (uint256 i = 0; i < g.length; ++i) {
            vm.prank(g[i]);
            gov.castVote(id, 1);
        }
        vm.warp(block.timestamp + VOTING + DELAY + 1);
        gov.execute(id, t, v, c);
        assertEq(to.balance, 1 ether);
    }

    function test_state_defeatedWithoutMajorityOrQuorum() public {
        _seatFounders();
        uint256 id = _propose(founders[0], address(gov), "");
        vm.prank(founders[0]);
        gov.castVote(id, 1); // 1 of 3 For: no majority, no quorum (needs 2)
        uint256 id2 = _propose(founders[1], address(gov), "");
        vm.prank(founders[0]);
        gov.castVote(id2, 1);
        vm.prank(founders[1]);
        gov.castVote(id2, 2); // quorum reached, For 1 of 3 is no majority
        vm.warp(block.timestamp + VOTING + 1);
        assertEq(uint8(gov.state(id)), uint8(Governance.ProposalState.Defeated));
        assertEq(uint8(gov.state(id2)), uint8(Governance.ProposalState.Defeated));
    }

    function test_state_loneFounderCannotPassAlone() public {
        vm.prank(founders[0]);
        gov.acceptInvitation(MIN_STAKE);
        uint256 id = _propose(founders[0], address(gov), "");
        vm.prank(founders[0]);
        gov.castVote(id, 1);
        assertEq(gov.proposal(id).eligible, 3); // n+1 floor
        vm.warp(block.timestamp + VOTING + 1);
        assertEq(uint8(gov.state(id)), uint8(Governance.ProposalState.Defeated));
    }

    function test_RevertWhen_NotExecutable() public {
        _seatFounders();
        uint256 id = _propose(founders[0], address(gov), "");
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _single(address(gov), "");
        vm.expectRevert(
            abi.encodeWithSelector(Governance.GovernanceNotExecutable.selector, id, Governance.ProposalState.Active)
        );
        gov.execute(id, t, v, c);
        vm.prank(founders[0]);
        gov.castVote(id, 1);
        vm.prank(founders[1]);
        gov.castVote(id, 1);
        vm.warp(block.timestamp + VOTING + 1);
        vm.expectRevert(
            abi.encodeWithSelector(Governance.GovernanceNotExecutable.selector, id, Governance.ProposalState.Queued)
        );
        gov.execute(id, t, v, c);
        vm.warp(block.timestamp + DELAY + WINDOW);
        vm.expectRevert(
            abi.encodeWithSelector(Governance.GovernanceNotExecutable.selector, id, Governance.ProposalState.Expired)
        );
        gov.execute(id, t, v, c);
    }

    function test_RevertWhen_ActionsMismatch() public {
        _seatFounders();
        uint256 id = _propose(founders[0], address(gov), "");
        vm.prank(founders[0]);
        gov.castVote(id, 1);
        vm.prank(founders[1]);
        gov.castVote(id, 1);
        vm.warp(block.timestamp + VOTING + DELAY + 1);
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _single(address(staking), "");
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceActionsMismatch.selector, id));
        gov.execute(id, t, v, c);
    }

    function test_RevertWhen_CallFailed() public {
        _seatFounders();
        bytes memory data = abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 0));
        uint256 id = _propose(founders[0], address(gov), data);
        vm.prank(founders[0]);
        gov.castVote(id, 1);
        vm.prank(founders[1]);
        gov.castVote(id, 1);
        vm.warp(block.timestamp + VOTING + DELAY + 1);
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _single(address(gov), data);
        bytes memory reason = abi.encodeWithSelector(
            Governance.GovernanceParamOutOfRange.selector, Governance.Param.QuorumBps, 0, 1, 10_000
        );
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceCallFailed.selector, id, 0, reason));
        gov.execute(id, t, v, c);
    }

    // ------------------------------------------------------------ missed votes

    /// @dev Proposals 1 and 2 by the two other governors at once, proposal 3 by the first of them again
    ///      once the first two closed (one open proposal per governor); all three closed at the end.
    function _threeMissedBy(address absentee) internal returns (uint256 first) {
        address[] memory g = gov.governors();
        address[2] memory proposers;
        uint256 n;
        for (uint256 i = 0; i < g.length && n < 2; ++i) {
            if (g[i] != absentee) proposers[n++] = g[i];
        }
        for (uint256 k = 0; k < 3; ++k) {
            if (k == 2) vm.warp(block.timestamp + VOTING + 1);
            uint256 id = _propose(proposers[k % 2], address(gov), "");
            if (k == 0) first = id;
            for (uint256 i = 0; i < g.length; ++i) {
                if (g[i] == absentee) continue;
                vm.prank(g[i]);
                gov.castVote(id, 1);
            }
        }
        vm.warp(block.timestamp + VOTING + 1);
    }

    /// forge-config: default.isolate = true
    function test_slashAbsentee_slashesAndUnseats() public {
        _seatFounders();
        uint256 first = _threeMissedBy(founders[2]);
        vm.expectEmit(address(gov));
        emit Governance.GovernorSlashed(founders[2], SLASH, first, insurance);
        gov.slashAbsentee(founders[2], first);
        vm.snapshotGasLastCall("governance", "slash_absentee");
        assertEq(token.balanceOf(insurance), SLASH);
        assertEq(gov.lockedStake(founders[2]), MIN_STAKE - SLASH);
        assertFalse(gov.isGovernor(founders[2]));
        assertEq(gov.exitOf(founders[2]).missCursor, first + 2);
    }

    function test_slashAbsentee_keepsSeatAboveMinimum() public {
        _seatFounders();
        vm.prank(founders[2]);
        gov.addStake(SLASH * 2);
        uint256 first = _threeMissedBy(founders[2]);
        gov.slashAbsentee(founders[2], first);
        assertTrue(gov.isGovernor(founders[2]));
        assertEq(gov.lockedStake(founders[2]), MIN_STAKE + SLASH);
        vm.expectRevert(
            abi.encodeWithSelector(Governance.GovernanceMissesAlreadyCounted.selector, founders[2], first, first + 2)
        );
        gov.slashAbsentee(founders[2], first);
    }

    function test_RevertWhen_SlashNotGovernor() public {
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotGovernor.selector, people[0]));
        gov.slashAbsentee(people[0], 1);
    }

    function test_RevertWhen_SlashUnknownProposal() public {
        _seatFounders();
        _propose(founders[0], address(gov), "");
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceUnknownProposal.selector, 3));
        gov.slashAbsentee(founders[2], 1);
    }

    function test_RevertWhen_SlashVotingNotEnded() public {
        _seatFounders();
        for (uint256 i = 0; i < 3; ++i) {
            _propose(founders[i], address(gov), "");
        }
        vm.expectRevert(
            abi.encodeWithSelector(Governance.GovernanceVotingNotEnded.selector, 1, block.timestamp + VOTING)
        );
        gov.slashAbsentee(founders[2], 1);
    }

    function test_RevertWhen_SlashNotEligible() public {
        vm.prank(founders[0]);
        gov.acceptInvitation(MIN_STAKE);
        _propose(founders[0], address(gov), "");
        vm.prank(founders[1]);
        gov.acceptInvitation(MIN_STAKE); // seated after proposal 1
        vm.warp(block.timestamp + VOTING + 1);
        _propose(founders[0], address(gov), "");
        _propose(founders[1], address(gov), "");
        vm.warp(block.timestamp + VOTING + 1);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotEligible.selector, 1, founders[1]));
        gov.slashAbsentee(founders[1], 1);
    }

    function test_RevertWhen_SlashDidVote() public {
        _seatFounders();
        uint256 first = _threeMissedBy(founders[2]);
        vm.warp(block.timestamp - VOTING); // back inside the voting period of the third proposal
        vm.prank(founders[2]);
        gov.castVote(first + 2, 1);
        vm.warp(block.timestamp + VOTING + 1);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceDidVote.selector, first + 2, founders[2]));
        gov.slashAbsentee(founders[2], first);
    }

    // ------------------------------------------------------------ self-governed parameters

    function test_setParam_onlySelf() public {
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceOnlySelf.selector, address(this)));
        gov.setParam(Governance.Param.QuorumBps, 5000);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceOnlySelf.selector, founders[0]));
        vm.prank(founders[0]);
        gov.setParam(Governance.Param.QuorumBps, 5000);
    }

    function test_setStakeObserver_onlySelf() public {
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceOnlySelf.selector, address(this)));
        gov.setStakeObserver(IStakeObserver(address(1)));
        _seatFounders();
        StakeObserverRecorder obs = new StakeObserverRecorder();
        _pass(address(gov), abi.encodeCall(Governance.setStakeObserver, (IStakeObserver(address(obs)))));
        assertEq(address(gov.stakeObserver()), address(obs));
        assertEq(obs.calls(), 3, "the three seated founders are reported when the observer is set");
        assertEq(obs.lastNew(), MIN_STAKE);
    }

    function test_setParam_throughProposal() public {
        _seatFounders();
        _pass(address(gov), abi.encodeCall(Governance.setParam, (Governance.Param.MissedVoteSlash, 7)));
        assertEq(gov.missedVoteSlash(), 7);
    }

    function test_setParam_emitsChange() public {
        vm.prank(address(gov));
        vm.expectEmit(address(gov));
        emit Governance.ParamChanged(Governance.Param.MissedVoteSlash, SLASH, 7);
        gov.setParam(Governance.Param.MissedVoteSlash, 7);
    }

    function test_RevertWhen_ParamOutOfRange() public {
        for (uint8 i = 0; i < 10; ++i) {
            Governance.Param p = Governance.Param(i);
            (uint256 min, uint256 max) = gov.paramBounds(p);
            vm.startPrank(address(gov));
            gov.setParam(p, max);
            gov.setParam(p, min);
            if (max < type(uint256).max) {
                vm.expectRevert(
                    abi.encodeWithSelector(Governance.GovernanceParamOutOfRange.selector, p, max + 1, min, max)
                );
                gov.setParam(p, max + 1);
            }
            if (min > 0) {
                vm.expectRevert(
                    abi.encodeWithSelector(Governance.GovernanceParamOutOfRange.selector, p, min - 1, min, max)
                );
                gov.setParam(p, min - 1);
            }
            vm.stopPrank();
        }
    }

    function test_RevertWhen_SeatsNBelowSeated() public {
        _fullyElected(); // 5 seated
        vm.expectRevert(
            abi.encodeWithSelector(
                Governance.GovernanceParamOutOfRange.selector, Governance.Param.SeatsN, 1, 2, gov.MAX_SEATS_N()
            )
        );
        vm.prank(address(gov));
        gov.setParam(Governance.Param.SeatsN, 1);
    }

    function _signPermit(uint256 pk, address owner, address spender, uint256 value, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 typehash =
            keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
        bytes32 structHash = keccak256(abi.encode(typehash, owner, spender, value, token.nonces(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (v, r, s) = vm.sign(pk, digest);
    }
}
