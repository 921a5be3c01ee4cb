// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IDowntimePenalty
/// @notice The rule-triggered penalty the uptime reports apply to a node its auditors found down for
///         the governance-set number of consecutive periods [3.3, 3.6]: the project running on the node
///         fails and the provider's collateral reserved for it is slashed by the governance-set share of
///         FP (the project's `lossCapBps`), with no vote per case. Implemented by the ProjectMarket.
interface IDowntimePenalty {
    /// @notice Fails the project running on `nodeId`, if any, slashing the reserved collateral by
    ///         `lossCapBps` of FP (never the Insurance Pool). Returns the project id, 0 if none ran.
    function failOnDowntime(uint256 nodeId) external returns (uint256 projectId);
}
