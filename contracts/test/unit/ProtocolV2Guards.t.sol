// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {Governance} from "../../src/governance/Governance.sol";
import {Governed} from "../../src/governance/Governed.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolFactory} from "../../src/pools/micro/MicroPoolFactory.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {GovernanceFixture} from "../utils/GovernanceFixture.sol";
import {MicroPoolBase} from "../utils/MicroPoolBase.sol";
import {HostileReceiver, RewardPoolBase} from "./RewardPoolBase.sol";
import {DepositVector} from "../fixtures/DepositVectors.sol";

/// @notice Reverts and edge cases of the token allocation.
contract MzkuTokenGuardsTest is Test {
    function test_RevertWhen_AllocationMismatch() public {
        vm.expectRevert(abi.encodeWithSelector(MzkuToken.MzkuTokenAllocationMismatch.selector, 1, 0));
        new MzkuToken(new address[](1), new uint256[](0));
    }
}

/// @notice Time-weighted delegated votes and former governors' misses: edges.
contract VotingGuardsTest is GovernanceFixture {
    function test_RevertWhen_AverageWindowEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(SidecarStaking.SidecarStakingInvalidWindow.selector, 5, 5));
        staking.averageDelegatedVotes(people[0], 5, 5);
    }

    function test_RevertWhen_VoteSecondsInTheFuture() public {
        vm.expectRevert(
            abi.encodeWithSelector(SidecarStaking.SidecarStakingFutureLookup.selector, block.timestamp, block.timestamp)
        );
        staking.delegatedVoteSecondsAt(people[0], block.timestamp);
    }

    /// @dev Delegate, undelegate half-way, delegate again: the average is the exact integral / window.
    function test_averageDelegatedVotes_followsEveryChange() public {
        uint256 t0 = block.timestamp;
        assertEq(staking.delegatedVoteSecondsAt(people[0], t0 - 1), 0, "before any checkpoint");
        vm.startPrank(people[1]);
        staking.stake(sidecar, 100e18);
        staking.delegate(people[0]);
        vm.warp(t0 + 1000);
        staking.unstake(sidecar, 40e18); // 60 left
        vm.warp(t0 + 3000);
        staking.delegate(address(0)); // 0 left
        vm.warp(t0 + 3500);
        staking.delegate(people[0]); // 60 again
        vm.stopPrank();
        vm.warp(t0 + 5000);
        uint256 expected = 100e18 * 1000 + 60e18 * 2000 + 0 + 60e18 * 1500;
        assertEq(staking.delegatedVoteSecondsAt(people[0], t0 + 4999), expected - 60e18);
        assertEq(staking.averageDelegatedVotes(people[0], t0, t0 + 4999), (expected - 60e18) / 4999);
        assertEq(staking.averageDelegatedVotes(people[0], t0 + 1000, t0 + 3000), 60e18);
    }

    /// @dev A governor slashed out of its seat while a proposal is open is charged only for proposals
    ///      that closed before, and never for proposals made after it left.
    function test_RevertWhen_SlashFormerGovernorForLaterOrOpenProposals() public {
        _seatFounders();
        address absentee = founders[2];
        uint256 first = _proposeOne(founders[0]);
        _proposeOne(founders[1]);
        vm.warp(block.timestamp + VOTING + 1);
        _proposeOne(founders[0]);
        vm.warp(block.timestamp + VOTING + 1);
        uint256 open = _proposeOne(founders[1]); // still open when the absentee loses its seat
        gov.slashAbsentee(absentee, first); // MIN_STAKE - SLASH < minimum: unseated
        assertFalse(gov.isGovernor(absentee));
        assertEq(gov.activityOf(absentee).seatEndProposal, open);
        vm.warp(block.timestamp + VOTING + 1);
        uint256 later = _proposeOne(founders[0]);
        _proposeOne(founders[1]);
        vm.expectRevert(
            abi.encodeWithSelector(Governance.GovernanceVotingNotEnded.selector, open, gov.proposal(open).voteEnd)
        );
        gov.slashAbsentee(absentee, open);
        vm.warp(block.timestamp + VOTING + 1);
        _proposeOne(founders[0]);
        vm.warp(block.timestamp + VOTING + 1);
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotEligible.selector, later, absentee));
        gov.slashAbsentee(absentee, later);
    }

    function test_RevertWhen_SlashNeverSeated() public {
        vm.expectRevert(abi.encodeWithSelector(Governance.GovernanceNotGovernor.selector, people[7]));
        gov.slashAbsentee(people[7], 1);
    }

    function _proposeOne(address proposer) internal returns (uint256 id) {
        id = _propose(proposer, address(gov), abi.encodeCall(Governance.setParam, (Governance.Param.QuorumBps, 6000)));
        address[] memory g = gov.governors();
        for (uint256 i = 0; i < g.length; ++i) {
            if (g[i] == founders[2]) continue;
            vm.prank(g[i]);
            gov.castVote(id, 1);
        }
    }
}

/// @notice Co-signer change and key registry: edges.
contract MicroPoolFactoryGuardsTest is MicroPoolBase {
    function test_RevertWhen_ScheduleZeroOrApplyNothing() public {
        vm.prank(governance);
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        factory.scheduleCoSigner(address(0));
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryCoSignerChangeNotDue.selector, address(0), 0)
        );
        factory.applyCoSigner();
    }

    function test_setCoSigner_withConsentDropsSchedule() public {
        address next = makeAddr("nextCoSigner");
        vm.startPrank(governance);
        factory.scheduleCoSigner(makeAddr("scheduled"));
        factory.setCoSigner(next, block.timestamp, _consent(next));
        vm.stopPrank();
        assertEq(factory.coSigner(), next);
        assertEq(factory.pendingCoSigner(), address(0));
        assertEq(factory.pendingCoSignerAt(), 0);
    }

    function test_RevertWhen_ClaimDepositKeyNotPool() public {
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryNotPool.selector, address(this)));
        factory.claimDepositKey(bytes32(uint256(1)));
    }

    /// @dev The operator may register its own key again (for example after fixing the signature).
    function test_setDepositData_sameKeyTwiceInOnePool() public {
        MicroPool pool = _open(provider, 0, 365 days);
        _setDepositData(pool);
        _setDepositData(pool);
        DepositVector memory v = _vectorFor(pool);
        assertEq(factory.depositKeyPool(keccak256(v.pubkey)), address(pool));
    }
}

/// @notice claimOwedEthTo towards a receiver that refuses ETH.
contract RewardPoolGuardsTest is RewardPoolBase {
    function test_RevertWhen_ClaimOwedEthToRefusingReceiver() public {
        _depositE(1 ether);
        _toNextPeriod(1);
        pool.sync();
        (, uint256 owedE) = pool.owedOf(treasury);
        HostileReceiver refusing = new HostileReceiver(pool);
        refusing.setRefuse(true);
        vm.prank(treasury);
        vm.expectRevert(
            abi.encodeWithSelector(RewardPool.RewardPoolEthTransferFailed.selector, address(refusing), owedE)
        );
        pool.claimOwedEthTo(payable(address(refusing)));
    }
}
