// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Script} from "forge-std/Script.sol";
import {DepositContract} from "../src/deposit/DepositContract.sol";
import {Governance} from "../src/governance/Governance.sol";
import {IDepositContract} from "../src/interfaces/IDepositContract.sol";
import {IInsurancePool} from "../src/interfaces/IInsurancePool.sol";
import {INodeRegistry} from "../src/interfaces/INodeRegistry.sol";
import {IProjectMarket} from "../src/interfaces/IProjectMarket.sol";
import {IProviderRegistry} from "../src/interfaces/IProviderRegistry.sol";
import {IRewardPool} from "../src/interfaces/IRewardPool.sol";
import {ISidecarStaking} from "../src/interfaces/ISidecarStaking.sol";
import {IPricingPolicy} from "../src/interfaces/IPricingPolicy.sol";
import {PricingPolicy} from "../src/market/PricingPolicy.sol";
import {ProjectMarket} from "../src/market/ProjectMarket.sol";
import {Reputation} from "../src/market/Reputation.sol";
import {InsurancePool} from "../src/pools/InsurancePool.sol";
import {UptimeReports} from "../src/reports/UptimeReports.sol";
import {RewardPool} from "../src/pools/RewardPool.sol";
import {MicroPoolFactory} from "../src/pools/micro/MicroPoolFactory.sol";
import {NodeRegistry} from "../src/registry/NodeRegistry.sol";
import {ProviderRegistry} from "../src/registry/ProviderRegistry.sol";
import {SidecarStaking} from "../src/registry/SidecarStaking.sol";
import {MzkuToken} from "../src/token/MzkuToken.sol";

/// @title Deploy
/// @notice Deploys the whole MZKU protocol from a JSON config, the same way on anvil and on a real
///         network:
///         `MZKU_DEPLOY_CONFIG_JSON="$(cat config/devnet.json)" MZKU_DEPLOYMENT_NAME=<name>
///          forge script script/Deploy.s.sol:Deploy --rpc-url <url> --private-key <key> --broadcast --slow`
///         The addresses are written to `deployments/<name>.json`. Contracts that call each other take
///         each other's addresses as immutable constructor arguments: the script precomputes every
///         CREATE address from the deployer's nonce (and checks each one), so no deployer or owner key
///         keeps any power afterwards. Seating the invited governors is their own act
///         (`Governance.acceptInvitation`), done by `mzku devnet` for the dev accounts.
contract Deploy is Script {
    /// @notice A contract was deployed at another address than precomputed (nonce drift).
    error DeployAddressMismatch(string name, address expected, address actual);

    /// @notice Every address of the protocol, in deployment order.
    struct Addresses {
        address token;
        address governance;
        address providerRegistry;
        address nodeRegistry;
        address sidecarStaking;
        address uptimeReports;
        address reputation;
        address pricingPolicy;
        address projectMarket;
        address rewardPool;
        address insurancePool;
        address depositContract;
        address microPoolFactory;
    }

    string private _config;

    function run() external returns (Addresses memory a) {
        _config = vm.envString("MZKU_DEPLOY_CONFIG_JSON");
        uint256 startBlock = block.number;

        vm.startBroadcast();
        (, address deployer,) = vm.readCallers();
        a = _plan(deployer, vm.getNonce(deployer));
        _deploy(a);
        vm.stopBroadcast();

        _write(a, startBlock);
    }

    /// @dev The address each contract will get; the order here is the order of `_deploy`.
    function _plan(address deployer, uint64 nonce) private view returns (Addresses memory a) {
        bool ownDeposit = _depositContractFromConfig() == address(0);
        a.token = vm.computeCreateAddress(deployer, nonce++);
        a.governance = vm.computeCreateAddress(deployer, nonce++);
        a.providerRegistry = vm.computeCreateAddress(deployer, nonce++);
        a.nodeRegistry = vm.computeCreateAddress(deployer, nonce++);
        a.sidecarStaking = vm.computeCreateAddress(deployer, nonce++);
        a.uptimeReports = vm.computeCreateAddress(deployer, nonce++);
        a.reputation = vm.computeCreateAddress(deployer, nonce++);
        a.pricingPolicy = vm.computeCreateAddress(deployer, nonce++);
        a.projectMarket = vm.computeCreateAddress(deployer, nonce++);
        a.rewardPool = vm.computeCreateAddress(deployer, nonce++);
        a.insurancePool = vm.computeCreateAddress(deployer, nonce++);
        a.depositContract = ownDeposit ? vm.computeCreateAddress(deployer, nonce++) : _depositContractFromConfig();
        a.microPoolFactory = vm.computeCreateAddress(deployer, nonce++);
    }

    function _deploy(Addresses memory a) private {
        _check(
            "MzkuToken",
            a.token,
            address(new MzkuToken(_addresses(".token.holders"), vm.parseJsonUintArray(_config, ".token.amounts")))
        );
        _check("Governance", a.governance, _deployGovernance(a));
        _check(
            "ProviderRegistry",
            a.providerRegistry,
            address(
                // Authorized callers, each for what it calls: the market slashes collateral, Reputation
                // reports scores. (The micro-pool factory only reads the registry.)
                new ProviderRegistry(
                    a.governance, _list(a.projectMarket, a.reputation), IERC20(a.token), a.nodeRegistry
                )
            )
        );
        _check(
            "NodeRegistry",
            a.nodeRegistry,
            address(
                // The market fails nodes; nothing else calls the registry's restricted functions.
                new NodeRegistry(a.governance, _list(a.projectMarket), IProviderRegistry(a.providerRegistry))
            )
        );
        _check(
            "SidecarStaking",
            a.sidecarStaking,
            address(new SidecarStaking(a.governance, new address[](0), IERC20(a.token), INodeRegistry(a.nodeRegistry)))
        );
        _check(
            "UptimeReports",
            a.uptimeReports,
            address(
                // The uptime feed of Reputation; the market takes its downtime penalties (see ProjectMarket's
                // authorized callers).
                new UptimeReports(
                    a.governance,
                    a.nodeRegistry,
                    a.reputation,
                    a.projectMarket,
                    _uint(".reports.periodBlocks"),
                    _uint(".reports.auditorsPerNode"),
                    _uint(".reports.failLimit")
                )
            )
        );
        _check(
            "Reputation",
            a.reputation,
            address(new Reputation(a.governance, _list(a.projectMarket), a.providerRegistry, a.uptimeReports))
        );
        _check(
            "PricingPolicy",
            a.pricingPolicy,
            address(new PricingPolicy(a.governance, new address[](0), a.providerRegistry, a.reputation))
        );
        _check(
            "ProjectMarket",
            a.projectMarket,
            address(
                // UptimeReports applies the downtime penalty (`failOnDowntime`); the micro-pool factory
                // attaches the pools of validator projects.
                new ProjectMarket(
                    a.governance,
                    _list(a.uptimeReports, a.microPoolFactory),
                    a.token,
                    a.pricingPolicy,
                    a.providerRegistry,
                    a.nodeRegistry,
                    a.reputation,
                    a.rewardPool,
                    a.insurancePool
                )
            )
        );
        _check(
            "RewardPool",
            a.rewardPool,
            address(
                new RewardPool(
                    a.governance,
                    _list(a.projectMarket),
                    IERC20(a.token),
                    vm.parseJsonAddress(_config, ".pools.treasury"),
                    [a.governance, a.providerRegistry, a.sidecarStaking, a.projectMarket],
                    vm.parseJsonUint(_config, ".pools.rewardPeriod")
                )
            )
        );
        _check(
            "InsurancePool",
            a.insurancePool,
            address(
                new InsurancePool(
                    a.governance,
                    _list(a.projectMarket, a.microPoolFactory),
                    IERC20(a.token),
                    IRewardPool(a.rewardPool),
                    vm.parseJsonUint(_config, ".pools.insuranceThresholdMzku"),
                    vm.parseJsonUint(_config, ".pools.insuranceThresholdEth")
                )
            )
        );
        if (_depositContractFromConfig() == address(0)) {
            _check("DepositContract", a.depositContract, address(new DepositContract()));
        }
        _check(
            "MicroPoolFactory",
            a.microPoolFactory,
            address(
                new MicroPoolFactory(
                    a.governance,
                    new address[](0),
                    IProviderRegistry(a.providerRegistry),
                    IERC20(a.token),
                    IDepositContract(a.depositContract),
                    IRewardPool(a.rewardPool),
                    IInsurancePool(a.insurancePool),
                    IPricingPolicy(a.pricingPolicy),
                    vm.parseJsonAddress(_config, ".micropool.coSigner"),
                    IProjectMarket(a.projectMarket)
                )
            )
        );
    }

    function _deployGovernance(Addresses memory a) private returns (address) {
        Governance.Config memory c;
        c.seatsN = _uint(".governance.seatsN");
        c.minGovernorStake = _uint(".governance.minGovernorStake");
        c.missedVoteSlash = _uint(".governance.missedVoteSlash");
        c.votingPeriod = _uint(".governance.votingPeriod");
        c.executionDelay = _uint(".governance.executionDelay");
        c.executionWindow = _uint(".governance.executionWindow");
        c.quorumBps = _uint(".governance.quorumBps");
        c.electionPeriod = _uint(".governance.electionPeriod");
        c.maxCandidates = _uint(".governance.maxCandidates");
        c.withdrawalDelay = _uint(".governance.withdrawalDelay");
        c.candidacyPeriod = _uint(".governance.candidacyPeriod");
        c.voteAveragingWindow = _uint(".governance.voteAveragingWindow");
        return address(
            new Governance(
                IERC20(a.token),
                ISidecarStaking(a.sidecarStaking),
                a.insurancePool,
                _addresses(".governance.invited"),
                block.timestamp + _uint(".governance.transitionDelay"),
                c
            )
        );
    }

    function _write(Addresses memory a, uint256 startBlock) private {
        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeUint(o, "startBlock", startBlock);
        vm.serializeAddress(o, "MzkuToken", a.token);
        vm.serializeAddress(o, "Governance", a.governance);
        vm.serializeAddress(o, "ProviderRegistry", a.providerRegistry);
        vm.serializeAddress(o, "NodeRegistry", a.nodeRegistry);
        vm.serializeAddress(o, "SidecarStaking", a.sidecarStaking);
        vm.serializeAddress(o, "UptimeReports", a.uptimeReports);
        vm.serializeAddress(o, "Reputation", a.reputation);
        vm.serializeAddress(o, "PricingPolicy", a.pricingPolicy);
        vm.serializeAddress(o, "ProjectMarket", a.projectMarket);
        vm.serializeAddress(o, "RewardPool", a.rewardPool);
        vm.serializeAddress(o, "InsurancePool", a.insurancePool);
        vm.serializeAddress(o, "DepositContract", a.depositContract);
        string memory json = vm.serializeAddress(o, "MicroPoolFactory", a.microPoolFactory);
        vm.createDir("deployments", true); // absent in a fresh clone (not in git)
        vm.writeJson(json, string.concat("deployments/", vm.envString("MZKU_DEPLOYMENT_NAME"), ".json"));
    }

    function _depositContractFromConfig() private view returns (address) {
        return vm.parseJsonAddress(_config, ".micropool.depositContract");
    }

    function _uint(string memory key) private view returns (uint256) {
        return vm.parseJsonUint(_config, key);
    }

    function _addresses(string memory key) private view returns (address[] memory) {
        return vm.parseJsonAddressArray(_config, key);
    }

    function _list(address x) private pure returns (address[] memory l) {
        l = new address[](1);
        l[0] = x;
    }

    function _list(address x, address y) private pure returns (address[] memory l) {
        l = new address[](2);
        (l[0], l[1]) = (x, y);
    }

    function _check(string memory name, address expected, address actual) private pure {
        if (expected != actual) revert DeployAddressMismatch(name, expected, actual);
    }
}
