// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakeObserver} from "./IStakeObserver.sol";

/// @title IRewardPool
/// @notice The Reward Pool [3.4.6-3.4.8, 3.6]: takes 10% (governance-set r) of every processing fee and
///         of every profit, in MZKU and ETH, and pays it out per period: 30% governors, 40% providers and
///         requesters, 20% MZKU sidecar stakers, 10% development treasury, by amount and time staked.
///         Inflows of a period are streamed linearly over the next period (see docs/pools.md).
interface IRewardPool is IStakeObserver {
    /// @notice Pulls `amount` MZKU from the caller (it must have approved the pool) as a reward inflow.
    function depositMzku(uint256 amount) external;

    /// @notice Takes the ETH sent as a reward inflow.
    function depositEth() external payable;

    /// @notice A project started on the node beside `sidecar` (ProjectMarket): from now on the sidecar's
    ///         stakers forfeit what they accrue if they withdraw before the project ends.
    /// @dev Restricted to authorized protocol contracts and governance.
    function onProjectStarted(address sidecar) external;

    /// @notice A project of `requester` started on the node beside `sidecar` (ProjectMarket): as
    ///         `onStakeChanged(Requester, requester, 0, oldStake, newStake)` (its FP joins its Requester
    ///         stake) followed by `onProjectStarted(sidecar)`, in one call.
    /// @dev Restricted to the Requester stake source.
    function onProjectStartedWithStake(address sidecar, address requester, uint256 oldStake, uint256 newStake) external;

    /// @notice A project on the node beside `sidecar` ended (completed or failed): everything the
    ///         sidecar's stakers accrued so far vests.
    /// @dev Restricted to authorized protocol contracts and governance.
    function onProjectEnded(address sidecar) external;

    /// @notice Pays the caller its vested rewards of the position (`class`, `key`) plus anything credited
    ///         to it, in MZKU and ETH.
    function claim(StakeClass class, address key) external returns (uint256 mzkuPaid, uint256 ethPaid);

    /// @notice MZKU and ETH the position (`class`, `account`, `key`) can claim now (vested part only).
    function claimable(StakeClass class, address account, address key) external view returns (uint256 mzku, uint256 eth);
}
