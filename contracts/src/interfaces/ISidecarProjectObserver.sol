// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ISidecarProjectObserver
/// @notice Told when a project starts or ends on the node beside a sidecar, so that the Reward Pool
///         can vest the sidecar stakers' rewards per project [3.1 MZKU Staking Users]: a staker who
///         withdraws while a project runs forfeits what it accrued during it to the remaining stakers.
///         The RewardPool implements it; the ProjectMarket (an authorized caller) calls it.
interface ISidecarProjectObserver {
    /// @notice A project started on the node beside `sidecar`.
    function onProjectStarted(address sidecar) external;

    /// @notice A project on the node beside `sidecar` ended (completed or failed); what the sidecar's
    ///         stakers accrued so far vests.
    function onProjectEnded(address sidecar) external;
}
