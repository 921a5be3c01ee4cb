// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IMicroPoolFactory
/// @notice What a micro-pool clone calls on its factory, and what other contracts read from it.
interface IMicroPoolFactory {
    /// @notice Whether `pool` is a micro-pool opened by this factory.
    function isPool(address pool) external view returns (bool);

    /// @notice Asks the Insurance Pool to pay up to `amount` ETH to the calling pool for its stakers' loss.
    ///         Only pools of this factory; the factory is the Insurance Pool's authorized caller.
    /// @return paid what the Insurance Pool paid (at most its balance).
    function compensate(uint256 amount) external returns (uint256 paid);
}
