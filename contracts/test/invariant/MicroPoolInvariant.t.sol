// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolBase} from "../utils/MicroPoolBase.sol";
import {InsurancePoolDouble} from "../utils/MicroPoolDoubles.sol";
import {DepositVector, DepositVectors} from "../fixtures/DepositVectors.sol";

/// @dev Drives one pool (provider k = 4 ETH) through random stakes, withdrawals, transfers, activation,
///      rewards, claims, a completion with a random final balance and redemptions, keeping ghost totals:
///      the ETH staked, and for every account the exact (scaled) rewards it earned by an independent model.
contract MicroPoolHandler is Test {
    MicroPool public pool;
    InsurancePoolDouble public insurance;
    address public governance;
    address public providerOwner;
    address[] public actors;

    uint256 public ghostStaked;
    mapping(address => uint256) public ghostEarnedScaled; // Σ rewardPerShare increment × balance held
    uint256 public ghostProviderEarnedScaled;
    mapping(address => uint256) public ghostClaimed;
    uint256 public ghostProviderClaimed;
    uint256 public ghostRewardsIn;
    uint256 public calls;

    constructor(MicroPool pool_, InsurancePoolDouble insurance_, address governance_, address[] memory actors_) {
        pool = pool_;
        insurance = insurance_;
        governance = governance_;
        providerOwner = pool_.collateralOwner();
        actors = actors_;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function stake(uint256 seed, uint256 amount) external {
        if (pool.state() != MicroPool.State.Open || block.timestamp >= pool.endTime()) return;
        uint256 room = 32 ether - pool.providerEth() - pool.totalSupply();
        if (room == 0) return;
        amount = room <= 0.1 ether ? room : bound(amount, 0.1 ether, room);
        address a = _actor(seed);
        vm.prank(a);
        pool.stake{value: amount}();
        ghostStaked += amount;
        ++calls;
    }

    function withdraw(uint256 seed, uint256 amount) external {
        if (pool.state() != MicroPool.State.Open) return;
        address a = _actor(seed);
        uint256 bal = pool.balanceOf(a);
        if (bal == 0) return;
        amount = bound(amount, 1, bal);
        vm.prank(a);
        pool.withdraw(amount);
        ghostStaked -= amount;
        ++calls;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        uint256 bal = pool.balanceOf(from);
        if (bal == 0) return;
        amount = bound(amount, 0, bal);
        vm.prank(from);
        pool.transfer(to, amount);
        ++calls;
    }

    function fillAndActivate(uint256 seed) external {
        if (pool.state() != MicroPool.State.Open || block.timestamp >= pool.endTime()) return;
        uint256 room = 32 ether - pool.providerEth() - pool.totalSupply();
        if (room != 0) {
            vm.prank(_actor(seed));
            pool.stake{value: room}();
            ghostStaked += room;
        }
        DepositVector memory v = DepositVectors.all()[0];
        bytes32 root = MicroPoolBase(msg.sender).computeRoot(v.pubkey, pool.withdrawalCredentials(), v.signature);
        vm.prank(pool.operator());
        pool.setDepositData(v.pubkey, v.signature, root);
        pool.activate(v.pubkey, v.signature);
        ++calls;
    }

    function _creditGhost(uint256 perShareBefore) internal {
        uint256 inc = pool.rewardPerShare() - perShareBefore;
        for (uint256 i = 0; i < actors.length; ++i) {
            ghostEarnedScaled[actors[i]] += inc * pool.balanceOf(actors[i]);
        }
        ghostProviderEarnedScaled += inc * pool.providerEth();
    }

    function reward(uint256 amount) external {
        if (pool.state() != MicroPool.State.Active) return;
        amount = bound(amount, 1, 8 ether - 1 - (address(pool).balance - pool.reserved()));
        vm.deal(address(pool), address(pool).balance + amount);
        uint256 before = pool.rewardPerShare();
        pool.distribute();
        _creditGhost(before);
        ghostRewardsIn += amount;
        ++calls;
    }

    function claim(uint256 seed) external {
        address a = _actor(seed);
        uint256 c = pool.claimableOf(a);
        if (c == 0) return;
        uint256 before = a.balance;
        vm.prank(a);
        pool.claim();
        assertEq(a.balance - before, c);
        ghostClaimed[a] += c;
        ++calls;
    }

    function claimProvider() external {
        uint256 c = pool.providerClaimable();
        if (c == 0) return;
        vm.prank(providerOwner);
        pool.claimProviderRewards();
        ghostProviderClaimed += c;
        ++calls;
    }

    function complete(uint256 finalBalance, uint256 insuranceFund) external {
        if (pool.state() != MicroPool.State.Active) return;
        finalBalance = bound(finalBalance, 0, 40 ether);
        insuranceFund = bound(insuranceFund, 0, 40 ether);
        vm.deal(address(insurance), insuranceFund);
        vm.deal(address(pool), address(pool).balance + finalBalance);
        uint256 before = pool.rewardPerShare();
        vm.prank(governance);
        pool.complete();
        _creditGhost(before);
        ghostStaked = 0;
        ++calls;
    }

    function redeem(uint256 seed, uint256 amount) external {
        if (pool.state() != MicroPool.State.Completed) return;
        address a = _actor(seed);
        uint256 bal = pool.balanceOf(a);
        if (bal == 0) return;
        amount = bound(amount, 1, bal);
        vm.prank(a);
        pool.redeem(amount);
        ++calls;
    }

    function withdrawCollateral() external {
        if (pool.state() != MicroPool.State.Completed || pool.collateralToReturn() == 0) return;
        vm.prank(providerOwner);
        pool.withdrawCollateral();
        ++calls;
    }
}

contract MicroPoolInvariantTest is MicroPoolBase {
    MicroPoolHandler internal handler;
    MicroPool internal pool;
    address[] internal actors;

    function setUp() public override {
        super.setUp();
        address semi = makeAddr("semiTrusted");
        registry.add(semi, 4 ether, true);
        vm.deal(semi, 10 ether);
        pool = _open(semi, 4 ether, 365 days);
        for (uint256 i = 0; i < 5; ++i) {
            actors.push(_staker(string.concat("actor", vm.toString(i)), pool));
            vm.deal(actors[i], 1000 ether);
        }
        handler = new MicroPoolHandler(pool, insurance, governance, actors);
        targetContract(address(handler));
        // The handler calls computeRoot on this contract.
        targetSender(address(this));
    }

    /// aETH supply == Σ balances, and == the ETH staked by stakers while the pool runs.
    function invariant_SupplyEqualsStaked() public view {
        uint256 sum;
        for (uint256 i = 0; i < actors.length; ++i) {
            sum += pool.balanceOf(actors[i]);
        }
        assertEq(pool.totalSupply(), sum);
        MicroPool.State s = pool.state();
        if (s == MicroPool.State.Open || s == MicroPool.State.Active) {
            assertEq(pool.totalSupply(), handler.ghostStaked());
        }
        if (s == MicroPool.State.Active) assertEq(pool.totalSupply() + pool.providerEth(), 32 ether);
    }

    /// The pool always holds what it owes; what it owes beyond the accounts' claims is at most 1 wei of
    /// rounding per account (the named dust, kept in the pool).
    function invariant_Solvent() public view {
        MicroPool.State s = pool.state();
        if (s == MicroPool.State.Open || s == MicroPool.State.Cancelled) {
            assertGe(address(pool).balance, uint256(pool.providerEth()) + pool.totalSupply());
            return;
        }
        uint256 owed = pool.providerClaimable() + pool.redemptionPot() + pool.collateralToReturn();
        for (uint256 i = 0; i < actors.length; ++i) {
            owed += pool.claimableOf(actors[i]);
        }
        assertGe(address(pool).balance, pool.reserved());
        assertGe(pool.reserved(), owed);
        assertLe(pool.reserved() - owed, actors.length + 1);
    }

    /// Nobody has claimed (or can claim) more than its exact share, and at most 1 wei less.
    function invariant_NobodyClaimsMoreThanShare() public view {
        for (uint256 i = 0; i < actors.length; ++i) {
            address a = actors[i];
            uint256 got = handler.ghostClaimed(a) + pool.claimableOf(a);
            uint256 exact = handler.ghostEarnedScaled(a);
            assertLe(got * 1 ether, exact);
            assertGe(got * 1 ether + 1 ether, exact);
        }
        uint256 pGot = handler.ghostProviderClaimed() + pool.providerClaimable();
        assertLe(pGot * 1 ether, handler.ghostProviderEarnedScaled());
        assertGe(pGot * 1 ether + 1 ether, handler.ghostProviderEarnedScaled());
    }

    /// Every reward split adds up: Insurance + Reward Pool + credited == ETH distributed (no wei lost).
    function invariant_SplitsExact() public view {
        if (pool.state() == MicroPool.State.Active) {
            uint256 credited = pool.rewardPerShare() * 32;
            assertEq(insurance.ethIn() + rewardPool.ethIn() + credited, handler.ghostRewardsIn());
        }
    }

    /// The handler really walks the whole life (a guard against vacuous invariants).
    function test_handler_WalksWholeLifecycle() public {
        handler.stake(0, 3 ether);
        handler.stake(1, 5 ether);
        handler.withdraw(1, 1 ether);
        handler.fillAndActivate(2);
        assertEq(uint256(pool.state()), uint256(MicroPool.State.Active));
        handler.reward(1 ether);
        handler.transfer(0, 3, 1 ether);
        handler.reward(0.7 ether);
        handler.claim(0);
        handler.claim(3);
        handler.claimProvider();
        handler.complete(30 ether, 1 ether);
        assertEq(uint256(pool.state()), uint256(MicroPool.State.Completed));
        handler.redeem(0, 1 ether);
        handler.withdrawCollateral();
        invariant_SupplyEqualsStaked();
        invariant_Solvent();
        invariant_NobodyClaimsMoreThanShare();
    }
}
