// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Governance} from "../../src/governance/Governance.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {Resources, TrustTier} from "../../src/interfaces/ProtocolTypes.sol";
import {PricingPolicy} from "../../src/market/PricingPolicy.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolFactory} from "../../src/pools/micro/MicroPoolFactory.sol";
import {InsurancePool} from "../../src/pools/InsurancePool.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {DepositDataRoot} from "../../src/deposit/DepositDataRoot.sol";
import {DepositVector, DepositVectors} from "../fixtures/DepositVectors.sol";
import {DeployedProtocol} from "../utils/DeployedProtocol.sol";
import {ProtocolMarketHandler} from "./ProtocolMarketInvariant.t.sol";

/// @notice Everything the protocol's contracts are to the handler, as `Deploy.s.sol` wired them.
struct Wiring {
    MzkuToken token;
    Governance governance;
    ProviderRegistry registry;
    NodeRegistry nodes;
    SidecarStaking staking;
    PricingPolicy pricing;
    ProjectMarket market;
    RewardPool rewardPool;
    InsurancePool insurance;
    MicroPoolFactory factory;
    uint256 coSignerKey;
}

/// @notice Actors around the market (the market itself is driven by `ProtocolMarketHandler`): sidecar
///         stakers staking, unstaking and delegating; governors proposing, voting or not, getting slashed,
///         resigning, withdrawing, candidates applying, elections; providers unbonding collateral;
///         micro-pool investors staking, withdrawing, transferring aETH, claiming, redeeming; operators
///         opening, activating (with the co-signer), completing with a profit or a loss; the beacon chain
///         paying rewards and exits (the only ETH that enters, counted); everyone claiming from the Reward
///         Pool; and an adversary calling every privileged function it is not entitled to.
///         Each call that pays an actor checks the payment against the rule that gives it; a broken rule
///         counts in `ghostViolations`.
contract ProtocolWideHandler is Test {
    Wiring internal w;
    address[] public providers;
    address[] public investors; // sidecar stakers, micro-pool investors, candidates
    address[] public sidecars;
    address[] public founders; // the invited governors
    address[] public pools;
    address public adversary = makeAddr("adversary");
    ProtocolMarketHandler public marketRound;

    uint256 public ghostViolations;
    uint256 public ghostEthIn; // ETH the simulated beacon chain paid into pools (rewards, exits)
    uint256 public ghostInsurancePaid; // ETH the Insurance Pool paid to micro-pools
    uint256 public ghostRecordedLoss; // stakers' losses the pools recorded at completion
    uint256 public completions;
    uint256 public activations;
    uint256 public slashes;
    uint256 public elections;
    uint256 public proposalsExecuted;
    uint256 internal _vectorsUsed;
    mapping(address pool => uint256 vectorPlusOne) internal _poolVector;
    mapping(bytes32 pubkeyHash => bool) internal _keyUsed;

    constructor(
        Wiring memory w_,
        address[] memory providers_,
        address[] memory investors_,
        address[] memory sidecars_,
        address[] memory founders_
    ) {
        w = w_;
        (providers, investors, sidecars, founders) = (providers_, investors_, sidecars_, founders_);
    }

    /// Outside compensation and excess moves (which the Insurance Pool allows only to fixed compensators
    /// and governance), nothing takes value out of the Insurance Pool.
    modifier insuranceNotDrained() {
        uint256 m = w.token.balanceOf(address(w.insurance));
        uint256 e = address(w.insurance).balance;
        _;
        if (w.token.balanceOf(address(w.insurance)) < m || address(w.insurance).balance < e) ++ghostViolations;
    }

    /// Time only moves forward: a handler that wants a moment already past acts now.
    function _warpForward(uint256 t) internal {
        if (block.timestamp < t) vm.warp(t);
    }

    function _investor(uint256 seed) internal view returns (address) {
        return investors[seed % investors.length];
    }

    function _pool(uint256 seed) internal view returns (MicroPool) {
        return pools.length == 0 ? MicroPool(payable(address(0))) : MicroPool(payable(pools[seed % pools.length]));
    }

    // ------------------------------------------------------------------------------ sidecar staking

    function stakeSidecar(uint256 who, uint256 which, uint256 amount) external insuranceNotDrained {
        address s = _investor(who);
        amount = bound(amount, 1, 50_000 ether);
        vm.prank(s);
        try w.staking.stake(sidecars[which % sidecars.length], amount) {} catch {}
    }

    function unstakeSidecar(uint256 who, uint256 which, uint256 amount) external insuranceNotDrained {
        address s = _investor(who);
        address sc = sidecars[which % sidecars.length];
        uint256 staked = w.staking.stakeOf(sc, s);
        if (staked == 0) return;
        amount = bound(amount, 1, staked);
        uint256 before = w.token.balanceOf(s);
        vm.prank(s);
        try w.staking.unstake(sc, amount) {
            if (w.token.balanceOf(s) - before != amount) ++ghostViolations; // exactly what it unstaked
        } catch (bytes memory why) {
            // A stake held can always be taken back: a revert here would lock the staker's MZKU.
            emit log_named_bytes("unstake of a held stake reverted", why);
            ++ghostViolations;
        }
    }

    function delegate(uint256 who, uint256 to) external {
        address[] memory g = w.governance.governors();
        address candidate = to % 2 == 0 && g.length != 0 ? g[to % g.length] : _investor(to);
        vm.prank(_investor(who));
        try w.staking.delegate(candidate) {} catch {}
    }

    // ------------------------------------------------------------------------------ governance

    /// A harmless proposal (a new MZKU/ETH rate) that some governors vote on and some miss; it runs through
    /// the voting period and the timelock and is executed if it passed.
    function propose(uint256 rate, uint256 voters) external insuranceNotDrained {
        address[] memory g = w.governance.governors();
        if (g.length == 0) return;
        address[] memory t = new address[](1);
        uint256[] memory v = new uint256[](1);
        bytes[] memory c = new bytes[](1);
        t[0] = address(w.pricing);
        c[0] = abi.encodeCall(PricingPolicy.setMzkuPerEth, (bound(rate, 500 ether, 2000 ether)));
        vm.prank(g[voters % g.length]);
        uint256 id;
        try w.governance.propose(t, v, c, "rate") returns (uint256 pid) {
            id = pid;
        } catch {
            return;
        }
        for (uint256 i = 0; i < g.length; ++i) {
            if ((voters >> (i + 8)) & 1 == 1) continue; // this one misses the vote
            vm.prank(g[i]);
            w.governance.castVote(id, 1);
        }
        _warpForward(w.governance.proposal(id).eta);
        try w.governance.execute(id, t, v, c) {
            ++proposalsExecuted;
        } catch {}
    }

    /// Anyone slashes a governor for three missed proposals: it loses at most `missedVoteSlash`, which
    /// goes to the Insurance Pool.
    function slashAbsentee(uint256 who, uint256 first) external {
        uint256 n = w.governance.proposalCount();
        if (n < 3) return;
        address[] memory g = w.governance.governors();
        address target = g.length != 0 && who % 2 == 0 ? g[who % g.length] : _governorOrFormer(who);
        // the first window of three proposals that may count, from a random start
        for (uint256 i = 0; i < n - 2; ++i) {
            uint256 firstId = (first + i) % (n - 2) + 1;
            uint256 before = _governorHolding(target);
            uint256 insBefore = w.token.balanceOf(address(w.insurance));
            try w.governance.slashAbsentee(target, firstId) {
                ++slashes;
                uint256 taken = before - _governorHolding(target);
                if (taken > w.governance.missedVoteSlash()) ++ghostViolations;
                if (w.token.balanceOf(address(w.insurance)) - insBefore != taken) ++ghostViolations;
                return;
            } catch {}
        }
    }

    /// One of the founding governors, seated or not any more.
    function _governorOrFormer(uint256 who) internal view returns (address) {
        return founders[who % founders.length];
    }

    function applyAsCandidate(uint256 who, uint256 amount) external insuranceNotDrained {
        address s = _investor(who);
        amount = bound(amount, w.governance.minGovernorStake(), 3 * w.governance.minGovernorStake());
        vm.prank(s);
        try w.governance.applyAsCandidate(amount) {} catch {}
    }

    /// Time runs to the due election (or the transition), which anyone then runs.
    function runElection(uint256 jump) external insuranceNotDrained {
        uint256 due = w.governance.nextElectionAt();
        if (jump % 4 == 0 && block.timestamp <= due) vm.warp(due + 1);
        try w.governance.runElection() {
            ++elections;
        } catch {}
    }

    function resign(uint256 who) external insuranceNotDrained {
        address[] memory g = w.governance.governors();
        if (g.length <= 3) return; // keep a quorum able to act
        vm.prank(g[who % g.length]);
        try w.governance.resign() {} catch {}
    }

    /// A former governor or candidate leaves: requests its stake, waits the delay, takes exactly it.
    function leaveGovernance(uint256 who, uint256 amount) external insuranceNotDrained {
        address s = who % 2 == 0 ? _investor(who) : _governorOrInvestor(who);
        uint256 locked = w.governance.lockedStake(s);
        if (locked != 0) {
            vm.prank(s);
            try w.governance.requestWithdrawal(bound(amount, 1, locked)) {} catch {}
        }
        Governance.Exit memory e = w.governance.exitOf(s);
        if (e.pending == 0) return;
        if (block.timestamp < e.withdrawableAt) vm.warp(e.withdrawableAt);
        uint256 before = w.token.balanceOf(s);
        vm.prank(s);
        try w.governance.withdraw() {
            if (w.token.balanceOf(s) - before != e.pending) ++ghostViolations;
        } catch {}
    }

    function _governorOrInvestor(uint256 who) internal view returns (address) {
        address[] memory g = w.governance.governors();
        return g.length == 0 ? _investor(who) : g[who % g.length];
    }

    function _governorHolding(address g) internal view returns (uint256) {
        return w.governance.lockedStake(g) + w.governance.exitOf(g).pending;
    }

    // ------------------------------------------------------------------------------ providers

    /// A provider unbonds free collateral and later takes exactly what it unbonded (never reserved
    /// collateral, never with an open node).
    function unbondCollateral(uint256 who, uint256 amount) external insuranceNotDrained {
        address p = providers[who % providers.length];
        uint256 id = w.registry.providerIdOf(p);
        uint256 collateral = w.registry.getProvider(id).collateral;
        uint256 reserved = w.registry.reservedOf(id);
        if (collateral > reserved) {
            vm.prank(p);
            try w.registry.requestWithdrawal(bound(amount, 1, collateral - reserved)) {} catch {}
        }
        (uint256 unbonding, uint64 readyAt) = w.registry.unbondingOf(id);
        if (unbonding == 0) return;
        if (block.timestamp < readyAt) vm.warp(readyAt);
        uint256 before = w.token.balanceOf(p);
        vm.prank(p);
        try w.registry.withdrawCollateral() {
            if (w.token.balanceOf(p) - before != unbonding) ++ghostViolations;
            if (w.registry.reservedOf(id) > w.registry.getProvider(id).collateral) ++ghostViolations;
        } catch {}
    }

    // ------------------------------------------------------------------------------ micro-pools

    function openPool(uint256 who, uint256 extra) external insuranceNotDrained {
        if (pools.length >= 6) return;
        address p = providers[who % providers.length];
        uint256 k = w.registry.ethShareOf(w.registry.providerIdOf(p));
        vm.prank(p);
        try w.factory.openPool{value: k + bound(extra, 0, 4 ether)}(uint40(block.timestamp + 365 days)) returns (
            address pool
        ) {
            pools.push(pool);
            for (uint256 i = 0; i < investors.length; ++i) {
                vm.prank(investors[i]);
                w.token.approve(pool, type(uint256).max);
            }
        } catch {}
    }

    function stakePool(uint256 who, uint256 poolSeed, uint256 amount) external insuranceNotDrained {
        MicroPool pool = _pool(poolSeed);
        if (address(pool) == address(0) || pool.state() != MicroPool.State.Open) return;
        uint256 room = 32 ether - pool.providerEth() - pool.totalSupply();
        if (room == 0) return;
        amount = amount % 3 == 0 || room <= pool.minStake() ? room : bound(amount, pool.minStake(), room);
        address s = _investor(who);
        vm.prank(s);
        try pool.stake{value: amount}() {} catch {}
    }

    /// An investor takes back stake from an Open or Cancelled pool: exactly its ETH and the fee share
    /// rounded down.
    function withdrawPool(uint256 who, uint256 poolSeed, uint256 amount) external insuranceNotDrained {
        MicroPool pool = _pool(poolSeed);
        if (address(pool) == address(0)) return;
        address s = _investor(who);
        uint256 bal = pool.balanceOf(s);
        if (bal == 0) return;
        amount = bound(amount, 1, bal);
        (uint256 eth, uint256 mz) = (s.balance, w.token.balanceOf(s));
        vm.prank(s);
        try pool.withdraw(amount) {
            if (s.balance - eth != amount) ++ghostViolations;
            if (w.token.balanceOf(s) - mz != amount * pool.fixedPrice() / 32 ether) ++ghostViolations;
        } catch {}
    }

    function transferAeth(uint256 from, uint256 to, uint256 poolSeed, uint256 amount) external insuranceNotDrained {
        MicroPool pool = _pool(poolSeed);
        if (address(pool) == address(0)) return;
        address a = _investor(from);
        address b = _investor(to);
        uint256 bal = pool.balanceOf(a);
        if (bal == 0) return;
        amount = bound(amount, 1, bal);
        uint256 supply = pool.totalSupply();
        vm.prank(a);
        try pool.transfer(b, amount) {
            if (pool.totalSupply() != supply) ++ghostViolations;
        } catch {}
    }

    /// The operator registers a co-signed deposit key and anyone activates with the co-signer's approval
    /// of the deposit contract's current root.
    function activatePool(uint256 poolSeed) external insuranceNotDrained {
        MicroPool pool = _pool(poolSeed);
        if (address(pool) == address(0) || pool.state() != MicroPool.State.Open) return;
        uint256 room = 32 ether - pool.providerEth() - pool.totalSupply();
        if (room != 0) {
            vm.prank(_investor(poolSeed >> 8)); // an investor fills the rest
            try pool.stake{value: room}() {}
            catch {
                return;
            }
        }
        uint256 vi = _poolVector[address(pool)];
        DepositVector memory v;
        if (vi == 0) {
            DepositVector[] memory all = DepositVectors.all();
            while (_vectorsUsed < all.length && _keyUsed[keccak256(all[_vectorsUsed].pubkey)]) {
                ++_vectorsUsed; // one pool per validator key, ever: the vectors repeat some keys
            }
            if (_vectorsUsed >= all.length) return;
            v = all[_vectorsUsed++];
            _keyUsed[keccak256(v.pubkey)] = true;
            _poolVector[address(pool)] = _vectorsUsed;
            bytes32 root = this.depositRoot(v.pubkey, pool.withdrawalCredentials(), v.signature);
            (uint8 sv, bytes32 sr, bytes32 ss) =
                vm.sign(w.coSignerKey, w.factory.depositKeyDigest(address(pool), keccak256(v.pubkey), root));
            vm.prank(pool.operator());
            try pool.setDepositData(v.pubkey, v.signature, root, abi.encodePacked(sr, ss, sv)) {}
            catch {
                return;
            }
        } else {
            v = DepositVectors.all()[vi - 1];
        }
        bytes32 depositRoot_ = pool.depositContract().get_deposit_root();
        (uint8 av, bytes32 ar, bytes32 as_) =
            vm.sign(w.coSignerKey, w.factory.activationDigest(address(pool), keccak256(v.pubkey), depositRoot_));
        try pool.activate(v.pubkey, v.signature, depositRoot_, abi.encodePacked(ar, as_, av)) {
            ++activations;
        } catch {}
    }

    function depositRoot(bytes calldata pubkey, bytes32 wc, bytes calldata signature) external pure returns (bytes32) {
        return DepositDataRoot.compute(pubkey, wc, 32e9, signature);
    }

    /// The beacon chain pays a reward withdrawal into an Active pool; time passes; anyone distributes.
    function beaconReward(uint256 poolSeed, uint256 amount, uint256 wait) external insuranceNotDrained {
        MicroPool pool = _pool(poolSeed);
        if (address(pool) == address(0) || pool.state() != MicroPool.State.Active) return;
        amount = bound(amount, 1, 0.5 ether);
        vm.deal(address(pool), address(pool).balance + amount);
        ghostEthIn += amount;
        vm.warp(block.timestamp + bound(wait, 1 hours, 60 days));
        try pool.distribute() {} catch {}
    }

    function claimPool(uint256 who, uint256 poolSeed) external insuranceNotDrained {
        MicroPool pool = _pool(poolSeed);
        if (address(pool) == address(0)) return;
        address s = _investor(who);
        uint256 owed = pool.claimableOf(s);
        uint256 before = s.balance;
        vm.prank(s);
        try pool.claim() {
            if (s.balance - before != owed) ++ghostViolations;
        } catch {}
    }

    /// The validator exits with `back` ETH (a loss when below 32); the pool completes: by its operator
    /// without a loss, by governance (after the settlement delay) with one. The Insurance Pool pays at
    /// most the stakers' recorded loss.
    function exitPool(uint256 poolSeed, uint256 back) external {
        MicroPool pool = _pool(poolSeed);
        if (address(pool) == address(0) || pool.state() != MicroPool.State.Active) return;
        back = bound(back, 0, 33 ether);
        if (back < 32 ether) _warpForward(pool.settleableAfterLoss());
        vm.deal(address(pool), address(pool).balance + back);
        ghostEthIn += back;
        uint256 insEth = address(w.insurance).balance;
        uint256 insMzku = w.token.balanceOf(address(w.insurance));
        uint256 pEth = pool.providerEth();
        vm.prank(back < 32 ether ? address(w.governance) : pool.operator());
        try pool.complete() {
            ++completions;
            uint256 loss = back < 32 ether ? 32 ether - back : 0;
            uint256 stakerLoss = loss > pEth ? loss - pEth : 0;
            uint256 paid = insEth > address(w.insurance).balance ? insEth - address(w.insurance).balance : 0;
            ghostRecordedLoss += stakerLoss;
            if (paid > stakerLoss) ++ghostViolations;
            ghostInsurancePaid += paid;
            if (w.token.balanceOf(address(w.insurance)) < insMzku) ++ghostViolations;
        } catch {}
    }

    /// aETH is burned for at most 1 ETH each (exactly 1 unless the loss went past k and the insurance).
    function redeem(uint256 who, uint256 poolSeed, uint256 amount) external insuranceNotDrained {
        MicroPool pool = _pool(poolSeed);
        if (address(pool) == address(0) || pool.state() != MicroPool.State.Completed) return;
        address s = _investor(who);
        uint256 bal = pool.balanceOf(s);
        if (bal == 0) return;
        amount = bound(amount, 1, bal);
        uint256 before = s.balance;
        vm.prank(s);
        try pool.redeem(amount) {
            if (s.balance - before > amount) ++ghostViolations;
        } catch {}
    }

    /// The provider takes back its ETH: never more than it put in.
    function withdrawPoolCollateral(uint256 poolSeed) external insuranceNotDrained {
        MicroPool pool = _pool(poolSeed);
        if (address(pool) == address(0)) return;
        address owner = pool.collateralOwner();
        uint256 bound_ = pool.providerEth();
        uint256 before = owner.balance;
        vm.prank(owner);
        try pool.withdrawCollateral() {
            if (owner.balance - before > bound_) ++ghostViolations;
        } catch {}
        vm.prank(owner);
        try pool.claimProviderRewards() {} catch {}
    }

    function cancelPool(uint256 poolSeed) external insuranceNotDrained {
        MicroPool pool = _pool(poolSeed);
        if (address(pool) == address(0) || pool.state() != MicroPool.State.Open) return;
        vm.prank(pool.operator());
        try pool.cancel() {} catch {}
    }

    // ------------------------------------------------------------------------------ Reward Pool

    function claimRewards(uint256 who, uint256 which) external insuranceNotDrained {
        address s = who % 3 == 0 ? providers[who % providers.length] : _investor(who);
        vm.warp(block.timestamp + bound(which, 0, 8 days));
        vm.startPrank(s);
        try w.rewardPool.claim(IStakeObserver.StakeClass.Sidecar, sidecars[which % sidecars.length]) {} catch {}
        try w.rewardPool.claim(IStakeObserver.StakeClass.Provider, address(0)) {} catch {}
        try w.rewardPool.claimOwed() {} catch {}
        vm.stopPrank();
    }

    // ------------------------------------------------------------------------------ a whole auction

    /// A requester opens a project, every provider commits and reveals (through the market handler, whose
    /// rule checks apply), the settler settles at a moment of its choosing and the winner may start: the
    /// market's later paths (start, failures, completion) need a settled auction, which separate random
    /// steps rarely assemble.
    function auctionRound(uint256 daysSeed, uint256 wait, uint256 next) external {
        if (address(marketRound) == address(0)) return;
        marketRound.open(daysSeed % 60 + 1);
        uint256 n = w.market.projectCount();
        if (n == 0) return;
        for (uint256 i = 0; i < providers.length; ++i) {
            marketRound.commit(n - 1, i);
        }
        for (uint256 i = 0; i < providers.length; ++i) {
            marketRound.reveal(n - 1, i);
        }
        marketRound.settle(n - 1, wait);
        vm.roll(block.number + 2);
        marketRound.settle(n - 1, 0); // a draw re-armed by a late settle completes at its new block
        if (next % 2 == 0) marketRound.start(n - 1);
    }

    function setMarketRound(ProtocolMarketHandler h) external {
        if (address(marketRound) != address(0)) return;
        marketRound = h;
    }

    // ------------------------------------------------------------------------------ the adversary

    /// Every privileged function, called by someone it does not belong to: none may succeed.
    function adversaryCalls(uint256 which, uint256 amount) external {
        amount = bound(amount, 1, 1_000_000 ether);
        address poolAddr = pools.length == 0 ? address(0) : pools[which % pools.length];
        vm.startPrank(adversary);
        uint256 c = which % 12;
        bool ok;
        if (c == 0) {
            (ok,) = address(w.insurance).call(abi.encodeCall(InsurancePool.compensateMzku, (adversary, amount)));
        }
        if (c == 1) {
            (ok,) = address(w.insurance).call(abi.encodeCall(InsurancePool.compensateEth, (adversary, 1 ether)));
        }
        if (c == 2) (ok,) = address(w.insurance).call(abi.encodeCall(InsurancePool.burnExcessMzku, (1)));
        if (c == 3) {
            (ok,) = address(w.registry).call(abi.encodeCall(ProviderRegistry.slashCollateral, (1, amount, adversary)));
        }
        if (c == 4) (ok,) = address(w.registry).call(abi.encodeCall(ProviderRegistry.releaseCollateral, (1, 1)));
        if (c == 5) (ok,) = address(w.factory).call(abi.encodeCall(MicroPoolFactory.compensate, (1 ether)));
        if (c == 6) (ok,) = address(w.nodes).call(abi.encodeCall(NodeRegistry.failNode, (1)));
        if (c == 7) (ok,) = address(w.market).call(abi.encodeCall(ProjectMarket.failProject, (1, 0)));
        if (c == 8) {
            (ok,) = address(w.rewardPool)
                .call(
                    abi.encodeCall(
                        RewardPool.onStakeChanged,
                        (IStakeObserver.StakeClass.Governor, adversary, address(0), 0, amount)
                    )
                );
        }
        if (c == 9 && poolAddr != address(0)) (ok,) = poolAddr.call(abi.encodeCall(MicroPool.complete, ()));
        if (c == 10 && poolAddr != address(0)) {
            (ok,) = poolAddr.call(abi.encodeCall(MicroPool.migrateOperator, (1, adversary)));
        }
        if (c == 11) (ok,) = address(w.insurance).call(abi.encodeCall(InsurancePool.setThresholds, (1, 1)));
        vm.stopPrank();
        if (ok) ++ghostViolations;
    }

    function poolCount() external view returns (uint256) {
        return pools.length;
    }

    function investorCount() external view returns (uint256) {
        return investors.length;
    }
}

/// @notice The protocol as `Deploy.s.sol` wires it, bootstrapped the way `mzku devnet` does (governors
///         seated, stake observers set by the first proposal), providers qualified and trusted by
///         proposals; the market handler and the protocol-wide handler act on it together.
abstract contract ProtocolWideSetup is DeployedProtocol {
    ProtocolWideHandler internal handler;
    ProtocolMarketHandler internal marketHandler;
    address[] internal providers;
    address[] internal investors;
    address[] internal sidecars;
    address internal requester = makeAddr("requester");
    address[] internal tracked; // every address that may hold MZKU or ETH of the protocol
    uint256 internal _ethTotal;

    uint256 internal constant INSURANCE_MZKU = 2_000_000 ether;
    uint256 internal constant INSURANCE_ETH = 150 ether;

    function setUp() public virtual {
        _deployProtocol("forge-test-protocol-invariant");
        _seatGovernors();
        // The devnet's first proposal: the stake observers point at the Reward Pool.
        address[] memory t = new address[](3);
        uint256[] memory v = new uint256[](3);
        bytes[] memory c = new bytes[](3);
        (t[0], t[1], t[2]) = (address(governance), address(registry), address(staking));
        c[0] = abi.encodeCall(Governance.setStakeObserver, (rewardPool));
        c[1] = abi.encodeCall(ProviderRegistry.setStakeObserver, (rewardPool));
        c[2] = abi.encodeCall(SidecarStaking.setStakeObserver, (rewardPool));
        governance.execute(_pass(t, v, c), t, v, c);

        _fundMzku(address(insurance), INSURANCE_MZKU);
        vm.deal(address(insurance), INSURANCE_ETH);
        _fundMzku(requester, 1_000_000 ether);
        vm.prank(requester);
        token.approve(address(market), type(uint256).max);

        // Providers qualified and trusted (k = 8 ETH) by one proposal, which also prices the market
        // handler's project type (2: 100 MZKU a day, no expected ETH profit).
        t = new address[](8);
        v = new uint256[](8);
        c = new bytes[](8);
        (t[6], t[7]) = (address(pricing), address(pricing));
        c[6] = abi.encodeCall(PricingPolicy.setUnitPrices, (2, IPricingPolicy.UnitPrices(100 ether, 0, 0, 0, 0)));
        c[7] = abi.encodeCall(PricingPolicy.setTypeTerms, (2, IPricingPolicy.TypeTerms(true, false, 0, 0)));
        for (uint256 i = 0; i < 3; ++i) {
            address p = makeAddr(string.concat("provider", vm.toString(i)));
            providers.push(p);
            _fundMzku(p, 500_000 ether);
            vm.deal(p, 100 ether);
            vm.startPrank(p);
            uint256 id = registry.applyAsProvider("P", Resources(16, 64, 8000, 100), 1_000_000 ether, "ipfs://p");
            token.approve(address(registry), type(uint256).max);
            registry.depositCollateral(4 * registry.pMin());
            token.approve(address(market), type(uint256).max);
            market.depositBond(100 ether);
            vm.stopPrank();
            (t[2 * i], c[2 * i]) = (address(registry), abi.encodeCall(ProviderRegistry.qualify, (id)));
            (t[2 * i + 1], c[2 * i + 1]) =
            (address(registry), abi.encodeCall(ProviderRegistry.setTrustTier, (id, TrustTier.SemiTrusted, 8 ether)));
        }
        governance.execute(_pass(t, v, c), t, v, c);
        for (uint256 i = 0; i < 3; ++i) {
            reputation.refresh(registry.providerIdOf(providers[i]));
        }
        // Two providers run a sidecar node each (the third keeps no node, so it can unbond collateral).
        for (uint256 i = 0; i < 2; ++i) {
            address sc = makeAddr(string.concat("sidecar", vm.toString(i)));
            sidecars.push(sc);
            vm.startPrank(providers[i]);
            nodes.activateNode(nodes.registerNode(sc, Resources(4, 16, 100, 100)));
            vm.stopPrank();
        }
        for (uint256 i = 0; i < 4; ++i) {
            address s = makeAddr(string.concat("investor", vm.toString(i)));
            investors.push(s);
            _fundMzku(s, 300_000 ether);
            vm.deal(s, 200 ether);
            vm.startPrank(s);
            token.approve(address(staking), type(uint256).max);
            token.approve(address(governance), type(uint256).max);
            vm.stopPrank();
        }

        handler = new ProtocolWideHandler(
            Wiring(
                token,
                governance,
                registry,
                nodes,
                staking,
                pricing,
                market,
                rewardPool,
                insurance,
                factory,
                coSignerKey
            ),
            providers,
            investors,
            sidecars,
            governors
        );
        marketHandler = new ProtocolMarketHandler(
            market, registry, nodes, insurance, token, address(governance), requester, providers
        );
        for (uint256 i = 0; i < providers.length; ++i) {
            vm.prank(providers[i]);
            token.approve(address(marketHandler), type(uint256).max);
        }
        handler.setMarketRound(marketHandler);

        address[14] memory contracts_ = [
            a.token,
            a.governance,
            address(governance.stakeVault()),
            a.providerRegistry,
            a.nodeRegistry,
            a.sidecarStaking,
            a.uptimeReports,
            a.reputation,
            a.pricingPolicy,
            a.projectMarket,
            a.rewardPool,
            a.insurancePool,
            a.depositContract,
            a.microPoolFactory
        ];
        for (uint256 i = 0; i < contracts_.length; ++i) {
            tracked.push(contracts_[i]);
        }
        tracked.push(requester);
        for (uint256 i = 0; i < providers.length; ++i) {
            tracked.push(providers[i]);
        }
        for (uint256 i = 0; i < investors.length; ++i) {
            tracked.push(investors[i]);
        }
        _ethTotal = _ethHeld();
    }

    function _ethHeld() internal view returns (uint256 sum) {
        for (uint256 i = 0; i < tracked.length; ++i) {
            sum += tracked[i].balance;
        }
        for (uint256 i = 0; i < handler.poolCount(); ++i) {
            sum += handler.pools(i).balance;
        }
    }

    /// The token's whole supply is held by the addresses the protocol knows: its contracts, the
    /// micro-pools, the actors, the config's holders (the treasury among them) and the burn address.
    function _checkMzkuConserved() internal view {
        uint256 sum = token.balanceOf(insurance.BURN_ADDRESS());
        for (uint256 i = 0; i < tracked.length; ++i) {
            sum += token.balanceOf(tracked[i]);
        }
        for (uint256 i = 0; i < holders.length; ++i) {
            sum += token.balanceOf(holders[i]);
        }
        for (uint256 i = 0; i < handler.poolCount(); ++i) {
            sum += token.balanceOf(handler.pools(i));
        }
        assertEq(sum, token.totalSupply(), "all MZKU with the protocol's contracts, pools and actors");
    }

    /// ETH moves only between the protocol's contracts, pools and actors; the only ETH that enters is
    /// what the simulated beacon chain paid into pools.
    function _checkEthConserved() internal view {
        assertEq(_ethHeld(), _ethTotal + handler.ghostEthIn(), "ETH conserved");
    }

    function _checkRulesKept() internal view {
        assertEq(handler.ghostViolations(), 0, "no actor got more than its rules give");
        assertEq(marketHandler.ghostViolations(), 0, "market rules kept");
    }

    function _checkInsurancePaysOnlyRecordedLosses() internal view {
        assertLe(handler.ghostInsurancePaid(), handler.ghostRecordedLoss(), "micro-pool compensation <= losses");
        assertLe(
            marketHandler.ghostInsurancePaid(), marketHandler.ghostInsuranceLossBound(), "market compensation <= losses"
        );
    }

    /// Every pool and contract holds at least what it owes.
    function _checkSolvent() internal {
        assertGe(address(insurance).balance, insurance.ethReserved(), "Insurance Pool: credited ETH held");
        for (uint256 i = 0; i < handler.poolCount(); ++i) {
            MicroPool pool = MicroPool(payable(handler.pools(i)));
            MicroPool.State s = pool.state();
            if (s == MicroPool.State.Open || s == MicroPool.State.Cancelled) {
                assertGe(address(pool).balance, pool.providerEth() + pool.totalSupply(), "pool holds stakes");
                assertGe(
                    token.balanceOf(address(pool)),
                    pool.totalSupply() * pool.fixedPrice() / 32 ether,
                    "pool holds the fee refunds"
                );
            } else {
                assertGe(address(pool).balance, pool.reserved(), "pool holds what it owes");
            }
            if (s == MicroPool.State.Completed) {
                assertGe(pool.reserved(), pool.redemptionPot() + pool.collateralToReturn(), "pot and collateral");
            }
        }
        uint256 held;
        for (uint256 id = 1; id <= registry.providerCount(); ++id) {
            (uint256 unbonding,) = registry.unbondingOf(id);
            held += registry.getProvider(id).collateral + unbonding;
        }
        assertEq(token.balanceOf(address(registry)), held, "registry holds collateral + unbonding exactly");
        uint256 staked;
        for (uint256 i = 0; i < investors.length; ++i) {
            staked += staking.totalStakeOf(investors[i]);
        }
        assertEq(token.balanceOf(address(staking)), staked, "sidecar staking holds the stakes exactly");
        uint256 locked;
        for (uint256 i = 0; i < governors.length; ++i) {
            locked += governance.lockedStake(governors[i]) + governance.exitOf(governors[i]).pending;
        }
        for (uint256 i = 0; i < investors.length; ++i) {
            locked += governance.lockedStake(investors[i]) + governance.exitOf(investors[i]).pending;
        }
        assertEq(token.balanceOf(address(governance.stakeVault())), locked, "vault holds locked + pending exactly");

        // The Reward Pool pays every position and credit at once, and the micro-pools every claim.
        uint256 snap = vm.snapshotState();
        vm.warp(block.timestamp + 30 days);
        _claimEverything();
        vm.revertToState(snap);
    }

    function _claimEverything() internal {
        address[] memory accounts = new address[](governors.length + investors.length + providers.length + 2);
        uint256 n;
        for (uint256 i = 0; i < governors.length; ++i) {
            accounts[n++] = governors[i];
        }
        for (uint256 i = 0; i < investors.length; ++i) {
            accounts[n++] = investors[i];
        }
        for (uint256 i = 0; i < providers.length; ++i) {
            accounts[n++] = providers[i];
        }
        accounts[n++] = requester;
        accounts[n++] = rewardPool.treasury();
        for (uint256 i = 0; i < n; ++i) {
            vm.startPrank(accounts[i]);
            _claim(IStakeObserver.StakeClass.Governor, address(0));
            _claim(IStakeObserver.StakeClass.Provider, address(0));
            _claim(IStakeObserver.StakeClass.Requester, address(0));
            for (uint256 s = 0; s < sidecars.length; ++s) {
                _claim(IStakeObserver.StakeClass.Sidecar, sidecars[s]);
            }
            (uint256 m, uint256 e) = rewardPool.owedOf(accounts[i]);
            if (m + e != 0) rewardPool.claimOwed();
            for (uint256 p = 0; p < handler.poolCount(); ++p) {
                MicroPool pool = MicroPool(payable(handler.pools(p)));
                if (pool.claimableOf(accounts[i]) != 0) pool.claim();
            }
            vm.stopPrank();
        }
    }

    /// @dev A claim either pays or finds nothing to pay; any other failure is the pool failing a payment.
    function _claim(IStakeObserver.StakeClass class, address key) internal {
        try rewardPool.claim(class, key) {}
        catch (bytes memory err) {
            assertEq(bytes4(err), RewardPool.RewardPoolNothingToClaim.selector, "a Reward Pool claim failed");
        }
    }

    /// The Reward Pool's governor class holds exactly the seated governors' locked stake, and nobody
    /// else has a governor position.
    function _checkGovernorClass() internal view {
        address[] memory seated = governance.governors();
        uint256 sum;
        for (uint256 i = 0; i < seated.length; ++i) {
            uint256 l = governance.lockedStake(seated[i]);
            sum += l;
            assertEq(rewardPool.stakeOf(IStakeObserver.StakeClass.Governor, seated[i], address(0)), l, "seat stake");
        }
        assertEq(rewardPool.classTotal(0), sum, "governor class == seated governors' stake");
        for (uint256 i = 0; i < investors.length; ++i) {
            if (!governance.isGovernor(investors[i])) {
                assertEq(rewardPool.stakeOf(IStakeObserver.StakeClass.Governor, investors[i], address(0)), 0);
            }
        }
        for (uint256 i = 0; i < governors.length; ++i) {
            if (!governance.isGovernor(governors[i])) {
                assertEq(rewardPool.stakeOf(IStakeObserver.StakeClass.Governor, governors[i], address(0)), 0);
            }
        }
    }
}

/// @notice The whole protocol under honest and adversarial actors; `ci` runs it deep. Sequences are long
///         (a micro-pool or a project needs several steps before it can fail or complete), so this suite
///         runs fewer, deeper runs than the default.
/// forge-config: default.invariant.runs = 24
/// forge-config: default.invariant.depth = 96
/// forge-config: ci.invariant.runs = 128
/// forge-config: ci.invariant.depth = 256
contract ProtocolWideInvariantTest is ProtocolWideSetup {
    function setUp() public override {
        super.setUp();
        targetContract(address(handler));
        targetContract(address(marketHandler));
    }

    function invariant_mzkuConservedAcrossAllContracts() public view {
        _checkMzkuConserved();
    }

    function invariant_ethConservedAcrossAllContracts() public view {
        _checkEthConserved();
    }

    function invariant_noActorLeavesWithMoreThanItsRulesGive() public view {
        _checkRulesKept();
    }

    function invariant_insurancePaysOnlyRecordedLosses() public view {
        _checkInsurancePaysOnlyRecordedLosses();
    }

    function invariant_everyPoolSolvent() public {
        _checkSolvent();
    }

    function invariant_rewardPoolGovernorClassIsSeatedStake() public view {
        _checkGovernorClass();
    }
}

/// @notice The handlers' paths are reachable: a fixed sequence activates micro-pools, pays rewards, ends
///         one with a loss the Insurance Pool covers, slashes an absent governor, runs the election,
///         settles and fails market projects; every check holds after it.
contract ProtocolWideHandlerSmokeTest is ProtocolWideSetup {
    function test_handlers_reachEveryPath() public {
        for (uint256 round = 0; round < 2; ++round) {
            handler.openPool(round, 0);
            for (uint256 i = 0; i < 4; ++i) {
                handler.stakePool(i, round, 4 ether + i);
            }
            handler.transferAeth(0, 1, round, 1 ether);
            handler.withdrawPool(1, round, 0.5 ether);
            handler.stakePool(2, round, 0); // fills the room
            handler.activatePool(round);
        }
        assertEq(handler.activations(), 2, "both pools activated");
        handler.beaconReward(0, 0.3 ether, 30 days);
        handler.claimPool(0, 0);
        handler.stakeSidecar(0, 0, 10_000 ether);
        handler.stakeSidecar(1, 1, 20_000 ether);
        handler.delegate(0, 1);
        handler.claimRewards(1, 7 days);
        handler.unstakeSidecar(0, 0, 5000 ether);
        handler.exitPool(0, 20 ether); // 12 ETH loss: the provider's 8 first, 4 from the Insurance Pool
        handler.exitPool(1, 32.5 ether); // a profit
        for (uint256 i = 0; i < 4; ++i) {
            handler.redeem(i, 0, 100 ether);
            handler.redeem(i, 1, 100 ether);
        }
        handler.withdrawPoolCollateral(0);
        handler.withdrawPoolCollateral(1);
        assertEq(handler.completions(), 2);
        assertGt(handler.ghostInsurancePaid(), 0, "the Insurance Pool covered a staker loss");

        // three proposals the second governor misses (bit 9), then it is slashed
        for (uint256 i = 0; i < 3; ++i) {
            handler.propose(1000 ether + i, 1 << 9);
        }
        assertEq(handler.proposalsExecuted(), 3);
        handler.slashAbsentee(0, 1); // the first governor voted: nothing
        assertEq(handler.slashes(), 0);
        address[] memory g = governance.governors();
        for (uint256 i = 0; i < g.length; ++i) {
            if (g[i] == governors[1]) {
                handler.slashAbsentee((i * 4) % 6, 3); // an even seed picks seat seed % 3; proposals 3-5
            }
        }
        assertEq(handler.slashes(), 1, "the absent governor slashed");
        handler.applyAsCandidate(2, 0);
        handler.runElection(0);
        handler.runElection(0);
        assertGe(handler.elections(), 1, "the transition election ran");
        handler.leaveGovernance(2, 1 ether);
        handler.unbondCollateral(2, 1000 ether);
        for (uint256 i = 0; i < 12; ++i) {
            handler.adversaryCalls(i, 1 ether);
        }

        marketHandler.open(30);
        uint256 id = market.projectCount();
        for (uint256 i = 0; i < 3; ++i) {
            marketHandler.commit(id - 1, i);
        }
        for (uint256 i = 0; i < 3; ++i) {
            marketHandler.reveal(id - 1, i);
        }
        marketHandler.settle(id - 1, 0);
        marketHandler.start(id - 1);
        marketHandler.failDeclared(id - 1, 1000 ether);
        assertEq(marketHandler.failures(), 1, "a market project failed by declaration");

        _checkMzkuConserved();
        _checkEthConserved();
        _checkRulesKept();
        _checkInsurancePaysOnlyRecordedLosses();
        _checkSolvent();
        _checkGovernorClass();
    }
}
