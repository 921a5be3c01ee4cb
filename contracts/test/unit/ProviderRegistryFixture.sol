// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";

/// @notice Records every onStakeChanged call.
contract RecordingObserver is IStakeObserver {
    struct Call {
        StakeClass class;
        address account;
        address key;
        uint256 oldAmount;
        uint256 newAmount;
    }

    Call[] public calls;

    function onStakeChanged(StakeClass class, address account, address key, uint256 oldAmount, uint256 newAmount)
        external
    {
        calls.push(Call(class, account, key, oldAmount, newAmount));
    }

    function count() external view returns (uint256) {
        return calls.length;
    }

    function last() external view returns (Call memory) {
        return calls[calls.length - 1];
    }
}

/// @notice Deploys token, ProviderRegistry and NodeRegistry the way the deploy script does: each
///         registry gets the other's precomputed address.
abstract contract ProviderRegistryFixture is Test {
    MzkuToken internal token;
    ProviderRegistry internal reg;
    NodeRegistry internal nodes;

    address internal gov = makeAddr("governance");
    address internal market = makeAddr("market");
    address internal reputation = makeAddr("reputation");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal stranger = makeAddr("stranger");
    address internal sidecar1 = makeAddr("sidecar1");
    address internal sidecar2 = makeAddr("sidecar2");

    string internal constant BRAND = "Acme Nodes";
    string internal constant URI = "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

    function setUp() public virtual {
        address[] memory holders = new address[](4);
        holders[0] = alice;
        holders[1] = bob;
        holders[2] = carol;
        holders[3] = address(this);
        uint256[] memory amounts = new uint256[](4);
        for (uint256 i = 0; i < 4; ++i) {
            amounts[i] = 10_000_000 ether;
        }
        token = new MzkuToken(holders, amounts);

        address predictedNodes = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        address[] memory regAuth = new address[](2);
        regAuth[0] = market;
        regAuth[1] = reputation;
        reg = new ProviderRegistry(gov, regAuth, token, predictedNodes);
        address[] memory nodeAuth = new address[](1);
        nodeAuth[0] = market;
        nodes = new NodeRegistry(gov, nodeAuth, reg);
        assertEq(address(nodes), predictedNodes, "precomputed NodeRegistry address");

        vm.prank(alice);
        token.approve(address(reg), type(uint256).max);
        vm.prank(bob);
        token.approve(address(reg), type(uint256).max);
        vm.prank(carol);
        token.approve(address(reg), type(uint256).max);
    }

    /// 64 cores, 256 GB, 20 TB, 1 Gbps: with the default requirement (4/16/2000/25) max nodes = 10.
    function _cap() internal pure returns (Resources memory) {
        return Resources({cpuCores: 64, ramGb: 256, storageGb: 20_000, bandwidthMbps: 1000});
    }

    function _nodeRes() internal pure returns (Resources memory) {
        return Resources({cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 25});
    }

    function _apply(address owner) internal returns (uint256 id) {
        vm.prank(owner);
        id = reg.applyAsProvider(BRAND, _cap(), 1000 ether, URI);
    }

    /// Applies, qualifies, and bonds pMin: an eligible provider.
    function _eligible(address owner) internal returns (uint256 id) {
        id = _apply(owner);
        vm.prank(gov);
        reg.qualify(id);
        uint256 pMin = reg.pMin();
        vm.prank(owner);
        reg.depositCollateral(pMin);
    }

    function _register(address owner, address sidecar) internal returns (uint256 nodeId) {
        vm.prank(owner);
        nodeId = nodes.registerNode(sidecar, _nodeRes());
    }

    /// Reputation reports score 0: `pid` is disqualified for 30 days.
    function _disqualify(uint256 pid) internal {
        vm.prank(reputation);
        reg.reportScore(pid, 0);
    }

    /// The revert of a node call for `pid` while `_disqualify` holds (collateral pMin of pMin).
    function _disqualifiedError(uint256 pid) internal view returns (bytes memory) {
        return abi.encodeWithSelector(
            ProviderRegistry.ProviderRegistryNotEligible.selector,
            pid,
            true,
            uint64(block.timestamp + 30 days),
            10_000 ether,
            10_000 ether
        );
    }
}
