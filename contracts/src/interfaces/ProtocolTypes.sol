// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Machine resources: what a provider offers, what a node takes, what a project asks for.
struct Resources {
    uint32 cpuCores;
    uint32 ramGb;
    uint32 storageGb;
    uint32 bandwidthMbps;
}

/// @notice Trust tier of a provider [3.2]; sets the provider's ETH share k of a 32-ETH validator.
enum TrustTier {
    Untrusted, // k >= untrustedMinK (16 ETH by default)
    SemiTrusted, // k set per provider by governance
    Trusted // k = 0
}

/// @notice Lifecycle of an MZKU node.
enum NodeStatus {
    None,
    Installing,
    Active,
    Stopped,
    Failed
}
