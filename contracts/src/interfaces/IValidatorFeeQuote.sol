// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IValidatorFeeQuote
/// @notice The fixed price FP [3.4.4] of one 32-ETH validator project, as the micro-pool factory reads it
///         when a pool opens. The governance-set pricing policy implements it (or an adapter over its
///         `quote(resources, duration, projectType)` for the validator project type does).
interface IValidatorFeeQuote {
    /// @notice FP in MZKU wei for running one 32-ETH validator for `duration` seconds.
    function quoteValidator(uint256 duration) external view returns (uint256 fixedPrice);
}
