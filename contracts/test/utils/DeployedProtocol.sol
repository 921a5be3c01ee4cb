// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {DepositContract} from "../../src/deposit/DepositContract.sol";
import {Governance} from "../../src/governance/Governance.sol";
import {PricingPolicy} from "../../src/market/PricingPolicy.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {Reputation} from "../../src/market/Reputation.sol";
import {InsurancePool} from "../../src/pools/InsurancePool.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {MicroPoolFactory} from "../../src/pools/micro/MicroPoolFactory.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";
import {MzkuToken} from "../../src/token/MzkuToken.sol";

/// @notice The whole protocol exactly as `script/Deploy.s.sol` wires it from `config/devnet.json` (the
///         script's own code runs; nothing is hand-wired), with the invited governors seated the way
///         `mzku devnet` seats them, and a helper that passes a proposal through the real Governance
///         (propose, every governor votes For, voting period, timelock, execute).
abstract contract DeployedProtocol is Test {
    /// @dev The dev accounts' mnemonic (anvil's); the config's co-signer is its account 18.
    string internal constant DEV_MNEMONIC = "test test test test test test test test test test test junk";
    uint32 internal constant CO_SIGNER_INDEX = 18;

    Deploy.Addresses internal a;
    string internal config;
    MzkuToken internal token;
    Governance internal governance;
    ProviderRegistry internal registry;
    NodeRegistry internal nodes;
    SidecarStaking internal staking;
    Reputation internal reputation;
    PricingPolicy internal pricing;
    ProjectMarket internal market;
    RewardPool internal rewardPool;
    InsurancePool internal insurance;
    DepositContract internal depositContract;
    MicroPoolFactory internal factory;
    address[] internal governors;
    address[] internal holders; // the config's token holders (dev accounts)
    uint256 internal coSignerKey;
    uint256 private _proposer;

    /// @notice Runs the deploy script; `name` names the deployment file it writes (one per suite, as suites
    ///         run in parallel).
    function _deployProtocol(string memory name) internal {
        config = vm.readFile("config/devnet.json");
        vm.setEnv("MZKU_DEPLOY_CONFIG_JSON", config);
        vm.setEnv("MZKU_DEPLOYMENT_NAME", name);
        a = new Deploy().run();
        token = MzkuToken(a.token);
        governance = Governance(payable(a.governance));
        registry = ProviderRegistry(a.providerRegistry);
        nodes = NodeRegistry(a.nodeRegistry);
        staking = SidecarStaking(a.sidecarStaking);
        reputation = Reputation(a.reputation);
        pricing = PricingPolicy(a.pricingPolicy);
        market = ProjectMarket(a.projectMarket);
        rewardPool = RewardPool(payable(a.rewardPool));
        insurance = InsurancePool(payable(a.insurancePool));
        depositContract = DepositContract(a.depositContract);
        factory = MicroPoolFactory(payable(a.microPoolFactory));
        governors = vm.parseJsonAddressArray(config, ".governance.invited");
        holders = vm.parseJsonAddressArray(config, ".token.holders");
        coSignerKey = vm.deriveKey(DEV_MNEMONIC, CO_SIGNER_INDEX);
        assertEq(vm.addr(coSignerKey), factory.coSigner(), "the config's co-signer is dev account 18");
    }

    /// @notice The invited governors take their seats, each locking the minimum stake (as `mzku devnet`).
    function _seatGovernors() internal {
        uint256 stake = governance.minGovernorStake();
        for (uint256 i = 0; i < governors.length; ++i) {
            vm.startPrank(governors[i]);
            token.approve(address(governance), stake);
            governance.acceptInvitation(stake);
            vm.stopPrank();
        }
    }

    /// @notice Sends `amount` MZKU from the first dev account (the config's largest holder).
    function _fundMzku(address to, uint256 amount) internal {
        vm.prank(holders[0]);
        token.transfer(to, amount);
    }

    /// @notice Passes one call through Governance: a governor proposes it, every seated governor votes
    ///         For, then after the voting period and the timelock anyone executes it.
    function _govern(address target, bytes memory data) internal {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _actions(target, data);
        uint256 id = _pass(targets, values, calldatas);
        governance.execute(id, targets, values, calldatas);
    }

    /// @notice One call as proposal actions.
    function _actions(address target, bytes memory data)
        internal
        pure
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        targets = new address[](1);
        values = new uint256[](1);
        calldatas = new bytes[](1);
        (targets[0], calldatas[0]) = (target, data);
    }

    /// @notice Proposes the actions, every seated governor votes For, and time runs to the end of the
    ///         timelock: the proposal is executable when this returns.
    function _pass(address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
        internal
        returns (uint256 id)
    {
        address[] memory seated = governance.governors();
        address proposer = seated[_proposer++ % seated.length];
        vm.prank(proposer);
        id = governance.propose(targets, values, calldatas, "test proposal");
        for (uint256 i = 0; i < seated.length; ++i) {
            vm.prank(seated[i]);
            governance.castVote(id, 1);
        }
        vm.warp(governance.proposal(id).eta);
    }

    /// @notice Passes and executes the bootstrap proposal: Governance, ProviderRegistry and SidecarStaking
    ///         report every stake change to the Reward Pool from now on.
    function _passBootstrap() internal {
        address[] memory targets = new address[](3);
        uint256[] memory values = new uint256[](3);
        bytes[] memory calls = new bytes[](3);
        (targets[0], targets[1], targets[2]) = (address(governance), address(registry), address(staking));
        for (uint256 i = 0; i < 3; ++i) {
            calls[i] = abi.encodeWithSignature("setStakeObserver(address)", address(rewardPool));
        }
        uint256 id = _pass(targets, values, calls);
        governance.execute(id, targets, values, calls);
    }

    /// @notice Streams 1,000 MZKU (from the first token holder) through one full Reward Pool period:
    ///         each class receives its whole share of it (governors 300, providers and requesters 400,
    ///         sidecar stakers 200 MZKU) by the time this returns.
    function _streamOnePeriod() internal {
        rewardPool.sync(); // the periods due since the deploy start (nothing streams in them)
        vm.startPrank(holders[0]);
        token.approve(address(rewardPool), 1000 ether);
        rewardPool.depositMzku(1000 ether);
        vm.stopPrank();
        (, uint256 start, uint256 length,) = rewardPool.period();
        vm.warp(start + length);
        rewardPool.sync(); // the deposit starts streaming
        (, start, length,) = rewardPool.period();
        vm.warp(start + length);
        rewardPool.sync(); // and has streamed in full
    }
}
