// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakeObserver} from "./IStakeObserver.sol";

/// @title IRewardPool
/// @notice The Reward Pool [3.4.6-3.4.8, 3.6]: takes 10% (governance-set r) of every processing fee and
///         of every profit, in MZKU and ETH, and pays it out per period: 30% governors, 40% providers and
///         requesters, 20% MZKU sidecar stakers, 10% development treasury, by amount and time staked.
interface IRewardPool is IStakeObserver {
    /// @notice Pulls `amount` MZKU from the caller (it must have approved the pool) as a reward inflow.
    function depositMzku(uint256 amount) external;

    /// @notice Takes the ETH sent as a reward inflow.
    function depositEth() external payable;
}
