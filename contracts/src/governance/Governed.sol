// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Governed
/// @notice Base for every protocol contract whose admin power belongs to the Governance contract alone.
///         `governance` is fixed at construction (the deploy script precomputes addresses, so no
///         bootstrap key ever holds power). Protocol contracts that call each other's restricted
///         functions (for example the market slashing a provider's collateral) are "authorized
///         callers": named in the constructor and afterwards changed only by governance.
abstract contract Governed {
    /// @notice The caller is not the Governance contract.
    error GovernedOnlyGovernance(address caller);
    /// @notice The caller is neither governance nor an authorized protocol contract.
    error GovernedUnauthorizedCaller(address caller);
    /// @notice A zero address was given where a contract address is required.
    error GovernedZeroAddress();

    /// @notice An authorized caller was added or removed.
    event AuthorizedCallerSet(address indexed caller, bool authorized);

    /// @notice The Governance contract: the only holder of admin power.
    address public immutable governance;

    mapping(address caller => bool) private _authorized;

    modifier onlyGovernance() {
        if (msg.sender != governance) revert GovernedOnlyGovernance(msg.sender);
        _;
    }

    modifier onlyAuthorized() {
        if (!_authorized[msg.sender] && msg.sender != governance) revert GovernedUnauthorizedCaller(msg.sender);
        _;
    }

    /// @dev Authorized protocol contracts only, never governance itself: for calls whose arguments the
    ///      calling contract vouches for (a pool it created), which a governance majority must not forge.
    modifier onlyProtocolContract() {
        if (!_authorized[msg.sender] || msg.sender == governance) revert GovernedUnauthorizedCaller(msg.sender);
        _;
    }

    constructor(address governance_, address[] memory authorizedCallers) {
        if (governance_ == address(0)) revert GovernedZeroAddress();
        governance = governance_;
        for (uint256 i = 0; i < authorizedCallers.length; ++i) {
            _authorized[authorizedCallers[i]] = true;
            emit AuthorizedCallerSet(authorizedCallers[i], true);
        }
    }

    /// @notice Adds or removes a protocol contract allowed to call restricted functions.
    /// @dev Governance only.
    function setAuthorizedCaller(address caller, bool authorized) external onlyGovernance {
        if (caller == address(0)) revert GovernedZeroAddress();
        _authorized[caller] = authorized;
        emit AuthorizedCallerSet(caller, authorized);
    }

    /// @notice Whether `caller` may call this contract's restricted functions.
    function isAuthorizedCaller(address caller) public view returns (bool) {
        return _authorized[caller];
    }
}
