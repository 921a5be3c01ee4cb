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

    /// @notice Records that the calling pool uses validator key `pubkeyHash` (keccak256 of the 48-byte
    ///         pubkey); reverts if another pool registered it before. Only pools of this factory.
    function claimDepositKey(bytes32 pubkeyHash) external;

    /// @notice Whether the platform co-signer approved activating `pool` with key `pubkeyHash` while the
    ///         deposit contract's root is `depositRoot` (no deposit for the key existed at that root).
    function isActivationApproved(address pool, bytes32 pubkeyHash, bytes32 depositRoot, bytes calldata coSignature)
        external
        view
        returns (bool);

    /// @notice Whether the platform co-signer approved `pubkeyHash` (keccak256 of the 48-byte pubkey) with
    ///         DepositData root `root` for `pool`: its EIP-712 `DepositKey` signature, attesting the key exists
    ///         only as threshold shares held by the provider's sidecar and the platform co-signers.
    function isDepositKeyApproved(address pool, bytes32 pubkeyHash, bytes32 root, bytes calldata coSignature)
        external
        view
        returns (bool);
}
