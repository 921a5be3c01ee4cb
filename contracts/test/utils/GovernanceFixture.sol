// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {Governance} from "../../src/governance/Governance.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {ISidecarStaking} from "../../src/interfaces/ISidecarStaking.sol";
import {NodeRegistryStub} from "./NodeRegistryStub.sol";

/// @notice Deploys token, node-registry stub, SidecarStaking and Governance (n = 2: 3 invited, 5 seats)
///         the way the deploy script does (precomputed addresses), plus helpers to walk the phases.
abstract contract GovernanceFixture is Test {
    uint256 internal constant N = 2;
    uint256 internal constant MIN_STAKE = 10_000e18;
    uint256 internal constant SLASH = 1000e18;
    uint256 internal constant VOTING = 3 days;
    uint256 internal constant DELAY = 2 days;
    uint256 internal constant WINDOW = 7 days;
    uint256 internal constant ELECTION = 90 days;
    uint256 internal constant CANDIDACY = 14 days;
    uint256 internal constant WITHDRAWAL = 14 days;
    uint256 internal constant VOTE_WINDOW = 7 days;
    uint256 internal constant HOLDING = 1_000_000e18;

    MzkuToken internal token;
    NodeRegistryStub internal nodes;
    SidecarStaking internal staking;
    Governance internal gov;
    address internal insurance = makeAddr("insurancePool");
    address internal sidecar = makeAddr("sidecar");
    address[] internal founders;
    address[] internal people; // candidates and stakers
    uint256 internal transitionStart;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        for (uint256 i = 0; i < N + 1; ++i) {
            founders.push(makeAddr(string.concat("founder", vm.toString(i))));
        }
        for (uint256 i = 0; i < 8; ++i) {
            people.push(makeAddr(string.concat("person", vm.toString(i))));
        }
        address[] memory holders = new address[](founders.length + people.length);
        uint256[] memory amounts = new uint256[](holders.length);
        for (uint256 i = 0; i < founders.length; ++i) {
            (holders[i], amounts[i]) = (founders[i], HOLDING);
        }
        for (uint256 i = 0; i < people.length; ++i) {
            (holders[founders.length + i], amounts[founders.length + i]) = (people[i], HOLDING);
        }
        token = new MzkuToken(holders, amounts);
        nodes = new NodeRegistryStub();
        nodes.register(sidecar);
        // Governance is deployed right after SidecarStaking: precompute its address.
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        staking = new SidecarStaking(predicted, new address[](0), IERC20(address(token)), INodeRegistry(address(nodes)));
        transitionStart = block.timestamp + 30 days;
        gov = new Governance(
            IERC20(address(token)),
            ISidecarStaking(address(staking)),
            insurance,
            founders,
            transitionStart,
            defaultConfig()
        );
        assertEq(address(gov), predicted);
        for (uint256 i = 0; i < holders.length; ++i) {
            vm.startPrank(holders[i]);
            token.approve(address(gov), type(uint256).max);
            token.approve(address(staking), type(uint256).max);
            vm.stopPrank();
        }
    }

    function defaultConfig() internal pure returns (Governance.Config memory c) {
        c = Governance.Config({
            seatsN: N,
            minGovernorStake: MIN_STAKE,
            missedVoteSlash: SLASH,
            votingPeriod: VOTING,
            executionDelay: DELAY,
            executionWindow: WINDOW,
            quorumBps: 6000,
            electionPeriod: ELECTION,
            maxCandidates: 64,
            withdrawalDelay: WITHDRAWAL,
            candidacyPeriod: CANDIDACY,
            voteAveragingWindow: VOTE_WINDOW
        });
    }

    function _seatFounders() internal {
        for (uint256 i = 0; i < founders.length; ++i) {
            vm.prank(founders[i]);
            gov.acceptInvitation(MIN_STAKE);
        }
    }

    function _apply(address who, uint256 amount) internal {
        vm.prank(who);
        gov.applyAsCandidate(amount);
    }

    function _toTransition() internal {
        vm.warp(transitionStart);
    }

    function _runDueElection() internal {
        vm.warp(gov.nextElectionAt() + 1);
        gov.runElection();
    }

    function _single(address target, bytes memory data)
        internal
        pure
        returns (address[] memory t, uint256[] memory v, bytes[] memory c)
    {
        t = new address[](1);
        v = new uint256[](1);
        c = new bytes[](1);
        (t[0], c[0]) = (target, data);
    }

    function _propose(address proposer, address target, bytes memory data) internal returns (uint256 id) {
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _single(target, data);
        vm.prank(proposer);
        id = gov.propose(t, v, c, "test proposal");
    }

    /// @dev Proposes, has every seated governor vote For, waits for the delay and executes.
    function _pass(address target, bytes memory data) internal returns (uint256 id) {
        address[] memory g = gov.governors();
        id = _propose(g[0], target, data);
        for (uint256 i = 0; i < g.length; ++i) {
            vm.prank(g[i]);
            gov.castVote(id, 1);
        }
        vm.warp(block.timestamp + VOTING + DELAY + 1);
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _single(target, data);
        gov.execute(id, t, v, c);
    }

    function _fullyElected() internal {
        _seatFounders();
        _toTransition();
        _apply(people[0], MIN_STAKE + 3);
        _apply(people[1], MIN_STAKE + 2);
        _apply(people[2], MIN_STAKE + 1);
        _runDueElection();
    }
}
