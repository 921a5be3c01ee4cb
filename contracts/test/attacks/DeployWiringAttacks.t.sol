// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {Governed} from "../../src/governance/Governed.sol";
import {Governance} from "../../src/governance/Governance.sol";
import {IStakeObserver} from "../../src/interfaces/IStakeObserver.sol";
import {RewardPool} from "../../src/pools/RewardPool.sol";

/// @notice The protocol as the deploy script wires it: no contract holds an authorization it does not use
///         (an unused authorization is power a compromised or buggy contract could turn against others).
contract DeployWiringAttacksTest is Test {
    Deploy.Addresses internal a;

    function setUp() public {
        vm.setEnv("MZKU_DEPLOY_CONFIG_JSON", vm.readFile("config/devnet.json"));
        vm.setEnv("MZKU_DEPLOYMENT_NAME", "forge-test-wiring");
        a = new Deploy().run();
    }

    function test_Attack_ExcessAuthorizations_EachCallerOnlyWhereItCalls() public view {
        address[5] memory callers = [a.projectMarket, a.reputation, a.microPoolFactory, a.rewardPool, a.insurancePool];
        // [contract][caller]: expected authorization.
        address[6] memory targets =
            [a.providerRegistry, a.nodeRegistry, a.reputation, a.rewardPool, a.insurancePool, a.sidecarStaking];
        bool[5][6] memory expected;
        expected[0][0] = true; // ProviderRegistry: ProjectMarket slashes collateral
        expected[0][1] = true; // ProviderRegistry: Reputation reports scores
        expected[1][0] = true; // NodeRegistry: ProjectMarket fails nodes
        expected[2][0] = true; // Reputation: ProjectMarket records wins and finishes
        expected[3][0] = true; // RewardPool: ProjectMarket marks project start and end
        expected[4][0] = true; // InsurancePool: ProjectMarket compensates requesters
        expected[4][2] = true; // InsurancePool: MicroPoolFactory compensates pools
        for (uint256 t = 0; t < targets.length; ++t) {
            for (uint256 c = 0; c < callers.length; ++c) {
                assertEq(
                    Governed(targets[t]).isAuthorizedCaller(callers[c]),
                    expected[t][c],
                    string.concat("target ", vm.toString(t), " caller ", vm.toString(c))
                );
            }
        }
    }

    /// @dev Stake sources of the Reward Pool are the contracts that report each class.
    function test_deploy_rewardPoolStakeSources() public view {
        RewardPool rp = RewardPool(payable(a.rewardPool));
        assertEq(rp.stakeSource(IStakeObserver.StakeClass.Governor), a.governance);
        assertEq(rp.stakeSource(IStakeObserver.StakeClass.Sidecar), a.sidecarStaking);
        assertEq(address(Governance(payable(a.governance)).stakeVault()).code.length > 0, true);
    }
}
