// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {PricingPolicy} from "../../src/market/PricingPolicy.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {Reputation} from "../../src/market/Reputation.sol";
import {GovernedUptimeFeed} from "../../src/market/GovernedUptimeFeed.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {NodeStatus, Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {MarketNodeRegistryDouble, MarketPoolDouble, MarketRegistryDouble} from "../utils/MarketDoubles.sol";

/// @notice Deploys the market with test doubles for the registries and pools.
abstract contract MarketBase is Test {
    address internal gov = makeAddr("governance");
    address internal requester = makeAddr("requester");
    MzkuToken internal token;
    MarketRegistryDouble internal registry;
    MarketNodeRegistryDouble internal nodes;
    MarketPoolDouble internal rewardPool;
    MarketPoolDouble internal insurancePool;
    GovernedUptimeFeed internal feed;
    Reputation internal reputation;
    PricingPolicy internal policy;
    ProjectMarket internal market;

    /// Test project type 2: FP = 100 MZKU per day flat, no resources priced.
    uint8 internal constant T = 2;
    uint64 internal constant DAY = 1 days;
    uint256 internal constant FP = 100 ether;
    uint256 internal constant BOND = 10 ether;

    address[] internal noCallers;

    function setUp() public virtual {
        address[] memory holders = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        holders[0] = address(this);
        amounts[0] = 1e12 ether;
        token = new MzkuToken(holders, amounts);
        registry = new MarketRegistryDouble(token);
        nodes = new MarketNodeRegistryDouble();
        rewardPool = new MarketPoolDouble(token);
        insurancePool = new MarketPoolDouble(token);
        feed = new GovernedUptimeFeed(gov, noCallers);
        reputation = new Reputation(gov, noCallers, address(registry), address(feed));
        policy = new PricingPolicy(gov, noCallers, address(registry), address(reputation));
        market = new ProjectMarket(
            gov,
            noCallers,
            address(token),
            address(policy),
            address(registry),
            address(nodes),
            address(reputation),
            address(rewardPool),
            address(insurancePool)
        );
        vm.startPrank(gov);
        reputation.setAuthorizedCaller(address(market), true);
        policy.setUnitPrices(T, IPricingPolicy.UnitPrices(100 ether, 0, 0, 0, 0));
        policy.setTypeTerms(T, IPricingPolicy.TypeTerms(true, false, 0, 0));
        vm.stopPrank();
        registry.setAuthorized(address(market), true);
        registry.setAuthorized(address(reputation), true);
        insurancePool.setAuthorized(address(market), true);
        token.transfer(requester, 1e9 ether);
        vm.prank(requester);
        token.approve(address(market), type(uint256).max);
    }

    function _res() internal pure returns (Resources memory) {
        return Resources(4, 16, 100, 100);
    }

    /// @notice A qualified provider with collateral, capacity for 2 nodes, a refreshed score and a bond balance.
    function _provider(string memory name, uint128 priceCap) internal returns (address owner, uint256 id) {
        owner = makeAddr(name);
        token.transfer(address(registry), 10_000 ether);
        id = registry.add(owner, priceCap, 10_000 ether, Resources(16, 64, 1000, 1000), 2);
        reputation.refresh(id);
        token.transfer(owner, 1_000_000 ether);
        vm.startPrank(owner);
        token.approve(address(market), type(uint256).max);
        market.depositBond(100 ether);
        vm.stopPrank();
    }

    function _open() internal returns (uint256 id) {
        vm.prank(requester);
        id = market.openProject(_res(), DAY, T, FP);
    }

    function _salt(address bidder) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", bidder));
    }

    function _commit(uint256 id, address bidder, uint256 price) internal returns (uint256 index) {
        bytes32 c = market.commitmentOf(price, _salt(bidder), bidder, id);
        vm.prank(bidder);
        index = market.commit(id, c);
    }

    function _reveal(uint256 id, address bidder, uint256 index, uint256 price) internal {
        vm.prank(bidder);
        market.reveal(id, index, price, _salt(bidder));
    }

    function _toReveal(uint256 id) internal {
        vm.roll(market.getProject(id).commitEndBlock);
    }

    function _toSettle(uint256 id) internal {
        vm.roll(market.getProject(id).revealEndBlock);
    }

    /// @notice Commit, reveal and settle `prices` from `bidders`; returns the project id.
    function _auction(address[] memory bidders, uint256[] memory prices) internal returns (uint256 id) {
        id = _open();
        uint256[] memory idx = new uint256[](bidders.length);
        for (uint256 i = 0; i < bidders.length; ++i) {
            idx[i] = _commit(id, bidders[i], prices[i]);
        }
        _toReveal(id);
        for (uint256 i = 0; i < bidders.length; ++i) {
            _reveal(id, bidders[i], idx[i], prices[i]);
        }
        _toSettle(id);
        market.settle(id);
    }

    function _node(uint256 providerId) internal returns (uint256) {
        return nodes.add(providerId, makeAddr(string(abi.encode("sidecar", nodes.nodeCount()))), NodeStatus.Active);
    }
}
