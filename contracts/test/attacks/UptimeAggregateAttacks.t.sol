// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BLS} from "solady/utils/ext/ithaca/BLS.sol";
import {UptimeAggregateBase} from "../utils/UptimeAggregateBase.sol";
import {Bls12381} from "../../src/libraries/Bls12381.sol";
import {UptimeReports} from "../../src/reports/UptimeReports.sol";

/// @notice Attacks on the aggregated report: forged aggregates, rogue keys, signer bitmaps that lie,
///         a lying aggregator (challenged, bond slashed), late challenges, double posting, replay.
contract UptimeAggregateAttacksTest is UptimeAggregateBase {
    uint256 internal constant N = 5;

    function setUp() public override {
        super.setUp();
        _reportingMembers(N);
    }

    function _honest() internal returns (UptimeAggregateBase.Built memory) {
        bool[] memory down = _flags(N);
        down[2] = true;
        return _build(1, down, _flags(N));
    }

    function test_forgedAggregate_wrongKeys_reverts() public {
        Built memory b = _honest();
        uint256[] memory signers = _allSigners();
        // signed by keys that are not the roster's
        BLS.G2Point memory sig = _blsSign(12_345, reports.aggregateMessage(1, b.root, b.decisions));
        vm.expectRevert(UptimeReports.UptimeReportsBadAggregate.selector);
        _postAs(1, b, signers, sig);
    }

    function test_forgedAggregate_otherDecisionsThanSigned_reverts() public {
        Built memory b = _honest();
        (uint256[] memory signers, BLS.G2Point memory sig) = _signedByAll(1, b);
        _setDecision(b.decisions, 2, 1); // claim slot 2 up under the signature over "down"
        vm.expectRevert(UptimeReports.UptimeReportsBadAggregate.selector);
        _postAs(1, b, signers, sig);
    }

    function test_forgedAggregate_pointNotOnCurve_reverts() public {
        Built memory b = _honest();
        (uint256[] memory signers, BLS.G2Point memory sig) = _signedByAll(1, b);
        sig.y_c0_b = bytes32(uint256(sig.y_c0_b) ^ 1);
        vm.expectRevert(BLS.PairingFailed.selector);
        _postAs(1, b, signers, sig);
    }

    /// A rogue key pk' = pk_attacker − Σ pk_others would let the attacker alone sign for everyone (the
    /// aggregate key of all would be pk_attacker). Registering it needs a proof of possession of its
    /// secret key, which nobody has.
    function test_rogueKey_withoutProofOfPossession_refused() public {
        _members(1); // slot N, the attacker, not registered yet
        uint256 attacker = N;
        uint256 skA = _blsSk(attacker);
        BLS.G1Point memory rogue = _pk(skA);
        for (uint256 s = 0; s < N; ++s) {
            rogue = BLS.add(rogue, Bls12381.neg(_pk(_blsSk(s))));
        }
        // the best the attacker can do: sign the PoP message with the key it has
        BLS.G2Point memory pop = _blsSign(skA, reports.popMessage(sidecars[attacker], rogue));
        vm.prank(sidecars[attacker]);
        vm.expectRevert(UptimeReports.UptimeReportsBadProofOfPossession.selector);
        reports.registerBlsKey(rogue, pop);
    }

    function test_rogueKey_replayedProofOfPossession_refused() public {
        _members(1);
        // copy slot 0's key and its proof: the proof names slot 0's sidecar, not the copier
        BLS.G1Point memory pk0 = _pk(_blsSk(0));
        BLS.G2Point memory pop0 = _blsSign(_blsSk(0), reports.popMessage(sidecars[0], pk0));
        vm.prank(sidecars[N]);
        vm.expectRevert(UptimeReports.UptimeReportsBadProofOfPossession.selector);
        reports.registerBlsKey(pk0, pop0);
    }

    function test_blsKey_onceAndOnlyRosterMembers() public {
        uint256 sk = _blsSk(0);
        BLS.G1Point memory pk = _pk(sk);
        BLS.G2Point memory pop = _blsSign(sk, reports.popMessage(sidecars[0], pk));
        vm.prank(sidecars[0]);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsBlsKeyRegistered.selector, 0));
        reports.registerBlsKey(pk, pop);
        address stranger = makeAddr("stranger");
        BLS.G2Point memory popStranger = _blsSign(sk, reports.popMessage(stranger, pk));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsBadSlot.selector, type(uint256).max));
        reports.registerBlsKey(pk, popStranger);
    }

    function test_signerBitmap_namingNonSigners_reverts() public {
        Built memory b = _honest();
        uint256[] memory signers = _allSigners();
        uint256[] memory actual = new uint256[](1);
        actual[0] = signers[0] & ~uint256(1 << 3); // slot 3 did not sign
        BLS.G2Point memory sig = _aggregateSig(1, b.root, b.decisions, actual);
        vm.expectRevert(UptimeReports.UptimeReportsBadAggregate.selector);
        _postAs(1, b, signers, sig);
        // the truthful bitmap verifies
        _postAs(1, b, actual, sig);
    }

    function test_signerBitmap_slotWithoutKey_orUnderQuorum_reverts() public {
        Built memory b = _honest();
        uint256[] memory signers = new uint256[](1);
        signers[0] = 1 << 7; // no such member
        BLS.G2Point memory sig = _aggregateSig(1, b.root, b.decisions, _allSigners());
        vm.expectRevert(UptimeReports.UptimeReportsBadSigners.selector);
        _postAs(1, b, signers, sig);
        signers[0] = 0x7; // 3 of 5 < 66.67 %
        sig = _aggregateSig(1, b.root, b.decisions, signers);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsNoQuorum.selector, 3, 5));
        _postAs(1, b, signers, sig);
        vm.prank(aggregator);
        vm.expectRevert(UptimeReports.UptimeReportsBadSigners.selector);
        reports.postAggregate{value: BOND}(1, b.root, b.decisions, new uint256[](2), sig);
    }

    /// The aggregator and a quorum sign "slot 2 up" although the verdicts in their own tree say down:
    /// anyone proves it with slot 2's leaves; the decision turns, the bond goes to the challenger.
    function test_lyingAggregator_challenged_bondSlashed() public {
        Built memory b = _honest();
        _setDecision(b.decisions, 2, 1);
        _post(1, b);
        vm.prank(challenger);
        reports.challenge(1, 2, _challengeLeaves(b, 2, K));
        assertEq(reports.decisionOf(1, 2), 2, "overturned to down");
        assertEq(reports.credits(challenger), BOND, "the bond to the challenger");
        assertEq(reports.aggregateOf(1).bond, 0);
        vm.roll(block.number + reports.challengeBlocks());
        reports.finalize(1, type(uint256).max);
        assertEq(reports.credits(aggregator), 0, "nothing back for the liar");
        (uint16 up, uint32 n) = reports.uptimeOf(providerIds[2]);
        assertEq(n, 1);
        assertEq(up, 0, "decided down");
        uint256 before = challenger.balance;
        vm.prank(challenger);
        reports.withdraw();
        assertEq(challenger.balance, before + BOND);
    }

    /// Leaves the aggregator made up (signatures that do not recover to the auditor) count as absent.
    function test_lyingAggregator_fabricatedLeaves_challengedToUndecided() public {
        Built memory b = _honest();
        // slot 0: every verdict replaced by "up" signed by the wrong key (slot 4's auditor key)
        for (uint256 j = 0; j < K; ++j) {
            b.votes[j] = 1;
            b.sigs[j] = _verdictSig(1, 4, 0, true);
        }
        _seal(b, K);
        _post(1, b);
        assertEq(reports.decisionOf(1, 0), 1, "posted up");
        vm.prank(challenger);
        reports.challenge(1, 0, _challengeLeaves(b, 0, K));
        assertEq(reports.decisionOf(1, 0), 0, "no valid verdict: undecided");
    }

    function test_challenge_correctDecision_reverts_andBadProof_reverts() public {
        Built memory b = _honest();
        _post(1, b);
        UptimeReports.Leaf[] memory leaves = _challengeLeaves(b, 2, K);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsDecisionCorrect.selector, 2, 2));
        reports.challenge(1, 2, leaves);
        // claim slot 2's auditors said up: the leaf hash changes, the proof no longer reaches the root
        leaves[0].vote = 1;
        leaves[0].signature = _verdictSig(1, (2 + N - reports.periodInfo(1).stride % N) % N, 2, true);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsBadProof.selector, 2 * K));
        reports.challenge(1, 2, leaves);
    }

    function test_challenge_afterWindow_reverts_andFinalizeOnlyAfterIt() public {
        Built memory b = _honest();
        _setDecision(b.decisions, 2, 1);
        _post(1, b);
        uint256 closesAt = reports.aggregateOf(1).postedBlock + reports.challengeBlocks();
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsChallengeWindow.selector, 1, closesAt));
        reports.finalize(1, 100);
        vm.roll(closesAt);
        UptimeReports.Leaf[] memory leaves = _challengeLeaves(b, 2, K);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsChallengeWindow.selector, 1, closesAt));
        reports.challenge(1, 2, leaves);
        reports.finalize(1, 100);
        assertEq(reports.credits(aggregator), BOND, "unchallenged: the bond back");
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsNoAggregate.selector, 1));
        reports.finalize(1, 100);
    }

    function test_doublePosting_andMixingWithIndividualReports_refused() public {
        Built memory b = _honest();
        _post(1, b);
        (uint256[] memory signers, BLS.G2Point memory sig) = _signedByAll(1, b);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsModeTaken.selector, 1, true));
        _postAs(1, b, signers, sig);
        vm.prank(sidecars[0]);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsModeTaken.selector, 1, true));
        reports.report(1, 7);
    }

    function test_individualReportFirst_aggregateRefused() public {
        Built memory b = _honest();
        vm.prank(sidecars[0]);
        reports.report(1, 7);
        (uint256[] memory signers, BLS.G2Point memory sig) = _signedByAll(1, b);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsModeTaken.selector, 1, false));
        _postAs(1, b, signers, sig);
    }

    function test_nextPeriodWaitsForFinal() public {
        _post(1, _honest());
        _toReports(2);
        vm.prank(sidecars[0]);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsNotFinal.selector, 1));
        reports.report(2, 7);
        reports.finalize(1, type(uint256).max);
        vm.prank(sidecars[0]);
        reports.report(2, 7);
    }

    function test_replayAcrossPeriods_refused() public {
        Built memory b = _honest();
        (uint256[] memory signers, BLS.G2Point memory sig) = _signedByAll(1, b);
        _postAs(1, b, signers, sig);
        vm.roll(block.number + reports.challengeBlocks());
        reports.finalize(1, type(uint256).max);
        _toReports(2);
        vm.expectRevert(UptimeReports.UptimeReportsBadAggregate.selector);
        _postAs(2, b, signers, sig);
    }

    function test_replayAcrossChains_refused() public {
        Built memory b = _honest();
        (uint256[] memory signers, BLS.G2Point memory sig) = _signedByAll(1, b);
        vm.chainId(block.chainid + 1);
        vm.expectRevert(UptimeReports.UptimeReportsBadAggregate.selector);
        _postAs(1, b, signers, sig);
    }

    /// A verdict signed for another period, put into this period's tree, counts as absent.
    function test_replayedVerdictFromOtherPeriod_countsAsAbsent() public {
        Built memory b = _honest();
        UptimeReports.Period memory p = reports.periodInfo(1);
        for (uint256 j = 1; j <= K; ++j) {
            uint256 a = (0 + N - (p.stride * j) % N) % N;
            b.sigs[j - 1] = _verdictSig(0, a, 0, true); // period 0's verdicts
        }
        _seal(b, K); // the aggregator counts them: slot 0 up
        _post(1, b);
        vm.prank(challenger);
        reports.challenge(1, 0, _challengeLeaves(b, 0, K));
        assertEq(reports.decisionOf(1, 0), 0);
    }

    function test_badBond_badDecisions_refused() public {
        Built memory b = _honest();
        (uint256[] memory signers, BLS.G2Point memory sig) = _signedByAll(1, b);
        vm.prank(aggregator);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsBadBond.selector, 0, BOND));
        reports.postAggregate(1, b.root, b.decisions, signers, sig);
        bytes memory three = b.decisions;
        _setDecision(three, 1, 3);
        vm.prank(aggregator);
        vm.expectRevert(UptimeReports.UptimeReportsBadDecisions.selector);
        reports.postAggregate{value: BOND}(1, b.root, three, signers, sig);
        vm.prank(aggregator);
        vm.expectRevert(UptimeReports.UptimeReportsBadDecisions.selector);
        reports.postAggregate{value: BOND}(1, b.root, new bytes(1), signers, sig);
    }

    function test_withdraw_refusingRecipient_revertsAndKeepsCredit() public {
        Built memory b = _honest();
        address refuser = address(new RefusesEther());
        vm.deal(refuser, 1 ether);
        (uint256[] memory signers, BLS.G2Point memory sig) = _signedByAll(1, b);
        vm.prank(refuser);
        reports.postAggregate{value: BOND}(1, b.root, b.decisions, signers, sig);
        vm.roll(block.number + reports.challengeBlocks());
        reports.finalize(1, type(uint256).max);
        vm.prank(refuser);
        vm.expectRevert(abi.encodeWithSelector(UptimeReports.UptimeReportsPaymentFailed.selector, refuser, BOND));
        reports.withdraw();
        assertEq(reports.credits(refuser), BOND, "the credit stays");
    }
}

contract RefusesEther {
    receive() external payable {
        revert("no");
    }
}
