// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MarketRealBase} from "../utils/MarketRealBase.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {InsurancePool} from "../../src/pools/InsurancePool.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice Honest and adversarial actors on the market wired to the real registries and pools:
///         requesters opening projects, providers bidding (some dropping out after the reveal, some
///         never starting), a settler choosing its moment (possibly past the draw block's window),
///         governance declaring failures with any loss. Ghost totals follow every MZKU movement.
contract ProtocolMarketHandler is Test {
    ProjectMarket internal market;
    ProviderRegistry internal registry;
    NodeRegistry internal nodes;
    InsurancePool internal insurance;
    MzkuToken internal token;
    address internal gov;
    address internal requester;
    address[] public provs;

    uint256 public ghostInsurancePaid; // what the Insurance Pool paid, measured at failProject
    uint256 public ghostInsuranceLossBound; // Σ (loss − what the reservation covered) of those failures
    uint256 public ghostViolations; // rules broken as seen from outside (must stay 0)
    uint256 public failures;
    uint256 public settlements;
    uint256 internal _nodeSeq;

    constructor(
        ProjectMarket market_,
        ProviderRegistry registry_,
        NodeRegistry nodes_,
        InsurancePool insurance_,
        MzkuToken token_,
        address gov_,
        address requester_,
        address[] memory provs_
    ) {
        (market, registry, nodes, insurance, token, gov, requester) =
        (market_, registry_, nodes_, insurance_, token_, gov_, requester_);
        provs = provs_;
    }

    function _project(uint256 seed) internal view returns (uint256) {
        uint256 n = market.projectCount();
        return n == 0 ? 0 : seed % n + 1;
    }

    /// Any action except a declared failure must not take MZKU out of the Insurance Pool.
    modifier insuranceOnlyGrows() {
        uint256 before = token.balanceOf(address(insurance));
        _;
        if (token.balanceOf(address(insurance)) < before) ++ghostViolations;
    }

    function open(uint256 daysSeed) external insuranceOnlyGrows {
        uint64 duration = uint64(bound(daysSeed, 1, 400)) * 1 days; // some above the 365-day limit
        vm.prank(requester);
        try market.openProject(Resources(4, 16, 100, 100), duration, 2, type(uint256).max) {} catch {}
    }

    mapping(uint256 projectId => mapping(address bidder => uint256)) internal _indexPlusOne;

    /// A bidder's price for a project: anywhere from far below the highest eligible bid to above FP.
    function _price(uint256 id, address a) internal view returns (uint256) {
        uint256 fp = market.getProject(id).fixedPrice;
        return fp / 2 + uint256(keccak256(abi.encode(id, a))) % (fp / 2 + 1);
    }

    function commit(uint256 pSeed, uint256 actorSeed) external insuranceOnlyGrows {
        uint256 id = _project(pSeed);
        if (id == 0) return;
        address a = provs[actorSeed % provs.length];
        bytes32 commitment = keccak256(abi.encode(_price(id, a), bytes32(uint256(uint160(a))), a, id));
        vm.prank(a);
        try market.commit(id, commitment) returns (uint256 index) {
            _indexPlusOne[id][a] = index + 1;
        } catch {}
    }

    function reveal(uint256 pSeed, uint256 actorSeed) external insuranceOnlyGrows {
        uint256 id = _project(pSeed);
        if (id == 0) return;
        address a = provs[actorSeed % provs.length];
        uint256 slot = _indexPlusOne[id][a];
        if (slot == 0) return;
        IProjectMarket.ProjectView memory p = market.getProject(id);
        if (block.number < p.commitEndBlock) vm.roll(p.commitEndBlock);
        uint256 price = _price(id, a);
        vm.prank(a);
        try market.reveal(id, slot - 1, price, bytes32(uint256(uint160(a)))) {} catch {}
    }

    /// A revealed bidder drops out: lowers its price cap to almost nothing.
    function dropOut(uint256 actorSeed) external insuranceOnlyGrows {
        vm.prank(provs[actorSeed % provs.length]);
        registry.updatePriceCap(1);
    }

    function restoreCap(uint256 actorSeed) external {
        vm.prank(provs[actorSeed % provs.length]);
        registry.updatePriceCap(1_000_000 ether);
    }

    /// The settler picks its moment: right away, a little later, or past the draw block's window.
    function settle(uint256 pSeed, uint256 wait) external insuranceOnlyGrows {
        uint256 id = _project(pSeed);
        if (id == 0) return;
        IProjectMarket.ProjectView memory p = market.getProject(id);
        if (p.status != IProjectMarket.Status.Bidding) return;
        uint256 target = uint256(p.revealEndBlock) + bound(wait, 0, 400);
        if (block.number < target) vm.roll(target);
        try market.settle(id) {
            ++settlements;
        } catch {}
        p = market.getProject(id);
        if (p.status == IProjectMarket.Status.Assigned && registry.reservedOf(p.providerId) < _reserve(p)) {
            ++ghostViolations;
        }
    }

    function start(uint256 pSeed) external insuranceOnlyGrows {
        uint256 id = _project(pSeed);
        if (id == 0) return;
        IProjectMarket.ProjectView memory p = market.getProject(id);
        if (p.status != IProjectMarket.Status.Assigned) return;
        vm.startPrank(p.winner);
        try nodes.registerNode(makeAddr(string(abi.encode("sc", ++_nodeSeq))), Resources(4, 16, 100, 100)) returns (
            uint256 nodeId
        ) {
            nodes.activateNode(nodeId);
            try market.startProject(id, nodeId) {
                // the provider tries to walk away with its node and its collateral
                try nodes.stopNode(nodeId) {
                    ++ghostViolations;
                } catch {}
                uint256 collateral = registry.getProvider(p.providerId).collateral;
                try registry.requestWithdrawal(collateral) {
                    ++ghostViolations;
                } catch {}
            } catch {}
        } catch {}
        vm.stopPrank();
    }

    function failLate(uint256 pSeed) external insuranceOnlyGrows {
        uint256 id = _project(pSeed);
        if (id == 0) return;
        IProjectMarket.ProjectView memory p = market.getProject(id);
        if (p.status != IProjectMarket.Status.Assigned) return;
        _warpForward(uint256(p.startDeadline) + 1);
        uint256 reqBefore = token.balanceOf(requester);
        try market.failUnstarted(id) {
            ++failures;
            uint256 gain = token.balanceOf(requester) - reqBefore;
            if (gain > p.fixedPrice + _reserve(p)) ++ghostViolations;
        } catch {}
    }

    /// Governance declares a failure with any loss; only a loss within the cap goes through.
    function failDeclared(uint256 pSeed, uint256 loss) external {
        uint256 id = _project(pSeed);
        if (id == 0) return;
        IProjectMarket.ProjectView memory p = market.getProject(id);
        if (p.status != IProjectMarket.Status.Assigned && p.status != IProjectMarket.Status.Running) return;
        loss = bound(loss, 0, 6 * uint256(p.fixedPrice));
        uint256 insBefore = token.balanceOf(address(insurance));
        uint256 reserve = _reserve(p);
        vm.prank(gov);
        try market.failProject(id, loss) {
            ++failures;
            uint256 paid = insBefore - token.balanceOf(address(insurance));
            ghostInsurancePaid += paid;
            ghostInsuranceLossBound += loss > reserve ? loss - reserve : 0;
            if (loss > uint256(p.fixedPrice) * p.lossCapBps / 10_000) ++ghostViolations;
        } catch {}
    }

    function complete(uint256 pSeed, uint256 profit) external insuranceOnlyGrows {
        uint256 id = _project(pSeed);
        if (id == 0) return;
        IProjectMarket.ProjectView memory p = market.getProject(id);
        if (p.status != IProjectMarket.Status.Running) return;
        _warpForward(uint256(p.startedAt) + p.duration);
        profit = bound(profit, 0, 1000 ether);
        vm.startPrank(p.winner);
        token.approve(address(market), profit);
        try market.submitCompletion(id, profit) {} catch {}
        vm.stopPrank();
        vm.prank(gov);
        try market.confirmCompletion(id, profit) {} catch {}
    }

    function withdrawBond(uint256 actorSeed, uint256 amount) external insuranceOnlyGrows {
        address a = provs[actorSeed % provs.length];
        amount = bound(amount, 1, 1000 ether);
        vm.prank(a);
        try market.withdrawBond(amount) {} catch {}
    }

    /// Time only moves forward (other handlers sharing the chain may already be past `t`).
    function _warpForward(uint256 t) internal {
        if (block.timestamp < t) vm.warp(t);
    }

    function _reserve(IProjectMarket.ProjectView memory p) internal pure returns (uint256) {
        return p.fixedPrice * p.reserveBps / 10_000;
    }

    function provCount() external view returns (uint256) {
        return provs.length;
    }
}

/// @notice The handler and the checks, shared by the invariant suite and its smoke test.
abstract contract ProtocolMarketSetup is MarketRealBase {
    ProtocolMarketHandler internal handler;
    address[] internal provs;
    uint256 internal constant INSURANCE_FUNDING = 50_000 ether;
    uint256 internal _systemTotal;

    function setUp() public virtual override {
        super.setUp();
        for (uint256 i = 0; i < 4; ++i) {
            (address o,) = _provider(string(abi.encodePacked("I", vm.toString(i))), 1_000_000 ether);
            provs.push(o);
        }
        token.transfer(address(insurancePool), INSURANCE_FUNDING);
        handler = new ProtocolMarketHandler(market, registry, nodes, insurancePool, token, gov, requester, provs);
        for (uint256 i = 0; i < provs.length; ++i) {
            vm.prank(provs[i]);
            token.approve(address(handler), type(uint256).max);
        }
        _systemTotal = _systemBalance();
    }

    function _systemBalance() internal view returns (uint256 sum) {
        sum = token.balanceOf(requester) + token.balanceOf(address(market)) + token.balanceOf(address(registry))
            + token.balanceOf(address(rewardPool)) + token.balanceOf(address(insurancePool));
        for (uint256 i = 0; i < provs.length; ++i) {
            sum += token.balanceOf(provs[i]);
        }
    }

    /// MZKU neither appears nor leaves: requester, providers, market, registry and both pools hold
    /// together what they held at the start.
    function _checkMzkuConserved() internal view {
        assertEq(_systemBalance(), _systemTotal, "MZKU conserved across the contracts and actors");
    }

    /// The registry holds every provider's collateral and unbonding; reservations are part of the
    /// collateral and equal what the running assignments reserved.
    function _checkCollateralBackedAndReserved() internal view {
        uint256 held;
        for (uint256 id = 1; id <= registry.providerCount(); ++id) {
            (uint256 unbonding,) = registry.unbondingOf(id);
            uint256 collateral = registry.getProvider(id).collateral;
            held += collateral + unbonding;
            assertLe(registry.reservedOf(id), collateral, "reserved <= collateral");
        }
        assertEq(token.balanceOf(address(registry)), held, "registry holds the collateral exactly");
        uint256 reserved;
        for (uint256 id = 1; id <= registry.providerCount(); ++id) {
            reserved += registry.reservedOf(id);
        }
        uint256 owed;
        for (uint256 pid = 1; pid <= market.projectCount(); ++pid) {
            IProjectMarket.ProjectView memory p = market.getProject(pid);
            if (p.status == IProjectMarket.Status.Assigned || p.status == IProjectMarket.Status.Running) {
                owed += p.fixedPrice * p.reserveBps / 10_000;
            }
        }
        assertEq(reserved, owed, "reservations == what running assignments reserved");
    }

    /// The Insurance Pool pays only declared failures' losses beyond the reservation, never anything
    /// else, and stays solvent.
    function _checkInsurancePaysOnlyRecordedLosses() internal view {
        assertEq(handler.ghostViolations(), 0, "no rule broken");
        assertLe(handler.ghostInsurancePaid(), handler.ghostInsuranceLossBound(), "paid <= recorded losses");
    }

    /// The market holds at least what it owes: FP of unfinished projects, bond balances, escrows.
    function _checkMarketSolvent() internal view {
        uint256 owed;
        for (uint256 pid = 1; pid <= market.projectCount(); ++pid) {
            IProjectMarket.ProjectView memory p = market.getProject(pid);
            IProjectMarket.Status s = p.status;
            if (
                s == IProjectMarket.Status.Bidding || s == IProjectMarket.Status.NoWinner
                    || s == IProjectMarket.Status.Assigned || s == IProjectMarket.Status.Running
            ) owed += p.fixedPrice + p.pendingProfit;
        }
        for (uint256 i = 0; i < provs.length; ++i) {
            owed += market.bondBalanceOf(provs[i]);
        }
        assertLe(owed, token.balanceOf(address(market)), "market solvent");
    }
}

contract ProtocolMarketInvariantTest is ProtocolMarketSetup {
    function setUp() public override {
        super.setUp();
        targetContract(address(handler));
    }

    function invariant_mzkuConserved() public view {
        _checkMzkuConserved();
    }

    function invariant_collateralBackedAndReservedByAssignments() public view {
        _checkCollateralBackedAndReserved();
    }

    function invariant_insurancePaysOnlyRecordedLosses() public view {
        _checkInsurancePaysOnlyRecordedLosses();
    }

    function invariant_marketSolvent() public view {
        _checkMarketSolvent();
    }
}

/// @notice The handler's paths are reachable: a fixed sequence settles auctions (one re-armed), starts
///         projects, fails some late and some by declaration (with insurance), completes others.
contract ProtocolMarketHandlerSmokeTest is ProtocolMarketSetup {
    function test_handler_reachesSettlementsAndFailures() public {
        for (uint256 round = 0; round < 6; ++round) {
            handler.open(30);
            uint256 id = market.projectCount();
            for (uint256 i = 0; i < 4; ++i) {
                handler.commit(id - 1, i);
            }
            for (uint256 i = 0; i < 4; ++i) {
                handler.reveal(id - 1, i);
            }
            handler.settle(id - 1, round * 80);
            if (round % 3 == 0) handler.failLate(id - 1);
            handler.start(id - 1);
            if (round % 3 == 1) handler.failDeclared(id - 1, round == 1 ? 5000 ether : 250 ether); // 5000 > the 3000 reserved
            else handler.complete(id - 1, 10 ether);
            handler.settle(id - 1, 0); // a re-armed draw completes
        }
        assertGt(handler.settlements(), 0, "auctions settled");
        assertGt(handler.failures(), 0, "failures reached");
        assertGt(handler.ghostInsurancePaid(), 0, "the Insurance Pool paid a declared loss beyond the reservation");
        assertEq(handler.ghostViolations(), 0);
        _checkMzkuConserved();
        _checkCollateralBackedAndReserved();
        _checkInsurancePaysOnlyRecordedLosses();
        _checkMarketSolvent();
    }
}
