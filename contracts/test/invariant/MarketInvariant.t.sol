// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MarketBase} from "../utils/MarketBase.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {MarketNodeRegistryDouble} from "../utils/MarketDoubles.sol";
import {NodeStatus, Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice Drives random projects through the market, keeping ghost totals of what went in and out.
contract MarketHandler is Test {
    ProjectMarket internal market;
    MzkuToken internal token;
    MarketNodeRegistryDouble internal nodes;
    address internal gov;
    address internal requester;
    address[] public actors;
    uint256[] public pids;

    uint256 public commits;
    uint256 public reveals;
    uint256 public completions;
    uint256 public ghostIn; // FP + bond deposits + escrowed profits pulled in
    uint256 public ghostOut; // everything the market sent out (refunds, splits, bonds, forfeits)
    mapping(uint256 => mapping(uint256 => uint256)) internal _price; // project → index → price

    constructor(
        ProjectMarket market_,
        MzkuToken token_,
        MarketNodeRegistryDouble nodes_,
        address gov_,
        address requester_,
        address[] memory actors_,
        uint256[] memory pids_
    ) {
        (market, token, nodes, gov, requester) = (market_, token_, nodes_, gov_, requester_);
        actors = actors_;
        pids = pids_;
    }

    function _track(function() internal f) internal {
        uint256 before = token.balanceOf(address(market));
        f();
        uint256 afterBal = token.balanceOf(address(market));
        if (afterBal > before) ghostIn += afterBal - before;
        else ghostOut += before - afterBal;
    }

    function _project(uint256 seed) internal view returns (uint256) {
        uint256 n = market.projectCount();
        return n == 0 ? 0 : seed % n + 1;
    }

    uint256 internal _a;
    uint256 internal _b;
    uint256 internal _c;

    function open() external {
        _track(_open);
    }

    function _open() internal {
        vm.prank(requester);
        market.openProject(Resources(4, 16, 100, 100), 1 days, 2, type(uint256).max);
    }

    function depositBond(uint256 who, uint256 amount) external {
        (_a, _b) = (who % actors.length, bound(amount, 1, 50 ether));
        _track(_deposit);
    }

    function _deposit() internal {
        vm.prank(actors[_a]);
        market.depositBond(_b);
    }

    function withdrawBond(uint256 who, uint256 amount) external {
        _a = who % actors.length;
        uint256 bal = market.bondBalanceOf(actors[_a]);
        if (bal == 0) return;
        _b = bound(amount, 1, bal);
        _track(_withdraw);
    }

    function _withdraw() internal {
        vm.prank(actors[_a]);
        market.withdrawBond(_b);
    }

    function commit(uint256 who, uint256 project, uint256 price) external {
        (_a, _b, _c) = (who % actors.length, _project(project), bound(price, 1, 120 ether));
        if (_b == 0) return;
        IProjectMarket.ProjectView memory v = market.getProject(_b);
        if (v.status != IProjectMarket.Status.Bidding || block.number >= v.commitEndBlock || v.commitCount == 32) {
            return;
        }
        if (market.bondBalanceOf(actors[_a]) < v.bidBond) return;
        _price[_b][v.commitCount] = _c;
        bytes32 c = market.commitmentOf(_c, bytes32(_c), actors[_a], _b);
        vm.prank(actors[_a]);
        market.commit(_b, c);
        ++commits;
    }

    function reveal(uint256 project, uint256 index) external {
        _b = _project(project);
        if (_b == 0) return;
        IProjectMarket.ProjectView memory v = market.getProject(_b);
        if (v.commitCount == 0 || v.status != IProjectMarket.Status.Bidding) return;
        if (block.number < v.commitEndBlock) vm.roll(v.commitEndBlock); // jump to the reveal window
        if (block.number >= v.revealEndBlock) return;
        uint256 i = index % v.commitCount;
        if ((v.revealedMask >> i) & 1 == 1) return;
        uint256 price = _price[_b][i];
        // find the committer: try every actor (the commitment binds the sender)
        for (uint256 k = 0; k < actors.length; ++k) {
            (, bytes32 c,,) = market.bidAt(_b, i);
            if (c == market.commitmentOf(price, bytes32(price), actors[k], _b)) {
                vm.prank(actors[k]);
                market.reveal(_b, i, price, bytes32(price));
                ++reveals;
                return;
            }
        }
    }

    function roll(uint256 blocks) external {
        vm.roll(block.number + bound(blocks, 1, 60));
        vm.warp(block.timestamp + bound(blocks, 1, 60) * 1 hours);
    }

    function settle(uint256 project) external {
        _b = _project(project);
        if (_b == 0) return;
        IProjectMarket.ProjectView memory v = market.getProject(_b);
        if (v.status != IProjectMarket.Status.Bidding) return;
        if (block.number < v.revealEndBlock) vm.roll(v.revealEndBlock);
        _track(_settle);
    }

    function _settle() internal {
        market.settle(_b);
    }

    function cancel(uint256 project) external {
        _b = _project(project);
        if (_b == 0 || market.getProject(_b).status != IProjectMarket.Status.NoWinner) return;
        _track(_cancel);
    }

    function _cancel() internal {
        vm.prank(requester);
        market.cancel(_b);
    }

    function start(uint256 project) external {
        _b = _project(project);
        if (_b == 0) return;
        IProjectMarket.ProjectView memory v = market.getProject(_b);
        if (v.status != IProjectMarket.Status.Assigned || block.timestamp > v.startDeadline) return;
        uint256 nodeId = nodes.add(v.providerId, address(uint160(0x5000 + nodes.nodeCount())), NodeStatus.Active);
        vm.prank(v.winner);
        market.startProject(_b, nodeId);
    }

    function complete(uint256 project, uint256 profit) external {
        _b = _project(project);
        if (_b == 0) return;
        IProjectMarket.ProjectView memory v = market.getProject(_b);
        if (v.status != IProjectMarket.Status.Running) return;
        if (block.timestamp < v.startedAt + v.duration) vm.warp(v.startedAt + v.duration);
        _c = bound(profit, 0, 500 ether);
        _a = uint256(uint160(v.winner));
        if (!v.profitSubmitted) _track(_submit);
        _track(_confirm);
        ++completions;
    }

    function _submit() internal {
        vm.prank(address(uint160(_a)));
        market.submitCompletion(_b, _c);
    }

    function _confirm() internal {
        uint256 x = market.getProject(_b).pendingProfit;
        vm.prank(gov);
        market.confirmCompletion(_b, x);
    }

    function fail(uint256 project, uint256 loss) external {
        _b = _project(project);
        if (_b == 0) return;
        IProjectMarket.Status s = market.getProject(_b).status;
        if (s != IProjectMarket.Status.Assigned && s != IProjectMarket.Status.Running) return;
        _c = bound(loss, 0, 200 ether);
        _track(_fail);
    }

    function _fail() internal {
        vm.prank(gov);
        market.failProject(_b, _c);
    }

    function failUnstarted(uint256 project) external {
        _b = _project(project);
        if (_b == 0) return;
        IProjectMarket.ProjectView memory v = market.getProject(_b);
        if (v.status != IProjectMarket.Status.Assigned || block.timestamp <= v.startDeadline) return;
        _track(_failUnstarted);
    }

    function _failUnstarted() internal {
        market.failUnstarted(_b);
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }
}

contract MarketInvariantTest is MarketBase {
    MarketHandler internal handler;
    address[] internal actorList;

    function setUp() public override {
        super.setUp();
        uint256[] memory ids = new uint256[](4);
        for (uint256 i = 0; i < 4; ++i) {
            (address o, uint256 id) = _provider(string(abi.encodePacked("I", vm.toString(i))), 1000 ether);
            actorList.push(o);
            ids[i] = id;
        }
        token.transfer(address(insurancePool), 10_000 ether);
        handler = new MarketHandler(market, token, nodes, gov, requester, actorList, ids);
        for (uint256 i = 0; i < 4; ++i) {
            vm.prank(actorList[i]);
            token.approve(address(market), type(uint256).max);
        }
        // the bonds deposited in setUp count as inflows
        targetContract(address(handler));
    }

    /// The market holds exactly: FP of open projects + locked bonds of unsettled auctions + free bond
    /// balances + escrowed profits.
    function invariant_marketHoldsExactlyWhatItOwes() public view {
        uint256 owed;
        uint256 n = market.projectCount();
        for (uint256 id = 1; id <= n; ++id) {
            IProjectMarket.ProjectView memory v = market.getProject(id);
            IProjectMarket.Status s = v.status;
            if (
                s == IProjectMarket.Status.Bidding || s == IProjectMarket.Status.NoWinner
                    || s == IProjectMarket.Status.Assigned || s == IProjectMarket.Status.Running
            ) owed += v.fixedPrice;
            if (s == IProjectMarket.Status.Bidding) {
                uint256 unrevealed;
                for (uint256 i = 0; i < v.commitCount; ++i) {
                    if ((v.revealedMask >> i) & 1 == 0) ++unrevealed;
                }
                owed += unrevealed * v.bidBond;
            }
            owed += v.pendingProfit;
        }
        for (uint256 i = 0; i < actorList.length; ++i) {
            owed += market.bondBalanceOf(actorList[i]);
        }
        assertEq(token.balanceOf(address(market)), owed, "balance == FP open + bonds + escrow");
    }

    /// The handler's paths work end to end (so the invariant runs are not only no-ops).
    function test_handler_fullPaths() public {
        handler.open();
        handler.commit(0, 0, 60 ether);
        handler.commit(1, 0, 70 ether);
        handler.reveal(0, 0);
        handler.reveal(0, 1);
        handler.settle(0);
        handler.start(0);
        handler.complete(0, 300 ether);
        handler.open();
        handler.commit(2, 1, 50 ether);
        handler.settle(1); // unrevealed: bond forfeited
        handler.cancel(1);
        handler.open();
        handler.commit(3, 2, 80 ether);
        handler.reveal(2, 0);
        handler.settle(2);
        handler.fail(2, 50 ether);
        assertEq(handler.commits(), 4);
        assertEq(handler.reveals(), 3);
        assertEq(handler.completions(), 1);
        assertEq(uint8(market.getProject(1).status), uint8(IProjectMarket.Status.Completed));
        assertEq(uint8(market.getProject(2).status), uint8(IProjectMarket.Status.Cancelled));
        assertEq(uint8(market.getProject(3).status), uint8(IProjectMarket.Status.Failed));
        invariant_marketHoldsExactlyWhatItOwes();
        invariant_ghostFlowsBalance();
    }

    /// The requester's Reward Pool stake is exactly the FP of its running projects, and the pool was
    /// told every change.
    function invariant_requesterStakeIsRunningFP() public view {
        uint256 running;
        uint256 n = market.projectCount();
        for (uint256 id = 1; id <= n; ++id) {
            IProjectMarket.ProjectView memory v = market.getProject(id);
            if (v.status == IProjectMarket.Status.Running) running += v.fixedPrice;
        }
        assertEq(market.requesterStakeOf(requester), running, "market's record");
        assertEq(rewardPool.requesterStake(requester), running, "pool's record");
    }

    /// Everything that came in either went out or is still held.
    function invariant_ghostFlowsBalance() public view {
        uint256 initial = 4 * 100 ether; // bonds deposited in setUp
        assertEq(initial + handler.ghostIn() - handler.ghostOut(), token.balanceOf(address(market)));
    }
}
