// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Governed} from "../../src/governance/Governed.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolFactory} from "../../src/pools/micro/MicroPoolFactory.sol";
import {ValidatorFlowBase} from "../utils/ValidatorFlowBase.sol";

/// @notice The validator flow's entry points called by the wrong party or at the worst moment.
contract ValidatorFlowAttacksTest is ValidatorFlowBase {
    function _name() internal pure override returns (string memory) {
        return "validator-flow-attacks";
    }

    /// A stranger opens the pool of someone else's project (to operate the requester's validator).
    function test_Attack_StrangerOpensTheWinnersPool() public {
        _requestAndAssign();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketNotAllowed.selector, projectId, stranger));
        factory.openValidatorPool{value: K}(projectId);
    }

    /// The winner opens a second pool for the same project (a second validator paid by one FP).
    function test_Attack_SecondPoolForOneProject() public {
        _requestAndAssign();
        MicroPool pool = _openPool();
        vm.prank(winner);
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketValidatorPool.selector, projectId, address(pool))
        );
        factory.openValidatorPool{value: K}(projectId);
    }

    /// Anyone, or a governance majority, attaches a fake "pool" that reports a clean completion.
    function test_Attack_AttachAFakePool() public {
        _requestAndAssign();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorizedCaller.selector, stranger));
        market.attachValidatorPool(projectId, winner, stranger);
        vm.prank(address(governance));
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorizedCaller.selector, address(governance)));
        market.attachValidatorPool(projectId, winner, stranger);
    }

    /// The winner opens its pool below its k (the requester would carry the first loss).
    function test_Attack_PoolBelowK() public {
        _requestAndAssign();
        vm.prank(winner);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryCollateralTooLow.selector, providerId, K - 1, K)
        );
        factory.openValidatorPool{value: K - 1}(projectId);
    }

    /// A micro-pool without market fees for a project that is not a validator.
    function test_Attack_FeelessPoolForAnotherProjectType() public {
        uint256 id = _assignExecutionProject("s");
        vm.prank(winner);
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketValidatorPool.selector, id, address(0)));
        factory.openValidatorPool{value: K}(id);
    }

    /// The winner starts the project (locking FP as requester stake, starting its clock) before any deposit.
    function test_Attack_StartBeforeTheDeposit() public {
        _requestAndAssign();
        MicroPool pool = _openPool();
        vm.startPrank(winner);
        nodeId = nodes.registerNode(makeAddr("sidecar"), _validatorResources());
        nodes.activateNode(nodeId);
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketValidatorPool.selector, projectId, address(pool))
        );
        market.startProject(projectId, nodeId);
        vm.stopPrank();
    }

    /// The provider reports its own profit for a validator project (X must come from the pool).
    function test_Attack_ProviderReportsTheValidatorsProfit() public {
        _requestAndAssign();
        MicroPool pool = _openPool();
        _fillDepositStart(pool);
        vm.warp(block.timestamp + DURATION);
        vm.prank(winner);
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketValidatorPool.selector, projectId, address(pool))
        );
        market.submitCompletion(projectId, 1_000_000 ether);
    }

    /// Completing the project while the validator still runs (its pool Active) — early, for anyone.
    function test_Attack_CompleteWhileTheValidatorRuns() public {
        _requestAndAssign();
        MicroPool pool = _openPool();
        _fillDepositStart(pool);
        vm.warp(block.timestamp + DURATION + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketValidatorPool.selector, projectId, address(pool))
        );
        market.completeValidatorProject(projectId);
    }

    /// The settler picks its moment: calling the completion right away or months later gives the same
    /// outcome (the pool's completion time and loss decide, not the call's time).
    function test_Attack_CompletionTimingChangesNothing() public {
        _requestAndAssign();
        MicroPool pool = _openPool();
        _fillDepositStart(pool);
        vm.warp(market.getProject(projectId).startedAt + DURATION / 4);
        _arrive(pool, 32 ether);
        vm.prank(winner);
        pool.complete();
        uint256 snap = vm.snapshotState();
        market.completeValidatorProject(projectId);
        uint256 early = registry.getProvider(providerId).collateral;
        vm.revertToState(snap);
        vm.warp(block.timestamp + 200 days);
        market.completeValidatorProject(projectId);
        assertEq(registry.getProvider(providerId).collateral, early, "same penalty whenever it is called");
        assertEq(uint8(market.getProject(projectId).status), uint8(IProjectMarket.Status.Failed));
    }

    /// A validator project started on a node without any pool (FP counted as requester stake, no validator).
    function test_Attack_StartWithoutAPool() public {
        _requestAndAssign();
        vm.startPrank(winner);
        nodeId = nodes.registerNode(makeAddr("sidecar"), _validatorResources());
        nodes.activateNode(nodeId);
        vm.expectRevert(
            abi.encodeWithSelector(ProjectMarket.ProjectMarketValidatorPool.selector, projectId, address(0))
        );
        market.startProject(projectId, nodeId);
        vm.stopPrank();
    }

    /// Ending a project from a pool it does not have, or one that is not running.
    function test_Attack_CompleteWithoutAPoolOrNotRunning() public {
        _requestAndAssign();
        vm.expectRevert(
            abi.encodeWithSelector(
                ProjectMarket.ProjectMarketWrongStatus.selector, projectId, IProjectMarket.Status.Assigned
            )
        );
        market.completeValidatorProject(projectId);
        // A running project of another type has no pool.
        uint256 id = _assignExecutionProject("t");
        vm.startPrank(winner);
        nodeId = nodes.registerNode(makeAddr("sidecar2"), _validatorResources());
        nodes.activateNode(nodeId);
        market.startProject(id, nodeId);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(ProjectMarket.ProjectMarketValidatorPool.selector, id, address(0)));
        market.completeValidatorProject(id);
    }

    /// @dev A type-1 project (an execution node, not a validator) for the validator resources, which the
    ///      winner wins as the only bidder at half the quote; the auction settles.
    function _assignExecutionProject(string memory saltSeed) internal returns (uint256 id) {
        Resources memory r = _validatorResources();
        (uint256 quote,) = pricing.quote(r, DURATION, 1);
        vm.startPrank(requester);
        token.approve(address(market), quote);
        id = market.openProject(r, uint64(DURATION), 1, quote);
        vm.stopPrank();
        bytes32 salt = keccak256(bytes(saltSeed));
        bytes32 commitment = market.commitmentOf(quote / 2, salt, winner, id);
        vm.prank(winner);
        market.commit(id, commitment);
        vm.roll(market.getProject(id).commitEndBlock);
        vm.prank(winner);
        market.reveal(id, 0, quote / 2, salt);
        vm.roll(market.getProject(id).revealEndBlock);
        market.settle(id);
    }
}
