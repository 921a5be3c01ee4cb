// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IReputation
/// @notice Provider reputation score [3.1.1] from staked collateral, bid price, average running time
///         and average uptime, with governance-set weights. Scores are in basis points (0..10000);
///         the formula is in docs/marketplace.md and recomputable off-chain from events.
interface IReputation {
    /// @notice Per-provider inputs of the score that the market records.
    struct Stats {
        uint32 wins; // won projects started (bid-price samples; counted up to 2^24 − 1)
        uint32 finished; // projects completed or failed (running-time samples)
        uint32 failures; // projects failed
        uint80 sumPriceBps; // Σ over wins of price·10000/FP
        uint80 sumRunBps; // Σ over finished of min(ran/planned,1)·10000
    }

    /// @notice The latest stored score of `providerId`; the formula's value if none was ever stored.
    function scoreOf(uint256 providerId) external view returns (uint256);

    /// @notice The score stored at or before `blockNumber` (what the auction draws with, at its draw
    ///         block); the formula's value now if none was stored by then.
    function scoreAt(uint256 providerId, uint256 blockNumber) external view returns (uint256);

    /// @notice Recomputes, stores and reports the score of `providerId` from current inputs. Anyone.
    function refresh(uint256 providerId) external returns (uint256 score);

    /// @notice The score `providerId` would get now (view; same formula as `refresh`).
    function computeScore(uint256 providerId) external view returns (uint256);

    /// @notice Performance part of the score: mean of the running-time and uptime components (bps).
    function performanceOf(uint256 providerId) external view returns (uint256);

    /// @notice The recorded inputs of `providerId`.
    function statsOf(uint256 providerId) external view returns (Stats memory);

    /// @notice The last two winning prices of `providerId`, most recent first (0 = none).
    function recentWinningBids(uint256 providerId) external view returns (uint256[2] memory);

    // ---- restricted to authorized protocol contracts (the market) ----

    /// @notice `providerId` started a project it won at `price` (budget `fp`): a bid-price sample and
    ///         a recent winning price. Recorded at start, not at settlement, to keep `settle` cheap.
    function recordWin(uint256 providerId, uint256 price, uint256 fp) external;

    /// @notice A project of `providerId` ended after running `ran` of `planned` seconds; `failed`
    ///         records a failure. Refreshes and reports the score.
    function recordFinish(uint256 providerId, uint256 ran, uint256 planned, bool failed) external;
}
