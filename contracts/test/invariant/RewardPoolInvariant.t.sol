// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";

/// @notice Drives the Reward Pool with random stakes, inflows, time, claims and projects, keeping
///         ghost totals of what went in and out.
contract RewardPoolHandler is Test {
    RewardPool public pool;
    MzkuToken public token;
    address public gov;
    address public market;
    address public treasury;
    address[4] public sources; // by StakeClass
    address[4] public actors;
    address[2] public sidecars;

    uint256[2] public ghostIn;
    uint256[2] public ghostPaid;
    uint256 public ghostOps;

    constructor(
        RewardPool pool_,
        MzkuToken token_,
        address gov_,
        address market_,
        address treasury_,
        address[4] memory sources_
    ) {
        (pool, token, gov, market, treasury, sources) = (pool_, token_, gov_, market_, treasury_, sources_);
        for (uint256 i = 0; i < 4; ++i) {
            actors[i] = address(uint160(0xA000 + i));
        }
        sidecars[0] = address(0x5C01);
        sidecars[1] = address(0x5C02);
        token.approve(address(pool), type(uint256).max);
    }

    function _syncAll() internal {
        pool.sync();
        pool.syncSidecar(sidecars[0]);
        pool.syncSidecar(sidecars[1]);
        ++ghostOps;
    }

    function stake(uint256 actorSeed, uint256 classSeed, uint256 keySeed, uint256 amount) external {
        IStakeObserver.StakeClass c = IStakeObserver.StakeClass(bound(classSeed, 0, 3));
        address a = actors[bound(actorSeed, 0, 3)];
        address key = c == IStakeObserver.StakeClass.Sidecar ? sidecars[bound(keySeed, 0, 1)] : address(0);
        amount = bound(amount, 0, 1e26);
        uint256 old = pool.stakeOf(c, a, key);
        vm.prank(sources[uint256(c)]);
        pool.onStakeChanged(c, a, key, old, amount);
        _syncAll();
    }

    function depositMzku(uint256 amount) external {
        amount = bound(amount, 1, 1e25);
        pool.depositMzku(amount);
        ghostIn[0] += amount;
        _syncAll();
    }

    function depositEth(uint256 amount) external {
        amount = bound(amount, 1, 1e22);
        vm.deal(address(this), amount);
        pool.depositEth{value: amount}();
        ghostIn[1] += amount;
        _syncAll();
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 20 days));
        _syncAll();
    }

    function claim(uint256 actorSeed, uint256 classSeed, uint256 keySeed, uint256 mode) external {
        IStakeObserver.StakeClass c = IStakeObserver.StakeClass(bound(classSeed, 0, 3));
        address a = actors[bound(actorSeed, 0, 3)];
        address key = c == IStakeObserver.StakeClass.Sidecar ? sidecars[bound(keySeed, 0, 1)] : address(0);
        uint256 m;
        uint256 e;
        vm.startPrank(a);
        mode = bound(mode, 0, 2);
        if (mode == 0) {
            try pool.claim(c, key) returns (uint256 pm, uint256 pe) {
                (m, e) = (pm, pe);
            } catch {}
        } else if (mode == 1) {
            try pool.claimMzku(c, key) returns (uint256 pm) {
                m = pm;
            } catch {}
        } else {
            try pool.claimEth(c, key) returns (uint256 pe) {
                e = pe;
            } catch {}
        }
        vm.stopPrank();
        ghostPaid[0] += m;
        ghostPaid[1] += e;
        _syncAll();
    }

    function claimOwed(uint256 actorSeed) external {
        address a = actorSeed % 5 == 4 ? treasury : actors[bound(actorSeed, 0, 3)];
        vm.prank(a);
        try pool.claimOwed() returns (uint256 m, uint256 e) {
            ghostPaid[0] += m;
            ghostPaid[1] += e;
        } catch {}
        _syncAll();
    }

    function project(uint256 sidecarSeed, bool start) external {
        address s = sidecars[bound(sidecarSeed, 0, 1)];
        (,, uint16 active) = pool.sidecarInfo(s);
        vm.prank(market);
        if (start && active < 3) pool.onProjectStarted(s);
        else if (!start && active > 0) pool.onProjectEnded(s);
        _syncAll();
    }

    /// @dev Everything the pool owes or still has to distribute, per asset (state is synced).
    function liabilities() external view returns (uint256 m, uint256 e) {
        for (uint256 i = 0; i < 4; ++i) {
            address a = actors[i];
            for (uint256 c = 0; c < 4; ++c) {
                IStakeObserver.StakeClass cl = IStakeObserver.StakeClass(c);
                if (cl == IStakeObserver.StakeClass.Sidecar) {
                    for (uint256 k = 0; k < 2; ++k) {
                        (uint256 cm, uint256 ce) = pool.claimable(cl, a, sidecars[k]);
                        (uint256 um, uint256 ue) = pool.unvested(a, sidecars[k]);
                        m += cm + um;
                        e += ce + ue;
                    }
                } else {
                    (uint256 cm, uint256 ce) = pool.claimable(cl, a, address(0));
                    m += cm;
                    e += ce;
                }
            }
            (uint256 om, uint256 oe) = pool.owedOf(a);
            m += om;
            e += oe;
        }
        (uint256 tm, uint256 te) = pool.owedOf(treasury);
        m += tm + pool.undistributed(0);
        e += te + pool.undistributed(1);
        for (uint256 k = 0; k < 2; ++k) {
            (uint256 sm, uint256 se) = pool.sidecarCarry(sidecars[k]);
            m += sm;
            e += se;
        }
    }

    receive() external payable {}
}

contract RewardPoolInvariantTest is Test {
    RewardPool internal pool;
    MzkuToken internal token;
    RewardPoolHandler internal handler;

    function setUp() public {
        address gov = makeAddr("governance");
        address market = makeAddr("market");
        address treasury = makeAddr("treasury");
        address[4] memory sources =
            [makeAddr("govSource"), makeAddr("providerSource"), makeAddr("sidecarSource"), makeAddr("requesterSource")];
        address[] memory holders = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        holders[0] = address(this);
        amounts[0] = 1e30;
        token = new MzkuToken(holders, amounts);
        address[] memory callers = new address[](1);
        callers[0] = market;
        pool = new RewardPool(gov, callers, IERC20(address(token)), treasury, sources, 7 days);
        handler = new RewardPoolHandler(pool, token, gov, market, treasury, sources);
        token.transfer(address(handler), 1e30);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = RewardPoolHandler.stake.selector;
        selectors[1] = RewardPoolHandler.depositMzku.selector;
        selectors[2] = RewardPoolHandler.depositEth.selector;
        selectors[3] = RewardPoolHandler.warp.selector;
        selectors[4] = RewardPoolHandler.claim.selector;
        selectors[5] = RewardPoolHandler.claimOwed.selector;
        selectors[6] = RewardPoolHandler.project.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @notice Balance == Σ in - Σ paid out, to the wei.
    function invariant_balanceIsInMinusPaid() public view {
        assertEq(token.balanceOf(address(pool)), handler.ghostIn(0) - handler.ghostPaid(0), "MZKU");
        assertEq(address(pool).balance, handler.ghostIn(1) - handler.ghostPaid(1), "ETH");
    }

    /// @notice Solvent and exact: Σ claimable + unvested + credited + undistributed + carried never
    ///         exceeds the balance, and the difference (rounding dust) stays within a few wei per op.
    function invariant_exactnessIdentity() public view {
        (uint256 lm, uint256 le) = handler.liabilities();
        uint256 bm = token.balanceOf(address(pool));
        uint256 be = address(pool).balance;
        assertLe(lm, bm, "MZKU liabilities <= balance");
        assertLe(le, be, "ETH liabilities <= balance");
        uint256 dustBound = (handler.ghostOps() + 1) * 40;
        assertLe(bm - lm, dustBound, "MZKU dust bounded");
        assertLe(be - le, dustBound, "ETH dust bounded");
    }

    /// @notice Nobody is paid more than went in.
    function invariant_paidNeverExceedsIn() public view {
        assertLe(handler.ghostPaid(0), handler.ghostIn(0));
        assertLe(handler.ghostPaid(1), handler.ghostIn(1));
    }
}
