// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolBase} from "../utils/MicroPoolBase.sol";
import {InsurancePoolDouble} from "../utils/MicroPoolDoubles.sol";
import {DepositVector, DepositVectors} from "../fixtures/DepositVectors.sol";

/// @dev Drives several pools (different k) through random stakes, withdrawals, transfers, activation,
///      rewards, claims, a completion with a random final balance and redemptions, keeping ghost totals
///      per pool: the ETH staked, and for every account the exact (scaled) rewards it earned by an
///      independent model. Each call works on `pools[poolSeed % n]`.
contract MicroPoolHandler is Test {
    MicroPool[] public pools;
    MicroPool public pool; // the pool of the current call
    InsurancePoolDouble public insurance;
    address public governance;
    address[] public actors;

    mapping(MicroPool => uint256) public ghostStakedOf;
    mapping(MicroPool => mapping(address => uint256)) public ghostEarnedScaledOf;
    mapping(MicroPool => uint256) public ghostProviderEarnedScaledOf;
    mapping(MicroPool => mapping(address => uint256)) public ghostClaimedOf;
    mapping(MicroPool => uint256) public ghostProviderClaimedOf;
    mapping(MicroPool => uint256) public ghostRewardsInOf;
    mapping(MicroPool => uint256) public ghostSplitOutOf; // sent to the Insurance and Reward Pools by distribute

    function rewardPoolEthIn() public view returns (uint256) {
        return address(pool.rewardPool()).balance;
    }
    uint256 public calls;

    constructor(
        MicroPool[] memory pools_,
        InsurancePoolDouble insurance_,
        address governance_,
        address[] memory actors_
    ) {
        pools = pools_;
        insurance = insurance_;
        governance = governance_;
        actors = actors_;
    }

    modifier onPool(uint256 poolSeed) {
        pool = pools[poolSeed % pools.length];
        _;
    }

    function poolCount() external view returns (uint256) {
        return pools.length;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function stake(uint256 poolSeed, uint256 seed, uint256 amount) external onPool(poolSeed) {
        if (pool.state() != MicroPool.State.Open || block.timestamp >= pool.endTime()) return;
        uint256 room = 32 ether - pool.providerEth() - pool.totalSupply();
        if (room == 0) return;
        amount = room <= 0.1 ether ? room : bound(amount, 0.1 ether, room);
        address a = _actor(seed);
        vm.prank(a);
        pool.stake{value: amount}();
        ghostStakedOf[pool] += amount;
        ++calls;
    }

    function withdraw(uint256 poolSeed, uint256 seed, uint256 amount) external onPool(poolSeed) {
        if (pool.state() != MicroPool.State.Open) return;
        address a = _actor(seed);
        uint256 bal = pool.balanceOf(a);
        if (bal == 0) return;
        amount = bound(amount, 1, bal);
        vm.prank(a);
        pool.withdraw(amount);
        ghostStakedOf[pool] -= amount;
        ++calls;
    }

    function transfer(uint256 poolSeed, uint256 fromSeed, uint256 toSeed, uint256 amount) external onPool(poolSeed) {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        uint256 bal = pool.balanceOf(from);
        if (bal == 0) return;
        amount = bound(amount, 0, bal);
        vm.prank(from);
        pool.transfer(to, amount);
        ++calls;
    }

    function fillAndActivate(uint256 poolSeed, uint256 seed) external onPool(poolSeed) {
        if (pool.state() != MicroPool.State.Open || block.timestamp >= pool.endTime()) return;
        uint256 room = 32 ether - pool.providerEth() - pool.totalSupply();
        if (room != 0) {
            vm.prank(_actor(seed));
            pool.stake{value: room}();
            ghostStakedOf[pool] += room;
        }
        // A key per pool: a validator key is used by one pool only.
        DepositVector memory v = MicroPoolBase(msg.sender).vectorFor(pool);
        bytes32 root = MicroPoolBase(msg.sender).computeRoot(v.pubkey, pool.withdrawalCredentials(), v.signature);
        bytes memory co = MicroPoolBase(msg.sender).approveKey(address(pool), v.pubkey, root);
        vm.prank(pool.operator());
        pool.setDepositData(v.pubkey, v.signature, root, co);
        bytes32 depositRoot = pool.depositContract().get_deposit_root();
        pool.activate(
            v.pubkey,
            v.signature,
            depositRoot,
            MicroPoolBase(msg.sender).approveActivation(address(pool), v.pubkey, depositRoot)
        );
        ++calls;
    }

    function _creditGhost(uint256 perShareBefore) internal {
        uint256 inc = pool.rewardPerShare() - perShareBefore;
        for (uint256 i = 0; i < actors.length; ++i) {
            ghostEarnedScaledOf[pool][actors[i]] += inc * pool.balanceOf(actors[i]);
        }
        ghostProviderEarnedScaledOf[pool] += inc * pool.providerEth();
    }

    function reward(uint256 poolSeed, uint256 amount) external onPool(poolSeed) {
        if (pool.state() != MicroPool.State.Active) return;
        uint256 pending = address(pool).balance - pool.reserved();
        if (pending >= pool.MAX_DISTRIBUTION()) return;
        amount = bound(amount, 1, pool.MAX_DISTRIBUTION() - pending);
        // Wait out the reward rate limit for everything pending (not past the pool's end).
        uint256 at = block.timestamp + (pending + amount) / pool.MAX_REWARD_PER_SECOND() + 1;
        if (at >= pool.endTime()) return;
        vm.deal(address(pool), address(pool).balance + amount);
        vm.warp(at);
        uint256 before = pool.rewardPerShare();
        uint256 outBefore = insurance.ethIn() + rewardPoolEthIn();
        pool.distribute();
        _creditGhost(before);
        ghostRewardsInOf[pool] += amount;
        ghostSplitOutOf[pool] += insurance.ethIn() + rewardPoolEthIn() - outBefore;
        ++calls;
    }

    function claim(uint256 poolSeed, uint256 seed) external onPool(poolSeed) {
        address a = _actor(seed);
        uint256 c = pool.claimableOf(a);
        if (c == 0) return;
        uint256 before = a.balance;
        vm.prank(a);
        pool.claim();
        assertEq(a.balance - before, c);
        ghostClaimedOf[pool][a] += c;
        ++calls;
    }

    function claimProvider(uint256 poolSeed) external onPool(poolSeed) {
        uint256 c = pool.providerClaimable();
        if (c == 0) return;
        vm.prank(pool.collateralOwner());
        pool.claimProviderRewards();
        ghostProviderClaimedOf[pool] += c;
        ++calls;
    }

    function complete(uint256 poolSeed, uint256 finalBalance, uint256 insuranceFund) external onPool(poolSeed) {
        if (pool.state() != MicroPool.State.Active) return;
        finalBalance = bound(finalBalance, 0, 40 ether);
        insuranceFund = bound(insuranceFund, 0, 40 ether);
        vm.deal(address(insurance), insuranceFund);
        vm.deal(address(pool), address(pool).balance + finalBalance);
        uint256 before = pool.rewardPerShare();
        vm.warp(pool.settleableAfterLoss()); // a loss is settled only once the exit had time to arrive
        vm.prank(governance);
        pool.complete();
        _creditGhost(before);
        ghostStakedOf[pool] = 0;
        ++calls;
    }

    function redeem(uint256 poolSeed, uint256 seed, uint256 amount) external onPool(poolSeed) {
        if (pool.state() != MicroPool.State.Completed) return;
        address a = _actor(seed);
        uint256 bal = pool.balanceOf(a);
        if (bal == 0) return;
        amount = bound(amount, 1, bal);
        vm.prank(a);
        pool.redeem(amount);
        ++calls;
    }

    function withdrawCollateral(uint256 poolSeed) external onPool(poolSeed) {
        if (pool.state() != MicroPool.State.Completed || pool.collateralToReturn() == 0) return;
        vm.prank(pool.collateralOwner());
        pool.withdrawCollateral();
        ++calls;
    }
}

contract MicroPoolInvariantTest is MicroPoolBase {
    MicroPoolHandler internal handler;
    MicroPool[] internal pools;
    address[] internal actors;

    function setUp() public override {
        super.setUp();
        address semi = makeAddr("semiTrusted");
        registry.add(semi, 4 ether, true);
        vm.deal(semi, 10 ether);
        pools.push(_open(semi, 4 ether, 365 days));
        pools.push(_open(provider, 0, 365 days)); // trusted, k = 0
        pools.push(_open(provider16, 16 ether, 365 days)); // untrusted, k = 16
        for (uint256 i = 0; i < 5; ++i) {
            actors.push(makeAddr(string.concat("actor", vm.toString(i))));
            for (uint256 j = 0; j < pools.length; ++j) {
                _fund(actors[i], pools[j]);
            }
            vm.deal(actors[i], 1000 ether);
        }
        handler = new MicroPoolHandler(pools, insurance, governance, actors);
        targetContract(address(handler));
        // The handler calls computeRoot and approveKey on this contract.
        targetSender(address(this));
    }

    /// aETH supply == Σ balances, and == the ETH staked by stakers in every running pool.
    function invariant_SupplyEqualsStaked() public view {
        for (uint256 p = 0; p < pools.length; ++p) {
            MicroPool pool = pools[p];
            uint256 sum;
            for (uint256 i = 0; i < actors.length; ++i) {
                sum += pool.balanceOf(actors[i]);
            }
            assertEq(pool.totalSupply(), sum);
            MicroPool.State s = pool.state();
            if (s == MicroPool.State.Open || s == MicroPool.State.Active) {
                assertEq(pool.totalSupply(), handler.ghostStakedOf(pool));
            }
            if (s == MicroPool.State.Active) assertEq(pool.totalSupply() + pool.providerEth(), 32 ether);
        }
    }

    /// Every pool holds what it owes; what it owes beyond the accounts' claims is at most 1 wei of rounding
    /// per account (the named dust, kept in the pool).
    function invariant_EveryPoolSolvent() public view {
        for (uint256 p = 0; p < pools.length; ++p) {
            MicroPool pool = pools[p];
            MicroPool.State s = pool.state();
            if (s == MicroPool.State.Open || s == MicroPool.State.Cancelled) {
                assertGe(address(pool).balance, uint256(pool.providerEth()) + pool.totalSupply());
                continue;
            }
            uint256 owed = pool.providerClaimable() + pool.redemptionPot() + pool.collateralToReturn();
            for (uint256 i = 0; i < actors.length; ++i) {
                owed += pool.claimableOf(actors[i]);
            }
            assertGe(address(pool).balance, pool.reserved());
            assertGe(pool.reserved(), owed);
            assertLe(pool.reserved() - owed, actors.length + 1);
        }
    }

    /// Nobody has claimed (or can claim) more than its exact share, and at most 1 wei less.
    function invariant_NobodyClaimsMoreThanShare() public view {
        for (uint256 p = 0; p < pools.length; ++p) {
            MicroPool pool = pools[p];
            for (uint256 i = 0; i < actors.length; ++i) {
                address a = actors[i];
                uint256 got = handler.ghostClaimedOf(pool, a) + pool.claimableOf(a);
                uint256 exact = handler.ghostEarnedScaledOf(pool, a);
                assertLe(got * 1 ether, exact);
                assertGe(got * 1 ether + 1 ether, exact);
            }
            uint256 pGot = handler.ghostProviderClaimedOf(pool) + pool.providerClaimable();
            assertLe(pGot * 1 ether, handler.ghostProviderEarnedScaledOf(pool));
            assertGe(pGot * 1 ether + 1 ether, handler.ghostProviderEarnedScaledOf(pool));
        }
    }

    /// Every reward split adds up: Insurance + Reward Pool + credited == ETH distributed (no wei lost).
    function invariant_SplitsExact() public view {
        for (uint256 p = 0; p < pools.length; ++p) {
            MicroPool pool = pools[p];
            if (pool.state() == MicroPool.State.Active) {
                uint256 credited = pool.rewardPerShare() * 32;
                assertEq(handler.ghostSplitOutOf(pool) + credited, handler.ghostRewardsInOf(pool));
            }
        }
    }

    /// The handler really walks the whole life (a guard against vacuous invariants).
    function test_handler_WalksWholeLifecycle() public {
        handler.stake(0, 0, 3 ether);
        handler.stake(0, 1, 5 ether);
        handler.withdraw(0, 1, 1 ether);
        handler.fillAndActivate(0, 2);
        handler.fillAndActivate(1, 2);
        MicroPool pool = pools[0];
        assertEq(uint256(pool.state()), uint256(MicroPool.State.Active));
        handler.reward(0, 1 ether);
        handler.reward(1, 1 ether);
        handler.transfer(0, 0, 3, 1 ether);
        handler.reward(0, 0.7 ether);
        handler.claim(0, 0);
        handler.claim(0, 3);
        handler.claimProvider(0);
        invariant_SplitsExact();
        handler.complete(0, 30 ether, 1 ether);
        assertEq(uint256(pool.state()), uint256(MicroPool.State.Completed));
        handler.redeem(0, 0, 1 ether);
        handler.withdrawCollateral(0);
        invariant_SupplyEqualsStaked();
        invariant_EveryPoolSolvent();
        invariant_NobodyClaimsMoreThanShare();
    }
}
