// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {BLS} from "solady/utils/ext/ithaca/BLS.sol";
import {LibBit} from "solady/utils/LibBit.sol";
import {Governed} from "../governance/Governed.sol";
import {IDowntimePenalty} from "../interfaces/IDowntimePenalty.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IUptimeFeed} from "../interfaces/IUptimeFeed.sol";
import {NodeStatus} from "../interfaces/ProtocolTypes.sol";
import {Bls12381} from "../libraries/Bls12381.sol";

/// @title UptimeReports
/// @notice Audited uptime of MZKU nodes [3.1.1, 3.2 Sidecars, 3.3, 4], the `IUptimeFeed` of Reputation.
///
///         Time is cut into periods of `periodBlocks` blocks. Sidecars of Active nodes `join` a roster
///         (slot i, for ever). Anyone opens period p during its first 256 blocks (`openPeriod`); that
///         stores seed(p) = keccak(blockhash(first block of p − 1), p), the roster size N and
///         k = min(auditorsPerNode, N − 1), and a stride s coprime with N drawn from the seed. In period
///         p the sidecar in slot i audits the k slots (i + s·j) mod N, j = 1..k, so every node has k
///         auditors and every sidecar k targets, none of them itself (`targetsOf`; the sdk recomputes
///         it off-chain). During period p + 1 each auditor sends one `report(p, votes)`: bit j−1 of
///         `votes` says whether its j-th target was up. A target's period is decided the moment more
///         than k/2 of its assigned auditors agree: that is its uptime for the period, whatever the
///         others say. Votes of anyone not assigned never count; a period reported twice, too early or
///         too late reverts.
///
///         A provider's uptime is its nodes' up periods over their decided periods. A node decided
///         down `failLimit` periods in a row is penalized without a vote: the ProjectMarket fails the
///         project running on it and slashes the collateral reserved for it (`IDowntimePenalty`), and
///         the failed node leaves the roster (a node without a project stays, audited, and keeps
///         losing uptime; once stopped or failed anyone may `evict` it). Every down decision refreshes the provider's score in
///         Reputation, so a fall shows at once; anyone may refresh after up periods.
///
///         Aggregated report (one transaction per period for the whole network, docs/sidecar.md): roster
///         members register a BLS12-381 key with a proof of possession (`registerBlsKey`). During period
///         p + 1 an aggregator, bonded, posts the Merkle root of the period's signed verdicts (leaf
///         t·k + j − 1: the j-th auditor of slot t), the decisions (2 bits per slot: 0 undecided, 1 up,
///         2 down) and the aggregate BLS signature of a quorum of the BLS roster over (domain, period,
///         root, decisions) with a signer bitmap (`postAggregate`, one EIP-2537 pairing check). For
///         `challengeBlocks` anyone may prove a slot's decision wrong with the Merkle proofs of its k
///         leaves, each an EIP-712 `Verdict` signed by its auditor (`challenge`): the decision is
///         overturned and the bond goes to the challenger. After the window `finalize` applies the
///         decisions exactly as majority reports would. A period is reported one way or the other.
contract UptimeReports is Governed, EIP712, IUptimeFeed {
    /// @notice `period` is not the one reports are taken for now (the period before `current`).
    error UptimeReportsWrongPeriod(uint256 period, uint256 current);
    /// @notice `period` was not opened.
    error UptimeReportsPeriodNotOpen(uint256 period);
    /// @notice `period` is open already.
    error UptimeReportsPeriodOpen(uint256 period);
    /// @notice The seed block of `period` is out of blockhash's reach: the period is void.
    error UptimeReportsOpenTooLate(uint256 period, uint256 seedBlock, uint256 blockNumber);
    /// @notice `caller` is not an auditor in `period`.
    error UptimeReportsNotAssigned(address caller, uint256 period);
    /// @notice `caller` reported `period` already.
    error UptimeReportsAlreadyReported(address caller, uint256 period);
    /// @notice `sidecar` is not the sidecar of an Active node (its node `nodeId`).
    error UptimeReportsNodeNotActive(address sidecar, uint256 nodeId);
    /// @notice `sidecar` joined the roster already (slot `slot`).
    error UptimeReportsAlreadyJoined(address sidecar, uint256 slot);
    /// @notice Slot `slot` does not exist, has left, or (evict) still serves an Active node.
    error UptimeReportsBadSlot(uint256 slot);
    /// @notice A parameter outside its bounds.
    error UptimeReportsBadParam(uint256 value);
    /// @notice `period` was reported by an aggregate (`aggregated` true) or by individual reports.
    error UptimeReportsModeTaken(uint256 period, bool aggregated);
    /// @notice The aggregate of `period` is not final yet: later periods wait for it.
    error UptimeReportsNotFinal(uint256 period);
    /// @notice `period` has no aggregate, or it is final already.
    error UptimeReportsNoAggregate(uint256 period);
    /// @notice The challenge window of `period` closes at block `closesAt` (open: before it; closed: from it).
    error UptimeReportsChallengeWindow(uint256 period, uint256 closesAt);
    /// @notice The aggregate's bond must be exactly `bond` wei.
    error UptimeReportsBadBond(uint256 sent, uint256 bond);
    /// @notice The decisions are not 2 bits per slot of the period's roster, or hold the value 3.
    error UptimeReportsBadDecisions();
    /// @notice The signer bitmap has the wrong length or names a slot without a registered BLS key.
    error UptimeReportsBadSigners();
    /// @notice `signers` of the roster's `members` signed: under the quorum.
    error UptimeReportsNoQuorum(uint256 signers, uint256 members);
    /// @notice The aggregate BLS signature does not verify against the signers' keys.
    error UptimeReportsBadAggregate();
    /// @notice The BLS key's proof of possession does not verify (or the key is the point at infinity).
    error UptimeReportsBadProofOfPossession();
    /// @notice `slot` has a BLS key already.
    error UptimeReportsBlsKeyRegistered(uint256 slot);
    /// @notice Leaf `index` does not prove into the aggregate's root.
    error UptimeReportsBadProof(uint256 index);
    /// @notice Paying `amount` wei to `account` failed.
    error UptimeReportsPaymentFailed(address account, uint256 amount);
    /// @notice The challenged decision of `slot` is what its auditors' verdicts say.
    error UptimeReportsDecisionCorrect(uint256 slot, uint256 decision);

    /// @notice A sidecar joined the roster; it audits and is audited from the next opened period.
    event AuditorJoined(uint256 indexed slot, address indexed sidecar, uint256 indexed nodeId, uint256 providerId);
    /// @notice A slot leaves the roster from period `fromPeriod` on.
    event AuditorLeft(uint256 indexed slot, uint256 fromPeriod);
    /// @notice A period was opened: its seed, roster size, auditors per node and stride.
    event PeriodOpened(uint256 indexed period, bytes32 seed, uint256 rosterSize, uint256 k, uint256 stride);
    /// @notice An auditor reported its k votes for `period` (bit j−1: j-th target up).
    event Reported(uint256 indexed period, uint256 indexed slot, address indexed sidecar, uint256 votes);
    /// @notice A majority of its auditors decided node `nodeId` up or down in `period`; the provider's
    ///         uptime is now `uptimeBps` over `periods` decided periods.
    event NodePeriodDecided(
        uint256 indexed period,
        uint256 indexed nodeId,
        uint256 indexed providerId,
        bool up,
        uint256 downStreak,
        uint256 uptimeBps,
        uint256 periods
    );
    /// @notice The downtime penalty was applied to `nodeId` (`projectId` 0: no project ran on it).
    event DowntimePenalty(uint256 indexed nodeId, uint256 indexed projectId);
    /// @notice The market refused the downtime penalty of `nodeId` (the reason is in `reason`).
    event DowntimePenaltyFailed(uint256 indexed nodeId, bytes reason);
    /// @notice Governance set the auditors per node (from the next opened period).
    event AuditorsPerNodeSet(uint256 k);
    /// @notice Governance set the consecutive down periods that trigger the penalty.
    event FailLimitSet(uint256 failLimit);
    /// @notice Governance set the aggregator's bond, the BLS quorum and the challenge window.
    event AggregationSet(uint256 bond, uint256 quorumBps, uint256 challengeBlocks);
    /// @notice `slot` registered its BLS key (G1, EIP-2537 encoding).
    event BlsKeyRegistered(uint256 indexed slot, bytes pubkey);
    /// @notice An aggregate for `period` was posted: its root, decisions and signer count.
    event AggregatePosted(
        uint256 indexed period, address indexed aggregator, bytes32 root, bytes decisions, uint256 signers
    );
    /// @notice A challenge proved `slot`'s decision wrong: `posted` became `corrected`; `bond` paid.
    event AggregateChallenged(
        uint256 indexed period,
        uint256 indexed slot,
        address indexed challenger,
        uint256 posted,
        uint256 corrected,
        uint256 bond
    );
    /// @notice The aggregate of `period` is final: every decision applied.
    event AggregateFinalized(uint256 indexed period);

    /// @dev Everything a report touches of one roster slot, in one storage word.
    struct Member {
        uint48 nodeId;
        uint48 providerId;
        uint32 tallyPeriod; // period of `up`/`down`/`decided` + 1 (0: none yet)
        uint8 up;
        uint8 down;
        uint8 decided; // 0 undecided, 1 up, 2 down
        uint32 reportedPeriod; // last period this slot reported + 1
        uint16 downStreak;
        uint32 leftPeriod; // first period the slot no longer takes part in (0: still in)
    }

    /// @notice What `openPeriod` fixed for a period, and how it is reported (`mode`).
    struct Period {
        bytes32 seed;
        uint32 size;
        uint8 k;
        uint32 stride;
        uint8 mode; // 0 nothing yet, 1 individual reports, 2 an aggregate
    }

    /// @notice A posted aggregate.
    struct Aggregate {
        bytes32 root;
        address aggregator;
        uint64 postedBlock;
        uint32 cursor; // slots applied by `finalize`
        bool done; // every decision applied
        uint128 bond; // wei still held for the aggregator (0 once a challenge took it)
    }

    /// @notice One leaf of a challenge: the verdict (0 absent, 1 up, 2 down), its auditor's EIP-712
    ///         signature and its Merkle proof (siblings from the leaf up).
    struct Leaf {
        uint8 vote;
        bytes signature;
        bytes32[] proof;
    }

    /// @notice A provider's decided periods and how many were up.
    struct Uptime {
        uint64 upPeriods;
        uint64 periods;
    }

    uint256 private constant BPS = 10_000;
    uint8 private constant INDIVIDUAL = 1;
    uint8 private constant AGGREGATED = 2;
    /// @notice EIP-712 type of an auditor's verdict on a target for a period (the Merkle leaves).
    bytes32 public constant VERDICT_TYPEHASH =
        keccak256("Verdict(address auditor,address target,uint64 period,bool up)");
    bytes32 private constant AGGREGATE_TAG = keccak256("MZKU UptimeReports aggregate v1");
    bytes32 private constant POP_TAG = keccak256("MZKU UptimeReports BLS proof of possession v1");
    /// @notice Most auditors per node (votes fit a uint256; tallies fit uint8).
    uint256 public constant MAX_AUDITORS = 16;

    /// @notice Nodes and their sidecars.
    INodeRegistry public immutable nodeRegistry;
    /// @notice Refreshed when a node is decided down.
    IReputation public immutable reputation;
    /// @notice Applies the downtime penalty.
    IDowntimePenalty public immutable market;
    /// @notice Length of a period in blocks.
    uint256 public immutable periodBlocks;
    /// @notice First block of period 0.
    uint256 public immutable genesisBlock;

    /// @notice Auditors per node (k), from the next opened period.
    uint8 public auditorsPerNode;
    /// @notice Consecutive periods decided down that trigger the penalty.
    uint16 public failLimit;

    address[] private _sidecars;
    mapping(uint256 slot => Member) private _members;
    mapping(address sidecar => uint256 slotPlusOne) private _slotOf;
    mapping(uint256 period => Period) private _periods;
    mapping(uint256 providerId => Uptime) private _uptime;

    /// @notice Wei an aggregator bonds with each aggregate.
    uint128 public aggregatorBond;
    /// @notice Share of the roster (`rosterMembers`) whose BLS signatures an aggregate needs, in basis points.
    uint16 public quorumBps;
    /// @notice Blocks after posting during which an aggregate can be challenged.
    uint32 public challengeBlocks;
    /// @notice Roster slots with a BLS key that sign aggregates.
    uint32 public blsMembers;
    /// @notice Roster slots that have not left (the quorum of an aggregate is a share of these).
    uint32 public rosterMembers;
    BLS.G1Point private _apk; // sum of the BLS members' keys
    mapping(uint256 slot => BLS.G1Point) private _blsKeys;
    mapping(uint256 word => uint256) private _blsMask; // bit slot % 256 of word slot / 256: a BLS member
    mapping(uint256 period => Aggregate) private _aggregates;
    mapping(uint256 period => mapping(uint256 word => uint256)) private _decisions; // 2 bits per slot
    /// @notice Wei owed to an aggregator (bond back) or a challenger (bond won); `withdraw` pays it.
    mapping(address account => uint256) public credits;

    /// @param governance_ The Governance contract.
    /// @param nodeRegistry_ The NodeRegistry.
    /// @param reputation_ Reputation (refreshed on down decisions).
    /// @param market_ The ProjectMarket (this contract must be one of its authorized callers).
    /// @param periodBlocks_ Blocks per period (≥ 2).
    /// @param k Auditors per node (1..16).
    /// @param failLimit_ Consecutive down periods that trigger the penalty (≥ 1).
    constructor(
        address governance_,
        address nodeRegistry_,
        address reputation_,
        address market_,
        uint256 periodBlocks_,
        uint256 k,
        uint256 failLimit_
    ) Governed(governance_, new address[](0)) EIP712("MZKU Sidecar", "1") {
        if (nodeRegistry_ == address(0) || reputation_ == address(0) || market_ == address(0)) {
            revert GovernedZeroAddress();
        }
        if (periodBlocks_ < 2) revert UptimeReportsBadParam(periodBlocks_);
        nodeRegistry = INodeRegistry(nodeRegistry_);
        reputation = IReputation(reputation_);
        market = IDowntimePenalty(market_);
        periodBlocks = periodBlocks_;
        genesisBlock = block.number;
        _setAuditorsPerNode(k);
        _setFailLimit(failLimit_);
        _setAggregation(0.1 ether, 6667, periodBlocks_ / 2);
    }

    // ---- governance ----

    /// @notice Sets k, the auditors per node, for periods opened from now on. Governance only.
    function setAuditorsPerNode(uint256 k) external onlyGovernance {
        _setAuditorsPerNode(k);
    }

    /// @notice Sets the consecutive down periods that trigger the penalty. Governance only.
    function setFailLimit(uint256 limit) external onlyGovernance {
        _setFailLimit(limit);
    }

    /// @notice Sets the aggregator's bond (wei), the BLS quorum (basis points, > 0) and the challenge
    ///         window (1 ≤ blocks < periodBlocks, so that a period is final before the next one's reports
    ///         are due). Governance only.
    function setAggregation(uint256 bond, uint256 quorumBps_, uint256 challengeBlocks_) external onlyGovernance {
        _setAggregation(bond, quorumBps_, challengeBlocks_);
    }

    // ---- sidecars and anyone ----

    /// @notice The caller, the sidecar of an Active node, joins the roster (once, for ever).
    function join() external returns (uint256 slot) {
        uint256 had = _slotOf[msg.sender];
        if (had != 0) revert UptimeReportsAlreadyJoined(msg.sender, had - 1);
        uint256 nodeId = nodeRegistry.nodeIdOfSidecar(msg.sender);
        if (nodeId == 0) revert UptimeReportsNodeNotActive(msg.sender, 0);
        INodeRegistry.Node memory node = nodeRegistry.getNode(nodeId);
        if (node.status != NodeStatus.Active) revert UptimeReportsNodeNotActive(msg.sender, nodeId);
        slot = _sidecars.length;
        _sidecars.push(msg.sender);
        rosterMembers += 1;
        _slotOf[msg.sender] = slot + 1;
        Member storage m = _members[slot];
        // forge-lint: disable-next-line(unsafe-typecast) -- node and provider ids are sequential counters
        (m.nodeId, m.providerId) = (uint48(nodeId), uint48(node.providerId));
        emit AuditorJoined(slot, msg.sender, nodeId, node.providerId);
    }

    /// @notice The caller's sidecar leaves the roster from the next period on.
    function leave() external {
        uint256 had = _slotOf[msg.sender];
        if (had == 0) revert UptimeReportsBadSlot(type(uint256).max);
        _leave(had - 1);
    }

    /// @notice Removes a slot whose node is no longer Active (stopped or failed), from the next period on.
    ///         Anyone.
    function evict(uint256 slot) external {
        if (slot >= _sidecars.length) revert UptimeReportsBadSlot(slot);
        if (nodeRegistry.getNode(_members[slot].nodeId).status == NodeStatus.Active) revert UptimeReportsBadSlot(slot);
        _leave(slot);
    }

    /// @notice Opens the current period: fixes its seed, roster size, k and stride. Anyone, during the
    ///         period's first 256 blocks (sidecars do it as a period starts).
    function openPeriod() external returns (uint256 period) {
        period = currentPeriod();
        if (_periods[period].seed != 0) revert UptimeReportsPeriodOpen(period);
        uint256 seedBlock = genesisBlock + period * periodBlocks - 1;
        if (block.number - seedBlock > 256) revert UptimeReportsOpenTooLate(period, seedBlock, block.number);
        bytes32 seed = keccak256(abi.encode(blockhash(seedBlock), period));
        uint256 n = _sidecars.length;
        uint256 k = n < 2 ? 0 : (auditorsPerNode < n - 1 ? auditorsPerNode : n - 1);
        uint256 stride = n < 2 ? 0 : _coprimeStride(uint256(seed), n);
        // forge-lint: disable-next-line(unsafe-typecast) -- roster below 2^32 slots; k ≤ 16; stride < n
        _periods[period] = Period(seed, uint32(n), uint8(k), uint32(stride), 0);
        emit PeriodOpened(period, seed, n, k, stride);
    }

    /// @notice The caller's k votes for `period` (the period before the current one): bit j−1 of
    ///         `votes` is 1 when its j-th target (`targetsOf`) was up.
    function report(uint256 period, uint256 votes) external {
        uint256 current = currentPeriod();
        if (period + 1 != current) revert UptimeReportsWrongPeriod(period, current);
        Period memory p = _periods[period];
        if (p.seed == 0) revert UptimeReportsPeriodNotOpen(period);
        if (p.mode != INDIVIDUAL) {
            if (p.mode == AGGREGATED) revert UptimeReportsModeTaken(period, true);
            _requirePreviousFinal(period);
            _periods[period].mode = INDIVIDUAL;
        }
        uint256 slot = _slotOf[msg.sender];
        if (slot == 0 || slot > p.size || !_takesPart(_members[slot - 1], period)) {
            revert UptimeReportsNotAssigned(msg.sender, period);
        }
        slot -= 1;
        Member storage me = _members[slot];
        if (me.reportedPeriod == period + 1) revert UptimeReportsAlreadyReported(msg.sender, period);
        // forge-lint: disable-next-line(unsafe-typecast) -- periods fit 32 bits for 2^32 periods
        me.reportedPeriod = uint32(period + 1);
        emit Reported(period, slot, msg.sender, votes);
        uint256 n = p.size;
        uint256 k = p.k;
        for (uint256 j = 1; j <= k; ++j) {
            _vote(period, (slot + p.stride * j) % n, k, (votes >> (j - 1)) & 1 == 1);
        }
    }

    /// @notice Registers the caller's BLS12-381 key (G1) for signing aggregates, once. `pop` is the
    ///         key's signature (G2) over `popMessage(caller, pubkey)`: it proves the caller holds the
    ///         secret key, so no one can register a key built from others' keys (rogue-key attack).
    function registerBlsKey(BLS.G1Point calldata pubkey, BLS.G2Point calldata pop) external {
        uint256 slot = _slotOf[msg.sender];
        if (slot == 0 || _members[slot - 1].leftPeriod != 0) revert UptimeReportsBadSlot(type(uint256).max);
        slot -= 1;
        if (_blsKeys[slot].x_a != 0 || _blsKeys[slot].x_b != 0) {
            revert UptimeReportsBlsKeyRegistered(slot);
        }
        if (pubkey.x_a == 0 && pubkey.x_b == 0 && pubkey.y_a == 0 && pubkey.y_b == 0) {
            revert UptimeReportsBadProofOfPossession();
        }
        if (!_verify(pubkey, BLS.hashToG2(popMessage(msg.sender, pubkey)), pop)) {
            revert UptimeReportsBadProofOfPossession();
        }
        _blsKeys[slot] = pubkey;
        _blsMask[slot >> 8] |= 1 << (slot & 255);
        blsMembers += 1;
        _apk = BLS.add(_apk, pubkey);
        emit BlsKeyRegistered(slot, abi.encode(pubkey));
    }

    /// @notice Posts the aggregate report of `period` (the period before the current one) with
    ///         `aggregatorBond` wei: the Merkle `root` of the period's verdicts, the `decisions` (2 bits
    ///         per slot of the period's roster, slot i in bits 2i..2i+1 of byte i/4 counted from the low
    ///         bit; 0 undecided, 1 up, 2 down), `signers` (bit i of word i/256: slot i signed; only BLS
    ///         members) and their aggregate BLS signature over `aggregateMessage(period, root, decisions)`.
    function postAggregate(
        uint256 period,
        bytes32 root,
        bytes calldata decisions,
        uint256[] calldata signers,
        BLS.G2Point calldata signature
    ) external payable {
        uint256 current = currentPeriod();
        if (period + 1 != current) revert UptimeReportsWrongPeriod(period, current);
        Period memory p = _periods[period];
        if (p.seed == 0) revert UptimeReportsPeriodNotOpen(period);
        if (p.mode != 0) revert UptimeReportsModeTaken(period, p.mode == AGGREGATED);
        _requirePreviousFinal(period);
        if (msg.value != aggregatorBond) revert UptimeReportsBadBond(msg.value, aggregatorBond);
        if (decisions.length != (uint256(p.size) + 3) / 4) revert UptimeReportsBadDecisions();
        _storeDecisions(period, decisions);
        uint256 count = _checkSignature(aggregateMessage(period, root, decisions), signers, signature);
        _periods[period].mode = AGGREGATED;
        // forge-lint: disable-next-line(unsafe-typecast) -- block numbers fit 64 bits; bond ≤ uint128
        _aggregates[period] = Aggregate(root, msg.sender, uint64(block.number), 0, false, uint128(msg.value));
        emit AggregatePosted(period, msg.sender, root, decisions, count);
    }

    /// @notice Proves the aggregate's decision for `slot` in `period` wrong, during the challenge window:
    ///         `leaves[j − 1]` is the leaf of the slot's j-th auditor with its Merkle proof. A verdict
    ///         counts when its EIP-712 signature recovers to that auditor's sidecar (else it is taken as
    ///         absent); the decision is what more than k/2 of them say, else undecided. When it differs
    ///         from the posted one, the posted one is overturned and the challenger is owed the bond.
    function challenge(uint256 period, uint256 slot, Leaf[] calldata leaves) external {
        Aggregate storage a = _aggregates[period];
        if (a.postedBlock == 0 || a.cursor != 0 || a.done) revert UptimeReportsNoAggregate(period);
        uint256 closesAt = uint256(a.postedBlock) + challengeBlocks;
        if (block.number >= closesAt) revert UptimeReportsChallengeWindow(period, closesAt);
        Period memory p = _periods[period];
        if (slot >= p.size) revert UptimeReportsBadSlot(slot);
        if (leaves.length != p.k) revert UptimeReportsBadProof(leaves.length);
        uint256 correct = _decisionFromLeaves(period, slot, p, a.root, leaves);
        if (!_takesPart(_members[slot], period)) correct = 0;
        uint256 posted = _decisionOf(period, slot);
        if (posted == correct) revert UptimeReportsDecisionCorrect(slot, posted);
        _decisions[period][slot >> 7] ^= (posted ^ correct) << ((slot & 127) * 2);
        uint256 bond = a.bond;
        a.bond = 0;
        credits[msg.sender] += bond;
        emit AggregateChallenged(period, slot, msg.sender, posted, correct, bond);
    }

    /// @notice After the challenge window, applies up to `maxSlots` more decisions of `period`'s
    ///         aggregate (uptime, streaks, penalties, as majority reports do); the last call makes it
    ///         final and owes the aggregator what is left of its bond. Anyone.
    function finalize(uint256 period, uint256 maxSlots) external {
        Aggregate memory a = _aggregates[period];
        if (a.postedBlock == 0 || a.done) revert UptimeReportsNoAggregate(period);
        uint256 closesAt = uint256(a.postedBlock) + challengeBlocks;
        if (block.number < closesAt) revert UptimeReportsChallengeWindow(period, closesAt);
        uint256 size = _periods[period].size;
        uint256 end = a.cursor + maxSlots < size ? a.cursor + maxSlots : size;
        uint256 word;
        for (uint256 slot = a.cursor; slot < end; ++slot) {
            if (slot & 127 == 0 || slot == a.cursor) word = _decisions[period][slot >> 7];
            uint256 d = (word >> ((slot & 127) * 2)) & 3;
            if (d == 1) {
                _applyUp(period, slot);
            } else if (d == 2) {
                Member memory m = _members[slot];
                if (_takesPart(m, period)) _apply(period, slot, m, false);
            }
        }
        Aggregate storage s = _aggregates[period];
        // forge-lint: disable-next-line(unsafe-typecast) -- end ≤ roster size < 2^32
        s.cursor = uint32(end);
        if (end == size) {
            s.done = true;
            credits[a.aggregator] += a.bond;
            s.bond = 0;
            emit AggregateFinalized(period);
        }
    }

    /// @notice Pays the caller what it is owed (`credits`).
    function withdraw() external {
        uint256 amount = credits[msg.sender];
        credits[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert UptimeReportsPaymentFailed(msg.sender, amount);
    }

    // ---- views ----

    /// @notice The 32 bytes the aggregate BLS signature of `period` signs (hashed to G2 with the
    ///         standard `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_` suite): domain (chain, this
    ///         contract), period, root and the decisions.
    function aggregateMessage(uint256 period, bytes32 root, bytes calldata decisions)
        public
        view
        returns (bytes memory)
    {
        return abi.encodePacked(
            keccak256(abi.encode(AGGREGATE_TAG, block.chainid, address(this), period, root, keccak256(decisions)))
        );
    }

    /// @notice What a BLS key's proof of possession signs: domain, the registering sidecar and the key.
    function popMessage(address sidecar, BLS.G1Point calldata pubkey) public view returns (bytes memory) {
        return abi.encode(POP_TAG, block.chainid, address(this), sidecar, pubkey);
    }

    /// @notice The EIP-712 digest an auditor signs for its verdict on `target` in `period`.
    function verdictDigest(address auditor, address target, uint256 period, bool up) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VERDICT_TYPEHASH, auditor, target, period, up)));
    }

    /// @notice The aggregate of `period` (postedBlock 0: none).
    function aggregateOf(uint256 period) external view returns (Aggregate memory) {
        return _aggregates[period];
    }

    /// @notice The aggregate's decision for `slot` in `period` (0 undecided, 1 up, 2 down).
    function decisionOf(uint256 period, uint256 slot) external view returns (uint256) {
        return _decisionOf(period, slot);
    }

    /// @notice The BLS key of `slot` (zero: none).
    function blsKeyOf(uint256 slot) external view returns (BLS.G1Point memory) {
        return _blsKeys[slot];
    }

    /// @notice The period the current block belongs to.
    function currentPeriod() public view returns (uint256) {
        return (block.number - genesisBlock) / periodBlocks;
    }

    /// @notice First block of `period`.
    function periodStartBlock(uint256 period) external view returns (uint256) {
        return genesisBlock + period * periodBlocks;
    }

    /// @notice What `openPeriod` fixed for `period` (seed 0: not opened).
    function periodInfo(uint256 period) external view returns (Period memory) {
        return _periods[period];
    }

    /// @notice Slots in the roster (including slots that left).
    function rosterSize() external view returns (uint256) {
        return _sidecars.length;
    }

    /// @notice The sidecar in `slot`.
    function sidecarAt(uint256 slot) external view returns (address) {
        return _sidecars[slot];
    }

    /// @notice The slot of `sidecar`, and whether it joined at all.
    function slotOf(address sidecar) external view returns (uint256 slot, bool joined) {
        uint256 s = _slotOf[sidecar];
        return (s == 0 ? 0 : s - 1, s != 0);
    }

    /// @notice The state of `slot`.
    function memberAt(uint256 slot) external view returns (Member memory) {
        return _members[slot];
    }

    /// @notice The slots `slot` audits in `period`, in vote order (empty if the period is not open or
    ///         the slot is outside it).
    function targetsOf(uint256 period, uint256 slot) external view returns (uint256[] memory targets) {
        Period memory p = _periods[period];
        if (p.seed == 0 || slot >= p.size) return targets;
        targets = new uint256[](p.k);
        for (uint256 j = 1; j <= p.k; ++j) {
            targets[j - 1] = (slot + p.stride * j) % p.size;
        }
    }

    /// @inheritdoc IUptimeFeed
    function uptimeOf(uint256 providerId) external view returns (uint16 uptimeBps, uint32 periods) {
        Uptime memory u = _uptime[providerId];
        if (u.periods == 0) return (0, 0);
        // forge-lint: disable-next-line(unsafe-typecast) -- a ratio ≤ 10000
        uptimeBps = uint16(u.upPeriods * BPS / u.periods);
        // forge-lint: disable-next-line(unsafe-typecast) -- capped to 32 bits
        periods = u.periods > type(uint32).max ? type(uint32).max : uint32(u.periods);
    }

    /// @notice A provider's decided and up periods.
    function uptimeCounts(uint256 providerId) external view returns (Uptime memory) {
        return _uptime[providerId];
    }

    // ---- internal ----

    function _vote(uint256 period, uint256 target, uint256 k, bool up) private {
        Member storage t = _members[target];
        Member memory m = t;
        if (!_takesPart(m, period)) return;
        if (m.tallyPeriod != period + 1) {
            // forge-lint: disable-next-line(unsafe-typecast) -- see report
            (m.tallyPeriod, m.up, m.down, m.decided) = (uint32(period + 1), 0, 0, 0);
        }
        if (up) m.up += 1;
        else m.down += 1;
        bool decidedNow;
        if (m.decided == 0) {
            if (uint256(m.up) * 2 > k) (m.decided, decidedNow) = (1, true);
            else if (uint256(m.down) * 2 > k) (m.decided, decidedNow) = (2, true);
        }
        if (!decidedNow) {
            (t.tallyPeriod, t.up, t.down, t.decided) = (m.tallyPeriod, m.up, m.down, m.decided);
            return;
        }
        _apply(period, target, m, m.decided == 1);
    }

    /// @dev `_apply` for an up decision of `finalize`, reading and writing storage in place (no memory
    ///      per slot: a 1,000-slot loop would pay for its growth).
    function _applyUp(uint256 period, uint256 slot) private {
        Member storage t = _members[slot];
        uint256 left = t.leftPeriod;
        if (left != 0 && period >= left) return;
        uint256 providerId = t.providerId;
        if (t.downStreak != 0) t.downStreak = 0;
        Uptime storage u = _uptime[providerId];
        uint256 ups = uint256(u.upPeriods) + 1;
        uint256 periods = uint256(u.periods) + 1;
        // forge-lint: disable-next-line(unsafe-typecast) -- counters of periods fit 64 bits
        (u.upPeriods, u.periods) = (uint64(ups), uint64(periods));
        emit NodePeriodDecided(period, t.nodeId, providerId, true, 0, ups * BPS / periods, periods);
    }

    /// @dev Records `target`'s decided period `period` (`m` its member, written back): the provider's
    ///      uptime, the down streak, the penalty at `failLimit`, the score refresh on a down period.
    function _apply(uint256 period, uint256 target, Member memory m, bool up) private {
        Uptime memory u = _uptime[m.providerId];
        u.periods += 1;
        if (up) {
            u.upPeriods += 1;
            m.downStreak = 0;
        } else if (m.downStreak < type(uint16).max) {
            m.downStreak += 1;
        }
        _uptime[m.providerId] = u;
        bool penalize = !up && m.downStreak == failLimit;
        _members[target] = m;
        emit NodePeriodDecided(
            period, m.nodeId, m.providerId, up, m.downStreak, u.upPeriods * BPS / u.periods, u.periods
        );
        if (up) return;
        if (penalize) {
            try market.failOnDowntime(m.nodeId) returns (uint256 projectId) {
                emit DowntimePenalty(m.nodeId, projectId);
                // the market failed the node with its project: it leaves once the report window ends
                if (projectId != 0) {
                    if (_members[target].leftPeriod == 0) rosterMembers -= 1;
                    // forge-lint: disable-next-line(unsafe-typecast) -- periods fit 32 bits
                    _members[target].leftPeriod = uint32(period + 2);
                    _dropBlsKey(target);
                    emit AuditorLeft(target, period + 2);
                }
            } catch (bytes memory reason) {
                emit DowntimePenaltyFailed(m.nodeId, reason);
            }
        }
        reputation.refresh(m.providerId);
    }

    function _takesPart(Member memory m, uint256 period) private pure returns (bool) {
        return m.leftPeriod == 0 || period < m.leftPeriod;
    }

    function _leave(uint256 slot) private {
        Member storage m = _members[slot];
        uint256 from = currentPeriod() + 1;
        if (m.leftPeriod != 0 && m.leftPeriod <= from) revert UptimeReportsBadSlot(slot);
        if (m.leftPeriod == 0) rosterMembers -= 1;
        // forge-lint: disable-next-line(unsafe-typecast) -- periods fit 32 bits
        m.leftPeriod = uint32(from);
        _dropBlsKey(slot);
        emit AuditorLeft(slot, from);
    }

    /// @dev A slot that leaves no longer signs aggregates: its key leaves the BLS roster and the sum.
    function _dropBlsKey(uint256 slot) private {
        uint256 bit = 1 << (slot & 255);
        if (_blsMask[slot >> 8] & bit == 0) return;
        _blsMask[slot >> 8] &= ~bit;
        blsMembers -= 1;
        _apk = BLS.add(_apk, Bls12381.neg(_blsKeys[slot]));
    }

    function _requirePreviousFinal(uint256 period) private view {
        if (period != 0 && _periods[period - 1].mode == AGGREGATED && !_aggregates[period - 1].done) {
            revert UptimeReportsNotFinal(period - 1);
        }
    }

    function _storeDecisions(uint256 period, bytes calldata decisions) private {
        uint256 n = decisions.length;
        for (uint256 i = 0; i < n; i += 32) {
            uint256 word;
            // decision bytes are little-endian in the word: byte i + b at bits 8b..8b+7
            uint256 end = n < i + 32 ? n : i + 32;
            for (uint256 b = i; b < end; ++b) {
                word |= uint256(uint8(decisions[b])) << ((b - i) * 8);
            }
            if (word & (word >> 1) & 0x5555555555555555555555555555555555555555555555555555555555555555 != 0) {
                revert UptimeReportsBadDecisions();
            }
            _decisions[period][i >> 5] = word;
        }
    }

    function _decisionOf(uint256 period, uint256 slot) private view returns (uint256) {
        return (_decisions[period][slot >> 7] >> ((slot & 127) * 2)) & 3;
    }

    /// @dev Checks the signer bitmap and the aggregate signature; returns the number of signers.
    function _checkSignature(bytes memory message, uint256[] calldata signers, BLS.G2Point calldata signature)
        private
        view
        returns (uint256 count)
    {
        if (signers.length != (_sidecars.length + 255) / 256) revert UptimeReportsBadSigners();
        BLS.G1Point memory apk = _apk;
        for (uint256 w = 0; w < signers.length; ++w) {
            uint256 mask = _blsMask[w];
            uint256 signed = signers[w];
            if (signed & ~mask != 0) revert UptimeReportsBadSigners();
            count += LibBit.popCount(signed);
            // the aggregate key of the signers: every member's key, less the non-signers'
            for (uint256 missing = mask & ~signed; missing != 0; missing &= missing - 1) {
                apk = BLS.add(apk, Bls12381.neg(_blsKeys[w * 256 + LibBit.ffs(missing)]));
            }
        }
        if (count == 0 || count * BPS < uint256(quorumBps) * rosterMembers) {
            revert UptimeReportsNoQuorum(count, rosterMembers);
        }
        if (!_verify(apk, BLS.hashToG2(message), signature)) revert UptimeReportsBadAggregate();
    }

    /// @dev e(pk, H) = e(G1, sig), checked as e(pk, H)·e(−G1, sig) = 1 (the precompile also checks that
    ///      every point is on its curve and in its subgroup).
    function _verify(BLS.G1Point memory pk, BLS.G2Point memory h, BLS.G2Point memory sig) private view returns (bool) {
        BLS.G1Point[] memory g1 = new BLS.G1Point[](2);
        BLS.G2Point[] memory g2 = new BLS.G2Point[](2);
        (g1[0], g2[0]) = (pk, h);
        g1[1] = Bls12381.neg(BLS.G1Point(Bls12381.G1_X_A, Bls12381.G1_X_B, Bls12381.G1_Y_A, Bls12381.G1_Y_B));
        g2[1] = sig;
        return BLS.pairing(g1, g2);
    }

    /// @dev The decision the k leaves of `slot` prove, each checked against `root` at its position.
    function _decisionFromLeaves(uint256 period, uint256 slot, Period memory p, bytes32 root, Leaf[] calldata leaves)
        private
        view
        returns (uint256)
    {
        uint256 up;
        uint256 down;
        for (uint256 j = 1; j <= p.k; ++j) {
            uint256 vote = _leafVote(period, slot, j, p, root, leaves[j - 1]);
            if (vote == 1) ++up;
            else if (vote == 2) ++down;
        }
        if (up * 2 > p.k) return 1;
        if (down * 2 > p.k) return 2;
        return 0;
    }

    /// @dev The verdict of `slot`'s j-th auditor in `leaf`, proven at leaf index slot·k + j − 1 of `root`
    ///      (a tree of depth ceil(log2(n·k))): 0 when absent or not signed by that auditor.
    function _leafVote(uint256 period, uint256 slot, uint256 j, Period memory p, bytes32 root, Leaf calldata leaf)
        private
        view
        returns (uint256)
    {
        uint256 index = slot * p.k + j - 1;
        uint256 vote = leaf.vote;
        if (leaf.proof.length != LibBit.fls(uint256(p.size) * p.k - 1) + 1 || vote > 2) {
            revert UptimeReportsBadProof(index);
        }
        bytes32 h = vote == 0 ? bytes32(0) : keccak256(abi.encodePacked(leaf.vote, leaf.signature));
        if (_rootOf(h, index, leaf.proof) != root) revert UptimeReportsBadProof(index);
        if (vote == 0) return 0;
        address auditor = _sidecars[(slot + p.size - (uint256(p.stride) * j) % p.size) % p.size];
        bytes32 digest = verdictDigest(auditor, _sidecars[slot], period, vote == 1);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, leaf.signature);
        return err == ECDSA.RecoverError.NoError && signer == auditor ? vote : 0;
    }

    /// @dev The root a leaf hash at `index` and its siblings (leaf level first) lead to.
    function _rootOf(bytes32 h, uint256 index, bytes32[] calldata proof) private pure returns (bytes32) {
        for (uint256 d = 0; d < proof.length; ++d) {
            h = (index >> d) & 1 == 0
                ? keccak256(abi.encodePacked(h, proof[d]))
                : keccak256(abi.encodePacked(proof[d], h));
        }
        return h;
    }

    function _setAggregation(uint256 bond, uint256 quorumBps_, uint256 challengeBlocks_) private {
        if (bond > type(uint128).max) revert UptimeReportsBadParam(bond);
        if (quorumBps_ == 0 || quorumBps_ > BPS) revert UptimeReportsBadParam(quorumBps_);
        if (challengeBlocks_ == 0 || challengeBlocks_ >= periodBlocks) revert UptimeReportsBadParam(challengeBlocks_);
        // forge-lint: disable-next-line(unsafe-typecast) -- checked above
        (aggregatorBond, quorumBps, challengeBlocks) = (uint128(bond), uint16(quorumBps_), uint32(challengeBlocks_));
        emit AggregationSet(bond, quorumBps_, challengeBlocks_);
    }

    /// @dev A stride in [1, n−1] coprime with n, drawn from `seed`: the first coprime at or after
    ///      1 + seed mod (n−1), wrapping (1 always is).
    function _coprimeStride(uint256 seed, uint256 n) private pure returns (uint256 s) {
        s = 1 + seed % (n - 1);
        while (_gcd(s, n) != 1) s = s == n - 1 ? 1 : s + 1;
    }

    function _gcd(uint256 a, uint256 b) private pure returns (uint256) {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    function _setAuditorsPerNode(uint256 k) private {
        if (k == 0 || k > MAX_AUDITORS) revert UptimeReportsBadParam(k);
        // forge-lint: disable-next-line(unsafe-typecast) -- k ≤ 16
        auditorsPerNode = uint8(k);
        emit AuditorsPerNodeSet(k);
    }

    function _setFailLimit(uint256 limit) private {
        if (limit == 0 || limit > type(uint16).max) revert UptimeReportsBadParam(limit);
        // forge-lint: disable-next-line(unsafe-typecast) -- checked above
        failLimit = uint16(limit);
        emit FailLimitSet(limit);
    }
}
