// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title DepositDataRoot
/// @notice SSZ hash_tree_root of a phase0 `DepositData{pubkey: Bytes48, withdrawal_credentials: Bytes32,
///         amount: Gwei, signature: Bytes96}`, with sha256 as the specs require. Shared by the deposit
///         contract and the micro-pools (which check the root before they deposit).
library DepositDataRoot {
    /// @notice The SSZ root. Lengths are not checked here (callers check 48/32/96).
    /// @param amountGwei The amount in gwei (a uint64 in SSZ).
    function compute(bytes calldata pubkey, bytes32 withdrawalCredentials, uint64 amountGwei, bytes calldata signature)
        internal
        pure
        returns (bytes32)
    {
        // Bytes48 → two chunks: 48 bytes then 16 zero bytes of padding.
        bytes32 pubkeyRoot = sha256(abi.encodePacked(pubkey, bytes16(0)));
        // Bytes96 → three chunks: hash(chunk0, chunk1) and hash(chunk2, zero chunk).
        bytes32 signatureRoot =
            sha256(abi.encodePacked(sha256(signature[:64]), sha256(abi.encodePacked(signature[64:], bytes32(0)))));
        // Container of 4 fields → a depth-2 tree.
        return sha256(
            abi.encodePacked(
                sha256(abi.encodePacked(pubkeyRoot, withdrawalCredentials)),
                sha256(abi.encodePacked(toLittleEndian64(amountGwei), bytes24(0), signatureRoot))
            )
        );
    }

    /// @notice The 8 little-endian bytes of `value` (SSZ uint64), as the high-order bytes of a bytes8.
    function toLittleEndian64(uint64 value) internal pure returns (bytes8) {
        uint64 v = value;
        // Swap bytes in three steps (pairs, then 16-bit halves, then 32-bit halves).
        v = ((v & 0xFF00FF00FF00FF00) >> 8) | ((v & 0x00FF00FF00FF00FF) << 8);
        v = ((v & 0xFFFF0000FFFF0000) >> 16) | ((v & 0x0000FFFF0000FFFF) << 16);
        v = (v >> 32) | (v << 32);
        return bytes8(v);
    }
}
