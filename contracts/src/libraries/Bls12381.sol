// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BLS} from "solady/utils/ext/ithaca/BLS.sol";

/// @title Bls12381
/// @notice What solady's BLS (0.1.26: the EIP-2537 precompile calls) does not expose: the G1 generator's
///         coordinates and the negation of a G1 point over the base field's modulus p. Field elements are in the
///         EIP-2537 encoding, two limbs: the upper 16 bytes (`_A`, the top 16 of 32 zero) and the lower 32.
library Bls12381 {
    bytes32 internal constant G1_X_A = 0x0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0f;
    bytes32 internal constant G1_X_B = 0xc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb;
    bytes32 internal constant G1_Y_A = 0x0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4;
    bytes32 internal constant G1_Y_B = 0xfcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1;
    bytes32 internal constant P_A = 0x000000000000000000000000000000001a0111ea397fe69a4b1ba7b6434bacd7;
    bytes32 internal constant P_B = 0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;

    /// @notice −P = (x, p − y) for a G1 point other than infinity (y < p in two limbs: 16 + 32 bytes);
    ///         `pt` is negated in place and returned.
    function neg(BLS.G1Point memory pt) internal pure returns (BLS.G1Point memory) {
        unchecked {
            uint256 lo = uint256(P_B) - uint256(pt.y_b);
            uint256 borrow = uint256(pt.y_b) > uint256(P_B) ? 1 : 0;
            pt.y_a = bytes32(uint256(P_A) - uint256(pt.y_a) - borrow);
            pt.y_b = bytes32(lo);
        }
        return pt;
    }
}
