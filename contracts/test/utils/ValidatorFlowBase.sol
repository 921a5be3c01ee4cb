// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {DepositDataRoot} from "../../src/deposit/DepositDataRoot.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {DeployedProtocol} from "./DeployedProtocol.sol";

/// @notice The one validator flow on the protocol as `Deploy.s.sol` wires it: a requester asks the market
///         for a validator (type 0) and pays FP, a qualified provider wins the auction, opens the project's
///         micro-pool with its k ETH, the requester fills 32 − k, the co-signer approves the threshold key
///         and the activation, the project starts on the winner's node.
abstract contract ValidatorFlowBase is DeployedProtocol {
    uint256 internal constant DURATION = 30 days;
    uint256 internal constant K = 16 ether; // an untrusted provider's k (the registry's default)

    address internal requester = makeAddr("requester");
    address internal winner = makeAddr("winner");
    address internal stranger = makeAddr("stranger");
    uint256 internal providerId;
    uint256 internal projectId;
    uint256 internal fp;
    uint256 internal nodeId;

    function setUp() public virtual {
        _deployProtocol(_name());
        _seatGovernors();
        _fundMzku(requester, 100_000 ether);
        _fundMzku(winner, 100_000 ether);
        vm.deal(requester, 100 ether);
        vm.deal(winner, 100 ether);
        vm.deal(stranger, 100 ether);
        vm.startPrank(winner);
        providerId = registry.applyAsProvider("W", Resources(16, 64, 8000, 1000), 100_000 ether, "ipfs://w");
        token.approve(address(registry), type(uint256).max);
        registry.depositCollateral(50_000 ether);
        token.approve(address(market), type(uint256).max);
        market.depositBond(100 ether);
        vm.stopPrank();
        _govern(address(registry), abi.encodeCall(registry.qualify, (providerId)));
    }

    function _name() internal pure virtual returns (string memory);

    function _validatorResources() internal view returns (Resources memory r) {
        (r.cpuCores, r.ramGb, r.storageGb, r.bandwidthMbps) = factory.validatorResources();
    }

    /// @dev The requester asks for a validator; the winner is the only bidder (at 90% of the highest bid
    ///      the fees allow); the auction settles.
    function _requestAndAssign() internal {
        Resources memory r = _validatorResources();
        (fp,) = pricing.quote(r, DURATION, 0);
        vm.startPrank(requester);
        token.approve(address(market), fp);
        projectId = market.openProject(r, uint64(DURATION), 0, fp);
        vm.stopPrank();
        uint256 price = fp * 7 / 10;
        bytes32 salt = keccak256("salt");
        bytes32 commitment = market.commitmentOf(price, salt, winner, projectId);
        vm.prank(winner);
        market.commit(projectId, commitment);
        vm.roll(market.getProject(projectId).commitEndBlock);
        vm.prank(winner);
        market.reveal(projectId, 0, price, salt);
        vm.roll(market.getProject(projectId).revealEndBlock);
        market.settle(projectId);
        assertEq(market.getProject(projectId).winner, winner, "the winner was drawn");
    }

    function _openPool() internal returns (MicroPool pool) {
        vm.prank(winner);
        pool = MicroPool(payable(factory.openValidatorPool{value: K}(projectId)));
    }

    /// @dev The requester fills the pool, the co-signer approves the key and the activation, the deposit goes
    ///      out, the winner starts the project on its node.
    function _fillDepositStart(MicroPool pool) internal {
        vm.prank(requester);
        pool.stake{value: 32 ether - K}();
        bytes memory pubkey = abi.encodePacked(keccak256(abi.encode("pubkey", address(pool))), bytes16(0));
        bytes memory signature = new bytes(96);
        signature[0] = 0x01;
        bytes32 root = this.depositDataRoot(pubkey, pool.withdrawalCredentials(), signature);
        bytes memory approval = _coSign(factory.depositKeyDigest(address(pool), keccak256(pubkey), root));
        vm.prank(winner);
        pool.setDepositData(pubkey, signature, root, approval);
        bytes32 depositRoot = depositContract.get_deposit_root();
        pool.activate(
            pubkey,
            signature,
            depositRoot,
            _coSign(factory.activationDigest(address(pool), keccak256(pubkey), depositRoot))
        );
        vm.startPrank(winner);
        nodeId = nodes.registerNode(makeAddr("sidecar"), _validatorResources());
        nodes.activateNode(nodeId);
        market.startProject(projectId, nodeId);
        vm.stopPrank();
    }

    function depositDataRoot(bytes calldata pubkey, bytes32 wc, bytes calldata signature)
        external
        pure
        returns (bytes32)
    {
        return DepositDataRoot.compute(pubkey, wc, 32e9, signature);
    }

    function _coSign(bytes32 digest) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(coSignerKey, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Consensus-layer ETH arriving at the pool (a withdrawal runs no code).
    function _arrive(MicroPool pool, uint256 amount) internal {
        vm.deal(address(pool), address(pool).balance + amount);
    }
}
