// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {IProviderRegistry} from "../../src/interfaces/IProviderRegistry.sol";
import {PricingPolicy} from "../../src/market/PricingPolicy.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {Reputation} from "../../src/market/Reputation.sol";
import {GovernedUptimeFeed} from "../../src/market/GovernedUptimeFeed.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {MarketPoolDouble} from "./MarketDoubles.sol";

/// @notice The market wired to the real ProviderRegistry and NodeRegistry (pools are still doubles),
///         with every address precomputed as the deploy script does.
abstract contract MarketRealBase is Test {
    address internal gov = makeAddr("governance");
    address internal requester = makeAddr("requester");
    MzkuToken internal token;
    ProviderRegistry internal registry;
    NodeRegistry internal nodes;
    MarketPoolDouble internal rewardPool;
    MarketPoolDouble internal insurancePool;
    GovernedUptimeFeed internal feed;
    Reputation internal reputation;
    PricingPolicy internal policy;
    ProjectMarket internal market;

    uint8 internal constant T = 2;
    uint64 internal constant DAY = 1 days;
    uint256 internal constant FP = 100 ether;

    address[] internal noCallers;

    function setUp() public virtual {
        address[] memory holders = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        holders[0] = address(this);
        amounts[0] = 1e12 ether;
        token = new MzkuToken(holders, amounts);
        uint256 nonce = vm.getNonce(address(this));
        // creation order: registry, nodes, rewardPool, insurancePool, feed, reputation, policy, market
        address registryAt = vm.computeCreateAddress(address(this), nonce);
        address nodesAt = vm.computeCreateAddress(address(this), nonce + 1);
        address reputationAt = vm.computeCreateAddress(address(this), nonce + 5);
        address marketAt = vm.computeCreateAddress(address(this), nonce + 7);
        address[] memory regCallers = new address[](2);
        (regCallers[0], regCallers[1]) = (marketAt, reputationAt);
        registry = new ProviderRegistry(gov, regCallers, token, nodesAt);
        address[] memory marketOnly = new address[](1);
        marketOnly[0] = marketAt;
        nodes = new NodeRegistry(gov, marketOnly, IProviderRegistry(address(registry)));
        rewardPool = new MarketPoolDouble(token);
        insurancePool = new MarketPoolDouble(token);
        feed = new GovernedUptimeFeed(gov, noCallers);
        reputation = new Reputation(gov, marketOnly, address(registry), address(feed));
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
        assertEq(address(registry), registryAt, "precomputed registry address");
        assertEq(address(market), marketAt, "precomputed market address");
        assertEq(address(nodes), nodesAt, "precomputed node registry address");
        assertEq(address(reputation), reputationAt, "precomputed reputation address");
        insurancePool.setAuthorized(address(market), true);
        vm.startPrank(gov);
        policy.setUnitPrices(T, IPricingPolicy.UnitPrices(100 ether, 0, 0, 0, 0));
        policy.setTypeTerms(T, IPricingPolicy.TypeTerms(true, false, 0, 0));
        vm.stopPrank();
        token.transfer(requester, 1e9 ether);
        vm.prank(requester);
        token.approve(address(market), type(uint256).max);
    }

    function _res() internal pure returns (Resources memory) {
        return Resources(4, 16, 100, 100);
    }

    /// @notice Applies, deposits Pmin of collateral, is qualified, gets a score and a bond balance.
    function _provider(string memory name, uint128 priceCap) internal returns (address owner, uint256 id) {
        owner = makeAddr(name);
        token.transfer(owner, 1_000_000 ether);
        vm.startPrank(owner);
        id = registry.applyAsProvider(name, Resources(16, 64, 8000, 100), priceCap, "ipfs://x");
        token.approve(address(registry), type(uint256).max);
        registry.depositCollateral(10_000 ether);
        token.approve(address(market), type(uint256).max);
        market.depositBond(100 ether);
        vm.stopPrank();
        vm.prank(gov);
        registry.qualify(id);
        reputation.refresh(id);
    }

    function _salt(address bidder) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", bidder));
    }

    function _open() internal returns (uint256 id) {
        vm.prank(requester);
        id = market.openProject(_res(), DAY, T, FP);
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

    /// @notice The provider registers and activates a node for the project's resources.
    function _node(address owner, string memory sidecar) internal returns (uint256 nodeId) {
        vm.startPrank(owner);
        nodeId = nodes.registerNode(makeAddr(sidecar), _res());
        nodes.activateNode(nodeId);
        vm.stopPrank();
    }
}
