// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {MicroPoolFactory} from "../../src/pools/micro/MicroPoolFactory.sol";
import {ValidatorFlowBase} from "../utils/ValidatorFlowBase.sol";

/// @notice The validator flow's steps taken out of order, as a requester or a provider would see them:
///         each is refused with an error naming the project and what is wrong, and nothing moves.
contract ValidatorFlowGuardsTest is ValidatorFlowBase {
    function _name() internal pure override returns (string memory) {
        return "validator-flow-guards";
    }

    /// The winner starts its validator project before opening the project's pool: there is no deposit to
    /// start on.
    function test_RevertWhen_startWithoutAPool() public {
        _requestAndAssign();
        vm.startPrank(winner);
        nodeId = nodes.registerNode(makeAddr("sidecar"), _validatorResources());
        nodes.activateNode(nodeId);
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketValidatorPool.selector, projectId, address(0))
        );
        market.startProject(projectId, nodeId);
        vm.stopPrank();
        assertEq(uint256(market.getProject(projectId).status), uint256(IProjectMarket.Status.Assigned));
    }

    /// A pool for a project still in its auction: nobody has won it yet.
    function test_RevertWhen_poolOpenedDuringTheAuction() public {
        _openValidatorProject();
        uint256 balance = winner.balance;
        vm.prank(winner);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProjectMarket.ProjectMarketWrongStatus.selector, projectId, IProjectMarket.Status.Bidding
            )
        );
        factory.openValidatorPool{value: K}(projectId);
        assertEq(winner.balance, balance, "the ETH stays with the provider");
        assertEq(factory.poolCount(), 0);
    }

    /// More than a validator's 32 ETH from the provider alone.
    function test_RevertWhen_poolAboveThirtyTwoEth() public {
        _requestAndAssign();
        vm.prank(winner);
        vm.expectRevert(abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryCollateralTooHigh.selector, 33 ether));
        factory.openValidatorPool{value: 33 ether}(projectId);
    }

    /// Completing from the pool before the project even started (Assigned): refused.
    function test_RevertWhen_completeBeforeTheStart() public {
        _requestAndAssign();
        _openPool();
        vm.expectRevert(
            abi.encodeWithSelector(
                ProjectMarket.ProjectMarketWrongStatus.selector, projectId, IProjectMarket.Status.Assigned
            )
        );
        market.completeValidatorProject(projectId);
    }

    function _openValidatorProject() internal {
        (fp,) = pricing.quote(_validatorResources(), DURATION, 0);
        vm.startPrank(requester);
        token.approve(address(market), fp);
        projectId = market.openProject(_validatorResources(), uint64(DURATION), 0, fp);
        vm.stopPrank();
    }
}
