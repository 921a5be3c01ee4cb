// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {UptimeReportsBase} from "../utils/UptimeReportsBase.sol";
import {UptimeReports} from "../../src/reports/UptimeReports.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {NodeStatus} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice Assignment, majority decisions, uptime in Reputation, the downtime penalty and gas.
contract UptimeReportsTest is UptimeReportsBase {
    function test_assignment_everyNodeKAuditorsEverySidecarKTargets() public {
        _members(7);
        for (uint256 period = 1; period <= 4; ++period) {
            _openPeriod(period);
            UptimeReports.Period memory p = reports.periodInfo(period);
            assertEq(p.size, 7);
            assertEq(p.k, K);
            uint256[] memory audited = new uint256[](7);
            for (uint256 s = 0; s < 7; ++s) {
                uint256[] memory t = reports.targetsOf(period, s);
                assertEq(t.length, K, "k targets");
                for (uint256 j = 0; j < t.length; ++j) {
                    assertTrue(t[j] != s, "never itself");
                    for (uint256 i = 0; i < j; ++i) {
                        assertTrue(t[i] != t[j], "distinct targets");
                    }
                    audited[t[j]] += 1;
                }
            }
            for (uint256 s = 0; s < 7; ++s) {
                assertEq(audited[s], K, "k auditors");
            }
        }
    }

    function test_assignment_smallRosterUsesNMinusOne() public {
        _members(2);
        _openPeriod(1);
        assertEq(reports.periodInfo(1).k, 1);
        assertEq(reports.targetsOf(1, 0)[0], 1);
        assertEq(reports.targetsOf(1, 1)[0], 0);
    }

    function test_report_majorityDecidesAndFeedsReputation() public {
        _members(5);
        uint256 before = reputation.scoreOf(providerIds[2]);
        _openPeriod(1);
        bool[] memory down = _flags(5);
        down[2] = true;
        _toReports(1);
        _reportAll(1, down, _flags(5));
        (uint16 up2, uint32 n2) = reports.uptimeOf(providerIds[2]);
        assertEq(n2, 1, "one period decided");
        assertEq(up2, 0, "down");
        (uint16 up0, uint32 n0) = reports.uptimeOf(providerIds[0]);
        assertEq(up0, 10_000);
        assertEq(n0, 1);
        assertLt(reputation.scoreOf(providerIds[2]), before, "a down period lowers the stored score at once");
        assertEq(reputation.scoreOf(providerIds[2]), reputation.computeScore(providerIds[2]));
        // Up again next period: 1 of 2 periods up.
        _toReports(2);
        _reportAll(2, _flags(5), _flags(5));
        (up2, n2) = reports.uptimeOf(providerIds[2]);
        assertEq(up2, 5000);
        assertEq(n2, 2);
        assertEq(reports.memberAt(2).downStreak, 0, "an up period ends the streak");
    }

    function test_report_undecidedWithoutMajority() public {
        _members(5);
        _openPeriod(1);
        _toReports(1);
        // Only one auditor of slot 0 reports: no majority of 3, nothing decided.
        uint256 auditor = _auditorsOf(1, 0)[0];
        vm.prank(sidecars[auditor]);
        reports.report(1, 0);
        (, uint32 n) = reports.uptimeOf(providerIds[0]);
        assertEq(n, 0);
        UptimeReports.Member memory m = reports.memberAt(0);
        assertEq(m.down, 1);
        assertEq(m.decided, 0);
    }

    function test_penalty_afterFailLimitPeriods_projectFailsCollateralSlashed() public {
        _addProviders(5);
        (uint256 id, uint256 slot) = _runningProject();
        IProjectMarket.ProjectView memory pv = market.getProject(id);
        uint256 collateralBefore = registry.getProvider(providerIds[slot]).collateral;
        uint256 requesterBefore = token.balanceOf(requester);
        uint256 insuranceBefore = token.balanceOf(address(insurancePool));
        bool[] memory down = _flags(5);
        down[slot] = true;
        uint256 first = reports.currentPeriod() + 1;
        uint256 last = first + FAIL_LIMIT - 1;
        _openPeriod(first);
        for (uint256 period = first; period <= last; ++period) {
            _toReports(period);
            if (period < last) {
                _reportAll(period, down, _flags(5));
                assertEq(uint8(market.getProject(id).status), uint8(IProjectMarket.Status.Running), "not yet");
            } else {
                _reportAll(period, down, _flags(5));
            }
        }
        assertEq(uint8(market.getProject(id).status), uint8(IProjectMarket.Status.Failed), "project failed");
        assertEq(uint8(nodes.getNode(nodeIds[slot]).status), uint8(NodeStatus.Failed), "node failed");
        uint256 reserve = FP; // the default reserve is FP
        uint256 loss = uint256(pv.fixedPrice) * pv.lossCapBps / 10_000;
        uint256 slashed = loss < reserve ? loss : reserve;
        assertEq(
            registry.getProvider(providerIds[slot]).collateral,
            collateralBefore - slashed,
            "reserved collateral slashed"
        );
        assertEq(token.balanceOf(requester), requesterBefore + FP + slashed, "FP back and the slash");
        assertEq(token.balanceOf(address(insurancePool)), insuranceBefore, "never the Insurance Pool");
        assertEq(reports.memberAt(slot).leftPeriod, last + 2, "the node leaves the roster");
        // The slot no longer takes part from then on: it cannot report, and votes for it are ignored.
        _toReports(last + 1);
        _toReports(last + 2);
        vm.prank(sidecars[slot]);
        vm.expectRevert(
            abi.encodeWithSelector(UptimeReports.UptimeReportsNotAssigned.selector, sidecars[slot], last + 2)
        );
        reports.report(last + 2, 0);
    }

    function test_penalty_withoutProject_onlyRecorded() public {
        _members(3);
        bool[] memory down = _flags(3);
        down[1] = true;
        _openPeriod(1);
        for (uint256 period = 1; period <= FAIL_LIMIT; ++period) {
            _toReports(period);
            _reportAll(period, down, _flags(3));
        }
        assertEq(reports.memberAt(1).downStreak, FAIL_LIMIT);
        assertEq(uint8(nodes.getNode(nodeIds[1]).status), uint8(NodeStatus.Active), "no project: the node stays");
        assertEq(reports.memberAt(1).leftPeriod, 0, "and stays in the roster");
    }

    function test_evict_stoppedNode() public {
        _members(4);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsBadSlot.selector, 1));
        reports.evict(1);
        vm.prank(owners[1]);
        nodes.stopNode(nodeIds[1]);
        reports.evict(1);
        assertEq(reports.memberAt(1).leftPeriod, 1);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsBadSlot.selector, 1));
        reports.evict(1);
    }

    function test_join_onlyActiveSidecarsOnce() public {
        _members(1);
        vm.prank(sidecars[0]);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsAlreadyJoined.selector, sidecars[0], 0));
        reports.join();
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsNodeNotActive.selector, stranger, 0));
        reports.join();
    }

    function test_governance_params() public {
        vm.expectRevert(abi.encodeWithSelector(bytes4(keccak256("GovernedOnlyGovernance(address)")), address(this)));
        reports.setFailLimit(5);
        vm.startPrank(gov);
        reports.setFailLimit(5);
        reports.setAuditorsPerNode(5);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsBadParam.selector, 17));
        reports.setAuditorsPerNode(17);
        vm.stopPrank();
        assertEq(reports.failLimit(), 5);
        assertEq(reports.auditorsPerNode(), 5);
    }

    function test_openPeriod_tooLate_voidPeriod() public {
        _members(3);
        // periods of 10 blocks are always in reach: only a long period can be too late
        UptimeReports longReports =
            new UptimeReports(gov, address(nodes), address(reputation), address(market), 1000, K, FAIL_LIMIT);
        vm.roll(longReports.periodStartBlock(1) + 400);
        uint256 seedBlock = longReports.periodStartBlock(1) - 1;
        vm.expectRevert(
            abi.encodeWithSelector(UptimeReports.UptimeReportsOpenTooLate.selector, 1, seedBlock, block.number)
        );
        longReports.openPeriod();
    }

    /// Gas of reporting, whole transactions (21,000 + calldata + execution), in steady state (every slot
    /// written in an earlier period): `per_observation` is the gas of all n reports of a period divided
    /// by the n·k observations they carry (`gas.reports.per_observation` is the k = 3 figure); `last` is
    /// the report that decides most targets (the most expensive one).
    function test_gas_reportPerObservation() public {
        _gas(K, 5, "k3");
        _gas(8, 17, "k8");
    }

    // ---- helpers ----

    function _gas(uint256 k, uint256 n, string memory name) internal {
        vm.prank(gov);
        reports.setAuditorsPerNode(k);
        if (sidecars.length < n) _members(n - sidecars.length);
        uint256 period = reports.currentPeriod() + 1;
        _openPeriod(period);
        _toReports(period);
        _reportAll(period, _flags(n), _flags(n)); // warm-up period: first writes of every slot
        period += 1;
        _toReports(period);
        uint256 total;
        uint256 last;
        for (uint256 s = 0; s < n; ++s) {
            uint256 votes = _honestVotes(period, s, _flags(n));
            vm.cool(address(reports));
            vm.cool(address(reputation));
            vm.prank(sidecars[s]);
            reports.report(period, votes);
            last = vm.snapshotGasLastCall("reports", string.concat("report_", name)) + 21_000
                + _calldataCost(abi.encodeCall(reports.report, (period, votes)));
            total += last;
        }
        vm.snapshotValue("reports", string.concat("report_last_", name, "_tx"), last);
        vm.snapshotValue("reports", string.concat("per_observation_", name), total / (n * k));
        console.log(name, last, total / (n * k));
    }
}
