// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {UptimeReportsBase} from "../utils/UptimeReportsBase.sol";
import {UptimeReports} from "../../src/reports/UptimeReports.sol";

/// @notice Reporters that lie, report where they are not assigned, replay, or report the wrong period.
contract UptimeReportsAttacksTest is UptimeReportsBase {
    function setUp() public override {
        super.setUp();
        _members(5);
        _openPeriod(1);
    }

    /// A sidecar outside the roster, and one that joined after the period was opened, count for nothing.
    function test_Attack_NonAssignedReporter_Reverts() public {
        _toReports(1);
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsNotAssigned.selector, stranger, 1));
        reports.report(1, 0);
        _members(1); // joins during period 2, after period 1 was opened with 5 slots
        vm.prank(sidecars[5]);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsNotAssigned.selector, sidecars[5], 1));
        reports.report(1, 0);
    }

    /// Slot 2 is dead. One of its three auditors lies (reports it up) and reports first: the two honest
    /// auditors decide it down; the lie changes nothing.
    function test_Attack_LyingMinority_Outvoted() public {
        _toReports(1);
        uint256[] memory auditors = _auditorsOf(1, 2);
        bool[] memory down = _flags(5);
        down[2] = true;
        // the liar votes every target up
        vm.prank(sidecars[auditors[0]]);
        reports.report(1, type(uint256).max);
        for (uint256 i = 1; i < auditors.length; ++i) {
            uint256 votes = _honestVotes(1, auditors[i], down);
            vm.prank(sidecars[auditors[i]]);
            reports.report(1, votes);
        }
        (uint16 up, uint32 periods) = reports.uptimeOf(providerIds[2]);
        assertEq(periods, 1);
        assertEq(up, 0, "the majority saw it down");
        UptimeReports.Member memory m = reports.memberAt(2);
        assertEq(m.up, 1, "the lie is counted, and outvoted");
        assertEq(m.down, 2);
        assertEq(m.decided, 2);
    }

    /// A minority that lies "down" about a live node cannot take its period either.
    function test_Attack_LyingMinorityDown_Outvoted() public {
        _toReports(1);
        uint256[] memory auditors = _auditorsOf(1, 3);
        vm.prank(sidecars[auditors[0]]);
        reports.report(1, 0); // all its targets "down"
        for (uint256 i = 1; i < auditors.length; ++i) {
            uint256 votes = _honestVotes(1, auditors[i], _flags(5));
            vm.prank(sidecars[auditors[i]]);
            reports.report(1, votes);
        }
        (uint16 up, uint32 periods) = reports.uptimeOf(providerIds[3]);
        assertEq(periods, 1);
        assertEq(up, 10_000);
    }

    function test_Attack_Replay_SamePeriodTwice() public {
        _toReports(1);
        vm.startPrank(sidecars[0]);
        reports.report(1, 0);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsAlreadyReported.selector, sidecars[0], 1));
        reports.report(1, 0);
        vm.stopPrank();
    }

    function test_Attack_CurrentOrFuturePeriod_Reverts() public {
        vm.startPrank(sidecars[0]);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsWrongPeriod.selector, 1, 1));
        reports.report(1, 0); // period 1 is still running
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsWrongPeriod.selector, 2, 1));
        reports.report(2, 0);
        vm.stopPrank();
    }

    function test_Attack_PastPeriod_Reverts() public {
        _toReports(1);
        _toReports(2);
        vm.prank(sidecars[0]);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsWrongPeriod.selector, 1, 3));
        reports.report(1, 0);
    }

    function test_Attack_UnopenedPeriod_Reverts() public {
        vm.roll(reports.periodStartBlock(5));
        vm.prank(sidecars[0]);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsPeriodNotOpen.selector, 4));
        reports.report(4, 0);
    }

    function test_Attack_OpenTwice_Reverts() public {
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsPeriodOpen.selector, 1));
        reports.openPeriod();
    }

    /// Extra bits beyond k are ignored: a reporter cannot vote for slots it was not given.
    function test_Attack_ExtraVoteBits_Ignored() public {
        _toReports(1);
        uint256[] memory t = reports.targetsOf(1, 0);
        vm.prank(sidecars[0]);
        reports.report(1, type(uint256).max);
        uint256 touched;
        for (uint256 s = 0; s < 5; ++s) {
            if (reports.memberAt(s).up != 0) touched += 1;
        }
        assertEq(touched, t.length);
    }
}
