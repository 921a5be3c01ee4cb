// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IValidatorPool
/// @notice What the ProjectMarket reads of the micro-pool of a validator project [3.2, 3.4.7]: the market
///         starts the project only once the pool's deposit went out, and completes it from what the pool
///         observed (its ETH rewards and any loss of principal), never from the provider's own report.
interface IValidatorPool {
    /// @notice The pool's lifecycle state (MicroPool.State: 1 Open, 2 Active, 3 Completed, 4 Cancelled),
    ///         when it completed (0 before), the ETH profit it split (every `distribute` and the profit at
    ///         completion) and the principal it lost at completion (32 ETH − what came back, 0 if none).
    function validatorStatus()
        external
        view
        returns (uint8 state, uint40 completedAt, uint128 observedRewards, uint128 observedLoss);
}
