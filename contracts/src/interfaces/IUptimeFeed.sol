// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IUptimeFeed
/// @notice Where the Reputation contract reads a provider's average uptime [3.1.1]. The sidecar
///         reports contract (sidecar issue) will implement it from audited reports; until then a
///         governance-authorized feed (`GovernedUptimeFeed`) implements the same interface.
interface IUptimeFeed {
    /// @notice Average uptime of the provider's nodes, in basis points (10000 = always up), and
    ///         the number of periods it averages. `periods == 0` means "no data yet".
    function uptimeOf(uint256 providerId) external view returns (uint16 uptimeBps, uint32 periods);
}
