// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Governed} from "../governance/Governed.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IUptimeFeed} from "../interfaces/IUptimeFeed.sol";

/// @title Reputation
/// @notice Provider reputation score [3.1.1], in basis points (0..10000):
///
///           sStake  = min(collateral, stakeTarget)·10000 / stakeTarget
///           sPrice  = 10000 − Σ(price·10000/FP)/wins            (neutral if no win yet)
///           sRun    = Σ(min(ran/planned, 1)·10000)/finished      (neutral if nothing finished)
///           sUptime = uptimeBps from the uptime feed              (neutral if no period reported)
///           base    = (wStake·sStake + wPrice·sPrice + wRun·sRun + wUptime·sUptime) / Σw   (floor)
///           score   = base − min(base, failures·failurePenaltyBps)
///
///         Every division floors. The market records wins and finished projects; anyone may
///         `refresh` a score, which stores it as a checkpoint at the current block, emits every input
///         in `ScoreUpdated` and reports it to the ProviderRegistry, which disqualifies a provider whose
///         score falls under its threshold. The auction draws with `scoreAt(provider, drawBlock)`: the
///         score stored at or before a block fixed before anyone could know the seed, so a score raised
///         afterwards does not change a draw. A provider whose score was never stored is scored by the
///         formula at once (`scoreOf` = `computeScore`).
contract Reputation is Governed, IReputation {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice All weights are zero.
    error ReputationZeroWeights();
    /// @notice A component value is above 10000 bps.
    error ReputationBpsTooHigh(uint256 value);
    /// @notice The stake target is zero.
    error ReputationZeroStakeTarget();
    /// @notice A finished project had zero planned seconds, or FP was zero for a win.
    error ReputationZeroDenominator();

    /// @notice The weights changed.
    event ReputationWeightsSet(uint16 stake, uint16 price, uint16 run, uint16 uptime);
    /// @notice The collateral that earns a full stake component changed.
    event ReputationStakeTargetSet(uint256 stakeTarget);
    /// @notice The neutral component value for providers without history, and the per-failure penalty, changed.
    event ReputationDefaultsSet(uint16 neutralBps, uint16 failurePenaltyBps);
    /// @notice The uptime feed changed.
    event ReputationUptimeFeedSet(address feed);
    /// @notice A win was recorded.
    event ReputationWinRecorded(uint256 indexed providerId, uint256 price, uint256 fp, uint256 priceBps);
    /// @notice A finished project was recorded.
    event ReputationFinishRecorded(
        uint256 indexed providerId, uint256 ran, uint256 planned, uint256 runBps, bool failed
    );
    /// @notice A score was recomputed and stored, with every input of the formula.
    event ScoreUpdated(
        uint256 indexed providerId,
        uint256 score,
        uint256 sStake,
        uint256 sPrice,
        uint256 sRun,
        uint256 sUptime,
        uint256 failures
    );

    struct Weights {
        uint16 stake;
        uint16 price;
        uint16 run;
        uint16 uptime;
    }

    uint256 private constant BPS = 10_000;

    /// @notice Where collateral is read and scores are reported.
    IProviderRegistry public immutable registry;
    /// @notice Where uptime is read (address zero: every provider is neutral on uptime).
    IUptimeFeed public uptimeFeed;
    /// @notice Weights of the four components.
    Weights public weights = Weights(25, 25, 25, 25);
    /// @notice Collateral that earns the full stake component (default 100,000 MZKU).
    uint256 public stakeTarget = 100_000 ether;
    /// @notice Component value of a provider without history (default 7000 = 70%: a new provider
    ///         with collateral Pmin scores 5500, above the registry's default threshold of 5000).
    uint16 public neutralBps = 7000;
    /// @notice Subtracted from the score per recorded failure (default 1000 = 10 points).
    uint16 public failurePenaltyBps = 1000;

    /// @dev Everything a win writes, in one slot (a start pays one slot update, not two). `wins`
    ///      saturates at 2^24 − 1 (then the price component keeps its average); prices are bids, which
    ///      the market caps at 96 bits.
    struct WinRecord {
        uint24 wins;
        uint40 sumPriceBps; // ≤ (2^24 − 1)·10000 < 2^40
        uint96 lastPrice;
        uint96 priorPrice;
    }

    /// @dev What a finished project writes.
    struct FinishRecord {
        uint32 finished;
        uint32 failures;
        uint80 sumRunBps;
    }

    uint24 private constant MAX_WINS = type(uint24).max;

    mapping(uint256 providerId => Checkpoints.Trace208) private _scores;
    mapping(uint256 providerId => WinRecord) private _wins;
    mapping(uint256 providerId => FinishRecord) private _finishes;

    /// @param governance_ The Governance contract.
    /// @param authorizedCallers Contracts allowed to record wins and finishes (the ProjectMarket).
    /// @param registry_ The ProviderRegistry (collateral, `reportScore`).
    /// @param uptimeFeed_ The uptime feed (may be zero and set later by governance).
    constructor(address governance_, address[] memory authorizedCallers, address registry_, address uptimeFeed_)
        Governed(governance_, authorizedCallers)
    {
        if (registry_ == address(0)) revert GovernedZeroAddress();
        registry = IProviderRegistry(registry_);
        uptimeFeed = IUptimeFeed(uptimeFeed_);
    }

    // ---- governance ----

    /// @notice Sets the four weights (any scale; at least one non-zero). Governance only.
    function setWeights(uint16 stake, uint16 price, uint16 run, uint16 uptime) external onlyGovernance {
        if (uint256(stake) + price + run + uptime == 0) revert ReputationZeroWeights();
        weights = Weights(stake, price, run, uptime);
        emit ReputationWeightsSet(stake, price, run, uptime);
    }

    /// @notice Sets the collateral that earns a full stake component. Governance only.
    function setStakeTarget(uint256 target) external onlyGovernance {
        if (target == 0) revert ReputationZeroStakeTarget();
        stakeTarget = target;
        emit ReputationStakeTargetSet(target);
    }

    /// @notice Sets the neutral component and the per-failure penalty (bps). Governance only.
    function setDefaults(uint16 neutral, uint16 failurePenalty) external onlyGovernance {
        if (neutral > BPS) revert ReputationBpsTooHigh(neutral);
        if (failurePenalty > BPS) revert ReputationBpsTooHigh(failurePenalty);
        neutralBps = neutral;
        failurePenaltyBps = failurePenalty;
        emit ReputationDefaultsSet(neutral, failurePenalty);
    }

    /// @notice Sets the uptime feed (the sidecar reports contract once it exists). Governance only.
    function setUptimeFeed(address feed) external onlyGovernance {
        uptimeFeed = IUptimeFeed(feed);
        emit ReputationUptimeFeedSet(feed);
    }

    // ---- market ----

    /// @inheritdoc IReputation
    function recordWin(uint256 providerId, uint256 price, uint256 fp) external onlyAuthorized {
        if (fp == 0) revert ReputationZeroDenominator();
        uint256 priceBps = price >= fp ? BPS : price * BPS / fp;
        WinRecord memory w = _wins[providerId];
        if (w.wins < MAX_WINS) {
            w.wins += 1;
            // forge-lint: disable-next-line(unsafe-typecast) -- priceBps ≤ 10000
            w.sumPriceBps += uint40(priceBps);
        }
        w.priorPrice = w.lastPrice;
        // forge-lint: disable-next-line(unsafe-typecast) -- prices come from bids, which the market caps at 96 bits
        w.lastPrice = uint96(price);
        _wins[providerId] = w;
        emit ReputationWinRecorded(providerId, price, fp, priceBps);
    }

    /// @inheritdoc IReputation
    function recordFinish(uint256 providerId, uint256 ran, uint256 planned, bool failed) external onlyAuthorized {
        if (planned == 0) revert ReputationZeroDenominator();
        uint256 runBps = ran >= planned ? BPS : ran * BPS / planned;
        FinishRecord storage st = _finishes[providerId];
        st.finished += 1;
        // forge-lint: disable-next-line(unsafe-typecast) -- runBps ≤ 10000
        st.sumRunBps += uint80(runBps);
        if (failed) st.failures += 1;
        emit ReputationFinishRecorded(providerId, ran, planned, runBps, failed);
        _refresh(providerId);
    }

    // ---- anyone ----

    /// @inheritdoc IReputation
    function refresh(uint256 providerId) external returns (uint256 score) {
        return _refresh(providerId);
    }

    // ---- views ----

    /// @inheritdoc IReputation
    function scoreOf(uint256 providerId) external view returns (uint256) {
        Checkpoints.Trace208 storage t = _scores[providerId];
        return t.length() == 0 ? computeScore(providerId) : t.latest();
    }

    /// @inheritdoc IReputation
    function scoreAt(uint256 providerId, uint256 blockNumber) external view returns (uint256) {
        Checkpoints.Trace208 storage t = _scores[providerId];
        if (t.length() != 0 && t.at(0)._key <= blockNumber) {
            // forge-lint: disable-next-line(unsafe-typecast) -- a stored key ≤ blockNumber fits 48 bits
            return t.upperLookupRecent(uint48(blockNumber));
        }
        return computeScore(providerId);
    }

    /// @inheritdoc IReputation
    function computeScore(uint256 providerId) public view returns (uint256 score) {
        (score,,,,,) = _compute(providerId);
    }

    /// @inheritdoc IReputation
    function performanceOf(uint256 providerId) external view returns (uint256) {
        (,,, uint256 sRun, uint256 sUptime,) = _compute(providerId);
        return (sRun + sUptime) / 2;
    }

    /// @inheritdoc IReputation
    function statsOf(uint256 providerId) public view returns (Stats memory st) {
        WinRecord memory w = _wins[providerId];
        FinishRecord memory f = _finishes[providerId];
        st = Stats(w.wins, f.finished, f.failures, w.sumPriceBps, f.sumRunBps);
    }

    /// @inheritdoc IReputation
    function recentWinningBids(uint256 providerId) external view returns (uint256[2] memory r) {
        WinRecord memory w = _wins[providerId];
        (r[0], r[1]) = (w.lastPrice, w.priorPrice);
    }

    // ---- internal ----

    function _refresh(uint256 providerId) private returns (uint256 score) {
        uint256 sStake;
        uint256 sPrice;
        uint256 sRun;
        uint256 sUptime;
        uint256 failures;
        (score, sStake, sPrice, sRun, sUptime, failures) = _compute(providerId);
        // forge-lint: disable-next-line(unsafe-typecast) -- block numbers fit 48 bits; score ≤ 10000
        _scores[providerId].push(uint48(block.number), uint208(score));
        emit ScoreUpdated(providerId, score, sStake, sPrice, sRun, sUptime, failures);
        registry.reportScore(providerId, score);
    }

    function _compute(uint256 providerId)
        private
        view
        returns (uint256 score, uint256 sStake, uint256 sPrice, uint256 sRun, uint256 sUptime, uint256 failures)
    {
        uint256 collateral = registry.getProvider(providerId).collateral;
        uint256 target = stakeTarget;
        sStake = (collateral >= target ? target : collateral) * BPS / target;
        Stats memory st = statsOf(providerId);
        uint256 neutral = neutralBps;
        sPrice = st.wins == 0 ? neutral : BPS - st.sumPriceBps / st.wins;
        sRun = st.finished == 0 ? neutral : st.sumRunBps / st.finished;
        sUptime = neutral;
        IUptimeFeed feed = uptimeFeed;
        if (address(feed) != address(0)) {
            (uint16 up, uint32 periods) = feed.uptimeOf(providerId);
            if (periods != 0) sUptime = up > BPS ? BPS : up;
        }
        Weights memory w = weights;
        uint256 base = (w.stake * sStake + w.price * sPrice + w.run * sRun + w.uptime * sUptime)
            / (uint256(w.stake) + w.price + w.run + w.uptime);
        failures = st.failures;
        uint256 penalty = failures * failurePenaltyBps;
        score = penalty >= base ? 0 : base - penalty;
    }
}
