// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RewardPool} from "../../src/pools/RewardPool.sol";
import {HostileReceiver, RewardPoolBase} from "../unit/RewardPoolBase.sol";

/// @notice The development treasury is a contract that refuses ETH: its MZKU must still be claimable.
contract RewardPoolAttacksTest is RewardPoolBase {
    function test_Attack_TreasuryRejectsEth_ClaimOwedStillPaysMzku() public {
        HostileReceiver refusing = new HostileReceiver(pool);
        refusing.setRefuse(true);
        vm.prank(gov);
        pool.setTreasury(address(refusing));
        _depositM(1000 ether);
        _depositE(10 ether);
        _toNextPeriod(1); // the period starts: 10% (with no stakers, everything) is credited to the treasury
        pool.sync();
        (uint256 owedM, uint256 owedE) = pool.owedOf(address(refusing));
        assertGt(owedM, 0);
        assertGt(owedE, 0);

        (uint256 paidM, uint256 paidE) = refusing.claimOwed();
        assertEq(paidM, owedM, "MZKU paid although ETH is refused");
        assertEq(paidE, 0);
        assertEq(token.balanceOf(address(refusing)), owedM);
        (uint256 leftM, uint256 leftE) = pool.owedOf(address(refusing));
        assertEq(leftM, 0);
        assertEq(leftE, owedE, "ETH stays credited");

        // ETH alone, refused: reverts and keeps the credit.
        vm.expectRevert(
            abi.encodeWithSelector(RewardPool.RewardPoolEthTransferFailed.selector, address(refusing), owedE)
        );
        refusing.claimOwed();

        // The treasury sends its ETH elsewhere.
        address payable vaultEoa = payable(makeAddr("treasuryEthWallet"));
        vm.prank(address(refusing));
        assertEq(pool.claimOwedEthTo(vaultEoa), owedE);
        assertEq(vaultEoa.balance, owedE);
        (, leftE) = pool.owedOf(address(refusing));
        assertEq(leftE, 0);
    }

    function test_RevertWhen_ClaimOwedEthToNothingOrZero() public {
        vm.expectRevert(abi.encodeWithSelector(RewardPool.RewardPoolNothingToClaim.selector, address(this)));
        pool.claimOwedEthTo(payable(makeAddr("x")));
        vm.expectRevert(abi.encodeWithSelector(bytes4(keccak256("GovernedZeroAddress()"))));
        pool.claimOwedEthTo(payable(address(0)));
    }
}
