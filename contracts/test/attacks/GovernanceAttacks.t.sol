// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";
import {Governance} from "../../src/governance/Governance.sol";
import {GovernorStakeVault} from "../../src/governance/GovernorStakeVault.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";

/// @notice Attacks on Governance, SidecarStaking and the Reward Pool's governor class, each performed
///         against the contracts and shown to fail.
contract GovernanceAttacksTest is GovernanceFixture {
    RewardPool internal rewards;
    address internal treasury = makeAddr("treasury");

    function setUp() public override {
        super.setUp();
        address[4] memory sources;
        sources[uint256(IStakeObserver.StakeClass.Governor)] = address(gov);
        rewards = new RewardPool(address(gov), new address[](0), IERC20(address(token)), treasury, sources, 7 days);
    }

    // ------------------------------------------------------------ 6. borrowed delegated votes

    /// @dev Two honest candidates hold delegations for the whole window; the attacker borrows 900k MZKU,
    ///      stakes and delegates it one second before the public snapshot and takes it back right after.
    function test_Attack_BorrowedDelegatedVotes_FlashDelegationAroundSnapshotDoesNotWin() public {
        _seatFounders();
        _toTransition();
        address honestA = people[0];
        address honestB = people[1];
        address attacker = people[2];
        address whale = people[3];
        _apply(honestA, MIN_STAKE + 3);
        _apply(honestB, MIN_STAKE + 2);
        _apply(attacker, MIN_STAKE + 1);
        _stakeAndDelegate(people[4], 10_000e18, honestA);
        _stakeAndDelegate(people[5], 10_000e18, honestB);

        uint256 snapshot = gov.nextElectionAt();
        vm.warp(snapshot - 1);
        _stakeAndDelegate(whale, 900_000e18, attacker);
        vm.warp(snapshot + 1);
        vm.prank(whale);
        staking.unstake(sidecar, 900_000e18);
        gov.runElection();

        assertFalse(gov.isGovernor(attacker), "borrowed votes must not seat the attacker");
        assertTrue(gov.isGovernor(honestA));
        assertTrue(gov.isGovernor(honestB));
        // The borrowed stake counted for the one second it was delegated inside the window.
        assertEq(gov.electionVotesAt(attacker, snapshot), MIN_STAKE + 1 + 900_000e18 / VOTE_WINDOW);
        assertEq(gov.electionVotesAt(honestA, snapshot), MIN_STAKE + 3 + 10_000e18);
    }

    /// @dev Votes delegated for a fraction of the window count for that fraction.
    function testFuzz_BorrowedDelegatedVotes_WeighHeldTime(uint256 amount, uint256 held) public {
        amount = bound(amount, 1e18, 500_000e18);
        held = bound(held, 1, VOTE_WINDOW);
        _seatFounders();
        _toTransition();
        _apply(people[0], MIN_STAKE);
        uint256 snapshot = gov.nextElectionAt();
        vm.warp(snapshot - held);
        _stakeAndDelegate(people[1], amount, people[0]);
        vm.warp(snapshot + 1);
        assertEq(gov.electionVotesAt(people[0], snapshot), MIN_STAKE + amount * held / VOTE_WINDOW);
    }

    // ------------------------------------------------------------ 11. own stake read at the snapshot

    function test_Attack_OwnStakeAfterSnapshot_NotCounted() public {
        _seatFounders();
        _toTransition();
        _apply(people[0], MIN_STAKE + 3);
        _apply(people[1], MIN_STAKE + 2);
        _apply(people[2], MIN_STAKE + 1);
        _runDueElectionAfter(people[2], 100_000e18);
        assertFalse(gov.isGovernor(people[2]), "stake added after the snapshot must not count");
        assertTrue(gov.isGovernor(people[0]));
        assertTrue(gov.isGovernor(people[1]));
    }

    /// @dev A late applicant locks after the snapshot: it had nothing locked then, so it is not ranked.
    function test_Attack_ApplyAfterSnapshot_NotRanked() public {
        _seatFounders();
        _toTransition();
        _apply(people[0], MIN_STAKE);
        vm.warp(gov.nextElectionAt() + 1);
        _apply(people[1], 500_000e18);
        gov.runElection();
        assertTrue(gov.isGovernor(people[0]));
        assertFalse(gov.isGovernor(people[1]));
        assertTrue(gov.isCandidate(people[1]), "stays a candidate for the next election");
    }

    // ------------------------------------------------------------ 7. proposal spam

    /// @dev One governor tries to file three proposals at once to get a colleague slashed for missing
    ///      three in a row within one voting period.
    function test_Attack_ProposalSpam_OneOpenProposalPerGovernor() public {
        _seatFounders();
        address spammer = founders[0];
        uint256 first =
            _propose(spammer, address(gov), abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 7000)));
        (address[] memory t, uint256[] memory v, bytes[] memory c) =
            _single(address(gov), abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 7001)));
        uint256 voteEnd = block.timestamp + VOTING;
        vm.prank(spammer);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceProposalPending.selector, spammer, voteEnd));
        gov.propose(t, v, c, "spam");
        vm.warp(voteEnd);
        vm.prank(spammer);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceProposalPending.selector, spammer, voteEnd));
        gov.propose(t, v, c, "spam at the last second of voting");
        // Nobody can be slashed: only one proposal exists.
        vm.warp(voteEnd + 1);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceUnknownProposal.selector, first + 2));
        gov.slashAbsentee(founders[1], first);
        // Once its proposal closed, the spammer may propose again.
        vm.prank(spammer);
        assertEq(gov.propose(t, v, c, "next"), first + 1);
    }

    // ------------------------------------------------------------ 8. governors' 30% share

    /// @dev Founders seat themselves before the Reward Pool is the stake observer; a candidate and a
    ///      resigned governor must never be in the governor class.
    function test_Attack_GovernorShareToWrongPeople_ClassIsExactlySeatedStake() public {
        _seatFounders();
        _setObserver(address(rewards));
        _assertGovernorClassExact();
        assertEq(rewards.classTotal(0), 3 * MIN_STAKE, "founders seated before the observer are recorded");

        _toTransition();
        _apply(people[0], MIN_STAKE + 5);
        _apply(people[1], MIN_STAKE + 4);
        _apply(people[2], MIN_STAKE + 3);
        _assertGovernorClassExact();
        assertEq(rewards.stakeOf(IStakeObserver.StakeClass.Governor, people[0], address(0)), 0, "candidate");

        vm.prank(founders[0]);
        gov.addStake(7e18);
        _assertGovernorClassExact();

        vm.prank(founders[1]);
        gov.resign();
        _assertGovernorClassExact();
        assertEq(rewards.stakeOf(IStakeObserver.StakeClass.Governor, founders[1], address(0)), 0, "former governor");

        _runDueElection(); // fills the 3 free seats from the candidates
        _assertGovernorClassExact();
        vm.warp(block.timestamp + 1 days);
        _apply(people[3], 50 * MIN_STAKE); // out-votes a seated governor at the next election
        _runDueElection();
        _assertGovernorClassExact();

        // Switching the observer away takes the governors out of the old one.
        _setObserver(address(0));
        assertEq(rewards.classTotal(0), 0);
    }

    /// @dev A candidate with a huge stake earns nothing from the 30% class; the seated founders do.
    function test_Attack_GovernorShareToWrongPeople_CandidateEarnsNothing() public {
        _seatFounders();
        _setObserver(address(rewards));
        _toTransition();
        _apply(people[0], 500_000e18);
        vm.prank(people[1]);
        token.approve(address(rewards), type(uint256).max);
        vm.prank(people[1]);
        rewards.depositMzku(100_000e18);
        vm.warp(block.timestamp + 15 days);
        rewards.sync();
        (uint256 candidateM,) = rewards.claimable(IStakeObserver.StakeClass.Governor, people[0], address(0));
        (uint256 founderM,) = rewards.claimable(IStakeObserver.StakeClass.Governor, founders[0], address(0));
        assertEq(candidateM, 0);
        assertGt(founderM, 0);
    }

    // ------------------------------------------------------------ 9. execute reaching locked stake

    function test_Attack_ExecuteMovesLockedStake_StakeIsInTheVault() public {
        _seatFounders();
        GovernorStakeVault vault = gov.stakeVault();
        assertEq(token.balanceOf(address(gov)), 0, "Governance holds no stake");
        assertEq(token.balanceOf(address(vault)), 3 * MIN_STAKE);
        address thief = makeAddr("thief");

        // A majority proposes to send the vault's MZKU away, directly or through the vault.
        (address[] memory t, uint256[] memory v, bytes[] memory c) =
            _single(address(vault), abi.encodeCall(GovernorStakeVault.release, (thief, 3 * MIN_STAKE)));
        vm.prank(founders[0]);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceForbiddenTarget.selector, 0, address(vault)));
        gov.propose(t, v, c, "steal");
        // ... or to spend allowances stakers gave Governance.
        (t, v, c) = _single(address(token), abi.encodeCall(IERC20.transferFrom, (people[0], thief, 1e18)));
        vm.prank(founders[0]);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceForbiddenTarget.selector, 0, address(token)));
        gov.propose(t, v, c, "drain allowances");
        // Nobody else can call the vault.
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(GovernorStakeVault.GovernorStakeVaultOnlyGovernance.selector, thief));
        vault.release(thief, 1);
        assertEq(token.balanceOf(thief), 0);
    }

    // ------------------------------------------------------------ 11. resigning to escape the slash

    /// @dev A governor misses two closed proposals, and resigns while the third is still open.
    function test_Attack_ResignToEscapeMissedVoteSlash() public {
        _seatFounders();
        address absentee = founders[2];
        uint256 first = _proposeAndVote(founders[0], absentee);
        _proposeAndVote(founders[1], absentee);
        _proposeAndVoteOpen(founders[0], absentee); // third one, still open
        vm.prank(absentee);
        gov.resign();
        vm.prank(absentee);
        gov.requestWithdrawal(MIN_STAKE);
        uint256 before = token.balanceOf(insurance);
        gov.slashAbsentee(absentee, first);
        assertEq(token.balanceOf(insurance), before + SLASH, "slashed from its pending withdrawal");
        assertEq(gov.exitOf(absentee).pending, MIN_STAKE - SLASH);
        vm.warp(block.timestamp + WITHDRAWAL);
        vm.prank(absentee);
        gov.withdraw();
        assertEq(token.balanceOf(absentee), HOLDING - SLASH);
    }

    // ------------------------------------------------------------ helpers

    function _stakeAndDelegate(address who, uint256 amount, address candidate) internal {
        vm.startPrank(who);
        staking.stake(sidecar, amount);
        if (staking.delegateOf(who) != candidate) staking.delegate(candidate);
        vm.stopPrank();
    }

    function _runDueElectionAfter(address who, uint256 extra) internal {
        vm.warp(gov.nextElectionAt() + 1);
        vm.prank(who);
        gov.addStake(extra);
        gov.runElection();
    }

    function _setObserver(address observer) internal {
        _pass(address(gov), abi.encodeCall(Governance.setStakeObserver, (IStakeObserver(observer))));
    }

    function _assertGovernorClassExact() internal view {
        address[] memory g = gov.governors();
        uint256 sum;
        for (uint256 i = 0; i < g.length; ++i) {
            uint256 locked = gov.lockedStake(g[i]);
            sum += locked;
            assertEq(rewards.stakeOf(IStakeObserver.StakeClass.Governor, g[i], address(0)), locked, "seated");
        }
        assertEq(rewards.classTotal(0), sum, "governor class == seated governors' stake");
    }

    /// @dev `proposer` proposes; every seated governor but `absentee` votes For; voting then closes.
    function _proposeAndVote(address proposer, address absentee) internal returns (uint256 id) {
        id = _proposeAndVoteOpen(proposer, absentee);
        vm.warp(block.timestamp + VOTING + 1);
    }

    function _proposeAndVoteOpen(address proposer, address absentee) internal returns (uint256 id) {
        id = _propose(proposer, address(gov), abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 6000)));
        address[] memory g = gov.governors();
        for (uint256 i = 0; i < g.length; ++i) {
            if (g[i] == absentee) continue;
            vm.prank(g[i]);
            gov.castVote(id, 1);
        }
    }
}
