// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IRewardPool} from "../../src/interfaces/IRewardPool.sol";
import {InsurancePool} from "../../src/pools/InsurancePool.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";

/// @notice The Insurance Pool tests' deployment: the token (one holder), a Reward Pool with no sources
///         (the pool's MZKU excess goes there) and the Insurance Pool with `market` as its one compensator.
abstract contract InsurancePoolFixture is Test {
    address internal gov = makeAddr("governance");
    address internal market = makeAddr("market");
    MzkuToken internal token;
    RewardPool internal rewardPool;
    InsurancePool internal pool;

    /// @notice Deploys the three: `holder` holds all `supply`; the pool's minimum balances `minMzku`, `minEth`.
    function _deployInsurancePool(address holder, uint256 supply, uint256 minMzku, uint256 minEth) internal {
        address[] memory holders = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        holders[0] = holder;
        amounts[0] = supply;
        token = new MzkuToken(holders, amounts);
        address[4] memory sources;
        rewardPool =
            new RewardPool(gov, new address[](0), IERC20(address(token)), makeAddr("treasury"), sources, 7 days);
        address[] memory callers = new address[](1);
        callers[0] = market;
        pool =
            new InsurancePool(gov, callers, IERC20(address(token)), IRewardPool(address(rewardPool)), minMzku, minEth);
    }
}
