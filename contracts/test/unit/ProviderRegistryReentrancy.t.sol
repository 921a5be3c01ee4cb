// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Test} from "forge-std/Test.sol";

import {Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";

interface ITokenReceiver {
    function onTokenReceived() external;
}

/// @notice An ERC-20 that calls the recipient on every transfer (like ERC-777 hooks), to prove the
///         registry holds even if the token were hostile (MZKU itself has no hooks).
contract HookToken is ERC20("Hook", "HOOK") {
    mapping(address => bool) public hooked;

    function setHooked(bool on) external {
        hooked[msg.sender] = on;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (hooked[to]) ITokenReceiver(to).onTokenReceived();
    }
}

/// @notice A provider whose owner is a contract that re-enters when it receives tokens.
contract HostileProvider is ITokenReceiver {
    ProviderRegistry internal immutable _reg;
    uint8 public mode; // 1 = re-withdraw, 2 = re-request

    constructor(ProviderRegistry reg_, HookToken token_) {
        _reg = reg_;
        token_.approve(address(reg_), type(uint256).max);
        token_.setHooked(true);
    }

    function setup(uint256 amount) external {
        _reg.applyAsProvider("evil", Resources(8, 32, 4000, 100), 1, "");
        _reg.depositCollateral(amount);
    }

    function setMode(uint8 m) external {
        mode = m;
    }

    function requestWithdrawal(uint256 amount) external {
        _reg.requestWithdrawal(amount);
    }

    function withdraw() external {
        _reg.withdrawCollateral();
    }

    function onTokenReceived() external {
        if (mode == 1) _reg.withdrawCollateral();
        else if (mode == 2) _reg.requestWithdrawal(1);
    }
}

contract ProviderRegistryReentrancyTest is Test {
    HookToken internal token;
    ProviderRegistry internal reg;
    HostileProvider internal evil;
    address internal gov = makeAddr("governance");
    address internal market = makeAddr("market");

    function setUp() public {
        token = new HookToken();
        address[] memory auth = new address[](1);
        auth[0] = market;
        reg = new ProviderRegistry(gov, auth, token, makeAddr("nodeRegistry"));
        evil = new HostileProvider(reg, token);
        token.mint(address(evil), 100 ether);
        evil.setup(100 ether);
    }

    function test_RevertWhen_withdrawReentered() public {
        evil.requestWithdrawal(40 ether);
        vm.warp(block.timestamp + 14 days);
        evil.setMode(1);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        evil.withdraw();
        // nothing moved
        assertEq(token.balanceOf(address(reg)), 100 ether);
        evil.setMode(0);
        evil.withdraw();
        assertEq(token.balanceOf(address(evil)), 40 ether);
    }

    function test_RevertWhen_slashRecipientReenters() public {
        vm.prank(market);
        reg.reserveCollateral(1, 10 ether);
        evil.setMode(2);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        vm.prank(market);
        reg.slashCollateral(1, 10 ether, address(evil));
        assertEq(reg.getProvider(1).collateral, 100 ether);
    }
}
