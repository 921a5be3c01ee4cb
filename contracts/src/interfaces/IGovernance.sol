// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IGovernance
/// @notice What other contracts read from governance [3.1 Government, 3.6, 5.3].
interface IGovernance {
    /// @notice Whether `account` holds a governor seat now.
    function isGovernor(address account) external view returns (bool);

    /// @notice Number of seated governors now.
    function governorCount() external view returns (uint256);

    /// @notice MZKU locked by `account` as governor or candidate.
    function lockedStake(address account) external view returns (uint256);

    /// @notice The seated governors now (at most 2n+1, n capped by a constant, so the list is bounded).
    function governors() external view returns (address[] memory);
}
