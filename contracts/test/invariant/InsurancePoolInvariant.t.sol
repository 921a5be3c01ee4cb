// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {InsurancePool} from "../../src/pools/InsurancePool.sol";
import {InsurancePoolFixture} from "../utils/InsurancePoolFixture.sol";

/// @notice Drives the Insurance Pool with random inflows, compensations, withdrawals, moves and burns.
contract InsurancePoolHandler is Test {
    InsurancePool public pool;
    MzkuToken public token;
    address public gov;
    address public market;
    address[3] public victims;

    uint256[2] public ghostIn;
    uint256[2] public ghostOut;
    uint256 public ghostCredited;
    uint256 public ghostWithdrawn;

    constructor(InsurancePool pool_, MzkuToken token_, address gov_, address market_) {
        (pool, token, gov, market) = (pool_, token_, gov_, market_);
        victims = [address(0xB001), address(0xB002), address(new Refuser())];
        token.approve(address(pool), type(uint256).max);
    }

    function depositMzku(uint256 amount) external {
        amount = bound(amount, 1, 1e24);
        pool.depositMzku(amount);
        ghostIn[0] += amount;
    }

    function depositEth(uint256 amount) external {
        amount = bound(amount, 1, 1e22);
        vm.deal(address(this), amount);
        pool.depositEth{value: amount}();
        ghostIn[1] += amount;
    }

    function compensateMzku(uint256 victimSeed, uint256 amount, bool byGov) external {
        amount = bound(amount, 0, 2e24);
        if (byGov) {
            // governance is not a compensator: a payout needs a loss recorded by a protocol contract
            vm.prank(gov);
            vm.expectRevert(abi.encodeWithSelector(InsurancePool.InsurancePoolNotCompensator.selector, gov));
            pool.compensateMzku(victims[0], amount);
            return;
        }
        vm.prank(market);
        uint256 paid = pool.compensateMzku(victims[bound(victimSeed, 0, 2)], amount);
        assertLe(paid, amount);
        ghostOut[0] += paid;
    }

    function compensateEth(uint256 victimSeed, uint256 amount, bool byGov) external {
        amount = bound(amount, 0, 2e22);
        address v = victims[bound(victimSeed, 0, 2)];
        uint256 owedBefore = pool.ethOwedOf(v);
        if (byGov) {
            vm.prank(gov);
            vm.expectRevert(abi.encodeWithSelector(InsurancePool.InsurancePoolNotCompensator.selector, gov));
            pool.compensateEth(v, amount);
            return;
        }
        vm.prank(market);
        uint256 paid = pool.compensateEth(v, amount);
        assertLe(paid, amount);
        uint256 credited = pool.ethOwedOf(v) - owedBefore;
        ghostCredited += credited;
        ghostOut[1] += paid - credited; // pushed
    }

    /// @dev The third victim refuses ETH half of the time, so compensation is credited to it.
    function toggleRefusal() external {
        Refuser(payable(victims[2])).toggle();
    }

    function withdraw(uint256 victimSeed) external {
        address v = victims[bound(victimSeed, 0, 2)];
        if (pool.ethOwedOf(v) == 0) return;
        if (v.code.length != 0 && Refuser(payable(v)).refusing()) return;
        vm.prank(v);
        uint256 amount = pool.withdrawEth();
        ghostOut[1] += amount;
        ghostWithdrawn += amount;
    }

    function moveExcess(uint256 m, uint256 e) external {
        m = bound(m, 0, pool.excessMzku());
        e = bound(e, 0, pool.excessEth());
        vm.prank(gov);
        pool.moveExcessToRewardPool(m, e);
        ghostOut[0] += m;
        ghostOut[1] += e;
    }

    function burn(uint256 m) external {
        m = bound(m, 0, pool.excessMzku());
        vm.prank(gov);
        pool.burnExcessMzku(m);
        ghostOut[0] += m;
    }

    function setThresholds(uint256 m, uint256 e) external {
        vm.prank(gov);
        pool.setThresholds(bound(m, 1e21, 1e24), bound(e, 1e18, 1e22));
    }

    function owedSum() external view returns (uint256 s) {
        for (uint256 i = 0; i < 3; ++i) {
            s += pool.ethOwedOf(victims[i]);
        }
    }

    receive() external payable {}
}

/// @notice A victim that can refuse ETH.
contract Refuser {
    bool public refusing = true;

    function toggle() external {
        refusing = !refusing;
    }

    receive() external payable {
        if (refusing) revert("no");
    }
}

contract InsurancePoolInvariantTest is InsurancePoolFixture {
    InsurancePoolHandler internal handler;

    function setUp() public {
        _deployInsurancePool(address(this), 1e30, 1e21, 1e18);
        handler = new InsurancePoolHandler(pool, token, gov, market);
        token.transfer(address(handler), 1e30);
        targetContract(address(handler));
    }

    /// @notice Balances == Σ in - Σ out, to the wei (nothing is split: no dust).
    function invariant_balancesExact() public view {
        assertEq(token.balanceOf(address(pool)), handler.ghostIn(0) - handler.ghostOut(0), "MZKU");
        assertEq(address(pool).balance, handler.ghostIn(1) - handler.ghostOut(1), "ETH");
    }

    /// @notice Credited compensation is covered and equals what was credited minus withdrawn.
    function invariant_reservedCovered() public view {
        assertEq(pool.ethReserved(), handler.owedSum(), "reserved == sum of owed");
        assertEq(
            pool.ethReserved(), handler.ghostCredited() - handler.ghostWithdrawn(), "reserved == credited - withdrawn"
        );
        assertLe(pool.ethReserved(), address(pool).balance, "solvent");
    }
}
