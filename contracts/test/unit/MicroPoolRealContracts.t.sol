// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {Test} from "forge-std/Test.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {DepositContract} from "../../src/deposit/DepositContract.sol";
import {DepositDataRoot} from "../../src/deposit/DepositDataRoot.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {PricingPolicy} from "../../src/market/PricingPolicy.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {Resources, TrustTier} from "../../src/interfaces/ProtocolTypes.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolFactory} from "../../src/pools/micro/MicroPoolFactory.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {InsurancePool} from "../../src/pools/InsurancePool.sol";
import {IRewardPool} from "../../src/interfaces/IRewardPool.sol";
import {DepositVector, DepositVectors} from "../fixtures/DepositVectors.sol";

/// @dev The factory and pools against the real ProviderRegistry (eligibility, k by trust tier), PricingPolicy
///      (FP), RewardPool and InsurancePool (splits in, compensation out).
contract MicroPoolRealContractsTest is Test {
    address internal governance = makeAddr("governance");
    address internal owner = makeAddr("providerOwner");
    address internal staker = makeAddr("staker");
    MzkuToken internal mzku;
    ProviderRegistry internal registry;
    PricingPolicy internal pricing;
    MicroPoolFactory internal factory;
    RewardPool internal rp;
    InsurancePool internal ip;
    uint256 internal id;

    function setUp() public {
        address[] memory holders = new address[](1);
        holders[0] = address(this);
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = 1_000_000_000 ether;
        mzku = new MzkuToken(holders, amounts);
        registry = new ProviderRegistry(governance, new address[](0), mzku, makeAddr("nodeRegistry"));
        pricing = new PricingPolicy(governance, new address[](0), address(registry), makeAddr("reputation"));
        address[4] memory sources = [governance, address(registry), makeAddr("sidecars"), makeAddr("market")];
        rp = new RewardPool(governance, new address[](0), mzku, makeAddr("treasury"), sources, 7 days);
        // creation order: insurance pool, deposit contract, factory (the pool's compensator)
        address[] memory compensators = new address[](1);
        compensators[0] = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 2);
        ip = new InsurancePool(governance, compensators, mzku, IRewardPool(address(rp)), 1, 1);
        factory = new MicroPoolFactory(
            governance,
            new address[](0),
            registry,
            mzku,
            new DepositContract(),
            rp,
            ip,
            pricing,
            vm.addr(0xC0),
            IProjectMarket(makeAddr("market"))
        );
        assertEq(address(factory), compensators[0], "precomputed factory address");
        vm.prank(owner);
        id = registry.applyAsProvider("P", Resources(64, 256, 20_000, 1000), 1000 ether, "ipfs://p");
        mzku.transfer(owner, registry.pMin());
        vm.startPrank(owner);
        mzku.approve(address(registry), type(uint256).max);
        registry.depositCollateral(registry.pMin());
        vm.stopPrank();
        vm.deal(owner, 100 ether);
        vm.deal(staker, 100 ether);
    }

    function test_lifecycle_RealRegistryPricingAndPools() public {
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryProviderNotEligible.selector, owner, id)
        );
        factory.openPool{value: 16 ether}(uint40(block.timestamp + 30 days));

        vm.startPrank(governance);
        registry.qualify(id);
        registry.setTrustTier(id, TrustTier.SemiTrusted, 8 ether);
        vm.stopPrank();

        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(MicroPoolFactory.MicroPoolFactoryCollateralTooLow.selector, id, 4 ether, 8 ether)
        );
        factory.openPool{value: 4 ether}(uint40(block.timestamp + 30 days));

        vm.prank(owner);
        MicroPool pool = MicroPool(payable(factory.openPool{value: 8 ether}(uint40(block.timestamp + 30 days))));
        (uint32 c, uint32 r, uint32 s, uint32 b) = factory.validatorResources();
        (uint256 fp,) = pricing.quote(Resources(c, r, s, b), 30 days, 0);
        assertEq(pool.fixedPrice(), fp);
        assertGt(fp, 0);

        mzku.transfer(staker, fp);
        vm.startPrank(staker);
        mzku.approve(address(pool), type(uint256).max);
        pool.stake{value: 24 ether}();
        vm.stopPrank();
        assertEq(mzku.balanceOf(address(pool)), (24 ether * fp + 32 ether - 1) / 32 ether);

        DepositVector memory v = DepositVectors.all()[0];
        bytes32 root = this.computeRoot(v.pubkey, pool.withdrawalCredentials(), v.signature);
        (uint8 sv, bytes32 sr, bytes32 ss) =
            vm.sign(0xC0, factory.depositKeyDigest(address(pool), keccak256(v.pubkey), root));
        vm.prank(owner);
        pool.setDepositData(v.pubkey, v.signature, root, abi.encodePacked(sr, ss, sv));
        _activate(pool, v);
        assertEq(uint256(pool.state()), uint256(MicroPool.State.Active));
        uint256 mzkuFees = (24 ether * fp + 32 ether - 1) / 32 ether;
        assertEq(mzku.balanceOf(address(rp)), mzkuFees / 10);

        // Rewards: 0.25 ETH → 0.025 to each real pool, 0.2 pro rata (24 staker : 8 provider).
        vm.deal(address(pool), 0.25 ether);
        vm.warp(block.timestamp + 0.25 ether / pool.MAX_REWARD_PER_SECOND() + 1); // the reward rate limit
        pool.distribute();
        assertEq(address(rp).balance, 0.025 ether);
        assertEq(address(ip).balance, 0.025 ether);
        assertEq(pool.claimableOf(staker), 0.15 ether);
        vm.prank(staker);
        pool.claim();

        // Slashing: 20 ETH come back. Loss 12: the provider's 8 first, then 4 from the real Insurance Pool.
        vm.deal(makeAddr("donor"), 10 ether);
        vm.prank(makeAddr("donor"));
        ip.depositEth{value: 10 ether}();
        vm.deal(address(pool), address(pool).balance + 20 ether);
        vm.warp(pool.settleableAfterLoss()); // a loss is settled only once the exit had time to arrive
        vm.prank(governance);
        pool.complete();
        assertEq(pool.collateralToReturn(), 0);
        assertEq(pool.redemptionPot(), 24 ether);
        assertEq(address(ip).balance, 10.025 ether - 4 ether);
        uint256 before = staker.balance;
        vm.prank(staker);
        pool.redeem(24 ether);
        assertEq(staker.balance - before, 24 ether);
        assertEq(address(pool).balance, pool.reserved());
    }

    function _activate(MicroPool pool, DepositVector memory v) internal {
        bytes32 depositRoot = pool.depositContract().get_deposit_root();
        (uint8 sv, bytes32 sr, bytes32 ss) =
            vm.sign(0xC0, factory.activationDigest(address(pool), keccak256(v.pubkey), depositRoot));
        pool.activate(v.pubkey, v.signature, depositRoot, abi.encodePacked(sr, ss, sv));
    }

    function computeRoot(bytes calldata pubkey, bytes32 wc, bytes calldata signature) external pure returns (bytes32) {
        return DepositDataRoot.compute(pubkey, wc, 32e9, signature);
    }
}
