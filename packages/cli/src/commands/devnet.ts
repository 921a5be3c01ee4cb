import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "@mzku/errors";
import type { Logger } from "@mzku/log";
import {
  type AnvilInstance,
  bootstrapActions,
  contractsDir,
  deployProtocol,
  devAccount,
  devWallet,
  passProposal,
  seatInvitedGovernors,
  startAnvil,
} from "@mzku/sdk/devnet";
import { createTestClient, http } from "viem";
import { foundry } from "viem/chains";

/** anvil's first dev account: the deployer, which keeps no power after the deployment. */
const DEV_DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export const devnetUsage = `mzku devnet [--port 8545] [--config contracts/config/devnet.json] [--block-time <s>]

Starts a local chain (anvil) on 127.0.0.1, deploys the whole protocol with the production deploy
script, seats the invited governors of the config (they lock the minimum stake themselves), passes
the bootstrap proposal (stake observers → Reward Pool; the devnet clock jumps past the timelock), prints
the deployed addresses as JSON on stdout and stays up until Ctrl-C, which stops everything it started.`;

export async function devnet(argv: string[], log: Logger): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "8545" },
      config: { type: "string" },
      "block-time": { type: "string" },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535)
    throw new UsageError("BAD_PORT", `--port must be 1-65535, got ${values.port}`);
  const blockTime = values["block-time"] === undefined ? undefined : Number(values["block-time"]);
  if (blockTime !== undefined && !(blockTime > 0))
    throw new UsageError("BAD_BLOCK_TIME", `--block-time must be > 0 seconds`);

  log.info("Starting anvil", { host: "127.0.0.1", port });
  const anvil: AnvilInstance = await startAnvil({ port, ...(blockTime ? { blockTime } : {}) });
  const stop = async () => {
    log.info("Stopping devnet", { anvilPid: anvil.pid });
    await anvil.stop();
  };
  try {
    log.info("Deploying protocol", { rpcUrl: anvil.rpcUrl });
    const deployment = await deployProtocol({
      rpcUrl: anvil.rpcUrl,
      privateKey: DEV_DEPLOYER_KEY,
      name: "devnet",
      ...(values.config ? { configPath: values.config } : {}),
      onOutput: (line) => {
        if (/^\s*(##|✅|Total Paid)/.test(line)) log.info("forge", { line: line.trim() });
      },
    });
    const configPath = values.config ?? join(contractsDir(), "config", "devnet.json");
    const governors = devGovernors(configPath, anvil.rpcUrl);
    log.info("Seating the invited governors", { count: governors.length });
    await seatInvitedGovernors(deployment, governors);
    log.info(
      "Passing the bootstrap proposal (stake observers → Reward Pool); moves the devnet clock past the timelock",
    );
    const testClient = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.rpcUrl) });
    const proposalId = await passProposal(deployment, governors, testClient, bootstrapActions(deployment), "bootstrap");
    log.info("Bootstrap proposal executed", { proposalId });
    process.stdout.write(
      `${JSON.stringify({ rpcUrl: anvil.rpcUrl, chainId: deployment.chainId, startBlock: deployment.startBlock.toString(), contracts: deployment.contracts }, null, 2)}\n`,
    );
    log.info("Devnet up; Ctrl-C stops it", { rpcUrl: anvil.rpcUrl });
  } catch (error) {
    await stop();
    throw error;
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await stop();
}

/** The invited governors of the config, as dev accounts (their keys are anvil's public dev keys). */
function devGovernors(configPath: string, rpcUrl: string) {
  const config = JSON.parse(readFileSync(configPath, "utf8")) as { governance?: { invited?: unknown } };
  const invited = config.governance?.invited;
  if (!Array.isArray(invited)) throw new UsageError("BAD_CONFIG", `${configPath}: governance.invited must be a list`);
  return invited.map((address) => {
    for (let i = 0; i < 20; i++) {
      if (devAccount(i).address.toLowerCase() === String(address).toLowerCase()) return devWallet(rpcUrl, i);
    }
    throw new UsageError("BAD_CONFIG", `invited governor ${String(address)} is not one of anvil's 20 dev accounts`);
  });
}
