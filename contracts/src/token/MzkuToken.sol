// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title MzkuToken
/// @notice The MZKU ERC-20 [3.3]: every protocol fee is paid in it. The whole supply is minted once,
///         in the constructor, to the holders named by the deploy config; there is no mint afterwards
///         and no owner.
contract MzkuToken is ERC20, ERC20Permit {
    /// @notice The allocation arrays differ in length.
    error MzkuTokenAllocationMismatch(uint256 holders, uint256 amounts);

    /// @param holders Initial holders of the supply.
    /// @param amounts Wei of MZKU minted to each holder.
    constructor(address[] memory holders, uint256[] memory amounts) ERC20("MZKU", "MZKU") ERC20Permit("MZKU") {
        if (holders.length != amounts.length) revert MzkuTokenAllocationMismatch(holders.length, amounts.length);
        for (uint256 i = 0; i < holders.length; ++i) {
            _mint(holders[i], amounts[i]);
        }
    }
}
