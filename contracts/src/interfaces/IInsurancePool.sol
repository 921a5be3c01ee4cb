// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IInsurancePool
/// @notice The Insurance Pool [3.4.6, 3.6]: takes r of every fee and profit; pays compensation when a
///         provider's collateral does not cover a loss.
interface IInsurancePool {
    /// @notice Pulls `amount` MZKU from the caller (it must have approved the pool) as an inflow.
    function depositMzku(uint256 amount) external;

    /// @notice Takes the ETH sent as an inflow.
    function depositEth() external payable;

    /// @notice Pays up to `amount` ETH to `to` to cover a loss the caller recorded; restricted to the
    ///         protocol contracts fixed at deployment (not governance). Returns what was paid (at most
    ///         the free balance).
    function compensateEth(address to, uint256 amount) external returns (uint256 paid);

    /// @notice Pays up to `amount` MZKU to `to` to cover a loss; restricted like `compensateEth`.
    function compensateMzku(address to, uint256 amount) external returns (uint256 paid);
}
