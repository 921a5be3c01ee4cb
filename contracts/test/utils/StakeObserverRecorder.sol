// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";

/// @notice Records the last IStakeObserver call; optionally re-enters a target to test guards.
contract StakeObserverRecorder is IStakeObserver {
    uint256 public calls;
    StakeClass public lastClass;
    address public lastAccount;
    address public lastKey;
    uint256 public lastOld;
    uint256 public lastNew;
    address public reenterTarget;
    bytes public reenterData;
    bool public reenterOk;
    bytes public reenterRet;

    function setReenter(address target, bytes calldata data) external {
        reenterTarget = target;
        reenterData = data;
    }

    function onStakeChanged(StakeClass class, address account, address key, uint256 oldAmount, uint256 newAmount)
        external
    {
        ++calls;
        (lastClass, lastAccount, lastKey, lastOld, lastNew) = (class, account, key, oldAmount, newAmount);
        if (reenterTarget != address(0)) {
            (reenterOk, reenterRet) = reenterTarget.call(reenterData);
        }
    }
}
