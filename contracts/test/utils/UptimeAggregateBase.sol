// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BLS} from "solady/utils/ext/ithaca/BLS.sol";
import {UptimeReportsBase} from "./UptimeReportsBase.sol";
import {Bls12381} from "../../src/libraries/Bls12381.sol";
import {UptimeReports} from "../../src/reports/UptimeReports.sol";

/// @notice The aggregated report over the real wiring: BLS keys made and signed with the EIP-2537
///         precompiles themselves (sk·G1, sk·H(m)), verdicts signed with the sidecars' ECDSA keys, the
///         Merkle tree and decisions built as the sdk builds them (leaf t·k + j − 1: the j-th auditor of
///         slot t; keccak(vote, signature), 0 when absent; zero-padded to a power of two).
abstract contract UptimeAggregateBase is UptimeReportsBase {
    uint256 internal constant R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001;
    uint256 internal constant BOND = 0.1 ether;
    address internal aggregator = makeAddr("aggregator");
    address internal challenger = makeAddr("challenger");

    /// @notice One period's verdicts as the sidecars sign them: vote 0 absent, 1 up, 2 down.
    struct Built {
        uint8[] votes; // by leaf index
        bytes[] sigs; // by leaf index
        bytes32[] leaves;
        bytes32 root;
        bytes decisions;
    }

    function setUp() public virtual override {
        super.setUp();
        vm.deal(aggregator, 100 ether);
    }

    function _blsSk(uint256 slot) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode("mzku bls test key", slot))) % (R - 1) + 1;
    }

    function _pk(uint256 sk) internal view returns (BLS.G1Point memory) {
        BLS.G1Point[] memory pts = new BLS.G1Point[](1);
        bytes32[] memory sc = new bytes32[](1);
        (pts[0], sc[0]) = (BLS.G1Point(Bls12381.G1_X_A, Bls12381.G1_X_B, Bls12381.G1_Y_A, Bls12381.G1_Y_B), bytes32(sk));
        return BLS.msm(pts, sc);
    }

    function _blsSign(uint256 sk, bytes memory message) internal view returns (BLS.G2Point memory) {
        BLS.G2Point[] memory pts = new BLS.G2Point[](1);
        bytes32[] memory sc = new bytes32[](1);
        (pts[0], sc[0]) = (BLS.hashToG2(message), bytes32(sk));
        return BLS.msm(pts, sc);
    }

    function _register(uint256 slot) internal {
        uint256 sk = _blsSk(slot);
        BLS.G1Point memory pk = _pk(sk);
        BLS.G2Point memory pop = _blsSign(sk, reports.popMessage(sidecars[slot], pk));
        vm.prank(sidecars[slot]);
        reports.registerBlsKey(pk, pop);
    }

    function _registerAll() internal {
        for (uint256 s = 0; s < sidecars.length; ++s) {
            _register(s);
        }
    }

    function _ecdsaKey(uint256 slot) internal returns (uint256 key) {
        (, key) = makeAddrAndKey(string.concat("sidecar-P", vm.toString(slot)));
    }

    function _verdictSig(uint256 period, uint256 auditor, uint256 target, bool up) internal returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(_ecdsaKey(auditor), reports.verdictDigest(sidecars[auditor], sidecars[target], period, up));
        return abi.encodePacked(r, s, v);
    }

    /// @notice Honest verdicts of `period`: slots in `down` are seen down, auditors in `silent` say nothing.
    function _build(uint256 period, bool[] memory down, bool[] memory silent) internal returns (Built memory b) {
        UptimeReports.Period memory p = reports.periodInfo(period);
        uint256 n = p.size;
        uint256 k = p.k;
        b.votes = new uint8[](n * k);
        b.sigs = new bytes[](n * k);
        for (uint256 t = 0; t < n; ++t) {
            for (uint256 j = 1; j <= k; ++j) {
                uint256 a = (t + n - (p.stride * j) % n) % n;
                if (silent[a]) continue;
                uint256 i = t * k + j - 1;
                b.votes[i] = down[t] ? 2 : 1;
                b.sigs[i] = _verdictSig(period, a, t, !down[t]);
            }
        }
        _seal(b, k);
    }

    /// @notice Leaves, root and the decisions the verdicts in `b` imply (majority of k, else undecided).
    function _seal(Built memory b, uint256 k) internal pure {
        uint256 total = b.votes.length;
        uint256 n = total / k;
        b.leaves = new bytes32[](total);
        for (uint256 i = 0; i < total; ++i) {
            if (b.votes[i] != 0) b.leaves[i] = keccak256(abi.encodePacked(b.votes[i], b.sigs[i]));
        }
        b.root = _root(b.leaves);
        b.decisions = new bytes((n + 3) / 4);
        for (uint256 t = 0; t < n; ++t) {
            uint256 up;
            uint256 dn;
            for (uint256 j = 0; j < k; ++j) {
                if (b.votes[t * k + j] == 1) ++up;
                if (b.votes[t * k + j] == 2) ++dn;
            }
            uint256 d = up * 2 > k ? 1 : (dn * 2 > k ? 2 : 0);
            _setDecision(b.decisions, t, d);
        }
    }

    function _setDecision(bytes memory decisions, uint256 slot, uint256 d) internal pure {
        uint256 shift = (slot % 4) * 2;
        decisions[slot / 4] = bytes1((uint8(decisions[slot / 4]) & ~uint8(3 << shift)) | uint8(d << shift));
    }

    function _levels(bytes32[] memory leaves) internal pure returns (bytes32[][] memory levels) {
        uint256 width = 1;
        uint256 depth;
        while (width < leaves.length) (width, depth) = (width * 2, depth + 1);
        levels = new bytes32[][](depth + 1);
        levels[0] = new bytes32[](width);
        for (uint256 i = 0; i < leaves.length; ++i) {
            levels[0][i] = leaves[i];
        }
        for (uint256 d = 1; d <= depth; ++d) {
            width /= 2;
            levels[d] = new bytes32[](width);
            for (uint256 i = 0; i < width; ++i) {
                levels[d][i] = keccak256(abi.encodePacked(levels[d - 1][2 * i], levels[d - 1][2 * i + 1]));
            }
        }
    }

    function _root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[][] memory levels = _levels(leaves);
        return levels[levels.length - 1][0];
    }

    function _proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory proof) {
        bytes32[][] memory levels = _levels(leaves);
        proof = new bytes32[](levels.length - 1);
        for (uint256 d = 0; d < proof.length; ++d) {
            proof[d] = levels[d][index ^ 1];
            index >>= 1;
        }
    }

    /// @notice The k leaves of `slot` with their proofs, as a challenger sends them.
    function _challengeLeaves(Built memory b, uint256 slot, uint256 k)
        internal
        pure
        returns (UptimeReports.Leaf[] memory out)
    {
        out = new UptimeReports.Leaf[](k);
        for (uint256 j = 0; j < k; ++j) {
            uint256 i = slot * k + j;
            out[j] = UptimeReports.Leaf(b.votes[i], b.sigs[i], _proof(b.leaves, i));
        }
    }

    function _allSigners() internal view returns (uint256[] memory words) {
        words = new uint256[]((sidecars.length + 255) / 256);
        for (uint256 s = 0; s < sidecars.length; ++s) {
            words[s / 256] |= 1 << (s % 256);
        }
    }

    /// @notice The aggregate signature of the slots in `signers` over the aggregate message: each signs
    ///         sk·H(m); their sum is (Σ sk)·H(m).
    function _aggregateSig(uint256 period, bytes32 root, bytes memory decisions, uint256[] memory signers)
        internal
        view
        returns (BLS.G2Point memory)
    {
        uint256 sum;
        for (uint256 s = 0; s < signers.length * 256; ++s) {
            if (signers[s / 256] >> (s % 256) & 1 == 1) sum = addmod(sum, _blsSk(s), R);
        }
        return _blsSign(sum, reports.aggregateMessage(period, root, decisions));
    }

    /// @notice Every registered slot named and its signature over `period`'s root and decisions in `b`.
    function _signedByAll(uint256 period, Built memory b)
        internal
        view
        returns (uint256[] memory signers, BLS.G2Point memory sig)
    {
        signers = _allSigners();
        sig = _aggregateSig(period, b.root, b.decisions, signers);
    }

    /// @notice The aggregator posts `period`'s root and decisions in `b` with the bond, naming `signers`
    ///         and carrying `sig` (after a `vm.expectRevert`, the revert is the post's).
    function _postAs(uint256 period, Built memory b, uint256[] memory signers, BLS.G2Point memory sig) internal {
        vm.prank(aggregator);
        reports.postAggregate{value: BOND}(period, b.root, b.decisions, signers, sig);
    }

    /// @notice The honest post: every member signs `b`.
    function _post(uint256 period, Built memory b) internal {
        (uint256[] memory signers, BLS.G2Point memory sig) = _signedByAll(period, b);
        _postAs(period, b, signers, sig);
    }

    /// @notice `n` members with BLS keys, period 1 open and in its report phase.
    function _reportingMembers(uint256 n) internal {
        _members(n);
        _registerAll();
        _openPeriod(1);
        _toReports(1);
    }
}
