// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketRealBase} from "./MarketRealBase.sol";
import {UptimeReports} from "../../src/reports/UptimeReports.sol";

/// @notice UptimeReports wired as the deploy script wires it (Reputation's feed, the market's authorized
///         caller), over the real registries and market, with one provider, node and sidecar per slot.
abstract contract UptimeReportsBase is MarketRealBase {
    uint256 internal constant PERIOD_BLOCKS = 10;
    uint256 internal constant K = 3;
    uint256 internal constant FAIL_LIMIT = 2;

    UptimeReports internal reports;
    address[] internal owners;
    uint256[] internal providerIds;
    uint256[] internal nodeIds;
    address[] internal sidecars;

    function setUp() public virtual override {
        super.setUp();
        reports =
            new UptimeReports(gov, address(nodes), address(reputation), address(market), PERIOD_BLOCKS, K, FAIL_LIMIT);
        vm.startPrank(gov);
        reputation.setUptimeFeed(address(reports));
        market.setAuthorizedCaller(address(reports), true);
        vm.stopPrank();
    }

    /// @notice `n` providers, each with one Active node whose sidecar joined the roster.
    function _members(uint256 n) internal {
        uint256 from = owners.length;
        _addProviders(n);
        _addNodes(from);
    }

    /// @notice `n` qualified providers with collateral, no node yet.
    function _addProviders(uint256 n) internal {
        for (uint256 i = 0; i < n; ++i) {
            (address owner, uint256 pid) = _provider(string.concat("P", vm.toString(owners.length)), 1000 ether);
            owners.push(owner);
            providerIds.push(pid);
        }
    }

    /// @notice An Active node for every provider from index `from` on; each node's sidecar joins.
    function _addNodes(uint256 from) internal {
        for (uint256 i = from; i < owners.length; ++i) {
            string memory sc = string.concat("sidecar-P", vm.toString(i));
            uint256 nodeId = _node(owners[i], sc);
            address sidecar = makeAddr(sc);
            vm.prank(sidecar);
            reports.join();
            nodeIds.push(nodeId);
            sidecars.push(sidecar);
        }
    }

    /// @notice Rolls to the first block of `period` and opens it.
    function _openPeriod(uint256 period) internal {
        vm.roll(reports.periodStartBlock(period));
        reports.openPeriod();
    }

    /// @notice Rolls into the report window of `period` (the next period) and opens that one.
    function _toReports(uint256 period) internal {
        _openPeriod(period + 1);
    }

    /// @notice The votes of `slot` in `period` when the slots in `down` are down and everyone else up.
    function _honestVotes(uint256 period, uint256 slot, bool[] memory down) internal view returns (uint256 votes) {
        uint256[] memory t = reports.targetsOf(period, slot);
        for (uint256 j = 0; j < t.length; ++j) {
            if (!down[t[j]]) votes |= 1 << j;
        }
    }

    /// @notice Every slot reports `period` honestly, except those in `silent`.
    function _reportAll(uint256 period, bool[] memory down, bool[] memory silent) internal {
        for (uint256 s = 0; s < sidecars.length; ++s) {
            if (silent[s]) continue;
            uint256 votes = _honestVotes(period, s, down);
            vm.prank(sidecars[s]);
            reports.report(period, votes);
        }
    }

    /// @notice The slots that audit `target` in `period`.
    function _auditorsOf(uint256 period, uint256 target) internal view returns (uint256[] memory out) {
        out = new uint256[](reports.periodInfo(period).k);
        uint256 c;
        for (uint256 s = 0; s < sidecars.length; ++s) {
            uint256[] memory t = reports.targetsOf(period, s);
            for (uint256 j = 0; j < t.length; ++j) {
                if (t[j] == target) out[c++] = s;
            }
        }
    }

    function _flags(uint256 n) internal pure returns (bool[] memory) {
        return new bool[](n);
    }

    function _calldataCost(bytes memory data) internal pure returns (uint256 g) {
        for (uint256 i = 0; i < data.length; ++i) {
            g += data[i] == 0 ? 4 : 16;
        }
    }

    /// @notice Runs an auction between the first three providers, gives every provider its node and
    ///         starts the project on the winner's; returns the project and the winner's slot.
    function _runningProject() internal returns (uint256 id, uint256 slot) {
        id = _open();
        for (uint256 i = 0; i < 3; ++i) {
            _commit(id, owners[i], (60 + i) * 1 ether);
        }
        _toReveal(id);
        for (uint256 i = 0; i < 3; ++i) {
            _reveal(id, owners[i], i, (60 + i) * 1 ether);
        }
        _toSettle(id);
        market.settle(id);
        address winner = market.getProject(id).winner;
        while (owners[slot] != winner) ++slot;
        _addNodes(0); // after the auction: a node uses the provider's whole bandwidth
        vm.prank(winner);
        market.startProject(id, nodeIds[slot]);
    }
}
