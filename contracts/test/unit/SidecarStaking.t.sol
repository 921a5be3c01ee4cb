// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {MzkuToken} from "../../src/token/MzkuToken.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {Governed} from "../../src/governance/Governed.sol";
import {INodeRegistry} from "../../src/interfaces/INodeRegistry.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {NodeRegistryStub} from "../utils/NodeRegistryStub.sol";
import {StakeObserverRecorder} from "../utils/StakeObserverRecorder.sol";

contract SidecarStakingTest is Test {
    MzkuToken internal token;
    NodeRegistryStub internal nodes;
    SidecarStaking internal staking;
    address internal gov = makeAddr("governance");
    address internal sidecarA = makeAddr("sidecarA");
    address internal sidecarB = makeAddr("sidecarB");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal candidate = makeAddr("candidate");
    uint256 internal constant SUPPLY = 1_000_000_000e18;

    function setUp() public {
        address[] memory holders = new address[](3);
        uint256[] memory amounts = new uint256[](3);
        (holders[0], holders[1], holders[2]) = (alice, bob, carol);
        (amounts[0], amounts[1], amounts[2]) = (SUPPLY / 2, SUPPLY / 4, SUPPLY / 4);
        token = new MzkuToken(holders, amounts);
        nodes = new NodeRegistryStub();
        nodes.register(sidecarA);
        nodes.register(sidecarB);
        staking = new SidecarStaking(gov, new address[](0), IERC20(address(token)), INodeRegistry(address(nodes)));
        vm.prank(alice);
        token.approve(address(staking), type(uint256).max);
        vm.prank(bob);
        token.approve(address(staking), type(uint256).max);
    }

    function _stake(address who, address sidecar, uint256 amount) internal {
        vm.prank(who);
        staking.stake(sidecar, amount);
    }

    // ------------------------------------------------------------ stake

    /// Gas scenario: a NEW staker (carol, holding MZKU, exact approval) stakes to a sidecar that
    /// already has stake (the common case); no observer, no delegate.
    /// forge-config: default.isolate = true
    function test_stake_newStakerCreatesPosition() public {
        _stake(alice, sidecarA, 10e18);
        vm.prank(carol);
        token.approve(address(staking), 100e18);
        vm.prank(carol);
        vm.expectEmit(address(staking));
        emit SidecarStaking.Staked(carol, sidecarA, 100e18, 100e18);
        staking.stake(sidecarA, 100e18);
        vm.snapshotGasLastCall("sidecar", "stake_new_staker");
        assertEq(staking.stakeOf(sidecarA, carol), 100e18);
        assertEq(staking.totalStakeOf(carol), 100e18);
        assertEq(staking.totalStakedTo(sidecarA), 110e18);
        assertEq(token.balanceOf(address(staking)), 110e18);
        assertTrue(staking.isKnownSidecar(sidecarA));
    }

    /// forge-config: default.isolate = true
    function test_stake_existingPositionAddsUp() public {
        _stake(alice, sidecarA, 10e18);
        _stake(alice, sidecarA, 5e18);
        vm.snapshotGasLastCall("sidecar", "stake_existing_position");
        assertEq(staking.stakeOf(sidecarA, alice), 15e18);
        assertEq(staking.totalStakedTo(sidecarA), 15e18);
    }

    /// forge-config: default.isolate = true
    function test_stake_secondSidecarKeepsPositionsApart() public {
        _stake(bob, sidecarB, 1e18);
        _stake(alice, sidecarA, 10e18);
        _stake(alice, sidecarB, 4e18);
        vm.snapshotGasLastCall("sidecar", "stake_second_sidecar");
        assertEq(staking.stakeOf(sidecarA, alice), 10e18);
        assertEq(staking.stakeOf(sidecarB, alice), 4e18);
        assertEq(staking.totalStakeOf(alice), 14e18);
        assertEq(staking.totalStakedTo(sidecarB), 5e18);
    }

    /// forge-config: default.isolate = true
    function test_stakeWithPermit_stakesWithoutApproval() public {
        _stake(alice, sidecarA, 10e18);
        (address signer, uint256 pk) = makeAddrAndKey("permitter");
        vm.prank(alice);
        token.transfer(signer, 50e18);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(pk, signer, 50e18, deadline);
        vm.prank(signer);
        staking.stakeWithPermit(sidecarA, 50e18, deadline, v, r, s);
        vm.snapshotGasLastCall("sidecar", "stake_with_permit");
        assertEq(staking.stakeOf(sidecarA, signer), 50e18);
    }

    function test_stakeWithPermit_frontRunPermitStillStakes() public {
        (address signer, uint256 pk) = makeAddrAndKey("permitter");
        vm.prank(alice);
        token.transfer(signer, 50e18);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(pk, signer, 50e18, deadline);
        token.permit(signer, address(staking), 50e18, deadline, v, r, s); // front-run
        vm.prank(signer);
        staking.stakeWithPermit(sidecarA, 50e18, deadline, v, r, s);
        assertEq(staking.stakeOf(sidecarA, signer), 50e18);
    }

    function test_stake_notifiesObserver() public {
        StakeObserverRecorder obs = new StakeObserverRecorder();
        vm.prank(gov);
        staking.setStakeObserver(IStakeObserver(address(obs)));
        _stake(alice, sidecarA, 10e18);
        _stake(alice, sidecarA, 5e18);
        assertEq(obs.calls(), 2);
        assertEq(uint8(obs.lastClass()), uint8(IStakeObserver.StakeClass.Sidecar));
        assertEq(obs.lastAccount(), alice);
        assertEq(obs.lastKey(), sidecarA);
        assertEq(obs.lastOld(), 10e18);
        assertEq(obs.lastNew(), 15e18);
        vm.prank(alice);
        staking.unstake(sidecarA, 15e18);
        assertEq(obs.lastOld(), 15e18);
        assertEq(obs.lastNew(), 0);
    }

    function test_stake_hostileObserverCannotReenter() public {
        StakeObserverRecorder obs = new StakeObserverRecorder();
        vm.prank(gov);
        staking.setStakeObserver(IStakeObserver(address(obs)));
        obs.setReenter(address(staking), abi.encodeCall(SidecarStaking.unstake, (sidecarA, 1e18)));
        _stake(alice, sidecarA, 10e18);
        assertFalse(obs.reenterOk());
        assertEq(bytes4(obs.reenterRet()), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        assertEq(staking.stakeOf(sidecarA, alice), 10e18);
    }

    function test_stake_afterEmptyingPicksNewPrimary() public {
        _stake(alice, sidecarA, 10e18);
        _stake(alice, sidecarB, 3e18);
        vm.startPrank(alice);
        staking.unstake(sidecarA, 10e18);
        staking.unstake(sidecarB, 3e18);
        assertEq(staking.totalStakeOf(alice), 0);
        staking.stake(sidecarB, 2e18);
        staking.stake(sidecarA, 1e18);
        vm.stopPrank();
        assertEq(staking.stakeOf(sidecarB, alice), 2e18);
        assertEq(staking.stakeOf(sidecarA, alice), 1e18);
        assertEq(staking.totalStakeOf(alice), 3e18);
    }

    // ------------------------------------------------------------ unstake

    /// forge-config: default.isolate = true
    function test_unstake_returnsTokens() public {
        _stake(bob, sidecarA, 1e18);
        _stake(alice, sidecarA, 10e18);
        uint256 before = token.balanceOf(alice);
        vm.prank(alice);
        vm.expectEmit(address(staking));
        emit SidecarStaking.Unstaked(alice, sidecarA, 4e18, 6e18);
        staking.unstake(sidecarA, 4e18);
        vm.snapshotGasLastCall("sidecar", "unstake");
        assertEq(token.balanceOf(alice), before + 4e18);
        assertEq(staking.stakeOf(sidecarA, alice), 6e18);
        assertEq(staking.totalStakedTo(sidecarA), 7e18);
    }

    function test_unstake_primaryWhileOtherPositionsRemain() public {
        _stake(alice, sidecarA, 10e18);
        _stake(alice, sidecarB, 3e18);
        vm.prank(alice);
        staking.unstake(sidecarA, 10e18);
        assertEq(staking.stakeOf(sidecarA, alice), 0);
        assertEq(staking.stakeOf(sidecarB, alice), 3e18);
        _stake(alice, sidecarA, 2e18);
        assertEq(staking.stakeOf(sidecarA, alice), 2e18);
        assertEq(staking.totalStakeOf(alice), 5e18);
    }

    // ------------------------------------------------------------ delegation

    /// forge-config: default.isolate = true
    function test_delegate_movesVotesWithStake() public {
        _stake(alice, sidecarA, 10e18);
        vm.prank(alice);
        vm.expectEmit(address(staking));
        emit SidecarStaking.DelegateChanged(alice, address(0), candidate);
        staking.delegate(candidate);
        vm.snapshotGasLastCall("sidecar", "delegate");
        assertEq(staking.delegatedVotes(candidate), 10e18);
        assertEq(staking.delegateOf(alice), candidate);
        _stake(alice, sidecarB, 5e18);
        assertEq(staking.delegatedVotes(candidate), 15e18);
        vm.prank(alice);
        staking.unstake(sidecarA, 10e18);
        assertEq(staking.delegatedVotes(candidate), 5e18);
        vm.prank(alice);
        staking.delegate(address(0));
        assertEq(staking.delegatedVotes(candidate), 0);
        _stake(alice, sidecarA, 1e18);
        assertEq(staking.delegatedVotes(candidate), 0);
    }

    /// forge-config: default.isolate = true
    function test_stake_delegatedStakerAddsVotes() public {
        _stake(alice, sidecarA, 10e18);
        vm.prank(alice);
        staking.delegate(candidate);
        vm.warp(block.timestamp + 1);
        _stake(alice, sidecarA, 1e18);
        vm.snapshotGasLastCall("sidecar", "stake_delegated");
        assertEq(staking.delegatedVotes(candidate), 11e18);
    }

    function test_delegatedVotesAt_readsPastCheckpoints() public {
        vm.warp(1000);
        _stake(alice, sidecarA, 10e18);
        vm.prank(alice);
        staking.delegate(candidate);
        vm.warp(2000);
        _stake(alice, sidecarA, 5e18);
        vm.warp(3000);
        assertEq(staking.delegatedVotesAt(candidate, 999), 0);
        assertEq(staking.delegatedVotesAt(candidate, 1000), 10e18);
        assertEq(staking.delegatedVotesAt(candidate, 1999), 10e18);
        assertEq(staking.delegatedVotesAt(candidate, 2000), 15e18);
        assertEq(staking.clock(), 3000);
        assertEq(staking.CLOCK_MODE(), "mode=timestamp");
    }

    function test_delegate_redelegateMovesAllVotes() public {
        address other = makeAddr("other");
        _stake(alice, sidecarA, 10e18);
        vm.startPrank(alice);
        staking.delegate(candidate);
        staking.delegate(other);
        vm.stopPrank();
        assertEq(staking.delegatedVotes(candidate), 0);
        assertEq(staking.delegatedVotes(other), 10e18);
    }

    // ------------------------------------------------------------ listing

    function test_sidecars_pagesOverNodes() public {
        _stake(alice, sidecarA, 10e18);
        _stake(bob, sidecarB, 3e18);
        nodes.register(makeAddr("sidecarC"));
        (address[] memory s, uint256[] memory ids, uint256[] memory totals) = staking.sidecars(1, 5);
        assertEq(s.length, 2);
        assertEq(s[0], sidecarB);
        assertEq(ids[0], 2);
        assertEq(totals[0], 3e18);
        assertEq(totals[1], 0);
        (s,,) = staking.sidecars(3, 5);
        assertEq(s.length, 0);
        (s,,) = staking.sidecars(0, 1);
        assertEq(s.length, 1);
        assertEq(s[0], sidecarA);
    }

    // ------------------------------------------------------------ access control

    function test_setStakeObserver_governanceOnly() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, address(this)));
        staking.setStakeObserver(IStakeObserver(address(1)));
        vm.prank(gov);
        vm.expectEmit(address(staking));
        emit SidecarStaking.StakeObserverSet(address(1));
        staking.setStakeObserver(IStakeObserver(address(1)));
        assertEq(address(staking.stakeObserver()), address(1));
    }

    function test_setAuthorizedCaller_governanceOnly() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedOnlyGovernance.selector, address(this)));
        staking.setAuthorizedCaller(address(1), true);
        vm.prank(gov);
        staking.setAuthorizedCaller(address(1), true);
        assertTrue(staking.isAuthorizedCaller(address(1)));
    }

    // ------------------------------------------------------------ reverts

    function test_RevertWhen_ConstructorZeroAddress() public {
        vm.expectRevert(Governed.GovernedZeroAddress.selector);
        new SidecarStaking(gov, new address[](0), IERC20(address(0)), INodeRegistry(address(nodes)));
    }

    function test_RevertWhen_StakeZeroAmount() public {
        vm.expectRevert(SidecarStaking.SidecarStakingZeroAmount.selector);
        _stake(alice, sidecarA, 0);
    }

    function test_RevertWhen_UnstakeZeroAmount() public {
        vm.expectRevert(SidecarStaking.SidecarStakingZeroAmount.selector);
        vm.prank(alice);
        staking.unstake(sidecarA, 0);
    }

    function test_RevertWhen_UnknownSidecar() public {
        address nobody = makeAddr("nobody");
        vm.expectRevert(abi.encodeWithSelector(SidecarStaking.SidecarStakingUnknownSidecar.selector, nobody));
        _stake(alice, nobody, 1);
    }

    function test_RevertWhen_InsufficientStake() public {
        _stake(alice, sidecarA, 10e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                SidecarStaking.SidecarStakingInsufficientStake.selector, sidecarA, alice, 10e18, 11e18
            )
        );
        vm.prank(alice);
        staking.unstake(sidecarA, 11e18);
        vm.expectRevert(
            abi.encodeWithSelector(SidecarStaking.SidecarStakingInsufficientStake.selector, sidecarB, alice, 0, 1)
        );
        vm.prank(alice);
        staking.unstake(sidecarB, 1);
    }

    function test_RevertWhen_StakeTooLarge() public {
        uint256 max = staking.MAX_ACCOUNT_STAKE();
        vm.expectRevert(abi.encodeWithSelector(SidecarStaking.SidecarStakingStakeTooLarge.selector, max + 1, max));
        _stake(alice, sidecarA, max + 1);
    }

    function test_RevertWhen_AlreadyDelegated() public {
        vm.expectRevert(
            abi.encodeWithSelector(SidecarStaking.SidecarStakingAlreadyDelegated.selector, alice, address(0))
        );
        vm.prank(alice);
        staking.delegate(address(0));
    }

    function test_RevertWhen_FutureLookup() public {
        vm.expectRevert(
            abi.encodeWithSelector(SidecarStaking.SidecarStakingFutureLookup.selector, block.timestamp, block.timestamp)
        );
        staking.delegatedVotesAt(candidate, block.timestamp);
    }

    function _signPermit(uint256 pk, address owner, uint256 value, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 typehash =
            keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
        bytes32 structHash =
            keccak256(abi.encode(typehash, owner, address(staking), value, token.nonces(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (v, r, s) = vm.sign(pk, digest);
    }
}
