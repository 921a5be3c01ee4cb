// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {NodeRegistryStub} from "../utils/NodeRegistryStub.sol";

/// @notice Drives SidecarStaking with random stakes, unstakes and delegations, keeping ghost totals.
contract SidecarStakingHandler is Test {
    SidecarStaking public immutable staking;
    address[] public actors;
    address[] public sidecars;
    address[] public candidates;
    uint256 public ghostTotal;
    mapping(address sidecar => mapping(address staker => uint256)) public ghostPosition;
    mapping(address staker => uint256) public ghostStakerTotal;
    mapping(address staker => address) public ghostDelegate;

    constructor(SidecarStaking staking_, address[] memory actors_, address[] memory sidecars_) {
        staking = staking_;
        actors = actors_;
        sidecars = sidecars_;
        candidates.push(address(0));
        candidates.push(makeAddr("candA"));
        candidates.push(makeAddr("candB"));
    }

    function stake(uint256 actorSeed, uint256 sidecarSeed, uint256 amount) external {
        address a = actors[actorSeed % actors.length];
        address s = sidecars[sidecarSeed % sidecars.length];
        amount = bound(amount, 1, 1_000e18);
        vm.prank(a);
        staking.stake(s, amount);
        ghostTotal += amount;
        ghostPosition[s][a] += amount;
        ghostStakerTotal[a] += amount;
    }

    function unstake(uint256 actorSeed, uint256 sidecarSeed, uint256 amount) external {
        address a = actors[actorSeed % actors.length];
        address s = sidecars[sidecarSeed % sidecars.length];
        uint256 have = ghostPosition[s][a];
        if (have == 0) return;
        amount = bound(amount, 1, have);
        vm.prank(a);
        staking.unstake(s, amount);
        ghostTotal -= amount;
        ghostPosition[s][a] -= amount;
        ghostStakerTotal[a] -= amount;
    }

    function delegate(uint256 actorSeed, uint256 candidateSeed) external {
        address a = actors[actorSeed % actors.length];
        address c = candidates[candidateSeed % candidates.length];
        if (ghostDelegate[a] == c) return;
        vm.prank(a);
        staking.delegate(c);
        ghostDelegate[a] = c;
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 1 days));
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function sidecarCount() external view returns (uint256) {
        return sidecars.length;
    }

    function candidateCount() external view returns (uint256) {
        return candidates.length;
    }
}

contract SidecarStakingInvariantTest is Test {
    MzkuToken internal token;
    SidecarStaking internal staking;
    SidecarStakingHandler internal handler;

    function setUp() public {
        address[] memory actors = new address[](4);
        uint256[] memory amounts = new uint256[](4);
        for (uint256 i = 0; i < 4; ++i) {
            actors[i] = makeAddr(string.concat("staker", vm.toString(i)));
            amounts[i] = 1_000_000e18;
        }
        token = new MzkuToken(actors, amounts);
        NodeRegistryStub nodes = new NodeRegistryStub();
        address[] memory sidecars = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            sidecars[i] = makeAddr(string.concat("sidecar", vm.toString(i)));
            nodes.register(sidecars[i]);
        }
        staking = new SidecarStaking(
            makeAddr("governance"), new address[](0), IERC20(address(token)), INodeRegistry(address(nodes))
        );
        for (uint256 i = 0; i < 4; ++i) {
            vm.prank(actors[i]);
            token.approve(address(staking), type(uint256).max);
        }
        handler = new SidecarStakingHandler(staking, actors, sidecars);
        targetContract(address(handler));
    }

    /// Σ sidecar stakes == MZKU held by SidecarStaking == ghost total.
    function invariant_stakesEqualBalance() public view {
        uint256 sum;
        for (uint256 i = 0; i < handler.sidecarCount(); ++i) {
            sum += staking.totalStakedTo(handler.sidecars(i));
        }
        assertEq(sum, token.balanceOf(address(staking)));
        assertEq(sum, handler.ghostTotal());
    }

    /// Every position, every staker total and every candidate's votes match the ghosts.
    function invariant_positionsTotalsAndVotes() public view {
        uint256[] memory votes = new uint256[](handler.candidateCount());
        uint256 stakerSum;
        for (uint256 a = 0; a < handler.actorCount(); ++a) {
            address actor = handler.actors(a);
            uint256 positions;
            for (uint256 s = 0; s < handler.sidecarCount(); ++s) {
                address sc = handler.sidecars(s);
                uint256 p = staking.stakeOf(sc, actor);
                assertEq(p, handler.ghostPosition(sc, actor), "position");
                positions += p;
            }
            uint256 total = staking.totalStakeOf(actor);
            assertEq(total, positions, "staker total = sum of positions");
            assertEq(total, handler.ghostStakerTotal(actor), "staker total ghost");
            stakerSum += total;
            address d = handler.ghostDelegate(actor);
            assertEq(staking.delegateOf(actor), d);
            for (uint256 c = 1; c < handler.candidateCount(); ++c) {
                if (handler.candidates(c) == d) votes[c] += total;
            }
        }
        assertEq(stakerSum, handler.ghostTotal());
        for (uint256 c = 1; c < handler.candidateCount(); ++c) {
            assertEq(staking.delegatedVotes(handler.candidates(c)), votes[c], "delegated votes");
        }
    }
}
