// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test, console} from "forge-std/Test.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Governance} from "../../src/governance/Governance.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";

/// @notice Drives Governance through every phase with random actors; keeps ghost totals and records
///         any vote that should not have been accepted.
contract GovernanceHandler is Test {
    Governance public immutable gov;
    SidecarStaking public immutable staking;
    MzkuToken public immutable token;
    address public immutable sidecar;
    address[] public actors;
    uint256 public ghostSlashed;
    uint256 public ghostWithdrawn;
    uint256 public ghostLockedIn;
    uint256 public ghostVotes; // successful votes
    uint256 public illegalVotes; // votes accepted from non-eligible or repeat voters
    mapping(uint256 proposalId => uint256) public ghostVotesOn;

    constructor(
        Governance gov_,
        SidecarStaking staking_,
        MzkuToken token_,
        address sidecar_,
        address[] memory actors_
    ) {
        gov = gov_;
        staking = staking_;
        token = token_;
        sidecar = sidecar_;
        actors = actors_;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// @dev Mostly a seated governor (productive calls), sometimes anyone (to probe the guards).
    function _governorOrAnyone(uint256 seed) internal view returns (address) {
        address[] memory g = gov.governors();
        if (g.length == 0 || seed % 5 == 0) return _actor(seed / 5);
        return g[(seed / 5) % g.length];
    }

    function accept(uint256 seed, uint256 amount) external {
        address a = _actor(seed % 3); // the founders come first in `actors`
        amount = bound(amount, 10_000e18, 20_000e18);
        vm.prank(a);
        try gov.acceptInvitation(amount) {
            ghostLockedIn += amount;
        } catch {}
    }

    function applyAsCandidate(uint256 seed, uint256 amount) external {
        address a = _actor(seed);
        amount = bound(amount, 0, 20_000e18);
        vm.prank(a);
        try gov.applyAsCandidate(amount) {
            ghostLockedIn += amount;
        } catch {}
    }

    function addStake(uint256 seed, uint256 amount) external {
        address a = _actor(seed);
        amount = bound(amount, 1, 5000e18);
        vm.prank(a);
        try gov.addStake(amount) {
            ghostLockedIn += amount;
        } catch {}
    }

    function requestWithdrawal(uint256 seed, uint256 amount) external {
        address a = _actor(seed);
        uint256 locked = gov.lockedStake(a);
        if (locked == 0) return;
        amount = bound(amount, 1, locked);
        vm.prank(a);
        try gov.requestWithdrawal(amount) {} catch {}
    }

    function withdraw(uint256 seed) external {
        address a = _actor(seed);
        uint256 pending = gov.exitOf(a).pending;
        vm.prank(a);
        try gov.withdraw() {
            ghostWithdrawn += pending;
        } catch {}
    }

    function resign(uint256 seed) external {
        vm.prank(_actor(seed));
        try gov.resign() {} catch {}
    }

    function stakeAndDelegate(uint256 seed, uint256 candidateSeed, uint256 amount) external {
        address a = _actor(seed);
        amount = bound(amount, 1, 50_000e18);
        vm.startPrank(a);
        staking.stake(sidecar, amount);
        address c = _actor(candidateSeed);
        if (staking.delegateOf(a) != c) staking.delegate(c);
        vm.stopPrank();
    }

    function runElection() external {
        if (block.timestamp <= gov.nextElectionAt()) vm.warp(gov.nextElectionAt() + 1);
        gov.runElection();
    }

    function propose(uint256 seed) external {
        address a = _governorOrAnyone(seed);
        address[] memory t = new address[](1);
        bytes[] memory c = new bytes[](1);
        t[0] = address(gov);
        c[0] = abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 6000));
        vm.prank(a);
        try gov.propose(t, new uint256[](1), c, "") {} catch {}
    }

    function castVote(uint256 seed, uint256 idSeed, uint8 support) external {
        uint256 count = gov.proposalCount();
        if (count == 0) return;
        uint256 id = count - (idSeed % (count < 4 ? count : 4)); // mostly recent (open) proposals
        address a = _governorOrAnyone(seed);
        support = uint8(bound(support, 0, 2));
        Governance.Proposal memory p = gov.proposal(id);
        Governance.Member memory m = gov.member(a);
        bool eligible =
            m.seatedSince != 0 && m.seatNonce <= p.seatNonce && gov.receipt(id, a) == 0 && block.timestamp <= p.voteEnd;
        vm.prank(a);
        try gov.castVote(id, support) {
            if (!eligible) ++illegalVotes;
            ++ghostVotes;
            ++ghostVotesOn[id];
        } catch {}
    }

    function slash(uint256 seed, uint256 idSeed) external {
        uint256 count = gov.proposalCount();
        if (count < 3) return;
        address a = _governorOrAnyone(seed);
        uint256 first = 1 + (idSeed % (count - 2));
        uint256 before = token.balanceOf(gov.slashReceiver());
        try gov.slashAbsentee(a, first) {
            ghostSlashed += token.balanceOf(gov.slashReceiver()) - before;
        } catch {}
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 2 days));
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }
}

contract GovernanceInvariantTest is GovernanceFixture {
    GovernanceHandler internal handler;
    RewardPool internal rewards;

    function setUp() public override {
        super.setUp();
        address[] memory actors = new address[](founders.length + people.length);
        for (uint256 i = 0; i < founders.length; ++i) {
            actors[i] = founders[i];
        }
        for (uint256 i = 0; i < people.length; ++i) {
            actors[founders.length + i] = people[i];
        }
        handler = new GovernanceHandler(gov, staking, token, sidecar, actors);
        // Two founders take their seats through the handler (so the ghosts count them); the third
        // invitation is left to the fuzzer.
        handler.accept(0, MIN_STAKE);
        // The Reward Pool becomes the observer after the first founder took its seat (and before the
        // others): its governor class must still hold exactly the seated governors' stake.
        address[4] memory sources;
        sources[uint256(IStakeObserver.StakeClass.Governor)] = address(gov);
        rewards = new RewardPool(
            address(gov), new address[](0), IERC20(address(token)), makeAddr("treasury"), sources, 7 days
        );
        vm.prank(address(gov));
        gov.setStakeObserver(rewards);
        handler.accept(1, MIN_STAKE);
        // Start half way through Initialization so every phase is reached within a run.
        vm.warp(transitionStart - 5 days);
        targetContract(address(handler));
    }

    function afterInvariant() external view {
        // Coverage signal in -vv output: the walk must reach votes, slashes and elections.
        console.log("votes", handler.ghostVotes(), "slashed", handler.ghostSlashed());
        console.log("elections", gov.electionCount(), "governors", gov.governorCount());
    }

    /// Σ (locked + pending withdrawal) == MZKU held by the stake vault == ghost in - out - slashed.
    function invariant_lockedEqualsBalance() public view {
        uint256 sum;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            address a = handler.actors(i);
            sum += gov.lockedStake(a) + gov.exitOf(a).pending;
        }
        uint256 held = token.balanceOf(address(gov.stakeVault()));
        assertEq(sum, held);
        assertEq(held, handler.ghostLockedIn() - handler.ghostWithdrawn() - handler.ghostSlashed());
    }

    /// The Reward Pool's governor class holds exactly the seated governors' locked stake; candidates and
    /// former governors hold nothing in it.
    function invariant_governorClassIsSeatedStake() public view {
        uint256 sum;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            address a = handler.actors(i);
            uint256 expected = gov.isGovernor(a) ? gov.lockedStake(a) : 0;
            sum += expected;
            assertEq(rewards.stakeOf(IStakeObserver.StakeClass.Governor, a, address(0)), expected, vm.toString(a));
        }
        assertEq(rewards.classTotal(0), sum);
    }

    /// Seated governors never exceed 2n+1, and the seat list agrees with isGovernor.
    function invariant_seatsBounded() public view {
        address[] memory g = gov.governors();
        assertLe(g.length, 2 * gov.seatsN() + 1);
        assertEq(g.length, gov.governorCount());
        uint256 seated;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            if (gov.isGovernor(handler.actors(i))) ++seated;
        }
        assertEq(seated, g.length);
        assertLe(gov.candidateCount(), gov.MAX_CANDIDATES_CAP());
    }

    /// One governor one vote; removed or late governors cannot vote; tallies match receipts.
    function invariant_oneGovernorOneVote() public view {
        assertEq(handler.illegalVotes(), 0);
        uint256 total;
        for (uint256 id = 1; id <= gov.proposalCount(); ++id) {
            Governance.Proposal memory p = gov.proposal(id);
            uint256 cast = uint256(p.forVotes) + p.againstVotes + p.abstainVotes;
            assertLe(cast, p.eligible, "votes <= eligible");
            assertEq(cast, handler.ghostVotesOn(id), "tally == accepted votes");
            uint256 receipts;
            for (uint256 i = 0; i < handler.actorCount(); ++i) {
                if (gov.receipt(id, handler.actors(i)) != 0) ++receipts;
            }
            assertEq(receipts, cast, "receipts == tally");
            total += cast;
        }
        assertEq(total, handler.ghostVotes());
    }
}
