// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {MarketBase} from "../utils/MarketBase.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {IProjectMarket} from "../../src/interfaces/IProjectMarket.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";

/// @notice The draw recomputed from events alone equals the contract's, and a case is exported as a
///         JSON fixture (test/fixtures/market-draw.json) for the TypeScript recomputation
///         (packages/sdk/src/market/draw.ts).
contract MarketDrawTest is MarketBase {
    struct Reveal {
        uint256 index;
        address bidder;
        uint256 price;
        bytes32 salt;
    }

    struct Eval {
        bool seen;
        bool eligible;
        uint256 weight;
        uint256 providerId;
    }

    address[] internal provs;
    uint256[] internal prices;

    function setUp() public override {
        super.setUp();
        // six providers with different collateral, hence different scores (weights)
        uint128[6] memory coll =
            [uint128(10_000 ether), 40_000 ether, 100_000 ether, 70_000 ether, 10_000 ether, 20_000 ether];
        for (uint256 i = 0; i < 6; ++i) {
            address o = makeAddr(string(abi.encodePacked("D", vm.toString(i))));
            token.transfer(address(registry), coll[i]);
            uint256 id = registry.add(o, 1000 ether, coll[i], _big(), 4);
            reputation.refresh(id);
            token.transfer(o, 1000 ether);
            vm.startPrank(o);
            token.approve(address(market), type(uint256).max);
            market.depositBond(1000 ether); // the ineligible bidder forfeits a bond in every auction
            vm.stopPrank();
            provs.push(o);
        }
        // 60..63 fall in the 5% band of 60; 70 is outside; 59 is above its own cap (ineligible)
        prices = [uint256(61 ether), 60 ether, 63 ether, 70 ether, 62 ether, 59 ether];
        registry.setPriceCap(6, 58 ether);
    }

    function _big() internal pure returns (Resources memory) {
        return Resources(64, 256, 10_000, 10_000);
    }

    /// @param drawHash The hash the draw block gets (the draw's entropy).
    function _run(bytes32 drawHash, bool vickrey) internal returns (uint256 id, Vm.Log[] memory logs) {
        vm.prank(gov);
        policy.setTypeTerms(T, IPricingPolicy.TypeTerms(true, vickrey, 0, 0));
        id = _open();
        for (uint256 i = 0; i < 6; ++i) {
            _commit(id, provs[i], prices[i]);
        }
        _toReveal(id);
        vm.recordLogs();
        for (uint256 i = 0; i < 6; ++i) {
            _reveal(id, provs[i], i, prices[i]);
        }
        _toSettle(id);
        vm.setBlockhash(market.getProject(id).drawBlock, drawHash);
        market.settle(id);
        logs = vm.getRecordedLogs();
    }

    struct Parsed {
        Reveal[] rv;
        uint256 n;
        Eval[] ev;
        bytes32 eventSeed;
        uint256 entropy;
        bytes32 seed;
    }

    function _parse(uint256 id, Vm.Log[] memory logs) internal view returns (Parsed memory q) {
        q.rv = new Reveal[](32);
        q.ev = new Eval[](32);
        for (uint256 i = 0; i < logs.length; ++i) {
            bytes32 t0 = logs[i].topics[0];
            if (logs[i].emitter != address(market) || uint256(logs[i].topics[1]) != id) continue;
            if (t0 == IProjectMarket.BidRevealed.selector) {
                (uint256 index, uint256 p, bytes32 salt) = abi.decode(logs[i].data, (uint256, uint256, bytes32));
                q.rv[q.n++] = Reveal(index, address(uint160(uint256(logs[i].topics[2]))), p, salt);
            } else if (t0 == IProjectMarket.BidEvaluated.selector) {
                (uint256 pid,, bool el, uint256 w) = abi.decode(logs[i].data, (uint256, uint256, bool, uint256));
                q.ev[uint256(logs[i].topics[2])] = Eval(true, el, w, pid);
            } else if (t0 == IProjectMarket.AuctionSettled.selector) {
                (q.eventSeed, q.entropy) = abi.decode(logs[i].data, (bytes32, uint256));
            }
        }
        uint128 mix;
        for (uint256 i = 0; i < q.n; ++i) {
            mix ^= uint128(uint256(q.rv[i].salt));
        }
        q.seed = keccak256(abi.encode(id, mix, q.entropy));
    }

    /// order by (price, keccak(seed, index) >> 101, index): naive selection
    function _order(Parsed memory q) internal pure returns (uint256[] memory order) {
        order = new uint256[](q.n);
        bool[] memory used = new bool[](q.n);
        for (uint256 k = 0; k < q.n; ++k) {
            uint256 best = type(uint256).max;
            uint256 bestAt;
            for (uint256 j = 0; j < q.n; ++j) {
                if (used[j]) continue;
                uint256 tb = uint256(keccak256(abi.encode(q.seed, q.rv[j].index))) >> 101;
                uint256 key = (q.rv[j].price << 160) | (tb << 5) | q.rv[j].index;
                if (key < best) (best, bestAt) = (key, j);
            }
            used[bestAt] = true;
            order[k] = bestAt;
        }
    }

    struct Cands {
        address[] b;
        uint256[] w;
        uint256[] p;
        uint256 n;
        uint256 total;
        uint256 eligible;
        uint256 second;
        uint256 limit;
    }

    /// Independent recomputation from the BidRevealed, BidEvaluated and AuctionSettled events.
    function _recompute(uint256 id, Vm.Log[] memory logs)
        internal
        view
        returns (bytes32 seed, address winner, uint256 price, uint256 entropy)
    {
        Parsed memory q = _parse(id, logs);
        seed = q.seed;
        entropy = q.entropy;
        assertEq(q.seed, q.eventSeed, "seed from events");
        uint256[] memory order = _order(q);
        IProjectMarket.ProjectView memory pv = market.getProject(id);
        Cands memory c = Cands(new address[](32), new uint256[](32), new uint256[](32), 0, 0, 0, 0, 0);
        for (uint256 k = 0; k < q.n; ++k) {
            Reveal memory r = q.rv[order[k]];
            bool closed = c.n != 0 && (r.price > c.limit || c.n == pv.maxDrawCandidates);
            if (closed && (!pv.vickrey || c.eligible >= 2)) break;
            Eval memory e = q.ev[r.index];
            assertTrue(e.seen, "every walked bid has an event");
            if (!e.eligible) continue;
            ++c.eligible;
            if (c.eligible == 2) c.second = r.price;
            if (c.n == 0) c.limit = r.price + r.price * pv.bandBps / 10_000;
            else if (closed) break;
            (c.b[c.n], c.w[c.n], c.p[c.n]) = (r.bidder, e.weight, r.price);
            c.total += e.weight;
            ++c.n;
        }
        if (c.n == 0) return (seed, address(0), 0, entropy);
        uint256 x = uint256(seed) % c.total;
        uint256 pick;
        for (uint256 i = 0; i < c.n; ++i) {
            if (x < c.w[i]) {
                pick = i;
                break;
            }
            x -= c.w[i];
        }
        winner = c.b[pick];
        price = c.p[pick];
        if (pv.vickrey && c.eligible >= 2 && c.second > price) price = c.second;
    }

    function testFuzz_draw_recomputedFromEvents(bytes32 drawHash, bool vickrey) public {
        (uint256 id, Vm.Log[] memory logs) = _run(drawHash, vickrey);
        (, address w, uint256 p,) = _recompute(id, logs);
        assertEq(w, market.getProject(id).winner, "winner");
        assertEq(p, market.getProject(id).price, "price");
    }

    function test_draw_weightedAcrossDrawHashes() public {
        uint256[6] memory wins;
        for (uint256 r = 0; r < 40; ++r) {
            (uint256 id, Vm.Log[] memory logs) = _run(keccak256(abi.encode(r)), false);
            (, address w,,) = _recompute(id, logs);
            assertEq(w, market.getProject(id).winner);
            for (uint256 i = 0; i < 6; ++i) {
                if (w == provs[i]) ++wins[i];
            }
        }
        assertEq(wins[3], 0, "70 is outside the band");
        assertEq(wins[5], 0, "above its cap");
        assertGt(wins[0] + wins[1] + wins[2] + wins[4], 0);
    }

    /// Exports one case for the TypeScript recomputation (written only where forge may write
    /// test/fixtures: fs_permissions; the committed file is the reference).
    function test_draw_exportFixture() public {
        (uint256 id, Vm.Log[] memory logs) = _run(bytes32(uint256(0xC0FFEE)), true);
        (bytes32 seed, address w, uint256 p, uint256 entropy) = _recompute(id, logs);
        IProjectMarket.ProjectView memory pv = market.getProject(id);
        assertEq(w, pv.winner);
        string memory bids = "[";
        string memory evals = "[";
        for (uint256 i = 0; i < logs.length; ++i) {
            bytes32 t0 = logs[i].topics[0];
            if (t0 == IProjectMarket.BidRevealed.selector) {
                bids = string.concat(bids, bytes(bids).length == 1 ? "" : ",", _bidJson(logs[i]));
            } else if (t0 == IProjectMarket.BidEvaluated.selector) {
                evals = string.concat(evals, bytes(evals).length == 1 ? "" : ",", _evalJson(logs[i]));
            }
        }
        string memory json = string.concat(
            _headJson(id, entropy, pv),
            ',"reveals":',
            bids,
            "]",
            ',"evaluations":',
            evals,
            "]",
            _expectedJson(seed, w, p, _bidOf(pv.winner))
        );
        try vm.writeJson(json, "test/fixtures/market-draw.json") {} catch {}
    }

    function _headJson(uint256 id, uint256 entropy, IProjectMarket.ProjectView memory pv)
        internal
        pure
        returns (string memory)
    {
        return string.concat(
            '{"projectId":"',
            vm.toString(id),
            '","entropy":"',
            vm.toString(entropy),
            '","bandBps":',
            vm.toString(uint256(pv.bandBps)),
            ',"maxDrawCandidates":',
            vm.toString(uint256(pv.maxDrawCandidates)),
            ',"vickrey":',
            pv.vickrey ? "true" : "false"
        );
    }

    function _expectedJson(bytes32 seed, address w, uint256 p, uint256 bid) internal pure returns (string memory) {
        return string.concat(
            ',"expected":{"seed":"',
            vm.toString(seed),
            '","winner":"',
            vm.toString(w),
            '","price":"',
            vm.toString(p),
            '","winningBid":"',
            vm.toString(bid),
            '"}}'
        );
    }

    function _bidJson(Vm.Log memory l) internal pure returns (string memory) {
        (uint256 index, uint256 price, bytes32 salt) = abi.decode(l.data, (uint256, uint256, bytes32));
        return string.concat(
            '{"index":',
            vm.toString(index),
            ',"bidder":"',
            vm.toString(address(uint160(uint256(l.topics[2])))),
            '","price":"',
            vm.toString(price),
            '","salt":"',
            vm.toString(salt),
            '"}'
        );
    }

    function _evalJson(Vm.Log memory l) internal pure returns (string memory) {
        (uint256 pid,, bool el, uint256 wt) = abi.decode(l.data, (uint256, uint256, bool, uint256));
        return string.concat(
            '{"index":',
            vm.toString(uint256(l.topics[2])),
            ',"providerId":"',
            vm.toString(pid),
            '","eligible":',
            el ? "true" : "false",
            ',"weight":"',
            vm.toString(wt),
            '"}'
        );
    }

    function _bidOf(address w) internal view returns (uint256) {
        for (uint256 i = 0; i < 6; ++i) {
            if (provs[i] == w) return prices[i];
        }
        return 0;
    }
}
