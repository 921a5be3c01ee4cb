// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IDepositContract} from "../interfaces/IDepositContract.sol";
import {DepositDataRoot} from "./DepositDataRoot.sol";

/// @title DepositContract
/// @notice The consensus specs' deposit contract (phase0 `deposit_contract`), written from the spec
///         semantics for devnets: every deposit's SSZ `DepositData` root is a leaf of an incremental
///         sha256 Merkle tree of depth 32; `get_deposit_root` mixes in the count (8 little-endian bytes
///         padded to 32) as SSZ does for a `List[DepositData, 2**32]`. BLS signatures are not verified
///         (the consensus layer does that), only the data root. Reverts use custom errors instead of the
///         official require strings; every accepted or rejected input is otherwise the same.
// forge-lint: disable-next-item(mixed-case-function)
contract DepositContract is IDepositContract, IERC165 {
    /// @notice Depth of the deposit tree (the specs' DEPOSIT_CONTRACT_TREE_DEPTH).
    uint256 public constant DEPOSIT_CONTRACT_TREE_DEPTH = 32;
    /// @notice Deposits the tree can hold (2**32 - 1, as in the official contract).
    uint256 public constant MAX_DEPOSIT_COUNT = 2 ** DEPOSIT_CONTRACT_TREE_DEPTH - 1;

    /// @notice The pubkey is not 48 bytes.
    error DepositContractInvalidPubkeyLength(uint256 length);
    /// @notice The withdrawal credentials are not 32 bytes.
    error DepositContractInvalidWithdrawalCredentialsLength(uint256 length);
    /// @notice The signature is not 96 bytes.
    error DepositContractInvalidSignatureLength(uint256 length);
    /// @notice Less than 1 ETH was sent.
    error DepositContractValueTooLow(uint256 value);
    /// @notice The value is not a whole number of gwei.
    error DepositContractValueNotMultipleOfGwei(uint256 value);
    /// @notice The value in gwei does not fit a uint64.
    error DepositContractValueTooHigh(uint256 value);
    /// @notice The given deposit_data_root is not the root of the given data.
    error DepositContractRootMismatch(bytes32 given, bytes32 computed);
    /// @notice The tree is full.
    error DepositContractTreeFull();

    /// @dev The left siblings on the path of the next leaf; branch[h] is set when bit h of the count is 1.
    bytes32[DEPOSIT_CONTRACT_TREE_DEPTH] private _branch;
    /// @dev Number of deposits so far.
    uint256 private _depositCount;

    /// @inheritdoc IDepositContract
    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable override {
        if (pubkey.length != 48) revert DepositContractInvalidPubkeyLength(pubkey.length);
        if (withdrawal_credentials.length != 32) {
            revert DepositContractInvalidWithdrawalCredentialsLength(withdrawal_credentials.length);
        }
        if (signature.length != 96) revert DepositContractInvalidSignatureLength(signature.length);
        if (msg.value < 1 ether) revert DepositContractValueTooLow(msg.value);
        if (msg.value % 1 gwei != 0) revert DepositContractValueNotMultipleOfGwei(msg.value);
        uint256 gweiAmount = msg.value / 1 gwei;
        if (gweiAmount > type(uint64).max) revert DepositContractValueTooHigh(msg.value);

        // casting to 'uint64' is safe because gweiAmount <= type(uint64).max was checked above
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 amount64 = uint64(gweiAmount);
        uint256 count = _depositCount;
        emit DepositEvent(
            pubkey,
            withdrawal_credentials,
            abi.encodePacked(DepositDataRoot.toLittleEndian64(amount64)),
            signature,
            abi.encodePacked(_countLe(count))
        );

        // casting to 'bytes32' is safe because withdrawal_credentials is exactly 32 bytes (checked above)
        // forge-lint: disable-next-line(unsafe-typecast)
        bytes32 node = DepositDataRoot.compute(pubkey, bytes32(withdrawal_credentials), amount64, signature);
        if (node != deposit_data_root) revert DepositContractRootMismatch(deposit_data_root, node);

        if (count >= MAX_DEPOSIT_COUNT) revert DepositContractTreeFull();
        // Cannot overflow: count < 2**32 - 1.
        unchecked {
            count += 1;
        }
        _depositCount = count;
        // Walk up from the leaf: stop at the first level where this leaf becomes a left sibling.
        uint256 size = count;
        for (uint256 height = 0; height < DEPOSIT_CONTRACT_TREE_DEPTH; ++height) {
            if (size & 1 == 1) {
                _branch[height] = node;
                return;
            }
            node = sha256(abi.encodePacked(_branch[height], node));
            size >>= 1;
        }
        // Unreachable: count < 2**32 has a set bit below height 32.
        assert(false);
    }

    /// @inheritdoc IDepositContract
    function get_deposit_root() external view override returns (bytes32) {
        bytes32 node;
        bytes32 zero; // root of an all-zero subtree of the current height
        uint256 size = _depositCount;
        for (uint256 height = 0; height < DEPOSIT_CONTRACT_TREE_DEPTH; ++height) {
            if (size & 1 == 1) {
                node = sha256(abi.encodePacked(_branch[height], node));
            } else {
                node = sha256(abi.encodePacked(node, zero));
            }
            zero = sha256(abi.encodePacked(zero, zero));
            size >>= 1;
        }
        return sha256(abi.encodePacked(node, _countLe(_depositCount), bytes24(0)));
    }

    /// @inheritdoc IDepositContract
    function get_deposit_count() external view override returns (bytes memory) {
        return abi.encodePacked(_countLe(_depositCount));
    }

    /// @dev The count as 8 little-endian bytes.
    function _countLe(uint256 count) private pure returns (bytes8) {
        // casting to 'uint64' is safe because count <= MAX_DEPOSIT_COUNT < 2**32
        // forge-lint: disable-next-line(unsafe-typecast)
        return DepositDataRoot.toLittleEndian64(uint64(count));
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure override returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IDepositContract).interfaceId;
    }
}
