// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Governed} from "../governance/Governed.sol";
import {IRewardPool} from "../interfaces/IRewardPool.sol";
import {IStakeObserver} from "../interfaces/IStakeObserver.sol";

/// @title RewardPool
/// @notice The Reward Pool [3.4.6-3.4.8, 3.6]. Inflows (MZKU and ETH) received during period N are
///         streamed linearly over period N+1: 30% to governors by locked stake, 40% to providers
///         (collateral) and requesters (FP in running projects), 20% to MZKU sidecar stakers, and the
///         rest (10% plus the split's rounding dust) to the development treasury when the stream starts.
///         Streaming makes every reward proportional to amount x time staked.
///
///         Accounting is by reward-per-share accumulators, so no call loops over stakers:
///         - per pool class c and asset a: `acc[c][a]` = reward per staked wei x 1e18 (wrapping uint96);
///         - a position keeps `snap` = acc at its last checkpoint; it has earned stake x (acc - snap) / 1e18;
///         - sidecar stakers have two levels: the sidecar is a position of the sidecar class, and its
///           own accumulator splits what it earns among its stakers, with vesting per project.
///
///         Invariant an extension must keep: for each asset, the contract balance covers
///         Σ credited (`_owed`) + Σ what positions can claim or have unvested + queued and not yet
///         streamed inflows + carried remainders; the difference is rounding dust of under 2 wei per
///         checkpoint, which stays in the pool (the "rounding reserve").
contract RewardPool is IRewardPool, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    // ------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------

    /// @notice The caller is not the stake source governance set for `class`.
    error RewardPoolUnauthorizedSource(StakeClass class, address caller);
    /// @notice A stake or stake total would exceed MAX_STAKE (2^91 - 1 wei).
    error RewardPoolStakeTooLarge(uint256 amount, uint256 max);
    /// @notice A deposit of zero.
    error RewardPoolZeroDeposit();
    /// @notice Nothing to pay to `account`.
    error RewardPoolNothingToClaim(address account);
    /// @notice A period length outside [MIN_PERIOD_LENGTH, MAX_PERIOD_LENGTH].
    error RewardPoolInvalidPeriodLength(uint256 length, uint256 min, uint256 max);
    /// @notice `onProjectEnded` for a sidecar with no running project.
    error RewardPoolNoActiveProject(address sidecar);
    /// @notice A sidecar stake with a zero sidecar address, or a sidecar project call for address zero.
    error RewardPoolZeroSidecar();
    /// @notice A deposit would take a period's inflow of one asset over MAX_PERIOD_INFLOW.
    error RewardPoolDepositTooLarge(uint256 queued, uint256 amount);
    /// @notice An ETH payment to `to` failed.
    error RewardPoolEthTransferFailed(address to, uint256 amount);

    // ------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------

    /// @notice `amount` of `asset` (0 MZKU, 1 ETH) came in from `from`; it streams in period `periodIndex + 1`.
    event RewardPoolDeposited(address indexed from, uint8 indexed asset, uint256 amount, uint64 periodIndex);
    /// @notice Period `index` began at `start` for `length` seconds, streaming `mzku` and `eth` to the classes;
    ///         `treasuryMzku`/`treasuryEth` (10% plus split dust) were credited to the treasury.
    event RewardPoolPeriodStarted(
        uint64 indexed index,
        uint256 start,
        uint256 length,
        uint256 mzku,
        uint256 eth,
        uint256 treasuryMzku,
        uint256 treasuryEth
    );
    /// @notice A position changed from `oldAmount` to `newAmount` (`reportedOld` is what the source said).
    event RewardPoolStakeChanged(
        StakeClass indexed class,
        address indexed account,
        address indexed key,
        uint256 oldAmount,
        uint256 newAmount,
        uint256 reportedOld
    );
    /// @notice `mzku`/`eth` were credited to `account` (rewards of a changed position, treasury share,
    ///         streams of a class without stakers, forfeits without remaining stakers).
    event RewardPoolCredited(address indexed account, uint256 mzku, uint256 eth);
    /// @notice `account` claimed `mzku` and `eth` through position `class`/`key` (`claimOwed`: Governor/0).
    event RewardPoolClaimed(address indexed account, StakeClass class, address indexed key, uint256 mzku, uint256 eth);
    /// @notice `account` had its credited ETH `amount` sent to `to` (`claimOwedEthTo`).
    event RewardPoolEthSentTo(address indexed account, address indexed to, uint256 amount);
    /// @notice `account` left `sidecar` (partly) during a project and forfeited unvested `mzku`/`eth`
    ///         to the sidecar's remaining stakers.
    event RewardPoolForfeited(address indexed account, address indexed sidecar, uint256 mzku, uint256 eth);
    /// @notice A project started (`started`) or ended at `sidecar`; `epoch` is its new vesting epoch.
    event RewardPoolProjectMarked(address indexed sidecar, bool started, uint32 epoch, uint16 activeProjects);
    /// @notice Governance set the development treasury.
    event RewardPoolTreasurySet(address treasury);
    /// @notice Governance set the length of periods starting from the next one.
    event RewardPoolPeriodLengthSet(uint256 length);
    /// @notice Governance set the contract allowed to report stakes of `class`.
    event RewardPoolStakeSourceSet(StakeClass indexed class, address source);

    // ------------------------------------------------------------------------------------------------
    // Constants
    // ------------------------------------------------------------------------------------------------

    /// @notice Basis points denominator.
    uint256 public constant BPS = 10_000;
    /// @notice Share of each period's stream for governors (by locked stake).
    uint256 public constant GOVERNOR_BPS = 3000;
    /// @notice Share for providers (collateral) and requesters (FP in running projects).
    uint256 public constant PROVIDER_REQUESTER_BPS = 4000;
    /// @notice Share for MZKU sidecar stakers.
    uint256 public constant SIDECAR_BPS = 2000;
    /// @notice Nominal share of the development treasury; it receives `BPS` minus the three shares above
    ///         (so also the split's rounding dust).
    uint256 public constant TREASURY_BPS = 1000;
    /// @notice Accumulator scale: accumulators hold reward per staked wei x 1e18.
    uint256 public constant ACC_PRECISION = 1e18;
    /// @notice A class (or a sidecar receiving forfeits) with less than this much stake earns nothing;
    ///         what would stream to it goes to the treasury. Bounds accumulator steps (docs/pools.md).
    uint256 public constant MIN_ACTIVE_STAKE = 1e18;
    /// @notice Largest stake total (class, sidecar or position): 2^91 - 1 wei (2.4 billion MZKU), so a
    ///         class's carried remainder (< total / 1e18 + 1) fits 32 bits.
    uint256 public constant MAX_STAKE = 2 ** 91 - 1;
    /// @notice Largest inflow of one asset in one period.
    uint256 public constant MAX_PERIOD_INFLOW = type(uint96).max;
    /// @notice Shortest allowed period.
    uint256 public constant MIN_PERIOD_LENGTH = 1 hours;
    /// @notice Longest allowed period.
    uint256 public constant MAX_PERIOD_LENGTH = 180 days;
    /// @notice Pool classes (the 40% class takes both Provider and Requester stakes).
    uint256 public constant CLASS_COUNT = 3;
    /// @notice Asset index of MZKU.
    uint256 public constant MZKU = 0;
    /// @notice Asset index of ETH.
    uint256 public constant ETH = 1;

    // ------------------------------------------------------------------------------------------------
    // Storage
    // ------------------------------------------------------------------------------------------------

    /// @notice Current period and what streams in it (one slot, read by every claim).
    struct Period {
        uint96 curMzku;
        uint96 curEth;
        uint40 start;
        uint24 length;
    }

    /// @notice Inflows received in the current period (they stream in the next one; each
    ///         <= MAX_PERIOD_INFLOW = 2^96 - 1) and the period bookkeeping that claims do not need, in one
    ///         slot: the first call after a period's end reads it once.
    struct Queue {
        uint96 mzku;
        uint96 eth;
        uint24 nextLength; // takes effect when the next period starts
        uint40 index; // of the current period: +1 per period, at most one per MIN_PERIOD_LENGTH (< 2^40)
    }

    /// @notice One asset of one pool class (one slot). `carry` is wei streamed to the class but not yet
    ///         credited to `acc` (< total / 1e18 + 1 <= 2^91 / 1e18 + 1 < 2^32). `total` is the class's stake (same in
    ///         both asset slots).
    struct ClassAsset {
        uint96 acc;
        uint32 carry;
        uint32 lastUpdate;
        uint96 total;
    }

    /// @notice A staked position; the ETH snapshot lives in `_snapEth` so an MZKU claim touches one slot.
    ///         `epoch` (sidecar positions) is the sidecar's vesting epoch at the last checkpoint: kept here
    ///         so that a position with nothing unvested never touches its `_vesting` slot.
    struct Position {
        uint96 stake;
        uint96 snapMzku;
        bool owedMzku; // `_owed[account].mzku` was credited from this position: its claims pay it too
        bool owedEth;
        uint32 epoch;
    }

    /// @notice Credited, not yet claimed amounts of an account.
    struct Owed {
        uint128 mzku;
        uint128 eth;
    }

    /// @notice Stake and vesting state of a sidecar.
    struct SidecarInfo {
        uint96 total;
        uint32 epoch; // +1 at every vesting boundary (project start when idle, project end)
        uint16 activeProjects;
    }

    /// @notice One asset of a sidecar: its snapshot of the sidecar class accumulator, its own
    ///         accumulator over its stakers, and its carried remainder.
    struct SidecarAsset {
        uint96 classSnap;
        uint96 acc;
        uint40 carry;
    }

    /// @notice A sidecar's accumulators at its last vesting boundary. `set` keeps the slot non-zero from
    ///         the sidecar's first stake on, so a boundary (a project start) updates a slot instead of
    ///         creating one; a boundary while the sidecar holds no stake writes nothing (no position
    ///         with stake can read it: every later reader checkpoints after a later boundary).
    struct SidecarVest {
        uint96 mzku;
        uint96 eth;
        bool set;
    }

    /// @notice Unvested rewards of a sidecar staker in the epoch of its position (`Position.epoch`). Zero
    ///         whenever the position's stake is zero (leaving during a project forfeits all of it).
    struct Vesting {
        uint112 unvestedMzku;
        uint112 unvestedEth;
    }

    /// @notice The MZKU token.
    IERC20 public immutable mzku;
    /// @notice Development treasury: receives the 10% share and the named dust.
    address public treasury;

    Period internal _period;
    Queue internal _queue;
    ClassAsset[2][3] internal _class; // [pool class][asset]
    mapping(bytes32 id => Position) internal _positions;
    mapping(bytes32 id => uint96) internal _snapEth;
    mapping(bytes32 id => Vesting) internal _vesting;
    mapping(address account => Owed) internal _owed;
    mapping(address sidecar => SidecarInfo) internal _sidecar;
    mapping(address sidecar => SidecarAsset[2]) internal _sidecarAsset;
    mapping(address sidecar => SidecarVest) internal _sidecarVest;
    mapping(StakeClass class => address source) internal _stakeSource;

    // ------------------------------------------------------------------------------------------------
    // Construction and governance
    // ------------------------------------------------------------------------------------------------

    /// @param governance_ The Governance contract.
    /// @param authorizedCallers Contracts allowed to mark projects (the ProjectMarket).
    /// @param mzku_ The MZKU token.
    /// @param treasury_ Development treasury.
    /// @param stakeSources Contract allowed to report each StakeClass, indexed by the enum
    ///        (Governance, ProviderRegistry, SidecarStaking, ProjectMarket); zero = none yet.
    /// @param periodLength Length of a period in seconds (default 7 days).
    constructor(
        address governance_,
        address[] memory authorizedCallers,
        IERC20 mzku_,
        address treasury_,
        address[4] memory stakeSources,
        uint256 periodLength
    ) Governed(governance_, authorizedCallers) {
        if (address(mzku_) == address(0) || treasury_ == address(0)) revert GovernedZeroAddress();
        _checkPeriodLength(periodLength);
        mzku = mzku_;
        treasury = treasury_;
        emit RewardPoolTreasurySet(treasury_);
        for (uint256 i = 0; i < 4; ++i) {
            _stakeSource[StakeClass(i)] = stakeSources[i];
            emit RewardPoolStakeSourceSet(StakeClass(i), stakeSources[i]);
        }
        // casting is safe: timestamps fit uint40 for 34,000 years; periodLength <= MAX_PERIOD_LENGTH < 2^24 (checked)
        // forge-lint: disable-next-line(unsafe-typecast)
        _period = Period(0, 0, uint40(block.timestamp), uint24(periodLength));
        // casting is safe: periodLength <= MAX_PERIOD_LENGTH < 2^24 (checked above)
        // forge-lint: disable-next-line(unsafe-typecast)
        _queue = Queue(0, 0, uint24(periodLength), 0);
        emit RewardPoolPeriodLengthSet(periodLength);
        emit RewardPoolPeriodStarted(0, block.timestamp, periodLength, 0, 0, 0, 0);
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            // Accumulators start at 1 (only differences matter) so that positions' snapshots are never
            // zero slots: a first claim then pays no zero-to-nonzero storage write.
            _class[c][MZKU] = ClassAsset(1, 0, uint32(block.timestamp), 0);
            _class[c][ETH] = ClassAsset(1, 0, uint32(block.timestamp), 0);
        }
    }

    /// @notice Sets the development treasury. Credits already made stay with the previous address.
    /// @dev Governance only.
    function setTreasury(address treasury_) external onlyGovernance {
        if (treasury_ == address(0)) revert GovernedZeroAddress();
        treasury = treasury_;
        emit RewardPoolTreasurySet(treasury_);
    }

    /// @notice Sets the length of periods; it applies from the next period on.
    /// @dev Governance only.
    function setPeriodLength(uint256 length) external onlyGovernance {
        _checkPeriodLength(length);
        // A period that is due starts with the length it was announced with (classes may already have
        // accrued through its start: see `_touchClass`).
        _syncPeriod();
        // casting is safe: length <= MAX_PERIOD_LENGTH < 2^24 (checked above)
        // forge-lint: disable-next-line(unsafe-typecast)
        _queue.nextLength = uint24(length);
        emit RewardPoolPeriodLengthSet(length);
    }

    /// @notice Sets the contract allowed to report stakes of `class` (zero: none).
    /// @dev Governance only.
    function setStakeSource(StakeClass class, address source) external onlyGovernance {
        _stakeSource[class] = source;
        emit RewardPoolStakeSourceSet(class, source);
    }

    // ------------------------------------------------------------------------------------------------
    // Inflows
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IRewardPool
    function depositMzku(uint256 amount) external nonReentrant {
        _deposit(MZKU, amount);
        mzku.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IRewardPool
    function depositEth() external payable nonReentrant {
        _deposit(ETH, msg.value);
    }

    // ------------------------------------------------------------------------------------------------
    // Stake reports and projects
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IStakeObserver
    /// @dev Only the source set for `class`. The pool's own record is the truth for the old amount
    ///      (a position that existed before the pool was set as observer starts earning at its first
    ///      report); `oldAmount` is only echoed in the event.
    function onStakeChanged(StakeClass class, address account, address key, uint256 oldAmount, uint256 newAmount)
        external
        nonReentrant
    {
        if (msg.sender != _stakeSource[class]) revert RewardPoolUnauthorizedSource(class, msg.sender);
        _stakeChanged(class, account, key, oldAmount, newAmount);
    }

    /// @inheritdoc IRewardPool
    /// @dev Only the Requester stake source (the ProjectMarket, also the authorized caller that marks
    ///      projects): one call instead of `onStakeChanged` + `onProjectStarted`, so a project start pays
    ///      one call, one authorization read and one reentrancy guard.
    function onProjectStartedWithStake(address sidecar, address requester, uint256 oldStake, uint256 newStake)
        external
        nonReentrant
    {
        if (msg.sender != _stakeSource[StakeClass.Requester]) {
            revert RewardPoolUnauthorizedSource(StakeClass.Requester, msg.sender);
        }
        _stakeChanged(StakeClass.Requester, requester, address(0), oldStake, newStake);
        _projectStarted(sidecar);
    }

    /// @dev `onStakeChanged` after its authorization.
    function _stakeChanged(StakeClass class, address account, address key, uint256 oldAmount, uint256 newAmount)
        internal
    {
        if (newAmount > MAX_STAKE) revert RewardPoolStakeTooLarge(newAmount, MAX_STAKE);
        bytes32 id = _positionId(class, account, key);
        Position memory pos = _positions[id];
        uint256 old = pos.stake;
        uint256 m;
        uint256 e;
        if (class == StakeClass.Sidecar) {
            (m, e) = _changeSidecarStake(id, pos, account, key, newAmount);
        } else {
            uint256 c = _poolClass(class);
            // casting is safe: stakes <= MAX_STAKE < 2^91 (checked), so they fit int256
            // forge-lint: disable-next-line(unsafe-typecast)
            uint96 accM = _touchClass(c, MZKU, int256(newAmount) - int256(old));
            // casting is safe: stakes <= MAX_STAKE < 2^91 (checked), so they fit int256
            // forge-lint: disable-next-line(unsafe-typecast)
            uint96 accE = _touchClass(c, ETH, int256(newAmount) - int256(old));
            m = _earned(pos.stake, accM, pos.snapMzku);
            e = _earned(pos.stake, accE, _snapEth[id]);
            pos.snapMzku = accM;
            _snapEth[id] = accE;
        }
        // casting is safe: newAmount <= MAX_STAKE < 2^91 (checked at entry)
        // forge-lint: disable-next-line(unsafe-typecast)
        pos.stake = uint96(newAmount);
        if (m != 0) pos.owedMzku = true;
        if (e != 0) pos.owedEth = true;
        _storePosition(_positions[id], pos);
        emit RewardPoolStakeChanged(class, account, key, old, newAmount, oldAmount);
        if (m != 0 || e != 0) _credit(account, m, e);
    }

    /// @inheritdoc IRewardPool
    /// @dev Restricted to authorized protocol contracts (the ProjectMarket) and governance.
    function onProjectStarted(address sidecar) external onlyAuthorized nonReentrant {
        _projectStarted(sidecar);
    }

    function _projectStarted(address sidecar) internal {
        SidecarInfo memory info = _syncSidecar(sidecar, 0);
        if (info.activeProjects == 0) _vestBoundary(sidecar, info);
        ++info.activeProjects;
        _storeSidecar(_sidecar[sidecar], info);
        emit RewardPoolProjectMarked(sidecar, true, info.epoch, info.activeProjects);
    }

    /// @inheritdoc IRewardPool
    /// @dev Restricted to authorized protocol contracts (the ProjectMarket) and governance.
    function onProjectEnded(address sidecar) external onlyAuthorized nonReentrant {
        if (_sidecar[sidecar].activeProjects == 0) revert RewardPoolNoActiveProject(sidecar);
        SidecarInfo memory info = _syncSidecar(sidecar, 0);
        _vestBoundary(sidecar, info);
        --info.activeProjects;
        _storeSidecar(_sidecar[sidecar], info);
        emit RewardPoolProjectMarked(sidecar, false, info.epoch, info.activeProjects);
    }

    // ------------------------------------------------------------------------------------------------
    // Claims
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IRewardPool
    function claim(StakeClass class, address key) external nonReentrant returns (uint256 mzkuPaid, uint256 ethPaid) {
        (mzkuPaid, ethPaid) = _claim(class, key, true, true);
    }

    /// @notice Pays the caller only the MZKU of position (`class`, `key`) (for sidecar positions, the
    ///         ETH that vests is credited to the caller instead of paid).
    function claimMzku(StakeClass class, address key) external nonReentrant returns (uint256 mzkuPaid) {
        (mzkuPaid,) = _claim(class, key, true, false);
    }

    /// @notice Pays the caller only the ETH of position (`class`, `key`) (for sidecar positions, the
    ///         MZKU that vests is credited to the caller instead of paid).
    function claimEth(StakeClass class, address key) external nonReentrant returns (uint256 ethPaid) {
        (, ethPaid) = _claim(class, key, false, true);
    }

    /// @notice Pays the caller everything credited to it (treasury shares, rewards of changed positions).
    ///         If the caller refuses ETH, the MZKU is still paid and the ETH stays credited (it can be
    ///         sent elsewhere with `claimOwedEthTo`); only a claim of ETH alone then reverts.
    function claimOwed() external nonReentrant returns (uint256 mzkuPaid, uint256 ethPaid) {
        _syncPeriod();
        Owed memory o = _owed[msg.sender];
        (mzkuPaid, ethPaid) = (o.mzku, o.eth);
        if (mzkuPaid == 0 && ethPaid == 0) revert RewardPoolNothingToClaim(msg.sender);
        delete _owed[msg.sender];
        emit RewardPoolClaimed(msg.sender, StakeClass.Governor, address(0), mzkuPaid, ethPaid);
        if (mzkuPaid != 0) mzku.safeTransfer(msg.sender, mzkuPaid);
        if (ethPaid != 0) {
            (bool ok,) = payable(msg.sender).call{value: ethPaid}("");
            if (!ok) {
                if (mzkuPaid == 0) revert RewardPoolEthTransferFailed(msg.sender, ethPaid);
                // Refused: the ETH is credited back (RewardPoolCredited), the MZKU stays paid.
                _credit(msg.sender, 0, ethPaid);
                ethPaid = 0;
            }
        }
    }

    /// @notice Sends the ETH credited to the caller to `to` (for a caller that cannot take ETH itself,
    ///         such as a treasury contract without a payable fallback).
    function claimOwedEthTo(address payable to) external nonReentrant returns (uint256 ethPaid) {
        if (to == address(0)) revert GovernedZeroAddress();
        _syncPeriod();
        ethPaid = _owed[msg.sender].eth;
        if (ethPaid == 0) revert RewardPoolNothingToClaim(msg.sender);
        _owed[msg.sender].eth = 0;
        emit RewardPoolClaimed(msg.sender, StakeClass.Governor, address(0), 0, ethPaid);
        emit RewardPoolEthSentTo(msg.sender, to, ethPaid);
        (bool ok,) = to.call{value: ethPaid}("");
        if (!ok) revert RewardPoolEthTransferFailed(to, ethPaid);
    }

    /// @notice Starts due periods and brings every class accumulator up to now. Anyone may call it; the
    ///         development treasury (credited its share of the period's inflow by this call) is expected
    ///         to, once per period. Stake changes and claims never start a period (docs/pools.md).
    function sync() external nonReentrant {
        _syncPeriod();
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            _touchClass(c, MZKU, 0);
            _touchClass(c, ETH, 0);
        }
    }

    /// @notice Brings `sidecar`'s accumulators up to now. Anyone may call it.
    function syncSidecar(address sidecar) external nonReentrant {
        _syncSidecar(sidecar, 0);
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IRewardPool
    /// @dev Without credited amounts: see `owedOf`.
    function claimable(StakeClass class, address account, address key)
        external
        view
        returns (uint256 mzkuAmount, uint256 ethAmount)
    {
        (mzkuAmount, ethAmount,,) = _preview(class, account, key);
    }

    /// @notice Rewards of a sidecar position accrued during the running project (forfeited on leaving).
    function unvested(address account, address sidecar) external view returns (uint256 mzkuAmount, uint256 ethAmount) {
        (,, mzkuAmount, ethAmount) = _preview(StakeClass.Sidecar, account, sidecar);
    }

    /// @notice MZKU and ETH credited to `account` and not yet claimed.
    function owedOf(address account) external view returns (uint256 mzkuAmount, uint256 ethAmount) {
        Owed memory o = _owed[account];
        return (o.mzku, o.eth);
    }

    /// @notice Stake of a position as the pool records it.
    function stakeOf(StakeClass class, address account, address key) external view returns (uint256) {
        return _positions[_positionId(class, account, key)].stake;
    }

    /// @notice Total stake of pool class `c` (0 governors, 1 providers and requesters, 2 sidecar stakers).
    function classTotal(uint256 c) external view returns (uint256) {
        return _class[c][MZKU].total;
    }

    /// @notice Total MZKU staked to `sidecar` as the pool records it, and its vesting state.
    function sidecarInfo(address sidecar) external view returns (uint256 total, uint32 epoch, uint16 activeProjects) {
        SidecarInfo memory info = _sidecar[sidecar];
        return (info.total, info.epoch, info.activeProjects);
    }

    /// @notice Remainders `sidecar` carries (wei not yet credited to its stakers), as of its last update.
    function sidecarCarry(address sidecar) external view returns (uint256 mzkuAmount, uint256 ethAmount) {
        return (_sidecarAsset[sidecar][MZKU].carry, _sidecarAsset[sidecar][ETH].carry);
    }

    /// @notice Contract allowed to report stakes of `class`.
    function stakeSource(StakeClass class) external view returns (address) {
        return _stakeSource[class];
    }

    /// @notice The current period as stored (a due rollover happens at the next write).
    function period() external view returns (uint64 index, uint256 start, uint256 length, uint256 nextLength) {
        Period memory p = _period;
        Queue memory q = _queue;
        return (q.index, p.start, p.length, q.nextLength);
    }

    /// @notice Inflows of `asset` (0 MZKU, 1 ETH): streaming in the current period and queued for the next.
    function streamOf(uint256 asset) external view returns (uint256 current, uint256 queued) {
        Period memory p = _period;
        Queue memory q = _queue;
        return asset == MZKU ? (uint256(p.curMzku), uint256(q.mzku)) : (uint256(p.curEth), uint256(q.eth));
    }

    /// @notice Wei of `asset` not yet credited to any accumulator or account, as of the classes' last
    ///         updates: queued inflows, the unstreamed rest of the classes' current streams, and the
    ///         classes' carried remainders. Exact after `sync()` in the same block. A class updated after
    ///         the current period's end (before anyone started the next one) has already taken part of
    ///         the queue: that part is not counted.
    function undistributed(uint256 asset) external view returns (uint256 amount) {
        Period memory p = _period;
        Queue memory q = _queue;
        uint256 queued = asset == MZKU ? q.mzku : q.eth;
        amount = queued;
        uint256 cur = asset == MZKU ? p.curMzku : p.curEth;
        uint256 end = uint256(p.start) + p.length;
        uint256 nextLength = q.nextLength;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            ClassAsset memory ca = _class[c][asset];
            uint256 share = cur * _weight(c) / BPS;
            uint256 u = ca.lastUpdate < p.start ? 0 : ca.lastUpdate - p.start;
            if (u > p.length) u = p.length;
            amount += share - share * u / p.length + ca.carry;
            if (ca.lastUpdate > end) {
                uint256 v = ca.lastUpdate - end;
                if (v > nextLength) v = nextLength;
                amount -= queued * _weight(c) / BPS * v / nextLength;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Internals: inflows, periods and classes
    // ------------------------------------------------------------------------------------------------

    function _deposit(uint256 asset, uint256 amount) internal {
        if (amount == 0) revert RewardPoolZeroDeposit();
        _syncPeriod();
        Queue storage qs = _queue;
        uint256 q = asset == MZKU ? qs.mzku : qs.eth;
        if (q + amount > MAX_PERIOD_INFLOW) revert RewardPoolDepositTooLarge(q, amount);
        // casting is safe: q + amount <= MAX_PERIOD_INFLOW = 2^96 - 1 (checked above)
        // forge-lint: disable-next-line(unsafe-typecast)
        uint96 queued = uint96(q + amount);
        if (asset == MZKU) qs.mzku = queued;
        else qs.eth = queued;
        // casting is safe: asset is MZKU (0) or ETH (1)
        // forge-lint: disable-next-line(unsafe-typecast)
        emit RewardPoolDeposited(msg.sender, uint8(asset), amount, qs.index);
    }

    /// @dev Starts the periods that are due (see `_rollover`); a cheap check otherwise.
    function _syncPeriod() internal {
        Period memory p = _period;
        if (block.timestamp >= uint256(p.start) + p.length) _rollover(p);
    }

    /// @dev First brings every class up to now through the period ends (so no class ever needs a
    ///      past period's stream), then rolls the streams and credits the treasury its part. At most
    ///      two periods carry a stream (the current one and the one its queue feeds); later empty
    ///      periods are skipped arithmetically, so this is constant-time.
    function _rollover(Period memory p) internal {
        Queue memory q = _queue;
        uint256[2] memory orphan;
        for (uint256 c = 0; c < CLASS_COUNT; ++c) {
            for (uint256 a = 0; a < 2; ++a) {
                ClassAsset memory ca = _class[c][a];
                orphan[a] += _accrueClass(c, a, ca, p, q, q.nextLength, block.timestamp);
                _class[c][a] = ca;
            }
        }
        while (block.timestamp >= uint256(p.start) + p.length) {
            p.start += p.length;
            p.length = q.nextLength;
            ++q.index;
            (p.curMzku, p.curEth) = (q.mzku, q.eth);
            (q.mzku, q.eth) = (0, 0);
            uint256 dm = _treasuryPart(p.curMzku);
            uint256 de = _treasuryPart(p.curEth);
            orphan[MZKU] += dm;
            orphan[ETH] += de;
            emit RewardPoolPeriodStarted(q.index, p.start, p.length, p.curMzku - dm, p.curEth - de, dm, de);
            if (p.curMzku == 0 && p.curEth == 0 && block.timestamp >= uint256(p.start) + p.length) {
                // Nothing streams any more: skip the empty periods in one step.
                uint256 k = (block.timestamp - p.start) / p.length;
                // casting is safe: k * length <= block.timestamp - start < 2^40
                // forge-lint: disable-next-line(unsafe-typecast)
                p.start += uint40(k * p.length);
                // casting is safe: k <= block.timestamp / MIN_PERIOD_LENGTH < 2^40
                // forge-lint: disable-next-line(unsafe-typecast)
                q.index += uint40(k);
                emit RewardPoolPeriodStarted(q.index, p.start, p.length, 0, 0, 0, 0);
            }
        }
        _period = p;
        _queue = q;
        if (orphan[MZKU] != 0 || orphan[ETH] != 0) _credit(treasury, orphan[MZKU], orphan[ETH]);
    }

    /// @dev Brings (class `c`, `asset`) up to now, adds `stakeDelta` to its total and stores it; returns
    ///      the accumulator. What streams while the class holds under MIN_ACTIVE_STAKE is credited to the
    ///      treasury. A period that is due is not started here (that is `_rollover`'s, run by `sync` and
    ///      deposits): the class accrues through its start exactly as the rollover will make it (the
    ///      stored period, queue and next length are what the rollover will use), so a stake change or
    ///      claim never pays for the other classes, the period slots or the treasury's credit.
    function _touchClass(uint256 c, uint256 asset, int256 stakeDelta) internal returns (uint96 acc) {
        ClassAsset storage slot = _class[c][asset];
        ClassAsset memory ca = slot;
        if (ca.lastUpdate != block.timestamp) {
            Period memory p = _period;
            uint256 orphan;
            if (block.timestamp < uint256(p.start) + p.length) {
                orphan = _accrueSpan(c, ca, asset == MZKU ? p.curMzku : p.curEth, p.start, p.length, block.timestamp);
                ca.lastUpdate = uint32(block.timestamp);
            } else {
                Queue memory q = _queue;
                orphan = _accrueClass(c, asset, ca, p, q, q.nextLength, block.timestamp);
            }
            if (orphan != 0) {
                if (asset == MZKU) _credit(treasury, orphan, 0);
                else _credit(treasury, 0, orphan);
            }
        } else if (stakeDelta == 0) {
            return ca.acc;
        }
        if (stakeDelta != 0) {
            // casting is safe: totals and stakes are < 2^91, so they fit int256 and the sum is >= 0
            // forge-lint: disable-next-line(unsafe-typecast)
            uint256 total = uint256(int256(uint256(ca.total)) + stakeDelta);
            if (total > MAX_STAKE) revert RewardPoolStakeTooLarge(total, MAX_STAKE);
            // casting is safe: total <= MAX_STAKE (checked above)
            // forge-lint: disable-next-line(unsafe-typecast)
            ca.total = uint96(total);
        }
        _storeClass(slot, ca);
        return ca.acc;
    }

    /// @dev Writes `ca` to `slot` in one SSTORE (the compiler writes a memory struct member by member:
    ///      a warm read and write per member). Layout as Solidity packs `ClassAsset`, low bits first.
    function _storeClass(ClassAsset storage slot, ClassAsset memory ca) internal {
        uint256 word =
            uint256(ca.acc) | uint256(ca.carry) << 96 | uint256(ca.lastUpdate) << 128 | uint256(ca.total) << 160;
        assembly ("memory-safe") {
            sstore(slot.slot, word)
        }
    }

    /// @dev `_storeClass` for a position (`Position`'s packing, low bits first).
    function _storePosition(Position storage slot, Position memory pos) internal {
        uint256 word = uint256(pos.stake) | uint256(pos.snapMzku) << 96 | _bit(pos.owedMzku) << 192 | _bit(pos.owedEth)
            << 200 | uint256(pos.epoch) << 208;
        assembly ("memory-safe") {
            sstore(slot.slot, word)
        }
    }

    /// @dev `_storeClass` for a sidecar's info (`SidecarInfo`'s packing, low bits first).
    function _storeSidecar(SidecarInfo storage slot, SidecarInfo memory info) internal {
        uint256 word = uint256(info.total) | uint256(info.epoch) << 96 | uint256(info.activeProjects) << 128;
        assembly ("memory-safe") {
            sstore(slot.slot, word)
        }
    }

    /// @dev `_storeClass` for one asset of a sidecar (`SidecarAsset`'s packing, low bits first).
    function _storeSidecarAsset(SidecarAsset storage slot, SidecarAsset memory sa) internal {
        uint256 word = uint256(sa.classSnap) | uint256(sa.acc) << 96 | uint256(sa.carry) << 192;
        assembly ("memory-safe") {
            sstore(slot.slot, word)
        }
    }

    function _bit(bool b) internal pure returns (uint256) {
        return b ? 1 : 0;
    }

    /// @dev Brings (class `c`, `asset`) (in memory) up to time `t`, simulating the period starts due
    ///      from period `p0` with queue `q0`. Returns what streamed while the class had too little stake.
    function _accrueClass(
        uint256 c,
        uint256 asset,
        ClassAsset memory ca,
        Period memory p0,
        Queue memory q0,
        uint256 nextLength,
        uint256 t
    ) internal pure returns (uint256 orphan) {
        if (t <= ca.lastUpdate) return 0;
        uint256 start = p0.start;
        uint256 len = p0.length;
        uint256 cur = asset == MZKU ? p0.curMzku : p0.curEth;
        // At most two periods with a stream can be crossed (see _rollover).
        for (uint256 i = 0; i < 2; ++i) {
            uint256 end = start + len;
            orphan += _accrueSpan(c, ca, cur, start, len, t < end ? t : end);
            if (t < end) break;
            (start, len) = (end, nextLength);
            cur = i == 0 ? (asset == MZKU ? q0.mzku : q0.eth) : 0;
            if (cur == 0) break;
        }
        // casting is safe: lastUpdate is uint32: timestamps fit until 2106
        // forge-lint: disable-next-line(unsafe-typecast)
        ca.lastUpdate = uint32(t);
    }

    /// @dev Credits to `ca` class `c`'s weight of a period stream `cur` (period [start, start + len))
    ///      from the class's last update (or the period start) to `to`. floor(share * x / len)
    ///      telescopes, so a period streams exactly `share`, however often it is sampled. Returns the
    ///      amount not credited because the class has under MIN_ACTIVE_STAKE.
    function _accrueSpan(uint256 c, ClassAsset memory ca, uint256 cur, uint256 start, uint256 len, uint256 to)
        internal
        pure
        returns (uint256 orphan)
    {
        uint256 from = ca.lastUpdate > start ? ca.lastUpdate : start;
        if (to <= from || cur == 0) return 0;
        uint256 share = cur * _weight(c) / BPS;
        uint256 reward = share * (to - start) / len - share * (from - start) / len;
        if (ca.total < MIN_ACTIVE_STAKE) return reward;
        uint256 carry;
        (ca.acc, carry) = _distribute(ca.acc, ca.carry, reward, ca.total);
        // casting is safe: carry < total / 1e18 + 1 <= 2^91 / 1e18 + 1 < 2^32 (see _distribute)
        // forge-lint: disable-next-line(unsafe-typecast)
        ca.carry = uint32(carry);
    }

    /// @dev Adds `reward` (plus the carried remainder) over `total` stake to accumulator `acc`. The part
    ///      credited is rounded up (so the positions' floors never sum above it) and the rest carried:
    ///      carry < total / ACC_PRECISION + 1 <= 2^91 / 1e18 + 1 < 2^32.
    function _distribute(uint96 acc, uint256 carry, uint256 reward, uint256 total)
        internal
        pure
        returns (uint96 newAcc, uint256 newCarry)
    {
        uint256 x = reward + carry;
        if (x == 0) return (acc, 0);
        uint256 d = x * ACC_PRECISION / total;
        uint256 used = (d * total + ACC_PRECISION - 1) / ACC_PRECISION;
        newCarry = x - used;
        // Accumulators wrap modulo 2^96 on purpose: only differences between checkpoints are used and
        // they stay below 2^96 (docs/pools.md, "Bounds").
        unchecked {
            // casting is safe: accumulators wrap modulo 2^96 on purpose (see above)
            // forge-lint: disable-next-line(unsafe-typecast)
            newAcc = uint96(uint256(acc) + d);
        }
    }

    /// @dev What `stake` earned between accumulator values `snap` and `acc` (difference modulo 2^96).
    function _earned(uint256 stake, uint96 acc, uint96 snap) internal pure returns (uint256) {
        unchecked {
            return stake * uint96(acc - snap) / ACC_PRECISION;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Internals: claims
    // ------------------------------------------------------------------------------------------------

    function _claim(StakeClass class, address key, bool wantM, bool wantE) internal returns (uint256 m, uint256 e) {
        bytes32 id = _positionId(class, msg.sender, key);
        Position memory pos = _positions[id];
        if (class == StakeClass.Sidecar) {
            SidecarInfo memory info = _syncSidecar(key, 0);
            bool held = pos.stake != 0;
            Vesting memory v;
            if (held) v = _vesting[id];
            (m, e) = _settleSidecar(id, pos, v, info, key);
            if (held) _vesting[id] = v;
            // A sidecar position settles both assets; what the caller did not ask for is credited.
            if (!wantM && m != 0) (pos.owedMzku, m) = (true, _creditRet(msg.sender, m, 0));
            if (!wantE && e != 0) (pos.owedEth, e) = (true, _creditRet(msg.sender, 0, e));
        } else {
            uint256 c = _poolClass(class);
            if (wantM) {
                uint96 acc = _touchClass(c, MZKU, 0);
                m = _earned(pos.stake, acc, pos.snapMzku);
                pos.snapMzku = acc;
            }
            if (wantE) {
                uint96 acc = _touchClass(c, ETH, 0);
                e = _earned(pos.stake, acc, _snapEth[id]);
                _snapEth[id] = acc;
            }
        }
        if ((wantM && pos.owedMzku) || (wantE && pos.owedEth)) (m, e) = _takeOwed(pos, m, e, wantM, wantE);
        _storePosition(_positions[id], pos);
        _pay(class, key, m, e);
    }

    function _takeOwed(Position memory pos, uint256 m, uint256 e, bool wantM, bool wantE)
        internal
        returns (uint256, uint256)
    {
        Owed storage o = _owed[msg.sender];
        if (wantM && pos.owedMzku) {
            m += o.mzku;
            o.mzku = 0;
            pos.owedMzku = false;
        }
        if (wantE && pos.owedEth) {
            e += o.eth;
            o.eth = 0;
            pos.owedEth = false;
        }
        return (m, e);
    }

    function _creditRet(address account, uint256 m, uint256 e) internal returns (uint256) {
        _credit(account, m, e);
        return 0;
    }

    function _credit(address account, uint256 m, uint256 e) internal {
        Owed storage o = _owed[account];
        // casting is safe: credits are parts of the pool's balance, < 2^128
        // forge-lint: disable-next-line(unsafe-typecast)
        o.mzku += uint128(m);
        // casting is safe: credits are parts of the pool's balance, < 2^128
        // forge-lint: disable-next-line(unsafe-typecast)
        o.eth += uint128(e);
        emit RewardPoolCredited(account, m, e);
    }

    function _pay(StakeClass class, address key, uint256 m, uint256 e) internal {
        if (m == 0 && e == 0) revert RewardPoolNothingToClaim(msg.sender);
        emit RewardPoolClaimed(msg.sender, class, key, m, e);
        if (m != 0) mzku.safeTransfer(msg.sender, m);
        if (e != 0) {
            (bool ok,) = payable(msg.sender).call{value: e}("");
            if (!ok) revert RewardPoolEthTransferFailed(msg.sender, e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Internals: sidecars
    // ------------------------------------------------------------------------------------------------

    /// @dev Brings the sidecar class and `sidecar` up to now and stores them, adding `classDelta` to the
    ///      class total (after the accrual: a stake change applies from now); returns the sidecar info
    ///      (the caller stores it if it changes it).
    function _syncSidecar(address sidecar, int256 classDelta) internal returns (SidecarInfo memory info) {
        if (sidecar == address(0)) revert RewardPoolZeroSidecar();
        info = _sidecar[sidecar];
        uint256 c = _poolClass(StakeClass.Sidecar);
        for (uint256 a = 0; a < 2; ++a) {
            uint96 classAcc = _touchClass(c, a, classDelta);
            SidecarAsset memory sa = _sidecarAsset[sidecar][a];
            _accrueSidecar(sa, info.total, classAcc);
            _storeSidecarAsset(_sidecarAsset[sidecar][a], sa);
        }
    }

    /// @dev What the sidecar earned as a position of its class goes to its own accumulator.
    function _accrueSidecar(SidecarAsset memory sa, uint256 total, uint96 classAcc) internal pure {
        uint256 reward = _earned(total, classAcc, sa.classSnap);
        sa.classSnap = classAcc;
        if (total == 0) return; // reward == 0
        uint256 carry;
        (sa.acc, carry) = _distribute(sa.acc, sa.carry, reward, total);
        // casting is safe: carry < total / 1e18 + 1 <= 2^91 / 1e18 + 1 < 2^32 < 2^40 (see _distribute)
        // forge-lint: disable-next-line(unsafe-typecast)
        sa.carry = uint40(carry);
    }

    /// @dev A vesting boundary: everything accrued at the sidecar so far vests for those staked now.
    ///      Without stake there is no one to vest for: only the epoch moves (see `SidecarVest`).
    function _vestBoundary(address sidecar, SidecarInfo memory info) internal {
        if (info.total != 0) {
            _sidecarVest[sidecar] = SidecarVest(_sidecarAsset[sidecar][MZKU].acc, _sidecarAsset[sidecar][ETH].acc, true);
        }
        ++info.epoch;
    }

    /// @dev Settles a sidecar position against the stored sidecar accumulators: returns what vested
    ///      (everything while no project runs; during a project, what accrued before its start) and adds
    ///      the rest to `v`'s unvested. Moves the snapshots (`pos.snapMzku`, `_snapEth[id]`).
    function _settleSidecar(bytes32 id, Position memory pos, Vesting memory v, SidecarInfo memory info, address sidecar)
        internal
        returns (uint256 m, uint256 e)
    {
        uint96 accM = _sidecarAsset[sidecar][MZKU].acc;
        uint96 accE = _sidecarAsset[sidecar][ETH].acc;
        if (pos.stake == 0) {
            // Nothing accrued and nothing unvested: only the snapshots and the epoch move (no reads).
            (pos.snapMzku, pos.epoch) = (accM, info.epoch);
            _snapEth[id] = accE;
            return (0, 0);
        }
        uint96 snapE;
        (m, e, snapE) = _sidecarEarned(pos, _snapEth[id], v, info, sidecar, accM, accE);
        _snapEth[id] = snapE;
    }

    /// @dev Pure-ish core of `_settleSidecar` shared with the views.
    function _sidecarEarned(
        Position memory pos,
        uint96 snapE,
        Vesting memory v,
        SidecarInfo memory info,
        address sidecar,
        uint96 accM,
        uint96 accE
    ) internal view returns (uint256 m, uint256 e, uint96 newSnapE) {
        if (pos.epoch != info.epoch) {
            // A boundary passed since the last checkpoint: what accrued up to it vested.
            SidecarVest memory vest = _sidecarVest[sidecar];
            (uint96 vestM, uint96 vestE) = (vest.mzku, vest.eth);
            m = v.unvestedMzku + _earned(pos.stake, vestM, pos.snapMzku);
            e = v.unvestedEth + _earned(pos.stake, vestE, snapE);
            (pos.snapMzku, snapE) = (vestM, vestE);
            pos.epoch = info.epoch;
            delete v.unvestedMzku;
            delete v.unvestedEth;
        }
        uint256 dm = _earned(pos.stake, accM, pos.snapMzku);
        uint256 de = _earned(pos.stake, accE, snapE);
        (pos.snapMzku, newSnapE) = (accM, accE);
        if (info.activeProjects == 0) {
            m += dm;
            e += de;
        } else {
            // casting is safe: a sidecar's rewards are parts of the pool's balance, < 2^112
            // forge-lint: disable-next-line(unsafe-typecast)
            v.unvestedMzku += uint112(dm);
            // casting is safe: a sidecar's rewards are parts of the pool's balance, < 2^112
            // forge-lint: disable-next-line(unsafe-typecast)
            v.unvestedEth += uint112(de);
        }
    }

    /// @dev A sidecar stake changes to `newAmount`: settles, forfeits the withdrawn fraction of the
    ///      unvested rewards to the sidecar's remaining stakers, updates the totals.
    function _changeSidecarStake(bytes32 id, Position memory pos, address account, address sidecar, uint256 newAmount)
        internal
        returns (uint256 m, uint256 e)
    {
        uint256 old = pos.stake;
        // casting is safe: stakes <= MAX_STAKE < 2^91, so they fit int256
        // forge-lint: disable-next-line(unsafe-typecast)
        int256 delta = int256(newAmount) - int256(old);
        SidecarInfo memory info = _syncSidecar(sidecar, delta);
        Vesting memory v;
        if (old != 0) v = _vesting[id];
        (m, e) = _settleSidecar(id, pos, v, info, sidecar);
        // casting is safe: totals and stakes are < 2^91, so they fit int256 and the sum is >= 0
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 newTotal = uint256(int256(uint256(info.total)) + delta);
        // casting is safe: the sidecar class's total is the sum of the sidecars' totals, so newTotal <= the
        // class's new total <= MAX_STAKE (checked by `_touchClass` in `_syncSidecar`)
        // forge-lint: disable-next-line(unsafe-typecast)
        // The sidecar's first stake (or a first one after it emptied) makes its boundary slot non-zero,
        // so that its projects' starts update the slot rather than create it (`SidecarVest`).
        if (info.total == 0 && newTotal != 0) _sidecarVest[sidecar].set = true;
        info.total = uint96(newTotal);
        _storeSidecar(_sidecar[sidecar], info);
        if (newAmount < old && (v.unvestedMzku != 0 || v.unvestedEth != 0)) {
            _forfeit(account, sidecar, v, old, newAmount, newTotal);
        }
        if (old != 0) _vesting[id] = v;
    }

    /// @dev Takes the withdrawn fraction (old - new) / old of `v`'s unvested rewards and re-credits it to
    ///      the sidecar's stakers after the change (the treasury if they hold under MIN_ACTIVE_STAKE).
    function _forfeit(
        address account,
        address sidecar,
        Vesting memory v,
        uint256 old,
        uint256 newAmount,
        uint256 newTotal
    ) internal {
        uint256 fm = uint256(v.unvestedMzku) * (old - newAmount) / old;
        uint256 fe = uint256(v.unvestedEth) * (old - newAmount) / old;
        // fm <= unvestedMzku and fe <= unvestedEth: the fraction is at most 1.
        unchecked {
            // casting is safe: fm <= unvestedMzku < 2^112
            // forge-lint: disable-next-line(unsafe-typecast)
            v.unvestedMzku -= uint112(fm);
            // casting is safe: fe <= unvestedEth < 2^112
            // forge-lint: disable-next-line(unsafe-typecast)
            v.unvestedEth -= uint112(fe);
        }
        if (newTotal >= MIN_ACTIVE_STAKE) {
            _reCredit(sidecar, MZKU, fm, newTotal);
            _reCredit(sidecar, ETH, fe, newTotal);
        } else {
            _credit(treasury, fm, fe);
        }
        emit RewardPoolForfeited(account, sidecar, fm, fe);
    }

    function _reCredit(address sidecar, uint256 asset, uint256 amount, uint256 total) internal {
        SidecarAsset storage slot = _sidecarAsset[sidecar][asset];
        (uint96 acc, uint256 carry) = _distribute(slot.acc, slot.carry, amount, total);
        slot.acc = acc;
        // casting is safe: carry < total / 1e18 + 1 <= 2^91 / 1e18 + 1 < 2^32 < 2^40 (see _distribute)
        // forge-lint: disable-next-line(unsafe-typecast)
        slot.carry = uint40(carry);
    }

    // ------------------------------------------------------------------------------------------------
    // Internals: views and helpers
    // ------------------------------------------------------------------------------------------------

    /// @dev Simulates a claim of the position now without writing: (vested M, vested E, unvested M,
    ///      unvested E). Excludes `_owed`.
    function _preview(StakeClass class, address account, address key)
        internal
        view
        returns (uint256 m, uint256 e, uint256 um, uint256 ue)
    {
        uint256 c = _poolClass(class);
        uint96[2] memory acc;
        for (uint256 a = 0; a < 2; ++a) {
            ClassAsset memory ca = _class[c][a];
            Queue memory q = _queue;
            _accrueClass(c, a, ca, _period, q, q.nextLength, block.timestamp);
            acc[a] = ca.acc;
        }
        bytes32 id = _positionId(class, account, key);
        Position memory pos = _positions[id];
        if (class != StakeClass.Sidecar) {
            return (_earned(pos.stake, acc[MZKU], pos.snapMzku), _earned(pos.stake, acc[ETH], _snapEth[id]), 0, 0);
        }
        return _previewSidecar(id, pos, key, acc);
    }

    function _previewSidecar(bytes32 id, Position memory pos, address sidecar, uint96[2] memory classAcc)
        internal
        view
        returns (uint256 m, uint256 e, uint256 um, uint256 ue)
    {
        SidecarInfo memory info = _sidecar[sidecar];
        uint96[2] memory acc;
        for (uint256 a = 0; a < 2; ++a) {
            SidecarAsset memory sa = _sidecarAsset[sidecar][a];
            _accrueSidecar(sa, info.total, classAcc[a]);
            acc[a] = sa.acc;
        }
        Vesting memory v = _vesting[id];
        (m, e,) = _sidecarEarned(pos, _snapEth[id], v, info, sidecar, acc[MZKU], acc[ETH]);
        return (m, e, v.unvestedMzku, v.unvestedEth);
    }

    function _treasuryPart(uint256 amount) internal pure returns (uint256) {
        return amount - amount * GOVERNOR_BPS / BPS - amount * PROVIDER_REQUESTER_BPS / BPS - amount * SIDECAR_BPS / BPS;
    }

    function _weight(uint256 c) internal pure returns (uint256) {
        if (c == 0) return GOVERNOR_BPS;
        if (c == 1) return PROVIDER_REQUESTER_BPS;
        return SIDECAR_BPS;
    }

    function _poolClass(StakeClass class) internal pure returns (uint256) {
        if (class == StakeClass.Governor) return 0;
        if (class == StakeClass.Sidecar) return 2;
        return 1; // Provider and Requester share the 40% class
    }

    function _positionId(StakeClass class, address account, address key) internal pure returns (bytes32) {
        return keccak256(abi.encode(class, account, key));
    }

    function _checkPeriodLength(uint256 length) internal pure {
        if (length < MIN_PERIOD_LENGTH || length > MAX_PERIOD_LENGTH) {
            revert RewardPoolInvalidPeriodLength(length, MIN_PERIOD_LENGTH, MAX_PERIOD_LENGTH);
        }
    }
}
