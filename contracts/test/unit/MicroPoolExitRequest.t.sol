// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";
import {MicroPool} from "../../src/pools/micro/MicroPool.sol";
import {MicroPoolBase} from "../utils/MicroPoolBase.sol";
import {DepositVector} from "../fixtures/DepositVectors.sol";

/// @notice `requestExit` against the real EIP-7002 withdrawal request contract: its code (from the EIP's
///         deployment transaction, `config/eip7002.json`) installed at its mainnet address with
///         empty storage, as mainnet has it after the Prague fork.
contract MicroPoolExitRequestTest is MicroPoolBase {
    address internal sys;

    function setUp() public override {
        super.setUp();
        string memory json = vm.readFile("config/eip7002.json");
        bytes memory init = vm.parseJsonBytes(json, ".initCode");
        sys = vm.parseJsonAddress(json, ".address");
        assertEq(sys, MicroPool(payable(factory.implementation())).WITHDRAWAL_REQUEST_CONTRACT());
        address deployed;
        assembly ("memory-safe") {
            deployed := create(0, add(init, 32), mload(init))
        }
        assertTrue(deployed != address(0), "EIP-7002 init code deploys");
        vm.etch(sys, deployed.code);
        vm.deal(governance, 1 ether);
    }

    function _fee() internal view returns (uint256) {
        (bool ok, bytes memory data) = sys.staticcall("");
        assertTrue(ok, "fee getter");
        return abi.decode(data, (uint256));
    }

    function test_requestExit_realEip7002Contract_queuesFullExitFromThePool() public {
        (MicroPool pool,) = _activePool8();
        DepositVector memory v = _vectorFor(pool);
        uint256 fee = _fee();
        assertEq(fee, 1, "excess 0: the minimum fee");
        vm.recordLogs();
        vm.prank(governance);
        pool.requestExit{value: fee}(v.pubkey, v.signature);
        // The system contract logs source ‖ validator pubkey ‖ amount (0 = full exit) and queues it.
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bool found;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != sys) continue;
            assertEq(logs[i].data, abi.encodePacked(address(pool), v.pubkey, uint64(0)));
            found = true;
        }
        assertTrue(found, "request logged by the system contract");
        assertEq(uint256(vm.load(sys, bytes32(uint256(1)))), 1, "one request in this block");
        assertEq(uint256(vm.load(sys, bytes32(uint256(3)))), 1, "queue tail");
        assertEq(address(uint160(uint256(vm.load(sys, bytes32(uint256(4)))))), address(pool), "source = the pool");
        assertEq(sys.balance, fee);
        assertTrue(pool.exitRequested());
        // The principal is expected now: rewards are no longer distributed, the pool is completed.
        _withdrawal(pool, 0.01 ether);
        vm.warp(block.timestamp + 1 days);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolExitExpected.selector, pool.endTime(), true));
        pool.distribute();
    }

    function test_RevertWhen_requestExitBelowTheFee() public {
        (MicroPool pool,) = _activePool8();
        DepositVector memory v = _vectorFor(pool);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolExitRequestFailed.selector, 0));
        pool.requestExit(v.pubkey, v.signature);
        assertFalse(pool.exitRequested());
    }

    function test_requestExit_anyoneAfterEndTime() public {
        (MicroPool pool,) = _activePool8();
        DepositVector memory v = _vectorFor(pool);
        address stranger = makeAddr("exitRequester");
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(MicroPool.MicroPoolUnauthorized.selector, stranger));
        pool.requestExit{value: 1}(v.pubkey, v.signature);
        vm.warp(pool.endTime());
        uint256 fee = _fee();
        vm.prank(stranger);
        pool.requestExit{value: fee}(v.pubkey, v.signature);
        assertTrue(pool.exitRequested());
    }
}
