// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governance} from "../../src/governance/Governance.sol";
import {InsurancePool} from "../../src/pools/InsurancePool.sol";
import {DeployedProtocol} from "../utils/DeployedProtocol.sol";

/// @notice Attack: a governance majority lowers the Insurance Pool's thresholds to zero, so the whole balance
///         becomes "excess", then moves it to the Reward Pool or burns it, leaving nothing to pay losses.
///         The thresholds now have floors fixed at deployment (the deploy config's thresholds): the
///         proposal's execution fails and the pool keeps its cover. Run against the protocol as
///         `Deploy.s.sol` wires it, through real proposals.
contract InsuranceExcessDrainAttackTest is DeployedProtocol {
    uint256 internal constant FUND_MZKU = 3_000_000 ether;
    uint256 internal constant FUND_ETH = 150 ether;
    uint256 internal floorMzku;
    uint256 internal floorEth;

    function setUp() public {
        _deployProtocol("forge-test-insurance-drain");
        _seatGovernors();
        _fundMzku(address(insurance), FUND_MZKU);
        vm.deal(address(insurance), FUND_ETH);
        floorMzku = vm.parseJsonUint(config, ".pools.insuranceThresholdMzku");
        floorEth = vm.parseJsonUint(config, ".pools.insuranceThresholdEth");
    }

    function test_Attack_InsuranceDrain_ThresholdsToZeroByProposal() public {
        assertEq(insurance.thresholdFloorMzku(), floorMzku, "floor = the deploy config's threshold");
        assertEq(insurance.thresholdFloorEth(), floorEth);
        (address[] memory t, uint256[] memory v, bytes[] memory c) =
            _actions(address(insurance), abi.encodeCall(InsurancePool.setThresholds, (0, 0)));
        uint256 id = _pass(t, v, c);
        vm.expectRevert(
            abi.encodeWithSelector(
                Governance.GovernanceCallFailed.selector,
                id,
                0,
                abi.encodeWithSelector(InsurancePool.InsurancePoolThresholdBelowFloor.selector, 0, 0, floorMzku)
            )
        );
        governance.execute(id, t, v, c);
        assertEq(insurance.thresholdMzku(), floorMzku);
        assertEq(insurance.thresholdEth(), floorEth);
    }

    /// @notice Lowering the thresholds and moving or burning everything in one proposal fails as a whole.
    function test_Attack_InsuranceDrain_LowerThenMoveAndBurnInOneProposal() public {
        address[] memory t = new address[](3);
        uint256[] memory v = new uint256[](3);
        bytes[] memory c = new bytes[](3);
        (t[0], t[1], t[2]) = (address(insurance), address(insurance), address(insurance));
        c[0] = abi.encodeCall(InsurancePool.setThresholds, (1, 1));
        c[1] = abi.encodeCall(InsurancePool.moveExcessToRewardPool, (FUND_MZKU / 2, FUND_ETH - 1));
        c[2] = abi.encodeCall(InsurancePool.burnExcessMzku, (FUND_MZKU / 2 - 1));
        uint256 id = _pass(t, v, c);
        vm.expectRevert(
            abi.encodeWithSelector(
                Governance.GovernanceCallFailed.selector,
                id,
                0,
                abi.encodeWithSelector(InsurancePool.InsurancePoolThresholdBelowFloor.selector, 0, 1, floorMzku)
            )
        );
        governance.execute(id, t, v, c);
        assertEq(token.balanceOf(address(insurance)), FUND_MZKU, "nothing moved");
        assertEq(address(insurance).balance, FUND_ETH);
    }

    /// @notice What a majority can still do: move or burn what lies above the floors, and never more.
    function test_Attack_InsuranceDrain_OnlyTheExcessAboveTheFloorMoves() public {
        uint256 excessMzku = FUND_MZKU - floorMzku;
        uint256 excessEth = FUND_ETH - floorEth;
        (address[] memory t, uint256[] memory v, bytes[] memory c) = _actions(
            address(insurance), abi.encodeCall(InsurancePool.moveExcessToRewardPool, (excessMzku + 1, excessEth))
        );
        uint256 id = _pass(t, v, c);
        vm.expectRevert(
            abi.encodeWithSelector(
                Governance.GovernanceCallFailed.selector,
                id,
                0,
                abi.encodeWithSelector(InsurancePool.InsurancePoolExceedsExcess.selector, 0, excessMzku + 1, excessMzku)
            )
        );
        governance.execute(id, t, v, c);

        _govern(address(insurance), abi.encodeCall(InsurancePool.moveExcessToRewardPool, (excessMzku / 2, excessEth)));
        _govern(address(insurance), abi.encodeCall(InsurancePool.burnExcessMzku, (excessMzku - excessMzku / 2)));
        assertEq(token.balanceOf(address(insurance)), floorMzku, "the MZKU cover stays");
        assertEq(address(insurance).balance, floorEth, "the ETH cover stays");
        assertEq(token.balanceOf(address(rewardPool)), excessMzku / 2, "moved to the Reward Pool, not to an address");
        assertEq(token.balanceOf(insurance.BURN_ADDRESS()), excessMzku - excessMzku / 2);
    }
}
