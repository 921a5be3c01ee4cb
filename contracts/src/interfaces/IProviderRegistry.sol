// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Resources, TrustTier} from "./ProtocolTypes.sol";

/// @title IProviderRegistry
/// @notice Providers [3.1.2, 3.2, 3.4.2-3.4.3]: application, qualification by governance, MZKU
///         collateral, trust tier and ETH share k, capacity, disqualification by score.
///         This is the surface other protocol contracts rely on; the implementation may add more.
interface IProviderRegistry {
    /// @notice Everything a requester or another contract decides on.
    struct Provider {
        address owner;
        TrustTier tier;
        bool qualified;
        uint64 disqualifiedUntil; // 0 = never disqualified; a time in the future = disqualified now
        uint32 activeNodes;
        uint32 maxNodes;
        uint128 priceCap; // MZKU wei: the most this provider asks for a project
        uint128 collateral; // MZKU wei locked
        uint128 ethShare; // k, in wei
        Resources capacity; // what it declared
        Resources used; // taken by its open nodes
    }
    // Brand name and metadata URI (services, contact) live in the `ProviderApplied` event only: the
    // indexer reads them from there, and storing strings would cost more than the whole application.

    /// @notice Provider id of `owner` (0 if none; ids start at 1).
    function providerIdOf(address owner) external view returns (uint256);

    /// @notice The provider with id `providerId`; reverts if unknown.
    function getProvider(uint256 providerId) external view returns (Provider memory);

    /// @notice Qualified by governance, not disqualified now, collateral at least Pmin.
    function isEligible(uint256 providerId) external view returns (bool);

    /// @notice `isEligible` and at least `reserve` of its collateral not yet reserved.
    function isEligibleFor(uint256 providerId, uint256 reserve) external view returns (bool);

    /// @notice Qualified by governance and not disqualified now (one storage slot: what the market
    ///         checks at every commit; collateral is checked at settlement). False for an unknown id.
    function isQualifiedNow(uint256 providerId) external view returns (bool);

    /// @notice Collateral reserved for running assignments (cannot be withdrawn; only it can be slashed).
    function reservedOf(uint256 providerId) external view returns (uint256);

    /// @notice The provider's ETH share k of a validator, in wei.
    function ethShareOf(uint256 providerId) external view returns (uint256);

    /// @notice Whether one more node taking `resources` fits the provider's free capacity and node limit.
    function hasFreeCapacity(uint256 providerId, Resources calldata resources) external view returns (bool);

    /// @notice Number of providers ever registered (ids 1..count).
    function providerCount() external view returns (uint256);

    /// @notice Ids on the qualified list (qualified by governance; some may be disqualified now),
    ///         positions offset .. offset+limit-1; the order changes when a provider is unqualified.
    function qualifiedProviders(uint256 offset, uint256 limit) external view returns (uint256[] memory ids);

    /// @notice Length of the qualified list.
    function qualifiedCount() external view returns (uint256);

    // ---- restricted to authorized protocol contracts ----

    /// @notice A node of the provider opened (NodeRegistry): takes `resources` of its capacity.
    function onNodeOpened(uint256 providerId, Resources calldata resources) external;

    /// @notice A node of the provider closed (NodeRegistry): frees `resources`.
    function onNodeClosed(uint256 providerId, Resources calldata resources) external;

    /// @notice Reserves `amount` of the provider's free collateral for an assignment (protocol
    ///         contracts only); reverts if the free collateral does not cover it.
    function reserveCollateral(uint256 providerId, uint256 amount) external;

    /// @notice Releases `amount` of a reservation (protocol contracts only).
    function releaseCollateral(uint256 providerId, uint256 amount) external;

    /// @notice Moves `amount` of the reserved collateral to `to` (losses [3.4.6]); protocol contracts
    ///         only, never more than is reserved.
    /// @return slashed what was moved (`amount`).
    function slashCollateral(uint256 providerId, uint256 amount, address to) external returns (uint256 slashed);

    /// @notice A new reputation score for the provider (Reputation contract); under the threshold
    ///         the provider is disqualified for the governance-set period.
    function reportScore(uint256 providerId, uint256 score) external;
}
