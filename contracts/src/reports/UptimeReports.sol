// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governed} from "../governance/Governed.sol";
import {IDowntimePenalty} from "../interfaces/IDowntimePenalty.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IUptimeFeed} from "../interfaces/IUptimeFeed.sol";
import {NodeStatus} from "../interfaces/ProtocolTypes.sol";

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
contract UptimeReports is Governed, IUptimeFeed {
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

    /// @notice What `openPeriod` fixed for a period.
    struct Period {
        bytes32 seed;
        uint32 size;
        uint8 k;
        uint32 stride;
    }

    /// @notice A provider's decided periods and how many were up.
    struct Uptime {
        uint64 upPeriods;
        uint64 periods;
    }

    uint256 private constant BPS = 10_000;
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
    ) Governed(governance_, new address[](0)) {
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
        _periods[period] = Period(seed, uint32(n), uint8(k), uint32(stride));
        emit PeriodOpened(period, seed, n, k, stride);
    }

    /// @notice The caller's k votes for `period` (the period before the current one): bit j−1 of
    ///         `votes` is 1 when its j-th target (`targetsOf`) was up.
    function report(uint256 period, uint256 votes) external {
        uint256 current = currentPeriod();
        if (period + 1 != current) revert UptimeReportsWrongPeriod(period, current);
        Period memory p = _periods[period];
        if (p.seed == 0) revert UptimeReportsPeriodNotOpen(period);
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

    // ---- views ----

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
        Uptime memory u = _uptime[m.providerId];
        u.periods += 1;
        if (m.decided == 1) {
            u.upPeriods += 1;
            m.downStreak = 0;
        } else if (m.downStreak < type(uint16).max) {
            m.downStreak += 1;
        }
        _uptime[m.providerId] = u;
        bool penalize = m.decided == 2 && m.downStreak == failLimit;
        _members[target] = m;
        emit NodePeriodDecided(
            period, m.nodeId, m.providerId, m.decided == 1, m.downStreak, u.upPeriods * BPS / u.periods, u.periods
        );
        if (m.decided == 2) {
            if (penalize) {
                try market.failOnDowntime(m.nodeId) returns (uint256 projectId) {
                    emit DowntimePenalty(m.nodeId, projectId);
                    // the market failed the node with its project: it leaves once the report window ends
                    if (projectId != 0) {
                        // forge-lint: disable-next-line(unsafe-typecast) -- see report
                        t.leftPeriod = uint32(period + 2);
                        emit AuditorLeft(target, period + 2);
                    }
                } catch (bytes memory reason) {
                    emit DowntimePenaltyFailed(m.nodeId, reason);
                }
            }
            reputation.refresh(m.providerId);
        }
    }

    function _takesPart(Member memory m, uint256 period) private pure returns (bool) {
        return m.leftPeriod == 0 || period < m.leftPeriod;
    }

    function _leave(uint256 slot) private {
        Member storage m = _members[slot];
        uint256 from = currentPeriod() + 1;
        if (m.leftPeriod != 0 && m.leftPeriod <= from) revert UptimeReportsBadSlot(slot);
        // forge-lint: disable-next-line(unsafe-typecast) -- periods fit 32 bits
        m.leftPeriod = uint32(from);
        emit AuditorLeft(slot, from);
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
