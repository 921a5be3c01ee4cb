// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

import {IGovernance} from "../interfaces/IGovernance.sol";
import {ISidecarStaking} from "../interfaces/ISidecarStaking.sol";
import {IStakeObserver} from "../interfaces/IStakeObserver.sol";
import {GovernorStakeVault} from "./GovernorStakeVault.sol";

/// @title Governance
/// @notice The MZKU government [3.1 Government, 3.6, 5.3] and the only holder of the protocol's admin
///         power: every other contract is `Governed` with `governance` = this contract, and this
///         contract's own parameters change only through its own executed proposals (`onlySelf`).
///
///         Seats: 2n+1. *Initialization* (before `transitionStart`): the n+1 invited governors take a
///         seat by locking at least `minGovernorStake` MZKU. *Transition*: from `transitionStart`
///         candidates lock the minimum and apply; the first election (due at `firstElectionAt`) fills
///         the free seats (2n+1 minus the seated) with the candidates with most votes. *Automated*:
///         every `electionPeriod` the whole list of 2n+1 is re-elected from the seated governors and
///         the candidates. Votes of a candidate = its own locked MZKU at the election's snapshot + the
///         average, over the `voteAveragingWindow` before the snapshot, of the MZKU delegated to it by
///         sidecar stakers (1 MZKU = 1 vote; stake borrowed for a moment counts for that moment only).
///         Ties: more votes, then more own locked stake, then the lower address.
///
///         Locked stake is held by a `GovernorStakeVault` this contract creates; proposals may not
///         call the vault or the token, so no executed proposal can move it. Each governor has at most
///         one proposal in its voting period at a time (proposal rate limit).
///
///         Proposals carry calls (target, value, calldata). Each governor seated when a proposal is
///         created has exactly one vote on it. A proposal passes when at least `quorumBps` of those
///         governors voted and more than half of them voted For; it runs after `executionDelay` and
///         before `executionWindow` more has passed. A governor who misses 3 consecutive proposals
///         is slashed `missedVoteSlash` (sent to `slashReceiver`, the Insurance Pool) by anyone
///         calling `slashAbsentee`, and loses its seat if left under `minGovernorStake`.
/// @dev Every loop is bounded by a constant: seats <= 2 * MAX_SEATS_N + 1, candidates <= MAX_CANDIDATES_CAP,
///      actions <= MAX_ACTIONS. Invariant: Σ (locked + pending withdrawal) == MZKU held by `stakeVault`.
///      Invariant: the stake observer's Governor class holds exactly the locked stake of the seated
///      governors (candidates and former governors are reported at 0).
contract Governance is IGovernance, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    // ---------------------------------------------------------------- types

    /// @notice Governance phase [3.1 Government].
    enum Phase {
        Initialization,
        Transition,
        Automated
    }

    /// @notice Parameters changed by `setParam` (through an executed proposal).
    enum Param {
        SeatsN, // n: 2n+1 seats
        MinGovernorStake, // MZKU wei a governor or candidate must lock
        MissedVoteSlash, // MZKU wei slashed for 3 consecutive missed votes
        VotingPeriod, // seconds a proposal is open for votes
        ExecutionDelay, // seconds between the end of voting and the earliest execution (timelock)
        ExecutionWindow, // seconds after the delay during which a passed proposal can run (then expires)
        QuorumBps, // share of eligible governors who must vote, in basis points
        ElectionPeriod, // seconds between automated elections
        MaxCandidates, // length cap of the candidate list
        WithdrawalDelay, // seconds between a withdrawal request and the withdrawal
        VoteAveragingWindow // seconds over which delegated votes are averaged before an election snapshot
    }

    /// @notice A vote.
    enum Support {
        Against,
        For,
        Abstain
    }

    /// @notice Life of a proposal.
    enum ProposalState {
        Active,
        Defeated,
        Queued, // passed, waiting for the execution delay
        Executable,
        Executed,
        Expired
    }

    /// @notice Why a seat was lost.
    enum UnseatReason {
        Resigned,
        Slashed,
        Election
    }

    /// @notice Why a candidate left the list.
    enum CandidateExit {
        Withdrawn, // requested a withdrawal that left it under the minimum
        Evicted, // a newcomer with more votes took its place in a full list
        Elected, // seated by an election
        Dropped // lost its seat in an election while the list was full
    }

    /// @notice Constructor parameters; see `Param` for their meaning.
    struct Config {
        uint256 seatsN;
        uint256 minGovernorStake;
        uint256 missedVoteSlash;
        uint256 votingPeriod;
        uint256 executionDelay;
        uint256 executionWindow;
        uint256 quorumBps;
        uint256 electionPeriod;
        uint256 maxCandidates;
        uint256 withdrawalDelay;
        uint256 candidacyPeriod; // seconds from transitionStart to the first (Transition) election
        uint256 voteAveragingWindow;
    }

    /// @notice What is stored for a governor, candidate or invitee.
    struct Member {
        uint128 locked; // MZKU locked (counts as own votes)
        uint48 seatedSince; // 0 = not seated
        uint32 seatNonce; // order of seating; eligible for proposals created at a nonce >= this
        uint32 votesCast;
        bool invited; // an Initialization invitation not yet accepted
    }

    struct Exit {
        uint128 pending; // MZKU requested for withdrawal
        uint48 withdrawableAt;
        uint32 missCursor; // last proposal id already counted in a missed-vote slash
    }

    /// @notice Proposal rate limit and the end of the account's last seat (for slashing former governors).
    struct Activity {
        uint48 proposalVoteEnd; // voteEnd of its latest proposal: it may propose again after this time
        uint48 seatEndedAt; // when it last lost its seat (0 = never)
        uint32 seatEndProposal; // proposalCount when it last lost its seat
        bool resigned; // it left that seat by resigning
    }

    /// @notice A proposal (the actions are stored as a hash and given again to `execute`).
    struct Proposal {
        address proposer;
        uint48 createdAt;
        uint48 voteEnd;
        uint48 eta;
        uint48 expiresAt;
        uint32 seatNonce; // governors seated at or before this nonce (and still seated) may vote
        uint16 eligible; // majority base: max(governors seated at creation, n+1)
        uint16 quorum; // votes needed for quorum
        uint16 forVotes;
        uint16 againstVotes;
        uint16 abstainVotes;
        bool executed;
        bytes32 actionsHash;
    }

    // ---------------------------------------------------------------- errors

    /// @notice Only this contract (an executed proposal) may call; `caller` tried.
    error GovernanceOnlySelf(address caller);
    /// @notice The constructor's `candidacyPeriod` is outside [`min`, `max`].
    error GovernanceInvalidCandidacyPeriod(uint256 value, uint256 min, uint256 max);
    /// @notice A zero address was given for a required constructor address.
    error GovernanceZeroAddress();
    /// @notice `count` invitations were given; the constructor needs n+1 = `expected`.
    error GovernanceInvalidInvitations(uint256 count, uint256 expected);
    /// @notice `account` is invited twice.
    error GovernanceDuplicateInvitation(address account);
    /// @notice `value` for `param` is outside [`min`, `max`].
    error GovernanceParamOutOfRange(Param param, uint256 value, uint256 min, uint256 max);
    /// @notice The call needs phase `expected`; it is `current`.
    error GovernanceWrongPhase(Phase current, Phase expected);
    /// @notice `account` has no open invitation.
    error GovernanceNotInvited(address account);
    /// @notice `account` holds a seat (so it cannot do this).
    error GovernanceAlreadyGovernor(address account);
    /// @notice `account` does not hold a seat.
    error GovernanceNotGovernor(address account);
    /// @notice `account` is already a candidate.
    error GovernanceAlreadyCandidate(address account);
    /// @notice `account` is neither seated nor a candidate.
    error GovernanceNotMember(address account);
    /// @notice `account` would lock `have`, under the minimum `need`.
    error GovernanceStakeTooLow(address account, uint256 have, uint256 need);
    /// @notice An amount of zero.
    error GovernanceZeroAmount();
    /// @notice The candidate list is full and `account`'s `votes` do not beat the weakest candidate
    ///         `weakest`'s `weakestVotes`.
    error GovernanceCandidateListFull(address account, uint256 votes, address weakest, uint256 weakestVotes);
    /// @notice `account` has `have` locked, less than `need`.
    error GovernanceInsufficientStake(address account, uint256 have, uint256 need);
    /// @notice `account` has no pending withdrawal.
    error GovernanceNothingToWithdraw(address account);
    /// @notice `account`'s withdrawal opens at `availableAt`.
    error GovernanceWithdrawalLocked(address account, uint256 availableAt);
    /// @notice The next election is due after `dueAt`; it is `now`.
    error GovernanceElectionNotDue(uint256 now, uint256 dueAt);
    /// @notice Proposals need 1..MAX_ACTIONS actions of equal-length arrays.
    error GovernanceInvalidActions(uint256 targets, uint256 values, uint256 calldatas);
    /// @notice No proposal with id `proposalId`.
    error GovernanceUnknownProposal(uint256 proposalId);
    /// @notice Voting on `proposalId` ended at `voteEnd`.
    error GovernanceVotingClosed(uint256 proposalId, uint256 voteEnd);
    /// @notice Voting on `proposalId` is open until `voteEnd`.
    error GovernanceVotingNotEnded(uint256 proposalId, uint256 voteEnd);
    /// @notice `account` was not seated when `proposalId` was created (or lost its seat since).
    error GovernanceNotEligible(uint256 proposalId, address account);
    /// @notice `account` already voted on `proposalId`.
    error GovernanceAlreadyVoted(uint256 proposalId, address account);
    /// @notice `support` is not 0 (Against), 1 (For) or 2 (Abstain).
    error GovernanceInvalidSupport(uint8 support);
    /// @notice `proposalId` is in `state`, not Executable.
    error GovernanceNotExecutable(uint256 proposalId, ProposalState state);
    /// @notice The actions given do not match the ones `proposalId` was created with.
    error GovernanceActionsMismatch(uint256 proposalId);
    /// @notice Action `index` of `proposalId` reverted with `reason`.
    error GovernanceCallFailed(uint256 proposalId, uint256 index, bytes reason);
    /// @notice Proposals up to `missCursor` were already counted against `governor` (asked from `first`).
    error GovernanceMissesAlreadyCounted(address governor, uint256 first, uint256 missCursor);
    /// @notice `governor` voted on `proposalId`, so the misses are not consecutive.
    error GovernanceDidVote(uint256 proposalId, address governor);
    /// @notice Proposals may not call `target` (action `index`): the stake vault or the MZKU token.
    error GovernanceForbiddenTarget(uint256 index, address target);
    /// @notice `proposer`'s previous proposal is open for votes until `voteEnd` (one at a time).
    error GovernanceProposalPending(address proposer, uint256 voteEnd);

    // ---------------------------------------------------------------- events

    /// @notice `account` locked `amount` more MZKU; it now locks `locked`.
    event StakeLocked(address indexed account, uint256 amount, uint256 locked);
    /// @notice `governor` took a seat (its `seatNonce` orders seatings).
    event GovernorSeated(address indexed governor, uint256 seatNonce);
    /// @notice `governor` lost its seat.
    event GovernorUnseated(address indexed governor, UnseatReason reason);
    /// @notice `account` was invited during Initialization.
    event GovernorInvited(address indexed account);
    /// @notice `candidate` joined the candidate list.
    event CandidateApplied(address indexed candidate, uint256 locked);
    /// @notice `candidate` left the candidate list.
    event CandidateRemoved(address indexed candidate, CandidateExit reason);
    /// @notice `account` asked to withdraw `amount`; `pending` is now waiting until `withdrawableAt`.
    event WithdrawalRequested(address indexed account, uint256 amount, uint256 pending, uint256 withdrawableAt);
    /// @notice `account` withdrew `amount` MZKU.
    event Withdrawn(address indexed account, uint256 amount);
    /// @notice Election `electionId` ran with votes read at `snapshot`; `elected` seats were filled.
    event ElectionHeld(uint256 indexed electionId, uint256 snapshot, uint256 elected, uint256 nextElectionAt);
    /// @notice Proposal `proposalId` was created.
    event ProposalCreated(
        uint256 indexed proposalId,
        address indexed proposer,
        address[] targets,
        uint256[] values,
        bytes[] calldatas,
        string description,
        uint256 voteEnd,
        uint256 eta,
        uint256 expiresAt
    );
    /// @notice `governor` voted `support` on `proposalId`.
    event VoteCast(uint256 indexed proposalId, address indexed governor, Support support);
    /// @notice Proposal `proposalId` ran.
    event ProposalExecuted(uint256 indexed proposalId);
    /// @notice `governor` missed proposals `firstProposalId`..`firstProposalId + 2` and lost `amount`
    ///         MZKU to `receiver`.
    event GovernorSlashed(address indexed governor, uint256 amount, uint256 firstProposalId, address receiver);
    /// @notice `param` changed from `oldValue` to `newValue`.
    event ParamChanged(Param indexed param, uint256 oldValue, uint256 newValue);
    /// @notice The stake observer was set (zero = none).
    event StakeObserverSet(address indexed observer);

    // ---------------------------------------------------------------- constants and immutables

    /// @notice Largest n (so at most 31 seats).
    uint256 public constant MAX_SEATS_N = 15;
    /// @notice Largest value `maxCandidates` can take.
    uint256 public constant MAX_CANDIDATES_CAP = 128;
    /// @notice Largest number of calls in one proposal.
    uint256 public constant MAX_ACTIONS = 16;
    /// @notice Consecutive missed votes that trigger a slash [3.1 Government].
    uint256 public constant MISSED_VOTES_LIMIT = 3;

    uint256 private constant _BPS = 10_000;
    uint256 private constant _PARAM_COUNT = 11;

    /// @notice The MZKU token.
    IERC20 public immutable token;
    /// @notice Where delegated election votes are read from.
    ISidecarStaking public immutable sidecarStaking;
    /// @notice Receiver of slashed MZKU (the Insurance Pool). Slashes are plain transfers, so a
    ///         receiver can never block a slash.
    address public immutable slashReceiver;
    /// @notice Start of the Transition phase (applications open).
    uint256 public immutable transitionStart;
    /// @notice When the Transition election becomes due.
    uint256 public immutable firstElectionAt;
    /// @notice Holds every governor's and candidate's locked and pending MZKU (created by this contract).
    GovernorStakeVault public immutable stakeVault;

    // ---------------------------------------------------------------- storage

    uint256[_PARAM_COUNT] private _params;
    mapping(address account => Member) private _members;
    mapping(address account => Exit) private _exits;
    mapping(address account => Activity) private _activity;
    mapping(address account => Checkpoints.Trace208) private _lockedHistory;
    address[] private _seats;
    mapping(address account => uint256 indexPlusOne) private _seatIndex;
    address[] private _candidates;
    mapping(address account => uint256 indexPlusOne) private _candidateIndex;
    uint32 private _seatNonce;
    bool private _transitionDone;
    /// @notice Elections held so far.
    uint256 public electionCount;
    /// @notice When the next election becomes due (it can run once this time has passed).
    uint256 public nextElectionAt;
    /// @notice Proposals created so far (ids are 1..proposalCount).
    uint256 public proposalCount;
    mapping(uint256 proposalId => Proposal) private _proposals;
    mapping(uint256 proposalId => mapping(address governor => uint8 receipt)) private _receipts; // 1 + Support
    /// @notice Told of every locked-stake change (class Governor); zero = none.
    IStakeObserver public stakeObserver;

    modifier onlySelf() {
        if (msg.sender != address(this)) revert GovernanceOnlySelf(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- constructor

    /// @param token_ The MZKU token.
    /// @param sidecarStaking_ SidecarStaking (delegated election votes).
    /// @param slashReceiver_ Receiver of slashed MZKU (the Insurance Pool).
    /// @param invited The n+1 Initialization governors (n = config.seatsN).
    /// @param transitionStart_ Unix time the Transition phase starts.
    /// @param config Initial parameters, checked against the same bounds as `setParam`.
    constructor(
        IERC20 token_,
        ISidecarStaking sidecarStaking_,
        address slashReceiver_,
        address[] memory invited,
        uint256 transitionStart_,
        Config memory config
    ) {
        if (address(token_) == address(0) || address(sidecarStaking_) == address(0) || slashReceiver_ == address(0)) {
            revert GovernanceZeroAddress();
        }
        token = token_;
        sidecarStaking = sidecarStaking_;
        slashReceiver = slashReceiver_;
        stakeVault = new GovernorStakeVault(token_);
        uint256[_PARAM_COUNT] memory values = [
            config.seatsN,
            config.minGovernorStake,
            config.missedVoteSlash,
            config.votingPeriod,
            config.executionDelay,
            config.executionWindow,
            config.quorumBps,
            config.electionPeriod,
            config.maxCandidates,
            config.withdrawalDelay,
            config.voteAveragingWindow
        ];
        for (uint256 i = 0; i < _PARAM_COUNT; ++i) {
            _setParam(Param(i), values[i]);
        }
        if (config.candidacyPeriod < 1 hours || config.candidacyPeriod > 365 days) {
            revert GovernanceInvalidCandidacyPeriod(config.candidacyPeriod, 1 hours, 365 days);
        }
        transitionStart = transitionStart_;
        firstElectionAt = transitionStart_ + config.candidacyPeriod;
        nextElectionAt = firstElectionAt;
        if (invited.length != config.seatsN + 1) {
            revert GovernanceInvalidInvitations(invited.length, config.seatsN + 1);
        }
        for (uint256 i = 0; i < invited.length; ++i) {
            address a = invited[i];
            if (a == address(0)) revert GovernanceZeroAddress();
            if (_members[a].invited) revert GovernanceDuplicateInvitation(a);
            _members[a].invited = true;
            emit GovernorInvited(a);
        }
    }

    /// @notice Takes ETH that proposals may send (`values`).
    receive() external payable {}

    // ---------------------------------------------------------------- membership

    /// @notice Takes the caller's invited seat by locking `amount` MZKU (pulled; total locked must reach
    ///         `minGovernorStake`). Initialization phase only.
    function acceptInvitation(uint256 amount) external nonReentrant {
        _acceptInvitation(amount);
    }

    /// @notice `acceptInvitation` with an EIP-2612 permit for `amount`.
    function acceptInvitationWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        _permit(amount, deadline, v, r, s);
        _acceptInvitation(amount);
    }

    /// @notice Joins the candidate list, locking `amount` more MZKU (total locked must reach
    ///         `minGovernorStake`). From `transitionStart`; not for seated governors. If the list is
    ///         full, the caller's votes must beat the weakest candidate's, who is evicted (its stake stays
    ///         locked until it requests a withdrawal). Votes are read at the previous second.
    function applyAsCandidate(uint256 amount) external nonReentrant {
        _apply(amount);
    }

    /// @notice `applyAsCandidate` with an EIP-2612 permit for `amount`.
    function applyAsCandidateWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        _permit(amount, deadline, v, r, s);
        _apply(amount);
    }

    /// @notice Locks `amount` more MZKU; the caller must be seated or a candidate.
    function addStake(uint256 amount) external nonReentrant {
        _addStake(amount);
    }

    /// @notice `addStake` with an EIP-2612 permit for `amount`.
    function addStakeWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external nonReentrant {
        _permit(amount, deadline, v, r, s);
        _addStake(amount);
    }

    /// @notice Starts the withdrawal of `amount` locked MZKU; it can be taken `withdrawalDelay` later
    ///         (a new request restarts the delay for the whole pending amount). Not while seated. A
    ///         candidate left under the minimum leaves the candidate list.
    function requestWithdrawal(uint256 amount) external {
        address account = msg.sender;
        Member storage m = _members[account];
        if (m.seatedSince != 0) revert GovernanceAlreadyGovernor(account);
        if (amount == 0) revert GovernanceZeroAmount();
        uint256 old = m.locked;
        if (old < amount) revert GovernanceInsufficientStake(account, old, amount);
        // Cannot underflow: checked above. Cannot overflow: pending + locked <= MZKU supply < 2^128.
        uint256 locked;
        unchecked {
            locked = old - amount;
        }
        _setLocked(account, locked);
        Exit storage e = _exits[account];
        uint256 pending = e.pending + amount;
        uint256 at = block.timestamp + _params[uint256(Param.WithdrawalDelay)];
        e.pending = SafeCast.toUint128(pending);
        e.withdrawableAt = SafeCast.toUint48(at);
        emit WithdrawalRequested(account, amount, pending, at);
        if (_candidateIndex[account] != 0 && locked < _params[uint256(Param.MinGovernorStake)]) {
            _removeCandidate(account, CandidateExit.Withdrawn);
        }
        // Not seated: its reward stake is 0 before and after, so the observer is not told.
    }

    /// @notice Sends the caller its pending withdrawal once the delay has passed.
    function withdraw() external nonReentrant {
        address account = msg.sender;
        Exit storage e = _exits[account];
        uint256 amount = e.pending;
        if (amount == 0) revert GovernanceNothingToWithdraw(account);
        if (block.timestamp < e.withdrawableAt) revert GovernanceWithdrawalLocked(account, e.withdrawableAt);
        e.pending = 0;
        e.withdrawableAt = 0;
        emit Withdrawn(account, amount);
        stakeVault.release(account, amount);
    }

    /// @notice Gives up the caller's seat (its stake stays locked until it requests a withdrawal). The
    ///         proposals it could vote on and did not, open ones included, still count as missed votes
    ///         (`slashAbsentee` reaches former governors).
    function resign() external nonReentrant {
        if (_members[msg.sender].seatedSince == 0) revert GovernanceNotGovernor(msg.sender);
        _unseat(msg.sender, UnseatReason.Resigned);
    }

    // ---------------------------------------------------------------- elections

    /// @notice Runs the due election; anyone may call once `nextElectionAt` has passed. Votes are read
    ///         at `nextElectionAt` (own locked stake at that time + delegated votes averaged over the
    ///         `voteAveragingWindow` before it). The first (Transition) election fills the free seats from the
    ///         candidates; later (Automated) elections re-elect all 2n+1 seats from the seated governors
    ///         and the candidates. Accounts locking less than `minGovernorStake` are not ranked.
    ///         Not seated candidates stay candidates; governors who lose their seat become candidates
    ///         while the list has room.
    function runElection() external nonReentrant {
        uint256 snapshot = nextElectionAt;
        if (block.timestamp <= snapshot) revert GovernanceElectionNotDue(block.timestamp, snapshot);
        bool automated = _transitionDone;
        uint256 minStake = _params[uint256(Param.MinGovernorStake)];
        uint256 seatsTotal = 2 * _params[uint256(Param.SeatsN)] + 1;
        uint256 seated = _seats.length;

        // Rank the pool (bounded: seats <= 31, candidates <= MAX_CANDIDATES_CAP).
        uint256 poolMax = (automated ? seated : 0) + _candidates.length;
        address[] memory pool = new address[](poolMax);
        uint256[] memory votes = new uint256[](poolMax);
        uint256[] memory own = new uint256[](poolMax);
        uint256 size;
        for (uint256 i = 0; i < poolMax; ++i) {
            address a = (automated && i < seated) ? _seats[i] : _candidates[i - (automated ? seated : 0)];
            // Ranked only with the minimum locked both now and at the snapshot; ranked by the snapshot.
            if (_members[a].locked < minStake) continue;
            uint256 ownAt = _lockedHistory[a].upperLookupRecent(SafeCast.toUint48(snapshot));
            if (ownAt < minStake) continue;
            pool[size] = a;
            own[size] = ownAt;
            votes[size] = ownAt + _averageDelegatedVotes(a, snapshot);
            ++size;
        }
        uint256 toFill = automated ? seatsTotal : (seatsTotal > seated ? seatsTotal - seated : 0);
        uint256 winners = toFill < size ? toFill : size;
        for (uint256 i = 0; i < winners; ++i) {
            uint256 best = i;
            for (uint256 j = i + 1; j < size; ++j) {
                if (_ranksAbove(votes[j], own[j], pool[j], votes[best], own[best], pool[best])) best = j;
            }
            if (best != i) {
                (pool[i], pool[best]) = (pool[best], pool[i]);
                (votes[i], votes[best]) = (votes[best], votes[i]);
                (own[i], own[best]) = (own[best], own[i]);
            }
        }

        if (automated) {
            // Unseat the governors who were not re-elected (losers first become candidates if room).
            for (uint256 i = seated; i > 0; --i) {
                address g = _seats[i - 1];
                bool kept;
                for (uint256 w = 0; w < winners; ++w) {
                    if (pool[w] == g) {
                        kept = true;
                        break;
                    }
                }
                if (!kept) {
                    _unseat(g, UnseatReason.Election);
                    if (_members[g].locked >= minStake && _candidates.length < _params[uint256(Param.MaxCandidates)]) {
                        _addCandidate(g);
                    } else {
                        emit CandidateRemoved(g, CandidateExit.Dropped);
                    }
                }
            }
        }
        for (uint256 w = 0; w < winners; ++w) {
            address a = pool[w];
            if (_candidateIndex[a] != 0) _removeCandidate(a, CandidateExit.Elected);
            if (_members[a].seatedSince == 0) _seat(a);
        }

        _transitionDone = true;
        uint256 id = ++electionCount;
        uint256 next = block.timestamp + _params[uint256(Param.ElectionPeriod)];
        nextElectionAt = next;
        emit ElectionHeld(id, snapshot, winners, next);
    }

    // ---------------------------------------------------------------- proposals

    /// @notice Creates a proposal of calls; seated governors only, each with at most one proposal open
    ///         for votes at a time. Calls may not target the stake vault or the MZKU token. Voting opens
    ///         at once for `votingPeriod`; the governors seated now are the ones who may vote.
    /// @return proposalId The new proposal's id (sequential from 1).
    function propose(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        string calldata description
    ) external returns (uint256 proposalId) {
        if (_members[msg.sender].seatedSince == 0) revert GovernanceNotGovernor(msg.sender);
        Activity storage act = _activity[msg.sender];
        uint256 pendingEnd = act.proposalVoteEnd;
        if (block.timestamp <= pendingEnd) revert GovernanceProposalPending(msg.sender, pendingEnd);
        uint256 len = targets.length;
        if (len == 0 || len > MAX_ACTIONS || values.length != len || calldatas.length != len) {
            revert GovernanceInvalidActions(len, values.length, calldatas.length);
        }
        for (uint256 i = 0; i < len; ++i) {
            address t = targets[i];
            if (t == address(stakeVault) || t == address(token)) revert GovernanceForbiddenTarget(i, t);
        }
        proposalId = _storeProposal(keccak256(abi.encode(targets, values, calldatas)));
        Proposal storage p = _proposals[proposalId];
        act.proposalVoteEnd = p.voteEnd;
        emit ProposalCreated(
            proposalId, msg.sender, targets, values, calldatas, description, p.voteEnd, p.eta, p.expiresAt
        );
    }

    /// @notice Casts the caller's one vote on `proposalId`: 0 Against, 1 For, 2 Abstain. Only governors
    ///         seated when the proposal was created and still seated; once each.
    function castVote(uint256 proposalId, uint8 support) external {
        if (support > uint8(Support.Abstain)) revert GovernanceInvalidSupport(support);
        Proposal storage p = _proposal(proposalId);
        if (block.timestamp > p.voteEnd) revert GovernanceVotingClosed(proposalId, p.voteEnd);
        address g = msg.sender;
        Member storage m = _members[g];
        if (m.seatedSince == 0 || m.seatNonce > p.seatNonce) revert GovernanceNotEligible(proposalId, g);
        if (_receipts[proposalId][g] != 0) revert GovernanceAlreadyVoted(proposalId, g);
        _receipts[proposalId][g] = support + 1;
        // Cannot overflow: each eligible governor (<= 31) votes once.
        unchecked {
            if (support == uint8(Support.For)) ++p.forVotes;
            else if (support == uint8(Support.Against)) ++p.againstVotes;
            else ++p.abstainVotes;
            ++m.votesCast;
        }
        emit VoteCast(proposalId, g, Support(support));
    }

    /// @notice Runs a passed proposal's calls in order, once its delay has passed and before it
    ///         expires; anyone may call. Reverts (undoing every call) if a call reverts.
    function execute(
        uint256 proposalId,
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas
    ) external payable {
        ProposalState st = state(proposalId);
        if (st != ProposalState.Executable) revert GovernanceNotExecutable(proposalId, st);
        Proposal storage p = _proposals[proposalId];
        if (keccak256(abi.encode(targets, values, calldatas)) != p.actionsHash) {
            revert GovernanceActionsMismatch(proposalId);
        }
        p.executed = true;
        emit ProposalExecuted(proposalId);
        for (uint256 i = 0; i < targets.length; ++i) {
            (bool ok, bytes memory ret) = targets[i].call{value: values[i]}(calldatas[i]);
            if (!ok) revert GovernanceCallFailed(proposalId, i, ret);
        }
    }

    /// @notice Slashes `governor` `missedVoteSlash` MZKU (to `slashReceiver`) for missing the three
    ///         consecutive proposals `firstProposalId`..`firstProposalId + 2`, all created while it held
    ///         its (last) seat. A seated governor: all three closed. A former governor: all created before
    ///         it lost its seat and closed by then, or, if it resigned, possibly still open when it did
    ///         (resigning does not erase misses). Each missed proposal counts once. The slash takes locked
    ///         stake first, then a pending withdrawal. A seated governor left under `minGovernorStake`
    ///         loses its seat. Anyone may call.
    function slashAbsentee(address governor, uint256 firstProposalId) external nonReentrant {
        Member storage m = _members[governor];
        bool seated = m.seatedSince != 0;
        Activity memory act = _activity[governor];
        if (!seated && act.seatEndedAt == 0) revert GovernanceNotGovernor(governor);
        Exit storage e = _exits[governor];
        if (firstProposalId <= e.missCursor) {
            revert GovernanceMissesAlreadyCounted(governor, firstProposalId, e.missCursor);
        }
        uint256 last = firstProposalId + MISSED_VOTES_LIMIT - 1;
        if (last > proposalCount) revert GovernanceUnknownProposal(last);
        for (uint256 id = firstProposalId; id <= last; ++id) {
            Proposal storage p = _proposal(id);
            if (m.seatNonce > p.seatNonce) revert GovernanceNotEligible(id, governor);
            if (seated) {
                if (block.timestamp <= p.voteEnd) revert GovernanceVotingNotEnded(id, p.voteEnd);
            } else {
                if (id > act.seatEndProposal) revert GovernanceNotEligible(id, governor);
                if (!act.resigned && p.voteEnd >= act.seatEndedAt) revert GovernanceVotingNotEnded(id, p.voteEnd);
            }
            if (_receipts[id][governor] != 0) revert GovernanceDidVote(id, governor);
        }
        e.missCursor = SafeCast.toUint32(last);
        uint256 locked = m.locked;
        uint256 pending = e.pending;
        uint256 slash = _params[uint256(Param.MissedVoteSlash)];
        if (slash > locked + pending) slash = locked + pending;
        uint256 fromLocked = slash < locked ? slash : locked;
        // Cannot underflow: fromLocked <= locked and slash - fromLocked <= pending.
        unchecked {
            locked -= fromLocked;
            pending -= slash - fromLocked;
        }
        emit GovernorSlashed(governor, slash, firstProposalId, slashReceiver);
        if (fromLocked != 0) _setLocked(governor, locked);
        if (slash != fromLocked) e.pending = SafeCast.toUint128(pending);
        if (seated && locked < _params[uint256(Param.MinGovernorStake)]) _unseat(governor, UnseatReason.Slashed);
        if (slash != 0) stakeVault.release(slashReceiver, slash);
    }

    // ---------------------------------------------------------------- self-governed parameters

    /// @notice Sets `which` to `value` (bounds in `paramBounds`).
    /// @dev Only this contract, i.e. an executed proposal. A smaller n takes effect at the next
    ///      election; a larger minimum applies to new locks and to elections.
    function setParam(Param which, uint256 value) external onlySelf {
        _setParam(which, value);
    }

    /// @notice Sets the contract told of every change of a seated governor's locked stake (class
    ///         Governor); zero disables the call. The governors seated now are reported to it at once
    ///         (0 -> locked), and to the previous observer as leaving (locked -> 0), so its Governor class
    ///         holds exactly the seated governors' stake whenever it is set.
    /// @dev Only this contract, i.e. an executed proposal. Bounded: seats <= 2 * MAX_SEATS_N + 1.
    function setStakeObserver(IStakeObserver observer) external onlySelf {
        IStakeObserver old = stakeObserver;
        stakeObserver = observer;
        emit StakeObserverSet(address(observer));
        uint256 n = _seats.length;
        for (uint256 i = 0; i < n; ++i) {
            address g = _seats[i];
            uint256 locked = _members[g].locked;
            if (locked == 0) continue;
            if (address(old) != address(0)) {
                old.onStakeChanged(IStakeObserver.StakeClass.Governor, g, address(0), locked, 0);
            }
            if (address(observer) != address(0)) {
                observer.onStakeChanged(IStakeObserver.StakeClass.Governor, g, address(0), 0, locked);
            }
        }
    }

    // ---------------------------------------------------------------- views

    /// @notice The current phase.
    function phase() public view returns (Phase) {
        if (_transitionDone) return Phase.Automated;
        return block.timestamp < transitionStart ? Phase.Initialization : Phase.Transition;
    }

    /// @notice The current value of `param`.
    function param(Param p) external view returns (uint256) {
        return _params[uint256(p)];
    }

    /// @notice Inclusive bounds `setParam` accepts for `param`.
    function paramBounds(Param p) public pure returns (uint256 min, uint256 max) {
        if (p == Param.SeatsN) return (1, MAX_SEATS_N);
        if (p == Param.MinGovernorStake) return (1, type(uint128).max);
        if (p == Param.MissedVoteSlash) return (0, type(uint128).max);
        if (p == Param.VotingPeriod) return (1 hours, 30 days);
        if (p == Param.ExecutionDelay) return (1 hours, 30 days);
        if (p == Param.ExecutionWindow) return (1 days, 90 days);
        if (p == Param.QuorumBps) return (1, _BPS);
        if (p == Param.ElectionPeriod) return (1 days, 730 days);
        if (p == Param.MaxCandidates) return (1, MAX_CANDIDATES_CAP);
        if (p == Param.WithdrawalDelay) return (0, 365 days);
        return (1 days, 365 days); // VoteAveragingWindow
    }

    /// @notice n: there are 2n+1 seats.
    function seatsN() external view returns (uint256) {
        return _params[uint256(Param.SeatsN)];
    }

    /// @notice MZKU wei a governor or candidate must lock.
    function minGovernorStake() external view returns (uint256) {
        return _params[uint256(Param.MinGovernorStake)];
    }

    /// @notice MZKU wei slashed for 3 consecutive missed votes.
    function missedVoteSlash() external view returns (uint256) {
        return _params[uint256(Param.MissedVoteSlash)];
    }

    /// @inheritdoc IGovernance
    function isGovernor(address account) external view returns (bool) {
        return _members[account].seatedSince != 0;
    }

    /// @inheritdoc IGovernance
    function governorCount() external view returns (uint256) {
        return _seats.length;
    }

    /// @inheritdoc IGovernance
    function lockedStake(address account) external view returns (uint256) {
        return _members[account].locked;
    }

    /// @inheritdoc IGovernance
    function governors() external view returns (address[] memory) {
        return _seats;
    }

    /// @notice Membership record of `account`.
    function member(address account) external view returns (Member memory) {
        return _members[account];
    }

    /// @notice Withdrawal and slash record of `account`: pending withdrawal, when it opens, and the
    ///         last proposal already counted in a missed-vote slash.
    function exitOf(address account) external view returns (Exit memory) {
        return _exits[account];
    }

    /// @notice Whether `account` is on the candidate list.
    function isCandidate(address account) external view returns (bool) {
        return _candidateIndex[account] != 0;
    }

    /// @notice Length of the candidate list.
    function candidateCount() external view returns (uint256) {
        return _candidates.length;
    }

    /// @notice A page of the candidate list (order changes when candidates leave).
    function candidates(uint256 offset, uint256 limit) external view returns (address[] memory page) {
        uint256 len = _candidates.length;
        uint256 n = offset >= len ? 0 : len - offset;
        if (n > limit) n = limit;
        page = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            page[i] = _candidates[offset + i];
        }
    }

    /// @notice Election votes of `account` as an election with its snapshot at the previous second would
    ///         count them: locked stake then + delegated votes averaged over the `voteAveragingWindow`
    ///         before.
    function electionVotes(address account) external view returns (uint256) {
        return electionVotesAt(account, block.timestamp - 1);
    }

    /// @notice Election votes of `account` with the snapshot at `timepoint` (a past time): own locked
    ///         stake at `timepoint` + delegated votes averaged over [`timepoint` - window, `timepoint`].
    function electionVotesAt(address account, uint256 timepoint) public view returns (uint256) {
        return lockedStakeAt(account, timepoint) + _averageDelegatedVotes(account, timepoint);
    }

    /// @notice MZKU `account` had locked at the end of `timepoint`.
    function lockedStakeAt(address account, uint256 timepoint) public view returns (uint256) {
        return _lockedHistory[account].upperLookupRecent(SafeCast.toUint48(timepoint));
    }

    /// @notice Proposal rate limit and the end of `account`'s last seat.
    function activityOf(address account) external view returns (Activity memory) {
        return _activity[account];
    }

    /// @notice Proposal `proposalId`.
    function proposal(uint256 proposalId) external view returns (Proposal memory) {
        return _proposal(proposalId);
    }

    /// @notice The vote `governor` cast on `proposalId`: 0 none, else 1 + Support.
    function receipt(uint256 proposalId, address governor) external view returns (uint8) {
        return _receipts[proposalId][governor];
    }

    /// @notice State of `proposalId`.
    function state(uint256 proposalId) public view returns (ProposalState) {
        Proposal storage p = _proposal(proposalId);
        if (p.executed) return ProposalState.Executed;
        if (block.timestamp <= p.voteEnd) return ProposalState.Active;
        uint256 cast = uint256(p.forVotes) + p.againstVotes + p.abstainVotes;
        if (cast < p.quorum || uint256(p.forVotes) * 2 <= p.eligible) return ProposalState.Defeated;
        if (block.timestamp < p.eta) return ProposalState.Queued;
        if (block.timestamp < p.expiresAt) return ProposalState.Executable;
        return ProposalState.Expired;
    }

    // ---------------------------------------------------------------- internal

    function _proposal(uint256 proposalId) private view returns (Proposal storage p) {
        if (proposalId == 0 || proposalId > proposalCount) revert GovernanceUnknownProposal(proposalId);
        p = _proposals[proposalId];
    }

    function _storeProposal(bytes32 actionsHash) private returns (uint256 proposalId) {
        proposalId = ++proposalCount;
        uint256 voteEnd = block.timestamp + _params[uint256(Param.VotingPeriod)];
        uint256 eta = voteEnd + _params[uint256(Param.ExecutionDelay)];
        uint256 expiresAt = eta + _params[uint256(Param.ExecutionWindow)];
        // Majority and quorum base: the governors seated now, but never fewer than n+1, so that while
        // the invited founders are still taking their seats one of them cannot pass proposals alone.
        uint256 eligible = _seats.length;
        uint256 floor = _params[uint256(Param.SeatsN)] + 1;
        if (eligible < floor) eligible = floor;
        // Cannot overflow: eligible <= 31 and quorumBps <= 10_000.
        uint256 quorum;
        unchecked {
            quorum = (eligible * _params[uint256(Param.QuorumBps)] + _BPS - 1) / _BPS;
        }
        Proposal storage p = _proposals[proposalId];
        p.proposer = msg.sender;
        p.createdAt = uint48(block.timestamp);
        p.voteEnd = SafeCast.toUint48(voteEnd);
        p.eta = SafeCast.toUint48(eta);
        p.expiresAt = SafeCast.toUint48(expiresAt);
        p.seatNonce = _seatNonce;
        p.eligible = SafeCast.toUint16(eligible);
        p.quorum = SafeCast.toUint16(quorum);
        p.actionsHash = actionsHash;
    }

    function _acceptInvitation(uint256 amount) private {
        address account = msg.sender;
        Phase ph = phase();
        if (ph != Phase.Initialization) revert GovernanceWrongPhase(ph, Phase.Initialization);
        Member storage m = _members[account];
        if (!m.invited) revert GovernanceNotInvited(account);
        m.invited = false;
        _lock(account, amount, true);
        _seat(account);
    }

    function _apply(uint256 amount) private {
        address account = msg.sender;
        if (block.timestamp < transitionStart) revert GovernanceWrongPhase(Phase.Initialization, Phase.Transition);
        if (_members[account].seatedSince != 0) revert GovernanceAlreadyGovernor(account);
        if (_candidateIndex[account] != 0) revert GovernanceAlreadyCandidate(account);
        uint256 locked = _lock(account, amount, true);
        if (_candidates.length >= _params[uint256(Param.MaxCandidates)]) {
            uint256 t = block.timestamp - 1;
            uint256 mine = locked + _averageDelegatedVotes(account, t);
            address weakest;
            uint256 weakestVotes;
            uint256 weakestOwn;
            for (uint256 i = 0; i < _candidates.length; ++i) {
                address c = _candidates[i];
                uint256 o = _members[c].locked;
                uint256 v = o + _averageDelegatedVotes(c, t);
                if (i == 0 || _ranksAbove(weakestVotes, weakestOwn, weakest, v, o, c)) {
                    (weakest, weakestVotes, weakestOwn) = (c, v, o);
                }
            }
            if (!_ranksAbove(mine, locked, account, weakestVotes, weakestOwn, weakest)) {
                revert GovernanceCandidateListFull(account, mine, weakest, weakestVotes);
            }
            _removeCandidate(weakest, CandidateExit.Evicted);
        }
        _addCandidate(account);
    }

    function _addStake(uint256 amount) private {
        address account = msg.sender;
        if (_members[account].seatedSince == 0 && _candidateIndex[account] == 0) revert GovernanceNotMember(account);
        if (amount == 0) revert GovernanceZeroAmount();
        _lock(account, amount, false);
    }

    /// @dev Pulls `amount` from the caller and adds it to its locked stake; optionally checks the minimum.
    function _lock(address account, uint256 amount, bool checkMin) private returns (uint256 locked) {
        locked = _members[account].locked + amount;
        if (checkMin) {
            uint256 need = _params[uint256(Param.MinGovernorStake)];
            if (locked < need) revert GovernanceStakeTooLow(account, locked, need);
        }
        emit StakeLocked(account, amount, locked);
        _setLocked(account, locked);
        // Straight into the vault: Governance itself never holds locked stake.
        if (amount != 0) token.safeTransferFrom(account, address(stakeVault), amount);
    }

    function _permit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) private {
        // A failed permit (for example front-run with the same signature) is ignored: the transfer
        // then needs an allowance, which the front-run permit has set.
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
    }

    function _seat(address account) private {
        Member storage m = _members[account];
        uint32 nonce = ++_seatNonce;
        m.seatedSince = uint48(block.timestamp);
        m.seatNonce = nonce;
        _seats.push(account);
        _seatIndex[account] = _seats.length;
        emit GovernorSeated(account, nonce);
        _notify(account, 0, m.locked);
    }

    function _unseat(address account, UnseatReason reason) private {
        Member storage m = _members[account];
        m.seatedSince = 0;
        Activity storage act = _activity[account];
        act.seatEndedAt = uint48(block.timestamp);
        act.seatEndProposal = SafeCast.toUint32(proposalCount);
        act.resigned = reason == UnseatReason.Resigned;
        uint256 idx = _seatIndex[account] - 1;
        uint256 lastIdx = _seats.length - 1;
        if (idx != lastIdx) {
            address moved = _seats[lastIdx];
            _seats[idx] = moved;
            _seatIndex[moved] = idx + 1;
        }
        _seats.pop();
        delete _seatIndex[account];
        emit GovernorUnseated(account, reason);
        _notify(account, m.locked, 0);
    }

    function _addCandidate(address account) private {
        _candidates.push(account);
        _candidateIndex[account] = _candidates.length;
        emit CandidateApplied(account, _members[account].locked);
    }

    function _removeCandidate(address account, CandidateExit reason) private {
        uint256 idx = _candidateIndex[account] - 1;
        uint256 lastIdx = _candidates.length - 1;
        if (idx != lastIdx) {
            address moved = _candidates[lastIdx];
            _candidates[idx] = moved;
            _candidateIndex[moved] = idx + 1;
        }
        _candidates.pop();
        delete _candidateIndex[account];
        emit CandidateRemoved(account, reason);
    }

    /// @dev Tie-break: more votes, then more own locked stake, then the lower address.
    function _ranksAbove(uint256 votesA, uint256 ownA, address a, uint256 votesB, uint256 ownB, address b)
        private
        pure
        returns (bool)
    {
        if (votesA != votesB) return votesA > votesB;
        if (ownA != ownB) return ownA > ownB;
        return a < b;
    }

    function _setParam(Param p, uint256 value) private {
        (uint256 min, uint256 max) = paramBounds(p);
        // Never fewer seats than governors seated now: seated <= 2n+1 always holds.
        if (p == Param.SeatsN && _seats.length > 2 * min + 1) min = _seats.length / 2;
        if (value < min || value > max) revert GovernanceParamOutOfRange(p, value, min, max);
        uint256 old = _params[uint256(p)];
        _params[uint256(p)] = value;
        emit ParamChanged(p, old, value);
    }

    /// @dev Writes `account`'s locked stake, checkpoints it (elections read it at their snapshot) and, if
    ///      the account is seated, tells the observer (only seated governors' stake earns).
    function _setLocked(address account, uint256 newLocked) private {
        Member storage m = _members[account];
        uint256 old = m.locked;
        m.locked = SafeCast.toUint128(newLocked);
        _lockedHistory[account].push(SafeCast.toUint48(block.timestamp), SafeCast.toUint208(newLocked));
        if (m.seatedSince != 0) _notify(account, old, newLocked);
    }

    /// @dev Delegated votes of `account` averaged over [t - voteAveragingWindow, t] (t in the past).
    function _averageDelegatedVotes(address account, uint256 t) private view returns (uint256) {
        uint256 window = _params[uint256(Param.VoteAveragingWindow)];
        return sidecarStaking.averageDelegatedVotes(account, t - window, t);
    }

    function _notify(address account, uint256 oldAmount, uint256 newAmount) private {
        IStakeObserver observer = stakeObserver;
        if (address(observer) != address(0) && oldAmount != newAmount) {
            observer.onStakeChanged(IStakeObserver.StakeClass.Governor, account, address(0), oldAmount, newAmount);
        }
    }
}
