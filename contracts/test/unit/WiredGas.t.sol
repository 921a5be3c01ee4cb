// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {Governance} from "../../src/governance/Governance.sol";
import {IPricingPolicy} from "../../src/interfaces/IPricingPolicy.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {Resources} from "../../src/interfaces/ProtocolTypes.sol";
import {ProjectMarket} from "../../src/market/ProjectMarket.sol";
import {PricingPolicy} from "../../src/market/PricingPolicy.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";
import {NodeRegistry} from "../../src/registry/NodeRegistry.sol";
import {ProviderRegistry} from "../../src/registry/ProviderRegistry.sol";
import {SidecarStaking} from "../../src/registry/SidecarStaking.sol";

/// @notice Gas of the calls users pay most, on the protocol as `mzku devnet` leaves it: deployed by
///         Deploy.s.sol, the invited governors seated, the bootstrap proposal executed (stake observers
///         wired to the Reward Pool), then a steady state with rewards streaming — the same state as
///         the gas bench (bench/gas/scenarios/deployed.mjs). Named snapshots in group "wired"
///         (snapshots/wired.json); `npm test` runs with FORGE_SNAPSHOT_CHECK=true, so a change that makes
///         one of them more expensive fails until the snapshot is regenerated on purpose.
/// forge-config: default.isolate = true
contract WiredGasTest is Test {
    uint256 internal constant E = 1 ether;
    IStakeObserver.StakeClass internal constant GOV = IStakeObserver.StakeClass.Governor;

    Deploy.Addresses internal a;
    IERC20 internal token;
    Governance internal gov;
    RewardPool internal pool;
    SidecarStaking internal staking;
    ProviderRegistry internal registry;
    NodeRegistry internal nodes;
    ProjectMarket internal market;

    // The devnet config's first token holder and invited governors (anvil dev accounts 0-3).
    address internal constant HOLDER = 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266;
    address[3] internal governors = [
        0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
        0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,
        0x90F79bf6EB2c4f870365E785982E1f101E93b906
    ];
    address internal providerA = makeAddr("providerA"); // node on S1, no project
    address internal providerB = makeAddr("providerB"); // node on S2 running project 1, idle node on S3
    address internal requester = makeAddr("requester");
    address internal funder = makeAddr("funder");
    address internal newStaker = makeAddr("newStaker");
    address internal newcomer = makeAddr("newcomer"); // a provider that has just applied
    address internal s1 = makeAddr("sidecar1");
    address internal s2 = makeAddr("sidecar2");
    address internal s3 = makeAddr("sidecar3");
    uint256 internal nodeS2;
    uint256 internal nodeS3;
    uint256 internal periodStart; // start of period 1
    uint256 internal periodLength;

    Resources internal nodeResources = Resources({cpuCores: 4, ramGb: 16, storageGb: 2000, bandwidthMbps: 100});
    Resources internal projectResources = Resources({cpuCores: 4, ramGb: 16, storageGb: 100, bandwidthMbps: 100});

    function setUp() public {
        vm.setEnv("MZKU_DEPLOY_CONFIG_JSON", vm.readFile("config/devnet.json"));
        vm.setEnv("MZKU_DEPLOYMENT_NAME", "forge-test-wired-gas");
        a = new Deploy().run();
        token = IERC20(a.token);
        gov = Governance(payable(a.governance));
        pool = RewardPool(payable(a.rewardPool));
        staking = SidecarStaking(a.sidecarStaking);
        registry = ProviderRegistry(a.providerRegistry);
        nodes = NodeRegistry(a.nodeRegistry);
        market = ProjectMarket(a.projectMarket);
        address[6] memory funded = [providerA, providerB, requester, funder, newStaker, newcomer];
        for (uint256 i = 0; i < funded.length; ++i) {
            vm.prank(HOLDER);
            token.transfer(funded[i], 100_000 * E);
            vm.deal(funded[i], 100 ether);
        }

        // What `mzku devnet` does after the deploy: seat the invited governors, pass the bootstrap.
        for (uint256 i = 0; i < 3; ++i) {
            uint256 stake = gov.minGovernorStake();
            vm.startPrank(governors[i]);
            token.approve(address(gov), stake + E);
            gov.acceptInvitation(stake);
            vm.stopPrank();
        }
        address[] memory targets = new address[](3);
        bytes[] memory calls = new bytes[](3);
        (targets[0], targets[1], targets[2]) = (a.governance, a.providerRegistry, a.sidecarStaking);
        for (uint256 i = 0; i < 3; ++i) {
            calls[i] = abi.encodeWithSignature("setStakeObserver(address)", address(pool));
        }
        _pass(targets, calls);

        // Steady state: every class holds positions (governors re-lock so theirs open).
        for (uint256 i = 0; i < 3; ++i) {
            vm.prank(governors[i]);
            gov.addStake(E);
        }
        uint256 idA = _provider(providerA, "Acme Nodes");
        uint256 idB = _provider(providerB, "Bolt Nodes");
        targets = new address[](4);
        calls = new bytes[](4);
        (targets[0], targets[1], targets[2], targets[3]) =
        (a.providerRegistry, a.providerRegistry, a.pricingPolicy, a.pricingPolicy);
        calls[0] = abi.encodeCall(ProviderRegistry.qualify, (idA));
        calls[1] = abi.encodeCall(ProviderRegistry.qualify, (idB));
        calls[2] = abi.encodeCall(
            PricingPolicy.setUnitPrices,
            (
                2,
                IPricingPolicy.UnitPrices({
                    basePerDay: uint128(100 * E),
                    perCpuCoreDay: 0,
                    perRamGbDay: 0,
                    perStorageGbDay: 0,
                    perBandwidthMbpsDay: 0
                })
            )
        );
        calls[3] = abi.encodeCall(
            PricingPolicy.setTypeTerms,
            (2, IPricingPolicy.TypeTerms({enabled: true, vickrey: false, expectedAprBps: 0, principalWei: 0}))
        );
        _pass(targets, calls);
        _node(providerA, s1);
        nodeS2 = _node(providerB, s2);
        nodeS3 = _node(providerB, s3);
        _stake(makeAddr("stakerS1"), s1);
        _stake(makeAddr("stakerS2"), s2);
        _stake(makeAddr("stakerS3"), s3);

        // Period 0's inflow streams in period 1; period 1's is queued for period 2.
        _deposit();
        (, uint256 start, uint256 length,) = pool.period();
        vm.warp(start + length + 4 hours);
        pool.sync();
        _deposit();
        uint256 projectId = _auction(providerB, requester);
        vm.prank(providerB);
        market.startProject(projectId, nodeS2);
        for (uint256 i = 0; i < 3; ++i) {
            vm.prank(governors[i]);
            pool.claimMzku(GOV, address(0));
        }
        (, periodStart, periodLength,) = pool.period();
        vm.warp(block.timestamp + 1 hours);
    }

    /// @dev A staker who has never staked, to a sidecar that has a staker and no project, mid-period.
    function test_gas_sidecarStake() public {
        _approveStake();
        vm.warp(periodStart + periodLength / 2);
        vm.prank(newStaker);
        staking.stake(s1, 100 * E);
        vm.snapshotGasLastCall("wired", "sidecar_stake");
    }

    /// @dev The first staker of a sidecar (a node registered just before), mid-period: it opens the
    ///      sidecar's Reward Pool slots, including the vesting-boundary slot its projects' starts update.
    function test_gas_sidecarStakeFirst() public {
        address s4 = makeAddr("sidecar4");
        _node(providerA, s4);
        _approveStake();
        vm.warp(periodStart + periodLength / 2);
        vm.prank(newStaker);
        staking.stake(s4, 100 * E);
        vm.snapshotGasLastCall("wired", "sidecar_stake_first");
    }

    /// @dev A new staker to the sidecar of a node running a project, as the first call of a period.
    function test_gas_sidecarStakeWorst() public {
        _approveStake();
        vm.warp(periodStart + periodLength + 60);
        vm.prank(newStaker);
        staking.stake(s2, 100 * E);
        vm.snapshotGasLastCall("wired", "sidecar_stake_worst");
    }

    /// @dev A governor's MZKU claim mid-period (it claimed before), and as the first call of a period.
    function test_gas_claim() public {
        vm.warp(periodStart + periodLength / 2);
        vm.prank(governors[0]);
        pool.claimMzku(GOV, address(0));
        vm.snapshotGasLastCall("wired", "claim");
    }

    function test_gas_claimWorst() public {
        vm.warp(periodStart + periodLength + 60);
        vm.prank(governors[0]);
        pool.claimMzku(GOV, address(0));
        vm.snapshotGasLastCall("wired", "claim_worst");
    }

    /// @dev A provider's first collateral deposit (opens its Reward Pool position), mid-period.
    function test_gas_collateralDeposit() public {
        vm.prank(newcomer);
        registry.applyAsProvider("Cirrus Lab", nodeResources, uint128(1000 * E), "ipfs://cirrus");
        vm.prank(newcomer);
        token.approve(address(registry), 10_000 * E); // as the bench: a top-up follows there
        vm.warp(periodStart + periodLength / 2);
        vm.prank(newcomer);
        registry.depositCollateral(5000 * E);
        vm.snapshotGasLastCall("wired", "collateral_deposit");
    }

    /// @dev startProject by a provider that started one before, for a requester with a running project,
    ///      on a node whose sidecar has a staker.
    function test_gas_projectStart() public {
        uint256 projectId = _auction(providerB, requester);
        vm.prank(providerB);
        market.startProject(projectId, nodeS3);
        vm.snapshotGasLastCall("wired", "project_start");
    }

    // ------------------------------------------------------------------------------------------------

    function _pass(address[] memory targets, bytes[] memory calls) internal {
        uint256[] memory values = new uint256[](targets.length);
        vm.prank(governors[0]);
        uint256 id = gov.propose(targets, values, calls, "wired gas");
        for (uint256 i = 0; i < 3; ++i) {
            vm.prank(governors[i]);
            gov.castVote(id, 1); // For
        }
        vm.warp(
            block.timestamp + gov.param(Governance.Param.VotingPeriod) + gov.param(Governance.Param.ExecutionDelay) + 1
        );
        gov.execute(id, targets, values, calls);
    }

    function _provider(address owner, string memory brand) internal returns (uint256 id) {
        vm.startPrank(owner);
        id = registry.applyAsProvider(brand, Resources(16, 64, 8000, 1000), uint128(1000 * E), "ipfs://x");
        token.approve(address(registry), 10_000 * E);
        registry.depositCollateral(10_000 * E);
        vm.stopPrank();
    }

    function _node(address owner, address sidecar) internal returns (uint256 id) {
        vm.startPrank(owner);
        id = nodes.registerNode(sidecar, nodeResources);
        nodes.activateNode(id);
        vm.stopPrank();
    }

    function _stake(address staker, address sidecar) internal {
        vm.prank(HOLDER);
        token.transfer(staker, 100 * E);
        vm.startPrank(staker);
        token.approve(address(staking), 100 * E);
        staking.stake(sidecar, 100 * E);
        vm.stopPrank();
    }

    function _approveStake() internal {
        vm.prank(newStaker);
        token.approve(address(staking), 100 * E);
    }

    function _deposit() internal {
        vm.startPrank(funder);
        token.approve(address(pool), 10_000 * E);
        pool.depositMzku(10_000 * E);
        pool.depositEth{value: 10 ether}();
        vm.stopPrank();
    }

    /// @dev `bidder` is the only bidder (60 MZKU) on a new 30-day project of type 2; settled.
    function _auction(address bidder, address by) internal returns (uint256 projectId) {
        vm.startPrank(by);
        token.approve(address(market), 10_000 * E);
        projectId = market.openProject(projectResources, 30 days, 2, 10_000 * E);
        vm.stopPrank();
        vm.startPrank(bidder);
        token.approve(address(market), 1000 * E);
        market.depositBond(1000 * E);
        bytes32 salt = keccak256(abi.encode(projectId));
        market.commit(projectId, market.commitmentOf(60 * E, salt, bidder, projectId));
        vm.stopPrank();
        ProjectMarket.ProjectView memory p = market.getProject(projectId);
        vm.roll(p.commitEndBlock);
        vm.prank(bidder);
        market.reveal(projectId, 0, 60 * E, salt);
        vm.roll(p.revealEndBlock);
        market.settle(projectId);
    }
}
