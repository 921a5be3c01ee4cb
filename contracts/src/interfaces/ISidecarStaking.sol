// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ISidecarStaking
/// @notice MZKU staked to sidecars [3.1 MZKU Staking Users], and the election votes stakers delegate.
interface ISidecarStaking {
    /// @notice MZKU `staker` has staked to `sidecar`.
    function stakeOf(address sidecar, address staker) external view returns (uint256);

    /// @notice Total MZKU staked to `sidecar`.
    function totalStakedTo(address sidecar) external view returns (uint256);

    /// @notice Total MZKU staked by `staker` across sidecars (its election voting power).
    function totalStakeOf(address staker) external view returns (uint256);

    /// @notice Total MZKU delegated to `candidate` for governor elections (1 MZKU = 1 vote).
    function delegatedVotes(address candidate) external view returns (uint256);

    /// @notice Votes delegated to `candidate` at the end of `timepoint`, a past unix time (elections read
    ///         this so stake moved in the election's own block cannot count). Reverts if not in the past.
    function delegatedVotesAt(address candidate, uint256 timepoint) external view returns (uint256);

    /// @notice Average votes delegated to `candidate` over [`from`, `to`] (`to` a past unix time): the
    ///         integral of its votes over the window divided by its length, rounded down.
    function averageDelegatedVotes(address candidate, uint256 from, uint256 to) external view returns (uint256);
}
