// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IDepositContract
/// @notice The Ethereum consensus-layer deposit contract, with the names and observable behaviour of the
///         consensus specs (phase0 `deposit_contract`). Names keep the specs' snake_case so that tools and
///         the ERC-165 interface id match the official contract.
// forge-lint: disable-next-item(mixed-case-function)
interface IDepositContract {
    /// @notice A deposit was accepted. `amount` and `index` are 8-byte little-endian integers (gwei and the
    ///         deposit's position), exactly as the official contract emits them.
    event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index);

    /// @notice Deposits `msg.value` (≥ 1 ETH, a whole number of gwei) for the validator `pubkey`.
    /// @param pubkey BLS12-381 public key, 48 bytes.
    /// @param withdrawal_credentials 32 bytes (0x00 BLS or 0x01 ‖ 11 zero bytes ‖ execution address).
    /// @param signature BLS12-381 signature over the DepositMessage, 96 bytes (not verified on-chain).
    /// @param deposit_data_root SSZ hash_tree_root of the DepositData; must match the computed one.
    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable;

    /// @notice hash_tree_root of the List[DepositData, 2**32] of every deposit so far.
    function get_deposit_root() external view returns (bytes32);

    /// @notice Number of deposits so far, as 8 little-endian bytes.
    function get_deposit_count() external view returns (bytes memory);
}
