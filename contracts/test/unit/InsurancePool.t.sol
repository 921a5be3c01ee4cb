// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {InsurancePool} from "../../src/pools/InsurancePool.sol";
import {Governed} from "../../src/governance/Governed.sol";
import {InsurancePoolFixture} from "../utils/InsurancePoolFixture.sol";
import {IRewardPool} from "../../src/interfaces/IRewardPool.sol";

/// @notice A receiver that re-enters the Insurance Pool when paid ETH, or refuses it.
contract HostileInsuranceReceiver {
    InsurancePool internal immutable _pool;
    bool public reentered;
    bool public reentrySucceeded;
    bool public refuse;

    constructor(InsurancePool pool_) {
        _pool = pool_;
    }

    function setRefuse(bool r) external {
        refuse = r;
    }

    function withdraw() external returns (uint256) {
        return _pool.withdrawEth();
    }

    function compensateSelf(uint256 amount) external returns (uint256) {
        return _pool.compensateEth(address(this), amount);
    }

    receive() external payable {
        if (refuse) revert("no");
        if (reentered) return;
        reentered = true;
        try _pool.withdrawEth() {
            reentrySucceeded = true;
        } catch {}
        try _pool.compensateEth(address(this), 1 ether) {
            reentrySucceeded = true;
        } catch {}
    }
}

contract InsurancePoolTest is InsurancePoolFixture {
    address internal funder = makeAddr("funder");
    address internal victim = makeAddr("victim");
    address internal stranger = makeAddr("stranger");

    function setUp() public {
        _deployInsurancePool(funder, 1e9 ether, 100 ether, 1 ether);
        vm.deal(funder, 1000 ether);
        vm.startPrank(funder);
        token.approve(address(pool), type(uint256).max);
        pool.depositMzku(1000 ether);
        pool.depositEth{value: 10 ether}();
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- inflows and compensation

    function test_constructor_setsParameters() public view {
        assertEq(address(pool.mzku()), address(token));
        assertEq(address(pool.rewardPool()), address(rewardPool));
        assertEq(pool.thresholdMzku(), 100 ether);
        assertEq(pool.thresholdEth(), 1 ether);
        assertTrue(pool.isAuthorizedCaller(market));
    }

    function test_deposits_addToBalances() public view {
        assertEq(token.balanceOf(address(pool)), 1000 ether);
        assertEq(address(pool).balance, 10 ether);
    }

    function test_compensateMzku_paysAtMostTheBalance() public {
        vm.prank(market);
        uint256 paid = pool.compensateMzku(victim, 400 ether);
        assertEq(paid, 400 ether);
        assertEq(token.balanceOf(victim), 400 ether);
        vm.prank(market);
        paid = pool.compensateMzku(victim, 1e6 ether);
        assertEq(paid, 600 ether, "capped at the balance");
        assertEq(token.balanceOf(address(pool)), 0);
    }

    function test_compensateEth_pushesToRecipient() public {
        vm.prank(market);
        uint256 paid = pool.compensateEth(victim, 4 ether);
        assertEq(paid, 4 ether);
        assertEq(victim.balance, 4 ether);
        assertEq(pool.ethReserved(), 0);
        assertEq(pool.ethOwedOf(victim), 0);
    }

    function test_compensateEth_creditsWhenRecipientRefuses() public {
        HostileInsuranceReceiver r = new HostileInsuranceReceiver(pool);
        r.setRefuse(true);
        vm.prank(market);
        uint256 paid = pool.compensateEth(address(r), 4 ether);
        assertEq(paid, 4 ether);
        assertEq(address(r).balance, 0);
        assertEq(pool.ethOwedOf(address(r)), 4 ether);
        assertEq(pool.ethReserved(), 4 ether);
        r.setRefuse(false);
        assertEq(r.withdraw(), 4 ether);
        assertEq(address(r).balance, 4 ether);
        assertEq(pool.ethReserved(), 0);
    }

    function test_compensateEth_zeroWhenNothingFree() public {
        vm.prank(market);
        pool.compensateEth(victim, 10 ether);
        vm.prank(market);
        assertEq(pool.compensateEth(victim, 1 ether), 0);
    }

    function test_compensateEth_cappedAtFreeBalance() public {
        HostileInsuranceReceiver r = new HostileInsuranceReceiver(pool);
        r.setRefuse(true);
        vm.prank(market);
        pool.compensateEth(address(r), 8 ether); // credited: stays reserved
        vm.prank(market);
        uint256 paid = pool.compensateEth(victim, 8 ether);
        assertEq(paid, 2 ether, "reserved ETH is not paid twice");
    }

    // ---------------------------------------------------------------- excess

    function test_excess_isBalanceAboveThreshold() public {
        assertEq(pool.excessMzku(), 900 ether);
        assertEq(pool.excessEth(), 9 ether);
        HostileInsuranceReceiver r = new HostileInsuranceReceiver(pool);
        r.setRefuse(true);
        vm.prank(market);
        pool.compensateEth(address(r), 5 ether);
        assertEq(pool.excessEth(), 4 ether, "reserved ETH is not excess");
        vm.prank(gov);
        pool.setThresholds(2000 ether, 100 ether);
        assertEq(pool.excessMzku(), 0);
        assertEq(pool.excessEth(), 0);
    }

    function test_moveExcessToRewardPool_depositsThere() public {
        vm.prank(gov);
        pool.moveExcessToRewardPool(900 ether, 9 ether);
        assertEq(token.balanceOf(address(rewardPool)), 900 ether);
        assertEq(address(rewardPool).balance, 9 ether);
        (uint256 cur, uint256 queued) = rewardPool.streamOf(0);
        assertEq(cur, 0);
        assertEq(queued, 900 ether);
        assertEq(token.balanceOf(address(pool)), 100 ether);
        assertEq(address(pool).balance, 1 ether);
    }

    function test_burnExcessMzku_sendsToBurnAddress() public {
        vm.prank(gov);
        pool.burnExcessMzku(500 ether);
        assertEq(token.balanceOf(pool.BURN_ADDRESS()), 500 ether);
        assertEq(token.balanceOf(address(pool)), 500 ether);
    }

    // ---------------------------------------------------------------- reverts

    function test_RevertWhen_constructorZeroToken() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new InsurancePool(gov, new address[](0), IERC20(address(0)), IRewardPool(address(rewardPool)), 1, 1);
    }

    function test_RevertWhen_constructorZeroRewardPool() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new InsurancePool(gov, new address[](0), IERC20(address(token)), IRewardPool(address(0)), 1, 1);
    }

    function test_RevertWhen_depositMzkuZero() public {
        vm.expectRevert(InsurancePool.InsurancePoolZeroDeposit.selector);
        pool.depositMzku(0);
    }

    function test_RevertWhen_depositEthZero() public {
        vm.expectRevert(InsurancePool.InsurancePoolZeroDeposit.selector);
        pool.depositEth();
    }

    function test_RevertWhen_compensateToZero() public {
        vm.startPrank(market);
        vm.expectRevert(InsurancePool.InsurancePoolZeroRecipient.selector);
        pool.compensateEth(address(0), 1);
        vm.expectRevert(InsurancePool.InsurancePoolZeroRecipient.selector);
        pool.compensateMzku(address(0), 1);
        vm.stopPrank();
    }

    function test_RevertWhen_moveMoreThanExcess() public {
        vm.startPrank(gov);
        vm.expectRevert(
            abi.encodeWithSelector(InsurancePool.InsurancePoolExceedsExcess.selector, 0, 901 ether, 900 ether)
        );
        pool.moveExcessToRewardPool(901 ether, 0);
        vm.expectRevert(
            abi.encodeWithSelector(InsurancePool.InsurancePoolExceedsExcess.selector, 1, 9 ether + 1, 9 ether)
        );
        pool.moveExcessToRewardPool(0, 9 ether + 1);
        vm.expectRevert(
            abi.encodeWithSelector(InsurancePool.InsurancePoolExceedsExcess.selector, 0, 901 ether, 900 ether)
        );
        pool.burnExcessMzku(901 ether);
        vm.stopPrank();
    }

    function test_RevertWhen_nothingToWithdraw() public {
        vm.expectRevert(abi.encodeWithSelector(InsurancePool.InsurancePoolNothingToWithdraw.selector, victim));
        vm.prank(victim);
        pool.withdrawEth();
    }

    function test_RevertWhen_ethTransferFails() public {
        HostileInsuranceReceiver r = new HostileInsuranceReceiver(pool);
        r.setRefuse(true);
        vm.prank(market);
        pool.compensateEth(address(r), 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(InsurancePool.InsurancePoolEthTransferFailed.selector, address(r), 1 ether)
        );
        r.withdraw();
    }

    // ---------------------------------------------------------------- access control

    function test_RevertWhen_compensateEthUnauthorized() public {
        vm.expectRevert(abi.encodeWithSelector(InsurancePool.InsurancePoolNotCompensator.selector, stranger));
        vm.prank(stranger);
        pool.compensateEth(stranger, 1 ether);
    }

    function test_RevertWhen_compensateMzkuUnauthorized() public {
        vm.expectRevert(abi.encodeWithSelector(InsurancePool.InsurancePoolNotCompensator.selector, stranger));
        vm.prank(stranger);
        pool.compensateMzku(stranger, 1 ether);
    }

    /// Governance is not a compensator, and authorizing a caller later does not make one.
    function test_RevertWhen_governanceOrLaterCallerCompensates() public {
        vm.startPrank(gov);
        vm.expectRevert(abi.encodeWithSelector(InsurancePool.InsurancePoolNotCompensator.selector, gov));
        pool.compensateMzku(gov, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(InsurancePool.InsurancePoolNotCompensator.selector, gov));
        pool.compensateEth(gov, 1 ether);
        pool.setAuthorizedCaller(stranger, true);
        vm.stopPrank();
        assertFalse(pool.isCompensator(stranger));
        assertTrue(pool.isCompensator(market));
        vm.expectRevert(abi.encodeWithSelector(InsurancePool.InsurancePoolNotCompensator.selector, stranger));
        vm.prank(stranger);
        pool.compensateMzku(stranger, 1 ether);
    }

    function test_RevertWhen_moveExcessNotGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, market));
        vm.prank(market);
        pool.moveExcessToRewardPool(1, 1);
    }

    function test_RevertWhen_burnExcessNotGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, market));
        vm.prank(market);
        pool.burnExcessMzku(1);
    }

    function test_RevertWhen_setThresholdsNotGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, stranger));
        vm.prank(stranger);
        pool.setThresholds(100 ether, 1 ether);
    }

    function test_RevertWhen_constructorZeroThreshold() public {
        vm.expectRevert(InsurancePool.InsurancePoolZeroThreshold.selector);
        new InsurancePool(gov, new address[](0), IERC20(address(token)), IRewardPool(address(rewardPool)), 0, 1);
        vm.expectRevert(InsurancePool.InsurancePoolZeroThreshold.selector);
        new InsurancePool(gov, new address[](0), IERC20(address(token)), IRewardPool(address(rewardPool)), 1, 0);
    }

    /// @notice The deployment thresholds are floors: governance can raise the cover and lower it back,
    ///         never below them.
    function test_setThresholds_floorIsTheDeploymentThreshold() public {
        assertEq(pool.thresholdFloorMzku(), 100 ether);
        assertEq(pool.thresholdFloorEth(), 1 ether);
        vm.startPrank(gov);
        pool.setThresholds(500 ether, 5 ether);
        pool.setThresholds(100 ether, 1 ether);
        assertEq(pool.thresholdMzku(), 100 ether);
        assertEq(pool.thresholdEth(), 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(InsurancePool.InsurancePoolThresholdBelowFloor.selector, 0, 100 ether - 1, 100 ether)
        );
        pool.setThresholds(100 ether - 1, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(InsurancePool.InsurancePoolThresholdBelowFloor.selector, 1, 0, 1 ether));
        pool.setThresholds(100 ether, 0);
        vm.stopPrank();
        assertEq(pool.excessMzku(), 900 ether, "the cover stays at the floor");
    }

    function test_RevertWhen_setAuthorizedCallerNotGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, stranger));
        vm.prank(stranger);
        pool.setAuthorizedCaller(stranger, true);
    }

    // ---------------------------------------------------------------- reentrancy

    function test_compensateEth_hostileReceiverCannotReenter() public {
        HostileInsuranceReceiver r = new HostileInsuranceReceiver(pool);
        vm.prank(gov);
        pool.setAuthorizedCaller(address(r), true); // even an authorized receiver cannot re-enter
        vm.prank(market);
        assertEq(pool.compensateEth(address(r), 2 ether), 2 ether);
        assertTrue(r.reentered());
        assertFalse(r.reentrySucceeded());
        assertEq(address(r).balance, 2 ether, "paid once");
        assertEq(pool.ethReserved(), 0);
        assertEq(address(pool).balance, 8 ether);
    }

    function test_withdrawEth_hostileReceiverCannotReenter() public {
        HostileInsuranceReceiver r = new HostileInsuranceReceiver(pool);
        r.setRefuse(true);
        vm.prank(market);
        pool.compensateEth(address(r), 2 ether);
        r.setRefuse(false);
        assertEq(r.withdraw(), 2 ether);
        assertTrue(r.reentered());
        assertFalse(r.reentrySucceeded());
        assertEq(address(r).balance, 2 ether, "paid once");
        assertEq(pool.ethReserved(), 0);
    }
}

/// @notice Named gas snapshots (group "insurance"), each call its own transaction.
/// forge-config: default.isolate = true
contract InsurancePoolGasTest is InsurancePoolFixture {
    address internal funder = makeAddr("funder");
    address internal victim = makeAddr("victim");

    function setUp() public {
        _deployInsurancePool(funder, 1e9 ether, 1, 1);
        vm.deal(funder, 1000 ether);
        vm.deal(victim, 1 ether);
        vm.startPrank(funder);
        token.transfer(victim, 1 ether);
        token.approve(address(pool), type(uint256).max);
        pool.depositMzku(1000 ether);
        pool.depositEth{value: 10 ether}();
        vm.stopPrank();
    }

    function test_gas_insurance() public {
        vm.prank(funder);
        pool.depositMzku(10 ether);
        vm.snapshotGasLastCall("insurance", "deposit_mzku");
        vm.prank(funder);
        pool.depositEth{value: 1 ether}();
        vm.snapshotGasLastCall("insurance", "deposit_eth");
        vm.prank(market);
        pool.compensateMzku(victim, 5 ether);
        vm.snapshotGasLastCall("insurance", "compensate_mzku");
        vm.prank(market);
        pool.compensateEth(victim, 1 ether);
        vm.snapshotGasLastCall("insurance", "compensate_eth");
        HostileInsuranceReceiver r = new HostileInsuranceReceiver(pool);
        r.setRefuse(true);
        vm.prank(market);
        pool.compensateEth(address(r), 1 ether);
        vm.snapshotGasLastCall("insurance", "compensate_eth_credited");
        r.setRefuse(false);
        vm.prank(address(r));
        pool.withdrawEth();
        vm.snapshotGasLastCall("insurance", "withdraw_eth");
        vm.prank(gov);
        pool.moveExcessToRewardPool(10 ether, 1 ether);
        vm.snapshotGasLastCall("insurance", "move_excess_to_reward_pool");
        vm.prank(gov);
        pool.burnExcessMzku(10 ether);
        vm.snapshotGasLastCall("insurance", "burn_excess_mzku");
        vm.prank(gov);
        pool.setThresholds(200 ether, 2 ether);
        vm.snapshotGasLastCall("insurance", "set_thresholds");
    }
}
