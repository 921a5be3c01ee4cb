// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script} from "forge-std/Script.sol";
import {MzkuToken} from "../src/token/MzkuToken.sol";

/// @title Deploy
/// @notice Deploys the whole MZKU protocol from a JSON config, the same way on anvil and on a real
///         network: `forge script script/Deploy.s.sol:Deploy --rpc-url <url> --private-key <key> --broadcast`
///         with `MZKU_DEPLOY_CONFIG_JSON="$(cat config/devnet.json)"` and `MZKU_DEPLOYMENT_NAME=<name>` (the addresses are
///         written to `deployments/<name>.json`). Contracts that call each other take each other's
///         addresses as immutable constructor arguments: the script precomputes every CREATE address
///         from the deployer's nonce, so no deployer or owner key keeps any power afterwards.
contract Deploy is Script {
    /// @notice A contract was deployed at another address than precomputed (nonce drift).
    error DeployAddressMismatch(string name, address expected, address actual);

    struct Deployed {
        address token;
    }

    function run() external returns (Deployed memory d) {
        string memory config = vm.envString("MZKU_DEPLOY_CONFIG_JSON");
        uint256 startBlock = block.number;

        vm.startBroadcast();
        (, address deployer,) = vm.readCallers();
        uint64 nonce = vm.getNonce(deployer);
        address expectedToken = vm.computeCreateAddress(deployer, nonce);

        d.token = address(
            new MzkuToken(vm.parseJsonAddressArray(config, ".token.holders"), vm.parseJsonUintArray(config, ".token.amounts"))
        );
        _check("MzkuToken", expectedToken, d.token);
        vm.stopBroadcast();

        string memory obj = "deployment";
        vm.serializeUint(obj, "chainId", block.chainid);
        vm.serializeUint(obj, "startBlock", startBlock);
        string memory json = vm.serializeAddress(obj, "MzkuToken", d.token);
        vm.writeJson(json, string.concat("deployments/", vm.envString("MZKU_DEPLOYMENT_NAME"), ".json"));
    }

    function _check(string memory name, address expected, address actual) private pure {
        if (expected != actual) revert DeployAddressMismatch(name, expected, actual);
    }
}
