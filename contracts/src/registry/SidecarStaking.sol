// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {Governed} from "../governance/Governed.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {ISidecarStaking} from "../interfaces/ISidecarStaking.sol";
import {IStakeObserver} from "../interfaces/IStakeObserver.sol";

/// @title SidecarStaking
/// @notice MZKU staked to sidecars [3.1 MZKU Staking Users]. Anyone stakes any amount of MZKU to any
///         sidecar registered in the NodeRegistry, withdraws at any time, and may delegate the election
///         votes of all its staked MZKU (1 MZKU = 1 vote) to one governor candidate.
/// @dev Storage is shaped for the cheapest first stake (one new storage slot):
///      - `_accounts[staker]` packs the staker's "primary" sidecar (the sidecar of its first stake,
///        bits 0-159), its total stake across sidecars (bits 160-254, at most `MAX_ACCOUNT_STAKE`) and a
///        "has a delegate" flag (bit 255). The position at the primary sidecar is implicit:
///        `total - _otherTotal[staker]`. A new staker therefore writes exactly one new slot.
///      - Positions at any other sidecar live in `_positions[sidecar][staker]`, their sum in
///        `_otherTotal[staker]`.
///      - `_sidecars[sidecar]` packs the sidecar's total (bits 0-254) and a "known to the NodeRegistry"
///        flag (bit 255), so the registry is asked only on a sidecar's first stake.
///      Invariants an extension must keep: `total == primaryPosition + _otherTotal`; `total == 0` implies
///      every position and `_otherTotal` are 0; Σ totals == Σ sidecar totals == MZKU held.
///      Delegated votes are checkpointed by timestamp (ERC-6372 "mode=timestamp") so elections read
///      them at a past timepoint that flash loans cannot move. Beside them, a second trace keeps the
///      running integral of each candidate's votes over time (vote-seconds), so an election can average
///      the votes over a window: MZKU delegated for one second around a snapshot weighs one second.
///      The integral is stored as the intercept of a line: between two checkpoints the votes v are
///      constant and the integral is I(t) = b + v * t, so each checkpoint stores `b + _INTERCEPT_OFFSET`
///      (b can be negative; the offset keeps it unsigned) and any I(t) needs two O(log n) lookups.
contract SidecarStaking is ISidecarStaking, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    // ---------------------------------------------------------------- errors

    /// @notice A stake, unstake or permit amount of zero.
    error SidecarStakingZeroAmount();
    /// @notice `sidecar` is not registered in the NodeRegistry.
    error SidecarStakingUnknownSidecar(address sidecar);
    /// @notice `staker` has `have` MZKU at `sidecar` but asked to withdraw `need`.
    error SidecarStakingInsufficientStake(address sidecar, address staker, uint256 have, uint256 need);
    /// @notice The staker's total would be `total`, above the packed-field maximum `max`.
    error SidecarStakingStakeTooLarge(uint256 total, uint256 max);
    /// @notice `staker` already delegates to `candidate`.
    error SidecarStakingAlreadyDelegated(address staker, address candidate);
    /// @notice Votes were asked at `timepoint`, which is not in the past (`now`).
    error SidecarStakingFutureLookup(uint256 timepoint, uint256 now);
    /// @notice An averaging window [`from`, `to`] that is empty or reversed.
    error SidecarStakingInvalidWindow(uint256 from, uint256 to);
    /// @notice `reportStake` while no stake observer is set.
    error SidecarStakingNoStakeObserver();

    // ---------------------------------------------------------------- events

    /// @notice `staker` staked `amount` MZKU to `sidecar`; its position there is now `position`.
    event Staked(address indexed staker, address indexed sidecar, uint256 amount, uint256 position);
    /// @notice `staker` withdrew `amount` MZKU from `sidecar`; its position there is now `position`.
    event Unstaked(address indexed staker, address indexed sidecar, uint256 amount, uint256 position);
    /// @notice `staker` moved its election votes from `fromCandidate` to `toCandidate` (zero = none).
    event DelegateChanged(address indexed staker, address indexed fromCandidate, address indexed toCandidate);
    /// @notice The votes delegated to `candidate` changed from `oldVotes` to `newVotes`.
    event DelegatedVotesChanged(address indexed candidate, uint256 oldVotes, uint256 newVotes);
    /// @notice Governance set the stake observer (zero = none).
    event StakeObserverSet(address indexed observer);

    // ---------------------------------------------------------------- constants and immutables

    /// @notice Largest total stake of one staker (2^95 - 1 wei, about 3.96e10 MZKU).
    uint256 public constant MAX_ACCOUNT_STAKE = (uint256(1) << 95) - 1;
    /// @notice Largest page returned by `sidecars`.
    uint256 public constant MAX_PAGE = 100;

    uint256 private constant _FLAG = uint256(1) << 255;
    uint256 private constant _ADDRESS_MASK = (uint256(1) << 160) - 1;
    /// @dev Added to the stored intercepts: |b| <= votes * time < 2^96 * 2^48 = 2^144 for any MZKU supply
    ///      below 2^96 wei, so b + 2^160 is positive and fits 208 bits.
    uint256 private constant _INTERCEPT_OFFSET = uint256(1) << 160;

    /// @notice The MZKU token.
    IERC20 public immutable token;
    /// @notice The NodeRegistry that says which sidecars exist.
    INodeRegistry public immutable nodeRegistry;

    // ---------------------------------------------------------------- storage

    mapping(address staker => uint256 packed) private _accounts;
    mapping(address sidecar => mapping(address staker => uint256 amount)) private _positions;
    mapping(address staker => uint256 amount) private _otherTotal;
    mapping(address sidecar => uint256 packed) private _sidecars;
    mapping(address staker => address candidate) private _delegates;
    mapping(address candidate => Checkpoints.Trace208) private _votes;
    mapping(address candidate => Checkpoints.Trace208) private _voteIntercepts;

    /// @notice Told of every position change (the pools issue hooks reward accounting here); zero = none.
    IStakeObserver public stakeObserver;

    // ---------------------------------------------------------------- constructor

    /// @param governance_ The Governance contract (the only admin).
    /// @param authorizedCallers Protocol contracts allowed to call restricted functions (none today).
    /// @param token_ The MZKU token.
    /// @param nodeRegistry_ The NodeRegistry.
    constructor(address governance_, address[] memory authorizedCallers, IERC20 token_, INodeRegistry nodeRegistry_)
        Governed(governance_, authorizedCallers)
    {
        if (address(token_) == address(0) || address(nodeRegistry_) == address(0)) revert GovernedZeroAddress();
        token = token_;
        nodeRegistry = nodeRegistry_;
    }

    // ---------------------------------------------------------------- staking

    /// @notice Stakes `amount` MZKU (pulled from the caller, who must have approved this contract) to
    ///         `sidecar`. Adds to the caller's delegate's votes if it has one.
    function stake(address sidecar, uint256 amount) external nonReentrant {
        _stake(msg.sender, sidecar, amount);
    }

    /// @notice `stake` with an EIP-2612 permit for this contract in the same transaction. A permit that
    ///         fails (for example front-run) is ignored; the transfer then needs an existing allowance.
    function stakeWithPermit(address sidecar, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(msg.sender, sidecar, amount);
    }

    /// @notice Withdraws `amount` MZKU of the caller's stake at `sidecar`, at any time. Removes the
    ///         amount from its delegate's votes. (Forfeiting rewards of unfinished projects is done by
    ///         the stake observer, which is told of the change.)
    function unstake(address sidecar, uint256 amount) external nonReentrant {
        if (amount == 0) revert SidecarStakingZeroAmount();
        address staker = msg.sender;
        uint256 acct = _accounts[staker];
        address primary = _primaryOf(acct);
        uint256 total = (acct & ~_FLAG) >> 160;
        uint256 oldPosition;
        if (primary == sidecar && total != 0) {
            oldPosition = total - _otherTotal[staker];
        } else {
            oldPosition = _positions[sidecar][staker];
        }
        if (oldPosition < amount) revert SidecarStakingInsufficientStake(sidecar, staker, oldPosition, amount);
        uint256 newPosition;
        uint256 newTotal;
        // Cannot underflow: amount <= oldPosition <= total, and oldPosition <= _otherTotal on this path.
        unchecked {
            newPosition = oldPosition - amount;
            newTotal = total - amount;
            if (primary != sidecar || total == 0) {
                _positions[sidecar][staker] = newPosition;
                _otherTotal[staker] -= amount;
            }
        }
        uint256 flag = acct & _FLAG;
        if (newTotal == 0) {
            // Empty account: forget the primary sidecar so the next first stake picks a new one.
            _accounts[staker] = flag;
        } else {
            _accounts[staker] = flag | (newTotal << 160) | uint160(primary);
        }
        // Cannot underflow: the sidecar's total includes this position.
        unchecked {
            _sidecars[sidecar] -= amount;
        }
        emit Unstaked(staker, sidecar, amount, newPosition);
        if (flag != 0) _moveVotes(_delegates[staker], address(0), amount);
        IStakeObserver observer = stakeObserver;
        if (address(observer) != address(0)) {
            observer.onStakeChanged(IStakeObserver.StakeClass.Sidecar, staker, sidecar, oldPosition, newPosition);
        }
        token.safeTransfer(staker, amount);
    }

    /// @notice Delegates the election votes of all the caller's staked MZKU (now and later) to
    ///         `candidate`; zero removes the delegation.
    function delegate(address candidate) external {
        address staker = msg.sender;
        address old = _delegates[staker];
        if (old == candidate) revert SidecarStakingAlreadyDelegated(staker, candidate);
        uint256 acct = _accounts[staker];
        _delegates[staker] = candidate;
        _accounts[staker] = candidate == address(0) ? acct & ~_FLAG : acct | _FLAG;
        emit DelegateChanged(staker, old, candidate);
        uint256 total = (acct & ~_FLAG) >> 160;
        if (total != 0) _moveVotes(old, candidate, total);
    }

    /// @notice Sets the contract told of every position change; zero disables the call. Stakes made
    ///         before are not replayed (a loop over stakers anyone can create would be unbounded): the
    ///         observer learns each at the staker's next change, or from `reportStake`.
    /// @dev Governance only.
    function setStakeObserver(IStakeObserver observer) external onlyGovernance {
        stakeObserver = observer;
        emit StakeObserverSet(address(observer));
    }

    /// @notice Tells the stake observer `staker`'s stake at `sidecar` as it is now (old = new). Anyone
    ///         may call it. The observer keeps its own record of each position, so for a stake made
    ///         before it was set this opens the position at the current stake (from now on it earns);
    ///         for a position it knows it is a mere checkpoint (nothing is withdrawn, nothing forfeited).
    function reportStake(address staker, address sidecar) external nonReentrant {
        IStakeObserver observer = stakeObserver;
        if (address(observer) == address(0)) revert SidecarStakingNoStakeObserver();
        uint256 amount = stakeOf(sidecar, staker);
        observer.onStakeChanged(IStakeObserver.StakeClass.Sidecar, staker, sidecar, amount, amount);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ISidecarStaking
    function stakeOf(address sidecar, address staker) public view returns (uint256) {
        uint256 acct = _accounts[staker];
        uint256 total = (acct & ~_FLAG) >> 160;
        if (total != 0 && _primaryOf(acct) == sidecar) return total - _otherTotal[staker];
        return _positions[sidecar][staker];
    }

    /// @inheritdoc ISidecarStaking
    function totalStakedTo(address sidecar) public view returns (uint256) {
        return _sidecars[sidecar] & ~_FLAG;
    }

    /// @inheritdoc ISidecarStaking
    function totalStakeOf(address staker) external view returns (uint256) {
        return (_accounts[staker] & ~_FLAG) >> 160;
    }

    /// @inheritdoc ISidecarStaking
    function delegatedVotes(address candidate) external view returns (uint256) {
        return _votes[candidate].latest();
    }

    /// @notice Votes delegated to `candidate` at the end of `timepoint` (a past unix time). Elections
    ///         read this so stake moved in the election's own block cannot count.
    function delegatedVotesAt(address candidate, uint256 timepoint) external view returns (uint256) {
        if (timepoint >= block.timestamp) revert SidecarStakingFutureLookup(timepoint, block.timestamp);
        return _votes[candidate].upperLookupRecent(SafeCast.toUint48(timepoint));
    }

    /// @notice Integral of the votes delegated to `candidate` from the first delegation to the end of
    ///         `timepoint` (a past unix time), in vote-seconds.
    function delegatedVoteSecondsAt(address candidate, uint256 timepoint) public view returns (uint256) {
        if (timepoint >= block.timestamp) revert SidecarStakingFutureLookup(timepoint, block.timestamp);
        uint48 key = SafeCast.toUint48(timepoint);
        uint256 intercept = _voteIntercepts[candidate].upperLookupRecent(key);
        if (intercept == 0) return 0; // no checkpoint yet at that time
        return intercept + uint256(_votes[candidate].upperLookupRecent(key)) * timepoint - _INTERCEPT_OFFSET;
    }

    /// @inheritdoc ISidecarStaking
    function averageDelegatedVotes(address candidate, uint256 from, uint256 to) external view returns (uint256) {
        if (from >= to) revert SidecarStakingInvalidWindow(from, to);
        return (delegatedVoteSecondsAt(candidate, to) - delegatedVoteSecondsAt(candidate, from)) / (to - from);
    }

    /// @notice The candidate `staker` delegates to (zero = none).
    function delegateOf(address staker) external view returns (address) {
        return _delegates[staker];
    }

    /// @notice Whether `sidecar` has been checked against the NodeRegistry (it had a stake once).
    function isKnownSidecar(address sidecar) external view returns (bool) {
        return _sidecars[sidecar] & _FLAG != 0;
    }

    /// @notice ERC-6372 clock: delegated votes are checkpointed by timestamp.
    function clock() external view returns (uint48) {
        return SafeCast.toUint48(block.timestamp);
    }

    /// @notice ERC-6372 clock mode.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=timestamp";
    }

    /// @notice A page of sidecars with their totals, in NodeRegistry node-id order: nodes
    ///         `offset + 1 .. offset + limit` (limit capped at `MAX_PAGE`).
    /// @return sidecars_ Sidecar address of each node.
    /// @return nodeIds Node id of each entry.
    /// @return totals MZKU staked to each sidecar.
    function sidecars(uint256 offset, uint256 limit)
        external
        view
        returns (address[] memory sidecars_, uint256[] memory nodeIds, uint256[] memory totals)
    {
        uint256 count = nodeRegistry.nodeCount();
        if (limit > MAX_PAGE) limit = MAX_PAGE;
        uint256 n = offset >= count ? 0 : count - offset;
        if (n > limit) n = limit;
        sidecars_ = new address[](n);
        nodeIds = new uint256[](n);
        totals = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = offset + i + 1;
            address sc = nodeRegistry.getNode(id).sidecar;
            sidecars_[i] = sc;
            nodeIds[i] = id;
            totals[i] = totalStakedTo(sc);
        }
    }

    // ---------------------------------------------------------------- internal

    function _stake(address staker, address sidecar, uint256 amount) private {
        if (amount == 0) revert SidecarStakingZeroAmount();
        uint256 sc = _sidecars[sidecar];
        if (sc & _FLAG == 0) {
            if (nodeRegistry.nodeIdOfSidecar(sidecar) == 0) revert SidecarStakingUnknownSidecar(sidecar);
            sc |= _FLAG;
        }
        uint256 acct = _accounts[staker];
        uint256 flag = acct & _FLAG;
        uint256 total = (acct & ~_FLAG) >> 160;
        address primary = total == 0 ? sidecar : _primaryOf(acct);
        uint256 newTotal = total + amount;
        if (newTotal > MAX_ACCOUNT_STAKE) revert SidecarStakingStakeTooLarge(newTotal, MAX_ACCOUNT_STAKE);
        uint256 oldPosition;
        uint256 newPosition;
        if (primary == sidecar) {
            // Implicit position: the first stake of a new staker writes no slot but its account.
            if (total != 0) oldPosition = total - _otherTotal[staker];
            // Cannot overflow: newPosition <= newTotal <= MAX_ACCOUNT_STAKE.
            unchecked {
                newPosition = oldPosition + amount;
            }
        } else {
            oldPosition = _positions[sidecar][staker];
            // Cannot overflow: both are bounded by newTotal <= MAX_ACCOUNT_STAKE.
            unchecked {
                newPosition = oldPosition + amount;
                _positions[sidecar][staker] = newPosition;
                _otherTotal[staker] += amount;
            }
        }
        _accounts[staker] = flag | (newTotal << 160) | uint160(primary);
        _sidecars[sidecar] = sc + amount; // checked: the flag bit leaves 2^255 of room
        emit Staked(staker, sidecar, amount, newPosition);
        if (flag != 0) _moveVotes(address(0), _delegates[staker], amount);
        IStakeObserver observer = stakeObserver;
        if (address(observer) != address(0)) {
            observer.onStakeChanged(IStakeObserver.StakeClass.Sidecar, staker, sidecar, oldPosition, newPosition);
        }
        token.safeTransferFrom(staker, address(this), amount);
    }

    /// @dev The primary sidecar packed in bits 0-159 of an account word.
    function _primaryOf(uint256 acct) private pure returns (address) {
        // casting to 'uint160' is safe because the value is masked to 160 bits first
        // forge-lint: disable-next-line(unsafe-typecast)
        return address(uint160(acct & _ADDRESS_MASK));
    }

    function _moveVotes(address from, address to, uint256 amount) private {
        if (from != address(0)) {
            uint256 old = _votes[from].latest();
            // Cannot underflow: `from` holds at least the delegator's stake.
            uint256 updated;
            unchecked {
                updated = old - amount;
            }
            _writeVotes(from, old, updated);
        }
        if (to != address(0)) {
            uint256 old = _votes[to].latest();
            _writeVotes(to, old, old + amount);
        }
    }

    /// @dev Checkpoints `candidate`'s votes (`old` -> `updated`) and the intercept of its vote-seconds
    ///      line: I(now) = b_old + old * now must equal b_new + updated * now.
    function _writeVotes(address candidate, uint256 old, uint256 updated) private {
        uint48 now_ = SafeCast.toUint48(block.timestamp);
        Checkpoints.Trace208 storage intercepts = _voteIntercepts[candidate];
        uint256 b = intercepts.latest();
        if (b == 0) b = _INTERCEPT_OFFSET;
        b = b + old * block.timestamp - updated * block.timestamp;
        intercepts.push(now_, SafeCast.toUint208(b));
        _votes[candidate].push(now_, SafeCast.toUint208(updated));
        emit DelegatedVotesChanged(candidate, old, updated);
    }
}
