// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IStakeObserver
/// @notice Told of every change of a staked MZKU position, before the new amount takes effect for
///         rewards. The Reward Pool (Marketplace issue) implements it to keep reward-per-share
///         accumulators weighted by amount and time; until it is set (address zero) nothing is called.
interface IStakeObserver {
    /// @notice Which stake a position belongs to.
    enum StakeClass {
        Governor, // MZKU locked by a governor or candidate (Governance)
        Provider, // provider collateral (ProviderRegistry)
        Sidecar, // MZKU staked to a sidecar (SidecarStaking); `key` is the sidecar
        Requester // FP (MZKU) a requester has in running projects (ProjectMarket); key 0 or the project id
    }

    /// @notice `account`'s position in `class` changes from `oldAmount` to `newAmount`. `key`: the sidecar
    ///         for sidecar stakes; for requester stakes 0 (one aggregate position) or
    ///         `address(uint160(projectId))` (one position per project); otherwise 0.
    function onStakeChanged(StakeClass class, address account, address key, uint256 oldAmount, uint256 newAmount)
        external;
}
