// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {DepositContract} from "../../src/deposit/DepositContract.sol";
import {IDepositContract} from "../../src/interfaces/IDepositContract.sol";
import {DepositDataRoot as DepositDataRootProxy} from "../../src/deposit/DepositDataRoot.sol";
import {DepositVector, DepositVectors} from "../fixtures/DepositVectors.sol";

/// @dev Naive reference: rebuilds the whole depth-32 tree from every leaf (zero subtrees folded), then
///      mixes in the length like SSZ does for a List[DepositData, 2**32]. Independent of the contract's
///      incremental branch.
library NaiveDepositTree {
    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = leaves;
        bytes32 zero;
        for (uint256 h = 0; h < 32; ++h) {
            uint256 n = (level.length + 1) / 2;
            bytes32[] memory next = new bytes32[](n);
            for (uint256 i = 0; i < n; ++i) {
                bytes32 left = level[2 * i];
                bytes32 right = 2 * i + 1 < level.length ? level[2 * i + 1] : zero;
                next[i] = sha256(abi.encodePacked(left, right));
            }
            if (n == 0) {
                next = new bytes32[](1);
                next[0] = sha256(abi.encodePacked(zero, zero));
            }
            level = next;
            zero = sha256(abi.encodePacked(zero, zero));
        }
        uint256 count = leaves.length;
        bytes memory le = new bytes(32);
        for (uint256 i = 0; i < 8; ++i) {
            le[i] = bytes1(uint8(count >> (8 * i)));
        }
        return sha256(abi.encodePacked(level[0], le));
    }
}

contract DepositContractTest is Test {
    DepositContract internal dc;

    event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index);

    function setUp() public {
        dc = new DepositContract();
        vm.deal(address(this), 10_000_000 ether);
    }

    function _le64(uint64 x) internal pure returns (bytes memory out) {
        out = new bytes(8);
        for (uint256 i = 0; i < 8; ++i) {
            out[i] = bytes1(uint8(x >> (8 * i)));
        }
    }

    function _deposit(DepositVector memory v) internal {
        dc.deposit{value: uint256(v.amountGwei) * 1 gwei}(
            v.pubkey, v.withdrawalCredentials, v.signature, v.depositDataRoot
        );
    }

    function test_get_deposit_root_EmptyMatchesSsz() public view {
        assertEq(dc.get_deposit_root(), DepositVectors.EMPTY_LIST_ROOT);
        assertEq(dc.get_deposit_count(), _le64(0));
    }

    /// Every vector's deposit_data_root is accepted, and after each deposit the root equals the SSZ
    /// hash_tree_root(List[DepositData, 2**32]) computed by lodestar types (SSZ fixture).
    function test_deposit_VectorsMatchSszRoots() public {
        DepositVector[] memory vs = DepositVectors.all();
        bytes32[] memory leaves = new bytes32[](vs.length);
        for (uint256 i = 0; i < vs.length; ++i) {
            DepositVector memory v = vs[i];
            vm.expectEmit(address(dc));
            emit DepositEvent(v.pubkey, v.withdrawalCredentials, _le64(v.amountGwei), v.signature, _le64(uint64(i)));
            _deposit(v);
            assertEq(dc.get_deposit_root(), v.listRootAfter, v.name);
            assertEq(dc.get_deposit_count(), _le64(uint64(i + 1)));
            leaves[i] = v.depositDataRoot;
        }
        // The naive reference agrees with the SSZ fixture too.
        assertEq(NaiveDepositTree.root(leaves), vs[vs.length - 1].listRootAfter);
        assertEq(address(dc).balance, vs.length * 32 ether);
    }

    function test_get_deposit_count_LittleEndian() public {
        vm.store(address(dc), bytes32(uint256(32)), bytes32(uint256(0x0102030405)));
        assertEq(dc.get_deposit_count(), hex"0504030201000000");
    }

    function test_supportsInterface_Erc165AndDeposit() public view {
        assertTrue(dc.supportsInterface(type(IERC165).interfaceId));
        assertTrue(dc.supportsInterface(type(IDepositContract).interfaceId));
        // The official contract's interface id: deposit ^ get_deposit_root ^ get_deposit_count.
        assertTrue(dc.supportsInterface(0x85640907));
        assertFalse(dc.supportsInterface(0xffffffff));
    }

    function test_RevertWhen_PubkeyLengthWrong() public {
        DepositVector memory v = DepositVectors.all()[0];
        vm.expectRevert(abi.encodeWithSelector(DepositContract.DepositContractInvalidPubkeyLength.selector, 47));
        dc.deposit{value: 32 ether}(_cut(v.pubkey, 47), v.withdrawalCredentials, v.signature, v.depositDataRoot);
    }

    function test_RevertWhen_WithdrawalCredentialsLengthWrong() public {
        DepositVector memory v = DepositVectors.all()[0];
        vm.expectRevert(
            abi.encodeWithSelector(DepositContract.DepositContractInvalidWithdrawalCredentialsLength.selector, 31)
        );
        dc.deposit{value: 32 ether}(v.pubkey, _cut(v.withdrawalCredentials, 31), v.signature, v.depositDataRoot);
    }

    function test_RevertWhen_SignatureLengthWrong() public {
        DepositVector memory v = DepositVectors.all()[0];
        vm.expectRevert(abi.encodeWithSelector(DepositContract.DepositContractInvalidSignatureLength.selector, 95));
        dc.deposit{value: 32 ether}(v.pubkey, v.withdrawalCredentials, _cut(v.signature, 95), v.depositDataRoot);
    }

    function test_RevertWhen_ValueBelowOneEther() public {
        DepositVector memory v = DepositVectors.all()[0];
        vm.expectRevert(abi.encodeWithSelector(DepositContract.DepositContractValueTooLow.selector, 1 ether - 1));
        dc.deposit{value: 1 ether - 1}(v.pubkey, v.withdrawalCredentials, v.signature, v.depositDataRoot);
    }

    function test_RevertWhen_ValueNotGwei() public {
        DepositVector memory v = DepositVectors.all()[0];
        vm.expectRevert(
            abi.encodeWithSelector(DepositContract.DepositContractValueNotMultipleOfGwei.selector, 32 ether + 1)
        );
        dc.deposit{value: 32 ether + 1}(v.pubkey, v.withdrawalCredentials, v.signature, v.depositDataRoot);
    }

    function test_RevertWhen_ValueOverUint64Gwei() public {
        DepositVector memory v = DepositVectors.all()[0];
        uint256 value = (uint256(type(uint64).max) + 1) * 1 gwei;
        vm.deal(address(this), value);
        vm.expectRevert(abi.encodeWithSelector(DepositContract.DepositContractValueTooHigh.selector, value));
        dc.deposit{value: value}(v.pubkey, v.withdrawalCredentials, v.signature, v.depositDataRoot);
    }

    function test_RevertWhen_RootMismatch() public {
        DepositVector memory v = DepositVectors.all()[0];
        // Same data, 31 ETH: the vector's root is for 32 ETH.
        bytes32 computed = DepositVectors.all()[0].depositDataRoot;
        vm.expectRevert();
        dc.deposit{value: 31 ether}(v.pubkey, v.withdrawalCredentials, v.signature, computed);
        vm.expectRevert(
            abi.encodeWithSelector(DepositContract.DepositContractRootMismatch.selector, bytes32(0), computed)
        );
        dc.deposit{value: 32 ether}(v.pubkey, v.withdrawalCredentials, v.signature, bytes32(0));
    }

    function test_RevertWhen_TreeFull() public {
        DepositVector memory v = DepositVectors.all()[0];
        vm.store(address(dc), bytes32(uint256(32)), bytes32(dc.MAX_DEPOSIT_COUNT()));
        vm.expectRevert(DepositContract.DepositContractTreeFull.selector);
        _deposit(v);
    }

    /// Random leaves (any valid amount, any data): the incremental root equals the naive full tree.
    function testFuzz_deposit_RootMatchesNaiveTree(uint256 seed, uint8 countRaw) public {
        uint256 count = bound(countRaw, 1, 40);
        DepositVector memory v = DepositVectors.all()[0];
        bytes32[] memory leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            bytes memory pubkey = abi.encodePacked(keccak256(abi.encode(seed, i)), bytes16(keccak256(abi.encode(i))));
            uint64 gweiAmount = uint64(bound(uint256(keccak256(abi.encode(seed, i, "a"))), 1e9, 64e9));
            bytes32 root = this.rootOf(pubkey, v.withdrawalCredentials, gweiAmount, v.signature);
            dc.deposit{value: uint256(gweiAmount) * 1 gwei}(pubkey, v.withdrawalCredentials, v.signature, root);
            leaves[i] = root;
        }
        assertEq(dc.get_deposit_root(), NaiveDepositTree.root(leaves));
    }

    function rootOf(bytes calldata pubkey, bytes calldata wc, uint64 gweiAmount, bytes calldata signature)
        external
        pure
        returns (bytes32)
    {
        return DepositDataRootProxy.compute(pubkey, bytes32(wc), gweiAmount, signature);
    }

    function _cut(bytes memory b, uint256 len) internal pure returns (bytes memory out) {
        out = new bytes(len);
        for (uint256 i = 0; i < len; ++i) {
            out[i] = b[i];
        }
    }
}

