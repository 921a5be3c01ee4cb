// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title GovernorStakeVault
/// @notice Holds the MZKU that governors and candidates lock in Governance (locked and pending
///         withdrawal). Governance creates it in its constructor and is its only caller; Governance
///         refuses proposals that call this vault (or the token), so an executed proposal can never move
///         locked stake: it leaves only by Governance's own rules (`withdraw` after the delay, to the
///         staker; `slashAbsentee`, bounded by `missedVoteSlash`, to the slash receiver).
/// @dev Invariant kept by Governance: Σ (locked + pending) == MZKU held here.
contract GovernorStakeVault {
    using SafeERC20 for IERC20;

    /// @notice `caller` is not the Governance contract that created this vault.
    error GovernorStakeVaultOnlyGovernance(address caller);

    /// @notice `amount` MZKU left the vault to `to` (a withdrawal or a slash).
    event StakeReleased(address indexed to, uint256 amount);

    /// @notice The MZKU token.
    IERC20 public immutable token;
    /// @notice The Governance contract (the creator).
    address public immutable governance;

    /// @param token_ The MZKU token.
    constructor(IERC20 token_) {
        token = token_;
        governance = msg.sender;
    }

    /// @notice Sends `amount` MZKU to `to`. Governance only.
    function release(address to, uint256 amount) external {
        if (msg.sender != governance) revert GovernorStakeVaultOnlyGovernance(msg.sender);
        emit StakeReleased(to, amount);
        token.safeTransfer(to, amount);
    }
}
