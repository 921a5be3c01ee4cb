// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {BLS} from "solady/utils/ext/ithaca/BLS.sol";
import {UptimeAggregateBase} from "../utils/UptimeAggregateBase.sol";
import {UptimeReports} from "../../src/reports/UptimeReports.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {NodeStatus} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice The aggregated report: decisions apply only after the challenge window, exactly as majority
///         reports would; penalties; the BLS roster follows the roster; gas at 1,000 nodes.
contract UptimeAggregateTest is UptimeAggregateBase {
    function test_aggregate_appliesAfterWindow_inBatches() public {
        _members(5);
        _registerAll();
        assertEq(reports.blsMembers(), 5);
        uint256 before = reputation.scoreOf(providerIds[2]);
        _openPeriod(1);
        _toReports(1);
        bool[] memory down = _flags(5);
        down[2] = true;
        bool[] memory silent = _flags(5);
        silent[4] = true; // one auditor down: its targets are still decided by the other two
        Built memory b = _build(1, down, silent);
        _post(1, b);
        for (uint256 s = 0; s < 5; ++s) {
            assertEq(reports.decisionOf(1, s), s == 2 ? 2 : 1, "majority of the k verdicts");
        }
        (, uint32 n0) = reports.uptimeOf(providerIds[0]);
        assertEq(n0, 0, "nothing applies during the challenge window");
        vm.roll(reports.aggregateOf(1).postedBlock + reports.challengeBlocks());
        reports.finalize(1, 2);
        (, n0) = reports.uptimeOf(providerIds[0]);
        assertEq(n0, 1, "first batch applied");
        (, uint32 n2) = reports.uptimeOf(providerIds[2]);
        assertEq(n2, 0, "second batch not yet");
        assertFalse(reports.aggregateOf(1).done);
        reports.finalize(1, 100);
        assertTrue(reports.aggregateOf(1).done);
        (uint16 up2, uint32 m2) = reports.uptimeOf(providerIds[2]);
        assertEq(up2, 0);
        assertEq(m2, 1);
        (uint16 up4, uint32 m4) = reports.uptimeOf(providerIds[4]);
        assertEq(up4, 10_000);
        assertEq(m4, 1);
        assertEq(reports.memberAt(2).downStreak, 1);
        assertLt(reputation.scoreOf(providerIds[2]), before, "a down decision lowers the score");
        assertEq(reports.credits(aggregator), BOND, "bond back");
        uint256 bal = aggregator.balance;
        vm.prank(aggregator);
        reports.withdraw();
        assertEq(aggregator.balance, bal + BOND);
        assertEq(address(reports).balance, 0);
    }

    function test_aggregate_penaltyAfterFailLimit_projectFails_keyLeaves() public {
        _addProviders(5);
        (uint256 id, uint256 slot) = _runningProject();
        _registerAll();
        bool[] memory down = _flags(5);
        down[slot] = true;
        uint256 first = reports.currentPeriod() + 1;
        _openPeriod(first);
        for (uint256 period = first; period < first + FAIL_LIMIT; ++period) {
            _toReports(period);
            _post(period, _build(period, down, _flags(5)));
            vm.roll(block.number + reports.challengeBlocks());
            reports.finalize(period, type(uint256).max);
        }
        assertEq(uint8(market.getProject(id).status), uint8(IProjectMarket.Status.Failed), "project failed");
        assertEq(uint8(nodes.getNode(nodeIds[slot]).status), uint8(NodeStatus.Failed), "node failed");
        assertEq(reports.blsMembers(), 4, "the failed node's key no longer signs");
    }

    function test_leave_dropsBlsKey_remainingQuorumSigns() public {
        _members(5);
        _registerAll();
        _openPeriod(1);
        vm.prank(sidecars[3]);
        reports.leave();
        assertEq(reports.blsMembers(), 4);
        assertEq(reports.rosterMembers(), 4);
        _toReports(1);
        Built memory b = _build(1, _flags(5), _flags(5));
        (uint256[] memory all, BLS.G2Point memory sig) = _signedByAll(1, b);
        vm.expectRevert(UptimeReports.UptimeReportsBadSigners.selector);
        _postAs(1, b, all, sig);
        all[0] &= ~uint256(1 << 3);
        sig = _aggregateSig(1, b.root, b.decisions, all);
        _postAs(1, b, all, sig);
        assertEq(reports.aggregateOf(1).root, b.root);
    }

    /// The sdk's `buildAggregate` is checked against this: the verdicts of a period (one node down, one
    /// auditor silent), the root and decisions the contract accepted, a proof it verified, written to
    /// test/fixtures/uptime-aggregate.json for packages/sdk/src/reports/aggregate.test.ts.
    function test_vector_sdkAggregate() public {
        uint256 n = 7;
        _reportingMembers(n);
        bool[] memory down = _flags(n);
        down[3] = true;
        bool[] memory silent = _flags(n);
        silent[5] = true;
        Built memory b = _build(1, down, silent);
        _post(1, b);
        // every proof of slot 3 verifies (a correct decision is refused as such, not as a bad proof)
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsDecisionCorrect.selector, 3, 2));
        reports.challenge(1, 3, _challengeLeaves(b, 3, K));
        UptimeReports.Period memory p = reports.periodInfo(1);
        uint256 count;
        for (uint256 i = 0; i < b.votes.length; ++i) {
            if (b.votes[i] != 0) ++count;
        }
        uint256[] memory auditor = new uint256[](count);
        uint256[] memory target = new uint256[](count);
        bool[] memory up = new bool[](count);
        bytes[] memory sig = new bytes[](count);
        uint256 c;
        for (uint256 i = 0; i < b.votes.length; ++i) {
            if (b.votes[i] == 0) continue;
            uint256 t = i / K;
            (auditor[c], target[c], up[c], sig[c]) =
            ((t + n - (p.stride * (i % K + 1)) % n) % n, t, b.votes[i] == 1, b.sigs[i]);
            ++c;
        }
        string memory o = "vector";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeAddress(o, "uptimeReports", address(reports));
        vm.serializeUint(o, "period", 1);
        vm.serializeBytes32(o, "seed", p.seed);
        vm.serializeUint(o, "size", p.size);
        vm.serializeUint(o, "k", p.k);
        vm.serializeUint(o, "stride", p.stride);
        vm.serializeAddress(o, "sidecars", sidecars);
        vm.serializeUint(o, "auditor", auditor);
        vm.serializeUint(o, "target", target);
        vm.serializeBool(o, "up", up);
        vm.serializeBytes(o, "signature", sig);
        vm.serializeBytes32(o, "proof9", _proof(b.leaves, 9));
        vm.serializeBytes32(o, "digest0", reports.verdictDigest(sidecars[auditor[0]], sidecars[target[0]], 1, up[0]));
        vm.serializeBytes(o, "decisions", b.decisions);
        string memory json = vm.serializeBytes32(o, "root", b.root);
        try vm.writeJson(json, "test/fixtures/uptime-aggregate.json") {} catch {}
    }

    /// The quorum is a share of the roster, not of the keys registered: three of five members with BLS
    /// keys cannot post, however many of them sign.
    function test_quorumOfTheRoster_notOfTheKeys() public {
        _members(5);
        for (uint256 s = 0; s < 3; ++s) {
            _register(s);
        }
        _openPeriod(1);
        _toReports(1);
        Built memory b = _build(1, _flags(5), _flags(5));
        uint256[] memory signers = new uint256[](1);
        signers[0] = 0x7;
        BLS.G2Point memory sig = _aggregateSig(1, b.root, b.decisions, signers);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsNoQuorum.selector, 3, 5));
        _postAs(1, b, signers, sig);
        _register(3);
        signers[0] = 0xf;
        sig = _aggregateSig(1, b.root, b.decisions, signers);
        _postAs(1, b, signers, sig);
    }

    function test_governance_aggregationParams() public {
        vm.prank(gov);
        reports.setAggregation(1 ether, 5000, PERIOD_BLOCKS - 1);
        assertEq(reports.aggregatorBond(), 1 ether);
        assertEq(reports.quorumBps(), 5000);
        assertEq(reports.challengeBlocks(), PERIOD_BLOCKS - 1);
        vm.startPrank(gov);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsBadParam.selector, PERIOD_BLOCKS));
        reports.setAggregation(1 ether, 5000, PERIOD_BLOCKS);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsBadParam.selector, 0));
        reports.setAggregation(1 ether, 0, 1);
        vm.stopPrank();
    }

    /// Gas of the aggregated report for 1,000 nodes × k = 3, whole transactions (21,000 + calldata +
    /// execution), steady state (every provider's counters written in an earlier period), every BLS
    /// member signing: `postAggregate` + `finalize` of all 1,000 decisions in one call, all nodes up.
    /// `per_observation` divides by the n·k = 3,000 verdicts the period carries.
    function test_gas_aggregated1000Nodes() public {
        uint256 n = 1000;
        // set-up unmetered (1,000 providers, nodes, BLS registrations, 3,000 signed verdicts) and in
        // external self-calls, each with fresh memory
        vm.pauseGasMetering();
        for (uint256 i = 0; i < n; i += 100) {
            this.addRegisteredMembers(100);
        }
        _openPeriod(1);
        _toReports(1);
        this.postHonest(1); // warm-up period: first writes of every provider
        vm.roll(block.number + reports.challengeBlocks());
        reports.finalize(1, n);
        _toReports(2);
        (bytes32 root, bytes memory decisions) = this.honestRoot(2);
        uint256[] memory signers = _allSigners();
        BLS.G2Point memory sig = _aggregateSig(2, root, decisions, signers);
        vm.resumeGasMetering();
        vm.cool(address(reports));
        vm.prank(aggregator);
        reports.postAggregate{value: BOND}(2, root, decisions, signers, sig);
        uint256 post = vm.snapshotGasLastCall("reports", "aggregate_post_1000") + 21_000
            + _calldataCost(abi.encodeCall(reports.postAggregate, (2, root, decisions, signers, sig)));
        vm.roll(block.number + reports.challengeBlocks());
        vm.cool(address(reports));
        reports.finalize(2, n);
        uint256 fin = vm.snapshotGasLastCall("reports", "aggregate_finalize_1000") + 21_000
            + _calldataCost(abi.encodeCall(reports.finalize, (2, n)));
        (uint16 up, uint32 periods) = reports.uptimeOf(providerIds[n - 1]);
        assertEq(up, 10_000);
        assertEq(periods, 2);
        vm.snapshotValue("reports", "aggregated_1000_nodes_tx", post + fin);
        vm.snapshotValue("reports", "aggregated_per_observation", (post + fin) / (n * K));
        console.log("aggregated 1000 nodes: post", post, "finalize", fin);
        console.log("per observation", (post + fin) / (n * K));
    }

    // ---- external set-up steps of the gas test (fresh memory each) ----

    function addRegisteredMembers(uint256 count) external {
        uint256 from = sidecars.length;
        _members(count);
        for (uint256 s = from; s < sidecars.length; ++s) {
            _register(s);
        }
    }

    function postHonest(uint256 period) external {
        _post(period, _build(period, _flags(sidecars.length), _flags(sidecars.length)));
    }

    function honestRoot(uint256 period) external returns (bytes32, bytes memory) {
        Built memory b = _build(period, _flags(sidecars.length), _flags(sidecars.length));
        return (b.root, b.decisions);
    }
}
