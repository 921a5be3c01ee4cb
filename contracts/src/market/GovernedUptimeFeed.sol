// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governed} from "../governance/Governed.sol";
import {IUptimeFeed} from "../interfaces/IUptimeFeed.sol";

/// @title GovernedUptimeFeed
/// @notice Interim source of provider uptime until the sidecar reports contract implements
///         `IUptimeFeed`: governance, or a reporter governance authorizes, writes each provider's
///         average uptime. Reputation reads it through the same interface it will read the reports from.
contract GovernedUptimeFeed is Governed, IUptimeFeed {
    /// @notice The uptime is above 100%.
    error GovernedUptimeFeedUptimeTooHigh(uint256 providerId, uint256 uptimeBps);

    /// @notice The average uptime of `providerId` was set.
    event UptimeSet(uint256 indexed providerId, uint16 uptimeBps, uint32 periods, address indexed reporter);

    struct Entry {
        uint16 uptimeBps;
        uint32 periods;
    }

    mapping(uint256 providerId => Entry) private _entries;

    /// @param governance_ The Governance contract.
    /// @param reporters Addresses allowed to write uptime besides governance.
    constructor(address governance_, address[] memory reporters) Governed(governance_, reporters) {}

    /// @notice Sets the average uptime of `providerId` over `periods` periods. Governance or an
    ///         authorized reporter.
    function setUptime(uint256 providerId, uint16 uptimeBps, uint32 periods) external onlyAuthorized {
        if (uptimeBps > 10_000) revert GovernedUptimeFeedUptimeTooHigh(providerId, uptimeBps);
        _entries[providerId] = Entry(uptimeBps, periods);
        emit UptimeSet(providerId, uptimeBps, periods, msg.sender);
    }

    /// @inheritdoc IUptimeFeed
    function uptimeOf(uint256 providerId) external view returns (uint16 uptimeBps, uint32 periods) {
        Entry memory e = _entries[providerId];
        return (e.uptimeBps, e.periods);
    }
}
